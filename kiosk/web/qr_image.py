"""QR codes drawn as inline SVG for pages (no image files, no scripts)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(text: str) -> Markup:
    """An inline SVG QR code with the standard 4-module quiet zone."""
    image = qrcode.make(
        text, image_factory=qrcode.image.svg.SvgPathImage, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    svg: bytes = image.to_string(encoding="unicode").encode()
    markup = svg.decode()
    return Markup(markup[markup.index("<svg") :])  # drop the XML declaration for inline use
