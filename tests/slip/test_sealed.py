import hashlib
import json
import string
import struct
import zlib
from datetime import timedelta

import pytest

from kiosk.slip import (
    Keyring,
    SlipCase,
    SlipError,
    SlipExpired,
    SlipGarbage,
    SlipTampered,
    SlipWrongKey,
    open_sealed,
    seal,
)
from kiosk.slip.codec import b32decode, b32encode
from kiosk.slip.qr import qr_info, render_png, render_svg
from kiosk.slip.sample import sample_okuyami_case
from kiosk.slip.sealed import ENC_BYTES, HEADER, SUITE, compress, slip_nonce
from kiosk.slip.zdict import ZDICT_V1

from .conftest import NEW, NOW, OLD, OTHER, PERSONAL, assert_no_personal_data, decode_image, decode_png, flip


def test_round_trip_through_a_printed_png_decoded_by_zxing(keyring, case):
    payload = seal(case, keyring)
    for dpi, module_mm in ((203, 0.5), (203, 0.375), (300, 0.5), (600, 0.25)):
        barcode = decode_png(render_png(payload, dpi=dpi, module_mm=module_mm))
        assert barcode.text == payload
        assert barcode.extra["Version"] == str(qr_info(payload).version)
        opened = open_sealed(barcode.text, keyring, now=NOW)
        assert opened == case
        assert opened.prefill["applicant"]["name"] == "山田 花子"
        assert opened.answers["deceased_cards"] == ("inkan", "mynumber", "menkyo")
        assert opened.answers["deceased_age"] == 78


def test_round_trip_through_the_svg(keyring, case):
    from .conftest import rasterise_svg

    payload = seal(case, keyring)
    assert open_sealed(decode_image(rasterise_svg(render_svg(payload))).text, keyring, now=NOW) == case


def test_the_case_comes_back_exactly(keyring):
    case = SlipCase.new(
        "hikkoshi",
        {"move_type": "tennyu", "move_date": "2026-04-01", "vehicles": ["kei", "gentsuki"], "member_aged_65_plus": 0},
        {"subject": {"name": "髙橋 𠮷太郎", "address": "国立市中一丁目1番1号 ﾊｲﾂ"}, "applicant": {}},
        valid_for=timedelta(hours=3),
        now=NOW,
    )
    opened = open_sealed(seal(case, keyring), keyring, now=NOW)
    assert opened == case
    assert opened.to_plain() == case.to_plain()
    assert opened.issued_at == NOW and opened.expires_at == NOW + timedelta(hours=3)


def test_payload_is_upper_case_base32_for_keyboard_wedge_scanners(keyring, case):
    payload = seal(case, keyring)
    assert set(payload) <= set(string.ascii_uppercase + "234567")
    assert payload.startswith("S")


def test_nothing_is_readable_without_the_key(keyring, case):
    payload = seal(case, keyring)
    raw = b32decode(payload[1:])
    for word in PERSONAL:
        assert word.encode("utf-8") not in raw
        assert word not in payload
    # even someone who knows the format and the dictionary sees no plaintext: the body is ciphertext (random
    # bytes, which now and then happen to inflate to something, never to the case)
    body = raw[HEADER.size + ENC_BYTES :]
    try:
        inflated = zlib.decompressobj(-15, ZDICT_V1).decompress(body)
    except zlib.error:
        inflated = b""
    for word in PERSONAL:
        assert word.encode("utf-8") not in inflated


def test_every_seal_uses_a_fresh_nonce(keyring, case):
    first, second = seal(case, keyring), seal(case, keyring)
    assert first != second
    assert open_sealed(first, keyring, now=NOW) == open_sealed(second, keyring, now=NOW)


def test_a_flipped_character_in_the_body_is_tampered(keyring, case):
    payload = seal(case, keyring)
    for index in (20, 40, len(payload) // 2, len(payload) - 5):
        with pytest.raises(SlipTampered) as caught:
            open_sealed(flip(payload, index), keyring, now=NOW)
        assert caught.value.code == "tampered"
        assert_no_personal_data(caught.value.message)


def test_a_flipped_byte_anywhere_is_rejected(keyring, case):
    data = b32decode(seal(case, keyring)[1:])
    for index in range(len(data)):
        changed = bytearray(data)
        changed[index] ^= 0x40
        with pytest.raises(SlipError) as caught:
            open_sealed("S" + b32encode(bytes(changed)), keyring, now=NOW)
        expected = {0: "garbage"}.get(index, "wrong_key" if index < 5 else "tampered")
        assert caught.value.code == expected, index


def test_a_changed_expiry_is_tampered_not_accepted(keyring, case):
    """The expiry is in the clear header but authenticated: extending it breaks the seal."""
    data = bytearray(b32decode(seal(case, keyring)[1:]))
    version, fingerprint, expires = HEADER.unpack_from(data)
    data[: HEADER.size] = HEADER.pack(version, fingerprint, expires + 365 * 86400)
    with pytest.raises(SlipTampered):
        open_sealed("S" + b32encode(bytes(data)), keyring, now=NOW)


def test_another_systems_key_with_the_same_name_is_wrong_key(keyring, case):
    foreign = seal(case, Keyring.single(OTHER))
    with pytest.raises(SlipWrongKey) as caught:
        open_sealed(foreign, keyring, now=NOW)
    assert caught.value.code == "wrong_key"
    assert "この窓口では読み取れません" in caught.value.message


def test_unknown_key_id_is_wrong_key(keyring, case):
    data = bytearray(b32decode(seal(case, keyring)[1:]))
    data[1:5] = b"\x00\x00\x00\x00"
    with pytest.raises(SlipWrongKey):
        open_sealed("S" + b32encode(bytes(data)), keyring, now=NOW)


def test_key_rotation(case):
    counter = Keyring((NEW, OLD), "2026a")
    made_before_rotation = seal(case, Keyring.single(OLD))
    made_after_rotation = seal(case, counter)
    assert open_sealed(made_before_rotation, counter, now=NOW) == case
    assert open_sealed(made_after_rotation, counter, now=NOW) == case
    retired = counter.without("2025b")
    assert open_sealed(made_after_rotation, retired, now=NOW) == case
    with pytest.raises(SlipWrongKey):
        open_sealed(made_before_rotation, retired, now=NOW)


def test_expiry_with_an_injected_clock(keyring):
    case = sample_okuyami_case(NOW)  # valid 14 days
    payload = seal(case, keyring)
    assert open_sealed(payload, keyring, now=NOW + timedelta(days=14, seconds=-1)) == case
    with pytest.raises(SlipExpired) as caught:
        open_sealed(payload, keyring, now=NOW + timedelta(days=14))
    assert caught.value.code == "expired"
    assert "有効期限（2026年6月30日）を過ぎています" in caught.value.message
    assert_no_personal_data(caught.value.message)
    assert_no_personal_data(str(caught.value.log_fields()))


def test_expired_with_an_unknown_key_is_wrong_key(case):
    payload = seal(case, Keyring.single(OTHER))
    with pytest.raises(SlipWrongKey):
        open_sealed(payload, Keyring.single(NEW), now=NOW + timedelta(days=400))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "S",
        "SAAAA",
        "S" + "A" * 59,
        "S" + "A" * 5000,
        "S" + "A" * 100_000,
        "S1" + "A" * 100,
        "S" + "8" * 100,
        "山田花子 東京都国立市",
        '{"e": "okuyami"}',
        "https://example.jp/slip/48213",
        "\x00" * 64,
        b"",
        b"\xff" * 200,
        bytearray(b"SAAAAAAAA"),
        None,
        12345,
    ],
)
def test_garbage(keyring, text):
    with pytest.raises(SlipGarbage) as caught:
        open_sealed(text, keyring, now=NOW)
    assert caught.value.code == "garbage"


def test_a_reference_token_is_not_a_sealed_slip(keyring):
    from kiosk.slip import issue_token

    with pytest.raises(SlipGarbage):
        open_sealed(issue_token("48213", keyring, now=NOW), keyring, now=NOW)


def _seal_raw(plaintext: bytes, key=NEW, expires=None, version=2) -> str:
    """Seal arbitrary bytes to a genuine public key: what anyone holding it could produce."""
    public = key.public_key
    header = HEADER.pack(version, public.fingerprint, expires or int((NOW + timedelta(days=1)).timestamp()))
    return "S" + b32encode(header + SUITE.encrypt(plaintext, public.key, info=b"kiosk-slip/S" + header))


@pytest.mark.parametrize(
    "plaintext",
    [
        b"",
        b"not deflate at all",
        compress(b"not json"),
        compress(b"[1, 2, 3]"),
        compress(b'{"e": "okuyami"}'),
        compress(b'{"e":"okuyami","i":true,"a":{},"p":{}}'),
        compress(b'{"e":"okuyami","i":1781570000,"a":{"x":true},"p":{}}'),
        compress(b'{"e":"okuyami","i":1781570000,"a":{"x":1.5},"p":{}}'),
        compress(b'{"e":"okuyami","i":1781570000,"a":{},"p":{"subject":{"name":1}}}'),
        compress(b'{"e":"okuyami","i":1781570000,"a":{},"p":{"subject":"x"}}'),
        compress(b'{"e":"okuyami","i":1781570000,"a":{},"p":{"subject":{"my_number":"123456789012"}}}'),
        compress(b'{"e":"okuyami","i":99999999999999,"a":{},"p":{}}'),
        compress(b'{"e":"","i":1781570000,"a":{},"p":{}}'),
        compress(b"[" * 100_000 + b"]" * 100_000),
        compress(b"[" * 30_000 + b"]" * 30_000),  # deep nesting within the size limit
        compress(b" " * 200_000),  # a decompression bomb: tiny on paper, huge in memory
        compress(b'{"e":"okuyami","i":1781570000,"a":{},"p":{}}') + b"trailing",
        compress(b'{"e":"okuyami","i":1781570000,"a":{},"p":{}}')[:-3],
        b"\xff\xfe" + compress(b"{}"),
    ],
)
def test_authentic_but_malformed_content_is_garbage(keyring, plaintext):
    with pytest.raises(SlipGarbage):
        open_sealed(_seal_raw(plaintext), keyring, now=NOW)


