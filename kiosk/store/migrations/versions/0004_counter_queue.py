"""The counter queue: a case sent from a tablet (「窓口に送る」) gets the day's next 受付番号 (unique per day), and
is marked when a clerk calls it; `queue_counters` holds each day's last number.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-12
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("queue_day", sa.Date(), nullable=True))
        batch.add_column(sa.Column("queue_number", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("called_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("called_by", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_cases_queue_number", ["queue_day", "queue_number"])
    op.create_table(
        "queue_counters",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("last_number", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("queue_counters")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_queue_number", type_="unique")
        batch.drop_column("called_by")
        batch.drop_column("called_at")
        batch.drop_column("queued_at")
        batch.drop_column("queue_number")
        batch.drop_column("queue_day")
