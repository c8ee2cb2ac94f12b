"""Cases at the counter, their procedure statuses, and the audit log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..engine.answer_set import Answers
from ..slip.reference import format_reference_code, new_reference_code
from .database import Database
from .models import AuditEntry, Case, CaseProcedure, StaffCall
from .sessions import aware_utc, now


class ProcedureStatus(NamedTuple):
    """A procedure's 未・済 as last set: by whom and when."""

    status: str
    updated_by: str | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A case as pages and forms read it (no ORM object leaves the store)."""

    id: int
    public_id: str
    reference_code: str
    event: str
    answers: Answers
    prefill: dict[str, Any]
    source: str
    created_at: datetime
    updated_at: datetime
    purge_after: datetime

    @classmethod
    def of(cls, case: Case) -> CaseRecord:
        """The record of a Case the ORM loaded or wrote."""
        values = {field.name: getattr(case, field.name) for field in fields(cls)}
        return cls(**{**values, "answers": Answers.from_json(case.answers)})


def _live(case: Case | None) -> CaseRecord | None:
    """The case's record, unless it is past its retention date."""
    if case is None or aware_utc(case.purge_after) <= now():
        return None
    return CaseRecord.of(case)


class CaseStore:
    """Create, find and update cases; every staff action is written to the audit log."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def save_case(
        self,
        event: str,
        answers: Answers,
        prefill: dict[str, Any],
        source: str,
        keep_for: timedelta,
        case_id: int | None = None,
        slip_nonce: str | None = None,
    ) -> CaseRecord:
        """Create a case, or update the resident's own earlier case (idempotent slip creation). `slip_nonce`: the
        sealed slip a new case is made from (unique: a second case from the same slip fails with IntegrityError)."""
        moment = now()
        with self.database.session() as db:
            case = db.get(Case, case_id) if case_id is not None else None
            if case is None or case.event != event:
                case = Case(created_at=moment, public_id=secrets.token_urlsafe(16),
                            reference_code=self._unused_code(db), event=event, source=source, slip_nonce=slip_nonce)
                db.add(case)
            case.answers = answers.to_json()
            case.prefill = prefill
            case.updated_at = moment
            case.purge_after = moment + keep_for
            db.flush()
            return CaseRecord.of(case)

    @staticmethod
    def _unused_code(db: Session) -> str:
        while True:
            code = new_reference_code()
            if db.scalar(select(Case.id).where(Case.reference_code == code)) is None:
                return code

    def get(self, case_id: int) -> CaseRecord | None:
        """A case by its row id (internal: URLs and slips name cases by public id), unless past its retention date."""
        with self.database.read() as db:
            return _live(db.get(Case, case_id))

    def by_slip_nonce(self, slip_nonce: str) -> CaseRecord | None:
        """The case made from a sealed slip (its nonce), unless past its retention date."""
        with self.database.read() as db:
            return _live(db.scalar(select(Case).where(Case.slip_nonce == slip_nonce)))

    def by_public_id(self, public_id: str) -> CaseRecord | None:
        """A case by its random public id (what staff URLs and slip tokens carry), unless past its retention date."""
        if not public_id or len(public_id) > 32 or not public_id.isascii() or not public_id.isprintable():
            return None  # not one of ours (and PostgreSQL refuses NUL in a query)
        with self.database.read() as db:
            return _live(db.scalar(select(Case).where(Case.public_id == public_id)))

    def by_reference_code(self, code: str) -> CaseRecord | None:
        """A case by its printed reference code (canonical form), unless past its retention date."""
        with self.database.read() as db:
            return _live(db.scalar(select(Case).where(Case.reference_code == code)))

    def statuses(self, case_id: int) -> dict[str, ProcedureStatus]:
        """Procedure id → its status, for the procedures a clerk has marked."""
        with self.database.read() as db:
            rows = db.scalars(select(CaseProcedure).where(CaseProcedure.case_id == case_id))
            return {row.procedure_id: ProcedureStatus(row.status, row.updated_by, row.updated_at) for row in rows}

    def set_status(self, case_id: int, procedure_id: str, status: str, staff: str) -> None:
        """Mark a procedure 未 (todo) or 済 (done); the last writer wins per procedure, never per case."""
        moment = now()
        values = {"status": status, "updated_by": staff, "updated_at": moment}
        # One statement, insert or update: two counters marking the same procedure at once never collide.
        dialect = postgresql if self.database.engine.dialect.name == "postgresql" else sqlite
        upsert = dialect.insert(CaseProcedure).values(case_id=case_id, procedure_id=procedure_id, **values)
        with self.database.session() as db:
            db.execute(upsert.on_conflict_do_update(
                index_elements=[CaseProcedure.case_id, CaseProcedure.procedure_id], set_=values))
            db.add(AuditEntry(at=moment, staff=staff, action="status", case_id=case_id,
                              detail=f"{procedure_id}={status}"))

    def today(self, start_of_day: datetime) -> list[Case]:
        """Cases created since `start_of_day`, newest first."""
        start_of_day = start_of_day.astimezone(UTC)  # stored in UTC: SQLite compares the text as written
        with self.database.read() as db:
            query = select(Case).where(Case.created_at >= start_of_day).order_by(Case.created_at.desc())
            return list(db.scalars(query).all())

    def audit(self, action: str, staff: str | None, case_id: int | None = None, detail: str = "") -> None:
        """Record an action. `detail` must never contain personal data."""
        with self.database.session() as db:
            db.add(AuditEntry(at=now(), staff=staff, action=action, case_id=case_id, detail=detail))

    def audit_log(self, limit: int = 500) -> list[AuditEntry]:
        """The newest audit entries."""
        with self.database.read() as db:
            return list(db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all())

    def open_calls(self) -> list[StaffCall]:
        """「職員を呼ぶ」 calls not yet answered, oldest first."""
        with self.database.read() as db:
            query = select(StaffCall).where(StaffCall.answered_at.is_(None)).order_by(StaffCall.created_at)
            return list(db.scalars(query).all())

    def call(self, call_id: int) -> StaffCall | None:
        """One 「職員を呼ぶ」 call (answered or not), or None once purged."""
        with self.database.read() as db:
            return db.get(StaffCall, call_id)

    def answer_call(self, call_id: int, staff: str) -> None:
        """Mark a call answered."""
        with self.database.session() as db:
            call = db.get(StaffCall, call_id)
            if call is not None and call.answered_at is None:
                call.answered_at = now()
                db.add(AuditEntry(at=now(), staff=staff, action="call_answered", detail=f"call {call_id}"))

    def purge(self, keep_cases: timedelta, keep_audit: timedelta) -> Purged:
        """Delete the cases (with their statuses) last saved `keep_cases` ago or longer, the audit entries older
        than `keep_audit`, and staff calls older than a week.

        The retention periods are the ones in force now, so that shortening one takes effect at the next purge
        (0 days: every case goes). A case also goes at the date it was saved with (`purge_after`, what the
        resident was told), should the period have been made longer since."""
        moment = now()
        with self.database.session() as db:
            past_retention = (Case.purge_after <= moment) | (Case.updated_at <= moment - keep_cases)
            expired = db.scalars(select(Case.id).where(past_retention)).all()
            if expired:
                db.execute(delete(CaseProcedure).where(CaseProcedure.case_id.in_(expired)))
                db.execute(delete(Case).where(Case.id.in_(expired)))
            audit = db.connection().execute(delete(AuditEntry).where(AuditEntry.at <= moment - keep_audit)).rowcount
            if expired or audit:
                db.add(AuditEntry(at=moment, staff=None, action="purge",
                                  detail=f"{len(expired)} cases, {audit} audit entries"))
            old_calls = moment - timedelta(days=7)
            db.execute(delete(StaffCall).where(StaffCall.created_at <= old_calls))
            return Purged(len(expired), audit)


class Purged(NamedTuple):
    """What a purge deleted."""

    cases: int
    audit_entries: int


def printed_code(case: CaseRecord | Case) -> str:
    """The reference code as printed on the slip (K7Q2-9XMD-4T)."""
    return format_reference_code(case.reference_code)
