"""The modeler's bpmnlint configuration, run by Node as the browser runs it (build/lint-model.mjs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (ROOT / "node_modules" / "bpmnlint").is_dir(),
    reason="needs node and npm packages (make assets)",
)

PARALLEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" name="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:{split} id="split" name="Dela"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:{split}>
    <bpmn:task id="a" name="A"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing></bpmn:task>
    <bpmn:task id="b" name="B"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing></bpmn:task>
    <bpmn:task id="c" name="C"><bpmn:incoming>f4</bpmn:incoming><bpmn:incoming>f5</bpmn:incoming>
      <bpmn:outgoing>f6</bpmn:outgoing></bpmn:task>
    <bpmn:endEvent id="end" name="Slut"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split" />
    <bpmn:sequenceFlow id="f2" name="a" sourceRef="split" targetRef="a" />
    <bpmn:sequenceFlow id="f3" name="b" sourceRef="split" targetRef="b" />
    <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="c" />
    <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="c" />
    <bpmn:sequenceFlow id="f6" sourceRef="c" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def lint(path: Path) -> list[tuple[str, str, str]]:
    """(category, rule, element id) per report."""
    done = subprocess.run(
        ["node", "build/lint-model.mjs", str(path)], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return [tuple(line.split("\t")[:3]) for line in done.stdout.splitlines() if "\t" in line]  # type: ignore[misc]


def test_bundled_model_is_clean_under_our_lint_config() -> None:
    # bpmnlint:recommended alone gives six fake-join warnings (registrera_initiativ,
    # tidig_boendeinvolvering, bedomning, vanta_uppfoljning, uppfoljningsrapport,
    # slutrapport_effektmatning) and single-blank-start-event: both off, see build/lint-config.mjs.
    assert lint(MODEL) == []


def test_reminder_branch_led_back_into_the_flow_is_a_concurrent_join(tmp_path: Path) -> None:
    xml = MODEL.read_text(encoding="utf-8").replace(
        'targetRef="paminnelse_forsta_mote_skickad"', 'targetRef="tidig_boendeinvolvering"'
    )
    assert xml.count('targetRef="tidig_boendeinvolvering"') == 3
    changed = tmp_path / "reminder.bpmn"
    changed.write_text(xml, encoding="utf-8")
    assert ("warn", "samverkan/concurrent-join", "tidig_boendeinvolvering") in lint(changed)
    assert [r for r in lint(changed) if r[1] == "samverkan/concurrent-join"] == [
        ("warn", "samverkan/concurrent-join", "tidig_boendeinvolvering")
    ]


@pytest.mark.parametrize(("split", "flagged"), [("parallelGateway", True), ("exclusiveGateway", False)])
def test_branches_of_a_parallel_split_meeting_at_a_task(tmp_path: Path, split: str, flagged: bool) -> None:
    path = tmp_path / f"{split}.bpmn"
    path.write_text(PARALLEL.format(split=split), encoding="utf-8")
    reports = [r for r in lint(path) if r[1] == "samverkan/concurrent-join"]
    assert reports == ([("warn", "samverkan/concurrent-join", "c")] if flagged else [])
