"""The samverkansstöd profile (bpmn/samverkansstod.toml) agrees with the BPMN model and the forms."""

from __future__ import annotations

import ast
from pathlib import Path

from lxml import etree

from engine.definitions import NS, index_elements
from engine.forms import FORMS_DIR, FormLibrary
from engine.profile import BUNDLED_DIR, ProcessProfile, load_profiles

ROOT = Path(__file__).resolve().parent.parent
PROFILE = load_profiles()["samverkansstod"]
TREE = etree.parse(str(BUNDLED_DIR / "samverkansstod.bpmn"))
PROCESS = TREE.getroot().find("bpmn:process", NS)
ELEMENTS, FLOWS = index_elements(PROCESS)
FORMS = FormLibrary(FORMS_DIR)


def test_the_profile_is_the_bundled_process() -> None:
    assert PROFILE.process_id == PROCESS.get("id")
    assert list(load_profiles()) == ["samverkansstod"]


def test_phases_are_the_models_phase_categories_in_order() -> None:
    categories = [v.get("value") for v in TREE.getroot().iter(f"{{{NS['bpmn']}}}categoryValue")]
    assert list(PROFILE.phases) == categories
    used = {e.phase for e in ELEMENTS.values() if e.phase}
    assert used <= set(PROFILE.phases)


def test_the_area_field_is_an_area_choice_of_the_start_form() -> None:
    start_form = FORMS.schema("registrera_initiativ")
    assert PROFILE.area_field is not None
    assert start_form["properties"][PROFILE.area_field].get("x-reference") == "areas"


def test_the_criteria_are_fields_of_their_form() -> None:
    assert PROFILE.criteria is not None
    form = FORMS.schema(PROFILE.criteria.form)
    assert PROFILE.criteria.form in ELEMENTS
    for name in PROFILE.criteria.fields:
        assert {"bedomning", "motivering"} <= set(form["properties"][name]["properties"])


def test_required_passages_name_elements_of_the_model() -> None:
    assert PROFILE.required_passages
    for passage in PROFILE.required_passages:
        assert passage.before in ELEMENTS and passage.target in ELEMENTS
        assert passage.message


def test_report_fields_are_fields_of_some_form() -> None:
    fields = set(FORMS.field_titles())
    assert set(PROFILE.report_fields) == {"granted_sek", "period_start", "period_end"}
    assert set(PROFILE.report_fields.values()) <= fields


def test_a_process_without_a_profile_gets_an_empty_one() -> None:
    empty = ProcessProfile.empty("annan")
    assert (empty.phases, empty.area_field, empty.required_passages) == ((), None, ())
    assert empty.area_of({"omrade": "sofielund"}) is None


def test_generic_code_names_none_of_the_process_vocabulary() -> None:
    """Engine and web code speak of profiles, never of samverkansstöd's own fields or elements."""
    words = {
        "samverkansstod",
        "omrade",
        "bedomning",
        "tidig_boendeinvolvering",
        "beviljat_belopp_sek",
        "period_slut",
        "start_aktorsinitiativ",
        "Initiering",
        "k1",
    }
    found = []
    for path in [*(ROOT / "engine").rglob("*.py"), *(ROOT / "web").glob("*.py")]:
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in words:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert found == []


def test_figures_name_forms_and_fields_that_exist() -> None:
    spec = PROFILE.figures
    assert spec is not None

    def top(form: str) -> set[str]:
        return set(FORMS.schema(form)["properties"])

    assert spec.applied_sek.split(".")[0] in top(spec.application)
    assert spec.residents_reached in top(spec.early_involvement)
    assert {spec.decision_field, spec.decision_date, spec.granted_sek, spec.reference} <= top(spec.decision)
    assert {spec.used_sek, spec.activities} <= top(spec.report)
    activity = FORMS.schema(spec.report)["properties"][spec.activities]["items"]["properties"]
    assert {spec.target_group, spec.participants} <= set(activity)
    assert spec.approved in top(spec.review)
    assert spec.actor_kind in FORMS.schema(spec.actors_form)["properties"][spec.actors]["items"]["properties"]
