"""Path tests of the samverkansstöd model through the engine, with the clock moving time."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine import queries
from engine.clock import STOCKHOLM
from tests.samverkansstod import INITIERING, TO_DECISION, Driver


def _decided(drive: Driver, start: str, **decision: object) -> int:
    case_id = drive.start(start)
    drive.walk(case_id, *TO_DECISION)
    drive.complete(case_id, "namndbeslut", **decision)
    return case_id


@pytest.mark.parametrize("start", ["start_aktorsinitiativ", "start_stadsinitiativ"])
def test_granted_case_with_two_follow_ups_closes(drive: Driver, start: str) -> None:
    case_id = drive.start(start)
    assert drive.case(case_id)["phase"] == "Initiering"
    drive.walk(case_id, *TO_DECISION)
    assert drive.case(case_id)["phase"] == "Beslut"
    drive.complete(
        case_id, "namndbeslut", period_start="2027-04-01", period_slut="2028-04-01", uppfoljningsintervall="P6M"
    )
    case = drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    assert case["active_elements"] == ["vanta_uppfoljning"]
    assert case["phase"] == "Genomförande och uppföljning"
    assert case["data"]["initiativ_fran"] == ("aktorer" if start == "start_aktorsinitiativ" else "staden")

    drive.move_to("2027-09-30T12:00")
    assert drive.case(case_id)["active_elements"] == ["vanta_uppfoljning"]
    drive.move_to("2027-10-01T08:00")
    drive.walk(case_id, "uppfoljningsrapport", "granska_uppfoljning")
    assert drive.case(case_id)["active_elements"] == ["vanta_uppfoljning"]
    # 2028-04-01 is a Saturday: the second follow-up waits for Monday.
    drive.move_to("2028-04-02T12:00")
    assert drive.case(case_id)["active_elements"] == ["vanta_uppfoljning"]
    drive.move_to("2028-04-03T08:00")
    drive.walk(case_id, "uppfoljningsrapport", "granska_uppfoljning")
    assert drive.case(case_id)["active_elements"] == ["slutrapport_effektmatning"]
    case = drive.complete(case_id, "slutrapport_effektmatning")
    assert (case["status"], case["end_event"], case["phase"]) == ("completed", "slut_avslutat", "Avslut")

    history = drive.history(case_id)
    assert history[0] == ("started", start)
    assert history.count(("timer", "vanta_uppfoljning")) == 2
    assert history.count(("completed", "uppfoljningsrapport")) == 2
    assert history[-1] == ("ended", "slut_avslutat")


def test_no_residents_reached_keeps_the_case_in_early_involvement(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ", "forsta_mote")
    case = drive.complete(case_id, "tidig_boendeinvolvering", antal_boende=0)
    assert case["active_elements"] == ["tidig_boendeinvolvering"]
    assert "boende" in case["data"]["aterkoppling"]
    case = drive.complete(case_id, "tidig_boendeinvolvering", antal_boende=5)
    assert case["active_elements"] == ["registrera_ansokan"] and not case["data"]["aterkoppling"]
    assert drive.history(case_id).count(("completed", "tidig_boendeinvolvering")) == 2


def test_complement_answered_goes_back_to_assessment(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *INITIERING, "registrera_ansokan")
    drive.complete(case_id, "bedomning", rekommendation="komplettering")
    drive.walk(case_id, "begar_komplettering", "registrera_komplettering")
    assert drive.case(case_id)["active_elements"] == ["bedomning"]
    case = drive.complete(case_id, "bedomning", rekommendation="tillstyrk")
    assert case["active_elements"] == ["namndbeslut"]


def test_complement_unanswered_closes_after_60_days_with_a_reminder_at_30(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *INITIERING, "registrera_ansokan")
    drive.complete(case_id, "bedomning", rekommendation="komplettering")
    drive.complete(case_id, "begar_komplettering")
    due = drive.task(case_id, "registrera_komplettering")["due_at"]
    assert due is not None
    drive.advance(29)
    assert ("reminder", "registrera_komplettering") not in drive.history(case_id)
    drive.advance(2)
    assert ("reminder", "registrera_komplettering") in drive.history(case_id)
    assert drive.case(case_id)["status"] == "active"
    drive.advance(31)
    case = drive.case(case_id)
    assert (case["status"], case["end_event"]) == ("completed", "slut_utan_beslut")
    history = drive.history(case_id)
    assert history.index(("reminder", "registrera_komplettering")) < history.index(("ended", "slut_utan_beslut"))


def test_declined_recommendation_ends_as_avstyrkt(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *INITIERING, "registrera_ansokan")
    drive.complete(case_id, "bedomning", rekommendation="avstyrk")
    case = drive.complete(case_id, "meddela_avslag")
    assert (case["status"], case["end_event"]) == ("completed", "slut_avstyrkt")


def test_board_refusal_ends_as_avslag(drive: Driver) -> None:
    case_id = _decided(drive, "start_stadsinitiativ", beslut="avslag")
    case = drive.complete(case_id, "meddela_beslut")
    assert (case["status"], case["end_event"]) == ("completed", "slut_avslag")


def test_late_report_gets_a_reminder_then_an_escalation_for_chef(drive: Driver) -> None:
    case_id = _decided(drive, "start_aktorsinitiativ", period_start="2027-04-01", uppfoljningsintervall="P6M")
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    drive.move_to("2027-10-01T08:00")
    task = drive.task(case_id, "uppfoljningsrapport")
    # Due 30 days after the follow-up date (2027-10-31 is a Sunday: moved to Monday 1 November).
    assert datetime.fromisoformat(task["due_at"]).astimezone(STOCKHOLM).date().isoformat() == "2027-11-01"
    drive.move_to("2027-11-01T09:00")
    assert ("reminder", "uppfoljningsrapport") in drive.history(case_id)
    assert "paminn_forsenad_rapport" not in drive.case(case_id)["active_elements"]
    drive.move_to("2027-11-16T09:00")
    history = drive.history(case_id)
    assert ("escalated", "uppfoljningsrapport") in history
    escalation = drive.task(case_id, "paminn_forsenad_rapport")
    assert escalation["role"] == "chef"
    assert history.index(("reminder", "uppfoljningsrapport")) < history.index(("escalated", "uppfoljningsrapport"))


def test_deadline_on_midsummer_eve_moves_to_the_next_working_day(drive: Driver) -> None:
    # First follow-up 2027-05-26; the report is due 30 days later, on midsommarafton 2027-06-25.
    case_id = _decided(drive, "start_aktorsinitiativ", period_start="2026-11-26", uppfoljningsintervall="P6M")
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    drive.move_to("2027-05-26T08:00")
    due = datetime.fromisoformat(drive.task(case_id, "uppfoljningsrapport")["due_at"]).astimezone(STOCKHOLM)
    assert due.date().isoformat() == "2027-06-28"  # Fri midsommarafton, Sat midsommardagen, Sun -> Monday


def test_each_follow_up_report_stays_readable_in_the_history(drive: Driver) -> None:
    case_id = _decided(drive, "start_aktorsinitiativ", period_start="2027-04-01", uppfoljningsintervall="P6M")
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    for period, date in enumerate(("2027-10-01T08:00", "2028-04-03T08:00"), start=1):
        drive.move_to(date)
        drive.complete(case_id, "uppfoljningsrapport", lardomar=f"Lärdomar period {period}")
        drive.complete(case_id, "granska_uppfoljning")
    reports = [
        h["details"]["data"]
        for h in queries.case_history(drive.engine, case_id)
        if h["action"] == "completed" and h["element_id"] == "uppfoljningsrapport"
    ]
    assert [r["lardomar"] for r in reports] == ["Lärdomar period 1", "Lärdomar period 2"]
    assert drive.case(case_id)["data"]["lardomar"] == "Lärdomar period 2"
