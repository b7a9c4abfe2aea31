"""Header links per role, notifications in the header and their page, the inbox order, the area panel."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from engine import accounts, cases, schema
from engine.context import Samverkan
from tests.samverkansstod import USERS, Driver


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _client(drive: Driver, tmp_path: Path, username: str, *roles: str) -> FlaskClient:
    from web import create_app

    app = create_app({"TESTING": True, "ATTACHMENTS_DIR": str(tmp_path)}, engine=drive.engine)
    if accounts.get_user(drive.engine, username) is None:
        accounts.add_user(drive.engine, username, list(roles), "lösenord-123")
    client = app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": username, "password": "lösenord-123", "csrf_token": token})
    return client


def _nav(client: FlaskClient) -> str:
    page = client.get("/").get_data(as_text=True)
    return page[page.index('aria-label="Huvudmeny"') : page.index("</nav>")]


def test_header_links_follow_the_roles(drive: Driver, tmp_path: Path) -> None:
    owner = _nav(_client(drive, tmp_path, "petra", "processagare"))
    assert 'href="/modeler/samverkansstod"' in owner and 'href="/overview"' not in owner
    boss = _nav(_client(drive, tmp_path, "cecilia", "chef"))
    assert 'href="/overview"' in boss and 'href="/areas"' in boss and "/modeler/" not in boss
    official = _nav(_client(drive, tmp_path, "kim", "kontaktperson"))
    assert 'href="/overview"' not in official and "/modeler/" not in official
    assert 'href="/notifications"' in official


def _notify(engine: Samverkan, case_id: int, **row: Any) -> None:
    with engine.db.begin() as conn:
        conn.execute(
            schema.notifications.insert().values(
                case_id=case_id, reason="reminder", created_at=engine.now(), task_element_id="forsta_mote", **row
            )
        )


def test_notifications_counted_in_header_listed_and_marked_read(drive: Driver, tmp_path: Path) -> None:
    case_id = drive.start(title="Torgfest på Möllan")
    _notify(drive.engine, case_id, role="kontaktperson", message="Påminnelse: Första möte väntar.")
    _notify(drive.engine, case_id, recipient="nils", message="Till någon annan.")
    client = _client(drive, tmp_path, "kim", "kontaktperson")
    assert re.search(r"Notiser\s*<span class=\"badge\">1<span class=\"visually-hidden\"> oläst", _nav(client))

    page = client.get("/notifications").get_data(as_text=True)
    assert "<h1>Notiser</h1>" in page
    assert "Påminnelse: Första möte väntar." in page and "Till någon annan." not in page
    assert f'href="/cases/{case_id}">Torgfest på Möllan</a>' in page
    action = re.search(r'action="(/notifications/\d+/read)"', page)
    assert action is not None
    response = client.post(action.group(1), data={"csrf_token": _csrf(page)})
    assert response.status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert "Du har inga olästa notiser." in page
    assert re.search(r"Notiser\s*<span class=\"badge\">0", page)
    assert client.post("/notifications/999/read", data={"csrf_token": _csrf(page)}).status_code == 404
    assert client.post(action.group(1)).status_code == 400  # no CSRF token


def test_inbox_lists_my_claimed_tasks_first(drive: Driver, tmp_path: Path) -> None:
    first = drive.start(title="A först startad")
    drive.clock.set(drive.clock.now().replace(day=2))
    second = drive.start(title="B startad sen")
    drive.clock.set(drive.clock.now().replace(day=3))
    third = drive.start(title="C startad sist")
    kim = USERS["kontaktperson"]
    cases.claim_task(drive.engine, kim, drive.task(third, "registrera_initiativ")["id"])
    cases.claim_task(drive.engine, kim, drive.task(second, "registrera_initiativ")["id"])
    client = _client(drive, tmp_path, "kim", "kontaktperson")
    for sort in ("due", "case", "created"):
        page = client.get(f"/?sort={sort}").get_data(as_text=True)
        order = re.findall(r'<td><a href="/cases/(\d+)">', page)
        assert order[:2] == sorted([str(second), str(third)], key=order.index), sort
        assert order[2] == str(first), sort
        assert page.index('class="mine"') < page.index("Ta uppgiften")


def test_area_panel_is_served_alone_for_the_script(drive: Driver, tmp_path: Path) -> None:
    here = drive.start(title="Här")
    other = drive.start(title="Grannen i Sofielund")
    drive.complete(other, "registrera_initiativ", omrade="sofielund")
    task = drive.task(here, "registrera_initiativ")
    client = _client(drive, tmp_path, "kim", "kontaktperson")
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert f'data-url="/tasks/{task["id"]}/nearby"' in page and "nearby.js" in page
    part = client.get(f"/tasks/{task['id']}/nearby?area=sofielund").get_data(as_text=True)
    assert "Andra pågående ärenden i Sofielund" in part and "Grannen i Sofielund" in part
    assert "<html" not in part
    empty = client.get(f"/tasks/{task['id']}/nearby?area=rosengard").get_data(as_text=True)
    assert "Inga andra pågående ärenden i området." in empty
    assert client.get(f"/tasks/{task['id']}/nearby").get_data(as_text=True).strip() == ""
    assert _client(drive, tmp_path, "nils", "namndsekreterare").get(f"/tasks/{task['id']}/nearby").status_code == 403
