"""Demo coordination for a few areas: a local coordinator and the city's other efforts there.

Invented people and contact details (marked as examples), real kinds of effort from the seeds:
Communities That Care and the områdeslyft (002, 003), BID and local collaborations (001),
Trygg Malmö. Written only to areas that have no coordination yet, so a second `samverkan demo`
and whatever a person entered are left as they are.
"""

from __future__ import annotations

from sqlalchemy import func, select

from engine import area_coordination, schema
from engine.context import SYSTEM, Samverkan

AREAS: dict[str, tuple[dict[str, str], list[dict[str, str]]]] = {
    "sofielund": (
        {
            "coordinator_name": "Amira Haddad (exempel)",
            "coordinator_forvaltning": "Fastighets- och gatukontoret",
            "coordinator_contact": "amira.haddad@example.se, 040-00 00 01",
            "meeting_place": "Mötesplats Sofielund, Lantmannagatan",
        },
        [
            {"programme": "BID Sofielund", "forvaltning": "Fastighets- och gatukontoret", "period": "2014–"},
            {"programme": "Communities That Care", "forvaltning": "Stadskontoret", "period": "2021–"},
            {"programme": "Trygg Malmö", "forvaltning": "Stadskontoret", "period": "2023–2026"},
        ],
    ),
    "rosengard": (
        {
            "coordinator_name": "Jonas Ek (exempel)",
            "coordinator_forvaltning": "Stadskontoret",
            "coordinator_contact": "jonas.ek@example.se",
            "meeting_place": "Rosengårds bibliotek, Bokhållargatan",
        },
        [
            {"programme": "Områdeslyft", "forvaltning": "Stadskontoret", "period": "2024–2030"},
            {"programme": "Communities That Care", "forvaltning": "Stadskontoret", "period": "2020–"},
        ],
    ),
    "limhamn": (
        {
            "coordinator_name": "Sara Holm (exempel)",
            "coordinator_forvaltning": "Fastighets- och gatukontoret",
            "coordinator_contact": "sara.holm@example.se",
            "meeting_place": "Limhamns bibliotek",
        },
        [
            {
                "programme": "På Limhamn (lokal samverkan)",
                "forvaltning": "Fastighets- och gatukontoret",
                "period": "2019–",
            }
        ],
    ),
}


def add_demo_coordination(engine: Samverkan) -> int:
    """Coordinator and efforts for the demo areas that have neither; returns how many areas got them."""
    a, e = schema.areas, schema.area_efforts
    added = 0
    for area_id, (coordinator, efforts) in AREAS.items():
        with engine.db.connect() as conn:
            row = conn.execute(select(a.c.coordinator_name).where(a.c.id == area_id)).first()
            count = conn.execute(select(func.count()).select_from(e).where(e.c.area_id == area_id)).scalar_one()
        if row is None or row.coordinator_name or count:
            continue
        area_coordination.set_coordinator(engine, SYSTEM, area_id, coordinator)
        for effort in efforts:
            area_coordination.add_effort(engine, SYSTEM, area_id, effort)
        added += 1
    return added
