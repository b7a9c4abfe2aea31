"""The managers' and area pages refuse bad input with a Swedish message and leave the database as it was."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import accounts, area_coordination, queries, schema
from tests.samverkansstod import Driver


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _client(drive: Driver, tmp_path: Path, username: str, *roles: str) -> tuple[FlaskClient, str]:
    from web import create_app

    app = create_app({"TESTING": True, "ATTACHMENTS_DIR": str(tmp_path)}, engine=drive.engine)
    if accounts.get_user(drive.engine, username) is None:
        accounts.add_user(drive.engine, username, list(roles), "lösenord-123", display_name=username.title())
    client = app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": username, "password": "lösenord-123", "csrf_token": token})
    return client, _csrf(client.get("/").get_data(as_text=True))


def _count(drive: Driver, table: str) -> int:
    with drive.engine.db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.metadata.tables[table])).scalar_one())


def test_only_chef_and_admin_assign_and_reassign(drive: Driver, tmp_path: Path) -> None:
    case_id = drive.start()
    task = drive.task(case_id, "registrera_initiativ")
    kim, token = _client(drive, tmp_path, "kim", "kontaktperson")
    assert kim.get("/omfordela").status_code == 403
    assert kim.post(f"/tasks/{task['id']}/assign", data={"username": "kim", "csrf_token": token}).status_code == 403
    assert (
        kim.post(f"/cases/{case_id}/handlaggare", data={"handlaggare": "kim", "csrf_token": token}).status_code == 403
    )
    case_page = kim.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Ansvarig handläggare" in case_page and "Tilldela" not in case_page and "Omfördela" not in case_page


def test_a_refused_assignment_says_why_and_changes_nothing(drive: Driver, tmp_path: Path) -> None:
    case_id = drive.start()
    task = drive.task(case_id, "registrera_initiativ")
    accounts.add_user(drive.engine, "nils", ["namndsekreterare"], display_name="Nils Åkesson")
    chef, token = _client(drive, tmp_path, "cecilia", "chef")
    history = _count(drive, "history")
    answer = chef.post(
        f"/tasks/{task['id']}/assign",
        data={"username": "nils", "csrf_token": token, "next": f"/cases/{case_id}"},
        follow_redirects=True,
    )
    assert "Nils Åkesson har inte rollen kontaktperson." in answer.get_data(as_text=True)
    assert queries.get_task(drive.engine, task["id"])["assignee"] is None
    assert _count(drive, "history") == history
    page = chef.get("/omfordela?from=nils&to=nils").get_data(as_text=True)
    assert 'role="alert"' in page and "Välj en annan person att flytta uppgifterna till." in page
    assert chef.get("/omfordela?from=nils&to=nils").status_code == 422
    assert chef.post(f"/tasks/{task['id']}/assign", data={"username": "nils"}).status_code == 400  # no CSRF token


def test_registration_names_the_handlaggare(drive: Driver, tmp_path: Path) -> None:
    accounts.add_user(drive.engine, "kajsa", ["kontaktperson"], display_name="Kajsa Lind")
    accounts.add_user(drive.engine, "nils", ["namndsekreterare"], display_name="Nils Åkesson")
    kim, token = _client(drive, tmp_path, "kim", "kontaktperson")
    form = kim.get("/cases/new").get_data(as_text=True)
    assert re.search(r'<option value="kim" selected>Kim</option>', form)
    assert "Kajsa Lind" in form and "Nils Åkesson" not in form
    cases_before = _count(drive, "cases")
    refused = kim.post(
        "/cases/new",
        data={"csrf_token": token, "start_event": "start_aktorsinitiativ", "title": "Torget", "handlaggare": "nils"},
    )
    assert refused.status_code == 422
    assert 'id="handlaggare-error"' in refused.get_data(as_text=True)
    assert _count(drive, "cases") == cases_before
    started = kim.post(
        "/cases/new",
        data={"csrf_token": token, "start_event": "start_aktorsinitiativ", "title": "Torget", "handlaggare": "kajsa"},
    )
    assert started.status_code == 302
    [case] = [c for c in queries.list_cases(drive.engine)["items"] if c["title"] == "Torget"]
    assert case["handlaggare"] == "kajsa"


def test_the_area_page_refuses_bad_input_and_unknown_areas(drive: Driver, tmp_path: Path) -> None:
    kim, token = _client(drive, tmp_path, "kim", "kontaktperson")
    assert kim.get("/areas/finns_inte").status_code == 404
    refused = kim.post("/areas/sofielund/samordnare", data={"csrf_token": token, "meeting_place": "x" * 401})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'role="alert"' in page and "Högst 400 tecken" in page and 'id="meeting_place-error"' in page
    assert area_coordination.coordination(drive.engine, "sofielund")["coordinator"] is None
    assert kim.post("/areas/sofielund/insatser", data={"csrf_token": token}).status_code == 422
    assert _count(drive, "area_efforts") == 0
    assert kim.post("/areas/sofielund/insatser/99/ta-bort", data={"csrf_token": token}).status_code == 404
    nils, nils_token = _client(drive, tmp_path, "nils", "namndsekreterare")
    assert "Ändra samordningen" not in nils.get("/areas/sofielund").get_data(as_text=True)
    answer = nils.post("/areas/sofielund/insatser", data={"csrf_token": nils_token, "programme": "CTC"})
    assert answer.status_code == 403 and _count(drive, "area_efforts") == 0


def test_the_registration_form_shows_the_chosen_areas_coordination(drive: Driver, tmp_path: Path) -> None:
    from engine.context import SYSTEM

    task = drive.task(drive.start(), "registrera_initiativ")
    area_coordination.set_coordinator(drive.engine, SYSTEM, "sofielund", {"coordinator_name": "Amira Haddad"})
    area_coordination.add_effort(drive.engine, SYSTEM, "sofielund", {"programme": "Trygg Malmö"})
    kim, _ = _client(drive, tmp_path, "kim", "kontaktperson")
    panel = kim.get(f"/tasks/{task['id']}/nearby?area=sofielund").get_data(as_text=True)
    assert "Samordning i Sofielund" in panel and "Amira Haddad" in panel and "Trygg Malmö" in panel
    other = kim.get(f"/tasks/{task['id']}/nearby?area=limhamn").get_data(as_text=True)
    assert "Ingen lokal samordnare är angiven för området." in other and "Amira Haddad" not in other
