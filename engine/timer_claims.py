"""Timer rows a sweep claimed (``firing``) and hands back (``waiting``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from engine import schema

WAITING, FIRING = "waiting", "firing"


def release_claims(conn: Connection, case_id: int, token: str) -> list[str]:
    """Hand back a case's timer rows claimed by ``token`` that are still ``firing``; returns their ids."""
    t = schema.timers
    return list(
        conn.execute(
            t.update()
            .where(t.c.case_id == case_id, t.c.claimed_by == token, t.c.state == FIRING)
            .values(state=WAITING, claimed_by=None, claimed_at=None)
            .returning(t.c.id)
        ).scalars()
    )


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
