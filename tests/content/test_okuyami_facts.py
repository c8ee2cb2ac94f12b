"""Facts of the おくやみ flow that a scenario's expect: cannot state (an item left off, the words shown).

Each test names the rule it checks; the answers come from the scenario files in tests/scenarios/okuyami/.
"""

from pathlib import Path

from kiosk.engine import Content
from kiosk.engine.localize import SourceLocalizer

from ..conftest import SCENARIOS
from .test_scenarios import run

OKUYAMI = SCENARIOS / "okuyami"


def _scenario(name: str) -> Path:
    (path,) = OKUYAMI.glob(f"{name}_*.yaml")
    return path


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


def test_certificate_card_gives_each_certificate_its_own_price(content: Content) -> None:
    """手数料令: 戸籍謄本 450円, 除籍謄本・改製原戸籍 750円; 住民票の除票 is the city's fee. One label per price."""
    _, result = run(content, _scenario("17"))
    fee = result.fee_text("joseki_seikyu")
    assert fee is not None
    assert "戸籍謄本 1通450円" in fee
    assert "除籍謄本・改製原戸籍 1通750円" in fee
    assert "住民票の除票 1通300円" in fee
    note = content.procedures["joseki_seikyu"].note or ""
    assert "円" not in note


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
