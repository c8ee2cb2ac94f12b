"""The notices of the outside-bodies pack on their own print page: one letter a page, ready to post or hand in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for

from . import state
from .outside_view import outside_for, place_name
from .resident import flow_or_404

bp = Blueprint("notices", __name__)


@bp.app_context_processor
def outside_context() -> dict[str, Any]:
    """Templates ask for the pack of a result (partials/outside_bodies.html)."""
    return {"outside_view": outside_for, "outside_place": lambda body: place_name(body, state.translator())}


@bp.get("/<event>/result/notices")
def print_notices(event: str) -> Any:
    """Every notice of the pack (or one, with ?body=id), filled from the resident's details, one to a page."""
    flow = flow_or_404(event)
    if not state.progress(flow).complete:
        return redirect(url_for("resident.start", event=flow.id))
    view = outside_for(state.result(flow))
    if view is None or not view.notices:
        abort(404)
    wanted = request.args.get("body")
    notices = list(view.notices.values())
    if wanted:
        notices = [notice for notice in notices if notice.body.id == wanted]
        if not notices:
            abort(404)
    return render_template("notices/print.html", flow=flow, view=view, notices=notices)
