"""Readings: the gold list, particles, numbers, overrides and the content check."""

import re
import subprocess
import sys

import pytest
import yaml

from kiosk.config import content_dir
from kiosk.engine.texts import text_catalogue
from kiosk.speech.readings import (
    READINGS_FILE,
    Override,
    Readings,
    ReadingsError,
    default_readings,
    is_usable,
    parse_overrides,
    problems_in,
    reading_for,
    reading_problems,
)

from .conftest import GOLD

REQUIRED_ACCURACY = 0.98


def _plain(kana: str) -> str:
    """Compare readings without spaces and punctuation."""
    return re.sub(r"[\s、。，．,.？！?!・「」（）()]", "", kana)


@pytest.fixture(scope="module")
def gold():
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))


def test_gold_list_readings_are_at_least_98_percent_right(gold):
    wrong = []
    for entry in gold:
        expected = entry["reading"] if isinstance(entry["reading"], list) else [entry["reading"]]
        got = reading_for(entry["text"])
        if _plain(got) not in {_plain(e) for e in expected}:
            wrong.append(f"{entry['text']}\n    got:  {got}\n    want: {' / '.join(expected)}")
    accuracy = 1 - len(wrong) / len(gold)
    print(f"gold readings: {len(gold) - len(wrong)}/{len(gold)} = {accuracy:.1%}")
    assert accuracy >= REQUIRED_ACCURACY, f"{accuracy:.1%} < 98%:\n" + "\n".join(wrong)


def test_gold_list_is_large_and_taken_from_the_real_content(gold, content):
    texts = list(text_catalogue(content).values())
    from_content = [e for e in gold if e["from"] == "content"]
    assert len(gold) >= 60
    assert len(from_content) >= 40
    missing = [e["text"] for e in from_content if not any(e["text"] in t for t in texts)]
    assert not missing, f"not in questionnaires/: {missing}"
    for entry in gold:
        for reading in entry["reading"] if isinstance(entry["reading"], list) else [entry["reading"]]:
            assert re.fullmatch(r"[ァ-ヴー、。？！]+", reading), reading


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("住民票の写しは1通300円です", "ジューミンヒョーノウツシワイッツーサンビャクエンデス"),
        ("市役所へ行きます", "シヤクショエイキマス"),
        ("印鑑を持ってきてください", "インカンオモッテキテクダサイ"),
        ("14日以内", "ジューヨッカイナイ"),
        ("令和7年4月1日", "レーワナナネンシガツツイタチ"),
        ("3か月", "サンカゲツ"),
        ("3ヶ月", "サンカゲツ"),
        ("１通３００円", "イッツーサンビャクエン"),  # full-width digits (espeak would say "Chinese letter")
        ("何人ですか", "ナンニンデスカ"),  # needs onnxruntime (ナニニン without it)
        ("8:30〜17:15", "ハチジサンジュップンカラジューシチジジューゴフン"),
        ("9:00から", "クジカラ"),
        ("2025/4/1", "ニセンニジューゴネンシガツツイタチ"),
        ("窓口は2F", "マドグチワニカイ"),
        ("042-576-2111", "ゼロヨンニーノゴーナナロクノニーイチイチイチ"),
        ("1〜2週間", "イチカラニシューカン"),
        ("5万円×人数", "ゴマンエンカケルニンズー"),
        ("受付番号K7Q2", "ウケツケバンゴーケーナナキューツー"),  # a letter left by the dictionary is spelled
        ("e転居", "イーテンキョ"),
    ],
)
def test_particles_numbers_dates_and_counters(text, reading):
    assert _plain(reading_for(text)) == reading


def test_kata_for_a_person_and_ho_for_a_side():
    assert reading_for("引越す方は") == "ヒッコスカタワ"
    assert reading_for("お持ちの方") == "オモチノカタ"
    assert reading_for("収入の多い方が受けます") == "シューニューノオーイホーガウケマス"
    assert reading_for("世帯の分け方") == "セタイノワケカタ"


