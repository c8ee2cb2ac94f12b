"""Limits on what anyone can write without an account: 「職員を呼ぶ」 and the read-aloud failure report.

Both put a line on the staff dashboard, so they exist only on a counter tablet (kiosk mode; 404 on a home
server facing the internet) and are rate-limited per client address with Flask-Limiter. The counts live in
KIOSK_RATE_LIMIT_STORAGE: `memory://` keeps them in each server process (a process of `kiosk serve --workers N`
lets through up to N times the limit), `redis://host:6379` shares them between every process and server. If
Redis cannot be reached, the counts fall back to memory instead of refusing the call.
"""

from __future__ import annotations

import ipaddress

from flask import Flask, abort, current_app, request
from flask_limiter import Limiter

STAFF_CALL_LIMIT = "5 per minute;30 per hour"
"""「職員を呼ぶ」 per address: a resident who presses again and again still calls staff once a few seconds."""
SPEECH_REPORT_LIMIT = "3 per minute;20 per hour"
"""「読み上げが使えません」 reports per address (speech.js sends one per failure)."""
API_SESSION_LIMIT = "20 per minute;200 per hour"
"""New API sessions per address: each stores a row for a couple of hours, so an anonymous flood is a write flood."""
HEALTH_LIMIT = "120 per minute"
"""/health per address: it takes the database's write lock to check writes, so it must not be a way to stall them."""


def client_ip() -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The client's address as the app sees it (the peer, or what KIOSK_PROXY_HOPS trusted proxies forwarded);
    an IPv4 address mapped into IPv6 as plain IPv4."""
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address() -> str:
    """Who is counted as one client, for every limit and throttle: an IPv4 address, or an IPv6 /64 (one
    subscriber hands out addresses from a whole /64, so counting single addresses would let it try without end)."""
    address = client_ip()
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def not_on_a_kiosk() -> bool:
    """Whether this server is not a counter tablet (the limited routes answer 404 there, uncounted)."""
    return bool(current_app.config["KIOSK_MODE"] != "kiosk")


def kiosk_only() -> None:
    """404 unless this server is a counter tablet."""
    if not_on_a_kiosk():
        abort(404)


limiter = Limiter(client_address, default_limits=[], headers_enabled=True, in_memory_fallback_enabled=True)
"""One limiter, as Flask-Limiter is meant to be used: each app's init_app gives it that app's storage (one app per
server process, as `kiosk serve` runs it; where a process makes several apps, as tests do, the last one's counts)."""


def init_app(app: Flask) -> None:
    """Count in the configured storage (a fresh memory store per app when `memory://`)."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["KIOSK_RATE_LIMIT_STORAGE"])
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    # Said for every app: Flask-Limiter takes an app's missing setting from the limiter's last one, so an app made
    # with limits off (a test's) would switch them off for every app the same process makes after it.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
