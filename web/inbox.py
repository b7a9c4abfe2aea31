"""The inbox "Att göra" and claiming or releasing a task from it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import cases, continuation, worklist
from web import navigation
from web.auth import engine, login_required, require_user

bp = Blueprint("inbox", __name__)

SORT_LABELS = {
    "due": "Förfallodag",
    "case": "Ärende",
    "task": "Uppgift",
    "area": "Område",
    "created": "Skapad",
}


@bp.get("/")
@login_required()
def index() -> str:
    sort = request.args.get("sort", "due")
    if sort not in worklist.SORTS:
        sort = "due"
    items = worklist.inbox(engine(), require_user(), sort)
    return render_template("inbox.html", items=items, sort=sort, sort_labels=SORT_LABELS, now=engine().now())


def _back() -> Response:
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("inbox.index")
    return redirect(target)


@bp.post("/tasks/<task_id>/claim")
@login_required()
def claim(task_id: str) -> Response:
    done = continuation.after_claim(engine(), require_user(), task_id)
    return navigation.go(done, navigation.claimed_message(done))


@bp.post("/tasks/<task_id>/release")
@login_required()
def release(task_id: str) -> Response:
    cases.unclaim_task(engine(), require_user(), task_id)
    flash("Du har släppt uppgiften så att andra kan ta den.", "info")
    return _back()
