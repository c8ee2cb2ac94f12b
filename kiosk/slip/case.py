"""The case a slip stands for: the event, the resident's answers and the prefill data.

This is the data the `sealed` mode carries in the QR code and the counter gets back. Answer values have the
decision engine's Answers value (str, int, tuple of str; dates as YYYY-MM-DD strings). Prefill is grouped by role,
e.g. {"applicant": {...}, "subject": {...}} with string fields as in domain-procedures §7.3; the personal
number (個人番号) is never part of a slip.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

from ..engine.answer_set import Answers, is_answer_value

SlipAnswer = str | int | tuple[str, ...]
DEFAULT_VALID_FOR = timedelta(days=14)

# Keys that must never travel on a slip, in any role.
FORBIDDEN_FIELDS = frozenset({"my_number", "mynumber", "individual_number", "kojin_bango", "personal_number"})


def utc_now() -> datetime:
    return datetime.now(UTC)


def whole_seconds(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("日時にはタイムゾーンが必要です")
    return moment.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class SlipCase:
    event: str
    answers: Answers
    prefill: Mapping[str, Mapping[str, str]]
    issued_at: datetime
    expires_at: datetime
    nonce: str | None = field(default=None, compare=False)
    """A sealed slip's identity as the counter opened it (`sealed.slip_nonce`): not part of the case itself."""

    def __post_init__(self) -> None:
        _check_answers(self.answers)
        object.__setattr__(self, "answers", Answers(self.answers))
        object.__setattr__(
            self, "prefill", MappingProxyType({role: MappingProxyType(dict(f)) for role, f in self.prefill.items()})
        )
        object.__setattr__(self, "issued_at", whole_seconds(self.issued_at))
        object.__setattr__(self, "expires_at", whole_seconds(self.expires_at))
        _check(self)

    @classmethod
    def new(
        cls,
        event: str,
        answers: Mapping[str, SlipAnswer | list[str]],
        prefill: Mapping[str, Mapping[str, str]] | None = None,
        *,
        valid_for: timedelta = DEFAULT_VALID_FOR,
        now: datetime | None = None,
    ) -> SlipCase:
        issued = whole_seconds(now or utc_now())
        return cls(event, answers, prefill or {}, issued, issued + valid_for)  # type: ignore[arg-type]

    def with_nonce(self, nonce: str) -> SlipCase:
        return replace(self, nonce=nonce)

    def to_plain(self) -> dict[str, Any]:
        """Plain dicts and lists (JSON-ready), e.g. for storing the case after a counter opened it."""
        return {
            "event": self.event,
            "answers": self.answers.to_json(),
            "prefill": {role: dict(fields) for role, fields in self.prefill.items()},
            "issued_at": self.issued_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SlipCase):
            return NotImplemented
        return self.to_plain() == other.to_plain()

    def __hash__(self) -> int:
        return hash((self.event, self.issued_at, self.expires_at))


def _check(case: SlipCase) -> None:
    if not isinstance(case.event, str) or not case.event:
        raise ValueError("event が空です")
    if case.expires_at <= case.issued_at:
        raise ValueError("有効期限が発行日時より前です")
    for role, fields in case.prefill.items():
        if not isinstance(role, str):
            raise ValueError("事前入力の区分は文字列です")
        for name, value in fields.items():
            if not isinstance(name, str) or not isinstance(value, str):
                raise ValueError(f"事前入力 {role}.{name} は文字列でなければなりません")
            if name.lower() in FORBIDDEN_FIELDS:
                raise ValueError("個人番号は受付票に入れません")


def _check_answers(answers: Mapping[str, Any]) -> None:
    for key, value in answers.items():
        if not isinstance(key, str) or not is_answer_value(value):
            raise ValueError(f"答え {key!r} の形が受付票に入れられません")
