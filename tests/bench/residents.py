"""Distinct virtual residents, drawn from the scenario corpus (tests/scenarios/<event>/*.yaml).

Each scenario is a seed: its answers, with every date shifted so that it stands to the real today as it stood to
the scenario's `today` (then all of one resident's dates moved back together by 0–3 days more), and every number
moved a little within the question's own bounds. Whatever question the varied answers open that the seed did not
answer gets a plain valid answer (「わからない」 where offered). The path is worked out with the engine beforehand,
so a visit answers exactly what the app will ask. Personal details (names in kanji and kana, birth dates, postal
codes, addresses, phones, family members) are drawn per resident and made distinct by the resident's number.
Everything is checked with the app's own validators before the load starts: an invalid plan stops the benchmark
instead of measuring error pages.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from kiosk.engine import AnswerError, Content, load_content, parse_answer, walk
from kiosk.engine.model import Flow, Question
from kiosk.prefill import normalise_role, roles_for
from kiosk.prefill.validate import PrefillErrors

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "scenarios"
EVENTS = ("okuyami", "shussei", "hikkoshi")

Fields = dict[str, Any]  # one form's fields, as the browser sends them


@dataclass(frozen=True)
class Seed:
    event: str
    name: str  # the scenario file's stem
    today: date
    answers: dict[str, Any]


@dataclass
class Plan:
    """One resident's whole visit: the answers as form fields, in the order the app will ask, and the details."""

    number: int
    event: str
    seed: str
    answers: dict[str, Fields]  # question id → form fields
    fallback: dict[str, Fields]  # a valid answer for every question of the flow (if the app asks another one)
    prefill: dict[str, Fields]  # role → fields ("member" is not here: see members)
    members: list[Fields] = field(default_factory=list)

    @property
    def applicant_name(self) -> str:
        """The applicant's name as the app shows it (full-width space made a plain one)."""
        return " ".join(str(self.prefill["applicant"]["name"]).split())

    def fields_for(self, question_id: str) -> Fields:
        return self.answers.get(question_id) or self.fallback[question_id]

    def screen_fields(self, screen_id: str, question_ids: list[str]) -> Fields:
        """The fields a screen of several questions sends: each answer's fields namespaced by its question id."""
        fields: Fields = {"screen": screen_id}
        for question_id in question_ids:
            fields.update(namespaced(self.fields_for(question_id), question_id))
        return fields


def namespaced(one: Fields, question_id: str) -> Fields:
    """A one-question page's fields ("answer", "answer-year", "unknown") as a screen of several names them."""
    renamed: Fields = {}
    for name, value in one.items():
        if name == "unknown":
            renamed[f"{question_id}-unknown"] = value
        else:
            renamed[question_id + name.removeprefix("answer")] = value
    return renamed


def load_seeds(events: tuple[str, ...] = EVENTS) -> list[Seed]:
    seeds = []
    for event in events:
        for path in sorted((SCENARIOS / event).glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            today = data["today"] if isinstance(data["today"], date) else date.fromisoformat(str(data["today"]))
            seeds.append(Seed(event, path.stem, today, dict(data["answers"])))
    return seeds


# ---------------------------------------------------------------- answers


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def form_fields(value: Any) -> Fields:
    """The fields the question page's form sends for one answer."""
    if isinstance(value, (list, tuple)):
        return {"answer": list(value)}
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value)
    if text == "unknown":
        return {"unknown": "1", "answer": "unknown"}
    day = _as_date(text)
    if day is not None:
        return {"answer-year": str(day.year), "answer-month": str(day.month), "answer-day": str(day.day)}
    return {"answer": text}


def plain_answer(question: Question, today: date) -> Any:
    """A valid answer for a question the seed does not answer."""
    if question.unknown:
        return "unknown"
    if question.type == "yes_no":
        return "no"
    if question.type == "single":
        return question.choices[0].value
    if question.type == "multiple":
        return [next(o.value for o in question.choices if not o.exclusive)]
    if question.type == "number":
        return question.min if question.min is not None else 1
    return (today - timedelta(days=7)).isoformat()


