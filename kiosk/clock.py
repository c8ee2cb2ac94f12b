"""Today's date where the residents are: Japan, whatever the server's own time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

JAPAN = ZoneInfo("Asia/Tokyo")


def today_in_japan() -> date:
    """The current date in Japan (deadlines and 「今日」 are Japanese dates)."""
    return datetime.now(JAPAN).date()
