"""The public list: what a granted case marked public shows, and that no personal data ever does.

Every form field marked personal (``x-personal``) on the way to the decision is filled with a
recognisable made-up person (name, e-mail, phone, unique per field); the case is marked public;
neither the public page's HTML nor the API's JSON may contain any part of those values, nor the
criteria motivations (the officials' notes), while the fields meant for the public are there.
"""

from __future__ import annotations

import json
import urllib.request
from itertools import count
from typing import Any

from sqlalchemy import select

from engine import personal, schema
from samverkan_cli.sample import sample_data
from tests.http import ApiClient
from tests.samverkansstod import USERS, Driver

TO_DECISION = (
    "registrera_initiativ",
    "forsta_mote",
    "tidig_boendeinvolvering",
    "registrera_ansokan",
    "bedomning",
    "namndbeslut",
    "samverkansoverenskommelse",
    "dialog_med_boende",
)
PUBLIC_FIELDS = {
    "registrera_initiativ": {"omrade": "rosengard"},
    "bedomning": {
        "rekommendation": "tillstyrk",
        **{
            f"k{n}": {"bedomning": "delvis" if n == 3 else "uppfyllt", "motivering": f"Intern anteckning K{n}"}
            for n in range(1, 6)
        },
    },
    "namndbeslut": {
        "diarienummer": "TN-2027-0815",
        "beslut": "delvis_beviljat",
        "beviljat_belopp_sek": 345_000,
        "sammantradesdatum": "2027-03-23",
        "period_start": "2027-04-01",
        "period_slut": "2028-03-31",
    },
}


def _fill_personal(value: Any, path: str, paths: frozenset[str], people: list[str], serial: count[int]) -> Any:
    """``value`` with every string at a personal path replaced by a new made-up person's details."""
    if isinstance(value, dict):
        return {k: _fill_personal(v, f"{path}.{k}" if path else k, paths, people, serial) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_personal(v, path + "[]", paths, people, serial) for v in value]
    if isinstance(value, str) and personal.path_is_personal(paths, path):
        n = next(serial)
        parts = [
            f"Personnamn{n} Efternamnsson{n}",
            f"person{n}.privat@exempel.example",
            f"070-555 {n:02d} {n + 10:02d}",
        ]
        people.extend(parts)
        return ", ".join(parts)
    return value


def _walk_with_personal_values(drive: Driver) -> tuple[int, list[str]]:
    case_id = drive.start(title="Trygghet kring Örtagårdstorget")
    people: list[str] = []
    serial = count(1)
    for element in TO_DECISION:
        form = drive.engine.forms.schema(element)
        data = sample_data(element, form, **PUBLIC_FIELDS.get(element, {}))
        data = _fill_personal(data, "", personal.personal_paths(form), people, serial)
        drive.complete(case_id, element, **data)
    return case_id, people


def _page(base: str, path: str) -> str:
    with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 - our own test server
        return str(response.read().decode("utf-8"))


def test_a_public_case_shows_its_decision_and_no_personal_data(drive: Driver, api: ApiClient, live_server: str) -> None:
    case_id, people = _walk_with_personal_values(drive)
    assert len(people) >= 3 * 6  # names, e-mails and phones from every marked field on the way
    kim = api.as_user("kim", "kontaktperson")
    assert api.get("/public/cases").body == []
    answer = kim.post(f"/cases/{case_id}/public", {"public": True, "organisations": ["Örtagårdens Fastighets AB"]})
    assert answer.status == 200, answer.body

    listed = api.get("/public/cases")
    assert listed.status == 200 and len(listed.body) == 1
    item = listed.body[0]
    assert {k: item[k] for k in ("title", "area", "decided_on", "diarienummer", "beslut", "granted_sek")} == {
        "title": "Trygghet kring Örtagårdstorget",
        "area": "rosengard",
        "decided_on": "2027-03-23",
        "diarienummer": "TN-2027-0815",
        "beslut": "delvis_beviljat",
        "granted_sek": 345_000,
    }
    assert (item["period_start"], item["period_slut"]) == ("2027-04-01", "2028-03-31")
    assert item["criteria"] == {"k1": "uppfyllt", "k2": "uppfyllt", "k3": "delvis", "k4": "uppfyllt", "k5": "uppfyllt"}
    assert item["organisations"] == ["Örtagårdens Fastighets AB"]
    html = _page(live_server, "/offentligt")
    for expected in ("TN-2027-0815", "345 000 kr", "Rosengård", "Delvis uppfyllt", "Örtagårdens Fastighets AB"):
        assert expected in html.replace("\u00a0", " "), expected

    for text in (html, listed.raw.decode("utf-8"), json.dumps(listed.body, ensure_ascii=False)):
        leaked = [value for value in people if value in text]
        assert leaked == []
        assert "Intern anteckning" not in text  # the criteria motivations are internal notes


def test_marking_is_for_the_kontaktperson_on_granted_cases_and_leaves_one_history_row(
    drive: Driver, api: ApiClient
) -> None:
    case_id, _ = _walk_with_personal_values(drive)
    undecided = drive.start()
    kim = api.as_user("kim", "kontaktperson")
    assert api.as_user("nils", "namndsekreterare").post(f"/cases/{case_id}/public", {"public": True}).status == 403
    refused = kim.post(f"/cases/{undecided}/public", {"public": True})
    assert refused.status == 409 and refused.body["error"]["code"] == "not_granted"
    assert kim.post(f"/cases/{case_id}/public", {"public": "ja"}).status == 422
    assert kim.post(f"/cases/{case_id}/public", {"public": True, "organisations": "AB"}).status == 422
    assert kim.post("/cases/99999/public", {"public": True}).status == 404
    assert api.get("/public/cases").body == []  # refused requests changed nothing

    assert kim.post(f"/cases/{case_id}/public", {"public": True}).status == 200
    assert [c["id"] for c in api.get("/public/cases").body] == [case_id]
    assert kim.post(f"/cases/{case_id}/public", {"public": False}).status == 200
    assert api.get("/public/cases").body == []
    h = schema.history
    with drive.engine.db.connect() as conn:
        rows = conn.execute(
            select(h.c.action, h.c.actor).where(h.c.case_id == case_id, h.c.action.in_(["published", "unpublished"]))
        ).all()
    assert [tuple(r) for r in rows] == [("published", "kim"), ("unpublished", "kim")]
    assert USERS["kontaktperson"].username == "kim"
