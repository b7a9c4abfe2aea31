"""Figures across cases for managers: per year (of first contact) and area, from ``case_figures``.

One query reads each case's row joined with its figures (kept by the steps, see
:mod:`engine.figures`), one more counts follow-up reports that are late and not yet in (that
changes with time, not with steps); the rest is counted here. A case belongs to the year its
first contact was registered (the case's start, Stockholm time).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from engine import schema
from engine.context import Samverkan
from engine.errors import Invalid
from engine.figures import local_date
from engine.profile import Figures

c, f, t = schema.cases, schema.case_figures, schema.tasks


@dataclass
class Tally:
    """The figures of one group of cases."""

    total: int = 0
    active: int = 0
    by_start_event: dict[str, int] = field(default_factory=dict)
    by_end_event: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)
    applied: int = 0
    granted: int = 0
    used: int = 0
    residents: int = 0
    participants: dict[str, int] = field(default_factory=dict)
    to_decision: list[int] = field(default_factory=list)
    to_first_report: list[int] = field(default_factory=list)
    reports_due: int = 0
    reports_late: int = 0

    def add(self, row: Any, first_contact: date, overdue_open: int) -> None:
        self.total += 1
        if row.status == "active":
            self.active += 1
        _bump(self.by_start_event, row.start_event)
        if row.end_event:
            _bump(self.by_end_event, row.end_event)
        if row.decision:
            _bump(self.decisions, row.decision)
        self.applied += row.applied_sek or 0
        self.granted += row.granted_sek or 0
        self.used += row.used_sek or 0
        self.residents += row.residents_reached or 0
        if row.participants:
            for group, n in row.participants.items():
                self.participants[group] = self.participants.get(group, 0) + int(n)
        if row.decided_on:
            decided = date.fromisoformat(row.decided_on)
            self.to_decision.append((decided - first_contact).days)
            if row.first_report_on:
                self.to_first_report.append((date.fromisoformat(row.first_report_on) - decided).days)
        self.reports_due += (row.reports_submitted or 0) + overdue_open
        self.reports_late += (row.reports_late or 0) + overdue_open

    def merge(self, other: Tally) -> Tally:
        """This tally with ``other``'s cases added (groups are counted once, totals merged from them)."""
        self.total += other.total
        self.active += other.active
        for mine, theirs in (
            (self.by_start_event, other.by_start_event),
            (self.by_end_event, other.by_end_event),
            (self.decisions, other.decisions),
            (self.participants, other.participants),
        ):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
        self.applied += other.applied
        self.granted += other.granted
        self.used += other.used
        self.residents += other.residents
        self.to_decision += other.to_decision
        self.to_first_report += other.to_first_report
        self.reports_due += other.reports_due
        self.reports_late += other.reports_late
        return self

    def as_json(self) -> dict[str, Any]:
        return {
            "cases": {
                "total": self.total,
                "active": self.active,
                "by_start_event": dict(sorted(self.by_start_event.items())),
                "by_end_event": dict(sorted(self.by_end_event.items())),
            },
            "decisions": dict(sorted(self.decisions.items())),
            "sek": {"applied": self.applied, "granted": self.granted, "used": self.used},
            "residents_reached": self.residents,
            "participants": {
                "total": sum(self.participants.values()),
                "by_target_group": dict(sorted(self.participants.items())),
            },
            "median_days": {
                "first_contact_to_decision": _median(self.to_decision),
                "decision_to_first_report": _median(self.to_first_report),
            },
            "reports": {
                "due": self.reports_due,
                "late": self.reports_late,
                "late_share": round(self.reports_late / self.reports_due, 3) if self.reports_due else None,
            },
        }


