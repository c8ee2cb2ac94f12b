"""「窓口に送る」 (issue 14, 待たない): at a counter tablet the case goes into the counter queue with the day's
受付番号 (1, 2, 3, … per day, unique even when given out at once); the tablet shows it large with what happens next;
the staff dashboard lists the queue and 「次の方を呼ぶ」 (login and CSRF) calls the oldest and opens it. At home
nothing changes."""

import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy import event as event_api

from kiosk.engine import Answers
from kiosk.engine.yamlsource import load_yaml
from kiosk.extensions import services
from kiosk.store.cases import printed_code
from kiosk.store.models import AuditEntry, Case, QueueCounter

from ..conftest import SCENARIOS
from .conftest import TODAY, Resident, make_app
from .test_resident_flow import OKUYAMI_78
from .test_staff import audit_actions, staff_client

HX = {"HX-Request": "true"}


def scenario_answers_of(event: str, name: str) -> dict:
    data, _ = load_yaml(next((SCENARIOS / event).glob(f"{name}*.yaml")))
    return dict(data["answers"])


def tablet_with_result(app) -> Resident:
    resident = Resident(app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    resident.get("/okuyami/result")
    return resident


def send(resident: Resident) -> int:
    """Press 「窓口に送る」 on the result page; the 受付番号 the tablet then shows."""
    resident.get("/okuyami/result")
    assert 'action="/okuyami/handoff"' in resident.page
    response = resident.post("/okuyami/handoff")
    assert response.status_code == 302 and response.headers["Location"].endswith("/okuyami/handoff")
    assert resident.get("/okuyami/handoff").status_code == 200
    match = re.search(r'<p class="handoff__number" id="queue-number">(\d+)</p>', resident.page)
    assert match, resident.page[:1000]
    return int(match.group(1))


def queue_numbers(app) -> list[tuple]:
    with services(app).database.read() as db:
        return list(db.execute(select(Case.queue_day, Case.queue_number, Case.called_by)
                               .where(Case.queue_number.is_not(None)).order_by(Case.id)))


def test_the_tablet_shows_the_number_what_happens_next_and_the_slip_as_fallback(kiosk_app):
    resident = tablet_with_result(kiosk_app)
    assert send(resident) == 1
    page = resident.page
    assert "<h1>窓口に送りました</h1>" in page and "<title>受付番号 1" in page
    assert "番号が呼ばれるまでお待ちください。" in page
    counter = re.search(r"呼ばれたら、はじめに「([^」]+)」へお越しください。", page)
    assert counter and counter.group(1).strip()
    assert 'href="/okuyami/slip"' in page, "the QR slip stays as the fallback"
    assert resident.get("/okuyami/slip").status_code == 200 and "<svg" in resident.page
    # The case is on the server like a slip's (reference mode), from the tablet.
    with services(kiosk_app).database.read() as db:
        (case,) = db.scalars(select(Case))
        assert case.source == "kiosk" and case.queue_day == TODAY and case.called_at is None

    # The idle reset (or 「終わる」) leaves nothing: the next resident cannot reach the number.
    resident.get("/okuyami/handoff")
    assert 'action="/reset"' in resident.page
    assert resident.post("/reset").status_code == 302
    response = resident.get("/okuyami/handoff")
    assert response.status_code == 302 and "handoff" not in response.headers["Location"]


def test_numbers_increase_per_day_and_sending_again_keeps_the_number(kiosk_app):
    first, second = tablet_with_result(kiosk_app), tablet_with_result(kiosk_app)
    assert send(first) == 1
    assert send(second) == 2
    assert send(first) == 1, "pressed again while waiting: the same number, the same case"
    with services(kiosk_app).database.read() as db:
        assert len(db.scalars(select(Case)).all()) == 2

    kiosk_app.config["TODAY"] = lambda: TODAY + timedelta(days=1)
    third = tablet_with_result(kiosk_app)
    assert send(third) == 1, "a new day starts at 1"
    assert send(first) == 2, "yesterday's number is not today's: a new one"
    assert queue_numbers(kiosk_app) == [(TODAY + timedelta(days=1), 2, None), (TODAY, 2, None),
                                        (TODAY + timedelta(days=1), 1, None)]


def test_the_result_without_answers_or_before_sending_has_no_number(kiosk_app):
    resident = Resident(kiosk_app.test_client())
    resident.get("/okuyami/")
    response = resident.get("/okuyami/handoff")
    assert response.status_code == 302 and "handoff" not in response.headers["Location"]
    resident = tablet_with_result(kiosk_app)
    response = resident.get("/okuyami/handoff")
    assert response.status_code == 302 and response.headers["Location"].endswith("/okuyami/result")


def _cases(app, count: int) -> list[int]:
    store = services(app).cases
    return [store.save_case("okuyami", Answers.from_json({}), {}, "kiosk", keep_for=timedelta(days=30)).id
            for _ in range(count)]


def test_numbers_given_out_at_once_are_unique(kiosk_app):
    store = services(kiosk_app).cases
    case_ids = _cases(kiosk_app, 24)
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(lambda case_id: store.enqueue(case_id, TODAY).queue_number, case_ids))
    assert sorted(numbers) == list(range(1, 25))


