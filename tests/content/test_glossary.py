"""Every translation follows docs/glossary.md: one term, one translation, Japanese only where the glossary allows.

The glossary has one section per language (`## English (en)`), each a table of
日本語 | translation forms | Japanese in parentheses (yes/no) | variants not to use.
A language with a section is checked against it; a language without one is not checked yet.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.config import content_dir
from kiosk.engine import Content
from kiosk.engine.localize import PHRASES
from kiosk.engine.texts import text_catalogue
from kiosk.i18n import SOURCE_LANGUAGE, Catalogue, load_catalogue

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"
SECTION = re.compile(r"^## .*\(([A-Za-z-]+)\)\s*$")
JAPANESE = "\u3005\u3006\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff5e"
JAPANESE_RUN = re.compile(f"[{JAPANESE}][{JAPANESE}0-9]*")
NAME_SEPARATORS = re.compile("[・、（）]")
QUOTED = re.compile(r"\([^()]*\)|“[^“”]*”|「[^「」]*」")
# Chinese (zh-Hans) is written in Han characters too: there only kana (and 々〆) mark a run as Japanese, a run
# starts at its first kana, and a glossary form is found inside a word (Chinese puts no spaces between words).
KANA_RUN = re.compile("[\u3005\u3006\u3040-\u30ff][\u3005\u3006\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff0-9]*")
HAN_SCRIPT_LANGUAGES = {"zh-Hans"}


@dataclass(frozen=True)
class Term:
    """One glossary row for one language."""

    japanese: str
    forms: tuple[str, ...]
    in_parentheses: bool
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Text:
    """One translated text beside its Japanese source."""

    key: str
    source: str
    translation: str


def parse_glossary(markdown: str) -> dict[str, list[Term]]:
    """The glossary's rows by language code, in the order written."""
    glossary: dict[str, list[Term]] = {}
    language: str | None = None
    for line in markdown.splitlines():
        heading = SECTION.match(line)
        if heading:
            language = heading.group(1)
            glossary[language] = []
            continue
        if language is None or not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] == "日本語" or set(cells[0]) <= {"-", ":"}:
            continue
        japanese, forms, parentheses, variants = cells
        glossary[language].append(
            Term(japanese, _split(forms), parentheses.lower() == "yes", _split(variants) if variants != "—" else ())
        )
    return glossary


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _normal(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").lower()


@functools.cache  # 3.4 million lookups of a few hundred phrases (20 s of the test's 26 s without it)
def _pattern(phrase: str) -> re.Pattern[str]:
    """`phrase` as a whole word: "fee" is not found in "feel"; "¥" is found in "¥450"."""
    before = r"(?<![\w-])" if phrase[:1].isalnum() and not _han(phrase[:1]) else ""
    after = r"(?![\w-])" if phrase[-1:].isalnum() and not _han(phrase[-1:]) else ""
    return re.compile(before + re.escape(_normal(phrase)) + after)


def _han(character: str) -> bool:
    """A CJK ideograph: a Chinese word has no word boundary beside it."""
    return "\u3400" <= character <= "\u9fff" or "\uf900" <= character <= "\ufaff"


def glossary_problems(terms: list[Term]) -> list[str]:
    """Rows that contradict each other: a term translated two ways, or a form that is also a variant."""
    problems = []
    seen: dict[str, Term] = {}
    for term in terms:
        if not term.forms:
            problems.append(f"{term.japanese}: no translation")
        if term.japanese in seen and seen[term.japanese].forms != term.forms:
            problems.append(f"{term.japanese}: translated two ways, {seen[term.japanese].forms} and {term.forms}")
        seen.setdefault(term.japanese, term)
        for variant in term.variants:
            if any(_normal(variant) == _normal(form) for form in term.forms):
                problems.append(f"{term.japanese}: {variant!r} is both a form and a variant")
    return problems


def _without_longer_terms(source: str, longer: tuple[str, ...]) -> str:
    """The source with the `longer` glossary terms that contain a term blanked (世帯 inside 世帯主)."""
    for other in longer:
        source = source.replace(other, "□")
    return source


@functools.cache  # once per glossary, not once per term of every text
def _longer_terms(all_japanese: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """For each term, the other terms that contain it."""
    return {japanese: tuple(other for other in all_japanese if japanese in other and other != japanese)
            for japanese in all_japanese}


def _without_quoted_names(text: Text, glossary_japanese: set[str]) -> str:
    """The source without the official names the translation quotes in parentheses: a law or form name has its
    own English (国家公務員共済組合法 is the National Public Officers Mutual Aid Association Act). A quoted
    glossary term stays: "(相続登記)" still needs "inheritance registration" before it."""
    source = text.source
    for group in re.findall(r"\(([^()]*)\)", text.translation):
        for run in JAPANESE_RUN.findall(group):
            for name in NAME_SEPARATORS.split(run):
                if len(name) > 1 and name not in glossary_japanese:
                    source = source.replace(name, "□")
    return source


def _copied_from(name: str, source: str) -> bool:
    """True when `name` is made of pieces (two characters or more) of the source, as an official name is when
    the translation leaves out a part in brackets: 子どもの医療証の返却 from 子どもの医療証（マル乳…）の返却."""
    if len(name) == 1:
        return name in source
    start = 0
    while start < len(name):
        end = next((end for end in range(len(name), start + 1, -1) if name[start:end] in source), None)
        if end is None:
            return False
        start = end
    return True


def text_problems(terms: list[Term], text: Text, language: str = "") -> list[str]:
    """How one translation breaks the glossary: a missing term, a missing (日本語), a variant, stray Japanese."""
    problems = []
    translation = _normal(text.translation)
    glossary_japanese = {term.japanese for term in terms}
    source = _without_quoted_names(text, glossary_japanese)
    longer = _longer_terms(tuple(term.japanese for term in terms))
    for term in terms:
        if term.japanese in _without_longer_terms(source, longer[term.japanese]):
            if not any(_pattern(form).search(translation) for form in term.forms):
                problems.append(f"{text.key}: {term.japanese} should be “{term.forms[0]}”: {text.translation}")
            elif term.in_parentheses:
                groups = re.findall(r"\(([^()]*)\)", text.translation)
                if not any(term.japanese in group for group in groups):
                    problems.append(f"{text.key}: “{term.forms[0]} ({term.japanese})” needed once: {text.translation}")
                elif groups.count(term.japanese) > 1:
                    problems.append(f"{text.key}: ({term.japanese}) shown more than once: {text.translation}")
        masked = translation
        for form in term.forms:
            masked = _pattern(form).sub("□", masked)
        for variant in term.variants:
            if _pattern(variant).search(masked):
                problems.append(f"{text.key}: {variant!r} is a variant of “{term.forms[0]}”: {text.translation}")
    japanese_run = KANA_RUN if language in HAN_SCRIPT_LANGUAGES else JAPANESE_RUN
    unquoted = QUOTED.sub(" ", text.translation)
    if japanese_run.search(unquoted):
        problems.append(f"{text.key}: Japanese outside parentheses or quotation marks: {text.translation}")
    for group in QUOTED.findall(text.translation):
        for run in japanese_run.findall(group):
            for name in NAME_SEPARATORS.split(run):
                if name and name not in glossary_japanese and not _copied_from(name, text.source):
                    problems.append(f"{text.key}: {name} is neither a glossary term nor in the Japanese source")
    return problems


def translated_texts(content: Content, catalogue: Catalogue, code: str) -> list[Text]:
    """Every resident-facing text translated into `code`, content and interface, beside its Japanese source."""
    texts = []
    translated = catalogue.content.get(code, {})
    for key, source in text_catalogue(content).items():
        if translated.get(key):
            texts.append(Text(key, source, translated[key]))
    interface = catalogue.ui.get(code, {})
    for key, source in {**PHRASES, **catalogue.ui.get(SOURCE_LANGUAGE, {})}.items():
        if interface.get(key) and not _staff_only(key):
            texts.append(Text(f"ui:{key}", source, interface[key]))
    return texts


def _staff_only(key: str) -> bool:
    return key.startswith("staff.") or ".staff." in key


@pytest.fixture(scope="module")
def glossary() -> dict[str, list[Term]]:
    """docs/glossary.md, parsed."""
    return parse_glossary(GLOSSARY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalogue(content: Content) -> Catalogue:
    """The shipped translations."""
    return load_catalogue(content_dir(), content)


def test_the_glossary_has_an_english_section_with_the_core_terms(glossary):
    english = {term.japanese: term for term in glossary["en"]}
    assert english["続柄"].forms[0] == "Relationship" and english["続柄"].in_parentheses
    for japanese in ("医療証", "保育園", "公務員", "市区町村", "相続放棄", "相続登記", "葬祭費", "受付票", "窓口"):
        assert japanese in english


def test_every_glossary_section_names_a_language_the_city_offers(glossary, content):
    assert set(glossary) <= set(content.municipality.languages) - {SOURCE_LANGUAGE}


def test_the_glossary_translates_each_term_one_way(glossary):
    for terms in glossary.values():
        assert glossary_problems(terms) == []


def test_every_translation_follows_the_glossary(glossary, content, catalogue):
    problems = [
        problem
        for code, terms in glossary.items()
        for text in translated_texts(content, catalogue, code)
        for problem in text_problems(terms, text, code)
    ]
    assert problems == [], f"{len(problems)} texts break docs/glossary.md:\n" + "\n".join(problems)


def test_a_planted_inconsistent_text_fails(glossary, content, catalogue):
    terms = glossary["en"]
    texts = {text.key: text for text in translated_texts(content, catalogue, "en")}
    nursery = next(text for text in texts.values() if "保育園" in text.source and "nursery school" in text.translation)
    planted = Text(nursery.key, nursery.source, nursery.translation.replace("nursery school", "daycare"))
    assert any("保育園" in problem for problem in text_problems(terms, planted))
    assert any("'daycare' is a variant" in problem for problem in text_problems(terms, planted))


def test_a_term_without_its_japanese_in_parentheses_fails(glossary):
    terms = glossary["en"]
    bare = Text("planted", "戸籍謄本が必要です。", "You need a family register certificate.")
    shown = Text("planted", "戸籍謄本が必要です。", "You need a family register certificate (戸籍謄本).")
    assert text_problems(terms, bare) and text_problems(terms, shown) == []


def test_a_term_shown_in_parentheses_twice_fails(glossary):
    twice = Text(
        "planted",
        "相続登記が終わるまで…翌年1月1日までに相続登記が終われば…",
        "Until the inheritance registration (相続登記) is finished… if the inheritance registration (相続登記) is…",
    )
    assert any("more than once" in problem for problem in text_problems(glossary["en"], twice))


def test_stray_or_invented_japanese_fails(glossary):
    terms = glossary["en"]
    stray = Text("planted", "マル乳の医療証をお持ちですか。", "Do you have a マル乳 medical card (医療証)?")
    invented = Text("planted", "医療証をお持ちですか。", "Do you have a medical card (医療証) or (乳幼児証)?")
    official = Text("planted", "マル乳の医療証をお持ちですか。", "Do you have a “マル乳” medical card (医療証)?")
    assert text_problems(terms, stray) and text_problems(terms, invented) and text_problems(terms, official) == []


def test_a_term_translated_two_ways_in_the_glossary_fails():
    doubled = parse_glossary(
        "## English (en)\n| 日本語 | English | p | v |\n|---|---|---|---|\n"
        "| 保育園 | nursery school | no | daycare |\n| 保育園 | daycare | no | — |\n"
    )
    assert glossary_problems(doubled["en"])
