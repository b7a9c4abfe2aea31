"""Task forms for people: JSON Schema -> fields to render, and posted form values -> typed JSON.

Inputs are named by their path with ``-`` between parts (``aktorer-0-namn``); errors from the
engine use ``.`` (``aktorer.0.namn``). Lists of objects post ``<name>-rows`` with their row
count, so rows can be added and removed by submit buttons without JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

WIDGETS = {"text", "textarea", "sek", "date", "radio", "select", "checkbox", "list", "file", "interval"}
OTHER = "annat"
"""The interval choice whose value is typed as a number of months."""


@dataclass
class Field:
    """One control (or group of controls) ready for the Jinja macros in ``_form.html``."""

    key: str
    name: str
    path: str
    widget: str
    title: str
    description: str = ""
    help: str = ""
    required: bool = False
    value: Any = None
    options: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    children: list[Field] = field(default_factory=list)
    rows: list[list[Field]] = field(default_factory=list)
    min_items: int = 0
    item_title: str = ""
    context: str = ""
    readonly: bool = False
    fixed_rows: bool = False
    months: str = ""

    @property
    def summary_title(self) -> str:
        return f"{self.context}: {self.title}" if self.context else self.title

    @property
    def anchor(self) -> str:
        """The id an error summary links to: the control, or a group's first option."""
        return f"{self.name}-0" if self.widget in ("radio", "checkboxes") else self.name


def widget_of(spec: dict[str, Any]) -> str:
    """Which macro renders a property: from its type first, then its ``x-widget`` hint."""
    kind = spec.get("type")
    declared = spec.get("x-widget")
    if kind == "array":
        return "checkboxes" if "enum" in spec.get("items", {}) else "list"
    if declared in ("interval", "file") or (kind == "boolean" and declared == "radio"):
        return str(declared)
    by_type = {"object": "group", "boolean": "checkbox", "integer": "sek" if declared == "sek" else "integer"}
    if kind in by_type:
        return by_type[str(kind)]
    return _text_widget(spec, declared)


def _text_widget(spec: dict[str, Any], declared: Any) -> str:
    if spec.get("x-reference") == "areas":
        return "select"
    if "enum" in spec:
        return str(declared) if declared in ("radio", "select") else "radio" if len(spec["enum"]) <= 4 else "select"
    if spec.get("format") == "date" or declared == "date":
        return "date"
    return "textarea" if declared == "textarea" else "text"


def _options(spec: dict[str, Any], areas: list[dict[str, Any]]) -> list[tuple[str, str]]:
    if spec.get("x-reference") == "areas":
        return [(a["id"], a["name"]) for a in areas]
    if spec.get("type") == "boolean":
        titles = spec.get("x-enum-titles") or ["Ja", "Nej"]
        return [("true", str(titles[0])), ("false", str(titles[1]))]
    if spec.get("x-widget") == "interval":
        choices = [(str(c["value"]), str(c["title"])) for c in spec.get("x-choices", [])]
        return [*choices, (OTHER, "Annat antal månader")]
    source = spec.get("items", spec) if spec.get("type") == "array" else spec
    values = [str(v) for v in source.get("enum", [])]
    titles = source.get("x-enum-titles") or values
    return list(zip(values, [str(t) for t in titles], strict=False))


def build_fields(
    schema: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    areas: list[dict[str, Any]],
    prefix: str = "",
    context: str = "",
) -> list[Field]:
    """The fields of an object schema, with ``values`` filled in and ``errors`` by dotted path."""
    required = set(schema.get("required", [])) | set(schema.get("then", {}).get("required", []))
    fields = []
    for key, spec in schema.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        name = path.replace(".", "-")
        widget = widget_of(spec)
        value = values.get(key) if isinstance(values, dict) else None
        item = Field(
            key=key,
            name=name,
            path=path,
            widget=widget,
            title=str(spec.get("title", key)),
            description=str(spec.get("description", "")),
            help=str(spec.get("x-help", "")) if spec.get("x-help") != spec.get("description") else "",
            required=key in required,
            value=value,
            options=_options(spec, areas),
            error=errors.get(path, ""),
            min_items=int(spec.get("minItems", 0)),
            context=context,
            readonly=bool(spec.get("x-readonly")),
            fixed_rows=bool(spec.get("x-fixed-rows")),
        )
        if widget == "group":
            item.children = build_fields(
                spec, value if isinstance(value, dict) else {}, errors, areas, path, item.title
            )
        elif widget == "list":
            items_spec = spec.get("items", {})
            item.item_title = str(items_spec.get("title", "Rad"))
            rows = value if isinstance(value, list) else [{} for _ in range(item.min_items)]
            item.rows = [
                build_fields(
                    items_spec,
                    row if isinstance(row, dict) else {},
                    errors,
                    areas,
                    f"{path}.{i}",
                    f"{item.title}, {item.item_title.lower()} {i + 1}",
                )
                for i, row in enumerate(rows)
            ]
        if widget == "sek" and isinstance(value, int):
            item.value = str(value)
        if widget == "radio" and isinstance(value, bool):
            item.value = "true" if value else "false"
        if widget == "interval":
            _interval_value(item, spec)
        fields.append(item)
    return fields


def _interval_value(item: Field, spec: dict[str, Any]) -> None:
    """Show a stored interval as its choice, or as "other" with its number of months."""
    value = item.value if item.value is not None else spec.get("default")
    choices = {c["value"] for c in spec.get("x-choices", [])}
    if value in choices or value is None:
        item.value = value
        return
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?", str(value))
    months = int(match.group(1) or 0) * 12 + int(match.group(2) or 0) if match and any(match.groups()) else None
    item.value, item.months = OTHER, str(months) if months is not None else str(value)


