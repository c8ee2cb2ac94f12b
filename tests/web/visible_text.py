"""The text a resident sees on a page (and hears from a screen reader), and the Japanese in it that a page in
another language must not show.

The allow-rule, in full. Japanese may appear on a page in another language only
  1. inside round brackets right after a term in the page's language, the glossary style: "Relationship (続柄)",
     "Death registration (死亡届)" — the resident can match the English to the Japanese word on a paper or a sign;
  2. as an official name shown as a name, followed by its explanation in the page's language in round brackets:
     "身体障害者手帳 (physical disability)", "「田」 (rice field)";
  3. inside an element the page itself marks lang="ja": only the language picker's own names (日本語,
     やさしい日本語) and the letters to Japanese offices (written in Japanese for their reader).
Everything else in Japanese — kana, kanji, Japanese punctuation (、。「」・：｜) and full-width forms such as （）
and the ideographic space — is a leak. The full-width low line ＿ of a blank to write on is not language.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uff3e\uff40-\uffef]+")
"""Japanese punctuation, kana, kanji and full-width forms (not ＿, U+FF3F)."""

MARKED_JAPANESE = ("language", "outside__letter")
"""The only elements allowed lang="ja" on another language's page: the language picker, the letters to offices
(by the class of the element or of its nearest classed ancestor)."""

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCK = {"p", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "br", "option", "button",
         "label", "title", "summary", "legend", "caption", "section", "header", "footer", "nav", "form", "ul", "ol",
         "textarea", "pre", "figcaption", "a"}
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
TERM_BEFORE_BRACKET = re.compile(r"[A-Za-z0-9.,'’\"”)\]]\s*$")
NAME_WITH_GLOSS = re.compile(
    r"[“「]?[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+[”」]?(?=\s*\([A-Za-z])"
)
"""An official name in Japanese (quoted or not) followed by its explanation in round brackets (rule 2)."""


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.marked: list[tuple[str, str]] = []  # (classes around, text) of lang="ja" elements
        self.stack: list[tuple[str, str | None, str]] = []  # (tag, lang, class)

    def _lang(self) -> str | None:
        return next((lang for _, lang, _ in reversed(self.stack) if lang is not None), None)

    def _classes(self) -> str:
        return " ".join(cls for _, _, cls in self.stack if cls)

    def _skipped(self) -> bool:
        return any(tag in ("script", "style", "svg") for tag, _, _ in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in BLOCK:
            self.parts.append("\n")
        if tag not in VOID:
            self.stack.append((tag, values.get("lang"), values.get("class") or ""))
        if not self._skipped():
            for name in READ_ATTRIBUTES:
                if values.get(name):
                    self.parts.append(f"\n{values[name]}\n")
        if tag in VOID and self.stack and tag == "input" and values.get("type") in ("submit", "button"):
            self.parts.append(f"\n{values.get('value') or ''}\n")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skipped():
            return
        lang = self._lang()
        if lang is not None and lang.split("-")[0] != "en":  # 日本語, 简体中文 … marked as their own language
            self.marked.append((self._classes(), data))
            return
        self.parts.append(data)


def visible_text(html: str) -> tuple[str, list[tuple[str, str]]]:
    """The page's text (with the attributes read aloud), and the text of elements marked lang="ja" (with the
    classes around each)."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts), parser.marked


def without_glossary_brackets(text: str) -> str:
    """The text without what rules 1 and 2 allow: "Relationship (続柄)" → "Relationship",
    "身体障害者手帳 (physical disability)" → " (physical disability)"."""
    text = NAME_WITH_GLOSS.sub("", text)
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "(" and TERM_BEFORE_BRACKET.search("".join(out[-12:])):
            depth, end = 0, index
            while end < len(text):
                if text[end] in "(（":
                    depth += 1
                elif text[end] in ")）":
                    depth -= 1
                    if depth == 0:
                        break
                end += 1
            if end < len(text) and text[end] == ")":
                index = end + 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


def japanese_leaks(html: str) -> list[str]:
    """Each line of the page's visible text with Japanese the allow-rule does not allow, and each lang="ja"
    element outside the picker and the letters."""
    text, marked = visible_text(html)
    leaks = [
        line.strip()
        for line in without_glossary_brackets(text).splitlines()
        if JAPANESE.search(line)
    ]
    leaks += [f'lang="ja" in {classes!r}: {data.strip()}' for classes, data in marked
              if data.strip() and not any(allowed in classes.split() for allowed in MARKED_JAPANESE)]
    return leaks
