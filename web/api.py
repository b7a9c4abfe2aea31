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
    cases,
    inputs,
    monitoring,
    notifications,
    processes,
    publication,
    queries,
    reference,
    statistics,
    timers,
)
from engine.context import Samverkan, User
from engine.errors import BadRequest, Forbidden, Invalid
from web import documents
from web.auth import session_user
from web.case_documents import file_response
from web.errors import error_response
from web.openapi import MAX_LIMIT, OPENAPI

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


@bp.get("/areas")
def areas() -> Response:
    return jsonify(reference.list_areas(_engine()))


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
    )
    return jsonify(queries.get_case(_engine(), case_id)), 201


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


@bp.get("/cases/<int:case_id>")
def get_case(case_id: int) -> Response:
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
    mine = request.args.get("mine", "").lower() in ("1", "true", "yes")
    return jsonify(queries.list_tasks(_engine(), _user(), mine=mine))


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
