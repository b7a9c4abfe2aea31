"""The timer sweep in-process: due order, once only, retries and incidents, stale claims, notifications."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from engine import accounts, cases, notifications, processes, queries, schema, sweep_turn, timers
from engine.clock import FixedClock
from engine.context import Samverkan, User
from tests.http import ApiClient
from tests.smtp_server import smtp_server

BPMN = Path(__file__).parent / "bpmn"
OWNER = User("ägare", frozenset({"processagare"}))
KP = User("kim", frozenset({"kontaktperson"}))
ADMIN = User("admin", frozenset({"admin"}))


def _deadline_case(engine: Samverkan, **data: Any) -> int:
    processes.deploy(engine, OWNER, (BPMN / "deadlines.bpmn").read_bytes())
    return cases.start_case(engine, KP, "frister", "Torget", data={"delare": 1, **data})


def _history(engine: Samverkan, case_id: int) -> list[tuple[str, str | None]]:
    return [(h["action"], h["element_id"]) for h in queries.case_history(engine, case_id)]


def _timer_rows(engine: Samverkan) -> list[Any]:
    with engine.db.connect() as conn:
        return list(conn.execute(select(schema.timers).order_by(schema.timers.c.due_at)).all())


def test_overdue_timers_fire_once_in_due_order(engine: Samverkan, clock: FixedClock) -> None:
    case_id = _deadline_case(engine)
    start = clock.now()
    assert timers.sweep(engine, start + timedelta(days=1)).fired == 0
    assert [r.element_id for r in _timer_rows(engine)] == ["paminnelse", "tidsgrans"]

    # No worker ran for 90 days: the reminder (day 3) fires before the deadline (day 10) cancels its task.
    result = timers.sweep(engine, start + timedelta(days=90))
    assert (result.fired, result.cases) == (2, 1)
    assert _history(engine, case_id) == [
        ("started", "start"),
        ("timer", "paminnelse"),
        ("reminder", "handla"),
        ("timer", "tidsgrans"),
        ("cancelled", "handla"),  # the interrupting deadline closed the task
        ("ended", "slut_tidsgrans"),
    ]
    assert _timer_rows(engine) == []
    assert timers.sweep(engine, start + timedelta(days=91)).fired == 0
    assert len(_history(engine, case_id)) == 6


def test_a_sweep_limited_to_some_cases_leaves_the_others_due(engine: Samverkan, clock: FixedClock) -> None:
    mine, other = _deadline_case(engine), _deadline_case(engine)
    result = timers.sweep(engine, clock.now() + timedelta(days=90), case_ids=[mine])
    assert (result.fired, result.cases) == (2, 1)
    assert _history(engine, mine)[-1] == ("ended", "slut_tidsgrans")
    assert _history(engine, other) == [("started", "start")]
    assert [r.case_id for r in _timer_rows(engine)] == [other, other]


def test_a_failing_firing_is_retried_with_backoff_then_becomes_an_incident(
    engine: Samverkan, clock: FixedClock, api: ApiClient
) -> None:
    case_id = _deadline_case(engine, delare=0)  # 100 // 0 after the deadline
    due = clock.now() + timedelta(days=11)

    first = timers.sweep(engine, due)
    assert (first.fired, first.retries, first.incidents) == (0, 2, 0)
    assert {(r.state, r.attempts) for r in _timer_rows(engine)} == {("waiting", 1)}
    assert "ZeroDivisionError" in _timer_rows(engine)[0].last_error or "division" in _timer_rows(engine)[0].last_error
    assert timers.sweep(engine, due).retries == 0  # waiting out the back-off
    assert timers.sweep(engine, due + timedelta(minutes=1)).retries == 2
    last = timers.sweep(engine, due + timedelta(minutes=6))
    assert (last.retries, last.incidents) == (0, 2)
    assert {(r.state, r.attempts) for r in _timer_rows(engine)} == {("incident", 3)}
    assert timers.sweep(engine, due + timedelta(days=1)).claimed == 0  # never dropped, never retried alone

    # Nothing of the failed firings was saved: the case still waits in its task.
    case = queries.get_case(engine, case_id)
    assert (case["status"], case["active_elements"]) == ("active", ["handla"])
    assert ("timer", "paminnelse") not in _history(engine, case_id)

    chef = api.as_user("cecilia", "chef")
    listed = chef.get("/incidents")
    assert listed.status == 200
    assert {(i["kind"], i["element_id"], i["attempts"]) for i in listed.body} == {
        ("timer", "paminnelse", 3),
        ("timer", "tidsgrans", 3),
    }
    assert api.as_user("kim", "kontaktperson").get("/incidents").status == 403
    timer_id = listed.body[0]["timer_id"]
    assert chef.post(f"/incidents/timers/{timer_id}/retry").status == 403
    admin = api.as_user("admin", "admin")
    assert admin.post(f"/incidents/timers/{timer_id}/retry").status == 200
    assert admin.post(f"/incidents/timers/{timer_id}/retry").status == 404
    assert timers.sweep(engine, due + timedelta(days=2)).claimed == 1


def _claim_as(engine: Samverkan, token: str, at: Any) -> None:
    with engine.db.begin() as conn:  # as a sweep killed right after claiming leaves them
        conn.execute(
            update(schema.timers)
            .where(schema.timers.c.element_id == "paminnelse")
            .values(state="firing", claimed_by=token, claimed_at=at)
        )


def test_rows_claimed_by_a_sweep_that_is_gone_are_claimed_again_at_once(engine: Samverkan, clock: FixedClock) -> None:
    """A dead sweep holds no turn (SQLite) and no advisory lock (PostgreSQL): no need to wait."""
    case_id = _deadline_case(engine)
    due = clock.now() + timedelta(days=4)
    _claim_as(engine, "worker:4242:123456789", due)
    result = timers.sweep(engine, due + timedelta(minutes=1))
    assert (result.reclaimed, result.fired) == (1, 1)
    assert _history(engine, case_id).count(("reminder", "handla")) == 1
    assert [r.element_id for r in _timer_rows(engine)] == ["tidsgrans"]


@pytest.mark.parametrize("token", ["worker:4242:123456789", "worker:3f2a9c1b0d4e"])
def test_rows_claimed_by_a_sweep_that_may_be_alive_wait_for_the_timeout(
    engine: Samverkan, clock: FixedClock, token: str
) -> None:
    """PostgreSQL: a claimer whose lock is held (or whose token, from an older version, names none) is waited for."""
    if engine.db.dialect.name != "postgresql":
        pytest.skip("on SQLite sweeps take turns: a claim that is not the sweep's own is always a dead one's")
    case_id = _deadline_case(engine)
    due = clock.now() + timedelta(days=4)
    _claim_as(engine, token, due)
    with engine.db.connect() as alive:
        key = sweep_turn.key_of(token)
        if key is not None:
            alive.execute(text("SELECT pg_advisory_lock(:s, :k)"), {"s": sweep_turn.LOCK_SPACE, "k": key})
        assert timers.sweep(engine, due + timedelta(minutes=1)).fired == 0
        result = timers.sweep(engine, due + timers.CLAIM_TIMEOUT + timedelta(minutes=1))
        assert (result.reclaimed, result.fired) == (1, 1)
        alive.rollback()
    assert _history(engine, case_id).count(("reminder", "handla")) == 1


def test_a_turn_holds_its_lock_while_it_runs_and_not_after(engine: Samverkan) -> None:
    with sweep_turn.take_turn(engine, "prov") as turn, engine.db.connect() as conn:
        assert turn.token.startswith("prov:")
        assert sweep_turn.stale_tokens(conn, turn, [turn.token]) == set()
        other = sweep_turn.Turn("prov:1:77")
        if engine.db.dialect.name == "postgresql":
            # Seen from another sweep, this one is alive.
            assert sweep_turn.stale_tokens(conn, other, [turn.token]) == set()
        else:
            assert turn.alone
    with engine.db.connect() as conn:
        assert sweep_turn.stale_tokens(conn, sweep_turn.Turn("prov:1:77"), [turn.token]) == (
            {turn.token} if engine.db.dialect.name == "postgresql" else set()
        )


def test_the_sweep_acts_at_the_instant_it_is_given_and_leaves_the_clock_alone(
    engine: Samverkan, clock: FixedClock
) -> None:
    """One clock: the sweep is told what time it is; it never moves the engine's clock."""
    case_id = _deadline_case(engine)
    start = clock.now()
    result = timers.sweep(engine, start + timedelta(days=4))
    assert result.fired == 1
    assert clock.now() == start
    fired = [h for h in queries.case_history(engine, case_id) if h["action"] == "timer"]
    assert [h["at"] for h in fired] == [(start + timedelta(days=4)).isoformat()]


