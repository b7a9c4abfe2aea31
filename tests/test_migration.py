"""Moving running cases to a new version of their process (issue 19): preview, move, and what a moved case does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select, text

from engine import cases, migration, processes, queries, rollback, schema
from engine.clock import STOCKHOLM
from engine.context import SYSTEM, Samverkan, User
from engine.errors import Forbidden, Invalid
from tests.http import ApiClient
from tests.samverkansstod import MODEL, Driver

OWNER = User("petra", frozenset({"processagare"}))
REMINDER = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P14D"</bpmn:timeDuration>'
FOLLOW_UP = '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">start_of_day(nasta_uppfoljning)</bpmn:timeDate>'


def _version(drive: Driver, xml: str, comment: str = "") -> int:
    return processes.deploy(drive.engine, SYSTEM, xml.encode(), comment).version


def _changed_model() -> str:
    """The follow-up fix: the first meeting is reminded after 7 days, each follow-up two weeks later."""
    xml = MODEL.read_text(encoding="utf-8")
    assert REMINDER in xml and FOLLOW_UP in xml
    xml = xml.replace(REMINDER, REMINDER.replace("P14D", "P7D"))
    return xml.replace(FOLLOW_UP, FOLLOW_UP.replace("nasta_uppfoljning", 'add_duration(nasta_uppfoljning, "P14D")'))


def _granted(drive: Driver) -> int:
    case_id = drive.start(title="Uppföljs")
    drive.walk(case_id, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan",
               "bedomning")  # fmt: skip
    drive.complete(case_id, "namndbeslut", period_start="2027-04-01", period_slut="2028-03-31",
                   uppfoljningsintervall="P6M")  # fmt: skip
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    return case_id


def _stored(engine: Samverkan, case_id: int) -> dict[str, Any]:
    """Everything stored about a case: its row, task and timer index rows, history."""
    with engine.db.connect() as conn:
        case = dict(conn.execute(select(schema.cases).where(schema.cases.c.id == case_id)).one()._mapping)
        tasks = [dict(r._mapping) for r in conn.execute(select(schema.tasks).where(schema.tasks.c.case_id == case_id))]
        timer_rows = conn.execute(select(schema.timers).where(schema.timers.c.case_id == case_id))
        history = conn.execute(select(schema.history).where(schema.history.c.case_id == case_id))
        return {
            "case": case,
            "tasks": sorted(tasks, key=lambda r: r["id"]),
            "timers": sorted((dict(r._mapping) for r in timer_rows), key=lambda r: r["id"]),
            "history": [dict(r._mapping) for r in history],
        }


def test_demo_like_cases_move_and_follow_the_new_rules(drive: Driver) -> None:
    drive.clock.set(datetime(2027, 3, 1, 9, tzinfo=STOCKHOLM))
    at_meeting = drive.start(title="Första möte")
    drive.walk(at_meeting, "registrera_initiativ")
    following_up = _granted(drive)
    twin = _granted(drive)  # stays on version 1: what the old rules do
    assessed = drive.start(title="Bedöms")
    drive.walk(assessed, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan")
    old_reminder = drive.task(at_meeting, "forsta_mote")["due_at"]
    [old_follow_up] = _timers(drive.engine, following_up, "vanta_uppfoljning")
    assert _version(drive, _changed_model(), "Uppföljning två veckor senare") == 2

    preview = migration.preview(drive.engine, OWNER, "samverkansstod", 1, 2)
    assert preview.blocked == []
    assert preview.movable == [at_meeting, following_up, twin, assessed]
    moved = migration.migrate(drive.engine, OWNER, "samverkansstod", 1, 2, [at_meeting, following_up, assessed])
    assert (moved.movable, moved.blocked) == ([at_meeting, following_up, assessed], [])

    for case_id in (at_meeting, following_up, assessed):
        case = drive.case(case_id)
        assert case["process_version"] == 2
        assert queries.case_history(drive.engine, case_id)[-1] | {"at": None} == {
            "at": None,
            "actor": "petra",
            "action": "migrated",
            "element_id": None,
            "details": {"from": 1, "to": 2},
        }
    assert drive.case(twin)["process_version"] == 1
    # The open first meeting is now due 7 days after it opened, not 14.
    assert old_reminder == "2027-03-15T08:00:00+00:00"
    assert drive.task(at_meeting, "forsta_mote")["due_at"] == "2027-03-08T08:00:00+00:00"
    # The follow-up waits two weeks longer; the twin on version 1 keeps the old date.
    [new_follow_up] = _timers(drive.engine, following_up, "vanta_uppfoljning")
    assert old_follow_up.astimezone(STOCKHOLM).date().isoformat() == "2027-10-01"
    assert new_follow_up.astimezone(STOCKHOLM).date().isoformat() == "2027-10-15"
    drive.move_to("2027-10-01T08:00")
    assert drive.tasks(twin, "uppfoljningsrapport") != []
    assert drive.tasks(following_up, "uppfoljningsrapport") == []
    drive.move_to("2027-10-14T08:00")
    assert drive.tasks(following_up, "uppfoljningsrapport") == []
    drive.move_to("2027-10-15T08:00")
    assert len(drive.tasks(following_up, "uppfoljningsrapport")) == 1
    # Moved cases go on as usual on the new version.
    drive.walk(assessed, "bedomning")
    assert drive.case(assessed)["active_elements"] == ["namndbeslut"]
    drive.walk(at_meeting, "forsta_mote", "tidig_boendeinvolvering")
    assert drive.case(at_meeting)["active_elements"] == ["registrera_ansokan"]
    assert migration.preview(drive.engine, OWNER, "samverkansstod", 1, 2).movable == [twin]


def _timers(engine: Samverkan, case_id: int, element_id: str) -> list[datetime]:
    with engine.db.connect() as conn:
        return list(
            conn.execute(
                select(schema.timers.c.due_at).where(
                    schema.timers.c.case_id == case_id, schema.timers.c.element_id == element_id
                )
            ).scalars()
        )


def _renamed(old: str, new: str) -> str:
    """The model with a user task's id changed (the old task removed, a new one in its place, same form)."""
    xml = MODEL.read_text(encoding="utf-8")
    for pattern in ('id="{}"', ">{}<", 'Ref="{}"', 'bpmnElement="{}"'):
        xml = xml.replace(pattern.format(old), pattern.format(new))
    head, task, tail = xml.partition(f'<bpmn:userTask id="{new}"')
    form = f'<spiffworkflow:property name="form" value="{old}" />'
    return head + task + tail.replace("<spiffworkflow:properties>", f"<spiffworkflow:properties>{form}", 1)


