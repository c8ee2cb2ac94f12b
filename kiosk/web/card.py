"""「マイナンバーカードで入力する」: the applicant's 基本4情報 from the card, at a counter tablet with a reader.

Shown only in kiosk mode, with KIOSK_CARD on and a PC/SC reader attached. The resident places the card and types
the 4-digit 券面事項入力補助用 PIN on the on-screen keypad; the PIN lives only in that one request (never logged,
stored, put in the session or read aloud). The details read, once their signature is checked, wait in the session
(cleared with it by the idle reset) until the applicant form shows them for the resident to check and correct; the
saved details then say that they came from a card and were verified, and which of them the resident changed.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from ..card import reader
from ..card.kana import propose_kana
from ..card.verify import BasicFour, NotVerified, load_trusted_keys, verify
from ..prefill import FIELDS, roles_for
from ..prefill.validate import normalise_field
from ..store.sessions import new_session_id
from . import state
from .limits import kiosk_only
from .resident import flow_or_404, read_aloud
from .session import ServerSession
from .utterances import heading_only

bp = Blueprint("card", __name__)
log = logging.getLogger("kiosk.card")

ROLE = "applicant"
FACTS = ("name", "address", "birth_date", "sex")
"""The 基本4情報 as form fields."""
SESSION_KEY = "card_read"
PROVENANCE = "card"
"""The key beside the roles in an event's prefill that says the applicant's details came from a card."""


def enabled() -> bool:
    """Whether this server may offer the card at all (a counter tablet with KIOSK_CARD on)."""
    return bool(current_app.config["KIOSK_MODE"] == "kiosk" and current_app.config.get("KIOSK_CARD"))


def reader_name() -> str | None:
    """The reader to use, or None (no pyscard, no pcscd, no reader)."""
    return reader.choose_reader(current_app.config.get("KIOSK_CARD_READER") or "")


def _pending(event: str) -> dict[str, Any] | None:
    read = session.get(SESSION_KEY, {}).get(event)
    return read if isinstance(read, dict) else None


@bp.app_template_global()
def card_step(event: str, role: str) -> dict[str, Any] | None:
    """For the prefill page: whether to offer the card (`url`), and whether details read are waiting (`read`)."""
    if role != ROLE or not enabled():
        return None
    read = _pending(event)
    waiting = bool(read and not read.get("applied"))
    url = url_for("card.read", event=event) if reader_name() else None
    if not url and not waiting:
        return None
    return {"url": url, "read": waiting, "kana": bool(read and read.get("kana"))}


def form_values(event: str, role: str, values: dict[str, str]) -> dict[str, str]:
    """The applicant form's values with the details just read from a card on top."""
    read = _pending(event) if role == ROLE else None
    if read is None or read.get("applied"):
        return values
    return {**values, **{name: value for name, value in read["values"].items() if value}}


def record(event: str, role: str, details: dict[str, Any]) -> dict[str, Any]:
    """The event's details to store after the applicant form was sent: with the card's provenance when the details
    came from a card (which facts the resident changed, if any), without it otherwise."""
    if role != ROLE:
        return details
    details = dict(details)
    read = _pending(event)
    if read is None:
        details.pop(PROVENANCE, None)
        return details
    applicant = details.get(ROLE, {})
    corrected = [name for name in FACTS if read["values"].get(name) and applicant.get(name) != read["values"][name]]
    details[PROVENANCE] = {ROLE: str(read["verified"]), "corrected": ",".join(corrected)}
    reads = dict(session.get(SESSION_KEY, {}))
    reads[event] = {**read, "applied": True}
    session[SESSION_KEY] = reads
    return details


@bp.route("/<event>/prefill/applicant/card", methods=["GET", "POST"])
def read(event: str) -> Any:
    """Place the card, type the PIN on the keypad, read: the applicant form comes back filled in."""
    kiosk_only()
    if not enabled():
        abort(404)
    flow = flow_or_404(event)
    if ROLE not in roles_for(event):
        abort(404)
    if not state.progress(flow).complete:
        return redirect(url_for("resident.start", event=event))
    name = reader_name()
    last_try = request.values.get("last_try") == "yes"
    error: str | None = None
    tries: int | None = None
    if name is None:
        error = "no_reader"
    elif request.method == "POST":
        try:
            found = _read_and_verify(name, request.form.get("pin", ""), last_try)
        except reader.CardError as exc:
            error, tries = exc.code, exc.tries_left
        except NotVerified as exc:
            error = "not_verified"
            log.warning("card data refused: %s", exc)  # which check failed; never the data
        else:
            _keep(event, found)
            log.info("card read verified=%s", found.verified)
            return redirect(url_for("slip.prefill_role", event=event, role=ROLE))
        log.info("card not read: %s", error)
    else:
        try:
            tries = reader.probe(name)
        except reader.CardError as exc:
            error, tries = exc.code, exc.tries_left
    if tries == 0:
        error = "locked"
    view = _view(error, tries, last_try)
    status = 422 if request.method == "POST" else 200
    back = url_for("slip.prefill_role", event=event, role=ROLE)
    speech = read_aloud(lambda: heading_only("card.title", "card.place", "card.no_readout"))
    return render_template("slip/card_read.html", flow=flow, view=view, error=error, tries=tries,
                           last_try=last_try and tries == 1, back=back, speech=speech,
                           page_error=error not in (None, "no_card")), status


def _view(error: str | None, tries: int | None, last_try: bool) -> str:
    """What the page shows: the keypad, the stop before the last try, or a message only."""
    if error is not None and error in ("locked", "no_reader", "not_mynumber"):
        return error
    if tries == 1 and not last_try:
        return "stop"
    return "keypad"


def _read_and_verify(name: str, pin: str, last_try: bool) -> BasicFour:
    files = reader.read_card(name, pin, allow_last_try=last_try)
    configured = current_app.config.get("KIOSK_CARD_JLIS_CERTIFICATE")
    trusted = load_trusted_keys(configured) if configured else None
    return verify(files, trusted)


def _keep(event: str, found: BasicFour) -> None:
    """The details read, checked like typed ones, waiting in the session for the applicant form."""
    specs = {spec.name: spec for spec in FIELDS[event][ROLE]}
    raw = {"name": found.name, "address": found.address, "birth_date": found.birth_date, "sex": found.sex}
    values: dict[str, str] = {}
    for field, text in raw.items():
        if field not in specs or not text:
            continue
        try:
            values[field] = normalise_field(specs[field], text, state.today())
        except ValueError:
            values[field] = text  # the form shows what is wrong when the resident sends it
    kana = propose_kana(values.get("name", "")) if "name_kana" in specs else ""
    if kana:
        values["name_kana"] = kana
    current = session
    assert isinstance(current, ServerSession)
    if "prefill" not in current and SESSION_KEY not in current:
        # The first personal details: a new session id, as for typed details (kiosk.web.slip).
        current.adopt(new_session_id(), dict(current))
    reads = dict(session.get(SESSION_KEY, {}))
    reads[event] = {"values": values, "verified": found.verified, "kana": bool(kana), "applied": False}
    session[SESSION_KEY] = reads
