"""sso_admin: users that can be deactivated and signed in by OpenID Connect, the admin events

Revision ID: sso_admin
Revises: versions
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.schema import UtcDateTime

revision = "sso_admin"
down_revision = "versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a batch copy of users: on SQLite a copy drops the old table, and its
    # ON DELETE CASCADE would take every token and login session with it.
    op.add_column("users", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("users", sa.Column("oidc_issuer", sa.String(length=400), nullable=True))
    op.add_column("users", sa.Column("oidc_subject", sa.String(length=255), nullable=True))
    op.create_index("ux_users_oidc", "users", ["oidc_issuer", "oidc_subject"], unique=True)
    op.create_table(
        "admin_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_admin_events_at", "admin_events", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_admin_events_at", table_name="admin_events")
    op.drop_table("admin_events")
    op.drop_index("ux_users_oidc", table_name="users")
    for column in ("oidc_subject", "oidc_issuer", "active"):
        op.drop_column("users", column)  # in place (SQLite 3.35+), for the reason upgrade() gives
