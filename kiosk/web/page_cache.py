"""Rendered pages kept in memory, keyed by everything they show, with the CSRF token filled in per request.

Most question pages are identical for every resident at the same point of a flow (same question, language,
display settings and answer), and rendering is most of what a page costs. A page is rendered once with markers
where the session's CSRF token (and any other per-request part, a "slot") goes, encoded once, and kept as the
byte strings between the markers; each request joins them with its own token and slots. Joining is about
eight times faster than replacing the markers in the text, and encoding a large Japanese page costs as much as
the rest of the request (docs/benchmarks.md). Only pages without errors are kept; the key must name every input
of the page (the route builds it), and everything the page shows must come from those inputs, never from other
session data: per-request parts, personal data above all, go into slots, which are never kept.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app, render_template, request, session
from markupsafe import Markup

from . import state
from .csrf_tokens import csrf_token
from .lru import LRU

RESIDENT_PAGES, STAFF_PAGES = "kiosk_pages", "kiosk_staff_pages"  # the two caches, in app.extensions
Parts = tuple[bytes | str, ...]  # encoded text at even positions, slot names at odd ones


class PageCache:
    """Rendered pages, least recently used forgotten first, within a total size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._secret = secrets.token_hex(16)  # letters and digits: markers are never escaped or split
        self._marker = re.compile(f"slot{self._secret}([a-z_]+)end")
        self._pages: LRU[Hashable, Parts] = LRU(max_bytes, _size)

    def marker(self, name: str) -> Markup:
        """What a template shows where the slot `name` goes (the CSRF token is the slot "csrf")."""
        return Markup(f"slot{self._secret}{name}end")

    def split(self, page: str) -> Parts:
        """A rendered page as encoded text between its slots."""
        pieces = self._marker.split(page)
        return tuple(piece.encode() if index % 2 == 0 else piece for index, piece in enumerate(pieces))

    def get(self, key: Hashable) -> Parts | None:
        """The kept page for a key, if any."""
        return self._pages.get(key)

    def put(self, key: Hashable, parts: Parts) -> None:
        """Keep a page, forgetting the least recently used ones when full."""
        if _size(parts) <= self.max_bytes // 8:  # one page must not push out everything else
            self._pages.put(key, parts)


def _size(parts: Parts) -> int:
    return sum(len(part) for part in parts[::2])


def fill(parts: Parts, values: dict[str, bytes]) -> bytes:
    """The page with each slot's value."""
    pieces = list(parts)
    pieces[1::2] = [values[name] for name in parts[1::2]]  # type: ignore[index]
    return b"".join(pieces)  # type: ignore[arg-type]


def display_key() -> tuple[Hashable, ...]:
    """What every page's frame depends on: language, mode, display preferences, today, the page's path."""
    return (
        state.language_code(),
        current_app.config["KIOSK_MODE"],
        bool(session.get("large_text")),
        bool(session.get("furigana")),
        state.today(),
        request.full_path,
    )


def render_cached(template: str, key: tuple[Hashable, ...], slots: dict[str, str] | None = None,
                  cache_name: str = RESIDENT_PAGES, **context: Any) -> bytes:
    """render_template for a page that depends only on `key` (plus display_key()), the CSRF token and `slots`.

    The template shows each slot with {{ slots.NAME }}; `slots` gives this request's (already escaped) HTML
    for them, which is never kept. `cache_name`: STAFF_PAGES keeps staff pages apart, so that a busy counter
    does not push the residents' pages out."""
    cache: PageCache = current_app.extensions[cache_name]
    full_key = (template, *key, *display_key())
    parts = cache.get(full_key)
    if parts is None:
        markers = {name: cache.marker(name) for name in slots or {}}
        page = render_template(template, **{**context, "slots": markers, "csrf_token": lambda: cache.marker("csrf")})
        parts = cache.split(page)
        cache.put(full_key, parts)
    values = {name: html.encode() for name, html in (slots or {}).items()}
    values["csrf"] = csrf_token().encode()
    return fill(parts, values)


def init_app(app: Flask, max_bytes: int = 8_000_000, staff_max_bytes: int = 2_000_000) -> None:
    """Per app and server process: at most about 8 MB of residents' pages and 2 MB of staff pages (a staff case
    page is about 90 kB: some twenty cases and their recent statuses)."""
    app.extensions[RESIDENT_PAGES] = PageCache(max_bytes)
    app.extensions[STAFF_PAGES] = PageCache(staff_max_bytes)
