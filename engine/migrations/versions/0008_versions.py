"""versions: which earlier version a rolled-back version was deployed from

Revision ID: versions
Revises: areas
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "versions"
down_revision = "areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_versions") as batch:
        batch.add_column(sa.Column("based_on", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_versions") as batch:
        batch.drop_column("based_on")
