"""Facts of the おくやみ flow that a scenario's expect: cannot state (an item left off, the words shown).

Each test names the rule it checks; the answers come from the scenario files in tests/scenarios/okuyami/.
"""

import re
from datetime import date
from pathlib import Path

import pytest

from kiosk.config import content_dir
from kiosk.engine import Content
from kiosk.engine.deadlines import DeadlineResult
from kiosk.engine.localize import Localizer, SourceLocalizer
from kiosk.i18n import load_catalogue

from ..conftest import SCENARIOS
from .test_scenarios import run

OKUYAMI = SCENARIOS / "okuyami"


def _scenario(name: str) -> Path:
    (path,) = OKUYAMI.glob(f"{name}_*.yaml")
    return path


LANGUAGES = ("ja", "easy", "en")


@pytest.fixture(scope="module")
def localizers(content: Content) -> dict[str, Localizer]:
    """The source texts for ja, the translation catalogue's texts for the others."""
    catalogue = load_catalogue(content_dir(), content)
    return {"ja": SourceLocalizer(), **{code: catalogue.translator(code) for code in LANGUAGES[1:]}}


def test_no_seikei_doitsu_statement_when_the_claimant_is_the_same_household_spouse(content: Content) -> None:
    """未支給年金: the 申立書 is for a claimant in another household, not for whoever comes to the counter."""
    _, result = run(content, _scenario("22"))
    assert "mishikyu_nenkin" in {p.id for p in result.procedures}
    assert "seikei_doitsu_moshitatesho" not in {entry.id for entry in result.checklist}


def test_overdue_death_notification_says_it_is_still_accepted_and_names_the_court_notice(content: Content) -> None:
    """戸籍法137条・戸籍法施行規則65条: still accepted; 届出期間経過通知書 and a possible 過料, said kindly."""
    _, result = run(content, _scenario("23"))
    (death,) = [p for p in result.procedures if p.id == "shibo_todoke"]
    note = death.deadline.if_overdue(SourceLocalizer())
    assert note is not None
    for words in ("受け付けます", "届出期間経過通知書", "過料"):
        assert words in note


CERTIFICATE_FEES = {
    # certificate as named in the fee text (ja and easy; en names it in parentheses) → its amount in municipality.yaml
    "戸籍謄本": "koseki_shomei",
    "除籍謄本": "joseki_shomei",
    "改製原戸籍謄本": "joseki_shomei",
    "住民票の除票": "jumin_hyo",
}
KANJI = "\u3400-\u4dbf\u4e00-\u9fff々"
FEE_PARTS = re.compile(r"[、。;；]")
AMOUNT = re.compile(r"[\d,]+\s*円|¥[\d,]+")


@pytest.mark.parametrize("language", LANGUAGES)
def test_certificate_fee_labels_every_amount_with_its_certificate_per_copy(
    content: Content, localizers: dict[str, Localizer], language: str
) -> None:
    """手数料令・市の手数料条例: 戸籍謄本 450円, 除籍謄本・改製原戸籍謄本 750円, 住民票の除票 300円, each per 通.

    Every amount in the fee sits in the same part as the certificate it is for, and is the city's amount
    (municipality.yaml) in the resident's language, which gives it per 通 (per copy): no amount stands alone.
    """
    localizer = localizers[language]
    _, result = run(content, _scenario("17"))
    fee = result.fee_text("joseki_seikyu", localizer)
    assert fee is not None
    parts = [part for part in FEE_PARTS.split(fee) if AMOUNT.search(part)]
    assert len(parts) == 3, f"{language}: {fee}"
    for certificate, amount_id in CERTIFICATE_FEES.items():
        amount = content.municipality.amounts[amount_id]
        per_copy = localizer.content(f"amount.{amount_id}.text", amount.text)
        assert "1通" in amount.text and ("1通" in per_copy or "per copy" in per_copy), (language, per_copy)
        named = re.compile(f"(?<![{KANJI}]){certificate}(?![{KANJI}])")  # 戸籍謄本, not 改製原戸籍謄本
        (part,) = [part for part in parts if named.search(part)]
        assert len(AMOUNT.findall(part)) == 1 and per_copy in part, f"{language}: {certificate} → {part!r}"
    note = content.procedures["joseki_seikyu"].note or ""
    assert "円" not in note


