"""「マイナンバーカードで入力する」 in Chromium, on the real PC/SC stack with the emulated card: place the card, tap
the PIN on the keypad, the applicant's details come back filled in, the slip is made, and the clerk sees
「カードから読み取り（確認済み）」. No key of the PIN is typed on a keyboard; no command names the 個人番号 file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from kiosk import create_app
from kiosk.card import apdu
from kiosk.extensions import services
from kiosk.store.models import Case

from ..card.emulator import READER
from ..card.fixtures import PlaceCard, jlis_certificate, pcscd, pki, place_card
from .conftest import IDLE_COUNTDOWN_SECONDS, IDLE_SECONDS, TODAY, NewContext, Site
from .helpers import OKUYAMI_78, answer_by_requests, assert_no_axe_violations
from .test_staff_call import logged_in_clerk

__all__ = ["jlis_certificate", "pcscd", "pki", "place_card"]  # fixtures shared with tests/card
PIN = "4271"


@pytest.fixture(scope="module")
def card_site(chromium: Browser, pcscd: None, jlis_certificate: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A counter tablet with the card option on, the virtual reader configured and J-LIS's (test) certificate."""
    folder = tmp_path_factory.mktemp("browser-card")
    app = create_app({
        "TESTING": True, "KIOSK_MODE": "kiosk", "KIOSK_DATABASE_URL": f"sqlite:///{folder / 'kiosk.sqlite3'}",
        "KIOSK_IDLE_SECONDS": IDLE_SECONDS, "KIOSK_IDLE_COUNTDOWN_SECONDS": IDLE_COUNTDOWN_SECONDS,
        "KIOSK_STAFF_ACCESS": "127.0.0.0/8,::1", "TODAY": lambda: TODAY, "SECRET_KEY": "browser-card-secret",
        "KIOSK_CARD": True, "KIOSK_CARD_READER": READER, "KIOSK_CARD_JLIS_CERTIFICATE": str(jlis_certificate),
    })
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-card-server", daemon=True)
    thread.start()
    try:
        yield Site(app=app, url=f"http://127.0.0.1:{server.port}", mode="kiosk")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def tap_pin(page: Page, pin: str) -> None:
    keypad = page.get_by_role("group", name="暗証番号の数字ボタン")
    for digit in pin:
        keypad.get_by_role("button", name=digit, exact=True).click()


def test_place_card_tap_pin_details_filled_slip_and_the_clerk_sees_it_verified(
    card_site: Site, new_context: NewContext, place_card: PlaceCard
):
    page = new_context(card_site).new_page()
    page.set_viewport_size({"width": 1024, "height": 768})
    answer_by_requests(page.context, card_site, "okuyami", OKUYAMI_78)
    card = place_card(pin=PIN)

    page.goto("/okuyami/prefill/applicant")
    with page.expect_navigation():
        page.get_by_role("link", name="マイナンバーカードで入力する").click()
    expect(page.locator("h1")).to_have_text("マイナンバーカードで入力する")
    expect(page.locator("#card-tries")).to_have_text("暗証番号は、あと3回試せます。")
    pin_field = page.locator("#card-pin")
    assert pin_field.get_attribute("type") == "password" and pin_field.get_attribute("readonly") is not None

    tap_pin(page, "99")
    page.get_by_role("button", name="1つ消す").click()
    page.get_by_role("button", name="全部消す").click()
    tap_pin(page, PIN)
    expect(page.locator(".keypad__count")).to_have_text("4けた入力しました")
    assert PIN not in page.locator("main").inner_text()  # never shown
    with page.expect_navigation():
        page.get_by_role("button", name="読み取る").click()

    assert page.url.endswith("/okuyami/prefill/applicant")
    expect(page.locator(".card-notice")).to_contain_text("マイナンバーカードから読み取りました。")
    expect(page.locator("#field-name")).to_have_value("山田 太郎")
    expect(page.locator("#field-name_kana")).to_have_value("ヤマダ タロウ")
    expect(page.locator("#field-birth_date")).to_have_value("1980-04-15")
    expect(page.locator("#field-address")).to_have_value("東京都国立市富士見台2丁目47番地の1")
    expect(page.locator("#field-sex")).to_be_checked()
    page.fill("#field-phone", "042-576-2111")
    page.select_option("#field-relationship", "child")
    with page.expect_navigation():
        page.get_by_role("button", name="次へ").click()

    assert page.url.endswith("/okuyami/prefill/subject")
    page.fill("#field-name", "山田 一郎")
    page.fill("#field-name_kana", "ヤマダ イチロウ")
    page.fill("#field-birth_date", "1947-11-03")
    page.fill("#field-address", "東京都国立市富士見台2丁目47番地の1")
    with page.expect_navigation():
        page.get_by_role("button", name="次へ").click()
    assert page.url.endswith("/okuyami/slip")

    with services(card_site.app).database.read() as db:
        case = db.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None
        public_id, prefill = case.public_id, dict(case.prefill)
    assert prefill["card"] == {"applicant": "jlis", "corrected": ""}
    clerk = logged_in_clerk(new_context(card_site), card_site)
    clerk.goto(f"/staff/cases/{public_id}")
    expect(clerk.locator(".card-provenance")).to_have_text("カードから読み取り（確認済み）")
    expect(clerk.locator("main")).to_contain_text("山田 太郎")
    assert card.apdus and not any(apdu.names_forbidden_file(command) for command in card.apdus)


def test_a_wrong_pin_is_explained_and_axe_finds_nothing(card_site: Site, new_context: NewContext,
                                                        place_card: PlaceCard):
    # bypass_csp: axe.min.js is added inline (see test_axe.py); the journey above runs with the CSP enforced.
    page = new_context(card_site, bypass_csp=True).new_page()
    answer_by_requests(page.context, card_site, "okuyami", OKUYAMI_78)
    place_card(pin=PIN)
    page.goto("/okuyami/prefill/applicant/card")
    assert_no_axe_violations(page, "the card page with its keypad")
    tap_pin(page, "0000")
    with page.expect_navigation():
        page.get_by_role("button", name="読み取る").click()
    expect(page.locator("#error-summary")).to_contain_text("暗証番号がちがいます。あと2回試せます。")
    expect(page.locator("#card-pin")).to_have_value("")
    assert_no_axe_violations(page, "the card page after a wrong PIN")