def vary(question: Question, value: Any, shift: timedelta, rng: random.Random) -> Any:
    """The seed's answer for one resident: dates shifted, numbers moved within the question's bounds."""
    if value == "unknown" or value == ["unknown"]:
        return value
    if question.type == "date":
        day = _as_date(value)
        return (day + shift).isoformat() if day else value
    if question.type == "number" and isinstance(value, int) and not isinstance(value, bool):
        spread = max(1, round(abs(value) * 0.07))
        low = question.min if question.min is not None else value - spread
        high = question.max if question.max is not None else value + spread
        return min(high, max(low, value + rng.randint(-spread, spread)))
    return value


def plan_answers(flow: Flow, seed: Seed, today: date, rng: random.Random) -> dict[str, Any]:
    """The varied answers on the resident's path, in path order (checked with the engine's parser)."""
    base = today - seed.today
    shift = base - timedelta(days=rng.randint(0, 3))
    raw: dict[str, Any] = {}
    for question_id, value in seed.answers.items():
        question = flow.question_map.get(question_id)
        if question is not None:
            raw[question_id] = vary(question, value, shift, rng)
    for _ in range(len(flow.questions) + 1):
        parsed = {}
        for question_id, value in list(raw.items()):
            question = flow.question_map[question_id]
            try:
                parsed[question_id] = parse_answer(question, value, today)
            except AnswerError:  # a varied value the question does not take: the seed's, shifted, or a plain one
                fallback = vary(question, seed.answers[question_id], base, rng) if question_id in seed.answers \
                    else plain_answer(question, today)
                try:
                    parsed[question_id] = parse_answer(question, fallback, today)
                    raw[question_id] = fallback
                except AnswerError:
                    raw[question_id] = plain_answer(question, today)
                    parsed[question_id] = parse_answer(question, raw[question_id], today)
        progress = walk(flow, parsed, today)
        if progress.complete:
            return {q.id: raw[q.id] for q in progress.path}
        for question_id in progress.unanswered:
            raw[question_id] = plain_answer(flow.question_map[question_id], today)
    raise RuntimeError(f"{seed.event}/{seed.name}: the path did not close")


# ---------------------------------------------------------------- personal details

SURNAMES = (
    ("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"), ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"), ("小林", "コバヤシ"), ("加藤", "カトウ"),
    ("吉田", "ヨシダ"), ("山田", "ヤマダ"), ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"),
    ("井上", "イノウエ"), ("木村", "キムラ"), ("林", "ハヤシ"), ("斎藤", "サイトウ"), ("清水", "シミズ"),
    ("山崎", "ヤマザキ"), ("森", "モリ"), ("池田", "イケダ"), ("橋本", "ハシモト"), ("阿部", "アベ"),
    ("石川", "イシカワ"), ("山下", "ヤマシタ"), ("中島", "ナカジマ"), ("石井", "イシイ"), ("小川", "オガワ"),
    ("前田", "マエダ"), ("岡田", "オカダ"), ("長谷川", "ハセガワ"), ("藤田", "フジタ"), ("後藤", "ゴトウ"),
)
MALE = (
    ("太郎", "タロウ"), ("一郎", "イチロウ"), ("健", "ケン"), ("翔太", "ショウタ"), ("大輔", "ダイスケ"),
    ("誠", "マコト"), ("浩", "ヒロシ"), ("蓮", "レン"), ("悠真", "ユウマ"), ("和夫", "カズオ"), ("茂", "シゲル"),
    ("隆", "タカシ"), ("湊", "ミナト"), ("陽翔", "ハルト"), ("正男", "マサオ"), ("拓也", "タクヤ"),
)
FEMALE = (
    ("花子", "ハナコ"), ("陽子", "ヨウコ"), ("美咲", "ミサキ"), ("恵子", "ケイコ"), ("由美", "ユミ"),
    ("結衣", "ユイ"), ("さくら", "サクラ"), ("幸子", "サチコ"), ("陽葵", "ヒマリ"), ("和子", "カズコ"),
    ("真由美", "マユミ"), ("凛", "リン"), ("芽依", "メイ"), ("節子", "セツコ"), ("久美子", "クミコ"),
)
TOWNS = ("東", "中", "西", "北", "富士見台", "谷保", "青柳", "泉", "石田", "矢川")  # 国立市
ELSEWHERE = ("東京都府中市宮西町", "東京都立川市錦町", "神奈川県横浜市港北区日吉本町", "埼玉県さいたま市浦和区高砂",
             "大阪府大阪市北区梅田", "北海道札幌市中央区北一条西", "福岡県福岡市博多区博多駅前")
