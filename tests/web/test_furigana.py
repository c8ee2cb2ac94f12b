"""ふりがな on resident screens: spelling readings over the kanji; on by default in やさしい日本語, off in 日本語."""

import re

from kiosk.speech.furigana import ruby_html, segments


def test_readings_go_over_the_kanji_only():
    assert segments("亡くなった方が国民健康保険に加入", {}) == [
        ("亡", "な"), ("くなった", None), ("方", "かた"), ("が", None), ("国民", "こくみん"),
        ("健康", "けんこう"), ("保険", "ほけん"), ("に", None), ("加入", "かにゅう"),
    ]


def test_the_override_table_fixes_a_reading_for_eyes_and_ears():
    assert "<ruby>国立市<rp>（</rp><rt>くにたちし</rt>" in ruby_html("国立市役所")
    assert "<rt>ほうてい</rt>" in ruby_html("法定代理人") and "ほーてー" not in ruby_html("法定代理人")


def _heading(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)


def test_the_toggle_puts_ruby_on_the_question_and_its_options(resident):
    resident.start("okuyami")
    assert "<ruby>" not in resident.page  # 日本語: off until asked for
    assert 'aria-pressed="false"' in resident.page
    question = resident.current_question()
    resident.post("/display", {"toggle": "furigana", "next": f"/okuyami/questions/{question}"})
    resident.get(f"/okuyami/questions/{question}")
    heading = _heading(resident.page)
    assert "<ruby>" in heading and "<rt>" in heading
    title = re.search(r"<title>(.*?)</title>", resident.page, re.S).group(1)
    assert "ruby" not in title
    resident.post("/language", {"lang": "en", "next": f"/okuyami/questions/{question}"})
    resident.get(f"/okuyami/questions/{question}")
    assert "<ruby>" not in resident.page  # English screens have no ふりがな


def test_yasashii_nihongo_shows_furigana_until_turned_off_for_the_visit(resident):
    resident.start("okuyami")
    question = resident.current_question()
    page = f"/okuyami/questions/{question}"
    resident.post("/language", {"lang": "easy", "next": page})
    resident.get(page)
    assert "<ruby>" in _heading(resident.page) and "<rt>" in _heading(resident.page)
    assert 'aria-pressed="true"' in resident.page
    resident.post("/display", {"toggle": "furigana", "next": page})
    for _ in range(2):  # the choice sticks from page to page
        resident.get(page)
        assert "<ruby>" not in resident.page
        assert 'aria-pressed="false"' in resident.page
        resident.get("/")
    resident.post("/language", {"lang": "ja", "next": page})
    resident.post("/language", {"lang": "easy", "next": page})
    resident.get(page)
    assert "<ruby>" not in resident.page  # back in やさしい日本語: still off, as the resident chose
    resident.post("/display", {"toggle": "furigana", "next": page})
    resident.get(page)
    assert "<ruby>" in _heading(resident.page)
