"""The inbox "Att göra" and claiming or releasing a task from it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import cases, continuation, reference, worklist
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
    args = request.args
    chosen = worklist.InboxFilter(
        area=args.get("area", ""),
        phase=args.get("phase", ""),
        overdue=args.get("overdue", "") in ("1", "true"),
        who=args.get("who", "") if args.get("who") in worklist.WHO else "",
    )
    size = worklist.PAGE_SIZE
    found = worklist.inbox_page(engine(), require_user(), chosen, sort, (_page_number() - 1) * size, size)
    return render_template(
        "inbox.html",
        items=found.items,
        total=found.total,
        matching=found.matching,
        counts=found.counts,
        first=found.offset + 1,
        last=found.offset + len(found.items),
        page=found.offset // size + 1,
        pages=max(1, -(-found.matching // size)),
        chosen=chosen,
        filter_url=lambda **change: _filter_url(chosen, {"sort": sort, **change}),
        areas=reference.list_areas(engine()),
        phases=engine().profile(engine().main_process_id).phases,
        sort=sort,
        sort_labels=SORT_LABELS,
        now=engine().now(),
    )


def _page_number() -> int:
    """The page asked for (``page``, from 1); anything else is the first page, as a bad sort is the default one."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 and int(raw) > 0 else 1


def _filter_url(chosen: worklist.InboxFilter, change: dict[str, Any]) -> str:
    """The inbox URL with ``chosen`` filters, ``change`` applied; empty values, the default sort and page 1 left out.

    A changed filter or sort starts again at the first page (``page`` is only kept when given).
    """
    params = {"area": chosen.area, "phase": chosen.phase, "overdue": "1" if chosen.overdue else "", "who": chosen.who}
    params |= {k: ("1" if v is True else "" if v is False else v) for k, v in change.items()}
    if params.get("sort") == "due":
        params["sort"] = ""
    if str(params.get("page")) == "1":
        params["page"] = ""
    query = urlencode({k: v for k, v in params.items() if v})
    return url_for("inbox.index") + ("?" + query if query else "")


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
