"""One area's page: its coordinator, the city's other efforts there, and this system's cases."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import area_coordination
from engine.errors import Invalid
from web.auth import engine, login_required, require_user
from web.forms import error_map

bp = Blueprint("area_pages", __name__)


def _render(area_id: str, errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    samverkan = engine()
    html = render_template(
        "area.html",
        coordination=area_coordination.coordination(samverkan, area_id),
        cases=area_coordination.area_cases(samverkan, area_id),
        may_edit=require_user().has(*area_coordination.EDITORS),
        errors=errors or {},
        values=request.form if errors else {},
    )
    return html, status


@bp.get("/areas/<area_id>")
@login_required()
def show(area_id: str) -> tuple[str, int]:
    return _render(area_id)


@bp.post("/areas/<area_id>/samordnare")
@login_required(*area_coordination.EDITORS)
def coordinator(area_id: str) -> Response | tuple[str, int]:
    body = {name: request.form.get(name, "") for name in area_coordination.COORDINATOR_FIELDS}
    try:
        area_coordination.set_coordinator(engine(), require_user(), area_id, body)
    except Invalid as err:
        return _render(area_id, error_map(err.details or [{"field": "", "message": err.message}]), 422)
    flash("Samordnaren är sparad.", "info")
    return redirect(url_for("area_pages.show", area_id=area_id))


@bp.post("/areas/<area_id>/insatser")
@login_required(*area_coordination.EDITORS)
def add_effort(area_id: str) -> Response | tuple[str, int]:
    body = {name: request.form.get(name, "") for name in area_coordination.EFFORT_FIELDS}
    try:
        added = area_coordination.add_effort(engine(), require_user(), area_id, body)
    except Invalid as err:
        return _render(area_id, error_map(err.details or [{"field": "", "message": err.message}]), 422)
    flash(f"Insatsen ”{added['programme']}” är tillagd.", "info")
    return redirect(url_for("area_pages.show", area_id=area_id))


@bp.post("/areas/<area_id>/insatser/<int:effort_id>/ta-bort")
@login_required(*area_coordination.EDITORS)
def remove_effort(area_id: str, effort_id: int) -> Response:
    area_coordination.remove_effort(engine(), require_user(), area_id, effort_id)
    flash("Insatsen är borttagen.", "info")
    return redirect(url_for("area_pages.show", area_id=area_id))
