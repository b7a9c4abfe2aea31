"""The final report (PDF): each indicator's effect against its baseline and target, what was measured
at each follow-up, the money used against the granted amount, the overall assessment and lessons."""

from __future__ import annotations

from typing import Any

from web import display
from web.documents import sources as s
from web.documents.base import PDF, DocumentInfo, filename, render_pdf, sek
from web.documents.follow_up import used_through
from web.documents.layout import frame, signed
from web.filters import date_sv

KIND = "slutrapport"


def _missing(src: s.Sources) -> tuple[str, bool]:
    if src.last(s.FINAL) is not None:
        return "", False
    if src.decision and not src.granted:
        return "Nämnden beviljade inget stöd, så ärendet får ingen slutrapport.", True
    if not src.active:
        return "Ärendet avslutades utan slutrapport.", True
    if src.support_period is None:
        return "Slutrapporten skrivs när stödperioden är slut; nämnden har inte beslutat om stöd ännu.", False
    return (
        f"Slutrapporten skrivs när stödperioden har slutat ({date_sv(src.support_period.end)}) "
        "och alla uppföljningar är godkända."
    ), False


def info(src: s.Sources) -> DocumentInfo:
    missing, final = _missing(src)
    return DocumentInfo(
        kind=KIND,
        name=KIND,
        title="Slutrapport och effektmätning",
        period=src.support_period,
        content_type=PDF,
        filename=filename("Slutrapport", src.case["title"], src.reference, "pdf"),
        missing=missing,
        final=final,
    )


def _measurements(follow_ups: list[s.FollowUp]) -> list[list[str]]:
    """Per indicator and approved follow-up: the value measured then."""
    rows = []
    for follow_up in follow_ups:
        if follow_up.report is None:
            continue
        for value in follow_up.report.data.get("indikatorvarden") or []:
            if isinstance(value, dict):
                rows.append([str(value.get("indikator", "")), str(follow_up.number), follow_up.period.text(),
                             str(value.get("uppmatt_varde") or "Inte mätt")])  # fmt: skip
    return sorted(rows, key=lambda r: (r[0].casefold(), int(r[1])))


def _economy(follow_ups: list[s.FollowUp], granted: Any) -> tuple[list[list[str]], list[str]]:
    rows = [
        [str(f.number), f.period.text(), sek(f.report.data.get("budgetutfall_sek")) or "Inte angivet"]
        for f in follow_ups
        if f.report is not None
    ]
    used = used_through(follow_ups, len(follow_ups))
    total = ["Summa använt", "", sek(used)]
    if isinstance(granted, int):
        left = granted - used
        total[1] = f"av beviljade {sek(granted)}; " + (f"{sek(left)} kvar" if left >= 0 else f"{sek(-left)} över")
    return rows, total


def context(src: s.Sources, document: DocumentInfo) -> dict[str, Any]:
    schema, final = src.schemas[s.FINAL], src.last(s.FINAL)
    assert final is not None
    data = final.data
    follow_ups = src.follow_ups()
    granted = src.decision.get("beviljat_belopp_sek")
    approved = sum(1 for f in follow_ups if f.approved)
    recommendation = display.value_text(schema["properties"]["slutrekommendation"], data.get("slutrekommendation"))
    facts = [
        ("Område", src.area_name),
        ("Stödperiod", document.period.text() if document.period else ""),
        ("Beviljat belopp", sek(granted)),
        ("Använt under stödperioden", sek(used_through(follow_ups, len(follow_ups)))),
        ("Uppföljningar", f"{approved} av {len(follow_ups)} godkända"),
        ("Rekommendation", recommendation),
        ("Slutrapporten registrerad", f"{date_sv(final.at)} av {final.actor_name}"),
    ]
    economy, economy_total = _economy(follow_ups, granted)
    head = f"Stödperiod {document.period.text()}" if document.period else "Stödperiod saknas"
    return {
        "doc": frame(src, document, "Slutrapport och effektmätning", head, facts),
        "effects": display.table(schema["properties"]["effekter"], data.get("effekter"), src.areas),
        "measurements": _measurements(follow_ups),
        "economy": economy,
        "economy_total": economy_total,
        "assessment_title": schema["properties"]["samlad_bedomning"]["title"],
        "assessment": str(data.get("samlad_bedomning") or ""),
        "lessons_title": schema["properties"]["slutliga_lardomar"]["title"],
        "lessons": str(data.get("slutliga_lardomar") or ""),
        "recommendation": recommendation,
        "signatures": [signed("Slutrapporten registrerad", final)],
    }


def render(src: s.Sources, document: DocumentInfo) -> bytes:
    return render_pdf("slutrapport.html", **context(src, document))
