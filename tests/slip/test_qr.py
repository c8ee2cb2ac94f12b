import io
import re

import pytest
from PIL import Image

from kiosk.slip import Keyring, issue_token, seal
from kiosk.slip.qr import (
    QUIET_ZONE,
    QrInfo,
    QrTooLarge,
    choose_level,
    pixels_per_module,
    print_size,
    qr_info,
    render_png,
    render_svg,
)
from kiosk.slip.sample import sample_okuyami_case

from .conftest import NEW, NOW, decode_png


@pytest.mark.parametrize(
    ("dpi", "module_mm", "expected"),
    [(203, 0.5, 4), (203, 0.375, 3), (203, 0.25, 2), (300, 0.5, 6), (600, 0.5, 12), (600, 0.33, 8), (72, 0.1, 1)],
)
def test_whole_printer_dots_per_module(dpi, module_mm, expected):
    assert pixels_per_module(dpi, module_mm) == expected


def test_pixels_per_module_rejects_nonsense():
    with pytest.raises(ValueError):
        pixels_per_module(0, 0.5)


def test_png_is_sharp_with_quiet_zone_and_records_its_dpi():
    payload = "R" + "ABCDEFGH" * 6
    info = qr_info(payload)
    png = render_png(payload, dpi=203, module_mm=0.5)
    image = Image.open(io.BytesIO(png))
    side = (info.modules + 2 * QUIET_ZONE) * 4
    assert image.size == (side, side)
    assert round(image.info["dpi"][0]) == 203
    pixels = image.convert("L").load()
    # the quiet zone (4 modules = 16 px) is white all round
    for i in range(side):
        for j in range(16):
            assert pixels[i, j] == pixels[j, i] == pixels[i, side - 1 - j] == pixels[side - 1 - j, i] == 255
    # every module is a solid 4×4 block: nothing in between (sharp when printed at 203 dpi)
    for y in range(0, side, 4):
        for x in range(0, side, 4):
            block = {pixels[x + dx, y + dy] for dx in range(4) for dy in range(4)}
            assert len(block) == 1
    assert decode_png(png).text == payload


def test_svg_has_physical_size_viewbox_and_white_background():
    payload = "R" + "ABCDEFGH" * 6
    info = qr_info(payload)
    svg = render_svg(payload, module_mm=0.5)
    side = info.modules + 8
    assert svg.startswith("<svg")
    assert f'viewBox="0 0 {side} {side}"' in svg
    assert f'width="{side * 0.5:g}mm"' in svg and f'height="{side * 0.5:g}mm"' in svg
    assert 'fill="white"' in svg and 'shape-rendering="crispEdges"' in svg
    assert 'aria-label="受付票の二次元コード"' in svg
    # nothing is drawn inside the quiet zone
    coordinates = [int(n) for n in re.findall(r"[MHV](\d+)", re.search(r' d="([^"]*)"', svg).group(1))]
    assert min(coordinates) == QUIET_ZONE and max(coordinates) == side - QUIET_ZONE


def test_error_correction_q_when_it_fits_in_the_same_version_else_m():
    assert choose_level("R" + "A" * 27) == "Q"  # 28 characters: version 2 at M and at Q
    assert choose_level("R" + "A" * 48) == "M"  # Q would need version 4
    assert choose_level("R" + "A" * 48, "H") == "H"
    assert qr_info("R" + "A" * 27) == QrInfo(version=2, level="Q")


def test_info_and_print_size():
    info = QrInfo(version=4, level="M")
    assert info.modules == 33 and info.modules_with_quiet_zone == 41 and info.size_mm(0.5) == 20.5
    size = print_size("R" + "A" * 48, dpi=203, module_mm=0.5)
    assert size.pixels_per_module == 4
    assert size.pixels == 37 * 4
    assert size.size_mm == pytest.approx(18.52, abs=0.01)


def test_too_large_payload():
    with pytest.raises(QrTooLarge):
        qr_info("S" + "A" * 5000)
    with pytest.raises(QrTooLarge):
        render_png("S" + "A" * 5000)


def test_typical_okuyami_case_sizes_in_both_modes():
    """The measured sizes the slip layout relies on (see the report in issue 4's closing note)."""
    keyring = Keyring.single(NEW)
    token = issue_token("48213", keyring, now=NOW)
    assert qr_info(token) == QrInfo(version=3, level="M")
    full = seal(sample_okuyami_case(NOW), keyring)
    short = seal(sample_okuyami_case(NOW, short=True), keyring)
    # Length is deterministic: the HPKE encapsulated key is fixed-size. Format 2 (sealed to the counter's public
    # key) is 32 characters longer than format 1 was (709 and 566): the full case went from version 17 to 18.
    assert len(full) == 741 and len(short) == 598
    assert qr_info(full) == QrInfo(version=18, level="M")
    assert qr_info(short) == QrInfo(version=15, level="M")
    assert qr_info(full).size_mm(0.5) == 48.5  # fits an 80 mm receipt (72 mm printable)
    assert print_size(full, dpi=203, module_mm=0.5).size_mm == pytest.approx(48.55, abs=0.01)


def test_what_fits_on_a_slip():
    from kiosk.slip.qr import MAX_SLIP_VERSION, fits_on_a_slip

    assert fits_on_a_slip(seal(sample_okuyami_case(NOW), Keyring.single(NEW)))
    assert QrInfo(version=MAX_SLIP_VERSION, level="M").size_mm(0.5) <= 72  # an 80 mm receipt prints 72 mm
    assert not fits_on_a_slip("S" + "A" * 2600)  # version 30 or more
    assert not fits_on_a_slip("S" + "A" * 5000)  # no QR code at all
