"""/admin: users, roles and areas for administrators, with the history of who changed what.

Every form calls the same engine use case as the API (:mod:`engine.admin`); a refused change
shows the page again with the reasons in Swedish (an alert, and each next to its field).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine import admin
from engine.errors import Conflict, Invalid
from engine.roles import ROLES
from web.auth import engine, login_required, require_user

bp = Blueprint("admin", __name__, url_prefix="/admin")

ACTIONS = {
    "user_created": "skapade användaren",
    "user_created_sso": "loggade in första gången med Malmö stads konto och skapades som",
    "user_changed": "ändrade användaren",
    "user_deactivated": "inaktiverade användaren",
    "user_activated": "aktiverade användaren",
    "roles_from_sso": "fick nya roller från Malmö stads konto:",
    "area_added": "lade till området",
    "area_renamed": "bytte namn på området",
    "area_deactivated": "inaktiverade området",
    "area_activated": "aktiverade området",
}
Page = str | tuple[str, int] | Response


@bp.get("")
@login_required("admin")
def index() -> str:
    return _index()


def _index(area_errors: dict[str, str] | None = None, new_area: str = "", message: str | None = None) -> str:
    e = engine()
    return render_template(
        "admin.html",
        users=admin.list_users(e),
        areas=admin.all_areas(e),
        events=[{**event, "summary": describe(event)} for event in admin.list_events(e)],
        area_errors=area_errors or {},
        new_area=new_area,
        message=message,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@login_required("admin")
def new_user() -> Page:
    values: dict[str, Any] = {"username": "", "display_name": "", "email": "", "roles": [], "password": ""}
    if request.method == "GET":
        return render_template("admin_user.html", user=None, values=values, errors={}, message=None)
    values = {
        "username": request.form.get("username", ""),
        "display_name": request.form.get("display_name", ""),
        "email": request.form.get("email", ""),
        "roles": request.form.getlist("roles"),
        "password": request.form.get("password") or None,
    }
    try:
        created = admin.create_user(engine(), require_user(), values)
    except (Invalid, Conflict) as error:
        values["password"] = ""
        field = "username" if isinstance(error, Conflict) else ""
        errors = _field_errors(error, field)
        return render_template("admin_user.html", user=None, values=values, errors=errors, message=error.message), 422
    flash(f"Användaren {created['username']} är skapad.", "info")
    return redirect(url_for("admin.index"))


@bp.route("/users/<username>", methods=["GET", "POST"])
@login_required("admin")
def edit_user(username: str) -> Page:
    user = admin.get_user(engine(), username)  # unknown: the 404 page
    if request.method == "GET":
        return render_template("admin_user.html", user=user, values=user, errors={}, message=None)
    values = {
        "display_name": request.form.get("display_name", ""),
        "email": request.form.get("email", ""),
        "roles": request.form.getlist("roles"),
        "active": request.form.get("active") == "true",
    }
    try:
        admin.update_user(engine(), require_user(), username, values)
    except (Invalid, Conflict) as error:
        errors = _field_errors(error, "active" if isinstance(error, Conflict) else "")
        shown = {**user, **values}
        return render_template("admin_user.html", user=user, values=shown, errors=errors, message=error.message), 422
    flash(f"Användaren {username} är sparad.", "info")
    return redirect(url_for("admin.index"))


@bp.post("/areas")
@login_required("admin")
def add_area() -> Page:
    name = request.form.get("name", "")
    try:
        area = admin.add_area(engine(), require_user(), {"name": name})
    except (Invalid, Conflict) as error:
        return _index({"new": _first(error)}, name, error.message), 422
    flash(f"Området {area['name']} är tillagt.", "info")
    return redirect(url_for("admin.index") + "#omraden")


@bp.post("/areas/<area_id>")
@login_required("admin")
def update_area(area_id: str) -> Page:
    change: dict[str, Any] = {}
    if "name" in request.form:
        change["name"] = request.form["name"]
    if "active" in request.form:
        change["active"] = request.form["active"] == "true"
    try:
        area = admin.update_area(engine(), require_user(), area_id, change)
    except (Invalid, Conflict) as error:
        return _index({area_id: _first(error)}, message=error.message), 422
    flash(f"Området {area['name']} är sparat.", "info")
    return redirect(url_for("admin.index") + "#omraden")


FIELDS = {"roles": "roller", "email": "e-post", "display_name": "namn", "active": "aktiv", "name": "namn"}


def describe(event: dict[str, Any]) -> str:
    """One Swedish sentence of what changed: "bytte namn på området sofielund: namn Sofielund → Sofielund N"."""
    text = f"{ACTIONS.get(event['action'], event['action'])} {event['target']}"
    details = event["details"] or {}
    if "after" in details:
        before = details.get("before") or {}
        parts = [f"{FIELDS.get(k, k)} {_value(before.get(k))} → {_value(v)}" for k, v in details["after"].items()]
        return f"{text}: {'; '.join(parts)}"
    if details.get("roles"):
        return f"{text} ({_value(details['roles'])})"
    return f"{text} ({details['name']})" if details.get("name") else text


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(ROLES.get(v, str(v)) for v in value) or "inga"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return "–" if value in (None, "") else str(value)


def _first(error: Invalid | Conflict) -> str:
    return str(error.details[0]["message"]) if error.details else error.message


def _field_errors(error: Invalid | Conflict, field: str) -> dict[str, str]:
    errors = {str(d["field"]): str(d["message"]) for d in error.details}
    if field and not errors:
        errors[field] = error.message
    return errors


@bp.app_context_processor
def _roles() -> dict[str, Any]:
    return {"all_roles": ROLES}
