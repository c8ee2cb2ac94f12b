import string
from datetime import timedelta

import pytest

from kiosk.slip import (
    Keyring,
    SlipError,
    SlipExpired,
    SlipGarbage,
    SlipMistyped,
    SlipTampered,
    SlipWrongKey,
    format_reference_code,
    issue_token,
    new_reference_code,
    open_token,
    parse_reference_code,
)
from kiosk.slip.qr import qr_info, render_png, render_svg
from kiosk.slip.reference import CROCKFORD

from .conftest import NEW, NOW, OLD, OTHER, assert_no_personal_data, decode_image, decode_png, flip, rasterise_svg

CASE_ID = "48213"


def test_token_round_trip_through_a_printed_png_decoded_by_zxing(keyring):
    token = issue_token(CASE_ID, keyring, now=NOW)
    barcode = decode_png(render_png(token, dpi=203, module_mm=0.5))
    assert barcode.text == token
    assert barcode.extra["Version"] == str(qr_info(token).version)
    assert open_token(barcode.text, keyring, now=NOW) == CASE_ID


def test_token_round_trip_through_the_svg(keyring):
    token = issue_token("case-2026-000123", keyring, now=NOW)
    assert decode_image(rasterise_svg(render_svg(token))).text == token
    assert open_token(token, keyring, now=NOW) == "case-2026-000123"


def test_token_is_short_upper_case_base32_for_keyboard_wedge_scanners(keyring):
    token = issue_token(CASE_ID, keyring, now=NOW)
    assert set(token) <= set(string.ascii_uppercase + "234567")
    assert len(token) < 60
    assert qr_info(token).version <= 3


def test_token_survives_caps_lock_full_width_input_and_the_scanners_enter_key(keyring):
    token = issue_token(CASE_ID, keyring, now=NOW)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in token)
    for typed in (token.lower(), full_width, f"  {token}\r\n", token.swapcase()):
        assert open_token(typed, keyring, now=NOW) == CASE_ID


def test_token_carries_only_the_case_id_and_is_not_readable_as_anything_else(keyring):
    token = issue_token(CASE_ID, keyring, now=NOW)
    assert CASE_ID not in token


@pytest.mark.parametrize("index", [1, 5, 12, 20, -10, -3])
def test_any_changed_character_is_rejected(keyring, index):
    token = issue_token(CASE_ID, keyring, now=NOW)
    with pytest.raises(SlipError) as caught:
        open_token(flip(token, index), keyring, now=NOW)
    assert caught.value.code in {"tampered", "wrong_key", "garbage"}


def test_a_changed_case_id_or_signature_is_tampered(keyring):
    token = issue_token(CASE_ID, keyring, now=NOW)
    for index in range(16, len(token) - 1):  # after the version, fingerprint and expiry
        with pytest.raises(SlipTampered) as caught:
            open_token(flip(token, index), keyring, now=NOW)
        assert caught.value.code == "tampered"
        assert_no_personal_data(caught.value.message)


def test_a_flipped_byte_in_the_signature_is_tampered(keyring):
    from kiosk.slip.codec import b32decode, b32encode

    token = issue_token(CASE_ID, keyring, now=NOW)
    data = bytearray(b32decode(token[1:]))
    data[-1] ^= 0x01
    with pytest.raises(SlipTampered):
        open_token("R" + b32encode(bytes(data)), keyring, now=NOW)


def test_token_from_another_system_is_wrong_key_even_with_the_same_key_name(keyring):
    foreign = issue_token(CASE_ID, Keyring.single(OTHER), now=NOW)
    with pytest.raises(SlipWrongKey) as caught:
        open_token(foreign, keyring, now=NOW)
    assert caught.value.code == "wrong_key"


def test_key_rotation(keyring):
    old_token = issue_token(CASE_ID, Keyring.single(OLD), now=NOW)
    assert open_token(old_token, keyring, now=NOW) == CASE_ID  # old key still in the ring
    with pytest.raises(SlipWrongKey):
        open_token(old_token, keyring.without("2025b"), now=NOW)  # old key retired
    new_token = issue_token(CASE_ID, keyring, now=NOW)
    assert open_token(new_token, Keyring.single(NEW), now=NOW) == CASE_ID


