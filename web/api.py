"""The JSON API under /api/v1: thin views that parse input, call one engine function, answer."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as WerkzeugResponse

from engine import (
    accounts,
    admin,
    area_coordination,
    assignment,
    cases,
    inputs,
    migration,
    monitoring,
    notifications,
    processes,
    publication,
    queries,
    reference,
    repair,
    rollback,
    statistics,
    timers,
)
from engine import register_extract as extracts
from engine.context import Samverkan, User
from engine.errors import BadRequest, Forbidden, Invalid
from web import documents
from web.archive import package as archive_package
from web.archive import zip_response
from web.auth import session_user
from web.case_documents import file_response
from web.errors import error_response
from web.openapi import MAX_LIMIT, OPENAPI
from web.register_extract import download as extract_download

bp = Blueprint("api", __name__, url_prefix="/api/v1")
log = logging.getLogger(__name__)


def _engine() -> Samverkan:
    engine: Samverkan = current_app.extensions["samverkan"]
    return engine


def _user() -> User:
    user: User = g.api_user
    return user


@bp.before_request
def _authenticate() -> Response | None:
    if request.endpoint in ("api.health", "api.openapi"):
        return None
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    user = accounts.user_for_token(_engine(), token) if token else None
    if user is None and not token and request.endpoint == "api.case_document":
        user = session_user()  # a logged-in browser following a document link
    if user is None:
        return error_response(401, "unauthorized", "Giltig API-token krävs (Authorization: Bearer …).")
    g.api_user, g.api_token = user, token
    return None


def _json_body(optional: bool = False) -> dict[str, Any]:
    """The request's JSON object, read strictly and checked by :func:`engine.inputs.parse_json`."""
    raw = request.get_data()
    if optional and not raw.strip():
        return {}
    if not request.is_json:
        raise BadRequest("Skicka ett JSON-objekt med Content-Type: application/json.", code="bad_json")
    body = inputs.parse_json(raw)
    if not isinstance(body, dict):
        raise BadRequest("Förväntade ett JSON-objekt i anropets kropp.", code="bad_json")
    return body


