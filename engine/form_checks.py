"""Checking submitted data against a task's form: its JSON Schema, then what only the database knows."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Connection

from engine import attachments, limits, reference
from engine.context import Samverkan


def form_errors(
    engine: Samverkan,
    conn: Connection,
    form: str,
    data: dict[str, Any],
    case_id: int | None,
    *,
    partial: bool = False,
) -> list[dict[str, str]]:
    """``{field, message}`` for everything wrong with ``data`` in ``form``, in Swedish.

    Beyond the schema: area choices must be active areas, attachments must belong to the case
    (``case_id``; a case not yet created has none), and the data must fit the case data limit
    (:data:`engine.limits.MAX_DATA_BYTES`). ``partial`` checks only the fields present.
    """
    too_large = size_problems(data)
    if too_large:
        return too_large
    problems = engine.forms.errors(form, data, partial=partial)
    schema = engine.forms.schema(form)
    if case_id is not None:
        problems += attachments.reference_errors(conn, schema, data, case_id)
    for name, spec in schema.get("properties", {}).items():
        if spec.get("x-reference") != "areas" or name not in data:
            continue
        if data[name] not in reference.active_area_ids(engine, conn):
            problems.append({"field": name, "message": "Välj ett område ur listan."})
    return problems


def size_problems(data: dict[str, Any]) -> list[dict[str, str]]:
    """The largest fields, if ``data`` alone is over the case data limit (checked before the schema)."""
    try:
        size = len(orjson.dumps(data, default=str, option=orjson.OPT_NON_STR_KEYS))
    except orjson.JSONEncodeError:
        return []  # not JSON at all: the schema and the input checks say why
    if size <= limits.MAX_DATA_BYTES:
        return []
    sizes = {key: len(orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)) for key, value in data.items()}
    largest = max(sizes, key=lambda key: sizes[key])
    message = f"För stort värde ({limits.kilobytes(sizes[largest])}). {limits.data_too_large(size)}"
    return [{"field": str(largest), "message": message}]
