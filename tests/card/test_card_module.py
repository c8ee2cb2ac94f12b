"""The card module without a reader: TLV, the APDUs built, the sequence against the emulated card's answers,
the signature checks, J-LIS's certificate file and the proposed フリガナ."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from kiosk.card import apdu, reader, tlv
from kiosk.card.kana import propose_kana
from kiosk.card.reader import CardError, CardFiles, TextAp
from kiosk.card.verify import CertificateFileError, NotVerified, load_trusted_keys, verify

from .emulator import CardPki, EmulatedCard, Holder, build_files


@pytest.fixture(scope="module")
def pki() -> CardPki:
    return CardPki()


def offline(card: EmulatedCard) -> TextAp:
    """The APDU sequence straight against the emulated card's answers (no pcscd), recording every command."""

    def transmit(command: bytes) -> tuple[bytes, int]:
        card.apdus.append(command)
        response = card.respond(command)
        return response[:-2], int.from_bytes(response[-2:], "big")

    return TextAp(transmit)


def files_of(card: EmulatedCard) -> CardFiles:
    return CardFiles(card.files[apdu.EF_BASIC_FOUR], card.files[apdu.EF_SIGNATURE], card.files[apdu.EF_CERTIFICATE])


# --- TLV and APDUs --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x1234])
def test_tlv_lengths_in_short_and_long_form_round_trip(size):
    element = tlv.encode(0xDF22, bytes(size))
    [parsed] = tlv.parse(element)
    assert (parsed.tag, len(parsed.value), parsed.end) == (0xDF22, size, len(element))


def test_tlv_refuses_cut_data():
    with pytest.raises(tlv.TlvError):
        tlv.parse(tlv.encode(0xDF22, b"abcdef")[:-1])
    with pytest.raises(tlv.TlvError):
        tlv.parse_one(tlv.encode(0xFF20, b"x"), 0xFF30)


def test_no_command_can_name_the_my_number_file():
    with pytest.raises(apdu.ForbiddenFile):
        apdu.select_ef(apdu.EF_MY_NUMBER)
    assert apdu.names_forbidden_file(bytes.fromhex("00A4020C020001"))
    assert apdu.names_forbidden_file(bytes.fromhex("00B0810000"))  # READ BINARY by short EF id 1
    assert not apdu.names_forbidden_file(apdu.select_ef(apdu.EF_BASIC_FOUR))
    assert not apdu.names_forbidden_file(apdu.read_binary(0, 8))


def test_the_commands_are_the_specifications():
    assert apdu.select_ap().hex() == "00a4040c0ad3921000310001010408"
    assert apdu.select_ef(apdu.EF_PIN).hex() == "00a4020c020011"
    assert apdu.verify(b"1234").hex() == "002000800431323334"
    assert apdu.verify_status().hex() == "00200080"
    assert apdu.read_binary(0x107, 0xFF).hex() == "00b00107ff"
    with pytest.raises(ValueError):
        apdu.verify(b"12a4")


# --- the sequence ---------------------------------------------------------------------------------------------------


def test_a_good_card_gives_its_three_files_and_never_the_my_number(pki):
    card = EmulatedCard(build_files(Holder(), pki))
    files = offline(card).read_all(b"1234")
    assert files == files_of(card)
    assert not any(apdu.names_forbidden_file(command) for command in card.apdus)
    selected = {command[5:7] for command in card.apdus if command[1] == apdu.INS_SELECT and command[2] == 2}
    assert selected == {b"\x00\x11", b"\x00\x02", b"\x00\x03", b"\x00\x04"}


def test_wrong_pins_count_down_then_stop_before_the_last_try(pki):
    card = EmulatedCard(build_files(Holder(), pki))
    ap = offline(card)
    ap.select()
    with pytest.raises(CardError) as first:
        ap.verify_pin(b"0000")
    assert (first.value.code, first.value.tries_left) == ("wrong_pin", 2)
    with pytest.raises(CardError) as second:
        ap.verify_pin(b"1111")
    assert (second.value.code, second.value.tries_left) == ("wrong_pin", 1)
    sent = len(card.apdus)
    with pytest.raises(CardError) as stop:
        ap.verify_pin(b"1234")  # the right PIN, but the resident has not chosen to use the last try
    assert stop.value.code == "last_try"
    assert not [c for c in card.apdus[sent:] if c[1] == apdu.INS_VERIFY and len(c) > 4]  # no PIN was sent
    ap.verify_pin(b"1234", allow_last_try=True)
    assert card.tries == 3


def test_the_last_wrong_try_locks_and_a_locked_card_is_never_tried(pki):
    card = EmulatedCard(build_files(Holder(), pki), tries=1)
    ap = offline(card)
    ap.select()
    with pytest.raises(CardError) as locked:
        ap.verify_pin(b"0000", allow_last_try=True)
    assert locked.value.code == "locked"
    sent = len(card.apdus)
    with pytest.raises(CardError) as again:
        ap.verify_pin(b"1234", allow_last_try=True)
    assert again.value.code == "locked"
    assert all(len(c) == 4 for c in card.apdus[sent:] if c[1] == apdu.INS_VERIFY)


