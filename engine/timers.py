"""The timer sweep: claim due timer rows, fire each case's due timers once, retry, report incidents.

Several workers may sweep at once. A worker claims rows by moving them from ``waiting`` to
``firing`` in one statement (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers take
different rows; on SQLite the write lock serializes claims). Each case is then fired in its
own savepoint under the case's optimistic lock, :data:`CASES_PER_TRANSACTION` cases to one
transaction (one commit, not one per case); the step removes the fired timers' rows in that
same savepoint, so a timer that has fired can never fire again. A case that fails rolls back
to its savepoint alone: its rows are marked for a retry (or an incident) and the others commit. Rows claimed by a sweep
whose process is gone are waiting again at the start of the next sweep (see
:mod:`engine.sweep_turn`); rows of a claimer that may still be alive, after :data:`CLAIM_TIMEOUT`.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select
from sqlalchemy.exc import DBAPIError

from engine import cases, schema
from engine.context import Samverkan, User
from engine.db import pipelined
from engine.errors import Conflict, Forbidden, NotFound
from engine.runtime import StepError
from engine.sweep_turn import Turn, stale_tokens, take_turn
from engine.timer_claims import FIRING, WAITING, release_rows

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=5)
CLAIM_BATCH = 200
"""Due timer rows claimed per statement."""
CASES_PER_TRANSACTION = 20
"""Cases fired per transaction, each in its own savepoint. A user's step on one of them waits
(PostgreSQL row lock) at most until the batch commits: some tens of milliseconds."""
MAX_ATTEMPTS = 3
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5))  # wait after the 1st and 2nd failed attempt
INCIDENT_VIEWERS = ("admin", "chef")
INCIDENT = "incident"


@dataclass
class SweepResult:
    """What one sweep did; ``fired`` counts timers, the rest count claimed rows or cases."""

    fired: int = 0
    cases: int = 0
    claimed: int = 0
    reclaimed: int = 0
    retries: int = 0
    incidents: int = 0
    conflicts: int = 0


@dataclass(frozen=True)
class _Claimed:
    id: str
    case_id: int
    due_at: datetime


@dataclass
class _Sweep:
    engine: Samverkan
    now: datetime
    token: str
    result: SweepResult = field(default_factory=SweepResult)
    skip: set[str] = field(default_factory=set)
    conflicted: set[int] = field(default_factory=set)
    only: Collection[int] | None = None


def sweep(
    engine: Samverkan,
    now: datetime,
    limit: int = CLAIM_BATCH,
    worker: str | None = None,
    claim_timeout: timedelta = CLAIM_TIMEOUT,
    case_ids: Collection[int] | None = None,
    turn: Turn | None = None,
) -> SweepResult:
    """Fire every timer due by ``now``, oldest first, then return; what it writes is dated ``now``.

    ``case_ids`` limits the sweep to those cases' timers (the demo replays its own cases and
    leaves every other case to the worker). ``turn`` is the caller's (``samverkan worker`` holds
    one for its whole tick); without it the sweep takes its own.
    """
    if turn is None:
        with take_turn(engine, worker) as own:
            return sweep(engine, now, limit, worker, claim_timeout, case_ids, own)
    run = _Sweep(engine, now, turn.token, only=case_ids)
    run.result.reclaimed = release_stale_claims(engine, run.now, claim_timeout, turn)
    while claimed := _claim(run, limit):
        run.result.claimed += len(claimed)
        grouped = list(_by_case(claimed).items())
        for start in range(0, len(grouped), CASES_PER_TRANSACTION):
            _fire_cases(run, grouped[start : start + CASES_PER_TRANSACTION])
    return run.result


def release_stale_claims(
    engine: Samverkan, now: datetime, timeout: timedelta = CLAIM_TIMEOUT, turn: Turn | None = None
) -> int:
    """Rows left in ``firing`` by a sweep that is gone (see ``turn``), or claimed ``timeout`` ago, wait again."""
    t = schema.timers
    with engine.write() as conn:
        claimers = conn.execute(select(t.c.claimed_by).where(t.c.state == FIRING).distinct()).scalars()
        gone = stale_tokens(conn, turn, (c for c in claimers if c)) if turn is not None else set()
        stale = t.c.claimed_at < now - timeout
        if gone:
            stale = or_(stale, t.c.claimed_by.in_(sorted(gone)))
        result = conn.execute(
            t.update().where(t.c.state == FIRING, stale).values(state=WAITING, claimed_by=None, claimed_at=None)
        )
    if result.rowcount:
        log.warning("%d timers claimed by a stopped worker are waiting again", result.rowcount)
    return int(result.rowcount)


def _claim(run: _Sweep, limit: int) -> list[_Claimed]:
    t = schema.timers
    due = (
        select(t.c.id)
        .where(
            t.c.state == WAITING,
            t.c.due_at <= run.now,
            or_(t.c.next_attempt_at.is_(None), t.c.next_attempt_at <= run.now),
        )
        .order_by(t.c.due_at, t.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)  # rendered on PostgreSQL; SQLite serializes writers anyway
    )
    if run.skip:
        due = due.where(t.c.id.not_in(run.skip))
    if run.only is not None:
        due = due.where(t.c.case_id.in_(sorted(run.only)))
    with run.engine.write() as conn:
        rows = conn.execute(
            t.update()
            .where(t.c.id.in_(due.scalar_subquery()), t.c.state == WAITING)
            .values(state=FIRING, claimed_by=run.token, claimed_at=run.now)
            .returning(t.c.id, t.c.case_id, t.c.due_at)
        ).all()
    return sorted((_Claimed(r.id, r.case_id, r.due_at) for r in rows), key=lambda c: (c.due_at, c.id))


def _by_case(claimed: list[_Claimed]) -> dict[int, list[_Claimed]]:
    """Cases in the order of their oldest claimed timer."""
    grouped: dict[int, list[_Claimed]] = {}
    for row in claimed:
        grouped.setdefault(row.case_id, []).append(row)
    return grouped


def _fire_cases(run: _Sweep, batch: list[tuple[int, list[_Claimed]]]) -> None:
    """Several cases in one transaction, each in a savepoint; what is counted counts once it commits."""
    outcome = SweepResult()
    skip: set[str] = set()
    conflicted: set[int] = set()
    # On PostgreSQL the batch runs in one pipeline: a case costs two round trips (its read, with the
    # previous case's last writes and its own savepoint; then its writes), not one per statement.
    with run.engine.write() as conn, pipelined(conn):
        for case_id, rows in batch:
            ids = [row.id for row in rows]
            try:
                with run.engine.savepoint(conn):
                    fired = cases.fire_due_timers_in(run.engine, conn, case_id, run.now, cases.Claim(run.token, ids))
            except (Conflict, NotFound, DBAPIError) as err:
                if isinstance(err, DBAPIError) and not _lost_race(err):
                    log.exception("firing the timers of case %s failed", case_id)
                    _record_failure(run, conn, ids, err, outcome)
                    continue
                # Someone else stepped the case meanwhile; the lock kept it consistent. Try once more.
                outcome.conflicts += 1
                released = release_rows(conn, run.token, ids)
                if case_id in run.conflicted or isinstance(err, NotFound):
                    skip.update(released)
                conflicted.add(case_id)
            except Exception as err:  # noqa: BLE001 - any failure is recorded on the rows and retried, never dropped
                log.exception("firing the timers of case %s failed", case_id)
                _record_failure(run, conn, ids, err, outcome)
            else:
                # A claimed row the step did not remove did not fire (moved, or not due after all):
                # it is waiting again, and left alone for the rest of this sweep.
                skip.update(fired.released)
                outcome.fired += fired.fired
                outcome.cases += 1
    run.skip.update(skip)
    run.conflicted.update(conflicted)
    for name in ("fired", "cases", "conflicts", "retries", "incidents"):
        setattr(run.result, name, getattr(run.result, name) + getattr(outcome, name))


def _lost_race(err: DBAPIError) -> bool:
    """A deadlock or serialization failure with another sweep or a user's step (PostgreSQL 40P01, 40001)."""
    return getattr(err.orig, "sqlstate", None) in ("40P01", "40001")


