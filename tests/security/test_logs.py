"""Finding 10: the access log of a real `kiosk serve` holds route templates, never the API's session ids (its only
credential) nor anything a client puts in a path or a query; no request can split or forge a log line."""

import http.client
import json
import logging

from kiosk.logs import JsonFormatter

from ..robustness.helpers import Server, api_answer_value, scenario_answers
from ..web.conftest import database_url_for_tests

SESSION_ROUTE = "/api/v1/sessions/<session_id>"
FORGED = '{"level": "ERROR", "message": "forged"}'
FORGED_IN_A_PATH = "%0A%7B%22level%22%3A%20%22ERROR%22%2C%20%22message%22%3A%20%22forged%22%7D%0A"  # \n FORGED \n


def request(server: Server, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=payload, headers=headers)
        reply = connection.getresponse()
        data = reply.read()
        kind = reply.getheader("Content-Type", "")
        return reply.status, json.loads(data) if kind.startswith("application/json") else None
    finally:
        connection.close()


def test_the_access_log_shows_routes_not_session_ids_and_no_request_splits_a_line(tmp_path):
    with Server(tmp_path / "server", database_url_for_tests(tmp_path / "db")) as server:
        status, progress = request(server, "POST", "/api/v1/sessions", {"event": "okuyami"})
        assert status == 201 and progress is not None
        session_id = progress["session"]
        question = progress["question"]
        answer = {"question": question["id"], "value": api_answer_value(question, scenario_answers("okuyami"))}
        assert request(server, "POST", f"/api/v1/sessions/{session_id}/answers", answer)[0] == 200
        assert request(server, "GET", f"/api/v1/sessions/{session_id}")[0] == 200
        # Attacks on the log: a line break (and a forged entry) in a path, in a route parameter and in a path
        # no route matches; ESC and U+202E; a query string with a code in it.
        request(server, "GET", f"/api/v1/sessions/{session_id}{FORGED_IN_A_PATH}/question")
        request(server, "GET", f"/no-such/page{FORGED_IN_A_PATH}%1B%5B31m%E2%80%AE")
        request(server, "GET", "/resume?code=SECRETCODE1234")
    log = server.log_path.read_text(encoding="utf-8", errors="replace")

    assert session_id not in log, "the API's credential is in the access log"
    assert "SECRETCODE1234" not in log and "no-such" not in log
    assert "\x1b" not in log and "\u202e" not in log
    lines = log.splitlines()
    assert not any(line.startswith('{"level"') or "forged" in line for line in lines), "a request forged a line"
    access = [json.loads(line) for line in lines if line.startswith("{") and '"logger": "kiosk.access"' in line]
    assert all(set(entry) >= {"time", "method", "route", "status", "ms"} for entry in access)
    seen = {(entry["method"], entry["route"], entry["status"]) for entry in access}
    assert ("POST", "/api/v1/sessions", 201) in seen
    assert ("POST", f"{SESSION_ROUTE}/answers", 200) in seen
    assert ("GET", SESSION_ROUTE, 200) in seen
    assert ("GET", f"{SESSION_ROUTE}/question", 404) in seen  # the forged id: its route, not its text
    assert ("GET", None, 404) in seen  # no route matched: no path either
    assert any(entry["route"] == "/resume" for entry in access)


def test_a_log_line_stays_one_line_whatever_a_message_holds():
    text = "ok\nforged\r\x1b[31m\x85next\u2028line\u202etxet\ufeff 山田"
    record = logging.LogRecord("kiosk.test", logging.WARNING, __file__, 1, "value=%s", (text,), None)

    line = JsonFormatter().format(record)

    assert len(line.splitlines()) == 1 and line.isprintable()
    assert not any(char in line for char in "\n\r\x1b\x85\u2028\u202e\ufeff")
    assert json.loads(line)["message"] == f"value={text}"  # escaped, not lost
    assert "山田" in line  # Japanese stays readable
