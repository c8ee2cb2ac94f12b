"""Keys for slips: a keyring of named 256-bit secrets, one of them active, parsed from configuration; and the
public key an issuer seals slips to.

Configuration:

    KIOSK_SEAL_KEYS="2026a:BASE64KEY,2025b:BASE64KEY"   # the counter: every key it can still open slips with
    KIOSK_SEAL_ACTIVE_KEY="2026a"                        # the key new slips (and reference tokens) are made with
    KIOSK_SEAL_PUBLIC_KEY="2026a:BASE64PUBLICKEY"        # the issuer (home guide): the counter's active public key

Each secret is the counter's private key for sealed slips (an X25519 key derived from it) and, in reference mode,
the key that signs reference tokens. The issuer of sealed slips holds only the public half (`kiosk slip new-key`
prints both), so stealing everything on the internet-facing server opens no slip.

A slip does not carry the key's name but a 4-byte key id derived from the key itself, so a slip made by another
installation (or with a key since removed) is recognised as `wrong_key` even when names coincide: reference tokens
carry `SlipKey.fingerprint` (from the secret), sealed slips `SealPublicKey.fingerprint` (from the public key,
which is all the issuer has). Each purpose uses its own key derived with HKDF-SHA256, never the configured bytes
directly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
FINGERPRINT_BYTES = 4
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,32}")

ENV_KEYS = "KIOSK_SEAL_KEYS"
ENV_ACTIVE = "KIOSK_SEAL_ACTIVE_KEY"
ENV_PUBLIC = "KIOSK_SEAL_PUBLIC_KEY"


class KeyConfigError(ValueError):
    """The key configuration is unusable. Messages never contain key material."""


def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"kiosk-slip/" + purpose.encode()).derive(secret)


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise KeyConfigError(f"鍵の名前「{name[:40]}」は使えません（英数字と _ . - で32文字まで）")


@dataclass(frozen=True)
class SealPublicKey:
    """A counter's public key for sealed slips (X25519): all an issuer needs to seal slips that only that counter
    can open. It opens nothing; anyone holding it can make a slip, which is why the counter checks every slip's
    content again when it is scanned."""

    name: str
    public: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public) != KEY_BYTES:
            raise KeyConfigError(
                f"公開鍵「{self.name}」は {KEY_BYTES} バイトでなければなりません（{len(self.public)} バイト）"
            )

    @cached_property
    def fingerprint(self) -> bytes:
        """The key id carried in sealed slips, derived from the public key (the issuer has nothing else)."""
        return hashlib.sha256(b"kiosk-slip/sealed/key-id/v2" + self.public).digest()[:FINGERPRINT_BYTES]

    @cached_property
    def key(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.public)

    def to_config(self) -> str:
        """`name:BASE64`, the form KIOSK_SEAL_PUBLIC_KEY takes."""
        return f"{self.name}:{base64.b64encode(self.public).decode('ascii')}"


@dataclass(frozen=True)
class SlipKey:
    """One named key. The secret is kept out of repr()."""

    name: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.secret) != KEY_BYTES:
            raise KeyConfigError(
                f"鍵「{self.name}」は {KEY_BYTES} バイトでなければなりません（{len(self.secret)} バイト）"
            )

    @cached_property
    def fingerprint(self) -> bytes:
        """The key id carried in slips: 4 bytes that identify the key without revealing it."""
        return _derive(self.secret, "key-id")[:FINGERPRINT_BYTES]

    @cached_property
    def private_key(self) -> X25519PrivateKey:
        """The counter's X25519 private key that opens sealed slips (format 2)."""
        return X25519PrivateKey.from_private_bytes(_derive(self.secret, "sealed/x25519/v2"))

    @cached_property
    def public_key(self) -> SealPublicKey:
        """The public half, for the issuer's KIOSK_SEAL_PUBLIC_KEY."""
        return SealPublicKey(self.name, self.private_key.public_key().public_bytes_raw())

    @cached_property
    def mac_key(self) -> bytes:
        """HMAC-SHA256 key for reference tokens."""
        return _derive(self.secret, "reference/hmac-sha256/v1")

    def to_config(self) -> str:
        """`name:BASE64KEY`, the form KIOSK_SEAL_KEYS takes."""
        return f"{self.name}:{base64.b64encode(self.secret).decode('ascii')}"


