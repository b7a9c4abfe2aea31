"""Task forms: one JSON Schema per user task in ``forms/``, compiled once."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"

_FORMAT_CHECKER = FormatChecker()


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

    @functools.lru_cache(maxsize=256)  # noqa: B019
    def validator(self, name: str, partial: bool = False) -> Draft202012Validator:
        schema = self.schema(name)
        if partial:
            # Only the fields given are checked: nothing is required, conditional rules are dropped.
            schema = {k: v for k, v in schema.items() if k not in ("required", "if", "then", "else", "allOf")}
        return Draft202012Validator(schema, format_checker=_FORMAT_CHECKER)

    def errors(self, name: str, data: dict[str, Any], partial: bool = False) -> list[dict[str, str]]:
        """The form's complaints about ``data`` as ``{field, message}`` in Swedish."""
        found = []
        for error in sorted(self.validator(name, partial).iter_errors(data), key=lambda e: list(e.path)):
            found.append({"field": _field_path(error), "message": _swedish(error)})
        return found


def _field_path(error: Any) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    return ".".join(path)


def _swedish(error: Any) -> str:
    kind = error.validator
    value = error.validator_value
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
