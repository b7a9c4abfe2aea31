"""`samverkan demo`: the twelve collaborations of the brief, replayed over three years up to a given day.

One demo per database is built for the module and read by most tests; the reset test builds
its own twice. The replay itself checks that each case ends where its content says.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select, text

from engine import accounts, cases, demo_data, notifications, processes, queries, schema
from engine.attachments import Store
from engine.clock import STOCKHOLM, FixedClock
from engine.context import SYSTEM, Samverkan, User
from engine.db import make_engine
from engine.durations import is_working_day
from engine.forms import FORMS_DIR
from samverkan_cli.demo import run_demo
from samverkan_cli.demo_cases import CASES
from samverkan_cli.demo_plan import Ago, DemoCase, DemoError, Do, resolve
from samverkan_cli.demo_replay import timeline
from samverkan_cli.main import init
from samverkan_cli.sample import sample_data
from tests.browserless import Visitor
from tests.conftest import PG_ADMIN_URL, PG_AVAILABLE
from tests.samverkansstod import MODEL

NOW = datetime(2027, 3, 10, 14, 0, tzinfo=STOCKHOLM)
TITLES = {
    "BID Sofielund",
    "På Limhamn",
    "NGBG – Norra Grängesbergsgatan",
    "Amiralsstaden",
    "Nydalatorget",
    "Västra Hamnen",
    "Sege Park",
    "Malmö Citysamverkan",
    "Sommargatorna",
    "Östervärn/Kirseberg",
    "Vi på Backarna",
    "Rosengård samverkan och mobilisering",
}
# Dates that record something that already happened when the form was filled in.
PAST_DATES = (
    "mote_datum",
    "involvering_datum",
    "skickad_datum",
    "komplettering_inkommen",
    "avslag_skickat",
    "beslut_skickat",
    "sammantradesdatum",
)


@dataclass
class Built:
    engine: Samverkan
    cases: dict[str, dict[str, Any]]  # by title without the demo suffix
    history: dict[str, list[dict[str, Any]]]
    output: str
    bystander: int  # a real case made before the demo, which the demo must not touch
    bystander_history: list[dict[str, Any]]


def _url(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'demo.sqlite3'}"
        return
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL svarar inte på 127.0.0.1:5432")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _build(engine: Samverkan, store: Store, now: datetime = NOW, reset: bool = False) -> str:
    out = io.StringIO()
    run_demo(engine, store=store, now=now, reset=reset, out=out, progress=io.StringIO())
    return out.getvalue()


def _bystander(engine: Samverkan) -> int:
    """A real case registered a month before the demo day, whose first-meeting reminder is overdue."""
    clocked = Samverkan(db=engine.db, clock=FixedClock(NOW - timedelta(days=30)), forms=engine.forms)
    kim = User("kim", frozenset({"kontaktperson"}))
    case_id = cases.start_case(clocked, kim, "samverkansstod", "Riktigt ärende", data={"omrade": "lindangen"})
    [task] = queries.get_case(clocked, case_id)["open_tasks"]
    data = sample_data("registrera_initiativ", engine.forms.schema("registrera_initiativ"), omrade="lindangen")
    cases.complete_task(clocked, kim, task["id"], data)
    return case_id


def _by_title(engine: Samverkan) -> dict[str, dict[str, Any]]:
    return {c["title"].removesuffix(" (demo)"): c for c in queries.list_cases(engine)["items"] if c["is_demo"]}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    tmp = tmp_path_factory.mktemp("demo")
    for url in _url(request.param, tmp):
        engine = Samverkan(db=make_engine(url))
        init(engine)
        bystander = _bystander(engine)
        before = queries.case_history(engine, bystander)
        output = _build(engine, Store(tmp / "bilagor"))
        found = _by_title(engine)
        history = {title: queries.case_history(engine, c["id"]) for title, c in found.items()}
        yield Built(engine, found, history, output, bystander, before)
        engine.db.dispose()


def _completed(built: Built, element: str) -> list[tuple[str, dict[str, Any], date]]:
    """(title, data, Stockholm day) of every completion of ``element`` in the demo."""
    return [
        (title, h["details"]["data"], _day(h["at"]))
        for title, rows in built.history.items()
        for h in rows
        if h["action"] == "completed" and h["element_id"] == element
    ]


def _day(instant: str) -> date:
    return datetime.fromisoformat(instant).astimezone(STOCKHOLM).date()


# --------------------------------------------------------------------------- what is there


def test_the_twelve_collaborations_are_there_marked_as_demo(built: Built) -> None:
    assert set(built.cases) == TITLES
    assert all(c["is_demo"] and c["title"].endswith(" (demo)") for c in built.cases.values())
    for role in ("kontaktperson", "namndsekreterare", "chef", "processagare", "admin"):
        user = accounts.get_user(built.engine, role)
        assert user is not None and user.roles == frozenset({role})
    assert accounts.authenticate(built.engine, "chef", "demo") is not None
    assert "12 demoärenden skapade" in built.output and "2027-03-10" in built.output


def test_demo_cases_have_a_handlaggare_and_demo_areas_a_coordinator(built: Built) -> None:
    from engine import area_coordination
    from samverkan_cli.demo_areas import AREAS, add_demo_coordination

    assert {c["handlaggare"] for c in built.cases.values()} == {"kontaktperson"}
    for area_id, (coordinator, efforts) in AREAS.items():
        found = area_coordination.coordination(built.engine, area_id)
        assert found["coordinator"] == coordinator
        assert [e["programme"] for e in found["efforts"]] == [e["programme"] for e in efforts]
    assert add_demo_coordination(built.engine) == 0  # a second run leaves them as they are


def test_two_granted_collaborations_are_on_the_public_page_after_their_decision(built: Built) -> None:
    from engine import publication

    shown = {case["title"]: case for case in publication.public_cases(built.engine)}
    assert set(shown) == {"Rosengård samverkan och mobilisering (demo)", "Malmö Citysamverkan (demo)"}
    for title, case in shown.items():
        rows = built.history[title.removesuffix(" (demo)")]
        published = [h for h in rows if h["action"] == "published"]
        decided = [h for h in rows if h["action"] == "completed" and h["element_id"] == "namndbeslut"]
        assert len(published) == 1 and decided and decided[-1]["at"] < published[0]["at"]
        assert case["granted_sek"] and case["diarienummer"]


def test_the_cases_stand_at_every_point_of_the_flow(built: Built) -> None:
    ends = Counter(c["end_event"] for c in built.cases.values() if c["status"] == "completed")
    assert ends == {"slut_avslutat": 1, "slut_avslag": 1, "slut_avstyrkt": 1, "slut_utan_beslut": 1}
    phases = {c["phase"] for c in built.cases.values() if c["status"] == "active"}
    assert phases == {"Initiering", "Ansökan och bedömning", "Beslut", "Samarbete", "Genomförande och uppföljning"}
    approved = sorted(c["data"].get("godkanda_uppfoljningar") or 0 for c in built.cases.values())
    assert 1 in approved and 2 in approved
    assert {d["beslut"] for _, d, _ in _completed(built, "namndbeslut")} == {"beviljat", "delvis_beviljat", "avslag"}
    [(partial, decision, _)] = [x for x in _completed(built, "namndbeslut") if x[1]["beslut"] == "delvis_beviljat"]
    [(_, application, _)] = [x for x in _completed(built, "registrera_ansokan") if x[0] == partial]
    assert decision["beviljat_belopp_sek"] < application["sokt_stod"]["belopp_sek"]


def test_one_case_ended_without_decision_when_its_complement_never_came(built: Built) -> None:
    [title] = [t for t, c in built.cases.items() if c["end_event"] == "slut_utan_beslut"]
    steps = [(h["action"], h["element_id"]) for h in built.history[title]]
    asked = steps.index(("completed", "begar_komplettering"))
    assert steps[asked:] == [
        ("completed", "begar_komplettering"),
        ("timer", "paminnelse_komplettering"),
        ("reminder", "registrera_komplettering"),
        ("timer", "tidsgrans_komplettering"),
        ("cancelled", "registrera_komplettering"),
        ("ended", "slut_utan_beslut"),
    ]
    times = [_day(h["at"]) for h in built.history[title][asked:]]
    # Closed by the 60-day deadline on its day, or the next working day when that is a holiday.
    assert timedelta(days=60) <= times[-1] - times[0] <= timedelta(days=64) and is_working_day(times[-1])


def test_one_collaboration_is_finished_with_a_final_report(built: Built) -> None:
    [title] = [t for t, c in built.cases.items() if c["end_event"] == "slut_avslutat"]
    [(_, final, _)] = [x for x in _completed(built, "slutrapport_effektmatning") if x[0] == title]
    assert final["effekter"] and final["samlad_bedomning"] and final["slutrekommendation"] in {"ny_ansokan", "avsluta"}
    [(_, report, _)] = [x for x in _completed(built, "uppfoljningsrapport") if x[0] == title]
    assert "över 200" in report["uppnatt"]  # seed 004: the fault-report rounds
    assert sum(a["antal_deltagare"] for a in report["dialogaktiviteter"]) > 1000
    assert len(report["bilagor"]) == 2 and built.cases[title]["open_tasks"] == []


def test_vi_pa_backarna_is_late_and_escalated_with_its_deadline(built: Built) -> None:
    case = built.cases["Vi på Backarna"]
    open_tasks = {t["element_id"]: t for t in case["open_tasks"]}
    assert set(open_tasks) == {"uppfoljningsrapport", "paminn_forsenad_rapport"}
    report, escalation = open_tasks["uppfoljningsrapport"], open_tasks["paminn_forsenad_rapport"]
    assert escalation["role"] == "chef"
    [(_, handled, _)] = _completed(built, "paminn_forsenad_rapport")
    assert handled["atgard"] == "ny_tidsfrist"
    assert report["due_at"] is not None and _day(report["due_at"]) == date.fromisoformat(handled["ny_tidsfrist"])
    assert _day(report["due_at"]) < NOW.date() - timedelta(days=60)
    steps = [(h["action"], h["element_id"]) for h in built.history["Vi på Backarna"]]
    assert steps.count(("escalated", "uppfoljningsrapport")) == 2  # late, then late again on the new deadline
    assert steps.count(("reminder", "uppfoljningsrapport")) == 2
    assert queries.overview(built.engine)["overdue"] >= 1


# --------------------------------------------------------------------------- dates


def test_every_date_is_in_the_past_and_in_order(built: Built) -> None:
    starts = []
    for title, rows in built.history.items():
        times = [datetime.fromisoformat(h["at"]) for h in rows]
        created = datetime.fromisoformat(built.cases[title]["created_at"])
        starts.append(created)
        assert times == sorted(times) and created <= times[0], title
        assert times[-1] < NOW, title
        for h in rows:
            if h["action"] != "completed":
                continue
            day = _day(h["at"])
            for name in PAST_DATES:
                if name in h["details"]["data"]:
                    assert date.fromisoformat(h["details"]["data"][name]) <= day, (title, name)
            for activity in h["details"]["data"].get("dialogaktiviteter", []):
                assert date.fromisoformat(activity["datum"]) <= day, (title, activity)
    assert NOW - timedelta(days=3 * 365 + 120) < min(starts)  # the last three years
    assert len({s.year for s in starts}) >= 3


def test_decisions_come_before_the_collaboration_and_its_reports(built: Built) -> None:
    for title, decision, decided in _completed(built, "namndbeslut"):
        assert date.fromisoformat(decision["sammantradesdatum"]) <= decided
        assert decision["diarienummer"] == f"TN-{decision['sammantradesdatum'][:4]}-{decision['diarienummer'][8:]}"
        later = [day for t, _, day in _completed(built, "uppfoljningsrapport") if t == title]
        assert all(decided < day for day in later)
        if later:
            assert date.fromisoformat(decision["period_start"]) < min(later)


def test_closed_cases_closed_before_today(built: Built) -> None:
    for title, case in built.cases.items():
        if case["status"] == "completed":
            ended = [h for h in built.history[title] if h["action"] == "ended"]
            assert len(ended) == 1 and datetime.fromisoformat(ended[0]["at"]) < NOW - timedelta(days=90)


# --------------------------------------------------------------------------- content


def test_every_form_is_filled_in_with_real_content(built: Built) -> None:
    everything = json.dumps([rows for rows in built.history.values()], ensure_ascii=False)
    assert "Exempeltext" not in everything
    for path in sorted(FORMS_DIR.glob("*.json")):
        form = json.loads(path.read_text())
        submissions = [data for _, data, _ in _completed(built, path.stem)]
        assert submissions, f"{path.stem} is never filled in"
        for name in form["properties"]:
            assert any(data.get(name) not in (None, "", []) for data in submissions), (path.stem, name)
    amounts = [
        value
        for rows in built.history.values()
        for h in rows
        if h["action"] == "completed"
        for key, value in _items(h["details"]["data"])
        if key.endswith("_sek") and value
    ]
    assert amounts and all(value >= 10_000 for value in amounts)


def _items(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _items(item)
    elif isinstance(value, list):
        for item in value:
            yield from _items(item)


def test_old_reminders_are_settled_and_the_open_ones_wait(built: Built) -> None:
    n = schema.notifications
    demo_ids = [c["id"] for c in built.cases.values()]
    with built.engine.db.connect() as conn:
        unsent = conn.execute(
            select(func.count()).select_from(n).where(n.c.case_id.in_(demo_ids), n.c.sent_at.is_(None))
        ).scalar_one()
    assert unsent == 0  # nothing from the replayed years waits in the mail outbox
    unread = {
        (x["case_title"].removesuffix(" (demo)"), x["task_element_id"], x["role"] or x["recipient"])
        for role in ("kontaktperson", "chef")
        for x in notifications.list_unread(built.engine, User(role, frozenset({role})))
    }
    assert ("Vi på Backarna", "uppfoljningsrapport", "chef") in unread  # the escalation the manager must act on
    for title, element, _ in unread:  # only what is still open is unread
        assert element in {t["element_id"] for t in built.cases[title]["open_tasks"]}, (title, element)


def test_the_demo_leaves_other_cases_alone(built: Built) -> None:
    assert queries.case_history(built.engine, built.bystander) == built.bystander_history
    with built.engine.db.connect() as conn:
        states = conn.execute(select(schema.timers.c.state).where(schema.timers.c.case_id == built.bystander)).scalars()
        assert list(states) == ["waiting"]  # overdue, but the worker's to fire, not the demo's


def test_running_it_again_changes_nothing(built: Built) -> None:
    def counts() -> tuple[int, int]:
        with built.engine.db.connect() as conn:
            return (
                conn.execute(select(func.count()).select_from(schema.cases)).scalar_one(),
                conn.execute(select(func.count()).select_from(schema.history)).scalar_one(),
            )

    before = counts()
    output = _build(built.engine, Store(Path("/nonexistent")))
    assert "Demoärendena finns redan (12 st); inget har ändrats" in output
    assert counts() == before


# --------------------------------------------------------------------------- reset


def _positions(engine: Samverkan) -> dict[str, tuple[Any, ...]]:
    """Where each demo case stands, its diarienummer and its open tasks' deadlines."""
    return {
        title: (
            c["status"],
            c["end_event"],
            sorted(c["active_elements"]),
            c["data"].get("diarienummer"),
            sorted((t["element_id"], t["due_at"]) for t in c["open_tasks"]),
        )
        for title, c in _by_title(engine).items()
    }


