"""The scripts of the coming languages print with real glyphs from system fonts: a short text in Simplified Chinese,
Korean, Nepali and Vietnamese, styled by the app's own stylesheets (kiosk.css with its per-:lang() font stacks,
print.css), printed to PDF by Chromium and read back with pdftotext and pdffonts (poppler-utils).

Each text is printed alone, so pdffonts shows exactly the fonts it needed: the one its :lang() names, embedded, and
no other (a glyph missing from it would have pulled in a fallback font, or come out as tofu and not read back).
Chinese must not be drawn with the Japanese font's glyph shapes."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from ..conftest import require_program

STATIC = Path(__file__).resolve().parents[2] / "static" / "css"
SAMPLES = {
    # lang: (text, the PostScript name of the font that must draw it)
    "zh-Hans": ("办理死亡登记手续时，请带上身份证和印章。", "NotoSansCJKsc"),
    "ko": ("사망 신고를 하려면 신분증을 가져오세요.", "NotoSansCJKkr"),
    "ne": ("मृत्यु दर्ता गर्न परिचयपत्र ल्याउनुहोस्।", "NotoSansDevanagari"),
    "vi": ("Khai tử cần mang theo giấy tờ tùy thân và con dấu.", "NotoSans-"),
}


def page_html(lang: str, text: str) -> str:
    """A page as the app writes one: <html lang>, the app's stylesheets, the text in a heading and a paragraph."""
    styles = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in ("kiosk.css", "print.css"))
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><style>{styles}</style></head>'
        f'<body><main class="main"><h1>{text}</h1><p>{text}</p></main></body></html>'
    )


def pdf_fonts(pdf: Path) -> list[tuple[bool, bool]]:
    """(embedded?, maps to Unicode?) for each font of the PDF, from pdffonts."""
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    fonts = []
    for line in listing.splitlines()[2:]:  # after the header and its rule
        columns = line.split()  # name type [encoding…] emb sub uni object ID
        fonts.append((columns[-5] == "yes", columns[-3] == "yes"))
    return fonts


def font_names(pdf: Path) -> set[str]:
    """The fonts the glyphs come from, without the subset prefix (ABCDEF+). Chromium embeds CFF-based fonts such as
    Noto Sans CJK as Type 3 fonts, which pdffonts lists as [none]: their FontDescriptor still names the font."""
    names = re.findall(rb"/FontName\s*/([^\s/<>\[\]()]+)", pdf.read_bytes())
    return {name.decode("latin-1").split("+")[-1] for name in names}


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


@pytest.mark.parametrize("lang", list(SAMPLES))
def test_each_script_prints_with_its_own_noto_font(chromium: Browser, tmp_path: Path, lang: str) -> None:
    require_program("pdftotext", "pdffonts", install="apt-get install poppler-utils")  # fails on CI when missing
    text, font = SAMPLES[lang]
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.set_content(page_html(lang, text), wait_until="load")
        pdf = tmp_path / f"{lang}.pdf"
        pdf.write_bytes(page.pdf(format="A4"))
    finally:
        context.close()
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded and unicode for embedded, unicode in fonts), fonts
    names = font_names(pdf)
    assert names and all(name.startswith(font) for name in names), f"{lang} drawn with {names}, not only {font}*"
    assert not any("CJKjp" in name or "IPAex" in name for name in names), "Japanese glyph shapes used"
    extracted = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert squeezed(extracted).count(squeezed(text)) == 2, extracted
