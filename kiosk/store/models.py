"""Database tables. Personal data lives only in `data`/`answers` columns and is purged by expiry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base for every table."""


class ResidentSession(Base):
    """A resident's server-side session: the cookie carries only `id`."""

    __tablename__ = "resident_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="web")  # web | api
    mode: Mapped[str] = mapped_column(String(16), default="home")  # kiosk | home
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ResumeCode(Base):
    """A short code that lets a resident continue at home or at the counter."""

    __tablename__ = "resume_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("resident_sessions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)


class StaffCall(Base):
    """A 「職員を呼ぶ」 press on a kiosk, for staff to see and answer."""

    __tablename__ = "staff_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device: Mapped[str] = mapped_column(String(64))
    event: Mapped[str | None] = mapped_column(String(32), nullable=True)
    page: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


Index("ix_staff_calls_open", StaffCall.answered_at)


class Case(Base):
    """A resident's case at the counter: answers and the prefill data the forms need. Purged after retention."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Random: what URLs and slip tokens show (the sequential id would tell how many cases there are).
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    # The nonce of the sealed slip the case was opened from: scanning the slip again opens the same case.
    slip_nonce: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    reference_code: Mapped[str] = mapped_column(String(16), unique=True)
    event: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prefill: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(16))  # kiosk | home | sealed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    purge_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # The counter queue (「窓口に送る」 at a tablet): the day's 受付番号, when it was sent, and when and by whom it was
    # called (「次の方を呼ぶ」). Sent again while still waiting, a case keeps its number; called, it leaves the queue.
    queue_day: Mapped[date | None] = mapped_column(Date, nullable=True)  # the Japanese date the number is for
    queue_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    called_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    called_by: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (UniqueConstraint("queue_day", "queue_number", name="uq_cases_queue_number"),)


class QueueCounter(Base):
    """The last 受付番号 given out on one day: one row per day, incremented in one statement (INSERT … ON CONFLICT
    DO UPDATE … RETURNING), so that server processes giving out numbers at once never give out the same one."""

    __tablename__ = "queue_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class CaseProcedure(Base):
    """The status (未・済) of one procedure of a case, updated by whichever counter does it."""

    __tablename__ = "case_procedures"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    procedure_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(8), default="todo")  # todo | done
    updated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class StaffUser(Base):
    """A counter clerk or an administrator."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # staff | admin
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did what to which case, when. Never personal data: ids and actions only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    staff: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")


class Throttle(Base):
    """Failed attempts per key ("resume-code:…", "resume-address:…", "staff-name:…", "staff-address:…")."""

    __tablename__ = "throttle"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
