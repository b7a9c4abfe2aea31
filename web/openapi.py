"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "401": _json(_ref("Error"), "Token saknas eller är ogiltig"),
    "403": _json(_ref("Error"), "Rollen får inte göra detta"),
    "404": _json(_ref("Error"), "Finns inte"),
}

_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string"}}
_CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _op(summary: str, ok: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {"200": ok, **_ERRORS}, **extra}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Samverkan API", "version": "1"},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message", "details"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "details": {"type": "array"},
                        },
                    }
                },
            },
            "Task": {
                "type": "object",
                "required": ["id", "case_id", "element_id", "name", "role", "assignee", "due_at", "created_at"],
                "properties": {
                    "id": {"type": "string"},
                    "case_id": {"type": "integer"},
                    "element_id": {"type": "string"},
                    "name": {"type": "string"},
                    "role": {"type": "string"},
                    "assignee": {"type": ["string", "null"]},
                    "due_at": {"type": ["string", "null"], "format": "date-time"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "form": {"type": "object", "description": "JSON Schema för uppgiftens fält"},
                },
            },
            "Case": {
                "type": "object",
                "required": [
                    "id",
                    "title",
                    "process_id",
                    "process_version",
                    "status",
                    "end_event",
                    "area",
                    "phase",
                    "active_elements",
                    "open_tasks",
                    "data",
                    "created_at",
                    "updated_at",
                ],
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "process_id": {"type": "string"},
                    "process_version": {"type": "integer"},
                    "status": {"enum": ["active", "completed", "cancelled"]},
                    "end_event": {"type": ["string", "null"]},
                    "area": {"type": ["string", "null"]},
                    "phase": {"type": ["string", "null"]},
                    "active_elements": {"type": "array", "items": {"type": "string"}},
                    "open_tasks": {"type": "array", "items": _ref("Task")},
                    "data": {"type": "object"},
                    "incident": {"type": ["object", "null"]},
                    "created_at": {"type": "string", "format": "date-time"},
                    "updated_at": {"type": "string", "format": "date-time"},
                },
            },
        },
    },
    "paths": {
        "/health": {
            "get": {"summary": "Hälsokontroll", "security": [], "responses": {"200": _json({"type": "object"})}}
        },
        "/processes": {
            "get": _op("Alla processversioner", _json({"type": "array"})),
            "post": {
                "summary": "Driftsätt en processversion (BPMN-XML eller multipart-fältet file)",
                "requestBody": {
                    "content": {
                        "application/xml": {"schema": {"type": "string"}},
                        "multipart/form-data": {
                            "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
                        },
                    }
                },
                "responses": {
                    "201": _json(
                        {"type": "object"},
                        "Driftsatt: {process_id, version, created}; created är false om samma XML redan fanns",
                    ),
                    "422": _json(_ref("Error"), "Ogiltig BPMN; details = [{element_id, message}]"),
                    **_ERRORS,
                },
            },
        },
        "/processes/validate": {
            "post": {
                "summary": "Validera BPMN-XML utan att driftsätta (processägare, administratör)",
                "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}},
                "responses": {
                    "200": _json({"type": "object"}, "problems = [{element_id, message}], tom om giltig"),
                    **_ERRORS,
                },
            },
        },
        "/processes/{process_id}/bpmn": {
            "get": _op(
                "BPMN-XML för en version (senaste som standard)",
                {"description": "XML", "content": {"application/xml": {"schema": {"type": "string"}}}},
                parameters=[
                    {"name": "process_id", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "version", "in": "query", "schema": {"type": "integer"}},
                ],
            )
        },
        "/areas": {"get": _op("Områden", _json({"type": "array"}))},
        "/cases": {
            "get": _op(
                "Ärenden",
                _json(
                    {
                        "type": "object",
                        "properties": {"items": {"type": "array", "items": _ref("Case")}, "total": {"type": "integer"}},
                    }
                ),
                parameters=[
                    {"name": n, "in": "query", "schema": {"type": "string"}}
                    for n in ("status", "area", "element", "overdue", "phase", "role")
                ],
            ),
            "post": {
                "summary": "Starta ett ärende",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["process_id", "title"],
                                "properties": {
                                    "process_id": {"type": "string"},
                                    "start_event": {"type": "string"},
                                    "title": {"type": "string"},
                                    "data": {"type": "object"},
                                },
                            }
                        }
                    }
                },
                "responses": {"201": _json(_ref("Case"), "Startat"), "422": _json(_ref("Error")), **_ERRORS},
            },
        },
        "/cases/{case_id}": {"get": _op("Ett ärende", _json(_ref("Case")), parameters=[_CASE_ID])},
        "/cases/{case_id}/history": {"get": _op("Ärendets historik", _json({"type": "array"}), parameters=[_CASE_ID])},
        "/tasks": {"get": _op("Öppna uppgifter för mina roller", _json({"type": "array", "items": _ref("Task")}))},
        "/tasks/{task_id}": {"get": _op("En uppgift med formulär", _json(_ref("Task")), parameters=[_ID])},
        "/tasks/{task_id}/claim": {"post": _op("Ta uppgiften", _json(_ref("Task")), parameters=[_ID])},
        "/tasks/{task_id}/unclaim": {"post": _op("Släpp uppgiften", _json(_ref("Task")), parameters=[_ID])},
        "/tasks/{task_id}/complete": {
            "post": {
                "summary": "Slutför uppgiften",
                "parameters": [_ID],
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"type": "object", "properties": {"data": {"type": "object"}}}}
                    }
                },
                "responses": {
                    "200": _json(_ref("Case"), "Ärendet efter steget"),
                    "409": _json(_ref("Error"), "Uppgiften är inte längre öppen"),
                    "422": _json(_ref("Error"), "details = [{field, message}]"),
                    **_ERRORS,
                },
            }
        },
        "/overview": {"get": _op("Översikt över aktiva ärenden", _json({"type": "object"}))},
        "/incidents": {"get": _op("Incidenter: stannade timrar och ärenden", _json({"type": "array"}))},
        "/incidents/timers/{timer_id}/retry": {
            "post": _op(
                "Kör om en timer med incident (admin)",
                _json({"type": "object"}),
                parameters=[{"name": "timer_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            )
        },
        "/notifications": {"get": _op("Mina olästa notiser (till mig eller mina roller)", _json({"type": "array"}))},
        "/notifications/{notification_id}/read": {
            "post": _op(
                "Markera notisen som läst",
                _json({"type": "object"}),
                parameters=[{"name": "notification_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            )
        },
    },
}
