"""Static analysis of flows for `kiosk check` and `kiosk paths`.

Every question and procedure is checked by searching the answers that matter to it: the questions its
condition reads, plus the questions those depend on, each tried with a small set of telling values
(every option, numbers around each threshold, dates around each compared date, and 「わからない」).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from .conditions import UNKNOWN, AnswerValue, Compare, Condition, DateCompare, Env, Equals, In
from .content import Content, Source
from .dates import add_period
from .errors import ContentProblem
from .loader import FLOW_FILES
from .model import Flow, Question
from .resolver import resolve
from .truth import Truth
from .yamlsource import Path_, key_text

ANALYSIS_TODAY = date(2026, 6, 15)
"""A fixed 'today' so analysis results never depend on the day it runs."""

SEARCH_LIMIT = 20_000


@dataclass
class _Search:
    leaves: int = 0
    capped: bool = False


def candidate_values(
    flow: Flow, question: Question, assigned: dict[str, AnswerValue], today: date
) -> list[AnswerValue]:
    """Telling answers for `question`: enough to make every condition that reads it true and false."""
    values: list[AnswerValue] = []
    if question.type in ("single", "yes_no"):
        values = list(question.option_values)
    elif question.type == "multiple":
        plain = [o.value for o in question.choices if not o.exclusive]
        values = [] if question.min_choices else [()]
        values += [(v,) for v in question.option_values]
        if len(plain) > 1:
            values.append(tuple(plain))
    elif question.type == "number":
        numbers = {question.min if question.min is not None else 0}
        for atom in _atoms_reading(flow, question.id):
            if isinstance(atom, Compare):
                numbers |= {atom.number - 1, atom.number, atom.number + 1}
            elif isinstance(atom, (Equals, In)):
                numbers |= {
                    v for v in ((atom.value,) if isinstance(atom, Equals) else atom.values) if isinstance(v, int)
                }
        low = question.min if question.min is not None else -(10**9)
        high = question.max if question.max is not None else 10**9
        values = sorted(n for n in numbers if low <= n <= high)
        if question.unknown:
            values.append(UNKNOWN)
    else:
        days = {today - timedelta(days=10)}
        env = Env(assigned, set(assigned), today)
        for atom in _atoms_reading(flow, question.id):
            if isinstance(atom, DateCompare):
                days |= _dates_around(atom, question.id, env)
        values = [day.isoformat() for day in sorted(days)]
        if question.unknown:
            values.append(UNKNOWN)
    return values


def _dates_around(atom: DateCompare, question_id: str, env: Env) -> set[date]:
    mine, other = (atom.left, atom.right) if atom.left.question == question_id else (atom.right, atom.left)
    if other.question == question_id:
        return set()
    target = other.value(env)
    if not isinstance(target, date):
        return set()
    # Solve mine + offset = target for the question's own date.
    base = add_period(target, days=-mine.days, months=-mine.months, years=-mine.years)
    return {base - timedelta(days=1), base, base + timedelta(days=1)}


def _atoms_reading(flow: Flow, question_id: str) -> Iterator[DateCompare | Compare | Equals | In]:
    for condition in _all_conditions(flow):
        for atom in condition.atoms():
            if question_id in atom.reads() and isinstance(atom, (DateCompare, Compare, Equals, In)):
                yield atom


def _all_conditions(flow: Flow) -> Iterator[Condition]:
    for question in flow.questions:
        if question.when is not None:
            yield question.when
    for attachment in flow.procedures:
        for trigger in attachment.all_triggers:
            if trigger.when is not None:
                yield trigger.when
        for extra in attachment.extra_items:
            if extra.when is not None:
                yield extra.when


def _closure(flow: Flow, question_ids: set[str]) -> list[Question]:
    """The questions read, plus every question their own conditions depend on, in asking order."""
    needed = set(question_ids)
    frontier = list(question_ids)
    while frontier:
        question = flow.question_map.get(frontier.pop())
        if question is None or question.when is None:
            continue
        for dependency in question.when.questions() - needed:
            needed.add(dependency)
            frontier.append(dependency)
    return [q for q in flow.questions if q.id in needed]


def reachable_truths(flow: Flow, condition: Condition, today: date = ANALYSIS_TODAY) -> tuple[set[Truth], bool]:
    """Which truth values `condition` can take over all telling answers; and whether the search was capped."""
    questions = _closure(flow, condition.questions())
    found: set[Truth] = set()
    search = _Search()

    def assign(index: int, answers: dict[str, AnswerValue], on_path: set[str]) -> None:
        if search.leaves >= SEARCH_LIMIT:
            search.capped = True
            return
        if index == len(questions):
            search.leaves += 1
            found.add(condition.evaluate(Env(answers, on_path, today)))
            return
        question = questions[index]
        env = Env(answers, on_path, today)
        if question.when is not None and question.when.evaluate(env) is Truth.FALSE:
            assign(index + 1, answers, on_path)
            return
        for value in candidate_values(flow, question, answers, today):
            assign(index + 1, {**answers, question.id: value}, on_path | {question.id})
            if found >= {Truth.TRUE, Truth.FALSE, Truth.UNKNOWN}:
                return

    assign(0, {}, set())
    return found, search.capped


def analyse(content: Content, required_events: bool = True) -> list[ContentProblem]:
    """Everything `kiosk check` reports beyond loading: unreachable and unused parts of each flow."""
    problems: list[ContentProblem] = []
    for event in FLOW_FILES:
        if event not in content.flows and required_events:
            problems.append(
                ContentProblem(
                    f"questionnaires/{event}.yaml",
                    None,
                    "",
                    "ファイルがありません",
                    f"{event}.yaml に流れを書いてください",
                )
            )
    for flow_id, flow in content.flows.items():
        problems += _analyse_flow(flow, content.sources[flow_id])
    problems += _unused_catalogue(content)
    return problems


def _analyse_flow(flow: Flow, source: Source) -> list[ContentProblem]:
    problems: list[ContentProblem] = []

    def report(path: Path_, message: str, fix: str = "", severity: str = "error") -> None:
        problems.append(ContentProblem(source.file, source.line(path), key_text(path), message, fix, severity))

    used = set()
    for condition in _all_conditions(flow):
        used |= condition.questions()
    for role in flow.dates:
        used |= set(flow.date_questions(role))
    for index, question in enumerate(flow.questions):
        if question.id not in used:
            report(
                ("questions", index, "id"),
                f"質問「{question.id}」の答えはどこにも使われていません",
                "手続きの条件か dates で使うか、質問を削除します",
            )
        if question.when is None:
            continue
        truths, capped = reachable_truths(flow, question.when)
        if capped:
            report(
                ("questions", index, "when"),
                "条件が複雑すぎて、すべては確かめられませんでした",
                "条件を分けてください",
                "warning",
            )
        elif not truths & {Truth.TRUE, Truth.UNKNOWN}:
            report(
                ("questions", index, "when"),
                f"質問「{question.id}」はどんな答えでも聞かれません",
                "when の条件を確かめてください",
            )
    for index, attachment in enumerate(flow.procedures):
        can_apply = can_maybe = False
        for trigger in attachment.all_triggers:
            if trigger.when is None:
                can_apply = True
                continue
            truths, capped = reachable_truths(flow, trigger.when)
            can_apply |= Truth.TRUE in truths or capped
            can_maybe |= Truth.UNKNOWN in truths
        if not can_apply and can_maybe:
            report(
                ("procedures", index, "procedure"),
                f"手続き「{attachment.procedure}」は「該当する場合」としてしか出ません",
                "条件を確かめてください",
                "warning",
            )
        elif not can_apply:
            report(
                ("procedures", index, "procedure"),
                f"手続き「{attachment.procedure}」はどんな答えでも出ません",
                "when の条件を確かめてください",
            )
    return problems


def _unused_catalogue(content: Content) -> list[ContentProblem]:
    problems = []
    attached = {a.procedure for flow in content.flows.values() for a in flow.procedures}
    for proc_id in content.procedures:
        if proc_id not in attached:
            source = content.sources[f"procedure:{proc_id}"]
            problems.append(
                ContentProblem(
                    source.file,
                    source.line((proc_id,)),
                    proc_id,
                    "どの流れでも使われていない手続きです",
                    "流れの procedures に加えるか削除します",
                    "warning",
                )
            )
    used_items = {item for proc in content.procedures.values() for item in proc.items}
    used_items |= {e.item for flow in content.flows.values() for a in flow.procedures for e in a.extra_items}
    used_items |= {item for pack in content.outside.values() for body in pack.bodies for item in body.items}
    for item_id in content.items:
        if item_id not in used_items:
            source = content.sources[f"item:{item_id}"]
            problems.append(
                ContentProblem(
                    source.file,
                    source.line((item_id,)),
                    item_id,
                    "どの手続きでも使われていない持ち物です",
                    "手続きの items に加えるか削除します",
                    "warning",
                )
            )
    return problems


def verify_marks(content: Content) -> list[ContentProblem]:
    """Facts the research could not confirm (⚠): each must be reviewed by the city before use."""
    marks = []
    source = content.sources["municipality"]
    for amount_id, amount in content.municipality.amounts.items():
        if amount.verify:
            marks.append(
                ContentProblem(
                    source.file,
                    source.line(("amounts", amount_id)),
                    f"amounts.{amount_id}",
                    amount.verify,
                    severity="verify",
                )
            )
    for proc_id, proc in content.procedures.items():
        if proc.verify:
            src = content.sources[f"procedure:{proc_id}"]
            marks.append(
                ContentProblem(src.file, src.line((proc_id, "verify")), proc_id, proc.verify, severity="verify")
            )
    for item_id, item in content.items.items():
        if item.verify:
            src = content.sources[f"item:{item_id}"]
            marks.append(
                ContentProblem(src.file, src.line((item_id, "verify")), item_id, item.verify, severity="verify")
            )
    for office_id, office in content.municipality.offices.items():
        if office.verify:
            where = ("offices", office_id, "verify")
            marks.append(ContentProblem(source.file, source.line(where), f"offices.{office_id}", office.verify,
                                        severity="verify"))
    for flow_id, pack in content.outside.items():
        src = content.sources[f"outside:{flow_id}"]
        for index, body in enumerate(pack.bodies):
            found: list[tuple[Path_, str, str | None]] = [(("bodies", index, "verify"), body.id, body.verify)]
            found += [(("bodies", index, "tasks", position, "verify"), f"{body.id}.{task.id}", task.verify)
                      for position, task in enumerate(body.tasks)]
            marks += [ContentProblem(src.file, src.line(where), key, text, severity="verify")
                      for where, key, text in found if text]
    return marks


@dataclass(frozen=True)
class AnswerPath:
    """One distinct way through a flow and what it leads to."""

    answers: dict[str, AnswerValue]
    procedures: tuple[str, ...]
    conditional: tuple[str, ...]


def answer_paths(content: Content, flow_id: str, limit: int, today: date = ANALYSIS_TODAY) -> Iterator[AnswerPath]:
    """Every distinct answer path through a flow, using telling values; stops after `limit` paths."""
    flow = content.flows[flow_id]
    produced = 0

    def walk_from(index: int, answers: dict[str, AnswerValue], on_path: set[str]) -> Iterator[AnswerPath]:
        nonlocal produced
        if produced >= limit:
            return
        if index == len(flow.questions):
            produced += 1
            result = resolve(content, flow_id, answers, today)
            yield AnswerPath(
                answers=dict(answers),
                procedures=tuple(p.id for p in result.procedures if not p.conditional),
                conditional=tuple(p.id for p in result.procedures if p.conditional),
            )
            return
        question = flow.questions[index]
        env = Env(answers, on_path, today)
        if question.when is not None and question.when.evaluate(env) is Truth.FALSE:
            yield from walk_from(index + 1, answers, on_path)
            return
        for value in candidate_values(flow, question, answers, today):
            yield from walk_from(index + 1, {**answers, question.id: value}, on_path | {question.id})
            if produced >= limit:
                return

    yield from walk_from(0, {}, set())
