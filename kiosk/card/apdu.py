"""The 券面事項入力補助AP (text AP) of the マイナンバーカード: identifiers and the commands sent to it.

Identifiers from J-LIS's public specification of the card's applications (券面事項入力補助AP, as implemented by the
open readers lanesky/mnbcard, hebingchang/pymyna and AokiApp/jsapdu, which agree on them):

    DF  D3 92 10 00 31 00 01 01 04 08   券面事項入力補助AP
    EF  00 01   個人番号 (protected)                       ← never selected, never read
    EF  00 02   基本4情報: name, address, birth date, sex (protected by the PIN)
    EF  00 03   SHA-256 of the 個人番号 file and of the 基本4情報, signed by the card's key (protected)
    EF  00 04   the AP's certificate: the card's public key, signed by J-LIS
    EF  00 11   券面事項入力補助用暗証番号 (4 digits, 3 tries)

Commands are ISO 7816-4 short APDUs: SELECT (by DF name; EF under the current DF, no response data), VERIFY
(reference data of the selected EF; without data it only asks for the tries left), READ BINARY (offset in P1-P2).
"""

from __future__ import annotations

TEXT_AP_AID = bytes.fromhex("D3921000310001010408")
"""券面事項入力補助AP (DF name)."""

EF_MY_NUMBER = 0x0001
"""個人番号. Named here only so that `select_ef` can refuse it: this program never selects or reads it."""
EF_BASIC_FOUR = 0x0002
"""基本4情報 (氏名・住所・生年月日・性別)."""
EF_SIGNATURE = 0x0003
"""The digests of the 個人番号 and the 基本4情報, and the card's signature over them."""
EF_CERTIFICATE = 0x0004
"""The AP's certificate (the card's public key, signed by J-LIS). Readable without the PIN."""
EF_PIN = 0x0011
"""券面事項入力補助用暗証番号."""

FORBIDDEN_FILES = frozenset({EF_MY_NUMBER})
"""Files no command may name (by file identifier or by short EF identifier)."""

# Tags of the files' BER-TLV
TAG_BASIC_FOUR = 0xFF20
TAG_OFFSETS = 0xDF21  # where each item starts in the file
TAG_NAME = 0xDF22  # UTF-8
TAG_ADDRESS = 0xDF23  # UTF-8
TAG_BIRTH = 0xDF24  # YYYYMMDD (Western calendar, ASCII)
TAG_SEX = 0xDF25  # "1" male, "2" female, "9" not applicable
TAG_SIGNATURE_FILE = 0xFF30
TAG_MY_NUMBER_DIGEST = 0xDF31  # SHA-256 of the 個人番号 item (only carried along; its file is never read)
TAG_BASIC_FOUR_DIGEST = 0xDF32  # SHA-256 of the name, address, birth and sex items as written in the file
TAG_SIGNATURE = 0xDF33  # RSA PKCS#1 v1.5 with SHA-256 over the DF31 and DF32 elements
TAG_CERTIFICATE = 0x7F21
TAG_CERTIFICATE_BODY = 0x5F4E  # issuer id (16) · subject id (16) · exponent TLV · modulus TLV
TAG_CERTIFICATE_SIGNATURE = 0x5F37  # J-LIS's RSA PKCS#1 v1.5 SHA-256 signature over the body

PIN_LENGTH = 4
MAX_TRIES = 3

# Status words
SW_OK = 0x9000
SW_END_OF_FILE = 0x6282
SW_SECURITY_NOT_SATISFIED = 0x6982
SW_BLOCKED = 0x6983
SW_FILE_NOT_FOUND = 0x6A82
SW_TRIES_LEFT = 0x63C0  # 63Cx: wrong PIN, x tries left (or, for VERIFY without data, x tries left)

CLA = 0x00
INS_SELECT = 0xA4
INS_VERIFY = 0x20
INS_READ_BINARY = 0xB0
P1_SELECT_DF_NAME = 0x04
P1_SELECT_EF = 0x02
P2_NO_RESPONSE = 0x0C
P2_SPECIFIC_REFERENCE = 0x80  # VERIFY: the reference data of the current DF (the PIN EF selected before)
MAX_READ = 0xFF  # bytes per READ BINARY (short APDU)


class ForbiddenFile(ValueError):
    """A command naming the 個人番号 file was about to be built."""


def select_ap(aid: bytes = TEXT_AP_AID) -> bytes:
    """SELECT the application by its DF name."""
    return bytes([CLA, INS_SELECT, P1_SELECT_DF_NAME, P2_NO_RESPONSE, len(aid)]) + aid


def select_ef(file_id: int) -> bytes:
    """SELECT an EF under the current DF. Refuses the 個人番号 file."""
    if file_id in FORBIDDEN_FILES:
        raise ForbiddenFile("the 個人番号 file is never selected")
    return bytes([CLA, INS_SELECT, P1_SELECT_EF, P2_NO_RESPONSE, 2]) + file_id.to_bytes(2, "big")


def verify_status() -> bytes:
    """VERIFY without data: the card answers 63Cx with the tries left (6983 when locked). Costs no try."""
    return bytes([CLA, INS_VERIFY, 0x00, P2_SPECIFIC_REFERENCE])


def verify(pin: bytes) -> bytes:
    """VERIFY the PIN (ASCII digits) against the selected PIN EF."""
    if len(pin) != PIN_LENGTH or not pin.isdigit():
        raise ValueError("the PIN is 4 digits")
    return bytes([CLA, INS_VERIFY, 0x00, P2_SPECIFIC_REFERENCE, len(pin)]) + pin


def read_binary(offset: int, length: int) -> bytes:
    """READ BINARY of the selected EF: `length` (1–255) bytes from `offset` (0–32767)."""
    if not 0 <= offset < 0x8000 or not 0 < length <= MAX_READ:
        raise ValueError("offset or length out of range")
    return bytes([CLA, INS_READ_BINARY, offset >> 8, offset & 0xFF, length])


def names_forbidden_file(command: bytes) -> bool:
    """Whether a command APDU would select or read the 個人番号 file (by file id, or by short EF id in P1)."""
    if len(command) < 4 or command[0] & 0x80:
        return False
    ins, p1 = command[1], command[2]
    if ins == INS_SELECT and p1 in (0x00, P1_SELECT_EF) and len(command) >= 7:
        return int.from_bytes(command[5:7], "big") in FORBIDDEN_FILES
    if ins in (INS_READ_BINARY, 0xB1) and p1 & 0x80:
        return (p1 & 0x1F) in FORBIDDEN_FILES
    return False
