"""Register extract (registerutdrag) for admins: the page, its PDF and JSON (engine.register_extract)."""

from __future__ import annotations

import json

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from engine import register_extract
from engine.errors import Invalid
from engine.register_extract import Extract
from web.auth import engine, login_required, require_user
from web.documents.base import SENDER, render_pdf
from web.filters import date_sv

bp = Blueprint("register_extract", __name__)

FORMATS = ("visa", "pdf", "json")


def pdf(extract: Extract) -> bytes:
    """The extract as an archival PDF (PDF/A-3b), in the documents' layout."""
    terms = ", ".join(extract.terms)
    doc = {
        "title": f"Registerutdrag – {terms}",
        "heading": "Registerutdrag",
        "subtitle": f"Uppgifter i Samverkan som innehåller: {terms}",
        "head": f"Registerutdrag · {date_sv(extract.made_at)}",
        "foot": f"Registerutdrag · {terms}",
        "facts": [
            ("Sökt på", terms),
            ("Framtaget", date_sv(extract.made_at)),
            ("Framtaget av", extract.made_by),
            ("Ärenden", str(len(extract.cases))),
            ("Träffar", str(extract.count)),
        ],
        "author": SENDER,
        "keywords": "Registerutdrag, Samverkansstöd",
        "created": extract.made_at.isoformat(timespec="seconds"),
        "made": f"Framtaget {date_sv(extract.made_at)} ur Samverkan.",
    }
    return render_pdf("registerutdrag.html", doc=doc, extract=extract)


def _filename(extract: Extract, extension: str) -> str:
    return f"Registerutdrag {extract.made_at.date().isoformat()}.{extension}"


def download(extract: Extract, kind: str) -> Response:
    """The extract as a PDF or JSON download; never cached (it holds personal data)."""
    if kind == "pdf":
        response = Response(pdf(extract), mimetype="application/pdf")
        extension = "pdf"
    else:
        body = json.dumps(extract.as_json(), ensure_ascii=False, indent=2)
        response = Response(body, mimetype="application/json")
        extension = "json"
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(extract, extension)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/admin/registerutdrag", methods=["GET", "POST"])
@login_required("admin")
def page() -> Response | tuple[str, int] | str:
    values = {"namn": request.form.get("namn", "").strip(), "epost": request.form.get("epost", "").strip()}
    if request.method == "GET":
        return render_template("registerutdrag.html", values=values, errors={}, extract=None)
    kind = request.form.get("format", "visa")
    try:
        if kind not in FORMATS:
            raise Invalid("Välj att visa utdraget eller hämta det som PDF eller JSON.")
        extract = register_extract.search(engine(), require_user(), [values["namn"], values["epost"]])
    except Invalid as err:
        return render_template("registerutdrag.html", values=values, errors={"namn": err.message}, extract=None), 400
    if kind != "visa":
        return download(extract, kind)
    return render_template("registerutdrag.html", values=values, errors={}, extract=extract)
