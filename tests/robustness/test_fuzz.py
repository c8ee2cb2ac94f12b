"""Property-based fuzzing of what residents and clerks type: resume codes, answers (web form and API), the session
cookie and the staff scan field. Whatever arrives, the reply is a redirect or a clear 4xx page or JSON error: never
a 5xx, never a traceback, never another resident's session.

The QR decoder itself is fuzzed in tests/slip/test_properties.py; here the scan goes through the web page.
"""

import json
import urllib.parse

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from kiosk.extensions import services
from kiosk.slip import errors as slip_errors
from kiosk.slip.reference import format_reference_code, issue_token
from kiosk.store.cases import printed_code
from kiosk.store.models import Case, ResumeCode, Throttle
from kiosk.store.sessions import RESUME_ALPHABET, RESUME_LENGTH, format_resume_code, normalise_resume_code
from kiosk.web.staff import NOT_FOUND

from ..web.conftest import Resident
from ..web.test_modes import save_and_get_code
from ..web.test_resident_flow import OKUYAMI_78
from ..web.test_staff import staff_client
from .conftest import app_for_tests
from .helpers import complete_api_session

WEB = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
COOKIE = "kiosk_session"
CONFUSABLE = {"0": "Oo", "1": "IiLl"}
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "\u202e",
    "１２３",
    "᧚",  # a digit for str.isdigit() that int() cannot read
    "1" * 5000,  # longer than int() reads by default
    "9" * 40,
    "-" * 10,
    "令和元年5月1日",
    "9999-12-31",
    "0001-01-01",
]
TEXTS = st.one_of(st.text(max_size=40), st.sampled_from(NASTY))
RESUME_CODES = st.text(alphabet=RESUME_ALPHABET, min_size=RESUME_LENGTH, max_size=RESUME_LENGTH)


def _clear_page(page: str) -> None:
    assert 'id="error-summary"' in page and 'role="alert"' in page, page[:1500]
    assert "Traceback" not in page and 'File "' not in page


# ---------------------------------------------------------------- resume codes, pure


@given(TEXTS)
def test_normalising_any_text_gives_a_canonical_code_or_none(text):
    code = normalise_resume_code(text)
    if code is not None:
        assert len(code) == RESUME_LENGTH and set(code) <= set(RESUME_ALPHABET)
        assert normalise_resume_code(code) == code
        assert normalise_resume_code(format_resume_code(code)) == code


@st.composite
def typed_variants(draw, code):
    """What a person may type for `code`: any case, spaces and hyphens anywhere, full-width, O for 0, I or L for 1."""
    typed = []
    for char in code:
        if char in CONFUSABLE and draw(st.booleans()):
            char = draw(st.sampled_from(CONFUSABLE[char]))
        elif draw(st.booleans()):
            char = char.lower()
        if draw(st.booleans()):
            char = chr(ord(char) + 0xFEE0)  # full-width
        typed.append(draw(st.sampled_from(["", "", " ", "-", "　", " - "])) + char)
    return "".join(typed) + draw(st.sampled_from(["", " ", "-"]))


@given(st.data(), RESUME_CODES)
def test_every_way_of_typing_a_code_reads_as_that_code(data, code):
    assert normalise_resume_code(data.draw(typed_variants(code))) == code


@given(RESUME_CODES, st.integers(0, RESUME_LENGTH - 1), st.sampled_from(RESUME_ALPHABET))
def test_a_changed_character_is_another_code(code, position, char):
    changed = code[:position] + char + code[position + 1 :]
    assert (normalise_resume_code(changed) == code) == (changed == code)


# ---------------------------------------------------------------- the /resume form


@pytest.fixture(scope="module")
def resume_app(tmp_path_factory):
    with app_for_tests(tmp_path_factory.mktemp("fuzz-resume")) as app:
        yield app


@pytest.fixture(scope="module")
def saved(resume_app):
    """A resident who answered the first question and saved: (code, their session id, question id)."""
    owner = Resident(resume_app.test_client())
    code, question_id = save_and_get_code(owner)
    session_id = owner.client.get_cookie(COOKIE).value
    return normalise_resume_code(code), session_id, question_id


def _try_resume(app, text):
    """One try by a new visitor. The failure counts per address and per code start from zero: each example is one
    try, not part of a guessing run (tests/security/test_resume.py is where guessing gets 429)."""
    with services(app).database.session() as db:
        db.execute(delete(Throttle))
    visitor = Resident(app.test_client())
    visitor.get("/resume")
    response = visitor.post("/resume", {"code": text})
    cookie = visitor.client.get_cookie(COOKIE)
    return visitor, response, cookie.value if cookie else None


