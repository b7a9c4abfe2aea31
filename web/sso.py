"""Single sign-on with OpenID Connect: authorization code flow with PKCE (Authlib's Flask client).

Registered only when ``SAMVERKAN_OIDC_ISSUER``, ``_CLIENT_ID`` and ``_CLIENT_SECRET`` are set.
Authlib keeps the state, nonce and PKCE verifier in the (signed) session cookie, fetches the
issuer's discovery document and keys, and checks the ID token's signature, issuer, audience,
expiry and nonce; :mod:`engine.sso` then maps its claim to roles and finds or creates the user.
Whatever fails, the person gets the login page with one Swedish sentence, never a traceback.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from werkzeug.wrappers import Response

from engine import accounts, sso
from engine.settings import Settings
from web.auth import csrf_token, engine, safe_next
from web.security import CONTENT_SECURITY_POLICY

bp = Blueprint("sso", __name__)
log = logging.getLogger(__name__)

PROVIDER = "malmo"
FAILED = (
    "Inloggningen med Malmö stads konto misslyckades. Försök igen, eller kontakta systemförvaltaren om det inte går."
)
EXPIRED = "Inloggningsbeviset från Malmö stads konto hade gått ut. Försök igen."
NOT_FOR_US = "Inloggningsbeviset från Malmö stads konto var inte utfärdat för Samverkan. Kontakta systemförvaltaren."


def register(app: Flask, settings: Settings) -> None:
    if not settings.sso_enabled:
        return
    oauth = OAuth(app)
    oauth.register(
        PROVIDER,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",  # type: ignore[union-attr]
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256", "default_timeout": 10},
    )
    app.extensions["sso"] = oauth
    app.register_blueprint(bp)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(settings.oidc_issuer or ""))

    @app.after_request
    def _form_may_go_to_the_issuer(response: Response) -> Response:
        # Chromium applies form-action to the redirect after a form is sent: the login button's
        # POST is answered with a redirect to the issuer, which 'self' alone would block.
        if request.endpoint in ("auth.login", "sso.start", "sso.callback"):
            policy = CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {origin}")
            response.headers["Content-Security-Policy"] = policy
        return response


def _client() -> Any:
    return current_app.extensions["sso"].create_client(PROVIDER)


@bp.post("/login/sso")
def start() -> Any:
    """Off to the issuer; ``next`` rides in the session until the person comes back."""
    session["sso_next"] = safe_next(request.form.get("next"))
    try:
        return _client().authorize_redirect(url_for("sso.callback", _external=True))
    except (AuthlibBaseError, requests.RequestException) as error:
        log.warning("single sign-on could not start: %s", error)
        return _refuse(FAILED, 502)


@bp.get("/login/sso/callback")
def callback() -> Response | tuple[str, int]:
    try:
        client = _client()
        # Authlib's client checks the audience only when told to; OpenID Connect Core 3.1.3.7 says
        # the client MUST (a token issued to another service is refused, tests cover it).
        issuer = client.load_server_metadata().get("issuer")
        claims_options = {
            "iss": {"essential": True, "values": [issuer]},
            "aud": {"essential": True, "values": [client.client_id]},
            "sub": {"essential": True},
            "exp": {"essential": True},
        }
        token = client.authorize_access_token(claims_options=claims_options)
    except ExpiredTokenError:
        return _refuse(EXPIRED, 401)
    except ClaimError as error:
        log.warning("single sign-on: ID token refused: %s", error)
        return _refuse(NOT_FOR_US if getattr(error, "claim", "") in ("aud", "azp") else FAILED, 401)
    except (AuthlibBaseError, JoseError, requests.RequestException) as error:
        log.warning("single sign-on failed: %s", error)
        return _refuse(FAILED, 401)
    claims = token.get("userinfo")
    if not claims or "sub" not in claims:
        return _refuse(FAILED, 401)
    try:
        user = sso.sign_in(engine(), claims)
    except sso.Refused as refusal:
        return _refuse(str(refusal), 403)
    next_url = session.get("sso_next")
    session.clear()
    session["sid"] = accounts.start_session(engine(), user.username)
    session.permanent = False
    csrf_token()
    return redirect(safe_next(next_url if isinstance(next_url, str) else None))


def _refuse(message: str, status: int) -> tuple[str, int]:
    session.pop("sso_next", None)
    return render_template("login.html", username="", error=message, next=""), status