def test_a_case_waiting_in_a_removed_task_is_blocked_with_a_reason_and_unchanged(drive: Driver) -> None:
    waiting = drive.start(title="Väntar i första mötet")
    drive.walk(waiting, "registrera_initiativ")
    earlier = drive.start(title="Före")
    before = _stored(drive.engine, waiting)
    renamed = _renamed("forsta_mote", "mote")
    assert _version(drive, renamed) == 2
    reason = "Ärendet väntar i ”Håll första möte”, som inte finns i version 2."
    preview = migration.preview(drive.engine, OWNER, "samverkansstod", 1, 2)
    assert preview.blocked == [{"case_id": waiting, "reason": reason}]
    assert preview.movable == [earlier]
    result = migration.migrate(drive.engine, OWNER, "samverkansstod", 1, 2, [waiting])
    assert (result.movable, result.blocked) == ([], [{"case_id": waiting, "reason": reason}])
    assert _stored(drive.engine, waiting) == before


def test_a_move_that_fails_half_way_leaves_the_case_as_it_was(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ")
    assert _version(drive, _changed_model()) == 2
    before = _stored(drive.engine, case_id)
    # The last write of the move (the case's version) fails in the database, after the state,
    # the task and timer indexes and the history were written in the same transaction.
    with drive.engine.db.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text(
                "CREATE TRIGGER no_version BEFORE UPDATE OF process_version ON cases "
                "BEGIN SELECT RAISE(ABORT, 'versionen är låst'); END"
            ))  # fmt: skip
        else:
            conn.execute(text(
                "CREATE FUNCTION no_version() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'versionen är låst'; END $$"
            ))  # fmt: skip
            conn.execute(text(
                "CREATE TRIGGER no_version BEFORE UPDATE OF process_version ON cases "
                "FOR EACH ROW EXECUTE FUNCTION no_version()"
            ))  # fmt: skip
    result = migration.migrate(drive.engine, OWNER, "samverkansstod", 1, 2)
    assert result.movable == []
    assert [b["case_id"] for b in result.blocked] == [case_id]
    assert "oförändrat" in result.blocked[0]["reason"]
    assert _stored(drive.engine, case_id) == before
    with drive.engine.db.begin() as conn:
        conn.execute(text("DROP TRIGGER no_version" + ("" if conn.dialect.name == "sqlite" else " ON cases")))
    # The case still runs on version 1 (nothing half-moved was kept in memory either).
    case = drive.complete(case_id, "forsta_mote")
    assert (case["process_version"], case["active_elements"]) == (1, ["tidig_boendeinvolvering"])
    assert migration.migrate(drive.engine, OWNER, "samverkansstod", 1, 2).movable == [case_id]