def _requires(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if not _user().has(*roles):
                raise Forbidden("Din roll får inte göra detta.", code="forbidden")
            return view(*args, **kwargs)

        return inner

    return wrap


@bp.get("/health")
def health() -> tuple[Response, int]:
    """200 when the database answers a query (and when the timers were last swept), else 503."""
    try:
        return jsonify(monitoring.health(_engine(), datetime.now(UTC))), 200  # wall clock, like the heartbeats
    except SQLAlchemyError:
        log.exception("hälsokontrollen: databasen svarar inte")  # the reason goes to the log, not to anyone asking
        error = {"code": "database_unavailable", "message": "Databasen svarar inte.", "details": []}
        return jsonify({"status": "error", "database": "error", "error": error}), 503


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(OPENAPI)


@bp.get("/processes")
def list_processes() -> Response:
    return jsonify(processes.list_versions(_engine()))


@bp.post("/processes")
def deploy_process() -> tuple[Response, int]:
    upload = request.files.get("file")
    xml = upload.read() if upload is not None else request.get_data()
    if not xml:
        raise BadRequest("Skicka BPMN-XML i kroppen eller som fältet file.", code="empty")
    comment = request.form.get("comment", "") if upload is not None else request.args.get("comment", "")
    deployed = processes.deploy(_engine(), _user(), xml, comment)
    body = {"process_id": deployed.process_id, "version": deployed.version, "created": deployed.created}
    # 201 as the contract says, also when the same XML was already deployed: then nothing new
    # was stored and `created` is false.
    return jsonify(body), 201


@bp.post("/processes/validate")
@_requires(*processes.DEPLOYERS)
def validate_process() -> Response:
    upload = request.files.get("file")
    xml = upload.read() if upload is not None else request.get_data()
    if not xml:
        raise BadRequest("Skicka BPMN-XML i kroppen eller som fältet file.", code="empty")
    return jsonify({"problems": processes.check(_engine(), xml)})


@bp.get("/processes/<process_id>/bpmn")
def process_xml(process_id: str) -> Response:
    raw = request.args.get("version")
    version = inputs.int_parameter("version", raw, 0, minimum=1) if raw else None
    xml = processes.get_xml(_engine(), process_id, version)
    return Response(xml, mimetype="application/xml")


@bp.get("/processes/<process_id>/migration")
def migration_preview(process_id: str) -> Response:
    versions = [inputs.int_parameter(name, request.args.get(name), 0, minimum=1) for name in ("from", "to")]
    outcome = migration.preview(_engine(), _user(), process_id, *versions)
    return jsonify({"movable": outcome.movable, "blocked": outcome.blocked})


@bp.post("/processes/<process_id>/migration")
def migrate_cases(process_id: str) -> Response:
    body = _json_body()
    outcome = migration.migrate(_engine(), _user(), process_id, body.get("from"), body.get("to"), body.get("cases"))
    return jsonify({"moved": outcome.movable, "blocked": outcome.blocked})


@bp.post("/processes/<process_id>/rollback")
def roll_back(process_id: str) -> tuple[Response, int]:
    version = _json_body().get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise Invalid(
            "Ange versionen att återställa.", details=[{"field": "version", "message": "Ett versionsnummer."}]
        )
    deployed = rollback.roll_back(_engine(), _user(), process_id, version)
    return jsonify({"process_id": deployed.process_id, "version": deployed.version, "based_on": version}), 201


@bp.post("/cases/<int:case_id>/move")
def move_case(case_id: int) -> Response:
    body = _json_body()
    repair.move_position(_engine(), _user(), case_id, body.get("element_id"), body.get("reason"), body.get("from_task"))
    return jsonify(queries.get_case(_engine(), case_id))


@bp.post("/cases/<int:case_id>/cancel")
def cancel_case(case_id: int) -> Response:
    repair.cancel_case(_engine(), _user(), case_id, _json_body().get("reason"))
    return jsonify(queries.get_case(_engine(), case_id))


@bp.get("/areas")
def areas() -> Response:
    return jsonify(reference.list_areas(_engine()))


@bp.get("/areas/<area_id>/coordination")
def area_coordination_get(area_id: str) -> Response:
    return jsonify(area_coordination.coordination(_engine(), area_id))


@bp.put("/areas/<area_id>/coordinator")
def area_coordinator_put(area_id: str) -> Response:
    return jsonify(area_coordination.set_coordinator(_engine(), _user(), area_id, _json_body()))


@bp.post("/areas/<area_id>/efforts")
def area_effort_add(area_id: str) -> tuple[Response, int]:
    return jsonify(area_coordination.add_effort(_engine(), _user(), area_id, _json_body())), 201


@bp.delete("/areas/<area_id>/efforts/<int:effort_id>")
def area_effort_remove(area_id: str, effort_id: int) -> tuple[str, int]:
    area_coordination.remove_effort(_engine(), _user(), area_id, effort_id)
    return "", 204


@bp.post("/cases")
def start_case() -> tuple[Response, int]:
    body = _json_body()
    start_event = body.get("start_event")
    if start_event is not None and not isinstance(start_event, str):
        raise BadRequest("start_event måste vara en sträng.", code="bad_type")
    case_id = cases.start_case(
        _engine(),
        _user(),
        str(body.get("process_id", "")),
        body.get("title", ""),
        start_event,
        body.get("data"),
        handlaggare=_optional_text(body, "handlaggare"),
    )
    return jsonify(queries.get_case(_engine(), case_id)), 201


def _optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise BadRequest(f"{key} måste vara en sträng.", code="bad_type")
    return value


def _change_case(case_id: int) -> None:
    """Change what a manager may change on a case: today its handläggare."""
    body = _json_body()
    unknown = sorted(set(body) - {"handlaggare"})
    if unknown:
        raise BadRequest(f"Okända fält: {', '.join(unknown)}.", code="unknown_fields")
    if "handlaggare" in body:
        assignment.set_handlaggare(_engine(), _user(), case_id, _optional_text(body, "handlaggare"))


@bp.get("/cases")
def list_cases() -> Response:
    args = request.args
    return jsonify(
        queries.list_cases(
            _engine(),
            status=args.get("status"),
            area=args.get("area"),
            element=args.get("element"),
            overdue=args.get("overdue", "").lower() in ("1", "true", "yes"),
            phase=args.get("phase"),
            role=args.get("role"),
            limit=inputs.int_parameter("limit", args.get("limit"), 500, maximum=MAX_LIMIT),
            offset=inputs.int_parameter("offset", args.get("offset"), 0),
        )
    )


# One rule for both methods: with two, werkzeug answers an id too large for the column with 405, not 404.
@bp.route("/cases/<int:case_id>", methods=["GET", "PATCH"])
def get_case(case_id: int) -> Response:
    if request.method == "PATCH":
        _change_case(case_id)
    return jsonify(queries.get_case(_engine(), case_id))


@bp.get("/cases/<int:case_id>/history")
def case_history(case_id: int) -> Response:
    return jsonify(queries.case_history(_engine(), case_id))


@bp.get("/cases/<int:case_id>/documents")
def case_documents(case_id: int) -> Response:
    """The documents that can be made now; the page also lists those that cannot yet, with why."""
    return jsonify(
        [
            {
                "kind": d.kind,
                "title": d.title,
                "period": vars(d.period) if d.period else None,
                "url": url_for("api.case_document", case_id=case_id, name=d.name),
                "filename": d.filename,
                "content_type": d.content_type,
            }
            for d in documents.catalog(_engine(), case_id)
            if d.ready
        ]
    )


@bp.get("/cases/<int:case_id>/documents/<name>")
def case_document(case_id: int, name: str) -> WerkzeugResponse:
    return file_response(documents.build(_engine(), case_id, name))


@bp.post("/cases/<int:case_id>/retry")
def retry_case(case_id: int) -> Response:
    data = _json_body(optional=True).get("data")
    if data is not None and not isinstance(data, dict):
        raise BadRequest("data måste vara ett objekt.", code="bad_type")
    cases.retry_case(_engine(), _user(), case_id, data)
    return jsonify(queries.get_case(_engine(), case_id))


@bp.get("/tasks")
def list_tasks() -> Response:
    args = request.args

    def flag(name: str) -> bool:
        return args.get(name, "").lower() in ("1", "true", "yes")

    found = queries.list_tasks(
        _engine(),
        _user(),
        mine=flag("mine"),
        unclaimed=flag("unclaimed"),
        area=args.get("area"),
        phase=args.get("phase"),
        overdue=flag("overdue"),
        limit=_paging("limit", args.get("limit"), 1, MAX_LIMIT),
        offset=_paging("offset", args.get("offset"), 0, inputs.MAX_ID) or 0,
    )
    return jsonify(found)


def _paging(name: str, raw: str | None, minimum: int, maximum: int) -> int | None:
    """``limit`` or ``offset`` of ``GET /tasks``: absent is None (every task, as before); else a whole number or 422."""
    if raw is None:
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 18 and minimum <= int(text) <= maximum):
        message = f"{name} måste vara ett heltal från {minimum} till {maximum}."
        raise Invalid(message, [{"field": name, "message": message}], "bad_parameter")
    return int(text)


