"""Users, roles, passwords (argon2) and API tokens (stored as SHA-256 of a random secret)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from engine import schema
from engine.context import Samverkan, User
from engine.errors import Conflict, Invalid, NotFound
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
    unknown = [r for r in roles if r not in ROLES]
    if not username.strip() or not roles or unknown:
        raise Invalid(
            "Ange namn och minst en känd roll.",
            details=[{"field": "role", "message": f"Okända roller: {', '.join(unknown)}"}] if unknown else [],
        )
    with engine.write() as conn:
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
    return _user_from_row(row) if row and row.password_hash else None


def get_user(engine: Samverkan, username: str) -> User | None:
    with engine.db.connect() as conn:
        row = conn.execute(select(schema.users).where(schema.users.c.username == username)).first()
    return _user_from_row(row) if row else None


def new_token(engine: Samverkan, username: str) -> str:
    token = secrets.token_urlsafe(32)
    with engine.write() as conn:
        user_id = conn.execute(select(schema.users.c.id).where(schema.users.c.username == username)).scalar()
        if user_id is None:
            raise NotFound(f"Användaren {username} finns inte.", code="not_found")
        conn.execute(
            schema.api_tokens.insert().values(user_id=user_id, token_sha256=_digest(token), created_at=engine.now())
        )
    return token


def user_for_token(engine: Samverkan, token: str) -> User | None:
    digest = _digest(token)
    cached = engine.token_users.get(digest)
    if cached is not None:
        return cached
    u, t = schema.users, schema.api_tokens
    with engine.db.connect() as conn:
        row = conn.execute(
            select(u.c.username, u.c.roles, u.c.display_name)
            .join(t, t.c.user_id == u.c.id)
            .where(t.c.token_sha256 == digest)
        ).first()
    if row is None:
        return None
    user = _user_from_row(row)
    engine.token_users.put(digest, user)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