def test_reminders_reach_the_inbox_and_are_mailed(engine: Samverkan, clock: FixedClock, api: ApiClient) -> None:
    kim = api.as_user("kim", "kontaktperson")
    accounts.add_user(engine, "karin", ["kontaktperson"], email="karin.k@example.org")
    karin = api.as_user("karin", "kontaktperson")
    chef = api.as_user("cecilia", "chef")
    case_id = _deadline_case(engine)
    timers.sweep(engine, clock.now() + timedelta(days=4))

    [note] = kim.get("/notifications").body
    assert (note["case_id"], note["reason"], note["task_element_id"]) == (case_id, "reminder", "handla")
    assert note["role"] == "kontaktperson" and note["recipient"] is None and "Handlägg" in note["message"]
    assert chef.get("/notifications").body == []
    for name, roles, unread in (("kim", {"kontaktperson"}, 1), ("cecilia", {"chef"}, 0)):
        assert notifications.count_unread(engine, User(name, frozenset(roles))) == unread  # the header's count

    with smtp_server() as (url, mailbox):
        assert notifications.deliver_pending(engine, notifications.MailSettings(url, domain="malmo.se")).sent == 1
        assert notifications.deliver_pending(engine, notifications.MailSettings(url, domain="malmo.se")).attempted == 0
    [(sender, recipients, body)] = mailbox.messages
    assert sender == "samverkan@localhost"
    assert sorted(recipients) == ["karin.k@example.org", "kim@malmo.se"]
    assert b"Torget" in body

    assert kim.post(f"/notifications/{note['id']}/read").status == 200
    assert kim.get("/notifications").body == [] and karin.get("/notifications").body == []
    assert notifications.count_unread(engine, User("karin", frozenset({"kontaktperson"}))) == 0
    assert chef.post(f"/notifications/{note['id']}/read").status == 404


