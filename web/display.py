"""Case data as people read it: form titles as labels, enum titles, Ja/Nej, dates, kronor."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.durations import months_in
from engine.forms import FormLibrary
from engine.profile import Criteria
from web.filters import date_sv
from web.forms import widget_of


@dataclass
class Entry:
    label: str
    text: str = ""
    warning: str = ""
    children: list[Entry] = field(default_factory=list)
    rows: list[list[Entry]] = field(default_factory=list)
    # A list field as a table (columns from its item fields' titles), for pages that show one.
    table: Table | None = None


def kronor(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0") + "\u00a0kr"


def _scalar(spec: dict[str, Any], value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and spec.get("x-widget") == "sek":
        return kronor(value)
    if spec.get("format") == "date" and isinstance(value, str):
        try:
            return date_sv(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return str(value.get("namn") or value.get("name", ""))
    return str(value)


def interval(spec: dict[str, Any], value: str) -> str:
    """An ISO 8601 interval as the form offered it ("År" also for P1Y), else in months ("Var 18:e månad")."""
    try:
        months = months_in(value)
    except ValueError:
        return value
    choices = {months_in(str(c.get("value"))): str(c.get("title", "")) for c in spec.get("x-choices", [])}
    if months is None:
        return value
    if months in choices:
        return choices[months]
    return "Varje månad" if months == 1 else f"Var {months}:e månad"


def _text(spec: dict[str, Any], value: Any, areas: dict[str, str]) -> str:
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if spec.get("x-reference") == "areas":
        return areas.get(str(value), str(value))
    if spec.get("x-widget") == "interval" and isinstance(value, str):
        return interval(spec, value)
    source = spec.get("items", spec) if isinstance(value, list) else spec
    titles = dict(zip(source.get("enum", []), source.get("x-enum-titles", []), strict=False))
    if isinstance(value, list):
        return ", ".join(str(titles.get(v, v)) for v in value)
    if isinstance(value, str) and value in titles:
        return str(titles[value])
    return _scalar(spec, value)


def describe(
    schema: dict[str, Any], data: dict[str, Any], areas: dict[str, str], skip: tuple[str, ...] = ()
) -> list[Entry]:
    """One entry per property of ``schema`` that has a value in ``data``, in form order."""
    entries = []
    for key, spec in schema.get("properties", {}).items():
        value = data.get(key)
        if key in skip or value is None or value in ("", []):
            continue
        entry = Entry(str(spec.get("title", key)))
        widget = widget_of(spec)
        if widget == "group" and isinstance(value, dict):
            entry.children = describe(spec, value, areas)
        elif widget == "list" and isinstance(value, list):
            entry.rows = [describe(spec.get("items", {}), row, areas) for row in value if isinstance(row, dict)]
            entry.table = table(spec, value, areas)
        else:
            entry.text = _text(spec, value, areas)
        entries.append(entry)
    return entries


def criteria(schema: dict[str, Any], data: dict[str, Any], assessment: Criteria) -> list[dict[str, str]]:
    """A criteria assessment (see the process profile) as rows of criterion, verdict and motivation."""
    rows = []
    for key in assessment.fields:
        spec = schema.get("properties", {}).get(key)
        value = data.get(key)
        if not spec or not isinstance(value, dict):
            continue
        verdict_spec = spec.get("properties", {}).get(assessment.verdict, {})
        rows.append(
            {
                "title": str(spec.get("title", key.upper())),
                "verdict": _text(verdict_spec, value.get(assessment.verdict, ""), {}),
                "verdict_value": str(value.get(assessment.verdict, "")),
                "motivation": str(value.get(assessment.motivation, "")),
            }
        )
    return rows


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shown_entries(
    forms: FormLibrary, shown: list[tuple[str, str, Any]], data: dict[str, Any], areas: dict[str, str]
) -> list[Entry]:
    """Case data shown above a task's form: each field described by its own form's schema.

    A field with ``x-limit`` (the budget outcome) says when it is over the value it is compared with.
    """
    entries = []
    for key, title, value in shown:
        spec = dict(forms.field_spec(key) or {})
        spec["title"] = title
        if not spec.get("type") and isinstance(value, str) and ISO_DATE.match(value):
            spec["format"] = "date"
        described = describe({"properties": {key: spec}}, {key: value}, areas)
        if not described:
            continue
        entry = described[0]
        limit = data.get(str(spec.get("x-limit", "")))
        if isinstance(value, int) and isinstance(limit, int) and value > limit:
            entry.warning = f"{kronor(value - limit)} över beviljat belopp ({kronor(limit)})."
        entries.append(entry)
    return entries


def value_text(spec: dict[str, Any], value: Any, areas: dict[str, str] | None = None) -> str:
    """One field's value as people read it, by its form spec: enum title, Ja/Nej, date, kronor, area name."""
    if value is None or value in ("", []):
        return ""
    return _text(spec, value, areas or {})


def period_sv(start: str | None, end: str | None) -> str:
    """A period as people read it, e.g. ”1 apr 2027 – 1 okt 2027”; one open end shows as ”från …”/”till …”."""
    first, last = date_sv(start) if start else "", date_sv(end) if end else ""
    if first and last:
        return f"{first} – {last}"
    return f"från {first}" if first else (f"till {last}" if last else "")


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]


def table(spec: dict[str, Any], rows: Any, areas: dict[str, str] | None = None, skip: tuple[str, ...] = ()) -> Table:
    """A list field (``x-widget: list``) as a table: its item fields' titles as columns in form order,
    each row's values as people read them (rows that are not objects are left out)."""
    fields = {k: v for k, v in spec.get("items", {}).get("properties", {}).items() if k not in skip}
    found = Table([str(v.get("title", k)) for k, v in fields.items()], [])
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict):
            found.rows.append([value_text(v, row.get(k), areas) for k, v in fields.items()])
    return found