def test_yasashii_nihongo_spaces_and_glosses():
    # word spaces do not change the analysis (日から stays ヒカラ, 間に stays アイダニ)
    assert reading_for("住み始めた 日から 14日の 間に") == "スミハジメタヒカラジューヨッカノアイダニ"
    # a reading in brackets after the word is not spoken twice; an explanation is kept
    assert reading_for("同じ 世帯（せたい。いっしょに 住む 家族）の 人") == "オナジセタイ、イッショニスムカゾク、ノヒト"
    assert reading_for("転出証明書（てんしゅつしょうめいしょ）を もらう") == "テンシュツショーメーショオモラウ"
    assert reading_for("兄弟姉妹（きょうだい）") == "キョーダイシマイ、キョーダイ"


def test_output_has_only_katakana_and_pauses():
    reading = reading_for("「はい」です・それと（注）— 国立市役所、8:30〜。ー")
    assert is_usable(reading), reading
    assert reading == "ハイデス、ソレト、チュー、クニタチシヤクショ、ハチジサンジュップン。"


def test_every_text_spoken_with_the_japanese_voice_has_a_usable_reading(content):
    from kiosk.i18n import load_catalogue

    assert reading_problems(content) == []
    # with the translations: interface strings and やさしい日本語 as well
    assert reading_problems(content, catalogue=load_catalogue(content_dir(), content)) == []


def test_problems_name_texts_espeak_would_misread():
    problems = problems_in([("a", "★のマーク"), ("b", "・（）"), ("c", "はい"), ("d", "e転居")], Readings({}))
    assert len(problems) == 1  # b has nothing to say; a Latin letter is spelled out (イーテンキョ)
    assert problems[0].startswith("a: ") and "読めない文字「★」" in problems[0]


def test_override_is_applied_before_the_dictionary():
    assert Readings({}).reading("国立市役所") != "クニタチシヤクショ"  # why 国立市 is in the table
    assert Readings({"国立市": "クニタチシ"}).reading("国立市役所") == "クニタチシヤクショ"
    # the longest surface wins, and an override keeps the particle after it right
    table = Readings({"相続人": "ソーゾクニン", "法定相続人": "ホーテーソーゾクニン"})
    assert table.reading("法定相続人は") == "ホーテーソーゾクニンワ"


def test_the_content_override_table_loads_and_matters():
    table = default_readings()
    assert table.source == content_dir() / READINGS_FILE
    assert table.overrides["国立市"] == "クニタチシ"
    assert table.reading("相続人") == "ソーゾクニン"


def both(spelling, speech):
    return {"ふりがな": spelling, "読み上げ": speech}


def test_an_override_gives_the_spelling_and_the_pronunciation():
    assert parse_overrides({"法定": both("ほうてい", "ホーテー")}) == {"法定": Override("ほうてい", "ホーテー")}
    half_width = parse_overrides({"ﾏﾙ乳": both("まるにゅう", "ﾏﾙﾆｭｰ")})  # NFKC
    assert half_width == {"マル乳": Override("まるにゅう", "マルニュー")}
    assert parse_overrides(None) == {}
    table = Readings.from_table({"法定": Override("ほうてい", "ホーテー")})
    assert table.overrides == {"法定": "ホーテー"} and table.spellings == {"法定": "ほうてい"}


def test_an_override_written_with_a_space_is_spoken_too():
    # やさしい日本語 separates words with spaces; an entry copied from such a text must still be used by speech
    table = Readings.from_table(parse_overrides({"国立 市役所": both("くにたちしやくしょ", "クニタチシヤクショ")}))
    assert table.reading("国立 市役所へ") == table.reading("国立市役所へ") == "クニタチシヤクショエ"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("せたいぬし", "読みを2つ"),  # a single reading, as the table used to be written
        ({"読み上げ": "セタイヌシ"}, "ふりがな（ひらがなの読み）がありません"),
        ({"ふりがな": "せたいぬし"}, "読み上げ（カタカナの読み）がありません"),
        (both("ほーてー", "ホーテー"), "「ー」があります"),
        (both("ホウテイ", "ホーテー"), "ひらがなで書きます"),
        (both("ほうてい", "ほーてー"), "カタカナ"),
        ({**both("ほうてい", "ホーテー"), "よみ": "ほうてい"}, "「よみ」は使えません"),
    ],
)
def test_bad_override_entries_are_rejected(entry, message):
    with pytest.raises(ReadingsError, match=message):
        parse_overrides({"法定": entry})


