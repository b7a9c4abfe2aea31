"""Which data is personal: ``"x-personal": true`` in the forms, ``info={"personal": True}`` on columns.

A form field is addressed by a dotted path from the form's top level; ``[]`` stands for every item
of an array (``aktorer[].kontakt``, ``bilagor[].fil``). Marking an object or an array marks
everything under it. Case data holds the fields of every form at its top level (names do not
collide across forms), so the same paths address case data, task submissions and drafts.

Retention (gallring), the register extract and the public page all read the marking from here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Column, MetaData

from engine.forms import FormLibrary

KEYWORD = "x-personal"
COLUMN_INFO = "personal"
ITEMS = "[]"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(schema: Mapping[str, Any], path: str, inherited: bool) -> Iterator[tuple[str, bool]]:
    """Every field path below ``schema`` with whether it is personal (itself or an ancestor)."""
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        for key, spec in properties.items():
            if isinstance(spec, Mapping):
                child = _join(path, key)
                personal = inherited or spec.get(KEYWORD) is True
                yield child, personal
                yield from _walk(spec, child, personal)
    items = schema.get("items")
    if isinstance(items, Mapping):
        child = path + ITEMS
        personal = inherited or items.get(KEYWORD) is True
        yield child, personal
        yield from _walk(items, child, personal)


def field_paths(schema: Mapping[str, Any]) -> frozenset[str]:
    """Every field path a form schema declares (objects, arrays and their items included)."""
    return frozenset(path for path, _ in _walk(schema, "", False))


def personal_paths(schema: Mapping[str, Any]) -> frozenset[str]:
    """The paths of a form schema that hold personal data: the marked ones and all below them."""
    return frozenset(path for path, personal in _walk(schema, "", False) if personal)


def _prefixes(path: str) -> Iterator[str]:
    """``a[].b.c`` -> ``a``, ``a[]``, ``a[].b``, ``a[].b.c`` (some twice; harmless)."""
    for i, char in enumerate(path):
        if char in ".[":
            yield path[:i]
        elif char == "]":
            yield path[: i + 1]
    yield path


def path_is_personal(paths: frozenset[str], path: str) -> bool:
    """Whether ``path`` (or any field it lies inside) is in ``paths``."""
    return any(prefix in paths for prefix in _prefixes(path))


@functools.cache
def _default_library() -> FormLibrary:
    return FormLibrary()


def is_personal(form_id: str, path: str, library: FormLibrary | None = None) -> bool:
    """Whether the field at ``path`` of form ``form_id`` may hold personal data."""
    forms = library or _default_library()
    return path_is_personal(personal_paths(forms.schema(form_id)), path)


def case_personal_paths(library: FormLibrary | None = None) -> frozenset[str]:
    """The personal paths of every form the library knows: case data holds all their fields."""
    forms = library or _default_library()
    found: set[str] = set()
    for directory in forms.directories:
        for form in sorted(directory.glob("*.json")):
            found |= personal_paths(forms.schema(form.stem))
    return frozenset(found)


def strip_personal(form_schema: Mapping[str, Any], data: Any) -> Any:
    """A copy of ``data`` without its personal values (for public output); ``data`` is not changed.

    A personal field is left out entirely, so nothing (not even its length) shows.
    """
    return _strip(personal_paths(form_schema), data, "")


def strip_paths(paths: frozenset[str], data: Any) -> Any:
    """:func:`strip_personal` with the personal paths already known (e.g. :func:`case_personal_paths`)."""
    return _strip(paths, data, "")


def _strip(paths: frozenset[str], value: Any, path: str) -> Any:
    if isinstance(value, Mapping):
        kept = {}
        for key, item in value.items():
            child = _join(path, str(key))
            if child not in paths:
                kept[key] = _strip(paths, item, child)
        return kept
    if isinstance(value, list):
        child = path + ITEMS
        return [] if child in paths else [_strip(paths, item, child) for item in value]
    return value


def personal_columns(metadata: MetaData) -> list[Column[Any]]:
    """The table columns marked ``info={"personal": True}``, table by table in a stable order."""
    return [
        column
        for table in sorted(metadata.tables.values(), key=lambda t: t.name)
        for column in table.columns
        if column.info.get(COLUMN_INFO) is True
    ]
