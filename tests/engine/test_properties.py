"""Property-based tests: any resident, answering anything in any order, always reaches a result."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.engine import AnswerError, Content, load_content, parse_answer, resolve, walk
from kiosk.engine.model import Question

from ..conftest import content_dir
from .conftest import TOY

TODAY = date(2026, 6, 15)


def answer_strategy(question: Question) -> st.SearchStrategy:
    extra = [st.just("unknown")] if question.unknown else []
    if question.type in ("single", "yes_no"):
        return st.sampled_from(question.option_values)
    if question.type == "multiple":
        plain = [o.value for o in question.choices if not o.exclusive]
        exclusive = [o.value for o in question.choices if o.exclusive]
        options = [st.lists(st.sampled_from(plain), unique=True, min_size=question.min_choices or 0)] if plain else []
        options += [st.just([v]) for v in exclusive]
        return st.one_of(*options)
    if question.type == "number":
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 200
        return st.one_of(st.integers(low, high), *extra)
    return st.one_of(st.dates(TODAY - timedelta(days=800), TODAY).map(date.isoformat), *extra)


def draw_answer(data, question: Question):
    raw = data.draw(answer_strategy(question), label=question.id)
    try:
        return parse_answer(question, raw, TODAY)
    except AnswerError:
        # e.g. a date before not_before: a real resident is told and answers again.
        return parse_answer(question, "unknown", TODAY) if question.unknown else None


def _contents() -> list[tuple[str, Content]]:
    toy = load_content(TOY)
    # The real flows too, always: content that does not load fails here (loudly, at collection) rather than
    # quietly leaving only the toy flow to be walked.
    real = load_content(content_dir())
    assert real.flows, "the real content has no flows"
    return [("toy", toy)] + [(event, real) for event in real.flows]


CASES = _contents()


@pytest.mark.parametrize(("event", "content"), CASES, ids=[c[0] for c in CASES])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_resident_who_answers_and_changes_answers_always_reaches_a_result(event, content, data):
    flow = content.flows[event]
    answers: dict = {}
    for _step in range(4 * len(flow.questions) + 10):
        progress = walk(flow, answers, TODAY)
        answers = dict(progress.answers)
        answered = [q for q in progress.path if q.id in answers]
        if answered and data.draw(st.integers(0, 5), label="go back") == 0:
            question = data.draw(st.sampled_from(answered), label="change")
        elif progress.next_question is not None:
            question = progress.next_question
        else:
            break
        value = draw_answer(data, question)
        if value is None:
            continue
        answers[question.id] = value
    progress = walk(flow, answers, TODAY)
    while progress.next_question is not None:  # finish honestly: answer what is left
        question = progress.next_question
        value = draw_answer(data, question)
        if value is None:  # only a date outside its bounds: answer the earliest allowed date
            value = parse_answer(question, question.not_before or TODAY.isoformat(), TODAY)
        answers = {**progress.answers, question.id: value}
        progress = walk(flow, answers, TODAY)
    assert progress.complete
    result = resolve(content, event, progress.answers, TODAY)
    again = resolve(content, event, dict(reversed(list(progress.answers.items()))), TODAY)
    assert result.to_dict() == again.to_dict()
    ids = [p.id for p in result.procedures]
    assert len(ids) == len(set(ids))
    assert all(p.reasons for p in result.procedures)
    assert all(p.hints for p in result.procedures if p.conditional)
    items = [entry.id for entry in result.checklist]
    assert len(items) == len(set(items))


@pytest.mark.parametrize(("event", "content"), CASES, ids=[c[0] for c in CASES])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_subset_of_answers_gives_a_result_without_crashing(event, content, data):
    flow = content.flows[event]
    chosen = data.draw(st.lists(st.sampled_from(flow.questions), unique_by=lambda q: q.id), label="questions")
    answers = {q.id: v for q in chosen if (v := draw_answer(data, q)) is not None}
    result = resolve(content, event, answers, TODAY)
    assert set(result.progress.answers) <= set(answers)
    for proc in result.procedures:
        if proc.deadline.date and proc.deadline.counted_from:
            assert proc.deadline.date >= proc.deadline.counted_from
