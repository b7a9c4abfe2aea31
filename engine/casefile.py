"""Everything the case page shows, read in one go: the case, its history and its steps' forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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


def completions(engine: Samverkan, case_id: int, element_ids: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """Every completion of the user tasks ``element_ids`` (None: of all tasks) in a case, oldest first.

    Each has ``at``, ``actor`` (with ``actor_name``, the user's display name), ``element_id``, the
    submitted ``data`` and the task's ``context`` (what its page showed, e.g. which follow-up
    period a report was about): the history keeps each completion, while the case data holds
    only the latest, and parallel follow-up periods fill in the same fields.
    """
    h, t, u = schema.history, schema.tasks, schema.users
    query = (
        select(h.c.id, h.c.at, h.c.actor, h.c.element_id, h.c.details, u.c.display_name)
        .outerjoin(u, u.c.username == h.c.actor)
        .where(h.c.case_id == case_id, h.c.action == "completed")
        .order_by(h.c.id)
    )
    if element_ids is not None:
        query = query.where(h.c.element_id.in_(element_ids))
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


@dataclass
class Group:
    """Submissions of one phase, or of one follow-up period (``period`` its number), in time order."""

    phase: str
    period: int | None
    period_from: str | None = None
    period_to: str | None = None
    submissions: list[dict[str, Any]] = field(default_factory=list)


def submissions(engine: Samverkan, case: dict[str, Any]) -> list[Group]:
    """Every submission of every task of ``case`` (a :func:`case_file`), grouped by phase and
    follow-up period in the order each group began; the history keeps each submission, where
    the case data holds only the latest (a second assessment, the second year's report).

    Each submission has ``name``, ``form`` (its schema) besides what :func:`completions` gives.
    """
    with engine.db.connect() as conn:
        definition = engine.definition(conn, case["process_id"], case["process_version"])
    follow_up = engine.profile(case["process_id"]).follow_up
    groups: dict[tuple[str, int | None], Group] = {}
    for row in completions(engine, case["id"], None):
        element = definition.elements.get(row["element_id"])
        phase = (element.phase if element else None) or ""
        about = {**row["context"], **row["data"]}
        period = None
        if follow_up is not None and phase == follow_up.phase:
            number = about.get(follow_up.number)
            period = number if isinstance(number, int) and not isinstance(number, bool) and number > 0 else None
        group = groups.setdefault((phase, period), Group(phase, period))
        if follow_up is not None and period is not None:
            group.period_from = group.period_from or _text(about.get(follow_up.start))
            group.period_to = group.period_to or _text(about.get(follow_up.end))
        form = definition.form_of(row["element_id"])
        row["name"] = definition.name_of(row["element_id"])
        row["form"] = engine.forms.schema(form) if form else {"properties": {}}
        row["form_name"] = form
        group.submissions.append(row)
    return list(groups.values())


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def deadlines(engine: Samverkan, case: dict[str, Any]) -> list[dict[str, Any]]:
    """What falls due ahead in ``case``: open tasks' due dates and waiting timers, soonest first.

    Each has ``name``, ``due_at`` (aware datetime), ``kind`` (``task`` or ``timer``), and for a
    timer on a task its ``action`` (``reminder``, ``escalation`` or None) and ``task_name``. A
    reminder that falls on its task's due date is that due date, so it is left out.
    """
    t = schema.timers
    now = engine.now()
    found: list[dict[str, Any]] = [
        {"name": task["name"], "due_at": datetime.fromisoformat(task["due_at"]), "kind": "task"}
        for task in case["open_tasks"]
        if task["due_at"]
    ]
    with engine.db.connect() as conn:
        rows = conn.execute(
            select(t.c.element_id, t.c.attached_to, t.c.action, t.c.due_at).where(
                t.c.case_id == case["id"], t.c.state == "waiting"
            )
        ).all()
    names = case.get("element_names", {})
    due = {
        (task["element_id"], task["due_at"] and datetime.fromisoformat(task["due_at"])) for task in case["open_tasks"]
    }
    found += [
        {
            "name": names.get(r.element_id, r.element_id),
            "due_at": r.due_at,
            "kind": "timer",
            "action": r.action,
            "task_name": names.get(r.attached_to, r.attached_to) if r.attached_to else None,
        }
        for r in rows
        if r.due_at >= now and not (r.action == "reminder" and (r.attached_to, r.due_at) in due)
    ]
    return sorted(found, key=lambda d: d["due_at"])
