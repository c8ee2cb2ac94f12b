"""A generated flow of 500 questions and 300 procedures, valid per docs/content-format.md, in a copy of
questionnaires/; and the timing of loading, checking and evaluating it.

The flow has 50 sections of 10 questions. Each section (after the first) opens with a yes/no gate; its nine
other questions are asked when the gate is not 「いいえ」, and some gates depend on a first-section question, as
the real flows do (亡くなった方はこの市に住民登録がありましたか gates many questions). Each section attaches six
procedures whose conditions use all/any/not with equals, in, includes, gte and date comparisons, some with
several triggers and extra items, with every kind of deadline. Every question is used; every procedure can
apply. Translations for every offered language are generated too, so the check covers them as for real content.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from kiosk.engine import load_content, parse_answer, resolve
from kiosk.engine.analysis import analyse
from kiosk.i18n import load_catalogue, missing_translations

FLOW_ID = "synthetic"
SECTIONS = 50
PER_SECTION = 10
PROCEDURES_PER_SECTION = 6
# Positions 1–9 of a section; position 0 is the gate (in section 0: the event date).
KINDS = ("single", "yes_no", "number", "multiple", "date", "single", "yes_no", "number", "yes_no")


def qid(section: int, position: int) -> str:
    if section == 0 and position == 0:
        return "syn_event_date"
    return f"syn_s{section:02d}_q{position}"


def _question(section: int, position: int) -> dict[str, Any]:
    ident = qid(section, position)
    if section == 0 and position == 0:
        return {"id": ident, "type": "date", "text": "手続きのきっかけになった日を教えてください",
                "help": "書類に書いてある日です。", "not_after": "today"}
    if position == 0:
        question: dict[str, Any] = {
            "id": ident, "type": "yes_no", "text": f"第{section}の分野について、あてはまることがありますか",
            "help": "わからないときは「わからない」を選んでください。", "unknown": True,
            "unknown_hint": "職員がいっしょにお調べします。",
        }
        if section % 2 == 0:
            question["when"] = {"not": {"equals": [qid(0, 2), "no"]}}
        return question
    kind = KINDS[position - 1]
    question = {"id": ident, "type": kind,
                "text": f"第{section}分野の質問{position}です。あてはまるものを選んでください",
                "unknown": True,
                "unknown_hint": "書類を見るとわかります。職員がお調べすることもできます。"}
    if kind == "single":
        question["options"] = [{"value": f"opt_{c}", "label": f"選択肢{c.upper()}"} for c in "abc"]
    elif kind == "multiple":
        question["options"] = [{"value": f"opt_{c}", "label": f"選択肢{c.upper()}"} for c in "abc"]
        question["options"].append({"value": "none", "label": "どれもない", "exclusive": True})
    elif kind == "number":
        question.update({"min": 0, "max": 130, "unit": "歳"})
    elif kind == "date":
        question["not_after"] = "today"
    if section > 0:
        question["when"] = {"not": {"equals": [qid(section, 0), "no"]}}
    return question


def _atom(section: int, position: int, variant: int) -> dict[str, Any]:
    ident = qid(section, position)
    kind = KINDS[position - 1]
    if kind == "single":
        return {"equals": [ident, "opt_a"]} if variant % 2 == 0 else {"in": [ident, ["opt_b", "opt_c"]]}
    if kind == "yes_no":
        return {"equals": [ident, "yes"]}
    if kind == "number":
        return {"gte": [ident, 65]}
    if kind == "multiple":
        return {"includes": [ident, "opt_b"]}
    return {"date_on_or_after": [ident, {"date": "syn_event_date", "add": {"months": -3}}]}


DEADLINES: tuple[dict[str, Any], ...] = (
    {"days": 14, "from": "event"},
    {"months": 3, "from": "event", "count_first_day": False},
    {"kind": "asap"},
    {"days": 7, "from": "event", "count_first_day": True, "next_open_day": True},
    {"kind": "none"},
    {"years": 1, "from": "event"},
    {"kind": "with", "text": "ほかの届と同時に"},
)


def build(content_root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The flow and the procedure catalogue, as YAML-ready data, using the counters and items of `content_root`."""
    municipality = yaml.safe_load((content_root / "municipality.yaml").read_text(encoding="utf-8"))
    counters = list(municipality["counters"])
    agencies = [k for k, v in municipality.get("offices", {}).items() if v["kind"] == "agency"]
    items: list[str] = []
    for path in sorted((content_root / "items").glob("*.yaml")):
        items += list(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    questions = [_question(s, p) for s in range(SECTIONS) for p in range(PER_SECTION)]
    procedures: dict[str, Any] = {}
    attachments: list[dict[str, Any]] = []
    for section in range(SECTIONS):
        for k in range(PROCEDURES_PER_SECTION):
            number = section * PROCEDURES_PER_SECTION + k
            proc_id = f"syn_p{number:03d}"
            agency = bool(agencies) and number % 5 == 4
            procedures[proc_id] = {
                "title": f"合成手続き{number}の届出",
                "short": f"合成手続き{number}",
                "group": "agency" if agency else "city",
                "counter": agencies[number % len(agencies)] if agency else counters[number % len(counters)],
                "deadline": DEADLINES[number % len(DEADLINES)],
                "items": [items[(number * 3 + j) % len(items)] for j in range(1 + number % 3)],
                "applicant": "届出をする方",
                "fee": "無料",
                "note": "負荷試験のための手続きです。",
                "check_hint": "書類を見るとわかります。",
            }
            first, second = 1 + k, 1 + (k + 6) % 9  # the six procedures read all nine questions
            a, b = _atom(section, first, number), _atom(section, second, number + 1)
            inner: dict[str, Any] = {"all": [a, b]} if k % 2 == 0 else {"any": [a, {"not": b}]}
            gate = [{"not": {"equals": [qid(section, 0), "no"]}}] if section > 0 else []
            when = {"all": [*gate, inner]} if gate else inner
            attachment: dict[str, Any] = {"procedure": proc_id}
            if k % 3 == 2:
                attachment["triggers"] = [
                    {"when": when, "reason": f"第{section}分野の答えによるため"},
                    {"when": {"all": [*gate, a]} if gate else a, "reason": "もう1つの理由があるため"},
                ]
            else:
                attachment.update({"when": when, "reason": f"第{section}分野の答えによるため"})
            if k == 1:
                attachment["extra_items"] = [{"item": items[number % len(items)], "when": a}]
            attachments.append(attachment)
    flow = {
        "id": FLOW_ID,
        "title": "合成の手続き案内（負荷試験）",
        "description": "負荷試験のために生成した流れです。",
        "minutes": 30,
        "have_ready": ["本人確認書類"],
        "dates": {"event": "syn_event_date"},
        "date_labels": {"event": "きっかけの日"},
        "questions": questions,
        "procedures": attachments,
    }
    return flow, procedures


def write(target: Path, source: Path) -> Path:
    """A copy of `source` (questionnaires/) in `target` with the synthetic flow, catalogue and translations."""
    root = target / "questionnaires"
    shutil.copytree(source, root)
    flow, procedures = build(root)
    dump: dict[str, Any] = {"allow_unicode": True, "sort_keys": False, "width": 1000}
    (root / f"{FLOW_ID}.yaml").write_text(yaml.safe_dump(flow, **dump), encoding="utf-8")
    (root / "procedures" / f"{FLOW_ID}.yaml").write_text(yaml.safe_dump(procedures, **dump), encoding="utf-8")
    # Translations: every content text of the new flow and catalogue, marked with the language code.
    content = load_content(root)
    catalogue = load_catalogue(root, content)
    for code in catalogue.languages:
        if code == "ja":
            continue
        missing = {k: f"[{code}] {v}" for k, v in missing_translations(catalogue, content, code).items()
                   if not k.startswith("ui:")}
        (root / "translations" / code / f"{FLOW_ID}.yaml").write_text(yaml.safe_dump(missing, **dump),
                                                                       encoding="utf-8")
    return root


def sample_answers(flow: Any, today: date) -> dict[str, Any]:
    """An answer for every question, as a resident would type it (dates as text, lists for multiple)."""
    answers: dict[str, Any] = {}
    for index, question in enumerate(flow.questions):
        if question.type == "date":
            answers[question.id] = (today - timedelta(days=10 + index % 60)).isoformat()
        elif question.type == "yes_no":
            answers[question.id] = "no" if index % 7 == 3 else "yes"
        elif question.type == "number":
            answers[question.id] = 60 + index % 20
        elif question.type == "multiple":
            answers[question.id] = ["opt_a", "opt_b"]
        else:
            answers[question.id] = ["opt_a", "opt_b", "opt_c"][index % 3]
    return answers


@dataclass
class SyntheticTiming:
    questions: int
    procedures: int
    load: float
    check: float
    evaluate: float
    errors: int
    warnings: int
    listed: int  # procedures in the evaluated result

    @property
    def total(self) -> float:
        return self.load + self.check + self.evaluate


def time_synthetic(root: Path, today: date) -> SyntheticTiming:
    """Load all content with the synthetic flow, run `kiosk check`'s analysis (and translations), evaluate once."""
    started = time.perf_counter()
    content = load_content(root)
    loaded = time.perf_counter()
    problems = analyse(content)
    problems += load_catalogue(root, content).problems
    checked = time.perf_counter()
    flow = content.flows[FLOW_ID]
    answers = {q.id: parse_answer(q, value, today) for q, value in
               ((flow.question_map[k], v) for k, v in sample_answers(flow, today).items())}
    result = resolve(content, FLOW_ID, answers, today)
    evaluated = time.perf_counter()
    return SyntheticTiming(
        questions=len(flow.questions),
        procedures=len(flow.procedures),
        load=loaded - started,
        check=checked - loaded,
        evaluate=evaluated - checked,
        errors=sum(1 for p in problems if p.severity == "error"),
        warnings=sum(1 for p in problems if p.severity == "warning"),
        listed=len(result.procedures),
    )


def main() -> None:
    """python -m tests.bench.synthetic ROOT TODAY: time ROOT (a written copy) in a fresh process; print JSON."""
    import json
    import sys
    from dataclasses import asdict

    timing = time_synthetic(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]))
    print(json.dumps(asdict(timing)))


if __name__ == "__main__":
    main()
