"""A small HTTP client for tests: real requests over loopback, JSON in and out."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import urlparse

from engine.context import Samverkan


@dataclass
class Response:
    status: int
    body: Any
    raw: bytes
    headers: dict[str, str]


class ApiClient:
    def __init__(self, base: str, engine: Samverkan, accounts: ModuleType, token: str | None = None) -> None:
        self.base, self.engine, self.accounts, self.token = base, engine, accounts, token

    def as_user(self, name: str, *roles: str) -> ApiClient:
        if self.accounts.get_user(self.engine, name) is None:
            self.accounts.add_user(self.engine, name, list(roles), "lösenord-123")
        return ApiClient(self.base, self.engine, self.accounts, self.accounts.new_token(self.engine, name))

    def request(
        self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, content_type: str | None = None
    ) -> Response:
        url = urlparse(self.base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = raw
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        conn.request(method, "/api/v1" + path, body=payload, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = None
        return Response(resp.status, parsed, data, dict(resp.getheaders()))

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", path, body, **kwargs)
