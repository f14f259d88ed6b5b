"""The 报告期 of each snapshot read as a year and the months it covers, filled in for existing snapshots.

The period comparison (same months of different years, or different lengths as monthly averages) and "the
closest earlier snapshot of the same county" need numbers, not text. Existing rows are read with
:func:`chain.periods.parse_period`; a text it cannot read leaves the columns empty (the snapshot is kept,
and the app asks for its period) rather than failing the upgrade.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from chain.periods import PeriodError, parse_period

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("period_year", sa.Integer, nullable=True))
        batch.add_column(sa.Column("period_first_month", sa.Integer, nullable=True))
        batch.add_column(sa.Column("period_last_month", sa.Integer, nullable=True))
    op.create_index("ix_snapshots_county_year", "snapshots", ["workspace_id", "county", "period_year"])
    snapshots = sa.table(
        "snapshots",
        sa.column("id", sa.Integer),
        sa.column("period", sa.String),
        sa.column("period_year", sa.Integer),
        sa.column("period_first_month", sa.Integer),
        sa.column("period_last_month", sa.Integer),
    )
    bind = op.get_bind()
    for snapshot_id, text in bind.execute(sa.select(snapshots.c.id, snapshots.c.period)).all():
        try:
            period = parse_period(text)
        except PeriodError:
            continue
        bind.execute(
            snapshots.update()
            .where(snapshots.c.id == snapshot_id)
            .values(
                period_year=period.year,
                period_first_month=period.first_month,
                period_last_month=period.last_month,
            )
        )


def downgrade() -> None:
    op.drop_index("ix_snapshots_county_year", table_name="snapshots")
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_column("period_last_month")
        batch.drop_column("period_first_month")
        batch.drop_column("period_year")
