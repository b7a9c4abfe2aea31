"""Per-case figures for the statistics, kept in ``case_figures`` by the step that changes them.

A case's figures come from the completions of a few tasks (named by the process profile's
``[figures]``): the amount applied for, residents reached in early involvement, the nämnd's
decision, and per follow-up period the approved report's money used and dialogue participants.
Each step that completes one of those tasks adds its completions to the case's running tally
(``figures_state``) in the same transaction, reading neither the history nor other cases, so the
statistics read one row per case; the migration builds the same tally from the history. Reports
are matched with the review that approved them by the follow-up number their task showed (a
report sent back and sent again counts once, as approved).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from engine import schema
from engine.clock import STOCKHOLM
from engine.history import Event
from engine.profile import Figures


@dataclass(frozen=True)
class Completion:
    """One completion of a task the figures are made of, with its task's deadline and context."""

    order: int
    at: datetime
    element_id: str
    data: dict[str, Any]
    context: dict[str, Any]
    due_at: datetime | None


def touches(spec: Figures, events: list[Event]) -> bool:
    """Whether a step's events can change the case's figures."""
    return any(e.action == "completed" and e.element_id in spec.elements for e in events)


def local_date(instant: datetime) -> date:
    return instant.astimezone(STOCKHOLM).date()


def _field(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _count(value: Any) -> int | None:
    """A whole non-negative number from form data (booleans are not numbers)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _iso_date(value: Any) -> str | None:
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


def empty_state() -> dict[str, Any]:
    """The running tally a case's figures are made from (stored as ``case_figures.figures_state``).

    ``periods`` holds, per follow-up number, whether its first report came late, the report last
    sent and the one approved (money used and participants per target group).
    """
    return {
        "applied_sek": None,
        "residents_reached": None,
        "decision": None,
        "granted_sek": None,
        "decided_on": None,
        "first_report_on": None,
        "periods": {},
    }


def _sent(spec: Figures, data: dict[str, Any]) -> dict[str, Any]:
    participants: dict[str, int] = {}
    for activity in _field(data, spec.activities) or []:
        if isinstance(activity, dict):
            group = str(activity.get(spec.target_group) or "annan")
            participants[group] = participants.get(group, 0) + (_count(activity.get(spec.participants)) or 0)
    return {"used": _count(_field(data, spec.used_sek)) or 0, "participants": participants}


def apply(spec: Figures, state: dict[str, Any], completion: Completion) -> None:
    """Add one completion to the tally: each step adds its own, so a step never reads the history."""
    data, element = completion.data, completion.element_id
    if element == spec.application:
        state["applied_sek"] = _count(_field(data, spec.applied_sek))
    elif element == spec.early_involvement:
        state["residents_reached"] = _count(_field(data, spec.residents_reached))
    elif element == spec.decision:
        verdict = _field(data, spec.decision_field)
        state["decision"] = verdict if isinstance(verdict, str) else None
        state["granted_sek"] = (_count(_field(data, spec.granted_sek)) or 0) if verdict in spec.granting else 0
        state["decided_on"] = _iso_date(data.get(spec.decision_date)) or local_date(completion.at).isoformat()
    elif element == spec.report:
        key = json.dumps(completion.context.get(spec.report_number))
        # A period's report is late when its first version came after its deadline (a complement
        # asked for later does not make it late).
        late = completion.due_at is not None and completion.at > completion.due_at
        period = state["periods"].setdefault(key, {"late": late, "sent": None, "approved": None})
        period["sent"] = _sent(spec, data)
        state["first_report_on"] = state["first_report_on"] or local_date(completion.at).isoformat()
    elif element == spec.review and data.get(spec.approved) is True:
        period = state["periods"].get(json.dumps(completion.context.get(spec.report_number)))
        if period is not None and period["sent"] is not None:
            period["approved"] = period["sent"]


def columns(state: dict[str, Any]) -> dict[str, Any]:
    """The figure columns the statistics read, from the tally."""
    approved = [p["approved"] for p in state["periods"].values() if p["approved"] is not None]
    participants: dict[str, int] = {}
    for report in approved:
        for group, n in report["participants"].items():
            participants[group] = participants.get(group, 0) + n
    numbers = [json.loads(key) for key in state["periods"]]
    return {
        **{name: state[name] for name in ("applied_sek", "granted_sek", "decision", "decided_on", "first_report_on")},
        "residents_reached": state["residents_reached"],
        "used_sek": sum(r["used"] for r in approved),
        "participants": participants,
        "report_numbers": sorted(n for n in numbers if isinstance(n, int) and not isinstance(n, bool)),
        "reports_submitted": len(state["periods"]),
        "reports_late": sum(1 for p in state["periods"].values() if p["late"]),
        "figures_state": state,
    }


def compute(spec: Figures, completions: list[Completion]) -> dict[str, Any]:
    """The figure columns of one case from all its completions (the backfill; steps use :func:`refresh`)."""
    state = empty_state()
    for completion in sorted(completions, key=lambda c: c.order):
        apply(spec, state, completion)
    return columns(state)


def read_completions(conn: Connection, spec: Figures, case_id: int) -> list[Completion]:
    h, t = schema.history, schema.tasks
    rows = conn.execute(
        select(h.c.id, h.c.at, h.c.element_id, h.c.details)
        .where(h.c.case_id == case_id, h.c.action == "completed", h.c.element_id.in_(spec.elements))
        .order_by(h.c.id)
    ).all()
    task_ids = [str(r.details.get("task_id")) for r in rows if r.details and r.details.get("task_id")]
    tasks: dict[str, Any] = {}
    if task_ids:
        tasks = {r.id: r for r in conn.execute(select(t.c.id, t.c.context, t.c.due_at).where(t.c.id.in_(task_ids)))}
    found = []
    for r in rows:
        details = r.details or {}
        task = tasks.get(str(details.get("task_id")))
        found.append(
            Completion(
                order=r.id,
                at=r.at,
                element_id=r.element_id,
                data=details.get("data") or {},
                context=(task.context if task is not None else None) or {},
                due_at=task.due_at if task is not None else None,
            )
        )
    return found


def _task_facts(conn: Connection, task_ids: list[str]) -> dict[str, Any]:
    t = schema.tasks
    if not task_ids:
        return {}
    return {r.id: r for r in conn.execute(select(t.c.id, t.c.context, t.c.due_at).where(t.c.id.in_(task_ids)))}


def read_state(conn: Connection, case_id: int) -> dict[str, Any] | None:
    f = schema.case_figures
    state = conn.execute(select(f.c.figures_state).where(f.c.case_id == case_id)).scalar()
    return state if isinstance(state, dict) else None


def refresh(conn: Connection, spec: Figures, case_id: int, events: list[Event], now: datetime) -> None:
    """Add this step's completions to the case's figures, in the step's transaction.

    Reads the case's stored tally and the completed tasks' rows (their follow-up number and
    deadline), never the history: a report at follow-up 200 costs what the first one did.
    """
    relevant = [e for e in events if e.action == "completed" and e.element_id in spec.elements]
    tasks = _task_facts(conn, [str(e.details.get("task_id")) for e in relevant if e.details.get("task_id")])
    stored = read_state(conn, case_id)
    state = stored if stored is not None else empty_state()
    for event in relevant:
        task = tasks.get(str(event.details.get("task_id")))
        completion = Completion(
            order=0,
            at=now,
            element_id=str(event.element_id),
            data=event.details.get("data") or {},
            context=(task.context if task is not None else None) or {},
            due_at=task.due_at if task is not None else None,
        )
        apply(spec, state, completion)
    _save(conn, case_id, {**columns(state), "updated_at": now}, exists=stored is not None)


def rebuild(conn: Connection, spec: Figures, case_id: int, now: datetime) -> None:
    """Recompute the case's figures from its whole history (the migration's backfill)."""
    values = {**compute(spec, read_completions(conn, spec, case_id)), "updated_at": now}
    _save(conn, case_id, values, exists=read_state(conn, case_id) is not None)


def _save(conn: Connection, case_id: int, values: dict[str, Any], exists: bool) -> None:
    f = schema.case_figures
    if exists:
        conn.execute(f.update().where(f.c.case_id == case_id).values(**values))
    else:
        conn.execute(f.insert().values(case_id=case_id, **values))
