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


def completions(engine: Samverkan, case_id: int, element_ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every completion of the user tasks ``element_ids`` in a case, oldest first.

    Each has ``at``, ``actor`` (with ``actor_name``, the user's display name), ``element_id``, the
    submitted ``data`` and the task's ``context`` (what its page showed, e.g. which follow-up
    period a report was about): the history keeps each completion, while the case data holds
    only the latest, and parallel follow-up periods fill in the same fields.
    """
    h, t, u = schema.history, schema.tasks, schema.users
    query = (
        select(h.c.id, h.c.at, h.c.actor, h.c.element_id, h.c.details, u.c.display_name)
        .outerjoin(u, u.c.username == h.c.actor)
        .where(h.c.case_id == case_id, h.c.action == "completed", h.c.element_id.in_(element_ids))
        .order_by(h.c.id)
    )
    with engine.db.connect() as conn:
        rows = conn.execute(query).all()
        task_ids = [str(r.details.get("task_id")) for r in rows if r.details and r.details.get("task_id")]
        contexts: dict[str, Any] = {}
        if task_ids:
            contexts = {r.id: r.context for r in conn.execute(select(t.c.id, t.c.context).where(t.c.id.in_(task_ids)))}
    return [
        {
            "id": r.id,
            "at": r.at,
            "actor": r.actor,
            "actor_name": r.display_name or r.actor,
            "element_id": r.element_id,
            "data": (r.details or {}).get("data") or {},
            "context": contexts.get(str((r.details or {}).get("task_id"))) or {},
        }
        for r in rows
    ]
