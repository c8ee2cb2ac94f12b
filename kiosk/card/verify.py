"""Check what the card gave: the 基本4情報's digest, the card's signature over it, and J-LIS's over the card's key.

    EF 0002  FF20 { DF21 offsets · DF22 name · DF23 address · DF24 birth · DF25 sex }
    EF 0003  FF30 { DF31 SHA-256(個人番号 item) · DF32 SHA-256(DF22…DF25 as written) · DF33 signature }
    EF 0004  7F21 { 5F4E issuer(16) subject(16) exponent-TLV modulus-TLV · 5F37 J-LIS's signature over 5F4E }

The card's signature (RSA PKCS#1 v1.5, SHA-256) covers the DF31 and DF32 elements; DF32 must be the digest of the
items read. The 個人番号 digest DF31 is only carried along: its file is never read, so it is not checked. When the city
configures J-LIS's certificate (KIOSK_CARD_JLIS_CERTIFICATE), the card's certificate must carry a signature by one
of its keys ("jlis"); otherwise only the card's own certificate is used ("card").
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import apdu
from .reader import CardFiles
from .tlv import TlvError, parse, parse_one

MIN_KEY_BITS = 2048
SEXES = {"1": "male", "2": "female"}


class NotVerified(ValueError):
    """The data does not carry a valid signature (or could not be parsed): nothing of it may be used."""


class CertificateFileError(ValueError):
    """KIOSK_CARD_JLIS_CERTIFICATE cannot be used."""


@dataclass(frozen=True)
class BasicFour:
    """The 基本4情報 as the card holds them (birth date ISO or "", sex male/female or "")."""

    name: str
    address: str
    birth_date: str
    sex: str
    verified: str  # "jlis": signature and J-LIS chain checked; "card": the signature with the card's certificate

    def __repr__(self) -> str:  # never print a resident's details into a log
        return f"BasicFour(verified={self.verified!r})"


def load_trusted_keys(path: Path) -> list[rsa.RSAPublicKey]:
    """J-LIS's public keys from a file of PEM certificates or keys, or one DER certificate or key."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertificateFileError(f"{path}: 読めません ({exc.strerror})") from None
    keys: list[object] = []
    if b"-----BEGIN" in data:
        with contextlib.suppress(ValueError):
            keys += [cert.public_key() for cert in x509.load_pem_x509_certificates(data)]
        if not keys:
            with contextlib.suppress(ValueError):
                keys.append(serialization.load_pem_public_key(data))
    else:
        try:
            keys.append(x509.load_der_x509_certificate(data).public_key())
        except ValueError:
            with contextlib.suppress(ValueError):
                keys.append(serialization.load_der_public_key(data))
    rsa_keys = [key for key in keys if isinstance(key, rsa.RSAPublicKey)]
    if not rsa_keys:
        raise CertificateFileError(f"{path}: J-LIS の証明書（PEM か DER、RSA の公開鍵）が見つかりません")
    return rsa_keys


def verify(files: CardFiles, trusted: list[rsa.RSAPublicKey] | None = None) -> BasicFour:
    """The 基本4情報 when every check passes; NotVerified otherwise."""
    try:
        items, signed_items = _basic_four(files.basic_four)
        digests, signed, signature = _signature_file(files.signature)
        body, certificate_signature, card_key = _certificate(files.certificate)
    except (TlvError, ValueError, KeyError, UnicodeDecodeError) as exc:
        raise NotVerified(f"unreadable: {type(exc).__name__}") from None
    if hashlib.sha256(signed_items).digest() != digests.get(apdu.TAG_BASIC_FOUR_DIGEST):
        raise NotVerified("the 基本4情報 do not match their digest")
    try:
        card_key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise NotVerified("the card's signature does not verify") from None
    verified = "card"
    if trusted:
        if not any(_verifies(key, certificate_signature, body) for key in trusted):
            raise NotVerified("the card's certificate is not signed by J-LIS")
        verified = "jlis"
    return BasicFour(
        name=items[apdu.TAG_NAME].decode("utf-8").strip(),
        address=items[apdu.TAG_ADDRESS].decode("utf-8").strip(),
        birth_date=_birth_date(items[apdu.TAG_BIRTH]),
        sex=SEXES.get(items[apdu.TAG_SEX].decode("ascii", "replace").strip(), ""),
        verified=verified,
    )


def _verifies(key: rsa.RSAPublicKey, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _basic_four(data: bytes) -> tuple[dict[int, bytes], bytes]:
    """The four items, and the bytes the digest covers: the name, address, birth and sex elements as written."""
    outer = parse_one(data, apdu.TAG_BASIC_FOUR)
    elements = parse(outer.value)
    items = {element.tag: element.value for element in elements}
    wanted = (apdu.TAG_NAME, apdu.TAG_ADDRESS, apdu.TAG_BIRTH, apdu.TAG_SEX)
    if any(tag not in items for tag in wanted):
        raise ValueError("an item is missing")
    covered = [element for element in elements if element.tag in wanted]
    return items, outer.value[covered[0].start : covered[-1].end]


def _signature_file(data: bytes) -> tuple[dict[int, bytes], bytes, bytes]:
    outer = parse_one(data, apdu.TAG_SIGNATURE_FILE)
    elements = parse(outer.value)
    by_tag = {element.tag: element for element in elements}
    first, second = by_tag[apdu.TAG_MY_NUMBER_DIGEST], by_tag[apdu.TAG_BASIC_FOUR_DIGEST]
    signed = outer.value[first.start : first.end] + outer.value[second.start : second.end]
    digests = {tag: element.value for tag, element in by_tag.items()}
    return digests, signed, by_tag[apdu.TAG_SIGNATURE].value


def _certificate(data: bytes) -> tuple[bytes, bytes, rsa.RSAPublicKey]:
    outer = parse_one(data, apdu.TAG_CERTIFICATE)
    by_tag = {element.tag: element.value for element in parse(outer.value)}
    body, signature = by_tag[apdu.TAG_CERTIFICATE_BODY], by_tag[apdu.TAG_CERTIFICATE_SIGNATURE]
    key_elements = parse(body, 32)
    if len(key_elements) < 2:
        raise ValueError("no public key")
    exponent = int.from_bytes(key_elements[0].value, "big")
    modulus = int.from_bytes(key_elements[1].value, "big")
    if modulus.bit_length() < MIN_KEY_BITS or exponent < 3:
        raise ValueError("weak key")
    return body, signature, rsa.RSAPublicNumbers(exponent, modulus).public_key()


def _birth_date(raw: bytes) -> str:
    text = raw.decode("ascii", "replace").strip()
    if len(text) != 8 or not text.isdigit():
        return ""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return ""
