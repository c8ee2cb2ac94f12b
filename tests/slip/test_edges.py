"""The edges of reading slips that support tools and the counter rely on: the shortest token and sealed slip whose
header can be read (one byte less is not a slip), the version a header must carry, the longest typed text that can
still be a reference code, the expiry date said in Japan time, what goes to the log, and the slip commands'
messages when the counter's keys are missing or broken."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.slip.codec import b32encode
from kiosk.slip.errors import SlipExpired, SlipGarbage, SlipTampered
from kiosk.slip.reference import MAC_BYTES, looks_like_reference_code, token_header
from kiosk.slip.sealed import OVERHEAD, sealed_header

HEADER = struct.Struct(">B4sI")
FINGERPRINT = b"\x01\x02\x03\x04"
EXPIRES = datetime(2026, 6, 23, 1, 30, tzinfo=UTC)


def token_of(version: int, length: int) -> str:
    """A reference token whose decoded bytes are `length` long, with a readable header (not a valid MAC)."""
    body = HEADER.pack(version, FINGERPRINT, int(EXPIRES.timestamp()))
    return "R" + b32encode(body + b"A" * (length - len(body)))


def sealed_of(version: int, length: int) -> str:
    body = HEADER.pack(version, FINGERPRINT, int(EXPIRES.timestamp()))
    return "S" + b32encode(body + b"B" * (length - len(body)))


def test_the_shortest_token_with_a_readable_header_and_one_byte_less():
    shortest = HEADER.size + 1 + MAC_BYTES  # the header, a one-character case id and the MAC
    assert token_header(token_of(1, shortest)) == (FINGERPRINT, EXPIRES)
    assert token_header(token_of(1, shortest - 1)) is None
    assert token_header(token_of(1, shortest + 20)) == (FINGERPRINT, EXPIRES)


def test_a_token_header_of_another_version_or_kind_is_not_read():
    assert token_header(token_of(2, 40)) is None
    assert token_header(token_of(0, 40)) is None
    assert token_header("S" + token_of(1, 40)[1:]) is None  # a sealed slip's prefix
    assert token_header("") is None
    assert token_header("R!!!") is None


def test_the_shortest_sealed_slip_with_a_readable_header_and_one_byte_less():
    assert sealed_header(sealed_of(2, OVERHEAD + 1)) == (FINGERPRINT, EXPIRES)
    assert sealed_header(sealed_of(2, OVERHEAD)) is None
    assert sealed_header(sealed_of(1, OVERHEAD + 10)) == (FINGERPRINT, EXPIRES)  # a retired format: still described
    assert sealed_header(sealed_of(3, OVERHEAD + 10)) is None
    assert sealed_header("R" + sealed_of(2, OVERHEAD + 10)[1:]) is None


def test_a_typed_reference_code_may_carry_separators_up_to_a_hundred_characters():
    code = "3K7M-Q2X9-D4"
    assert looks_like_reference_code(code)
    padded = code + "-" * (100 - len(code))
    assert len(padded) == 100 and looks_like_reference_code(padded)
    assert not looks_like_reference_code(padded + "-")  # longer texts are not read at all
    assert not looks_like_reference_code("3K7M" + " " * 200 + "Q2X9D4")


def test_an_expired_slip_says_its_date_in_japan_time():
    late_evening_utc = datetime(2026, 6, 22, 16, 0, tzinfo=UTC)  # 01:00 on 23 June in Japan
    error = SlipExpired(late_evening_utc)
    assert "有効期限（2026年6月23日）を過ぎています" in error.message
    assert error.message.endswith("お手数ですが、もう一度ご案内を受けて受付票を作り直してください。")
    assert error.log_fields() == {"slip_error": "expired", "expired_at": "2026-06-22T16:00:00+00:00"}


@pytest.mark.parametrize("error", [SlipGarbage(), SlipTampered()])
def test_what_goes_to_the_log_is_the_kind_of_problem_only(error):
    assert error.log_fields() == {"slip_error": error.code}
    assert str(error) == f"[{error.code}] {error.message}"


def run(*args: str, env: dict[str, str]):
    return CliRunner().invoke(main, ["slip", *args], env=env)


@pytest.mark.parametrize("command", ["keys", "public-key"])
def test_the_slip_commands_say_on_standard_error_that_the_keys_are_missing(command):
    result = run(command, env={"KIOSK_SEAL_KEYS": ""})
    assert result.exit_code == 1
    assert result.stderr.strip() == "KIOSK_SEAL_KEYS が設定されていません"
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["keys", "public-key"])
def test_the_slip_commands_say_on_standard_error_why_the_keys_are_broken(command):
    result = run(command, env={"KIOSK_SEAL_KEYS": "broken"})
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "1番目の鍵が「名前:BASE64」の形になっていません\n"


def test_an_application_secret_of_sixteen_bytes_makes_a_key_and_fifteen_do_not():
    from kiosk.slip.keys import KeyConfigError, key_from_secret

    assert key_from_secret("s" * 16).name == "app"
    assert key_from_secret("秘密鍵です12345").name == "app"  # 10 characters, 20 bytes: counted in UTF-8 bytes
    with pytest.raises(KeyConfigError) as caught:
        key_from_secret("s" * 15)
    assert str(caught.value) == "秘密鍵が短すぎます（16バイト以上にしてください）"
    assert key_from_secret("s" * 16).fingerprint == key_from_secret(b"s" * 16).fingerprint
    assert key_from_secret("s" * 16).fingerprint != key_from_secret("t" * 16).fingerprint


def test_the_slips_qr_code_is_announced_as_one_image_with_its_label():
    from xml.etree import ElementTree

    from kiosk.slip.qr import render_svg

    root = ElementTree.fromstring(render_svg("R" + "A" * 40))
    assert root.get("role") == "img" and root.get("aria-label") == "受付票の二次元コード"
    assert ElementTree.fromstring(render_svg("R" + "A" * 40, label="Slip QR code")).get("aria-label") == "Slip QR code"


def test_a_token_made_before_an_upgrade_still_opens_after_it():
    """Known answer: the same key, case id and time give byte for byte this token, and it opens (a change to the
    MAC's domain string, the header or the encoding would make every slip already printed unreadable)."""
    from datetime import timedelta

    from kiosk.slip.keys import Keyring, key_from_secret
    from kiosk.slip.reference import issue_token, open_token

    keyring = Keyring.single(key_from_secret("s" * 16))
    issued = datetime(2026, 6, 9, 1, 30, tzinfo=UTC)
    printed = "RAGFLGEAENI46DGDDMFZWKLJRWQCNWNYX64DEILEAMQWGL5L57M"
    assert issue_token("case-1", keyring, valid_for=timedelta(days=14), now=issued) == printed
    assert open_token(printed, keyring, now=issued) == "case-1"


@pytest.mark.parametrize("code", ["0000000000", "ZZZZZZZZZX", "1234567890", "K7Q29XMD42"])
def test_reference_codes_printed_before_an_upgrade_are_still_accepted(code):
    """Known answers of the check character: a change to how it is computed would refuse every printed code."""
    from kiosk.slip.reference import format_reference_code, parse_reference_code

    assert parse_reference_code(code) == code
    assert format_reference_code(code.lower()) == f"{code[:4]}-{code[4:8]}-{code[8:]}"
