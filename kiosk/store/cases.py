"""Cases at the counter, their procedure statuses, and the audit log."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import case as when
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..engine.answer_set import Answers
from ..slip.reference import format_reference_code, new_reference_code
from .database import Database
from .models import AuditEntry, Case, CaseProcedure, QueueCounter, StaffCall
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
    queue_day: date | None = None
    queue_number: int | None = None
    queued_at: datetime | None = None
    called_at: datetime | None = None
    called_by: str | None = None

    @property
    def waiting(self) -> bool:
        """In the counter queue and not called yet."""
        return self.queue_number is not None and self.called_at is None

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

    def enqueue(self, case_id: int, day: date) -> CaseRecord:
        """「窓口に送る」: put the case in the counter queue with `day`'s next 受付番号 (1, 2, 3, … per day). A case
        still waiting with a number of that day keeps it (pressing again changes nothing); one that was called, or
        queued on another day, gets a new number. The number comes from the day's counter row, incremented in the
        same transaction that gives it to the case; the unique (queue_day, queue_number) is the last guard."""
        for attempt in range(3):
            try:
                with self.database.session() as db:
                    case = db.get(Case, case_id)
                    if case is None:
                        raise LookupError(case_id)
                    if case.queue_day != day or case.queue_number is None or case.called_at is not None:
                        # After a collision (a counter row behind the numbers given out): past the day's highest.
                        floor = 0 if attempt == 0 else int(db.scalar(
                            select(func.max(Case.queue_number)).where(Case.queue_day == day)) or 0)
                        case.queue_day, case.queue_number = day, self._next_number(db, day, floor)
                        case.queued_at, case.called_at, case.called_by = now(), None, None
                        db.flush()
                    return CaseRecord.of(case)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _next_number(self, db: Session, day: date, floor: int = 0) -> int:
        """The day's next 受付番号 (above `floor`): one statement that inserts the day's row or increments it, and
        returns it (SQLite ≥ 3.35 and PostgreSQL); the row stays locked until the transaction ends."""
        dialect = postgresql if self.database.engine.dialect.name == "postgresql" else sqlite
        following = QueueCounter.last_number + 1
        statement = dialect.insert(QueueCounter).values(day=day, last_number=floor + 1)
        statement = statement.on_conflict_do_update(
            index_elements=[QueueCounter.day],
            set_={"last_number": when((following > floor, following), else_=floor + 1)})
        number = db.execute(statement.returning(QueueCounter.last_number)).scalar_one()
        return int(number)

    def waiting(self, day: date) -> list[CaseRecord]:
        """The day's queue: cases sent to the counter and not called yet, oldest number first."""
        with self.database.read() as db:
            query = (select(Case).where(Case.queue_day == day, Case.queue_number.is_not(None),
                                        Case.called_at.is_(None), Case.purge_after > now())
                     .order_by(Case.queue_number))
            return [CaseRecord.of(case) for case in db.scalars(query)]

    def call_next(self, day: date, staff: str, accept: Callable[[CaseRecord], bool] | None = None,
                  counter: str = "") -> CaseRecord | None:
        """「次の方を呼ぶ」: mark the day's oldest waiting case (of those `accept` takes: one counter's) called by
        `staff` (audited, with the `counter` it was called for), or None when nobody waits there. Two clerks
        pressing at once call two different cases: the update only takes a case still waiting."""
        for case in self.waiting(day):
            if accept is not None and not accept(case):
                continue
            with self.database.session() as db:
                taken = db.connection().execute(
                    update(Case).where(Case.id == case.id, Case.called_at.is_(None))
                    .values(called_at=now(), called_by=staff)).rowcount
                if taken:
                    detail = f"{case.queue_day} {case.queue_number}" + (f" {counter}" if counter else "")
                    db.add(AuditEntry(at=now(), staff=staff, action="queue_call", case_id=case.id, detail=detail))
                    return CaseRecord.of(db.get_one(Case, case.id))
        return None

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
            db.execute(delete(QueueCounter).where(QueueCounter.day < (moment - timedelta(days=7)).date()))
            return Purged(len(expired), audit)


class Purged(NamedTuple):
    """What a purge deleted."""

    cases: int
    audit_entries: int


def printed_code(case: CaseRecord | Case) -> str:
    """The reference code as printed on the slip (K7Q2-9XMD-4T)."""
    return format_reference_code(case.reference_code)
