"""Translations read easily: short sentences, no added duties, amounts and fees as a resident will see them.

やさしい日本語 follows 出入国在留管理庁・文化庁「在留支援のためのやさしい日本語ガイドライン」 (2020): one idea per
sentence, short sentences, hard official words kept and explained in the next sentence. English is held to plain
English sentence lengths. Every language in municipality.yaml `languages` (except the Japanese source) is measured
with the limits in STYLE_LIMITS; a new language needs a row there.

How a text is measured (shared by every rule below):
- sentences: the text is split at 。！？ (and . ! ? followed by a space) and at line breaks; empty pieces are dropped;
- length: characters without spaces (Japanese scripts) or words (languages written with spaces);
  a bracketed reading gloss right after a kanji (死産届（しざんとどけ）) is not counted; an explanation in
  brackets (住民票（住所の 記録）) is; a {placeholder} counts as PLACEHOLDER_CHARS characters or one word;
- kanji: CJK ideographs and 々 in a sentence (やさしい日本語 only, reported as an average per sentence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from kiosk.config import content_dir
from kiosk.engine import Content
from kiosk.engine.localize import PHRASES
from kiosk.engine.texts import text_catalogue
from kiosk.engine.yamlsource import load_yaml

SOURCE_LANGUAGE = "ja"


@dataclass(frozen=True)
class StyleLimits:
    """How long sentences in one language may be."""

    unit: str  # "char" (counted without spaces) or "word"
    max_sentence: int  # no sentence longer than this, except ALLOWED_LONG_SENTENCES
    long_sentence: int  # a sentence longer than this counts as long
    max_long_share: float  # at most this share of sentences may be long
    max_average: float | None  # an absolute limit on the average sentence length, or None
    average_at_most_source: bool  # the average may not exceed the Japanese source's average (same unit only)
    max_kanji_average: float | None  # kanji per sentence, on average (Japanese scripts)


STYLE_LIMITS: dict[str, StyleLimits] = {
    # やさしい日本語: ガイドライン「一文を短く」. Source (ja) average is about 23 characters a sentence.
    "easy": StyleLimits(
        unit="char",
        max_sentence=40,
        long_sentence=30,
        max_long_share=0.15,
        max_average=None,
        average_at_most_source=True,
        max_kanji_average=10.0,
    ),
    # English: plain-English sentence lengths (average 15-20 words, none over 40).
    "en": StyleLimits(
        unit="word",
        max_sentence=40,
        long_sentence=25,
        max_long_share=0.15,
        max_average=20.0,
        average_at_most_source=False,
        max_kanji_average=None,
    ),
    # Korean: words are eojeol (spaced units, denser than English words); measured 2026-12: average 3.7-6.9 a
    # sentence per file, longest 21, at most 2.2% over 15. 25 eojeol is about a 40-word English sentence.
    "ko": StyleLimits(
        unit="word",
        max_sentence=25,
        long_sentence=15,
        max_long_share=0.05,
        max_average=9.0,
        average_at_most_source=False,
        max_kanji_average=None,
    ),
    # Simplified Chinese: characters without spaces, as for Japanese (a parenthesised Japanese term counts too);
    # measured 2026-12: average 10.2-21.4 a sentence per file, longest 60, at most 7.6% over 40. The CJK limit of
    # 60 characters is the guide's CJK maximum. No limit by the source's average: each Japanese term the resident
    # meets on paper is written twice, in Chinese and then (in Japanese).
    "zh-Hans": StyleLimits(
        unit="char",
        max_sentence=60,
        long_sentence=40,
        max_long_share=0.10,
        max_average=25.0,
        average_at_most_source=False,
        max_kanji_average=None,
    ),
    # Filipino: words, as for English; measured 2026-12: average 5.9-13.9 words a sentence per file, longest 40,
    # at most 10.5% over 25. Filipino runs a little longer than English (linkers "ng", "na"), so the English limits
    # are kept as they are: none over 40, at most 15% over 25, average at most 20.
    "fil": StyleLimits(
        unit="word",
        max_sentence=40,
        long_sentence=25,
        max_long_share=0.15,
        max_average=20.0,
        average_at_most_source=False,
        max_kanji_average=None,
    ),
    # Vietnamese: every syllable is written as a word, about 1.3 per English word; none over 40, few over 30.
    "vi": StyleLimits(
        unit="word",
        max_sentence=40,
        long_sentence=30,
        max_long_share=0.10,
        max_average=18.0,
        average_at_most_source=False,
        max_kanji_average=None,
    ),
    # Nepali: postpositions are joined to the noun, so sentences count few words (average about 7.5); none over 40.
    "ne": StyleLimits(
        unit="word",
        max_sentence=40,
        long_sentence=20,
        max_long_share=0.05,
        max_average=12.0,
        average_at_most_source=False,
        max_kanji_average=None,
    ),
    # Indonesian: plain-language government style, "Anda"; measured average 5-12 words per file, none over 40,
    # under 5% of sentences over 25 words.
    "id": StyleLimits(
        unit="word",
        max_sentence=40,
        long_sentence=25,
        max_long_share=0.10,
        max_average=16.0,
        average_at_most_source=False,
        max_kanji_average=None,
    ),
    # Brazilian Portuguese: plain municipal style, "você"; measured average 6-14 words per file, none over 40,
    # under 8% of sentences over 25 words (laws listed one per sentence).
    "pt-BR": StyleLimits(
        unit="word",
        max_sentence=40,
        long_sentence=25,
        max_long_share=0.10,
        max_average=16.0,
        average_at_most_source=False,
        max_kanji_average=None,
    ),
}

ALLOWED_LONG_SENTENCES: dict[str, dict[str, str]] = {
    # {language: {key: the proper name that makes one sentence longer than max_sentence}}
    "easy": {
        "outside.okuyami.body.kinyu.task.sozokuji_koza_shokai.basis": (
            "the official name of the law (預貯金者の意思に基づく個人番号の利用による預貯金口座の管理等に関する法律), "
            "which is the whole text"
        ),
    },
    "en": {},
}

PLACEHOLDER_CHARS = 4
"""A {placeholder} is filled with a short value (a date, a counter name, a number): counted as 4 characters."""

CLOSERS = "）)」』】 　"
SENTENCE_END = re.compile(r"(?<=[。！？।][）)」』])|(?<=[。！？।])(?![）)」』])|(?<=[.!?])(?=\s)|\n")  # । : danda
KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々"
KANJI_CHAR = re.compile(f"[{KANJI}]")
READING_GLOSS = re.compile(f"(?<=[{KANJI}])[（(][\u3041-\u3096\u30a1-\u30faー・ 　]+[）)]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
OBLIGATION_ADDED = re.compile(r"なければ\s*(?:なりません|いけません)")
OBLIGATION_IN_SOURCE = re.compile(r"なければ|なくては|ないと\s*いけ|必要|義務|ねばな|こと\s*と\s*なって|要します")
DOUBLE_NEGATIVE = re.compile(r"なく[^。！？\n]*?ないと")
DIGITS_ONLY_AMOUNT = re.compile(r"(?<![\d,万億])(\d{1,3}(?:,\d{3})+|\d{5,})\s*円")
CERTIFICATE = re.compile(r"謄本|抄本|(?<!電子)証明書|住民票")  # paper certificates, not a card's 電子証明書
FEE = re.compile(r"\d[\d,]*\s*円")
FEE_PER_PAGE = re.compile(r"\d+\s*枚\s*(?:[\d,]+\s*円|の\s*手数料|に\s*つき)|枚\s*(?:ごと|あたり)")
FEE_PER_COPY = re.compile(r"\d+\s*通|通\s*(?:ごと|あたり)")


# ---------------------------------------------------------------- measuring


def sentences(text: str) -> list[str]:
    """The sentences of a text: split at 。！？ (and . ! ? before a space) and at line breaks.

    A closing bracket or quote after the full stop (…です。）) stays with the sentence it closes."""
    found: list[str] = []
    for piece in SENTENCE_END.split(text):
        piece = piece.strip()
        if found and piece and not piece.strip(CLOSERS):
            found[-1] += piece
        elif piece.strip(" 　\t・-"):
            found.append(piece)
    return found


def sentence_length(sentence: str, unit: str) -> int:
    """Characters without spaces and reading glosses ("char"), or words ("word")."""
    if unit == "word":
        return len(PLACEHOLDER.sub("X", sentence).split())
    without_gloss = READING_GLOSS.sub("", PLACEHOLDER.sub("〇" * PLACEHOLDER_CHARS, sentence))
    return len(re.sub(r"\s", "", without_gloss))


def kanji_count(sentence: str) -> int:
    """Kanji in a sentence (placeholders not counted)."""
    return len(KANJI_CHAR.findall(PLACEHOLDER.sub("", sentence)))


@dataclass(frozen=True)
class Figures:
    """Sentence figures for a set of texts."""

    count: int
    average: float
    long_share: float
    over_max: int
    kanji_average: float

    def describe(self, limits: StyleLimits) -> str:
        """One line: count, average, share over the long limit, count over the maximum, kanji per sentence."""
        unit = "chars" if limits.unit == "char" else "words"
        kanji = f", kanji/sentence {self.kanji_average:.1f}" if limits.max_kanji_average is not None else ""
        return (
            f"{self.count} sentences, average {self.average:.1f} {unit}, "
            f"{self.long_share:.1%} over {limits.long_sentence}, {self.over_max} over {limits.max_sentence}{kanji}"
        )


def measure(texts: Iterable[str], limits: StyleLimits) -> Figures:
    """Count, average length, share of long sentences, count over the maximum and kanji per sentence."""
    lengths: list[int] = []
    kanji: list[int] = []
    for text in texts:
        for sentence in sentences(text):
            lengths.append(sentence_length(sentence, limits.unit))
            kanji.append(kanji_count(sentence))
    if not lengths:
        return Figures(0, 0.0, 0.0, 0, 0.0)
    return Figures(
        count=len(lengths),
        average=sum(lengths) / len(lengths),
        long_share=sum(length > limits.long_sentence for length in lengths) / len(lengths),
        over_max=sum(length > limits.max_sentence for length in lengths),
        kanji_average=sum(kanji) / len(kanji),
    )


def too_long(texts: Mapping[str, str], limits: StyleLimits, allowed: Mapping[str, str]) -> list[str]:
    """'key (length): sentence' for each sentence over the maximum in a text not in the allow-list."""
    found = []
    for key, text in texts.items():
        if key in allowed:
            continue
        for sentence in sentences(text):
            length = sentence_length(sentence, limits.unit)
            if length > limits.max_sentence:
                found.append(f"{key} ({length}): {sentence}")
    return found


def style_problems(
    texts: Mapping[str, str], sources: Mapping[str, str], limits: StyleLimits, allowed: Mapping[str, str]
) -> list[str]:
    """Every sentence-length limit the texts break, each with the measured figures."""
    problems = [f"sentence over {limits.max_sentence}: {line}" for line in too_long(texts, limits, allowed)]
    figures = measure(texts.values(), limits)
    if figures.long_share > limits.max_long_share:
        problems.append(
            f"{figures.long_share:.1%} of sentences over {limits.long_sentence} (limit {limits.max_long_share:.0%})"
        )
    if limits.max_average is not None and figures.average > limits.max_average:
        problems.append(f"average {figures.average:.1f} over {limits.max_average}")
    if limits.average_at_most_source:
        source = measure((sources[key] for key in texts if key in sources), limits)
        if figures.average > source.average:
            problems.append(f"average {figures.average:.1f} over the Japanese source's {source.average:.1f}")
    if limits.max_kanji_average is not None and figures.kanji_average > limits.max_kanji_average:
        problems.append(f"{figures.kanji_average:.1f} kanji per sentence (limit {limits.max_kanji_average})")
    return problems


def added_obligations(texts: Mapping[str, str], sources: Mapping[str, str]) -> list[str]:
    """Keys whose text says 〜なければなりません while the Japanese source states no duty."""
    return [
        key
        for key, text in texts.items()
        if OBLIGATION_ADDED.search(text) and not OBLIGATION_IN_SOURCE.search(sources.get(key, ""))
    ]


def double_negatives(texts: Mapping[str, str]) -> list[str]:
    """'key: words' for each 〜なく … 〜ないと (正しい 理由が なく しないと) in a sentence."""
    return [
        f"{key}: {match.group(0)}"
        for key, text in texts.items()
        for sentence in sentences(text)
        if (match := DOUBLE_NEGATIVE.search(sentence))
    ]


def digits_only_amounts(texts: Mapping[str, str]) -> list[str]:
    """'key: amount' for each amount of 1万円 or more written in digits only (30,000,000円 rather than 3000万円)."""
    found = []
    for key, text in texts.items():
        for match in DIGITS_ONLY_AMOUNT.finditer(text):
            if int(match.group(1).replace(",", "")) >= 10_000:
                found.append(f"{key}: {match.group(0)}")
    return found


def fees_per_page(texts: Mapping[str, str]) -> list[str]:
    """Keys naming a certificate (謄本・抄本・証明書・住民票) with a fee that is not given per 通 (per certificate).

    A `.basis` text cites the law (戸籍謄本450円 in the 政令's table) and only has to avoid 枚."""
    return [
        key
        for key, text in texts.items()
        if CERTIFICATE.search(text)
        and FEE.search(text)
        and (FEE_PER_PAGE.search(text) or not (FEE_PER_COPY.search(text) or key.endswith(".basis")))
    ]


# ---------------------------------------------------------------- the shipped texts


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif value is not None:
            flat[f"{prefix}{key}"] = str(value)
    return flat


def translation_files(language: str) -> dict[str, dict[str, str]]:
    """{file name: {key: text}} for one language folder (the `language:` metadata left out)."""
    folder = content_dir() / "translations" / language
    files = {}
    for path in sorted(folder.glob("*.yaml")):
        data, _ = load_yaml(path)
        flat = _flatten(data if isinstance(data, Mapping) else {})
        files[path.name] = {key: text for key, text in flat.items() if not key.startswith(("language.", "staff."))}
    return files


def offered_languages() -> list[str]:
    """The languages in municipality.yaml, without the Japanese source."""
    data, _ = load_yaml(content_dir() / "municipality.yaml")
    return [code for code in data.get("languages", []) if code != SOURCE_LANGUAGE]


def source_texts(content: Content) -> dict[str, str]:
    """The Japanese source of every key: content texts, interface strings and engine phrases."""
    ui_data, _ = load_yaml(content_dir() / "translations" / SOURCE_LANGUAGE / "ui.yaml")
    return {**PHRASES, **_flatten(ui_data), **text_catalogue(content)}


@pytest.fixture(scope="module")
def sources(content: Content) -> dict[str, str]:
    return source_texts(content)


def _measured(language: str) -> dict[str, dict[str, str]]:
    return {name: texts for name, texts in translation_files(language).items() if texts}


LANGUAGE_FILES = [(language, name) for language in offered_languages() for name in _measured(language)]


def _limits(language: str) -> StyleLimits:
    if language not in STYLE_LIMITS:
        pytest.fail(f"{language} has no row in STYLE_LIMITS: add its sentence limits at the top of this file")
    return STYLE_LIMITS[language]


@pytest.mark.parametrize(("language", "file_name"), LANGUAGE_FILES)
def test_sentences_are_short(language: str, file_name: str, sources: dict[str, str]) -> None:
    limits = _limits(language)
    texts = translation_files(language)[file_name]
    keyed = {key: text for key, text in texts.items() if key in sources}
    problems = style_problems(keyed, sources, limits, ALLOWED_LONG_SENTENCES.get(language, {}))
    summary = f"{language}/{file_name}: {measure(keyed.values(), limits).describe(limits)}"
    if limits.unit == "char":
        summary += f"; Japanese source average {measure((sources[key] for key in keyed), limits).average:.1f}"
    assert problems == [], summary + "\n" + "\n".join(problems[:40]) + (" …" if len(problems) > 40 else "")


@pytest.mark.parametrize("language", offered_languages())
def test_allow_listed_texts_exist_and_are_still_long(language: str) -> None:
    limits = _limits(language)
    texts = {key: text for file in translation_files(language).values() for key, text in file.items()}
    allowed = ALLOWED_LONG_SENTENCES.get(language, {})
    stale = [key for key in allowed if key not in texts or not too_long({key: texts[key]}, limits, {})]
    assert stale == [], f"allow-listed but gone or no longer too long (remove them): {stale}"
    assert all(reason.strip() for reason in allowed.values()), "every allow-listed key names its reason"


def _easy_texts() -> dict[str, str]:
    return {key: text for file in translation_files("easy").values() for key, text in file.items()}


def test_easy_japanese_adds_no_duty_the_source_does_not_state(sources: dict[str, str]) -> None:
    found = added_obligations(_easy_texts(), sources)
    assert found == [], f"〜なければなりません without a duty in the Japanese source (use 〜して ください): {found}"


def test_easy_japanese_has_no_double_negatives() -> None:
    found = double_negatives(_easy_texts())
    assert found == [], f"double negatives (say it positively): {found}"


def test_easy_japanese_writes_large_amounts_with_man() -> None:
    found = digits_only_amounts(_easy_texts())
    assert found == [], f"amounts of 1万円 or more in digits only (write 3000万円, 1万5000円): {found}"


def test_certificate_fees_are_per_copy(content: Content) -> None:
    for language, texts in (("ja", text_catalogue(content)), ("easy", _easy_texts())):
        found = fees_per_page(texts)
        assert found == [], f"{language}: certificate fee not given per 通 (per certificate, not per 枚): {found}"


# ---------------------------------------------------------------- each rule catches a planted bad text

EASY = STYLE_LIMITS["easy"]


def test_a_reading_gloss_is_not_counted_but_an_explanation_is() -> None:
    assert sentence_length("除籍謄本（じょせきとうほん）を もらいます。", "char") == len("除籍謄本をもらいます。")
    assert sentence_length("住民票（住所の 記録）を もらいます", "char") == len("住民票（住所の記録）をもらいます")
    assert sentence_length("「はい」（イエス）", "char") == len("「はい」（イエス）")  # not after a kanji
    assert sentence_length("{date}までに 出します", "char") == PLACEHOLDER_CHARS + len("までに出します")


def test_sentences_split_at_full_stops_and_line_breaks() -> None:
    assert sentences("書類を 出します。窓口に 来て ください！\n持ち物は？") == [
        "書類を 出します。",
        "窓口に 来て ください！",
        "持ち物は？",
    ]
    assert sentences("届です（外す 届です。）次です。") == ["届です（外す 届です。）", "次です。"]
    assert sentences("Bring your card. Then go to window 5.\nAsk staff!") == [
        "Bring your card.",
        "Then go to window 5.",
        "Ask staff!",
    ]


def test_a_sentence_over_the_maximum_is_caught() -> None:
    long_sentence = "亡くなった 人の " + "市民課の 窓口で " * 6 + "出します。"
    assert sentence_length(long_sentence, "char") > EASY.max_sentence
    assert len(too_long({"k": long_sentence}, EASY, {})) == 1
    assert too_long({"k": long_sentence}, EASY, {"k": "住所の 正式な 名前"}) == []
    assert too_long({"k": "市民課で 出します。窓口は 1階です。"}, EASY, {}) == []


def test_too_many_long_sentences_and_a_long_average_are_caught() -> None:
    long_sentence = "亡くなった 人の 国民健康保険の 資格確認書を 市民課の 窓口に 返して ください。"  # 31-40 characters
    assert EASY.long_sentence < sentence_length(long_sentence, "char") <= EASY.max_sentence
    problems = style_problems({"a": long_sentence, "b": "窓口は 1階です。"}, {"a": "返す。", "b": "1階。"}, EASY, {})
    assert any("over 30" in problem for problem in problems)
    assert any("over the Japanese source" in problem for problem in problems)
    short = {"a": "窓口は 1階です。", "b": "書類を 出します。"}
    assert style_problems(short, {"a": "窓口は1階です。", "b": "書類を出します。"}, EASY, {}) == []


def test_too_many_kanji_are_caught() -> None:
    dense = {"a": "国民健康保険被保険者資格喪失届出書提出。"}
    assert any("kanji per sentence" in problem for problem in style_problems(dense, {"a": dense["a"] * 2}, EASY, {}))


def test_english_long_sentences_are_counted_in_words() -> None:
    english = STYLE_LIMITS["en"]
    long_sentence = " ".join(["word"] * (english.max_sentence + 1)) + "."
    assert len(too_long({"k": long_sentence}, english, {})) == 1
    assert too_long({"k": "Bring the card to window 5."}, english, {}) == []


def test_an_added_duty_is_caught() -> None:
    assert added_obligations({"k": "14日の 間に 出さなければ なりません。"}, {"k": "14日以内に届け出ます。"}) == ["k"]
    assert added_obligations({"k": "出さなければ なりません。"}, {"k": "届け出る必要があります。"}) == []
    assert added_obligations({"k": "14日の 間に 出して ください。"}, {"k": "14日以内に届け出ます。"}) == []


def test_a_double_negative_is_caught() -> None:
    assert double_negatives({"k": "正しい 理由が なく しないと、お金を 払います。"}) != []
    assert double_negatives({"k": "理由が ない ときは、お金を 払います。"}) == []


def test_a_large_amount_in_digits_is_caught() -> None:
    assert digits_only_amounts({"k": "30,000,000円まで です。"}) == ["k: 30,000,000円"]
    assert digits_only_amounts({"k": "15000円"}) == ["k: 15000円"]
    assert digits_only_amounts({"k": "3000万円、1万5000円、750円、1,500円"}) == []


def test_a_certificate_fee_per_page_is_caught() -> None:
    assert fees_per_page({"k": "除籍謄本は 1枚 750円です。"}) == ["k"]
    assert fees_per_page({"k": "除籍謄本は 750円です。"}) == ["k"]
    assert fees_per_page({"k": "除籍謄本は 1通 750円です。"}) == []
    assert fees_per_page({"k.basis": "政令（戸籍謄本 1枚 450円）"}) == ["k.basis"]
    assert fees_per_page({"k.basis": "政令（戸籍謄本450円）"}) == []
    assert fees_per_page({"k": "電子証明書と カードで 1,000円"}) == []
    assert fees_per_page({"k": "写真を 1枚 持って きて ください。手数料は ありません。"}) == []
