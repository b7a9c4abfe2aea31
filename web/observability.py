"""Every request gets an id, one access line in the log and its latency in the metrics.

The id is the caller's ``X-Request-ID`` when it looks like one (a proxy or load balancer may
set it), otherwise a new one; it is sent back in ``X-Request-ID`` and carried by every log line
written while the request runs (:data:`engine.logs.REQUEST_ID`). Behind a reverse proxy
(``SAMVERKAN_PROXY_HOPS``), werkzeug's ProxyFix takes the client's address, scheme and host from
the ``X-Forwarded-*`` headers of that many proxies.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request
from prometheus_client import Counter, Histogram
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.logs import REQUEST_ID
from engine.settings import Settings

HEADER = "X-Request-ID"
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{1,128}")
UNMATCHED = "<ingen route>"

log = logging.getLogger("samverkan.http")

LATENCY = Histogram(
    "samverkan_http_request_duration_seconds",
    "Svarstid per route (Flask-regeln, inte den faktiska sökvägen) och metod",
    ["method", "endpoint"],
)
REQUESTS = Counter(
    "samverkan_http_requests", "Besvarade anrop per route, metod och statuskod", ["method", "endpoint", "status"]
)


def register(app: Flask, settings: Settings) -> None:
    """Call first in ``create_app``: a before-request hook registered earlier could answer without an id."""
    if settings.proxy_hops:
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)  # type: ignore[method-assign]

    @app.before_request
    def _begin() -> None:
        given = request.headers.get(HEADER, "")
        g.request_id = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_id_token = REQUEST_ID.set(g.request_id)
        g.request_started = time.perf_counter()

    @app.after_request
    def _end(response: Response) -> Response:
        response.headers[HEADER] = g.get("request_id", "-")
        started = g.get("request_started")
        if started is not None:
            _record(response, time.perf_counter() - started)
        return response

    @app.teardown_request
    def _forget(_error: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            REQUEST_ID.reset(token)


def _record(response: Response, seconds: float) -> None:
    endpoint = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    LATENCY.labels(request.method, endpoint).observe(seconds)
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    log.info(
        "%s %s %d %.1f ms",
        request.method,
        request.path,
        response.status_code,
        seconds * 1000,
        extra={
            "method": request.method,
            "path": request.path,
            "endpoint": endpoint,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
            "remote_addr": request.remote_addr,
        },
    )
