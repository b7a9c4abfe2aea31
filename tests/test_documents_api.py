"""Case documents over real HTTP on both databases: the list, the files with their type and Swedish
file name, refusals as JSON errors (API) and Swedish sentences (pages), any role, token or session."""

from __future__ import annotations

import re
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import HTTPCookieProcessor, OpenerDirector, build_opener

from engine import accounts
from tests import document_case as dc
from tests.http import ApiClient
from tests.samverkansstod import Driver

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PASSWORD = "lösenord-123"


def _path(url: str) -> str:
    """The part of a listed url the test client takes (it adds /api/v1 itself)."""
    assert url.startswith("/api/v1/")
    return url.removeprefix("/api/v1")


def test_every_kind_is_listed_and_served_with_its_type_and_swedish_name(api: ApiClient, drive: Driver) -> None:
    case_id = dc.finished_case(drive)
    chef = api.as_user("cecilia", "chef")
    listed = chef.get(f"/cases/{case_id}/documents")
    assert listed.status == 200
    assert [d["kind"] for d in listed.body] == [
        "ansokan",
        "beslutsunderlag",
        "uppfoljningsrapport",
        "uppfoljningsrapport",
        "slutrapport",
    ]
    assert [d["period"] for d in listed.body][2:4] == [
        {"number": 1, "start": "2027-04-01", "end": "2027-10-01"},
        {"number": 2, "start": "2027-10-01", "end": "2028-04-01"},
    ]
    for document in listed.body:
        assert set(document) >= {"kind", "title", "period", "url"}
        answer = chef.get(_path(document["url"]))
        assert answer.status == 200, document
        expected = DOCX if document["kind"] == "beslutsunderlag" else PDF
        assert answer.headers["Content-Type"] == expected
        assert answer.raw.startswith(b"PK" if expected == DOCX else b"%PDF-1.7")
        disposition = answer.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=UTF-8''{quote(document['filename'])}" in disposition
        assert answer.headers["Cache-Control"] == "private, no-store"
    second = chef.get(_path(listed.body[3]["url"]))
    text = " ".join(" ".join(dc.pdf_pages(second.raw)).split())
    assert dc.SECOND_REPORT["utfall"] in text and "Första versionen" not in text
    assert f"Diarienummer {dc.DNR}" in text


def test_documents_that_do_not_exist_yet_are_refused_with_a_json_error(api: ApiClient, drive: Driver) -> None:
    case_id = dc.decided_case(drive)
    dc.first_follow_up_approved(drive, case_id)
    dc.second_follow_up_sent_back(drive, case_id)
    client = api.as_user("kim", "kontaktperson")
    listed = client.get(f"/cases/{case_id}/documents")
    assert [d["url"].rsplit("/", 1)[1] for d in listed.body] == ["ansokan", "beslutsunderlag", "uppfoljningsrapport-1"]
    for name, status, code, words in (
        ("uppfoljningsrapport-2", 409, "document_not_ready", "Komplettering av rapporten är begärd"),
        ("slutrapport", 409, "document_not_ready", "alla uppföljningar är godkända"),
        ("uppfoljningsrapport-3", 404, "document_not_found", "inget sådant dokument"),
        ("protokoll", 404, "document_not_found", "inget sådant dokument"),
    ):
        answer = client.get(f"/cases/{case_id}/documents/{name}")
        assert answer.status == status, name
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.body["error"]["code"] == code
        assert words in answer.body["error"]["message"]
    assert client.get(f"/cases/{case_id + 100}/documents").status == 404
    assert client.get(f"/cases/{case_id + 100}/documents/ansokan").status == 404
    anonymous = ApiClient(api.base, api.engine, accounts)
    assert anonymous.get(f"/cases/{case_id}/documents").status == 401
    assert anonymous.get(f"/cases/{case_id}/documents/ansokan").status == 401


def test_every_role_reads_the_documents(api: ApiClient, drive: Driver) -> None:
    case_id = dc.decided_case(drive)
    for role in ("namndsekreterare", "processagare", "admin"):  # kontaktperson and chef: the tests above
        client = api.as_user(f"user-{role}", role)
        assert client.get(f"/cases/{case_id}/documents").status == 200, role
        assert client.get(f"/cases/{case_id}/documents/beslutsunderlag").headers["Content-Type"] == DOCX, role


def _logged_in(base: str, username: str) -> OpenerDirector:
    """A browser-like client with the session cookie of a real login through /login."""
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    form = {"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    opener.open(f"{base}/login", data=urlencode(form).encode())
    return opener


def _status(opener: OpenerDirector, url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with opener.open(url) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_the_documents_page_and_downloads_work_with_a_login_session(api: ApiClient, drive: Driver) -> None:
    case_id = dc.decided_case(drive)
    dc.first_follow_up_approved(drive, case_id)
    accounts.add_user(api.engine, "nora", ["namndsekreterare"], PASSWORD)
    browser = _logged_in(api.base, "nora")
    status, _, body = _status(browser, f"{api.base}/cases/{case_id}")
    assert status == 200 and f'href="/cases/{case_id}/documents"' in body.decode()
    status, _, body = _status(browser, f"{api.base}/cases/{case_id}/documents")
    page = body.decode()
    assert status == 200 and "<h1>Dokument</h1>" in page
    assert f'href="/cases/{case_id}/documents/uppfoljningsrapport-1"' in page
    assert "Perioden slutar 1 apr 2028; rapporten blir ett dokument när den är godkänd." in page
    status, headers, content = _status(browser, f"{api.base}/cases/{case_id}/documents/uppfoljningsrapport-1")
    assert (status, headers["Content-Type"]) == (200, PDF) and content.startswith(b"%PDF")
    status, _, body = _status(browser, f"{api.base}/cases/{case_id}/documents/uppfoljningsrapport-2")
    assert status == 409 and "Perioden slutar 1 apr 2028" in body.decode()
    # The API's file address works with the session too: the list's links open in a browser.
    status, headers, _ = _status(browser, f"{api.base}/api/v1/cases/{case_id}/documents/beslutsunderlag")
    assert (status, headers["Content-Type"]) == (200, DOCX)
    assert _status(browser, f"{api.base}/api/v1/cases/{case_id}/documents")[0] == 401  # the list wants a token
    stranger = build_opener(HTTPCookieProcessor(CookieJar()))
    status, _, body = _status(stranger, f"{api.base}/cases/{case_id}/documents")
    assert status == 200 and "Logga in" in body.decode()  # redirected to the login page
    assert _status(stranger, f"{api.base}/api/v1/cases/{case_id}/documents/ansokan")[0] == 401
