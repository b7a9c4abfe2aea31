"""personal: the log of register extracts (who searched for whom, when, what was found); notifications by case

Revision ID: personal
Revises: sso_admin
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.schema import UtcDateTime

revision = "personal"
down_revision = "sso_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("found", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_register_searches_at", "register_searches", ["at"], unique=False)
    # Gallring reads each case's notifications: without this it scanned them all for every case.
    op.create_index("ix_notifications_case", "notifications", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notifications_case", table_name="notifications")
    op.drop_index("ix_register_searches_at", table_name="register_searches")
    op.drop_table("register_searches")