@bp.get("/tasks/<task_id>")
def get_task(task_id: str) -> Response:
    return jsonify(queries.get_task(_engine(), task_id))


@bp.post("/tasks/<task_id>/claim")
def claim(task_id: str) -> Response:
    cases.claim_task(_engine(), _user(), task_id)
    return jsonify(queries.get_task(_engine(), task_id))


@bp.post("/tasks/<task_id>/unclaim")
def unclaim(task_id: str) -> Response:
    cases.unclaim_task(_engine(), _user(), task_id)
    return jsonify(queries.get_task(_engine(), task_id))


@bp.post("/tasks/<task_id>/assign")
def assign(task_id: str) -> Response:
    assignment.assign_task(_engine(), _user(), task_id, _json_body().get("username"))
    return jsonify(queries.get_task(_engine(), task_id))


@bp.get("/reassignments")
def preview_reassignment() -> Response:
    """What moving one person's open tasks to another would do (absence); changes nothing."""
    args = request.args
    plan = assignment.preview_reassignment(_engine(), _user(), args.get("from"), args.get("to"))
    return jsonify(plan.as_json())


@bp.post("/reassignments")
def reassign() -> Response:
    body = _json_body()
    done = assignment.reassign_all(_engine(), _user(), body.get("from"), body.get("to"))
    return jsonify(done.as_json("moved"))


