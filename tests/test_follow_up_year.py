"""The follow-up year as Malmö's officials live it, with the worker's clock (api.md, "Follow-up year").

Schedule: period_start + k·I while before period_slut, then period_slut itself; the final report
only after the last follow-up is approved and never before period_slut; every deadline a timer
with the task's due_at set; at most one escalation per report, closed when the report arrives.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine import cases, queries, task_form
from engine.clock import STOCKHOLM
from engine.durations import add_duration_times, follow_up_dates
from engine.errors import Invalid
from samverkan_cli.sample import sample_data
from tests.samverkansstod import USERS, Driver

KIM = USERS["kontaktperson"]


def _local(value: str | None) -> datetime:
    assert value is not None
    return datetime.fromisoformat(value).astimezone(STOCKHOLM)


def _day(value: str | None) -> str:
    return _local(value).date().isoformat()


def _granted(drive: Driver, decided: str, start: str, end: str, interval: str = "P12M") -> int:
    """A case decided on ``decided`` (Stockholm time) for the period, with its agreement done."""
    drive.clock.set(datetime.fromisoformat(decided).replace(tzinfo=STOCKHOLM))
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan",
               "bedomning")  # fmt: skip
    drive.complete(case_id, "namndbeslut", period_start=start, period_slut=end, uppfoljningsintervall=interval)
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    return case_id


def _open(drive: Driver, case_id: int) -> list[str]:
    return sorted(t["element_id"] for t in drive.case(case_id)["open_tasks"])


def _report_cycle(drive: Driver, case_id: int) -> None:
    """Register the open report and approve it."""
    [report] = drive.tasks(case_id, "uppfoljningsrapport")
    drive.complete_task(report)
    drive.complete(case_id, "granska_uppfoljning", godkand=True)


def _assert_finished(drive: Driver, case_id: int) -> None:
    case = drive.complete(case_id, "slutrapport_effektmatning")
    assert (case["status"], case["end_event"], case["open_tasks"]) == ("completed", "slut_avslutat", [])
    assert case["active_elements"] == []


# ---------------------------------------------------------------------------- whole cases


def test_a_calendar_year_grant_gets_its_follow_up_at_the_years_end(drive: Driver) -> None:
    case_id = _granted(drive, "2027-01-15T10:00", "2027-01-01", "2027-12-31")
    assert _open(drive, case_id) == []  # no final report days after the agreement
    drive.sweep("2027-06-01T08:00")
    drive.sweep("2027-12-30T08:00")
    assert _open(drive, case_id) == []
    # 2027-12-31 is nyårsafton, then a holiday and a weekend: the follow-up opens Monday 3 January.
    drive.sweep("2028-01-02T12:00")
    assert _open(drive, case_id) == []
    drive.sweep("2028-01-03T08:00")
    [report] = drive.tasks(case_id, "uppfoljningsrapport")
    assert _day(report["due_at"]) == "2028-01-31"  # 30 days after 31 Dec is a Sunday
    _report_cycle(drive, case_id)
    [final] = drive.tasks(case_id, "slutrapport_effektmatning")
    assert _day(final["due_at"]) == "2028-02-29"  # 60 days after the period
    _assert_finished(drive, case_id)
    assert drive.history(case_id).count(("completed", "uppfoljningsrapport")) == 1


def test_eighteen_months_at_a_yearly_interval_get_two_follow_ups(drive: Driver) -> None:
    case_id = _granted(drive, "2027-01-10T10:00", "2027-01-01", "2028-06-30")
    drive.sweep("2028-01-03T08:00")  # 1 January 2028 is a Saturday and a holiday
    _report_cycle(drive, case_id)
    assert _open(drive, case_id) == []  # six more months: the final report waits for the period
    drive.sweep("2028-06-29T08:00")
    assert _open(drive, case_id) == []
    drive.sweep("2028-06-30T08:00")
    assert _open(drive, case_id) == ["uppfoljningsrapport"]
    _report_cycle(drive, case_id)
    _assert_finished(drive, case_id)
    assert drive.history(case_id).count(("completed", "uppfoljningsrapport")) == 2


def test_a_summer_street_decided_in_january_is_reported_when_the_summer_ends(drive: Driver) -> None:
    case_id = _granted(drive, "2027-01-20T10:00", "2027-06-01", "2027-08-31")
    assert _open(drive, case_id) == []
    drive.sweep("2027-08-30T12:00")
    assert _open(drive, case_id) == []
    drive.sweep("2027-08-31T08:00")
    [report] = drive.tasks(case_id, "uppfoljningsrapport")
    assert _day(report["due_at"]) == "2027-09-30"
    _report_cycle(drive, case_id)
    _assert_finished(drive, case_id)


def test_a_collaboration_entered_at_go_live_gets_its_overdue_follow_ups_at_once(drive: Driver) -> None:
    case_id = _granted(drive, "2027-03-01T10:00", "2025-01-01", "2027-12-31")
    reports = drive.tasks(case_id, "uppfoljningsrapport")
    # 2026-01-01 and 2027-01-01 are past: both reports are open, each with its own deadline.
    assert sorted(_day(t["due_at"]) for t in reports) == ["2026-02-02", "2027-02-01"]
    escalations = drive.tasks(case_id, "paminn_forsenad_rapport")
    assert len(escalations) == 2 and all(t["role"] == "chef" for t in escalations)
    assert drive.tasks(case_id, "slutrapport_effektmatning") == []
    # The later period is approved first; the earlier one still holds the final report back.
    later = max(reports, key=lambda t: t["due_at"])
    earlier = min(reports, key=lambda t: t["due_at"])
    drive.complete_task(later)
    drive.complete(case_id, "granska_uppfoljning", godkand=True)
    drive.complete_task(earlier)
    drive.complete(case_id, "granska_uppfoljning", godkand=True)
    history = drive.history(case_id)
    assert history.count(("cancelled", "paminn_forsenad_rapport")) == 2  # closed with their reports
    assert _open(drive, case_id) == []  # the last period has not ended
    drive.sweep("2028-01-03T08:00")
    assert _open(drive, case_id) == ["uppfoljningsrapport"]
    _report_cycle(drive, case_id)
    _assert_finished(drive, case_id)
    assert drive.history(case_id).count(("completed", "uppfoljningsrapport")) == 3


def test_a_late_report_is_escalated_once_given_a_new_deadline_and_closed_when_it_arrives(drive: Driver) -> None:
    case_id = _granted(drive, "2027-03-10T10:00", "2027-04-01", "2028-03-31", "P6M")
    drive.sweep("2027-10-01T08:00")
    [report] = drive.tasks(case_id, "uppfoljningsrapport")
    assert _day(report["due_at"]) == "2027-11-01"  # 31 October is a Sunday
    drive.sweep("2027-11-01T09:00")
    assert ("reminder", "uppfoljningsrapport") in drive.history(case_id)
    drive.sweep("2027-11-15T09:00")
    [escalation] = drive.tasks(case_id, "paminn_forsenad_rapport")
    drive.sweep("2027-11-20T09:00")
    assert len(drive.tasks(case_id, "paminn_forsenad_rapport")) == 1  # at most one per report
    assert queries.overview(drive.engine)["overdue"] >= 1

    drive.complete_task(escalation, atgard="ny_tidsfrist", ny_tidsfrist="2027-12-01")
    [report] = drive.tasks(case_id, "uppfoljningsrapport")
    assert _day(report["due_at"]) == "2027-12-01"  # the new deadline is the report's deadline
    assert drive.tasks(case_id, "paminn_forsenad_rapport") == []
    reminders = drive.history(case_id).count(("reminder", "uppfoljningsrapport"))
    drive.sweep("2027-12-01T09:00")
    assert drive.history(case_id).count(("reminder", "uppfoljningsrapport")) == reminders + 1
    drive.sweep("2027-12-15T09:00")
    assert len(drive.tasks(case_id, "paminn_forsenad_rapport")) == 1  # late again: escalated again

    drive.complete_task(report)
    history = drive.history(case_id)
    assert history[-2:] == [("completed", "uppfoljningsrapport"), ("cancelled", "paminn_forsenad_rapport")]
    assert _open(drive, case_id) == ["granska_uppfoljning"]


def test_a_complement_reopens_the_report_filled_in_with_a_fresh_deadline(drive: Driver) -> None:
    case_id = _granted(drive, "2027-03-10T10:00", "2027-04-01", "2028-03-31", "P6M")
    drive.sweep("2027-10-01T08:00")
    [report] = drive.tasks(case_id, "uppfoljningsrapport")
    drive.complete_task(report, lardomar="Boende vill ha fler kvällsmöten.")
    drive.sweep("2027-11-30T09:00")  # the original deadline and its escalation date have passed
    review = drive.task(case_id, "granska_uppfoljning")
    refused = _refused(drive, review, {"godkand": False})
    assert refused == ["kommentar"]  # a complement needs to say what is missing
    drive.complete_task(review, godkand=False, kommentar="Budgetutfallet saknas.")
    [again] = drive.tasks(case_id, "uppfoljningsrapport")
    assert _day(again["due_at"]) == "2027-12-30"  # 30 days from the request, a working day
    assert drive.tasks(case_id, "paminn_forsenad_rapport") == []  # no escalation at once
    page = task_form.open_page(drive.engine, KIM, again["id"])
    assert page.values["lardomar"] == "Boende vill ha fler kvällsmöten."
    assert ("kommentar", "Begärd komplettering", "Budgetutfallet saknas.") in page.shown
    drive.complete_task(again)
    drive.complete(case_id, "granska_uppfoljning", godkand=True)
    assert drive.history(case_id).count(("completed", "uppfoljningsrapport")) == 2
    assert _open(drive, case_id) == []


def _refused(drive: Driver, task: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """Try to complete ``task`` with exactly ``data``; the fields the engine refused (nothing changes)."""
    before = drive.case(task["case_id"])
    try:
        cases.complete_task(drive.engine, USERS[task["role"]], task["id"], data)
    except Invalid as err:
        assert drive.case(task["case_id"]) == before
        return [d["field"] for d in err.details]
    return []


def test_indicators_come_from_the_agreement_with_baseline_and_target(drive: Driver) -> None:
    drive.clock.set(datetime(2027, 3, 10, 10, tzinfo=STOCKHOLM))
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan",
               "bedomning")  # fmt: skip
    drive.complete(case_id, "namndbeslut", period_start="2027-04-01", period_slut="2027-10-01",
                   beviljat_belopp_sek=80000)  # fmt: skip
    indicators = [
        {"indikator": "Upplevd trygghet", "utgangsvarde": "52 %", "malvarde": "70 %"},
        {"indikator": "Felanmälningar", "utgangsvarde": "40", "malvarde": "200"},
    ]
    drive.complete(case_id, "samverkansoverenskommelse", indikatorer=indicators)
    drive.complete(case_id, "dialog_med_boende")
    drive.sweep("2027-10-01T08:00")
    [report] = drive.tasks(case_id, "uppfoljningsrapport")
    page = task_form.open_page(drive.engine, KIM, report["id"])
    assert page.values["indikatorvarden"] == indicators  # one row per indicator, measured value to fill in
    assert ("beviljat_belopp_sek", "Beviljat belopp (kr)", 80000) in page.shown
    measured = [{**row, "uppmatt_varde": value} for row, value in zip(indicators, ("61 %", "214"), strict=True)]
    drive.complete_task(report, indikatorvarden=measured, budgetutfall_sek=95000)
    review = task_form.open_page(drive.engine, KIM, drive.task(case_id, "granska_uppfoljning")["id"])
    shown = {key: value for key, _title, value in review.shown}
    assert shown["indikatorvarden"] == measured and shown["budgetutfall_sek"] == 95000
    assert review.context["beviljat_belopp_sek"] == 80000  # what the page flags the outcome against


def test_every_open_task_with_a_deadline_has_its_due_date(drive: Driver) -> None:
    """Assessment 30 days, nämnd on the planned meeting date, review 30 days: all timers, all due_at."""
    drive.clock.set(datetime(2027, 3, 10, 10, tzinfo=STOCKHOLM))
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan")
    bedomning = drive.task(case_id, "bedomning")
    assert _day(bedomning["due_at"]) == "2027-04-09"
    drive.complete(case_id, "bedomning", planerat_sammantrade="2027-04-20")
    assert _day(drive.task(case_id, "namndbeslut")["due_at"]) == "2027-04-20"
    drive.complete(case_id, "namndbeslut", period_start="2027-04-01", period_slut="2027-10-01")
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    drive.sweep("2027-10-01T08:00")
    drive.complete(case_id, "uppfoljningsrapport")
    review = drive.task(case_id, "granska_uppfoljning")
    assert _day(review["due_at"]) == "2027-11-01"  # 30 days after it opened is a Sunday
    for task in drive.case(case_id)["open_tasks"]:
        assert task["due_at"] is not None, task["element_id"]


def test_a_decision_without_a_planned_meeting_is_due_in_sixty_days(drive: Driver) -> None:
    drive.clock.set(datetime(2027, 3, 10, 10, tzinfo=STOCKHOLM))
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan")
    task = drive.task(case_id, "bedomning")
    data = {k: v for k, v in _sample(drive, "bedomning").items() if k != "planerat_sammantrade"}
    cases.complete_task(drive.engine, KIM, task["id"], data)
    assert _day(drive.task(case_id, "namndbeslut")["due_at"]) == "2027-05-10"  # 60 days on, a Monday


def _sample(drive: Driver, element: str) -> dict[str, Any]:
    return sample_data(element, drive.engine.forms.schema(element))


def test_the_schedule_helper_matches_the_written_rule() -> None:
    assert follow_up_dates("2027-01-01", "2027-12-31", "P12M") == ["2027-12-31"]
    assert follow_up_dates("2027-01-01", "2028-06-30", "P12M") == ["2028-01-01", "2028-06-30"]
    assert follow_up_dates("2027-06-01", "2027-08-31", "P12M") == ["2027-08-31"]
    assert follow_up_dates("2027-04-01", "2028-04-01", "P6M") == ["2027-10-01", "2028-04-01"]
    # k·I from the start, not added up: 31 January plus two months is 31 March.
    assert follow_up_dates("2027-01-31", "2027-04-15", "P1M") == ["2027-02-28", "2027-03-31", "2027-04-15"]
    assert add_duration_times("2027-01-31", "P1M", 2) == "2027-03-31"