def _rows(engine: Samverkan) -> dict[str, int]:
    with engine.db.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (schema.cases, schema.history, schema.tasks, schema.timers, schema.drafts,
                          schema.notifications, schema.attachments)
        }  # fmt: skip


def test_reset_builds_the_same_demo_again_and_keeps_other_cases(
    engine: Samverkan, clock: FixedClock, live_server: str, tmp_path: Path
) -> None:
    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    store = Store(tmp_path / "bilagor")  # where the live server keeps attachments
    kept = _bystander(engine)
    before_demo = _rows(engine)
    now = clock.now()
    _build(engine, store, now)
    first, rows, files = _positions(engine), _rows(engine), sorted(p.name for p in store.directory.iterdir())
    assert len(first) == 12 and len(files) == 3
    assert all(rows[name] > before_demo[name] for name in ("drafts", "notifications", "attachments"))

    visitor = Visitor(live_server)
    visitor.log_in("kontaktperson", "demo")
    case_id = _by_title(engine)["Rosengård samverkan och mobilisering"]["id"]
    page = visitor.get(f"/cases/{case_id}")
    assert page.status == 200 and "Demodata." in page.text and "Örtagårdstorget" in page.text

    output = _build(engine, store, now, reset=True)
    assert "Demodata borttagen: 12 ärenden och 3 bilagor." in output
    assert _positions(engine) == first  # same diarienummer, same positions, same deadlines
    assert _rows(engine) == rows
    assert not set(files) & {p.name for p in store.directory.iterdir()}  # the old files are gone
    assert queries.get_case(engine, kept)["is_demo"] is False

    removed = demo_data.remove_demo_cases(engine, store)  # every row of every demo case, nothing else
    assert (removed.cases, removed.files) == (12, 3)
    assert _rows(engine) == before_demo and list(store.directory.iterdir()) == []
    assert queries.get_case(engine, kept)["title"] == "Riktigt ärende"


