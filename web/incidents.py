"""Incidents for people (chef, admin): failed timers and cases stopped by a failing script, with retry."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from engine import cases, timers
from engine.errors import DomainError
from web.auth import engine, login_required, require_user

bp = Blueprint("incidents", __name__)


@bp.get("/incidenter")
@login_required(*timers.INCIDENT_VIEWERS)
def index() -> str:
    found = timers.list_incidents(engine(), require_user())
    return render_template("incidents.html", incidents=found, may_retry=require_user().has("admin"))


@bp.post("/incidenter/timer/<timer_id>")
@login_required("admin")
def retry_timer(timer_id: str) -> Response:
    try:
        timers.retry_timer(engine(), require_user(), timer_id)
    except DomainError as err:
        flash(err.message, "error")
    else:
        flash("Tidsfristen körs igen vid nästa körning av timrarna.", "info")
    return redirect(url_for("incidents.index"), code=303)


@bp.post("/incidenter/arende/<int:case_id>")
@login_required("admin")
def retry_case(case_id: int) -> Response:
    try:
        cases.retry_case(engine(), require_user(), case_id)
    except DomainError as err:
        flash(err.message, "error")
    else:
        flash(f"Ärende {case_id} kördes om.", "info")
    return redirect(url_for("incidents.index"), code=303)
