"""QR codes drawn as inline SVG for pages (no image files, no scripts)."""

from __future__ import annotations

from markupsafe import Markup

from ..slip.qr import render_svg


def qr_svg(payload: str, label: str, module_mm: float = 0.5) -> Markup:
    """An inline SVG QR code with the standard 4-module quiet zone, sized in millimetres for print."""
    return Markup(render_svg(payload, module_mm=module_mm, label=label))
