"""The resident's optional prefill step and the QR slip (受付票) that hands the case to the counter."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ..clock import JAPAN
from ..engine import Answers, Result
from ..engine.localize import Localizer
from ..engine.model import Flow
from ..extensions import services
from ..prefill import FIELDS, PrefillErrors, normalise_role, roles_for
from ..prefill.fields import MAX_MEMBERS
from ..slip import reference, sealed
from ..slip.case import SlipCase, utc_now
from ..slip.qr import fits_on_a_slip
from ..slip.recheck import Note, recheck
from ..store.cases import CaseRecord, CaseStore, printed_code
from ..store.sessions import aware_utc, new_session_id
from . import card, state
from .limits import kiosk_only
from .qr_image import qr_svg
from .resident import flow_or_404, htmx, read_aloud
from .session import ServerSession
from .utterances import heading_only

bp = Blueprint("slip", __name__)


def _prefill(event: str) -> dict[str, Any]:
    stored: dict[str, Any] = session.get("prefill", {}).get(event, {})
    return stored


def _store_prefill(event: str, data: dict[str, Any]) -> None:
    current = session
    assert isinstance(current, ServerSession)
    if "prefill" not in current:
        # The first personal details: a new session id, so that no id known before (planted, or seen over a
        # shoulder) ever holds a name or an address.
        current.adopt(new_session_id(), dict(current))
    everything = dict(session.get("prefill", {}))
    everything[event] = data
    session["prefill"] = everything


def _require_complete(event: str) -> Response | None:
    flow = flow_or_404(event)
    if not state.progress(flow).complete:
        return redirect(url_for("resident.start", event=event))
    return None


@bp.get("/<event>/prefill")
def prefill_start(event: str) -> Any:
    """What the prefill step is for, that it is optional, and where the data goes."""
    if (not_ready := _require_complete(event)) is not None:
        return not_ready
    return render_template("slip/prefill_start.html", flow=flow_or_404(event), roles=roles_for(event),
                           speech=read_aloud(lambda: heading_only("prefill.start.title", "prefill.start.intro")))


@bp.route("/<event>/prefill/<role>", methods=["GET", "POST"])
def prefill_role(event: str, role: str) -> Any:
    """One role's details (届出人, 故人/子, 引越し先): errors keep what was typed."""
    if (not_ready := _require_complete(event)) is not None:
        return not_ready
    flow = flow_or_404(event)
    roles = roles_for(event)
    if role not in roles:
        abort(404)
    if role == "member":
        return _members(event)
    stored = _prefill(event)
    values = card.form_values(event, role, dict(stored.get(role, {})))  # details just read from a card on top
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = {spec.name: request.form.get(spec.name, "") for spec in FIELDS[event][role]}
        try:
            values = normalise_role(event, role, raw, state.today())
        except PrefillErrors as exc:
            errors, values = exc.errors, raw
        else:
            _store_prefill(event, card.record(event, role, {**stored, role: values}))
            following = roles[roles.index(role) + 1] if roles.index(role) + 1 < len(roles) else None
            if following:
                return redirect(url_for("slip.prefill_role", event=event, role=following))
            _issue(flow)
            return redirect(url_for("slip.slip", event=event))
    previous = roles[roles.index(role) - 1] if roles.index(role) > 0 else None
    back = (url_for("slip.prefill_role", event=event, role=previous) if previous
            else url_for("slip.prefill_start", event=event))
    status = 422 if errors else 200
    # Personal details are never read aloud: only the heading and the notice saying so.
    speech = read_aloud(lambda: heading_only(f"prefill.{event}.{role}", "prefill.no_readout"))
    return render_template("slip/prefill_role.html", flow=flow, role=role, fields=FIELDS[event][role],
                           values=values, errors=errors, back=back, page_error=bool(errors), speech=speech), status


