"""Render a slip payload as a QR code that prints sharp: PNG at a whole number of printer dots per module,
SVG for HTML pages, and the version and printed size for a payload.

Error correction: "auto" uses Q (25 % of the symbol recoverable: creases, smudges on thermal paper) when Q
fits in the same QR version as M, otherwise M (15 %). The quiet zone is 4 modules on every side, as the
QR standard requires. Payloads from this package are upper-case base32 and so use alphanumeric mode.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal
from xml.etree import ElementTree as ET

import qrcode
import qrcode.constants
import qrcode.exceptions
import qrcode.image.svg
from qrcode.image.pil import PilImage

QUIET_ZONE = 4
MM_PER_INCH = 25.4
RECEIPT_DPI = 203  # 80 mm thermal receipt printers (8 dots/mm)
DEFAULT_MODULE_MM = 0.5

Level = Literal["L", "M", "Q", "H"]
_LEVELS: dict[str, int] = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


# The largest QR code a slip uses: 133 modules + quiet zone at 0.5 mm is 70.5 mm, within the 72 mm an 80 mm receipt
# printer prints (and easy for a hand scanner or a phone). A sealed case larger than this is kept on the server
# and the slip carries a reference instead.
MAX_SLIP_VERSION = 29


class QrTooLarge(ValueError):
    """The payload does not fit in a QR code (version 40) at this error correction level."""


@dataclass(frozen=True)
class QrInfo:
    """What a payload becomes: version, error correction level, and the module count."""

    version: int
    level: str
    quiet_zone: int = QUIET_ZONE

    @property
    def modules(self) -> int:
        """Modules per side of the symbol itself."""
        return 17 + 4 * self.version

    @property
    def modules_with_quiet_zone(self) -> int:
        return self.modules + 2 * self.quiet_zone

    def size_mm(self, module_mm: float = DEFAULT_MODULE_MM) -> float:
        """Printed side length including the quiet zone."""
        return self.modules_with_quiet_zone * module_mm


@dataclass(frozen=True)
class PrintSize:
    """How a payload prints on a given printer: whole dots per module, so every module edge is sharp."""

    info: QrInfo
    dpi: int
    pixels_per_module: int

    @property
    def module_mm(self) -> float:
        return self.pixels_per_module * MM_PER_INCH / self.dpi

    @property
    def pixels(self) -> int:
        return self.info.modules_with_quiet_zone * self.pixels_per_module

    @property
    def size_mm(self) -> float:
        return self.pixels * MM_PER_INCH / self.dpi


def pixels_per_module(dpi: int, module_mm: float = DEFAULT_MODULE_MM) -> int:
    """The whole number of printer dots closest to `module_mm` (at least 1)."""
    if dpi <= 0 or module_mm <= 0:
        raise ValueError("dpi and module size must be positive")
    return max(1, round(module_mm * dpi / MM_PER_INCH))


def _code(payload: str, level: str, box_size: int = 1) -> qrcode.QRCode:  # type: ignore[type-arg]
    if level not in _LEVELS:
        raise ValueError(f"unknown error correction level {level!r}")
    code = qrcode.QRCode(error_correction=_LEVELS[level], box_size=box_size, border=QUIET_ZONE)
    code.add_data(payload)
    return code


def _version(payload: str, level: str) -> int:
    """The smallest version that holds the payload (cheap: no mask evaluation)."""
    try:
        version = int(_code(payload, level).best_fit())
    except (qrcode.exceptions.DataOverflowError, ValueError):
        version = 41
    if version > 40:
        raise QrTooLarge(f"{len(payload)} characters do not fit in a QR code at level {level}")
    return version


def _build(payload: str, info: QrInfo, box_size: int = 1) -> qrcode.QRCode:  # type: ignore[type-arg]
    code = _code(payload, info.level, box_size)
    code.version = info.version
    code.make(fit=False)
    return code


def choose_level(payload: str, level: Level | Literal["auto"] = "auto") -> str:
    """Q if it fits in the same version as M, else M; or the level asked for."""
    return qr_info(payload, level).level


def qr_info(payload: str, level: Level | Literal["auto"] = "auto") -> QrInfo:
    """The level (Q if it fits in the same version as M, else M; or the one asked for) and the version."""
    if level != "auto":
        return QrInfo(version=_version(payload, level), level=level)
    medium = _version(payload, "M")
    try:
        if _version(payload, "Q") == medium:
            return QrInfo(version=medium, level="Q")
    except QrTooLarge:
        pass
    return QrInfo(version=medium, level="M")


def fits_on_a_slip(payload: str) -> bool:
    """True when the payload makes a QR code of at most MAX_SLIP_VERSION."""
    try:
        return qr_info(payload).version <= MAX_SLIP_VERSION
    except QrTooLarge:
        return False


def print_size(
    payload: str, dpi: int = RECEIPT_DPI, module_mm: float = DEFAULT_MODULE_MM, level: Level | Literal["auto"] = "auto"
) -> PrintSize:
    return PrintSize(qr_info(payload, level), dpi, pixels_per_module(dpi, module_mm))


def render_png(
    payload: str,
    *,
    dpi: int = RECEIPT_DPI,
    module_mm: float = DEFAULT_MODULE_MM,
    level: Level | Literal["auto"] = "auto",
) -> bytes:
    """PNG, 1 bit per pixel, `pixels_per_module(dpi, module_mm)` pixels per module, with the dpi recorded so
    that printing at 100 % gives the intended physical size."""
    code = _build(payload, qr_info(payload, level), pixels_per_module(dpi, module_mm))
    image = code.make_image(image_factory=PilImage).get_image()
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


def render_svg(
    payload: str,
    *,
    module_mm: float = DEFAULT_MODULE_MM,
    level: Level | Literal["auto"] = "auto",
    label: str = "受付票の二次元コード",
) -> str:
    """An `<svg>` element (no XML declaration) for inline use in HTML: one path, white background, width and
    height in mm, a viewBox so CSS may scale it, crisp edges."""
    info = qr_info(payload, level)
    code = _build(payload, info, box_size=10)  # qrcode's SVG unit: box_size 10 = 1 mm → viewBox in modules
    root = code.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).get_image()
    side = f"{Decimal(info.modules_with_quiet_zone) * Decimal(str(module_mm)):f}mm"
    root.set("width", side)
    root.set("height", side)
    root.set("shape-rendering", "crispEdges")
    root.set("role", "img")
    root.set("aria-label", label)
    return ET.tostring(root, encoding="unicode")
