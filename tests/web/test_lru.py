"""The web layer's memos keep their most recently used entries, within their limit."""

from kiosk.web.lru import LRU


def test_the_most_recently_used_entries_are_kept():
    tokens = LRU[str, str](3)
    for number in range(5):
        tokens.put(f"secret{number}", f"token{number}")
    tokens.get("secret2")  # recently used: stays
    tokens.put("secret5", "token5")
    assert [tokens.get(f"secret{n}") for n in range(6)] == [None, None, "token2", None, "token4", "token5"]


def test_entries_weigh_what_they_hold_and_a_replaced_one_counts_once():
    pages = LRU[str, str](10, len)
    pages.put("a", "xxxx")
    pages.put("a", "xxxx")  # the same page again: still 4 in all
    pages.put("b", "xxxxxx")  # 10 in all: both kept
    assert pages.get("a") == "xxxx" and pages.get("b") == "xxxxxx"
    pages.put("c", "x")  # 11: the least recently used goes
    assert pages.get("a") is None and pages.get("b") == "xxxxxx" and pages.get("c") == "x"
