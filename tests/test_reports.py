"""Managers' counts move with the cases (engine level, SQLite and PostgreSQL)."""

from __future__ import annotations

from engine import accounts, cases, processes, reports
from engine.context import SYSTEM, Samverkan
from tests.samverkansstod import INITIERING, MODEL, USERS, Driver
from web import create_app


def test_counts_follow_cases_through_the_flow(drive: Driver, engine: Samverkan) -> None:
    first, second, third = (drive.start(title=f"Samverkan {i}") for i in range(3))
    assert reports.by_phase(engine)["Initiering"] == 3
    assert reports.by_element(engine)["registrera_initiativ"] == {"waiting": 3, "overdue": 0}

    drive.walk(first, *INITIERING, "registrera_ansokan")
    drive.complete(second, "registrera_initiativ", omrade="rosengard")
    drive.complete(third, "registrera_initiativ", omrade="rosengard")
    elements = reports.by_element(engine, "samverkansstod")
    assert elements["bedomning"]["waiting"] == 1
    assert elements["forsta_mote"]["waiting"] == 2
    assert "registrera_initiativ" not in elements
    phases = reports.by_phase(engine)
    assert list(phases) == [
        "Initiering",
        "Ansökan och bedömning",
        "Beslut",
        "Samarbete",
        "Genomförande och uppföljning",
        "Avslut",
    ]
    assert phases["Initiering"] == 2 and phases["Ansökan och bedömning"] == 1
    assert [c["id"] for c in reports.cases_at(engine, "bedomning")] == [first]

    drive.advance(40)  # past every deadline of the first month's tasks
    overdue = reports.by_element(engine)
    assert overdue["forsta_mote"]["overdue"] == 2 and overdue["bedomning"]["overdue"] >= 0
    assert sum(reports.overdue_by_role(engine).values()) >= 2
    assert reports.cases_at(engine, "forsta_mote", overdue=True)[0]["overdue"] is True

    areas = {g["area"]: g for g in reports.area_view(engine)}
    assert areas["rosengard"]["coordination"] is True and len(areas["rosengard"]["cases"]) == 2
    only_bedomning = reports.area_view(engine, phase="Ansökan och bedömning")
    assert [c["id"] for g in only_bedomning for c in g["cases"]] == [first]
    months = reports.per_month(engine)
    assert months == [{"month": "2027-03", "started": 3, "ended": 0}]


def test_ended_per_month_counts_cases_when_they_end(drive: Driver, engine: Samverkan) -> None:
    declined = (*INITIERING, "registrera_ansokan")
    march_ended, april_ended = drive.start(title="Avstyrks i mars"), drive.start(title="Avstyrks i april")
    drive.walk(march_ended, *declined)
    drive.complete(march_ended, "bedomning", rekommendation="avstyrk")
    assert drive.complete(march_ended, "meddela_avslag")["status"] == "completed"
    drive.walk(april_ended, *declined)

    drive.advance(35)  # 2027-04-05
    assert drive.case(april_ended)["status"] == "active"
    drive.complete(april_ended, "bedomning", rekommendation="avstyrk")
    assert drive.complete(april_ended, "meddela_avslag")["status"] == "completed"
    drive.start(title="Startad i april")

    assert reports.per_month(engine) == [
        {"month": "2027-03", "started": 2, "ended": 1},
        {"month": "2027-04", "started": 1, "ended": 1},
    ]
    assert reports.by_phase(engine)["Initiering"] == 1  # ended cases leave the active counts


def test_case_diagram_json_gives_current_and_passed_elements(drive: Driver, engine: Samverkan) -> None:
    moved_on, just_started = drive.start(title="Har kommit en bit"), drive.start(title="Nystartad")
    drive.walk(moved_on, *INITIERING)
    accounts.add_user(engine, "cecilia", ["chef"], "lösenord-123")
    client = create_app({"TESTING": True}, engine=engine).test_client()
    with client.session_transaction() as session:  # logged in as the login form would do it
        session["sid"] = accounts.start_session(engine, "cecilia")

    position = client.get(f"/cases/{moved_on}/diagram.json").get_json()
    assert position["process_id"] == "samverkansstod" and position["version"] == 1
    assert position["status"] == "active"
    assert position["active"] == ["registrera_ansokan"]
    assert set(INITIERING) <= set(position["passed"])
    assert "registrera_ansokan" not in position["passed"]
    assert position["xml_url"] == "/diagrams/samverkansstod/1.bpmn"
    assert client.get(position["xml_url"]).status_code == 200

    fresh = client.get(f"/cases/{just_started}/diagram.json").get_json()
    assert fresh["active"] == ["registrera_initiativ"]
    assert not set(INITIERING) & set(fresh["passed"])
    assert client.get("/cases/999999/diagram.json").status_code == 404


def test_area_view_limits_each_area_and_counts_what_matches(drive: Driver, engine: Samverkan) -> None:
    in_rosengard = [drive.start(title=f"Rosengård {i}") for i in range(3)]
    for case_id in in_rosengard:
        drive.complete(case_id, "registrera_initiativ", omrade="rosengard")
    without_area = drive.start(title="Utan område")

    limited = {g["area"]: g for g in reports.area_view(engine, per_area=2)}
    assert [c["id"] for c in limited["rosengard"]["cases"]] == in_rosengard[:2]
    assert limited["rosengard"]["matching"] == limited["rosengard"]["active_total"] == 3
    second_page = reports.area_view(engine, area="rosengard", per_area=2, offset=2)
    assert [c["id"] for g in second_page for c in g["cases"]] == in_rosengard[2:]
    assert [c["id"] for g in reports.area_view(engine, area=reports.NO_AREA) for c in g["cases"]] == [without_area]
    everything = reports.area_view(engine)
    assert sum(len(g["cases"]) for g in everything) == 4


def test_counts_per_element_keep_to_their_process(drive: Driver, engine: Samverkan) -> None:
    # A second process with the same element ids: its waiting cases are not the first one's.
    copy = MODEL.read_bytes().replace(b'"samverkansstod"', b'"samverkansstod_kopia"')
    processes.deploy(engine, SYSTEM, copy)
    here = drive.start(title="I huvudprocessen")
    there = cases.start_case(
        engine, USERS["kontaktperson"], "samverkansstod_kopia", "I kopian", "start_aktorsinitiativ"
    )
    for case_id in (here, there):
        drive.walk(case_id, "registrera_initiativ")
    drive.advance(40)  # past forsta_mote's deadline in both

    assert reports.by_element(engine, "samverkansstod")["forsta_mote"] == {"waiting": 1, "overdue": 1}
    assert reports.by_element(engine, "samverkansstod_kopia")["forsta_mote"] == {"waiting": 1, "overdue": 1}
    assert reports.by_element(engine)["forsta_mote"] == {"waiting": 2, "overdue": 2}
    assert reports.overdue_by_role(engine) == {"kontaktperson": 2}  # every process
    drive.walk(here, "forsta_mote")
    assert "forsta_mote" not in reports.by_element(engine, "samverkansstod")
    assert reports.by_element(engine, "samverkansstod_kopia")["forsta_mote"]["waiting"] == 1
