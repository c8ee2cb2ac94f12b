"""Cases get a random public id (for URLs and slip tokens) and the nonce of the sealed slip they came from;
failed attempts (resume codes, staff logins) are counted per key in `throttle`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("public_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("slip_nonce", sa.String(64), nullable=True))
    cases = sa.table("cases", sa.column("id", sa.Integer()), sa.column("public_id", sa.String(32)))
    connection = op.get_bind()
    for (case_id,) in connection.execute(sa.select(cases.c.id)).all():
        connection.execute(cases.update().where(cases.c.id == case_id).values(public_id=secrets.token_urlsafe(16)))
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("public_id", existing_type=sa.String(32), nullable=False)
        batch.create_unique_constraint("uq_cases_public_id", ["public_id"])
        batch.create_unique_constraint("uq_cases_slip_nonce", ["slip_nonce"])
    op.create_table(
        "throttle",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("throttle")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_slip_nonce", type_="unique")
        batch.drop_constraint("uq_cases_public_id", type_="unique")
        batch.drop_column("slip_nonce")
        batch.drop_column("public_id")
