"""/statistik for chef and admin: figures across cases per year and area, charts, CSV and XLSX."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from flask import Blueprint, Response, render_template, request, send_file, url_for

from engine import reference, reports, statistics
from engine.context import Samverkan
from engine.errors import Invalid
from web.auth import engine, login_required
from web.charts import Chart, Series, number_sv, svg
from web.csv_export import Cell, csv_response

bp = Blueprint("statistics", __name__)

MANAGERS = ("chef", "admin")
bp.add_app_template_filter(number_sv, "number_sv")


@dataclass(frozen=True)
class Labels:
    """Swedish names for the ids the figures are counted by: from the model, the forms and the area list."""

    elements: dict[str, str]
    start_events: tuple[str, ...]
    end_events: tuple[str, ...]
    target_groups: dict[str, str]
    decisions: dict[str, str]
    areas: dict[str, str]

    def element(self, element_id: str) -> str:
        return self.elements.get(element_id, element_id)

    def area(self, area: str | None) -> str:
        return self.areas.get(area or "", area or "Inget område")


def _choices(schema: dict[str, Any], *path: str) -> dict[str, str]:
    """An enum field's values and their titles (``x-enum-titles``), following ``path`` into the schema."""
    node: Any = schema
    for name in path:
        node = (node.get("properties") or {}).get(name) or node.get("items", {}).get("properties", {}).get(name) or {}
    values = node.get("enum") or node.get("items", {}).get("enum") or []
    titles = node.get("x-enum-titles") or values
    return dict(zip(values, titles, strict=False))


def labels(samverkan: Samverkan) -> Labels:
    process_id = samverkan.main_process_id
    try:
        _, elements = reports.diagram_elements(samverkan, process_id)
    except Exception:  # noqa: BLE001 - no process deployed yet: ids stay as they are
        elements = []
    spec = samverkan.profile(process_id).figures
    report_form = samverkan.forms.schema(spec.report) if spec else {}
    decision_form = samverkan.forms.schema(spec.decision) if spec else {}
    return Labels(
        elements={e["id"]: e["name"] or e["id"] for e in elements},
        start_events=tuple(e["id"] for e in elements if e["kind"] == "startEvent"),
        end_events=tuple(e["id"] for e in elements if e["kind"] == "endEvent"),
        target_groups=_choices(report_form, spec.activities, spec.target_group) if spec else {},
        decisions=_choices(decision_form, spec.decision_field) if spec else {},
        areas={a["id"]: a["name"] for a in reference.list_areas(samverkan)},
    )


def _ids(found: list[dict[str, Any]], key: str, known: tuple[str, ...] | dict[str, str]) -> list[str]:
    """The ids to show: those the model or form knows that occur, then any others, in a stable order."""
    seen = {k for row in found for k in row[key]}
    return [k for k in known if k in seen] + sorted(seen - set(known))


def charts(figures: dict[str, Any], names: Labels) -> list[Chart]:
    years = figures["by_year"]
    categories = tuple(str(y["year"]) for y in years)
    starts = _ids([y["cases"] for y in years], "by_start_event", names.start_events)
    ends = _ids([y["cases"] for y in years], "by_end_event", names.end_events)
    groups = _ids([figures["participants"]], "by_target_group", names.target_groups)
    per_area = [row for row in _area_totals(figures)]
    return [
        Chart(
            "started",
            "Nya ärenden per år, efter vem som tog initiativet",
            categories,
            tuple(
                Series(names.element(s), tuple(y["cases"]["by_start_event"].get(s, 0) for y in years)) for s in starts
            ),
            "Antal ärenden",
        ),
        Chart(
            "ended",
            "Avslutade ärenden per startår, efter hur de slutade",
            categories,
            tuple(Series(names.element(e), tuple(y["cases"]["by_end_event"].get(e, 0) for y in years)) for e in ends),
            "Antal ärenden",
        ),
        Chart(
            "sek",
            "Kronor per startår: sökt, beviljat och använt",
            categories,
            (
                Series("Sökt", tuple(y["sek"]["applied"] for y in years)),
                Series("Beviljat", tuple(y["sek"]["granted"] for y in years)),
                Series("Använt", tuple(y["sek"]["used"] for y in years)),
            ),
            "Kronor",
        ),
        Chart(
            "participants",
            "Deltagare i dialogaktiviteter per målgrupp",
            tuple(names.target_groups.get(g, g) for g in groups),
            (Series("Deltagare", tuple(figures["participants"]["by_target_group"][g] for g in groups)),),
            "Antal deltagare (godkända rapporter)",
        ),
        Chart(
            "residents",
            "Boende som nåtts i tidig boendeinvolvering per område",
            tuple(names.area(a) for a, _ in per_area),
            (Series("Boende", tuple(n for _, n in per_area)),),
            "Antal boende",
        ),
    ]


