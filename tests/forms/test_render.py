"""Rendering the print templates with flask.render_template, as the staff route does."""

from __future__ import annotations

import re

import pytest

from kiosk.forms import FORMS, FORMS_BY_ID, form_context, forms_for

from .conftest import (
    HIKKOSHI_ELDERLY_PREFILL,
    OKUYAMI_SPOUSE_PREFILL,
    PRINTED_CODE,
    scenario_case,
    text_of,
    ticked,
    unticked,
)

# (scenario, prefill or None for the event's default) for every event and every form
CASES = {
    "okuyami_koki": ("01_koki_78_householder_pension", None),
    "okuyami_kokuho": ("02_kokuho_58_self_employed_spouse_child", OKUYAMI_SPOUSE_PREFILL),
    "okuyami_dog": ("07_real_estate_dog_will", None),
    "shussei": ("01_first_child_kokuho", None),
    "shussei_gakukaitei": ("02_second_child_gakukaitei", None),
    "tennyu": ("01_tennyu_family_school_dog", None),
    "tenshutsu": ("06_tenshutsu_kokuho_child_allowance", None),
    "tenshutsu_elderly": ("07_tenshutsu_online_done_elderly_certified", HIKKOSHI_ELDERLY_PREFILL),
    "kokugai_tenshutsu": ("09_kokugai_tenshutsu_mynumber", None),
    "tenkyo": ("13_tenkyo_school_district", None),
}


@pytest.fixture
def form(content, render):
    """form(case key, form id) → (HTML of that form alone, its visible text, the case)."""

    def _form(key: str, form_id: str) -> tuple[str, str, object]:
        name, prefill = CASES[key]
        case, result = scenario_case(content, name, prefill)
        assert form_id in [f.id for f in forms_for(p.id for p in result.procedures)], f"{key} does not need {form_id}"
        html = render(FORMS_BY_ID[form_id].template, **form_context(case, result))
        return html, text_of(html), case

    return _form


def test_every_needed_form_renders_with_the_applicants_name(content, render):
    rendered = set()
    for key, (name, prefill) in CASES.items():
        case, result = scenario_case(content, name, prefill)
        context = form_context(case, result)
        applicant = case.prefill["applicant"]
        for spec in forms_for(p.id for p in result.procedures):
            html = render(spec.template, **context)
            text = text_of(html)
            assert html.lstrip().lower().startswith("<!doctype html>"), spec.id  # alone: a whole document
            assert f"<title>{spec.title}" in html
            assert applicant["name"] in text and applicant["name_kana"] in text, f"{key}/{spec.id}"
            assert PRINTED_CODE in text and "見本の様式" in text and "受付印" in text, f"{key}/{spec.id}"
            assert "None" not in text, f"{key}/{spec.id}"
            rendered.add(spec.id)
    assert rendered == {form.id for form in FORMS}


def test_jumin_ido_tennyu(form):
    html, text, _ = form("tennyu", "jumin_ido")
    assert "転入" in ticked(html)
    assert {"転出", "転居", "世帯主変更", "国外からの転入"} <= unticked(html)
    assert "継続利用する" in ticked(html)
    for name, kana, born in [
        ("佐藤 健一", "サトウ ケンイチ", "昭和60年4月12日"),
        ("佐藤 美咲", "サトウ ミサキ", "昭和62年9月30日"),
        ("佐藤 陽翔", "サトウ ハルト", "平成27年6月1日"),
        ("佐藤 結衣", "サトウ ユイ", "平成24年12月24日"),
    ]:
        assert name in text and kana in text and born in text
    assert "異動日 令和8年4月1日" in text
    assert "届出日 令和8年4月6日" in text
    assert "〒 186-0002" in text and "コーポ国立201" in text  # new address
    assert "〒 530-0001" in text and "大阪府大阪市北区梅田一丁目2番3号" in text  # old address
    assert "妻" in text and "本人" in text


