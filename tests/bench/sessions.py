"""Prepare what the load runs need by driving the running app over HTTP, like a browser without JavaScript.

A resident answers the largest おくやみ scenario up to the result, opens the slip (which creates the case), and
staff log in and find that case. Every step checks its status code, so a broken flow stops the benchmark
instead of measuring error pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

COOKIE = "kiosk_session"
MAX_STEPS = 120  # the longest flow has well under 120 questions
TIMEOUT = 30


class FlowError(RuntimeError):
    """The app did not answer as a resident or clerk would expect."""


@dataclass
class Prepared:
    """Sessions and ids the load runs use."""

    resident_cookie: str  # a resident with the largest おくやみ result and a slip
    answer_sessions: list[tuple[str, str]]  # (cookie, csrf token) of residents used for the POST runs
    staff_cookie: str
    case_id: int
    procedures: int  # procedures on the result page (sanity check that the case is the large one)


def scenario_answers(path: Path) -> dict[str, Any]:
    """The answers of a scenario file (tests/scenarios/<event>/*.yaml)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    answers: dict[str, Any] = data["answers"]
    return answers


class Browser:
    """One resident or clerk: a cookie jar, the last page, and the CSRF token on it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.page = ""

    def get(self, path: str, expect: int = 200) -> requests.Response:
        response = self.http.get(self.base + path, allow_redirects=False, timeout=TIMEOUT)
        if response.status_code != expect:
            raise FlowError(f"GET {path}: {response.status_code}, expected {expect}")
        self.page = response.text
        return response

    def csrf(self) -> str:
        match = re.search(r'name="csrf_token" value="([^"]+)"', self.page)
        if not match:
            raise FlowError("no CSRF token on the page")
        return match.group(1)

    def post(self, path: str, data: dict[str, Any], expect: int = 302) -> requests.Response:
        data = {"csrf_token": self.csrf(), **data}
        response = self.http.post(self.base + path, data=data, allow_redirects=False, timeout=TIMEOUT)
        if response.status_code != expect:
            raise FlowError(f"POST {path}: {response.status_code}, expected {expect}: {response.text[:300]}")
        return response

    def follow(self, response: requests.Response) -> requests.Response:
        location = response.headers["Location"]
        if location.startswith("http"):
            location = "/" + location.split("/", 3)[3]
        return self.get(location)

    @property
    def cookie(self) -> str:
        value = self.http.cookies.get(COOKIE)
        if not value:
            raise FlowError("no session cookie")
        return str(value)


def form_fields(value: Any) -> dict[str, Any]:
    """The form fields for one answer, as the question page's form sends them."""
    if isinstance(value, list):
        return {"answer": value}
    text = str(value)
    if text == "unknown":
        return {"unknown": "1", "answer": "unknown"}
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        year, month, day = text.split("-")
        return {"answer-year": year, "answer-month": month, "answer-day": day}
    return {"answer": text}


def answer_flow(browser: Browser, event: str, answers: dict[str, Any]) -> None:
    """Start `event` and answer every question asked from `answers`, up to the check-answers page."""
    browser.get(f"/{event}/")
    browser.follow(browser.post(f"/{event}/start", {}))
    for _ in range(MAX_STEPS):
        if 'class="summary-list"' in browser.page:
            return
        match = re.search(rf'action="/{event}/questions/([a-z0-9_]+)"', browser.page)
        if not match:
            raise FlowError(f"no question on the page: {browser.page[:300]}")
        question_id = match.group(1)
        if question_id not in answers:
            raise FlowError(f"the scenario has no answer for {question_id}")
        browser.follow(browser.post(f"/{event}/questions/{question_id}", form_fields(answers[question_id])))
    raise FlowError("the flow did not end")


def prepare(base: str, answers: dict[str, Any], staff: tuple[str, str], answer_question: str,
            answer_values: tuple[str, str], answer_sessions: int) -> Prepared:
    """Sessions for every endpoint; checks that answering `answer_question` really saves each value."""
    resident = Browser(base)
    answer_flow(resident, "okuyami", answers)
    result = resident.get("/okuyami/result")
    procedures = len(set(re.findall(r'id="procedure-([a-z0-9_]+)"', result.text)))
    resident.get("/okuyami/slip")
    if "<svg" not in resident.page:
        raise FlowError("the slip has no QR code")

    clerk = Browser(base)
    clerk.get("/staff/login")
    clerk.post("/staff/login", {"name": staff[0], "password": staff[1]})
    clerk.get("/staff/")
    case_ids = sorted({int(found) for found in re.findall(r'/staff/cases/(\d+)', clerk.page)})
    if not case_ids:
        raise FlowError("the staff dashboard lists no case")
    clerk.get(f"/staff/cases/{case_ids[-1]}")

    posters: list[tuple[str, str]] = []
    for _ in range(answer_sessions):
        poster = Browser(base)
        answer_flow(poster, "okuyami", answers)
        path = f"/okuyami/questions/{answer_question}"
        for value in answer_values:  # each value is saved and shown again on the question page
            poster.get(path)
            poster.post(path, form_fields(value))
            poster.get(path)
            if not re.search(rf'value="{value}"[^>]*\bchecked\b', poster.page):
                raise FlowError(f"answering {answer_question}={value} was not saved")
        poster.get(path)
        posters.append((poster.cookie, poster.csrf()))
    return Prepared(resident.cookie, posters, clerk.cookie, case_ids[-1], procedures)
