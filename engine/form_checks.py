"""Checking submitted data against a task's form: its JSON Schema, then what only the database knows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from engine import attachments, reference
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
    (``case_id``; a case not yet created has none). ``partial`` checks only the fields present.
    """
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
