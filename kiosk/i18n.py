"""Languages: interface strings and content translations, all as data in questionnaires/translations/.

    questionnaires/translations/<lang>/ui.yaml        interface strings (ja is the source) and `language:` metadata
    questionnaires/translations/<lang>/content.yaml   content texts by key (see kiosk.engine.texts); not for ja

Adding 中文・한국어・Tiếng Việt・Português needs only a new folder and the code in municipality.yaml `languages`.
Option values and ids are never translated; only texts are.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine.content import Content
from .engine.errors import ContentProblem
from .engine.localize import PHRASES, localized_params
from .engine.texts import text_catalogue
from .engine.yamlsource import Path_, YamlSyntaxError, load_yaml

SOURCE_LANGUAGE = "ja"
STAFF_ONLY = "staff."
"""Staff screens are for the city's clerks and stay in Japanese; residents' screens are translated."""


@dataclass(frozen=True)
class Language:
    """A language the resident can choose."""

    code: str
    name: str  # in its own script: 日本語, やさしい日本語, English
    html_lang: str  # BCP 47 for <html lang>: やさしい日本語 is "ja"
    voice: str | None  # espeak-ng's voice language (ja, en, cmn, vi …); None (`voice: none`): no read-aloud
    furigana: bool = False  # ふりがな shown until the resident turns them off (languages written in Japanese only)
    reviewed_by: str = ""  # who, fluent in the language, reviewed the translation; empty: not reviewed yet

    @property
    def written_in_japanese(self) -> bool:
        """Whether pages in this language are Japanese (html_lang ja): only these can show ふりがな."""
        return self.html_lang.split("-")[0].lower() == "ja"


@dataclass
class Catalogue:
    """All translations, loaded once at start-up."""

    languages: dict[str, Language]
    ui: dict[str, dict[str, str]]
    content: dict[str, dict[str, str]]
    problems: list[ContentProblem] = field(default_factory=list)
    origins: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per translated language: the file each text is written in (questionnaires/translations/<lang>/…)."""

    def translator(self, code: str) -> Translator:
        """A translator for `code`, falling back to Japanese for anything missing."""
        if code not in self.languages:
            code = SOURCE_LANGUAGE
        return Translator(self, self.languages[code])


class Translator:
    """Looks up interface strings and content texts in one language."""

    def __init__(self, catalogue: Catalogue, language: Language) -> None:
        self.catalogue = catalogue
        self.language = language
        self._ui = catalogue.ui.get(language.code, {})
        self._source = catalogue.ui.get(SOURCE_LANGUAGE, {})
        self._content = catalogue.content.get(language.code, {})

    def ui(self, key: str, **params: Any) -> str:
        """An interface string with {placeholders} filled in."""
        text = self._ui.get(key) or self._source.get(key) or key
        return text.format(**params) if params else text

    def content(self, key: str, source_text: str | None) -> str:
        """A content text in this language; the Japanese source when not translated."""
        if source_text is None:
            return ""
        return self._content.get(key) or source_text

    def phrase(self, key: str, source: str, **params: Any) -> str:
        """An engine phrase (kiosk.engine.localize) in this language, or its Japanese source; labels, units and
        dates among the parameters are written in this language too."""
        text = self._ui.get(key) or source
        return text.format(**localized_params(params, self)) if params else text

    def __call__(self, key: str, source_text: str) -> str:
        return self.content(key, source_text)


def spoken_together(t: Translator, *parts: str) -> str:
    """Short pieces read aloud as one utterance, each ended as the language ends a sentence (。 or ". ")."""
    return t.ui("punctuation.full_stop").join(part for part in parts if part)


