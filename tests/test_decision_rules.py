"""The decision, assessment and review forms can't be wrong: 422 naming the field, nothing changed.

Over HTTP through the API as the contract says, and on the pages as officials fill them in.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from engine import queries
from samverkan_cli.sample import sample_data
from tests.http import ApiClient
from tests.samverkansstod import INITIERING, TO_DECISION, Driver
from tests.test_web_header import _client, _csrf


def _decision_task(drive: Driver) -> tuple[int, dict[str, Any]]:
    case_id = drive.start()
    drive.walk(case_id, *TO_DECISION)
    return case_id, drive.task(case_id, "namndbeslut")


def _complete(client: ApiClient, task: dict[str, Any], data: dict[str, Any]) -> Any:
    return client.post(f"/tasks/{task['id']}/complete", {"data": data})


def _fields(response: Any) -> list[str]:
    assert response.status == 422, response.body
    return sorted(d["field"] for d in response.body["error"]["details"])


BASE = {"sammantradesdatum": "2027-04-20", "diarienummer": "TN-2027-42"}
GRANT = {**BASE, "beslut": "beviljat", "beviljat_belopp_sek": 80000, "period_start": "2027-05-01",
         "period_slut": "2028-04-30"}  # fmt: skip


def test_the_decision_form_refuses_what_cannot_be_right(api: ApiClient, drive: Driver) -> None:
    nils = api.as_user("nils", "namndsekreterare")
    case_id, task = _decision_task(drive)
    before = drive.case(case_id)
    assert _fields(_complete(nils, task, {**GRANT, "period_slut": "2027-04-30"})) == ["period_slut"]
    assert _fields(_complete(nils, task, {**GRANT, "period_slut": "2027-05-01"})) == ["period_slut"]
    for interval in ("P0D", "P1D", "P2W", "P0M", "12M"):
        assert _fields(_complete(nils, task, {**GRANT, "uppfoljningsintervall": interval})) == ["uppfoljningsintervall"]
    assert _fields(_complete(nils, task, {k: v for k, v in GRANT.items() if k != "beviljat_belopp_sek"})) == [
        "beviljat_belopp_sek"
    ]
    no_period = {k: v for k, v in GRANT.items() if not k.startswith("period")}
    assert _fields(_complete(nils, task, {**no_period, "beslut": "delvis_beviljat"})) == ["period_slut", "period_start"]
    assert _fields(_complete(nils, task, {**GRANT, "diarienummer": "TN-2027-123456"})) == ["diarienummer"]
    message = _complete(nils, task, {**GRANT, "period_slut": "2027-01-01"}).body["error"]["details"][0]["message"]
    assert "efter" in message and "start" in message  # in Swedish, next to the field
    assert drive.case(case_id) == before  # nothing changed by any of them
    assert queries.case_history(drive.engine, case_id)[-1]["element_id"] == "bedomning"


def test_a_grant_with_an_unpadded_serial_and_a_refusal_without_a_period_pass(api: ApiClient, drive: Driver) -> None:
    nils = api.as_user("nils", "namndsekreterare")
    _case, task = _decision_task(drive)
    granted = _complete(nils, task, {**GRANT, "diarienummer": "TN-2020-773", "uppfoljningsintervall": "P6M"})
    assert granted.status == 200 and granted.body["active_elements"] == ["samverkansoverenskommelse"]
    _case, task = _decision_task(drive)
    refused = _complete(nils, task, {**BASE, "beslut": "avslag"})
    assert refused.status == 200 and refused.body["active_elements"] == ["meddela_beslut"]


def _assessment(drive: Driver, **verdicts: str) -> dict[str, Any]:
    data = sample_data("bedomning", drive.engine.forms.schema("bedomning"), rekommendation="tillstyrk")
    data.pop("tillstyrkan_motivering", None)
    for key, verdict in verdicts.items():
        data[key] = {"bedomning": verdict, "motivering": "Se ansökan."}
    return data


def test_a_recommendation_despite_an_unmet_criterion_needs_a_justification(api: ApiClient, drive: Driver) -> None:
    kim = api.as_user("kim", "kontaktperson")
    case_id = drive.start()
    drive.walk(case_id, *INITIERING, "registrera_ansokan")
    task = drive.task(case_id, "bedomning")
    refused = _complete(kim, task, _assessment(drive, k3="ej_uppfyllt"))
    assert _fields(refused) == ["tillstyrkan_motivering"]
    assert "Motivera" in refused.body["error"]["details"][0]["message"]
    complement = {**_assessment(drive, k3="ej_uppfyllt"), "rekommendation": "komplettering"}
    assert _complete(kim, task, complement).status == 200
    drive.walk(case_id, "begar_komplettering", "registrera_komplettering")
    task = drive.task(case_id, "bedomning")
    fine = {**_assessment(drive, k3="ej_uppfyllt"), "tillstyrkan_motivering": "Aktörerna tar ansvar för driften."}
    assert _complete(kim, task, fine).status == 200
    assert drive.case(case_id)["active_elements"] == ["namndbeslut"]


def test_a_requested_complement_must_say_what_is_missing(api: ApiClient, drive: Driver) -> None:
    kim = api.as_user("kim", "kontaktperson")
    case_id = drive.start()
    drive.walk(case_id, *TO_DECISION)
    drive.complete(case_id, "namndbeslut", period_start="2026-01-01", period_slut="2026-12-31")
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende", "uppfoljningsrapport")
    task = drive.task(case_id, "granska_uppfoljning")
    assert _fields(_complete(kim, task, {"godkand": False})) == ["kommentar"]
    assert _fields(_complete(kim, task, {"godkand": False, "kommentar": ""})) == ["kommentar"]
    assert _fields(_complete(kim, task, {})) == ["godkand"]
    assert _complete(kim, task, {"godkand": False, "kommentar": "Lägg till budgetutfallet."}).status == 200
    assert [t["element_id"] for t in drive.case(case_id)["open_tasks"]].count("uppfoljningsrapport") == 1


def test_the_decision_page_offers_the_interval_as_a_choice(drive: Driver, tmp_path: Path) -> None:
    case_id, task = _decision_task(drive)
    client = _client(drive, tmp_path, "nils", "namndsekreterare")
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    for label in ("Kvartal", "Halvår", "År", "Annat antal månader", "Antal månader, om annat"):
        assert f">{label}</label>" in page
    assert not re.search(r'<input[^>]+name="uppfoljningsintervall"[^>]+type="text"', page)
    # The request, the recommendation and the proposed support are shown above the form, readable.
    for shown in ("Sökt stöd från staden", "Kontaktpersonens rekommendation", "Tillstyrk",
                  "Fastighets- och gatukontorets föreslagna stöd"):  # fmt: skip
        assert shown in page, shown
    assert "{'" not in page
    token = _csrf(page)
    form = {
        "csrf_token": token, "action": "complete", "sammantradesdatum": "2027-04-20", "diarienummer": "TN-2027-7",
        "beslut": "beviljat", "beviljat_belopp_sek": "80 000", "period_start": "2027-05-01",
        "period_slut": "2027-04-01", "uppfoljningsintervall": "annat", "uppfoljningsintervall-months": "0",
    }  # fmt: skip
    refused = client.post(f"/tasks/{task['id']}", data=form)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'role="alert"' in text and "Datumet måste vara efter stödperiodens start." in text
    assert "minst 1 månad" in text
    assert drive.case(case_id)["active_elements"] == ["namndbeslut"]
    form.update({"period_slut": "2028-04-30", "uppfoljningsintervall-months": "4"})
    done = client.post(f"/tasks/{task['id']}", data=form)
    assert done.status_code == 302
    assert drive.case(case_id)["data"]["uppfoljningsintervall"] == "P4M"


def test_the_review_page_is_an_explicit_choice_and_flags_a_budget_over_the_grant(drive: Driver, tmp_path: Path) -> None:
    case_id = drive.start()
    drive.walk(case_id, *TO_DECISION)
    period = {"period_start": "2026-01-01", "period_slut": "2026-12-31"}
    drive.complete(case_id, "namndbeslut", **period, beviljat_belopp_sek=80000)
    drive.walk(case_id, "samverkansoverenskommelse", "dialog_med_boende")
    drive.complete(case_id, "uppfoljningsrapport", budgetutfall_sek=95000)
    task = drive.task(case_id, "granska_uppfoljning")
    client = _client(drive, tmp_path, "kim", "kontaktperson")
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert 'type="radio"' in page and ">Godkänn rapporten</label>" in page and ">Begär komplettering</label>" in page
    assert "15\u00a0000\u00a0kr över beviljat belopp (80\u00a0000\u00a0kr)" in page
    form = {"csrf_token": _csrf(page), "action": "complete", "godkand": "false"}
    refused = client.post(f"/tasks/{task['id']}", data=form)
    assert refused.status_code == 422 and "Skriv vad som ska kompletteras." in refused.get_data(as_text=True)
    form["kommentar"] = "Budgetutfallet överstiger beviljat belopp: förklara."
    assert client.post(f"/tasks/{task['id']}", data=form).status_code == 302
    again = drive.task(case_id, "uppfoljningsrapport")
    reopened = client.get(f"/tasks/{again['id']}").get_data(as_text=True)
    assert "Begärd komplettering" in reopened and "förklara." in reopened
    assert 'value="95000"' in reopened  # filled in with what was sent
