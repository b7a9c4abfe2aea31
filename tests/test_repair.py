"""Repairing a stuck case (admin): move its position with a reason, cancel it with a reason (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from engine import queries, repair, schema, timers, worklist
from engine.context import User
from engine.errors import Conflict, Forbidden, Invalid
from tests.http import ApiClient
from tests.samverkansstod import Driver
from tests.test_migration import _granted

ADMIN = User("ada", frozenset({"admin"}))


def test_an_admin_moves_a_case_back_to_a_task_and_it_goes_on_from_there(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan")
    assert drive.case(case_id)["active_elements"] == ["bedomning"]
    repair.move_position(drive.engine, ADMIN, case_id, "forsta_mote", "Mötet registrerades på fel ärende")
    case = drive.case(case_id)
    assert case["active_elements"] == ["forsta_mote"] and case["status"] == "active"
    assert case["phase"] == "Initiering"
    # The first meeting's reminder started with the task; the assessment's deadline is gone.
    with drive.engine.db.connect() as conn:
        timers = conn.execute(select(schema.timers.c.element_id).where(schema.timers.c.case_id == case_id)).scalars()
        assert list(timers) == ["paminnelse_forsta_mote"]
    history = drive.history(case_id)
    assert history[-2:] == [("moved", "forsta_mote"), ("cancelled", "bedomning")]
    [moved] = [h for h in queries.case_history(drive.engine, case_id) if h["action"] == "moved"]
    assert moved["details"] == {
        "from": ["bedomning"],
        "to": "forsta_mote",
        "reason": "Mötet registrerades på fel ärende",
    }
    case = drive.walk(case_id, "forsta_mote", "tidig_boendeinvolvering")
    assert case["active_elements"] == ["registrera_ansokan"]


def test_an_admin_cancels_a_case_with_a_reason(drive: Driver) -> None:
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ")
    repair.cancel_case(drive.engine, ADMIN, case_id, "Dubblett av ärende 4")
    case = drive.case(case_id)
    assert (case["status"], case["open_tasks"], case["active_elements"]) == ("cancelled", [], [])
    with drive.engine.db.connect() as conn:
        count = select(func.count()).select_from(schema.timers).where(schema.timers.c.case_id == case_id)
        assert conn.execute(count).scalar_one() == 0
    assert drive.history(case_id)[-2:] == [("case_cancelled", None), ("cancelled", "forsta_mote")]
    with pytest.raises(Conflict):
        repair.cancel_case(drive.engine, ADMIN, case_id, "Igen")


def test_refused_repairs_change_nothing(drive: Driver) -> None:
    case_id = drive.start()
    before = drive.history(case_id)
    with pytest.raises(Forbidden):
        repair.cancel_case(drive.engine, User("cecilia", frozenset({"chef"})), case_id, "Skäl")
    for element, reason in (
        ("forsta_mote", " "),
        ("okand", "Skäl"),
        ("paminnelse_forsta_mote", "Skäl"),
        (None, "Skäl"),
    ):
        with pytest.raises(Invalid):
            repair.move_position(drive.engine, ADMIN, case_id, element, reason)
    assert drive.history(case_id) == before
    assert drive.case(case_id)["active_elements"] == ["registrera_initiativ"]


def test_the_api_repairs(drive: Driver, api: ApiClient) -> None:
    case_id = drive.start()
    admin = api.as_user("ada", "admin")
    response = admin.post(f"/cases/{case_id}/move", {"element_id": "forsta_mote", "reason": "Fel steg"})
    assert response.status == 200 and response.body["active_elements"] == ["forsta_mote"]
    assert admin.post(f"/cases/{case_id}/move", {"element_id": "forsta_mote"}).status == 422
    assert api.as_user("kim2", "kontaktperson").post(f"/cases/{case_id}/cancel", {"reason": "x"}).status == 403
    response = admin.post(f"/cases/{case_id}/cancel", {"reason": "Dubblett"})
    assert response.status == 200 and response.body["status"] == "cancelled"
    assert admin.post(f"/cases/{case_id}/cancel", {"reason": "Dubblett"}).status == 409


def _in_two_follow_up_periods(drive: Driver) -> int:
    """A granted case half a year in: period 1's report is open, period 2 waits for its date."""
    case_id = _granted(drive)
    timers.sweep(drive.engine, datetime(2027, 10, 2, 9, tzinfo=UTC))
    assert sorted(drive.case(case_id)["active_elements"]) == ["uppfoljningsrapport", "vanta_uppfoljning"]
    return case_id


