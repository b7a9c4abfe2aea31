"""Attachments: uploads on task forms (multipart, no JavaScript needed) and downloads for logged-in users."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, send_file
from flask import request as flask_request
from werkzeug.wrappers import Response

from engine import attachments
from engine.errors import Invalid
from web import forms
from web.auth import engine, login_required, require_user

bp = Blueprint("attachments", __name__)


def store() -> attachments.Store:
    found: attachments.Store = current_app.extensions["attachments"]
    return found


def collect(task: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """File values by input name from the posted form, and ``{field, message}`` for refused uploads.

    A chosen file is stored at once, so it survives a re-render (add a row, an error elsewhere);
    a file uploaded earlier comes back as ``<name>-kept`` with its id and is looked up again,
    never trusted from the form.
    """
    schema = task["form"]
    names = set(flask_request.files) | {n.removesuffix("-kept") for n in flask_request.form if n.endswith("-kept")}
    values: dict[str, Any] = {}
    problems: list[dict[str, str]] = []
    for name in sorted(n for n in names if forms.is_file_input(schema, n)):
        upload = flask_request.files.get(name)
        if upload is not None and upload.filename:
            try:
                values[name] = attachments.save(
                    engine(), store(), require_user(), task["id"], upload.filename, upload.stream
                )
                continue
            except Invalid as err:
                problems.append({"field": name.replace("-", "."), "message": err.message})
        kept = flask_request.form.get(f"{name}-kept", "")
        value = attachments.form_value(engine(), kept, int(task["case_id"])) if kept else None
        if value is not None:
            values[name] = value
    return values, problems


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
