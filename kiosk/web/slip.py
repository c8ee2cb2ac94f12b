"""The resident's optional prefill step and the QR slip (受付票) that hands the case to the counter."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from werkzeug.wrappers import Response

from ..prefill import FIELDS, PrefillErrors, normalise_role, roles_for
from ..prefill.fields import MAX_MEMBERS
from ..slip import reference, sealed
from ..slip.case import SlipCase, utc_now
from ..slip.config import SlipSettings
from ..slip.keys import Keyring
from ..store.cases import CaseStore, printed_code
from . import state
from .memo import answers_key
from .page_cache import render_cached
from .qr_image import qr_svg
from .resident import flow_or_404, read_aloud
from .urls import url_for
from .utterances import heading_only

bp = Blueprint("slip", __name__)


def slip_settings() -> SlipSettings:
    """The QR mode, validity and keys, read once at start-up."""
    settings: SlipSettings = current_app.extensions["kiosk_slip"]
    return settings


def _prefill(event: str) -> dict[str, Any]:
    stored: dict[str, Any] = session.get("prefill", {}).get(event, {})
    return stored


def _store_prefill(event: str, data: dict[str, Any]) -> None:
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
    values = dict(stored.get(role, {}))
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = {spec.name: request.form.get(spec.name, "") for spec in FIELDS[event][role]}
        try:
            values = normalise_role(event, role, raw, state.today())
        except PrefillErrors as exc:
            errors, values = exc.errors, raw
        else:
            _store_prefill(event, {**stored, role: values})
            following = roles[roles.index(role) + 1] if roles.index(role) + 1 < len(roles) else None
            if following:
                return redirect(url_for("slip.prefill_role", event=event, role=following))
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


@bp.get("/<event>/slip")
def slip(event: str) -> Any:
    """The QR slip: print it at the kiosk, or show or print it at home; staff scan it at the counter."""
    flow = flow_or_404(event)
    answers = state.answers_for(flow)
    progress = state.progress(flow, answers)
    if not progress.complete:
        return redirect(url_for("resident.start", event=event))
    settings = slip_settings()
    stored_answers = {k: list(v) if isinstance(v, tuple) else v for k, v in progress.answers.items()}
    prefill = _prefill(event)
    result = state.result(flow, answers)
    label = state.translator().ui("slip.qr_label")
    if settings.mode == "sealed":
        # The home guide has no connection to the counter: the QR carries the case, sealed for the counter.
        issued = utc_now()
        case = SlipCase(event=flow.id, answers=answers, prefill=_slip_prefill(prefill), issued_at=issued,
                        expires_at=issued + settings.valid_for)
        payload = sealed.seal(case, settings.keyring)
        code = None
    else:
        store: CaseStore = current_app.extensions["kiosk_cases"]
        case_ids: dict[str, int] = dict(session.get("case_ids", {}))
        saved = store.save_case(flow.id, stored_answers, prefill, current_app.config["KIOSK_MODE"],
                                keep_for=retention(), case_id=case_ids.get(flow.id))
        if case_ids.get(flow.id) != saved.id:
            case_ids[flow.id] = saved.id
            session["case_ids"] = case_ids
        # Issued as of the next full hour: the slip is valid a little longer than stated, never shorter, and
        # the same QR is shown (and drawn once) for the whole hour.
        issued = utc_now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        payload = _hourly_token(str(saved.id), settings.keyring, settings.valid_for, issued)
        code = printed_code(saved)
    paper = "receipt" if request.args.get("paper") == "receipt" else "a4"
    speech = read_aloud(lambda: heading_only("slip.title", "slip.next_step"))  # also remembers what to read
    # The page shows the route, the QR and the reference code, no personal data: kept while its QR is.
    key = (flow.id, answers_key(answers), payload, code, paper, settings.mode, settings.valid_for.days, bool(prefill))
    return render_cached("slip/slip.html", key, flow=flow, result=result, qr=qr_svg(payload, label), code=code,
                         slip_mode=settings.mode, paper=paper, valid_days=settings.valid_for.days,
                         has_prefill=bool(prefill), speech=speech)


@lru_cache(maxsize=1024)  # the same token all hour: signed once per case and hour
def _hourly_token(case_id: str, keyring: Keyring, valid_for: timedelta, issued: datetime) -> str:
    return reference.issue_token(case_id, keyring, valid_for=valid_for, now=issued)


def _slip_prefill(prefill: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Sealed slips carry roles as flat mappings: members become member1, member2, …"""
    flat: dict[str, dict[str, str]] = {role: dict(values) for role, values in prefill.items() if role != "members"}
    for index, member in enumerate(prefill.get("members", []), start=1):
        flat[f"member{index}"] = dict(member)
    return flat


def retention() -> timedelta:
    """How long a case is kept before `kiosk purge` deletes it."""
    return timedelta(days=current_app.config["KIOSK_RETENTION_DAYS"])