def _bump(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def _median(values: list[int]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def figures(engine: Samverkan, year: int | None = None, area: str | None = None) -> dict[str, Any]:
    """The figures over the cases matching ``year`` and ``area``, in total and per year and area.

    ``years`` and ``areas`` list what the filters can be set to (over all cases).
    """
    now = engine.now()
    spec = engine.profile(engine.main_process_id).figures
    query = select(
        c.c.id,
        c.c.created_at,
        c.c.area,
        c.c.status,
        c.c.start_event,
        c.c.end_event,
        *(f.c[name] for name in ("applied_sek", "granted_sek", "decision", "decided_on", "first_report_on")),
        *(
            f.c[name]
            for name in (
                "used_sek",
                "residents_reached",
                "participants",
                "reports_submitted",
                "reports_late",
            )
        ),
    ).outerjoin(f, f.c.case_id == c.c.id)
    late_open = select(t.c.case_id, t.c.context).where(t.c.state == "open", t.c.due_at < now)
    if spec is not None:
        late_open = late_open.where(t.c.element_id == spec.report)
    if area is not None:
        query = query.where(c.c.area == area)
        late_open = late_open.join(c, c.c.id == t.c.case_id).where(c.c.area == area)
    with engine.db.connect() as conn:
        rows = conn.execute(query).all()
        overdue_open = conn.execute(late_open).all() if spec is not None else []
        areas = sorted({a for a in conn.execute(select(c.c.area).distinct()).scalars() if a})
        overdue = _overdue_not_in(conn, spec, overdue_open) if spec is not None and overdue_open else {}
        years_seen = _years(conn) if year is not None else set()
    groups: dict[tuple[int, str | None], Tally] = {}
    for row in rows:
        first_contact = local_date(row.created_at)
        started = first_contact.year
        years_seen.add(started)
        if year is not None and started != year:
            continue
        key = (started, row.area)
        tally = groups.get(key)
        if tally is None:
            tally = groups[key] = Tally()
        tally.add(row, first_contact, overdue.get(row.id, 0))
    # Each case is counted once, in its year and area; the year and overall figures are merged from those.
    total, by_year = Tally(), dict[int, Tally]()
    for (started, _), tally in groups.items():
        total.merge(tally)
        by_year.setdefault(started, Tally()).merge(tally)
    years = sorted(years_seen, reverse=True)
    return {
        "year": year,
        "area": area,
        **total.as_json(),
        "by_year": [{"year": y, **by_year[y].as_json()} for y in sorted(by_year)],
        "by_year_area": [
            {"year": y, "area": a, **groups[(y, a)].as_json()}
            for y, a in sorted(groups, key=lambda k: (k[0], k[1] or ""))
        ],
        "years": years,
        "areas": areas,
    }


def _overdue_not_in(conn: Any, spec: Figures, overdue_open: Sequence[Any]) -> dict[int, int]:
    """Per case: open reports past their deadline whose period has no report in yet.

    A complement asked for after a report came in is not a late report.
    """
    case_ids = sorted({case_id for case_id, _ in overdue_open})
    numbers = {
        case_id: set(found or ())
        for case_id, found in conn.execute(select(f.c.case_id, f.c.report_numbers).where(f.c.case_id.in_(case_ids)))
    }
    overdue: dict[int, int] = {}
    for case_id, context in overdue_open:
        if (context or {}).get(spec.report_number) not in numbers.get(case_id, set()):
            overdue[case_id] = overdue.get(case_id, 0) + 1
    return overdue


def _years(conn: Any) -> set[int]:
    return {local_date(at).year for at in conn.execute(select(c.c.created_at)).scalars()}


def parse_filters(engine: Samverkan, year: str | None, area: str | None) -> tuple[int | None, str | None]:
    """The ``year`` and ``area`` filters from query text; :class:`Invalid` naming what is wrong."""
    problems = []
    chosen_year: int | None = None
    if year:
        chosen_year = int(year) if year.isdigit() and len(year) == 4 else None
        if chosen_year is None:
            problems.append({"field": "year", "message": "Ange ett år med fyra siffror, t.ex. 2027."})
    if area:
        with engine.db.connect() as conn:
            known = conn.execute(select(schema.areas.c.id).where(schema.areas.c.id == area)).first()
        if known is None:
            problems.append({"field": "area", "message": "Okänt område."})
    if problems:
        raise Invalid("Filtret för statistiken är inte giltigt.", details=problems, code="invalid_filter")
    return chosen_year, area or None
