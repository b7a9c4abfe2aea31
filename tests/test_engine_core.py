"""Engine core: deploy validation and hardening, versions, sandbox, incidents, locking, reload."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import accounts, cases, processes, queries, schema
from engine.context import Samverkan, User
from engine.errors import BadRequest, Conflict, Forbidden, Invalid
from engine.runtime import Runtime

BPMN = (Path(__file__).parent / "bpmn" / "two_lanes.bpmn").read_bytes()
OWNER = User("ägare", frozenset({"processagare"}))
KP = User("kim", frozenset({"kontaktperson"}))
NS = User("nils", frozenset({"namndsekreterare"}))
ADMIN = User("admin", frozenset({"admin"}))


def _variant(**replacements: str) -> bytes:
    text = BPMN.decode()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


def _snapshot(engine: Samverkan) -> dict[str, Any]:
    """Every row of every table that a step touches, to prove a refused step changed nothing."""
    found = {}
    with engine.db.connect() as conn:
        for table in (schema.cases, schema.tasks, schema.timers, schema.history, schema.notifications):
            rows = conn.execute(select(table)).mappings().all()
            found[table.name] = sorted(repr(sorted(dict(r).items())) for r in rows)
    return found


def _start(engine: Samverkan, start: str = "start_a") -> tuple[int, str]:
    processes.deploy(engine, OWNER, BPMN)
    case_id = cases.start_case(engine, KP, "handlaggning", "Torget", start)
    [task] = queries.get_case(engine, case_id)["open_tasks"]
    return case_id, task["id"]


# --- deploy -------------------------------------------------------------------------------


def test_same_xml_is_not_a_new_version_but_changed_xml_is(engine: Samverkan) -> None:
    first = processes.deploy(engine, OWNER, BPMN)
    assert (first.version, first.created) == (1, True)
    assert processes.deploy(engine, OWNER, BPMN).created is False
    second = processes.deploy(engine, OWNER, _variant(**{'name="Ansök"': 'name="Ansök nu"'}))
    assert (second.version, second.created) == (2, True)
    with pytest.raises(Forbidden):
        processes.deploy(engine, KP, BPMN)


def test_running_cases_stay_on_their_version(engine: Samverkan) -> None:
    case_id, task_id = _start(engine)
    processes.deploy(engine, OWNER, _variant(**{'name="Besluta"': 'name="Fatta beslut"'}))
    cases.complete_task(engine, KP, task_id, {"belopp": 20000, "beskrivning": "x"})
    case = queries.get_case(engine, case_id)
    assert case["process_version"] == 1 and case["open_tasks"][0]["name"] == "Besluta"
    new_case = cases.start_case(engine, KP, "handlaggning", "Ny", "start_a")
    assert queries.get_case(engine, new_case)["process_version"] == 2


@pytest.mark.parametrize(
    ("replacements", "element_id", "words"),
    [
        ({'name="Nämndsekreterare"': 'name="Okänd roll"'}, "besluta", "simbana"),
        ({'<bpmn:userTask id="besluta"': '<bpmn:userTask id="besluta_utan_formular"'}, None, None),
        ({"belopp &gt; 10000": "belopp &gt;"}, "flow_stor", "Villkoret"),
        ({'default="flow_liten"': ""}, "flow_liten", "villkor"),
        ({'targetRef="slut_liten"': 'targetRef="finns_inte"'}, "flow_liten", "okänt element"),
    ],
)
def test_invalid_models_are_refused_with_element_ids(
    engine: Samverkan, replacements: dict[str, str], element_id: str | None, words: str | None
) -> None:
    xml = _variant(**replacements)
    with pytest.raises(Invalid) as caught:
        processes.deploy(engine, OWNER, xml)
    assert caught.value.details
    if element_id is not None:
        assert any(d["element_id"] == element_id and words in d["message"] for d in caught.value.details), (
            caught.value.details
        )
    assert processes.list_versions(engine) == []


def test_bad_timer_expression_is_refused(engine: Samverkan) -> None:
    timer = (
        '<bpmn:boundaryEvent id="paminn" attachedToRef="ansok" cancelActivity="false">'
        "<bpmn:outgoing>flow_p</bpmn:outgoing><bpmn:timerEventDefinition>"
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"14 dagar"</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="flow_p" sourceRef="paminn" targetRef="slut_p" />'
        '<bpmn:endEvent id="slut_p"><bpmn:incoming>flow_p</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:startEvent id="start_a"'
    )
    xml = _variant(
        **{
            '<bpmn:startEvent id="start_a"': timer,
            'xmlns:bpmn="': 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bpmn="',
        }
    )
    with pytest.raises(Invalid) as caught:
        processes.deploy(engine, OWNER, xml)
    assert any(d["element_id"] == "paminn" for d in caught.value.details), caught.value.details


# --- hostile XML --------------------------------------------------------------------------


def test_external_entity_is_refused_and_reads_nothing(engine: Samverkan, tmp_path: Path) -> None:
    secret = tmp_path / "hemligt.txt"
    secret.write_text("HEMLIGT-INNEHÅLL")
    xml = _variant(
        **{
            '<?xml version="1.0" encoding="UTF-8"?>': (
                f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
            ),
            'name="Ansök"': 'name="&x;"',
        }
    )
    with pytest.raises(Invalid) as caught:
        processes.deploy(engine, OWNER, xml)
    assert "HEMLIGT" not in repr(caught.value.details) + caught.value.message
    assert processes.list_versions(engine) == []


def test_entity_bomb_is_refused(engine: Samverkan) -> None:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    xml = _variant(
        **{
            '<?xml version="1.0" encoding="UTF-8"?>': f'<?xml version="1.0"?><!DOCTYPE d [{entities}]>',
            'name="Ansök"': 'name="&i;"',
        }
    )
    with pytest.raises(Invalid):
        processes.deploy(engine, OWNER, xml)


def test_oversize_file_is_refused_before_parsing(engine: Samverkan) -> None:
    xml = BPMN.replace(b"</bpmn:definitions>", b"<!--" + b"x" * (20 * 1024 * 1024) + b"--></bpmn:definitions>")
    with pytest.raises(BadRequest):
        processes.deploy(engine, OWNER, xml)


def test_hostile_xml_over_http_is_4xx(api: Any) -> None:
    owner = api.as_user("ägare", "processagare")
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><d>&b;</d>'
    assert owner.post("/processes", raw=bomb, content_type="application/xml").status == 422
    big = owner.post("/processes", raw=b"<a>" + b"x" * (20 * 1024 * 1024) + b"</a>", content_type="application/xml")
    assert big.status == 413 and big.body["error"]["code"]
    assert owner.post("/processes", raw=b"not xml", content_type="application/xml").status == 422


# --- sandbox ------------------------------------------------------------------------------

ESCAPES = [
    "__import__('os').system('touch {marker}')",
    "().__class__.__base__.__subclasses__()[0]('touch {marker}')",
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_escaping_condition_is_refused_at_deploy(engine: Samverkan, tmp_path: Path, escape: str) -> None:
    marker = tmp_path / "x"
    xml = _variant(**{"belopp &gt; 10000": escape.format(marker=marker).replace("'", "&apos;")})
    with pytest.raises(Invalid) as caught:
        processes.deploy(engine, OWNER, xml)
    assert any(d["element_id"] == "flow_stor" for d in caught.value.details)
    assert not marker.exists()


@pytest.mark.parametrize("escape", ESCAPES)
def test_escaping_condition_fails_closed_at_run_time(engine: Samverkan, tmp_path: Path, escape: str) -> None:
    """Even if such XML reaches the database, the condition never runs: the case gets an incident."""
    marker = tmp_path / "x"
    case_id, task_id = _start(engine)
    hostile = _variant(**{"belopp &gt; 10000": escape.format(marker=marker).replace("'", "&apos;")})
    with engine.db.begin() as conn:
        conn.execute(
            schema.process_versions.update()
            .where(schema.process_versions.c.version == 1)
            .values(xml=hostile.decode(), sha256="hostile")
        )
    engine._versions.clear()
    engine.workflows.clear()
    cases.complete_task(engine, KP, task_id, {"belopp": 20000, "beskrivning": "x"})
    case = queries.get_case(engine, case_id)
    assert not marker.exists()
    assert case["status"] == "active" and case["incident"] is not None
    assert case["incident"]["element_id"] == "gw_belopp"
    assert [h["action"] for h in queries.case_history(engine, case_id)][-2:] == ["completed", "incident"]


def test_stuck_gateway_is_an_incident_and_admin_can_retry(engine: Samverkan) -> None:
    xml = _variant(**{'default="flow_liten"': "", 'name="Nej" sourceRef': 'name="Nej" sourceRef'})
    xml = xml.replace(
        b'<bpmn:sequenceFlow id="flow_liten" name="Nej" sourceRef="gw_belopp" targetRef="slut_liten" />',
        b'<bpmn:sequenceFlow id="flow_liten" name="Nej" sourceRef="gw_belopp" targetRef="slut_liten">'
        b"<bpmn:conditionExpression>belopp &lt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>",
    )
    processes.deploy(engine, OWNER, xml)
    case_id = cases.start_case(engine, KP, "handlaggning", "Torget", "start_a")
    [task] = queries.get_case(engine, case_id)["open_tasks"]
    cases.complete_task(engine, KP, task["id"], {"belopp": 5000, "beskrivning": "x"})
    stuck = queries.get_case(engine, case_id)
    assert stuck["incident"]["element_id"] == "gw_belopp" and stuck["status"] == "active"
    with pytest.raises(Forbidden):
        cases.retry_case(engine, KP, case_id, {"belopp": 50000})
    cases.retry_case(engine, ADMIN, case_id, {"belopp": 50000})
    fixed = queries.get_case(engine, case_id)
    assert fixed["incident"] is None and fixed["active_elements"] == ["besluta"]


# --- completing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "data", "error"),
    [
        (KP, {"belopp": -1, "beskrivning": "x"}, Invalid),
        (KP, {"beskrivning": "x"}, Invalid),
        (NS, {"belopp": 1, "beskrivning": "x"}, Forbidden),
    ],
)
def test_refused_completion_changes_nothing(engine: Samverkan, user: User, data: dict[str, Any], error: type) -> None:
    case_id, task_id = _start(engine)
    before = _snapshot(engine)
    with pytest.raises(error):
        cases.complete_task(engine, user, task_id, data)
    assert _snapshot(engine) == before


def test_stale_completion_changes_nothing(engine: Samverkan) -> None:
    case_id, task_id = _start(engine)
    cases.complete_task(engine, KP, task_id, {"belopp": 20000, "beskrivning": "x"})
    before = _snapshot(engine)
    with pytest.raises(Conflict):
        cases.complete_task(engine, KP, task_id, {"belopp": 1, "beskrivning": "y"})
    assert _snapshot(engine) == before


def test_claimed_by_someone_else_is_a_conflict(engine: Samverkan) -> None:
    _, task_id = _start(engine)
    cases.claim_task(engine, KP, task_id)
    other = User("karin", frozenset({"kontaktperson"}))
    with pytest.raises(Conflict):
        cases.claim_task(engine, other, task_id)
    with pytest.raises(Conflict):
        cases.complete_task(engine, other, task_id, {"belopp": 1, "beskrivning": "x"})
    with pytest.raises(Forbidden):
        cases.unclaim_task(engine, other, task_id)
    cases.unclaim_task(engine, User("chef", frozenset({"chef"})), task_id)
    cases.claim_task(engine, other, task_id)


def test_twenty_concurrent_completions_one_wins(engine: Samverkan) -> None:
    case_id, task_id = _start(engine)
    results: list[str] = []
    barrier = threading.Barrier(20)

    def complete() -> None:
        barrier.wait()
        try:
            cases.complete_task(engine, KP, task_id, {"belopp": 20000, "beskrivning": "x"})
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=complete) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict"] * 19 + ["ok"]
    with engine.db.connect() as conn:
        completed = conn.execute(
            select(func.count()).select_from(schema.history).where(schema.history.c.action == "completed")
        ).scalar_one()
    assert completed == 1


def test_twenty_concurrent_http_completions_one_200(api: Any, engine: Samverkan) -> None:
    owner, kp = api.as_user("ägare", "processagare"), api.as_user("kim", "kontaktperson")
    owner.post("/processes", raw=BPMN, content_type="application/xml")
    case = kp.post("/cases", {"process_id": "handlaggning", "start_event": "start_a", "title": "T"}).body
    task_id = case["open_tasks"][0]["id"]
    statuses: list[int] = []
    barrier = threading.Barrier(20)

    def complete() -> None:
        barrier.wait()
        statuses.append(kp.post(f"/tasks/{task_id}/complete", {"data": {"belopp": 1, "beskrivning": "x"}}).status)

    threads = [threading.Thread(target=complete) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 19
    history = kp.get(f"/cases/{case['id']}/history").body
    assert [h["action"] for h in history].count("completed") == 1


# --- save, reload, continue ----------------------------------------------------------------


def test_reload_mid_flight_gives_the_same_result(engine: Samverkan) -> None:
    """Run straight through in memory, and through save/load at every step: same end, same data."""
    processes.deploy(engine, OWNER, BPMN)
    with engine.db.connect() as conn:
        definition = engine.definition(conn, "handlaggning", 1)
    runtime = Runtime()
    now = engine.now()
    inputs = [{"belopp": 20000, "beskrivning": "x"}, {"beslut": "ja"}]

    straight = runtime.create(definition, "start_b")
    runtime.run(straight, now)
    for data in inputs:
        [task] = runtime.open_user_tasks(straight)
        runtime.complete(straight, task.id, data, now)
        runtime.run(straight, now)

    reloaded = runtime.create(definition, "start_b")
    runtime.run(reloaded, now)
    for data in inputs:
        reloaded = runtime.load(definition, runtime.dump(reloaded))
        [task] = runtime.open_user_tasks(reloaded)
        runtime.complete(reloaded, task.id, data, now)
        reloaded = runtime.load(definition, runtime.dump(reloaded))
        runtime.run(reloaded, now)

    assert straight.is_completed() and reloaded.is_completed()
    assert runtime.data(straight) == runtime.data(reloaded)
    assert runtime.reached_end_event(straight, {"slut_beslut"}) == "slut_beslut"
    assert runtime.reached_end_event(reloaded, {"slut_beslut"}) == "slut_beslut"


def test_stored_state_holds_no_spec(engine: Samverkan) -> None:
    case_id, _ = _start(engine)
    with engine.db.connect() as conn:
        state = conn.execute(select(schema.cases.c.state).where(schema.cases.c.id == case_id)).scalar_one()
    assert state["format"] == 2 and state["codec"] == "compact-1" and "spec" not in state["instance"]


def test_tokens_and_passwords(engine: Samverkan) -> None:
    accounts.add_user(engine, "kim", ["kontaktperson", "chef"], "hemligt-lösen")
    assert accounts.authenticate(engine, "kim", "hemligt-lösen") is not None
    assert accounts.authenticate(engine, "kim", "fel") is None
    assert accounts.authenticate(engine, "okänd", "fel") is None
    token = accounts.new_token(engine, "kim")
    user = accounts.user_for_token(engine, token)
    assert user is not None and user.roles == {"kontaktperson", "chef"}
    with engine.db.connect() as conn:
        stored = conn.execute(select(schema.api_tokens.c.token_sha256)).scalar_one()
        password_hash = conn.execute(select(schema.users.c.password_hash)).scalar_one()
    assert token not in stored and password_hash.startswith("$argon2")
    with pytest.raises(Invalid):
        accounts.add_user(engine, "x", ["kung"])
