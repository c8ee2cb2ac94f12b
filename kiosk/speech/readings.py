"""Kana readings for read-aloud: the katakana pronunciation that espeak-ng (or any engine) is given.

espeak-ng reads every kanji as "Chinese letter", reads は/へ literally and garbles numbers, so Japanese text is
never spoken as written. `reading_for(text)` turns a text into pronunciation katakana:

    NFKC → overrides (questionnaires/speech/readings.yaml) → times, dates, ranges, phone numbers
         → pyopenjtalk-plus (bundled dictionary; は→ワ, へ→エ, 1日→ツイタチ, 300円→サンビャクエン)
         → 方 (person) → カタ → を→オ, づ→ズ, ぢ→ジ → punctuation reduced to 、。？！

The result contains only katakana, ー and 、。？！: it is what is heard, not what is written (法定 ホーテー).
ふりがな (kiosk.speech.furigana) use the spelling reading of the same analysis instead (ほうてい): pyopenjtalk's
`read` is the spelling, `pron` the pronunciation. Each entry of the override table gives both readings.
Nothing is downloaded: pyopenjtalk-plus bundles its dictionary, onnxruntime its 何 model.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .cache_dir import default_cache_dir

READINGS_FILE = Path("speech") / "readings.yaml"
"""The override table, relative to the content folder (questionnaires/).

Not at the top of questionnaires/: every top-level YAML file there is read as a flow."""

MEMO_SIZE = 50_000
"""Readings kept in memory per table (content texts repeat: furigana, speech and checks ask for the same)."""

RULES_VERSION = "1"
"""Bump when the conversion rules below change, so cached audio made with the old rules is not reused."""

_KANA = re.compile(r"^[ァ-ヴー]+$")
_HIRAGANA = re.compile(r"^[ぁ-ゖー]+$")
SPELLING_KEY = "ふりがな"
"""The override table's key for the spelling reading (hiragana, as written: ほうてい)."""
SPEECH_KEY = "読み上げ"
"""The override table's key for the pronunciation (katakana, as spoken: ホーテー)."""
_USABLE = re.compile(r"^[ァ-ヴー、。？！]+$")
_BAD_CHARS = re.compile(r"[^ァ-ヴー、。？！]")

_DIGIT_NAMES = {
    "0": "ゼロ",
    "1": "イチ",
    "2": "ニー",
    "3": "サン",
    "4": "ヨン",
    "5": "ゴー",
    "6": "ロク",
    "7": "ナナ",
    "8": "ハチ",
    "9": "キュー",
}
_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{4})/(\d{1,2})/(\d{1,2})(?![\d/])")
_PHONE = re.compile(r"(?<![\d-])0\d{1,4}-\d{1,4}-\d{3,4}(?![\d-])")
_FLOOR = re.compile(r"(?<![A-Za-z\d])(\d{1,2})F(?![A-Za-z])")
_SYMBOLS = str.maketrans({"+": "タス", "×": "カケル", "÷": "ワル", "=": "ワ", "〒": "郵便番号"})
_WORD_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
"""Spaces next to Japanese: やさしい日本語 separates words with spaces, which would change the analysis
(住み始めた 日から would be read ニチカラ)."""
_GLOSS = re.compile(r"([\u3400-\u9fff々〆ヶ]+)\(([ぁ-ゖー]+)([。)])")
_TO_KATAKANA = str.maketrans({chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)})
_RANGE = re.compile(r"(?<=[\d時分日円歳月年才人件通回])\s*[〜~]\s*(?=\d)")

