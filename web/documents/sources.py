"""The case data the samverkansstöd documents are made of, read once per request.

The case data holds only the latest value of each field, and follow-up periods run side by
side filling in the same fields, so per-period documents read the history instead: each
completion of ``uppfoljningsrapport`` with what was submitted and the period its task was
about (the task's context), matched with the ``granska_uppfoljning`` that approved it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine import casefile, queries, reference
from engine.context import Samverkan
from engine.durations import follow_up_dates
from engine.profile import Criteria
from web.documents.base import Period

INITIATIVE = "registrera_initiativ"
EARLY_INVOLVEMENT = "tidig_boendeinvolvering"
APPLICATION = "registrera_ansokan"
COMPLEMENT = "registrera_komplettering"
ASSESSMENT = "bedomning"
DECISION = "namndbeslut"
AGREEMENT = "samverkansoverenskommelse"
RESIDENT_DIALOGUE = "dialog_med_boende"
REPORT = "uppfoljningsrapport"
REVIEW = "granska_uppfoljning"
FINAL = "slutrapport_effektmatning"
ELEMENTS = (
    INITIATIVE,
    EARLY_INVOLVEMENT,
    APPLICATION,
    COMPLEMENT,
    ASSESSMENT,
    DECISION,
    AGREEMENT,
    RESIDENT_DIALOGUE,
    REPORT,
    REVIEW,
    FINAL,
)
GRANTED = ("beviljat", "delvis_beviljat")


@dataclass(frozen=True)
class Completion:
    order: int  # the history row's id: completions in one instant keep their order
    at: datetime
    actor_name: str
    data: dict[str, Any]
    context: dict[str, Any]


@dataclass
class FollowUp:
    """One follow-up period of the decision's schedule and where its report stands."""

    period: Period
    reports: list[Completion] = field(default_factory=list)
    reviews: list[Completion] = field(default_factory=list)
    approved: Completion | None = None
    report: Completion | None = None  # the report the approval was for

    @property
    def number(self) -> int:
        return self.period.number or 0


@dataclass
class Sources:
    case: dict[str, Any]
    areas: dict[str, str]
    start_name: str
    completions: dict[str, list[Completion]]
    now: datetime
    schemas: dict[str, dict[str, Any]]
    applies: bool  # the case's process has the steps these documents are made of
    criteria: Criteria | None

    def last(self, element: str) -> Completion | None:
        found = self.completions.get(element) or []
        return found[-1] if found else None

    def data(self, element: str) -> dict[str, Any]:
        """What the latest completion of ``element`` submitted ({} when never completed)."""
        last = self.last(element)
        return last.data if last else {}

    @property
    def active(self) -> bool:
        return bool(self.case["status"] == "active")

    @property
    def area_name(self) -> str:
        area = str(self.data(INITIATIVE).get("omrade") or self.case.get("area") or "")
        return self.areas.get(area, area)

    @property
    def decision(self) -> dict[str, Any]:
        return self.data(DECISION)

    @property
    def granted(self) -> bool:
        return self.decision.get("beslut") in GRANTED

    @property
    def reference(self) -> str:
        """The nämnd's diarienummer, or the case number while there is none."""
        return str(self.decision.get("diarienummer") or f"ärende {self.case['id']}")

    @property
    def support_period(self) -> Period | None:
        start, end = self.decision.get("period_start"), self.decision.get("period_slut")
        return Period(str(start), str(end)) if self.granted and start and end else None

    def follow_ups(self) -> list[FollowUp]:
        """The decision's follow-up periods, each with its reports, reviews and the approved report."""
        period = self.support_period
        if period is None:
            return []
        try:
            dates = follow_up_dates(period.start, period.end, str(self.decision.get("uppfoljningsintervall") or "P12M"))
        except ValueError:
            return []
        starts = [period.start, *dates[:-1]]
        found = [FollowUp(Period(start, end, n)) for n, (start, end) in enumerate(zip(starts, dates, strict=True), 1)]
        match_reviews(found, self.completions.get(REPORT, []), self.completions.get(REVIEW, []))
        return found


def _number(completion: Completion) -> int | None:
    value = completion.context.get("uppfoljning_nr")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def match_reviews(periods: list[FollowUp], reports: list[Completion], reviews: list[Completion]) -> None:
    """Each report and review to its period (by the follow-up number its task showed); the approved
    report is the last one sent before the review that approved it."""
    by_number = {p.number: p for p in periods}
    events = sorted([(r.order, False, r) for r in reports] + [(r.order, True, r) for r in reviews])
    for _, is_review, completion in events:
        period = by_number.get(_number(completion) or 0)
        if period is None:
            continue
        if not is_review:
            period.reports.append(completion)
            continue
        period.reviews.append(completion)
        if completion.data.get("godkand") is True and period.reports:
            period.approved, period.report = completion, period.reports[-1]


def collect(engine: Samverkan, case_id: int) -> Sources:
    """Everything a document of the case needs, in a handful of queries."""
    case = queries.get_case(engine, case_id)  # NotFound for an unknown case
    completions: dict[str, list[Completion]] = {}
    for row in casefile.completions(engine, case_id, ELEMENTS):
        completion = Completion(row["id"], row["at"], row["actor_name"], row["data"], row["context"])
        completions.setdefault(row["element_id"], []).append(completion)
    with engine.db.connect() as conn:
        definition = engine.definition(conn, case["process_id"], case["process_version"])
    start = definition.elements.get(case["start_event"])
    return Sources(
        case=case,
        areas={a["id"]: a["name"] for a in reference.list_areas(engine)},
        start_name=(start.name if start else "") or "",
        completions=completions,
        now=engine.now(),
        schemas={element: engine.forms.schema(element) for element in ELEMENTS},
        applies=all(element in definition.elements for element in (APPLICATION, ASSESSMENT)),
        criteria=definition.profile.criteria,
    )
