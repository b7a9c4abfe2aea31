"""A tiny HTTP client with one cookie jar, for pages over real HTTP (no redirects followed)."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlparse


@dataclass
class Page:
    status: int
    text: str
    location: str | None


@dataclass
class Visitor:
    base: str
    cookie: str | None = None
    csrf: str | None = None
    history: list[int] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Page:
        url = urlparse(self.base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        conn.close()
        found = re.search(r'name="csrf_token" value="([^"]+)"', text)
        if found:
            self.csrf = found.group(1)
        self.history.append(response.status)
        return Page(response.status, text, response.getheader("Location"))

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, **form: str) -> Page:
        return self.request("POST", path, {**form, "csrf_token": self.csrf or ""})

    def log_in(self, username: str, password: str) -> Page:
        self.get("/login")
        return self.post("/login", username=username, password=password)
