"""A small two-lane process driven through the HTTP API only, as an outside client would."""

from __future__ import annotations

from pathlib import Path

from tests.http import ApiClient

BPMN = (Path(__file__).parent / "bpmn" / "two_lanes.bpmn").read_bytes()
PARALLEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="parallellt" name="Parallellt" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="l_kp" name="Kontaktperson">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>dela</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>ansok</bpmn:flowNodeRef><bpmn:flowNodeRef>mot</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>slut</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="l_ns" name="Nämndsekreterare"><bpmn:flowNodeRef>besluta</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="dela" />
    <bpmn:userTask id="ansok" name="Ansök" />
    <bpmn:userTask id="besluta" name="Besluta" />
    <bpmn:parallelGateway id="mot" />
    <bpmn:endEvent id="slut" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="dela" />
    <bpmn:sequenceFlow id="f2" sourceRef="dela" targetRef="ansok" />
    <bpmn:sequenceFlow id="f3" sourceRef="dela" targetRef="besluta" />
    <bpmn:sequenceFlow id="f4" sourceRef="ansok" targetRef="mot" />
    <bpmn:sequenceFlow id="f5" sourceRef="besluta" targetRef="mot" />
    <bpmn:sequenceFlow id="f6" sourceRef="mot" targetRef="slut" />
  </bpmn:process>
