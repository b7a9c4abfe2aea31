"""Archive export of a finished case (engine.archive) with its documents as PDF/A: page button, download."""

from __future__ import annotations

from flask import Blueprint, current_app
from werkzeug.wrappers import Response

from engine import archive
from engine.attachments import Store
from engine.context import Samverkan
from web import documents
from web.auth import engine, login_required
from web.documents.base import PDF

bp = Blueprint("archive", __name__)


def case_documents(samverkan: Samverkan, case_id: int) -> list[archive.Document]:
    """The case's PDF/A documents that can be made (the Word draft of the decision basis is not archival)."""
    return [
        archive.Document(info.filename, documents.build(samverkan, case_id, info.name).content)
        for info in documents.catalog(samverkan, case_id)
        if info.ready and info.content_type == PDF
    ]


def package(samverkan: Samverkan, store: Store, case_id: int) -> tuple[str, bytes]:
    """``(file name, ZIP)``; ``NotFound``/``Conflict`` (not finished) with a Swedish message."""
    archive.check_finished(samverkan, case_id)  # before the documents are made
    return archive.build(samverkan, store, case_id, case_documents(samverkan, case_id))


def zip_response(filename: str, content: bytes) -> Response:
    response = Response(content, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/cases/<int:case_id>/arkiv")
@login_required("admin")
def download(case_id: int) -> Response:
    store: Store = current_app.extensions["attachments"]
    return zip_response(*package(engine(), store, case_id))
