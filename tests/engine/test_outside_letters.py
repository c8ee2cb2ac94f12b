"""The ready letter (お知らせ) to a body outside city hall, read as the body would: its title, then what the family
asks of it, the deceased's details with the body's own number line, then the family's contact lines and the date;
a body without a number loses only that line; read in English, every part of it is the English text."""

from __future__ import annotations

import pytest

from kiosk.config import content_dir
from kiosk.i18n import load_catalogue

from .test_outside import DEATH, TODAY, bodies, pack_for

NENKIN_REQUEST = (
    "年金の支給を止める手続きと、まだ受け取っていない年金（未支給年金）や遺族年金の請求に必要な書類を"
    "教えてください。"
)


@pytest.fixture(scope="module")
def english(content):
    return load_catalogue(content_dir(), content).translator("en")


def test_the_letter_says_what_the_family_asks_right_after_saying_why_it_writes(content):
    pack = pack_for(content, "okuyami", DEATH)
    letter = pack.notice(bodies(pack)["nenkin"], {}).split("\n")
    opening = letter.index("次の者が亡くなりましたので、お知らせいたします。")
    assert letter[opening + 1] == NENKIN_REQUEST
    assert letter[0] == "死亡のお知らせ"
    assert letter[-1].startswith(f"{TODAY.year}年{TODAY.month}月{TODAY.day}日（")  # the date, last
    assert letter[-2] == ""


def test_a_body_without_a_number_loses_only_that_line_and_keeps_the_familys_contact(content):
    pack = pack_for(content, "okuyami", DEATH)
    letter = pack.notice(bodies(pack)["homukyoku"], {"applicant_name": "国立 花子", "applicant_phone": "042-000-0000"})
    assert "連絡先（お知らせする者）" in letter and "お名前：国立 花子" in letter
    assert "電話番号：042-000-0000" in letter
    assert "番号：" not in letter.replace("電話番号：", "")
    with_number = pack.notice(bodies(pack)["nenkin"], {})
    assert len(with_number.split("\n")) == len(letter.split("\n")) + 1  # the number line, and nothing else


def test_read_in_english_every_part_of_the_letter_is_english(content, english):
    pack = pack_for(content, "okuyami", DEATH)
    letter = pack.notice(bodies(pack)["nenkin"], {"deceased_name": "Taro Kunitachi"}, english)
    lines = letter.split("\n")
    assert lines[0] == "Notice of death"
    assert "We are writing to let you know of the death of the person below." in lines
    assert "Please tell us how to stop the pension" in letter
    assert any(line.startswith("Basic pension number") for line in lines)
    assert "Name of the deceased: Taro Kunitachi" in lines
    assert any(line.startswith("To: Pension Office") for line in lines)  # the office's English name
    assert not any("\u3040" <= char <= "\u30ff" for char in letter.replace("Taro Kunitachi", ""))  # no kana
