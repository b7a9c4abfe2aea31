"""scale: covering indexes for the overview and the inbox with 100,000 active cases; claimed tasks by assignee

Revision ID: scale
Revises: figures
Create Date: 2026-12-06 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "scale"
down_revision = "figures"
branch_labels = None
depends_on = None

OPEN_TASK = sa.text("state = 'open'")
OPEN_CLAIMED = sa.text("state = 'open' AND assignee IS NOT NULL")
OPEN_ROLE_DUE = ["role", "due_at", "created_at", "id", "case_id", "phase", "assignee", "state"]


def upgrade() -> None:
    _assignee_index(OPEN_CLAIMED)
    op.create_index("ix_cases_id_status", "cases", ["id", "status", "process_id", "area"], unique=False)
    op.create_index(
        "ix_tasks_open_role_due",
        "tasks",
        OPEN_ROLE_DUE,
        unique=False,
        sqlite_where=OPEN_TASK,
        postgresql_where=OPEN_TASK,
    )


def downgrade() -> None:
    op.drop_index("ix_tasks_open_role_due", table_name="tasks")
    op.drop_index("ix_cases_id_status", table_name="cases")
    _assignee_index(OPEN_TASK)


def _assignee_index(where: sa.TextClause) -> None:
    """``ix_tasks_open_assignee`` over the open tasks ``where`` says (0011: all; 0013: the claimed ones)."""
    op.drop_index("ix_tasks_open_assignee", table_name="tasks")
    op.create_index(
        "ix_tasks_open_assignee", "tasks", ["assignee"], unique=False, sqlite_where=where, postgresql_where=where
    )