def _record_failure(run: _Sweep, conn: Connection, ids: list[str], err: Exception, outcome: SweepResult) -> None:
    t = schema.timers
    if isinstance(err, StepError):
        message = f"{err.element_id or '-'}: {err.message}"
    else:
        message = f"{type(err).__name__}: {err}"
    rows = conn.execute(
        select(t.c.id, t.c.attempts).where(t.c.id.in_(ids), t.c.claimed_by == run.token, t.c.state == FIRING)
    ).all()
    for row in rows:
        attempts = row.attempts + 1
        values: dict[str, Any] = {"attempts": attempts, "last_error": message[:2000]}
        values.update(claimed_by=None, claimed_at=None)
        if attempts >= MAX_ATTEMPTS:
            values.update(state=INCIDENT, next_attempt_at=None)
            outcome.incidents += 1
        else:
            values.update(state=WAITING, next_attempt_at=run.now + BACKOFF[attempts - 1])
            outcome.retries += 1
        conn.execute(t.update().where(t.c.id == row.id).values(**values))


def list_incidents(engine: Samverkan, user: User) -> list[dict[str, Any]]:
    """Timers that failed :data:`MAX_ATTEMPTS` times and cases stopped by a failing step."""
    if not user.has(*INCIDENT_VIEWERS):
        raise Forbidden("Endast chef och administratör ser incidenter.", code="forbidden")
    t, c = schema.timers, schema.cases
    with engine.db.connect() as conn:
        timer_rows = conn.execute(
            select(t, c.c.title)
            .join(c, c.c.id == t.c.case_id)
            .where(t.c.state == INCIDENT)
            .order_by(t.c.due_at, t.c.id)
        ).all()
        case_rows = conn.execute(
            # JSON null and SQL NULL differ by dialect; the dict check below sorts them out.
            select(c.c.id, c.c.title, c.c.incident)
            .where(c.c.status == "active", c.c.incident.is_not(None))
            .order_by(c.c.id)
        ).all()
    found: list[dict[str, Any]] = [
        {
            "kind": "timer",
            "timer_id": r.id,
            "case_id": r.case_id,
            "case_title": r.title,
            "element_id": r.element_id,
            "due_at": r.due_at.isoformat(),
            "attempts": r.attempts,
            "error": r.last_error,
        }
        for r in timer_rows
    ]
    found.extend(
        {
            "kind": "case",
            "case_id": r.id,
            "case_title": r.title,
            "element_id": r.incident.get("element_id"),
            "at": r.incident.get("at"),
            "error": r.incident.get("message"),
        }
        for r in case_rows
        if isinstance(r.incident, dict)
    )
    return found


def retry_timer(engine: Samverkan, user: User, timer_id: str) -> None:
    """After a timer incident is fixed: the next sweep fires the timer again, from a clean count."""
    if not user.has("admin"):
        raise Forbidden("Endast administratörer kan köra om en timer.", code="forbidden")
    t = schema.timers
    with engine.write() as conn:
        result = conn.execute(
            t.update()
            .where(t.c.id == timer_id, t.c.state == INCIDENT)
            .values(state=WAITING, attempts=0, next_attempt_at=None, claimed_by=None, claimed_at=None)
        )
        if result.rowcount != 1:
            raise NotFound(f"Timern {timer_id} har ingen incident.", code="not_found")
