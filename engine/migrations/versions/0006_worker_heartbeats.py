"""worker_heartbeats: when each worker last swept, for the health check and /metrics

Revision ID: worker_heartbeats
Revises: 0005
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.schema import UtcDateTime

revision = "worker_heartbeats"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("last_sweep_at", UtcDateTime(), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("sweeps", sa.Integer(), nullable=False),
        sa.Column("timers_fired", sa.Integer(), nullable=False),
        sa.Column("notifications_sent", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_worker_heartbeats_last_sweep", "worker_heartbeats", ["last_sweep_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_worker_heartbeats_last_sweep", table_name="worker_heartbeats")
    op.drop_table("worker_heartbeats")
