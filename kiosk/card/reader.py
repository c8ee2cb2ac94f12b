"""The card over PC/SC: pyscard and the system's pcscd. One short sequence of APDUs per request, one card at a time.

    SELECT the text AP → SELECT the PIN EF → VERIFY without data (tries left; costs no try)
    → VERIFY the PIN → SELECT + READ BINARY of EF 0002 (基本4情報), EF 0003 (signature), EF 0004 (certificate)

The card is powered off when the connection ends, so a verified PIN does not outlive the request. Every failure
becomes a CardError with a code the page turns into a message; none carries the PIN or the card's data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from . import apdu
from .tlv import TlvError, read_header

Transmit = Callable[[bytes], tuple[bytes, int]]
"""Send a command APDU, get the response data and the status word."""

LOCK_TIMEOUT = 15.0
"""Seconds a request waits for another one using the reader (one reader per tablet)."""
VIRTUAL_READER = "Virtual PCD"
"""vsmartcard's virtual reader (the tests' emulated card): never chosen unless its name is configured."""


class CardError(Exception):
    """Why the card could not be read: no_reader, no_card, removed, not_mynumber, wrong_pin (with tries_left),
    last_try (one try left and the resident has not chosen to use it), locked, unreadable, busy."""

    def __init__(self, code: str, tries_left: int | None = None) -> None:
        super().__init__(code if tries_left is None else f"{code} ({tries_left} left)")
        self.code = code
        self.tries_left = tries_left


@dataclass(frozen=True)
class CardFiles:
    """The three files read, as the card wrote them."""

    basic_four: bytes
    signature: bytes
    certificate: bytes

    def __repr__(self) -> str:  # never print a resident's details into a log or a traceback
        return f"CardFiles({len(self.basic_four)}, {len(self.signature)}, {len(self.certificate)} bytes)"


class TextAp:
    """The APDU sequence over any transmit function (pyscard's, or a test's)."""

    def __init__(self, transmit: Transmit) -> None:
        self._transmit = transmit

    def _send(self, command: bytes) -> tuple[bytes, int]:
        if apdu.names_forbidden_file(command):  # second guard after select_ef: nothing names the 個人番号 file
            raise apdu.ForbiddenFile("the 個人番号 file is never selected")
        return self._transmit(command)

    def select(self) -> None:
        """SELECT the text AP; any card without it is not a マイナンバーカード."""
        _, status = self._send(apdu.select_ap())
        if status != apdu.SW_OK:
            raise CardError("not_mynumber")

    def tries_left(self) -> int:
        """SELECT the PIN EF and ask for the tries left without trying (0: locked)."""
        _, status = self._send(apdu.select_ef(apdu.EF_PIN))
        if status != apdu.SW_OK:
            raise CardError("not_mynumber")
        _, status = self._send(apdu.verify_status())
        if status == apdu.SW_BLOCKED:
            return 0
        if status & 0xFFF0 == apdu.SW_TRIES_LEFT:
            return status & 0x0F
        if status == apdu.SW_OK:
            return apdu.MAX_TRIES
        raise CardError("unreadable")

    def verify_pin(self, pin: bytes, allow_last_try: bool = False) -> None:
        """VERIFY the PIN, unless the card is locked or one try is left and the resident has not chosen to use it."""
        left = self.tries_left()
        if left == 0:
            raise CardError("locked", 0)
        if left == 1 and not allow_last_try:
            raise CardError("last_try", 1)
        _, status = self._send(apdu.verify(pin))
        if status == apdu.SW_OK:
            return
        if status == apdu.SW_BLOCKED or status == apdu.SW_TRIES_LEFT:
            raise CardError("locked", 0)
        if status & 0xFFF0 == apdu.SW_TRIES_LEFT:
            raise CardError("wrong_pin", status & 0x0F)
        raise CardError("unreadable")

    def read_file(self, file_id: int) -> bytes:
        """SELECT an EF and READ BINARY all of its one TLV element (its length is in its header)."""
        _, status = self._send(apdu.select_ef(file_id))
        if status != apdu.SW_OK:
            raise CardError("not_mynumber")
        head = self._read(0, 8)
        try:
            _, length, header = read_header(head)
        except TlvError:
            raise CardError("unreadable") from None
        total = header + length
        data = bytearray(head[:total])
        while len(data) < total:
            data += self._read(len(data), min(apdu.MAX_READ, total - len(data)))
        return bytes(data)

    def _read(self, offset: int, length: int) -> bytes:
        data, status = self._send(apdu.read_binary(offset, length))
        if status == apdu.SW_SECURITY_NOT_SATISFIED:
            raise CardError("unreadable")
        if status not in (apdu.SW_OK, apdu.SW_END_OF_FILE) or not data:
            raise CardError("unreadable")
        return data

    def read_all(self, pin: bytes, allow_last_try: bool = False) -> CardFiles:
        """The whole sequence: the AP, the PIN, the three files."""
        self.select()
        self.verify_pin(pin, allow_last_try)
        return CardFiles(
            basic_four=self.read_file(apdu.EF_BASIC_FOUR),
            signature=self.read_file(apdu.EF_SIGNATURE),
            certificate=self.read_file(apdu.EF_CERTIFICATE),
        )


# ------------------------------------------------------------------------------------------------ PC/SC (pyscard)

_lock = threading.Lock()


def reader_names() -> list[str]:
    """The PC/SC readers attached; [] without pyscard, without pcscd, or without a reader."""
    try:
        from smartcard.System import readers
    except ImportError:
        return []
    try:
        return [str(reader) for reader in readers()]
    except Exception:  # pcscd not running, or no reader (pyscard raises its own exceptions for each)
        return []


def choose_reader(configured: str = "") -> str | None:
    """The reader to use: the first whose name starts with `configured`, or, when nothing is configured, the first
    one that is not vsmartcard's virtual reader (which accepts a card emulated by anyone who can reach its port)."""
    for name in reader_names():
        if configured and name.startswith(configured):
            return name
        if not configured and not name.startswith(VIRTUAL_READER):
            return name
    return None


