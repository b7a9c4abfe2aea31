"""Property tests of the follow-up schedule: any period, any interval, decided before or long after it began.

The rule (api.md, "Follow-up year"), computed here on its own: dates period_start + k·I for
k = 1, 2, … while before period_slut, then period_slut; one report per date; the final report
opens only after the last report is approved and never before period_slut; every open task with a
deadline has its due date.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine import cases, reference, schema
from engine.clock import STOCKHOLM, FixedClock
from engine.context import Samverkan
from engine.db import create_schema, make_engine
from engine.durations import follow_up_dates, next_working_moment
from tests.samverkansstod import Driver

INTERVALS = {"P1M": 1, "P2M": 2, "P3M": 3, "P4M": 4, "P6M": 6, "P12M": 12, "P1Y6M": 18, "P2Y": 24}
DEADLINES = {"bedomning", "namndbeslut", "uppfoljningsrapport", "granska_uppfoljning", "slutrapport_effektmatning"}


def _plus_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_dates(start: date, end: date, months: int) -> list[date]:
    dates, k = [], 1
    while (moment := _plus_months(start, k * months)) < end:
        dates.append(moment)
        k += 1
    return [*dates, end]


periods = st.tuples(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2029, 12, 31)),
    st.integers(min_value=0, max_value=30),  # months
    st.integers(min_value=1, max_value=27),  # and days
    st.sampled_from(sorted(INTERVALS)),
)


@settings(max_examples=300, deadline=None)
@given(periods)
def test_the_helper_follows_the_rule(period: tuple[date, int, int, str]) -> None:
    start, months, days, interval = period
    end = _plus_months(start, months) + timedelta(days=days)
    got = follow_up_dates(start.isoformat(), end.isoformat(), interval)
    assert got == [d.isoformat() for d in expected_dates(start, end, INTERVALS[interval])]
    assert got[-1] == end.isoformat() and all(d < end.isoformat() for d in got[:-1])
    assert got == sorted(set(got))  # strictly increasing: one report per date


_ENGINE: list[tuple[Samverkan, Driver]] = []


def _drive() -> Driver:
    """One engine for every example (each its own case); made on first use."""
    if not _ENGINE:
        clock = FixedClock(datetime(2024, 1, 1, tzinfo=STOCKHOLM))
        engine = Samverkan(db=make_engine("sqlite://"), clock=clock)
        create_schema(engine.db)
        reference.load_example_areas(engine)
        _ENGINE.append((engine, Driver(engine, clock)))
    return _ENGINE[0][1]


def _check_deadlines(drive: Driver, case_id: int) -> None:
    for task in drive.case(case_id)["open_tasks"]:
        if task["element_id"] in DEADLINES:
            assert task["due_at"] is not None, task["element_id"]


def _next_timer(drive: Driver, case_id: int) -> datetime | None:
    t = schema.timers
    with drive.engine.db.connect() as conn:
        due: datetime | None = conn.execute(
            select(t.c.due_at).where(t.c.case_id == case_id, t.c.element_id == "vanta_uppfoljning")
        ).scalar_one_or_none()
    return due


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(periods, st.integers(min_value=-60, max_value=800))
def test_a_case_gets_one_report_per_scheduled_date_and_its_final_report_after_the_period(
    period: tuple[date, int, int, str], decided_after_start: int
) -> None:
    start, months, days, interval = period
    end = _plus_months(start, min(months, 24)) + timedelta(days=days)
    drive = _drive()
    decided = datetime.combine(start + timedelta(days=decided_after_start), datetime.min.time(), STOCKHOLM)
    drive.clock.set(decided.replace(hour=10))
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan",
               "bedomning")  # fmt: skip
    drive.complete(case_id, "namndbeslut", period_start=start.isoformat(), period_slut=end.isoformat(),
                   uppfoljningsintervall=interval)  # fmt: skip
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    expected = expected_dates(start, end, INTERVALS[interval])
    reported: list[str] = []
    for _ in range(len(expected) + 2):
        _check_deadlines(drive, case_id)
        assert drive.tasks(case_id, "slutrapport_effektmatning") == [] or len(reported) == len(expected)
        reports = [(str(cases_context(drive, t["id"])["uppfoljningsdatum"]), t) for t in
                   drive.tasks(case_id, "uppfoljningsrapport")]  # fmt: skip
        for day, report in sorted(reports, key=lambda r: r[0]):
            reported.append(day)
            drive.complete_task(report)
            drive.complete(case_id, "granska_uppfoljning", godkand=True)
            _check_deadlines(drive, case_id)
        if drive.tasks(case_id, "slutrapport_effektmatning"):
            break
        due = _next_timer(drive, case_id)
        assert due is not None, drive.case(case_id)["active_elements"]
        drive.clock.set(max(drive.clock.now(), due) + timedelta(minutes=1))
        cases.fire_due_timers(drive.engine, case_id)
    assert reported == [d.isoformat() for d in expected]
    # The final report opened at the end of the period at the earliest (its first working day).
    period_end = next_working_moment(datetime.combine(end, datetime.min.time(), STOCKHOLM))
    assert drive.clock.now() >= period_end
    [final] = drive.tasks(case_id, "slutrapport_effektmatning")
    assert final["due_at"] is not None
    case = drive.complete(case_id, "slutrapport_effektmatning")
    assert (case["status"], case["open_tasks"]) == ("completed", [])


def cases_context(drive: Driver, task_id: str) -> dict[str, object]:
    from engine import queries

    return dict(queries.get_task(drive.engine, task_id)["context"])
