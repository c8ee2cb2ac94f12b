"""The card module over the real PC/SC stack: pcscd, vsmartcard's virtual reader and pyscard, with the emulated
card answering (started by the `pcscd` fixture when needed; these run, not skip, under CI)."""

from __future__ import annotations

import pytest

from kiosk.card import apdu, reader
from kiosk.card.reader import CardError
from kiosk.card.verify import NotVerified, verify

from .emulator import READER


def never_named_my_number(card) -> None:
    assert card.apdus, "the card received nothing"
    assert not any(apdu.names_forbidden_file(command) for command in card.apdus), [c.hex() for c in card.apdus]


def test_the_virtual_reader_is_used_only_when_configured(pcscd):
    assert READER in reader.reader_names()
    assert reader.choose_reader() is None  # a virtual reader is never picked by default
    assert reader.choose_reader("Virtual PCD 00 00") == READER
    assert reader.choose_reader("No such reader") is None


def test_read_and_verify_over_pcsc(place_card, pki):
    card = place_card()
    assert reader.probe(READER) == 3
    found = verify(reader.read_card(READER, "1234"), [pki.jlis_key.public_key()])
    assert (found.name, found.birth_date, found.sex, found.verified) == ("山田 太郎", "1980-04-15", "male", "jlis")
    never_named_my_number(card)


def test_wrong_pins_then_the_stop_then_the_last_try(place_card):
    card = place_card()
    for left in (2, 1):
        with pytest.raises(CardError) as wrong:
            reader.read_card(READER, "0000")
        assert (wrong.value.code, wrong.value.tries_left) == ("wrong_pin", left)
    with pytest.raises(CardError) as stop:
        reader.read_card(READER, "1234")
    assert stop.value.code == "last_try"
    assert card.tries == 1
    reader.read_card(READER, "1234", allow_last_try=True)
    assert card.tries == 3
    never_named_my_number(card)


def test_a_locked_card(place_card):
    card = place_card(tries=0)
    assert reader.probe(READER) == 0
    with pytest.raises(CardError) as locked:
        reader.read_card(READER, "1234", allow_last_try=True)
    assert locked.value.code == "locked"
    assert not [c for c in card.apdus if c[1] == apdu.INS_VERIFY and len(c) > 4]


def test_a_card_removed_mid_read(place_card):
    card = place_card(remove_at_read=True)
    with pytest.raises(CardError) as removed:
        reader.read_card(READER, "1234")
    assert removed.value.code == "removed"
    never_named_my_number(card)


def test_a_card_that_is_not_a_my_number_card(place_card):
    card = place_card(kind="other")
    with pytest.raises(CardError) as other:
        reader.read_card(READER, "1234")
    assert other.value.code == "not_mynumber"
    assert len(card.apdus) == 1


def test_no_card_on_the_reader(pcscd):
    with pytest.raises(CardError) as empty:
        reader.probe(READER)
    assert empty.value.code == "no_card"


def test_a_forged_signature_is_read_but_never_verifies(place_card, pki):
    card = place_card(forge="signature")
    files = reader.read_card(READER, "1234")
    with pytest.raises(NotVerified):
        verify(files, [pki.jlis_key.public_key()])
    never_named_my_number(card)


def test_a_reader_held_by_another_process_is_busy(place_card):
    from smartcard.scard import SCARD_SHARE_EXCLUSIVE
    from smartcard.System import readers

    place_card()
    other = next(r for r in readers() if str(r) == READER).createConnection()
    other.connect(mode=SCARD_SHARE_EXCLUSIVE)  # as another gunicorn worker in the middle of a read would
    try:
        with pytest.raises(CardError) as busy:
            reader.probe(READER)
        assert busy.value.code == "busy"
    finally:
        other.disconnect()
    assert reader.probe(READER) == 3
