"""「マイナンバーカードで入力する」 through the Flask app, with the emulated card on the real PC/SC stack: where it is
offered, the keypad's outcomes, what is stored (and what never is: the PIN, anything from a failed read)."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import text

from kiosk.card import apdu
from kiosk.extensions import services

from ..web.conftest import Resident, make_app
from ..web.test_resident_flow import OKUYAMI_78
from ..web.test_staff import staff_client
from .emulator import READER

PIN = "4271"
APPLICANT = "/okuyami/prefill/applicant"
CARD = "/okuyami/prefill/applicant/card"
OFFER = "マイナンバーカードで入力する"


def card_app(tmp_path, jlis_certificate=None, **config):
    settings = {"KIOSK_MODE": "kiosk", "KIOSK_CARD": True, "KIOSK_CARD_READER": READER}
    if jlis_certificate is not None:
        settings["KIOSK_CARD_JLIS_CERTIFICATE"] = str(jlis_certificate)
    settings.update(config)
    return make_app(tmp_path, **settings)


def ready(app, language=None) -> Resident:
    """A resident who has answered the おくやみ questions (and chose `language`)."""
    resident = Resident(app.test_client())
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78, default=lambda _: "unknown")
    if language:
        resident.post("/language", {"lang": language, "next": "/okuyami/check"})
    return resident


def stored_sessions(app) -> list[dict]:
    with services(app).database.engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM resident_sessions")).all()
    return [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]


def never_named_my_number(card) -> None:
    assert card.apdus and not any(apdu.names_forbidden_file(command) for command in card.apdus)


# --- where it is offered --------------------------------------------------------------------------------------------


def test_offered_for_the_applicant_on_a_kiosk_with_a_reader(pcscd, tmp_path, jlis_certificate):
    resident = ready(card_app(tmp_path, jlis_certificate))
    resident.get(APPLICANT)
    assert OFFER in resident.page and f'href="{CARD}"' in resident.page
    resident.get("/okuyami/prefill/subject")
    assert OFFER not in resident.page


@pytest.mark.parametrize("config", [
    {"KIOSK_MODE": "home"},  # a home server never offers it (and has no such page)
    {"KIOSK_CARD": False},  # switched off
    {"KIOSK_CARD_READER": "No such reader"},  # no reader attached
])
def test_not_offered_without_kiosk_setting_or_reader(pcscd, tmp_path, config):
    app = card_app(tmp_path, **config)
    resident = ready(app)
    resident.get(APPLICANT)
    assert OFFER not in resident.page
    if config.get("KIOSK_MODE") == "home" or config.get("KIOSK_CARD") is False:
        assert resident.get(CARD).status_code == 404
    else:  # the reader unplugged after the page offered it: said so, with the way back to typing
        resident.get(CARD)
        assert "カードの読み取り機が見つかりません" in resident.page and 'name="pin"' not in resident.page
        assert resident.post(CARD, {"pin": PIN}).status_code == 422
        assert not any("card_read" in data for data in stored_sessions(app))


# --- a good read ----------------------------------------------------------------------------------------------------


def test_the_card_fills_the_form_and_the_clerk_sees_it_verified(place_card, tmp_path, jlis_certificate, caplog):
    caplog.set_level(logging.DEBUG)
    app = card_app(tmp_path, jlis_certificate)
    resident = ready(app)
    card = place_card(pin=PIN)
    resident.get(CARD)
    assert "あと3回" in resident.page and 'name="pin"' in resident.page
    response = resident.post(CARD, {"pin": PIN})
    assert response.status_code == 302 and response.headers["Location"].endswith(APPLICANT)
    resident.get(APPLICANT)
    page = resident.page
    assert "マイナンバーカードから読み取りました" in page and "読み方の候補" in page
    for value in ("山田 太郎", "ヤマダ タロウ", "1980-04-15", "東京都国立市富士見台2丁目47番地の1"):
        assert f'value="{value}"' in page
    assert re.search(r'value="male"\s+checked', page)
    fields = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', page))
    response = resident.post(APPLICANT, {
        "name": fields["name"], "name_kana": fields["name_kana"], "birth_date": fields["birth_date"], "sex": "male",
        "postal_code": "186-0003", "address": "東京都国立市富士見台2丁目47番地の1 101号", "phone": "042-576-2111",
        "relationship": "child"})
    assert response.status_code == 302, resident.page[:1000]
    [data] = [d for d in stored_sessions(app) if d.get("prefill")]
    assert data["prefill"]["okuyami"]["card"] == {"applicant": "jlis", "corrected": "address"}
    assert data["prefill"]["okuyami"]["applicant"]["name"] == "山田 太郎"
    resident.get(APPLICANT)
    assert "マイナンバーカードから読み取りました" not in resident.page  # applied: the stored details are shown now
    resident.make_slip("okuyami")
    case_id = data.get("case_ids", {}).get("okuyami") or next(
        d for d in stored_sessions(app) if d.get("case_ids"))["case_ids"]["okuyami"]
    case = services(app).cases.get(case_id)
    clerk = staff_client(app)
    clerk.get(f"/staff/cases/{case.public_id}")
    assert "カードから読み取り（確認済み）" in clerk.page and "本人が直した項目：住所" in clerk.page
    never_named_my_number(card)
    # The PIN: in no page, no stored session, no case, no log line.
    assert PIN not in resident.page and PIN not in json.dumps(stored_sessions(app))
    assert PIN not in json.dumps(case.prefill) and PIN not in caplog.text


def test_without_jlis_certificate_the_clerk_is_told(place_card, tmp_path):
    app = card_app(tmp_path)
    resident = ready(app)
    place_card(pin=PIN)
    resident.get(CARD)
    assert resident.post(CARD, {"pin": PIN}).status_code == 302
    [data] = [d for d in stored_sessions(app) if d.get("card_read")]
    assert data["card_read"]["okuyami"]["verified"] == "card"


def test_the_idle_reset_forgets_what_was_read(place_card, tmp_path, jlis_certificate):
    app = card_app(tmp_path, jlis_certificate)
    resident = ready(app)
    place_card(pin=PIN)
    resident.get(CARD)
    assert resident.post(CARD, {"pin": PIN}).status_code == 302
    assert any("card_read" in data for data in stored_sessions(app))
    resident.get("/okuyami/check")
    resident.post("/reset")
    assert not any("card_read" in data or "prefill" in data for data in stored_sessions(app))
    assert "山田" not in resident.get("/").get_data(as_text=True)


# --- what goes wrong ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("card_options", "pin", "message"), [
    ({"pin": PIN}, "0000", "The PIN is wrong. You can try 2 more times."),
    ({"pin": PIN, "tries": 0}, PIN, "This card is locked"),
    ({"pin": PIN, "forge": "signature"}, PIN, "We could not confirm that the card"),
    ({"pin": PIN, "forge": "data"}, PIN, "We could not confirm that the card"),
    ({"pin": PIN, "forge": "certificate"}, PIN, "We could not confirm that the card"),
    ({"pin": PIN, "kind": "other"}, PIN, "This card cannot be read. Please place your My Number Card."),
    ({"pin": PIN, "remove_at_read": True}, PIN, "The card was moved away while it was being read."),
    (None, PIN, "There is no card on the reader."),
    ({"pin": PIN}, "12", "The PIN is 4 digits."),
])
def test_every_failure_is_explained_and_nothing_is_stored(place_card, tmp_path, jlis_certificate, card_options, pin,
                                                          message):
    app = card_app(tmp_path, jlis_certificate)
    resident = ready(app, language="en")
    card = place_card(**card_options) if card_options is not None else None
    resident.get(CARD)
    response = resident.post(CARD, {"pin": pin})
    assert response.status_code == 422
    assert message in resident.page
    assert not re.search(r'<input[^>]*name="pin"[^>]*value=', resident.page)  # the PIN is never shown back
    assert len(pin) != 4 or pin not in resident.page
    assert not any("card_read" in data or "prefill" in data for data in stored_sessions(app))
    resident.get(APPLICANT)
    assert "山田" not in resident.page and "Read from your My Number Card" not in resident.page
    if card is not None and card.apdus:
        never_named_my_number(card)


def test_a_clear_stop_before_the_last_try(place_card, tmp_path, jlis_certificate):
    app = card_app(tmp_path, jlis_certificate)
    resident = ready(app)
    card = place_card(pin=PIN, tries=2)
    resident.get(CARD)
    assert "あと2回" in resident.page
    resident.post(CARD, {"pin": "0000"})
    assert "暗証番号がちがいます。あと1回試せます。" in resident.page
    assert "あと1回しか試せません" in resident.page and 'name="pin"' not in resident.page  # the stop: no keypad
    resident.get(CARD)
    assert "あと1回しか試せません" in resident.page and 'name="pin"' not in resident.page
    assert card.tries == 1
    resident.post(CARD, {"pin": PIN})  # a form sent anyway is stopped by the server before any VERIFY
    assert card.tries == 1 and "あと1回しか試せません" in resident.page
    resident.get(f"{CARD}?last_try=yes")
    assert "これが最後の1回です" in resident.page and 'name="last_try" value="yes"' in resident.page
    assert resident.post(CARD, {"pin": PIN, "last_try": "yes"}).status_code == 302
    assert card.tries == 3
