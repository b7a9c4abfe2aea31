"""Administration of users and areas: each change one transaction with its row in ``admin_events``.

Deactivating a user deletes their login sessions and API tokens in the same transaction, and
every session and token lookup also asks that the user be active (:mod:`engine.accounts`), so
the user is out at once in every server process on every host.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, func, select

from engine import accounts, reference, schema
from engine.context import Samverkan, User
from engine.errors import Conflict, Invalid, NotFound
from engine.roles import ROLES

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,199}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_LENGTH = 200
EVENTS_SHOWN = 200


def user_row(row: Any) -> dict[str, Any]:
    return {
        "username": row.username,
        "display_name": row.display_name,
        "email": row.email,
        "roles": sorted(row.roles),
        "active": bool(row.active),
        "sso": row.oidc_subject is not None,
        "is_demo": bool(row.is_demo),
        "created_at": row.created_at.isoformat(),
    }


def list_users(engine: Samverkan) -> list[dict[str, Any]]:
    u = schema.users
    with engine.db.connect() as conn:
        return [user_row(r) for r in conn.execute(select(u).order_by(u.c.active.desc(), u.c.username))]


def get_user(engine: Samverkan, username: str) -> dict[str, Any]:
    with engine.db.connect() as conn:
        return user_row(_user(conn, username))


def create_user(engine: Samverkan, actor: User, body: dict[str, Any]) -> dict[str, Any]:
    """``{username, display_name, email?, roles, password?}``; 422 with the fields that fail."""
    _only(body, {"username", "display_name", "email", "roles", "password"})
    errors: list[dict[str, str]] = []
    username = _text(body, "username", errors, required=True)
    if username and not USERNAME.match(username):
        errors.append({"field": "username", "message": "Bokstäver a–z, siffror och . _ @ - (högst 200 tecken)."})
    display_name = _text(body, "display_name", errors, required=True, limit=400)
    email = _email(body, errors)
    roles = _roles(body, errors, required=True)
    password = _text(body, "password", errors, limit=400)
    if password is not None and len(password) < 8:
        errors.append({"field": "password", "message": "Lösenordet ska ha minst 8 tecken."})
    if errors:
        raise Invalid("Användaren kunde inte skapas.", details=errors, code="invalid")
    assert username and display_name and roles is not None
    with engine.write() as conn:
        accounts.insert_user(conn, engine, username, roles, password, display_name, email=email)
        _event(conn, engine, actor, "user_created", "user", username, {"roles": roles, "email": email})
        return user_row(_user(conn, username))


def update_user(engine: Samverkan, actor: User, username: str, body: dict[str, Any]) -> dict[str, Any]:
    """Change any of ``roles``, ``email``, ``display_name``, ``active``; unchanged fields leave no event."""
    _only(body, {"roles", "email", "display_name", "active"})
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    if "roles" in body:
        values["roles"] = _roles(body, errors, required=True)
    if "email" in body:
        values["email"] = _email(body, errors)
    if "display_name" in body:
        values["display_name"] = _text(body, "display_name", errors, required=True, limit=400)
    if "active" in body:
        values["active"] = _flag(body, "active", errors)
    if errors:
        raise Invalid("Användaren kunde inte ändras.", details=errors, code="invalid")
    u = schema.users
    with engine.write() as conn:
        row = _user(conn, username, lock=True)
        changed = {k: v for k, v in values.items() if (sorted(row.roles) if k == "roles" else getattr(row, k)) != v}
        drops_admin = "admin" not in changed.get("roles", ["admin"])
        if username == actor.username and (changed.get("active") is False or drops_admin):
            raise Conflict("Du kan inte inaktivera dig själv eller ta bort din egen administratörsroll.", code="self")
        if not changed:
            return user_row(row)
        conn.execute(u.update().where(u.c.id == row.id).values(**changed))
        if changed.get("active") is False:
            # Out at once: no session or token of theirs survives this transaction.
            conn.execute(schema.login_sessions.delete().where(schema.login_sessions.c.user_id == row.id))
            conn.execute(schema.api_tokens.delete().where(schema.api_tokens.c.user_id == row.id))
        action = _action("user", changed.get("active"))
        before = {k: sorted(row.roles) if k == "roles" else getattr(row, k) for k in changed}
        _event(conn, engine, actor, action, "user", username, {"before": before, "after": changed})
        return user_row(_user(conn, username))


def add_area(engine: Samverkan, actor: User, body: dict[str, Any]) -> dict[str, Any]:
    _only(body, {"name"})
    errors: list[dict[str, str]] = []
    name = _text(body, "name", errors, required=True, limit=NAME_LENGTH)
    area = reference.area_id(name or "")
    if name and not area:
        errors.append({"field": "name", "message": "Namnet behöver minst en bokstav eller siffra."})
    if errors:
        raise Invalid("Området kunde inte läggas till.", details=errors, code="invalid")
    a = schema.areas
    with engine.write() as conn:
        existing = conn.execute(select(a).where(a.c.id == area)).first()
        if existing is not None:
            state = "" if existing.active else " (inaktiverat: aktivera det i stället)"
            raise Conflict(f"Området {existing.name} finns redan{state}.", code="area_exists")
        conn.execute(a.insert().values(id=area, name=name, is_example=False, active=True))
        _event(conn, engine, actor, "area_added", "area", area, {"name": name})
        engine.after_commit(conn, lambda: engine.reference_cache.forget("areas"))
    return {"id": area, "name": name, "is_example": False, "active": True}


def update_area(engine: Samverkan, actor: User, area: str, body: dict[str, Any]) -> dict[str, Any]:
    """Rename (the id, which cases store, stays) or (de)activate; a deactivated area is not offered."""
    _only(body, {"name", "active"})
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    if "name" in body:
        values["name"] = _text(body, "name", errors, required=True, limit=NAME_LENGTH)
    if "active" in body:
        values["active"] = _flag(body, "active", errors)
    if errors:
        raise Invalid("Området kunde inte ändras.", details=errors, code="invalid")
    a = schema.areas
    with engine.write() as conn:
        row = conn.execute(select(a).where(a.c.id == area).with_for_update()).first()
        if row is None:
            raise NotFound(f"Området {area} finns inte.", code="not_found")
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if changed.get("name"):
            taken = conn.execute(
                select(a.c.id).where(func.lower(a.c.name) == changed["name"].lower(), a.c.id != area)
            ).first()
            if taken:
                raise Conflict(f"Ett annat område heter redan {changed['name']}.", code="area_exists")
        if changed:
            conn.execute(a.update().where(a.c.id == area).values(**changed))
            action = _action("area", changed.get("active"))
            before = {k: getattr(row, k) for k in changed}
            _event(conn, engine, actor, action, "area", area, {"before": before, "after": changed})
            engine.after_commit(conn, lambda: engine.reference_cache.forget("areas"))
        return {**_area(row), **changed}


def all_areas(engine: Samverkan) -> list[dict[str, Any]]:
    """Every area, inactive ones too (the admin page; forms offer only the active ones)."""
    a = schema.areas
    with engine.db.connect() as conn:
        return [_area(r) for r in conn.execute(select(a).order_by(a.c.active.desc(), a.c.name))]


def list_events(engine: Samverkan, limit: int = EVENTS_SHOWN) -> list[dict[str, Any]]:
    """The newest changes first."""
    e = schema.admin_events
    with engine.db.connect() as conn:
        rows = conn.execute(select(e).order_by(e.c.at.desc(), e.c.id.desc()).limit(limit))
        return [
            {
                "at": r.at.isoformat(),
                "actor": r.actor,
                "action": r.action,
                "target_kind": r.target_kind,
                "target": r.target,
                "details": r.details,
            }
            for r in rows
        ]


def record(conn: Connection, engine: Samverkan, actor: str, action: str, kind: str, target: str, details: Any) -> None:
    """An admin event written by another use case (a single sign-on user created on first login)."""
    conn.execute(
        schema.admin_events.insert().values(
            at=engine.now(), actor=actor, action=action, target_kind=kind, target=target, details=details
        )
    )


def _event(conn: Connection, engine: Samverkan, actor: User, action: str, kind: str, target: str, details: Any) -> None:
    record(conn, engine, actor.username, action, kind, target, details)


def _action(kind: str, active: Any) -> str:
    if active is None:
        return "user_changed" if kind == "user" else "area_renamed"
    return f"{kind}_{'activated' if active else 'deactivated'}"


def _area(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "is_example": bool(row.is_example), "active": bool(row.active)}


def _user(conn: Connection, username: str, lock: bool = False) -> Any:
    u = schema.users
    query = select(u).where(u.c.username == username)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"Användaren {username} finns inte.", code="not_found")
    return row


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        details = [{"field": name, "message": "Okänt fält."} for name in unknown]
        raise Invalid(f"Okända fält: {', '.join(unknown)}.", details=details, code="invalid")


def _text(
    body: dict[str, Any], name: str, errors: list[dict[str, str]], *, required: bool = False, limit: int = 200
) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        errors.append({"field": name, "message": "Fyll i en text." if required else "Ska vara en text."})
        return None
    if len(value) > limit:
        errors.append({"field": name, "message": f"Högst {limit} tecken."})
        return None
    return value.strip()


def _flag(body: dict[str, Any], name: str, errors: list[dict[str, str]]) -> Any:
    """The boolean ``name`` as given; anything else is an error (and is never written)."""
    value = body[name]
    if not isinstance(value, bool):
        errors.append({"field": name, "message": "Ange true eller false."})
    return value


def _email(body: dict[str, Any], errors: list[dict[str, str]]) -> str | None:
    value = body.get("email")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 320 or not EMAIL.match(value.strip()):
        errors.append({"field": "email", "message": "Ange en e-postadress som namn@exempel.se."})
        return None
    return value.strip()


def _roles(body: dict[str, Any], errors: list[dict[str, str]], *, required: bool) -> list[str] | None:
    value = body.get("roles")
    if not isinstance(value, list) or not all(isinstance(r, str) for r in value) or (required and not value):
        errors.append({"field": "roles", "message": "Välj minst en roll."})
        return None
    unknown = [r for r in value if r not in ROLES]
    if unknown:
        errors.append({"field": "roles", "message": f"Okända roller: {', '.join(unknown)}. Kända: {', '.join(ROLES)}."})
        return None
    return sorted(set(value))
