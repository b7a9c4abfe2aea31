"""History (audit) events: one small dataclass per change, written in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from engine import schema
from engine.prepared import Prepared


@dataclass(frozen=True)
class Event:
    action: str
    actor: str
    element_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


# Built once and run as driver SQL (engine.prepared): every step writes history. Inline: no id read back.
_INSERT = Prepared(schema.history.insert().inline())


def write(conn: Connection, case_id: int, at: datetime, events: list[Event]) -> None:
    if not events:
        return
    _INSERT.execute(
        conn,
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
