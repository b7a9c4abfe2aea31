"""Reference data: the area list (an example list until the city supplies its 14 CTC areas)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import Connection, select

from engine import schema
from engine.context import Samverkan

EXAMPLE_AREAS = (
    "Sofielund",
    "Möllevången",
    "Limhamn",
    "Amiralsstaden",
    "Nydala",
    "Västra Hamnen",
    "Sege Park",
    "Innerstaden",
    "Östervärn",
    "Kirseberg",
    "Backarna",
    "Rosengård",
    "Lindängen",
)


def area_id(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.replace("ö", "o").replace("Ö", "O"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def active_area_ids(engine: Samverkan, conn: Connection) -> frozenset[str]:
    cached = engine.reference_cache.get("areas")
    if cached is not None:
        return cached
    a = schema.areas
    ids = frozenset(conn.execute(select(a.c.id).where(a.c.active.is_(True))).scalars())
    engine.reference_cache.put("areas", ids)
    return ids


def load_example_areas(engine: Samverkan) -> int:
    """Insert the example areas that are missing; returns how many were added."""
    with engine.write() as conn:
        present = set(conn.execute(select(schema.areas.c.id)).scalars())
        rows = [
            {"id": area_id(name), "name": name, "is_example": True, "active": True}
            for name in EXAMPLE_AREAS
            if area_id(name) not in present
        ]
        if rows:
            conn.execute(schema.areas.insert(), rows)
    engine.reference_cache.forget("areas")
    return len(rows)


def list_areas(engine: Samverkan) -> list[dict[str, Any]]:
    a = schema.areas
    with engine.db.connect() as conn:
        rows = conn.execute(select(a.c.id, a.c.name, a.c.is_example).where(a.c.active.is_(True)).order_by(a.c.name))
        return [{"id": r.id, "name": r.name, "is_example": r.is_example} for r in rows]
