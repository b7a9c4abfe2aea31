"""Moving running cases to another version of their process: a preview, then one transaction per case.

See :mod:`engine.migration_rules` for what decides whether a case can move and
:mod:`engine.migration_retarget` for how its workflow is re-targeted.
"""

from __future__ import annotations

import contextvars
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.task import Task
from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import SQLAlchemyError

from engine import schema
from engine.context import Samverkan, User
from engine.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from engine.history import Event
from engine.migration_retarget import Unmovable, retarget
from engine.migration_rules import CaseFacts, Rules
from engine.runtime import _about
from engine.step import ACTIVE, Step

MIGRATORS = ("processagare", "admin")
log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """Cases that can move (or moved) and those that cannot, each with its reason."""

    movable: list[int] = field(default_factory=list)
    blocked: list[dict[str, Any]] = field(default_factory=list)

    def block(self, case_id: int, reason: str) -> None:
        self.blocked.append({"case_id": case_id, "reason": reason})


def _check_user(user: User) -> None:
    if not user.has(*MIGRATORS):
        raise Forbidden("Endast processägare och administratörer får flytta ärenden mellan versioner.")


def rules_for(engine: Samverkan, conn: Connection, process_id: str, from_version: Any, to_version: Any) -> Rules:
    """The rules for moving ``process_id`` cases between two deployed versions; bad versions are 4xx."""
    for name, value in (("from", from_version), ("to", to_version)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise Invalid(
                "Ange versionerna som positiva heltal.",
                details=[{"field": name, "message": "Ett versionsnummer (1, 2, …)."}],
                code="invalid_version",
            )
    if from_version == to_version:
        raise Invalid(
            "Välj två olika versioner.",
            details=[{"field": "to", "message": "Samma version som ärendena redan har."}],
            code="same_version",
        )
    pv = schema.process_versions
    known = set(conn.execute(select(pv.c.version).where(pv.c.process_id == process_id)).scalars())
    if not known:
        raise NotFound(f"Processen {process_id} finns inte.", code="not_found")
    for name, value in (("from", from_version), ("to", to_version)):
        if value not in known:
            raise Invalid(
                f"Version {value} av {process_id} finns inte.",
                details=[{"field": name, "message": "Okänd version."}],
                code="unknown_version",
            )
    a = engine.definition(conn, process_id, from_version)
    b = engine.definition(conn, process_id, to_version)
    return Rules(a, b, from_version, to_version, engine.forms, engine.now())


def preview(engine: Samverkan, user: User, process_id: str, from_version: Any, to_version: Any) -> Outcome:
    """Which active cases on ``from_version`` could move to ``to_version`` now, and why not the others."""
    _check_user(user)
    c, t = schema.cases, schema.timers
    outcome = Outcome()
    with engine.db.connect() as conn:
        rules = rules_for(engine, conn, process_id, from_version, to_version)
        where = (c.c.process_id == process_id, c.c.process_version == from_version, c.c.status == ACTIVE)
        timers: dict[int, list[str]] = defaultdict(list)
        for case_id, element_id in conn.execute(
            select(t.c.case_id, t.c.element_id).join(c, c.c.id == t.c.case_id).where(*where)
        ):
            timers[case_id].append(element_id)
        rows = conn.execute(select(c.c.id, c.c.active_elements, c.c.data, c.c.incident).where(*where).order_by(c.c.id))
        for row in rows:
            facts = CaseFacts(
                row.id, tuple(row.active_elements or ()), tuple(timers[row.id]), row.data or {}, bool(row.incident)
            )
            reasons = rules.reasons(facts)
            if reasons:
                outcome.block(row.id, " ".join(reasons))
            else:
                outcome.movable.append(row.id)
    return outcome


MOVERS = 3
"""Cases moved side by side on PostgreSQL (each its own transaction and pooled connection)."""


def migrate(
    engine: Samverkan,
    user: User,
    process_id: str,
    from_version: Any,
    to_version: Any,
    case_ids: list[int] | None = None,
) -> Outcome:
    """Move the movable cases (all, or those in ``case_ids``), one transaction each; returns moved and blocked."""
    if case_ids is not None and (
        not isinstance(case_ids, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in case_ids)
    ):
        raise Invalid(
            "cases måste vara en lista med ärendenummer.",
            details=[{"field": "cases", "message": "En lista med heltal."}],
            code="invalid_cases",
        )
    planned = preview(engine, user, process_id, from_version, to_version)
    wanted = None if case_ids is None else set(case_ids)
    chosen = planned.movable if wanted is None else [i for i in planned.movable if i in wanted]
    result = Outcome(blocked=[b for b in planned.blocked if wanted is None or b["case_id"] in wanted])
    known = set(planned.movable) | {b["case_id"] for b in planned.blocked}
    for case_id in case_ids or []:
        if case_id not in known:
            result.block(case_id, f"Ärendet är inte ett pågående ärende på version {from_version} av {process_id}.")
    with engine.db.connect() as conn:
        rules = rules_for(engine, conn, process_id, from_version, to_version)

    def attempt(case_id: int) -> str | None:
        """Why the case did not move, or None when it did."""
        try:
            move_case(engine, user, case_id, rules)
        except Unmovable as err:
            return err.reason
        except DomainError as err:  # changed meanwhile (a stale lock), finished, or its data refused
            return err.message
        except SQLAlchemyError:  # the transaction rolled back whole
            log.exception("moving case %s to version %s failed", case_id, to_version)
            return "Databasen avbröt flytten; ärendet är oförändrat. Försök igen senare."
        return None

    # PostgreSQL takes several moves at once: one computes while another waits for the database.
    # SQLite has one writer at a time, so there the cases move one after the other.
    if engine.db.dialect.name == "postgresql" and len(chosen) > 1:
        context = contextvars.copy_context()  # the caller's request id and the like, in every mover
        with ThreadPoolExecutor(max_workers=MOVERS, thread_name_prefix="flytt") as pool:
            reasons = list(pool.map(lambda case_id: context.copy().run(attempt, case_id), chosen))
    else:
        reasons = [attempt(case_id) for case_id in chosen]
    for case_id, reason in zip(chosen, reasons, strict=True):
        if reason is None:
            result.movable.append(case_id)
        else:
            result.block(case_id, reason)
    return result


_LAST_STEP = select(schema.cases.c.updated_at).where(schema.cases.c.id == bindparam("case_id"))
_OPENED = select(schema.tasks.c.id, schema.tasks.c.created_at).where(
    schema.tasks.c.case_id == bindparam("case_id"), schema.tasks.c.state == "open"
)


def move_case(engine: Samverkan, user: User, case_id: int, rules: Rules) -> None:
    """Move one case in one transaction; :class:`Unmovable` or a domain error leaves it as it was."""
    now = engine.now()
    a, b = rules.a.process_id, rules.to_version
    from_version = rules.from_version
    with engine.write() as conn:
        try:
            step = Step.load(engine, conn, case_id, now, with_state=True)
        except NotFound:
            step = None
        if step is None or (step.process, step.status_at_load) != ((a, from_version), ACTIVE):
            raise Conflict("Ärendet har ändrats sedan förhandsvisningen.", code="stale")
        started = _start_instants(conn, case_id)
        step.retarget(rules.b, lambda workflow: retarget(engine.runtime, workflow, rules, started), version=b)
        step.record(Event("migrated", user.username, None, {"from": from_version, "to": b}))
        step.save(user.username)


def _start_instants(conn: Connection, case_id: int) -> Any:
    """When a timer task began waiting: when the task it watches opened, else the case's last step.

    Read on first use only: most moves plan no timer.
    """
    known: dict[str, Any] = {}

    def started(task: Task) -> datetime:
        if not known:
            known["last"] = conn.execute(_LAST_STEP, {"case_id": case_id}).scalar_one()
            known["opened"] = dict(conn.execute(_OPENED, {"case_id": case_id}).all())
        watched = str(task.id) if task.task_spec.manual else _about(task)
        at = known["opened"].get(watched) if watched else None
        last: datetime = known["last"]
        return at if isinstance(at, datetime) else last

    return started


def describe(engine: Samverkan, process_id: str, case_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Title and where each case waits (in words) for the preview page."""
    if not case_ids:
        return {}
    c = schema.cases
    with engine.db.connect() as conn:
        rows = conn.execute(
            select(c.c.id, c.c.title, c.c.process_version, c.c.active_elements).where(
                c.c.id.in_(case_ids), c.c.process_id == process_id
            )
        ).all()
        described = {}
        for row in rows:
            definition = engine.definition(conn, process_id, row.process_version)
            elements = [definition.element(e) or e for e in row.active_elements or []]
            names = [e if isinstance(e, str) else e.name for e in elements]
            described[row.id] = {"title": row.title, "waiting": ", ".join(names) or "–"}
    return described