def _area_totals(figures: dict[str, Any]) -> list[tuple[str | None, int]]:
    totals: dict[str | None, int] = {}
    for row in figures["by_year_area"]:
        totals[row["area"]] = totals.get(row["area"], 0) + row["residents_reached"]
    return sorted(totals.items(), key=lambda item: item[0] or "")


def table(figures: dict[str, Any], names: Labels) -> tuple[list[str], list[list[Cell]]]:
    """The export: one row per year and area, then the total."""
    rows = figures["by_year_area"]
    starts = _ids([r["cases"] for r in rows], "by_start_event", names.start_events)
    ends = _ids([r["cases"] for r in rows], "by_end_event", names.end_events)
    groups = _ids([r["participants"] for r in rows], "by_target_group", names.target_groups)
    header = [
        "År",
        "Område",
        "Ärenden",
        *(f"Start: {names.element(s)}" for s in starts),
        "Pågående",
        *(f"Slut: {names.element(e)}" for e in ends),
        "Sökt (kr)",
        "Beviljat (kr)",
        "Använt (kr)",
        "Boende nådda",
        *(f"Deltagare: {names.target_groups.get(g, g)}" for g in groups),
        "Median dagar första kontakt–beslut",
        "Median dagar beslut–första rapport",
        "Rapporter som förfallit",
        "Försenade rapporter",
        "Andel försenade",
    ]

    def line(year: Cell, area: Cell, r: dict[str, Any]) -> list[Cell]:
        return [
            year,
            area,
            r["cases"]["total"],
            *(r["cases"]["by_start_event"].get(s, 0) for s in starts),
            r["cases"]["active"],
            *(r["cases"]["by_end_event"].get(e, 0) for e in ends),
            r["sek"]["applied"],
            r["sek"]["granted"],
            r["sek"]["used"],
            r["residents_reached"],
            *(r["participants"]["by_target_group"].get(g, 0) for g in groups),
            r["median_days"]["first_contact_to_decision"],
            r["median_days"]["decision_to_first_report"],
            r["reports"]["due"],
            r["reports"]["late"],
            r["reports"]["late_share"],
        ]

    body = [line(r["year"], names.area(r["area"]), r) for r in rows]
    body.append(line("Totalt", names.area(figures["area"]) if figures["area"] else "Alla områden", figures))
    return header, body


def _filters() -> tuple[int | None, str | None]:
    return statistics.parse_filters(engine(), request.args.get("year"), request.args.get("area"))


def _filename(year: int | None, area: str | None, ext: str) -> str:
    return "statistik" + (f"-{year}" if year else "") + (f"-{area}" if area else "") + f".{ext}"


@bp.get("/statistik")
@login_required(*MANAGERS)
def page() -> tuple[str, int]:
    errors: dict[str, str] = {}
    try:
        year, area = _filters()
    except Invalid as err:  # the page shows what is wrong beside the filter, over all cases
        errors = {str(d["field"]): str(d["message"]) for d in err.details}
        year, area = None, None
    figures = statistics.figures(engine(), year, area)
    names = labels(engine())
    header, rows = table(figures, names)
    query: dict[str, Any] = {k: v for k, v in (("year", year), ("area", area)) if v}
    return render_template(
        "statistik.html",
        figures=figures,
        names=names,
        charts=[(chart, svg(chart)) for chart in charts(figures, names)],
        header=header,
        rows=rows,
        csv_url=url_for("statistics.csv_export", **query),
        xlsx_url=url_for("statistics.xlsx_export", **query),
        errors=errors,
    ), (400 if errors else 200)


@bp.get("/statistik.csv")
@login_required(*MANAGERS)
def csv_export() -> Response:
    year, area = _filters()
    header, rows = table(statistics.figures(engine(), year, area), labels(engine()))
    return csv_response(_filename(year, area, "csv"), header, rows)


@bp.get("/statistik.xlsx")
@login_required(*MANAGERS)
def xlsx_export() -> Response:
    year, area = _filters()
    header, rows = table(statistics.figures(engine(), year, area), labels(engine()))
    out = io.BytesIO()
    # XlsxWriter writes numbers as numbers and text as text (strings_to_formulas off: a cell
    # starting with "=" stays text), so no CSV-style neutralising is needed.
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Statistik")
    bold = book.add_format({"bold": True, "text_wrap": True})
    sheet.write_row(0, 0, header, bold)
    for n, row in enumerate(rows, 1):
        sheet.write_row(n, 0, ["" if cell is None else cell for cell in row])
    sheet.freeze_panes(1, 2)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, len(header) - 1, 14)
    book.close()
    out.seek(0)
    return send_file(
        out,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=_filename(year, area, "xlsx"),
        max_age=0,
    )
