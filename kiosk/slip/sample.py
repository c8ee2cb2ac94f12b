"""A realistic おくやみ case with prefill, for measuring QR sizes (`kiosk slip measure`) and for tests.

The answers are a complete path through questionnaires/okuyami.yaml (32 answers: the engine reports it
complete); `short=True` keeps the 15 answers that matter most, the smaller case first estimated. The
names, addresses and numbers are invented.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .case import SlipAnswer, SlipCase

FULL_ANSWERS: dict[str, SlipAnswer] = {
    "death_date": "2026-06-12",
    "deceased_resident_here": "yes",
    "death_notified": "yes",
    "deceased_age": 78,
    "deceased_was_foreign_national": "no",
    "deceased_was_householder": "yes",
    "household_adults_remaining": 1,
    "deceased_insurance": "koki",
    "deceased_high_medical_costs": "unknown",
    "death_cause": "none",
    "funeral_held": "yes",
    "funeral_date": "2026-06-15",
    "applicant_is_chief_mourner": "yes",
    "deceased_care_certified": "yes",
    "deceased_used_services": ("fukushi",),
    "deceased_disability": ("none",),
    "deceased_received_pension": "kosei",
    "surviving_spouse": "wife",
    "spouse_age": 75,
    "children_under_18": "no",
    "deceased_child_benefits": ("none",),
    "deceased_cards": ("inkan", "mynumber", "menkyo"),
    "deceased_vehicles": ("none",),
    "deceased_had_dog": "no",
    "deceased_real_estate": "in_city",
    "unregistered_building": "no",
    "deceased_had_business_income": "no",
    "deceased_had_debts": "no",
    "estate_exceeds_basic_deduction": "unknown",
    "will_found": "none",
    "deceased_had_life_insurance": "yes",
    "applicant_relation": "child",
    "applicant_same_household": "no",
}

SHORT_KEYS = (
    "death_date",
    "deceased_resident_here",
    "death_notified",
    "deceased_age",
    "deceased_was_householder",
    "household_adults_remaining",
    "deceased_insurance",
    "funeral_held",
    "funeral_date",
    "applicant_is_chief_mourner",
    "deceased_care_certified",
    "deceased_received_pension",
    "deceased_cards",
    "deceased_real_estate",
    "applicant_relation",
)

PREFILL: dict[str, dict[str, str]] = {
    "applicant": {  # 届出人
        "name": "山田 花子",
        "name_kana": "ヤマダ ハナコ",
        "birth_date": "1968-04-21",
        "postal_code": "183-0022",
        "address": "東京都府中市宮西町二丁目15番地の3 グリーンハイツ府中305号室",
        "phone": "090-1234-5678",
        "relation": "長女",
    },
    "subject": {  # 故人
        "name": "山田 太郎",
        "name_kana": "ヤマダ タロウ",
        "birth_date": "1947-11-03",
        "death_date": "2026-06-12",
        "postal_code": "186-0003",
        "address": "東京都国立市富士見台二丁目12番地の8",
    },
}

SAMPLE_NOW = datetime(2026, 6, 16, 1, 30, tzinfo=UTC)  # 10:30 JST, the day of the visit


def sample_okuyami_case(now: datetime | None = None, *, short: bool = False) -> SlipCase:
    answers = {k: FULL_ANSWERS[k] for k in SHORT_KEYS} if short else dict(FULL_ANSWERS)
    return SlipCase.new("okuyami", answers, PREFILL, now=now or SAMPLE_NOW)
