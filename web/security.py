"""Security headers on every response and the session cookie's ``Secure`` flag.

The pages load only local bundles (``make assets``, no CDN) and have no inline script or
style, so scripts and style sheets come from our own origin only. bpmn-js and diagram-js set
styles through the CSSOM (``element.style``), which the policy does not restrict; their fonts
and icons are ``data:`` URLs inside their CSS.

One exception, on the modeler page only: bpmn-js-properties-panel builds its two container
divs from HTML with a ``style`` attribute (``height: 100%`` and ``flex: none; height: auto``).
Rather than ``'unsafe-inline'`` for every page, that page allows exactly those two attribute
values by hash (``'unsafe-hashes'``, CSP level 3); any other inline style stays refused.
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface

BASE_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)

PROPERTIES_PANEL_STYLES = ("height: 100%", "flex: none; height: auto")


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = "; ".join(BASE_POLICY)
MODELER_POLICY = "; ".join(
    (*BASE_POLICY, "style-src-attr 'unsafe-hashes' " + " ".join(_hash(s) for s in PROPERTIES_PANEL_STYLES))
)
POLICY_BY_ENDPOINT = {"modeler.page": MODELER_POLICY}

HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, marked ``Secure`` when configured or when the request came by HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def register(app: Flask) -> None:
    app.session_interface = SessionInterface()

    @app.after_request
    def _headers(response: Response) -> Response:
        policy = POLICY_BY_ENDPOINT.get(request.endpoint or "", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Content-Security-Policy", policy)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
