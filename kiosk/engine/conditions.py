"""Declarative conditions: a small, closed set of operators. Nothing in content is evaluated as code."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from datetime import date
from typing import Any

from .dates import add_period, parse_iso
from .truth import Truth, all_of, any_of

UNKNOWN = "unknown"
"""The answer value of 「わからない」."""

_ID = re.compile(r"^[a-z][a-z0-9_]*$")

AnswerValue = str | int | tuple[str, ...]


class Env:
    """What conditions read: the answers so far, which questions are on the path, and today."""

    def __init__(self, answers: Mapping[str, AnswerValue], on_path: Set[str], today: date) -> None:
        self.answers = answers
        self.on_path = on_path
        self.today = today

    def state(self, question_id: str) -> tuple[str, AnswerValue | None]:
        """("answered", value), ("unknown", None) for わからない or not yet answered, ("absent", None) off path."""
        if question_id in self.answers:
            value = self.answers[question_id]
            if value == UNKNOWN or value == (UNKNOWN,):
                return "unknown", None
            return "answered", value
        if question_id in self.on_path:
            return "unknown", None
        return "absent", None

    def answered_unknown(self, question_id: str) -> bool:
        """True when the resident chose 「わからない」."""
        value = self.answers.get(question_id)
        return value == UNKNOWN or value == (UNKNOWN,)


class ConditionSyntaxError(ValueError):
    """A condition that is not written in the closed operator set; `path` points inside it."""

    def __init__(self, path: tuple[str | int, ...], message: str, fix: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.fix = fix


class Condition(ABC):
    """A parsed condition."""

    @abstractmethod
    def evaluate(self, env: Env) -> Truth:
        """Whether the condition holds for these answers."""

    @abstractmethod
    def atoms(self) -> Iterator[Atom]:
        """Every atom (leaf) of the condition."""

    def questions(self) -> set[str]:
        """Ids of the questions the condition reads."""
        found: set[str] = set()
        for atom in self.atoms():
            found |= atom.reads()
        return found


class Atom(Condition):
    """A leaf that reads answers."""

    op: str

    def atoms(self) -> Iterator[Atom]:
        yield self

    @abstractmethod
    def reads(self) -> set[str]:
        """Question ids this atom reads."""


@dataclass(frozen=True)
class Equals(Atom):
    question: str
    value: str | int
    op: str = "equals"

    def reads(self) -> set[str]:
        return {self.question}

    def evaluate(self, env: Env) -> Truth:
        status, answer = env.state(self.question)
        if status == "absent":
            return Truth.FALSE
        if self.value == UNKNOWN:
            # An explicit test for 「わからない」.
            if env.answered_unknown(self.question):
                return Truth.TRUE
            return Truth.UNKNOWN if status == "unknown" else Truth.FALSE
        if status == "unknown":
            return Truth.UNKNOWN
        return Truth.of(answer == self.value)


@dataclass(frozen=True)
class In(Atom):
    question: str
    values: tuple[str | int, ...]
    op: str = "in"

    def reads(self) -> set[str]:
        return {self.question}

    def evaluate(self, env: Env) -> Truth:
        status, answer = env.state(self.question)
        if status == "absent":
            return Truth.FALSE
        if UNKNOWN in self.values and env.answered_unknown(self.question):
            return Truth.TRUE
        if status == "unknown":
            return Truth.UNKNOWN
        return Truth.of(answer in self.values)


@dataclass(frozen=True)
class Includes(Atom):
    question: str
    value: str
    op: str = "includes"

    def reads(self) -> set[str]:
        return {self.question}

    def evaluate(self, env: Env) -> Truth:
        status, answer = env.state(self.question)
        if status == "absent":
            return Truth.FALSE
        if status == "unknown":
            return Truth.UNKNOWN
        assert isinstance(answer, tuple)
        return Truth.of(self.value in answer)


@dataclass(frozen=True)
class Answered(Atom):
    question: str
    op: str = "answered"

    def reads(self) -> set[str]:
        return {self.question}

    def evaluate(self, env: Env) -> Truth:
        status, _ = env.state(self.question)
        if status == "answered":
            return Truth.TRUE
        if status == "absent" or env.answered_unknown(self.question):
            return Truth.FALSE
        return Truth.UNKNOWN


_NUMERIC = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


@dataclass(frozen=True)
class Compare(Atom):
    op: str
    question: str
    number: int

    def reads(self) -> set[str]:
        return {self.question}

    def evaluate(self, env: Env) -> Truth:
        status, answer = env.state(self.question)
        if status == "absent":
            return Truth.FALSE
        if status == "unknown":
            return Truth.UNKNOWN
        assert isinstance(answer, int)
        return Truth.of(_NUMERIC[self.op](answer, self.number))


@dataclass(frozen=True)
class DateOperand:
    """One side of a date comparison: a question's date, a fixed date or today, plus an offset."""

    question: str | None = None
    fixed: date | None = None
    days: int = 0
    months: int = 0
    years: int = 0

    def value(self, env: Env) -> date | str:
        """The date, or "unknown" / "absent"."""
        if self.question is not None:
            status, answer = env.state(self.question)
            if status != "answered":
                return status
            assert isinstance(answer, str)
            base = parse_iso(answer)
            if base is None:
                return "unknown"
        else:
            base = self.fixed if self.fixed is not None else env.today
        return add_period(base, days=self.days, months=self.months, years=self.years)


_DATE_OPS = {
    "date_before": lambda a, b: a < b,
    "date_on_or_before": lambda a, b: a <= b,
    "date_after": lambda a, b: a > b,
    "date_on_or_after": lambda a, b: a >= b,
}


