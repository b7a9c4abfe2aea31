"""Everything the case page shows, read in one go: the case, its history and its steps' forms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine import queries, schema
from engine.context import Samverkan


def case_file(engine: Samverkan, case_id: int) -> dict[str, Any]:
    """The case view plus ``history`` (with element names), ``steps`` and ``element_names``.

    ``steps`` lists each completed user task once, in the order first completed, with the
    form schema it was filled in with, so the page can label case data with form titles.
    """
    case = queries.get_case(engine, case_id)
    history = queries.case_history(engine, case_id)
    with engine.db.connect() as conn:
        definition = engine.definition(conn, case["process_id"], case["process_version"])
        created_by = conn.execute(select(schema.cases.c.created_by).where(schema.cases.c.id == case_id)).scalar()
    names = {element_id: element.name or element_id for element_id, element in definition.elements.items()}
    steps: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in history:
        entry["element_name"] = names.get(entry["element_id"] or "", entry["element_id"] or "")
        element_id = entry["element_id"]
        if entry["action"] != "completed" or not element_id or element_id in seen:
            continue
        seen.add(element_id)
        form = definition.form_of(element_id)
        steps.append(
            {
                "element_id": element_id,
                "name": names.get(element_id, element_id),
                "form_name": form,
                "form": engine.forms.schema(form),
            }
        )
    case["history"] = history
    case["steps"] = steps
    case["element_names"] = names
    case["created_by"] = created_by
    return case
