"""Whether a case can move to another version of its process, and if not why, in a process owner's words.

The preview judges every case from its row and its timer rows (no workflow is decoded), so
ten thousand cases are judged in seconds; the move checks the decoded workflow again
(:mod:`engine.migration_retarget`). A case can move when every element it waits in exists in
the new version with the same id and kind, the new version's changed or added timers can be
planned from its data, and every condition it can still reach reads only data the case has or
a later step fills in.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.clock import FixedClock, using
from engine.definitions import Definition, Element
from engine.forms import FormLibrary
from engine.sandbox import Sandbox, helper_functions

_KIND_WORDS = {
    "userTask": "en uppgift",
    "manualTask": "en uppgift",
    "scriptTask": "ett skriptsteg",
    "serviceTask": "ett tjänstesteg",
    "intermediateCatchEvent": "en väntande händelse",
    "boundaryEvent": "en händelse på en uppgifts kant",
    "exclusiveGateway": "en grind",
    "parallelGateway": "en parallell grind",
    "inclusiveGateway": "en grind",
    "endEvent": "en sluthändelse",
    "startEvent": "en starthändelse",
}
_KNOWN_NAMES = frozenset(dir(builtins)) | frozenset(helper_functions())


def kind_of(element: Element) -> str:
    """An element's kind for comparing versions: its BPMN tag, and whether it is a timer."""
    return f"{element.kind}:timer" if element.timer_kind else element.kind


def kind_words(element: Element) -> str:
    word = _KIND_WORDS.get(element.kind, "ett steg")
    return f"{word} med tidsfrist" if element.timer_kind else word


def timer_changed(old: Element | None, new: Element) -> bool:
    """Whether a timer of the new version must be planned again (it is new, or its expression changed)."""
    if not new.timer_kind:
        return False
    return old is None or (old.timer_kind, old.timer_expression) != (new.timer_kind, new.timer_expression)


@dataclass(frozen=True)
class CaseFacts:
    """What the preview knows of one case: where it waits, its timers, its data, an open incident."""

    case_id: int
    waiting: tuple[str, ...]
    timers: tuple[str, ...]
    data: Mapping[str, Any]
    incident: bool = False


