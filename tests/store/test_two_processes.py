"""Two server processes on one database (PostgreSQL when KIOSK_TEST_DATABASE_URL is set, else one SQLite file):
a resident's flow alternates between them with the same session cookie, as behind a load balancer. Every
answer is there exactly once, nothing is lost or duplicated, and both servers give the same, right result."""

import http.client
import json
import re

import pytest
from sqlalchemy import create_engine, func, select

from kiosk.clock import today_in_japan
from kiosk.engine import parse_answer, resolve
from kiosk.store.models import ResidentSession

from ..robustness.helpers import Server
from ..robustness.web_client import Browser, answer_flow
from ..web.conftest import database_url_for_tests
from ..web.test_resident_flow import OKUYAMI_78


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("two-servers")
    url = database_url_for_tests(tmp_path / "db")
    first = Server(tmp_path / "a", url, workers=1, threads=4).wait_ready()  # migrates the empty database
    try:
        with Server(tmp_path / "b", url, workers=1, threads=4) as second:
            assert first.process.pid != second.process.pid
            yield url, first, second
    finally:
        first.stop()


def _expected(content, answers):
    today = today_in_japan()
    flow = content.flows["okuyami"]
    parsed = {k: parse_answer(flow.question_map[k], v, today) for k, v in answers.items()}
    return resolve(content, "okuyami", parsed, today)


def test_a_web_flow_alternating_between_two_servers_loses_and_duplicates_nothing(servers, content):
    url, first, second = servers
    ports = [first.port, second.port]
    browser = Browser(first.base)
    cookies = []

    def switch(browser, index):  # answer 1 on A, answer 2 on B, answer 3 on A, …
        cookies.append(browser.cookie)
        browser.port = ports[index % 2]

    asked = answer_flow(browser, "okuyami", OKUYAMI_78, on_answer=switch)
    assert len(asked) >= 10 and len(set(asked)) == len(asked)
    assert len(set(cookies)) == 1 and cookies[0] == browser.cookie  # one session all along, never a new one
    used = {ports[i % 2] for i in range(len(asked))}
    assert used == set(ports)

    # The check page (on whichever server) lists every answer exactly once.
    for port in ports:
        browser.port = port
        browser.follow("/okuyami/check")
        changes = re.findall(r'href="/okuyami/questions/([a-z0-9_]+)\?change=1"', browser.page)
        assert sorted(changes) == sorted(asked)

    # The database holds one session with exactly those answers.
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(ResidentSession.data).where(ResidentSession.id == browser.cookie)
            ).scalar_one()
            web_sessions = select(func.count()).select_from(ResidentSession).where(ResidentSession.kind == "web")
            assert connection.execute(web_sessions).scalar_one() == 1
    finally:
        engine.dispose()
    stored = row["answers"]["okuyami"]
    assert sorted(stored) == sorted(asked)
    expected_answers = {k: OKUYAMI_78[k] for k in asked}
    flow = content.flows["okuyami"]
    for question_id, value in expected_answers.items():
        parsed = parse_answer(flow.question_map[question_id], value, today_in_japan())
        assert stored[question_id] == (list(parsed) if isinstance(parsed, tuple) else parsed), question_id

    # Both servers show the same, right result.
    expected = sorted(p.id for p in _expected(content, expected_answers).procedures)
    for port in ports:
        browser.port = port
        browser.follow("/okuyami/result")
        shown = re.findall(r'id="procedure-([a-z0-9_]+)"', browser.page)
        assert sorted(shown) == expected


def test_an_api_session_alternating_between_two_servers(servers, content):
    _, first, second = servers
    clients = [Browser(first.base), Browser(second.base)]

    def call(client, method, path, body=None):
        connection = http.client.HTTPConnection(client.host, client.port, timeout=30)
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            connection.request(method, path, json.dumps(body) if body is not None else None, headers)
            reply = connection.getresponse()
            return reply.status, json.loads(reply.read())
        finally:
            connection.close()

    status, progress = call(clients[0], "POST", "/api/v1/sessions", {"event": "okuyami"})
    assert status == 201
    session = progress["session"]
    asked = []
    while progress["question"] is not None:
        question = progress["question"]["id"]
        client = clients[len(asked) % 2]
        status, progress = call(
            client, "POST", f"/api/v1/sessions/{session}/answers", {"question": question, "value": OKUYAMI_78[question]}
        )
        assert status == 200, progress
        asked.append(question)
        assert sorted(progress["answers"]) == sorted(asked) and len(set(asked)) == len(asked)  # nothing lost or twice
    results = [call(client, "GET", f"/api/v1/sessions/{session}/result") for client in clients]
    assert results[0] == results[1] and results[0][0] == 200
    expected = _expected(content, {k: OKUYAMI_78[k] for k in asked})
    assert [p["id"] for p in results[0][1]["procedures"]] == [p.id for p in expected.procedures]
