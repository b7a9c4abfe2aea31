"""Bad input on the pages gives a Swedish 4xx page, never a 500, and changes nothing."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import accounts, schema
from tests.samverkansstod import Driver
from web import create_app


def _kim(drive: Driver) -> tuple[FlaskClient, str]:
    accounts.add_user(drive.engine, "kim", ["kontaktperson"], "lösenord-123")
    client = create_app({"TESTING": True}, engine=drive.engine).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token is not None
    client.post("/login", data={"username": "kim", "password": "lösenord-123", "csrf_token": token.group(1)})
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/cases/new").get_data(as_text=True))
    assert fresh is not None  # a new session, and token, after login
    return client, fresh.group(1)


def _cases(drive: Driver) -> int:
    with drive.engine.db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.cases)).scalar_one())


def test_a_nul_in_a_form_field_is_a_swedish_400_page(drive: Driver) -> None:
    client, token = _kim(drive)
    page = client.post(
        "/cases/new", data={"start_event": "start_aktorsinitiativ", "title": "Torg\x00fest", "csrf_token": token}
    )
    assert page.status_code == 400
    assert '<html lang="sv">' in page.get_data(as_text=True) and "tecken som inte kan användas" in page.get_data(
        as_text=True
    )
    assert _cases(drive) == 0


def test_a_nul_in_the_login_name_is_a_400_page(drive: Driver) -> None:
    client = create_app({"TESTING": True}, engine=drive.engine).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token is not None
    page = client.post("/login", data={"username": "ki\x00m", "password": "x", "csrf_token": token.group(1)})
    assert page.status_code == 400


def test_a_long_title_is_shown_next_to_its_field(drive: Driver) -> None:
    client, token = _kim(drive)
    page = client.post(
        "/cases/new", data={"start_event": "start_aktorsinitiativ", "title": "å" * 401, "csrf_token": token}
    )
    assert page.status_code == 422
    assert "Högst 400 tecken (nu 401)." in page.get_data(as_text=True)
    assert _cases(drive) == 0


def test_a_case_id_beyond_the_column_is_a_404_page(drive: Driver) -> None:
    client, _ = _kim(drive)
    assert client.get("/cases/2147483648").status_code == 404
    assert client.get("/cases/2147483648/diagram").status_code == 404
