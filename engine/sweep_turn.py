"""A sweep's turn: who sweeps when, and whether the sweep that claimed a timer row is still alive.

A sweep claims due timer rows under a token before it fires them. If its process dies (kill -9,
a crash, a lost machine), the rows stay claimed; the next sweep must tell a dead claimer from a
slow one without waiting minutes:

- PostgreSQL: the sweep holds a session-level advisory lock whose key is part of its token, on a
  connection of its own, for as long as it runs. The server drops the lock when the connection
  ends, however the process ended; a claim whose token's lock nobody holds is stale.
- SQLite: sweeps take turns on a file lock next to the database (one writer at a time anyway);
  the kernel drops it when the process dies. A sweep holding it is alone, so every claim left by
  another token is stale.

Firing stays exactly-once without any of this (each case fires under its optimistic lock and
deletes the fired rows in the same transaction); the turn only decides when a claim is given up.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, text

from engine.context import Samverkan

LOCK_SPACE = 0x53574545
"""First half of the advisory lock key of every sweep (the second half is the sweep's own)."""


@dataclass(frozen=True)
class Turn:
    """One sweep's turn: its token, and whether no other sweep can be running (SQLite's file lock)."""

    token: str
    alone: bool = False


def _token(worker: str | None, key: int) -> str:
    return f"{worker or 'worker'}:{os.getpid()}:{key}"


def key_of(token: str) -> int | None:
    """The advisory lock key in a sweep's token, None for tokens of another form (older versions)."""
    tail = token.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() and int(tail) < 2**31 else None


@contextlib.contextmanager
def take_turn(engine: Samverkan, worker: str | None = None) -> Iterator[Turn]:
    """Hold this sweep's proof of life (and on SQLite, the sweepers' file lock) while the block runs."""
    key = secrets.randbelow(2**31 - 1) + 1
    token = _token(worker, key)
    dialect = engine.db.dialect.name
    if dialect == "postgresql":
        with _advisory_lock(engine, key):
            yield Turn(token)
    elif dialect == "sqlite" and engine.db.url.database not in (None, "", ":memory:"):
        with _file_lock(f"{engine.db.url.database}.worker-lock"):
            yield Turn(token, alone=True)
    else:
        yield Turn(token)


@contextlib.contextmanager
def _advisory_lock(engine: Samverkan, key: int) -> Iterator[None]:
    conn = engine.db.connect()
    try:
        conn.execute(text("SELECT pg_advisory_lock(:space, :key)"), {"space": LOCK_SPACE, "key": key})
        conn.commit()  # a session lock outlives the transaction; nothing stays open on this connection
        yield
        conn.execute(text("SELECT pg_advisory_unlock(:space, :key)"), {"space": LOCK_SPACE, "key": key})
        conn.commit()
    except BaseException:
        # Never hand a connection that may still hold the lock back to the pool.
        conn.invalidate()
        raise
    finally:
        conn.close()


@contextlib.contextmanager
def _file_lock(path: str) -> Iterator[None]:
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def stale_tokens(conn: Connection, turn: Turn, tokens: Iterable[str]) -> set[str]:
    """The tokens among ``tokens`` whose sweep is certainly gone (never ``turn``'s own)."""
    others = set(tokens) - {turn.token}
    if turn.alone or not others:
        return others
    if conn.dialect.name != "postgresql":
        return set()
    held = set(
        conn.execute(
            text(
                "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = :space AND objsubid = 2"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"space": LOCK_SPACE},
        ).scalars()
    )
    return {token for token in others if (key := key_of(token)) is not None and key not in held}
