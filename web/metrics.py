"""``GET /metrics``: Prometheus text format, for the city's monitoring.

Two parts. Counters kept by the server processes (request latency per route, steps per kind):
under ``samverkan serve --workers`` every gunicorn worker writes them to files in one folder
and a scrape adds them up (prometheus-client's multiprocess mode). Figures of the shared
database, counted at scrape time (timers due and late, the mail outbox, the workers' last
sweeps): the same on every web server, so take them from one, or with ``max``.

Who may scrape: with ``SAMVERKAN_METRICS_TOKEN`` set, requests carrying it as a bearer token;
otherwise only requests from this machine that did not come through a proxy.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from engine import monitoring
from engine.context import Samverkan

bp = Blueprint("metrics", __name__)
log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
"""The app config key (set by ``serve --workers``) naming the gunicorn workers' shared metrics folder."""

GAUGES = {
    "timers_waiting": "Timrar som väntar (inte avfyrade)",
    "timers_due": "Timrar vars tid har kommit men som inte avfyrats än",
    "timers_late": "Timrar som skulle ha avfyrats för mer än fem minuter sedan",
    "timers_incident": "Timrar som misslyckats tre gånger (incidenter)",
    "notifications_queued": "Notiser som väntar på att skickas",
    "notifications_failed": "Notiser som inte gick att skicka (permanent fel eller för många försök)",
    "cases_active": "Pågående ärenden",
}


def _engine() -> Samverkan:
    engine: Samverkan = current_app.extensions["samverkan"]
    return engine


def _allowed() -> bool:
    token = _engine().settings.metrics_token
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    try:
        local = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        local = False
    return local and "X-Forwarded-For" not in request.headers


@bp.get("/metrics")
def metrics() -> Response:
    if not _allowed():
        abort(403)
    folder = current_app.config.get(MULTIPROCESS_DIR)
    if folder:
        processes = CollectorRegistry()
        MultiProcessCollector(processes, path=folder)  # type: ignore[no-untyped-call]
    else:
        processes = REGISTRY
    database = CollectorRegistry()
    database.register(DatabaseCollector(_engine()))
    return Response(generate_latest(processes) + generate_latest(database), content_type=CONTENT_TYPE)


class DatabaseCollector(Collector):
    """Counts from the database at scrape time; ``samverkan_database_up`` 0 when it does not answer."""

    def __init__(self, engine: Samverkan) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        try:
            # Timers are due by the engine's clock (the workers fire by it); heartbeats are wall-clock.
            figures = monitoring.gauges(self.engine, self.engine.now())
        except SQLAlchemyError:
            log.warning("databasen svarade inte när mätvärdena hämtades", exc_info=True)
            yield GaugeMetricFamily("samverkan_database_up", "1 när databasen svarar", value=0)
            return
        yield GaugeMetricFamily("samverkan_database_up", "1 när databasen svarar", value=1)
        for name, text in GAUGES.items():
            yield GaugeMetricFamily(f"samverkan_{name}", text, value=figures[name])
        yield from _worker_metrics(figures["workers"], datetime.now(UTC))


def _worker_metrics(beats: list[monitoring.WorkerBeat], now: datetime) -> Iterator[Metric]:
    labels = ["worker", "host", "pid"]
    last = GaugeMetricFamily(
        "samverkan_worker_last_sweep_timestamp_seconds", "När arbetaren senast svepte (Unix-tid)", labels=labels
    )
    fired = CounterMetricFamily("samverkan_worker_timers_fired", "Timrar som arbetaren avfyrat", labels=labels)
    sent = CounterMetricFamily("samverkan_worker_notifications_sent", "Notiser som arbetaren skickat", labels=labels)
    sweeps = CounterMetricFamily("samverkan_worker_sweeps", "Arbetarens svep sedan start", labels=labels)
    for beat in beats:
        values: list[Any] = [beat.id[:12], beat.host, str(beat.pid)]
        last.add_metric(values, beat.last_sweep_at.timestamp())
        fired.add_metric(values, beat.timers_fired)
        sent.add_metric(values, beat.notifications_sent)
        sweeps.add_metric(values, beat.sweeps)
    active = sum(1 for beat in beats if beat.active(now))
    yield GaugeMetricFamily("samverkan_workers_active", "Arbetare som svept nyligen", value=active)
    yield from (last, fired, sent, sweeps)
