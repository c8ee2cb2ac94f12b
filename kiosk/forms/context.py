"""What the printed forms show, computed from a case: 和暦 dates, 続柄 labels, ticked boxes, people per row.

Templates stay simple: every value here is a display string ("" when unknown, never None), and every choice on a
form is a list of Tick(label, on). What cannot be known from the case (個人番号, 被保険者番号, 振込口座, the dog's
details, the 世帯主 when nobody said who it is) stays blank for hand-writing at the counter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Protocol

from ..engine import Result
from ..slip.errors import SlipError
from ..slip.reference import format_reference_code
from .wareki import age_on, child_allowance_age, to_date, wareki

# ------------------------------------------------------------------------------------------------ the case


class CaseLike(Protocol):
    """Any object with these attributes: a stored case, a decoded slip, a test double."""

    @property
    def event(self) -> str: ...

    @property
    def answers(self) -> Mapping[str, Any]: ...

    @property
    def prefill(self) -> Mapping[str, Any]: ...

    @property
    def reference_code(self) -> str: ...


# ------------------------------------------------------------------------------------------------ values


@dataclass(frozen=True)
class Tick:
    """One printed check box: □ label, or ■ label when ticked."""

    label: str
    on: bool = False


@dataclass(frozen=True)
class Person:
    """One person as a form prints them. Every field is a display string; "" prints as an empty box."""

    name: str = ""
    name_kana: str = ""
    birth_date: str = ""  # 和暦
    sex: str = ""  # 男 / 女
    relationship: str = ""  # 続柄 label
    postal_code: str = ""  # 123-4567, printed after 〒
    address: str = ""
    phone: str = ""

    @property
    def blank(self) -> bool:
        """True for an empty row."""
        return not (self.name or self.name_kana or self.birth_date)


@dataclass(frozen=True)
class ChildRow:
    """A child on the 児童手当 form, with 同居・別居."""

    person: Person
    together: Tick
    apart: Tick


SEX_LABELS = {"male": "男", "female": "女"}

# 続柄 of the other person as seen from the one who gave the relationship ("spouse" → 配偶者), by the other
# person's sex when it is known.
RELATIONSHIP_LABELS: dict[str, tuple[str, str, str]] = {
    # value: (any sex, male, female)
    "self": ("本人", "本人", "本人"),
    "spouse": ("配偶者", "夫", "妻"),
    "child": ("子", "子", "子"),
    "parent": ("父母", "父", "母"),
    "grandchild": ("孫", "孫", "孫"),
    "grandparent": ("祖父母", "祖父", "祖母"),
    "sibling": ("兄弟姉妹", "兄弟", "姉妹"),
    "other_relative": ("その他の親族", "その他の親族", "その他の親族"),
    "other": ("親族以外", "親族以外", "親族以外"),
}
# If A is B's `x`, B is A's INVERSE[x] (A is B's parent → B is A's child).
INVERSE = {
    "self": "self",
    "spouse": "spouse",
    "child": "parent",
    "parent": "child",
    "grandchild": "grandparent",
    "grandparent": "grandchild",
    "sibling": "sibling",
    "other_relative": "other_relative",
    "other": "other",
}
# おくやみ: the question applicant_relation (to the deceased) has the same values as the prefill, plus 後見人.
KOKEN = "koken"

ROW_COUNTS = {"jumin_ido": 5, "kokuho": 3, "kaigo": 2, "jido_teate": 3}

# Procedure ids per kind of 住民異動届.
JUMIN_IDO_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("転入", frozenset({"tennyu_todoke", "tokurei_tennyu"})),
    ("国外からの転入", frozenset({"kokugai_tennyu_todoke"})),
    ("転出", frozenset({"tenshutsu_todoke"})),
    ("国外への転出", frozenset({"kokugai_tenshutsu_todoke"})),
    ("転居", frozenset({"tenkyo_todoke"})),
    ("世帯主変更", frozenset({"setainushi_henko", "setai_henko_todoke"})),
)
MOVE_TYPE_KIND = {
    "tennyu": "転入",
    "kokugai_tennyu": "国外からの転入",
    "tenshutsu": "転出",
    "kokugai_tenshutsu": "国外への転出",
    "tenkyo": "転居",
}
MOVING_OUT = ("tenshutsu", "kokugai_tenshutsu")
JOIN_REASONS = ("転入", "出生", "社会保険の離脱", "生活保護の廃止", "その他（国外から転入）")
LEAVE_REASONS = ("転出", "死亡", "社会保険の加入", "生活保護の開始")


def _text(value: object) -> str:
    """A display string: None, "unknown" and non-text values print as nothing."""
    if isinstance(value, str):
        return "" if value == "unknown" else value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def relationship_label(value: object, sex: object = "") -> str:
    """The 続柄 label for a relationship value, by sex when known: spouse + female → 妻."""
    labels = RELATIONSHIP_LABELS.get(_text(value))
    if labels is None:
        return "成年後見人等" if value == KOKEN else ""
    if sex == "male":
        return labels[1]
    if sex == "female":
        return labels[2]
    return labels[0]


def printed_reference(code: object) -> str:
    """The reference code as printed on the slip (K7Q2-9XMD-4T); other text as it is."""
    text = _text(code)
    try:
        return format_reference_code(text) if text else ""
    except SlipError:
        return text


def _city_name(city: str) -> str:
    """国立市（見本） → 国立市: the name a form is addressed to (「国立市長 あて」)."""
    return re.sub(r"[（(][^）)]*[）)]\s*$", "", city).strip()


# ------------------------------------------------------------------------------------------------ the builder


class _Case:
    """The case's answers and prefill, read defensively: anything may be missing, empty or oddly typed."""

    def __init__(self, case: CaseLike, result: Result) -> None:
        self.event = case.event
        self.result = result
        self.answers: Mapping[str, Any] = case.answers or {}
        prefill: Mapping[str, Any] = case.prefill or {}
        self.applicant = self._role(prefill, "applicant")
        self.subject = self._role(prefill, "subject")
        self.move = self._role(prefill, "move")
        members = prefill.get("members")
        self.members: list[Mapping[str, Any]] = (
            [m for m in members if isinstance(m, Mapping)] if isinstance(members, list | tuple) else []
        )
        self.procedures = frozenset(p.id for p in result.procedures)
        self.sure = frozenset(p.id for p in result.procedures if not p.conditional)
        self.today = result.today

    def chosen(self, options: Iterable[tuple[str, frozenset[str]]]) -> set[str]:
        """The options a form ticks: those whose procedures surely apply; failing that, the one option among
        「該当する場合」 procedures when it is unambiguous (the clerk prints the form because it applies).
        Several possible options that are all uncertain stay unticked for the clerk."""
        listed = list(options)
        sure = {label for label, ids in listed if ids & self.sure}
        if sure:
            return sure
        maybe = {label for label, ids in listed if ids & self.procedures}
        return maybe if len(maybe) == 1 else set()

    @staticmethod
    def _role(prefill: Mapping[str, Any], role: str) -> Mapping[str, Any]:
        value = prefill.get(role)
        return value if isinstance(value, Mapping) else {}

    # -------------------------------------------------------------------------------- answers

    def answer(self, question_id: str) -> str:
        """A single answer as text ("" when unanswered or 「わからない」)."""
        value = self.answers.get(question_id)
        if isinstance(value, list | tuple):
            return ""
        return _text(value)

    def date_answer(self, question_id: str) -> date | None:
        """A date answer, or None."""
        return to_date(self.answers.get(question_id))

    @property
    def move_type(self) -> str:
        return self.answer("move_type") if self.event == "hikkoshi" else ""

    @property
    def event_date(self) -> date | None:
        """The day of the death, the birth or the move."""
        question = {"okuyami": "death_date", "shussei": "birth_date", "hikkoshi": "move_date"}.get(self.event)
        return self.date_answer(question) if question else None

    # -------------------------------------------------------------------------------- people

    def person(self, data: Mapping[str, Any], relationship: str = "", birth: date | None = None) -> Person:
        """A Person from a prefill role or member; `birth` overrides the prefill birth date."""
        return Person(
            name=_text(data.get("name")),
            name_kana=_text(data.get("name_kana")),
            birth_date=wareki(birth or to_date(data.get("birth_date"))),
            sex=SEX_LABELS.get(_text(data.get("sex")), ""),
            relationship=relationship,
            postal_code=_text(data.get("postal_code")),
            address=_text(data.get("address")),
            phone=_text(data.get("phone")),
        )

    @property
    def applicant_moves(self) -> bool:
        """引越し: the applicant is one of the people moving unless they said they act for someone else."""
        return _text(self.applicant.get("relationship")) in ("", "self")

    def movers(self) -> list[tuple[Person, date | None]]:
        """引越し: the people moving (the applicant first when moving), with their birth dates.

        続柄 are as seen from the applicant (a member's relationship is to the applicant)."""
        people: list[tuple[Person, date | None]] = []
        if self.applicant_moves and (self.applicant.get("name") or self.applicant.get("name_kana")):
            people.append((self.person(self.applicant, "本人"), to_date(self.applicant.get("birth_date"))))
        for member in self.members:
            if not (member.get("name") or member.get("name_kana")):
                continue
            label = relationship_label(member.get("relationship"), member.get("sex"))
            people.append((self.person(member, label), to_date(member.get("birth_date"))))
        return people

    def deceased(self, relationship: str = "") -> Person:
        """おくやみ: the person who died; their address falls back to the applicant's when they shared a household."""
        person = self.person(self.subject, relationship)
        if not person.address and self.answer("applicant_same_household") == "yes":
            person = replace(
                person,
                address=_text(self.applicant.get("address")),
                postal_code=_text(self.applicant.get("postal_code")),
            )
        return person

    def baby(self) -> Person:
        """出生: the child, born on the answered date; 続柄 as seen from the applicant (親 → 子)."""
        relation = INVERSE.get(_text(self.applicant.get("relationship")), "")
        person = self.person(self.subject, relationship_label(relation, self.subject.get("sex")), self.event_date)
        return replace(
            person,
            address=_text(self.applicant.get("address")),
            postal_code=_text(self.applicant.get("postal_code")),
        )

    def applicant_to_deceased(self) -> str:
        """おくやみ: what the applicant is to the deceased (子, 妻, …), from the prefill or the flow's answer."""
        relation = _text(self.applicant.get("relationship")) or self.answer("applicant_relation")
        sex = {"wife": "female", "husband": "male"}.get(self.answer("surviving_spouse"), "")
        return relationship_label(relation, sex if relation == "spouse" else "")

    def applicant_person(self, relationship: str = "") -> Person:
        """The applicant (届出人・請求者) with a 続柄 label chosen by the form."""
        return self.person(self.applicant, relationship)

    # -------------------------------------------------------------------------------- addresses

    @property
    def new_address(self) -> tuple[str, str]:
        return _text(self.move.get("new_postal_code")), _text(self.move.get("new_address"))

    @property
    def old_address(self) -> tuple[str, str]:
        return _text(self.move.get("old_postal_code")), _text(self.move.get("old_address"))

    @property
    def address_in_city(self) -> tuple[str, str]:
        """The address in this city: the new one after a 転入・転居, the old one before a 転出."""
        if self.event == "hikkoshi":
            return self.old_address if self.move_type in MOVING_OUT else self.new_address
        if self.event == "okuyami":
            deceased = self.deceased()
            return deceased.postal_code, deceased.address
        return _text(self.applicant.get("postal_code")), _text(self.applicant.get("address"))