def test_a_card_without_the_text_ap_is_not_a_my_number_card(pki):
    card = EmulatedCard(build_files(Holder(), pki), kind="other")
    with pytest.raises(CardError) as refused:
        offline(card).read_all(b"1234")
    assert refused.value.code == "not_mynumber"
    assert len(card.apdus) == 1


def test_the_pin_is_checked_before_anything_is_sent():
    with pytest.raises(CardError) as refused:
        reader.read_card("no such reader", "12345")
    assert refused.value.code == "bad_pin"


# --- verification ---------------------------------------------------------------------------------------------------


def test_a_genuine_card_verifies_with_and_without_jlis(pki):
    files = files_of(EmulatedCard(build_files(Holder(), pki)))
    found = verify(files, [pki.jlis_key.public_key()])
    assert (found.name, found.address, found.birth_date, found.sex, found.verified) == (
        "山田 太郎", "東京都国立市富士見台2丁目47番地の1", "1980-04-15", "male", "jlis")
    assert verify(files).verified == "card"
    assert "山田" not in repr(found) and "山田" not in repr(files)


@pytest.mark.parametrize("forge", ["data", "signature"])
def test_forged_data_or_signature_never_verifies(pki, forge):
    files = files_of(EmulatedCard(build_files(Holder(), pki, forge)))
    with pytest.raises(NotVerified):
        verify(files, [pki.jlis_key.public_key()])
    with pytest.raises(NotVerified):
        verify(files)


def test_a_card_certificate_not_signed_by_jlis_fails_only_where_jlis_is_configured(pki):
    files = files_of(EmulatedCard(build_files(Holder(), pki, "certificate")))
    with pytest.raises(NotVerified):
        verify(files, [pki.jlis_key.public_key()])
    assert verify(files).verified == "card"


def test_garbage_never_verifies(pki):
    good = files_of(EmulatedCard(build_files(Holder(), pki)))
    for broken in (CardFiles(b"\xff\x20\x05abc", good.signature, good.certificate),
                   CardFiles(good.basic_four, good.signature[:100], good.certificate),
                   CardFiles(good.basic_four, good.signature, b"\x7f\x21\x00")):
        with pytest.raises(NotVerified):
            verify(broken)


def test_long_names_and_addresses_use_long_form_lengths(pki):
    holder = Holder(name="寿限無寿限無五劫の擦り切れ 海砂利水魚", address="北海道" + "一丁目" * 40)
    found = verify(files_of(EmulatedCard(build_files(holder, pki))), [pki.jlis_key.public_key()])
    assert found.address == holder.address


def test_jlis_certificate_files(pki, tmp_path):
    pem = pki.write_jlis_certificate(tmp_path / "jlis.pem")
    assert len(load_trusted_keys(pem)) == 1
    der = tmp_path / "jlis.der"
    der.write_bytes(pki.jlis_certificate().public_bytes(serialization.Encoding.DER))
    assert len(load_trusted_keys(der)) == 1
    key = tmp_path / "jlis-key.pem"
    key.write_bytes(pki.jlis_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                           serialization.PublicFormat.SubjectPublicKeyInfo))
    assert len(load_trusted_keys(key)) == 1
    junk = tmp_path / "junk.pem"
    junk.write_text("-----BEGIN NOTHING-----\n")
    for bad in (junk, tmp_path / "missing.pem"):
        with pytest.raises(CertificateFileError):
            load_trusted_keys(bad)


def test_the_setting_refuses_an_unusable_certificate(tmp_path):
    from kiosk.config import Settings, SettingsError

    with pytest.raises(SettingsError, match="KIOSK_CARD_JLIS_CERTIFICATE"):
        Settings.load({"KIOSK_CARD_JLIS_CERTIFICATE": str(tmp_path / "missing.pem")})


# --- フリガナ ------------------------------------------------------------------------------------------------------


def test_furigana_is_proposed_from_the_read_aloud_dictionary():
    assert propose_kana("山田 太郎") == "ヤマダ タロウ"
    assert propose_kana("佐藤　花子") == "サトウ ハナコ"
    assert propose_kana("") == ""
    assert propose_kana("SMITH JOHN") == ""  # no reading: the resident types it


# --- the PC/SC fixture ----------------------------------------------------------------------------------------------


def test_without_a_pcsc_stack_the_card_tests_fail_under_ci_and_skip_elsewhere(monkeypatch):
    from . import pcsc

    def unavailable():
        raise pcsc.Unavailable("no pcscd here")

    monkeypatch.setattr(pcsc, "start_pcscd", unavailable)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run on CI"):
        next(pcsc.pcscd_session())
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        next(pcsc.pcscd_session())


def test_no_reader_without_pcsc(monkeypatch):
    monkeypatch.setattr(reader, "reader_names", list)
    assert reader.choose_reader() is None and reader.choose_reader("Virtual PCD") is None
