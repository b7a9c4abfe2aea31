"""The OpenAPI document describes every route of /api/v1 with its methods, parameters and errors."""

from __future__ import annotations

import re

from engine.context import Samverkan
from web import create_app
from web.openapi import OPENAPI

PUBLIC = {"/health", "/openapi.json", "/public/cases"}


def _api_routes(engine: Samverkan) -> set[tuple[str, str]]:
    app = create_app({"TESTING": True}, engine=engine)
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(path, m.lower()) for m in rule.methods or () if m not in ("HEAD", "OPTIONS")}
    return routes


def test_every_api_route_is_documented(engine: Samverkan) -> None:
    documented = {(path, method) for path, item in OPENAPI["paths"].items() for method in item}
    assert _api_routes(engine) == documented


def test_every_operation_documents_its_path_parameters_and_errors() -> None:
    for path, item in OPENAPI["paths"].items():
        for method, operation in item.items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert names == set(re.findall(r"{([a-z_]+)}", path)), (method, path)
            if path not in PUBLIC:
                assert "401" in operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"
                    }, (method, path, status)
            if method == "post" and "requestBody" in operation:
                assert operation["requestBody"]["content"], (method, path)


def test_cases_list_documents_limit_and_offset() -> None:
    parameters = {p["name"]: p["schema"] for p in OPENAPI["paths"]["/cases"]["get"]["parameters"]}
    assert parameters["limit"] == {"type": "integer", "minimum": 0, "maximum": 5000}
    assert parameters["offset"]["minimum"] == 0
    assert "400" in OPENAPI["paths"]["/cases"]["get"]["responses"]


def test_the_document_is_served(live_server: str) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{live_server}/api/v1/openapi.json") as response:
        assert json.load(response) == OPENAPI