def _pad(rows: list[Person], count: int) -> list[Person]:
    """At least `count` rows, blank ones added for hand-writing."""
    return rows + [Person() for _ in range(count - len(rows))]


def _ticks(labels: Iterable[str], on: Iterable[str]) -> list[Tick]:
    chosen = set(on)
    return [Tick(label, label in chosen) for label in labels]


# ------------------------------------------------------------------------------------------------ per form


def _jumin_ido(c: _Case) -> dict[str, Any]:
    kinds = c.chosen(JUMIN_IDO_KINDS)
    if not kinds and c.move_type in MOVE_TYPE_KIND:
        kinds.add(MOVE_TYPE_KIND[c.move_type])  # printed without a 住民異動 procedure: tick the kind of move
    if c.event == "hikkoshi":
        new_postal, new_address = c.new_address
        old_postal, old_address = c.old_address
        movers = [person for person, _ in c.movers()]
        old_head = ""
        relation = relationship_label(c.applicant.get("relationship"))
    else:  # おくやみ: 世帯主変更 — the household stays where it is; the deceased was the householder
        deceased = c.deceased()
        new_postal, new_address = deceased.postal_code, deceased.address
        old_postal, old_address = "", ""
        movers = []
        old_head = deceased.name
        relation = ""
    keizoku = {"mynumber_keizoku_riyo", "mynumber_kenmen_henko", "mynumber_kokugai_keizoku"} & c.procedures
    return {
        "kinds": _ticks([label for label, _ in JUMIN_IDO_KINDS], kinds),
        "date_label": "転出予定日" if c.move_type in MOVING_OUT else "異動日",
        "date": wareki(c.event_date),
        "new_postal_code": new_postal,
        "new_address": new_address,
        "old_postal_code": old_postal,
        "old_address": old_address,
        "new_head": "",
        "old_head": old_head,
        "movers": _pad(movers, ROW_COUNTS["jumin_ido"]),
        "movers_relative_to_applicant": bool(movers),
        "compact": len(movers) > ROW_COUNTS["jumin_ido"],  # a large household: tighter rows keep one page
        "mynumber": _ticks(["継続利用する", "継続利用しない"], ["継続利用する"] if keizoku else []),
        "show_mynumber": c.event == "hikkoshi" and c.move_type not in MOVING_OUT,
        "applicant": c.applicant_person(relation),
    }


