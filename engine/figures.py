"""Per-case figures for the statistics, kept in ``case_figures`` by the step that changes them.

A case's figures come from the completions of a few tasks (named by the process profile's
``[figures]``): the amount applied for, residents reached in early involvement, the nämnd's
decision, and per follow-up period the approved report's money used and dialogue participants.
Each step that completes one of those tasks recomputes the case's row from its history in the
same transaction, so the statistics read one row per case and never the history. Reports are
matched with the review that approved them by the follow-up number their task showed (a report
sent back and sent again counts once, as approved).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from engine import schema
from engine.clock import STOCKHOLM
from engine.history import Event
from engine.profile import Figures

FIGURE_COLUMNS = (
    "applied_sek",
    "granted_sek",
    "decision",
    "decided_on",
    "first_report_on",
    "used_sek",
    "residents_reached",
    "participants",
    "report_numbers",
    "reports_submitted",
    "reports_late",
)


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


def compute(spec: Figures, completions: list[Completion]) -> dict[str, Any]:
    """The figure columns of one case from its completions (oldest first)."""
    last: dict[str, Completion] = {}
    reports: list[Completion] = []
    first_sent: dict[Any, Completion] = {}  # follow-up number -> its report's first submission
    approved: dict[Any, Completion] = {}  # follow-up number -> the report its approval was for
    for completion in sorted(completions, key=lambda c: c.order):
        last[completion.element_id] = completion
        number = completion.context.get(spec.report_number)
        if completion.element_id == spec.report:
            reports.append(completion)
            first_sent.setdefault(number, completion)
        elif completion.element_id == spec.review and completion.data.get(spec.approved) is True:
            sent = [r for r in reports if r.context.get(spec.report_number) == number]
            if sent:
                approved[number] = sent[-1]
    decision = last.get(spec.decision)
    verdict = _field(decision.data, spec.decision_field) if decision else None
    participants: dict[str, int] = {}
    for report in approved.values():
        for activity in _field(report.data, spec.activities) or []:
            if not isinstance(activity, dict):
                continue
            group = str(activity.get(spec.target_group) or "annan")
            participants[group] = participants.get(group, 0) + (_count(activity.get(spec.participants)) or 0)
    application, involvement = last.get(spec.application), last.get(spec.early_involvement)
    return {
        "applied_sek": _count(_field(application.data, spec.applied_sek)) if application else None,
        "granted_sek": (_count(_field(decision.data, spec.granted_sek)) or 0)
        if decision and verdict in spec.granting
        else (0 if decision else None),
        "decision": verdict if isinstance(verdict, str) else None,
        "decided_on": (_iso_date(decision.data.get(spec.decision_date)) or local_date(decision.at).isoformat())
        if decision
        else None,
        "first_report_on": local_date(reports[0].at).isoformat() if reports else None,
        "used_sek": sum(_count(_field(r.data, spec.used_sek)) or 0 for r in approved.values()),
        "residents_reached": _count(_field(involvement.data, spec.residents_reached)) if involvement else None,
        "participants": participants,
        # A period's report is late when its first version came after its deadline (a complement
        # asked for later does not make it late).
        "report_numbers": sorted((n for n in first_sent if isinstance(n, int)), key=int),
        "reports_submitted": len(first_sent),
        "reports_late": sum(1 for r in first_sent.values() if r.due_at is not None and r.at > r.due_at),
    }


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


def refresh(conn: Connection, spec: Figures, case_id: int, now: datetime) -> None:
    """Recompute the case's figures row from its history, in the caller's transaction."""
    values = {**compute(spec, read_completions(conn, spec, case_id)), "updated_at": now}
    f = schema.case_figures
    if conn.execute(f.update().where(f.c.case_id == case_id).values(**values)).rowcount == 0:
        conn.execute(f.insert().values(case_id=case_id, **values))
