"""One follow-up report per approved period (PDF), laid out like the actors' yearly report (seed 004):
the seven sections, the budget outcome against the granted amount, the dialogue activities with
their participants, and each indicator's baseline, target and measured value."""

from __future__ import annotations

from typing import Any

from web import display
from web.documents import sources as s
from web.documents.base import PDF, DocumentInfo, Period, filename, render_pdf, sek
from web.documents.layout import frame, signed
from web.filters import date_sv

KIND = "uppfoljningsrapport"
SECTIONS = (
    "utfall",
    "anvandning_av_medel",
    "uppnatt",
    "dialogaktiviteter_beskrivning",
    "medverkande_aktorer",
    "bidrag_till_omradet",
    "lardomar",
)
INDICATOR_COLUMNS = ("indikator", "utgangsvarde", "malvarde", "uppmatt_varde")
BUDGET_AFTER, DIALOGUE_AFTER = "anvandning_av_medel", "dialogaktiviteter_beskrivning"


def name(number: int) -> str:
    return f"{KIND}-{number}"


def _missing(src: s.Sources, follow_up: s.FollowUp) -> str:
    """Why the period's report is not a document yet, in one Swedish sentence."""
    if not src.active:
        return "Ärendet avslutades innan rapporten för perioden godkändes."
    last_report = follow_up.reports[-1] if follow_up.reports else None
    last_review = follow_up.reviews[-1] if follow_up.reviews else None
    if last_report and last_review and last_review.order > last_report.order:
        return "Komplettering av rapporten är begärd; den är inte godkänd ännu."
    if last_report:
        return "Rapporten är registrerad och väntar på granskning."
    if follow_up.period.end > src.now.date().isoformat():
        return f"Perioden slutar {date_sv(follow_up.period.end)}; rapporten blir ett dokument när den är godkänd."
    return "Rapporten för perioden är inte registrerad ännu."


def infos(src: s.Sources) -> list[DocumentInfo]:
    found = []
    for follow_up in src.follow_ups():
        period = follow_up.period
        if follow_up.report is not None:
            context = follow_up.report.context
            start, end = context.get("period_fran") or period.start, context.get("uppfoljningsdatum") or period.end
            period = Period(str(start), str(end), follow_up.number)
        missing = "" if follow_up.approved else _missing(src, follow_up)
        found.append(
            DocumentInfo(
                kind=KIND,
                name=name(follow_up.number),
                title=f"Uppföljningsrapport {follow_up.number} ({period.text()})",
                period=period,
                content_type=PDF,
                filename=filename(f"Uppföljningsrapport {follow_up.number}", src.case["title"], src.reference, "pdf"),
                missing=missing,
                final=bool(missing) and not src.active,
            )
        )
    return found


def used_through(follow_ups: list[s.FollowUp], number: int) -> int:
    """The budget outcome of the approved reports up to and including follow-up ``number``."""
    return sum(int(f.report.data.get("budgetutfall_sek") or 0) for f in follow_ups if f.report and f.number <= number)


def budget_rows(granted: Any, used: Any, used_so_far: int, number: int) -> list[tuple[str, str, str]]:
    """The budget outcome against the granted amount: (label, amount, class) rows."""
    if not isinstance(used, int):
        return []
    rows = [("Beviljat belopp för stödperioden", sek(granted), ""), ("Använt under perioden", sek(used), "")]
    if number > 1:
        rows.append((f"Använt hittills, uppföljning 1–{number}", sek(used_so_far), ""))
    if isinstance(granted, int):
        left = granted - used_so_far
        over = ("Över beviljat belopp", sek(-left), "over")
        rows.append(("Kvar av beviljat belopp", sek(left), "") if left >= 0 else over)
    return rows


def indicator_rows(agreed: Any, measured: Any) -> list[list[str]]:
    """The agreement's indicators (baseline, target) beside the values the report measured."""
    values = {str(row.get("indikator", "")).strip().casefold(): row for row in measured or [] if isinstance(row, dict)}
    rows, seen = [], set()
    for row in [r for r in agreed or [] if isinstance(r, dict)] + list(values.values()):
        key = str(row.get("indikator", "")).strip().casefold()
        if key in seen:
            continue
        seen.add(key)
        value = values.get(key, {})
        base = row.get("utgangsvarde") or value.get("utgangsvarde") or "–"
        target = row.get("malvarde") or value.get("malvarde") or "–"
        measured = value.get("uppmatt_varde") or "Inte mätt"
        rows.append([str(row.get("indikator", "")), str(base), str(target), str(measured)])
    return rows


