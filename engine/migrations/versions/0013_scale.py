"""scale: covering indexes for the overview and the inbox with 100,000 active cases

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
OPEN_ROLE_DUE = ["role", "due_at", "created_at", "id", "case_id", "phase", "assignee", "state"]


def upgrade() -> None:
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
