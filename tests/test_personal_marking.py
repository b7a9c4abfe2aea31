"""Personal-data marking: forms mark every field that may name or reach a person; the API reads it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import schema as db_schema
from engine.forms import FormLibrary
from engine.personal import (
    case_personal_paths,
    field_paths,
    is_personal,
    path_is_personal,
    personal_columns,
    personal_paths,
    strip_personal,
)
from samverkan_data import FORMS_DIR

TESTS_FORMS = Path(__file__).parent / "forms"
FORM_FILES = sorted(FORMS_DIR.glob("*.json")) + sorted(TESTS_FORMS.glob("*.json"))

# Field names and titles that say "this is about a person": name, e-mail, phone, contact,
# address, participants, the one responsible, personal identity numbers, signatures.
PERSON_LIKE = re.compile(
    r"namn|e-?post|e-?mail|mail|telefon|mobil|kontakt|person|adress|ansvarig|deltagare|underskrift",
    re.IGNORECASE,
)


def _leaves(schema: Mapping[str, Any], path: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(path, spec) of every text field: where a person's name or contact can be written."""
    for key, spec in schema.get("properties", {}).items():
        child = f"{path}.{key}" if path else key
        if spec.get("type") == "string" and "enum" not in spec:
            yield child, spec
        yield from _leaves(spec, child)
        if isinstance(spec.get("items"), Mapping):
            yield from _leaves(spec["items"], child + "[]")


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("form", FORM_FILES, ids=lambda p: p.stem)
def test_fields_named_like_a_person_are_marked(form: Path) -> None:
    schema = _load(form)
    marked = personal_paths(schema)
    unmarked = [
        path
        for path, spec in _leaves(schema)
        if (PERSON_LIKE.search(path.rsplit(".", 1)[-1]) or PERSON_LIKE.search(str(spec.get("title", ""))))
        and not path_is_personal(marked, path)
    ]
    assert unmarked == [], f'{form.name}: mark these with "x-personal": true: {unmarked}'


@pytest.mark.parametrize("form", FORM_FILES, ids=lambda p: p.stem)
def test_marks_are_booleans_on_existing_fields(form: Path) -> None:
    text = form.read_text(encoding="utf-8")
    schema = _load(form)
    # Every "x-personal" in the file sits on a field the walk reaches, and is exactly true.
    reached = sum(1 for p in field_paths(schema) if _spec_at(schema, p).get("x-personal") is True)
    assert text.count('"x-personal"') == reached
    assert '"x-personal": false' not in text
    assert personal_paths(schema) <= field_paths(schema)


def _spec_at(schema: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    node = schema
    for part in path.replace("[]", ".[]").split("."):
        node = node["items"] if part == "[]" else node["properties"][part]
    return node


def test_the_expected_fields_are_personal() -> None:
    assert is_personal("registrera_initiativ", "aktorer[].kontakt")
    assert is_personal("registrera_initiativ", "aktorer[].namn")
    assert not is_personal("registrera_initiativ", "aktorer[].typ")
    assert not is_personal("registrera_initiativ", "ide")
    assert is_personal("forsta_mote", "deltagare[].namn")
    assert not is_personal("forsta_mote", "deltagare[].organisation")
    # A marked file field: everything under it (the attachment's id, name, size) is personal.
    assert is_personal("uppfoljningsrapport", "bilagor[].fil")
    assert is_personal("uppfoljningsrapport", "bilagor[].fil.namn")
    assert not is_personal("uppfoljningsrapport", "bilagor[].beskrivning")
    assert not is_personal("uppfoljningsrapport", "budgetutfall_sek")
    assert not is_personal("no_such_form", "namn")


def test_case_paths_cover_every_form() -> None:
    every = case_personal_paths(FormLibrary(FORMS_DIR))
    for form in sorted(FORMS_DIR.glob("*.json")):
        assert personal_paths(_load(form)) <= every
    assert "aktorer[].kontakt" in every and "bilagor[].fil.id" in every


def test_strip_personal_keeps_the_rest() -> None:
    schema = _load(FORMS_DIR / "registrera_initiativ.json")
    data = {
        "aktorer": [{"namn": "Ada Ek", "typ": "boende", "kontakt": "ada@example.se"}],
        "omrade": "sofielund",
        "ide": "Fler bänkar",
    }
    stripped = strip_personal(schema, data)
    assert stripped == {"aktorer": [{"typ": "boende"}], "omrade": "sofielund", "ide": "Fler bänkar"}
    assert data["aktorer"][0]["namn"] == "Ada Ek"  # the input is untouched


_TEXT = st.text(alphabet="abcdefghij", min_size=1, max_size=8)


@given(
    rows=st.lists(st.fixed_dictionaries({"namn": _TEXT, "organisation": _TEXT}), max_size=5),
    notes=_TEXT,
    when=st.dates().map(str),
)
def test_stripped_meeting_never_holds_a_participant_name(rows: list[dict[str, str]], notes: str, when: str) -> None:
    schema = _load(FORMS_DIR / "forsta_mote.json")
    data = {"mote_datum": when, "deltagare": rows, "anteckningar": "N" + notes}
    stripped = strip_personal(schema, data)
    assert "anteckningar" not in stripped
    assert all("namn" not in row for row in stripped["deltagare"])
    assert [row["organisation"] for row in stripped["deltagare"]] == [row["organisation"] for row in rows]
    assert stripped["mote_datum"] == when


def test_user_and_notification_columns_are_marked() -> None:
    names = {f"{c.table.name}.{c.name}" for c in personal_columns(db_schema.metadata)}
    assert {"users.username", "users.display_name", "users.email", "notifications.recipient"} <= names
    assert "users.password_hash" not in names and "cases.title" not in names
