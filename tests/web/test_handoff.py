"""「窓口に送る」 (issue 14, 待たない): at a counter tablet the case goes into the counter queue with the day's
受付番号 (1, 2, 3, … per day, unique even when given out at once); the tablet shows it large with what happens next;
the staff dashboard lists the queue and 「次の方を呼ぶ」 (login and CSRF) calls the oldest and opens it. At home
nothing changes."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import delete, select

from kiosk.engine import Answers
from kiosk.extensions import services
from kiosk.store.models import Case, QueueCounter

from .conftest import TODAY, Resident
from .test_resident_flow import OKUYAMI_78
from .test_staff import audit_actions, staff_client

HX = {"HX-Request": "true"}


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
    row = re.search(r"<tr><td><a class=\"queue-table__number\" href=\"/staff/cases/([\w-]+)\"[^>]*>1</a></td>"
                    r"\s*<td>([^<]+)</td><td><time datetime=\"([^\"]+)\">(\d\d:\d\d)</time></td>"
                    r"<td>([^<]+)</td><td>([^<]+)</td></tr>", fragment)
    assert row, fragment
    public_id, event, stamp, clock, waiting, counter = row.groups()
    assert event == "おくやみ（ご家族が亡くなったとき）" or event.startswith("おくやみ")
    assert stamp.endswith("+09:00") and stamp[11:16] == clock, "Tokyo time"
    assert waiting == "1分未満" and counter != "—"
    assert services(kiosk_app).cases.by_public_id(public_id).queue_number == 1


def test_call_next_needs_a_login_and_csrf_and_calls_the_oldest(kiosk_app):
    first, second = tablet_with_result(kiosk_app), tablet_with_result(kiosk_app)
    assert (send(first), send(second)) == (1, 2)

    anonymous = Resident(kiosk_app.test_client())
    anonymous.get("/staff/login")
    response = anonymous.post("/staff/queue/next")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]

    clerk = staff_client(kiosk_app)
    assert 'action="/staff/queue/next"' in clerk.page
    assert clerk.client.post("/staff/queue/next").status_code == 400, "no CSRF token"
    assert [row[2] for row in queue_numbers(kiosk_app)] == [None, None], "nobody called yet"

    response = clerk.post("/staff/queue/next")
    assert response.status_code == 302
    location = response.headers["Location"]
    called = services(kiosk_app).cases.by_public_id(location.rsplit("/", 1)[1])
    assert called.queue_number == 1 and called.called_by == "clerk" and called.called_at is not None
    assert ("queue_call", "clerk", called.id) in audit_actions(kiosk_app)
    clerk.get(location)
    assert "受付番号 1 の方を呼びました" in clerk.page

    fragment = clerk.get("/staff/queue", headers=HX).get_data(as_text=True)
    assert re.findall(r'class="queue-table__number"[^>]*>(\d+)<', fragment) == ["2"], "a called case leaves"

    clerk.get("/staff/")
    response = clerk.post("/staff/queue/next")
    assert services(kiosk_app).cases.by_public_id(response.headers["Location"].rsplit("/", 1)[1]).queue_number == 2
    clerk.get("/staff/")
    response = clerk.post("/staff/queue/next")
    assert response.status_code == 200 and "待っている方はいません。" in clerk.page

    assert send(first) == 3, "sent again after being called: a new number"
