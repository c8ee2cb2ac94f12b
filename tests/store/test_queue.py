"""The counter queue in the store: 「次の方を呼ぶ」 for one counter takes that counter's oldest waiting case, and
clerks pressing at once (any server process: the database is the only shared state) never call one case twice."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from kiosk.engine import Answers
from kiosk.extensions import services

from ..web.conftest import TODAY, make_app


def _queue(app, events: list[str]) -> list[int]:
    store = services(app).cases
    ids = []
    for event in events:
        case = store.save_case(event, Answers.from_json({}), {}, "kiosk", keep_for=timedelta(days=30))
        ids.append(store.enqueue(case.id, TODAY).id)
    return ids


def test_a_counter_calls_its_own_oldest_case_and_nobody_else_s(tmp_path):
    app = make_app(tmp_path, KIOSK_MODE="kiosk")
    store = services(app).cases
    _queue(app, ["okuyami", "shussei", "okuyami", "shussei"])
    births = lambda case: case.event == "shussei"  # noqa: E731  (a counter's cases, as the dashboard decides)
    assert store.call_next(TODAY, "clerk", accept=births, counter="kosodate").queue_number == 2
    assert store.call_next(TODAY, "clerk", accept=births, counter="kosodate").queue_number == 4
    assert store.call_next(TODAY, "clerk", accept=births, counter="kosodate") is None
    assert [case.queue_number for case in store.waiting(TODAY)] == [1, 3], "the other counter's cases still wait"
    assert store.call_next(TODAY, "clerk").queue_number == 1, "without a counter: the whole queue's oldest"


def test_clerks_of_one_counter_pressing_at_once_call_different_cases(tmp_path):
    app = make_app(tmp_path, KIOSK_MODE="kiosk")
    store = services(app).cases
    _queue(app, ["okuyami"] * 12 + ["shussei"] * 4)
    deaths = lambda case: case.event == "okuyami"  # noqa: E731
    with ThreadPoolExecutor(max_workers=6) as pool:
        called = list(pool.map(lambda n: store.call_next(TODAY, f"clerk{n}", accept=deaths, counter="shimin"),
                               range(14)))
    numbers = sorted(case.queue_number for case in called if case is not None)
    assert numbers == list(range(1, 13)), "each waiting case of the counter called exactly once"
    assert called.count(None) == 2
    assert [case.event for case in store.waiting(TODAY)] == ["shussei"] * 4