def test_a_counter_behind_the_numbers_given_out_is_caught_up(kiosk_app):
    store = services(kiosk_app).cases
    first, second = _cases(kiosk_app, 2)
    assert store.enqueue(first, TODAY).queue_number == 1
    with services(kiosk_app).database.session() as db:
        db.execute(delete(QueueCounter))  # as if the day's counter row were lost
    assert store.enqueue(second, TODAY).queue_number == 2, "the unique number and a retry past the highest"


def test_at_home_there_is_no_hand_off(app):
    resident = tablet_with_result(app)
    assert "/okuyami/handoff" not in resident.page and "窓口に送る" not in resident.page
    assert 'href="/okuyami/prefill"' in resident.page
    assert resident.post("/okuyami/handoff").status_code == 404
    assert resident.get("/okuyami/handoff").status_code == 404
    resident.make_slip("okuyami")
    assert "/okuyami/handoff" not in resident.page
    assert queue_numbers(app) == []


def test_the_slip_page_at_a_tablet_offers_the_hand_off_too(kiosk_app):
    resident = tablet_with_result(kiosk_app)
    resident.make_slip("okuyami")
    assert 'action="/okuyami/handoff"' in resident.page
    response = resident.post("/okuyami/handoff")
    assert response.status_code == 302
    assert queue_numbers(kiosk_app) == [(TODAY, 1, None)]


def test_the_dashboard_lists_the_queue_and_its_fragment_needs_a_login(kiosk_app):
    send(tablet_with_result(kiosk_app))
    anonymous = kiosk_app.test_client()
    response = anonymous.get("/staff/queue", headers=HX)
    assert response.status_code == 401 and response.headers["HX-Redirect"] == "/staff/login"
    assert anonymous.get("/staff/queue").status_code == 302

    clerk = staff_client(kiosk_app)
    assert 'hx-get="/staff/queue"' in clerk.page and 'hx-trigger="every 3s"' in clerk.page
    fragment = clerk.get("/staff/queue", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment
    (group,) = queue_groups(fragment)
    assert group["counter"] == "市民課 1階 1番窓口" and group["count"] == "1人"
    row = re.search(r"<tr><td><a class=\"queue-table__number\" href=\"/staff/cases/([\w-]+)\"[^>]*>1</a></td>"
                    r"\s*<td>([^<]+)</td><td><time datetime=\"([^\"]+)\">(\d\d:\d\d)</time></td>"
                    r"<td>([^<]+)</td></tr>", fragment)
    assert row, fragment
    public_id, event, stamp, clock, waiting = row.groups()
    assert event.startswith("おくやみ")
    assert stamp.endswith("+09:00") and stamp[11:16] == clock, "Tokyo time"
    assert waiting == "1分未満"
    assert services(kiosk_app).cases.by_public_id(public_id).queue_number == 1


def test_call_next_needs_a_login_and_csrf_and_opens_the_called_case(kiosk_app):
    first, second = tablet_with_result(kiosk_app), tablet_with_result(kiosk_app)
    assert (send(first), send(second)) == (1, 2)

    anonymous = Resident(kiosk_app.test_client())
    anonymous.get("/staff/login")
    response = anonymous.post("/staff/queue/next", {"counter": "shimin"})
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]

    clerk = staff_client(kiosk_app)
    assert 'action="/staff/queue/next"' in clerk.page
    assert clerk.client.post("/staff/queue/next", data={"counter": "shimin"}).status_code == 400, "no CSRF token"
    assert [row[2] for row in queue_numbers(kiosk_app)] == [None, None], "nobody called yet"

    response = call_next_at(clerk, "shimin")
    assert response.status_code == 302
    location = response.headers["Location"]
    called = services(kiosk_app).cases.by_public_id(location.rsplit("/", 1)[1])
    assert called.queue_number == 1 and called.called_by == "clerk" and called.called_at is not None
    assert ("queue_call", "clerk", called.id) in audit_actions(kiosk_app)
    clerk.get(location)
    assert "受付番号 1 の方を呼びました" in clerk.page
    fragment = clerk.get("/staff/queue", headers=HX).get_data(as_text=True)
    assert re.findall(r'class="queue-table__number"[^>]*>(\d+)<', fragment) == ["2"], "a called case leaves"
    assert send(first) == 3, "sent again after being called: a new number"


