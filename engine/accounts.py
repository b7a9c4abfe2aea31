"""Users, roles, passwords (argon2), API tokens and login sessions.

Tokens and session ids are random secrets stored only as their SHA-256. Both are looked up in
the database on every request, never cached: deleting a token or ending a session (logout)
takes effect at once in every server process. It costs one indexed query, which replaces the
user query a request makes anyway (see bench/token_lookup.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, select

from engine import schema
from engine.context import Samverkan, User
from engine.errors import Conflict, Invalid, NotFound
from engine.prepared import PreparedRead
from engine.roles import ROLES

_hasher = PasswordHasher()
# A real hash to verify against when the user does not exist, so timing does not reveal names.
_DUMMY_HASH = _hasher.hash("not-a-password")


def add_user(
    engine: Samverkan,
    username: str,
    roles: list[str],
    password: str | None = None,
    display_name: str | None = None,
    is_demo: bool = False,
    email: str | None = None,
) -> User:
    with engine.write() as conn:
        return insert_user(conn, engine, username, roles, password, display_name, is_demo, email)


def insert_user(
    conn: Connection,
    engine: Samverkan,
    username: str,
    roles: list[str],
    password: str | None = None,
    display_name: str | None = None,
    is_demo: bool = False,
    email: str | None = None,
    oidc: tuple[str, str] | None = None,
) -> User:
    """Add the user in the caller's transaction; ``oidc`` is ``(issuer, subject)`` of a single sign-on user."""
    unknown = [r for r in roles if r not in ROLES]
    if not username.strip() or not roles or unknown:
        raise Invalid(
            "Ange namn och minst en känd roll.",
            details=[{"field": "role", "message": f"Okända roller: {', '.join(unknown)}"}] if unknown else [],
        )
    exists = conn.execute(select(schema.users.c.id).where(schema.users.c.username == username)).first()
    if exists:
        raise Conflict(f"Användaren {username} finns redan.", code="user_exists")
    conn.execute(
        schema.users.insert().values(
            username=username,
            display_name=display_name or username,
            password_hash=_hasher.hash(password) if password else None,
            email=email,
            roles=sorted(set(roles)),
            is_demo=is_demo,
            created_at=engine.now(),
            active=True,
            oidc_issuer=oidc[0] if oidc else None,
            oidc_subject=oidc[1] if oidc else None,
        )
    )
    return User(username, frozenset(roles), display_name or username)


def _user_from_row(row: object) -> User:
    return User(row.username, frozenset(row.roles), row.display_name)  # type: ignore[attr-defined]


def authenticate(engine: Samverkan, username: str, password: str) -> User | None:
    with engine.db.connect() as conn:
        row = conn.execute(select(schema.users).where(schema.users.c.username == username)).first()
    try:
        _hasher.verify(row.password_hash if row and row.password_hash else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return _user_from_row(row) if row and row.password_hash and row.active else None


def get_user(engine: Samverkan, username: str) -> User | None:
    with engine.db.connect() as conn:
        row = conn.execute(select(schema.users).where(schema.users.c.username == username)).first()
    return _user_from_row(row) if row else None


def new_token(engine: Samverkan, username: str) -> str:
    token = secrets.token_urlsafe(32)
    now = engine.now()
    with engine.write() as conn:
        row = conn.execute(
            select(schema.users.c.id, schema.users.c.active).where(schema.users.c.username == username)
        ).first()
        if row is None:
            raise NotFound(f"Användaren {username} finns inte.", code="not_found")
        if not row.active:
            raise Conflict(f"Användaren {username} är inaktiverad.", code="inactive")
        user_id = row.id
        conn.execute(
            schema.api_tokens.insert().values(
                user_id=user_id,
                token_sha256=_digest(token),
                created_at=now,
                expires_at=now + timedelta(days=engine.settings.token_days),
            )
        )
    return token


# Built once: this runs on every API request.
_TOKEN_USER = PreparedRead(
    select(schema.users.c.username, schema.users.c.roles, schema.users.c.display_name)
    .join(schema.api_tokens, schema.api_tokens.c.user_id == schema.users.c.id)
    .where(
        schema.api_tokens.c.token_sha256 == bindparam("digest"),
        schema.api_tokens.c.expires_at > bindparam("now"),
        schema.users.c.active.is_(True),
    )
)


def user_for_token(engine: Samverkan, token: str) -> User | None:
    """The token's user while the token exists, has not expired and the user is active."""
    with engine.single_read() as conn:
        row = _TOKEN_USER.first(conn, {"digest": _digest(token), "now": engine.now()})
    return _user_from_row(row) if row is not None else None


def revoke_token(engine: Samverkan, token: str) -> bool:
    """Delete the token; False if it did not exist."""
    with engine.write() as conn:
        deleted = conn.execute(schema.api_tokens.delete().where(schema.api_tokens.c.token_sha256 == _digest(token)))
    return bool(deleted.rowcount)


def start_session(engine: Samverkan, username: str) -> str:
    """A new login session for the user; the returned id goes in the (signed) cookie."""
    session_id = secrets.token_urlsafe(32)
    with engine.write() as conn:
        user_id = conn.execute(select(schema.users.c.id).where(schema.users.c.username == username)).scalar()
        if user_id is None:
            raise NotFound(f"Användaren {username} finns inte.", code="not_found")
        conn.execute(
            schema.login_sessions.insert().values(
                id_sha256=_digest(session_id), user_id=user_id, created_at=engine.now()
            )
        )
    return session_id


_SESSION_USER = PreparedRead(
    select(schema.users.c.username, schema.users.c.roles, schema.users.c.display_name)
    .join(schema.login_sessions, schema.login_sessions.c.user_id == schema.users.c.id)
    .where(schema.login_sessions.c.id_sha256 == bindparam("digest"), schema.users.c.active.is_(True))
)


def user_for_session(engine: Samverkan, session_id: str) -> User | None:
    """The session's user while the session has not been ended (one query, as the page's user needs anyway)."""
    with engine.single_read() as conn:
        row = _SESSION_USER.first(conn, {"digest": _digest(session_id)})
    return _user_from_row(row) if row is not None else None


def end_session(engine: Samverkan, session_id: str) -> None:
    with engine.write() as conn:
        conn.execute(schema.login_sessions.delete().where(schema.login_sessions.c.id_sha256 == _digest(session_id)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