# Punctuation after conversion: pauses become 、 or 。; quotes and brackets that espeak-ng would misread go.
_PAUSE = str.maketrans({c: "、" for c in "()[]{}（）［］｛｝【】〔〕〈〉《》・:;：；—―‐-−/／〜~…‥,，\t\n "})
_DROP = str.maketrans({c: "" for c in "「」『』\"'“”‘’〝〟*＊#＃※"})
_FULLSTOP = str.maketrans({".": "。", "．": "。", "?": "？", "!": "！", "｡": "。", "､": "、"})
_SPELLING = str.maketrans({"ヲ": "オ", "ヅ": "ズ", "ヂ": "ジ", "ヮ": "ワ"})
_LETTER_NAMES = (
    ("エー", "ビー", "シー", "ディー", "イー", "エフ", "ジー", "エイチ", "アイ", "ジェー", "ケー", "エル", "エム")
    + ("エヌ", "オー", "ピー", "キュー", "アール", "エス", "ティー", "ユー", "ブイ", "ダブリュー", "エックス", "ワイ")
    + ("ゼット",)
)
_LETTERS = str.maketrans(
    {
        **{chr(ord("A") + i): name for i, name in enumerate(_LETTER_NAMES)},
        **{chr(ord("a") + i): name for i, name in enumerate(_LETTER_NAMES)},
        **{chr(ord("Ａ") + i): name for i, name in enumerate(_LETTER_NAMES)},
        **{chr(ord("ａ") + i): name for i, name in enumerate(_LETTER_NAMES)},
    }
)
"""A Latin letter the dictionary leaves as it is (K7Q2 → Ｋナナキューツー) is spelled out, as a person reads it."""
_HAS_WORD = re.compile(r"\w")


class ReadingsError(ValueError):
    """The override table (questionnaires/speech/readings.yaml) cannot be used."""


class Override(NamedTuple):
    """One entry of the override table: the word's reading for the eye and for the ear."""

    spelling: str
    """Hiragana as the word is written and learnt (ほうてい): shown as ふりがな."""
    speech: str
    """Katakana as the word is pronounced (ホーテー): given to the speech engine."""