def _deadline(content: Content, scenario: str, procedure_id: str, localizer: Localizer) -> tuple[DeadlineResult, str]:
    """The procedure's deadline in the scenario, and its wording in the localizer's language."""
    _, result = run(content, _scenario(scenario))
    (procedure,) = [p for p in result.procedures if p.id == procedure_id]
    return procedure.deadline, procedure.deadline.describe(localizer)


LEARNED = {"ja": "知った", "easy": "知った", "en": "learned"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("procedure_id", ["sozoku_hoki", "sozoku_toki"])
def test_inheritance_deadlines_name_one_starting_day_and_count_from_it(
    content: Content, localizers: dict[str, Localizer], procedure_id: str, language: str
) -> None:
    """民法915条1項・不動産登記法76条の2: one starting day, the 知った日 answered, in the words and in the date."""
    deadline, text = _deadline(content, "31", procedure_id, localizers[language])
    assert deadline.counted_from == date(2026, 10, 16)  # death_known_date, not death_date 10/12
    assert text.count(LEARNED[language]) == 1, text
    assert deadline.rule is not None and not deadline.rule.count_first_day  # 初日不算入 (民法140条)


def test_renunciation_note_says_the_day_of_death_counts_when_known_at_once(content: Content) -> None:
    """The 知った日 is plainly the day of death for a resident who knew at once."""
    note = content.procedures["sozoku_hoki"].note or ""
    assert "亡くなったことを知った日から数えます" in note and "亡くなった日から数えます" in note


def test_inheritances_before_april_2024_are_due_by_march_2027(
    content: Content, localizers: dict[str, Localizer]
) -> None:
    """附則5条6項: an inheritance begun before 2024-04-01 is registered by 2027-03-31, not 3 years from the death."""
    for language, words in (("ja", "2027年3月31日"), ("easy", "2027年3月31日"), ("en", "31 March 2027")):
        deadline, text = _deadline(content, "36", "sozoku_toki_keika", localizers[language])
        assert words in text and deadline.date is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_both_funeral_grants_count_two_years_from_the_day_after_the_funeral(
    content: Content, localizers: dict[str, Localizer], language: str
) -> None:
    """国民健康保険法110条・高齢者の医療の確保に関する法律160条: the same day, the same words, the same date."""
    kokuho, kokuho_text = _deadline(content, "32", "kokuho_sosaihi", localizers[language])
    koki, koki_text = _deadline(content, "33", "koki_sosaihi", localizers[language])
    assert kokuho.counted_from == koki.counted_from == date(2026, 5, 13)  # both funerals on 5/13
    assert kokuho.date == koki.date == date(2028, 5, 15)
    assert kokuho_text == koki_text
    assert "翌日" in koki_text or "次の 日" in koki_text or "day after" in koki_text, koki_text


def test_unknown_pension_lists_one_death_notification_with_the_earlier_deadline(content: Content) -> None:
    """年金の種類がわからない: only the 10-day 届 (厚生年金) is listed as 「該当する場合」, not both."""
    _, result = run(content, _scenario("05"))
    listed = {p.id: p for p in result.procedures}
    assert listed["nenkin_jukyusha_shibo_todoke"].conditional
    assert "kokumin_nenkin_jukyusha_shibo_todoke" not in listed


def test_kinds_of_the_wished_for_and_informational_entries(content: Content) -> None:
    """復氏届・姻族関係終了届 are 「希望する場合」; the pointers to other offices and the lease are information."""
    kinds = {proc_id: content.procedures[proc_id].kind for proc_id in content.procedures}
    assert kinds["fukuji_todoke"] == kinds["inzoku_kankei_shuryo"] == "optional"
    assert kinds["seisan_ryokuchi_kaitori"] == "optional"
    assert kinds["kojin_shichoson_annai"] == kinds["chintai_keiyaku"] == "information"
