"""Languages: interface strings and content translations, all as data in questionnaires/translations/.

    questionnaires/translations/<lang>/ui.yaml        interface strings (ja is the source) and `language:` metadata
    questionnaires/translations/<lang>/content.yaml   content texts by key (see kiosk.engine.texts); not for ja

Adding 中文・한국어・Tiếng Việt・Português needs only a new folder and the code in municipality.yaml `languages`.
Option values and ids are never translated; only texts are.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .engine.content import Content
from .engine.errors import ContentProblem
from .engine.localize import PHRASES
from .engine.texts import text_catalogue
from .engine.yamlsource import YamlSyntaxError, load_yaml

SOURCE_LANGUAGE = "ja"
STAFF_ONLY = "staff."
"""Staff screens are for the city's clerks and stay in Japanese; residents' screens are translated."""


@dataclass(frozen=True)
class Language:
    """A language the resident can choose."""

    code: str
    name: str  # in its own script: 日本語, やさしい日本語, English
    html_lang: str  # BCP 47 for <html lang>: やさしい日本語 is "ja"
    voice: str  # speech voice language


@dataclass
class Catalogue:
    """All translations, loaded once at start-up."""

    languages: dict[str, Language]
    ui: dict[str, dict[str, str]]
    content: dict[str, dict[str, str]]
    problems: list[ContentProblem] = field(default_factory=list)

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
        """An engine phrase (kiosk.engine.localize) in this language, or its Japanese source."""
        text = self._ui.get(key) or source
        return text.format(**params) if params else text

    def __call__(self, key: str, source_text: str) -> str:
        return self.content(key, source_text)


def load_catalogue(root: Path, content: Content) -> Catalogue:
    """Load the translations for every language the municipality offers, and report what is missing."""
    folder = root / "translations"
    languages: dict[str, Language] = {}
    ui: dict[str, dict[str, str]] = {}
    translated: dict[str, dict[str, str]] = {}
    problems: list[ContentProblem] = []
    catalogue_keys = text_catalogue(content)
    for code in content.municipality.languages:
        ui_path = folder / code / "ui.yaml"
        data = _read_flat(ui_path, problems)
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
        languages[code] = Language(
            code, str(meta["name"]), str(meta["html_lang"]), str(meta.get("voice", meta["html_lang"]))
        )
        ui[code] = {k: v for k, v in _flatten(data).items()}
        if code != SOURCE_LANGUAGE:
            translated[code] = {}
            for content_path in sorted((folder / code).glob("*.yaml")):
                if content_path.name != "ui.yaml":
                    translated[code].update(_flatten(_read_flat(content_path, problems)))
    source_ui = ui.get(SOURCE_LANGUAGE, {})
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
        for key, text in ui[code].items():
            if key in source_ui and _placeholders(text) != _placeholders(source_ui[key]):
                problems.append(
                    ContentProblem(
                        f"questionnaires/translations/{code}/ui.yaml",
                        None,
                        key,
                        "{…} の差し込みが日本語と違います",
                        f"日本語: {source_ui[key]}",
                    )
                )
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
    return Catalogue(languages=languages, ui=ui, content=translated, problems=problems)


def missing_translations(catalogue: Catalogue, content: Content, code: str) -> dict[str, str]:
    """Content and interface texts not yet translated into `code`, with their Japanese source."""
    missing = {
        key: text for key, text in text_catalogue(content).items() if not catalogue.content.get(code, {}).get(key)
    }
    source_ui = {**PHRASES, **catalogue.ui.get(SOURCE_LANGUAGE, {})}
    translated = catalogue.ui.get(code, {})
    missing.update(
        {f"ui:{k}": v for k, v in source_ui.items() if not translated.get(k) and not k.startswith(STAFF_ONLY)}
    )
    return missing


def _read_flat(path: Path, problems: list[ContentProblem]) -> dict[str, Any]:
    if not path.exists():
        problems.append(ContentProblem(_rel(path), None, "", "ファイルがありません", "翻訳ファイルを作ってください"))
        return {}
    try:
        data, _ = load_yaml(path)
    except YamlSyntaxError as exc:
        problems.append(ContentProblem(_rel(path), exc.line, "", f"YAML として読めません: {exc.message}", ""))
        return {}
    return data if isinstance(data, dict) else {}


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        elif value is not None:
            flat[full] = str(value)
    return flat


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _rel(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[parts.index("questionnaires") :]) if "questionnaires" in parts else str(path)
