"""Deploying process versions and reading them back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from engine import schema
from engine.context import Samverkan, User
from engine.definitions import as_utf8, sha256_of
from engine.errors import DomainError, Forbidden, Invalid, NotFound

DEPLOYERS = ("processagare", "admin")


@dataclass(frozen=True)
class Deployed:
    process_id: str
    version: int
    created: bool


def deploy(engine: Samverkan, user: User, xml: bytes, comment: str = "", based_on: int | None = None) -> Deployed:
    """Validate and store a new version; identical XML returns the existing version."""
    if not user.has(*DEPLOYERS):
        raise Forbidden("Endast processägare och administratörer får driftsätta processer.", code="forbidden")
    xml = as_utf8(xml)
    definition = engine.reader.validate(xml)
    digest = sha256_of(xml)
    pv = schema.process_versions
    with engine.write() as conn:
        existing = conn.execute(
            select(pv.c.version).where(pv.c.process_id == definition.process_id, pv.c.sha256 == digest)
        ).scalar_one_or_none()
        if existing is not None:
            return Deployed(definition.process_id, existing, created=False)
        latest = conn.execute(
            select(func.max(pv.c.version)).where(pv.c.process_id == definition.process_id)
        ).scalar_one_or_none()
        version = (latest or 0) + 1
        conn.execute(
            pv.insert().values(
                process_id=definition.process_id,
                version=version,
                name=definition.name,
                xml=xml.decode("utf-8"),
                sha256=digest,
                deployed_at=engine.now(),
                deployed_by=user.username,
                comment=comment,
                based_on=based_on,
            )
        )
    return Deployed(definition.process_id, version, created=True)


def check(engine: Samverkan, xml: bytes) -> list[dict[str, Any]]:
    """Every problem deploy would refuse the XML for, as ``{element_id, message}``; stores nothing."""
    try:
        engine.reader.validate(as_utf8(xml))
    except Invalid as err:
        return list(err.details) or [{"element_id": None, "message": err.message}]
    except DomainError as err:  # unreadable input (too large): still a problem to show, not a crash
        return [{"element_id": None, "message": err.message}]
    return []


def active_cases_by_version(engine: Samverkan, process_id: str) -> dict[int, int]:
    """How many active cases run on each version of a process (read before deploying a new one)."""
    c = schema.cases
    with engine.db.connect() as conn:
        rows = conn.execute(
            select(c.c.process_version, func.count())
            .where(c.c.process_id == process_id, c.c.status == "active")
            .group_by(c.c.process_version)
        )
        return {int(version): int(n) for version, n in rows}


def list_versions(engine: Samverkan, process_id: str | None = None) -> list[dict[str, Any]]:
    pv = schema.process_versions
    query = select(
        pv.c.process_id, pv.c.version, pv.c.name, pv.c.deployed_at, pv.c.deployed_by, pv.c.comment, pv.c.based_on
    )
    if process_id is not None:
        query = query.where(pv.c.process_id == process_id)
    with engine.db.connect() as conn:
        rows = conn.execute(query.order_by(pv.c.process_id, pv.c.version)).mappings()
        return [
            {
                "process_id": r["process_id"],
                "version": r["version"],
                "name": r["name"],
                "deployed_at": r["deployed_at"].isoformat(),
                "deployed_by": r["deployed_by"],
                "comment": r["comment"],
                "based_on": r["based_on"],
            }
            for r in rows
        ]


def latest_version(engine: Samverkan, process_id: str) -> int:
    pv = schema.process_versions
    with engine.db.connect() as conn:
        version = conn.execute(select(func.max(pv.c.version)).where(pv.c.process_id == process_id)).scalar_one_or_none()
    if version is None:
        raise NotFound(f"Processen {process_id} finns inte.", code="not_found")
    return int(version)


def start_events(engine: Samverkan, process_id: str) -> dict[str, str]:
    """The start events of the newest version, by id, with their names (how a case can begin)."""
    version = latest_version(engine, process_id)
    with engine.db.connect() as conn:
        definition = engine.definition(conn, process_id, version)
    return {e: definition.elements[e].name for e in definition.start_events()}


def get_xml(engine: Samverkan, process_id: str, version: int | None = None) -> str:
    pv = schema.process_versions
    version = version if version is not None else latest_version(engine, process_id)
    with engine.db.connect() as conn:
        xml = conn.execute(
            select(pv.c.xml).where(pv.c.process_id == process_id, pv.c.version == version)
        ).scalar_one_or_none()
    if xml is None:
        raise NotFound(f"Processen {process_id} version {version} finns inte.", code="not_found")
    return str(xml)