def load_catalogue(root: Path, content: Content, extra_languages: Iterable[str] = ()) -> Catalogue:
    """Load the translations for every language the municipality offers, and report what is missing or would
    break a page: {placeholders} that differ from the Japanese, format strings that cannot be filled, and
    Japanese units left in a language that does not write them. `extra_languages`: folders to load too before
    they are offered (`kiosk translations missing` for a language being prepared)."""
    folder = root / "translations"
    languages: dict[str, Language] = {}
    ui: dict[str, dict[str, str]] = {}
    translated: dict[str, dict[str, str]] = {}
    where: dict[str, dict[str, _Where]] = {}  # per language: the file and line of every key
    problems: list[ContentProblem] = []
    catalogue_keys = text_catalogue(content)
    for code in dict.fromkeys([*content.municipality.languages, *extra_languages]):
        ui_path = folder / code / "ui.yaml"
        data, positions = _read(ui_path, problems)
        meta = data.pop("language", None)
        if not isinstance(meta, dict) or not {"name", "html_lang"} <= set(meta):
            problems.append(
                ContentProblem(
                    _rel(ui_path),
                    1,
                    "language",
                    "言語の情報（name, html_lang）がありません",
                    "language: {name: English, html_lang: en, voice: en} のように書きます",
                )
            )
            meta = {"name": code, "html_lang": code}
        languages[code] = _language(code, meta, _rel(ui_path), problems)
        ui[code] = _flatten(data)
        where[code] = {key: _Where(_rel(ui_path), line) for key, line in _key_lines(data, positions)}
        if code != SOURCE_LANGUAGE:
            translated[code] = {}
            for content_path in sorted((folder / code).glob("*.yaml")):
                if content_path.name != "ui.yaml":
                    texts, text_positions = _read(content_path, problems)
                    translated[code].update(_flatten(texts))
                    where[code].update(
                        (key, _Where(_rel(content_path), line)) for key, line in _key_lines(texts, text_positions)
                    )
    source_ui = ui.get(SOURCE_LANGUAGE, {})
    for key, text in source_ui.items():  # the source's own strings must fill without an error
        reason = format_problem(text)
        if reason:
            located = where[SOURCE_LANGUAGE][key]
            problems.append(ContentProblem(located.file, located.line, key, reason, _FORMAT_FIX))
    for code in languages:
        if code == SOURCE_LANGUAGE:
            continue
        missing_ui = [key for key in [*source_ui, *PHRASES] if not ui[code].get(key) and not key.startswith(STAFF_ONLY)]
        missing_content = [key for key in catalogue_keys if not translated[code].get(key)]
        for kind, missing, path in (("ui", missing_ui, "ui.yaml"), ("content", missing_content, "*.yaml")):
            if missing:
                sample = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
                what = "画面の文" if kind == "ui" else "内容の文"
                problems.append(
                    ContentProblem(
                        f"questionnaires/translations/{code}/{path}",
                        None,
                        "",
                        f"{len(missing)} 件の{what}が翻訳されていません: {sample}",
                        f"kiosk translations missing {code} で一覧を出せます",
                    )
                )
        problems += _text_problems(languages[code], ui[code], {**PHRASES, **source_ui}, where[code])
        problems += _text_problems(languages[code], translated[code], catalogue_keys, where[code])
    if SOURCE_LANGUAGE not in languages:
        problems.append(
            ContentProblem(
                "questionnaires/municipality.yaml",
                None,
                "languages",
                "languages に ja がありません",
                "languages: [ja, easy, en] のように書きます",
            )
        )
    origins = {code: {key: at.file for key, at in where[code].items()} for code in languages if code != SOURCE_LANGUAGE}
    return Catalogue(languages=languages, ui=ui, content=translated, problems=problems, origins=origins)


_NO_VOICE = frozenset({"", "none", "null", "false", "no"})


def _language(code: str, meta: Mapping[str, Any], file: str, problems: list[ContentProblem]) -> Language:
    """A language from its `language:` metadata: name, html_lang, voice (absent or `none`: no read-aloud),
    furigana (ふりがな by default: Japanese-script languages only), reviewed_by (empty: not reviewed)."""
    voice = meta.get("voice")
    html_lang = str(meta["html_lang"])
    language = Language(
        code,
        str(meta["name"]),
        html_lang,
        None if voice is None or voice is False or str(voice).strip().lower() in _NO_VOICE else str(voice).strip(),
        meta.get("furigana") is True,
        str(meta.get("reviewed_by") or "").strip(),
    )
    if meta.get("furigana") not in (None, True, False):
        problems.append(ContentProblem(file, 1, "language.furigana", "furigana は true か false です",
                                       "language: {…, furigana: true} のように書きます"))
    if language.furigana and not language.written_in_japanese:
        problems.append(ContentProblem(file, 1, "language.furigana",
                                       f"ふりがなは日本語で書く言語（html_lang: ja）だけです（html_lang: {html_lang}）",
                                       "furigana: true を消します"))
    return language


@dataclass(frozen=True)
class _Where:
    file: str
    line: int | None


_FORMAT_FIX = "差し込みは {name} のように名前を波かっこで囲みます。波かっこそのものは {{ }} と書きます"

HAN_SCRIPT_LANGUAGES = frozenset({"ja", "zh"})
"""Languages (the primary subtag of html_lang) written in Han characters: 歳・人・円 are their own words there.
Every other language writes its units in its own words, so a Japanese unit after a number is a leak."""

_JAPANESE_CHARACTERS = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"  # kana, kanji, full-width forms
JAPANESE_UNIT = re.compile(
    rf"(?<![{_JAPANESE_CHARACTERS}0-9])(?:[0-9０-９][0-9０-９,.]*|\{{\w+\}})\s*"
    r"(?:歳|才|人|名|円|通|枚|日|か月|ヶ月|カ月|年|月|件|回|部|週間|時間|時|分)"
)
"""A Japanese unit or counter after a number (or a {placeholder}) set in the language's own text: "of 130歳 or
less", "{count}人", "300円". A number inside Japanese words (an example 昭和25年4月1日 to type) is not one."""

