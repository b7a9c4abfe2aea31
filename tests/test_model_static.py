"""Static and behavioural checks of the bundled process model bpmn/samverkansstod.bpmn.

Uses lxml, jsonschema and SpiffWorkflow only (no engine imports), so the model and its forms
can be checked on their own. The behavioural tests run the raw SpiffWorkflow workflow with
SpiffWorkflow's plain Python script engine and simple local versions of the helper functions
the engine provides (today, now, add_duration, start_of_day).
"""

from __future__ import annotations

import ast
import builtins
import calendar
import json
import re
from collections import deque
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.durations import follow_up_dates
from engine.forms import FormLibrary

ROOT = Path(__file__).resolve().parents[1]
BPMN_FILE = ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn"
FORMS_DIR = ROOT / "samverkan_data" / "forms"
PROCESS_ID = "samverkansstod"

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
BPMN = "{" + NS["bpmn"] + "}"
BPMNDI = "{" + NS["bpmndi"] + "}"

ROLES_BY_LANE = {
    "Kontaktperson": "kontaktperson",
    "Nämndsekreterare": "namndsekreterare",
    "Chef": "chef",
    "Processägare": "processagare",
    "Administratör": "admin",
}
PHASES = {
    "Initiering",
    "Ansökan och bedömning",
    "Beslut",
    "Samarbete",
    "Genomförande och uppföljning",
    "Avslut",
}
HELPERS = {"today", "now", "add_duration", "start_of_day", "follow_up_dates"}
NOT_FLOW_NODES = ("sequenceFlow", "laneSet", "dataObject", "dataObjectReference")

BRIEF_IDS = {
    "startEvent": {"start_aktorsinitiativ", "start_stadsinitiativ"},
    "userTask": {
        "registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan",
        "bedomning", "begar_komplettering", "registrera_komplettering", "meddela_avslag",
        "namndbeslut", "meddela_beslut", "samverkansoverenskommelse", "dialog_med_boende",
        "uppfoljningsrapport", "granska_uppfoljning", "paminn_forsenad_rapport",
        "slutrapport_effektmatning",
    },
    "intermediateCatchEvent": {"vanta_uppfoljning"},
    "endEvent": {"slut_utan_beslut", "slut_avstyrkt", "slut_avslag", "slut_avslutat"},
}
EXPECTED_LANES = {
    "namndbeslut": "namndsekreterare",
    "paminn_forsenad_rapport": "chef",
    "bedomning": "kontaktperson",
    "tidig_boendeinvolvering": "kontaktperson",
}
# /work/shared/api.md, "Field names that steer the flow"
STEERING_ENUMS = {
    ("bedomning", "rekommendation"): {"tillstyrk", "komplettering", "avstyrk"},
    ("namndbeslut", "beslut"): {"beviljat", "delvis_beviljat", "avslag"},
}
CRITERIA = ("k1", "k2", "k3", "k4", "k5")
CRITERION_VALUES = {"uppfyllt", "delvis", "ej_uppfyllt"}


# ---------------------------------------------------------------------------- fixtures / model
@pytest.fixture(scope="module")
def tree() -> etree._ElementTree:
    return etree.parse(str(BPMN_FILE))


@pytest.fixture(scope="module")
def process(tree: etree._ElementTree) -> etree._Element:
    found = tree.xpath(f"//bpmn:process[@id='{PROCESS_ID}']", namespaces=NS)
    assert len(found) == 1
    return found[0]


def _forms() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(FORMS_DIR.glob("*.json"))}


@pytest.fixture(scope="module")
def forms() -> dict[str, dict]:
    return _forms()


def _nodes(process: etree._Element, tag: str) -> list[etree._Element]:
    return process.findall(f"{BPMN}{tag}")


def _ids(process: etree._Element, tag: str) -> set[str]:
    return {n.get("id") for n in _nodes(process, tag)}


def _props(node: etree._Element) -> dict[str, str]:
    return {
        p.get("name"): p.get("value")
        for p in node.xpath("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
                            namespaces=NS)
    }


def _flows(process: etree._Element) -> list[etree._Element]:
    return _nodes(process, "sequenceFlow")