@contextmanager
def connected(reader_name: str) -> Iterator[TextAp]:
    """The card on `reader_name`, powered off again at the end; one user of the reader at a time."""
    if not _lock.acquire(timeout=LOCK_TIMEOUT):
        raise CardError("busy")
    try:
        try:
            from smartcard.Exceptions import CardConnectionException, NoCardException
            from smartcard.scard import SCARD_SHARE_EXCLUSIVE, SCARD_UNPOWER_CARD
            from smartcard.System import readers
        except ImportError:
            raise CardError("no_reader") from None
        try:
            reader = next((r for r in readers() if str(r) == reader_name), None)
        except Exception:
            reader = None
        if reader is None:
            raise CardError("no_reader")
        connection: Any = reader.createConnection()
        try:
            # Exclusive: another server process (gunicorn workers) cannot slip its APDUs in between ours.
            connection.connect(mode=SCARD_SHARE_EXCLUSIVE, disposition=SCARD_UNPOWER_CARD)
        except NoCardException:
            raise CardError("no_card") from None
        except CardConnectionException as exc:
            raise CardError("busy" if "sharing" in str(exc).lower() else "no_card") from None

        def transmit(command: bytes) -> tuple[bytes, int]:
            try:
                data, sw1, sw2 = connection.transmit(list(command))
            except CardConnectionException:
                raise CardError("removed") from None
            return bytes(data), (sw1 << 8) | sw2

        try:
            yield TextAp(transmit)
        finally:
            with suppress(Exception):  # the card or the reader is gone already
                connection.disconnect()
    finally:
        _lock.release()


def probe(reader_name: str) -> int:
    """The tries left on the card placed on the reader (0: locked); CardError when there is no usable card."""
    with connected(reader_name) as card:
        card.select()
        return card.tries_left()


def read_card(reader_name: str, pin: str, allow_last_try: bool = False) -> CardFiles:
    """VERIFY `pin` and read the 基本4情報, its signature and the certificate."""
    if len(pin) != apdu.PIN_LENGTH or not pin.isascii() or not pin.isdigit():
        raise CardError("bad_pin")
    with connected(reader_name) as card:
        return card.read_all(pin.encode("ascii"), allow_last_try)
