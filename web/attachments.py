"""Attachments: uploads on task forms (multipart, no JavaScript needed) and downloads for logged-in users."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, send_file
from flask import request as flask_request
from werkzeug.wrappers import Response

from engine import attachments, task_form
from web import forms
from web.auth import engine, login_required

bp = Blueprint("attachments", __name__)


def store() -> attachments.Store:
    found: attachments.Store = current_app.extensions["attachments"]
    return found


def file_placeholders(schema: dict[str, Any]) -> dict[str, task_form.Upload | task_form.Kept]:
    """File fields of the posted form by input name: a chosen file, or the one kept from an earlier press.

    The engine stores chosen files and looks kept ones up again (:func:`engine.task_form.submit`);
    an id sent back in ``<name>-kept`` is never trusted as it is.
    """
    posted = set(flask_request.files) | {n.removesuffix("-kept") for n in flask_request.form if n.endswith("-kept")}
    found: dict[str, task_form.Upload | task_form.Kept] = {}
    for name in sorted(n for n in posted if forms.is_file_input(schema, n)):
        kept_id = flask_request.form.get(f"{name}-kept", "")
        kept = task_form.Kept(kept_id) if kept_id else None
        upload = flask_request.files.get(name)
        if upload is not None and upload.filename:
            found[name] = task_form.Upload(upload.filename, upload.stream, kept)
        elif kept is not None:
            found[name] = kept
    return found


@bp.get("/attachments/<attachment_id>")
@login_required()
def download(attachment_id: str) -> Response:
    found = attachments.get(engine(), attachment_id)
    path = store().path(found["id"])
    if not path.is_file():
        abort(404, description="Filen finns inte längre kvar. Kontakta en administratör.")
    response = send_file(
        path,
        mimetype=found["content_type"],
        as_attachment=True,
        download_name=found["filename"],
        conditional=True,
        etag=found["sha256"],
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
