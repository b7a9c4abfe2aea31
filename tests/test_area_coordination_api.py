"""Per area a local coordinator and the city's other efforts there, kept by kontaktpersoner and admin."""

from __future__ import annotations

from datetime import UTC, datetime

from engine import schema
from engine.context import Samverkan
from tests.http import ApiClient
from tests.samverkansstod import TO_DECISION, Driver

COORDINATOR = {
    "coordinator_name": "Amira Haddad",
    "coordinator_forvaltning": "Stadskontoret",
    "coordinator_contact": "amira.haddad@malmo.se, 040-34 10 00",
    "meeting_place": "Mötesplats Sofielund, Lantmannagatan 50",
}


def test_the_coordinator_and_efforts_are_kept_by_kontaktperson_and_admin(api: ApiClient, engine: Samverkan) -> None:
    kim, ada = api.as_user("kim", "kontaktperson"), api.as_user("ada", "admin")
    nils, chef = api.as_user("nils", "namndsekreterare"), api.as_user("cecilia", "chef")
    assert nils.get("/areas/sofielund/coordination").body == {
        "id": "sofielund",
        "name": "Sofielund",
        "coordinator": None,
        "efforts": [],
    }
    assert nils.get("/areas/finns_inte/coordination").status == 404

    assert chef.request("PUT", "/areas/sofielund/coordinator", COORDINATOR).status == 403
    assert kim.request("PUT", "/areas/sofielund/coordinator", {"coordinator_name": 5}).status == 422
    assert kim.request("PUT", "/areas/sofielund/coordinator", {"telefon": "1"}).status == 422
    assert kim.request("PUT", "/areas/sofielund/coordinator", {"meeting_place": "x" * 401}).status == 422
    assert kim.request("PUT", "/areas/finns_inte/coordinator", COORDINATOR).status == 404
    assert kim.get("/areas/sofielund/coordination").body["coordinator"] is None

    saved = kim.request("PUT", "/areas/sofielund/coordinator", COORDINATOR)
    assert saved.status == 200 and saved.body["coordinator"] == COORDINATOR

    assert nils.post("/areas/sofielund/efforts", {"programme": "CTC"}).status == 403
    assert kim.post("/areas/sofielund/efforts", {"programme": "  "}).status == 422
    assert kim.post("/areas/sofielund/efforts", {"programme": "CTC", "budget": 1}).status == 422
    ctc = kim.post(
        "/areas/sofielund/efforts",
        {"programme": "Communities That Care", "forvaltning": "Stadskontoret", "contact": "Eva", "period": "2024–"},
    )
    assert ctc.status == 201 and ctc.body["updated_by"] == "kim"
    bid = ada.post("/areas/sofielund/efforts", {"programme": "BID Sofielund", "period": "2014–"})
    assert bid.status == 201
    listed = nils.get("/areas/sofielund/coordination").body["efforts"]
    assert [e["programme"] for e in listed] == ["Communities That Care", "BID Sofielund"]
    assert nils.get("/areas/limhamn/coordination").body["efforts"] == []

    assert nils.request("DELETE", f"/areas/sofielund/efforts/{bid.body['id']}").status == 403
    assert kim.request("DELETE", f"/areas/limhamn/efforts/{bid.body['id']}").status == 404  # not that area's
    assert ada.request("DELETE", f"/areas/sofielund/efforts/{bid.body['id']}").status == 204
    assert [e["programme"] for e in nils.get("/areas/sofielund/coordination").body["efforts"]] == [
        "Communities That Care"
    ]

    cleared = ada.request("PUT", "/areas/sofielund/coordinator", {})
    assert cleared.body["coordinator"] is None


def test_personal_columns_are_marked_for_retention_work() -> None:
    personal = {
        f"{table.name}.{column.name}"
        for table in schema.metadata.sorted_tables
        for column in table.columns
        if column.info.get("personal")
    }
    assert {"areas.coordinator_name", "areas.coordinator_contact", "area_efforts.contact"} <= personal
    assert "areas.meeting_place" not in personal


def test_the_task_list_filters_like_the_inbox(api: ApiClient, drive: Driver, engine: Samverkan) -> None:
    vera = api.as_user("vera", "kontaktperson", "namndsekreterare")
    here, there, late = drive.start(title="Här"), drive.start(title="Där"), drive.start(title="Sen")
    drive.complete(here, "registrera_initiativ", omrade="sofielund")
    drive.complete(there, "registrera_initiativ", omrade="limhamn")
    drive.complete(late, "registrera_initiativ", omrade="rosengard")
    drive.walk(late, *TO_DECISION[1:])  # waits in namndbeslut, due 2027-03-15 (00:00 Swedish time)
    claimed = drive.task(here, "forsta_mote")["id"]
    assert vera.post(f"/tasks/{claimed}/claim").status == 200

    def ids(query: str) -> set[int]:
        answer = vera.get(f"/tasks{query}")
        assert answer.status == 200, answer.body
        return {t["case_id"] for t in answer.body}

    assert ids("") == {here, there, late}
    assert ids("?area=sofielund") == {here}
    assert ids("?area=limhamn&unclaimed=true") == {there}
    assert ids("?mine=true") == {here}
    assert ids("?unclaimed=true") == {there, late}
    assert ids("?phase=Initiering") == {here, there}
    assert ids("?phase=Beslut") == {late}
    assert ids("?overdue=true") == set()
    drive.clock.set(datetime(2027, 3, 15, 0, 0, tzinfo=UTC))  # namndbeslut late, forsta_mote (due 3-15 10:00) not
    assert ids("?overdue=true") == {late}
    assert ids("?overdue=true&phase=Initiering") == set()
