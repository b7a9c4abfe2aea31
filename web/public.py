"""The public list of granted collaborations (``/offentligt`` and ``GET /api/v1/public/cases``, no
login), and the kontaktperson's page for putting a case on it or taking it off."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from engine import publication, queries
from engine.errors import Conflict, Invalid
from web.auth import engine, login_required, require_user
from web.charts import number_sv

bp = Blueprint("public", __name__)


def _criteria_names() -> dict[str, str]:
    criteria = engine().profile(engine().main_process_id).criteria
    if criteria is None:
        return {}
    properties = engine().forms.schema(criteria.form).get("properties") or {}
    return {name: str((properties.get(name) or {}).get("title") or name) for name in criteria.fields}


@bp.get("/offentligt")
def page() -> str:
    return render_template(
        "offentligt.html", cases=publication.public_cases(engine()), criteria_names=_criteria_names(), sek=number_sv
    )


@bp.get("/api/v1/public/cases")
def api_list() -> Response:
    return jsonify(publication.public_cases(engine()))


def _organisation_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@bp.route("/cases/<int:case_id>/offentlig", methods=["GET", "POST"])
@login_required(*publication.PUBLISHERS)
def mark(case_id: int) -> WerkzeugResponse | tuple[str, int]:
    case = queries.get_case(engine(), case_id)
    errors: dict[str, str] = {}
    text = request.form.get("organisations", "")
    if request.method == "POST":
        public = request.form.get("public") == "1"
        try:
            publication.set_public(engine(), require_user(), case_id, public, _organisation_lines(text))
        except (Invalid, Conflict) as err:
            errors = {str(d.get("field")): str(d.get("message")) for d in err.details} or {"public": err.message}
        else:
            flash("Ärendet visas nu på den offentliga sidan." if public else "Ärendet visas inte längre offentligt.")
            return redirect(url_for("public.mark", case_id=case_id))
    state: dict[str, Any] = publication.public_state(engine(), case_id)
    if request.method == "GET":
        text = "\n".join(state["organisations"])
    status = 422 if errors else 200
    return render_template("case_public.html", case=case, state=state, text=text, errors=errors), status