def _participants(table: display.Table, rows: Any, schema: dict[str, Any]) -> tuple[list[str], str]:
    """The total row of the dialogue table and participants per target group (”Boende 240, Föreningsliv 40”)."""
    spec = schema["properties"]["dialogaktiviteter"]["items"]["properties"]["malgrupp"]
    total, groups = 0, dict[str, int]()
    for row in rows if isinstance(rows, list) else []:
        count = row.get("antal_deltagare") if isinstance(row, dict) else None
        if isinstance(count, int) and not isinstance(count, bool):
            total += count
            group = display.value_text(spec, row.get("malgrupp")) or "Ingen målgrupp angiven"
            groups[group] = groups.get(group, 0) + count
    summary = ", ".join(f"{group} {count}" for group, count in groups.items())
    return ["Summa deltagare", *([""] * (len(table.columns) - 2)), str(total)], summary


def context(
    src: s.Sources, document: DocumentInfo, follow_up: s.FollowUp, follow_ups: list[s.FollowUp]
) -> dict[str, Any]:
    assert follow_up.report is not None and follow_up.approved is not None and document.period is not None
    schema, report = src.schemas[s.REPORT], follow_up.report
    data, shown = report.data, report.context
    granted = shown.get("beviljat_belopp_sek", src.decision.get("beviljat_belopp_sek"))
    decision_spec = src.schemas[s.DECISION]["properties"]
    support = src.support_period
    dialogue = display.table(schema["properties"]["dialogaktiviteter"], data.get("dialogaktiviteter"), src.areas)
    dialogue_total, per_group = _participants(dialogue, data.get("dialogaktiviteter"), schema)
    facts = [
        ("Område", src.area_name),
        ("Uppföljning", f"{follow_up.number} av {len(follow_ups)}"),
        ("Period", document.period.text()),
        ("Stödperiod", support.text() if support else ""),
        (
            "Beslut",
            f"{display.value_text(decision_spec['beslut'], src.decision.get('beslut'))}, "
            f"{date_sv(src.decision.get('sammantradesdatum'))}",
        ),  # fmt: skip
        ("Beviljat belopp", sek(granted)),
        ("Rapporten registrerad", f"{date_sv(report.at)} av {report.actor_name}"),
        ("Godkänd", f"{date_sv(follow_up.approved.at)} av {follow_up.approved.actor_name}"),
    ]
    measured_spec = schema["properties"]["indikatorvarden"]["items"]["properties"]
    head = f"Uppföljning {follow_up.number}: {document.period.text()}"
    return {
        "doc": frame(src, document, f"Uppföljningsrapport {follow_up.number}", head, facts),
        "sections": [
            {"key": key, "title": schema["properties"][key]["title"], "text": str(data.get(key) or "")}
            for key in SECTIONS
        ],
        "budget_after": BUDGET_AFTER,
        "dialogue_after": DIALOGUE_AFTER,
        "budget": budget_rows(
            granted, data.get("budgetutfall_sek"), used_through(follow_ups, follow_up.number), follow_up.number
        ),  # fmt: skip
        "dialogue": dialogue,
        "dialogue_total": dialogue_total,
        "per_group": per_group,
        "indicator_columns": [measured_spec[k]["title"] for k in INDICATOR_COLUMNS],
        "indicators": indicator_rows(
            shown.get("indikatorer") or src.data(s.AGREEMENT).get("indikatorer"), data.get("indikatorvarden")
        ),  # fmt: skip
        "attachments": display.table(schema["properties"]["bilagor"], data.get("bilagor"), src.areas),
        "signatures": [signed("Rapporten registrerad", report), signed("Godkänd", follow_up.approved)],
    }


def render(src: s.Sources, document: DocumentInfo) -> bytes:
    follow_ups = src.follow_ups()
    follow_up = next(f for f in follow_ups if f.period.number == (document.period.number if document.period else None))
    return render_pdf("uppfoljningsrapport.html", **context(src, document, follow_up, follow_ups))