def _conditions(process: etree._Element) -> dict[str, str]:
    return {
        f.get("id"): f.find(f"{BPMN}conditionExpression").text.strip()
        for f in _flows(process)
        if f.find(f"{BPMN}conditionExpression") is not None
    }


def _scripts(process: etree._Element) -> dict[str, str]:
    return {n.get("id"): n.find(f"{BPMN}script").text for n in _nodes(process, "scriptTask")}


def _timer_expressions(process: etree._Element) -> dict[str, str]:
    out = {}
    for ev in process.iter(f"{BPMN}timerEventDefinition"):
        for child in ev:
            if isinstance(child.tag, str) and child.text:
                out[ev.getparent().get("id")] = child.text.strip()
    return out


def _names(tree_: ast.AST, ctx: type) -> set[str]:
    return {n.id for n in ast.walk(tree_) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _form_fields(forms: dict[str, dict]) -> set[str]:
    return {name for schema in forms.values() for name in schema.get("properties", {})}


def _script_assigned(process: etree._Element) -> set[str]:
    out: set[str] = set()
    for code in _scripts(process).values():
        out |= _names(ast.parse(code), ast.Store)
    return out


def _graph(process: etree._Element) -> dict[str, set[str]]:
    succ: dict[str, set[str]] = {}
    for f in _flows(process):
        succ.setdefault(f.get("sourceRef"), set()).add(f.get("targetRef"))
    for b in _nodes(process, "boundaryEvent"):
        succ.setdefault(b.get("attachedToRef"), set()).add(b.get("id"))
    return succ


def _reachable(succ: dict[str, set[str]], start: str, removed: str | None = None) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in succ.get(queue.popleft(), ()):
            if nxt != removed and nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


# ---------------------------------------------------------------------------- parsing
def _spec():
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_FILE))
    return parser.get_spec(PROCESS_ID)


def test_model_parses_and_is_executable(process: etree._Element) -> None:
    assert _spec() is not None
    assert process.get("isExecutable") == "true"


def test_collaboration_has_one_participant(tree: etree._ElementTree) -> None:
    participants = tree.xpath("//bpmn:collaboration/bpmn:participant", namespaces=NS)
    assert [p.get("processRef") for p in participants] == [PROCESS_ID]


def test_every_id_of_the_brief_exists(process: etree._Element) -> None:
    for tag, ids in BRIEF_IDS.items():
        assert ids <= _ids(process, tag), f"{tag}: missing {sorted(ids - _ids(process, tag))}"


