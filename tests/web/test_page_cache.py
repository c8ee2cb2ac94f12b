"""Question pages rendered once and shared: each resident still gets their own token, answer and settings."""

import re

from kiosk.web.page_cache import PageCache, fill

from .conftest import Resident
from .test_resident_flow import OKUYAMI_78


def token(page: str) -> str:
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
    assert len(tokens) == 1, tokens
    return tokens.pop()


def test_two_residents_share_a_page_but_not_their_token_or_answer(app):
    first, second = Resident(app.test_client()), Resident(app.test_client())
    first.start("okuyami")
    second.start("okuyami")
    question_id = first.current_question()
    assert second.current_question() == question_id
    assert token(first.page) != token(second.page)
    assert not re.search(r"slot[0-9a-f]{32}", first.page + second.page)  # no marker is left unfilled
    # The second resident can answer with the token on their (shared) page.
    response = second.answer("okuyami", question_id, OKUYAMI_78[question_id])
    assert response.status_code == 302
    year = OKUYAMI_78[question_id][:4]
    second.get(f"/okuyami/questions/{question_id}")
    first.get(f"/okuyami/questions/{question_id}")
    assert f'value="{year}"' in second.page and f'value="{year}"' not in first.page


def test_display_settings_are_part_of_the_page(app):
    resident = Resident(app.test_client())
    resident.start("okuyami")
    question_id = resident.current_question()
    plain = resident.page
    resident.post("/language", {"lang": "en", "next": f"/okuyami/questions/{question_id}"})
    resident.get(f"/okuyami/questions/{question_id}")
    assert resident.page != plain and 'lang="en"' in resident.page
    resident.post("/language", {"lang": "ja", "next": f"/okuyami/questions/{question_id}"})
    resident.get(f"/okuyami/questions/{question_id}")
    assert 'lang="ja"' in resident.page
    tokens = r'(value|content)="[^"]{40,}"'  # the CSRF token, signed with the time: differs by the second
    assert re.sub(tokens, "", resident.page) == re.sub(tokens, "", plain)


def test_the_cache_keeps_the_recent_pages_within_its_size():
    cache = PageCache(max_bytes=800)
    for number in range(20):
        cache.put(number, cache.split("x" * 100))
    assert cache.get(0) is None and cache.get(19) == (b"x" * 100,)
    assert sum(cache.get(n) is not None for n in range(20)) == 8
    cache.put("big", cache.split("y" * 500))  # more than an eighth of the cache: rendered but not kept
    assert cache.get("big") is None


def test_slots_are_filled_per_request_and_never_kept():
    cache = PageCache(max_bytes=10_000)
    page = f"<p>{cache.marker('csrf')}</p><dl>{cache.marker('prefill')}</dl><i>{cache.marker('csrf')}</i>"
    cache.put("case", cache.split(page))
    kept = cache.get("case")
    assert kept is not None and not any("山田" in str(part) for part in kept)
    filled = fill(kept, {"csrf": b"TOKEN", "prefill": "<dd>山田太郎</dd>".encode()})
    assert filled.decode() == "<p>TOKEN</p><dl><dd>山田太郎</dd></dl><i>TOKEN</i>"
    assert fill(kept, {"csrf": b"OTHER", "prefill": b""}).decode() == "<p>OTHER</p><dl></dl><i>OTHER</i>"