def _members(event: str) -> Any:
    """The other people who move (住民異動届), added one at a time."""
    flow = flow_or_404(event)
    stored = _prefill(event)
    members: list[dict[str, str]] = list(stored.get("members", []))
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if request.method == "POST":
        if request.form.get("action") == "done":
            _issue(flow)
            return redirect(url_for("slip.slip", event=event))
        remove = request.form.get("remove")
        if remove is not None and remove.isdigit() and int(remove) < len(members):
            members.pop(int(remove))
            _store_prefill(event, {**stored, "members": members})
            return redirect(url_for("slip.prefill_role", event=event, role="member"))
        raw = {spec.name: request.form.get(spec.name, "") for spec in FIELDS[event]["member"]}
        if len(members) >= MAX_MEMBERS:
            errors = {"name": "too_many"}
            values = raw
        else:
            try:
                member = normalise_role(event, "member", raw, state.today())
            except PrefillErrors as exc:
                errors, values = exc.errors, raw
            else:
                _store_prefill(event, {**stored, "members": [*members, member]})
                return redirect(url_for("slip.prefill_role", event=event, role="member"))
    roles = roles_for(event)
    back = url_for("slip.prefill_role", event=event, role=roles[roles.index("member") - 1])
    status = 422 if errors else 200
    return render_template("slip/prefill_members.html", flow=flow, fields=FIELDS[event]["member"], members=members,
                           values=values, errors=errors, back=back, max_members=MAX_MEMBERS,
                           page_error=bool(errors)), status


@bp.post("/<event>/slip")
def create(event: str) -> Response:
    """Make the slip from the answers and personal details as they are now, then show it."""
    if (not_ready := _require_complete(event)) is not None:
        return not_ready
    _issue(flow_or_404(event))
    return redirect(url_for("slip.slip", event=event))


def _issue(flow: Flow, on_server: bool = False) -> None:
    """Seal the case into the QR (sealed mode) or save it for the counter (reference mode, or `on_server`: the
    kiosk hand-off), and remember the slip in the session: showing it again changes nothing."""
    settings = services().slip
    answers = state.answers_for(flow)
    prefill = _prefill(flow.id)
    payload: str | None = None
    code: str | None = None
    if settings.mode == "sealed" and not on_server:
        # The home guide has no connection to the counter: the QR carries the case, sealed to the counter's
        # public key (this server holds nothing that opens it).
        assert settings.seal_to is not None
        issued = utc_now()
        case = SlipCase(event=flow.id, answers=answers, prefill=_slip_prefill(prefill), issued_at=issued,
                        expires_at=issued + settings.valid_for)
        payload = sealed.seal(case, settings.seal_to)
        if not fits_on_a_slip(payload):
            payload = None  # too large for a QR code that prints: the case is kept here, as in reference mode
    if payload is None:
        store: CaseStore = services().cases
        case_ids: dict[str, int] = dict(session.get("case_ids", {}))
        saved = store.save_case(flow.id, answers, prefill, current_app.config["KIOSK_MODE"],
                                keep_for=retention(), case_id=case_ids.get(flow.id))
        case_ids[flow.id] = saved.id
        session["case_ids"] = case_ids
        # The token is signed, not encrypted: it carries the random public id, never the sequential row id.
        payload = reference.issue_token(saved.public_id, settings.keyring, valid_for=settings.valid_for)
        code = printed_code(saved)
    slips = dict(session.get("slips", {}))
    slips[flow.id] = {"payload": payload, "code": code, "made_from": _fingerprint(answers, prefill)}
    session["slips"] = slips


@bp.post("/<event>/handoff")
def handoff(event: str) -> Response:
    """「窓口に送る」 (counter tablets only): save the case as the slip does and put it in the counter queue with
    the day's 受付番号; pressing again while waiting keeps the number (and updates the case)."""
    kiosk_only()
    if (not_ready := _require_complete(event)) is not None:
        return not_ready
    flow = flow_or_404(event)
    _issue(flow, on_server=True)
    services().cases.enqueue(session["case_ids"][flow.id], state.today())
    return redirect(url_for("slip.handed_off", event=event))


