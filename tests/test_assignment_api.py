"""Managers hand work to named people over the API: assign a task, move an absent person's tasks, handläggare."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from engine import schema
from engine.context import Samverkan
from tests.http import ApiClient
from tests.samverkansstod import TO_DECISION, Driver


def _people(api: ApiClient) -> dict[str, ApiClient]:
    return {
        "chef": api.as_user("cecilia", "chef"),
        "admin": api.as_user("ada", "admin"),
        "kim": api.as_user("kim", "kontaktperson"),
        "kajsa": api.as_user("kajsa", "kontaktperson"),
        "nils": api.as_user("nils", "namndsekreterare"),
        "vera": api.as_user("vera", "kontaktperson", "namndsekreterare"),
    }


def _history_count(engine: Samverkan, action: str) -> int:
    h = schema.history
    with engine.db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(h).where(h.c.action == action)).scalar_one())


def _start(client: ApiClient, title: str, **extra: Any) -> dict[str, Any]:
    answer = client.post("/cases", {"process_id": "samverkansstod", "title": title, **extra})
    assert answer.status == 201, answer.body
    return dict(answer.body)


def test_a_chef_assigns_a_task_to_a_person_with_its_role(api: ApiClient, drive: Driver, engine: Samverkan) -> None:
    people = _people(api)
    case = _start(people["kim"], "Sommargata")
    [task] = case["open_tasks"]
    path = f"/tasks/{task['id']}/assign"

    assert people["kim"].post(path, {"username": "kajsa"}).status == 403
    refused = people["chef"].post(path, {"username": "nils"})
    assert refused.status == 422 and refused.body["error"]["details"][0]["field"] == "username"
    assert people["chef"].post(path, {"username": "ingen-sadan"}).status == 422
    assert people["chef"].post(path, {"username": 5}).status == 422
    assert people["chef"].post(path, {}).status == 422
    assert people["chef"].post("/tasks/finns-inte/assign", {"username": "kajsa"}).status == 404
    assert _history_count(engine, "assigned") == 0
    assert people["kim"].get(f"/tasks/{task['id']}").body["assignee"] is None

    given = people["chef"].post(path, {"username": "kajsa"})
    assert given.status == 200 and given.body["assignee"] == "kajsa"
    again = people["admin"].post(path, {"username": "vera"})
    assert again.status == 200 and again.body["assignee"] == "vera"
    rows = [r for r in people["kim"].get(f"/cases/{case['id']}/history").body if r["action"] == "assigned"]
    assert [(r["actor"], r["details"]["from"], r["details"]["to"]) for r in rows] == [
        ("cecilia", None, "kajsa"),
        ("ada", "kajsa", "vera"),
    ]
    # Assigned means claimed: only vera may complete it now.
    assert people["kim"].post(f"/tasks/{task['id']}/claim").status == 409


def test_assigning_a_closed_task_is_a_conflict(api: ApiClient, drive: Driver, engine: Samverkan) -> None:
    people = _people(api)
    case_id = drive.start()
    task = drive.task(case_id, "registrera_initiativ")
    drive.complete(case_id, "registrera_initiativ")
    answer = people["chef"].post(f"/tasks/{task['id']}/assign", {"username": "kajsa"})
    assert answer.status == 409
    assert _history_count(engine, "assigned") == 0


def test_reassigning_an_absent_persons_tasks_previews_then_moves(
    api: ApiClient, drive: Driver, engine: Samverkan
) -> None:
    people = _people(api)
    decided = drive.start(title="Till beslut")
    drive.walk(decided, *TO_DECISION)
    first, second = _start(people["kim"], "Torget"), _start(people["kim"], "Parken")
    tasks = [first["open_tasks"][0], second["open_tasks"][0], drive.task(decided, "namndbeslut")]
    for task in tasks:
        assert people["chef"].post(f"/tasks/{task['id']}/assign", {"username": "vera"}).status == 200
    before = _history_count(engine, "assigned")

    assert people["kim"].get("/reassignments?from=vera&to=kajsa").status == 403
    assert people["chef"].get("/reassignments?from=vera&to=vera").status == 422
    assert people["chef"].get("/reassignments?from=vera&to=okand").status == 422
    preview = people["chef"].get("/reassignments?from=vera&to=kajsa").body
    assert sorted(i["task_id"] for i in preview["movable"]) == sorted(t["id"] for t in tasks[:2])
    [blocked] = preview["blocked"]
    assert blocked["task_id"] == tasks[2]["id"] and "nämndsekreterare" in blocked["reason"]
    assert _history_count(engine, "assigned") == before  # a preview changes nothing

    done = people["chef"].post("/reassignments", {"from": "vera", "to": "kajsa"})
    assert done.status == 200
    assert sorted(i["task_id"] for i in done.body["moved"]) == sorted(t["id"] for t in tasks[:2])
    assert [b["task_id"] for b in done.body["blocked"]] == [tasks[2]["id"]]
    assignees = {t["id"]: people["admin"].get(f"/tasks/{t['id']}").body["assignee"] for t in tasks}
    assert assignees == {tasks[0]["id"]: "kajsa", tasks[1]["id"]: "kajsa", tasks[2]["id"]: "vera"}
    assert _history_count(engine, "assigned") == before + 2
    # Nothing left to move: a second run moves nothing and writes nothing.
    assert people["chef"].post("/reassignments", {"from": "vera", "to": "kajsa"}).body["moved"] == []
    assert _history_count(engine, "assigned") == before + 2


def test_the_handlaggare_is_set_at_registration_and_changed_by_a_chef(
    api: ApiClient, drive: Driver, engine: Samverkan
) -> None:
    people = _people(api)
    own = _start(people["kim"], "Eget")
    assert own["handlaggare"] == "kim"  # the kontaktperson who registers it, unless told otherwise
    named = _start(people["kim"], "Åt Kajsa", handlaggare="kajsa")
    assert named["handlaggare"] == "kajsa"
    refused = people["kim"].post("/cases", {"process_id": "samverkansstod", "title": "X", "handlaggare": "nils"})
    assert refused.status == 422 and refused.body["error"]["details"][0]["field"] == "handlaggare"
    assert people["kim"].post("/cases", {"process_id": "samverkansstod", "title": "X", "handlaggare": 3}).status == 400

    path = f"/cases/{own['id']}"
    assert people["kim"].request("PATCH", path, {"handlaggare": "kajsa"}).status == 403
    assert people["chef"].request("PATCH", path, {"handlaggare": "nils"}).status == 422
    assert people["chef"].request("PATCH", path, {"handlaggare": "okand"}).status == 422
    assert people["chef"].request("PATCH", path, {"title": "Nytt"}).status == 400
    assert people["chef"].request("PATCH", "/cases/999999", {"handlaggare": "kajsa"}).status == 404
    assert people["kim"].get(path).body["handlaggare"] == "kim"

    changed = people["chef"].request("PATCH", path, {"handlaggare": "kajsa"})
    assert changed.status == 200 and changed.body["handlaggare"] == "kajsa"
    assert people["admin"].request("PATCH", path, {"handlaggare": "kajsa"}).status == 200  # same: no new row
    rows = [r for r in people["kim"].get(f"{path}/history").body if r["action"] == "handlaggare"]
    assert [(r["actor"], r["details"]) for r in rows] == [("cecilia", {"from": "kim", "to": "kajsa"})]