def test_ids_are_unique(tree: etree._ElementTree) -> None:
    ids = [e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------------------- lanes, phases, forms
def _lane_of(process: etree._Element) -> dict[str, str]:
    lane_of = {}
    for lane in process.iter(f"{BPMN}lane"):
        for ref in lane.findall(f"{BPMN}flowNodeRef"):
            lane_of[ref.text.strip()] = lane.get("name")
    return lane_of


def test_every_user_task_is_in_a_role_lane(process: etree._Element) -> None:
    lane_of = _lane_of(process)
    for task_id in _ids(process, "userTask"):
        assert lane_of.get(task_id) in ROLES_BY_LANE, f"{task_id} has no role lane"
    for task_id, role in EXPECTED_LANES.items():
        assert ROLES_BY_LANE[lane_of[task_id]] == role


def test_every_flow_node_is_in_exactly_one_lane(process: etree._Element) -> None:
    refs = [r.text.strip() for r in process.iter(f"{BPMN}flowNodeRef")]
    assert len(refs) == len(set(refs))
    nodes = {n.get("id") for n in process if isinstance(n.tag, str) and n.get("id")
             and etree.QName(n).localname not in NOT_FLOW_NODES}
    assert set(refs) == nodes


def test_phases_on_user_tasks_timers_and_end_events(process: etree._Element) -> None:
    timer_nodes = {ev.getparent() for ev in process.iter(f"{BPMN}timerEventDefinition")}
    for node in [*_nodes(process, "userTask"), *_nodes(process, "endEvent"), *timer_nodes]:
        assert _props(node).get("phase") in PHASES, f"{node.get('id')} lacks a valid phase"
    for node in process:
        phase = _props(node).get("phase") if isinstance(node.tag, str) else None
        assert phase is None or phase in PHASES


def test_names_on_every_element_and_gateway_flow(process: etree._Element) -> None:
    for node in process:
        if not isinstance(node.tag, str) or etree.QName(node).localname in ("laneSet", "sequenceFlow"):
            continue
        assert (node.get("name") or "").strip(), f"{node.get('id')} has no name"
    gateways = _ids(process, "exclusiveGateway")
    for f in _flows(process):
        if f.get("sourceRef") in gateways:
            assert (f.get("name") or "").strip(), f"{f.get('id')} has no name"


def test_every_user_task_has_a_form_and_every_form_a_task(process: etree._Element, forms) -> None:
    expected = set()
    for node in _nodes(process, "userTask"):
        expected.add(_props(node).get("form") or node.get("id"))
    assert expected == set(forms)


@pytest.mark.parametrize("name", sorted(p.stem for p in FORMS_DIR.glob("*.json")))
def test_form_is_a_valid_swedish_json_schema(name: str) -> None:
    schema = json.loads((FORMS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema.get("title") and schema.get("description")
    assert "additionalProperties" not in schema
    assert set(schema.get("required", [])) <= set(schema["properties"])

    def walk(props: dict) -> None:
        for key, prop in props.items():
            assert prop.get("title"), f"{name}.{key} has no title"
            if "enum" in prop:
                assert len(prop.get("x-enum-titles", [])) == len(prop["enum"]), f"{name}.{key}"
            if prop.get("type") == "object":
                walk(prop.get("properties", {}))
            if prop.get("type") == "array" and prop.get("items", {}).get("type") == "object":
                walk(prop["items"]["properties"])

    walk(schema["properties"])


def test_form_field_names_do_not_collide(forms) -> None:
    seen: dict[str, str] = {}
    for name, schema in forms.items():
        for key in schema["properties"]:
            assert key not in seen, f"{key} in both {seen.get(key)} and {name}"
            seen[key] = name


# ---------------------------------------------------------------------------- steering fields
def test_steering_enums_match_the_contract(forms) -> None:
    for (form, field), values in STEERING_ENUMS.items():
        assert set(forms[form]["properties"][field]["enum"]) == values
        assert field in forms[form]["required"]
    bedomning = forms["bedomning"]
    for key in CRITERIA:
        crit = bedomning["properties"][key]
        assert key in bedomning["required"]
        assert set(crit["properties"]["bedomning"]["enum"]) == CRITERION_VALUES
        assert set(crit["required"]) == {"bedomning", "motivering"}
        assert len(crit["x-help"]) > 40
    antal = forms["tidig_boendeinvolvering"]["properties"]["antal_boende"]
    assert antal["type"] == "integer" and antal["minimum"] == 0
    assert forms["granska_uppfoljning"]["properties"]["godkand"]["type"] == "boolean"
    assert "godkand" in forms["granska_uppfoljning"]["required"]
    omrade = forms["registrera_initiativ"]["properties"]["omrade"]
    assert omrade["x-reference"] == "areas"
    beslut = forms["namndbeslut"]["properties"]
    for key in ("period_start", "period_slut", "sammantradesdatum"):
        assert beslut[key]["format"] == "date"
    assert beslut["uppfoljningsintervall"]["default"] == "P12M"


def _validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_diarienummer_and_interval_rules(forms) -> None:
    """api.md: TN-YYYY-N with a 1–5 digit serial, padded or not; an interval of at least one month."""
    props = forms["namndbeslut"]["properties"]
    diarie = re.compile(props["diarienummer"]["pattern"])
    for good in ("TN-2024-0123", "TN-2024-123", "TN-2020-7", "TN-2023-12345"):
        assert diarie.search(good), good
    for bad in ("TN-24-0123", "tn-2024-0123", "TN-2024-123456", "X TN-2024-0123", "TN-2024-"):
        assert not diarie.search(bad), bad
    library = FormLibrary(FORMS_DIR)
    base = {"sammantradesdatum": "2027-04-20", "diarienummer": "TN-2027-42", "beslut": "avslag"}
    for good in ("P12M", "P6M", "P3M", "P1Y", "P1Y6M", "P1M"):
        assert library.errors("namndbeslut", {**base, "uppfoljningsintervall": good}) == [], good
    for bad in ("P0D", "P1D", "P30D", "P0M", "12M", "P", "1 år", "annat"):
        errors = library.errors("namndbeslut", {**base, "uppfoljningsintervall": bad})
        assert [e["field"] for e in errors] == ["uppfoljningsintervall"], bad


def test_tidig_boendeinvolvering_accepts_zero_and_shows_feedback(forms) -> None:
    schema = forms["tidig_boendeinvolvering"]
    assert "aterkoppling" in schema["x-show-data"]
    assert not list(_validator(schema).iter_errors({"antal_boende": 0}))
    assert list(_validator(schema).iter_errors({"antal_boende": 3}))
    assert list(_validator(schema).iter_errors({"antal_boende": -1}))


def test_first_meeting_requires_explained_criteria(forms) -> None:
    schema = forms["forsta_mote"]
    data = {"mote_datum": "2025-03-01", "deltagare": [{"namn": "Anna"}],
            "process_och_kriterier_forklarade": True}
    assert not list(_validator(schema).iter_errors(data))
    data["process_och_kriterier_forklarade"] = False
    assert list(_validator(schema).iter_errors(data))


def test_follow_up_report_has_the_seven_sections(forms) -> None:
    titles = [p["title"] for p in forms["uppfoljningsrapport"]["properties"].values()]
    numbered = [t for t in titles if re.match(r"^[1-7]\. ", t)]
    assert [t[:2] for t in numbered] == [f"{i}." for i in range(1, 8)]


def test_gateway_flows_have_a_condition_or_are_default(process: etree._Element) -> None:
    conditions = _conditions(process)
    for gw in _nodes(process, "exclusiveGateway"):
        outgoing = [f for f in _flows(process) if f.get("sourceRef") == gw.get("id")]
        assert len(outgoing) >= 2
        for f in outgoing:
            assert f.get("id") in conditions or f.get("id") == gw.get("default"), f.get("id")


def test_expressions_are_plain_restricted_python(process: etree._Element) -> None:
    sources = [*_conditions(process).values(), *_timer_expressions(process).values()]
    for src in sources:
        tree_ = ast.parse(src, mode="eval")
        _assert_restricted(tree_, src)
    for src in _scripts(process).values():
        _assert_restricted(ast.parse(src), src)


def _assert_restricted(tree_: ast.AST, src: str) -> None:
    for n in ast.walk(tree_):
        assert not isinstance(n, ast.Import | ast.ImportFrom), src
        if isinstance(n, ast.Name):
            assert not n.id.startswith("_"), src
        if isinstance(n, ast.Attribute):
            assert not n.attr.startswith("_"), src


def test_every_field_read_exists(process: etree._Element, forms) -> None:
    known = _form_fields(forms) | _script_assigned(process) | HELPERS | set(dir(builtins))
    reads: set[str] = set()
    for src in [*_conditions(process).values(), *_timer_expressions(process).values()]:
        reads |= _names(ast.parse(src, mode="eval"), ast.Load)
    for src in _scripts(process).values():
        reads |= _names(ast.parse(src), ast.Load)
    assert reads - known == set()
    # the steering fields named in the contract are read by the model
    assert {"antal_boende", "rekommendation", "beslut", "godkand", "period_start",
            "period_slut", "uppfoljningsintervall"} <= reads


def test_condition_literals_are_enum_values(process: etree._Element, forms) -> None:
    enums = {field: values for (_form, field), values in STEERING_ENUMS.items()}
    for src in _conditions(process).values():
        tree_ = ast.parse(src, mode="eval")
        for cmp in [n for n in ast.walk(tree_) if isinstance(n, ast.Compare)]:
            if isinstance(cmp.left, ast.Name) and cmp.left.id in enums:
                literals = {c.value for c in ast.walk(cmp) if isinstance(c, ast.Constant)}
                assert literals <= enums[cmp.left.id], src


def test_timers(process: etree._Element) -> None:
    timers = _timer_expressions(process)
    assert set(timers) >= {"vanta_uppfoljning"}
    vanta = process.find(f"{BPMN}intermediateCatchEvent[@id='vanta_uppfoljning']")
    assert vanta.find(f"{BPMN}timerEventDefinition/{BPMN}timeDate") is not None
    boundaries = {b.get("id"): b for b in _nodes(process, "boundaryEvent")}
    by_task: dict[str, list[etree._Element]] = {}
    for b in boundaries.values():
        by_task.setdefault(b.get("attachedToRef"), []).append(b)
        action = _props(b).get("action")
        if action in ("reminder", "escalation"):
            assert b.get("cancelActivity") == "false", b.get("id")
        else:
            assert action is None
    assert {_props(b).get("action") for b in by_task["forsta_mote"]} == {"reminder"}
    kompl = {b.get("cancelActivity"): timers[b.get("id")] for b in by_task["registrera_komplettering"]}
    assert kompl == {"false": '"P30D"', "true": '"P60D"'}
    rapport = {_props(b).get("action"): b for b in by_task["uppfoljningsrapport"]}
    assert set(rapport) == {"reminder", "escalation"}
    flows = {f.get("sourceRef"): f.get("targetRef") for f in _flows(process)}
    assert flows[rapport["escalation"].get("id")] == "paminn_forsenad_rapport"
    interrupting = [b for b in by_task["registrera_komplettering"] if b.get("cancelActivity") != "false"]
    assert flows[interrupting[0].get("id")] == "slut_utan_beslut"


def test_early_resident_involvement_is_on_every_path_to_assessment(process: etree._Element) -> None:
    succ = _graph(process)
    for start in BRIEF_IDS["startEvent"]:
        assert "bedomning" in _reachable(succ, start)
        assert "bedomning" not in _reachable(succ, start, removed="tidig_boendeinvolvering")


def test_every_node_is_reachable_and_reaches_an_end(process: etree._Element) -> None:
    succ = _graph(process)
    reachable = set().union(*(_reachable(succ, s) for s in BRIEF_IDS["startEvent"]))
    nodes = {n.get("id") for n in process if isinstance(n.tag, str) and n.get("id")
             and etree.QName(n).localname not in NOT_FLOW_NODES}
    assert nodes - reachable == set()
    ends = _ids(process, "endEvent")
    for n in nodes - ends:
        assert _reachable(succ, n) & ends, f"{n} reaches no end event"


# ---------------------------------------------------------------------------- diagram (DI)
def _bounds(tree: etree._ElementTree) -> dict[str, tuple[float, float, float, float]]:
    out = {}
    for shape in tree.iter(f"{BPMNDI}BPMNShape"):
        b = shape.find("dc:Bounds", NS)
        out[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    return out


def test_diagram_covers_every_element_without_overlaps(tree, process) -> None:
    bounds = _bounds(tree)
    edges = {e.get("bpmnElement"): e for e in tree.iter(f"{BPMNDI}BPMNEdge")}
    flow_nodes = [n for n in process if isinstance(n.tag, str) and n.get("id")
                  and etree.QName(n).localname not in NOT_FLOW_NODES]
    for n in flow_nodes:
        assert n.get("id") in bounds, n.get("id")
    for ref in process.iter(f"{BPMN}dataObjectReference"):
        assert ref.get("id") in bounds
    for lane in process.iter(f"{BPMN}lane"):
        assert lane.get("id") in bounds
    for f in _flows(process):
        edge = edges[f.get("id")]
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        assert len(points) >= 2
        for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
            assert x1 == x2 or y1 == y2, f"{f.get('id')} is not orthogonal"
    boxes = [(n.get("id"), bounds[n.get("id")]) for n in flow_nodes
             if etree.QName(n).localname != "boundaryEvent"]
    for i, (a, (ax, ay, aw, ah)) in enumerate(boxes):
        for b, (bx, by, bw, bh) in boxes[i + 1:]:
            overlap = ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
            assert not overlap, f"{a} overlaps {b}"


# ---------------------------------------------------------------------------- running the model
STOCKHOLM = ZoneInfo("Europe/Stockholm")
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def add_duration(start: str, duration: str) -> str:
    """Simple local version of the engine helper: dates and Y/M/W/D durations."""
    years, months, weeks, days = (int(g or 0) for g in _DURATION.match(duration).groups())
    day = date.fromisoformat(str(start)[:10])
    index = day.month - 1 + months + 12 * years
    year, month = day.year + index // 12, index % 12 + 1
    day = day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
    return (day + timedelta(weeks=weeks, days=days)).isoformat()


def start_of_day(day: str) -> str:
    return datetime.combine(date.fromisoformat(str(day)[:10]), time(0), STOCKHOLM).isoformat()


def _engine() -> PythonScriptEngine:
    env = TaskDataEnvironment({
        "follow_up_dates": follow_up_dates,
        "add_duration": add_duration,
        "start_of_day": start_of_day,
        "today": lambda: datetime.now(STOCKHOLM).date().isoformat(),
        "now": lambda: datetime.now(STOCKHOLM).isoformat(),
    })
    return PythonScriptEngine(environment=env)


class Case:
    """A raw SpiffWorkflow workflow driven like the engine does it."""

    def __init__(self, start_event: str = "start_aktorsinitiativ") -> None:
        self.wf = BpmnWorkflow(_spec(), script_engine=_engine())
        self.wf.get_tasks(spec_name="Start")[0].run()
        for split in self.wf.get_tasks(spec_name="StartEventSplit"):
            for child in split.children:
                if child.task_spec.bpmn_id != start_event:
                    child.cancel()
        self.run()

    def run(self) -> None:
        for _ in range(200):
            self.wf.refresh_timers()
            self.wf.do_engine_steps()
            if not self.wf.get_tasks(state=TaskState.READY, manual=False):
                break

    def open_tasks(self) -> list[str]:
        return sorted(t.task_spec.bpmn_id for t in self.wf.get_tasks(state=TaskState.READY, manual=True))

    def waiting(self) -> list[str]:
        return sorted(t.task_spec.bpmn_id for t in self.wf.get_tasks(state=TaskState.WAITING)
                      if t.task_spec.bpmn_id)

    def complete(self, element_id: str, data: dict | None = None) -> None:
        tasks = [t for t in self.wf.get_tasks(state=TaskState.READY, manual=True)
                 if t.task_spec.bpmn_id == element_id]
        assert tasks, f"{element_id} is not open; open: {self.open_tasks()}"
        task = tasks[0]
        task.data.update(data or {})
        task.run()
        self.run()

    def ended_at(self) -> set[str]:
        return {t.task_spec.bpmn_id for t in self.wf.get_tasks(state=TaskState.COMPLETED)
                if t.task_spec.bpmn_id in BRIEF_IDS["endEvent"]}


def _to_assessment(case: Case) -> None:
    case.complete("registrera_initiativ", {"omrade": "rosengard"})
    case.complete("forsta_mote", {"process_och_kriterier_forklarade": True})
    case.complete("tidig_boendeinvolvering", {"antal_boende": 12})
    case.complete("registrera_ansokan")
    assert case.open_tasks() == ["bedomning"]


def _to_decision(case: Case, **beslut) -> None:
    _to_assessment(case)
    case.complete("bedomning", {"rekommendation": "tillstyrk"})
    assert case.open_tasks() == ["namndbeslut"]
    case.complete("namndbeslut", {"diarienummer": "TN-2025-0042", **beslut})


def test_run_no_residents_loops_back_with_feedback() -> None:
    case = Case("start_aktorsinitiativ")
    assert case.open_tasks() == ["registrera_initiativ"]
    case.complete("registrera_initiativ", {"omrade": "sofielund"})
    assert case.open_tasks() == ["forsta_mote"]
    case.complete("forsta_mote", {"process_och_kriterier_forklarade": True})
    case.complete("tidig_boendeinvolvering", {"antal_boende": 0})
    assert case.open_tasks() == ["tidig_boendeinvolvering"]
    task = case.wf.get_tasks(state=TaskState.READY, manual=True)[0]
    assert task.data["aterkoppling"].startswith("Inga boende har nåtts")
    assert task.data["initiativ_fran"] == "aktorer"
    case.complete("tidig_boendeinvolvering", {"antal_boende": 5})
    assert case.open_tasks() == ["registrera_ansokan"]
    task = case.wf.get_tasks(state=TaskState.READY, manual=True)[0]
    assert task.data["aterkoppling"] == ""


def test_run_city_initiative_start() -> None:
    case = Case("start_stadsinitiativ")
    assert case.open_tasks() == ["registrera_initiativ"]
    task = case.wf.get_tasks(state=TaskState.READY, manual=True)[0]
    assert task.data["initiativ_fran"] == "staden"


def test_run_complement_loops_back_to_assessment_and_reject_ends() -> None:
    case = Case()
    _to_assessment(case)
    case.complete("bedomning", {"rekommendation": "komplettering"})
    assert case.open_tasks() == ["begar_komplettering"]
    case.complete("begar_komplettering")
    assert case.open_tasks() == ["registrera_komplettering"]
    assert {"paminnelse_komplettering", "tidsgrans_komplettering"} <= set(case.waiting())
    case.complete("registrera_komplettering")
    assert case.open_tasks() == ["bedomning"]
    case.complete("bedomning", {"rekommendation": "avstyrk"})
    case.complete("meddela_avslag")
    assert case.wf.is_completed()
    assert case.ended_at() == {"slut_avstyrkt"}


def test_run_decision_rejected_ends_in_slut_avslag() -> None:
    case = Case()
    _to_decision(case, beslut="avslag", period_start="2030-01-01", period_slut="2030-12-31")
    assert case.open_tasks() == ["meddela_beslut"]
    case.complete("meddela_beslut")
    assert case.wf.is_completed() and case.ended_at() == {"slut_avslag"}


def test_run_granted_waits_for_the_first_follow_up_date() -> None:
    case = Case()
    _to_decision(case, beslut="beviljat", period_start="2099-01-15", period_slut="2101-12-31",
                 uppfoljningsintervall="P12M")
    case.complete("samverkansoverenskommelse")
    case.complete("dialog_med_boende")
    assert case.open_tasks() == []
    assert "vanta_uppfoljning" in case.waiting()
    data = case.wf.get_tasks(state=TaskState.WAITING)[0].data
    assert data["uppfoljningar"] == ["2100-01-15", "2101-01-15", "2101-12-31"]
    assert data["nasta_uppfoljning"] == "2100-01-15"
    assert data["antal_uppfoljningar"] == 3


def test_run_partly_granted_without_interval_uses_default() -> None:
    case = Case()
    _to_decision(case, beslut="delvis_beviljat", period_start="2099-03-01", period_slut="2100-12-31")
    case.complete("samverkansoverenskommelse")
    case.complete("dialog_med_boende")
    assert "vanta_uppfoljning" in case.waiting()
    data = case.wf.get_tasks(state=TaskState.WAITING)[0].data
    assert data["uppfoljningsintervall"] == "P12M"
    assert data["uppfoljningar"] == ["2100-03-01", "2100-12-31"]


def test_run_short_period_is_followed_up_at_its_end_then_the_final_report() -> None:
    case = Case()
    _to_decision(case, beslut="beviljat", period_start="2020-01-01", period_slut="2020-06-30",
                 uppfoljningsintervall="P12M")
    case.complete("samverkansoverenskommelse")
    case.complete("dialog_med_boende")
    assert "uppfoljningsrapport" in case.open_tasks()  # the period has ended: its one report is due
    case.complete("uppfoljningsrapport")
    case.complete("granska_uppfoljning", {"godkand": True})
    assert "slutrapport_effektmatning" in case.open_tasks()
    case.complete("slutrapport_effektmatning")
    assert case.ended_at() == {"slut_avslutat"}
    assert case.wf.is_completed()  # the terminate end event ends what is left (the escalation)
