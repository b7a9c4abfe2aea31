"""Worker heartbeats: each running ``samverkan worker`` keeps one row saying when it last swept.

The row is written after every sweep (one short transaction), so the health check and
``/metrics`` of any web server that shares the database can tell whether timers are being
fired. Heartbeats are wall-clock time, also for a worker told ``--now``: they say when the
worker ran, not which instant it acted as.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine import schema
from engine.context import Samverkan

KEEP = timedelta(days=7)
"""Rows of workers that stopped sweeping this long ago are removed."""


@dataclass
class Heartbeat:
    """One worker's totals since it started."""

    id: str
    host: str
    pid: int
    started_at: datetime
    interval_seconds: int
    sweeps: int = 0
    timers_fired: int = 0
    notifications_sent: int = 0

    @classmethod
    def begin(cls, started_at: datetime, interval_seconds: float) -> Heartbeat:
        host = socket.gethostname()[:255]
        return cls(uuid.uuid4().hex, host, os.getpid(), started_at, max(1, round(interval_seconds)))


def record_sweep(engine: Samverkan, beat: Heartbeat, at: datetime, fired: int, sent: int) -> None:
    """Count one sweep of ``beat``'s worker, done at ``at`` (wall clock), in its row."""
    beat.sweeps += 1
    beat.timers_fired += fired
    beat.notifications_sent += sent
    w = schema.worker_heartbeats
    values = {
        "last_sweep_at": at,
        "sweeps": beat.sweeps,
        "timers_fired": beat.timers_fired,
        "notifications_sent": beat.notifications_sent,
    }
    with engine.write() as conn:
        if conn.execute(w.update().where(w.c.id == beat.id).values(**values)).rowcount == 0:
            conn.execute(
                w.insert().values(
                    id=beat.id,
                    host=beat.host,
                    pid=beat.pid,
                    started_at=beat.started_at,
                    interval_seconds=beat.interval_seconds,
                    **values,
                )
            )
        conn.execute(w.delete().where(w.c.last_sweep_at < at - KEEP))
