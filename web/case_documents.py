"""The documents of a case: the page that lists them and their files, for every logged-in user."""

from __future__ import annotations

import io

from flask import Blueprint, render_template, send_file
from werkzeug.wrappers import Response

from engine import queries
from web import documents
from web.auth import engine, login_required

bp = Blueprint("documents", __name__)


def file_response(built: documents.Built) -> Response:
    """The document as a download with its Swedish file name; never cached (case data changes)."""
    response = send_file(
        io.BytesIO(built.content),
        mimetype=built.info.content_type,
        as_attachment=True,
        download_name=built.info.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/cases/<int:case_id>/documents")
@login_required()
def page(case_id: int) -> str:
    case = queries.get_case(engine(), case_id)
    return render_template("case_documents.html", case=case, documents=documents.catalog(engine(), case_id))


@bp.get("/cases/<int:case_id>/documents/<name>")
@login_required()
def download(case_id: int, name: str) -> Response:
    return file_response(documents.build(engine(), case_id, name))
