"""Samverkan's web app: the JSON API and the pages for people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from engine.attachments import MAX_BYTES, Store
from engine.context import Samverkan
from engine.settings import Settings
from web import secret_key


def create_app(config: dict[str, Any] | None = None, engine: Samverkan | None = None) -> Flask:
    """Build the app around one engine object (from the process's settings unless given)."""
    engine = engine or Samverkan.from_settings(Settings.from_environment())
    settings = engine.settings
    app = Flask(__name__)
    app.config.update(
        # Several attachments per form, each checked against ATTACHMENTS_MAX_BYTES on its own.
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,
        ATTACHMENTS_MAX_BYTES=MAX_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key.configured_or_stored(settings)
    app.config.setdefault("ATTACHMENTS_DIR", str(settings.attachments_dir))
    app.extensions["attachments"] = Store(Path(app.config["ATTACHMENTS_DIR"]), int(app.config["ATTACHMENTS_MAX_BYTES"]))
    app.extensions["samverkan"] = engine

    from web import (
        accessibility,
        admin,
        api,
        archive,
        area_pages,
        attachments,
        auth,
        case_documents,
        cases,
        errors,
        filters,
        inbox,
        manage,
        metrics,
        modeler,
        notifications,
        observability,
        overview,
        parameters,
        public,
        register_extract,
        security,
        sso,
        statistics,
        tasks,
    )

    observability.register(app, settings)  # first: every request gets its id before any other hook answers
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
    app.register_blueprint(metrics.bp)
    app.register_blueprint(accessibility.bp)
    app.register_blueprint(statistics.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(area_pages.bp)
    from web import migration as version_migration

    app.register_blueprint(version_migration.bp)
    from web import repair as case_repair

    app.register_blueprint(case_repair.bp)
    sso.register(app, settings)
    app.register_blueprint(admin.bp)
    app.register_blueprint(register_extract.bp)
    app.register_blueprint(archive.bp)
    app.register_blueprint(public.bp)
    from web import incidents

    app.register_blueprint(incidents.bp)
    return app
