"""Where work continues after an action (engine.continuation) and the case file (engine.casefile)."""

from __future__ import annotations

from datetime import datetime

from engine import casefile, cases, continuation, queries
from engine.clock import STOCKHOLM
from engine.context import User
from tests.samverkansstod import INITIERING, TO_DECISION, USERS, Driver

KIM = USERS["kontaktperson"]
NILS = USERS["namndsekreterare"]


def _history(drive: Driver, case_id: int) -> list[tuple[str, str | None, str]]:
    return [(h["action"], h["element_id"], h["actor"]) for h in queries.case_history(drive.engine, case_id)]


def test_the_next_task_of_the_same_person_is_taken_for_them(drive: Driver) -> None:
    case_id = drive.start()
    drive.complete(case_id, "registrera_initiativ")
    after = continuation.after_complete(drive.engine, KIM, "registrera_initiativ", case_id)
    assert after.task is not None and after.task["element_id"] == "forsta_mote"
    assert after.claimed and not after.repeated and after.task["assignee"] == "kim"
    assert drive.task(case_id, "forsta_mote")["assignee"] == "kim"
    assert _history(drive, case_id)[-1] == ("claimed", "forsta_mote", "kim")  # one audit row for the claim


def test_no_residents_reached_sends_back_to_the_same_task_and_says_so(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ", "forsta_mote")
    drive.complete(case_id, "tidig_boendeinvolvering", antal_boende=0)
    after = continuation.after_complete(drive.engine, KIM, "tidig_boendeinvolvering", case_id)
    assert after.repeated and after.task is not None and after.task["element_id"] == "tidig_boendeinvolvering"


def test_nothing_more_for_the_person_leads_to_the_case_and_names_who_is_next(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *TO_DECISION)
    before = _history(drive, case_id)
    after = continuation.after_complete(drive.engine, KIM, "bedomning", case_id)
    assert after.task is None and after.ended is None
    assert [(w.name, w.role) for w in after.waiting] == [("Registrera nämndbeslut", "namndsekreterare")]
    assert _history(drive, case_id) == before  # nothing claimed for someone of another role


def test_a_task_someone_else_took_is_not_opened(drive: Driver) -> None:
    case_id = drive.start()
    drive.complete(case_id, "registrera_initiativ")
    cases.claim_task(
        drive.engine, User("karin", frozenset({"kontaktperson"})), drive.task(case_id, "forsta_mote")["id"]
    )
    after = continuation.after_complete(drive.engine, KIM, "registrera_initiativ", case_id)
    assert after.task is None and [w.assignee for w in after.waiting] == ["karin"]


def test_a_case_waiting_for_a_date_names_the_date(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *TO_DECISION)
    drive.complete(case_id, "namndbeslut", period_start="2027-04-01", period_slut="2029-03-31")
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    after = continuation.after_complete(drive.engine, KIM, "dialog_med_boende", case_id)
    assert after.task is None and len(after.waiting) == 1
    [waiting] = after.waiting
    assert waiting.role is None and waiting.due_at is not None
    assert waiting.due_at.astimezone(STOCKHOLM).date().isoformat() >= "2027-04-01"


def test_an_ended_case_says_how_it_ended(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *INITIERING, "registrera_ansokan")
    drive.complete(case_id, "bedomning", rekommendation="avstyrk")
    drive.complete(case_id, "meddela_avslag")
    after = continuation.after_complete(drive.engine, KIM, "meddela_avslag", case_id)
    assert after.task is None and after.ended == "Avstyrkt"


def test_claiming_opens_the_task(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *TO_DECISION)
    task = drive.task(case_id, "namndbeslut")
    after = continuation.after_claim(drive.engine, NILS, task["id"])
    assert after.task is not None and after.task["id"] == task["id"] and after.claimed
    assert drive.task(case_id, "namndbeslut")["assignee"] == "nils"


def test_the_case_file_keeps_both_assessments_and_every_submission_in_order(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *INITIERING, "registrera_ansokan")
    drive.complete(case_id, "bedomning", rekommendation="komplettering")
    drive.walk(case_id, "begar_komplettering", "registrera_komplettering")
    drive.complete(case_id, "bedomning", rekommendation="tillstyrk")
    groups = casefile.submissions(drive.engine, casefile.case_file(drive.engine, case_id))
    assert [g.phase for g in groups] == ["Initiering", "Ansökan och bedömning"]
    names = [s["element_id"] for s in groups[1].submissions]
    assert names == ["registrera_ansokan", "bedomning", "begar_komplettering", "registrera_komplettering", "bedomning"]
    first, second = (s for s in groups[1].submissions if s["element_id"] == "bedomning")
    assert first["data"]["rekommendation"] == "komplettering" and second["data"]["rekommendation"] == "tillstyrk"
    assert first["at"] <= second["at"] and first["actor_name"] == "kim"


def test_follow_up_reports_are_grouped_by_their_period(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, *TO_DECISION)
    drive.complete(
        case_id, "namndbeslut", period_start="2027-04-01", period_slut="2029-03-31", uppfoljningsintervall="P12M"
    )
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    for year in ("2028", "2029"):
        drive.sweep(f"{year}-04-05T08:00")  # the follow-up date, moved to the next working day
        drive.complete(case_id, "uppfoljningsrapport")
        drive.complete(case_id, "granska_uppfoljning", godkand=True)
    case = casefile.case_file(drive.engine, case_id)
    groups = casefile.submissions(drive.engine, case)
    periods = [(g.period, g.period_from, g.period_to) for g in groups if g.period is not None]
    assert periods == [(1, "2027-04-01", "2028-04-01"), (2, "2028-04-01", "2029-03-31")]
    for group in groups:
        if group.period is not None:
            assert [s["element_id"] for s in group.submissions] == ["uppfoljningsrapport", "granska_uppfoljning"]
    ahead = casefile.deadlines(drive.engine, case)
    now = drive.clock.now()
    assert all(d["due_at"] >= now for d in ahead) and ahead == sorted(ahead, key=lambda d: d["due_at"])
    assert isinstance(ahead[0]["due_at"], datetime)
