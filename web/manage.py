"""Managers' pages: give a task to a named person, change a case's handläggare, move an absent person's tasks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine import area_coordination, assignment, schema
from engine.errors import Invalid
from web.auth import engine, login_required, require_user

bp = Blueprint("manage", __name__)


def _people_names() -> dict[str, str]:
    """Display names by username, read once per request (the inbox shows one per row)."""
    if "people_names" not in g:
        with engine().db.connect() as conn:
            rows = conn.execute(select(schema.users.c.username, schema.users.c.display_name))
            g.people_names = {r.username: r.display_name or r.username for r in rows}
    names: dict[str, str] = g.people_names
    return names


def person_name(username: str | None) -> str:
    return _people_names().get(username or "", username or "") if username else ""


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "people_with_role": lambda role: assignment.people_with_role(engine(), role),
        "kontaktpersoner": lambda: assignment.kontaktpersoner(engine()),
        "person_name": person_name,
        "area_coordination_for": _coordination_or_none,
        "area_coordination_all": _all_coordination,
    }


def _all_coordination() -> dict[str, dict[str, Any]]:
    """Every area's coordination, read once per request (the area view shows it per group)."""
    if "area_coordination" not in g:
        g.area_coordination = area_coordination.all_coordination(engine())
    found: dict[str, dict[str, Any]] = g.area_coordination
    return found


def _coordination_or_none(area_id: str | None) -> dict[str, Any] | None:
    return _all_coordination().get(area_id) if area_id else None


def _back(default: str) -> Response:
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = default
    return redirect(target)


@bp.post("/tasks/<task_id>/assign")
@login_required(*assignment.ASSIGNERS)
def assign(task_id: str) -> Response:
    username = request.form.get("username", "")
    try:
        assignment.assign_task(engine(), require_user(), task_id, username)
    except Invalid as err:
        flash(err.message, "error")
    else:
        flash(f"Uppgiften är nu tilldelad {person_name(username)}.", "info")
    return _back(url_for("inbox.index"))


@bp.post("/cases/<int:case_id>/handlaggare")
@login_required(*assignment.ASSIGNERS)
def change_handlaggare(case_id: int) -> Response:
    username = request.form.get("handlaggare", "")
    try:
        assignment.set_handlaggare(engine(), require_user(), case_id, username)
    except Invalid as err:
        flash(err.message, "error")
    else:
        flash(f"{person_name(username)} är nu handläggare för ärendet.", "info")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/omfordela", methods=["GET", "POST"])
@login_required(*assignment.ASSIGNERS)
def reassign() -> tuple[str, int]:
    """Pick who is away and who takes over, see what moves, then move it."""
    source = (request.values.get("from") or "").strip()
    target = (request.values.get("to") or "").strip()
    plan, done, error = None, None, ""
    if source or target:
        try:
            if request.method == "POST":
                done = assignment.reassign_all(engine(), require_user(), source, target)
            else:
                plan = assignment.preview_reassignment(engine(), require_user(), source, target)
        except Invalid as err:
            error = err.details[0]["message"] if err.details else err.message
    with engine().db.connect() as conn:
        rows = conn.execute(select(schema.users.c.username, schema.users.c.display_name))
        people = sorted(({"username": r.username, "display_name": r.display_name} for r in rows),
                        key=lambda p: (p["display_name"].casefold(), p["username"]))  # fmt: skip
    html = render_template(
        "omfordela.html", people=people, source=source, target=target, plan=plan, done=done, error=error
    )
    return html, 422 if error else 200
