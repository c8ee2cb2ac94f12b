"""市役所の外の手続き (the outside-bodies pack) on the result, the printout, the slip, the notice print page and the
staff case view; in every language; never for a move within the city."""

from datetime import date

import pytest

from kiosk.engine import Answers, walk
from kiosk.engine.model import Question
from kiosk.extensions import services

from .conftest import TODAY, Resident, make_app

OKUYAMI = {
    "death_date": "2026-05-10",
    "deceased_resident_here": "yes",
    "death_notified": "yes",
    "deceased_age": 78,
    "deceased_received_pension": "kosei",
    "deceased_real_estate": "unknown",
    "deceased_had_life_insurance": "yes",
}
KOKUGAI = {"move_type": "kokugai_tenshutsu", "move_date": "2026-06-01"}
TENKYO = {"move_type": "tenkyo", "move_date": "2026-05-08"}
DETAILS = {
    "applicant": {"name": "国立 花子", "name_kana": "クニタチ ハナコ", "birth_date": "1950-04-01",
                  "address": "東京都国立市富士見台2-47-1", "phone": "042-576-2111", "relationship": "spouse"},
    "subject": {"name": "国立 太郎", "name_kana": "クニタチ タロウ", "birth_date": "1948-01-02",
                "address": "東京都国立市富士見台2-47-1"},
}


def _default(question: Question, today: date):
    """An answer for a question the test does not care about: 「わからない」 where offered, else a neutral one."""
    if question.unknown:
        return "unknown"
    if question.type == "yes_no":
        return "no"
    if question.type == "number":
        return question.min or 0
    if question.type == "date":
        return today.isoformat()
    options = question.options or []
    if question.type == "multiple":
        exclusive = [option.value for option in options if option.exclusive]
        return ((exclusive or [options[0].value])[0],)
    return options[0].value


def complete(content, event: str, wanted: dict) -> dict:
    """The wanted answers plus neutral answers to every other question on the path (whatever screens ask)."""
    answers = dict(wanted)
    for _ in range(200):
        progress = walk(content.flows[event], answers, TODAY)
        if progress.next_question is None:
            return Answers.from_json(answers).to_json()
        answers[progress.next_question.id] = _default(progress.next_question, TODAY)
    raise AssertionError("the flow did not end")


def with_answers(app, event: str, wanted: dict, details: dict | None = None, lang: str | None = None) -> Resident:
    """A resident whose session holds complete answers (and details) for one event."""
    resident = Resident(app.test_client())
    resident.get("/")
    answers = complete(services(app).content, event, wanted)
    with resident.client.session_transaction() as session:
        session["answers"] = {event: answers}
        if details is not None:
            session["prefill"] = {event: details}
        if lang:
            session["lang"] = lang
    return resident


def test_the_pack_is_on_the_result_for_okuyami_with_notices_to_copy(app):
    resident = with_answers(app, "okuyami", OKUYAMI)
    assert resident.get("/okuyami/result").status_code == 200
    page = resident.page
    assert 'id="outside"' in page and "市役所の外で行う手続き" in page
    for body in ("年金事務所", "法務局", "生命保険協会", "携帯電話の会社", "クレジットカードの会社"):
        assert body in page, body
    assert "相続時口座照会" in page and "生命保険契約照会制度" in page and "名寄帳" in page
    assert '<textarea class="outside__letter" id="notice-nenkin" readonly' in page
    assert "死亡のお知らせ" in page
    # The route's procedures are referenced, not repeated: a link to the procedure, no second copy of it.
    assert 'href="#procedure-nenkin_jukyusha_shibo_todoke"' in page
    assert page.count('id="procedure-nenkin_jukyusha_shibo_todoke"') == 1
    # Without personal details, the notice has blanks to write on.
    assert "亡くなった方のお名前：＿＿" in page


def test_the_notice_shows_the_deceased_s_name_from_the_details(app):
    resident = with_answers(app, "okuyami", OKUYAMI, details=DETAILS)
    resident.get("/okuyami/result")
    assert "亡くなった方のお名前：国立 太郎" in resident.page
    assert "亡くなった日：2026年5月10日（日）" in resident.page
    assert "お名前：国立 花子（亡くなった方の配偶者）" in resident.page
    assert "生年月日：1948年1月2日（金）" in resident.page


def test_the_notice_print_page_prints_one_or_every_notice(app):
    resident = with_answers(app, "okuyami", OKUYAMI, details=DETAILS)
    response = resident.get("/okuyami/result/notices")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # names and addresses are never kept by the browser
    assert resident.page.count('<pre class="outside__letter" lang="ja">') >= 5
    assert "国立 太郎" in resident.page
    assert resident.get("/okuyami/result/notices?body=nenkin").status_code == 200
    assert resident.page.count('<pre class="outside__letter" lang="ja">') == 1
    assert "基礎年金番号" in resident.page
    assert resident.get("/okuyami/result/notices?body=nothing").status_code == 404