SHUSSEI_NENKIN = scenario_answers_of("shussei", "10_")  # its route starts at 保険年金課


def tablet_with(app, event: str, answers: dict) -> Resident:
    resident = Resident(app.test_client())
    resident.start(event)
    resident.answer_all(event, answers)
    resident.get(f"/{event}/result")
    return resident


def send_event(resident: Resident, event: str) -> int:
    """Press 「窓口に送る」 for `event`; the 受付番号 the tablet then shows."""
    assert resident.post(f"/{event}/handoff").status_code == 302
    resident.get(f"/{event}/handoff")
    return int(re.search(r'id="queue-number">(\d+)<', resident.page).group(1))


def queue_groups(fragment: str) -> list[dict]:
    """The dashboard's queue as a clerk reads it: per counter, its name, count, the 「次の方を呼ぶ」 form's counter and
    the numbers listed under it, in the order shown."""
    groups = []
    for section in re.findall(r'<section class="queue-group".*?</section>', fragment, re.S):
        title = re.search(r'<h3[^>]*>([^<]+?) <span class="queue-group__count">([^<]+)</span></h3>', section)
        button = re.search(r'<button type="submit"[^>]*>次の方を呼ぶ<span class="visually-hidden">（([^）]+)）</span>',
                           section)
        groups.append({"counter": title.group(1), "count": title.group(2), "button_for": button.group(1),
                       "form_counter": re.search(r'name="counter" value="([^"]*)"', section).group(1),
                       "numbers": [int(n) for n in re.findall(r'class="queue-table__number"[^>]*>(\d+)<', section)]})
    return groups


def call_next_at(clerk: Resident, counter: str):
    clerk.get("/staff/")
    return clerk.post("/staff/queue/next", {"counter": counter})


def test_the_queue_is_grouped_by_first_counter_and_each_counter_calls_its_own_oldest(kiosk_app):
    okuyami_1 = tablet_with_result(kiosk_app)
    shussei_2 = tablet_with(kiosk_app, "shussei", SHUSSEI_NENKIN)
    okuyami_3 = tablet_with_result(kiosk_app)
    assert (send(okuyami_1), send_event(shussei_2, "shussei"), send(okuyami_3)) == (1, 2, 3)

    clerk = staff_client(kiosk_app)
    assert 'id="call-next"' not in clerk.page, "no whole-queue button: each counter calls its own"
    groups = queue_groups(clerk.get("/staff/queue", headers=HX).get_data(as_text=True))
    assert [(g["counter"], g["numbers"], g["count"]) for g in groups] == [
        ("市民課 1階 1番窓口", [1, 3], "2人"), ("保険年金課 1階 5番窓口", [2], "1人")], "the profile's counter order"
    assert [(g["button_for"], g["form_counter"]) for g in groups] == [
        ("市民課 1階 1番窓口", "shimin"), ("保険年金課 1階 5番窓口", "hoken_nenkin")]

    # 保険年金課 calls its oldest, 2, although 1 (another counter's) waits longer; the call is audited with the counter.
    response = call_next_at(clerk, "hoken_nenkin")
    called = services(kiosk_app).cases.by_public_id(response.headers["Location"].rsplit("/", 1)[1])
    assert called.queue_number == 2 and called.event == "shussei" and called.called_by == "clerk"
    with services(kiosk_app).database.read() as db:
        (detail,) = db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "queue_call"))
    assert detail == f"{TODAY} 2 hoken_nenkin"
    groups = queue_groups(clerk.get("/staff/queue", headers=HX).get_data(as_text=True))
    assert [(g["form_counter"], g["numbers"]) for g in groups] == [("shimin", [1, 3])], "an empty counter goes"
    assert call_next_at(clerk, "hoken_nenkin").status_code == 200 and "待っている方はいません。" in clerk.page

    response = call_next_at(clerk, "shimin")
    assert services(kiosk_app).cases.by_public_id(response.headers["Location"].rsplit("/", 1)[1]).queue_number == 1
    assert queue_groups(clerk.get("/staff/queue", headers=HX).get_data(as_text=True))[0]["numbers"] == [3]

    clerk.get("/staff/")
    assert clerk.post("/staff/queue/next").status_code == 400, "which counter calls must be said"
    assert call_next_at(clerk, "kaigo").status_code == 200 and "待っている方はいません。" in clerk.page
    assert [row[2] for row in queue_numbers(kiosk_app)] == ["clerk", "clerk", None]