@pytest.mark.parametrize(
    ("key", "kinds", "date_label"),
    [
        ("tenshutsu", {"転出"}, "転出予定日"),
        ("tenkyo", {"転居"}, "異動日"),
        ("kokugai_tenshutsu", {"国外への転出", "世帯主変更"}, "転出予定日"),
        ("okuyami_koki", {"世帯主変更"}, "異動日"),
    ],
)
def test_jumin_ido_kind_is_ticked_from_the_case(form, key, kinds, date_label):
    html, text, _ = form(key, "jumin_ido")
    labels = {"転入", "国外からの転入", "転出", "国外への転出", "転居", "世帯主変更"}
    assert ticked(html) & labels == kinds
    assert date_label in text


def test_jumin_ido_setainushi_henko_names_the_deceased_as_former_householder(form):
    html, text, _ = form("okuyami_koki", "jumin_ido")
    assert re.search(r"前の世帯主\s*</th>\s*<td[^>]*>\s*山田 太郎", html)
    assert "令和8年5月10日" in text  # the day of the death


def test_kokuho_shikaku_soshitsu_for_a_death(form):
    html, text, _ = form("okuyami_kokuho", "kokuho_shikaku")
    assert {"資格喪失", "死亡"} <= ticked(html)
    assert {"資格取得", "転出", "出生"} <= unticked(html)
    assert "高橋 誠" in text and "タカハシ マコト" in text and "昭和42年12月1日" in text
    assert "妻" in text  # the applicant's 続柄 to the deceased
    assert "令和8年3月20日" in text


def test_kokuho_shikaku_shutoku_for_a_birth(form):
    html, text, _ = form("shussei", "kokuho_shikaku")
    assert {"資格取得", "出生"} <= ticked(html)
    assert "資格喪失" in unticked(html)
    assert "鈴木 さくら" in text and "スズキ サクラ" in text and "令和8年4月22日" in text


def test_sosaihi_ticks_the_insurer(form):
    html, text, _ = form("okuyami_koki", "sosaihi")
    assert "後期高齢者医療" in ticked(html) and "国民健康保険" in unticked(html)
    assert "後期高齢者医療広域連合長 あて" in text
    assert "死亡日 令和8年5月10日" in text and "令和8年5月13日" in text  # death, funeral
    assert "5万円" in text
    html, text, _ = form("okuyami_kokuho", "sosaihi")
    assert "国民健康保険" in ticked(html) and "後期高齢者医療" in unticked(html)
    assert "国立市長 あて" in text
    assert "高橋 洋子" in text  # the chief mourner


def test_kaigo_soshitsu(form):
    html, text, _ = form("okuyami_koki", "kaigo_soshitsu")
    assert ticked(html) == {"死亡"}
    assert "山田 太郎" in text and "昭和22年11月3日" in text
    html, text, _ = form("tenshutsu_elderly", "kaigo_soshitsu")
    assert ticked(html) == {"転出"}
    assert "伊藤 茂" in text and "昭和19年10月10日" in text and "伊藤 和子" in text and "昭和22年1月20日" in text
    assert "長野県長野市三輪一丁目2番3号" in text  # the destination


def test_jido_teate(form):
    html, text, _ = form("shussei", "jido_teate")
    assert {"認定請求", "出生", "同居"} <= ticked(html)
    assert "額改定請求" in unticked(html)
    assert "鈴木 翔太" in text and "鈴木 さくら" in text and "令和8年4月22日" in text
    assert "平成4年2月29日" in text  # the claimant, born on a leap day
    html, _, _ = form("shussei_gakukaitei", "jido_teate")
    assert "額改定請求" in ticked(html) and "認定請求" in unticked(html)
    html, text, _ = form("tennyu", "jido_teate")
    assert {"認定請求", "転入"} <= ticked(html)
    assert "佐藤 陽翔" in text and "佐藤 結衣" in text and "佐藤 美咲" in text


