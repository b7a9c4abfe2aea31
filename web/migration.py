"""The process owners' page for moving running cases to another version: preview, move, result."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import migration, processes, rollback
from engine.errors import DomainError
from web.auth import engine, login_required, require_user

bp = Blueprint("migration", __name__, url_prefix="/modeler")

MOVERS = migration.MIGRATORS


def _version(name: str, values: Any) -> int | None:
    raw = (values.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _defaults(process_id: str) -> tuple[int | None, int]:
    """Newest version as the target, the oldest other version with running cases as the source."""
    latest = processes.latest_version(engine(), process_id)
    active = processes.active_cases_by_version(engine(), process_id)
    older = sorted(v for v, n in active.items() if n and v != latest)
    return (older[0] if older else None), latest


@bp.get("/<process_id>/migration")
@login_required(*MOVERS)
def preview(process_id: str) -> str:
    source, target = _defaults(process_id)
    chosen_from = _version("from", request.args) or source
    chosen_to = _version("to", request.args) or target
    return _page(process_id, chosen_from, chosen_to)


@bp.post("/<process_id>/migration")
@login_required(*MOVERS)
def move(process_id: str) -> str:
    chosen_from, chosen_to = _version("from", request.form), _version("to", request.form)
    if request.form.get("which") == "all":
        case_ids = None
    else:
        case_ids = [int(v) for v in request.form.getlist("case") if v.isdigit() and len(v) < 10]
        if not case_ids:
            return _page(process_id, chosen_from, chosen_to, error="Välj minst ett ärende att flytta.")
    try:
        result = migration.migrate(engine(), require_user(), process_id, chosen_from, chosen_to, case_ids)
    except DomainError as err:
        return _page(process_id, chosen_from, chosen_to, error=err.message)
    described = migration.describe(engine(), process_id, result.movable + [b["case_id"] for b in result.blocked])
    moved = {"moved": _rows(result.movable, described), "blocked": _blocked(result.blocked, described)}
    return _page(process_id, chosen_from, chosen_to, result=moved)


@bp.get("/<process_id>/skillnader")
@login_required(*processes.DEPLOYERS)
def changes(process_id: str) -> str:
    """What changed between two versions, drawn in the browser (bpmn-js-differ); newest against the one before."""
    latest = processes.latest_version(engine(), process_id)
    chosen_to = _version("to", request.args) or latest
    chosen_from = _version("from", request.args) or max(chosen_to - 1, 1)
    versions = processes.list_versions(engine(), process_id)
    known = {v["version"] for v in versions}
    if chosen_from not in known or chosen_to not in known:
        chosen_from, chosen_to = max(latest - 1, 1), latest
    return render_template(
        "modeler_diff.html",
        process_id=process_id,
        name=versions[-1]["name"],
        versions=versions,
        chosen_from=chosen_from,
        chosen_to=chosen_to,
    )


@bp.post("/<process_id>/rollback/<int:version>")
@login_required(*processes.DEPLOYERS)
def roll_back(process_id: str, version: int) -> Response:
    """Deploy an earlier version again as the newest, then show the preview of moving cases to it."""
    previous = processes.latest_version(engine(), process_id)
    deployed = rollback.roll_back(engine(), require_user(), process_id, version)
    versions: dict[str, Any] = {"from": previous, "to": deployed.version}
    target = url_for("migration.preview", process_id=process_id, **versions)
    return redirect(target, code=303)


def _rows(case_ids: list[int], described: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": i, **described.get(i, {"title": "", "waiting": ""})} for i in case_ids]


def _blocked(blocked: list[dict[str, Any]], described: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**row, "reason": b["reason"]}
        for b, row in zip(blocked, _rows([b["case_id"] for b in blocked], described), strict=True)
    ]


def _page(
    process_id: str,
    chosen_from: int | None,
    chosen_to: int | None,
    *,
    error: str | None = None,
    result: dict[str, Any] | None = None,
) -> str:
    samverkan = engine()
    versions = processes.list_versions(samverkan, process_id)
    if not versions:
        processes.latest_version(samverkan, process_id)  # 404 with the reason
    active = processes.active_cases_by_version(samverkan, process_id)
    outcome = None
    if result is None and chosen_from and chosen_to:
        try:
            planned = migration.preview(samverkan, require_user(), process_id, chosen_from, chosen_to)
        except DomainError as err:
            error = err.message
        else:
            described = migration.describe(
                samverkan, process_id, planned.movable + [b["case_id"] for b in planned.blocked]
            )
            outcome = {"movable": _rows(planned.movable, described), "blocked": _blocked(planned.blocked, described)}
    return render_template(
        "modeler_migration.html",
        process_id=process_id,
        name=versions[-1]["name"],
        versions=versions,
        active=active,
        chosen_from=chosen_from,
        chosen_to=chosen_to,
        outcome=outcome,
        result=result,
        error=error,
    )
