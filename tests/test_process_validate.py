"""POST /processes/validate: problems without storing; every BPMN file under tests/ round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.http import ApiClient

ROOT = Path(__file__).resolve().parent.parent
TEST_BPMN = sorted((ROOT / "tests" / "bpmn").glob("*.bpmn"))


def test_validate_reports_problems_and_stores_nothing(api: ApiClient) -> None:
    owner = api.as_user("ägare", "processagare")
    xml = (ROOT / "tests" / "bpmn" / "two_lanes.bpmn").read_bytes()
    ok = owner.post("/processes/validate", raw=xml, content_type="application/xml")
    assert ok.status == 200 and ok.body == {"problems": []}
    broken = xml.replace(b'sourceRef="', b'sourceRef="saknas_', 1)
    bad = owner.post("/processes/validate", raw=broken, content_type="application/xml")
    assert bad.status == 200 and bad.body["problems"], bad.body
    assert all({"element_id", "message"} <= set(p) for p in bad.body["problems"])
    assert owner.post("/processes/validate", raw=b"<nej", content_type="application/xml").body["problems"]
    assert owner.get("/processes").body == []
    kp = api.as_user("kim", "kontaktperson")
    assert kp.post("/processes/validate", raw=xml, content_type="application/xml").status == 403


@pytest.mark.parametrize("path", TEST_BPMN, ids=lambda p: p.name)
def test_bpmn_files_round_trip(api: ApiClient, path: Path) -> None:
    """Upload, download and upload again: the same version, byte for byte."""
    owner = api.as_user("ägare", "processagare")
    xml = path.read_bytes()
    first = owner.post("/processes", raw=xml, content_type="application/xml")
    assert first.status == 201, first.body
    back = owner.get(f"/processes/{first.body['process_id']}/bpmn")
    assert back.raw == xml
    again = owner.post("/processes", raw=back.raw, content_type="application/xml")
    assert again.status == 201 and again.body["version"] == first.body["version"]
    assert again.body["created"] is False