@WEB
@given(text=TEXTS)
@example(text="<script>alert(1)</script>")
@example(text="a\x00b")
def test_any_text_in_the_resume_form_is_a_clear_error_or_that_session(resume_app, saved, text):
    code, owner_session, question_id = saved
    visitor, response, cookie = _try_resume(resume_app, text)
    if normalise_resume_code(text) == code:  # the answers move to a new session id, for this visitor only
        assert response.status_code == 302 and cookie not in (None, owner_session)
        return
    assert response.status_code == 422
    _clear_page(visitor.page)
    unknown = services(resume_app).catalogue.translator("ja").ui("resume.error.unknown")
    assert unknown in visitor.page
    assert "<script>alert" not in visitor.page  # what was typed is shown back, escaped
    assert cookie != owner_session
    visitor.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' not in visitor.page  # the owner's answer is not shown to anyone else


@WEB
@given(data=st.data())
def test_a_real_code_typed_any_way_resumes_that_session(resume_app, data):
    code = data.draw(RESUME_CODES)
    owner = Resident(resume_app.test_client())  # a code works once: a new one per example, given the drawn code
    saved_code, question_id = save_and_get_code(owner)
    with services(resume_app).database.session() as db:
        db.execute(update(ResumeCode).where(ResumeCode.code == normalise_resume_code(saved_code)).values(code=code))
    owner_session = owner.client.get_cookie(COOKIE).value
    visitor, response, cookie = _try_resume(resume_app, data.draw(typed_variants(code)))
    assert response.status_code == 302 and cookie not in (None, owner_session)
    visitor.get(response.headers["Location"])
    visitor.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' in visitor.page


@WEB
@given(data=st.data())
def test_a_code_with_one_wrong_character_finds_nothing(resume_app, saved, data):
    code, owner_session, _ = saved
    position = data.draw(st.integers(0, RESUME_LENGTH - 1))
    char = data.draw(st.sampled_from(RESUME_ALPHABET.replace(code[position], "")))
    visitor, response, cookie = _try_resume(resume_app, code[:position] + char + code[position + 1 :])
    assert response.status_code == 422 and cookie != owner_session
    _clear_page(visitor.page)


@WEB
@given(text=TEXTS)
def test_any_text_in_the_resume_link_shows_the_form(resume_app, text):
    response = resume_app.test_client().get("/resume", query_string={"code": text})
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


# ---------------------------------------------------------------- the session cookie


@WEB
@given(value=st.one_of(st.text(max_size=80), st.sampled_from(["\x00", "a\x00b", "x" * 64, "x" * 65, "'", "%00"])))
def test_any_session_cookie_is_a_new_session(resume_app, saved, value):
    client = resume_app.test_client()
    client.set_cookie(COOKIE, value)
    response = client.get("/okuyami/")
    assert response.status_code == 200
    new = client.get_cookie(COOKIE)
    assert new is None or new.value != saved[1]  # an unknown id is dropped (a page view alone stores nothing)


# ---------------------------------------------------------------- answers through the web form

FORM_FIELDS = ["answer", "answer-year", "answer-month", "answer-day", "unknown", "change"]
FORM_VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(NASTY + ["unknown", "yes", "no", "1", "2026", "5", "10", "0", "-1", "120", "31", "13"]),
    st.integers(-(10**6), 10**6).map(str),
)


@pytest.fixture(scope="module")
def form_app(tmp_path_factory):
    # Without rate limits: the fuzzer starts far more API sessions than one address may (tests/security has them).
    with app_for_tests(tmp_path_factory.mktemp("fuzz-form"), RATELIMIT_ENABLED=False) as app:
        yield app


