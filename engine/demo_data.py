"""Demo cases in the database: count them, and remove them with everything that hangs on them.

Only rows of cases marked ``is_demo`` are touched: their history, tasks, timers, notifications,
attachments (rows and files) and the drafts of their tasks. Other cases and the users stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from engine import schema
from engine.attachments import Store
from engine.context import Samverkan


@dataclass(frozen=True)
class Removed:
    cases: int
    files: int


def count_demo_cases(engine: Samverkan) -> int:
    c = schema.cases
    with engine.db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(c).where(c.c.is_demo.is_(True))).scalar_one())


def remove_demo_cases(engine: Samverkan, store: Store) -> Removed:
    """Delete every demo case and its rows in one transaction; the files go once it has committed."""
    c, t, a = schema.cases, schema.tasks, schema.attachments
    demo = select(c.c.id).where(c.c.is_demo.is_(True))
    with engine.write() as conn:
        case_ids = list(conn.execute(demo).scalars())
        if not case_ids:
            return Removed(0, 0)
        file_ids = list(conn.execute(select(a.c.id).where(a.c.case_id.in_(case_ids))).scalars())
        tasks = select(t.c.id).where(t.c.case_id.in_(case_ids))
        conn.execute(delete(schema.drafts).where(schema.drafts.c.task_id.in_(tasks)))
        # Children first: SQLite enforces the foreign keys only when asked to, so no cascade is relied on.
        for table in (
            schema.case_figures,
            schema.attachments,
            schema.notifications,
            schema.history,
            schema.timers,
            schema.tasks,
        ):
            conn.execute(delete(table).where(table.c.case_id.in_(case_ids)))
        conn.execute(delete(c).where(c.c.id.in_(case_ids)))
    for file_id in file_ids:
        store.path(file_id).unlink(missing_ok=True)
    engine.workflows.clear()
    return Removed(len(case_ids), len(file_ids))
