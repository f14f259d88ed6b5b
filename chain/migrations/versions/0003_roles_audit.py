"""Who may do what, and who did what: role assignments and the audit trail of every write (issue #15).

``roles`` holds one role per signed-in user name (viewer, editor, admin); ``audit`` one row per write, with the
acting user, the action, what it acted on and the record before and after, written in the same transaction as
the write itself so that neither exists without the other.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roles",
        sa.Column("user_name", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("granted_by", sa.String(200), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=True
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("user_source", sa.String(20), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("target", sa.String(400), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
    )
    op.create_index("ix_audit_workspace_at", "audit", ["workspace_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_workspace_at", table_name="audit")
    op.drop_table("audit")
    op.drop_table("roles")
