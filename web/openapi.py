"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Every route of the API blueprint is here (``tests/test_openapi.py`` checks), with the error
answers it can give; ``tests/test_api_fuzz.py`` runs schemathesis against this document.
"""

from __future__ import annotations

from typing import Any

from engine.area_coordination import COORDINATOR_FIELDS, EFFORT_FIELDS
from engine.inputs import MAX_ID
from engine.roles import ROLES

MAX_LIMIT = 5000
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR_MEANINGS = {
    "400": "Kroppen eller en parameter går inte att läsa (inte JSON, fel typ, otillåtna tecken)",
    "401": "Token saknas eller är ogiltig",
    "403": "Rollen får inte göra detta",
    "404": "Finns inte",
    "409": "Någon annan hann före, eller tillståndet tillåter det inte",
    "413": "Kroppen är för stor",
    "422": "Uppgifterna klarar inte kontrollen; details säger vad och var",
}


def _errors(*statuses: int) -> dict[str, Any]:
    """The error answers of one operation; 401 always (every operation needs a token)."""
    return {str(s): _json(_ref("Error"), ERROR_MEANINGS[str(s)]) for s in sorted({401, *statuses})}


def _path(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_DB_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

_BLOCKED_CASES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["case_id", "reason"],
        "properties": {"case_id": {"type": "integer"}, "reason": {"type": "string"}},
    },
}
_CASE_IDS = {"type": "array", "items": {"type": "integer"}}
_MIGRATION_PREVIEW = {
    "type": "object",
    "required": ["movable", "blocked"],
    "properties": {"movable": _CASE_IDS, "blocked": _BLOCKED_CASES},
}
_MIGRATION_RESULT = {
    "type": "object",
    "required": ["moved", "blocked"],
    "properties": {"moved": _CASE_IDS, "blocked": _BLOCKED_CASES},
}

_CASE_ID = _path("case_id", _DB_ID, "Ärendets id")


def _texts(fields: dict[str, int]) -> dict[str, Any]:
    """Text properties with their column's length, from the engine's own list of fields."""
    return {name: {"type": "string", "maxLength": length} for name, length in fields.items()}


_AREA_ID = _path("area_id", {"type": "string", "maxLength": 100}, "Områdets id")
_TASK_ID = _path("task_id", {"type": "string", "maxLength": 36}, "Uppgiftens id (UUID)")
_JSON_OBJECT = {"type": "object", "additionalProperties": True}


def _body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _op(summary: str, ok: dict[str, Any], *errors: int, status: int = 200, **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {str(status): ok, **_errors(*errors)}, **extra}


_BPMN_BODY = {
    "required": True,
    "content": {
        "application/xml": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "comment": {"type": "string", "maxLength": 500},
                },
            }
        },
    },
}

SCHEMAS: dict[str, Any] = {
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
    "Problem": {
        "type": "object",
        "required": ["element_id", "message"],
        "properties": {"element_id": {"type": ["string", "null"]}, "message": {"type": "string"}},
    },
    "ProcessVersion": {
        "type": "object",
        "required": ["process_id", "version", "name", "deployed_at"],
        "properties": {
            "process_id": {"type": "string"},
            "version": {"type": "integer"},
            "name": {"type": "string"},
            "deployed_at": {"type": "string", "format": "date-time"},
            "deployed_by": {"type": "string"},
            "comment": {"type": "string"},
        },
    },
    "Deployed": {
        "type": "object",
        "required": ["process_id", "version", "created"],
        "properties": {
            "process_id": {"type": "string"},
            "version": {"type": "integer"},
            "created": {"type": "boolean", "description": "false om samma XML redan var driftsatt"},
        },
    },
    "Area": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
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
            "handlaggare": {"type": ["string", "null"], "description": "Ansvarig handläggare (användarnamn)"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "AreaEffort": {
        "type": "object",
        "required": ["id", "programme", "forvaltning", "contact", "period"],
        "properties": {
            "id": {"type": "integer"},
            "programme": {"type": "string"},
            "forvaltning": {"type": "string"},
            "contact": {"type": "string"},
            "period": {"type": "string"},
            "updated_by": {"type": "string"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "AreaCoordination": {
        "type": "object",
        "required": ["id", "name", "coordinator", "efforts"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "coordinator": {
                "type": ["object", "null"],
                "properties": _texts(COORDINATOR_FIELDS),
            },
            "efforts": {"type": "array", "items": _ref("AreaEffort")},
        },
    },
    "Reassignment": {
        "type": "object",
        "required": ["from", "to", "blocked"],
        "properties": {
            "from": {"type": "string"},
            "to": {"type": "string"},
            "movable": {"type": "array", "items": {"type": "object"}, "description": "Förhandsvisning: flyttas"},
            "moved": {"type": "array", "items": {"type": "object"}, "description": "Flyttades"},
            "blocked": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"task_id": {"type": "string"}, "reason": {"type": "string"}},
                },
                "description": "Kan inte flyttas, med skäl (mottagaren saknar uppgiftens roll)",
            },
        },
    },
    "HistoryEntry": {
        "type": "object",
        "required": ["at", "actor", "action", "element_id", "details"],
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "actor": {"type": "string"},
            "action": {"type": "string"},
            "element_id": {"type": ["string", "null"]},
            "details": {"type": "object"},
        },
    },
    "Document": {
        "type": "object",
        "required": ["kind", "title", "period", "url"],
        "properties": {
            "kind": {"enum": ["ansokan", "beslutsunderlag", "uppfoljningsrapport", "slutrapport"]},
            "title": {"type": "string"},
            "period": {
                "type": ["object", "null"],
                "description": "Perioden dokumentet gäller (datum ÅÅÅÅ-MM-DD); number är uppföljningens nummer",
                "properties": {
                    "number": {"type": ["integer", "null"]},
                    "start": {"type": "string", "format": "date"},
                    "end": {"type": "string", "format": "date"},
                },
            },
            "url": {"type": "string", "description": "Filen: med token, eller med inloggad webbsession"},
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
        },
    },
    "Notification": {
        "type": "object",
        "required": ["id", "case_id", "reason", "message", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "case_id": {"type": "integer"},
            "case_title": {"type": "string"},
            "task_element_id": {"type": ["string", "null"]},
            "reason": {"type": "string"},
            "message": {"type": "string"},
            "recipient": {"type": ["string", "null"]},
            "role": {"type": ["string", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
}

PATHS: dict[str, Any] = {
    "/health": {
        "get": {
            "summary": "Hälsokontroll",
            "security": [],
            "description": "200 när databasen svarar på en fråga, annars 503; säger när timrarna senast sveptes.",
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["status", "database", "worker"],
                        "properties": {
                            "status": {"const": "ok"},
                            "database": {"const": "ok"},
                            "worker": {
                                "type": "object",
                                "properties": {
                                    "status": {"enum": ["ok", "stale", "none"]},
                                    "last_sweep_at": {"type": ["string", "null"], "format": "date-time"},
                                    "seconds_since_last_sweep": {"type": ["number", "null"]},
                                    "active_workers": {"type": "integer"},
                                },
                            },
                        },
                    }
                ),
                "503": _json(
                    {
                        "type": "object",
                        "properties": {"status": {"const": "error"}, "database": {"const": "error"}, "error": {}},
                    }
                ),
            },
        }
    },
    "/openapi.json": {
        "get": {"summary": "Det här dokumentet", "security": [], "responses": {"200": _json({"type": "object"})}}
    },
    "/processes": {
        "get": _op("Alla processversioner", _json({"type": "array", "items": _ref("ProcessVersion")})),
        "post": _op(
            "Driftsätt en processversion (BPMN-XML i kroppen eller multipart-fältet file); processägare, admin",
            _json(_ref("Deployed"), "Driftsatt; created är false om samma XML redan fanns"),
            400,
            403,
            413,
            422,
            status=201,
            parameters=[_query("comment", {"type": "string", "maxLength": 500}, "Kommentar till versionen")],
            requestBody=_BPMN_BODY,
        ),
    },
    "/processes/validate": {
        "post": _op(
            "Validera BPMN-XML utan att driftsätta; processägare, admin",
            _json(
                {
                    "type": "object",
                    "required": ["problems"],
                    "properties": {"problems": {"type": "array", "items": _ref("Problem")}},
                },
                "problems är tom om processen är giltig",
            ),
            400,
            403,
            413,
            requestBody=_BPMN_BODY,
        )
    },
    "/processes/{process_id}/bpmn": {
        "get": _op(
            "BPMN-XML för en version (senaste som standard)",
            {"description": "XML", "content": {"application/xml": {"schema": {"type": "string"}}}},
            400,
            404,
            parameters=[
                _path("process_id", {"type": "string", "maxLength": 200}, "Processens id"),
                _query("version", _DB_ID, "Versionsnummer; utan: senaste"),
            ],
        )
    },
    "/processes/{process_id}/migration": {
        "get": _op(
            "Förhandsvisning: vilka pågående ärenden kan flyttas från version from till to, och varför inte",
            _json(_MIGRATION_PREVIEW),
            400,
            403,
            404,
            422,
            parameters=[
                _path("process_id", {"type": "string", "maxLength": 200}, "Processens id"),
                _query("from", _DB_ID, "Versionen ärendena har nu"),
                _query("to", _DB_ID, "Versionen de ska flytta till"),
            ],
        ),
        "post": _op(
            "Flytta de flyttbara ärendena (alla eller de angivna) till version to, en transaktion per ärende",
            _json(_MIGRATION_RESULT),
            400,
            403,
            404,
            422,
            parameters=[_path("process_id", {"type": "string", "maxLength": 200}, "Processens id")],
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["from", "to"],
                    "properties": {
                        "from": _DB_ID,
                        "to": _DB_ID,
                        "cases": {"type": "array", "items": {"type": "integer"}},
                    },
                }
            ),
        ),
    },
    "/processes/{process_id}/rollback": {
        "post": _op(
            "Driftsätt en tidigare versions modell igen som nyaste version (based_on: den versionen)",
            _json(
                {
                    "type": "object",
                    "required": ["process_id", "version", "based_on"],
                    "properties": {"process_id": {"type": "string"}, "version": _DB_ID, "based_on": _DB_ID},
                },
                "Den nya versionen",
            ),
            400,
            403,
            404,
            422,
            status=201,
            parameters=[_path("process_id", {"type": "string", "maxLength": 200}, "Processens id")],
            requestBody=_body({"type": "object", "required": ["version"], "properties": {"version": _DB_ID}}),
        )
    },
    "/cases/{case_id}/move": {
        "post": _op(
            "Reparera: flytta ärendets läge till en uppgift i dess egen version (admin, skäl krävs)",
            _json(_ref("Case"), "Ärendet efter flytten"),
            400,
            403,
            404,
            409,
            422,
            parameters=[_CASE_ID],
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["element_id", "reason"],
                    "properties": {"element_id": {"type": "string"}, "reason": {"type": "string", "minLength": 1}},
                }
            ),
        )
    },
    "/cases/{case_id}/cancel": {
        "post": _op(
            "Reparera: avbryt ärendet (admin, skäl krävs); status blir cancelled",
            _json(_ref("Case"), "Det avbrutna ärendet"),
            400,
            403,
            404,
            409,
            422,
            parameters=[_CASE_ID],
            requestBody=_body(
                {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "minLength": 1}}}
            ),
        )
    },
    "/areas": {"get": _op("Områden", _json({"type": "array", "items": _ref("Area")}))},
    "/cases": {
        "get": _op(
            "Ärenden, filtrerade",
            _json(
                {
                    "type": "object",
                    "required": ["items", "total"],
                    "properties": {"items": {"type": "array", "items": _ref("Case")}, "total": {"type": "integer"}},
                }
            ),
            400,
            parameters=[
                _query("status", {"enum": ["active", "completed", "cancelled"]}, "Ärendets status"),
                _query("area", {"type": "string"}, "Områdets id"),
                _query("element", {"type": "string"}, "BPMN-id som ärendet väntar i"),
                _query("overdue", {"enum": ["true", "false"]}, "true: bara ärenden med försenade uppgifter"),
                _query("phase", {"type": "string"}, "Fas"),
                _query("role", {"enum": sorted(ROLES)}, "Roll som har en öppen uppgift"),
                _query("limit", {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT}, "Högst så många (500)"),
                _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_ID}, "Hoppa över så många (0)"),
            ],
        ),
        "post": _op(
            "Starta ett ärende; kontaktperson, admin",
            _json(_ref("Case"), "Startat"),
            400,
            403,
            422,
            status=201,
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["process_id", "title"],
                    "properties": {
                        "process_id": {"type": "string"},
                        "start_event": {"type": "string"},
                        "title": {"type": "string", "minLength": 1, "maxLength": 400},
                        "data": _JSON_OBJECT,
                        "handlaggare": {
                            "type": "string",
                            "description": "Ansvarig handläggare (en kontaktperson); utan: den som startar, "
                            "om hen är kontaktperson",
                        },
                    },
                }
            ),
        ),
    },
    "/cases/{case_id}": {
        "get": _op("Ett ärende", _json(_ref("Case")), 404, parameters=[_CASE_ID]),
        "patch": _op(
            "Byt handläggare (chef, admin); en historikrad action handlaggare per byte",
            _json(_ref("Case")),
            400,
            403,
            404,
            422,
            parameters=[_CASE_ID],
            requestBody=_body(
                {
                    "type": "object",
                    "properties": {"handlaggare": {"type": "string", "description": "Användarnamn, kontaktperson"}},
                    "additionalProperties": False,
                }
            ),
        ),
    },
    "/cases/{case_id}/history": {
        "get": _op(
            "Ärendets historik, äldst först",
            _json({"type": "array", "items": _ref("HistoryEntry")}),
            404,
            parameters=[_CASE_ID],
        )
    },
    "/cases/{case_id}/documents": {
        "get": _op(
            "Ärendets dokument som kan tas fram nu: ansökan (PDF), beslutsunderlag (Word), uppföljningsrapporter "
            "per godkänd period (PDF), slutrapport (PDF)",
            _json({"type": "array", "items": _ref("Document")}),
            404,
            parameters=[_CASE_ID],
        )
    },
    "/cases/{case_id}/documents/{name}": {
        "get": _op(
            "Ett dokument som fil (PDF/A eller Word); 409 när det inte kan tas fram ännu, 404 när ärendet inte har det",
            {
                "description": "Filen, med filnamn i Content-Disposition",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    DOCX: {"schema": {"type": "string", "format": "binary"}},
                },
            },
            404,
            409,
            parameters=[
                _CASE_ID,
                _path(
                    "name",
                    {"type": "string", "maxLength": 40},
                    "ansokan, beslutsunderlag, slutrapport eller uppfoljningsrapport-N (uppföljning nummer N)",
                ),
            ],
        )
    },
    "/cases/{case_id}/retry": {
        "post": _op(
            "Kör om ett ärende med incident, med rättade uppgifter (admin)",
            _json(_ref("Case"), "Ärendet efter omkörningen"),
            400,
            403,
            404,
            409,
            parameters=[_CASE_ID],
            requestBody=_body({"type": "object", "properties": {"data": _JSON_OBJECT}}, required=False),
        )
    },
    "/tasks": {
        "get": _op(
            "Öppna uppgifter för mina roller",
            _json({"type": "array", "items": _ref("Task")}),
            422,
            parameters=[
                _query("mine", {"enum": ["true", "false"]}, "true: bara de jag tagit"),
                _query("unclaimed", {"enum": ["true", "false"]}, "true: bara de som ingen tagit"),
                _query("area", {"type": "string"}, "Områdets id"),
                _query("phase", {"type": "string"}, "Fas"),
                _query("overdue", {"enum": ["true", "false"]}, "true: bara försenade"),
                _query(
                    "limit",
                    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                    "Högst så många, efter förfallodag, skapad, id (utan: alla)",
                ),
                _query("offset", {"type": "integer", "minimum": 0, "maximum": MAX_ID}, "Hoppa över så många (0)"),
            ],
        )
    },
    "/areas/{area_id}/coordination": {
        "get": _op(
            "Områdets samordnare och stadens andra insatser där",
            _json(_ref("AreaCoordination")),
            404,
            parameters=[_AREA_ID],
        )
    },
    "/areas/{area_id}/coordinator": {
        "put": _op(
            "Sätt områdets lokala samordnare (kontaktperson, admin); tom text tar bort uppgiften",
            _json(_ref("AreaCoordination")),
            400,
            403,
            404,
            422,
            parameters=[_AREA_ID],
            requestBody=_body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": _texts(COORDINATOR_FIELDS),
                }
            ),
        )
    },
    "/areas/{area_id}/efforts": {
        "post": _op(
            "Lägg till en av stadens insatser i området (CTC, områdeslyft, Trygg Malmö, BID …); kontaktperson, admin",
            _json(_ref("AreaEffort"), "Tillagd"),
            400,
            403,
            404,
            422,
            status=201,
            parameters=[_AREA_ID],
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["programme"],
                    "additionalProperties": False,
                    "properties": _texts(EFFORT_FIELDS),
                }
            ),
        )
    },
    "/areas/{area_id}/efforts/{effort_id}": {
        "delete": _op(
            "Ta bort en insats (kontaktperson, admin)",
            {"description": "Borttagen"},
            403,
            404,
            status=204,
            parameters=[_AREA_ID, _path("effort_id", _DB_ID, "Insatsens id")],
        )
    },
    "/tasks/{task_id}/assign": {
        "post": _op(
            "Ge uppgiften till en namngiven person (chef, admin); 422 om personen saknas eller saknar rollen",
            _json(_ref("Task")),
            400,
            403,
            404,
            409,
            422,
            parameters=[_TASK_ID],
            requestBody=_body(
                {"type": "object", "required": ["username"], "properties": {"username": {"type": "string"}}}
            ),
        )
    },
    "/reassignments": {
        "get": _op(
            "Förhandsvisning: vilka öppna uppgifter som flyttas från en person till en annan (chef, admin)",
            _json(_ref("Reassignment")),
            403,
            422,
            parameters=[
                _query("from", {"type": "string"}, "Den som är borta (användarnamn)"),
                _query("to", {"type": "string"}, "Den som tar över (användarnamn)"),
            ],
        ),
        "post": _op(
            "Flytta alla öppna uppgifter från en person till en annan (chef, admin); en transaktion per ärende",
            _json(_ref("Reassignment")),
            400,
            403,
            422,
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["from", "to"],
                    "properties": {"from": {"type": "string"}, "to": {"type": "string"}},
                }
            ),
        ),
    },
    "/tasks/{task_id}": {"get": _op("En uppgift med formulär", _json(_ref("Task")), 404, parameters=[_TASK_ID])},
    "/tasks/{task_id}/claim": {"post": _op("Ta uppgiften", _json(_ref("Task")), 403, 404, 409, parameters=[_TASK_ID])},
    "/tasks/{task_id}/unclaim": {
        "post": _op(
            "Släpp uppgiften (den som tagit den, chef, admin); 409 om den inte längre är öppen",
            _json(_ref("Task")),
            403,
            404,
            409,
            parameters=[_TASK_ID],
        )
    },
    "/tasks/{task_id}/complete": {
        "post": _op(
            "Slutför uppgiften; en nekad slutföring ändrar ingenting",
            _json(_ref("Case"), "Ärendet efter steget"),
            400,
            403,
            404,
            409,
            422,
            parameters=[_TASK_ID],
            requestBody=_body({"type": "object", "properties": {"data": _JSON_OBJECT}}),
        )
    },
    "/overview": {
        "get": _op(
            "Översikt över aktiva ärenden",
            _json(
                {
                    "type": "object",
                    "required": ["by_phase", "by_element", "overdue"],
                    "properties": {
                        "by_phase": {"type": "object"},
                        "by_element": {"type": "object"},
                        "overdue": {"type": "integer"},
                    },
                }
            ),
        )
    },
    "/statistics": {
        "get": _op(
            "Statistik per år och område (chef, admin): ärenden per start- och sluthändelse, kronor sökt/beviljat/"
            "använt, boende nådda, deltagare per målgrupp, mediandagar, försenade rapporter",
            _json(
                {
                    "type": "object",
                    "required": ["cases", "sek", "residents_reached", "participants", "median_days"],
                    "properties": {
                        "cases": {"type": "object"},
                        "sek": {"type": "object"},
                        "residents_reached": {"type": "integer"},
                        "participants": {"type": "object"},
                        "median_days": {"type": "object"},
                        "reports": {"type": "object"},
                        "by_year": {"type": "array"},
                        "by_year_area": {"type": "array"},
                    },
                }
            ),
            403,
            422,
            parameters=[
                _query("year", {"type": "integer", "minimum": 1000, "maximum": 9999}, "Året då första kontakten togs"),
                _query("area", {"type": "string", "maxLength": 100}, "Områdets id"),
            ],
        )
    },
    "/cases/{case_id}/public": {
        "post": _op(
            "Visa ett beviljat ärende på den offentliga sidan, eller ta bort det (kontaktperson, admin)",
            _json({"type": "object"}),
            403,
            404,
            409,
            422,
            parameters=[_CASE_ID],
            requestBody=_body(
                {
                    "type": "object",
                    "required": ["public"],
                    "properties": {
                        "public": {"type": "boolean"},
                        "organisations": {"type": "array", "items": {"type": "string", "maxLength": 200}},
                    },
                }
            ),
        )
    },
    "/public/cases": {
        "get": {
            "summary": "Beviljad samverkan som kontaktpersonen gjort offentlig (ingen token, inga personuppgifter)",
            "security": [],
            "responses": {"200": _json({"type": "array", "items": {"type": "object"}})},
        }
    },
    "/incidents": {"get": _op("Incidenter: stannade timrar och ärenden (chef, admin)", _json({"type": "array"}), 403)},
    "/incidents/timers/{timer_id}/retry": {
        "post": _op(
            "Kör om en timer med incident (admin)",
            _json({"type": "object"}),
            403,
            404,
            parameters=[_path("timer_id", {"type": "string", "maxLength": 36}, "Timerns id")],
        )
    },
    "/tokens/current": {
        "delete": {
            "summary": "Återkalla den token anropet görs med; den slutar gälla genast i alla serverprocesser",
            "responses": {"204": {"description": "Återkallad"}, **_errors()},
        }
    },
    "/notifications": {
        "get": _op(
            "Mina olästa notiser (till mig eller mina roller)", _json({"type": "array", "items": _ref("Notification")})
        )
    },
    "/notifications/{notification_id}/read": {
        "post": _op(
            "Markera notisen som läst",
            _json({"type": "object"}),
            404,
            parameters=[_path("notification_id", _DB_ID, "Notisens id")],
        )
    },
}

_ROLE_LIST = {"type": "array", "items": {"enum": list(ROLES)}, "minItems": 1}
SCHEMAS["User"] = {
    "type": "object",
    "required": ["username", "display_name", "email", "roles", "active", "sso"],
    "properties": {
        "username": {"type": "string"},
        "display_name": {"type": "string"},
        "email": {"type": ["string", "null"]},
        "roles": {"type": "array", "items": {"type": "string"}},
        "active": {"type": "boolean"},
        "sso": {"type": "boolean", "description": "loggar in med Malmö stads konto (OpenID Connect)"},
        "is_demo": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
SCHEMAS["AdminArea"] = {
    "type": "object",
    "required": ["id", "name", "is_example", "active"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "is_example": {"type": "boolean", "description": "hör till exempellistan som följer med programmet"},
        "active": {"type": "boolean"},
    },
}
_USERNAME = _path("username", {"type": "string", "maxLength": 200}, "Användarnamnet")
PATHS["/users"] = {
    "get": _op("Alla användare (admin)", _json({"type": "array", "items": _ref("User")}), 403),
    "post": _op(
        "Skapa en användare (admin)",
        _json(_ref("User"), "Skapad"),
        400,
        403,
        409,
        422,
        status=201,
        requestBody=_body(
            {
                "type": "object",
                "required": ["username", "display_name", "roles"],
                "properties": {
                    "username": {"type": "string", "maxLength": 200},
                    "display_name": {"type": "string", "maxLength": 400},
                    "email": {"type": ["string", "null"], "maxLength": 320},
                    "roles": _ROLE_LIST,
                    "password": {"type": ["string", "null"], "minLength": 8},
                },
            }
        ),
    ),
}
PATHS["/users/{username}"] = {
    "patch": _op(
        "Ändra roller, e-post, namn eller active (admin); en inaktiverad användare loggas ut och tokens slutar gälla",
        _json(_ref("User")),
        400,
        403,
        404,
        409,
        422,
        parameters=[_USERNAME],
        requestBody=_body(
            {
                "type": "object",
                "properties": {
                    "roles": _ROLE_LIST,
                    "email": {"type": ["string", "null"]},
                    "display_name": {"type": "string"},
                    "active": {"type": "boolean"},
                },
            }
        ),
    )
}
PATHS["/areas"]["post"] = _op(
    "Lägg till ett område (admin)",
    _json(_ref("AdminArea"), "Tillagt"),
    400,
    403,
    409,
    422,
    status=201,
    requestBody=_body({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}),
)
PATHS["/areas/{area_id}"] = {
    "patch": _op(
        "Byt namn på eller (in)aktivera ett område (admin); id:t, som ärendena sparar, är kvar",
        _json(_ref("AdminArea")),
        400,
        403,
        404,
        409,
        422,
        parameters=[_path("area_id", {"type": "string", "maxLength": 100}, "Områdets id")],
        requestBody=_body(
            {"type": "object", "properties": {"name": {"type": "string"}, "active": {"type": "boolean"}}}
        ),
    )
}
PATHS["/admin/events"] = {
    "get": _op("Vem ändrade vilka användare och områden, nyast först (admin)", _json({"type": "array"}), 403)
}

# Personal data and archiving (docs/personal-data.md): admin only.
PATHS["/register-extracts"] = {
    "post": _op(
        "Registerutdrag: allt som innehåller ett namn eller en e-postadress, med var (admin); sökningen loggas",
        {
            "description": "Utdraget som JSON, eller som PDF/A med format pdf",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        400,
        403,
        422,
        requestBody=_body(
            {
                "type": "object",
                "required": ["terms"],
                "properties": {
                    "terms": {
                        "type": "array",
                        "items": {"type": "string", "maxLength": 320},
                        "minItems": 1,
                        "maxItems": 10,
                    },
                    "format": {"type": "string", "enum": ["json", "pdf"]},
                },
            }
        ),
    )
}
PATHS["/cases/{case_id}/archive"] = {
    "get": _op(
        "Ett avslutat ärende som arkivpaket (ZIP: METS, XML med XSD, JSON, PDF/A, BPMN, bilagor); admin",
        {
            "description": "ZIP-filen",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        },
        403,
        404,
        409,
        parameters=[_CASE_ID],
    )
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Samverkan API", "version": "1"},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
    "paths": PATHS,
}