def test_the_pack_is_on_the_printout_and_points_to_the_letters_printed_apart(app):
    resident = with_answers(app, "okuyami", OKUYAMI)
    resident.get("/okuyami/result/print")
    assert 'class="outside outside--print"' in resident.page
    assert "相続時口座照会" in resident.page
    # The checklist stays a few sheets: each letter is named, and prints from its own page.
    assert "お知らせの文「死亡のお知らせ」は" in resident.page
    assert 'class="outside__letter"' not in resident.page


def test_the_pack_is_on_the_slip(app):
    resident = with_answers(app, "okuyami", OKUYAMI)
    resident.make_slip("okuyami")
    assert 'class="outside outside--slip"' in resident.page
    assert "相続時口座照会" in resident.page


def test_the_pack_is_there_for_a_move_abroad(app):
    resident = with_answers(app, "hikkoshi", KOKUGAI)
    resident.get("/hikkoshi/result")
    assert 'id="outside"' in resident.page
    assert "国外へ引越す前に" in resident.page and "納税管理人" in resident.page
    assert "国外への引越しのお知らせ" in resident.page
    assert "出国の日：2026年6月1日（月）" in resident.page
    resident.get("/hikkoshi/result/print")
    assert 'class="outside outside--print"' in resident.page
    resident.make_slip("hikkoshi")
    assert 'class="outside outside--slip"' in resident.page


def test_no_pack_for_a_move_within_the_city(app):
    resident = with_answers(app, "hikkoshi", TENKYO)
    resident.get("/hikkoshi/result")
    assert resident.page and 'id="outside"' not in resident.page
    resident.get("/hikkoshi/result/print")
    assert "outside--print" not in resident.page
    assert resident.get("/hikkoshi/result/notices").status_code == 404


@pytest.mark.parametrize(
    ("lang", "title", "meaning"),
    [("ja", "市役所の外で行う手続き", None), ("easy", "市役所の 外で する 手続き", "この 文の 意味"),
     ("en", "Procedures outside city hall", "What the notice says")],
)
def test_every_language_renders_the_section(app, lang, title, meaning):
    resident = with_answers(app, "okuyami", OKUYAMI, details=DETAILS, lang=lang)
    resident.get("/okuyami/result")
    page = resident.page
    assert title in page
    # The notice itself stays Japanese (the body reads it); other languages show what it says as well.
    assert "亡くなった方のお名前：国立 太郎" in page
    if meaning:
        assert meaning in page
    if lang == "en":
        assert "Name of the deceased: 国立 太郎" in page and "Notice of death" in page


def test_staff_see_the_pack_in_the_case_with_the_case_s_details(tmp_path):
    from datetime import timedelta

    from .test_staff import STAFF_ON, staff_client

    app = make_app(tmp_path, **STAFF_ON)
    answers = Answers.from_json(complete(services(app).content, "okuyami", OKUYAMI))
    case = services(app).cases.save_case("okuyami", answers, DETAILS, "home", keep_for=timedelta(days=30))
    clerk = staff_client(app)
    assert clerk.get(f"/staff/cases/{case.public_id}").status_code == 200
    assert 'class="outside outside--staff"' in clerk.page
    assert "亡くなった方のお名前：国立 太郎" in clerk.page
    assert 'href="#procedure-' not in clerk.page.split('id="outside"')[1]  # the resident's anchors are not here


def test_read_aloud_of_the_result_says_the_pack_but_never_a_notice(kiosk_app):
    from kiosk.web.utterances import for_result

    resident = with_answers(kiosk_app, "okuyami", OKUYAMI, details=DETAILS)
    content = services(kiosk_app).content
    answers = Answers.from_json(complete(content, "okuyami", OKUYAMI))
    with kiosk_app.test_request_context():
        texts = for_result(services(kiosk_app).engine.result("okuyami", answers, TODAY))
    joined = "\n".join(texts)
    assert "市役所の外で行う手続き" in joined and "生命保険協会（生命保険契約照会制度）" in joined
    assert "国立 太郎" not in joined and "＿" not in joined
    assert resident.get("/okuyami/result").status_code == 200


def test_read_aloud_in_english_ends_its_short_pieces_the_english_way(kiosk_app):
    from flask import session

    from kiosk.web.utterances import for_result

    content = services(kiosk_app).content
    answers = Answers.from_json(complete(content, "okuyami", OKUYAMI))
    result = services(kiosk_app).engine.result("okuyami", answers, TODAY)
    with kiosk_app.test_request_context():
        session["lang"] = "en"
        english = "\n".join(for_result(result))
    with kiosk_app.test_request_context():
        japanese = "\n".join(for_result(result))
    assert "Deadline. " in english and "。" not in english  # espeak-ng's English voice would say a Japanese stop
    assert "期限。" in japanese
