"""The recruiting loop's own records (#16): leads with their activity log, and the enterprise-demand ledger.

These are what people edit in the app (unlike a snapshot, whose bytes never change): each row says who
made and last changed it, and every write is also in the audit trail of revision 0003. A lead is unique per
workspace by company + segment and a demand by enterprise + type + raised date + content (the ``*_key``
columns hold the names as :func:`chain.names.name_key` compares them), so a re-import updates rather than
duplicates.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _workspace() -> sa.Column:
    return sa.Column(
        "workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
    )


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace(),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("company_key", sa.String(200), nullable=False),
        sa.Column("segment", sa.String(200), nullable=False),
        sa.Column("segment_key", sa.String(200), nullable=False),
        sa.Column("project", sa.String(300), nullable=False, server_default=""),
        sa.Column("region", sa.String(200), nullable=False, server_default=""),
        sa.Column("gap", sa.String(20), nullable=False, server_default=""),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("owner", sa.String(200), nullable=False, server_default=""),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("stop_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("planned_investment", sa.Float, nullable=True),
        sa.Column("expected_output", sa.Float, nullable=True),
        sa.Column("next_step", sa.Text, nullable=False, server_default=""),
        sa.Column("next_due", sa.Date, nullable=True),
        sa.Column("local_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("stage_changed_on", sa.Date, nullable=True),
        *_stamps(),
        sa.UniqueConstraint("workspace_id", "company_key", "segment_key", name="uq_leads_company_segment"),
    )
    op.create_table(
        "lead_activities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("lead_id", sa.Integer, sa.ForeignKey("leads.id", ondelete="CASCADE"), nullable=False),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_lead_activities_lead", "lead_activities", ["lead_id"])
    op.create_table(
        "demands",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace(),
        sa.Column("enterprise", sa.String(200), nullable=False),
        sa.Column("enterprise_key", sa.String(200), nullable=False),
        sa.Column("demand_type", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("detail_key", sa.Text, nullable=False),
        sa.Column("raised", sa.Date, nullable=False),
        sa.Column("responsible", sa.String(200), nullable=False, server_default=""),
        sa.Column("due", sa.Date, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("resolution", sa.Text, nullable=False, server_default=""),
        sa.Column("closed", sa.Date, nullable=True),
        *_stamps(),
        sa.UniqueConstraint(
            "workspace_id",
            "enterprise_key",
            "demand_type",
            "raised",
            "detail_key",
            name="uq_demands_identity",
        ),
    )


def downgrade() -> None:
    op.drop_table("demands")
    op.drop_index("ix_lead_activities_lead", table_name="lead_activities")
    op.drop_table("lead_activities")
    op.drop_table("leads")