def test_without_smtp_notifications_are_logged_and_marked_sent(
    engine: Samverkan, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    _deadline_case(engine)
    timers.sweep(engine, clock.now() + timedelta(days=4))
    with caplog.at_level("INFO", logger="engine.notifications"):
        assert notifications.deliver_pending(engine, notifications.MailSettings(None)).sent == 1
    assert "Påminnelse" in caplog.text
    with engine.db.connect() as conn:
        assert conn.execute(select(schema.notifications.c.sent_at)).scalar_one() == clock.now()


def test_a_failing_case_rolls_back_alone_among_the_cases_of_one_transaction(
    engine: Samverkan, clock: FixedClock
) -> None:
    """Cases fired in one transaction each have a savepoint: the failing one leaves no trace but its retry."""
    before, failing, after = _deadline_case(engine), _deadline_case(engine, delare=0), _deadline_case(engine)
    engine.workflows.clear()
    result = timers.sweep(engine, clock.now() + timedelta(days=11))
    assert (result.cases, result.fired, result.retries) == (2, 4, 2)
    for case_id in (before, after):
        assert _history(engine, case_id)[-1] == ("ended", "slut_tidsgrans")
    assert _history(engine, failing) == [("started", "start")]
    assert {(r.case_id, r.state, r.attempts) for r in _timer_rows(engine)} == {(failing, "waiting", 1)}
    # The rolled-back step's workflow did not reach the cache: the case's next step reads the stored state.
    with engine.db.connect() as conn:
        version = conn.execute(select(schema.cases.c.lock_version).where(schema.cases.c.id == failing)).scalar_one()
    assert engine.workflows.take(failing, version) is None
    assert engine.workflows.take(failing, version + 1) is None


def test_after_commit_callbacks_of_a_rolled_back_savepoint_never_run(engine: Samverkan) -> None:
    ran: list[str] = []
    with engine.write() as conn:
        engine.after_commit(conn, lambda: ran.append("kept"))
        try:
            with engine.savepoint(conn):
                engine.after_commit(conn, lambda: ran.append("dropped"))
                raise RuntimeError("the case failed")
        except RuntimeError:
            pass
        with engine.savepoint(conn):
            engine.after_commit(conn, lambda: ran.append("saved"))
        assert ran == []
    assert ran == ["kept", "saved"]
