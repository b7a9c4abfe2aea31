"""Managers' overview, the area view (with CSV) and a case's position in its diagram."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from engine import processes, queries, reference, reports
from engine.roles import ROLES
from web.auth import engine, login_required
from web.csv_export import csv_response
from web.filters import date_sv

bp = Blueprint("overview", __name__)

MANAGERS = ("chef", "admin")


def _process_id() -> str:
    """The overview's process: the product's main process if deployed, else the first deployed."""
    main = engine().main_process_id
    ids = [v["process_id"] for v in processes.list_versions(engine())]
    return main if main in ids or not ids else ids[0]


@bp.get("/overview")
@login_required(*MANAGERS)
def index() -> str:
    samverkan = engine()
    process_id = _process_id()
    version, elements = reports.diagram_elements(samverkan, process_id)
    counts = reports.by_element(samverkan, process_id)
    rows = [{**e, **counts.get(e["id"], {"waiting": 0, "overdue": 0})} for e in elements]
    return render_template(
        "overview.html",
        process_id=process_id,
        version=version,
        elements=[r for r in rows if r["waiting"] or r["overdue"]],
        counts=counts,
        phases=reports.by_phase(samverkan, process_id),
        months=reports.per_month(samverkan),
        months_shown=reports.MONTHS_SHOWN,
        overdue_roles=reports.overdue_by_role(samverkan),
        role_names=ROLES,
        xml_url=url_for("overview.diagram_xml", process_id=process_id, version=version),
    )


@bp.get("/overview/elements/<element_id>")
@login_required(*MANAGERS)
def element_cases(element_id: str) -> str:
    overdue = request.args.get("overdue") == "1"
    process_id = _process_id()
    version, elements = reports.diagram_elements(engine(), process_id)
    names = dict((e["id"], e["name"]) for e in elements)
    context: dict[str, Any] = {
        "element_id": element_id,
        "element_name": names.get(element_id, element_id),
        "cases": reports.cases_at(engine(), element_id, overdue=overdue),
        "overdue": overdue,
    }
    if request.args.get("partial") == "1":
        return render_template("_element_cases.html", **context)
    # The step in the diagram, when it is one of the process's elements.
    xml_url = url_for("overview.diagram_xml", process_id=process_id, version=version) if element_id in names else None
    return render_template("overview_element.html", xml_url=xml_url, **context)


@bp.get("/diagrams/<process_id>/<int:version>.bpmn")
@login_required()
def diagram_xml(process_id: str, version: int) -> Response:
    return Response(processes.get_xml(engine(), process_id, version), mimetype="application/xml")


@bp.get("/cases/<int:case_id>/diagram")
@login_required()
def case_diagram(case_id: int) -> str:
    queries.get_case(engine(), case_id)
    return render_template("case_diagram.html", case_id=case_id)


@bp.get("/cases/<int:case_id>/diagram.json")
@login_required()
def case_position(case_id: int) -> Response:
    position = reports.case_position(engine(), case_id)
    position["xml_url"] = url_for(
        "overview.diagram_xml", process_id=position["process_id"], version=position["version"]
    )
    return jsonify(position)


def _area_filters() -> dict[str, Any]:
    args = request.args
    return {
        "area": args.get("area") or None,
        "phase": args.get("phase") or None,
        "role": args.get("role") or None,
        "overdue": args.get("overdue") == "1",
    }


PER_AREA = 20
"""Cases shown per area on the page of all areas; each area links to its own pages."""
PAGE_SIZE = 100
"""Cases per page when one area is chosen. The CSV always has every case."""


@bp.get("/areas")
@login_required()
def areas() -> str:
    filters = _area_filters()
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and int(page) > 0 else 1
    one_area = filters["area"] is not None
    size = PAGE_SIZE if one_area else PER_AREA
    groups = reports.area_view(engine(), **filters, per_area=size, offset=(page_number - 1) * size if one_area else 0)
    pages = max(1, -(-groups[0]["matching"] // size)) if one_area and groups else 1
    return render_template(
        "areas.html",
        groups=groups,
        filters=filters,
        one_area=one_area,
        page=page_number,
        pages=pages,
        page_url=lambda n: url_for("overview.areas") + _query({**filters, "page": str(n)}),
        area_url=lambda area: url_for("overview.areas") + _query({**filters, "area": area}),
        areas=reference.list_areas(engine()),
        phases=engine().profile(_process_id()).phases,
        roles=ROLES,
        csv_url=url_for("overview.areas_csv") + _query(filters),
    )


def _query(filters: dict[str, Any]) -> str:
    params = {k: ("1" if v is True else v) for k, v in filters.items() if v}
    return "?" + urlencode(params) if params else ""


CSV_HEADER = (
    "Område",
    "Samordning behövs",
    "Ärende",
    "Titel",
    "Fas",
    "Nästa förfallodag",
    "Försenad",
    "Kontaktperson",
    "Beviljat belopp (kr)",
    "Period från",
    "Period till",
)


@bp.get("/areas.csv")
@login_required()
def areas_csv() -> Response:
    rows = (
        (
            group["name"],
            "Ja" if group["coordination"] else "Nej",
            case["id"],
            case["title"],
            case["phase"],
            date_sv(case["next_due"]),
            "Ja" if case["overdue"] else "Nej",
            case["contact"],
            case["granted_sek"],
            case["period_start"],
            case["period_end"],
        )
        for group in reports.area_view(engine(), **_area_filters())
        for case in group["cases"]
    )
    return csv_response("omraden.csv", CSV_HEADER, rows)
