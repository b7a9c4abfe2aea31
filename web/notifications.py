"""Notifications for the logged-in user: the count in the header and a page to read and mark them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from engine import notifications
from web.auth import current_user, engine, login_required, require_user

bp = Blueprint("notifications", __name__)

REASON_LABELS = {"reminder": "Påminnelse", "escalated": "Eskalering"}


@bp.app_context_processor
def _unread_count() -> dict[str, Any]:
    def count() -> int:
        user = current_user()
        return notifications.count_unread(engine(), user) if user is not None else 0

    return {"unread_notifications": count}


@bp.get("/notifications")
@login_required()
def index() -> str:
    items = notifications.list_unread(engine(), require_user())
    return render_template("notifications.html", items=items, reasons=REASON_LABELS)


@bp.post("/notifications/<int:notification_id>/read")
@login_required()
def mark_read(notification_id: int) -> Response:
    notifications.mark_read(engine(), require_user(), notification_id)
    flash("Notisen är markerad som läst.", "info")
    return redirect(url_for("notifications.index"))
