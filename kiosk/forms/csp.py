"""The Content-Security-Policy for a rendered print page.

The print templates keep their CSS in one inline <style> element (no external resources, so a saved page or a
PDF renders alike). The app's default policy (`style-src 'self'`) blocks inline styles, so a route that serves
the forms sets this policy instead, which allows exactly those <style> elements by their hashes:

    html = render_template("print/forms.html", ...)
    response = make_response(html)
    response.headers["Content-Security-Policy"] = print_content_security_policy(html)
"""

from __future__ import annotations

import base64
import hashlib
import re

_STYLE = re.compile(r"<style(?:\s[^>]*)?>(.*?)</style>", re.S | re.I)


def style_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-…') for the inline <style> elements of a page, in order, each once."""
    hashes: list[str] = []
    for css in _STYLE.findall(html):
        digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
        source = f"'sha256-{digest}'"
        if source not in hashes:
            hashes.append(source)
    return hashes


def print_content_security_policy(html: str) -> str:
    """A strict policy for a print page: its own inline styles, nothing else (no scripts, no requests)."""
    styles = " ".join(style_hashes(html)) or "'none'"
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src {styles}",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )
