"""Coordination per area: its local coordinator and the city's other efforts there.

Seed 003 asks for a meeting place with a coordinator and a team per area; seeds 001 and 002
for seeing the city's parallel processes in one area together (CTC, områdeslyft, Trygg Malmö,
BID …). Kontaktpersoner and administrators maintain both; everyone logged in reads them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from engine import inputs, schema
from engine.context import Samverkan, User
from engine.errors import Forbidden, Invalid, NotFound

EDITORS = ("kontaktperson", "admin")
COORDINATOR_FIELDS = {
    "coordinator_name": 200,
    "coordinator_forvaltning": 200,
    "coordinator_contact": 400,
    "meeting_place": 400,
}
EFFORT_FIELDS = {"programme": 200, "forvaltning": 200, "contact": 400, "period": 100}
CASE_LIMIT = 200
"""At most this many active and this many finished cases on an area's page."""

a, e, c = schema.areas, schema.area_efforts, schema.cases


def _check_editor(user: User) -> None:
    if not user.has(*EDITORS):
        raise Forbidden("Endast kontaktpersoner och administratörer kan ändra samordningen.", code="forbidden")


def _texts(body: Any, fields: dict[str, int], required: tuple[str, ...] = ()) -> dict[str, str]:
    """The ``fields`` of ``body`` as trimmed text, checked for type, length and ``required``."""
    if not isinstance(body, dict):
        raise Invalid("Skicka ett objekt.", details=[{"field": "", "message": "Fel typ av värde."}])
    unknown = sorted(set(body) - set(fields))
    problems = [{"field": k, "message": "Okänt fält."} for k in unknown]
    values: dict[str, str] = {}
    for name in fields:
        value = body.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.append({"field": name, "message": "Ska vara text."})
            continue
        value = value.strip()
        if name in required and not value:
            problems.append({"field": name, "message": "Fältet måste fyllas i."})
        values[name] = value
    if problems:
        raise Invalid("Uppgifterna är inte giltiga.", details=problems, code="invalid_data")
    for name, length in fields.items():
        inputs.check_text(name, values[name], length)
    return values


def _area_row(conn: Connection, area_id: str) -> Any:
    row = conn.execute(select(a).where(a.c.id == area_id)).first()
    if row is None:
        raise NotFound(f"Området {area_id} finns inte.", code="not_found")
    return row


def _coordinator(row: Any) -> dict[str, str] | None:
    values = {name: getattr(row, name) or "" for name in COORDINATOR_FIELDS}
    return values if any(values.values()) else None


def _effort(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "programme": row.programme,
        "forvaltning": row.forvaltning,
        "contact": row.contact,
        "period": row.period,
        "updated_by": row.updated_by,
        "updated_at": row.updated_at.isoformat(),
    }


def _efforts(conn: Connection, area_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {i: [] for i in area_ids}
    for row in conn.execute(select(e).where(e.c.area_id.in_(area_ids)).order_by(e.c.area_id, e.c.id)):
        found[row.area_id].append(_effort(row))
    return found


def coordination(engine: Samverkan, area_id: str) -> dict[str, Any]:
    """One area: ``{id, name, coordinator, efforts}`` (``coordinator`` null when nobody is named)."""
    with engine.db.connect() as conn:
        row = _area_row(conn, area_id)
        efforts = _efforts(conn, [area_id])[area_id]
    return {"id": row.id, "name": row.name, "coordinator": _coordinator(row), "efforts": efforts}


def all_coordination(engine: Samverkan) -> dict[str, dict[str, Any]]:
    """Every active area's coordination by area id, for the area view."""
    with engine.db.connect() as conn:
        rows = list(conn.execute(select(a).where(a.c.active.is_(True)).order_by(a.c.name)))
        efforts = _efforts(conn, [r.id for r in rows])
    return {r.id: {"id": r.id, "name": r.name, "coordinator": _coordinator(r), "efforts": efforts[r.id]} for r in rows}


def area_cases(engine: Samverkan, area_id: str) -> dict[str, list[dict[str, Any]]]:
    """This system's cases in the area: ``active`` (by id) and ``finished`` (newest first)."""
    columns = (c.c.id, c.c.title, c.c.phase, c.c.status, c.c.handlaggare, c.c.updated_at)
    with engine.db.connect() as conn:
        _area_row(conn, area_id)
        active = conn.execute(
            select(*columns).where(c.c.area == area_id, c.c.status == "active").order_by(c.c.id).limit(CASE_LIMIT)
        ).all()
        finished = conn.execute(
            select(*columns)
            .where(c.c.area == area_id, c.c.status != "active")
            .order_by(c.c.updated_at.desc(), c.c.id.desc())
            .limit(CASE_LIMIT)
        ).all()
    return {"active": [dict(r._mapping) for r in active], "finished": [dict(r._mapping) for r in finished]}


def set_coordinator(engine: Samverkan, user: User, area_id: str, body: Any) -> dict[str, Any]:
    """Replace the area's coordinator fields (empty strings clear them)."""
    _check_editor(user)
    values = _texts(body, COORDINATOR_FIELDS)
    with engine.write() as conn:
        _area_row(conn, area_id)
        conn.execute(a.update().where(a.c.id == area_id).values({k: v or None for k, v in values.items()}))
    return coordination(engine, area_id)


def add_effort(engine: Samverkan, user: User, area_id: str, body: Any) -> dict[str, Any]:
    _check_editor(user)
    values = _texts(body, EFFORT_FIELDS, required=("programme",))
    with engine.write() as conn:
        _area_row(conn, area_id)
        effort_id = conn.execute(
            e.insert()
            .values(area_id=area_id, updated_by=user.username, updated_at=engine.now(), **values)
            .returning(e.c.id)
        ).scalar_one()
        row = conn.execute(select(e).where(e.c.id == effort_id)).one()
    return _effort(row)


def remove_effort(engine: Samverkan, user: User, area_id: str, effort_id: int) -> None:
    _check_editor(user)
    with engine.write() as conn:
        gone = conn.execute(e.delete().where(e.c.id == effort_id, e.c.area_id == area_id)).rowcount
        if not gone:
            raise NotFound(f"Insatsen {effort_id} finns inte i området.", code="not_found")
