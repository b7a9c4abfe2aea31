"""Timer rows a sweep claimed (``firing``) and hands back (``waiting``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from engine import schema

WAITING, FIRING = "waiting", "firing"


def hand_back(conn: Connection, token: str, ids: list[str]) -> list[str]:
    """Hand back the named rows claimed by ``token`` that are still ``firing``; returns ``ids``.

    Nothing is read back, so on PostgreSQL it travels in the pipeline with the step's writes.
    """
    if ids:
        t = schema.timers
        conn.execute(
            t.update()
            .where(t.c.id.in_(ids), t.c.claimed_by == token, t.c.state == FIRING)
            .values(state=WAITING, claimed_by=None, claimed_at=None)
        )
    return ids


def release_rows(conn: Connection, token: str, ids: Iterable[str]) -> list[str]:
    """Hand back the named rows claimed by ``token``; returns the ids handed back."""
    t = schema.timers
    return list(
        conn.execute(
            t.update()
            .where(t.c.id.in_(list(ids)), t.c.claimed_by == token, t.c.state == FIRING)
            .values(state=WAITING, claimed_by=None, claimed_at=None)
            .returning(t.c.id)
        ).scalars()
    )