@dataclass(frozen=True)
class Readings:
    """The converter with its override table: surface text → katakana, applied before the dictionary.

    `overrides` are the pronunciations (speech), `spellings` the readings shown as ふりがな; a table loaded from
    a file has both for every surface."""

    overrides: Mapping[str, str] = field(default_factory=dict)
    source: Path | None = None
    spellings: Mapping[str, str] = field(default_factory=dict)
    _memo: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path) -> Readings:
        """Read an override table; a missing file means no overrides."""
        if not path.exists():
            return cls({}, path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ReadingsError(f"{path}: 読みの表を読めません: {exc}") from exc
        return cls.from_table(parse_overrides(data, str(path)), path)

    @classmethod
    def from_table(cls, table: Mapping[str, Override], source: Path | None = None) -> Readings:
        """The converter for a parsed override table (surface → both readings)."""
        return cls(
            {surface: entry.speech for surface, entry in table.items()},
            source,
            {surface: entry.spelling for surface, entry in table.items()},
        )

    @property
    def digest(self) -> str:
        """Changes whenever a spoken reading could change: used in the audio cache key (ふりがな do not count)."""
        material = "\n".join(f"{k}\t{v}" for k, v in sorted(self.overrides.items()))
        return hashlib.sha256(f"{RULES_VERSION}\n{material}".encode()).hexdigest()[:16]

    def reading(self, text: str) -> str:
        """The katakana pronunciation of `text` ("" for text with nothing to say)."""
        known = self._memo.get(text)
        if known is None:
            known = self._convert(text)
            if len(self._memo) < MEMO_SIZE:  # the texts are the content's: a bounded, fixed set
                self._memo[text] = known
        return known

    def remembered(self) -> dict[str, str]:
        """Every reading worked out so far (text → reading)."""
        return dict(self._memo)

    def remember(self, known: Mapping[str, str]) -> None:
        """Readings worked out earlier with the same rules, overrides and engine."""
        for text, reading in known.items():
            if len(self._memo) >= MEMO_SIZE:
                break
            self._memo.setdefault(text, reading)

    def _convert(self, text: str) -> str:
        text = _WORD_SPACE.sub("", unicodedata.normalize("NFKC", text))
        prepared = _prepare(self._without_glosses(text), self.overrides)
        if not prepared.strip():
            return ""
        return _finish(_pronounce(prepared))

    def _without_glosses(self, text: str) -> str:
        """Drop a reading written in brackets after a word: 世帯（せたい。…） is spoken once, not twice.

        やさしい日本語 texts gloss hard words this way; read aloud, the gloss would repeat the word (the
        "double reading" that ruby causes in screen readers). A gloss is dropped only when it is the reading of
        the word before it; an explanation such as 兄弟姉妹（きょうだい） is kept."""

        def replace(match: re.Match[str]) -> str:
            word, gloss, end = match.group(1), match.group(2), match.group(3)
            spoken = _loose(self.reading(word))
            if not _loose(gloss.translate(_TO_KATAKANA)) or not spoken.endswith(_loose(gloss.translate(_TO_KATAKANA))):
                return match.group(0)
            return word if end == ")" else f"{word}("

        return _GLOSS.sub(replace, text)


def parse_overrides(data: Any, where: str = "readings.yaml") -> dict[str, Override]:
    """Validate an override table {surface: {ふりがな: hiragana, 読み上げ: katakana}} (NFKC-normalised).

    Every entry needs both readings. The spelling is hiragana with ー only where the surface has one (ふりがな
    show how a word is written: ほうてい, not ほーてー); the pronunciation is katakana with ー for long vowels."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReadingsError(f"{where}: 「文字: {{{SPELLING_KEY}: ひらがな, {SPEECH_KEY}: カタカナ}}」の組を並べます")
    table: dict[str, Override] = {}
    problems: list[str] = []
    for key, value in data.items():
        # Spaces between Japanese words are dropped, as in the texts before they are read (マイナ 保険証).
        surface = _WORD_SPACE.sub("", unicodedata.normalize("NFKC", str(key))).strip()
        if not surface:
            problems.append("空の見出しがあります")
            continue
        found = _entry_problems(surface, value)
        if found:
            problems += found
            continue
        assert isinstance(value, dict)
        table[surface] = Override(_kana_field(value[SPELLING_KEY]), _kana_field(value[SPEECH_KEY]))
    if problems:
        raise ReadingsError(f"{where}: " + "; ".join(problems))
    return table


def _kana_field(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "")


def _entry_problems(surface: str, value: Any) -> list[str]:
    """What is wrong with one entry of the override table (nothing: [])."""
    both = f"「{surface}: {{{SPELLING_KEY}: ひらがな, {SPEECH_KEY}: カタカナ}}」"
    if not isinstance(value, dict):
        return [f"「{surface}」には読みを2つ書きます: {both}"]
    problems = [f"「{surface}」の「{name}」は使えません（{SPELLING_KEY}・{SPEECH_KEY}だけ）"
                for name in value if name not in (SPELLING_KEY, SPEECH_KEY)]
    spelling, speech = _kana_field(value.get(SPELLING_KEY)), _kana_field(value.get(SPEECH_KEY))
    if not spelling:
        problems.append(f"「{surface}」に{SPELLING_KEY}（ひらがなの読み）がありません: {both}")
    elif not _HIRAGANA.match(spelling):
        problems.append(f"「{surface}」の{SPELLING_KEY}「{spelling}」はひらがなで書きます")
    elif "ー" in spelling and "ー" not in surface:
        problems.append(
            f"「{surface}」の{SPELLING_KEY}「{spelling}」に「ー」があります: 書くときの読みにします"
            f"（ほーてー でなく ほうてい）"
        )
    if not speech:
        problems.append(f"「{surface}」に{SPEECH_KEY}（カタカナの読み）がありません: {both}")
    elif not _KANA.match(speech):
        problems.append(f"「{surface}」の{SPEECH_KEY}「{speech}」はカタカナ（長音は「ー」）で書きます")
    return problems


# ---------------------------------------------------------------- the default table


_default: Readings | None = None
_default_lock = threading.Lock()


def default_readings() -> Readings:
    """The override table of the configured content folder, loaded once."""
    global _default
    with _default_lock:
        if _default is None:
            from ..config import content_dir

            _default = Readings.load(content_dir() / READINGS_FILE)
        return _default


def reset_default_readings() -> None:
    """Forget the loaded table (after editing it, or in tests)."""
    global _default
    with _default_lock:
        _default = None


def reading_for(text: str) -> str:
    """The kana reading used for speech, with the content's override table."""
    return default_readings().reading(text)


def reading_problems(
    content: Any, readings: Readings | None = None, catalogue: Any = None, folder: Path | None = None
) -> list[str]:
    """The override table's mistakes, and texts without a usable reading (empty, or with characters espeak-ng
    would misread).

    The table is `readings`, else the one in the content `folder`, else the configured one. The texts are the
    Japanese content texts; with a catalogue (kiosk.i18n.Catalogue) also the interface strings and every
    language spoken with the Japanese voice (やさしい日本語), keys prefixed with the language code."""
    from .furigana import spelling_problems
    from .texts import speech_texts, voices_of

    if readings is None:
        try:
            readings = Readings.load(folder / READINGS_FILE) if folder is not None else default_readings()
        except ReadingsError as exc:
            return [str(exc)]
    table_problems = [f"{readings.source or READINGS_FILE}: {problem}" for problem in spelling_problems(readings)]
    remembered = ReadingsMemoFile(readings)
    texts = speech_texts(content, catalogue)
    voices = voices_of(catalogue) if catalogue is not None else {"ja": "ja"}
    pairs = [
        (key if code == "ja" else f"{code}:{key}", text)
        for code, own in texts.items()
        if voices.get(code) == "ja"
        for key, text in own.items()
    ]
    problems = problems_in(pairs, readings)
    remembered.save()
    return table_problems + problems


class ReadingsMemoFile:
    """Readings worked out by an earlier `kiosk check`, kept beside the audio cache.

    Loading pyopenjtalk and analysing every text takes over a second; the readings only change with the rules,
    the override table or the pyopenjtalk version, which name the file. It is a cache: when it cannot be read
    or written, the readings are worked out again."""

    def __init__(self, readings: Readings) -> None:
        try:
            engine = version("pyopenjtalk-plus")
        except PackageNotFoundError:
            engine = "unknown"
        self.readings = readings
        self.path = default_cache_dir() / f"readings-{readings.digest}-{engine}.json"
        try:
            known = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if isinstance(known, dict):
            readings.remember({k: v for k, v in known.items() if isinstance(k, str) and isinstance(v, str)})
        self._loaded = len(readings.remembered())

    def save(self) -> None:
        """Write the readings back if new ones were worked out (atomically: checks may run side by side)."""
        remembered = self.readings.remembered()
        if len(remembered) == self._loaded:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            partial.write_text(json.dumps(remembered, ensure_ascii=False), encoding="utf-8")
            partial.replace(self.path)
        except OSError:
            pass  # a read-only or full disk: the next check works them out again


def problems_in(texts: Iterable[tuple[str, str]], readings: Readings) -> list[str]:
    """Check (key, text) pairs; one message per text without a usable reading."""
    problems: list[str] = []
    for key, text in texts:
        if not _HAS_WORD.search(text):
            continue  # punctuation only (a list separator): nothing to say
        reading = readings.reading(text)
        if not reading or not _USABLE.match(reading):
            bad = "".join(dict.fromkeys(_BAD_CHARS.findall(reading)))
            why = f"読めない文字「{bad}」が残ります" if bad else "読みが空です"
            problems.append(
                f"{key}: 「{text}」→「{reading}」: {why}（questionnaires/{READINGS_FILE.as_posix()} に読みを書きます）"
            )
    return problems


def is_usable(reading: str) -> bool:
    """True when `reading` has only katakana, ー and 、。？！."""
    return bool(_USABLE.match(reading))


# ---------------------------------------------------------------- conversion steps


def _prepare(text: str, overrides: Mapping[str, str]) -> str:
    """Overrides first (longest surface wins), then the number formats the dictionary reads badly."""
    if overrides:
        pattern = _override_pattern(tuple(sorted(overrides, key=len, reverse=True)))
        text = pattern.sub(lambda m: overrides[m.group(0)], text)
    text = _PHONE.sub(
        lambda m: "ノ".join("".join(_DIGIT_NAMES[d] for d in part) for part in m.group(0).split("-")), text
    )
    text = _SLASH_DATE.sub(lambda m: f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日", text)
    text = _TIME.sub(lambda m: f"{int(m.group(1))}時" + (f"{int(m.group(2))}分" if int(m.group(2)) else ""), text)
    text = _FLOOR.sub(r"\1階", text)
    text = _RANGE.sub("から", text)
    return text.translate(_SYMBOLS)


_pattern_cache: dict[tuple[str, ...], re.Pattern[str]] = {}


def _override_pattern(surfaces: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _pattern_cache.get(surfaces)
    if pattern is None:
        pattern = re.compile("|".join(re.escape(s) for s in surfaces))
        _pattern_cache[surfaces] = pattern
    return pattern


_frontend: ThreadPoolExecutor | None = None
_frontend_lock = threading.Lock()
_WARM_UP_TEXT = "何人の方が前に出ますか"


def _warm_up() -> None:
    """Load the dictionary, the Sudachi tokenizer and the 何 model in the converter's thread.

    pyopenjtalk-plus creates a Sudachi tokenizer per thread on first use of an ambiguous kanji, through a call
    that sudachipy deprecates; doing that here, once, keeps the DeprecationWarning out of every caller."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyopenjtalk

        pyopenjtalk.run_frontend(_WARM_UP_TEXT)


def _run_frontend(text: str) -> list[dict[str, Any]]:
    import pyopenjtalk

    return [dict(node) for node in pyopenjtalk.run_frontend(text)]


def frontend_nodes(text: str) -> list[dict[str, Any]]:
    """pyopenjtalk's analysis of `text`, one dict per word (string, pos, read, pron, …).

    All analyses run in one thread: pyopenjtalk's state is shared, and its tokenizer is per thread."""
    global _frontend
    with _frontend_lock:
        if _frontend is None:
            _frontend = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readings", initializer=_warm_up)
        frontend = _frontend
    return frontend.submit(_run_frontend, text).result()


def _pronounce(text: str) -> str:
    """pyopenjtalk's pronunciation, word by word (as `g2p(kana=True)`), with the 方 rule."""
    nodes = frontend_nodes(text)
    parts: list[str] = []
    previous: Any = None
    for node in nodes:
        if node["pos"] == "記号":
            part = node["string"]
        else:
            part = node["pron"].replace("’", "")
            if is_person_kata(node, previous):
                part = "カタ"
        parts.append(part)
        previous = node
    return "".join(parts)


def is_person_kata(node: Any, previous: Any) -> bool:
    """方 after a verb or の means a person (引越す方, お持ちの方: カタ); after an adjective a side (多い方: ホー)."""
    if node["string"] != "方" or node["pos"] != "名詞" or not node["pron"].startswith("ホ"):
        return False
    return previous is not None and previous["pos"] != "形容詞"


def _loose(kana: str) -> str:
    """Katakana compared loosely: long vowels (ー, ウ, イ) and spelling variants ignored."""
    return re.sub("[ーウイ]", "", kana.translate(_SPELLING))


def _finish(kana: str) -> str:
    text = kana.translate(_SPELLING).translate(_LETTERS).translate(_DROP).translate(_FULLSTOP).translate(_PAUSE)
    text = re.sub(r"、{2,}", "、", text)
    text = re.sub(r"、*([。？！])[、。]*", r"\1", text)
    text = re.sub(r"(^|[、。？！])[ーッ]+", r"\1", text)  # a bare ー or ッ is read as "Japanese letter"
    return text.strip("、")
