"""Samverkan's web app: the JSON API and the pages for people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from engine.attachments import MAX_BYTES, Store, default_directory
from engine.context import Samverkan
from web import secret_key
from web.security import secure_cookies_from_env


def create_app(config: dict[str, Any] | None = None, engine: Samverkan | None = None) -> Flask:
    """Build the app around one engine object (created from DATABASE_URL unless given)."""
    app = Flask(__name__)
    app.config.update(
        # Several attachments per form, each checked against ATTACHMENTS_MAX_BYTES on its own.
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,
        ATTACHMENTS_MAX_BYTES=MAX_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies_from_env(),
        JSON_SORT_KEYS=False,
    )
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key.configured_or_stored()
    app.config.setdefault("ATTACHMENTS_DIR", str(default_directory()))
    app.extensions["attachments"] = Store(Path(app.config["ATTACHMENTS_DIR"]), int(app.config["ATTACHMENTS_MAX_BYTES"]))
    app.extensions["samverkan"] = engine or Samverkan.from_url(app.config.get("DATABASE_URL"))

    from web import (
        api,
        attachments,
        auth,
        case_documents,
        cases,
        errors,
        filters,
        inbox,
        modeler,
        notifications,
        overview,
        parameters,
        security,
        tasks,
    )

    parameters.install_converters(app)
    errors.register(app)
    security.register(app)
    parameters.register(app)
    auth.register(app)
    filters.register(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(tasks.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(case_documents.bp)
    app.register_blueprint(modeler.bp)
    app.register_blueprint(overview.bp)
    app.register_blueprint(attachments.bp)
    app.register_blueprint(notifications.bp)
    return app