def test_timers_and_conditions_the_case_cannot_satisfy_block_it(drive: Driver) -> None:
    at_meeting = drive.start()
    drive.walk(at_meeting, "registrera_initiativ")
    xml = MODEL.read_text(encoding="utf-8").replace(REMINDER, REMINDER.replace('"P14D"', "motesfrist"))
    xml = xml.replace("antal_boende &gt; 0", "antal_boende_nadda &gt; 0")
    assert "antal_boende_nadda" in xml
    assert _version(drive, xml) == 2
    [blocked] = migration.preview(drive.engine, OWNER, "samverkansstod", 1, 2).blocked
    assert blocked["case_id"] == at_meeting
    assert "Tidsfristen ”14 dagar utan första möte” i version 2 kan inte räknas ut" in blocked["reason"]
    assert "uppgiften ”motesfrist” saknas i ärendet" in blocked["reason"]
    assert "Villkoret vid ”Har boende nåtts?” i version 2 läser uppgiften ”antal_boende_nadda”" in blocked["reason"]


def test_who_may_move_and_bad_versions(drive: Driver) -> None:
    drive.start()
    assert _version(drive, _changed_model()) == 2
    with pytest.raises(Forbidden):
        migration.preview(drive.engine, User("kim", frozenset({"kontaktperson"})), "samverkansstod", 1, 2)
    for versions in ((1, 1), (1, 3), (0, 2), ("1", 2)):
        with pytest.raises(Invalid):
            migration.preview(drive.engine, OWNER, "samverkansstod", *versions)
    with pytest.raises(Invalid):
        migration.migrate(drive.engine, OWNER, "samverkansstod", 1, 2, ["1"])  # type: ignore[list-item]
    assert cases  # the module is used by the driver


def test_the_api_previews_and_moves(drive: Driver, api: ApiClient) -> None:
    case_id = drive.start()
    assert _version(drive, _changed_model()) == 2
    owner = api.as_user("petra", "processagare")
    response = owner.get("/processes/samverkansstod/migration?from=1&to=2")
    assert (response.status, response.body) == (200, {"movable": [case_id], "blocked": []})
    assert api.as_user("kim2", "kontaktperson").get("/processes/samverkansstod/migration?from=1&to=2").status == 403
    assert owner.get("/processes/samverkansstod/migration?from=1&to=9").status == 422
    assert owner.get("/processes/okand/migration?from=1&to=2").status == 404
    assert owner.post("/processes/samverkansstod/migration", {"from": 1, "to": "två"}).status == 422
    response = owner.post("/processes/samverkansstod/migration", {"from": 1, "to": 2, "cases": [case_id]})
    assert (response.status, response.body) == (200, {"moved": [case_id], "blocked": []})
    history = owner.get(f"/cases/{case_id}/history").body
    assert history[-1]["action"] == "migrated" and history[-1]["details"] == {"from": 1, "to": 2}