def test_a_case_in_parallel_follow_up_periods_moves_only_the_chosen_position(drive: Driver) -> None:
    case_id = _in_two_follow_up_periods(drive)
    [report] = drive.case(case_id)["open_tasks"]
    waiting = {p.id: p.element_id for p in repair.positions(drive.engine, case_id)}
    assert sorted(waiting.values()) == ["uppfoljningsrapport", "vanta_uppfoljning"] and report["id"] in waiting
    before = drive.history(case_id)
    # Both positions would close without saying which: refused, nothing changes.
    for from_task in (None, "", "okänd-uppgift", 7):
        with pytest.raises(Invalid):
            repair.move_position(drive.engine, ADMIN, case_id, "uppfoljningsrapport", "Ny rapport", from_task)
    assert drive.history(case_id) == before

    repair.move_position(drive.engine, ADMIN, case_id, "uppfoljningsrapport", "Rapporten skickades fel", report["id"])
    case = drive.case(case_id)
    assert sorted(case["active_elements"]) == ["uppfoljningsrapport", "vanta_uppfoljning"]
    [again] = case["open_tasks"]
    assert again["id"] != report["id"]
    [moved] = [h for h in queries.case_history(drive.engine, case_id) if h["action"] == "moved"]
    assert moved["details"]["from"] == ["uppfoljningsrapport"]
    # Period 2 went on: its report opens on its own date, beside the reopened one.
    timers.sweep(drive.engine, datetime(2028, 4, 2, 9, tzinfo=UTC))
    reports = [t for t in drive.case(case_id)["open_tasks"] if t["element_id"] == "uppfoljningsrapport"]
    assert len(reports) == 2


def test_the_api_names_the_position_to_move(drive: Driver, api: ApiClient) -> None:
    case_id = _in_two_follow_up_periods(drive)
    [report] = drive.case(case_id)["open_tasks"]
    admin = api.as_user("ada", "admin")
    body = {"element_id": "uppfoljningsrapport", "reason": "Fel"}
    refused = admin.post(f"/cases/{case_id}/move", body)
    assert refused.status == 422 and refused.body["error"]["details"][0]["field"] == "from_task"
    response = admin.post(f"/cases/{case_id}/move", {**body, "from_task": report["id"]})
    assert response.status == 200 and "vanta_uppfoljning" in response.body["active_elements"]


def test_open_tasks_follow_their_case_to_another_area(drive: Driver) -> None:
    # Period 1's report is moved back to registration while period 2's report stays open; the
    # area registered anew is the case's, and the inbox finds the open report there.
    case_id = _in_two_follow_up_periods(drive)
    timers.sweep(drive.engine, datetime(2028, 4, 2, 9, tzinfo=UTC))
    reports = [t for t in drive.case(case_id)["open_tasks"] if t["element_id"] == "uppfoljningsrapport"]
    first, second = sorted(reports, key=lambda t: t["created_at"])
    repair.move_position(drive.engine, ADMIN, case_id, "registrera_initiativ", "Fel område registrerat", first["id"])
    drive.complete(case_id, "registrera_initiativ", omrade="rosengard")

    assert drive.case(case_id)["area"] == "rosengard"
    with drive.engine.db.connect() as conn:
        rows = conn.execute(
            select(schema.tasks.c.id, schema.tasks.c.area).where(
                schema.tasks.c.case_id == case_id, schema.tasks.c.state == "open"
            )
        ).all()
    assert second["id"] in {row.id for row in rows} and {row.area for row in rows} == {"rosengard"}
    official = User("kim", frozenset({second["role"]}))
    moved = worklist.inbox_page(drive.engine, official, worklist.InboxFilter(area="rosengard"))
    assert second["id"] in [item["id"] for item in moved.items] and moved.counts["area"]["rosengard"] >= 1
    assert worklist.inbox_page(drive.engine, official, worklist.InboxFilter(area="sofielund")).items == []
