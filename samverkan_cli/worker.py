"""``samverkan worker``: its own process that sweeps due timers and sends notifications.

APScheduler paces the sweeps; each sweep is :func:`engine.timers.sweep`, safe to run in
several worker processes at once. Once a day (and in every ``--once`` run) it also gallrar:
:func:`engine.retention.gallra`. Never started inside the web app.
"""

from __future__ import annotations

import logging
import signal
import sys
from datetime import UTC, datetime
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from engine import attachments, heartbeats, logs, notifications, retention, timers
from engine.clock import FixedClock, SystemClock, parse_instant
from engine.context import Samverkan
from engine.sweep_turn import take_turn

log = logging.getLogger("samverkan.worker")


def run_worker(engine: Samverkan, once: bool, now_text: str | None, interval: float) -> int:
    """Sweep with ``engine`` (built from the command's settings) once, or every ``interval`` seconds."""
    fixed: datetime | None = None
    if now_text is not None:
        try:
            fixed = parse_instant(now_text)
        except ValueError:
            print(
                f"samverkan: --now måste vara en ISO 8601-tidpunkt med tidszon, t.ex. 2027-03-01T09:00:00+01:00 "
                f"(fick {now_text!r})",
                file=sys.stderr,
            )
            return 2
    if interval <= 0:
        print("samverkan: --interval måste vara större än 0 sekunder", file=sys.stderr)
        return 2
    logs.configure(engine.settings)
    # One clock for the whole worker: the given instant (catching up, tests), else the real time.
    engine.clock = FixedClock(fixed) if fixed is not None else SystemClock()
    mail = notifications.MailSettings.of(engine.settings)
    store = attachments.Store(engine.settings.attachments_dir)
    wall = SystemClock()  # heartbeats say when the worker ran, whatever instant it acts as
    beat = heartbeats.Heartbeat.begin(wall.now(), interval)

    def tick() -> None:
        # The turn spans the whole tick: on SQLite, workers take turns; a dead one's claims are stale.
        with take_turn(engine) as turn:
            result = timers.sweep(engine, engine.now(), turn=turn)
            # Per message, outside any transaction; SMTP trouble is recorded on the rows, not raised.
            sent = notifications.deliver_pending(engine, mail).sent
            removed = attachments.remove_unused(engine, store)
            heartbeats.record_sweep(engine, beat, wall.now(), result.fired, sent)
        log.info(
            "svep: %d timrar avfyrade i %d ärenden, %d nya försök, %d incidenter, %d notiser skickade, "
            "%d oanvända bilagor borttagna",
            result.fired,
            result.cases,
            result.retries,
            result.incidents,
            sent,
            removed,
        )

    def gallra() -> None:
        # One transaction per case, each under the case's lock version: safe beside other workers.
        done = retention.gallra(engine, store)
        log.info(
            "gallring: %d ärenden avslutade före %s gallrade (%s=%d)",
            len(done.cases),
            done.cutoff.date().isoformat(),
            retention.SETTING,
            done.retention_days,
        )

    if once:
        try:
            tick()
            gallra()
        except SQLAlchemyError as err:
            print(f"samverkan: databasen svarar inte som väntat: {str(err).splitlines()[0]}", file=sys.stderr)
            return 1
        finally:
            engine.db.dispose()
        return 0
    scheduler = BlockingScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        IntervalTrigger(seconds=interval, timezone=UTC),
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
    )

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("avslutar (signal %d)", signum)
        scheduler.shutdown(wait=False)

    scheduler.add_job(
        gallra,
        IntervalTrigger(hours=24, timezone=UTC),
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
    )

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("arbetaren startar: databas %s, bilagor i %s", engine.settings.database_label, store.directory)
    scheduler.start()
    engine.db.dispose()
    return 0