ERAS = ((date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"), (date(1926, 12, 25), "昭和"))
WIDE = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30A1" <= c <= "\u30F6" else c for c in katakana)


def _typed_date(day: date, rng: random.Random) -> str:
    """A birth date as residents type it: ISO, slashes, 年月日, or the era."""
    style = rng.randrange(5)
    if style == 0:
        return day.isoformat()
    if style == 1:
        return f"{day.year}/{day.month}/{day.day}"
    if style == 2:
        return f"{day.year}年{day.month}月{day.day}日"
    if style == 3:
        start, era = next((start, era) for start, era in ERAS if day >= start)
        year = day.year - start.year + 1
        return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return day.isoformat().translate(WIDE)


def _person(rng: random.Random, sex: str, surname: tuple[str, str] | None = None) -> tuple[str, str]:
    family = surname or rng.choice(SURNAMES)
    given = rng.choice(MALE if sex == "male" else FEMALE)
    space = rng.choice((" ", "　", ""))
    kana = f"{family[1]} {given[1]}"
    if rng.random() < 0.2:  # some type the reading in hiragana; the app makes it katakana
        kana = _hiragana(kana)
    return f"{family[0]}{space}{given[0]}", kana


def _address(number: int, rng: random.Random) -> str:
    # The resident's number is in the address (番・号), so no two residents share one.
    town = TOWNS[number % len(TOWNS)]
    return f"東京都国立市{town}{1 + number % 4}丁目{1 + number // 40 % 40}番{1 + number % 40}号" + (
        f" {rng.choice(('コーポ', 'ハイツ', 'メゾン'))}{rng.choice('ABC')}{rng.randint(101, 305)}"
        if rng.random() < 0.4 else "")


def _phone(number: int, rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"042-{570 + number // 10000 % 10}-{number % 10000:04d}"
    digits = f"0{rng.choice('789')}0{number % 10000:04d}{rng.randint(0, 9999):04d}"
    return digits if rng.random() < 0.3 else f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"


def _postal(rng: random.Random, optional: bool = True) -> str:
    if optional and rng.random() < 0.2:
        return ""
    code = f"186-{rng.choice(('0001', '0002', '0003', '0004', '0005', '0011', '0012', '0013'))}"
    return code.replace("-", "").translate(WIDE) if rng.random() < 0.2 else code


def _birth(today: date, rng: random.Random, youngest: int, oldest: int) -> date:
    return today - timedelta(days=rng.randint(youngest * 365 + 30, oldest * 365))


RELATION_FROM_ANSWER = {"spouse": "spouse", "child": "child", "parent": "parent", "sibling": "sibling",
                        "grandchild": "grandchild", "other_relative": "other_relative", "koken": "other",
                        "other": "other"}


def details(plan_number: int, event: str, answers: dict[str, Any], today: date,
            rng: random.Random) -> tuple[dict[str, Fields], list[Fields]]:
    """The resident's personal details for each prefill page (and the family members who move)."""
    surname = rng.choice(SURNAMES)
    applicant_sex = rng.choice(("male", "female"))
    name, kana = _person(rng, applicant_sex, surname)
    relation = RELATION_FROM_ANSWER.get(str(answers.get("applicant_relation")), rng.choice(
        ("spouse", "child", "parent", "sibling", "other_relative")))
    if event == "hikkoshi":
        relation = "self"
    elif event == "shussei":
        relation = "parent"
    address = _address(plan_number, rng)
    applicant: Fields = {"name": name, "name_kana": kana, "birth_date": _typed_date(_birth(today, rng, 22, 80), rng),
                         "postal_code": _postal(rng), "address": address, "phone": _phone(plan_number, rng),
                         "relationship": relation}
    prefill: dict[str, Fields] = {"applicant": applicant}
    members: list[Fields] = []
    if event == "okuyami":
        age = answers.get("deceased_age")
        death = _as_date(answers.get("death_date")) or today
        years = age if isinstance(age, int) else rng.randint(60, 95)
        born = death - timedelta(days=years * 365 + rng.randint(10, 350))
        sex = rng.choice(("male", "female", ""))
        subject_name, subject_kana = _person(rng, sex or "male", surname)
        prefill["subject"] = {"name": subject_name, "name_kana": subject_kana, "birth_date": _typed_date(born, rng),
                              "sex": sex, "postal_code": _postal(rng),
                              "address": address if rng.random() < 0.6 else _address(plan_number + 7, rng)}
    elif event == "shussei":
        sex = rng.choice(("male", "female", ""))
        baby_name, baby_kana = _person(rng, sex or "female", surname)
        prefill["subject"] = {"name": baby_name, "name_kana": baby_kana, "sex": sex}
    else:
        prefill["move"] = {"old_postal_code": "", "old_address": f"{rng.choice(ELSEWHERE)}{rng.randint(1, 9)}-"
                           f"{rng.randint(1, 30)}-{rng.randint(1, 20)}",
                           "new_postal_code": _postal(rng), "new_address": address}
        for index in range(rng.choice((0, 1, 1, 2, 3))):
            sex = rng.choice(("male", "female"))
            member_name, member_kana = _person(rng, sex, surname)
            members.append({"name": member_name, "name_kana": member_kana,
                            "birth_date": _typed_date(_birth(today, rng, 1 if index else 25, 80), rng),
                            "sex": sex, "relationship": "spouse" if index == 0 else "child"})
    return prefill, members


# ---------------------------------------------------------------- plans


def make_plan(number: int, seed: Seed, content: Content, today: date, rng: random.Random) -> Plan:
    flow = content.flows[seed.event]
    answers = plan_answers(flow, seed, today, rng)
    prefill, members = details(number, seed.event, answers, today, rng)
    for role in roles_for(seed.event):  # the app's own checks, before any load
        for values in (members if role == "member" else [prefill[role]]):
            try:
                normalise_role(seed.event, role, values, today)
            except PrefillErrors as exc:
                raise RuntimeError(f"resident {number} ({seed.event}/{role}): {exc.errors} for {values}") from exc
    fallback = {q.id: form_fields(plain_answer(q, today)) for q in flow.questions}
    return Plan(number, seed.event, seed.name, {k: form_fields(v) for k, v in answers.items()}, fallback,
                prefill, members)


class Residents:
    """Distinct residents, made on demand (seeded: the same sequence on every run of the same day)."""

    def __init__(self, today: date, events: tuple[str, ...] = EVENTS, seed: int = 2026,
                 content: Content | None = None) -> None:
        self.today = today
        self.content = content or load_content(ROOT / "questionnaires")
        self.rng = random.Random(seed)
        self.seeds = load_seeds(events)
        self.rng.shuffle(self.seeds)
        self.count = 0

    def make(self, count: int) -> list[Plan]:
        plans = []
        for _ in range(count):
            seed = self.seeds[self.count % len(self.seeds)]
            plans.append(make_plan(self.count, seed, self.content, self.today, self.rng))
            self.count += 1
        return plans

    def __iter__(self) -> Iterator[Plan]:
        while True:
            yield from self.make(1)
