"""Timer rows a sweep claimed (``firing``) and hands back (``waiting``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam

from engine import schema

WAITING, FIRING = "waiting", "firing"

# Built once: handing back runs for every case a sweep fires.
_HAND_BACK = (
    schema.timers.update()
    .where(
        schema.timers.c.id.in_(bindparam("ids", expanding=True)),
        schema.timers.c.claimed_by == bindparam("token"),
        schema.timers.c.state == FIRING,
    )
    .values(state=WAITING, claimed_by=None, claimed_at=None)
)
_HAND_BACK_READ = _HAND_BACK.returning(schema.timers.c.id)


def hand_back(conn: Connection, token: str, ids: list[str]) -> list[str]:
    """Hand back the named rows claimed by ``token`` that are still ``firing``; returns ``ids``.

    Nothing is read back, so on PostgreSQL it travels in the pipeline with the step's writes.
    """
    if ids:
        conn.execute(_HAND_BACK, {"ids": ids, "token": token})
    return ids


def release_rows(conn: Connection, token: str, ids: Iterable[str]) -> list[str]:
    """As :func:`hand_back`, but returns the ids of the rows that were still claimed and ``firing``."""
    return list(conn.execute(_HAND_BACK_READ, {"ids": list(ids), "token": token}).scalars())
