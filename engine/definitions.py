"""Reading, validating and caching BPMN process definitions.

XML is parsed by our own hardened lxml parser (no DTD, no entities, no network, a size
limit) before SpiffWorkflow sees the tree. Every problem is reported with the id of the
element it concerns.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.durations import parse_duration
from engine.errors import BadRequest, Invalid
from engine.forms import FormLibrary
from engine.profile import Passage, ProcessProfile
from engine.roles import role_for_lane
from engine.sandbox import check_source
from engine.working_days import on_working_days

MAX_XML_BYTES = 5 * 1024 * 1024

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

TIMER_ACTIONS = ("reminder", "escalation")
"""What a timer's ``action`` property may say (see docs/modelling.md)."""

_FLOW_NODE_TAGS = {
    "startEvent",
    "endEvent",
    "userTask",
    "manualTask",
    "task",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "subProcess",
    "callActivity",
}


@dataclass(frozen=True)
class Element:
    """What the product needs to know of one BPMN flow node."""

    id: str
    kind: str
    name: str
    lane: str | None = None
    role: str | None = None
    phase: str | None = None
    form: str | None = None
    action: str | None = None
    attached_to: str | None = None
    cancel_activity: bool = True
    timer_kind: str | None = None
    timer_expression: str | None = None
    # A non-interrupting boundary event whose branch ends when its task does (an escalation).
    ends_with_task: bool = False
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()


@dataclass
class Definition:
    """A parsed process version: the SpiffWorkflow spec, our element index and the process's profile."""

    process_id: str
    name: str
    sha256: str
    spec: BpmnProcessSpec | None
    subprocess_specs: dict[str, Any]
    elements: dict[str, Element]
    flows: dict[str, tuple[str, str]] = field(default_factory=dict)
    profile: ProcessProfile = field(default_factory=lambda: ProcessProfile.empty(""))

    def start_events(self) -> list[str]:
        return [e.id for e in self.elements.values() if e.kind == "startEvent"]

    def element(self, element_id: str) -> Element | None:
        return self.elements.get(element_id)

    def name_of(self, element_id: str) -> str:
        """The element's name for people, else its id."""
        element = self.elements.get(element_id)
        return (element.name if element is not None else None) or element_id

    def is_boundary(self, element_id: str) -> bool:
        """Whether the element is a boundary event (a task's reminder or deadline)."""
        element = self.elements.get(element_id)
        return element is not None and element.kind == "boundaryEvent"

    def form_of(self, element_id: str) -> str:
        """The form a user task is filled in with (its ``form`` property, else its id)."""
        element = self.elements.get(element_id)
        return element.form if element is not None and element.form else element_id

    def start_form(self, start_event: str) -> str | None:
        """The form of the first user task a case started at ``start_event`` reaches, if any."""
        seen, queue = {start_event}, [start_event]
        while queue:
            element = self.elements.get(queue.pop(0))
            if element is None:
                continue
            if element.kind == "userTask":
                return self.form_of(element.id)
            for flow_id in element.outgoing:
                target = self.flows.get(flow_id, ("", ""))[1]
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return None

    def branches_ending_with(self, element_id: str) -> set[str]:
        """Boundary events of a task whose branches end when the task does."""
        return {e.id for e in self.elements.values() if e.attached_to == element_id and e.ends_with_task}

    def end_events(self) -> set[str]:
        return {e.id for e in self.elements.values() if e.kind == "endEvent"}


