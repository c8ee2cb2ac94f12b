"""A small thread-safe LRU mapping, bounded by the total weight of its entries (by default, their number):
the per-process memos of the web layer (CSRF tokens, URLs, rendered pages)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _one(_: object) -> int:
    return 1


class LRU(Generic[K, V]):
    """Keeps the most recently used entries whose weights add up to at most `limit`."""

    def __init__(self, limit: int, weigh: Callable[[V], int] = _one) -> None:
        self.limit = limit
        self._weigh = weigh
        self._weight = 0
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept for a key, if any (it becomes the most recently used)."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        """Keep a value, forgetting the least recently used entries beyond the limit."""
        weight = self._weigh(value)
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._weight -= self._weigh(previous)
            self._entries[key] = value
            self._weight += weight
            while self._weight > self.limit:
                _, dropped = self._entries.popitem(last=False)
                self._weight -= self._weigh(dropped)

    def values(self) -> list[V]:
        """What is kept, least recently used first (a copy)."""
        with self._lock:
            return list(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)
