"""Repairing a stuck case (admin): move its position with a reason, cancel it with a reason (issue 19)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import queries, repair, schema
from engine.context import User
from engine.errors import Conflict, Forbidden, Invalid
from tests.http import ApiClient
from tests.samverkansstod import Driver

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