# --------------------------------------------------------------------------- any day


@pytest.mark.parametrize("today", ["2027-01-01T10:00", "2028-02-29T16:00"])
def test_the_demo_can_be_built_on_any_day(tmp_path: Path, today: str) -> None:
    """New Year's Day (holidays, year boundary) and a leap month's end (the farthest a month start lies)."""
    engine = Samverkan(db=make_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}"))
    init(engine)
    now = datetime.fromisoformat(today).replace(tzinfo=STOCKHOLM)
    _build(engine, Store(tmp_path / "bilagor"), now)  # the replay checks each case's position itself
    assert len(_by_title(engine)) == 12
    engine.db.dispose()


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2045, 12, 31)))
def test_the_plan_lies_in_the_last_three_years_in_order_whatever_the_day(today: date) -> None:
    actions = timeline(CASES, today)  # raises if a case's steps are out of order or not in the past
    days = [a.at.date() for a in actions]
    assert max(days) < today and min(days) > today - timedelta(days=3 * 365 + 130)
    for case in CASES:
        for step, day in zip(case.steps, case.days(today)[1:], strict=True):
            if not isinstance(step, Do):
                continue
            data = resolve(step.data, today, day, lambda f: {"id": "", "namn": f.filename, "storlek": 1})
            for name in PAST_DATES:
                if name in data:
                    assert date.fromisoformat(data[name]) <= day, (case.title, step.element, name)
            for activity in data.get("dialogaktiviteter", []):
                assert date.fromisoformat(activity["datum"]) <= day, (case.title, activity)


