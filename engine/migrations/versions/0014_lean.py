"""lean: the overview reads covering indexes only; one index fewer for every task written

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


def upgrade() -> None:
    # ix_tasks_open_role_due (0013) leads with role over the same open tasks and covers more.
    op.drop_index("ix_tasks_open_role", table_name="tasks")
    op.create_index("ix_cases_status_process", "cases", ["status", "process_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cases_status_process", table_name="cases")
    op.create_index(
        "ix_tasks_open_role", "tasks", ["role"], unique=False, sqlite_where=OPEN_TASK, postgresql_where=OPEN_TASK
    )