@dataclass
class Rules:
    """The rules for moving cases from version ``a`` to ``b`` of one process, with per-position memos."""

    a: Definition
    b: Definition
    from_version: int
    to_version: int
    forms: FormLibrary
    now: datetime
    _reads: dict[tuple[str, ...], list[tuple[Element, str]]] = field(default_factory=dict)
    _filled: frozenset[str] | None = None

    def reasons(self, facts: CaseFacts) -> list[str]:
        """Why the case cannot move (empty: it can)."""
        if facts.incident:
            return ["Ärendet har en incident (ett fel i ett skript eller en tidsfrist) som måste åtgärdas först."]
        found = self.element_reasons(facts.waiting)
        if found:
            return found
        return [*self.timer_reasons(facts), *self.condition_reasons(facts.waiting, facts.data)]

    def element_reasons(self, waiting: Iterable[str]) -> list[str]:
        found = []
        for element_id in waiting:
            old = self.a.element(element_id)
            new = self.b.element(element_id)
            name = old.name if old else element_id
            if new is None:
                found.append(f"Ärendet väntar i ”{name}”, som inte finns i version {self.to_version}.")
            elif old is not None and kind_of(old) != kind_of(new):
                found.append(
                    f"”{name}” är {kind_words(old)} i ärendets version men {kind_words(new)} "
                    f"i version {self.to_version}."
                )
        return found

    def timers_to_plan(self, waiting: Iterable[str], timers: Iterable[str]) -> list[Element]:
        """The new version's timers the case will wait for and that must be planned: changed or added."""
        planned: list[Element] = []
        for element_id in timers:
            new = self.b.element(element_id)
            if new is not None and timer_changed(self.a.element(element_id), new):
                planned.append(new)
        waiting_set = set(waiting)
        for element in self.b.elements.values():
            if element.attached_to in waiting_set and element.timer_kind and self.a.element(element.id) is None:
                planned.append(element)
        return planned

    def timer_reasons(self, facts: CaseFacts) -> list[str]:
        found = []
        for element in self.timers_to_plan(facts.waiting, facts.timers):
            problem = timer_problem(element, facts.data, self.now)
            if problem:
                found.append(
                    f"Tidsfristen ”{element.name}” i version {self.to_version} kan inte räknas ut "
                    f"för ärendet: {problem}."
                )
        return found

    def condition_reasons(self, waiting: tuple[str, ...], data: Mapping[str, Any]) -> list[str]:
        if waiting not in self._reads:
            self._reads[waiting] = self._reachable_reads(waiting)
        filled = self._filled_names()
        found = []
        for gateway, name in self._reads[waiting]:
            if name not in data and name not in filled:
                found.append(
                    f"Villkoret vid ”{gateway.name}” i version {self.to_version} läser uppgiften ”{name}”, "
                    "som ärendet saknar och som inget steg fyller i."
                )
        return found

    def _reachable_reads(self, waiting: tuple[str, ...]) -> list[tuple[Element, str]]:
        """(gateway, name) for every name a condition reachable from ``waiting`` in the new version reads."""
        seen, queue = set(waiting), list(waiting)
        while queue:
            element = self.b.element(queue.pop())
            if element is None:
                continue
            nexts = [self.b.flows.get(f, ("", ""))[1] for f in element.outgoing]
            nexts += [e.id for e in self.b.elements.values() if e.attached_to == element.id]
            for target in nexts:
                if target and target not in seen:
                    seen.add(target)
                    queue.append(target)
        reads: list[tuple[Element, str]] = []
        specs = self.b.spec.task_specs if self.b.spec is not None else {}
        for element_id in sorted(seen):
            element, spec = self.b.element(element_id), specs.get(element_id)
            for condition, _target in getattr(spec, "cond_task_specs", None) or []:
                # SpiffWorkflow wraps a flow's condition expression in an operator holding its text.
                source = getattr(condition, "args", [None])[0] if condition is not None else None
                for name in sorted(names_read(source)):
                    if element is not None:
                        reads.append((element, name))
        return reads

    def _filled_names(self) -> frozenset[str]:
        """Names a step of the new version can give the case: form fields and what scripts assign."""
        if self._filled is None:
            names: set[str] = set()
            specs = self.b.spec.task_specs if self.b.spec is not None else {}
            for element in self.b.elements.values():
                if element.kind == "userTask":
                    names.update(self.forms.schema(self.b.form_of(element.id)).get("properties", {}))
                spec = specs.get(element.id)
                for attribute in ("script", "prescript", "postscript"):
                    names.update(names_assigned(getattr(spec, attribute, None)))
            self._filled = frozenset(names)
        return self._filled


def names_read(expression: Any) -> set[str]:
    """The data names a condition reads (not the functions and builtins every expression has)."""
    if not isinstance(expression, str) or not expression.strip():
        return set()
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return set()
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return {
        n.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in _KNOWN_NAMES | bound
    }


def names_assigned(script: Any) -> set[str]:
    if not isinstance(script, str) or not script.strip():
        return set()
    try:
        tree = ast.parse(script)
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def timer_problem(element: Element, data: Mapping[str, Any], at: datetime) -> str | None:
    """Why a timer's expression cannot be evaluated on ``data`` (None: it can)."""
    expression = element.timer_expression or ""
    try:
        with using(FixedClock(at)):
            value = Sandbox().evaluate(expression, dict(data))
        if element.timer_kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        elif element.timer_kind == "timeDate":
            TimerEventDefinition.get_datetime(value)
    except Exception as err:  # a timer expression may fail in many ways; each is a reason to show
        cause = err.__cause__
        if isinstance(cause, NameError):
            return f"uppgiften ”{cause.name}” saknas i ärendet"
        return str(err).strip() or type(err).__name__
    return None
