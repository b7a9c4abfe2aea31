"""The write path: one transaction per use case, after-commit work, drafts closed with their task, one clock."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import attachments, cases, drafts, processes, queries, schema, task_form, timers
from engine.clock import FixedClock
from engine.context import Samverkan, User
from engine.runtime import Runtime
from engine.step import Step
from samverkan_cli.sample import sample_data
from tests.http import ApiClient
from tests.samverkansstod import USERS, Driver

ROOT = Path(__file__).resolve().parent.parent
BPMN = Path(__file__).parent / "bpmn"
KIM = USERS["kontaktperson"]
OWNER = User("ägare", frozenset({"processagare"}))
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _drafts(engine: Samverkan) -> list[Any]:
    with engine.db.connect() as conn:
        return list(conn.execute(select(schema.drafts)).all())


def test_a_draft_goes_when_its_task_is_completed_through_the_api(api: ApiClient, drive: Driver) -> None:
    kim = api.as_user("kim", "kontaktperson")
    case_id = drive.start()
    task = drive.task(case_id, "registrera_initiativ")
    drafts.save_draft(drive.engine, KIM, task["id"], {"ide": "halvfärdig"})
    assert len(_drafts(drive.engine)) == 1
    assert kim.get(f"/tasks/{task['id']}").body["state"] == "open"
    answer = kim.post(
        f"/tasks/{task['id']}/complete",
        {"data": sample_data("registrera_initiativ", drive.engine.forms.schema("registrera_initiativ"))},
    )
    assert answer.status == 200
    assert _drafts(drive.engine) == []


def test_a_draft_goes_when_a_timer_closes_its_task(engine: Samverkan, clock: FixedClock) -> None:
    processes.deploy(engine, OWNER, (BPMN / "deadlines.bpmn").read_bytes())
    case_id = cases.start_case(engine, KIM, "frister", "Torget", data={"delare": 1})
    [task] = queries.get_case(engine, case_id)["open_tasks"]
    drafts.save_draft(engine, KIM, task["id"], {"anteckning": "påbörjad"})
    timers.sweep(engine, clock.now() + timedelta(days=11))  # the interrupting deadline closes the task
    assert queries.get_case(engine, case_id)["status"] == "completed"
    assert _drafts(engine) == []


def test_a_refused_completion_keeps_the_draft_and_changes_nothing(drive: Driver) -> None:
    case_id = drive.start()
    task = drive.task(case_id, "registrera_initiativ")
    drafts.save_draft(drive.engine, KIM, task["id"], {"ide": "halvfärdig"})
    with pytest.raises(Exception, match="kompletta"):
        cases.complete_task(drive.engine, KIM, task["id"], {"ide": 5})
    assert len(_drafts(drive.engine)) == 1
    assert drive.case(case_id)["active_elements"] == ["registrera_initiativ"]


def test_after_commit_callbacks_run_only_after_a_commit(engine: Samverkan) -> None:
    ran: list[str] = []
    with engine.write() as conn:
        engine.after_commit(conn, lambda: ran.append("committed"))
        assert ran == []
    assert ran == ["committed"]
    with pytest.raises(RuntimeError), engine.write() as conn:
        engine.after_commit(conn, lambda: ran.append("rolled back"))
        raise RuntimeError("stop")
    assert ran == ["committed"]


def test_the_workflow_cache_holds_only_committed_steps(drive: Driver) -> None:
    """A step whose transaction rolls back must not leave its workflow in the cache."""
    engine = drive.engine
    case_id = drive.start()
    lock = _lock(engine, case_id)
    cached = engine.workflows.take(case_id, lock)
    if cached is not None:  # SQLite runs keep a cache; PostgreSQL runs go without (see conftest)
        engine.workflows.put(case_id, lock, cached)
    task = drive.task(case_id, "registrera_initiativ")
    data = sample_data("registrera_initiativ", engine.forms.schema("registrera_initiativ"))
    with pytest.raises(RuntimeError), engine.write() as conn:
        _, step = Step.for_task(engine, conn, task["id"], engine.now())
        step.complete(task["id"], data, "kim")
        step.save("kim")
        raise RuntimeError("the transaction fails after the save")
    assert engine.workflows.take(case_id, lock + 1) is None
    assert _lock(engine, case_id) == lock
    assert drive.case(case_id)["active_elements"] == ["registrera_initiativ"]
    drive.complete(case_id, "registrera_initiativ")  # and the case goes on from what was committed


def _lock(engine: Samverkan, case_id: int) -> int:
    with engine.db.connect() as conn:
        return int(conn.execute(select(schema.cases.c.lock_version).where(schema.cases.c.id == case_id)).scalar_one())


def test_a_page_press_is_one_transaction_with_its_uploads(drive: Driver, tmp_path: Path) -> None:
    """Completing with a new file: the attachment row and the completion commit together."""
    case_id = drive.start()
    drive.walk(case_id, "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan")
    drive.complete(case_id, "bedomning", rekommendation="komplettering")
    drive.complete(case_id, "begar_komplettering")
    task = drive.task(case_id, "registrera_komplettering")
    store = attachments.Store(tmp_path / "bilagor")
    upload = task_form.Upload("budget.pdf", io.BytesIO(PDF))
    values = {"komplettering_inkommen": "2027-03-10", "innehall": "Budget", "bilagor": [{"fil": upload}]}
    done = task_form.submit(drive.engine, store, KIM, task["id"], "complete", values, values)
    assert done.outcome == "form" and done.errors  # a required field is missing: shown again
    with drive.engine.db.connect() as conn:
        kept = conn.execute(select(schema.attachments.c.id)).scalars().all()
    assert len(kept) == 1  # the upload is kept for the next press
    [stored] = [p.name for p in store.directory.iterdir()]
    assert stored == kept[0]
    assert done.page is not None and done.page.values["bilagor"][0]["fil"]["id"] == stored


def test_the_engine_never_imports_flask() -> None:
    modules = sorted(p.stem for p in (ROOT / "engine").glob("*.py") if p.stem != "__init__")
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('engine.' + name)\n"
        "bad = sorted(m for m in sys.modules if m == 'flask' or m.startswith(('flask.', 'werkzeug')))\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_a_broken_workflow_lookup_is_an_error_not_a_closed_task() -> None:
    """Only an unknown id means "no such task"; any other failure must surface, not become a 409."""

    class Broken:
        def get_task_from_id(self, task_id: Any) -> Any:
            raise RuntimeError("the workflow is broken")

    assert Runtime.find(Broken(), "not-an-id") is None  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="broken"):
        Runtime.find(Broken(), "2b8e6c3e-8f7a-4c2e-9b1a-0d9e1f2a3b4c")  # type: ignore[arg-type]


def test_start_data_is_checked_against_the_start_form(api: ApiClient, drive: Driver) -> None:
    kim = api.as_user("kim", "kontaktperson")
    with drive.engine.db.connect() as conn:
        before = conn.execute(select(func.count()).select_from(schema.cases)).scalar_one()
    for data, field in (({"omrade": "<b>Okänt</b>"}, "omrade"), ({"omrade": "sofielund", "aktorer": "A"}, "aktorer")):
        refused = kim.post("/cases", {"process_id": "samverkansstod", "title": "X", "data": data})
        assert refused.status == 422, refused.body
        assert [d["field"] for d in refused.body["error"]["details"]] == [field]
    with drive.engine.db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.cases)).scalar_one() == before
    started = kim.post("/cases", {"process_id": "samverkansstod", "title": "X", "data": {"omrade": "sofielund"}})
    assert started.status == 201 and started.body["area"] == "sofielund"