def test_bad_override_tables_are_rejected():
    with pytest.raises(ReadingsError, match="空の見出し"):
        parse_overrides({"": both("から", "カラ")})
    with pytest.raises(ReadingsError):
        parse_overrides(["世帯主"])


def test_kiosk_check_fails_on_an_override_without_its_furigana(tmp_path):
    import shutil

    from click.testing import CliRunner

    from kiosk.cli import main

    from ..engine.conftest import TOY

    folder = tmp_path / "questionnaires"
    shutil.copytree(TOY, folder)
    (folder / "speech").mkdir(exist_ok=True)
    table = folder / "speech" / "readings.yaml"
    table.write_text("法定: {ふりがな: ほうてい, 読み上げ: ホーテー}\n", encoding="utf-8")
    fine = CliRunner().invoke(main, ["check", "--content", str(folder)])
    assert "readings.yaml" not in fine.stderr  # (the toy content has no translations: other errors only)
    table.write_text("法定: {読み上げ: ホーテー}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(folder)])
    assert result.exit_code == 1
    assert "「法定」にふりがな（ひらがなの読み）がありません" in result.stderr
    table.write_text("法定: {ふりがな: ほーてー, 読み上げ: ホーテー}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(folder)])
    assert result.exit_code == 1 and "「ー」があります" in result.stderr


def test_digest_changes_with_the_table():
    assert Readings({"a": "ア"}).digest != Readings({"a": "イ"}).digest
    assert Readings({}).digest == Readings({}).digest


def test_missing_table_means_no_overrides(tmp_path):
    assert Readings.load(tmp_path / "none.yaml").overrides == {}
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [", encoding="utf-8")
    with pytest.raises(ReadingsError):
        Readings.load(broken)


def test_readings_work_without_network():
    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from kiosk.speech.readings import reading_for\n"
        "print(reading_for('何人ですか'))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ナンニンデスカ"


def test_a_broken_table_makes_japanese_speech_unavailable_not_a_crash(tmp_path, monkeypatch):
    from kiosk.speech import SpeechService, SpeechUnavailable
    from kiosk.speech.readings import reset_default_readings

    (tmp_path / "speech").mkdir()
    (tmp_path / "speech" / "readings.yaml").write_text("世帯主: {ふりがな: せたいぬし}\n", encoding="utf-8")
    monkeypatch.setenv("KIOSK_CONTENT_DIR", str(tmp_path))
    reset_default_readings()
    try:
        with pytest.raises(SpeechUnavailable, match="読み上げ"):
            SpeechService(tmp_path / "cache").clip_for_text("世帯主")
    finally:
        monkeypatch.undo()
        reset_default_readings()


def test_a_second_check_reuses_the_readings_and_a_changed_table_does_not(content, tmp_path, monkeypatch):
    import kiosk.speech.readings as readings_module

    monkeypatch.setenv("KIOSK_SPEECH_CACHE", str(tmp_path))
    first = Readings({"国立市": "クニタチシ"})
    assert reading_problems(content, readings=first) == []
    saved = list(tmp_path.glob("readings-*.json"))
    assert len(saved) == 1

    def no_engine(text):
        raise AssertionError(f"pyopenjtalk was asked again: {text}")

    monkeypatch.setattr(readings_module, "frontend_nodes", no_engine)
    again = Readings({"国立市": "クニタチシ"})
    assert reading_problems(content, readings=again) == []  # every reading came from the file
    changed = Readings({"国立市": "クニタチ"})  # another override table: another file, worked out afresh
    with pytest.raises(AssertionError, match="pyopenjtalk was asked again"):
        reading_problems(content, readings=changed)