def sha256_of(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()


def parse_xml(xml: bytes) -> Any:
    """Parse untrusted BPMN XML; refuse DTDs, entities and oversize input before reading them."""
    if len(xml) > MAX_XML_BYTES:
        raise BadRequest(
            f"Filen är för stor ({len(xml) // 1024} kB); högst {MAX_XML_BYTES // 1024} kB.",
            code="too_large",
        )
    if re.search(rb"<!\s*(DOCTYPE|ENTITY)", xml, re.IGNORECASE):
        raise Invalid(
            "DTD och entiteter är inte tillåtna i BPMN-filer.",
            details=[{"element_id": None, "message": "DOCTYPE/ENTITY är inte tillåtet"}],
            code="invalid_bpmn",
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as err:
        raise Invalid(
            "Filen är inte giltig XML.",
            details=[{"element_id": None, "message": str(err)}],
            code="invalid_bpmn",
        ) from err
    if root.getroottree().docinfo.doctype:  # the byte check above misses a DTD in UTF-16
        raise Invalid(
            "DTD och entiteter är inte tillåtna i BPMN-filer.",
            details=[{"element_id": None, "message": "DOCTYPE/ENTITY är inte tillåtet"}],
            code="invalid_bpmn",
        )
    return root


def as_utf8(xml: bytes) -> bytes:
    """The document in UTF-8, as it is stored: other encodings (UTF-16, Latin-1) are re-encoded.

    UTF-8 input is returned byte for byte, so its hash and identical-XML detection are unchanged.
    """
    root = parse_xml(xml)
    if (root.getroottree().docinfo.encoding or "UTF-8").upper().replace("_", "-") in ("UTF-8", "UTF8"):
        return xml
    utf8: bytes = etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True)
    return utf8


def _properties(node: Any) -> dict[str, str]:
    found = {}
    for prop in node.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        name, value = prop.get("name"), prop.get("value")
        if name:
            found[name] = value or ""
    return found


def _timer(node: Any) -> tuple[str | None, str | None]:
    definition = node.find("bpmn:timerEventDefinition", NS)
    if definition is None:
        return None, None
    for kind in ("timeDuration", "timeDate", "timeCycle"):
        child = definition.find(f"bpmn:{kind}", NS)
        if child is not None:
            return kind, (child.text or "").strip()
    return "missing", ""


def index_elements(process: Any) -> tuple[dict[str, Element], dict[str, tuple[str, str]]]:
    lanes: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = lane.get("name") or ""
    flows: dict[str, tuple[str, str]] = {}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        flows[flow.get("id")] = (flow.get("sourceRef") or "", flow.get("targetRef") or "")
    elements: dict[str, Element] = {}
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        tag = etree.QName(node).localname
        if tag not in _FLOW_NODE_TAGS or not node.get("id"):
            continue
        element_id = node.get("id")
        props = _properties(node)
        lane = lanes.get(element_id)
        timer_kind, timer_expression = _timer(node)
        elements[element_id] = Element(
            id=element_id,
            kind=tag,
            name=node.get("name") or element_id,
            lane=lane,
            role=role_for_lane(lane),
            phase=props.get("phase") or None,
            form=(props.get("form") or element_id) if tag == "userTask" else None,
            action=props.get("action") or None,
            attached_to=node.get("attachedToRef"),
            cancel_activity=node.get("cancelActivity", "true") != "false",
            timer_kind=timer_kind,
            timer_expression=timer_expression,
            ends_with_task=props.get("ends_with_task", "").lower() == "true",
            incoming=tuple(f for f, (_, t) in flows.items() if t == element_id),
            outgoing=tuple(f for f, (s, _) in flows.items() if s == element_id),
        )
    return elements, flows


class DefinitionReader:
    """Validates BPMN and builds :class:`Definition` objects, cached by content hash.

    Each definition gets the profile of its process id from ``profiles`` (or an empty one).
    """

    def __init__(self, forms: FormLibrary, profiles: dict[str, ProcessProfile] | None = None) -> None:
        self.forms = forms
        self.profiles = profiles or {}
        self._cache: dict[str, Definition] = {}

    def profile(self, process_id: str) -> ProcessProfile:
        return self.profiles.get(process_id) or ProcessProfile.empty(process_id)

    def load(self, xml: bytes) -> Definition:
        """Parse XML already validated at deploy (cached by hash)."""
        digest = sha256_of(xml)
        cached = self._cache.get(digest)
        if cached is None:
            cached = self._build(xml, digest)
            self._cache[digest] = cached
        return cached

    def validate(self, xml: bytes) -> Definition:
        """Parse and check everything; raise :class:`Invalid` listing every problem.

        Our own checks run before SpiffWorkflow's parser, so people get every problem at once,
        in Swedish and with element ids, rather than the first exception the parser meets.
        """
        root = parse_xml(xml)
        process = _executable_process(root)
        elements, flows = index_elements(process)
        process_id = process.get("id")
        outline = Definition(
            process_id, process.get("name") or "", "", None, {}, elements, flows, self.profile(process_id)
        )
        problems = self._check(outline, root)
        if problems:
            raise Invalid(
                f"Processen har {len(problems)} fel.",
                details=problems,
                code="invalid_bpmn",
            )
        return self.load(xml)

    def _build(self, xml: bytes, digest: str) -> Definition:
        root = parse_xml(xml)
        process = _executable_process(root)
        process_id = process.get("id")
        parser = SpiffBpmnParser(validator=VALIDATOR)
        try:
            parser.add_bpmn_xml(etree.ElementTree(root), filename=f"{process_id}.bpmn")
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
            on_working_days(spec, *subprocess_specs.values())
        except Exception as err:  # SpiffWorkflow raises many exception types for bad models
            element_id = getattr(err, "id", None) or getattr(err, "node_id", None)
            raise Invalid(
                "SpiffWorkflow kan inte läsa processen.",
                details=[{"element_id": element_id, "message": _spiff_message(err)}],
                code="invalid_bpmn",
            ) from err
        elements, flows = index_elements(process)
        return Definition(
            process_id=process_id,
            name=process.get("name") or process_id,
            sha256=digest,
            spec=spec,
            subprocess_specs=subprocess_specs,
            elements=elements,
            flows=flows,
            profile=self.profile(process_id),
        )

    def _check(self, definition: Definition, root: Any) -> list[dict[str, Any]]:
        problems: list[dict[str, Any]] = []

        def problem(element_id: str | None, message: str) -> None:
            problems.append({"element_id": element_id, "message": message})

        _check_names(definition, problem)
        elements = definition.elements
        for flow_id, (source, target) in definition.flows.items():
            if source not in elements:
                problem(flow_id, f"Flödet utgår från ett okänt element ({source}).")
            if target not in elements:
                problem(flow_id, f"Flödet leder till ett okänt element ({target}).")
        if not definition.start_events():
            problem(definition.process_id, "Processen saknar starthändelse.")
        for element in elements.values():
            self._check_element(element, definition.profile, problem)
        for node in root.iter(f"{{{BPMN_NS}}}exclusiveGateway"):
            _check_gateway(node, definition, problem)
        _check_expressions(root, problem)
        for passage in definition.profile.required_passages:
            _check_passage(definition, passage, problem)
        return problems

    def _check_element(self, element: Element, profile: ProcessProfile, problem: Any) -> None:
        if element.kind == "userTask":
            if element.role is None:
                problem(
                    element.id,
                    f"Användaruppgiften ”{element.name}” ligger inte i en simbana för en känd roll.",
                )
            if element.form and not self.forms.exists(element.form):
                problem(element.id, f"Formuläret forms/{element.form}.json saknas.")
        if element.phase is not None and profile.phases and element.phase not in profile.phases:
            problem(element.id, f"Okänd fas ”{element.phase}”.")
        if element.action is not None and element.action not in TIMER_ACTIONS:
            problem(element.id, f"Okänd timeråtgärd ”{element.action[:40]}”; välj {' eller '.join(TIMER_ACTIONS)}.")
        if element.timer_kind is not None:
            message = _timer_problem(element)
            if message:
                problem(element.id, message)
        if element.kind != "startEvent" and not element.incoming and element.kind != "boundaryEvent":
            problem(element.id, f"”{element.name}” har inget inkommande flöde.")
        if element.kind not in ("endEvent",) and not element.outgoing:
            problem(element.id, f"”{element.name}” har inget utgående flöde.")


def _executable_process(root: Any) -> Any:
    process = root.find("bpmn:process[@isExecutable='true']", NS)
    if process is None:
        process = root.find("bpmn:process", NS)
    if process is None:
        raise Invalid(
            "Filen innehåller ingen BPMN-process.",
            details=[{"element_id": None, "message": "bpmn:process saknas"}],
            code="invalid_bpmn",
        )
    return process


def _timer_problem(element: Element) -> str | None:
    if element.timer_kind in ("missing", None) or not element.timer_expression:
        return "Timern saknar uttryck."
    error = check_source(element.timer_expression, is_script=False)
    if error:
        return f"Timeruttrycket är inte tillåtet: {error}"
    literal = element.timer_expression.strip()
    if literal[:1] in "\"'" and literal[-1:] == literal[:1]:
        value = literal[1:-1]
        try:
            if element.timer_kind == "timeDuration":
                parse_duration(value)
            elif element.timer_kind == "timeDate":
                datetime.fromisoformat(value)
        except ValueError as err:
            return f"Timeruttrycket kan inte tolkas: {err}"
    return None


def _check_gateway(node: Any, definition: Definition, problem: Any) -> None:
    gateway_id = node.get("id")
    default = node.get("default")
    outgoing = [f for f, (s, _) in definition.flows.items() if s == gateway_id]
    if len(outgoing) < 2:
        return
    # By attribute comparison, not an XPath built from the id: an id may hold any character.
    flows = {f.get("id"): f for f in node.getparent().iterfind("bpmn:sequenceFlow", NS)}
    for flow_id in outgoing:
        if flow_id == default:
            continue
        flow = flows.get(flow_id)
        if flow is None or flow.find("bpmn:conditionExpression", NS) is None:
            problem(flow_id, "Flödet från en exklusiv gateway saknar villkor och är inte standardflöde.")


ID_LENGTH, NAME_LENGTH = 200, 400
"""Longest process or element id and name: the lengths of their columns (PostgreSQL refuses longer)."""


def _check_names(definition: Definition, problem: Any) -> None:
    if not definition.process_id:
        problem(None, "Processen saknar id (attributet id på bpmn:process).")
    elif len(definition.process_id) > ID_LENGTH:
        problem(None, f"Processens id är längre än {ID_LENGTH} tecken.")
    if len(definition.name) > NAME_LENGTH:
        problem(definition.process_id, f"Processens namn är längre än {NAME_LENGTH} tecken.")
    for element in definition.elements.values():
        if len(element.id) > ID_LENGTH:
            problem(element.id[:80] + "…", f"Elementets id är längre än {ID_LENGTH} tecken.")
        if len(element.name) > NAME_LENGTH:
            problem(element.id, f"Namnet på ”{element.id}” är längre än {NAME_LENGTH} tecken.")


def _check_passage(definition: Definition, passage: Passage, problem: Any) -> None:
    """Every path from a start event to ``passage.target`` must pass ``passage.before``."""
    before, target = passage.before, passage.target
    if target not in definition.elements:
        return
    successors: dict[str, list[str]] = {}
    for source, dest in definition.flows.values():
        successors.setdefault(source, []).append(dest)
    for element in definition.elements.values():
        if element.attached_to:
            successors.setdefault(element.attached_to, []).append(element.id)
    for start in definition.start_events():
        seen, stack = {start}, [start]
        while stack:
            node = stack.pop()
            if node == target:
                problem(before if before in definition.elements else target, passage.message)
                return
            for nxt in successors.get(node, []):
                if nxt != before and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)


def _spiff_message(err: Exception) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:500]


def _check_expressions(root: Any, problem: Any) -> None:
    """Conditions and scripts must compile in the sandbox: refused at deploy, never run."""
    for node in root.iter(f"{{{BPMN_NS}}}conditionExpression"):
        error = check_source(node.text or "", is_script=False)
        if error:
            flow = node.getparent()
            problem(flow.get("id"), f"Villkoret på flödet ”{_name_of(flow)}” är inte tillåtet: {error}")
    scripts = [
        (node, node.getparent())
        for tag in (f"{{{BPMN_NS}}}script", f"{{{SPIFF_NS}}}preScript", f"{{{SPIFF_NS}}}postScript")
        for node in root.iter(tag)
    ]
    for node, parent in scripts:
        error = check_source(node.text or "", is_script=True)
        if error:
            # A pre- or post-script sits in the element's extensionElements.
            element = parent if parent.get("id") else parent.getparent()
            problem(element.get("id"), f"Skriptet i ”{_name_of(element)}” är inte tillåtet: {error}")


def _name_of(node: Any) -> str:
    """An element as a person knows it: its name, else its id (shortened for messages)."""
    text = str(node.get("name") or node.get("id") or "?")
    return text if len(text) <= 80 else text[:79] + "…"
