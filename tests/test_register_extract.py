"""Register extract: a person's data in every case, submission, history row and notification, logged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import attachments, register_extract, schema
from engine.context import User
from engine.errors import Invalid
from tests.document_case import pdf_pages
from tests.http import ApiClient
from tests.personal_case import ADA, BO, CISSI, filled_case
from tests.samverkansstod import Driver

ADMIN = User("agnes", frozenset({"admin"}))


@pytest.fixture
def store(tmp_path: Path) -> attachments.Store:
    return attachments.Store(tmp_path / "bilagor")


@pytest.fixture
def three_of_ada(drive: Driver, store: attachments.Store) -> list[int]:
    """Ada in three cases (with Bo beside her in other fields), Cissi alone in a fourth."""
    ids = [
        filled_case(drive, store, title, ADA, BO, notes=f"{ADA.name} ringde om lokalen.")
        for title in ("Ljus på gården", "Bänkar på torget", "Läxhjälp i föreningslokalen")
    ]
    filled_case(drive, store, "Cykelverkstad", CISSI, CISSI)
    with drive.engine.write() as conn:
        conn.execute(
            schema.notifications.insert().values(
                recipient=None, role="chef", case_id=ids[0], reason="reminder",
                message=f"Påminnelse om {ADA.name}", created_at=drive.clock.now(),
            )
        )  # fmt: skip
    return ids


def _others(text: str) -> list[str]:
    return [value for value in (*BO.values, *CISSI.values) if value in text]


def test_the_extract_finds_her_in_three_cases_and_nobody_else(drive: Driver, three_of_ada: list[int]) -> None:
    extract = register_extract.search(drive.engine, ADMIN, [ADA.name, ADA.email])

    assert [c.id for c in extract.cases] == three_of_ada
    as_json = json.dumps(extract.as_json(), ensure_ascii=False)
    assert _others(as_json) == []
    for case in extract.cases:
        kinds = {f.kind for f in case.findings}
        assert {"case", "submission", "attachment"} <= kinds
        assert all(ADA.name in f.value or ADA.email in f.value for f in case.findings)
        places = {(f.kind, f.path) for f in case.findings}
        assert ("case", "data.aktorer[0].namn") in places and ("case", "data.aktorer[0].kontakt") in places
        assert ("submission", "details.data.aktorer[0].kontakt") in places
        submitted = next(f for f in case.findings if f.path == "details.data.aktorer[0].kontakt")
        assert submitted.field == "Aktörsgrupp › Kontaktuppgifter"
        assert ("attachment", "filename") in places
        contact = next(f for f in case.findings if f.path == "data.aktorer[0].kontakt")
        assert contact.field == "Aktörsgrupp › Kontaktuppgifter" and contact.where == f"cases {case.id}"
    first = extract.cases[0]
    assert any(f.kind == "notification" for f in first.findings)
    submission = next(f for f in first.findings if f.kind == "submission")
    assert submission.element_id and submission.where.startswith("history ")


def test_the_search_is_logged_and_bad_terms_are_refused(drive: Driver, three_of_ada: list[int]) -> None:
    register_extract.search(drive.engine, ADMIN, [ADA.email.upper()])  # case does not matter
    with pytest.raises(Invalid):
        register_extract.search(drive.engine, ADMIN, ["  ", ""])
    with pytest.raises(Invalid):
        register_extract.search(drive.engine, ADMIN, ["Ad"])
    with pytest.raises(Invalid):
        register_extract.search(drive.engine, ADMIN, [f"namn {n}" for n in range(11)])
    with drive.engine.db.connect() as conn:
        rows = conn.execute(select(schema.register_searches)).all()
    assert len(rows) == 1  # refused searches are not made, so not logged
    assert rows[0].actor == "agnes" and rows[0].terms == [ADA.email.upper()]
    assert rows[0].found["cases"] == three_of_ada and rows[0].found["count"] == 6  # contact: data + submission


def test_nobody_is_found_when_nobody_is_there(drive: Driver, three_of_ada: list[int]) -> None:
    extract = register_extract.search(drive.engine, ADMIN, ["Zlatan Nobodysson"])
    assert extract.cases == [] and extract.other == [] and extract.count == 0


def test_the_api_gives_json_and_pdf_to_admins_only(api: ApiClient, drive: Driver, three_of_ada: list[int]) -> None:
    admin = api.as_user("agnes", "admin")
    answer = admin.post("/register-extracts", {"terms": [ADA.name]})
    assert answer.status == 200, answer.body
    assert [c["id"] for c in answer.body["cases"]] == three_of_ada
    assert _others(answer.raw.decode()) == []
    pdf = admin.post("/register-extracts", {"terms": [ADA.name], "format": "pdf"})
    assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = " ".join(pdf_pages(pdf.raw))
    assert "Registerutdrag" in text and f"Ärende {three_of_ada[2]}" in text and _others(text) == []
    assert admin.post("/register-extracts", {"terms": ["x"]}).status == 422
    assert admin.post("/register-extracts", {"terms": "Ada"}).status == 400
    assert api.as_user("kim2", "kontaktperson").post("/register-extracts", {"terms": [ADA.name]}).status == 403
    with drive.engine.db.connect() as conn:
        assert len(conn.execute(select(schema.register_searches)).all()) == 2
