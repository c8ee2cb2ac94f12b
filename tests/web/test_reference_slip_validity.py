"""A reference slip (the QR carries only a signed case id) is valid for exactly the days the city set
(KIOSK_SLIP_VALID_DAYS): the slip says so, the clerk's scan opens the case up to the last second, and a slip
scanned after that is refused with its date instead of opening the case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import kiosk.slip.reference
from kiosk.slip.reference import token_header

from .conftest import close_apps, make_app  # noqa: F401 (close_apps: autouse)
from .test_staff import STAFF_ON, decode_slip, resident_with_slip, scan, staff_client

ISSUED = datetime(2026, 5, 12, 1, 30, tzinfo=UTC)  # 10:30 in Japan
SECOND = timedelta(seconds=1)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = ISSUED
        monkeypatch.setattr(kiosk.slip.reference, "utc_now", lambda: self.moment)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.mark.parametrize("days", [1, 3, 14])
def test_the_slip_says_how_long_it_is_valid_and_its_token_expires_then(tmp_path, clock, days):
    app = make_app(tmp_path, KIOSK_SLIP_VALID_DAYS=str(days), **STAFF_ON)
    resident = resident_with_slip(app, prefill=False)
    assert f"この受付票は{days}日間使えます。" in resident.page
    header = token_header(decode_slip(resident.page))
    assert header is not None
    assert header[1] == ISSUED + timedelta(days=days)


def test_a_reference_slip_opens_the_case_until_its_last_second_and_is_refused_after(tmp_path, clock):
    app = make_app(tmp_path, KIOSK_SLIP_VALID_DAYS="3", **STAFF_ON)
    payload = decode_slip(resident_with_slip(app, prefill=False).page)
    clerk = staff_client(app)

    clock.moment = ISSUED + timedelta(days=3) - SECOND
    response = scan(clerk, payload)
    assert response.status_code == 302 and "/staff/cases/" in response.headers["Location"]

    clock.moment = ISSUED + timedelta(days=3)
    response = scan(clerk, payload)
    assert response.status_code == 422
    assert "有効期限（2026年5月15日）を過ぎています" in clerk.page
    assert "/staff/cases/" not in response.headers.get("Location", "")


def test_the_default_validity_is_fourteen_days(tmp_path, clock):
    app = make_app(tmp_path, **STAFF_ON)
    resident = resident_with_slip(app, prefill=False)
    assert "この受付票は14日間使えます。" in resident.page
    header = token_header(decode_slip(resident.page))
    assert header is not None and header[1] == ISSUED + timedelta(days=14)
