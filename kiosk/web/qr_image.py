"""QR codes drawn as inline SVG for pages (no image files, no scripts)."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from ..slip.qr import render_svg


@lru_cache(maxsize=256)  # drawing a QR code takes milliseconds; a slip shows the same one for an hour
def qr_svg(payload: str, label: str, module_mm: float = 0.5) -> Markup:
    """An inline SVG QR code with the standard 4-module quiet zone, sized in millimetres for print."""
    return Markup(render_svg(payload, module_mm=module_mm, label=label))
