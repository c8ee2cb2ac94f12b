"""Rendered pages kept in memory, keyed by everything they show, with the CSRF token filled in per request.

Most question pages are identical for every resident at the same point of a flow (same question, language,
display settings and answer), and rendering is most of what a page costs. A page is rendered once with a
placeholder where the session's CSRF token goes; each request copies it with its own token. Only pages
without errors are kept; the key must name every input of the page (the route builds it), and everything
the page shows must come from those inputs, never from other session data.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from flask import Flask, current_app, render_template, request, session

from . import state
from .csrf_tokens import csrf_token


class PageCache:
    """A thread-safe LRU of rendered pages, bounded by their total length."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._chars = 0
        self.placeholder = "csrf" + secrets.token_hex(16)  # letters and digits: never escaped or split
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        """The rendered page for a key, if kept."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: str) -> None:
        """Keep a page, forgetting the least recently used one when full."""
        if len(page) > self.max_chars // 8:
            return  # one page must not push out everything else
        with self._lock:
            previous = self._pages.pop(key, None)
            self._chars += len(page) - (len(previous) if previous is not None else 0)
            self._pages[key] = page
            while self._chars > self.max_chars:
                _, dropped = self._pages.popitem(last=False)
                self._chars -= len(dropped)


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


def _with_token(full_key: tuple[Hashable, ...], template: str, context: dict[str, Any]) -> str:
    cache: PageCache = current_app.extensions["kiosk_pages"]
    page = cache.get(full_key)
    if page is None:
        page = render_template(template, **{**context, "csrf_token": lambda: cache.placeholder})
        cache.put(full_key, page)
    return page.replace(cache.placeholder, csrf_token())


def render_cached(template: str, key: tuple[Hashable, ...], **context: Any) -> str:
    """render_template for a page that depends only on `key` (plus display_key()) and the CSRF token."""
    return _with_token((template, *key, *display_key()), template, context)


def render_fragment(template: str, key: tuple[Hashable, ...], **context: Any) -> str:
    """A part of a page that depends only on `key`, the language and today (and the CSRF token)."""
    return _with_token(("fragment", template, *key, state.language_code(), state.today()), template, context)


def init_app(app: Flask, max_chars: int = 4_000_000) -> None:
    """One cache per app: at most about 8 MB per server process (Japanese text takes 2 bytes a character)."""
    app.extensions["kiosk_pages"] = PageCache(max_chars)