def test_expiry_with_an_injected_clock(keyring):
    token = issue_token(CASE_ID, keyring, valid_for=timedelta(days=7), now=NOW)
    assert open_token(token, keyring, now=NOW + timedelta(days=7) - timedelta(seconds=1)) == CASE_ID
    with pytest.raises(SlipExpired) as caught:
        open_token(token, keyring, now=NOW + timedelta(days=7))
    assert caught.value.code == "expired"
    assert "有効期限（2026年6月23日）を過ぎています" in caught.value.message  # 10:30 JST + 7 days
    assert caught.value.log_fields() == {"slip_error": "expired", "expired_at": "2026-06-23T01:30:00+00:00"}


def test_an_expired_and_tampered_token_is_tampered_not_expired(keyring):
    token = issue_token(CASE_ID, keyring, valid_for=timedelta(days=1), now=NOW)
    with pytest.raises(SlipTampered):
        open_token(flip(token, 20), keyring, now=NOW + timedelta(days=30))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "R",
        "RA",
        "hello",
        "https://example.jp/slip/48213",
        "eyJjIjo0ODIxM30.awKeig.7Opd-WXje2iTLNsh6CFOOD_FEkc",  # an itsdangerous token
        "R" + "A" * 40,
        "R" + "1" * 40,
        "R" + "A" * 5000,
        "山田花子",
        "R\x00\x01\x02",
        "\ud800",
        b"\xff\xfe",
        b"RAAAA",
    ],
)
def test_garbage(keyring, text):
    with pytest.raises(SlipGarbage) as caught:
        open_token(text, keyring, now=NOW)
    assert caught.value.code == "garbage"
    assert caught.value.message == "この二次元コードは読み取れません。職員にお声がけください。"


def test_a_sealed_slip_is_not_a_token(keyring, case):
    from kiosk.slip import seal

    with pytest.raises(SlipGarbage):
        open_token(seal(case, keyring), keyring, now=NOW)


@pytest.mark.parametrize("bad", ["", "has space", "名前", "x" * 65, "tab\t"])
def test_case_ids_must_be_short_printable_ascii(keyring, bad):
    with pytest.raises(ValueError):
        issue_token(bad, keyring, now=NOW)


# --- reference codes -------------------------------------------------------------------------------------


def test_reference_code_shape_and_round_trip():
    for _ in range(200):
        code = new_reference_code()
        assert len(code) == 10 and set(code) <= set(CROCKFORD)
        printed = format_reference_code(code)
        assert printed[4] == printed[9] == "-" and len(printed) == 12
        assert parse_reference_code(printed) == code
        assert parse_reference_code(printed.lower()) == code


def test_reference_codes_are_random():
    assert len({new_reference_code() for _ in range(1000)}) == 1000


def test_every_single_wrong_character_is_detected():
    for _ in range(20):
        code = new_reference_code()
        for position in range(10):
            for char in CROCKFORD:
                if char != code[position]:
                    typo = code[:position] + char + code[position + 1 :]
                    with pytest.raises(SlipMistyped):
                        parse_reference_code(typo)


def test_every_swap_of_neighbours_is_detected():
    for _ in range(200):
        code = new_reference_code()
        for position in range(9):
            if code[position] != code[position + 1]:
                swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
                with pytest.raises(SlipMistyped) as caught:
                    parse_reference_code(swapped)
                assert caught.value.code == "mistyped"


def test_o_i_l_are_read_as_digits():
    code = next(c for c in iter(new_reference_code, None) if "0" in c and "1" in c)
    typed = code.replace("0", "O").replace("1", "I")
    assert parse_reference_code(typed) == code
    assert parse_reference_code(code.replace("1", "l")) == code


def test_hyphens_spaces_full_width_and_long_vowel_marks_are_ignored():
    code = new_reference_code()
    printed = format_reference_code(code)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c != "-" else "ー" for c in printed)
    for typed in (printed, f" {printed} ", code, f"{code[:4]} {code[4:8]} {code[8:]}", full_width):
        assert parse_reference_code(typed) == code


@pytest.mark.parametrize(
    "typed", ["", "K7Q2-9XMD", "K7Q2-9XMD-4T5", "K7Q2-9XMD-4U", "K7Q2#9XMD-4T", "あいうえおかきくけこ"]
)
def test_wrong_length_or_letters_are_mistyped(typed):
    with pytest.raises(SlipMistyped) as caught:
        parse_reference_code(typed)
    assert "受付番号が正しくありません" in caught.value.message