@bp.post("/tasks/<task_id>/complete")
def complete(task_id: str) -> Response:
    body = _json_body()
    return jsonify(cases.complete_task(_engine(), _user(), task_id, body.get("data", {})))


@bp.get("/overview")
def overview() -> Response:
    return jsonify(queries.overview(_engine()))


@bp.post("/cases/<int:case_id>/public")
def case_public(case_id: int) -> Response:
    body = _json_body()
    public = body.get("public")
    if not isinstance(public, bool):
        raise Invalid(
            "Ange om ärendet ska visas offentligt.",
            details=[{"field": "public", "message": "true eller false"}],
            code="invalid_public",
        )
    return jsonify(publication.set_public(_engine(), _user(), case_id, public, body.get("organisations")))


@bp.get("/statistics")
@_requires("chef", "admin")
def statistics_figures() -> Response:
    year, area = statistics.parse_filters(_engine(), request.args.get("year"), request.args.get("area"))
    return jsonify(statistics.figures(_engine(), year, area))


@bp.get("/incidents")
@_requires(*timers.INCIDENT_VIEWERS)
def incidents() -> Response:
    return jsonify(timers.list_incidents(_engine(), _user()))


@bp.post("/incidents/timers/<timer_id>/retry")
def retry_timer(timer_id: str) -> Response:
    timers.retry_timer(_engine(), _user(), timer_id)
    return jsonify({"timer_id": timer_id, "state": "waiting"})


@bp.delete("/tokens/current")
def revoke_current_token() -> tuple[str, int]:
    """Log the token out: every server process refuses it from the next request on."""
    accounts.revoke_token(_engine(), g.api_token)
    return "", 204


@bp.get("/notifications")
def list_notifications() -> Response:
    return jsonify(notifications.list_unread(_engine(), _user()))


@bp.post("/notifications/<int:notification_id>/read")
def read_notification(notification_id: int) -> Response:
    notifications.mark_read(_engine(), _user(), notification_id)
    return jsonify({"id": notification_id, "read": True})


@bp.get("/users")
@_requires("admin")
def list_users() -> Response:
    return jsonify(admin.list_users(_engine()))


@bp.post("/users")
@_requires("admin")
def create_user() -> tuple[Response, int]:
    return jsonify(admin.create_user(_engine(), _user(), _json_body())), 201


@bp.patch("/users/<username>")
@_requires("admin")
def update_user(username: str) -> Response:
    return jsonify(admin.update_user(_engine(), _user(), username, _json_body()))


@bp.post("/areas")
@_requires("admin")
def add_area() -> tuple[Response, int]:
    return jsonify(admin.add_area(_engine(), _user(), _json_body())), 201


@bp.patch("/areas/<area_id>")
@_requires("admin")
def update_area(area_id: str) -> Response:
    return jsonify(admin.update_area(_engine(), _user(), area_id, _json_body()))


@bp.get("/admin/events")
@_requires("admin")
def admin_events() -> Response:
    return jsonify(admin.list_events(_engine()))


@bp.post("/register-extracts")
@_requires("admin")
def register_extract_search() -> WerkzeugResponse:
    """A register extract (admin); the search is logged. ``format``: ``json`` (default) or ``pdf``."""
    body = _json_body()
    terms, kind = body.get("terms"), body.get("format", "json")
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise BadRequest("terms måste vara en lista med namn eller e-postadresser.", code="bad_type")
    if kind not in ("json", "pdf"):
        raise BadRequest("format måste vara json eller pdf.", code="bad_type")
    extract = extracts.search(_engine(), _user(), terms)
    return extract_download(extract, "pdf") if kind == "pdf" else jsonify(extract.as_json())


@bp.get("/cases/<int:case_id>/archive")
@_requires("admin")
def case_archive(case_id: int) -> WerkzeugResponse:
    """The finished case as an archive package (ZIP, FGS/E-ARK structure); admin."""
    return zip_response(*archive_package(_engine(), current_app.extensions["attachments"], case_id))
