"""Resident sessions, resume codes and staff calls.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resident_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_resident_sessions_expires_at", "resident_sessions", ["expires_at"])
    op.create_table(
        "resume_codes",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column(
            "session_id", sa.String(64), sa.ForeignKey("resident_sessions.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
    )
    op.create_index("ix_resume_codes_expires_at", "resume_codes", ["expires_at"])
    op.create_table(
        "staff_calls",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("device", sa.String(64), nullable=False),
        sa.Column("event", sa.String(32), nullable=True),
        sa.Column("page", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_staff_calls_created_at", "staff_calls", ["created_at"])
    op.create_index("ix_staff_calls_open", "staff_calls", ["answered_at"])


def downgrade() -> None:
    op.drop_table("staff_calls")
    op.drop_table("resume_codes")
    op.drop_table("resident_sessions")
