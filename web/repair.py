"""The admin's page for repairing a stuck case: move its position to a named task, or cancel it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import queries, repair
from engine.errors import DomainError
from web.auth import engine, login_required, require_user

bp = Blueprint("repair", __name__)


@bp.route("/cases/<int:case_id>/reparera", methods=["GET", "POST"])
@login_required(*repair.REPAIRERS)
def page(case_id: int) -> Response | tuple[str, int]:
    case = queries.get_case(engine(), case_id)
    values: dict[str, Any] = {"element_id": "", "from_task": "", "reason": "", "cancel_reason": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.form.get("action")
        values.update({k: request.form.get(k, "").strip() for k in values})
        try:
            if action == "cancel":
                repair.cancel_case(engine(), require_user(), case_id, values["cancel_reason"])
                flash("Ärendet är avbrutet.", "info")
            else:
                repair.move_position(
                    engine(), require_user(), case_id, values["element_id"], values["reason"], values["from_task"]
                )
                flash("Ärendets läge är flyttat.", "info")
        except DomainError as err:
            field = (err.details[0].get("field") if err.details else None) or "form"
            errors["cancel_reason" if action == "cancel" and field == "reason" else field] = (
                err.details[0]["message"] if err.details else err.message
            )
            errors["summary"] = err.message
        else:
            return redirect(url_for("cases.show", case_id=case_id), code=303)
    tasks = repair.user_tasks(engine(), case_id)
    waiting = repair.positions(engine(), case_id) if case["status"] == "active" else []
    due = {task["id"]: task["due_at"] for task in case["open_tasks"]}
    status = 422 if errors else 200
    page = render_template(
        "case_repair.html", case=case, tasks=tasks, waiting=waiting, due=due, values=values, errors=errors
    )
    return page, status