@dataclass(frozen=True)
class Keyring:
    """All keys a counter accepts; new slips use `active`."""

    keys: tuple[SlipKey, ...]
    active_name: str

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyConfigError("鍵が1つもありません")
        names = [key.name for key in self.keys]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise KeyConfigError(f"同じ名前の鍵が複数あります: {', '.join(duplicates)}")
        fingerprints = [key.fingerprint for key in self.keys]
        sealed_ids = [key.public_key.fingerprint for key in self.keys]
        if len(set(fingerprints)) != len(fingerprints) or len(set(sealed_ids)) != len(sealed_ids):
            raise KeyConfigError("同じ鍵（または識別子が衝突する鍵）が複数あります。新しい鍵を作り直してください")
        if self.active_name not in names:
            raise KeyConfigError(f"有効な鍵「{self.active_name}」が鍵の一覧にありません（一覧: {', '.join(names)}）")

    @property
    def active(self) -> SlipKey:
        return next(key for key in self.keys if key.name == self.active_name)

    def by_fingerprint(self, fingerprint: bytes) -> SlipKey | None:
        """The key of a reference token's key id."""
        return next((key for key in self.keys if secrets.compare_digest(key.fingerprint, fingerprint)), None)

    def by_sealed_fingerprint(self, fingerprint: bytes) -> SlipKey | None:
        """The key whose public key a sealed slip's key id names."""
        return next(
            (key for key in self.keys if secrets.compare_digest(key.public_key.fingerprint, fingerprint)), None
        )

    def without(self, name: str) -> Keyring:
        """The keyring with one (inactive) key retired."""
        return Keyring(tuple(key for key in self.keys if key.name != name), self.active_name)

    @classmethod
    def single(cls, key: SlipKey) -> Keyring:
        return cls((key,), key.name)


def generate_key(name: str) -> SlipKey:
    """A fresh random key."""
    return SlipKey(name, secrets.token_bytes(KEY_BYTES))


def key_from_secret(secret: str | bytes, name: str = "app") -> SlipKey:
    """A key derived from an arbitrary application secret (e.g. Flask's SECRET_KEY), for `reference` mode on
    one server. Sealed mode should use generated keys from KIOSK_SEAL_KEYS instead."""
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    if len(raw) < 16:
        raise KeyConfigError("秘密鍵が短すぎます（16バイト以上にしてください）")
    return SlipKey(name, _derive(raw, "app-secret"))


def parse_keys(spec: str) -> tuple[SlipKey, ...]:
    """Parse `name:BASE64KEY,name:BASE64KEY` (spaces and newlines around items are ignored)."""
    keys: list[SlipKey] = []
    for position, item in enumerate((part.strip() for part in re.split(r"[,\n]", spec)), start=1):
        if not item:
            continue
        name, sep, encoded = item.partition(":")
        name = name.strip()
        if not sep:
            raise KeyConfigError(f"{position}番目の鍵が「名前:BASE64」の形になっていません")
        keys.append(SlipKey(name, _decode_key(name, encoded.strip())))
    return tuple(keys)


def parse_public_key(spec: str) -> SealPublicKey:
    """Parse KIOSK_SEAL_PUBLIC_KEY: `name:BASE64` (one key: the counter's active one)."""
    item = spec.strip()
    name, sep, encoded = item.partition(":")
    if not sep or "," in item:
        raise KeyConfigError(f"{ENV_PUBLIC} は「名前:BASE64」の形で1つだけ書きます（`kiosk slip new-key` で作れます）")
    return SealPublicKey(name.strip(), _decode_key(name.strip(), encoded.strip()))


def _decode_key(name: str, encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded.replace("-", "+").replace("_", "/") + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigError(f"鍵「{name}」が BASE64 として読めません") from None


def parse_keyring(spec: str, active: str | None = None) -> Keyring:
    """Build a keyring from the configuration strings. With one key, `active` may be omitted."""
    keys = parse_keys(spec)
    if not keys:
        raise KeyConfigError(f"{ENV_KEYS} に鍵がありません（`kiosk slip new-key` で作れます）")
    active = (active or "").strip()
    if not active:
        if len(keys) > 1:
            raise KeyConfigError(f"鍵が複数あるときは {ENV_ACTIVE} で新しい受付票に使う鍵の名前を指定してください")
        active = keys[0].name
    return Keyring(keys, active)


def keyring_from_env(environ: Mapping[str, str] | None = None) -> Keyring | None:
    """The keyring from KIOSK_SEAL_KEYS / KIOSK_SEAL_ACTIVE_KEY, or None when no keys are configured."""
    env = os.environ if environ is None else environ
    spec = env.get(ENV_KEYS, "").strip()
    if not spec:
        return None
    return parse_keyring(spec, env.get(ENV_ACTIVE))


def describe(keyring: Keyring) -> Iterable[str]:
    """One line per key for operators: name, fingerprint, active mark. No secret key material."""
    for key in keyring.keys:
        mark = "（有効）" if key.name == keyring.active_name else ""
        yield f"{key.name}\t{key.fingerprint.hex()}{mark}"


def describe_public(keyring: Keyring) -> Iterable[str]:
    """One line per key: the sealed slips' key id and the public key for the issuer's KIOSK_SEAL_PUBLIC_KEY."""
    for key in keyring.keys:
        yield f"{key.name}\t{key.public_key.fingerprint.hex()}\t{ENV_PUBLIC}={key.public_key.to_config()}"
