"""The procedure kinds and deadline notes on every surface: the result page, the printout, the slip's route, the
clerk's view and read-aloud. Rendered straight from a resolved result (the answers come from a scenario)."""

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from flask import render_template

from kiosk.engine import parse_answer, resolve
from kiosk.engine.yamlsource import load_yaml
from kiosk.extensions import services
from kiosk.web import state, utterances

from ..conftest import SCENARIOS


def resolved(app, scenario: str, today: date):
    """The result for a scenario's answers, on another day than the scenario's own."""
    content = services(app).content
    data, _ = load_yaml(SCENARIOS / f"{scenario}.yaml")
    event = Path(scenario).parent.name
    flow = content.flows[event]
    answers = {q: parse_answer(flow.question_map[q], v, today) for q, v in data["answers"].items()}
    return flow, resolve(content, event, answers, today)


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def widowed(app):
    """A death not yet registered, seen three weeks later: 死亡届 overdue; 復氏届 etc. are 「希望する場合」."""
    return resolved(app, "okuyami/08_not_filed_golden_week", date(2026, 5, 20))


def test_only_required_procedures_are_counted_and_the_other_kinds_have_their_own_sections(app, widowed):
    flow, result = widowed
    assert result.optional and result.information  # the content has both kinds for this case
    with app.test_request_context(f"/{flow.id}/result"):
        html = render_template("resident/result.html", flow=flow, result=result, checked=set(), speech=None)
    counted = [p for p in result.procedures if p.counted]
    assert f"必要な手続きは{len(counted)}件です。" in text_of(html)
    optional, information = section(html, "optional"), section(html, "information")
    assert "希望する場合の手続き" in optional
    for proc in result.optional:
        assert f'id="procedure-{proc.id}"' in optional
    for proc in result.information:
        assert f'id="procedure-{proc.id}"' in information
    route = html.split('id="optional"')[0]
    assert not any(f'id="procedure-{p.id}"' in route for p in (*result.optional, *result.information))


def test_the_overdue_note_shows_only_when_overdue_on_the_result_the_printout_and_to_the_clerk(app, widowed):
    flow, result = widowed
    with app.test_request_context(f"/{flow.id}/result"):
        t = state.translator()
        late = [p for p in result.procedures if p.deadline.if_overdue(t)]
        assert late and all(p.deadline.overdue for p in late)
        page = text_of(render_template("resident/result.html", flow=flow, result=result, checked=set(), speech=None))
        printed = text_of(render_template("resident/print.html", flow=flow, result=result))
        spoken = " ".join(utterances.for_result(result))
    for proc in late:
        note = proc.deadline.if_overdue(t)
        assert note in page and note in printed and note in spoken
    _, on_time = resolved(app, "okuyami/08_not_filed_golden_week", date(2026, 4, 28))
    with app.test_request_context(f"/{flow.id}/result"):
        page = text_of(render_template("resident/result.html", flow=flow, result=on_time, checked=set(), speech=None))
    assert not any(p.deadline.overdue for p in on_time.procedures if p.id == "shibo_todoke")
    assert "届出期間経過通知書" not in page


def test_the_printout_has_no_box_for_information_entries(app, widowed):
    flow, result = widowed
    with app.test_request_context(f"/{flow.id}/result/print"):
        html = render_template("resident/print.html", flow=flow, result=result)
    boxes = html.count('class="print-box"')
    assert boxes == len(result.required) + len(result.optional)


def test_a_moved_deadline_names_the_law(app, widowed):
    flow, result = widowed
    moved = [p for p in result.procedures if p.deadline.moved_from and p.group == "city"]
    assert moved
    with app.test_request_context(f"/{flow.id}/result"):
        page = text_of(render_template("resident/result.html", flow=flow, result=result, checked=set(), speech=None))
    assert "地方自治法4条の2第4項" in page


def clerk_view(flow, result) -> str:
    """The clerk's route table for the case (no statuses yet)."""
    labels = {key: key for key in ("done", "todo", "mark_done", "mark_todo")}
    return render_template(
        "staff/_case_route.html",
        flow=flow,
        result=result,
        statuses={},
        status_url="/s/PROCEDURE_ID",
        status_labels=labels,
    )


def test_information_entries_have_no_status_for_the_clerk(app, widowed):
    flow, result = widowed
    with app.test_request_context("/staff/cases/x"):
        html = clerk_view(flow, result)
    for proc in result.information:
        assert f'id="status-{proc.id}"' not in html
    for proc in (*result.required, *result.optional):
        assert f'id="status-{proc.id}"' in html


def test_a_date_from_counter_practice_is_labelled_on_the_result_the_printout_and_to_the_clerk(app):
    flow, result = resolved(app, "hikkoshi/08_tenshutsu_into_care_facility", date(2026, 3, 10))
    with app.test_request_context(f"/{flow.id}/result"):
        t = state.translator()
        practised = [p for p in result.procedures if p.deadline.practice(t)]
        assert practised  # 転出届: 法律では引越しの前に (住基法24条)
        page = text_of(render_template("resident/result.html", flow=flow, result=result, checked=set(), speech=None))
        printed = text_of(render_template("resident/print.html", flow=flow, result=result))
        clerk = text_of(clerk_view(flow, result))
    for proc in practised:
        note = proc.deadline.practice(t)
        for surface in (page, printed, clerk):
            assert "窓口の運用" in surface and note in surface
