"""ふりがな: spelling readings (ほうてい) over every kanji word, apart from speech's pronunciation (ホーテー)."""

import re

import pytest

from kiosk.config import content_dir
from kiosk.engine import load_content
from kiosk.engine.texts import text_catalogue
from kiosk.i18n import load_catalogue
from kiosk.speech.furigana import (
    bracketed,
    ruby_pieces,
    segments,
    spelling_problems,
    spelling_words,
    to_hiragana,
)
from kiosk.speech.readings import Readings, default_readings, reading_for

HIRAGANA = re.compile(r"[ぁ-ゖー]+")
GLOSS = re.compile(r"[（(]([ぁ-ゖー 　]+)[）)。]")
"""A reading in brackets after a word, as やさしい日本語 writes them: 世帯（せたい）, 在外選挙人名簿（ざいがい…。…）."""


def ruby_reading(text: str) -> str:
    """What the ruby reads: each reading, and the kana written between them."""
    return "".join(reading or to_hiragana(surface) for surface, reading in segments(text))


@pytest.mark.parametrize(
    ("text", "spelling", "speech"),
    [
        ("法定代理人", "ほうていだいりにん", "ホーテーダイリニン"),
        ("相続人", "そうぞくにん", "ソーゾクニン"),
        ("納期限", "のうきげん", "ノーキゲン"),
        ("復氏届", "ふくうじとどけ", "フクウジトドケ"),
        ("続柄", "つづきがら", "ツズキガラ"),
        ("東京都", "とうきょうと", "トーキョート"),
        ("車検証", "しゃけんしょう", "シャケンショー"),
    ],
)
def test_furigana_spell_and_speech_pronounces(text, spelling, speech):
    assert ruby_reading(text) == spelling
    assert reading_for(text) == speech  # read-aloud keeps the pronunciation


def test_ruby_sits_over_the_kanji_and_leaves_okurigana_bare():
    assert ruby_pieces("取り扱い", "とりあつかい") == [("取", "と"), ("り", None), ("扱", "あつか"), ("い", None)]
    assert segments("通っている") == [("通", "かよ"), ("っている", None)]  # from the override table
    assert segments("マル乳") == [("マル", None), ("乳", "にゅう")]
    assert ruby_pieces("通っている", "かよってる") == [("通っている", "かよってる")]  # cannot be aligned: whole word


def test_word_spaces_do_not_change_the_reading():
    # やさしい日本語 separates words; 日 after a space is still ひ (the analysis runs without the spaces)
    assert ("日", "ひ") in segments("亡くなった 日から 数えます")
    assert ("分", "ぶん") in segments("赤ちゃんの 人数の 分です")  # an override found across a space


def test_an_override_written_with_a_space_is_found_and_never_breaks_the_page():
    # an entry with a space between Japanese words: found with or without it, never a KeyError (a 500 with ruby on)
    table = {"マイナ 保険証": "まいなほけんしょう"}
    for text in ("マイナ 保険証を", "マイナ保険証を"):
        assert spelling_words(text, table)[0][1] == "まいなほけんしょう", text
        assert ("保険証", "ほけんしょう") in segments(text, table)


def test_digits_stay_as_written_and_numeral_kanji_get_ruby():
    assert segments("600万円") == [("600", None), ("万", "まん"), ("円", "えん")]
    assert bracketed("14日以内") == "14日以内（いない）"


def test_the_override_table_gives_both_readings():
    table = default_readings()
    assert table.spellings["法定"] == "ほうてい" and table.overrides["法定"] == "ホーテー"
    assert set(table.spellings) == set(table.overrides)


def test_an_override_whose_furigana_does_not_fit_its_kana_is_a_problem():
    problems = spelling_problems(Readings({"通っている": "カヨッテイル"}, None, {"通っている": "かよってる"}))
    assert problems and "通っている" in problems[0]
    assert spelling_problems(Readings({"通っている": "カヨッテイル"}, None, {"通っている": "かよっている"})) == []


# ---------------------------------------------------------------- every content text, 日本語 and やさしい日本語


@pytest.fixture(scope="module")
def content_texts():
    content = load_content(content_dir())
    catalogue = load_catalogue(content_dir(), content)
    texts = {f"ja:{key}": text for key, text in text_catalogue(content).items()}
    texts |= {f"easy:{key}": text for key, text in catalogue.content.get("easy", {}).items() if text}
    assert len(texts) > 2000
    return texts


def test_every_ruby_in_the_content_is_a_spelling_reading(content_texts):
    spellings = default_readings().spellings
    wrong = []
    for key, text in content_texts.items():
        words = spelling_words(text)
        assert "".join(surface for surface, _ in words) == text, key
        for surface, spelling in words:
            if spelling is None:
                continue
            pieces = ruby_pieces(surface, spelling)
            for base, reading in pieces:
                if reading is None:
                    continue
                if not HIRAGANA.fullmatch(reading):
                    wrong.append(f"{key}: {base}（{reading}）is not hiragana")
                elif "ー" in reading and "ー" not in base:
                    wrong.append(f"{key}: {base}（{reading}）spells a long vowel with ー")
            shown = "".join(reading or to_hiragana(base) for base, reading in pieces)
            if re.sub(r"\s", "", shown) != spelling:
                wrong.append(f"{key}: the ruby over {surface} reads {shown}, the analysis {spelling}")
            written = re.sub(r"\s", "", surface)
            if written in spellings and spelling != spellings[written]:
                wrong.append(f"{key}: {surface} reads {spelling}, the override table {spellings[written]}")
    assert not wrong, "\n".join(wrong[:20])


def test_the_ruby_agrees_with_a_reading_written_in_brackets(content_texts):
    """世帯（せたい）: the ruby over 世帯 must read せたい too. A bracket that explains a word instead of reading it
    (期限（しめきり）, 証券保管振替機構（ほふり）) shares neither its first kana with the word nor its last."""
    checked, wrong = 0, []
    for key, text in content_texts.items():
        for match in GLOSS.finditer(text):
            before = text[: match.start()]
            if not before or not re.match(r"[\u3005\u4e00-\u9fff]", before[-1]):
                continue  # a bracket after kana or a letter is no reading of a kanji word
            gloss = re.sub(r"\s", "", match.group(1))
            pieces = segments(before)
            shown = re.sub(r"\s", "", "".join(reading or to_hiragana(surface) for surface, reading in pieces))
            last_word = next((reading for _, reading in reversed(pieces) if reading), "")
            if gloss[-1] != shown[-1] and gloss[0] != last_word[:1]:
                continue  # an explanation
            checked += 1
            if not shown.endswith(gloss):
                wrong.append(f"{key}: ruby …{shown[-len(gloss) - 2:]} but the text says （{match.group(1)}）")
    assert checked > 100
    assert not wrong, "\n".join(wrong)


def test_kiosk_speech_furigana_shows_the_readings_for_an_editor():
    from click.testing import CliRunner

    from kiosk.cli import main

    result = CliRunner().invoke(main, ["speech", "furigana", "法定代理人の復氏届"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "法定（ほうてい）代理人（だいりにん）の復氏（ふくうじ）届（とどけ）"