def _kokuho(c: _Case) -> dict[str, Any]:
    kinds = c.chosen([("取得", frozenset({"kokuho_kanyu"})), ("喪失", frozenset({"kokuho_shikaku_soshitsu"}))])
    join, leave = "取得" in kinds, "喪失" in kinds
    join_reason = {"shussei": "出生", "hikkoshi": "転入", "okuyami": "社会保険の離脱"}.get(c.event, "")
    leave_reason = {"okuyami": "死亡", "hikkoshi": "転出"}.get(c.event, "")
    day = c.event_date
    rows: list[Person] = []
    head = Person()
    postal, address = c.address_in_city
    if c.event == "okuyami":
        if join and not leave and day is not None:
            day = day + timedelta(days=1)  # 健康保険の資格は死亡日の翌日に失い、その日に国保に入る
        if leave or (not join and "kokuho_shikaku_soshitsu" in c.procedures):
            householder = c.answer("deceased_was_householder") == "yes"
            deceased = c.deceased("世帯主" if householder else "")
            rows = [deceased]
            if householder:
                head = Person(name=deceased.name, name_kana=deceased.name_kana)
    elif c.event == "shussei":
        if c.answer("born_in_japan") == "no":
            join_reason = "その他（国外から転入）"
            day = c.date_answer("arrival_date") or day
        rows = [c.baby()]
    elif c.event == "hikkoshi":
        insurance = c.answers.get("health_insurance")
        only_kokuho = isinstance(insurance, list | tuple) and set(insurance) == {"kokuho"}
        if c.move_type == "kokugai_tennyu":
            join_reason = "その他（国外から転入）"
        if only_kokuho:  # everyone moving is in 国保; otherwise the clerk writes who is
            rows = [person for person, _ in c.movers()]
    return {
        "kinds": [Tick("資格取得", join), Tick("資格喪失", leave)],
        "join_reasons": _ticks(JOIN_REASONS, [join_reason] if join else []),
        "leave_reasons": _ticks(LEAVE_REASONS, [leave_reason] if leave else []),
        "date": wareki(day),
        "head": replace(head, postal_code=postal, address=address),
        "members": _pad(rows, ROW_COUNTS["kokuho"]),
        "compact": len(rows) > 5,
        "applicant": c.applicant_person(
            c.applicant_to_deceased() if c.event == "okuyami" else relationship_label(c.applicant.get("relationship"))
        ),
    }


