"""areas: the case's responsible official, area coordinators and the city's other efforts per area

Revision ID: areas
Revises: worker_heartbeats
Create Date: 2026-12-06 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.schema import UtcDateTime

revision = "areas"
down_revision = "worker_heartbeats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handlaggare", sa.String(length=200), nullable=True))
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coordinator_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("coordinator_forvaltning", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("coordinator_contact", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("meeting_place", sa.String(length=400), nullable=True))
    op.create_table(
        "area_efforts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.String(length=100), nullable=False),
        sa.Column("programme", sa.String(length=200), nullable=False),
        sa.Column("forvaltning", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=400), nullable=False),
        sa.Column("period", sa.String(length=100), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_area_efforts_area", "area_efforts", ["area_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_area_efforts_area", table_name="area_efforts")
    op.drop_table("area_efforts")
    with op.batch_alter_table("areas", schema=None) as batch_op:
        batch_op.drop_column("meeting_place")
        batch_op.drop_column("coordinator_contact")
        batch_op.drop_column("coordinator_forvaltning")
        batch_op.drop_column("coordinator_name")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("handlaggare")
