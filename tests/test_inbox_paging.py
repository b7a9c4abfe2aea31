"""The inbox in pages: 50 tasks a page in today's order, counts of every task, and the API's limit/offset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine import accounts, reference, schema, worklist
from engine.context import Samverkan, User
from tests.http import ApiClient

KIM = User("kim", frozenset({"kontaktperson"}))
AT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _open_tasks(engine: Samverkan, n: int) -> None:
    """``n`` cases with one open task each: areas, phases, deadlines (some none, some past) and claims mixed."""
    reference.load_example_areas(engine)
    areas = [a["id"] for a in reference.list_areas(engine)][:3] + [None]
    case = {"process_id": "samverkansstod", "process_version": 1, "status": "active", "start_event": "s"}
    case.update(created_by="kim", lock_version=1, state={}, data={}, active_elements=["bedomning"])
    cases, tasks = [], []
    for i in range(n):
        created = AT - timedelta(hours=i)
        title = ("Ärende", "ärende", "Åtgärd", "övrigt")[i % 4] + f" {i:03}"
        cases.append({**case, "id": 100 + i, "title": title, "area": areas[i % 4], "created_at": created})
        cases[-1]["updated_at"] = created
        tasks.append(
            {
                "id": f"t-{i:03}",
                "case_id": 100 + i,
                "element_id": "bedomning",
                "name": ("Bedömning", "beslut", "Återkoppling")[i % 3],
                "role": "kontaktperson" if i % 7 else "chef",
                "phase": ("Initiering", "Beslut")[i % 2],
                "assignee": ("kim", None, "bo", None, None)[i % 5],
                "due_at": None if i % 6 == 0 else AT + timedelta(days=(i * 37) % 50 - 20),
                "created_at": created,
                "state": "open",
                "area": areas[i % 4],  # as the step writes it: the case's area
            }
        )
    with engine.db.begin() as conn:
        conn.execute(schema.cases.insert(), cases)
        conn.execute(schema.tasks.insert(), tasks)


@pytest.mark.parametrize("sort", worklist.SORTS)
def test_pages_are_the_whole_inbox_in_order(engine: Samverkan, sort: str) -> None:
    _open_tasks(engine, 130)
    for chosen in (worklist.InboxFilter(), worklist.InboxFilter(phase="Beslut", who="unclaimed", overdue=True)):
        whole = worklist.narrow(worklist.inbox(engine, KIM, sort), chosen)
        offsets = range(0, len(whole.items), 50)
        pages = [worklist.inbox_page(engine, KIM, chosen, sort, offset, 50) for offset in offsets]
        assert [i["id"] for p in pages for i in p.items] == [i["id"] for i in whole.items]
        assert worklist.inbox_page(engine, KIM, chosen, sort, 10_000, 50) == pages[-1]  # past the end: the last page
        for page in pages:
            assert (page.total, page.matching, page.counts) == (whole.total, len(whole.items), whole.counts)


def _logged_in(engine: Samverkan, tmp_path: Path) -> FlaskClient:
    from web import create_app

    app = create_app({"TESTING": True, "ATTACHMENTS_DIR": str(tmp_path)}, engine=engine)
    accounts.add_user(engine, "kim", ["kontaktperson"], "lösenord-123")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    client.post("/login", data={"username": "kim", "password": "lösenord-123", "csrf_token": token.group(1)})
    return client


def _rows(page: str) -> list[str]:
    return re.findall(r'<td><a href="/tasks/([^"]+)">', page)


def test_the_page_shows_50_and_visa_fler_leads_on_with_the_filters(engine: Samverkan, tmp_path: Path) -> None:
    _open_tasks(engine, 120)
    client = _logged_in(engine, tmp_path)
    whole = [i["id"] for i in worklist.inbox(engine, KIM)]
    first = client.get("/").get_data(as_text=True)
    assert _rows(first) == whole[:50]
    assert f"{len(whole)} öppna uppgifter" in first and "Visar 1–50" in first and "Sida 1 av 3" in first
    more = re.search(r'<a href="([^"]+)" rel="next">Visa fler', first)
    assert more is not None and more.group(1) == "/?page=2"
    second = client.get(more.group(1)).get_data(as_text=True)
    assert _rows(second) == whole[50:100]
    assert re.search(r"Alla \((\d+)\)", second).group(1) == str(len(whole))  # type: ignore[union-attr]

    filtered = client.get("/?phase=Beslut&sort=case").get_data(as_text=True)
    chosen = worklist.InboxFilter(phase="Beslut")
    expected = worklist.narrow(worklist.inbox(engine, KIM, "case"), chosen)
    assert _rows(filtered) == [i["id"] for i in expected.items][:50]
    link = re.search(r'<a href="([^"]+)" rel="next">', filtered)
    assert link is not None and link.group(1).replace("&amp;", "&") == "/?phase=Beslut&sort=case&page=2"
    rest = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert _rows(rest) == [i["id"] for i in expected.items][50:100]
    assert f"Initiering ({expected.counts['phase']['Initiering']})" in rest

    for bad in ("0", "-1", "x", "²", "99999999"):
        assert _rows(client.get(f"/?page={bad}").get_data(as_text=True)) in (whole[:50], whole[100:])


def test_the_api_pages_with_limit_and_offset(api: ApiClient, engine: Samverkan) -> None:
    _open_tasks(engine, 120)
    kim = api.as_user("kim", "kontaktperson")
    everything = kim.get("/tasks")
    assert everything.status == 200 and len(everything.body) == sum(1 for i in range(120) if i % 7)
    ids = [t["id"] for t in everything.body]
    assert [t["id"] for t in kim.get("/tasks?limit=50").body] == ids[:50]
    assert [t["id"] for t in kim.get("/tasks?limit=50&offset=50").body] == ids[50:100]
    assert [t["id"] for t in kim.get("/tasks?offset=100").body] == ids[100:]
    assert kim.get("/tasks?limit=5&offset=1000").body == []
    unclaimed = [t["id"] for t in kim.get("/tasks?unclaimed=true").body]
    assert [t["id"] for t in kim.get("/tasks?unclaimed=true&limit=10&offset=10").body] == unclaimed[10:20]
    # The area filter: the tasks of cases in that area, in the same order as without it.
    with engine.db.connect() as conn:
        in_area = dict(conn.execute(select(schema.cases.c.id, schema.cases.c.area)).all())
    for area in {a for a in in_area.values() if a}:
        expected = [t["id"] for t in everything.body if in_area[t["case_id"]] == area]
        assert [t["id"] for t in kim.get(f"/tasks?area={area}").body] == expected and expected
    for bad in ("limit=0", "limit=-1", "limit=x", "limit=", "offset=-5", "offset=1.5", "limit=100000"):
        answer = kim.get(f"/tasks?{bad}")
        assert answer.status == 422, bad
        assert answer.body["error"]["details"][0]["field"] == bad.split("=")[0]


BOTH = User("kim", frozenset({"kontaktperson", "chef"}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_page_of_the_due_order_is_that_slice_of_the_whole_inbox(engine: Samverkan, data: st.DataObject) -> None:
    # The default order is read in parts (mine, with a deadline, without one): every page size
    # and offset, every filter, one role or two, gives the slice the whole sorted inbox has there.
    with engine.db.connect() as conn:
        if not conn.execute(select(func.count()).select_from(schema.tasks)).scalar_one():
            _open_tasks(engine, 130)
    areas = [a["id"] for a in reference.list_areas(engine)][:3]
    user = data.draw(st.sampled_from([KIM, BOTH]))
    chosen = worklist.InboxFilter(
        area=data.draw(st.sampled_from(["", *areas])),
        phase=data.draw(st.sampled_from(["", "Beslut", "Initiering"])),
        overdue=data.draw(st.booleans()),
        who=data.draw(st.sampled_from(["", "mine", "unclaimed"])),
    )
    whole = [i["id"] for i in worklist.narrow(worklist.inbox(engine, user, "due"), chosen).items]
    limit = data.draw(st.integers(1, 60))
    offset = data.draw(st.integers(0, max(0, len(whole) - 1)))
    page = worklist.inbox_page(engine, user, chosen, "due", offset, limit)
    start = min(offset, (len(whole) - 1) // limit * limit) if whole else 0  # past the end: the last page
    assert (page.offset, [i["id"] for i in page.items]) == (start, whole[start : start + limit])