</bpmn:definitions>""".encode()


def test_whole_case_through_the_api(api: ApiClient) -> None:
    owner = api.as_user("ägare", "processagare")
    kp = api.as_user("kim", "kontaktperson")
    ns = api.as_user("nils", "namndsekreterare")

    assert api.get("/health").body["status"] == "ok"  # and more fields (database, worker)
    assert api.get("/cases").status == 401

    deployed = owner.post("/processes", raw=BPMN, content_type="application/xml")
    assert deployed.status == 201, deployed.body
    assert deployed.body["process_id"] == "handlaggning" and deployed.body["version"] == 1
    again = owner.post("/processes", raw=BPMN, content_type="application/xml")
    assert (again.status, again.body["version"], again.body["created"]) == (201, 1, False)
    assert len(owner.get("/processes").body) == 1
    assert kp.post("/processes", raw=BPMN, content_type="application/xml").status == 403

    started = kp.post("/cases", {"process_id": "handlaggning", "start_event": "start_a", "title": "Torget"})
    assert started.status == 201, started.body
    case = started.body
    assert case["status"] == "active" and case["active_elements"] == ["ansok"]
    assert case["phase"] == "Ansökan och bedömning"

    [task] = kp.get("/tasks").body
    assert task["element_id"] == "ansok" and task["role"] == "kontaktperson"
    assert ns.get("/tasks").body == []
    assert ns.post(f"/tasks/{task['id']}/claim").status == 403
    assert kp.post(f"/tasks/{task['id']}/claim").status == 200
    other_kp = api.as_user("karin", "kontaktperson")
    assert other_kp.post(f"/tasks/{task['id']}/claim").status == 409
    assert kp.get("/tasks?mine=true").body[0]["assignee"] == "kim"

    detail = kp.get(f"/tasks/{task['id']}").body
    assert detail["form"]["properties"]["belopp"]["type"] == "integer"

    bad = kp.post(f"/tasks/{task['id']}/complete", {"data": {"belopp": "mycket"}})
    assert bad.status == 422
    fields = {d["field"] for d in bad.body["error"]["details"]}
    assert fields == {"belopp", "beskrivning"}
    assert ns.post(f"/tasks/{task['id']}/complete", {"data": {"belopp": 1}}).status == 403

    done = kp.post(f"/tasks/{task['id']}/complete", {"data": {"belopp": 50000, "beskrivning": "Nya bänkar"}})
    assert done.status == 200, done.body
    assert done.body["active_elements"] == ["besluta"] and done.body["phase"] == "Beslut"
    stale = kp.post(f"/tasks/{task['id']}/complete", {"data": {"belopp": 50000, "beskrivning": "igen"}})
    assert stale.status == 409

    [decision] = ns.get("/tasks").body
    ended = ns.post(f"/tasks/{decision['id']}/complete", {"data": {"beslut": "ja"}})
    assert ended.body["status"] == "completed" and ended.body["end_event"] == "slut_beslut"
    assert ended.body["active_elements"] == [] and ended.body["data"]["beslut"] == "ja"

    history = kp.get(f"/cases/{case['id']}/history").body
    assert [(h["action"], h["element_id"]) for h in history] == [
        ("started", "start_a"),
        ("claimed", "ansok"),
        ("completed", "ansok"),
        ("completed", "besluta"),
        ("ended", "slut_beslut"),
    ]
    assert [h["actor"] for h in history[:4]] == ["kim", "kim", "kim", "nils"]


def test_start_event_chosen_is_the_one_that_runs(api: ApiClient) -> None:
    owner = api.as_user("ägare", "processagare")
    kp = api.as_user("kim", "kontaktperson")
    owner.post("/processes", raw=BPMN, content_type="application/xml")
    case = kp.post("/cases", {"process_id": "handlaggning", "start_event": "start_b", "title": "B"}).body
    assert case["data"]["kalla"] == "stad"
    history = kp.get(f"/cases/{case['id']}/history").body
    assert history[0]["element_id"] == "start_b"
    unknown = kp.post("/cases", {"process_id": "handlaggning", "start_event": "nope", "title": "X"})
    assert unknown.status == 422
    assert kp.post("/cases", {"process_id": "okand", "title": "X"}).status == 422
    # Without start_event the first start event in document order is used (the contract).
    first = kp.post("/cases", {"process_id": "handlaggning", "title": "X"})
    assert first.status == 201
    assert kp.get(f"/cases/{first.body['id']}/history").body[0]["element_id"] == "start_a"


def test_bad_requests_are_json_4xx(api: ApiClient) -> None:
    kp = api.as_user("kim", "kontaktperson")
    for resp in (
        kp.post("/cases", raw=b"{not json", content_type="application/json"),
        kp.post("/cases", raw=b"[1,2]", content_type="application/json"),
        kp.post("/tasks/x/complete", raw=b"null", content_type="application/json"),
        kp.get("/cases/999"),
        kp.get("/tasks/nope"),
        kp.get("/processes/nope/bpmn"),
        kp.post("/cases", {"process_id": "handlaggning", "title": 5}),
    ):
        assert 400 <= resp.status < 500, resp.raw
        assert set(resp.body["error"]) == {"code", "message", "details"}


def test_openapi_document_lists_the_contract(api: ApiClient) -> None:
    doc = api.get("/openapi.json").body
    for path in ("/cases", "/tasks/{task_id}/complete", "/processes", "/overview"):
        assert path in doc["paths"]


def test_each_completion_answers_the_case_as_stored(api: ApiClient) -> None:
    """The answer is built from the step, not read back: it must still be exactly the stored case."""
    owner = api.as_user("ägare", "processagare")
    kp = api.as_user("kim", "kontaktperson")
    ns = api.as_user("nils", "namndsekreterare")
    assert owner.post("/processes", raw=PARALLEL, content_type="application/xml").status == 201
    case = kp.post("/cases", {"process_id": "parallellt", "title": "Parallellt"}).body
    tasks = {t["element_id"]: t for t in case["open_tasks"]}
    assert set(tasks) == {"ansok", "besluta"}
    assert ns.post(f"/tasks/{tasks['besluta']['id']}/claim").status == 200

    done = kp.post(f"/tasks/{tasks['ansok']['id']}/complete", {"data": {"belopp": 5, "beskrivning": "x"}})
    assert done.status == 200, done.body
    assert done.body == kp.get(f"/cases/{case['id']}").body
    [waiting] = done.body["open_tasks"]
    assert (waiting["element_id"], waiting["assignee"]) == ("besluta", "nils")

    ended = ns.post(f"/tasks/{tasks['besluta']['id']}/complete", {"data": {"beslut": "ja"}})
    assert ended.body == ns.get(f"/cases/{case['id']}").body
    assert ended.body["status"] == "completed" and ended.body["open_tasks"] == []
