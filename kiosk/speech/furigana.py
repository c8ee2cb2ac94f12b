"""ふりがな from the same dictionary and override table as read-aloud: a reading is fixed once for eyes and ears."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from html import escape
from typing import Any

from .readings import default_readings, frontend_nodes, is_person_kata

_KANJI = re.compile(r"[\u3005\u3006\u4E00-\u9FFF\u3400-\u4DBF\uF900-\uFAFF]")
Segment = tuple[str, str | None]  # (text as written, reading in hiragana or None)


def to_hiragana(katakana: str) -> str:
    """カタカナ → ひらがな (ー and other marks unchanged)."""
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in katakana)


def segments(
    text: str,
    overrides: Mapping[str, str] | None = None,
    nodes_for: Callable[[str], Sequence[Any]] = frontend_nodes,
) -> list[Segment]:
    """Split `text` into pieces, each with the reading of its kanji (None where no ruby is needed)."""
    overrides = default_readings().overrides if overrides is None else overrides
    pieces: list[Segment] = []
    pattern = _override_pattern(tuple(sorted(overrides, key=len, reverse=True)))
    position = 0
    for match in pattern.finditer(text) if pattern else ():
        pieces += _dictionary_segments(text[position : match.start()], nodes_for)
        pieces.append((match.group(0), to_hiragana(overrides[match.group(0)])))
        position = match.end()
    pieces += _dictionary_segments(text[position:], nodes_for)
    return _merge_plain(pieces)


def ruby_html(text: str, overrides: Mapping[str, str] | None = None) -> str:
    """HTML with <ruby> over every word that has kanji; everything else escaped."""
    return "".join(
        f"<ruby>{escape(surface)}<rp>（</rp><rt>{escape(reading)}</rt><rp>）</rp></ruby>"
        if reading
        else escape(surface)
        for surface, reading in cached_segments(text, tuple(sorted((overrides or {}).items())))
    )


@lru_cache(maxsize=8192)
def cached_segments(text: str, extra: tuple[tuple[str, str], ...] = ()) -> tuple[Segment, ...]:
    """`segments` for the content's texts (a bounded set), remembered."""
    overrides = {**default_readings().overrides, **dict(extra)}
    return tuple(segments(text, overrides))


def _dictionary_segments(text: str, nodes_for: Callable[[str], Sequence[Any]]) -> list[Segment]:
    if not text:
        return []
    if not _KANJI.search(text):
        return [(text, None)]
    pieces: list[Segment] = []
    position = 0
    previous: Any = None
    for node in nodes_for(unicodedata.normalize("NFKC", text)):
        surface = node["string"]
        found = text.find(surface, position)
        if found < 0:
            continue  # the dictionary rewrote this part (digits → 十四): the text stays as written
        if found > position:
            pieces.append((text[position:found], None))
        reading = "カタ" if is_person_kata(node, previous) else node["read"]
        pieces += _with_okurigana(surface, reading)
        position = found + len(surface)
        previous = node
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def _with_okurigana(surface: str, reading_katakana: str) -> list[Segment]:
    """Ruby only over the kanji: 亡くなっ/ナクナッ → 亡(な) くなっ."""
    if not _KANJI.search(surface) or not reading_katakana or reading_katakana == "*":
        return [(surface, None)]
    reading = to_hiragana(reading_katakana)
    plain = to_hiragana(surface)
    head = 0
    while head < len(surface) and not _KANJI.match(surface[head]) and reading[head : head + 1] == plain[head]:
        head += 1
    tail = 0
    while (
        tail < len(surface) - head
        and not _KANJI.match(surface[-1 - tail])
        and len(reading) - tail - 1 >= head
        and reading[-1 - tail] == plain[-1 - tail]
    ):
        tail += 1
    core = surface[head : len(surface) - tail]
    core_reading = reading[head : len(reading) - tail]
    if not core or not core_reading:
        return [(surface, None)]
    pieces: list[Segment] = []
    if head:
        pieces.append((surface[:head], None))
    pieces.append((core, core_reading))
    if tail:
        pieces.append((surface[len(surface) - tail :], None))
    return pieces


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
    return re.compile("|".join(re.escape(surface) for surface in surfaces))