def test_inkan_haishi(form):
    html, text, _ = form("okuyami_koki", "inkan_haishi")
    assert {"廃止", "死亡", "その他"} <= ticked(html)
    assert "山田 太郎" in text and "登録者との関係：子" in text
    html, text, _ = form("tenshutsu", "inkan_haishi")
    assert {"廃止", "転出", "登録者本人"} <= ticked(html)


def test_inu(form):
    html, text, _ = form("okuyami_dog", "inu")
    assert ticked(html) == {"所有者の変更"}
    assert "山田 太郎" in text and "山田 花子" in text  # former and new owner
    html, text, _ = form("tennyu", "inu")
    assert ticked(html) == {"所在地の変更"}
    assert "大阪府大阪市北区梅田一丁目2番3号" in text and "コーポ国立201" in text
    assert {"オス", "メス"} <= unticked(html)  # the dog's details are written at the counter


def test_signature_and_personal_number_boxes_are_empty(form):
    for key, form_id in [("okuyami_kokuho", "kokuho_shikaku"), ("shussei", "jido_teate"), ("tennyu", "jumin_ido")]:
        html, _, _ = form(key, form_id)
        signatures = re.findall(r'<td class="sign-box"[^>]*>(.*?)</td>', html, re.S)
        assert signatures, form_id
        for cell in signatures:
            assert re.sub(r'<span class="hint">[^<]*</span>', "", cell).strip() == ""
    html, _, _ = form("okuyami_kokuho", "kokuho_shikaku")
    digits = re.findall(r'<span class="digit(?: sep)?">(.*?)</span>', html)
    assert len(digits) >= 12 * 4  # 世帯主 and three rows
    assert all(d == "" for d in digits)


def test_forms_html_prints_all_of_a_cases_forms_in_one_document(content, render):
    case, result = scenario_case(content, "02_kokuho_58_self_employed_spouse_child", OKUYAMI_SPOUSE_PREFILL)
    forms = forms_for(p.id for p in result.procedures)
    html = render("print/forms.html", forms=forms, **form_context(case, result))
    assert html.lower().count("<!doctype html>") == 1 and html.count("<html") == 1 and html.count("<body>") == 1
    assert html.count('<section class="form-page">') == len(forms) == 5
    headers = re.findall(r'<span class="fh-title">([^<]+)</span>', html)
    assert headers == [form.title for form in forms]
    assert "@page { size: A4; margin: 12mm; }" in html
    assert "break-after: page" in html
    assert "IPAexGothic" in html
    lowered = html.lower()
    assert "<script" not in lowered and "<link" not in lowered and "src=" not in lowered and "http" not in lowered


def test_forms_html_with_no_forms(content, render):
    case, result = scenario_case(content, "03_not_registered_here")
    html = render("print/forms.html", forms=[], **form_context(case, result))
    assert "印刷する様式はありません" in html


@pytest.mark.parametrize("event_case", ["okuyami_koki", "shussei", "tennyu"])
@pytest.mark.parametrize(
    "prefill",
    [
        {},
        {"applicant": {}, "subject": {}, "move": {}, "members": []},
        {"applicant": {"name": "山田 花子"}},  # name only: the rest prints as empty boxes
    ],
    ids=["none", "empty-roles", "name-only"],
)
def test_missing_prefill_prints_blanks_not_none(content, render, event_case, prefill):
    name, _ = CASES[event_case]
    case, result = scenario_case(content, name, prefill)
    html = render("print/forms.html", forms=list(FORMS), **form_context(case, result))
    text = text_of(html)
    assert "None" not in text and "unknown" not in text
    assert html.count('<section class="form-page">') == len(FORMS)
    assert '<span class="blank-date">' in html  # 年・月・日 boxes for hand-writing
    assert "男・女" in text  # sex left for circling
    if prefill.get("applicant", {}).get("name"):
        assert "山田 花子" in text