# --------------------------------------------------------------------------- the command


def test_a_demo_that_fails_leaves_no_half_demo(engine: Samverkan, clock: FixedClock, tmp_path: Path) -> None:
    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    broken = DemoCase(
        title="Trasig",
        area="sofielund",
        start_event="start_aktorsinitiativ",
        started=Ago(10),
        steps=(Do("bedomning", Ago(5), {}),),  # the case waits in registrera_initiativ, not here
        expected=frozenset({"bedomning"}),
    )
    with pytest.raises(DemoError, match="uppgiften bedomning är inte öppen"):
        run_demo(engine, store=Store(tmp_path), now=clock.now(), demo_cases=(broken,), out=io.StringIO())
    assert demo_data.count_demo_cases(engine) == 0


def test_the_command_builds_the_demo_and_then_says_it_is_there(tmp_path: Path) -> None:
    command = str(Path(sys.executable).parent / "samverkan")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([command, "demo", *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=600, check=False)  # fmt: skip

    first = run("--reset", "--now", "2027-03-10T14:00:00+01:00")
    assert first.returncode == 0, first.stderr
    assert "Demodata borttagen: 0 ärenden och 0 bilagor." in first.stdout
    assert "12 demoärenden skapade" in first.stdout and "lösenord ”demo”" in first.stdout
    assert len(list((tmp_path / "instance" / "attachments").iterdir())) == 3
    again = run()
    assert again.returncode == 0 and "Demoärendena finns redan (12 st)" in again.stdout
    wrong = run("--now", "i morgon")
    assert wrong.returncode == 1 and wrong.stderr.startswith("samverkan: ogiltig tidpunkt för --now")
