"""CSV exports: text a spreadsheet would run as a formula is written as plain text."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from engine import accounts
from tests.samverkansstod import Driver
from web.csv_export import safe_cell

DANGEROUS = ('=HYPERLINK("http://example.com/x";"Klicka")', "+46 40 34 10 00", "-2+3", "@SUM(A1:A9)")


def _chef(drive: Driver, tmp_path: Path) -> FlaskClient:
    from web import create_app

    app = create_app({"TESTING": True, "ATTACHMENTS_DIR": str(tmp_path)}, engine=drive.engine)
    accounts.add_user(drive.engine, "cecilia", ["chef"], "lösenord-123")
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token is not None
    client.post("/login", data={"username": "cecilia", "password": "lösenord-123", "csrf_token": token.group(1)})
    return client


def test_area_csv_writes_formula_titles_as_text(drive: Driver, tmp_path: Path) -> None:
    for title in (*DANGEROUS, "Torgfest på Möllan"):
        drive.start(title=title)
    response = _chef(drive, tmp_path).get("/areas.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff")), delimiter=";"))
    titles = sorted(row[3] for row in rows[1:])
    assert titles == sorted(["'" + t for t in DANGEROUS] + ["Torgfest på Möllan"])


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tA1", "\rA1"])
def test_every_formula_start_is_neutralised(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Möllan", "a=b", "", 42, -3, 1.5])
def test_other_cells_are_left_as_they_are(value: str | int | float) -> None:
    assert safe_cell(value) == value
