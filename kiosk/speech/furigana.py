"""ふりがな: the spelling reading of every kanji word, in hiragana, as a reader learns it (法定 ほうてい).

Read-aloud (kiosk.speech.readings) uses the pronunciation of the same analysis (ホーテー). Both come from
pyopenjtalk-plus, whose words carry `read` (the spelling, ホウテイ) and `pron` (the pronunciation, ホーテー), and
from the same override table (questionnaires/speech/readings.yaml), whose entries give both readings.

The ruby style follows 「在留支援のためのやさしい日本語ガイドライン」: ruby over every word with kanji, the reading
in hiragana, okurigana left bare (亡(な)くなった, 取(と)り扱(あつか)い).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from html import escape
from typing import Any

from .readings import Readings, ReadingsError, default_readings, frontend_nodes, is_person_kata

log = logging.getLogger(__name__)

_KANJI_CHARS = "\u3005\u3006\u30f6\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff"
_KANJI = re.compile(f"[{_KANJI_CHARS}]")
_RUNS = re.compile(f"[{_KANJI_CHARS}]+|\\s+|[^{_KANJI_CHARS}\\s]+")
_HIRAGANA = re.compile(r"^[ぁ-ゖー]+$")
_WORD_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
"""Spaces between words (やさしい日本語): left out of the analysis, as for speech (日から is ひから, not にちから)."""
_SPACES = re.compile(r"\s+")
_NUMERALS = frozenset("〇一二三四五六七八九十百千万億兆")
_DIGITS = re.compile(r"\s*[0-9０-９][0-9０-９,，.．]*")

Segment = tuple[str, str | None]
"""A piece of text as written, with the hiragana shown over it (None: no ruby)."""
Word = tuple[str, str | None]
"""A word as written, with its spelling reading in hiragana (None: a word without kanji)."""


def to_hiragana(katakana: str) -> str:
    """カタカナ → ひらがな (ー and other marks unchanged)."""
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in katakana)


def table_spellings() -> Mapping[str, str]:
    """The spelling readings of the content's override table ({} when the table cannot be read: `kiosk check`
    reports that; the screens keep the dictionary's readings meanwhile)."""
    try:
        return default_readings().spellings
    except ReadingsError as exc:
        if str(exc) not in _warned:
            _warned.add(str(exc))
            log.warning("ふりがな without the override table: %s", exc)
        return {}


_warned: set[str] = set()


def spelling_words(
    text: str,
    spellings: Mapping[str, str] | None = None,
    nodes_for: Callable[[str], Sequence[Any]] = frontend_nodes,
) -> list[Word]:
    """`text` cut into words, each word with kanji given its spelling reading: the override table's where a
    surface of the table appears (the longest first), else the dictionary's."""
    spellings = table_spellings() if spellings is None else spellings
    # Surfaces by their letters alone: a surface is found with or without spaces between its letters (人数の 分),
    # a surface written with a space (マイナ 保険証) too.
    by_letters = {_SPACES.sub("", surface): spelling for surface, spelling in spellings.items()}
    by_letters.pop("", None)
    words: list[Word] = []
    pattern = _override_pattern(tuple(sorted(by_letters, key=len, reverse=True)))
    position = 0
    for match in pattern.finditer(text) if pattern else ():
        words += _dictionary_words(text[position : match.start()], nodes_for)
        words.append((match.group(0), to_hiragana(by_letters[_SPACES.sub("", match.group(0))])))
        position = match.end()
    words += _dictionary_words(text[position:], nodes_for)
    return words


def ruby_pieces(surface: str, reading: str | None) -> list[Segment]:
    """One word's ruby, only over its kanji: 取り扱い/とりあつかい → 取(と) り 扱(あつか) い.

    The kana written in the word are matched in the reading; when they cannot be (a reading that does not
    follow the letters), the whole word carries the reading."""
    if not reading or not _KANJI.search(surface):
        return [(surface, None)]
    runs = _merge_spaced_kanji(_RUNS.findall(surface))
    pattern = "".join(
        "(.+?)" if _KANJI.match(run) else "" if run.isspace() else re.escape(to_hiragana(run)) for run in runs
    )
    match = re.fullmatch(pattern, reading)
    if match is None:
        return [(surface, reading)]
    groups = iter(match.groups())
    return [(run, next(groups)) if _KANJI.match(run) else (run, None) for run in runs]


def segments(
    text: str,
    spellings: Mapping[str, str] | None = None,
    nodes_for: Callable[[str], Sequence[Any]] = frontend_nodes,
) -> list[Segment]:
    """`text` in pieces, each piece of kanji with its reading in hiragana (None where no ruby is needed)."""
    pieces = [piece for surface, reading in spelling_words(text, spellings, nodes_for)
              for piece in ruby_pieces(surface, reading)]
    return _merge_plain(pieces)


def ruby_html(text: str, spellings: Mapping[str, str] | None = None) -> str:
    """HTML with <ruby> over every word that has kanji; everything else escaped."""
    table = table_spellings() if spellings is None else spellings
    return "".join(
        f"<ruby>{escape(surface)}<rp>（</rp><rt>{escape(reading)}</rt><rp>）</rp></ruby>"
        if reading
        else escape(surface)
        for surface, reading in cached_segments(text, tuple(sorted(table.items())))
    )


