"""A task's context: the part of its own data its page shows and its form is prefilled with.

In a process with parallel branches (follow-up periods side by side) each branch has its own
copy of the data, so the case data cannot say what one task is about; the task row keeps its
context from when it was created.
"""

from __future__ import annotations

from typing import Any

import orjson


def context_keys(form: dict[str, Any]) -> set[str]:
    """The data fields a form's page needs: its own fields, what it shows, where its rows come from."""
    keys = set(form.get("properties", {})) | set(form.get("x-show-data", []))
    for spec in form.get("properties", {}).values():
        source = spec.get("x-rows-from", {}).get("field") if isinstance(spec, dict) else None
        if source:
            keys.add(source)
    return keys


def task_context(form: dict[str, Any], data: dict[str, Any]) -> dict[str, Any] | None:
    """The task's data for ``form``'s fields, as JSON; None when it holds none of them."""
    picked = {key: data[key] for key in context_keys(form) if data.get(key) not in (None, "", [])}
    if not picked:
        return None
    return dict(orjson.loads(orjson.dumps(picked, default=str, option=orjson.OPT_NON_STR_KEYS)))


def prefill(form: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """A new page's form values: what this task's own data already holds for the form's fields (the
    report sent before a complement was asked for), and rows copied from an earlier list
    (``x-rows-from``: the agreement's indicators with their baseline and target)."""
    properties = form.get("properties", {})
    values = {key: context[key] for key in properties if key in context}
    for key, spec in properties.items():
        source = spec.get("x-rows-from") if isinstance(spec, dict) else None
        rows = context.get(source["field"]) if source else None
        if source is None or key in values or not isinstance(rows, list):
            continue
        values[key] = [{k: row.get(k) for k in source["copy"] if k in row} for row in rows if isinstance(row, dict)]
    return values
