"""The JSON API: the same engine and the same result JSON as `kiosk evaluate`."""

import json
import re

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.extensions import services

from .test_resident_flow import OKUYAMI_78, scenario_answers


def start(client, event="okuyami"):
    response = client.post("/api/v1/sessions", json={"event": event})
    assert response.status_code == 201
    return response.get_json()


def test_events_are_listed(app):
    data = app.test_client().get("/api/v1/events").get_json()
    assert [event["id"] for event in data["events"]] == ["okuyami", "shussei", "hikkoshi"]


def test_a_session_answers_one_question_at_a_time(app):
    client = app.test_client()
    progress = start(client)
    first = progress["question"]
    assert progress["complete"] is False and first["type"] == "date"
    reply = client.post(
        f"/api/v1/sessions/{progress['session']}/answers", json={"question": first["id"], "value": "2026-05-10"}
    )
    assert reply.status_code == 200
    assert reply.get_json()["answers"][first["id"]] == "2026-05-10"
    assert reply.get_json()["question"]["id"] != first["id"]


def test_bad_answers_are_json_422_with_a_message(app):
    client = app.test_client()
    progress = start(client)
    session = progress["session"]
    reply = client.post(f"/api/v1/sessions/{session}/answers", json={"question": "death_date", "value": "2026-02-30"})
    assert reply.status_code == 422
    assert reply.get_json() == {
        "error": "invalid_answer",
        "message": "2月30日はありません",  # issue 14: say which day does not exist
        "question": "death_date",
        "reason": "not_a_date",
    }
    reply = client.post(f"/api/v1/sessions/{session}/answers", json={"question": "nosuch", "value": 1})
    assert reply.status_code == 422 and reply.get_json()["error"] == "not_asked"
    reply = client.post(f"/api/v1/sessions/{session}/answers", data="not json", content_type="application/json")
    assert reply.status_code == 400 and reply.get_json()["error"] == "bad_request"
    assert client.get("/api/v1/sessions/unknown-id").status_code == 404
    assert client.post("/api/v1/sessions", json={"event": "nosuch"}).status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/v1/sessions", [], 400),
        ("/api/v1/sessions", {"event": 1}, 400),
        ("/api/v1/sessions", {"event": None}, 400),
        ("/api/v1/sessions", {"event": "okuyami", "extra": 1}, 201),
        ("answers", {"question": "death_date"}, 400),
        ("answers", {"question": 1, "value": "2026-05-10"}, 400),
        ("answers", {"question": "death_date", "value": None, "extra": 1}, 422),  # parse_answer says why
        ("answers", {"question": "death_date", "value": 1.5}, 422),
        ("answers", {"question": "death_date", "value": {}}, 422),
    ],
)
def test_request_bodies_are_checked_for_their_shape_only(app, path, body, status):
    client = app.test_client()
    if path == "answers":
        path = f"/api/v1/sessions/{start(client)['session']}/answers"
    reply = client.post(path, json=body)
    assert reply.status_code == status
    assert status < 400 or reply.get_json()["error"] == ("bad_request" if status == 400 else "invalid_answer")


def test_the_result_is_the_same_json_as_kiosk_evaluate(app):
    client = app.test_client()
    progress = start(client)
    session = progress["session"]
    while progress["question"] is not None:
        question = progress["question"]["id"]
        progress = client.post(
            f"/api/v1/sessions/{session}/answers", json={"question": question, "value": OKUYAMI_78[question]}
        ).get_json()
        assert "error" not in progress, progress
    api_result = client.get(f"/api/v1/sessions/{session}/result").get_json()
    cli = CliRunner().invoke(
        main, ["evaluate", "okuyami", "--answers", "-", "--today", "2026-05-12"], input=json.dumps(OKUYAMI_78)
    )
    assert cli.exit_code == 0, cli.output
    assert api_result == json.loads(cli.stdout)
    ids = [p["id"] for p in api_result["procedures"]]
    assert "koki_shikaku_soshitsu" in ids and "kokuho_shikaku_soshitsu" not in ids


def test_the_result_can_be_asked_for_in_another_language(app):
    client = app.test_client()
    session = start(client)["session"]
    result = client.get(f"/api/v1/sessions/{session}/result?lang=en").get_json()
    first = result["route"][0]
    # The English label itself (an `or` with "no English text in the catalogue" used to pass when it was missing).
    assert first["group"] == "city" and first["group_label"] == "At this city hall"
    assert services(app).catalogue.translator("en").ui("group.city") == "At this city hall"


def test_the_openapi_document_describes_every_route(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    paths = set(document["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            templated = rule.rule.removeprefix("/api/v1").replace("<session_id>", "{session_id}")
            assert templated in paths, rule.rule
    assert document["paths"]["/sessions"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"][
        "event"
    ]["enum"] == ["okuyami", "shussei", "hikkoshi"]


def test_the_api_needs_no_csrf_token_but_the_pages_do(app):
    client = app.test_client()
    assert client.post("/api/v1/sessions", json={"event": "okuyami"}).status_code == 201
    assert client.post("/okuyami/start").status_code == 400


def test_answers_that_contradict_each_other_are_refused_and_nothing_is_stored(app):
    client = app.test_client()
    progress = start(client)
    session = progress["session"]
    answers = {**scenario_answers("01_"), "funeral_date": "2026-05-01"}  # the funeral before the death (5/10)
    reply = None
    for _ in range(80):
        question = progress["question"]
        if question is None or question["id"] == "funeral_date":
            break
        reply = client.post(f"/api/v1/sessions/{session}/answers",
                            json={"question": question["id"], "value": answers[question["id"]]})
        assert reply.status_code == 200, reply.get_json()
        progress = reply.get_json()
    assert progress["question"]["id"] == "funeral_date"
    reply = client.post(f"/api/v1/sessions/{session}/answers", json={"question": "funeral_date", "value": "2026-05-01"})
    assert reply.status_code == 422
    body = reply.get_json()
    assert body["error"] == "inconsistent_answers" and body["questions"] == ["funeral_date", "death_date"]
    assert "亡くなられた日より前" in body["message"]
    stored = client.get(f"/api/v1/sessions/{session}").get_json()
    assert "funeral_date" not in stored["answers"]
    english = client.post(f"/api/v1/sessions/{session}/answers?lang=en",
                          json={"question": "funeral_date", "value": "2026-05-01"}).get_json()
    assert english["error"] == "inconsistent_answers" and "funeral" in english["message"].lower()


def test_an_invalid_answer_is_explained_in_the_asked_language(app):
    client = app.test_client()
    progress = start(client)
    session, question = progress["session"], progress["question"]["id"]
    messages = {}
    for lang in ("ja", "en"):
        reply = client.post(f"/api/v1/sessions/{session}/answers?lang={lang}",
                            json={"question": question, "value": "2026-02-31"})
        assert reply.status_code == 422
        body = reply.get_json()
        assert body["error"] == "invalid_answer" and body["question"] == question
        messages[lang] = body["message"]
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    assert japanese.search(messages["ja"])
    assert messages["en"] and not japanese.search(messages["en"]), messages["en"]
