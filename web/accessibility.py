"""``/tillganglighet``: the accessibility statement required by the DOS law, in Digg's structure.

Open to everyone (no login), linked from every page's footer. The contact address comes from
``SAMVERKAN_ACCESSIBILITY_CONTACT``; the text says what was tested and when, so update
:data:`ASSESSED` with the statement whenever the assessment is redone.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from engine.context import Samverkan

bp = Blueprint("accessibility", __name__)

ASSESSED = "6 december 2026"
"""When the assessment behind the statement was made, and the statement last updated."""


@bp.get("/tillganglighet")
def statement() -> str:
    engine: Samverkan = current_app.extensions["samverkan"]
    return render_template("tillganglighet.html", contact=engine.settings.accessibility_contact, assessed=ASSESSED)
