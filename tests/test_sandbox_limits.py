"""Bounds on process scripts and conditions: refused at deploy where obvious, an incident at run time.

A script runs inside the case's write transaction; before these bounds ``while True: pass`` held
SQLite's write lock until the server was killed, and a 4.8 s script, a 300 MB allocation and a
10 MB value in the case data were all accepted.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine import cases, limits, processes, queries, schema
from engine.context import Samverkan, User
from engine.errors import Invalid
from engine.sandbox import Sandbox, ScriptError, ScriptLimit, check_source
from tests.http import ApiClient

SCRIPT_BPMN = (Path(__file__).parent / "bpmn" / "script_task.bpmn").read_text()
TWO_LANES = (Path(__file__).parent / "bpmn" / "two_lanes.bpmn").read_text()
OWNER = User("ägare", frozenset({"processagare"}))
KP = User("kim", frozenset({"kontaktperson"}))
HARMLESS = "summa = belopp * 2"
# Long enough for any bound to trip; a thread still running after this is a hang.
HANG = 60.0


def _with_script(script: str) -> bytes:
    escaped = script.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return SCRIPT_BPMN.replace("SKRIPT", escaped).encode()


def _deploy_past_the_checks(engine: Samverkan, script: str) -> None:
    """A model stored before the deploy checks existed: deploy a harmless one, then swap the XML."""
    processes.deploy(engine, OWNER, _with_script(HARMLESS))
    with engine.db.begin() as conn:
        conn.execute(
            schema.process_versions.update()
            .where(schema.process_versions.c.process_id == "skript")
            .values(xml=_with_script(script).decode(), sha256="före-kontrollerna")
        )
    engine._versions.clear()
    engine.workflows.clear()


def _complete_within(engine: Samverkan, task_id: str, data: dict[str, Any]) -> None:
    """Complete in a thread: before the bounds some of these never returned."""
    failures: list[BaseException] = []

    def complete() -> None:
        try:
            cases.complete_task(engine, KP, task_id, data)
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            failures.append(err)

    worker = threading.Thread(target=complete, daemon=True)
    worker.start()
    worker.join(HANG)
    assert not worker.is_alive(), f"completing the task did not return within {HANG:.0f} s"
    assert failures == []


def _history(engine: Samverkan, case_id: int) -> list[str]:
    return [h["action"] for h in queries.case_history(engine, case_id)]


# --- refused at deploy ----------------------------------------------------------------------

REFUSED_AT_DEPLOY = [
    ("import os\nx = os.getcwd()", "får inte läsa in moduler (import os)"),
    ("from os import path\nx = 1", "får inte läsa in moduler"),
    ("while True:\n    pass", "while-slingan tar aldrig slut"),
    ("while 1:\n    for rad in rader:\n        break", "while-slingan tar aldrig slut"),
    ("def upprepa(n):\n    return upprepa(n + 1)\nx = upprepa(0)", "funktionen ”upprepa” anropar sig själv"),
    ("x = 'a' * 300_000_000", "för stort värde"),
    ("x = 1 << 10_000_000", "för stort tal"),
    ("class Ny:\n    pass", "får inte definiera klasser"),
]


@pytest.mark.parametrize(("script", "words"), REFUSED_AT_DEPLOY)
def test_unbounded_or_importing_scripts_are_refused_at_deploy(engine: Samverkan, script: str, words: str) -> None:
    with pytest.raises(Invalid) as caught:
        processes.deploy(engine, OWNER, _with_script(script))
    [detail] = caught.value.details
    assert detail["element_id"] == "berakna"
    assert detail["message"].startswith("Skriptet i ”Beräkna” är inte tillåtet: rad 1: "), detail
    assert words in detail["message"]
    assert processes.list_versions(engine) == []


@pytest.mark.parametrize(
    "script",
    [
        "while True:\n    if belopp > 0:\n        break",
        "while True:\n    for rad in rader:\n        pass\n    else:\n        break",
        "def summa(rader):\n    return sum(r['belopp'] for r in rader)\nx = summa(rader)",
        "x = 'a' * 1000",
    ],
)
def test_bounded_look_alikes_are_deployed(engine: Samverkan, script: str) -> None:
    assert processes.deploy(engine, OWNER, _with_script(script)).created


# --- bounded at run time --------------------------------------------------------------------

RUN_TIME = [
    # (id, script, deployable, words in the incident)
    # Stored before the deploy checks: refused when it would run, never run.
    ("while-true", "while True:\n    pass", False, "är inte tillåtet: rad 1: while-slingan tar aldrig slut"),
    ("while-forever", "while belopp == belopp:\n    pass", True, "tog för lång tid"),
    ("busy-5s", "n = 0\nwhile n < 10 ** 12:\n    n += 1", True, "tog för lång tid"),
    ("300-mb-text", "n = 300 * 1000 * 1000\nstor = 'x' * n", True, "för stort värde"),
    ("300-mb-list", "n = 40 * 1000 * 1000\nstor = [0] * n", True, "för stort värde"),
    ("300-mb-piecewise", "bit = 'x' * 1000000\nstor = [bit + str(n) for n in range(300)]", True, "för mycket minne"),
    ("10-mb-value", "n = 10 * 1000 * 1000\nstor = 'x' * n", True, "för stora uppgifter"),
    (
        "deep-recursion",
        "def ping(n):\n    return pong(n + 1)\ndef pong(n):\n    return ping(n + 1)\nstor = ping(0)",
        True,
        "för djupt (rekursion)",
    ),
]


@pytest.mark.parametrize(("script", "deployable", "words"), [r[1:] for r in RUN_TIME], ids=[r[0] for r in RUN_TIME])
def test_a_script_over_a_bound_is_an_incident_and_writes_go_on(
    engine: Samverkan, script: str, deployable: bool, words: str
) -> None:
    if deployable:
        processes.deploy(engine, OWNER, _with_script(script))
    else:
        _deploy_past_the_checks(engine, script)
    case_id = cases.start_case(engine, KP, "skript", "Torget")
    [task] = queries.get_case(engine, case_id)["open_tasks"]

    _complete_within(engine, task["id"], {"belopp": 5, "beskrivning": "x"})

    case = queries.get_case(engine, case_id)
    assert case["status"] == "active" and case["open_tasks"] == []
    assert case["incident"]["element_id"] == "berakna"
    assert case["incident"]["message"].startswith("Skriptet i ”Beräkna” "), case["incident"]
    assert words in case["incident"]["message"]
    assert "stor" not in case["data"] and case["data"]["belopp"] == 5
    assert _history(engine, case_id)[-2:] == ["completed", "incident"]
    # Nothing is left holding a lock: other cases start and move on.
    other = cases.start_case(engine, KP, "skript", "Nästa")
    [other_task] = queries.get_case(engine, other)["open_tasks"]
    cases.claim_task(engine, KP, other_task["id"])
    assert queries.get_case(engine, other)["open_tasks"][0]["assignee"] == "kim"


def test_other_writes_wait_at_most_the_budget_while_a_script_loops(engine: Samverkan) -> None:
    """On SQLite the looping step holds the write lock; before the bounds this start timed out after 30 s."""
    processes.deploy(engine, OWNER, _with_script("n = 0\nwhile n >= 0:\n    n += 1"))
    case_id = cases.start_case(engine, KP, "skript", "Torget")
    [task] = queries.get_case(engine, case_id)["open_tasks"]
    looping = threading.Thread(
        target=cases.complete_task, args=(engine, KP, task["id"], {"belopp": 1, "beskrivning": "x"}), daemon=True
    )
    looping.start()
    started = cases.start_case(engine, KP, "skript", "Under tiden")
    looping.join(HANG)
    assert not looping.is_alive()
    assert queries.get_case(engine, started)["open_tasks"]
    assert queries.get_case(engine, case_id)["incident"] is not None


def test_a_condition_over_the_time_budget_is_an_incident(engine: Samverkan) -> None:
    slow = "len([1 for a in range(1000000) for b in range(1000000)]) &gt; 0"
    processes.deploy(engine, OWNER, TWO_LANES.replace("belopp &gt; 10000", slow).encode())
    case_id = cases.start_case(engine, KP, "handlaggning", "Torget", "start_a")
    [task] = queries.get_case(engine, case_id)["open_tasks"]
    _complete_within(engine, task["id"], {"belopp": 20000, "beskrivning": "x"})
    incident = queries.get_case(engine, case_id)["incident"]
    assert incident["element_id"] == "gw_belopp"
    assert incident["message"] == "Ett villkor vid ”Stort belopp?” tog för lång tid och avbröts (högst 1 sekund)."


def test_over_the_api_a_looping_script_answers_with_the_incident(api: ApiClient) -> None:
    owner = api.as_user("ägare", "processagare")
    deployed = owner.post(
        "/processes", raw=_with_script("n = 0\nwhile n >= 0:\n    n += 1"), content_type="application/xml"
    )
    assert deployed.status == 201
    kim = api.as_user("kim", "kontaktperson")
    case = kim.post("/cases", {"process_id": "skript", "title": "Torget"}).body
    done = kim.post(f"/tasks/{case['open_tasks'][0]['id']}/complete", {"data": {"belopp": 1, "beskrivning": "x"}})
    assert done.status == 200
    assert done.body["incident"]["message"].startswith("Skriptet i ”Beräkna” tog för lång tid")
    assert kim.post("/cases", {"process_id": "skript", "title": "Nästa"}).status == 201


def test_a_10_mb_value_over_the_api_is_refused_and_changes_nothing(api: ApiClient, engine: Samverkan) -> None:
    api.as_user("ägare", "processagare").post("/processes", raw=TWO_LANES.encode(), content_type="application/xml")
    kim = api.as_user("kim", "kontaktperson")
    case = kim.post("/cases", {"process_id": "handlaggning", "title": "Torget", "start_event": "start_a"}).body
    task_id = case["open_tasks"][0]["id"]
    before = _rows(engine)
    refused = kim.post(f"/tasks/{task_id}/complete", {"data": {"belopp": 1, "beskrivning": "x" * 10_000_000}})
    assert refused.status == 422
    [detail] = refused.body["error"]["details"]
    assert detail["field"] == "beskrivning" and "högst 1\u00a0024 kB" in detail["message"]
    assert _rows(engine) == before
    assert kim.post(f"/tasks/{task_id}/complete", {"data": {"belopp": 1, "beskrivning": "kort"}}).status == 200


def test_case_data_grown_past_the_limit_by_several_scripts_is_refused_whole(engine: Samverkan) -> None:
    """Each script's own values fit; together they do not: the step's transaction rolls back."""
    half = "n = 600 * 1000\ndel_ett = 'x' * n"
    processes.deploy(engine, OWNER, _with_script(half))
    case_id = cases.start_case(engine, KP, "skript", "Torget")
    [task] = queries.get_case(engine, case_id)["open_tasks"]
    before = _rows(engine)
    with pytest.raises(Invalid) as caught:
        cases.complete_task(engine, KP, task["id"], {"belopp": 1, "beskrivning": "y" * 600_000})
    assert caught.value.code == "data_too_large"
    assert _rows(engine) == before


def _rows(engine: Samverkan) -> dict[str, list[str]]:
    found = {}
    with engine.db.connect() as conn:
        for table in (schema.cases, schema.tasks, schema.history):
            rows = conn.execute(select(table)).mappings().all()
            found[table.name] = sorted(repr(sorted(dict(r).items())) for r in rows)
    return found


# --- the sandbox alone ----------------------------------------------------------------------

GUARDED = [
    ("x = 2\nfor i in range(40):\n    x = x * x", "för stort tal"),
    ("x = 2 ** 10 ** 9", "för stort tal"),
    ("x = pow(3, 10 ** 8)", "för stort tal"),
    ("n = 10 ** 9\nx = 1 << n", "för stort tal"),
    ("x = 'ab'\nfor i in range(40):\n    x += x", "för stort värde"),
    ("n = 10 ** 9\nx = 'a'.ljust(n)", "för stort värde"),
    ("n = 10 ** 9\nx = str.zfill('1', n)", "för stort värde"),
    ("x = ('a' * 5000).replace('', 'b' * 5000)", "för stort värde"),
    ("x = '\\t' * 1000\ny = x.expandtabs(10 ** 6)", "för stort värde"),
    ("x = [1]\nfor i in range(40):\n    x.extend(x)", "för stort värde"),
    ("n = 10 ** 9\nx = '%0*d' % (n, 1)", "%*-formatering"),
    ("x = '%0999999999d' % 1", "för stor bredd"),
    ("n = 999999999\nx = f'{1:>{n}}'", "för stor bredd"),
    ("x = sum(range(10 ** 12))", "range() med för många tal"),
    ("x = sum([[1] * 1000] * 1000, [])", "sum() på listor"),
    # Catching the limit does not help: every later loop step raises it again.
    (
        "n = 0\nwhile n >= 0:\n    try:\n        while n >= 0:\n            n += 1\n"
        "    except Exception:\n        n = 0",
        "för lång tid",
    ),
    ("f = lambda n: f(n)\nx = f(1)", "för djupt"),
    ("x = 2 ** 70", "Heltal får vara högst 64 bitar"),
]


@pytest.mark.parametrize(("script", "words"), GUARDED)
def test_each_guard_stops_what_it_guards(script: str, words: str) -> None:
    assert check_source(script, is_script=True) is None  # none of these is obvious at deploy
    data: dict[str, Any] = {}
    with pytest.raises(ScriptLimit) as caught:
        Sandbox().execute(script, data)
    assert words in caught.value.reason
    assert data == {}


def test_ordinary_scripts_run_as_before() -> None:
    data: dict[str, Any] = {"rader": [{"belopp": n} for n in range(5)], "namn": "Holma", "stor": list(range(20_000))}
    Sandbox().execute(
        "total = sum(r['belopp'] for r in rader if r['belopp'] > 1)\n"
        "dubbla = [r['belopp'] * 2 for r in rader]\n"
        "unika = {r['belopp'] % 2 for r in rader}\n"
        "per = {r['belopp']: r for r in rader}\n"
        "storst = max(*dubbla)\n"
        "ordnade = sorted(rader, key=lambda r: -r['belopp'])[0]['belopp']\n"
        "text = f'{namn!r:>10}|{3.14159:.2f}|{total}' + ' %s-%05d' % ('nr', 42)\n"
        "delar = ', '.join(str(d) for d in dubbla).upper().replace('1', 'ett')\n"
        "def hjalp(x):\n    return x + 1\n"
        "svar = hjalp(41)\n"
        "for i in range(300):\n    samma = stor\n    kopia = len(stor[:])\n"
        "try:\n    saknas = finns_inte\nexcept NameError:\n    saknas = 'P12M'\n"
        "n = 0\nwhile True:\n    n += 1\n    if n == 3:\n        break\n",
        data,
    )
    assert data["total"] == 9 and data["dubbla"] == [0, 2, 4, 6, 8] and data["unika"] == {0, 1}
    assert data["storst"] == 8 and data["ordnade"] == 4 and data["svar"] == 42 and data["n"] == 3
    assert data["text"] == "   'Holma'|3.14|9 nr-00042" and data["saknas"] == "P12M"
    assert data["delar"] == "0, 2, 4, 6, 8"


def test_a_script_may_not_save_more_than_the_data_limit() -> None:
    with pytest.raises(ScriptLimit) as caught:
        Sandbox().execute(f"x = 'a' * {limits.MAX_DATA_BYTES}", {})
    assert "för stora uppgifter" in caught.value.reason
    data: dict[str, Any] = {"stor": "a" * (limits.MAX_DATA_BYTES // 2)}
    Sandbox().execute("liten = len(stor)", data)  # values it did not change are not counted again
    assert data["liten"] == limits.MAX_DATA_BYTES // 2


def test_the_step_budget_stops_a_step_of_many_quick_evaluations() -> None:
    from engine.sandbox import step_budget

    sandbox = Sandbox()
    with step_budget(0.2), pytest.raises(ScriptLimit) as caught:  # noqa: PT012 - the loop is the point
        for _ in range(10**7):
            sandbox.evaluate("[n for n in range(100)]", {})
    assert "steget hade redan kört" in caught.value.reason


def test_user_code_cannot_reach_or_replace_the_hooks() -> None:
    for source in ("_tick_ = None", "x = _call_(len, [1])", "_budget = 1"):
        assert check_source(source, is_script=True) is not None
    with pytest.raises(ScriptError):
        Sandbox().execute("x = tick", {})


@settings(max_examples=200, deadline=None)
@given(
    st.integers(-(10**6), 10**6),
    st.integers(0, 40),
    st.text(max_size=20),
    st.integers(-5, 200),
)
def test_within_the_bounds_the_guards_compute_what_python_does(number: int, small: int, text: str, times: int) -> None:
    expressions = [
        "number * small",
        "number ** small",
        "number << small",
        "text * times",
        "[text] * times",
        "text + text",
        "'%5d|%s' % (number, text)",
        "f'{number:>{small}}'",
        "text.ljust(times, '.')",
        "text.replace('a', text)",
        "'-'.join([text] * small)",
    ]
    scope = {"number": number, "small": small, "text": text, "times": times}
    sandbox = Sandbox()
    for expression in expressions:
        assert sandbox.evaluate(expression, scope) == eval(expression, {}, dict(scope)), expression  # noqa: S307
