"""From the resident's answers to the slip, then staff login, scan and a printed form with the prefilled name."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from kiosk.extensions import services

from ..conftest import require_program
from .conftest import NewContext, Site
from .helpers import OKUYAMI_78, answer_by_requests

PASSWORD = "counter-password-1"


def test_slip_to_counter_to_printed_form(home: Page, home_site: Site, new_context: NewContext, tmp_path: Path) -> None:
    require_program("pdftotext", install="apt-get install poppler-utils")  # fails on CI when missing
    # The resident, at home: answers, then the optional prefill step, then the slip.
    answer_by_requests(home.context, home_site, "okuyami", OKUYAMI_78)
    home.goto("/okuyami/result")
    home.get_by_role("link", name="窓口に持っていく受付票を作る").click()
    home.get_by_role("link", name="入力する").click()
    home.fill("#field-name", "山田　太郎")
    home.fill("#field-name_kana", "やまだ たろう")
    home.fill("#field-birth_date", "昭和43年4月21日")
    home.fill("#field-postal_code", "１８６－０００２")
    home.fill("#field-address", "東京都国立市東1-2-3")
    home.fill("#field-phone", "090-1234-5678")
    home.select_option("#field-relationship", "child")
    home.get_by_role("button", name="次へ").click()
    home.fill("#field-name", "山田 一郎")
    home.fill("#field-name_kana", "ヤマダ イチロウ")
    home.fill("#field-birth_date", "1947-11-03")
    home.fill("#field-address", "東京都国立市東1-2-3")
    home.get_by_role("button", name="次へ").click()
    expect(home.locator("h1")).to_have_text("受付票")
    # The QR code as the browser draws it, decoded back from a screenshot.
    picture = home.locator(".slip__qr svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture)))
    assert len(found) == 1
    payload = found[0].text
    assert payload.startswith("R") and "山田" not in payload

    # The clerk, at the counter: log in, scan, open the case, print its forms.
    services(home_site.app).staff.add("tanaka", PASSWORD, "staff")
    clerk = new_context(home_site).new_page()
    clerk.goto("/staff/")
    expect(clerk).to_have_url(f"{home_site.url}/staff/login?next=%2Fstaff%2F")
    clerk.fill("#name", "tanaka")
    clerk.fill("#password", PASSWORD)
    clerk.get_by_role("button", name="ログイン").click()
    expect(clerk.locator("#code")).to_be_focused()  # a USB scanner types straight into the field
    clerk.keyboard.type(payload)
    clerk.keyboard.press("Enter")
    expect(clerk.locator("h1")).to_contain_text("受付番号")
    expect(clerk.locator("main")).to_contain_text("山田 太郎")
    expect(clerk.locator("main")).to_contain_text("後期高齢者医療 資格喪失届")
    # Marking a procedure done swaps just its cell (htmx), says so to screen readers, and survives a reload.
    cell = clerk.locator("#status-koki_shikaku_soshitsu")
    cell.get_by_role("button", name="済にする").click()
    expect(clerk.locator("#status-koki_shikaku_soshitsu .tag")).to_have_text("済")
    expect(clerk.locator("#live")).to_contain_text("後期高齢者医療")
    clerk.reload()
    expect(clerk.locator("#status-koki_shikaku_soshitsu .tag")).to_have_text("済")
    expect(clerk.locator("#status-koki_shikaku_soshitsu").get_by_role("button", name="未に戻す")).to_be_visible()
    clerk.get_by_role("link", name="この案件の書類をまとめて印刷する").click()
    pdf = tmp_path / "forms.pdf"
    clerk.pdf(path=str(pdf), prefer_css_page_size=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "山田 太郎" in text and "ヤマダ タロウ" in text
    assert "世帯主" in text