def bracketed(text: str, spellings: Mapping[str, str] | None = None) -> str:
    """The text with each reading in brackets after its kanji (法定（ほうてい）代理人（だいりにん）), for a terminal."""
    return "".join(f"{surface}（{reading}）" if reading else surface for surface, reading in segments(text, spellings))


@lru_cache(maxsize=8192)
def cached_segments(text: str, spellings: tuple[tuple[str, str], ...] = ()) -> tuple[Segment, ...]:
    """`segments` for the content's texts (a bounded set) with a given table of spellings, remembered."""
    return tuple(segments(text, dict(spellings)))


def spelling_problems(readings: Readings) -> list[str]:
    """Entries of the override table whose ふりがな does not fit the word's own kana (通っている: かよっている fits;
    かよってる does not) or is not hiragana."""
    problems: list[str] = []
    for surface, spelling in readings.spellings.items():
        if not _HIRAGANA.match(spelling):
            problems.append(f"「{surface}」のふりがな「{spelling}」はひらがなで書きます")
        elif _KANJI.search(surface) and not _all_kanji(surface) and len(ruby_pieces(surface, spelling)) == 1:
            problems.append(f"「{surface}」のふりがな「{spelling}」が、文字のかなと合いません")
    return problems


# ---------------------------------------------------------------- the dictionary's words


def _dictionary_words(text: str, nodes_for: Callable[[str], Sequence[Any]]) -> list[Word]:
    if not text:
        return []
    if not _KANJI.search(text):
        return [(text, None)]
    words: list[Word] = []
    position = 0
    previous: Any = None
    for node in nodes_for(_WORD_SPACE.sub("", unicodedata.normalize("NFKC", text))):
        surface = node["string"]
        if _is_number(surface):
            # the dictionary writes digits as kanji (600万 → 六百万): the digits stay as written, without ruby,
            # and a numeral kanji written in the text (万) is only taken where it stands
            digits = _DIGITS.match(text, position)
            if digits:
                words.append((digits.group(0), None))
                position = digits.end()
                continue
            if _match_from(text, position, surface) is None:
                continue
        span = _locate(text, position, surface)
        if span is None:
            continue  # a number with its counter (4日 → 四日): left as written
        start, end = span
        if start > position:
            words.append((text[position:start], None))
        words.append((text[start:end], _node_spelling(node, previous, text[start:end])))
        position = end
        previous = node
    if position < len(text):
        words.append((text[position:], None))
    return words


def _node_spelling(node: Any, previous: Any, written: str) -> str | None:
    if not _KANJI.search(written):
        return None
    if is_person_kata(node, previous):
        return "かた"
    reading = str(node["read"])
    if not reading or reading == "*" or not _HIRAGANA.match(to_hiragana(reading)):
        return None
    return to_hiragana(reading)


def _locate(text: str, position: int, surface: str) -> tuple[int, int] | None:
    """Where the analysed word `surface` is in `text` (from `position`): NFKC-equal characters, spaces between
    them allowed (the analysis ran without the spaces between words)."""
    if not surface:
        return None
    first = unicodedata.normalize("NFKC", surface[0])
    for start in range(position, len(text)):
        if unicodedata.normalize("NFKC", text[start]) != first:
            continue
        end = _match_from(text, start, surface)
        if end is not None:
            return start, end
    return None


def _match_from(text: str, start: int, surface: str) -> int | None:
    index = start
    for number, char in enumerate(surface):
        if number:
            while index < len(text) and text[index].isspace() and not char.isspace():
                index += 1
        if index >= len(text) or unicodedata.normalize("NFKC", text[index]) != unicodedata.normalize("NFKC", char):
            return None
        index += 1
    return index


def _is_number(surface: str) -> bool:
    return bool(surface) and all(char in _NUMERALS for char in surface)


def _all_kanji(surface: str) -> bool:
    return all(_KANJI.match(char) for char in surface)


def _merge_spaced_kanji(runs: list[str]) -> list[str]:
    """Kanji separated only by a space are one run: their readings cannot be told apart."""
    merged: list[str] = []
    for run in runs:
        if (
            _KANJI.match(run)
            and len(merged) >= 2
            and merged[-1].isspace()
            and _KANJI.match(merged[-2])
        ):
            space = merged.pop()
            merged[-1] += space + run
        else:
            merged.append(run)
    return merged


def _merge_plain(pieces: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for surface, reading in pieces:
        if reading is None and merged and merged[-1][1] is None:
            merged[-1] = (merged[-1][0] + surface, None)
        else:
            merged.append((surface, reading))
    return merged


@lru_cache(maxsize=32)
def _override_pattern(surfaces: tuple[str, ...]) -> re.Pattern[str] | None:
    if not surfaces:
        return None
    # やさしい日本語 puts spaces between words: 人数の分 is found in 人数の 分 too
    return re.compile("|".join(r"\s*".join(map(re.escape, surface)) for surface in surfaces))