def test_the_queue_of_fifty_cases_is_one_query_and_fast(kiosk_app):
    store = services(kiosk_app).cases
    okuyami = Answers.from_json(OKUYAMI_78)
    shussei = Answers.from_json(SHUSSEI_NENKIN)
    for index in range(50):
        event, answers = ("okuyami", okuyami) if index % 2 else ("shussei", shussei)
        case = store.save_case(event, answers, {}, "kiosk", keep_for=timedelta(days=30))
        store.enqueue(case.id, TODAY)
    clerk = staff_client(kiosk_app)
    clerk.get("/staff/queue", headers=HX)  # the engine's results, remembered per distinct answers
    statements: list[str] = []
    engine = services(kiosk_app).database.engine
    listen = (engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    event_api.listen(*listen)
    try:
        started = time.perf_counter()
        fragment = clerk.get("/staff/queue", headers=HX).get_data(as_text=True)
        elapsed = time.perf_counter() - started
    finally:
        event_api.remove(*listen)
    groups = queue_groups(fragment)
    assert sum(len(g["numbers"]) for g in groups) == 50 and len(groups) == 2
    case_queries = [s for s in statements if "FROM cases" in s]
    assert len(case_queries) == 1, f"one query for the whole queue, not one per case: {len(case_queries)}"
    assert elapsed < 1.0, f"the polled queue of 50 took {elapsed:.3f} s"


def called_text(resident: Resident) -> str | None:
    found = re.search(r'<p class="handoff-called" id="handoff-called">([^<]+)</p>', resident.page)
    return found.group(1) if found else None


def test_the_tablet_shows_its_number_called_with_the_counter(kiosk_app):
    resident = tablet_with_result(kiosk_app)
    number = send(resident)
    assert 'hx-get="/okuyami/handoff/status" hx-trigger="every 3s" hx-swap="outerHTML"' in resident.page
    assert re.search(r'<div class="handoff-status-region" role="status" aria-atomic="true">', resident.page)
    assert '<noscript><p><a class="button button--secondary" href="/okuyami/handoff">更新</a>' in resident.page
    assert called_text(resident) is None
    status = resident.get("/okuyami/handoff/status", headers=HX)
    assert status.status_code == 204 and status.get_data() == b"", "nothing to swap while waiting"
    response = resident.get("/okuyami/handoff/status")
    assert response.status_code == 302 and response.headers["Location"].endswith("/okuyami/handoff")

    clerk = staff_client(kiosk_app)
    call_next_at(clerk, "shimin")
    status = resident.get("/okuyami/handoff/status", headers=HX)
    assert status.status_code == 200 and "<html" not in resident.page and "hx-get" not in resident.page
    assert called_text(resident) == f"受付番号 {number} の方、市民課 1階 1番窓口へどうぞ。"
    resident.get("/okuyami/handoff")  # without JavaScript, 「更新」: the whole page says it too
    assert called_text(resident) == f"受付番号 {number} の方、市民課 1階 1番窓口へどうぞ。"
    assert "hx-get=\"/okuyami/handoff/status\"" not in resident.page, "called: no more asking"

    resident.post("/language", {"lang": "en", "next": "/okuyami/handoff"})
    resident.get("/okuyami/handoff/status", headers=HX)
    assert called_text(resident) == f"Number {number}, please come to: Citizens Division (市民課) 1st floor Window 1."

    # The idle reset (or 「終わる」) still wipes it: nothing of the case stays reachable.
    resident.get("/okuyami/handoff")
    assert 'id="idle-reset-form"' in resident.page
    assert resident.post("/reset").status_code == 302
    gone = resident.get("/okuyami/handoff/status", headers=HX)
    assert gone.status_code == 286, "htmx stops asking"
    assert gone.headers["HX-Redirect"] == "/okuyami/handoff", "and leaves the page, not a blank waiting text"
    assert resident.get("/okuyami/handoff").status_code == 302


def test_the_status_tells_each_tablet_only_about_its_own_number(kiosk_app):
    first, second = tablet_with_result(kiosk_app), tablet_with_result(kiosk_app)
    assert (send(first), send(second)) == (1, 2)
    services(kiosk_app).cases.call_next(TODAY, "clerk", accept=lambda case: case.queue_number == 2)

    assert first.get("/okuyami/handoff/status", headers=HX).status_code == 204, "1 still waits"
    assert first.get("/okuyami/handoff/status?number=2", headers=HX).status_code == 204, "no number from the URL"
    first.get("/okuyami/handoff")
    assert called_text(first) is None and ">2<" not in first.page
    second.get("/okuyami/handoff/status", headers=HX)
    assert called_text(second) == "受付番号 2 の方、市民課 1階 1番窓口へどうぞ。" and "受付番号 1" not in second.page

    stranger = Resident(kiosk_app.test_client())
    stranger.get("/okuyami/")
    assert stranger.get("/okuyami/handoff/status", headers=HX).status_code == 286
    assert stranger.page == ""


def test_at_home_there_is_no_status_and_no_receipt(app):
    resident = tablet_with_result(app)
    assert resident.get("/okuyami/handoff/status", headers=HX).status_code == 404
    assert resident.get("/okuyami/handoff/receipt").status_code == 404


def test_without_a_receipt_printer_there_is_no_print_button_and_no_receipt(kiosk_app):
    resident = tablet_with_result(kiosk_app)
    send(resident)
    assert "番号を印刷する" not in resident.page and "/okuyami/handoff/receipt" not in resident.page
    assert resident.get("/okuyami/handoff/receipt").status_code == 404


def test_with_a_receipt_printer_the_number_prints_on_a_receipt_without_personal_data(tmp_path):
    printer_app = make_app(tmp_path, KIOSK_MODE="kiosk", KIOSK_RECEIPT_PRINTER="1")
    resident = tablet_with_result(printer_app)
    resident.get("/okuyami/prefill/applicant")
    resident.post("/okuyami/prefill/applicant", {"name": "山田 太郎", "name_kana": "ヤマダ タロウ",
                  "birth_date": "1968-04-21", "postal_code": "", "address": "東京都国立市東1-2-3",
                  "phone": "090-1234-5678", "relationship": "child"})
    number = send(resident)
    assert re.search(r'<a class="button button--primary" id="print-number" href="/okuyami/handoff/receipt">'
                     r"番号を印刷する</a>", resident.page)
    assert resident.get("/okuyami/handoff/receipt").status_code == 200
    page = resident.page
    assert f'<p class="receipt__number" id="receipt-number">{number}</p>' in page
    assert "国立市" in page and "おくやみ" in page
    queued = services(printer_app).cases.get(resident_case_id(printer_app)).queued_at
    tokyo = queued.replace(tzinfo=queued.tzinfo or UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    assert f'<time datetime="{tokyo.isoformat(timespec="minutes")}">' in page and tokyo.strftime("%H:%M") in page
    assert "はじめの窓口：市民課 1階 1番窓口" in page
    assert "番号が呼ばれたら、この紙を窓口でお見せください。" in page
    assert re.search(r'href="/static/css/receipt-number.css[^"]*" media="print"', page)
    for personal in ("山田", "ヤマダ", "1968", "東1-2-3", "090"):
        assert personal not in page, personal
    assert printed_code(services(printer_app).cases.get(resident_case_id(printer_app))) not in page


def resident_case_id(app) -> int:
    with services(app).database.read() as db:
        (case_id,) = db.scalars(select(Case.id).where(Case.queue_number.is_not(None)))
        return case_id
