"""Three-valued logic: a condition can hold, not hold, or be unknown (「わからない」)."""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Truth(enum.Enum):
    """Kleene's strong three-valued logic."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    def __invert__(self) -> Truth:
        if self is Truth.TRUE:
            return Truth.FALSE
        if self is Truth.FALSE:
            return Truth.TRUE
        return Truth.UNKNOWN

    @staticmethod
    def of(value: bool) -> Truth:
        """Truth of a plain boolean."""
        return Truth.TRUE if value else Truth.FALSE


def all_of(values: Iterable[Truth]) -> Truth:
    """False if any is false, else unknown if any is unknown, else true."""
    result = Truth.TRUE
    for value in values:
        if value is Truth.FALSE:
            return Truth.FALSE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


def any_of(values: Iterable[Truth]) -> Truth:
    """True if any is true, else unknown if any is unknown, else false."""
    result = Truth.FALSE
    for value in values:
        if value is Truth.TRUE:
            return Truth.TRUE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result
