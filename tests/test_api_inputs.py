"""Bad input at the API gives a 4xx with the error body, never a 500, and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import processes, schema
from engine.context import SYSTEM, Samverkan
from tests.http import ApiClient, Response

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn"
TWO_LANES = ROOT / "tests" / "bpmn" / "two_lanes.bpmn"


def _error(response: Response, *statuses: int) -> dict[str, Any]:
    assert response.status in statuses, (response.status, response.raw[:500])
    error: dict[str, Any] = response.body["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str)
    assert isinstance(error["details"], list)
    return error


def _counts(engine: Samverkan) -> tuple[int, int, int]:
    with engine.db.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (schema.cases, schema.tasks, schema.history)
        )


@pytest.fixture
def kim(api: ApiClient, engine: Samverkan) -> ApiClient:
    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    return api.as_user("kim", "kontaktperson")


def _start(client: ApiClient, **fields: Any) -> Response:
    body = {"process_id": "samverkansstod", "start_event": "start_aktorsinitiativ", "title": "Torgfest", **fields}
    return client.post("/cases", body)


def test_a_thousand_levels_of_json_is_a_400(kim: ApiClient, engine: Samverkan) -> None:
    before = _counts(engine)
    deep = b'{"process_id": "samverkansstod", "title": "x", "data": {"a": ' + b"[" * 1000 + b"]" * 1000 + b"}}"
    _error(kim.post("/cases", raw=deep, content_type="application/json"), 400)
    forty = b'{"process_id": "samverkansstod", "title": "x", "data": {"a": ' + b"[" * 40 + b"]" * 40 + b"}}"
    assert _error(kim.post("/cases", raw=forty, content_type="application/json"), 400)["code"] == "too_deep"
    case = _start(kim).body
    task = case["open_tasks"][0]["id"]
    complete = b'{"data": ' + b'{"a": ' * 1000 + b"1" + b"}" * 1000 + b"}"
    _error(kim.post(f"/tasks/{task}/complete", raw=complete, content_type="application/json"), 400)
    assert _counts(engine) == (before[0] + 1, before[1] + 1, before[2] + 1)


def test_a_lone_surrogate_is_a_400(kim: ApiClient, engine: Samverkan) -> None:
    before = _counts(engine)
    raw = b'{"process_id": "samverkansstod", "start_event": "start_aktorsinitiativ", "title": "a\\ud800b"}'
    _error(kim.post("/cases", raw=raw, content_type="application/json"), 400, 422)
    _error(_start(kim, data={"namn": "\udfff"}), 400, 422)
    assert _counts(engine) == before


@pytest.mark.parametrize("value", [2**64, -(2**63) - 1, 10**40])
def test_an_integer_beyond_64_bits_in_data_is_a_422(kim: ApiClient, engine: Samverkan, value: int) -> None:
    before = _counts(engine)
    error = _error(_start(kim, data={"beviljat_belopp_sek": value}), 422)
    assert error["details"][0]["field"] == "data.beviljat_belopp_sek"
    assert _counts(engine) == before


def test_nan_and_infinity_are_not_json(kim: ApiClient) -> None:
    for constant in (b"NaN", b"Infinity", b"-Infinity", b"1e400"):
        raw = b'{"process_id": "samverkansstod", "title": "x", "data": {"a": ' + constant + b"}}"
        _error(kim.post("/cases", raw=raw, content_type="application/json"), 400, 422)


def test_nul_in_title_query_and_ids_is_a_4xx(kim: ApiClient, engine: Samverkan) -> None:
    before = _counts(engine)
    _error(_start(kim, title="Torg\x00fest"), 422)
    _error(_start(kim, data={"namn\x00": "x"}), 422)
    _error(kim.get("/cases?area=ros%00engard"), 400)
    _error(kim.get("/cases?status=%00"), 400)
    _error(kim.get("/tasks/abc%00def"), 400)
    _error(kim.post("/tasks/abc%00def/claim"), 400)
    _error(kim.get("/processes/samverkans%00stod/bpmn"), 400)
    assert _counts(engine) == before


def test_a_title_over_400_characters_is_a_422(kim: ApiClient, engine: Samverkan) -> None:
    before = _counts(engine)
    assert _error(_start(kim, title="å" * 401), 422)["details"] == [
        {"field": "title", "message": "Högst 400 tecken (nu 401)."}
    ]
    assert _counts(engine) == before
    assert _start(kim, title="å" * 400).status == 201


@pytest.mark.parametrize("case_id", [2147483648, 9223372036854775808, 10**30])
def test_ids_beyond_the_integer_column_are_404(kim: ApiClient, case_id: int) -> None:
    _error(kim.get(f"/cases/{case_id}"), 404)
    _error(kim.get(f"/cases/{case_id}/history"), 404)
    _error(kim.post(f"/cases/{case_id}/retry"), 404)
    _error(kim.post(f"/notifications/{case_id}/read"), 404)
    _error(kim.get(f"/processes/samverkansstod/bpmn?version={case_id}"), 400)
    assert kim.get("/cases/2147483647").status == 404


@pytest.mark.parametrize(
    "query",
    ["limit=-1", "limit=abc", "limit=5001", "limit=1.5", "offset=-1", "offset=x", "limit=--5", "limit=" + "9" * 5000],
)
def test_bad_limit_and_offset_are_400(kim: ApiClient, query: str) -> None:
    error = _error(kim.get(f"/cases?{query}"), 400)
    assert error["code"] == "bad_parameter" and error["details"][0]["field"] in ("limit", "offset")


def test_good_limit_and_offset_page_the_cases(kim: ApiClient) -> None:
    ids = [_start(kim, title=f"Ärende {n}").body["id"] for n in range(3)]
    page = kim.get("/cases?limit=2&offset=1").body
    assert page["total"] == 3 and [c["id"] for c in page["items"]] == ids[1:]


def test_version_must_be_a_whole_number(kim: ApiClient) -> None:
    _error(kim.get("/processes/samverkansstod/bpmn?version=abc"), 400)
    _error(kim.get("/processes/samverkansstod/bpmn?version=0"), 400)
    assert kim.get("/processes/samverkansstod/bpmn?version=1").status == 200


def test_json_body_must_be_json(kim: ApiClient) -> None:
    _error(kim.post("/cases", raw=b"\xff\xfe{", content_type="application/json"), 400)
    _error(kim.post("/cases", raw=b"[1, 2]", content_type="application/json"), 400)
    _error(kim.post("/cases", raw=b'{"title": "x"}', content_type="text/plain"), 400)
    admin = kim.as_user("ada", "admin")
    _error(admin.post("/cases/1/retry", raw=b'{"data": 5}', content_type="application/json"), 400)


def test_a_flow_id_with_a_quote_is_validated_not_crashed(api: ApiClient) -> None:
    owner = api.as_user("ägare", "processagare")
    xml = TWO_LANES.read_bytes().replace(b"flow_stor", b"flow_st'or")
    checked = owner.post("/processes/validate", raw=xml, content_type="application/xml")
    assert checked.status == 200 and "flow_st'or" in checked.body["problems"][0]["message"]
    _error(owner.post("/processes", raw=xml, content_type="application/xml"), 422)
    without_condition = xml.replace(b"<bpmn:conditionExpression", b"<bpmn:documentation", 1).replace(
        b"</bpmn:conditionExpression>", b"</bpmn:documentation>", 1
    )
    refused = owner.post("/processes", raw=without_condition, content_type="application/xml")
    assert "flow_st'or" in [d["element_id"] for d in _error(refused, 422)["details"]]
    assert owner.get("/processes").body == []


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-16-LE", "ISO-8859-1"])
def test_a_bpmn_in_another_encoding_is_stored_as_utf8(api: ApiClient, encoding: str) -> None:
    owner = api.as_user("ägare", "processagare")
    text = TWO_LANES.read_text(encoding="utf-8").replace('encoding="UTF-8"', f'encoding="{encoding}"')
    text = text.replace('name="Ja"', 'name="Ja, större än 5 000 kronor åäö"')
    xml = text.encode(encoding, errors="xmlcharrefreplace")
    if encoding == "UTF-16":
        assert xml[:2] in (b"\xff\xfe", b"\xfe\xff")
    checked = owner.post("/processes/validate", raw=xml, content_type="application/xml")
    assert checked.status == 200 and checked.body == {"problems": []}
    deployed = owner.post("/processes", raw=xml, content_type="application/xml")
    assert deployed.status == 201, deployed.body
    back = owner.get(f"/processes/{deployed.body['process_id']}/bpmn")
    assert back.status == 200
    assert back.raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "större än 5 000 kronor åäö".encode() in back.raw


def test_a_dtd_in_utf16_is_refused(api: ApiClient) -> None:
    owner = api.as_user("ägare", "processagare")
    text = TWO_LANES.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    head, _, rest = text.partition("?>")
    xml = (head + '?>\n<!DOCTYPE x [<!ENTITY e "e">]>' + rest).encode("utf-16")
    assert _error(owner.post("/processes", raw=xml, content_type="application/xml"), 422)["code"] == "invalid_bpmn"


def test_error_bodies_are_json_for_unknown_routes_and_methods(kim: ApiClient) -> None:
    _error(kim.get("/finns-inte"), 404)
    assert _error(kim.request("DELETE", "/cases"), 405)["code"] == "method_not_allowed"
    assert json.loads(kim.get("/cases/abc").raw)["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('<bpmn:process id="samverkansstod"', "<bpmn:process", "Processen saknar id"),
        ('<bpmn:process id="samverkansstod"', f'<bpmn:process id="{"p" * 201}"', "längre än 200 tecken"),
        ('name="Håll första möte"', f'name="{"M" * 401}"', "längre än 400 tecken"),
        ('value="reminder"', f'value="{"r" * 30}"', "Okänd timeråtgärd"),
    ],
)
def test_bpmn_that_does_not_fit_the_columns_is_a_422(api: ApiClient, old: str, new: str, message: str) -> None:
    owner = api.as_user("ägare", "processagare")
    text = MODEL.read_text(encoding="utf-8")
    assert old in text
    refused = owner.post("/processes", raw=text.replace(old, new, 1).encode(), content_type="application/xml")
    assert any(message in d["message"] for d in _error(refused, 422)["details"]), refused.body
    assert owner.get("/processes").body == []
