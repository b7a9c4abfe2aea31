"""lean: the overview and the inbox read covering indexes only; one index fewer for every task written

Revision ID: lean
Revises: scale
Create Date: 2026-12-06 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "lean"
down_revision = "scale"
branch_labels = None
depends_on = None

OPEN_TASK = sa.text("state = 'open'")
OPEN_ROLE_DUE = ["role", "due_at", "created_at", "id", "case_id", "phase", "assignee", "state"]
OPEN_ROLE_DUE_AREA = [*OPEN_ROLE_DUE[:-1], "area", "state"]


def upgrade() -> None:
    # Open tasks carry their case's area (the step keeps it), for the inbox's counts per area.
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("area", sa.String(100), nullable=True))
    op.execute("UPDATE tasks SET area = (SELECT area FROM cases WHERE cases.id = tasks.case_id) WHERE state = 'open'")
    _open_role_due(OPEN_ROLE_DUE_AREA)
    # ix_tasks_open_role_due leads with role over the same open tasks and covers more.
    op.drop_index("ix_tasks_open_role", table_name="tasks")
    op.create_index("ix_cases_status_process", "cases", ["status", "process_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cases_status_process", table_name="cases")
    op.create_index(
        "ix_tasks_open_role", "tasks", ["role"], unique=False, sqlite_where=OPEN_TASK, postgresql_where=OPEN_TASK
    )
    _open_role_due(OPEN_ROLE_DUE)
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("area")


def _open_role_due(columns: list[str]) -> None:
    op.drop_index("ix_tasks_open_role_due", table_name="tasks")
    op.create_index(
        "ix_tasks_open_role_due", "tasks", columns, unique=False, sqlite_where=OPEN_TASK, postgresql_where=OPEN_TASK
    )
