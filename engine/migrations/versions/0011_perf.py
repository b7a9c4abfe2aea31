"""perf: indexes that keep the inbox and the overview flat as finished cases pile up

Revision ID: perf
Revises: personal
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "perf"
down_revision = "personal"
branch_labels = None
depends_on = None

OPEN_TASK = sa.text("state = 'open'")


def upgrade() -> None:
    op.create_index("ix_cases_created_at", "cases", ["created_at"], unique=False)
    for name, column in (("ix_tasks_open_role", "role"), ("ix_tasks_open_assignee", "assignee")):
        op.create_index(name, "tasks", [column], unique=False, sqlite_where=OPEN_TASK, postgresql_where=OPEN_TASK)


def downgrade() -> None:
    op.drop_index("ix_tasks_open_assignee", table_name="tasks")
    op.drop_index("ix_tasks_open_role", table_name="tasks")
    op.drop_index("ix_cases_created_at", table_name="cases")