@dataclass(frozen=True)
class DateCompare(Atom):
    op: str
    left: DateOperand
    right: DateOperand

    def reads(self) -> set[str]:
        return {side.question for side in (self.left, self.right) if side.question}

    def evaluate(self, env: Env) -> Truth:
        left, right = self.left.value(env), self.right.value(env)
        if "absent" in (left, right):
            return Truth.FALSE
        if isinstance(left, str) or isinstance(right, str):
            return Truth.UNKNOWN
        return Truth.of(_DATE_OPS[self.op](left, right))


@dataclass(frozen=True)
class All(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, env: Env) -> Truth:
        return all_of(part.evaluate(env) for part in self.parts)

    def atoms(self) -> Iterator[Atom]:
        for part in self.parts:
            yield from part.atoms()


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, env: Env) -> Truth:
        return any_of(part.evaluate(env) for part in self.parts)

    def atoms(self) -> Iterator[Atom]:
        for part in self.parts:
            yield from part.atoms()


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def evaluate(self, env: Env) -> Truth:
        return ~self.part.evaluate(env)

    def atoms(self) -> Iterator[Atom]:
        yield from self.part.atoms()


OPERATORS = (
    "equals",
    "in",
    "includes",
    "answered",
    "all",
    "any",
    "not",
    "gt",
    "gte",
    "lt",
    "lte",
    "date_before",
    "date_on_or_before",
    "date_after",
    "date_on_or_after",
)
_FIX_FORM = "例: {equals: [deceased_insurance, kokuho]}（使える演算子: " + ", ".join(OPERATORS) + "）"


def parse_condition(raw: Any, path: tuple[str | int, ...] = ()) -> Condition:
    """Parse a condition written in YAML into a Condition; raise ConditionSyntaxError with its location."""
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ConditionSyntaxError(path, "条件は「演算子: 中身」の1組だけを書きます", _FIX_FORM)
    ((op, arg),) = raw.items()
    here = path + (str(op),)
    if op in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise ConditionSyntaxError(here, f"{op} には条件のリストを書きます", f"例: {{{op}: [条件1, 条件2]}}")
        parts = tuple(parse_condition(item, here + (i,)) for i, item in enumerate(arg))
        return All(parts) if op == "all" else AnyOf(parts)
    if op == "not":
        return Not(parse_condition(arg, here))
    if op == "answered":
        return Answered(_question_id(arg, here))
    if op in ("equals", "includes"):
        question, value = _pair(arg, here, op)
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ConditionSyntaxError(
                here + (1,), "値は選択肢の値（英小文字）か数で書きます", '"yes" や kokuho のように書きます'
            )
        if op == "includes":
            return Includes(question, str(value))
        return Equals(question, value)
    if op == "in":
        question, values = _pair(arg, here, op)
        if not isinstance(values, list) or not values:
            raise ConditionSyntaxError(
                here + (1,), "in の2つめには値のリストを書きます", "例: {in: [deceased_insurance, [kokuho, koki]]}"
            )
        return In(question, tuple(values))
    if op in _NUMERIC:
        question, number = _pair(arg, here, op)
        if not isinstance(number, int) or isinstance(number, bool):
            raise ConditionSyntaxError(
                here + (1,), f"{op} の2つめには整数を書きます", f"例: {{{op}: [deceased_age, 65]}}"
            )
        return Compare(op, question, number)
    if op in _DATE_OPS:
        if not isinstance(arg, list) or len(arg) != 2:
            raise ConditionSyntaxError(
                here, f"{op} には2つの日付を書きます", f'例: {{{op}: [birth_date, "2025-04-01"]}}'
            )
        left = _date_operand(arg[0], here + (0,))
        right = _date_operand(arg[1], here + (1,))
        return DateCompare(op, left, right)
    raise ConditionSyntaxError(here, f"知らない演算子「{op}」です", _FIX_FORM)


def _pair(arg: Any, path: tuple[str | int, ...], op: str) -> tuple[str, Any]:
    if not isinstance(arg, list) or len(arg) != 2:
        raise ConditionSyntaxError(path, f"{op} には [質問のid, 値] の2つを書きます", _FIX_FORM)
    return _question_id(arg[0], path + (0,)), arg[1]


def _question_id(value: Any, path: tuple[str | int, ...]) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ConditionSyntaxError(
            path, f"質問のidではありません: {value!r}", "質問の id（英小文字とアンダースコア）を書きます"
        )
    return value


def _date_operand(value: Any, path: tuple[str | int, ...]) -> DateOperand:
    if isinstance(value, dict):
        unknown_keys = set(value) - {"date", "add"}
        if "date" not in value or unknown_keys:
            raise ConditionSyntaxError(
                path, "日付の計算は {date: 日付, add: {days: 数}} と書きます", "例: {date: move_date, add: {days: 14}}"
            )
        base = _date_operand(value["date"], path + ("date",))
        add = value.get("add", {})
        if (
            not isinstance(add, dict)
            or set(add) - {"days", "months", "years"}
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in add.values())
        ):
            raise ConditionSyntaxError(
                path + ("add",), "add には days・months・years を整数で書きます", "例: add: {days: -30}"
            )
        return DateOperand(base.question, base.fixed, add.get("days", 0), add.get("months", 0), add.get("years", 0))
    if value == "today":
        return DateOperand()
    if isinstance(value, str):
        fixed = parse_iso(value)
        if fixed is not None:
            return DateOperand(fixed=fixed)
        if _ID.match(value):
            return DateOperand(question=value)
    raise ConditionSyntaxError(
        path, f"日付として読めません: {value!r}", '日付の質問の id、"YYYY-MM-DD"、today のどれかを書きます'
    )
