"""form_context and forms_for: which forms a case needs, and what they print (without rendering)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.config import PROJECT_ROOT
from kiosk.forms import (
    FORMS,
    FormSpec,
    Person,
    Tick,
    form_context,
    forms_for,
    print_content_security_policy,
    relationship_label,
    wareki,
)
from kiosk.forms.wareki import child_allowance_age

from .conftest import (
    HIKKOSHI_ELDERLY_PREFILL,
    OKUYAMI_SPOUSE_PREFILL,
    PRINTED_CODE,
    SCENARIO_FILES,
    scenario_case,
)

# ------------------------------------------------------------------------------------------------ 和暦


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 5, 10), "令和8年5月10日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1947, 11, 3), "昭和22年11月3日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (None, ""),
    ],
)
def test_wareki(day, expected):
    assert wareki(day) == expected


@pytest.mark.parametrize(
    ("birth", "day", "eligible"),
    [
        (date(2007, 5, 1), date(2026, 3, 31), True),  # 18 on 2025-05-01: until the next 3月31日
        (date(2007, 5, 1), date(2026, 4, 1), False),
        (date(2007, 4, 1), date(2025, 3, 31), True),  # born on 4月1日: reaches 18 on 3月31日, a year earlier
        (date(2007, 4, 1), date(2025, 4, 1), False),
        (date(2007, 4, 2), date(2026, 3, 31), True),
    ],
)
def test_child_allowance_age_ends_on_the_first_march_31_after_turning_18(birth, day, eligible):
    assert child_allowance_age(birth, day) is eligible


def test_relationship_labels_use_the_sex_when_known():
    assert relationship_label("spouse", "female") == "妻"
    assert relationship_label("spouse", "male") == "夫"
    assert relationship_label("spouse") == "配偶者"
    assert relationship_label("parent", "female") == "母"
    assert relationship_label("koken") == "成年後見人等"
    assert relationship_label(None) == ""
    assert relationship_label("nonsense") == ""


# ------------------------------------------------------------------------------------------------ the catalogue


def test_the_forms_asked_for_exist_with_their_procedures(content):
    by_id = {form.id: form for form in FORMS}
    assert list(by_id) == [
        "jumin_ido",
        "inkan_haishi",
        "kokuho_shikaku",
        "sosaihi",
        "kaigo_soshitsu",
        "jido_teate",
        "inu",
    ]
    assert by_id["jumin_ido"].procedures >= {
        "tennyu_todoke",
        "tenshutsu_todoke",
        "tenkyo_todoke",
        "kokugai_tennyu_todoke",
        "kokugai_tenshutsu_todoke",
        "setainushi_henko",
    }
    assert by_id["kokuho_shikaku"].procedures == {"kokuho_kanyu", "kokuho_shikaku_soshitsu"}
    assert by_id["sosaihi"].procedures == {"kokuho_sosaihi", "koki_sosaihi"}
    assert by_id["kaigo_soshitsu"].procedures == {"kaigo_shikaku_soshitsu"}
    assert by_id["jido_teate"].procedures == {"jido_teate_nintei"}
    assert by_id["inkan_haishi"].procedures == {"inkan_torokusho_henkan", "inkan_toroku_haishi"}
    assert by_id["inu"].procedures == {"inu_todoke"}
    for form in FORMS:
        assert isinstance(form, FormSpec)
        assert form.procedures <= set(content.procedures), f"{form.id}: unknown procedure ids"
        assert (PROJECT_ROOT / "templates" / form.template).is_file(), form.template
        assert form.template == f"print/forms/{form.id}.html"
    with pytest.raises(dataclasses.FrozenInstanceError):
        FORMS[0].title = "x"  # type: ignore[misc]


def test_no_procedure_needs_two_forms():
    seen: dict[str, str] = {}
    for form in FORMS:
        for procedure in form.procedures:
            assert procedure not in seen, f"{procedure} in {seen.get(procedure)} and {form.id}"
            seen[procedure] = form.id


def ids(forms: list[FormSpec]) -> list[str]:
    return [form.id for form in forms]


def test_forms_for_an_okuyami_koki_case(content):
    _, result = scenario_case(content, "01_koki_78_householder_pension")
    assert ids(forms_for(p.id for p in result.procedures)) == ["jumin_ido", "inkan_haishi", "sosaihi", "kaigo_soshitsu"]


def test_forms_for_an_okuyami_kokuho_case(content):
    _, result = scenario_case(content, "02_kokuho_58_self_employed_spouse_child")
    assert ids(forms_for(p.id for p in result.procedures)) == [
        "jumin_ido",
        "inkan_haishi",
        "kokuho_shikaku",
        "sosaihi",
        "jido_teate",
    ]


def test_forms_for_a_tennyu(content):
    _, result = scenario_case(content, "01_tennyu_family_school_dog")
    assert ids(forms_for(p.id for p in result.procedures)) == ["jumin_ido", "jido_teate", "inu"]


def test_forms_for_a_tenshutsu_filed_online_has_no_jumin_ido(content):
    _, result = scenario_case(content, "07_tenshutsu_online_done_elderly_certified")
    assert ids(forms_for(p.id for p in result.procedures)) == ["kaigo_soshitsu"]


def test_forms_for_lists_each_form_once_in_counter_order():
    procedures = ["inu_todoke", "koki_sosaihi", "kokuho_sosaihi", "kokuho_shikaku_soshitsu", "kokuho_kanyu"]
    assert ids(forms_for(procedures)) == ["kokuho_shikaku", "sosaihi", "inu"]
    assert ids(forms_for(reversed(procedures))) == ["kokuho_shikaku", "sosaihi", "inu"]
    assert forms_for([]) == []
    assert forms_for(["kinyu_kikan", "joseki_seikyu"]) == []


# ------------------------------------------------------------------------------------------------ the context


def _leaves(value: object, path: str = "ctx") -> Iterator[tuple[str, object]]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _leaves(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
@pytest.mark.parametrize("prefilled", [True, False], ids=["prefill", "no-prefill"])
def test_every_value_is_printable_for_every_scenario(content, path: Path, prefilled):
    case, result = scenario_case(content, str(path), None if prefilled else {})
    context = form_context(case, result)
    for where, value in _leaves(context):
        assert value is not None, f"{where} is None"
        assert isinstance(value, str | bool | int), f"{where} is {type(value).__name__}"
        if isinstance(value, str):
            assert value != "None" and "unknown" not in value, f"{where} = {value!r}"


def test_okuyami_koki_context(content):
    case, result = scenario_case(content, "01_koki_78_householder_pension")
    context = form_context(case, result)
    assert context["reference_code"] == PRINTED_CODE
    assert context["city_name"] == "国立市"
    assert context["filed_on"] == "令和8年5月14日"  # the day the case is resolved (today)
    assert context["event_date"] == "令和8年5月10日"
    sosaihi = context["sosaihi"]
    assert sosaihi["insurers"] == [Tick("国民健康保険", False), Tick("後期高齢者医療", True)]
    assert sosaihi["addressee"] == "後期高齢者医療広域連合長"
    assert sosaihi["amount"] == "5万円"
    assert sosaihi["death_date"] == "令和8年5月10日"
    assert sosaihi["funeral_date"] == "令和8年5月13日"
    assert sosaihi["deceased"].name == "山田 太郎"
    assert sosaihi["deceased"].birth_date == "昭和22年11月3日"
    assert sosaihi["mourner"].name == "山田 花子"  # applicant_is_chief_mourner: yes
    assert sosaihi["mourner"].relationship == "子"
    jumin = context["jumin_ido"]
    assert {t.label for t in jumin["kinds"] if t.on} == {"世帯主変更"}
    assert jumin["old_head"] == "山田 太郎"
    assert jumin["date"] == "令和8年5月10日"
    assert context["kaigo"]["insured"][0].name == "山田 太郎"
    assert [t.label for t in context["kaigo"]["reasons"] if t.on] == ["死亡"]
    assert [t.label for t in context["inkan"]["reasons"] if t.on] == ["死亡"]


def test_okuyami_kokuho_spouse_is_printed_as_wife(content):
    case, result = scenario_case(content, "02_kokuho_58_self_employed_spouse_child", OKUYAMI_SPOUSE_PREFILL)
    context = form_context(case, result)
    kokuho = context["kokuho"]
    assert kokuho["kinds"] == [Tick("資格取得", False), Tick("資格喪失", True)]
    assert [t.label for t in kokuho["leave_reasons"] if t.on] == ["死亡"]
    assert not any(t.on for t in kokuho["join_reasons"])
    assert kokuho["members"][0].name == "高橋 誠"
    assert kokuho["members"][0].relationship == "世帯主"  # deceased_was_householder: yes
    assert kokuho["head"].name == "高橋 誠"
    assert kokuho["applicant"].relationship == "妻"  # spouse + surviving_spouse: wife
    assert context["sosaihi"]["insurers"] == [Tick("国民健康保険", True), Tick("後期高齢者医療", False)]
    assert context["sosaihi"]["addressee"] == "国立市長"
    assert context["jido_teate"]["claimant"].name == "高橋 洋子"


def test_okuyami_dependants_join_kokuho_the_day_after_the_death(content):
    case, result = scenario_case(content, "06_company_employee_dependants")
    kokuho = form_context(case, result)["kokuho"]
    assert kokuho["kinds"] == [Tick("資格取得", True), Tick("資格喪失", False)]
    assert [t.label for t in kokuho["join_reasons"] if t.on] == ["社会保険の離脱"]
    death = date.fromisoformat(case.answers["death_date"])
    assert kokuho["date"] == wareki(date.fromordinal(death.toordinal() + 1))
    assert all(person == Person() for person in kokuho["members"])  # who joins is written at the counter


def test_uncertain_choices_stay_unticked(content):
    """All 「わからない」: 国保 取得 and 喪失 and both 葬祭費 are only possible, so the clerk ticks them."""
    case, result = scenario_case(content, "05_all_unknown")
    context = form_context(case, result)
    assert not any(t.on for t in context["kokuho"]["kinds"])
    assert not any(t.on for t in context["sosaihi"]["insurers"])
    assert context["sosaihi"]["amount"] == ""
    # only one kind of 住民異動 is possible: it is ticked although 世帯主変更 is 「該当する場合」
    assert {t.label for t in context["jumin_ido"]["kinds"] if t.on} == {"世帯主変更"}


def test_tennyu_context(content):
    case, result = scenario_case(content, "01_tennyu_family_school_dog")
    context = form_context(case, result)
    jumin = context["jumin_ido"]
    assert {t.label for t in jumin["kinds"] if t.on} == {"転入"}
    assert jumin["date_label"] == "異動日"
    assert jumin["date"] == "令和8年4月1日"
    assert [(p.name, p.relationship, p.sex) for p in jumin["movers"][:4]] == [
        ("佐藤 健一", "本人", ""),
        ("佐藤 美咲", "妻", "女"),
        ("佐藤 陽翔", "子", "男"),
        ("佐藤 結衣", "子", "女"),
    ]
    assert jumin["movers"][1].birth_date == "昭和62年9月30日"
    assert jumin["new_address"].endswith("コーポ国立201")
    assert jumin["old_address"].startswith("大阪府")
    assert [t.on for t in jumin["mynumber"]] == [True, False]  # has_mynumber_card: yes
    jido = context["jido_teate"]
    assert [row.person.name for row in jido["children"][:2]] == ["佐藤 陽翔", "佐藤 結衣"]
    assert all(row.together.on for row in jido["children"][:2])
    assert jido["spouse"].name == "佐藤 美咲"
    assert [t.label for t in jido["reasons"] if t.on] == ["転入"]
    inu = context["inu"]
    assert [t.label for t in inu["kinds"] if t.on] == ["所在地の変更"]
    assert inu["from_other_city"] is True
    assert inu["owner"].name == "佐藤 健一"


def test_tenshutsu_context(content):
    case, result = scenario_case(content, "06_tenshutsu_kokuho_child_allowance")
    context = form_context(case, result)
    jumin = context["jumin_ido"]
    assert {t.label for t in jumin["kinds"] if t.on} == {"転出"}
    assert jumin["date_label"] == "転出予定日"
    assert jumin["show_mynumber"] is False
    kokuho = context["kokuho"]
    assert kokuho["kinds"] == [Tick("資格取得", False), Tick("資格喪失", True)]
    assert [t.label for t in kokuho["leave_reasons"] if t.on] == ["転出"]
    assert kokuho["head"].address.startswith("大阪府")  # the address in this city before leaving: the old one
    inkan = context["inkan"]
    assert [t.label for t in inkan["reasons"] if t.on] == ["転出"]
    assert inkan["registrant"].name == "佐藤 健一"
    assert [t.label for t in inkan["filer"] if t.on] == ["登録者本人"]


def test_tenshutsu_kaigo_lists_the_movers_aged_65_or_more(content):
    case, result = scenario_case(content, "07_tenshutsu_online_done_elderly_certified", HIKKOSHI_ELDERLY_PREFILL)
    kaigo = form_context(case, result)["kaigo"]
    assert [p.name for p in kaigo["insured"]] == ["伊藤 茂", "伊藤 和子"]  # not the 56-year-old applicant
    assert [p.relationship for p in kaigo["insured"]] == ["父", "母"]
    assert [t.label for t in kaigo["reasons"] if t.on] == ["転出"]
    assert kaigo["destination"] == "長野県長野市三輪一丁目2番3号"
    assert kaigo["applicant"].relationship == "子"


def test_kokugai_tenshutsu_with_a_new_householder(content):
    case, result = scenario_case(content, "09_kokugai_tenshutsu_mynumber")
    jumin = form_context(case, result)["jumin_ido"]
    assert {t.label for t in jumin["kinds"] if t.on} == {"国外への転出", "世帯主変更"}


def test_shussei_contexts(content):
    case, result = scenario_case(content, "01_first_child_kokuho")
    context = form_context(case, result)
    baby = context["kokuho"]["members"][0]
    assert (baby.name, baby.name_kana, baby.birth_date, baby.sex, baby.relationship) == (
        "鈴木 さくら",
        "スズキ サクラ",
        "令和8年4月22日",  # from the answer birth_date, not from the prefill
        "女",
        "子",
    )
    assert [t.label for t in context["kokuho"]["join_reasons"] if t.on] == ["出生"]
    assert context["jido_teate"]["kinds"] == [Tick("認定請求", True), Tick("額改定請求", False)]
    case, result = scenario_case(content, "02_second_child_gakukaitei")
    assert form_context(case, result)["jido_teate"]["kinds"] == [Tick("認定請求", False), Tick("額改定請求", True)]


def test_missing_prefill_gives_blank_strings(content):
    case, result = scenario_case(content, "01_koki_78_householder_pension", {})
    context = form_context(case, result)
    assert context["applicant"] == Person()
    # the mourner's name is blank, but the 続柄 still comes from the answer applicant_relation
    assert context["sosaihi"]["mourner"] == Person(relationship="子")
    assert context["jumin_ido"]["old_head"] == ""
    assert context["sosaihi"]["death_date"] == "令和8年5月10日"  # dates still come from the answers


def test_odd_prefill_shapes_do_not_break_the_context(content):
    prefill = {
        "applicant": {"name": "山田 花子", "birth_date": "not a date", "relationship": None, "phone": None},
        "subject": "oops",
        "members": [None, {"name": ""}, {"name": "山田 一郎", "birth_date": "2099-99-99"}],
    }
    case, result = scenario_case(content, "01_tennyu_family_school_dog", prefill, reference_code="garbage")
    context = form_context(case, result)
    assert context["reference_code"] == "garbage"
    assert context["applicant"].name == "山田 花子"
    assert context["applicant"].birth_date == ""
    assert [p.name for p in context["jumin_ido"]["movers"] if p.name] == ["山田 花子", "山田 一郎"]


def test_the_print_policy_allows_exactly_the_inline_styles():
    html = "<html><head><style>p { color: red; }</style><style>p { color: red; }</style></head></html>"
    policy = print_content_security_policy(html)
    # sha256 of "p { color: red; }", base64 — one source for the two identical elements
    assert "style-src 'sha256-" in policy and policy.count("'sha256-") == 1
    assert "default-src 'none'" in policy and "script-src" not in policy and "'unsafe-inline'" not in policy
    assert "style-src 'none'" in print_content_security_policy("<p>no styles</p>")