def _sosaihi(c: _Case) -> dict[str, Any]:
    amounts = c.result.content.municipality.amounts
    insurers = c.chosen(
        [("kokuho_sosaihi", frozenset({"kokuho_sosaihi"})), ("koki_sosaihi", frozenset({"koki_sosaihi"}))]
    )
    insurer = next(iter(insurers)) if len(insurers) == 1 else ""
    amount = amounts.get(insurer)
    mourner = agent = Person()
    if c.answer("applicant_is_chief_mourner") == "yes":
        mourner = c.applicant_person(c.applicant_to_deceased())
    elif c.answer("applicant_is_chief_mourner") == "no":  # the applicant comes for the mourner (委任状)
        agent = c.applicant_person(c.applicant_to_deceased())
    koki = insurer == "koki_sosaihi"
    city = _city_name(c.result.content.municipality.city)
    return {
        "addressee": "後期高齢者医療広域連合長" if koki else f"{city}長",
        "insurers": [
            Tick("国民健康保険", "kokuho_sosaihi" in insurers),
            Tick("後期高齢者医療", "koki_sosaihi" in insurers),
        ],
        "amount": amount.text if amount else "",
        "deceased": c.deceased(),
        "death_date": wareki(c.date_answer("death_date")),
        "funeral_date": wareki(c.date_answer("funeral_date")),
        "mourner": mourner,
        "agent": agent,
    }


