"""The application with its assessment against K1–K5 and the recommendation (PDF)."""

from __future__ import annotations

from typing import Any

from web import display
from web.documents import sources as s
from web.documents.base import PDF, DocumentInfo, Period, filename, render_pdf, sek
from web.documents.layout import frame, signed
from web.filters import date_sv

KIND = "ansokan"
TITLE = "Ansökan med bedömning"


def info(src: s.Sources) -> DocumentInfo:
    applied = src.data(s.APPLICATION)
    start, end = applied.get("planerad_start"), applied.get("planerad_slut")
    missing, final = "", False
    if src.last(s.ASSESSMENT) is None:
        final = not src.active
        missing = (
            "Ärendet avslutades innan ansökan bedömdes mot kriterierna."
            if final
            else "Ansökan blir ett dokument när den är bedömd mot kriterierna."
        )
    return DocumentInfo(
        kind=KIND,
        name=KIND,
        title=TITLE,
        period=Period(str(start), str(end)) if start and end else None,
        content_type=PDF,
        filename=filename("Ansökan", src.case["title"], src.reference, "pdf"),
        missing=missing,
        final=final,
    )


def criteria_rows(src: s.Sources) -> list[dict[str, str]]:
    """K1–K5 with the criterion's wording, the verdict and the motivation."""
    schema, data = src.schemas[s.ASSESSMENT], src.data(s.ASSESSMENT)
    if src.criteria is None:
        return []
    rows = display.criteria(schema, data, src.criteria)
    shown = [k for k in src.criteria.fields if k in schema.get("properties", {}) and isinstance(data.get(k), dict)]
    for row, key in zip(rows, shown, strict=True):  # the rows display.criteria gives, in the same order
        spec = schema["properties"][key]
        row["wording"] = str(spec.get("description") or spec.get("x-help") or "")
    return rows


def context(src: s.Sources, document: DocumentInfo) -> dict[str, Any]:
    schemas, areas = src.schemas, src.areas
    initiative, application = src.data(s.INITIATIVE), src.data(s.APPLICATION)
    assessment = src.data(s.ASSESSMENT)
    skip_criteria = src.criteria.fields if src.criteria else ()
    commitments = application.get("atagande") or []
    applied = application.get("sokt_stod") or {}
    facts = [
        ("Område", src.area_name),
        ("Plats", str(initiative.get("plats") or "")),
        ("Initiativ", src.start_name),
        ("Ärendet startades", date_sv(src.case["created_at"])),
        ("Sökt belopp", sek(applied.get("belopp_sek"))),
        ("Sökt period", document.period.text() if document.period else ""),
        (
            "Rekommendation",
            display.value_text(schemas[s.ASSESSMENT]["properties"]["rekommendation"], assessment.get("rekommendation")),
        ),  # fmt: skip
        ("Diarienummer", str(src.decision.get("diarienummer") or "")),
    ]
    period = f"Sökt period {document.period.text()}" if document.period else "Ingen period sökt ännu"
    return {
        "doc": frame(src, document, "Ansökan om samverkansstöd", period, facts),
        "initiative": display.describe(schemas[s.INITIATIVE], initiative, areas, skip=("aktorer", "omrade", "plats")),
        "actors": display.table(
            schemas[s.INITIATIVE]["properties"]["aktorer"], initiative.get("aktorer"), areas, skip=("kontakt",)
        ),  # fmt: skip
        "involvement": display.describe(schemas[s.EARLY_INVOLVEMENT], src.data(s.EARLY_INVOLVEMENT), areas),
        "application": display.describe(schemas[s.APPLICATION], application, areas, skip=("atagande",)),
        "commitments": display.table(schemas[s.APPLICATION]["properties"]["atagande"], commitments, areas),
        "commitments_total": sum(r.get("belopp_sek") or 0 for r in commitments if isinstance(r, dict)),
        "complement": display.describe(schemas[s.COMPLEMENT], src.data(s.COMPLEMENT), areas),
        "criteria": criteria_rows(src),
        "recommendation": display.describe(schemas[s.ASSESSMENT], assessment, areas, skip=skip_criteria),
        "assessed": signed("Bedömd", src.last(s.ASSESSMENT)),
    }


def render(src: s.Sources, document: DocumentInfo) -> bytes:
    return render_pdf("ansokan.html", **context(src, document))