def _own_queued_case(event: str) -> tuple[Flow, CaseRecord, Result] | None:
    """The case this visit sent to the counter (by the session, never by a number in the URL), with its flow and
    result; None when it was not sent, or the answers changed since."""
    flow = flow_or_404(event)
    case_id = session.get("case_ids", {}).get(event)
    case = services().cases.get(case_id) if isinstance(case_id, int) else None
    made = session.get("slips", {}).get(event)
    answers = state.answers_for(flow)
    if (case is None or case.queue_number is None or not made
            or made.get("made_from") != _fingerprint(answers, _prefill(event))):
        return None
    return flow, case, state.result(flow, answers)


def _handoff_texts(case: CaseRecord, counter: str | None) -> tuple[list[str], str | None]:
    """What the hand-off page says, in reading order, and once the number was called the sentence that calls it
    (「受付番号 3 の方、市民課 1階 2番窓口へどうぞ。」), which read-aloud says last."""
    t = state.translator()
    number = case.queue_number
    where = t.ui("handoff.first_counter", place=counter) if counter else t.ui("handoff.no_counter")
    texts = [t.ui("handoff.title"), t.ui("handoff.number", number=number), t.ui("handoff.wait"), where]
    if case.called_at is None:
        return texts, None
    called = (t.ui("handoff.called", number=number, place=counter) if counter
              else t.ui("handoff.called_no_counter", number=number))
    return [*texts, called], called


def _handoff_status_context(event: str, case: CaseRecord, counter: str | None) -> dict[str, Any]:
    """What the page and its polled fragment share: waiting, or called with the sentence (and its clip)."""
    texts, called = _handoff_texts(case, counter)
    speech = read_aloud(lambda: texts)
    announce = speech[-1] if speech and called else None
    return {"event": event, "number": case.queue_number, "counter": counter, "called": called,
            "announce": announce, "speech": speech}


@bp.get("/<event>/handoff")
def handed_off(event: str) -> Any:
    """The 受付番号, large: wait to be called (the page asks every few seconds whether it was), the counter to go
    to first, the receipt to print where a printer is configured, and the QR slip as the fallback."""
    kiosk_only()
    if (not_ready := _require_complete(event)) is not None:
        return not_ready
    own = _own_queued_case(event)
    if own is None:
        return redirect(url_for("resident.result", event=event))  # not sent, or the answers changed since
    flow, case, result = own
    counter = first_counter(result, state.translator())
    return render_template("slip/handoff.html", flow=flow,
                           receipt_printer=current_app.config["KIOSK_RECEIPT_PRINTER"],
                           **_handoff_status_context(event, case, counter))


@bp.get("/<event>/handoff/status")
def handoff_status(event: str) -> Any:
    """The hand-off page's polled fragment: nothing new (204) while the number waits; once a clerk called it,
    「受付番号 N の方、…へどうぞ」 with the counter. Only ever about this visit's own case (the session's)."""
    kiosk_only()
    if not htmx:
        return redirect(url_for("slip.handed_off", event=event))  # without JavaScript: the whole page
    own = _own_queued_case(event)
    if own is None:
        # Reset or changed meanwhile: htmx stops asking and goes where the whole page would (the result or the
        # start), instead of blanking the waiting text.
        return "", 286, {"HX-Redirect": url_for("slip.handed_off", event=event)}
    _, case, result = own
    if case.called_at is None:
        return "", 204
    counter = first_counter(result, state.translator())
    return render_template("slip/_handoff_status.html", **_handoff_status_context(event, case, counter))


@bp.get("/<event>/handoff/receipt")
def handoff_receipt(event: str) -> Any:
    """The 受付番号 on 80 mm roll paper (KIOSK_RECEIPT_PRINTER): the city, the number, the event, the date and
    time, the first counter and what happens next; no personal data. The tablet's Chromium prints it silently."""
    kiosk_only()
    if not current_app.config["KIOSK_RECEIPT_PRINTER"]:
        abort(404)
    if (not_ready := _require_complete(event)) is not None:
        return not_ready
    own = _own_queued_case(event)
    if own is None:
        return redirect(url_for("resident.result", event=event))
    flow, case, result = own
    sent_at = aware_utc(case.queued_at or case.created_at).astimezone(JAPAN)
    return render_template("slip/receipt.html", flow=flow, number=case.queue_number, sent_at=sent_at,
                           counter=first_counter(result, state.translator()))


