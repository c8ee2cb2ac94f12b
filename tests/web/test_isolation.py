"""Each resident sees only their own answers and token, and nothing a request carries piles up in the server."""

import gc
import re
import tracemalloc

from .conftest import Resident
from .test_resident_flow import OKUYAMI_78


def _first_date_question(resident: Resident) -> str:
    resident.start("okuyami")
    return resident.current_question()


def _shown_date(page: str) -> tuple[str, str, str]:
    # "answer-year" on a one-question page, "<question id>-year" on a screen of several
    values = [re.search(rf'name="[a-z_]+-{part}"[^>]*value="(\d*)"', page) for part in ("year", "month", "day")]
    assert all(values), "the date fields are on the page"
    return tuple(match.group(1) for match in values)  # type: ignore[union-attr,return-value]


def test_two_residents_at_the_same_question_see_their_own_answer_and_token(app):
    first, second = Resident(app.test_client()), Resident(app.test_client())
    question = _first_date_question(first)
    assert _first_date_question(second) == question
    first.answer("okuyami", question, "2026-05-01")
    second.answer("okuyami", question, "2026-04-20")
    for _ in range(2):  # and again, in the other order
        for resident, expected in ((first, ("2026", "5", "1")), (second, ("2026", "4", "20"))):
            resident.get(f"/okuyami/questions/{question}?change=1")
            assert _shown_date(resident.page) == expected
    first.get(f"/okuyami/questions/{question}")
    second.get(f"/okuyami/questions/{question}")
    assert first.csrf() != second.csrf()
    # The other resident's token is refused, and the answer stays as it was.
    stolen = first.csrf()
    response = second.client.post(f"/okuyami/questions/{question}", data={
        "csrf_token": stolen, "answer-year": "2026", "answer-month": "3", "answer-day": "3"})
    assert response.status_code == 400
    second.get(f"/okuyami/questions/{question}?change=1")
    assert _shown_date(second.page) == ("2026", "4", "20")


def test_two_residents_with_different_answers_get_their_own_results(app):
    first, second = Resident(app.test_client()), Resident(app.test_client())
    first.start("okuyami")
    first.answer_all("okuyami", OKUYAMI_78)
    second.start("okuyami")
    second.answer_all("okuyami", {**OKUYAMI_78, "deceased_age": 58, "deceased_insurance": "kokuho"})
    first.get("/okuyami/result")
    second.get("/okuyami/result")
    # 78 with 後期高齢者医療 / 58 with 国民健康保険: each sees the insurance of their own family only.
    assert "後期高齢者医療制度をやめる手続き" in first.page and "国民健康保険 資格喪失届" not in first.page
    assert "後期高齢者医療制度をやめる手続き" not in second.page and "国民健康保険 資格喪失届" in second.page


def test_two_hundred_distinct_query_strings_leave_memory_flat(resident):
    question = _first_date_question(resident)
    url = f"/okuyami/questions/{question}"
    for number in range(20):  # warm up: templates compiled, pools filled
        resident.get(f"{url}?utm={number}")
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for number in range(200):
            assert resident.get(f"{url}?utm=visit-{number}").status_code == 200
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A page kept per query string would hold 200 × ~20 kB = 4 MB here.
    assert after - before < 400_000, f"{after - before} bytes kept after 200 distinct query strings"