@pytest.fixture(scope="module")
def answered(form_app):
    """A resident who answered every おくやみ question: every question on the path can be posted again."""
    resident = Resident(form_app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    return resident


@st.composite
def form_posts(draw, flow):
    question = draw(st.sampled_from(list(flow.question_map.values())))
    options = [option.value for option in question.choices]
    values = st.one_of(FORM_VALUES, st.sampled_from(options)) if options else FORM_VALUES
    fields = {}
    if draw(st.booleans()):  # the fields this question's page has
        for name in ("answer-year", "answer-month", "answer-day") if question.type == "date" else ("answer",):
            fields[name] = draw(st.lists(values, max_size=4) if question.type == "multiple" else values)
    names = st.one_of(st.sampled_from(FORM_FIELDS), st.text(min_size=1, max_size=10))
    names = names.filter(lambda name: name != "csrf_token")
    fields.update(draw(st.dictionaries(names, st.one_of(values, st.lists(values, max_size=4)), max_size=4)))
    return question.id, fields


@WEB
@given(data=st.data())
def test_any_form_values_posted_to_a_question_page(form_app, answered, data):
    flow = services(form_app).content.flows["okuyami"]
    question_id, fields = data.draw(form_posts(flow))
    answered.get("/okuyami/")  # any page: for the CSRF token
    response = answered.post(f"/okuyami/questions/{question_id}", fields)
    assert response.status_code in (302, 422), answered.page[:1500]
    if response.status_code == 422:
        _clear_page(answered.page)
        assert "<title>エラー：" in answered.page
        return
    location = response.headers["Location"]
    for _ in range(5):  # wherever the answer leads, the page there works
        page = answered.client.get(location)
        if page.status_code != 302:
            break
        location = page.headers["Location"]
    assert page.status_code == 200


@pytest.mark.parametrize("text", ["᧚", "𐩀", "1" * 5000, "--5", "-", "5-", "٣٠"])
def test_numbers_that_look_like_digits(form_app, answered, text):
    answered.get("/okuyami/questions/deceased_age")
    response = answered.post("/okuyami/questions/deceased_age", {"answer": text})
    session = complete_api_session(form_app.test_client(), "okuyami")
    reply = form_app.test_client().post(
        f"/api/v1/sessions/{session}/answers", json={"question": "deceased_age", "value": text}
    )
    if text == "٣٠":  # Arabic-Indic digits are digits: 30
        assert response.status_code == 302 and reply.status_code == 200
        return
    assert response.status_code == 422
    _clear_page(answered.page)
    assert "数字で入力してください" in answered.page
    assert reply.status_code == 422 and reply.get_json()["reason"] == "not_a_number"


# ---------------------------------------------------------------- answers through the API

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        TEXTS,
        st.dates().map(str),
        st.sampled_from(["unknown", "yes", "no"]),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def api_sessions(form_app):
    client = form_app.test_client()
    return {event: complete_api_session(client, event) for event in ("okuyami", "shussei", "hikkoshi")}


@WEB
@given(data=st.data(), event=st.sampled_from(["okuyami", "shussei", "hikkoshi"]))
def test_any_json_answer(form_app, api_sessions, data, event):
    flow = services(form_app).content.flows[event]
    question = data.draw(st.one_of(st.sampled_from(list(flow.question_map)), st.text(max_size=20)), label="question")
    question_type = flow.question_map[question].type if question in flow.question_map else None
    values = st.one_of(JSON_VALUES, st.dates().map(str)) if question_type == "date" else JSON_VALUES
    value = data.draw(values, label="value")
    client = form_app.test_client()
    session = api_sessions[event]
    reply = client.post(f"/api/v1/sessions/{session}/answers", json={"question": question, "value": value})
    body = reply.get_json()
    assert reply.status_code in (200, 422), body
    if reply.status_code == 422:
        assert body["error"] in ("not_asked", "invalid_answer") and body["message"]
        return
    assert body["answers"][question] is not None
    result = client.get(f"/api/v1/sessions/{session}/result")  # an accepted answer never breaks the result
    assert result.status_code == 200 and result.get_json()["event"] == event


@WEB
@given(body=st.one_of(st.binary(max_size=200), JSON_VALUES.map(lambda v: json.dumps(v).encode())))
def test_any_request_body(form_app, api_sessions, body):
    client = form_app.test_client()
    for url in ("/api/v1/sessions", f"/api/v1/sessions/{api_sessions['okuyami']}/answers"):
        reply = client.post(url, data=body, content_type="application/json")
        assert reply.status_code in (200, 201, 400, 404, 422), reply.get_data(as_text=True)
        assert reply.get_json()["error" if reply.status_code >= 400 else "session"]


@WEB
@given(session_id=st.one_of(st.text(min_size=1, max_size=80), st.sampled_from(["\x00", "a\x00b", "x" * 65, ".."])))
def test_any_session_id_in_the_api_path(form_app, session_id):
    client = form_app.test_client()
    quoted = urllib.parse.quote(session_id, safe="")
    for reply in (
        client.get(f"/api/v1/sessions/{quoted}"),
        client.get(f"/api/v1/sessions/{quoted}/result"),
        client.post(f"/api/v1/sessions/{quoted}/answers", json={"question": "death_date", "value": "2026-05-01"}),
    ):
        if reply.status_code in (308, 405):  # a "/" in the id: werkzeug merges slashes, or another route
            continue
        assert reply.status_code == 404, reply.get_data(as_text=True)
        assert reply.get_json()["error"] in ("unknown_session", "not_found")


# ---------------------------------------------------------------- the staff scan field

SCAN_MESSAGES = [
    NOT_FOUND,
    "この受付票の手続きの種類は",
    "有効期限",
    *(kind.default_message for kind in slip_errors.SlipError.__subclasses__()),
    slip_errors.SlipError.default_message,
]


@pytest.fixture(scope="module")
def counter(tmp_path_factory):
    """A logged-in clerk, and a real case with its printed reference code and QR token."""
    with app_for_tests(tmp_path_factory.mktemp("fuzz-scan"), KIOSK_STAFF_ACCESS="on") as app:
        resident = Resident(app.test_client())
        resident.start("okuyami")
        resident.answer_all("okuyami", OKUYAMI_78)
        assert resident.make_slip("okuyami").status_code == 200
        case_id = _only_case_id(app)
        case = services(app).cases.get(case_id)
        token = issue_token(case.public_id, services(app).slip.keyring)
        # Staff URLs name the case by its public id (its row id is in no URL and no token).
        yield app, staff_client(app), case.public_id, printed_code(case), token


def _only_case_id(app):
    with services(app).database.session() as db:
        (case_id,) = db.scalars(select(Case.id)).all()
    return case_id


@st.composite
def damaged(draw, text):
    """`text` with a character changed, dropped or added, or cut short."""
    position = draw(st.integers(0, len(text) - 1))
    how = draw(st.sampled_from(["change", "drop", "add", "cut"]))
    char = draw(st.sampled_from("0123456789ABCDEFGHJKMNPQRSTVWXYZ-=あ\x00 "))
    if how == "change":
        return text[:position] + char + text[position + 1 :]
    if how == "drop":
        return text[:position] + text[position + 1 :]
    if how == "add":
        return text[:position] + char + text[position:]
    return text[:position]


def _scan(counter, text):
    """A logged-in clerk scans or types `text`: the case opens, or a 422 page says clearly what is wrong."""
    _, clerk, case_id, _, _ = counter
    clerk.get("/staff/")
    response = clerk.post("/staff/scan", {"code": text})
    if response.status_code == 302:  # a damaged copy that still reads as the same case (e.g. a dropped hyphen)
        assert response.headers["Location"] == f"/staff/cases/{case_id}"
        return
    assert response.status_code == 422, clerk.page[:1500]
    _clear_page(clerk.page)
    assert any(message in clerk.page for message in SCAN_MESSAGES), clerk.page[:1500]


@WEB
@given(data=st.data())
def test_any_text_in_the_scan_field(counter, data):
    _, _, _, code, token = counter
    latin1 = st.binary(max_size=120).map(lambda raw: raw.decode("latin-1"))  # what a misconfigured scanner types
    _scan(counter, data.draw(st.one_of(TEXTS, latin1, damaged(token), damaged(code))))


@pytest.mark.parametrize("text", [*NASTY, "ABC\x00\x00\x00", "R" + "A" * 60, "S" + "7" * 200, "r" * 31])
def test_odd_texts_in_the_scan_field(counter, text):
    _scan(counter, text)


def test_the_real_slip_still_opens_its_case(counter):
    _, clerk, case_id, code, token = counter
    for text in (token, code, code.lower().replace("-", " "), format_reference_code(code.replace("-", ""))):
        clerk.get("/staff/")
        response = clerk.post("/staff/scan", {"code": text})
        assert response.status_code == 302 and response.headers["Location"] == f"/staff/cases/{case_id}", text


def test_the_staff_login_with_any_name(counter):
    app, _, _, _, _ = counter
    for name in ("\x00", "clerk\x00", "a" * 300, "'; DROP TABLE staff_users; --"):
        visitor = Resident(app.test_client())
        visitor.get("/staff/login")
        response = visitor.post("/staff/login", {"name": name, "password": "x" * 12})
        assert response.status_code == 422
        _clear_page(visitor.page)


@pytest.fixture(scope="module")
def kiosk_form_app(tmp_path_factory):
    with app_for_tests(tmp_path_factory.mktemp("fuzz-kiosk-form"), KIOSK_MODE="kiosk") as app:
        yield app


@pytest.mark.parametrize("path", ["/help", "/language", "/display"])
def test_any_return_address(form_app, kiosk_form_app, path):
    app = kiosk_form_app if path == "/help" else form_app  # 「職員を呼ぶ」 is on counter tablets only
    for target in ("/a\x00b", "//evil.example", "https://evil.example/", "/\\evil", "/ok\r\nSet-Cookie: x=1"):
        visitor = Resident(app.test_client())
        visitor.get("/")
        response = visitor.post(path, {"next": target, "lang": "en"})
        assert response.status_code in (200, 302), visitor.page[:800]
        location = response.headers.get("Location", "")
        assert "evil" not in location and "\x00" not in location and "\n" not in location
