"""Single sign-on users: roles from the ID token's claim, created on first login.

The web layer verifies the ID token (signature, issuer, audience, expiry, nonce) with Authlib
and hands the claims here. A user is known by issuer + subject, never by a name the issuer
sends: a local user called ``kim`` cannot be taken over by an issuer account called ``kim``.
Roles follow the issuer at every login (the city's groups are the source of truth); a user
whose claim maps to no role is refused and not created.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from engine import accounts, admin, schema
from engine.context import Samverkan, User


class Refused(Exception):
    """The issuer's user may not sign in; the message is a Swedish sentence for the login page."""


NO_ROLE = (
    "Ditt konto i Malmö stad har ingen roll i Samverkan. Be din chef eller systemförvaltaren "
    "att ge dig behörighet, och logga sedan in igen."
)
DEACTIVATED = "Ditt konto i Samverkan är inaktiverat. Kontakta systemförvaltaren."


def roles_from_claims(engine: Samverkan, claims: Mapping[str, Any]) -> list[str]:
    """The roles the configured claim gives through the configured mapping (sorted, no duplicates)."""
    raw = claims.get(engine.settings.oidc_roles_claim)
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    mapping = engine.settings.oidc_roles()
    return sorted({role for value in values if isinstance(value, str) for role in mapping.get(value, ())})


def sign_in(engine: Samverkan, claims: Mapping[str, Any]) -> User:
    """The user for verified ID-token claims: created on first login, roles and contact refreshed after."""
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    roles = roles_from_claims(engine, claims)
    if not roles:
        raise Refused(NO_ROLE)
    name = _text(claims.get("name")) or _text(claims.get("preferred_username")) or subject
    email = _text(claims.get("email"))
    u = schema.users
    with engine.write() as conn:
        row = conn.execute(
            select(u).where(u.c.oidc_issuer == issuer, u.c.oidc_subject == subject).with_for_update()
        ).first()
        if row is None:
            username = _free_username(conn, claims, subject)
            accounts.insert_user(conn, engine, username, roles, None, name, email=email, oidc=(issuer, subject))
            admin.record(conn, engine, username, "user_created_sso", "user", username, {"roles": roles})
            return User(username, frozenset(roles), name)
        if not row.active:
            raise Refused(DEACTIVATED)
        if sorted(row.roles) != roles:
            change = {"before": {"roles": sorted(row.roles)}, "after": {"roles": roles}}
            admin.record(conn, engine, row.username, "roles_from_sso", "user", row.username, change)
        values = {"roles": roles, "display_name": name, "email": email or row.email}
        conn.execute(u.update().where(u.c.id == row.id).values(**values))
        return User(row.username, frozenset(roles), name)


def _free_username(conn: Any, claims: Mapping[str, Any], subject: str) -> str:
    """The issuer's preferred user name if free, else that name with a short mark of the subject."""
    wanted = re.sub(r"[^A-Za-z0-9._@-]", "", _text(claims.get("preferred_username")) or "")[:150] or "sso"
    u = schema.users
    if conn.execute(select(u.c.id).where(u.c.username == wanted)).first() is None:
        return wanted
    return f"{wanted}-{hashlib.sha256(subject.encode()).hexdigest()[:8]}"


def _text(value: Any) -> str | None:
    return value.strip()[:400] or None if isinstance(value, str) else None
