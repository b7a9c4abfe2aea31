"""Retention (gallring): personal data of cases ended longer ago than ``SAMVERKAN_RETENTION_DAYS``.

For each such case, in one transaction under the case's lock version: every value of a field
marked personal (``engine.personal``) is replaced by :data:`MARKER` wherever the case's data
is kept (the case row and its workflow state, task contexts, history details, drafts), the
recipients of its notifications too, and its attachments that only personal fields referred to
are deleted (rows in the transaction, files after it committed). One ``gallrad`` history row
records what was removed (counts, never values), when and under which setting. A case that has
that row is done: running again changes nothing. The dry run computes the same and writes
nothing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, select

from engine import schema
from engine.attachments import Store
from engine.context import Samverkan
from engine.errors import Conflict
from engine.history import Event
from engine.history import write as write_history
from engine.personal import case_personal_paths, path_is_personal

MARKER = "[gallrad]"
"""What a removed personal value becomes (text fields; numbers and yes/no stay as they were)."""

ACTION = "gallrad"
SETTING = "SAMVERKAN_RETENTION_DAYS"
PLACES = ("case_data", "workflow_state", "task_context", "history", "drafts", "notifications")
PLACE_LABELS = {
    "case_data": "ärendedata",
    "workflow_state": "processens tillstånd",
    "task_context": "uppgifter",
    "history": "historik",
    "drafts": "utkast",
    "notifications": "notiser",
    "attachments": "bilagor",
}

c, h, t, d, n, a = (
    schema.cases,
    schema.history,
    schema.tasks,
    schema.drafts,
    schema.notifications,
    schema.attachments,
)


class _Redactor:
    """Replaces the text under personal paths; counts what it replaced and remembers the texts."""

    def __init__(self, paths: frozenset[str]) -> None:
        self.paths = paths
        self.roots = frozenset(p.split(".")[0].split("[")[0] for p in paths)
        self.removed: set[str] = set()

    def data(self, value: Any) -> tuple[Any, int]:
        """Redact ``value`` and any data dict nested anywhere in it (workflow state, history details)."""
        if isinstance(value, dict):
            count, out = 0, {}
            for key, item in value.items():
                if key in self.roots:
                    out[key], found = self._at(item, key)
                else:
                    out[key], found = self.data(item)
                count += found
            return out, count
        if isinstance(value, list):
            pairs = [self.data(item) for item in value]
            return [p[0] for p in pairs], sum(p[1] for p in pairs)
        return value, 0

    def _at(self, value: Any, path: str) -> tuple[Any, int]:
        if path_is_personal(self.paths, path):
            return self._blank(value)
        if isinstance(value, dict):
            pairs = {key: self._at(item, f"{path}.{key}") for key, item in value.items()}
            return {k: p[0] for k, p in pairs.items()}, sum(p[1] for p in pairs.values())
        if isinstance(value, list):
            pairs_list = [self._at(item, path + "[]") for item in value]
            return [p[0] for p in pairs_list], sum(p[1] for p in pairs_list)
        return value, 0

    def _blank(self, value: Any) -> tuple[Any, int]:
        if isinstance(value, str):
            if value == MARKER:
                return value, 0
            self.removed.add(value)
            return MARKER, 1
        if isinstance(value, dict):
            pairs = {key: self._blank(item) for key, item in value.items()}
            return {k: p[0] for k, p in pairs.items()}, sum(p[1] for p in pairs.values())
        if isinstance(value, list):
            pairs_list = [self._blank(item) for item in value]
            return [p[0] for p in pairs_list], sum(p[1] for p in pairs_list)
        return value, 0


@dataclass
class CasePlan:
    """What gallring removes from one case: counts per place, the new values, the files to delete."""

    case_id: int
    title: str
    ended_at: datetime
    lock_version: int
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PLACES, 0))
    attachments: list[str] = field(default_factory=list)
    case_row: dict[str, Any] = field(default_factory=dict)
    task_rows: dict[str, Any] = field(default_factory=dict)
    history_rows: dict[int, Any] = field(default_factory=dict)
    draft_rows: dict[tuple[str, str], Any] = field(default_factory=dict)
    notification_ids: list[int] = field(default_factory=list)

    def summary(self) -> CasePlan:
        """The plan without its new rows: what a result keeps (10,000 cases' data would not fit)."""
        return CasePlan(self.case_id, self.title, self.ended_at, self.lock_version, self.counts, self.attachments)

    @property
    def removed(self) -> dict[str, int]:
        return {**self.counts, "attachments": len(self.attachments)}

    def describe(self) -> str:
        parts = [f"{count} i {PLACE_LABELS[place]}" for place, count in self.removed.items() if count]
        return ", ".join(parts) if parts else "inga personuppgifter kvar"


@dataclass
class Result:
    cutoff: datetime
    retention_days: int
    dry_run: bool
    cases: list[CasePlan] = field(default_factory=list)
    searches: int = 0  # register searches whose terms were blanked
    users: int = 0  # deactivated users whose name, e-mail and sign-on subject were blanked

    def totals(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for plan in self.cases:
            for place, count in plan.removed.items():
                total[place] = total.get(place, 0) + count
        return total

    def lines(self) -> Iterator[str]:
        """What the command prints, in Swedish."""
        verb = "skulle gallras" if self.dry_run else "gallrade"
        head = f"Ärenden avslutade före {self.cutoff.date().isoformat()} ({SETTING}={self.retention_days})"
        yield f"{head}: {len(self.cases)} {verb}{' (provkörning, inget ändrat)' if self.dry_run else ''}"
        for plan in self.cases:
            ended = plan.ended_at.date().isoformat()
            yield f"  ärende {plan.case_id} ”{plan.title}”, avslutat {ended}: {plan.describe()}"
        if self.users:
            before = self.cutoff.date().isoformat()
            yield f"Namn och e-post för {self.users} användare inaktiverade före {before} {verb}"
        if self.searches:
            yield f"Sökord i {self.searches} registerutdrag från före {self.cutoff.date().isoformat()} {verb}"
        if self.cases:
            total = self.totals()
            yield "Totalt: " + ", ".join(f"{total.get(p, 0)} i {PLACE_LABELS[p]}" for p in PLACE_LABELS)


def cutoff_of(engine: Samverkan, now: datetime | None = None) -> datetime:
    return (now or engine.now()) - timedelta(days=engine.settings.retention_days)


def due_cases(conn: Connection, cutoff: datetime, limit: int | None = None) -> list[tuple[int, datetime]]:
    """``(case id, ended at)`` of ended cases past the cutoff that were not gallrade yet, oldest first."""
    done = exists().where(and_(h.c.case_id == c.c.id, h.c.action == ACTION))
    ended = h.alias("ended")
    query = (
        select(c.c.id, ended.c.at)
        .join(ended, and_(ended.c.case_id == c.c.id, ended.c.action == "ended"))
        .where(c.c.status == "completed", ended.c.at < cutoff, ~done)
        .order_by(ended.c.at, c.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [(row.id, row.at) for row in conn.execute(query)]


def plan_case(conn: Connection, redactor: _Redactor, case_id: int, ended_at: datetime) -> CasePlan:
    """Read one case and compute its redacted rows (nothing is written)."""
    case = conn.execute(select(c.c.title, c.c.data, c.c.state, c.c.lock_version).where(c.c.id == case_id)).one()
    plan = CasePlan(case_id, case.title, ended_at, case.lock_version)
    data, plan.counts["case_data"] = redactor.data(case.data)
    state, plan.counts["workflow_state"] = redactor.data(case.state)
    if plan.counts["case_data"] or plan.counts["workflow_state"]:
        plan.case_row = {"data": data, "state": state}
    for row in conn.execute(select(t.c.id, t.c.context).where(t.c.case_id == case_id, t.c.context.is_not(None))):
        context, found = redactor.data(row.context)
        if found:
            plan.task_rows[row.id] = context
            plan.counts["task_context"] += found
    kept_text = [json.dumps(data)]
    for entry in conn.execute(select(h.c.id, h.c.details).where(h.c.case_id == case_id)):
        details, found = redactor.data(entry.details)
        if found:
            plan.history_rows[entry.id] = details
            plan.counts["history"] += found
        kept_text.append(json.dumps(details))
    task_ids = select(t.c.id).where(t.c.case_id == case_id)
    for saved in conn.execute(select(d.c.task_id, d.c.username, d.c.data).where(d.c.task_id.in_(task_ids))):
        draft, found = redactor.data(saved.data)
        if found:
            plan.draft_rows[(saved.task_id, saved.username)] = draft
            plan.counts["drafts"] += found
    plan.notification_ids = list(
        conn.execute(
            select(n.c.id).where(n.c.case_id == case_id, n.c.recipient.is_not(None), n.c.recipient != MARKER)
        ).scalars()
    )
    plan.counts["notifications"] = len(plan.notification_ids)
    # A file goes when a personal field held it, or when nothing that stays refers to it.
    text = "\n".join(kept_text)
    for attachment_id in conn.execute(select(a.c.id).where(a.c.case_id == case_id).order_by(a.c.id)).scalars():
        if attachment_id in redactor.removed or attachment_id not in text:
            plan.attachments.append(attachment_id)
    return plan


_SET_CONTEXT = t.update().where(t.c.id == bindparam("b_id")).values(context=bindparam("b_value"))
_SET_DETAILS = h.update().where(h.c.id == bindparam("b_id")).values(details=bindparam("b_value"))
_SET_DRAFT = (
    d.update()
    .where(d.c.task_id == bindparam("b_id"), d.c.username == bindparam("b_user"))
    .values(data=bindparam("b_value"))
)


def _apply(conn: Connection, plan: CasePlan, now: datetime, retention_days: int) -> None:
    moved = conn.execute(
        c.update()
        .where(c.c.id == plan.case_id, c.c.lock_version == plan.lock_version)
        .values(lock_version=plan.lock_version + 1, **plan.case_row)
    )
    if moved.rowcount != 1:
        raise Conflict("Ärendet ändrades under gallringen; kör igen.", code="stale")
    # One statement per table, many rows each: a round trip per table, not per row (PostgreSQL).
    if plan.task_rows:
        conn.execute(_SET_CONTEXT, [{"b_id": k, "b_value": v} for k, v in plan.task_rows.items()])
    if plan.history_rows:
        conn.execute(_SET_DETAILS, [{"b_id": k, "b_value": v} for k, v in plan.history_rows.items()])
    if plan.draft_rows:
        rows = [{"b_id": task, "b_user": user, "b_value": v} for (task, user), v in plan.draft_rows.items()]
        conn.execute(_SET_DRAFT, rows)
    if plan.notification_ids:
        conn.execute(n.update().where(n.c.id.in_(plan.notification_ids)).values(recipient=MARKER))
    if plan.attachments:
        conn.execute(a.delete().where(a.c.id.in_(plan.attachments)))
    details = {
        "setting": SETTING,
        "retention_days": retention_days,
        "ended_at": plan.ended_at.isoformat(),
        "removed": plan.removed,
        "marker": MARKER,
    }
    write_history(conn, plan.case_id, now, [Event(ACTION, "system", None, details)])


def gallra(engine: Samverkan, store: Store, dry_run: bool = False, limit: int | None = None) -> Result:
    """Remove personal data of every case past the retention period; one transaction per case."""
    now = engine.now()
    days = engine.settings.retention_days
    result = Result(cutoff_of(engine, now), days, dry_run)
    paths = case_personal_paths(engine.forms)
    result.searches = _forget_searches(engine, result.cutoff, dry_run)
    result.users = _forget_users(engine, result.cutoff, dry_run)
    with engine.db.connect() as conn:
        due = due_cases(conn, result.cutoff, limit)
        if dry_run:
            result.cases = [plan_case(conn, _Redactor(paths), case_id, ended).summary() for case_id, ended in due]
            return result
    for case_id, ended_at in due:
        redactor = _Redactor(paths)
        try:
            with engine.write() as conn:
                if conn.execute(select(h.c.id).where(h.c.case_id == case_id, h.c.action == ACTION).limit(1)).first():
                    continue  # another worker did it meanwhile
                plan = plan_case(conn, redactor, case_id, ended_at)
                _apply(conn, plan, now, days)
                engine.after_commit(conn, functools.partial(_unlink, store, tuple(plan.attachments)))
        except Conflict:
            continue  # another worker gallrade it between our read and our write: its row says so
        result.cases.append(plan.summary())
    return result


def _forget_searches(engine: Samverkan, cutoff: datetime, dry_run: bool) -> int:
    """Blank the terms of register searches made before the cutoff (who searched and when stay)."""
    s = schema.register_searches
    with engine.write() as conn:
        rows = conn.execute(select(s.c.id, s.c.terms).where(s.c.at < cutoff)).all()
        ids = [row.id for row in rows if row.terms != [MARKER]]
        if ids and not dry_run:
            conn.execute(s.update().where(s.c.id.in_(ids)).values(terms=[MARKER]))
    return len(ids)


def _forget_users(engine: Samverkan, cutoff: datetime, dry_run: bool) -> int:
    """Blank the name, e-mail and sign-on subject of users deactivated before the cutoff, and the
    details of the admin events about them. The username stays: the history says who handled a case."""
    u, e = schema.users, schema.admin_events
    last_deactivated = (
        select(e.c.target, func.max(e.c.at).label("at"))
        .where(e.c.target_kind == "user", e.c.action == "user_deactivated")
        .group_by(e.c.target)
        .subquery()
    )
    with engine.write() as conn:
        names = list(
            conn.execute(
                select(u.c.username)
                .join(last_deactivated, last_deactivated.c.target == u.c.username)
                .where(u.c.active.is_(False), last_deactivated.c.at < cutoff, u.c.display_name != MARKER)
            ).scalars()
        )
        if names and not dry_run:
            conn.execute(
                u.update().where(u.c.username.in_(names)).values(display_name=MARKER, email=None, oidc_subject=None)
            )
            conn.execute(
                e.update().where(e.c.target_kind == "user", e.c.target.in_(names)).values(details={"gallrad": True})
            )
    return len(names)


def _unlink(store: Store, attachment_ids: tuple[str, ...]) -> None:
    for attachment_id in attachment_ids:
        store.path(attachment_id).unlink(missing_ok=True)