def test_rolling_back_deploys_the_earlier_model_as_the_newest_version(drive: Driver) -> None:
    case_id = drive.start()
    assert _version(drive, _changed_model(), "Kortare påminnelse") == 2
    assert migration.migrate(drive.engine, OWNER, "samverkansstod", 1, 2).movable == [case_id]
    with pytest.raises(Invalid):
        rollback.roll_back(drive.engine, OWNER, "samverkansstod", 2)
    with pytest.raises(Forbidden):
        rollback.roll_back(drive.engine, User("kim", frozenset({"kontaktperson"})), "samverkansstod", 1)
    deployed = rollback.roll_back(drive.engine, OWNER, "samverkansstod", 1)
    assert (deployed.version, deployed.created) == (3, True)
    [*_, newest] = processes.list_versions(drive.engine, "samverkansstod")
    assert (newest["version"], newest["based_on"], newest["comment"]) == (3, 1, "Återställd från version 1")
    with drive.engine.db.connect() as conn:
        first, again = (drive.engine.definition(conn, "samverkansstod", v) for v in (1, 3))
    assert first.elements == again.elements
    # Cases moved to version 2 can go back to the rolled-back model: the reminder is 14 days again.
    assert migration.migrate(drive.engine, OWNER, "samverkansstod", 2, 3).movable == [case_id]
    assert drive.walk(case_id, "registrera_initiativ")["process_version"] == 3
    assert drive.task(case_id, "forsta_mote")["due_at"] == "2027-03-15T09:00:00+00:00"


def test_the_api_rolls_back(drive: Driver, api: ApiClient) -> None:
    assert _version(drive, _changed_model()) == 2
    owner = api.as_user("petra", "processagare")
    response = owner.post("/processes/samverkansstod/rollback", {"version": 1})
    assert (response.status, response.body) == (201, {"process_id": "samverkansstod", "version": 3, "based_on": 1})
    assert owner.post("/processes/samverkansstod/rollback", {"version": 3}).status == 422
    assert owner.post("/processes/samverkansstod/rollback", {"version": "1"}).status == 422
    for missing in (4, 2**31):  # beyond the newest, and beyond the column (was a 500 on PostgreSQL)
        refused = owner.post("/processes/samverkansstod/rollback", {"version": missing})
        assert (refused.status, refused.body["error"]["code"]) == (422, "no_such_version"), missing
    assert api.as_user("kim2", "kontaktperson").post("/processes/samverkansstod/rollback", {"version": 1}).status == 403
    listed = owner.get("/processes").body
    assert [(v["version"], v["based_on"]) for v in listed if v["process_id"] == "samverkansstod"] == [
        (1, None),
        (2, None),
        (3, 1),
    ]


def test_many_cases_move_side_by_side_each_exactly_once(drive: Driver) -> None:
    # On PostgreSQL several movers work at once (migration.MOVERS); each case is still moved once.
    waiting = [drive.start(title=f"Ärende {n}") for n in range(4)]
    met = [drive.start(title=f"Möte {n}") for n in range(5)]
    for case_id in met:
        drive.walk(case_id, "registrera_initiativ")
    locks = {case_id: _stored(drive.engine, case_id)["case"]["lock_version"] for case_id in waiting + met}
    assert _version(drive, _changed_model()) == 2
    moved = migration.migrate(drive.engine, OWNER, "samverkansstod", 1, 2)
    assert (sorted(moved.movable), moved.blocked) == (sorted(waiting + met), [])
    for case_id, lock in locks.items():
        stored = _stored(drive.engine, case_id)
        assert (stored["case"]["process_version"], stored["case"]["lock_version"]) == (2, lock + 1)
        assert [h["details"] for h in stored["history"] if h["action"] == "migrated"] == [{"from": 1, "to": 2}]
    assert migration.preview(drive.engine, OWNER, "samverkansstod", 1, 2).movable == []
