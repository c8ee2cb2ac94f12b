import io
import re
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from kiosk.slip import Keyring, SlipKey
from kiosk.slip.sample import SAMPLE_NOW, sample_okuyami_case

# Fixed keys so that failures are reproducible; never used outside tests.
OLD = SlipKey("2025b", bytes(range(32)))
NEW = SlipKey("2026a", bytes(range(100, 132)))
OTHER = SlipKey("2026a", bytes(range(200, 232)))  # another installation's key with the same name

NOW = SAMPLE_NOW
LATER = NOW + timedelta(days=3)

# Personal data in the sample case: no error message may ever contain any of it.
PERSONAL = ("山田", "花子", "太郎", "ヤマダ", "府中", "富士見台", "090-1234-5678", "1968-04-21", "1947-11-03", "48213")


@pytest.fixture
def keyring() -> Keyring:
    """The counter's keyring during a rotation: new slips use 2026a, 2025b slips still open."""
    return Keyring((NEW, OLD), "2026a")


@pytest.fixture
def case():
    return sample_okuyami_case(NOW)


def decode_image(image: Image.Image) -> zxingcpp.Barcode:
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(results) == 1, f"expected one QR code, zxing-cpp found {len(results)}"
    assert results[0].valid
    return results[0]


def decode_png(png: bytes) -> zxingcpp.Barcode:
    return decode_image(Image.open(io.BytesIO(png)))


_RECT = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H(\d+)z")


def rasterise_svg(svg: str, scale: int = 4) -> Image.Image:
    """Draw the SVG's path (qrcode's one-rectangle-per-module subpaths, viewBox in modules) with Pillow.

    Independent of qrcode's PNG writer: only the SVG text is used. Fails if the path uses anything else."""
    view_box = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    assert view_box, "SVG without an integer viewBox"
    side = int(view_box.group(1))
    path = re.search(r' d="([^"]*)"', svg)
    assert path
    rects = _RECT.findall(path.group(1))
    assert "".join(f"M{a},{b}H{c}V{d}H{e}z" for a, b, c, d, e in rects) == path.group(1), "unexpected path syntax"
    image = Image.new("L", (side * scale, side * scale), 255)
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1, _ in rects:
        draw.rectangle(
            (int(x0) * scale, int(y0) * scale, int(x1) * scale - 1, int(y1) * scale - 1),
            fill=0,
        )
    return image


def flip(text: str, index: int) -> str:
    """Replace one base32 character by another one."""
    replacement = "B" if text[index] != "B" else "C"
    return text[:index] + replacement + text[index + 1 :]


def assert_no_personal_data(message: str) -> None:
    for word in PERSONAL:
        assert word not in message
