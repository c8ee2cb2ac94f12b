import pytest

from kiosk.slip import (
    SlipGarbage,
    SlipMistyped,
    SlipWrongKey,
    format_reference_code,
    issue_token,
    new_reference_code,
    read_scan,
    seal,
)
from kiosk.slip.scan import inspect, kind_of

from .conftest import NEW, NOW, OTHER


def test_each_kind_is_recognised_and_read(keyring, case):
    token = issue_token("48213", keyring, now=NOW)
    sealed = seal(case, keyring)
    code = new_reference_code()
    assert read_scan(token + "\r\n", keyring, now=NOW).case_id == "48213"
    scan = read_scan(sealed, keyring, now=NOW)
    assert scan.kind == "sealed" and scan.case == case and scan.case_id is None
    typed = read_scan(format_reference_code(code).lower(), keyring, now=NOW)
    assert typed.kind == "reference_code" and typed.reference_code == code


def test_errors_pass_through(keyring):
    from kiosk.slip import Keyring

    with pytest.raises(SlipWrongKey):
        read_scan(issue_token("1", Keyring.single(OTHER), now=NOW), keyring, now=NOW)
    with pytest.raises(SlipMistyped):
        read_scan("ABCD-1234", keyring, now=NOW)  # too short for a code: a clerk's typing mistake
    for text in ("", "https://example.jp/?q=" + "x" * 40, "\x00" * 50, b"\xff" * 40):
        with pytest.raises(SlipGarbage):
            read_scan(text, keyring, now=NOW)


def test_kind_of():
    assert kind_of("S" + "A" * 40) == "sealed"
    assert kind_of("r" + "a" * 40) == "reference_token"
    assert kind_of("K7Q2-9XMD-4T") == "reference_code"
    assert kind_of("hello") is None
    assert kind_of(b"\xff") is None


def test_inspect_reveals_no_content(keyring, case):
    sealed = seal(case, keyring)
    facts = inspect(sealed)
    assert facts == {
        "kind": "sealed",
        "characters": str(len(sealed)),
        "key_fingerprint": NEW.public_key.fingerprint.hex(),  # a sealed slip names the public key
        "expires_at": "2026-06-30T01:30:00+00:00",
    }
    assert inspect(issue_token("48213", keyring, now=NOW))["kind"] == "reference_token"
    assert inspect("nonsense") == {"kind": "unknown", "characters": "8"}
