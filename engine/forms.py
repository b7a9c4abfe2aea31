"""Task forms: one JSON Schema per user task in ``samverkan_data/forms/``, compiled once."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from engine.durations import months_in
from samverkan_data import FORMS_DIR as BUNDLED_FORMS

FORMS_DIR = BUNDLED_FORMS

_FORMAT_CHECKER = FormatChecker()


def _date_order(validator: Any, pairs: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """``x-date-order: [[a, b], …]`` on an object: date ``b`` must come after date ``a`` when both are given."""
    if not isinstance(instance, dict):
        return
    for first, second in pairs:
        try:
            before, after = date.fromisoformat(instance[first]), date.fromisoformat(instance[second])
        except (KeyError, TypeError, ValueError):
            continue  # missing or malformed dates are reported by their own rules
        if after <= before:
            title = schema.get("properties", {}).get(first, {}).get("title", first)
            yield ValidationError(f"Datumet måste vara efter {str(title).lower()}.", path=[second])


def _min_months(validator: Any, minimum: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """``x-min-months: n`` on a string: an ISO 8601 duration of years and months, at least ``n`` months."""
    if not isinstance(instance, str):
        return
    try:
        months = months_in(instance)
    except ValueError:
        months = None
    if months is None or months < minimum:
        yield ValidationError(f"Ange ett intervall på minst {minimum} månad(er), t.ex. kvartal, halvår eller år.")


# Two rules JSON Schema cannot say: one date after another, and a duration of at least n months.
_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"x-date-order": _date_order, "x-min-months": _min_months}
)


_OWN_KEYWORDS = ("x-date-order", "x-min-months")
"""Keywords only our jsonschema validator knows: forms that use them skip the compiled check."""


def _conforms(format_name: str, value: str) -> bool:
    return _FORMAT_CHECKER.conforms(value, format_name)


# The compiled check judges formats exactly as the full validator does (e.g. "2026-02-30" is no date).
_COMPILED_FORMATS = {name: functools.partial(_conforms, name) for name in _FORMAT_CHECKER.checkers}


def _uses(schema: Any, keywords: tuple[str, ...]) -> bool:
    if isinstance(schema, dict):
        return any(k in schema for k in keywords) or any(_uses(v, keywords) for v in schema.values())
    if isinstance(schema, list):
        return any(_uses(v, keywords) for v in schema)
    return False


def _compiled_check(schema: dict[str, Any]) -> Callable[[Any], bool] | None:
    """Yes or no for ``schema``, compiled to Python by fastjsonschema; None where it cannot judge alone.

    About ten times faster than the full validator on valid data, which is nearly all of it; the
    full validator still says what is wrong (in Swedish) when the answer is no.
    """
    if _uses(schema, _OWN_KEYWORDS):
        return None
    plain = {key: value for key, value in schema.items() if key != "$schema"}  # read as draft 7: same keywords
    try:
        # use_default=False: the check must never fill in defaults in the data it is given.
        check = fastjsonschema.compile(plain, formats=_COMPILED_FORMATS, use_default=False)
    except fastjsonschema.JsonSchemaDefinitionException:
        return None

    def accepts(data: Any) -> bool:
        try:
            check(data)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return accepts


class FormLibrary:
    """Reads forms from directories (the first that has a form wins) and caches their validators."""

    def __init__(self, *directories: Path) -> None:
        self.directories = directories or (FORMS_DIR,)

    def _path(self, name: str) -> Path | None:
        for directory in self.directories:
            path = directory / f"{name}.json"
            if path.is_file():
                return path
        return None

    def exists(self, name: str) -> bool:
        return self._path(name) is not None

    @functools.cache  # noqa: B019 - one library per app, lives as long as it
    def field_titles(self) -> dict[str, str]:
        """Every top-level form field's title by field name, over all forms (names do not collide)."""
        titles: dict[str, str] = {}
        for directory in reversed(self.directories):  # the first directory wins, as for forms
            for path in sorted(directory.glob("*.json")):
                for key, spec in self.schema(path.stem).get("properties", {}).items():
                    if isinstance(spec, dict) and spec.get("title"):
                        titles[key] = str(spec["title"])
        return titles

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one library per app, lives as long as it
    def schema(self, name: str) -> dict[str, Any]:
        path = self._path(name)
        if path is None:
            return {"type": "object", "properties": {}}
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    def _checked(self, name: str, partial: bool) -> dict[str, Any]:
        schema = self.schema(name)
        if partial:
            # Only the fields given are checked: nothing is required, conditional rules are dropped.
            drop = ("required", "if", "then", "else", "allOf", "x-date-order")
            schema = {k: v for k, v in schema.items() if k not in drop}
        return schema

    @functools.lru_cache(maxsize=256)  # noqa: B019
    def validator(self, name: str, partial: bool = False) -> Draft202012Validator:
        validator: Draft202012Validator = _Validator(self._checked(name, partial), format_checker=_FORMAT_CHECKER)
        return validator

    @functools.lru_cache(maxsize=256)  # noqa: B019
    def compiled_check(self, name: str, partial: bool = False) -> Callable[[Any], bool] | None:
        """The form's compiled yes-or-no check (see :func:`_compiled_check`), built once per form."""
        return _compiled_check(self._checked(name, partial))

    def errors(self, name: str, data: dict[str, Any], partial: bool = False) -> list[dict[str, str]]:
        """The form's complaints about ``data`` as ``{field, message}`` in Swedish."""
        accepts = self.compiled_check(name, partial)
        if accepts is not None and accepts(data):
            return []
        found = []
        properties = self.schema(name).get("properties", {})
        for error in sorted(self.validator(name, partial).iter_errors(data), key=lambda e: list(e.path)):
            path = _field_path(error)
            found.append({"field": path, "message": _swedish(error, properties.get(path, {}))})
        return found

    def field_spec(self, field: str) -> dict[str, Any] | None:
        """The schema of a top-level form field, from whichever form has it (names do not collide)."""
        for directory in self.directories:
            for path in sorted(directory.glob("*.json")):
                spec = self.schema(path.stem).get("properties", {}).get(field)
                if isinstance(spec, dict):
                    return spec
        return None


def _field_path(error: Any) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    return ".".join(path)


def _swedish(error: Any, field: dict[str, Any]) -> str:
    """The Swedish message for one error; ``field`` is the top-level field's schema, if the error is on one."""
    kind = error.validator
    value = error.validator_value
    if kind in ("x-date-order", "x-min-months"):
        return str(error.message)
    if kind == "required" and field.get("x-required-message"):
        return str(field["x-required-message"])
    messages = {
        "required": "Fältet måste fyllas i.",
        "type": "Fel typ av värde.",
        "enum": "Välj ett av de angivna alternativen.",
        "const": "Detta måste bekräftas.",
        "minimum": f"Värdet måste vara minst {value}.",
        "maximum": f"Värdet får vara högst {value}.",
        "minLength": "Fältet måste fyllas i." if value == 1 else f"Skriv minst {value} tecken.",
        "maxLength": f"Skriv högst {value} tecken.",
        "minItems": f"Ange minst {value} rad(er).",
        "maxItems": f"Ange högst {value} rader.",
        "format": "Ange ett datum som ÅÅÅÅ-MM-DD." if value == "date" else "Fel format.",
        "pattern": "Värdet har fel format.",
    }
    if kind == "type" and value == "integer":
        return "Ange ett heltal."
    if kind == "pattern":
        described = error.schema.get("x-pattern-message")
        if described:
            return str(described)
    return messages.get(kind, "Ogiltigt värde.")