def first_place_id(result: Result) -> str | None:
    """The id of the counter or office to go to first: the first stop of the route with a required procedure (or
    else the first stop); None when that is no place of the profile."""
    stops = [stop for stop in result.stops if any(proc.counted for proc in stop.procedures)]
    stop = next(iter(stops or result.stops), None)
    return stop.place_id if stop is not None else None


def first_counter(result: Result, localizer: Localizer | None = None) -> str | None:
    """Where to go first (first_place_id), as 「市民課 1階 2番窓口」; None when it is no counter or office of the
    profile."""
    place = result.place_dict(first_place_id(result), localizer)
    if place is None:
        return None
    return " ".join(str(place[key]) for key in ("name", "floor", "window") if place.get(key))


def _fingerprint(answers: Answers, prefill: dict[str, Any]) -> str:
    """What a slip was made from: a slip made from other answers or details is not shown."""
    made_from = json.dumps([answers.to_json(), prefill], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(made_from.encode("utf-8")).hexdigest()


@bp.get("/<event>/slip")
def slip(event: str) -> Any:
    """The QR slip: print it at the kiosk, or show or print it at home; staff scan it at the counter."""
    if (not_ready := _require_complete(event)) is not None:
        return not_ready
    flow = flow_or_404(event)
    answers = state.answers_for(flow)
    prefill = _prefill(event)
    made = session.get("slips", {}).get(event)
    if not made or made.get("made_from") != _fingerprint(answers, prefill):
        return redirect(url_for("slip.prefill_start", event=event))  # no slip yet, or the answers changed since
    settings = services().slip
    paper = "receipt" if request.args.get("paper") == "receipt" else "a4"
    return render_template("slip/slip.html", flow=flow, result=state.result(flow, answers),
                           qr=qr_svg(made["payload"], state.translator().ui("slip.qr_label")), code=made["code"],
                           slip_mode=settings.mode, paper=paper, valid_days=settings.valid_for.days,
                           has_prefill=bool(prefill),
                           speech=read_aloud(lambda: heading_only("slip.title", "slip.next_step")))


def _slip_prefill(prefill: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Sealed slips carry roles as flat mappings: members become member1, member2, …"""
    flat: dict[str, dict[str, str]] = {role: dict(values) for role, values in prefill.items()
                                       if role not in ("members", card.PROVENANCE)}  # the counter cannot trust it
    for index, member in enumerate(prefill.get("members", []), start=1):
        flat[f"member{index}"] = dict(member)
    return flat


def counter_case(opened: SlipCase, flow: Flow, clerk: str) -> tuple[CaseRecord, tuple[Note, ...]]:
    """A scanned sealed slip as a case at the counter: its content checked again like anything a resident types
    (anyone with the counter's public key can make a slip), and one case per slip: a rescan opens the case the
    first scan made. The notes say what was removed, for the clerk."""
    checked = recheck(opened, flow, state.today())
    cases = services().cases
    case = cases.by_slip_nonce(opened.nonce) if opened.nonce else None
    if case is None:
        try:
            case = cases.save_case(flow.id, checked.answers, checked.prefill, "sealed", keep_for=retention(),
                                   slip_nonce=opened.nonce)
        except IntegrityError:  # scanned at two counters at once: the other scan made the case
            case = cases.by_slip_nonce(opened.nonce or "")
            if case is None:
                raise
        if checked.notes:  # which kinds of fields were removed; never their values
            detail = ",".join(sorted({f"{note.kind}:{note.where or note.code}" for note in checked.notes}))
            cases.audit("scan_rechecked", clerk, case.id, detail[:500])
    return case, checked.notes


def retention() -> timedelta:
    """How long a case is kept before `kiosk purge` deletes it."""
    return timedelta(days=current_app.config["KIOSK_RETENTION_DAYS"])
