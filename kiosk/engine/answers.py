"""Check and normalise one answer for one question. Messages are for residents, in plain Japanese; the words and
dates inside them (an option's label, a unit, a date) go as localizable parameters, so the page shows the whole
message in its own language (kiosk.engine.localize)."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from .conditions import UNKNOWN, AnswerValue
from .dates import DEFAULT_NOT_AFTER, DEFAULT_NOT_BEFORE, bound_date, missing_day, parse_resident_date
from .errors import AnswerError
from .localize import ContentText, PhraseText, ShownDate, phrase
from .model import Option, Question

REQUIRED_DATE = phrase("answer_error.required_date", "日付を入力してください")
REQUIRED_NUMBER = phrase("answer_error.required_number", "数字を入力してください")
REQUIRED_CHOICES = phrase("answer_error.required_choices", "あてはまるものを選んでください")
REQUIRED_CHOICE = phrase("answer_error.required_choice", "答えを1つ選んでください")
UNKNOWN_NOT_OFFERED = phrase(
    "answer_error.unknown_not_offered", "この質問には「わからない」は選べません。答えを選んでください"
)
NOT_AN_OPTION = phrase("answer_error.not_an_option", "選択肢の中から1つ選んでください")
NOT_OPTIONS = phrase("answer_error.not_options", "選択肢の中から選んでください")
EXCLUSIVE = phrase("answer_error.exclusive", "「{label}」は、ほかの選択肢と一緒には選べません")
TOO_FEW = phrase("answer_error.too_few", "{count}つ以上選んでください")
NOT_A_NUMBER = phrase("answer_error.not_a_number", "数字で入力してください（例: 65）")
TOO_SMALL = phrase("answer_error.too_small", "{min}以上の数を入力してください")
TOO_LARGE = phrase("answer_error.too_large", "{max}以下の数を入力してください")
TOO_SMALL_IN_UNIT = phrase("answer_error.too_small_in_unit", "{min}{unit}以上の数を入力してください")
TOO_LARGE_IN_UNIT = phrase("answer_error.too_large_in_unit", "{max}{unit}以下の数を入力してください")
UNKNOWN_LABEL = ("choice.unknown", "わからない")
"""The generated 「わからない」 option's label: an interface string (ja/ui.yaml), like the page's own."""
NOT_A_DATE = phrase("answer_error.not_a_date", "ある日付を入力してください（例: 2026年5月1日）")
NO_SUCH_DAY = phrase("answer_error.no_such_day", "{month}月{day}日はありません")
TOO_EARLY = phrase("answer_error.too_early", "{date}以降の日付を入力してください")
IN_FUTURE = phrase("answer_error.in_future", "今日より後の日付は入力できません")
TOO_LATE = phrase("answer_error.too_late", "{date}以前の日付を入力してください")
CHECK_YEAR_EARLY = phrase(
    "answer_error.check_year_early", "年をお確かめください。{date}より前の日付は入力できません"
)
CHECK_YEAR_LATE = phrase("answer_error.check_year_late", "年をお確かめください。{date}より後の日付は入力できません")


def parse_answer(question: Question, raw: Any, today: date) -> AnswerValue:
    """Return the normalised answer, or raise AnswerError with a message the resident can act on.

    Accepts what a form, the API or an answers file sends: strings with full-width digits, lists for
    multiple choice, ints for numbers, dates as 2026-05-01, 2026/5/1, 2026年5月1日 or 令和8年5月1日.
    """
    if isinstance(raw, str):
        raw = unicodedata.normalize("NFKC", raw).strip()
    if raw is None or raw == "" or raw == []:
        if question.type == "multiple" and raw == [] and not question.min_choices:
            return ()
        raise AnswerError(question.id, "required", _required_message(question))
    if raw == UNKNOWN or raw == [UNKNOWN]:
        if not question.unknown:
            raise AnswerError(question.id, "unknown_not_offered", UNKNOWN_NOT_OFFERED)
        return (UNKNOWN,) if question.type == "multiple" else UNKNOWN
    if question.type in ("single", "yes_no"):
        return _choice(question, raw)
    if question.type == "multiple":
        return _choices(question, raw)
    if question.type == "number":
        return _number(question, raw)
    return _date(question, raw, today)


def _required_message(question: Question) -> tuple[str, str]:
    if question.type == "date":
        return REQUIRED_DATE
    if question.type == "number":
        return REQUIRED_NUMBER
    if question.type == "multiple":
        return REQUIRED_CHOICES
    return REQUIRED_CHOICE


def _choice(question: Question, raw: Any) -> str:
    if isinstance(raw, bool) and question.type == "yes_no":
        raw = "yes" if raw else "no"
    if not isinstance(raw, str) or raw not in question.option_values:
        raise AnswerError(question.id, "not_an_option", NOT_AN_OPTION)
    return raw


def _choices(question: Question, raw: Any) -> tuple[str, ...]:
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise AnswerError(question.id, "not_an_option", NOT_OPTIONS)
    unknown_values = [v for v in values if v not in question.option_values]
    if unknown_values:
        raise AnswerError(question.id, "not_an_option", NOT_OPTIONS)
    chosen = tuple(v for v in question.option_values if v in values)  # content order, no duplicates
    exclusive = {option.value for option in question.choices if option.exclusive}
    if len(chosen) > 1 and exclusive & set(chosen):
        option = next(o for o in question.choices if o.value in exclusive and o.value in chosen)
        raise AnswerError(question.id, "exclusive", EXCLUSIVE, label=option_label(question, option))
    if question.min_choices and len(chosen) < question.min_choices:
        raise AnswerError(question.id, "too_few", TOO_FEW, count=question.min_choices)
    return chosen


def _number(question: Question, raw: Any) -> int:
    if isinstance(raw, bool):
        raise AnswerError(question.id, "not_a_number", NOT_A_NUMBER)
    if isinstance(raw, str):
        text = raw.replace(",", "")
        if question.unit and text.endswith(question.unit):
            text = text[: -len(question.unit)].strip()
        try:
            raw = int(text) if text.lstrip("-").isdigit() else None
        except ValueError:  # digits int() cannot read (᧚), or more than 4300 of them
            raw = None
        if raw is None:
            raise AnswerError(question.id, "not_a_number", NOT_A_NUMBER)
    if not isinstance(raw, int):
        raise AnswerError(question.id, "not_a_number", NOT_A_NUMBER)
    unit = {"unit": ContentText(question.text_key("unit"), question.unit)} if question.unit else {}
    if question.min is not None and raw < question.min:
        raise AnswerError(question.id, "too_small", TOO_SMALL_IN_UNIT if unit else TOO_SMALL, min=question.min, **unit)
    if question.max is not None and raw > question.max:
        raise AnswerError(question.id, "too_large", TOO_LARGE_IN_UNIT if unit else TOO_LARGE, max=question.max, **unit)
    return raw


def option_label(question: Question, option: Option) -> ContentText | PhraseText:
    """An option's label as a message parameter: the content's label by key, or the interface's はい・いいえ・わからない
    for the options the engine generates."""
    if option.value == UNKNOWN:
        return PhraseText(*UNKNOWN_LABEL)
    if question.type == "yes_no":
        return PhraseText(f"choice.{option.value}", option.label)
    return ContentText(question.text_key(f"option.{option.value}"), option.label)


def _date(question: Question, raw: Any, today: date) -> str:
    if isinstance(raw, date):
        parsed: date | None = raw
    elif isinstance(raw, str):
        parsed = parse_resident_date(raw)
    else:
        parsed = None
    if parsed is None:
        missing = missing_day(raw) if isinstance(raw, str) else None
        if missing is not None:
            # The same reason code (the API's clients know it); a message that says which day does not exist.
            raise AnswerError(question.id, "not_a_date", NO_SUCH_DAY, month=missing[0], day=missing[1])
        raise AnswerError(question.id, "not_a_date", NOT_A_DATE)
    # Every date lies in a window: the question's own (`not_before` / `not_after`), else a sensible default
    # (1900-01-01 … two years from today), so no answer takes the deadline arithmetic to the calendar's limits.
    earliest = bound_date(question.not_before or DEFAULT_NOT_BEFORE, today)
    latest = bound_date(question.not_after or DEFAULT_NOT_AFTER, today)
    if earliest is not None and parsed < earliest:
        message = TOO_EARLY if question.not_before else CHECK_YEAR_EARLY
        raise AnswerError(question.id, "too_early", message, date=ShownDate(earliest))
    if latest is not None and parsed > latest:
        if question.not_after == "today":
            raise AnswerError(question.id, "in_future", IN_FUTURE)
        message = TOO_LATE if question.not_after else CHECK_YEAR_LATE
        raise AnswerError(question.id, "too_late", message, date=ShownDate(latest))
    return parsed.isoformat()