def test_a_well_formed_raw_seal_opens(keyring):
    """The test helper above produces real slips, so the garbage cases fail for their content."""
    plain = b'{"e":"okuyami","i":1781570000,"a":{"deceased_age":78},"p":{}}'
    assert open_sealed(_seal_raw(compress(plain)), keyring, now=NOW).answers == {"deceased_age": 78}


def test_a_newer_format_version_is_garbage(keyring):
    data = bytearray(b32decode(_seal_raw(compress(b"{}"))[1:]))
    data[0] = 3
    with pytest.raises(SlipGarbage):
        open_sealed("S" + b32encode(bytes(data)), keyring, now=NOW)


def test_the_personal_number_never_goes_on_a_slip():
    with pytest.raises(ValueError):
        SlipCase.new("okuyami", {}, {"subject": {"my_number": "123456789012"}}, now=NOW)


def test_the_preset_dictionary_of_format_1_never_changes():
    """Every printed sealed slip depends on these exact bytes. A better dictionary needs format version 2."""
    assert hashlib.sha256(ZDICT_V1).hexdigest() == "e406cdc99f34a5ac1cfc318ab9d4274146ce132dd7c23608d9f55fbd716e2731"
    assert len(ZDICT_V1) == 3332


def test_plaintext_layout_is_compact_json(case):
    from kiosk.slip.sealed import decompress, encode_case

    data = encode_case(case)
    plain = json.loads(data)
    assert list(plain) == ["e", "i", "a", "p"]
    assert plain["i"] == int(NOW.timestamp())
    assert decompress(compress(data)) == data
    assert b": " not in data and b", " not in data


def test_header_layout(keyring, case):
    data = b32decode(seal(case, keyring)[1:])
    version, fingerprint, expires = struct.unpack_from(">B4sI", data)
    assert version == 2
    assert fingerprint == NEW.public_key.fingerprint  # the issuer knows only the public key
    assert expires == int(case.expires_at.timestamp())


def test_a_skewed_resampled_photo_of_the_slip_still_decodes(keyring, case):
    """A camera or a handheld imager never sees the PNG pixel-perfect: rotate 7°, shrink to ~2.6 px per module
    with smoothing, then read it."""
    import io

    from PIL import Image

    payload = seal(case, keyring)
    image = Image.open(io.BytesIO(render_png(payload, dpi=203, module_mm=0.5))).convert("L")
    image = image.rotate(7, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    image = image.resize((image.width * 2 // 3, image.height * 2 // 3), Image.Resampling.LANCZOS)
    assert open_sealed(decode_image(image).text, keyring, now=NOW) == case


def test_format_1_slips_sealed_with_the_old_shared_key_are_no_longer_opened(keyring):
    """Format 1 used a symmetric key the internet-facing issuer held too: such slips read as a retired key."""
    data = bytearray(b32decode(_seal_raw(compress(b"{}"))[1:]))
    data[0] = 1
    with pytest.raises(SlipWrongKey):
        open_sealed("S" + b32encode(bytes(data)), keyring, now=NOW)


def test_sealing_needs_only_the_public_key_which_opens_nothing(keyring, case):
    from kiosk.slip import Keyring, SlipKey
    from kiosk.slip.keys import SealPublicKey

    public = SealPublicKey("2026a", NEW.public_key.public)  # what an issuer holds: the name and 32 public bytes
    payload = seal(case, public)
    assert open_sealed(payload, keyring, now=NOW) == case
    # A keyring made from the public bytes as if they were a secret is just another key: it opens nothing.
    with pytest.raises(SlipWrongKey):
        open_sealed(payload, Keyring.single(SlipKey("2026a", public.public)), now=NOW)


def test_each_slip_has_its_own_nonce_and_a_rescan_gives_the_same_one(keyring, case):
    first, second = seal(case, keyring), seal(case, keyring)
    nonce = open_sealed(first, keyring, now=NOW).nonce
    assert nonce is not None and len(nonce) == 64
    assert open_sealed(first.lower(), keyring, now=NOW).nonce == nonce  # the same slip read again
    assert open_sealed(second, keyring, now=NOW).nonce != nonce
    assert nonce == slip_nonce(b32decode(first[1:])[HEADER.size : HEADER.size + ENC_BYTES])
