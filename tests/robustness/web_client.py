"""A resident's browser without JavaScript, over real HTTP (http.client): cookies, CSRF tokens, redirects."""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
QUESTION = re.compile(r'action="/([a-z]+)/questions/([a-z0-9_]+)"')


class HttpError(Exception):
    """A reply that is not 2xx or 3xx, or no reply at all."""


class Browser:
    """One resident on one device: keeps the session cookie, counts requests and their latency."""

    def __init__(self, base: str, timeout: float = 30.0) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.timeout = timeout
        self.cookie: str | None = None
        self.csrf_cookie: str | None = None  # the forms' CSRF secret, until the session is stored
        self.page = ""
        self.requests = 0
        self.latencies: list[float] = []

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        """(status, Location or body). Raises HttpError for a 4xx/5xx or a failed connection."""
        headers = {"Connection": "close"}
        cookies = {"kiosk_session": self.cookie, "kiosk_csrf": self.csrf_cookie}
        if any(cookies.values()):
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items() if value)
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.requests += 1
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body, headers)
            reply = connection.getresponse()
            text = reply.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            raise HttpError(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        finally:
            connection.close()
        self.latencies.append(time.perf_counter() - started)
        for header in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0] or None
            if name == "kiosk_session":
                self.cookie = value
            elif name == "kiosk_csrf":
                self.csrf_cookie = value
        if reply.status >= 400:
            raise HttpError(f"{method} {path}: {reply.status} {text[:300]!r}")
        if 300 <= reply.status < 400:
            return reply.status, reply.headers["Location"]
        self.page = text
        return reply.status, text

    def get(self, path: str) -> int:
        status, _ = self.request("GET", path)
        return status

    def post(self, path: str, form: dict) -> str:
        """POST a form with the current page's CSRF token; returns the redirect's Location (or raises)."""
        match = CSRF.search(self.page)
        if not match:
            raise HttpError(f"POST {path}: no CSRF token on the page before it")
        status, location = self.request("POST", path, {"csrf_token": match.group(1), **form})
        if status not in (302, 303):
            raise HttpError(f"POST {path}: {status} instead of a redirect")
        return location

    def follow(self, location: str) -> None:
        for _ in range(5):
            status, reply = self.request("GET", location)
            if status < 300:
                return
            location = reply
        raise HttpError(f"too many redirects from {location}")

    def current_question(self) -> tuple[str, str] | None:
        match = QUESTION.search(self.page)
        return (match.group(1), match.group(2)) if match else None


def form_for(value) -> dict:
    """The form fields a person fills in for an answer (as tests/web/conftest.py's Resident.answer)."""
    if isinstance(value, list):
        return {"answer": value}
    if value == "unknown":
        return {"unknown": "1", "answer": "unknown"}
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        year, month, day = text.split("-")
        return {"answer-year": year, "answer-month": month, "answer-day": day}
    return {"answer": text}


def answer_flow(browser: Browser, event: str, answers: dict, on_answer=None, limit: int = 80) -> list[str]:
    """From the event's start page to 「答えを確かめてください」: returns the question ids answered, in order.
    `on_answer(browser, index)` may switch servers between answers."""
    browser.follow(f"/{event}/")
    browser.follow(browser.post(f"/{event}/start", {}))
    asked = []
    for index in range(limit):
        if 'class="summary-list"' in browser.page:
            return asked
        found = browser.current_question()
        if found is None:
            raise HttpError(f"no question and no check page: {browser.page[:300]!r}")
        _, question_id = found
        if on_answer is not None:
            on_answer(browser, index)
            browser.follow(f"/{event}/questions/{question_id}")
        value = answers.get(question_id, "unknown")
        browser.follow(browser.post(f"/{event}/questions/{question_id}", form_for(value)))
        asked.append(question_id)
    raise HttpError(f"the {event} flow did not end within {limit} answers")
