"""History (audit) events: one small dataclass per change, written in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from engine import schema


@dataclass(frozen=True)
class Event:
    action: str
    actor: str
    element_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


_INSERT = schema.history.insert().inline()  # built once (on every step's path); inline: no id read back


def write(conn: Connection, case_id: int, at: datetime, events: list[Event]) -> None:
    if not events:
        return
    conn.execute(
        _INSERT,
        [
            {
                "case_id": case_id,
                "at": at,
                "actor": e.actor,
                "action": e.action,
                "element_id": e.element_id,
                "details": e.details,
            }
            for e in events
        ],
    )