def _kaigo(c: _Case) -> dict[str, Any]:
    rows: list[Person] = []
    destination = ("", "")
    reason = ""
    relation = ""
    if c.event == "okuyami":
        reason = "死亡"
        rows = [c.deceased()]
        relation = c.applicant_to_deceased()
    elif c.event == "hikkoshi":
        reason = "転出" if c.move_type in MOVING_OUT else ""
        destination = c.new_address
        day = c.event_date or c.today
        # 介護保険の第1号被保険者: those 65 or older on the day of the move (others are written in by hand)
        rows = [person for person, birth in c.movers() if birth is not None and age_on(birth, day) >= 65]
        relation = relationship_label(c.applicant.get("relationship"))
    return {
        "reasons": _ticks(["死亡", "転出", "その他"], [reason]),
        "date_label": "転出予定日" if c.move_type in MOVING_OUT else "事由の生じた日",
        "date": wareki(c.event_date),
        "insured": _pad(rows, 1 if c.event == "okuyami" else ROW_COUNTS["kaigo"]),
        "compact": len(rows) > 3,
        "postal_code": c.address_in_city[0],
        "address": c.address_in_city[1],
        "destination_postal_code": destination[0],
        "destination": destination[1],
        "applicant": c.applicant_person(relation),
    }


def _jido_teate(c: _Case) -> dict[str, Any]:
    amend = c.event == "shussei" and c.answer("already_receives_child_allowance") == "yes"
    children: list[Person] = []
    spouse = Person()
    reason = {"shussei": "出生", "hikkoshi": "転入", "okuyami": "その他"}.get(c.event, "")
    if c.event == "shussei":
        children = [c.baby()]
    elif c.event == "hikkoshi":
        if c.move_type == "kokugai_tennyu":
            reason = "転入"
        for person, birth in c.movers():
            if person.relationship == "子" and (birth is None or child_allowance_age(birth, c.today)):
                children.append(person)
        for member in c.members:
            if member.get("relationship") == "spouse":
                spouse = c.person(member, relationship_label("spouse", member.get("sex")))
                break
    rows = [ChildRow(p, Tick("同居", True), Tick("別居", False)) for p in children]
    rows += [ChildRow(Person(), Tick("同居"), Tick("別居")) for _ in range(ROW_COUNTS["jido_teate"] - len(rows))]
    return {
        "kinds": [Tick("認定請求", not amend), Tick("額改定請求", amend)],
        "reasons": _ticks(["出生", "転入", "その他"], [reason]),
        "reason_note": "受給者の死亡" if c.event == "okuyami" else "",
        "date": wareki((c.date_answer("arrival_date") or c.event_date) if c.event == "shussei" else c.event_date),
        "claimant": c.applicant_person(),
        "spouse": spouse,
        "children": rows,
        "pensions": _ticks(["厚生年金", "国民年金", "共済組合", "加入していない"], []),
    }


