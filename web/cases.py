"""Starting a case and the case page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import attachments, casefile, cases, processes, queries, reference
from engine.errors import Invalid
from engine.roles import ROLES
from web import display
from web.auth import engine, login_required, require_user
from web.forms import error_map

bp = Blueprint("cases", __name__)

STATUS_LABELS = {
    "active": "Pågår",
    "ended": "Avslutat",
    "completed": "Avslutat",
    "incident": "Fel i ärendet",
    "cancelled": "Avbrutet",
}
HISTORY_LABELS = {
    "started": "Ärendet startades",
    "completed": "Slutförde",
    "claimed": "Tog uppgiften",
    "unclaimed": "Släppte uppgiften",
    "timer": "Tidpunkten nåddes",
    "reminder": "Påminnelse skickad",
    "escalated": "Eskalerat till chef",
    "ended": "Ärendet avslutades",
    "incident": "Fel uppstod",
    "retried": "Kördes om efter fel",
    "gallrad": "Personuppgifter gallrade",
    "migrated": "Flyttades till en ny processversion",
    "moved": "Läget flyttades av administratör till",
    "case_cancelled": "Ärendet avbröts av administratör",
    "published": "Visas på den offentliga sidan",
    "unpublished": "Togs bort från den offentliga sidan",
    "assigned": "Tilldelade uppgiften",
    "handlaggare": "Bytte handläggare",
}


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required("kontaktperson", "admin")
def new() -> Response | tuple[str, int]:
    values = {"start_event": request.form.get("start_event", ""), "title": request.form.get("title", "").strip()}
    values["handlaggare"] = request.form.get("handlaggare", require_user().username)
    process_id = engine().main_process_id
    starts = processes.start_events(engine(), process_id)
    if request.method == "GET":
        return render_template("case_new.html", values=values, errors={}, starts=starts), 200
    errors = {}
    if values["start_event"] not in starts:
        errors["start_event"] = "Välj hur initiativet kom till."
    if not values["title"]:
        errors["title"] = "Ge ärendet en titel."
    if not errors:
        try:
            case_id = cases.start_case(
                engine(),
                require_user(),
                process_id,
                values["title"],
                start_event=values["start_event"],
                handlaggare=values["handlaggare"] or None,
            )
        except Invalid as err:
            errors = error_map(err.details or [{"field": "", "message": err.message}])
        else:
            return _first_task(case_id)
    return render_template("case_new.html", values=values, errors=errors, starts=starts), 422


def _first_task(case_id: int) -> Response:
    user = require_user()
    case = queries.get_case(engine(), case_id)
    mine = [t for t in case["open_tasks"] if t["role"] in user.roles]
    flash(f"Ärendet ”{case['title']}” är startat.", "info")
    if mine:
        return redirect(url_for("tasks.show", task_id=mine[0]["id"]))
    return redirect(url_for("cases.show", case_id=case_id))


@bp.get("/cases/<int:case_id>")
@login_required()
def show(case_id: int) -> str:
    samverkan = engine()
    case = casefile.case_file(samverkan, case_id)
    areas = {a["id"]: a["name"] for a in reference.list_areas(samverkan)}
    criteria = samverkan.profile(case["process_id"]).criteria
    groups: list[dict[str, Any]] = []
    assessments: list[dict[str, Any]] = []
    for group in casefile.submissions(samverkan, case):
        shown = []
        for sub in group.submissions:
            skip: tuple[str, ...] = ()
            if criteria is not None and sub["form_name"] == criteria.form:
                rows = display.criteria(sub["form"], sub["data"], criteria)
                if rows:
                    assessments.append({"at": sub["at"], "actor": sub["actor_name"], "rows": rows})
                skip = criteria.fields
            shown.append({**sub, "entries": display.describe(sub["form"], sub["data"], areas, skip)})
        groups.append({"heading": _group_heading(group), "submissions": shown})
    return render_template(
        "case.html",
        case=case,
        area_name=areas.get(case["area"] or "", case["area"] or ""),
        start_name=case["element_names"].get(case["start_event"], ""),
        groups=groups,
        assessments=list(reversed(assessments)),  # the current one first
        deadlines=casefile.deadlines(samverkan, case),
        attachments=attachments.list_for_case(samverkan, case_id),
        now=samverkan.now(),
        roles=ROLES,
        status_labels=STATUS_LABELS,
        history_labels=HISTORY_LABELS,
    )


def _group_heading(group: casefile.Group) -> str:
    """A phase, or a follow-up period as ”Uppföljning 2: 1 feb 2026 – 1 feb 2027”."""
    if group.period is None:
        return group.phase or "Utan fas"
    period = display.period_sv(group.period_from, group.period_to)
    return f"Uppföljning {group.period}" + (f": {period}" if period else "")