def all_fields(fields: list[Field]) -> list[Field]:
    """Every field, depth first, in display order (for the error summary)."""
    found: list[Field] = []
    for item in fields:
        found.append(item)
        found.extend(all_fields(item.children))
        for row in item.rows:
            found.extend(all_fields(row))
    return found


def parse(
    schema: dict[str, Any],
    form: MultiDict[str, str],
    prefix: str = "",
    keep_empty: bool = False,
    files: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Typed JSON from posted values: integers, booleans, dates as strings, lists of rows.

    Values that do not parse (``"12a"`` for an integer) are kept as typed so validation
    complains next to the field and the person sees what they wrote. File fields take their
    value from ``files`` (input name -> stored attachment), see :func:`web.attachments.file_placeholders`.
    """
    files = files or {}
    data: dict[str, Any] = {}
    for key, spec in schema.get("properties", {}).items():
        name = f"{prefix}-{key}" if prefix else key
        value = _parse_field(spec, form, name, keep_empty, files)
        if value is not _ABSENT:
            data[key] = value
    return data


_ABSENT = object()
"""What a field posted nothing for parses to: the key is left out of the data."""


def _parse_field(
    spec: dict[str, Any], form: MultiDict[str, str], name: str, keep_empty: bool, files: Mapping[str, Any]
) -> Any:
    widget = widget_of(spec)
    value: Any
    if widget == "file":
        value = files.get(name, _ABSENT)
    elif widget in ("group", "list"):
        value = (
            parse(spec, form, name, keep_empty, files)
            if widget == "group"
            else _parse_rows(spec, form, name, keep_empty, files)
        )
        value = value if value or keep_empty else _ABSENT
    elif widget == "checkboxes":
        value = [v for v in form.getlist(name) if v] or _ABSENT
    elif widget == "checkbox":
        value = form.get(name) == "true"
    elif widget == "radio" and spec.get("type") == "boolean":
        raw = form.get(name, "")
        value = raw == "true" if raw in ("true", "false") else _ABSENT
    elif widget == "interval":
        value = _parse_interval(form, name) or _ABSENT
    else:
        raw = form.get(name, "").strip()
        value = _ABSENT if raw == "" else _integer(raw) if widget in ("integer", "sek") else raw
    return value


def _parse_interval(form: MultiDict[str, str], name: str) -> str | None:
    """The chosen interval as ISO 8601; "other" takes the months typed (kept as typed if not a number)."""
    choice = form.get(name, "").strip()
    if choice != OTHER:
        return choice or None
    months = form.get(f"{name}-months", "").strip()
    if not months:
        return OTHER  # the form's rule refuses it next to the field
    return f"P{int(months)}M" if months.isdigit() else months


def _parse_rows(
    spec: dict[str, Any], form: MultiDict[str, str], name: str, keep_empty: bool, files: Mapping[str, Any]
) -> list[Any]:
    count = _integer(form.get(f"{name}-rows", "0"))
    count = count if isinstance(count, int) and 0 <= count <= 200 else 0
    rows = [parse(spec.get("items", {}), form, f"{name}-{i}", keep_empty, files) for i in range(count)]
    if keep_empty:
        return rows
    kept = [row for row in rows if row]
    missing = int(spec.get("minItems", 0)) - len(kept)
    return kept + [{} for _ in range(max(0, min(missing, count - len(kept))))]


def has_file_fields(schema: dict[str, Any]) -> bool:
    """Whether a form needs ``multipart/form-data``: some field, at any depth, is a file."""
    if widget_of(schema) == "file":
        return True
    children = [*schema.get("properties", {}).values(), schema.get("items")]
    return any(has_file_fields(child) for child in children if isinstance(child, dict))


def is_file_input(schema: dict[str, Any], name: str) -> bool:
    """Whether an input name (``bilagor-0-fil``) is a file field of ``schema``."""
    spec: Any = schema
    for part in name.split("-"):
        if not isinstance(spec, dict):
            return False
        if part.isdigit() and int(part) < 200 and spec.get("type") == "array":
            spec = spec.get("items", {})
        else:
            spec = spec.get("properties", {}).get(part)
    return isinstance(spec, dict) and widget_of(spec) == "file"


def _integer(raw: str) -> int | str:
    plain = re.sub(r"[\s\u00a0]", "", raw).removesuffix("kr")
    return int(plain) if re.fullmatch(r"-?\d{1,15}", plain) else raw


def change_rows(data: dict[str, Any], action: str) -> str | None:
    """Apply ``add:<path>`` or ``remove:<path>.<index>`` to ``data``; returns the id to focus."""
    verb, _, target = action.partition(":")
    if verb == "add":
        rows = _find_list(data, target)
        if rows is None:
            return None
        rows.append({})
        return f"{target.replace('.', '-')}-{len(rows) - 1}"
    if verb == "remove":
        path, _, index = target.rpartition(".")
        rows = _find_list(data, path)
        if rows is None or not index.isdigit() or int(index) >= len(rows):
            return None
        del rows[int(index)]
        return path.replace(".", "-")
    return None


def _find_list(data: dict[str, Any], path: str) -> list[Any] | None:
    node: Any = data
    parts = path.split(".")
    for i, part in enumerate(parts):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict):
            if i == len(parts) - 1 and part not in node:
                node[part] = []
            node = node.get(part)
        else:
            return None
    return node if isinstance(node, list) else None


def error_map(details: list[dict[str, Any]]) -> dict[str, str]:
    """``{dotted path: message}``, keeping the first message per field."""
    found: dict[str, str] = {}
    for detail in details:
        found.setdefault(str(detail.get("field", "")), str(detail.get("message", "")))
    return found
