"""url_for, remembering the URLs it has built: for templates and for the routes' links and redirects.

A page builds its links with url_for: the style sheets and scripts, the menu, the language form, a staff case
its print links; about 17 on a staff case view, 4 µs each, a tenth of the request; a question page its back
link, an answer its redirect. A relative URL depends only on the application's root (SCRIPT_NAME), the
endpoint and the values, so it is built once and then looked up. URLs with an anchor, a scheme or _external
go to Flask's url_for as they are.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask import url_for as flask_url_for

from .lru import LRU

MAX_URLS = 4096


class UrlMemo:
    """Built URLs, remembered (the most recently used MAX_URLS)."""

    def __init__(self, size: int = MAX_URLS) -> None:
        self._urls: LRU[tuple[Any, ...], str] = LRU(size)

    def url_for(self, endpoint: str, **values: Any) -> str:
        """Flask's url_for, remembered for absolute endpoint names and plain values."""
        if endpoint.startswith(".") or any(name.startswith("_") for name in values) or not has_request_context():
            return flask_url_for(endpoint, **values)
        # The values' types too: 1, 1.0 and True are equal keys but not the same URL.
        key = (request.script_root, endpoint, *sorted((name, type(value), value) for name, value in values.items()))
        try:
            url = self._urls.get(key)
        except TypeError:  # a value that cannot be a key (a list): build it every time
            return flask_url_for(endpoint, **values)
        if url is None:
            url = flask_url_for(endpoint, **values)
            self._urls.put(key, url)
        return url


def url_for(endpoint: str, **values: Any) -> str:
    """Flask's url_for, remembered per app (a drop-in for routes)."""
    memo: UrlMemo = current_app.extensions["kiosk_urls"]
    return memo.url_for(endpoint, **values)


def init_app(app: Flask) -> None:
    """Templates' url_for remembers what it built (one memo per app: its URL map)."""
    memo = UrlMemo()
    app.extensions["kiosk_urls"] = memo
    app.jinja_env.globals["url_for"] = memo.url_for
