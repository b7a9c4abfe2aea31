"""Logging in and out, the session user, CSRF tokens and the ``login_required`` decorator.

The signed session cookie carries a login session id whose row (``login_sessions``) is checked
on every request: logging out deletes it, so a cookie saved before logout no longer works.
Failed logins are limited per username + address in the database (:mod:`engine.login_limit`),
so the limit holds however many server processes there are.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from engine import accounts, queries
from engine.context import Samverkan, User
from engine.login_limit import LoginLimiter
from engine.roles import ROLES

bp = Blueprint("auth", __name__)


def engine() -> Samverkan:
    samverkan: Samverkan = current_app.extensions["samverkan"]
    return samverkan


def current_user() -> User | None:
    user: User | None = g.get("user")
    return user


def require_user() -> User:
    user = current_user()
    if user is None:
        abort(401)
    return user


def login_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Pages: redirect to /login when logged out; 403 when none of ``roles`` (if given) is held."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if roles and not user.has(*roles):
                abort(403)
            return view(*args, **kwargs)

        return inner

    return wrap


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def session_user() -> User | None:
    """The user of the request's login session, if it is still open (checked in the database)."""
    session_id = session.get("sid")
    return accounts.user_for_session(engine(), session_id) if isinstance(session_id, str) else None


def _load_user() -> None:
    session_id = session.get("sid")
    g.user = session_user()
    if session_id and g.user is None:
        session.clear()  # ended by logout (perhaps in another browser), or the user is gone


def _check_csrf() -> None:
    if request.method != "POST" or request.path.startswith("/api/"):
        return
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf")
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, description="Formuläret har gått ut. Ladda om sidan och försök igen.")


def _inbox_count() -> int | None:
    user = current_user()
    if user is None:
        return None
    return queries.count_tasks(engine(), user)


def safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("inbox.index") if "inbox.index" in current_app.view_functions else "/"


def register(app: Flask) -> None:
    """Session user, CSRF check and template helpers for every non-API request."""
    app.extensions["login_limiter"] = LoginLimiter(app.extensions["samverkan"])

    @app.before_request
    def _before() -> None:
        if request.path.startswith("/api/") or request.path.startswith("/static/"):
            return
        _load_user()
        _check_csrf()

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {
            "csrf_token": csrf_token,
            "current_user": current_user(),
            "inbox_count": _inbox_count,
            "role_names": ROLES,
            "main_process_id": engine().main_process_id,
            "sso_enabled": "sso" in current_app.extensions,
            "local_login": engine().settings.local_login,
        }


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        if current_user() is not None:
            return redirect(safe_next(request.args.get("next")))
        return render_template("login.html", username="", error=None, next=request.args.get("next", ""))
    if not engine().settings.local_login:
        refused = "Inloggning med lösenord är avstängd. Logga in med Malmö stads konto."
        return render_template("login.html", username="", error=refused, next=""), 403
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    next_url = request.form.get("next", "")
    limiter: LoginLimiter = current_app.extensions["login_limiter"]
    key = f"{username.casefold()}|{request.remote_addr}"
    error = None
    if not username or not password:
        error = "Fyll i både användarnamn och lösenord."
    elif not limiter.attempt(key):
        error = "För många misslyckade inloggningar. Vänta fem minuter och försök igen."
    else:
        user = accounts.authenticate(engine(), username, password)
        if user is None:
            error = "Fel användarnamn eller lösenord."
        else:
            limiter.reset(key)
            session.clear()
            session["sid"] = accounts.start_session(engine(), user.username)
            session.permanent = False
            csrf_token()
            return redirect(safe_next(next_url))
    status = 429 if limiter.blocked(key) else 401
    return render_template("login.html", username=username, error=error, next=next_url), status


@bp.post("/logout")
def logout() -> Response:
    session_id = session.get("sid")
    if isinstance(session_id, str):
        accounts.end_session(engine(), session_id)
    session.clear()
    flash("Du är utloggad.", "info")
    return redirect(url_for("auth.login"))
