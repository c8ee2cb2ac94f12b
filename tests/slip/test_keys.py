import base64

import pytest

from kiosk.config import Settings, SettingsError
from kiosk.slip import KeyConfigError, Keyring, SlipKey, generate_key, key_from_secret, parse_keyring
from kiosk.slip.config import SlipSettings
from kiosk.slip.keys import describe, keyring_from_env

from .conftest import NEW, OLD, OTHER


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def test_parse_keyring_with_active_key():
    keyring = parse_keyring(f"2026a:{_b64(NEW.secret)}, 2025b:{_b64(OLD.secret)}", "2026a")
    assert [key.name for key in keyring.keys] == ["2026a", "2025b"]
    assert keyring.active.secret == NEW.secret
    assert keyring.by_fingerprint(OLD.fingerprint).name == "2025b"
    assert keyring.by_fingerprint(OTHER.fingerprint) is None


def test_one_key_needs_no_active_name_and_urlsafe_base64_and_newlines_are_accepted():
    raw = bytes([0xFB] * 32)
    urlsafe = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    keyring = parse_keyring(f"\n  only:{urlsafe}\n")
    assert keyring.active.secret == raw


@pytest.mark.parametrize(
    ("spec", "active", "fragment"),
    [
        ("", None, "鍵がありません"),
        ("nocolon", None, "名前:BASE64"),
        ("k1:!!!notbase64", None, "BASE64 として読めません"),
        (f"k1:{_b64(b'short')}", None, "32 バイト"),
        (f"bad name:{_b64(bytes(32))}", None, "使えません"),
        (f"k1:{_b64(bytes(32))},k2:{_b64(bytes(range(32)))}", None, "KIOSK_SEAL_ACTIVE_KEY"),
        (f"k1:{_b64(bytes(32))}", "k9", "一覧にありません"),
        (f"k1:{_b64(bytes(32))},k1:{_b64(bytes(range(32)))}", "k1", "同じ名前"),
        (f"k1:{_b64(bytes(32))},k2:{_b64(bytes(32))}", "k1", "同じ鍵"),
    ],
)
def test_bad_configuration_is_explained_without_revealing_keys(spec, active, fragment):
    with pytest.raises(KeyConfigError) as caught:
        parse_keyring(spec, active)
    assert fragment in str(caught.value)
    for part in spec.split(","):
        secret = part.partition(":")[2]
        if len(secret) > 8:
            assert secret not in str(caught.value)


def test_secrets_stay_out_of_repr():
    key = generate_key("k1")
    assert key.secret.hex() not in repr(key) and str(key.secret) not in repr(Keyring.single(key))


def test_fingerprints_and_derived_keys_differ_per_key_and_purpose():
    key = generate_key("k1")
    assert len(key.fingerprint) == 4
    assert len({key.private_key.private_bytes_raw(), key.mac_key, key.secret}) == 3
    assert key.public_key.fingerprint != key.fingerprint and len(key.public_key.fingerprint) == 4
    assert NEW.fingerprint != OTHER.fingerprint  # same name, different installations


def test_generated_key_round_trips_through_configuration():
    key = generate_key("k20260616")
    assert parse_keyring(key.to_config()).active == key


def test_key_from_app_secret():
    key = key_from_secret("a-long-flask-secret-key-0123456789")
    assert key == key_from_secret(b"a-long-flask-secret-key-0123456789")
    with pytest.raises(KeyConfigError):
        key_from_secret("short")


def test_keyring_from_env_and_describe():
    assert keyring_from_env({}) is None
    env = {"KIOSK_SEAL_KEYS": f"2026a:{_b64(NEW.secret)},2025b:{_b64(OLD.secret)}", "KIOSK_SEAL_ACTIVE_KEY": "2026a"}
    keyring = keyring_from_env(env)
    lines = list(describe(keyring))
    assert lines[0] == f"2026a\t{NEW.fingerprint.hex()}（有効）"
    assert _b64(NEW.secret) not in "".join(lines)


def test_retiring_the_active_key_is_refused():
    with pytest.raises(KeyConfigError):
        Keyring((NEW, OLD), "2026a").without("2026a")


def test_slip_settings():
    settings = SlipSettings.from_settings(Settings(), app_secret="x" * 32)
    assert settings.mode == "reference" and settings.valid_for.days == 14
    sealed = SlipSettings.from_settings(
        Settings(slip_mode="sealed", slip_valid_days=30, seal_keys=NEW.to_config()), app_secret=None
    )
    assert sealed.mode == "sealed" and sealed.valid_for.days == 30 and sealed.keyring.active == NEW
    with pytest.raises(KeyConfigError):
        SlipSettings.from_settings(Settings(slip_mode="sealed"), app_secret="x" * 32)  # sealed without keys
    for env in ({"KIOSK_SLIP_MODE": "both"}, {"KIOSK_SLIP_VALID_DAYS": "0"}, {"KIOSK_SLIP_VALID_DAYS": "two"}):
        with pytest.raises(SettingsError):
            Settings.load(env)
    with pytest.raises(KeyConfigError):
        SlipSettings.from_settings(Settings(), app_secret=None)  # reference mode without keys and without an app secret


def test_slip_key_validation():
    with pytest.raises(KeyConfigError):
        SlipKey("", bytes(32))


def test_an_issuer_needs_only_the_counters_public_key():
    from kiosk.slip.keys import parse_public_key

    public = parse_public_key(NEW.public_key.to_config())
    assert public == NEW.public_key and public.fingerprint == Keyring((NEW, OLD), "2026a").active.public_key.fingerprint
    settings = SlipSettings.from_settings(
        Settings(slip_mode="sealed", seal_public_key=NEW.public_key.to_config()), app_secret="x" * 32
    )
    assert settings.seal_to == NEW.public_key
    assert NEW.secret not in {key.secret for key in settings.keyring.keys}  # reference tokens: from the app secret
    counter = SlipSettings.from_settings(Settings(slip_mode="sealed", seal_keys=NEW.to_config()), app_secret=None)
    assert counter.seal_to == NEW.public_key  # a counter that issues slips seals them to its own active key
    assert Keyring((NEW, OLD), "2026a").by_sealed_fingerprint(OLD.public_key.fingerprint) == OLD


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("nocolon", "名前:BASE64"),
        (f"k1:{_b64(bytes(31))}", "32 バイト"),
        (f"k1:{_b64(bytes(32))},k2:{_b64(bytes(32))}", "1つだけ"),
        ("k1:!!!", "BASE64 として読めません"),
    ],
)
def test_bad_public_key_configuration(spec, fragment):
    with pytest.raises(KeyConfigError) as caught:
        SlipSettings.from_settings(Settings(slip_mode="sealed", seal_public_key=spec), app_secret="x" * 32)
    assert fragment in str(caught.value)
