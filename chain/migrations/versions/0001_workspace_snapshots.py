"""Workspaces and their snapshots: each accepted workbook kept with its original bytes and validation report.

A workspace is one chain office's set of snapshots (later also its leads, demands, roles and audit). The
original bytes live in their own table so that listing snapshots never reads megabytes of workbooks. One
snapshot per workspace is current, enforced by a partial unique index (SQLite and PostgreSQL both have them).

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    workspaces = op.create_table(
        "workspaces",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("county", sa.String(200), nullable=False),
        sa.Column("period", sa.String(100), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("is_current", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("report", sa.JSON, nullable=False),
        sa.UniqueConstraint("workspace_id", "sha256", name="uq_snapshots_workspace_sha256"),
    )
    op.create_index(
        "uq_snapshots_one_current",
        "snapshots",
        ["workspace_id"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    op.create_table(
        "snapshot_files",
        sa.Column(
            "snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    # The default workspace: a single office's server needs no set-up; more workspaces come by name later.
    op.execute(workspaces.insert().values(id=1, name="default", created_at=sa.func.current_timestamp()))


def downgrade() -> None:
    op.drop_table("snapshot_files")
    op.drop_index("uq_snapshots_one_current", table_name="snapshots")
    op.drop_table("snapshots")
    op.drop_table("workspaces")
