"""Properties of one case's figures over any order of follow-up reports, reviews and complements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.figures import Completion, compute
from engine.profile import load_profiles

SPEC = load_profiles()["samverkansstod"].figures
assert SPEC is not None
START = datetime(2027, 1, 1, 9, tzinfo=UTC)
GROUPS = ("boende", "naringsliv", "foreningsliv")

# One event: (period number, is it a review, approved?, used kronor, participants per group, days late)
events = st.lists(
    st.tuples(
        st.integers(1, 3),
        st.booleans(),
        st.booleans(),
        st.integers(0, 500_000),
        st.lists(st.tuples(st.sampled_from(GROUPS), st.integers(0, 300)), max_size=3),
        st.integers(-20, 20),
    ),
    max_size=12,
)


def _completions(drawn: list[Any]) -> list[Completion]:
    found = []
    for order, (number, is_review, approved, used, activities, late_days) in enumerate(drawn, 1):
        at = START + timedelta(days=order)
        if is_review:
            found.append(
                Completion(order, at, SPEC.review, {SPEC.approved: approved}, {SPEC.report_number: number}, None)
            )
        else:
            data = {
                SPEC.used_sek: used,
                SPEC.activities: [{SPEC.target_group: g, SPEC.participants: n} for g, n in activities],
            }
            due = at - timedelta(days=late_days)
            found.append(Completion(order, at, SPEC.report, data, {SPEC.report_number: number}, due))
    return found


def _expected(drawn: list[Any]) -> tuple[int, dict[str, int], int, int]:
    """By a second, plain reading: per period the last report before its last approving review counts."""
    counted: dict[int, tuple[int, list[tuple[str, int]]]] = {}
    last_report: dict[int, tuple[int, list[tuple[str, int]]]] = {}
    first_late: dict[int, bool] = {}
    for number, is_review, approved, used, activities, late_days in drawn:
        if not is_review:
            last_report[number] = (used, activities)
            first_late.setdefault(number, late_days > 0)
        elif approved and number in last_report:
            counted[number] = last_report[number]
    participants: dict[str, int] = {}
    for _, activities in counted.values():
        for group, n in activities:
            participants[group] = participants.get(group, 0) + n
    return sum(u for u, _ in counted.values()), participants, len(first_late), sum(first_late.values())


@settings(max_examples=300, deadline=None)
@given(events)
def test_money_used_and_participants_come_from_approved_reports_only(drawn: list[Any]) -> None:
    figures = compute(SPEC, _completions(drawn))
    used, participants, submitted, late = _expected(drawn)
    assert figures["used_sek"] == used
    assert figures["participants"] == participants
    assert (figures["reports_submitted"], figures["reports_late"]) == (submitted, late)
    assert figures["report_numbers"] == sorted({d[0] for d in drawn if not d[1]})
    assert figures["decided_on"] is None and figures["granted_sek"] is None  # no decision in these
