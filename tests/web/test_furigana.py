"""ふりがな: the same readings as read-aloud, over the kanji of resident screens, only when asked for."""

import re

from kiosk.speech.furigana import ruby_html, segments


def test_readings_go_over_the_kanji_only():
    assert segments("亡くなった方が国民健康保険に加入", {}) == [
        ("亡", "な"), ("くなった", None), ("方", "かた"), ("が", None), ("国民", "こくみん"),
        ("健康", "けんこう"), ("保険", "ほけん"), ("に", None), ("加入", "かにゅう"),
    ]


def test_the_override_table_fixes_a_reading_for_eyes_and_ears():
    assert "<ruby>国立市<rp>（</rp><rt>くにたちし</rt>" in ruby_html("国立市役所")


def test_the_toggle_puts_ruby_on_the_question_and_its_options(resident):
    resident.start("okuyami")
    assert "<ruby>" not in resident.page
    question = resident.current_question()
    resident.post("/display", {"toggle": "furigana", "next": f"/okuyami/questions/{question}"})
    resident.get(f"/okuyami/questions/{question}")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", resident.page, re.S).group(1)
    assert "<ruby>" in heading and "<rt>" in heading
    title = re.search(r"<title>(.*?)</title>", resident.page, re.S).group(1)
    assert "ruby" not in title
    resident.post("/language", {"lang": "en", "next": f"/okuyami/questions/{question}"})
    resident.get(f"/okuyami/questions/{question}")
    assert "<ruby>" not in resident.page  # English screens have no ふりがな
