"""Personal details as residents type them: what is accepted, how it is printed on the form, and what each refusal
says. Every value here is one a resident at the counter could type (the IME's ー, half-width kana from a phone,
ゔ, small kana, full-width digits, 〒, brackets round an area code)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from kiosk.prefill import FIELDS, PrefillErrors, normalise_role, roles_for
from kiosk.prefill.fields import MAX_MEMBERS, FieldSpec
from kiosk.prefill.validate import (
    EARLIEST_DATE,
    RELATIONSHIPS,
    SEXES,
    has_refused_characters,
    hiragana_to_katakana,
    normalise_field,
)

TODAY = date(2026, 5, 12)
KANA = FieldSpec("name_kana", "kana")
NAME = FieldSpec("name", "text", "name")
DATE = FieldSpec("birth_date", "date", "bday")
POSTAL = FieldSpec("postal_code", "postal", "postal-code", required=False)
PHONE = FieldSpec("phone", "phone", "tel")
SEX = FieldSpec("sex", "sex", required=False)
RELATIONSHIP = FieldSpec("relationship", "relationship")
ADDRESS = FieldSpec("address", "text", "street-address", max_length=120)


def ok(spec: FieldSpec, raw: str) -> str:
    return normalise_field(spec, raw, TODAY)


def refused(spec: FieldSpec, raw: str) -> str:
    with pytest.raises(ValueError) as caught:
        normalise_field(spec, raw, TODAY)
    return str(caught.value)


# --- katakana readings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("サトー", "サトー"),  # the long-vowel mark ー
        ("ユーコ", "ユーコ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),  # half-width kana from a phone keyboard, with its dakuten
        ("ｻﾄｰ", "サトー"),  # half-width ｰ
        ("やまだ たろう", "ヤマダ タロウ"),  # hiragana becomes katakana
        ("ゔぁいおりん", "ヴァイオリン"),  # ゔ and small ぁ
        ("ヴィクトル", "ヴィクトル"),
        ("きょうこ", "キョウコ"),  # small ょ
        ("ッ", "ッ"),
        ("ヶ", "ヶ"),
        ("ヽヾ", "ヽヾ"),
        ("  ヤマダ\u3000\u3000タロウ  ", "ヤマダ タロウ"),  # ideographic spaces collapse to one space, trimmed
        ("ヤマダ\tタロウ", "ヤマダ タロウ"),
        ("ジョン・スミス", "ジョン・スミス"),  # a foreign resident's name, words joined by 「・」
        ("ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス"),  # half-width ･ from a phone keyboard
    ],
)
def test_katakana_readings_residents_type_are_accepted_and_printed_in_full_width_katakana(typed, printed):
    assert ok(KANA, typed) == printed


@pytest.mark.parametrize(
    "typed",
    ["山田", "Yamada", "ヤマダ1", "・ヤマダ", "ヤマダ・", "ヤマダ・・タロウ", "ｙａｍａｄａ", "ヤマダー!", "ア〜"],
)
def test_anything_but_kana_in_a_reading_is_refused(typed):
    assert refused(KANA, typed) == "not_katakana"


def test_hiragana_to_katakana_changes_hiragana_only():
    assert hiragana_to_katakana("ぁあゔゖ") == "ァアヴヶ"
    assert hiragana_to_katakana("ー山田abcアゟ") == "ー山田abcアゟ"  # ゟ (U+309F) is past the range


# --- names and addresses -------------------------------------------------------------------------------------


def test_names_keep_kanji_and_latin_and_variation_selectors():
    assert ok(NAME, "山田 太郎") == "山田 太郎"
    assert ok(NAME, "John SMITH") == "John SMITH"
    assert ok(NAME, "葛\U000e0100城") == "葛\U000e0100城"  # an 異体字 selected by an IVS is kept


def test_full_width_letters_and_digits_become_half_width():
    assert ok(NAME, "ＡＢＣ　１２３") == "ABC 123"
    assert ok(ADDRESS, "国立市富士見台２丁目４７－１") == "国立市富士見台2丁目47-1"


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\x00", "\x1b", "\u00ad", "\ufeff", "\u2066", "\x7f"])
def test_control_and_format_characters_are_refused(hidden):
    assert refused(NAME, f"山田{hidden}太郎") == "bad_characters"
    assert has_refused_characters(f"a{hidden}")
    assert not has_refused_characters("山田 太郎")


def test_length_limits_at_the_limit_and_one_over():
    assert ok(NAME, "あ" * 60) == "あ" * 60
    assert refused(NAME, "あ" * 61) == "too_long"
    assert ok(ADDRESS, "あ" * 120) == "あ" * 120
    assert refused(ADDRESS, "あ" * 121) == "too_long"
    # counted after spaces are trimmed and collapsed: padding does not make a value too long
    assert ok(NAME, "  " + "あ" * 60 + "  ") == "あ" * 60
    assert ok(NAME, "あ" * 30 + "    " + "あ" * 29) == "あ" * 30 + " " + "あ" * 29


def test_required_and_optional_empty_values():
    assert refused(NAME, "") == "required"
    assert refused(NAME, "  \u3000 ") == "required"
    assert ok(POSTAL, "") == ""
    assert ok(SEX, "   ") == ""


# --- dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("1950-04-01", "1950-04-01"),
        ("1950/4/1", "1950-04-01"),
        ("１９５０年４月１日", "1950-04-01"),  # full-width digits
        ("昭和25年4月1日", "1950-04-01"),
        ("S25.4.1", "1950-04-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("2026-05-12", "2026-05-12"),  # today is not in the future
        ("1900-01-01", "1900-01-01"),  # the earliest date accepted
    ],
)
def test_dates_in_the_ways_residents_write_them(typed, iso):
    assert ok(DATE, typed) == iso


def test_future_dates_and_dates_before_1900_are_refused_with_their_own_message():
    assert refused(DATE, "2026-05-13") == "in_future"  # tomorrow
    assert refused(DATE, "1899-12-31") == "too_early"
    assert date(1900, 1, 1) == EARLIEST_DATE


@pytest.mark.parametrize("typed", ["2026-02-30", "昭和65年1月1日", "平成元年1月7日", "きのう", "1950-4", "19500401x"])
def test_dates_that_do_not_exist_are_refused(typed):
    assert refused(DATE, typed) == "not_a_date"


# --- postal codes and phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("186-8501", "186-8501"),
        ("1868501", "186-8501"),
        ("〒186-8501", "186-8501"),
        ("〒 186-8501", "186-8501"),
        ("１８６－８５０１", "186-8501"),  # full-width digits and hyphen
        ("１８６ー８５０１", "186-8501"),  # the IME's long-vowel mark typed for a hyphen
        ("〒１８６８５０１", "186-8501"),
    ],
)
def test_postal_codes_are_printed_as_three_hyphen_four(typed, printed):
    assert ok(POSTAL, typed) == printed


@pytest.mark.parametrize("typed", ["186-850", "18685011", "186-85O1", "〒", "186--8501", "ABC-DEFG"])
def test_postal_codes_that_are_not_seven_digits_are_refused(typed):
    assert refused(POSTAL, typed) == "not_postal"


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("042-576-2111", "042-576-2111"),
        ("0425762111", "0425762111"),
        ("09012345678", "09012345678"),  # 11 digits: a mobile number
        ("０４２－５７６－２１１１", "042-576-2111"),  # full-width
        ("042ー576ー2111", "042-576-2111"),
        ("042(576)2111", "042-576-2111"),  # brackets round the exchange
        ("（042）576-2111", "042-576-2111"),  # full-width brackets round the area code
        ("(042) 576-2111", "042-576-2111"),
        ("090 1234 5678", "09012345678"),
        ("（042）-576-2111", "042-576-2111"),  # a bracket and a hyphen make one hyphen, not two
        ("042--576-2111", "042-576-2111"),
    ],
)
def test_phone_numbers_with_brackets_spaces_and_full_width_digits(typed, printed):
    assert ok(PHONE, typed) == printed


@pytest.mark.parametrize("typed", ["042-576-211", "042576211", "090123456789", "+81-42-576-2111", "042-576-21１x",
                                   "-------------", "0-4-2-5-7-6-2-1", "X042-576-2111", "042-576-2111X"])
def test_phone_numbers_with_too_few_or_too_many_digits_or_other_characters_are_refused(typed):
    assert refused(PHONE, typed) == "not_phone"


# --- options -------------------------------------------------------------------------------------------------


def test_options_accept_only_their_values():
    for sex in SEXES:
        assert ok(SEX, sex) == sex
    for relationship in RELATIONSHIPS:
        assert ok(RELATIONSHIP, relationship) == relationship
    assert refused(SEX, "other") == "not_an_option"
    assert refused(RELATIONSHIP, "friend") == "not_an_option"
    assert refused(RELATIONSHIP, "") == "required"


# --- a whole page at once ------------------------------------------------------------------------------------


def test_every_problem_on_a_page_is_reported_at_once_in_field_order():
    raw = {"name": "", "name_kana": "Yamada", "birth_date": "2030-01-01", "postal_code": "12",
           "address": "国立市", "phone": "123", "relationship": "self"}
    with pytest.raises(PrefillErrors) as caught:
        normalise_role("okuyami", "applicant", raw, TODAY)
    assert caught.value.errors == {"name": "required", "name_kana": "not_katakana", "birth_date": "in_future",
                                   "postal_code": "not_postal", "phone": "not_phone"}
    assert list(caught.value.errors) == ["name", "name_kana", "birth_date", "postal_code", "phone"]


def test_a_field_missing_from_the_form_is_empty_not_something_else():
    """A browser sends no key for an empty select or a field the page did not show: required ones are asked for."""
    with pytest.raises(PrefillErrors) as caught:
        normalise_role("okuyami", "applicant", {}, TODAY)
    required = [spec.name for spec in FIELDS["okuyami"]["applicant"] if spec.required]
    assert caught.value.errors == dict.fromkeys(required, "required")
    optional_only = {spec.name: "" for spec in FIELDS["okuyami"]["subject"] if not spec.required}
    values = {"name": "山田 一郎", "name_kana": "ヤマダ イチロウ", "birth_date": "1940-01-01", "address": "国立市"}
    assert normalise_role("okuyami", "subject", values, TODAY) == values | optional_only


def test_a_good_page_comes_back_normalised():
    raw = {"name": "山田　太郎", "name_kana": "ﾔﾏﾀﾞ ﾀﾛｰ", "birth_date": "昭和25年4月1日",
           "postal_code": "〒１８６ー８５０１", "address": "国立市富士見台２－４７－１", "phone": "（042）576-2111",
           "relationship": "self", "ignored": "not a field"}
    normalised = normalise_role("okuyami", "applicant", raw, TODAY)
    expected = {
        "name": "山田 太郎", "name_kana": "ヤマダ タロー", "birth_date": "1950-04-01", "postal_code": "186-8501",
        "address": "国立市富士見台2-47-1", "phone": "042-576-2111", "relationship": "self",
    }
    assert {key: normalised[key] for key in expected} == expected
    # every other field of the page is optional and left empty; nothing that is not a field is kept
    assert {key: value for key, value in normalised.items() if key not in expected} == dict.fromkeys(
        set(normalised) - set(expected), "")
    assert set(normalised) == {spec.name for spec in FIELDS["okuyami"]["applicant"]}


def test_the_roles_of_each_event_in_order():
    assert roles_for("okuyami") == ("applicant", "subject")
    assert roles_for("shussei") == ("applicant", "subject")
    assert roles_for("hikkoshi") == ("applicant", "move", "member")
    assert roles_for("nothing") == ()
    assert MAX_MEMBERS == 6


def test_details_about_someone_else_never_take_the_residents_own_autofill():
    for event, roles in FIELDS.items():
        for role, specs in roles.items():
            if role == "applicant":
                continue
            for spec in specs:  # a relationship is a choice, with no autofill at all
                assert spec.autocomplete in ("off", None), (event, role, spec.name)
    applicant = {spec.name: spec.autocomplete for spec in FIELDS["okuyami"]["applicant"]}
    assert applicant["name"] == "name" and applicant["birth_date"] == "bday" and applicant["phone"] == "tel"


# --- every refusal has its message in every language ---------------------------------------------------------

ERRORS = ("required", "too_long", "not_katakana", "not_a_date", "in_future", "not_postal", "not_phone",
          "not_an_option", "bad_characters", "too_early")
TRANSLATIONS = Path(__file__).parents[2] / "questionnaires" / "translations"


def test_every_error_key_is_raised_by_some_input():
    raised = {
        refused(NAME, ""), refused(NAME, "あ" * 61), refused(KANA, "山田"), refused(DATE, "2026-02-30"),
        refused(DATE, "2027-01-01"), refused(POSTAL, "1"), refused(PHONE, "1"), refused(SEX, "x"),
        refused(NAME, "\u202e"), refused(DATE, "1899-01-01"),
    }
    assert raised == set(ERRORS)


@pytest.mark.parametrize("language", sorted(path.name for path in TRANSLATIONS.iterdir() if path.is_dir()))
def test_every_error_has_a_message_in_every_language(language):
    ui = yaml.safe_load((TRANSLATIONS / language / "ui.yaml").read_text(encoding="utf-8"))
    for key in ERRORS:  # nested (prefill: error: key:) or flat (prefill.error.key:)
        message = ui.get(f"prefill.error.{key}") or ui.get("prefill", {}).get("error", {}).get(key)
        assert isinstance(message, str) and message.strip(), (language, key)
