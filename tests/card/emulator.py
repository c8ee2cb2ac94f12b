"""An emulated マイナンバーカード for the tests: its 券面事項入力補助AP files, built and signed at test time, answered
over vsmartcard's vpcd socket protocol so that a real pcscd and pyscard talk to it.

vpcd protocol (vsmartcard's virtual reader): the card connects to the reader's TCP port (35963 for
"Virtual PCD 00 00"); every message both ways is a 2-byte big-endian length and a payload. A 1-byte payload from the
reader is a control code (0 power off, 1 power on, 2 reset, 4 send the ATR); anything longer is a command APDU,
answered with the response data and SW1 SW2. Connecting is placing the card; closing the socket is removing it.

Every APDU received is kept in `apdus`, so a test can check what was ever asked of the card.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from kiosk.card import apdu
from kiosk.card.tlv import encode, parse

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963
READER = "Virtual PCD 00 00"
ATR = bytes.fromhex("3B8A800180318073B6A1000000000000")  # any ATR: the app never looks at it
MY_NUMBER_FILE_TAG = 0xFF10


@dataclass(frozen=True)
class Holder:
    """What the emulated card says about its holder."""

    name: str = "山田 太郎"
    address: str = "東京都国立市富士見台2丁目47番地の1"
    birth: str = "19800415"
    sex: str = "1"
    my_number: str = "123456789018"


@dataclass
class CardPki:
    """A "J-LIS" key with a self-signed certificate, and a card key J-LIS vouches for; made fresh for a test run."""

    jlis_key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    card_key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))

    def jlis_certificate(self) -> x509.Certificate:
        name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "J-LIS (test)"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "Test Card Text AP CA")])
        now = datetime.now(UTC)
        return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(self.jlis_key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .sign(self.jlis_key, hashes.SHA256()))

    def write_jlis_certificate(self, path: Path) -> Path:
        path.write_bytes(self.jlis_certificate().public_bytes(serialization.Encoding.PEM))
        return path


def build_files(holder: Holder, pki: CardPki, forge: str | None = None) -> dict[int, bytes]:
    """The AP's files as the specification lays them out. `forge`: "data" (the 基本4情報 changed after signing),
    "signature" (signed by another key), "certificate" (the card's certificate not signed by J-LIS)."""
    items = (encode(apdu.TAG_NAME, holder.name.encode()) + encode(apdu.TAG_ADDRESS, holder.address.encode())
             + encode(apdu.TAG_BIRTH, holder.birth.encode()) + encode(apdu.TAG_SEX, holder.sex.encode()))
    signed_items = items
    if forge == "data":
        items = items.replace("太郎".encode(), "次郎".encode())
    my_number_file = encode(MY_NUMBER_FILE_TAG, holder.my_number.encode())
    signed = (encode(apdu.TAG_MY_NUMBER_DIGEST, hashlib.sha256(my_number_file).digest())
              + encode(apdu.TAG_BASIC_FOUR_DIGEST, hashlib.sha256(signed_items).digest()))
    signer = rsa.generate_private_key(65537, 2048) if forge == "signature" else pki.card_key
    signature = signer.sign(signed, padding.PKCS1v15(), hashes.SHA256())
    numbers = pki.card_key.public_key().public_numbers()
    body = (bytes(range(16)) + bytes(range(16, 32)) + encode(0x90, numbers.e.to_bytes(3, "big"))
            + encode(0x91, numbers.n.to_bytes(256, "big")))
    issuer = rsa.generate_private_key(65537, 2048) if forge == "certificate" else pki.jlis_key
    certificate = encode(apdu.TAG_CERTIFICATE, encode(apdu.TAG_CERTIFICATE_BODY, body) + encode(
        apdu.TAG_CERTIFICATE_SIGNATURE, issuer.sign(body, padding.PKCS1v15(), hashes.SHA256())))
    return {
        apdu.EF_MY_NUMBER: my_number_file,
        apdu.EF_BASIC_FOUR: encode(apdu.TAG_BASIC_FOUR, _with_offsets(items)),
        apdu.EF_SIGNATURE: encode(apdu.TAG_SIGNATURE_FILE, signed + encode(apdu.TAG_SIGNATURE, signature)),
        apdu.EF_CERTIFICATE: certificate,
    }


def _with_offsets(items: bytes) -> bytes:
    """DF21 (where each item starts in the file, 2 bytes each) followed by the items."""
    inner_size = 3 + 8 + len(items)
    header = len(encode(apdu.TAG_BASIC_FOUR, bytes(inner_size))) - inner_size
    starts = [header + 3 + 8 + element.start for element in parse(items)]
    return encode(apdu.TAG_OFFSETS, b"".join(start.to_bytes(2, "big") for start in starts)) + items


PROTECTED = frozenset({apdu.EF_MY_NUMBER, apdu.EF_BASIC_FOUR, apdu.EF_SIGNATURE})


class EmulatedCard:
    """A card on the virtual reader. kind "mynumber" or "other" (a card without the text AP: SELECT gives 6A82);
    `remove_at_read`: the socket closes when the first READ BINARY arrives (the card taken away mid-read)."""

    def __init__(self, files: dict[int, bytes], pin: str = "1234", tries: int = 3, kind: str = "mynumber",
                 remove_at_read: bool = False, port: int = VPCD_PORT) -> None:
        self.files = files
        self.pin = pin.encode()
        self.tries = tries
        self.kind = kind
        self.remove_at_read = remove_at_read
        self.port = port
        self.apdus: list[bytes] = []
        self._greeted = threading.Event()
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._reset()

    def _reset(self) -> None:
        self.selected_ap = False
        self.current: int | None = None
        self.verified = False

    # --------------------------------------------------------------------------------------- placing and removing

    def insert(self, attempts: int = 10) -> EmulatedCard:
        """Connect to the virtual reader, and wait until it talks to the card. vpcd takes one card at a time and
        notices a card taken away only at its next poll: a card placed before that is never served, so try again."""
        for _ in range(attempts):
            self._greeted = threading.Event()
            self._socket = socket.create_connection((VPCD_HOST, self.port), timeout=10)
            self._socket.settimeout(None)
            self._thread = threading.Thread(target=self._serve, args=(self._socket,), name="emulated-card",
                                            daemon=True)
            self._thread.start()
            if self._greeted.wait(2.0):
                return self
            self.remove()
        raise RuntimeError("the virtual reader never talked to the emulated card")

    def remove(self) -> None:
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
            self._socket.close()
            self._socket = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
            # vpcd notices the card gone only at its next poll (about every 0.45 s); a card placed before then is
            # never seen by pcscd (measured): let two polls pass.
            time.sleep(1.0)

    def __enter__(self) -> EmulatedCard:
        return self.insert()

    def __exit__(self, *_: object) -> None:
        self.remove()

    # ------------------------------------------------------------------------------------------------ the protocol

    def _serve(self, connection: socket.socket) -> None:
        try:
            while True:
                (size,) = struct.unpack(">H", _receive(connection, 2))
                message = _receive(connection, size)
                self._greeted.set()
                if size == 1:
                    if message[0] in (0, 2):
                        self._reset()
                    if message[0] == 4:
                        connection.sendall(struct.pack(">H", len(ATR)) + ATR)
                    continue
                self.apdus.append(message)
                if self.remove_at_read and message[1] == apdu.INS_READ_BINARY:
                    connection.close()
                    return
                response = self.respond(message)
                connection.sendall(struct.pack(">H", len(response)) + response)
        except (OSError, EOFError, struct.error):
            return

    def respond(self, command: bytes) -> bytes:
        ins, p1, p2 = command[1], command[2], command[3]
        data = command[5 : 5 + command[4]] if len(command) > 5 else b""
        if ins == apdu.INS_SELECT:
            if p1 == apdu.P1_SELECT_DF_NAME:
                self.selected_ap = self.kind == "mynumber" and data == apdu.TEXT_AP_AID
                self.current, self.verified = None, False
                return b"\x90\x00" if self.selected_ap else b"\x6a\x82"
            file_id = int.from_bytes(data, "big")
            if not self.selected_ap or (file_id not in self.files and file_id != apdu.EF_PIN):
                return b"\x6a\x82"
            self.current = file_id
            return b"\x90\x00"
        if ins == apdu.INS_VERIFY:
            if self.current != apdu.EF_PIN:
                return b"\x69\x86"
            if self.tries == 0:
                return b"\x69\x83"
            if not data:
                return bytes([0x63, 0xC0 | self.tries])
            if data == self.pin:
                self.tries, self.verified = 3, True
                return b"\x90\x00"
            self.tries -= 1
            return bytes([0x63, 0xC0 | self.tries])
        if ins == apdu.INS_READ_BINARY:
            if p1 & 0x80:
                file_id, offset = p1 & 0x1F, p2
            else:
                file_id, offset = self.current or 0, (p1 << 8) | p2
            if file_id not in self.files:
                return b"\x69\x86"
            if file_id in PROTECTED and not self.verified:
                return b"\x69\x82"
            wanted = command[4] if len(command) == 5 and command[4] else 256
            chunk = self.files[file_id][offset : offset + wanted]
            return chunk + (b"\x90\x00" if len(chunk) == wanted else b"\x62\x82")
        return b"\x6d\x00"


def _receive(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data