def _inkan(c: _Case) -> dict[str, Any]:
    if c.event == "okuyami":
        reason = "死亡"
        registrant = c.deceased()
        filer = [Tick("登録者本人"), Tick("その他", True)]
        relation = c.applicant_to_deceased()
    else:
        reason = "転出" if c.move_type in MOVING_OUT else ""
        self_files = c.applicant_moves
        registrant = c.applicant_person() if self_files else Person()
        filer = [Tick("登録者本人", self_files), Tick("その他", not self_files and bool(c.applicant))]
        relation = "" if self_files else relationship_label(c.applicant.get("relationship"))
    return {
        "kinds": [Tick("亡失"), Tick("廃止", True)],
        "reasons": _ticks(["死亡", "転出", "登録印の変更", "その他"], [reason]),
        "date": wareki(c.event_date),
        "registrant": registrant,
        "filer": filer,
        "relation": relation,
        "card": [Tick("返却する"), Tick("亡失により返却できない")],
        "applicant": c.applicant_person(relation),
    }


def _inu(c: _Case) -> dict[str, Any]:
    old_owner = Person()
    old_postal, old_place = "", ""
    if c.event == "okuyami":
        kinds = ["所有者の変更"]
        old_owner = c.deceased()
        old_postal, old_place = old_owner.postal_code, old_owner.address
        # the dog now lives with its new owner (the applicant); unknown → where it lived
        new_postal = _text(c.applicant.get("postal_code")) or old_postal
        new_place = _text(c.applicant.get("address")) or old_place
        relation = c.applicant_to_deceased()
    else:
        kinds = ["所在地の変更"]
        new_postal, new_place = c.new_address
        old_postal, old_place = c.old_address
        relation = ""
    owner = c.applicant_person(relation)
    return {
        "kinds": _ticks(["所有者の変更", "所在地の変更", "犬の死亡", "その他"], kinds),
        "from_other_city": c.move_type in ("tennyu", "kokugai_tennyu"),
        "date": wareki(c.event_date),
        "owner": owner,
        "old_owner": old_owner,
        "new_postal_code": new_postal,
        "new_place": new_place,
        "old_postal_code": old_postal,
        "old_place": old_place,
        "dog_sex": _ticks(["オス", "メス"], []),
    }


# ------------------------------------------------------------------------------------------------ entry point


def form_context(case: CaseLike, result: Result) -> dict[str, Any]:
    """Everything the print templates need for one case (all forms share one context).

    The 届出日 is the result's `today` (the day the case is resolved for printing). Keys: reference_code,
    city, city_name, sample_profile, event, filed_on, event_date, applicant, and one dict per form
    (jumin_ido, kokuho, sosaihi, kaigo, jido_teate, inkan, inu).
    """
    c = _Case(case, result)
    city = result.content.municipality.city
    event_date_label = {"okuyami": "亡くなった日", "shussei": "生まれた日", "hikkoshi": "引越しの日"}
    return {
        "reference_code": printed_reference(case.reference_code),
        "city": city,
        "city_name": _city_name(city),
        "sample_profile": result.content.municipality.sample,
        "event": c.event,
        "filed_on": wareki(c.today),
        "event_date": wareki(c.event_date),
        "event_date_label": event_date_label.get(c.event, ""),
        "procedure_ids": sorted(c.procedures),
        "applicant": c.applicant_person(),
        "jumin_ido": _jumin_ido(c),
        "kokuho": _kokuho(c),
        "sosaihi": _sosaihi(c),
        "kaigo": _kaigo(c),
        "jido_teate": _jido_teate(c),
        "inkan": _inkan(c),
        "inu": _inu(c),
    }
