"""case_figures: per-case figures for the statistics and the public marking, backfilled

Revision ID: figures
Revises: perf
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from engine import figures
from engine.profile import load_profiles
from engine.schema import UtcDateTime

revision = "figures"
down_revision = "perf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_figures",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("applied_sek", sa.Integer(), nullable=True),
        sa.Column("granted_sek", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=50), nullable=True),
        sa.Column("decided_on", sa.String(length=10), nullable=True),
        sa.Column("first_report_on", sa.String(length=10), nullable=True),
        sa.Column("used_sek", sa.Integer(), nullable=False),
        sa.Column("residents_reached", sa.Integer(), nullable=True),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("report_numbers", sa.JSON(), nullable=False),
        sa.Column("reports_submitted", sa.Integer(), nullable=False),
        sa.Column("reports_late", sa.Integer(), nullable=False),
        sa.Column("figures_state", sa.JSON(), nullable=False),
        sa.Column("public_at", UtcDateTime(), nullable=True),
        sa.Column("public_by", sa.String(length=200), nullable=True),
        sa.Column("public_organisations", sa.JSON(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_case_figures_public", "case_figures", ["public_at"], unique=False)
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    """Every case that completed a task its figures come from gets its row, as a step would write it."""
    now = datetime.now(UTC)
    for process_id, profile in load_profiles().items():
        spec = profile.figures
        if spec is None:
            continue
        query = sa.text(
            "SELECT DISTINCT h.case_id FROM history h JOIN cases c ON c.id = h.case_id"
            " WHERE c.process_id = :pid AND h.action = 'completed' AND h.element_id IN :elements"
        ).bindparams(sa.bindparam("elements", expanding=True))
        for case_id in conn.execute(query, {"pid": process_id, "elements": list(spec.elements)}).scalars():
            figures.rebuild(conn, spec, int(case_id), now)


def downgrade() -> None:
    op.drop_index("ix_case_figures_public", table_name="case_figures")
    op.drop_table("case_figures")