GLOSSARY = re.compile(r"\([^()]*\)|（[^（）]*）")
"""Brackets after a term, where a translation gives the Japanese name on purpose: "(2回目の申請)"."""


def format_problem(text: str) -> str | None:
    """Why filling `text` with str.format would fail (unbalanced braces, a numbered {0} or an empty {}), or None."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return "{ と } の対応がとれていません（このままでは画面が表示できません）"
    for _, name, _, _ in fields:
        if name is None:
            continue
        if not name.isidentifier():
            return f"差し込み {{{name}}} は使えません。{{名前}} の形で書きます（このままでは画面が表示できません）"
    return None


def japanese_units(language: Language, text: str) -> list[str]:
    """The Japanese units a text in `language` still carries after a number (none for Han-script languages)."""
    if language.html_lang.split("-")[0].lower() in HAN_SCRIPT_LANGUAGES:
        return []
    return [match.group(0) for match in JAPANESE_UNIT.finditer(GLOSSARY.sub("", text))]


def _text_problems(
    language: Language, texts: Mapping[str, str], sources: Mapping[str, str], where: Mapping[str, _Where]
) -> Iterator[ContentProblem]:
    """Each translated text against its Japanese source: it must fill, with the same {placeholders}, and carry no
    Japanese unit the language does not write."""
    for key, text in texts.items():
        located = where.get(key, _Where(f"questionnaires/translations/{language.code}", None))
        source = sources.get(key)
        reason = format_problem(text)
        if reason:
            yield ContentProblem(located.file, located.line, key, reason, _FORMAT_FIX)
        elif source is not None and _placeholders(text) != _placeholders(source):
            yield ContentProblem(
                located.file, located.line, key, "{…} の差し込みが日本語と違います", f"日本語: {source}"
            )
        units = japanese_units(language, text)
        if units:
            yield ContentProblem(
                located.file,
                located.line,
                key,
                f"日本語の単位が残っています: {'、'.join(units)}",
                f"{language.name} の言葉で単位を書きます（例: 130 years, 2 people, 300 yen）",
            )


def unreviewed_translations(catalogue: Catalogue) -> dict[str, dict[str, int]]:
    """Per language whose `reviewed_by` is empty: how many of its texts each translation file holds, all of them
    waiting for a fluent speaker's review (`kiosk check --verify`)."""
    unreviewed: dict[str, dict[str, int]] = {}
    for code, language in catalogue.languages.items():
        if code == SOURCE_LANGUAGE or language.reviewed_by:
            continue
        per_file: dict[str, int] = {}
        for file in catalogue.origins.get(code, {}).values():
            per_file[file] = per_file.get(file, 0) + 1
        unreviewed[code] = dict(sorted(per_file.items()))
    return unreviewed


def missing_translations(catalogue: Catalogue, content: Content, code: str) -> dict[str, str]:
    """Content and interface texts not yet translated into `code`, with their Japanese source (none for Japanese:
    the content is written in it)."""
    if code == SOURCE_LANGUAGE:
        return {}
    missing = {
        key: text for key, text in text_catalogue(content).items() if not catalogue.content.get(code, {}).get(key)
    }
    source_ui = {**PHRASES, **catalogue.ui.get(SOURCE_LANGUAGE, {})}
    translated = catalogue.ui.get(code, {})
    missing.update(
        {f"ui:{k}": v for k, v in source_ui.items() if not translated.get(k) and not k.startswith(STAFF_ONLY)}
    )
    return missing


def _read(path: Path, problems: list[ContentProblem]) -> tuple[dict[str, Any], dict[Path_, int]]:
    """A translation file's mapping and the line of each key."""
    if not path.exists():
        problems.append(ContentProblem(_rel(path), None, "", "ファイルがありません", "翻訳ファイルを作ってください"))
        return {}, {}
    try:
        data, positions = load_yaml(path)
    except YamlSyntaxError as exc:
        problems.append(ContentProblem(_rel(path), exc.line, "", f"YAML として読めません: {exc.message}", exc.fix))
        return {}, {}
    return (data, positions) if isinstance(data, dict) else ({}, {})


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        elif value is not None:
            flat[full] = str(value)
    return flat


def _key_lines(data: dict[str, Any], positions: dict[Path_, int], path: Path_ = ()) -> Iterator[tuple[str, int | None]]:
    """Each flattened key (as _flatten writes it) with the line it is written on."""
    for key, value in data.items():
        here = (*path, key)
        if isinstance(value, dict):
            yield from _key_lines(value, positions, here)
        elif value is not None:
            yield ".".join(str(part) for part in here), positions.get(here)


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:  # reported by format_problem
        return set()


def _rel(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[parts.index("questionnaires") :]) if "questionnaires" in parts else str(path)
