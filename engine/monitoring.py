"""What operations watch: does the database answer, when did a worker last sweep, what waits.

Every figure is one cheap count over an index, so the health check and a Prometheus scrape
can ask for them every few seconds. Instants are wall-clock time (see :mod:`engine.heartbeats`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from engine import schema
from engine.context import Samverkan
from engine.timer_claims import FIRING, WAITING
from engine.timers import INCIDENT

LATE_AFTER = timedelta(minutes=5)
"""A timer due longer ago than this and still not fired is late: no worker is keeping up."""
GRACE = timedelta(seconds=60)
"""A worker counts as active while its last sweep is at most two intervals plus this old."""


@dataclass(frozen=True)
class WorkerBeat:
    id: str
    host: str
    pid: int
    last_sweep_at: datetime
    interval_seconds: int
    sweeps: int
    timers_fired: int
    notifications_sent: int

    def active(self, now: datetime) -> bool:
        return now - self.last_sweep_at <= 2 * timedelta(seconds=self.interval_seconds) + GRACE


def workers(conn: Connection) -> list[WorkerBeat]:
    w = schema.worker_heartbeats
    rows = conn.execute(select(w).order_by(w.c.last_sweep_at.desc())).all()
    return [
        WorkerBeat(
            r.id, r.host, r.pid, r.last_sweep_at, r.interval_seconds, r.sweeps, r.timers_fired, r.notifications_sent
        )
        for r in rows
    ]


def health(engine: Samverkan, now: datetime) -> dict[str, Any]:
    """The database answered a query of our schema; when the timers were last swept.

    Raises the database's error when it does not answer (the caller says 503).
    """
    with engine.db.connect() as conn:
        beats = workers(conn)
    last = beats[0].last_sweep_at if beats else None
    active = sum(1 for beat in beats if beat.active(now))
    return {
        "status": "ok",
        "database": "ok",
        "worker": {
            "status": "ok" if active else ("stale" if beats else "none"),
            "last_sweep_at": last.isoformat() if last else None,
            "seconds_since_last_sweep": round((now - last).total_seconds(), 1) if last else None,
            "active_workers": active,
        },
    }


def gauges(engine: Samverkan, now: datetime) -> dict[str, Any]:
    """What waits right now: timers (due, late, failed), the mail outbox, active cases, the workers."""
    t, n, c = schema.timers, schema.notifications, schema.cases
    pending = t.c.state.in_((WAITING, FIRING))
    with engine.db.connect() as conn:

        def count(table: Any, *where: Any) -> int:
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

        figures: dict[str, Any] = {
            "timers_waiting": count(t, pending),
            "timers_due": count(t, pending, t.c.due_at <= now),
            "timers_late": count(t, pending, t.c.due_at <= now - LATE_AFTER),
            "timers_incident": count(t, t.c.state == INCIDENT),
            "notifications_queued": count(n, n.c.sent_at.is_(None), n.c.failed_at.is_(None)),
            "notifications_failed": count(n, n.c.failed_at.is_not(None)),
            "cases_active": count(c, c.c.status == "active"),
        }
        figures["workers"] = workers(conn)
    return figures
