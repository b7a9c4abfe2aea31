"""Attachments: stored safely by the engine, uploaded on task forms without JavaScript, downloaded."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import accounts, attachments, cases, schema
from engine.context import User
from engine.errors import Conflict, Forbidden, Invalid
from tests.samverkansstod import INITIERING, USERS, Driver

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
KIM = USERS["kontaktperson"]


@pytest.fixture
def store(tmp_path: Path) -> attachments.Store:
    return attachments.Store(tmp_path / "bilagor", max_bytes=1024)


def _at_complement(drive: Driver) -> tuple[int, dict[str, Any]]:
    """A case waiting in registrera_komplettering, the task with two file fields in its rows."""
    case_id = drive.start(title="Bilagor i Sofielund")
    drive.walk(case_id, *INITIERING, "registrera_ansokan")
    drive.complete(case_id, "bedomning", rekommendation="komplettering")
    drive.complete(case_id, "begar_komplettering")
    return case_id, drive.task(case_id, "registrera_komplettering")


def test_upload_is_stored_under_a_random_name_and_listed(drive: Driver, store: attachments.Store) -> None:
    case_id, task = _at_complement(drive)
    value = attachments.save(drive.engine, store, KIM, task["id"], "C:\\Mina filer\\Budget 2027.pdf", io.BytesIO(PDF))
    assert value["namn"] == "Budget 2027.pdf" and value["storlek"] == len(PDF)
    assert [p.name for p in store.directory.iterdir()] == [value["id"]]
    assert store.path(value["id"]).read_bytes() == PDF
    found = attachments.get(drive.engine, value["id"])
    assert found["content_type"] == "application/pdf"
    assert found["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert (found["case_id"], found["task_id"], found["uploaded_by"]) == (case_id, task["id"], "kim")
    [listed] = attachments.list_for_case(drive.engine, case_id)
    assert listed["task_name"] == task["name"] and listed["task_state"] == "open"
    assert attachments.form_value(drive.engine, value["id"], case_id) == value
    assert attachments.form_value(drive.engine, value["id"], case_id + 1) is None


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("stor.pdf", b"%PDF-" + b"x" * 2000, "Filen är för stor. Den får vara högst 1 kB."),
        ("program.exe", b"MZ", "Filtypen är inte tillåten."),
        ("utan-andelse", PDF, "Filtypen är inte tillåten."),
        ("bild.pdf", PNG, "Filens innehåll stämmer inte med filtypen .pdf."),
        ("rapport.odt", b"PK\x03\x04" + b"\x00" * 60, "Filens innehåll stämmer inte med filtypen .odt."),
        ("data.csv", b"a;b\x00c", "Filens innehåll stämmer inte med filtypen .csv."),
        ("tom.txt", b"", "Filen är tom."),
    ],
)
def test_refused_uploads_leave_nothing_behind(
    drive: Driver, store: attachments.Store, filename: str, content: bytes, message: str
) -> None:
    case_id, task = _at_complement(drive)
    with pytest.raises(Invalid) as err:
        attachments.save(drive.engine, store, KIM, task["id"], filename, io.BytesIO(content))
    assert err.value.message.startswith(message)
    assert not store.directory.exists() or list(store.directory.iterdir()) == []
    assert attachments.list_for_case(drive.engine, case_id) == []


def test_allowed_kinds_are_sniffed(drive: Driver, store: attachments.Store) -> None:
    _, task = _at_complement(drive)
    odt = b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.text"
    for name, content, kind in [
        ("karta.PNG", PNG, "image/png"),
        ("foto.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 8, "image/jpeg"),
        ("rapport.odt", odt, "application/vnd.oasis.opendocument.text"),
        ("deltagare.csv", "namn;antal\nÅsa;3\n".encode(), "text/csv"),
    ]:
        value = attachments.save(drive.engine, store, KIM, task["id"], name, io.BytesIO(content))
        assert attachments.get(drive.engine, value["id"])["content_type"] == kind


def test_only_the_tasks_role_may_upload_and_only_while_open(drive: Driver, store: attachments.Store) -> None:
    case_id, task = _at_complement(drive)
    with pytest.raises(Forbidden):
        attachments.save(
            drive.engine, store, User("nils", frozenset({"namndsekreterare"})), task["id"], "a.pdf", io.BytesIO(PDF)
        )
    drive.complete(case_id, "registrera_komplettering")
    with pytest.raises(Conflict):
        attachments.save(drive.engine, store, KIM, task["id"], "a.pdf", io.BytesIO(PDF))


def test_completing_with_another_cases_attachment_is_refused(drive: Driver, store: attachments.Store) -> None:
    case_id, task = _at_complement(drive)
    _, other_task = _at_complement(drive)
    foreign = attachments.save(drive.engine, store, KIM, other_task["id"], "b.pdf", io.BytesIO(PDF))
    own = attachments.save(drive.engine, store, KIM, task["id"], "a.pdf", io.BytesIO(PDF))
    data = {
        "komplettering_inkommen": "2027-03-10",
        "komplettering": "Budget bifogad.",
        "kompletteringsbilagor": [{"beskrivning": "Budget", "fil": foreign}],
    }
    with pytest.raises(Invalid) as err:
        cases.complete_task(drive.engine, KIM, task["id"], data)
    assert err.value.details == [
        {"field": "kompletteringsbilagor.0.fil", "message": "Bilagan finns inte i ärendet. Ladda upp filen igen."}
    ]
    data["kompletteringsbilagor"] = [{"beskrivning": "Budget", "fil": own}]
    cases.complete_task(drive.engine, KIM, task["id"], data)
    assert drive.case(case_id)["data"]["kompletteringsbilagor"][0]["fil"] == own


def test_clean_filename_and_size_label() -> None:
    assert attachments.clean_filename("../../etc/passwd") == "passwd"
    assert attachments.clean_filename("..\\x\\.hidden.pdf") == "hidden.pdf"
    assert attachments.clean_filename("a\x00b\n.pdf") == "ab.pdf"
    assert attachments.clean_filename("") == "bilaga"
    assert len(attachments.clean_filename("x" * 300 + ".pdf")) == 200
    assert attachments.size_label(10 * 1024 * 1024) == "10 MB"
    assert attachments.size_label(1536 * 1024) == "1,5 MB"


# ------------------------------------------------------------------------- web, without JavaScript
def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def _logged_in(drive: Driver, tmp_path: Path, username: str, role: str, **config: Any) -> FlaskClient:
    from web import create_app

    app = create_app({"TESTING": True, "ATTACHMENTS_DIR": str(tmp_path / "web-bilagor"), **config}, engine=drive.engine)
    if accounts.get_user(drive.engine, username) is None:
        accounts.add_user(drive.engine, username, [role], "lösenord-123")
    client = app.test_client()
    token = _csrf(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": username, "password": "lösenord-123", "csrf_token": token})
    return client


def _complement_form(token: str, **extra: Any) -> dict[str, Any]:
    return {
        "csrf_token": token,
        "komplettering_inkommen": "2027-03-10",
        "komplettering": "Reviderad budget.",
        "kompletteringsbilagor-rows": "1",
        "kompletteringsbilagor-0-beskrivning": "Budget",
        **extra,
    }


def test_upload_survives_a_rerender_and_downloads_from_the_case_page(drive: Driver, tmp_path: Path) -> None:
    case_id, task = _at_complement(drive)
    client = _logged_in(drive, tmp_path, "kim", "kontaktperson")
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    form = _complement_form(
        _csrf(page), komplettering="", **{"kompletteringsbilagor-0-fil": (io.BytesIO(PDF), "Budget å.pdf")}
    )
    response = client.post(f"/tasks/{task['id']}", data=form, content_type="multipart/form-data")
    assert response.status_code == 422
    again = response.get_data(as_text=True)
    assert "Bifogad:" in again and "Budget å.pdf" in again
    [stored] = attachments.list_for_case(drive.engine, case_id)
    assert f'name="kompletteringsbilagor-0-fil-kept" value="{stored["id"]}"' in again

    form = _complement_form(_csrf(again), **{"kompletteringsbilagor-0-fil-kept": stored["id"]})
    response = client.post(f"/tasks/{task['id']}", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    assert drive.case(case_id)["data"]["kompletteringsbilagor"] == [
        {"beskrivning": "Budget", "fil": {"id": stored["id"], "namn": "Budget å.pdf", "storlek": len(PDF)}}
    ]

    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f'href="/attachments/{stored["id"]}"' in case_page
    with client.get(f"/attachments/{stored['id']}") as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["Content-Type"] == "application/pdf"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''Budget%20%C3%A5.pdf" in download.headers["Content-Disposition"]

    client.post("/logout", data={"csrf_token": _csrf(case_page)})
    assert client.get(f"/attachments/{stored['id']}").status_code == 302
    assert client.get("/attachments/not-an-id").status_code == 302


def test_wrong_type_and_too_large_show_swedish_errors(drive: Driver, tmp_path: Path) -> None:
    case_id, task = _at_complement(drive)
    client = _logged_in(drive, tmp_path, "kim", "kontaktperson", ATTACHMENTS_MAX_BYTES=64)
    token = _csrf(client.get(f"/tasks/{task['id']}").get_data(as_text=True))
    for filename, content, message in [
        ("virus.exe", b"MZ", "Filtypen är inte tillåten."),
        ("stor.pdf", PDF * 4, "Filen är för stor. Den får vara högst 1 kB."),
    ]:
        form = _complement_form(token, **{"kompletteringsbilagor-0-fil": (io.BytesIO(content), filename)})
        response = client.post(f"/tasks/{task['id']}", data=form, content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'role="alert"' in page and message in page
        assert 'id="kompletteringsbilagor-0-fil-error"' in page
    assert attachments.list_for_case(drive.engine, case_id) == []
    assert drive.task(case_id, "registrera_komplettering")["id"] == task["id"]


def test_attachments_table_holds_what_the_issue_asks(drive: Driver) -> None:
    columns = set(schema.attachments.c.keys())
    assert columns == {
        "id",
        "case_id",
        "task_id",
        "filename",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    }
    with drive.engine.db.connect() as conn:
        assert conn.execute(select(schema.attachments)).all() == []


def test_files_never_used_are_removed_after_the_task_closed(drive: Driver, store: attachments.Store) -> None:
    case_id, task = _at_complement(drive)
    used = attachments.save(drive.engine, store, KIM, task["id"], "budget.pdf", io.BytesIO(PDF))
    dropped = attachments.save(drive.engine, store, KIM, task["id"], "fel-fil.pdf", io.BytesIO(PDF))
    drive.clock.advance(days=8)
    assert attachments.remove_unused(drive.engine, store) == 0  # the task is still open: a draft may use it
    data = {
        "komplettering_inkommen": "2027-03-10",
        "komplettering": "Budget bifogad.",
        "kompletteringsbilagor": [{"beskrivning": "Budget", "fil": used}],
    }
    cases.complete_task(drive.engine, KIM, task["id"], data)
    assert attachments.remove_unused(drive.engine, store, older_than=timedelta(days=30)) == 0  # grace period
    assert attachments.remove_unused(drive.engine, store) == 1
    assert [a["id"] for a in attachments.list_for_case(drive.engine, case_id)] == [used["id"]]
    assert [p.name for p in store.directory.iterdir()] == [used["id"]]
    assert not store.path(dropped["id"]).exists()
