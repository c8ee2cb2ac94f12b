"""One whole visit, as a browser without JavaScript makes it, written once and driven two ways: over real HTTP
(tests/bench/load.py) and in-process against the WSGI app (tests/bench/profile.py).

A visit is a generator: it yields each request (a Step) and is sent the reply; it follows the app's redirects,
reads the CSRF token from each page's form, and checks every status, so a broken flow raises FlowError instead of
being measured. The resident: menu → the event's start page → POST start → each question (its page, then the
answer POSTed) → check answers → result → the personal-details pages of every role (GET and POST; for the
`member` role each member, then `action=done`) → the last POST makes the slip and redirects to it → the slip
page, which prints the reference code. Then a clerk at the counter (a logged-in staff session shared by many
visits) types that code into the scan form (`POST /staff/scan`), sees the case (checked to be this family's) and
prints its forms.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass, field

from .residents import Fields, Plan

MAX_QUESTIONS = 120
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CODE = re.compile(r'<p class="resume-code" lang="en">([0-9A-Z-]+)</p>')
CASE = re.compile(r"/staff/cases/([^/?#]+)$")
SCREEN = re.compile(r'<input type="hidden" name="screen" value="([a-z0-9_]+)">')
GROUP = re.compile(r'data-question="([a-z0-9_]+)"')


class FlowError(RuntimeError):
    """The app did not answer as a resident or clerk would expect."""


@dataclass
class Jar:
    """One browser's cookies (a resident's, or a clerk's shared by the visits it serves)."""

    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""  # the latest CSRF token this browser saw

    def header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def update(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            lowered = rest.lower()
            if not value or "expires=thu, 01 jan 1970" in lowered or "max-age=0" in lowered:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    form: Fields | None
    jar: Jar
    kind: str  # what the page is, for the per-page figures
    think: bool  # a person acts (under the ramp a think time comes first); False: a redirect followed at once
    expect: int = 200


@dataclass
class Reply:
    status: int
    location: str  # the path of a redirect, "" otherwise
    text: str
    set_cookies: list[str] = field(default_factory=list)


def local(location: str) -> str:
    """The path of a Location header (absolute or not)."""
    if location.startswith(("http://", "https://")):
        return "/" + location.split("/", 3)[3] if location.count("/") >= 3 else "/"
    return location


Visit = Generator[Step, Reply, str]


def resident_visit(plan: Plan, clerk: Jar) -> Visit:
    """The whole visit; returns the slip's reference code."""
    event = plan.event
    me = Jar()

    def get(path: str, kind: str, think: bool = True) -> Step:
        return Step("GET", path, None, me, kind, think)

    def post(path: str, form: Fields, kind: str) -> Step:
        return Step("POST", path, {"csrf_token": me.token, **form}, me, kind, True, 302)

    def follow(reply: Reply, kind: str) -> Step:
        if not reply.location:
            raise FlowError(f"expected a redirect for {kind}")
        return Step("GET", reply.location, None, me, kind, False)

    reply = yield get("/", "menu")
    reply = yield get(f"/{event}/", "event start")
    reply = yield post(f"/{event}/start", {}, "start (POST)")
    reply = yield follow(reply, "question")
    for _ in range(MAX_QUESTIONS):
        if 'class="summary-list"' in reply.text:
            break
        match = re.search(rf'action="/{event}/questions/([a-z0-9_]+)"', reply.text)
        if not match:
            raise FlowError(f"{event}: no question on the page")
        path = f"/{event}/questions/{match.group(1)}"
        screen = SCREEN.search(reply.text)
        if screen:  # a screen of several questions: all its answers in one form
            fields = plan.screen_fields(screen.group(1), GROUP.findall(reply.text))
        else:
            fields = plan.fields_for(match.group(1))
        reply = yield post(path, fields, "answer (POST)")
        if reply.location.endswith("/check"):
            reply = yield follow(reply, "check answers")
        else:
            reply = yield follow(reply, "question")
    else:
        raise FlowError(f"{event}: the flow did not end")
    reply = yield get(f"/{event}/result", "result")
    if 'id="procedure-' not in reply.text:
        raise FlowError(f"{event}: the result lists no procedure")
    reply = yield get(f"/{event}/prefill", "details")
    roles = list(plan.prefill) + (["member"] if event == "hikkoshi" else [])
    reply = yield get(f"/{event}/prefill/{roles[0]}", "details form")
    for role in roles:
        if role == "member":
            for member in plan.members:
                reply = yield post(f"/{event}/prefill/member", member, "details (POST)")
                reply = yield follow(reply, "details form")
            reply = yield post(f"/{event}/prefill/member", {"action": "done"}, "details (POST)")
        else:
            reply = yield post(f"/{event}/prefill/{role}", plan.prefill[role], "details (POST)")
        reply = yield follow(reply, "slip" if reply.location.endswith("/slip") else "details form")
    code = CODE.search(reply.text)
    if not code or 'class="slip__qr"><svg' not in reply.text:
        raise FlowError(f"{event}: the slip has no QR code or reference code")

    # At the counter: the clerk types the printed reference code, sees the case, prints the forms.
    reply = yield Step("POST", "/staff/scan", {"csrf_token": clerk.token, "code": code.group(1)}, clerk,
                       "staff scan (POST)", True, 302)
    case = CASE.search(reply.location)
    if not case:
        raise FlowError(f"the scan did not open a case: {reply.location!r}")
    reply = yield Step("GET", reply.location, None, clerk, "staff case", False)
    if plan.applicant_name not in reply.text:
        raise FlowError("the staff case page does not show this family's applicant")
    yield Step("GET", f"/staff/cases/{case.group(1)}/forms", None, clerk, "staff forms", True)
    return code.group(1)


def clerk_login(clerk: Jar, name: str, password: str) -> Visit:
    """A clerk logs in (once, before the load); the session is then shared by the visits it serves."""
    yield Step("GET", "/staff/login", None, clerk, "staff login", True)
    reply = yield Step("POST", "/staff/login", {"csrf_token": clerk.token, "name": name, "password": password},
                       clerk, "staff login (POST)", True, 302)
    yield Step("GET", local(reply.location), None, clerk, "staff dashboard", False)
    return ""


def check(step: Step, reply: Reply) -> None:
    """The status the step expects, the cookies and the latest CSRF token kept: after every reply."""
    step.jar.update(reply.set_cookies)
    if reply.status != step.expect:
        raise FlowError(f"{step.method} {step.path}: {reply.status}, expected {step.expect}: "
                        f"{reply.text[:200]!r}")
    token = CSRF.search(reply.text) if reply.text else None
    if token:
        step.jar.token = token.group(1)
