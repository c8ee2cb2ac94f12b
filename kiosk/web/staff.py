"""The counter staff's screens: login, scan a slip, see the case with reasons, print forms, mark procedures done."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from ..clock import JAPAN
from ..engine import Result
from ..extensions import services
from ..forms import form_context, forms_for, print_content_security_policy
from ..slip import SlipError
from ..slip.scan import read_scan
from ..store.cases import CaseRecord, printed_code
from . import state
from .resident import htmx

bp = Blueprint("staff", __name__)
log = logging.getLogger("kiosk.staff")
login_manager = LoginManager()
NOT_FOUND = "この受付票の案件は見つかりません。期限が過ぎて削除された可能性があります。お客様にもう一度ご案内ください。"
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class StaffIdentity(UserMixin):  # type: ignore[misc]
    """The logged-in clerk: an id, a name for the audit log, and a role."""

    id: int
    name: str
    role: str


def init_app(app: Flask) -> None:
    """Flask-Login for the staff pages only."""
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = "ログインしてください。"

    @login_manager.user_loader
    def load(user_id: str) -> StaffIdentity | None:
        if not user_id.isdigit():
            return None
        user = services().staff.get(int(user_id))
        return StaffIdentity(user.id, user.name, user.role) if user else None


def admin_required(view: F) -> F:
    """Only administrators (the audit log)."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log in with a name and password; five failures lock the account for 15 minutes."""
    error = None
    name = request.form.get("name", "")
    if request.method == "POST":
        user, outcome = services().staff.authenticate(name, request.form.get("password", ""))
        if user is not None:
            login_user(StaffIdentity(user.id, user.name, user.role))
            return redirect(url_for("staff.dashboard"))
        error = outcome
    status = 422 if error else 200
    return render_template("staff/login.html", error=error, name=name, staff_page=True, page_error=bool(error)), status


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out."""
    services().cases.audit("logout", current_user.name)
    logout_user()
    return redirect(url_for("staff.login"))


@bp.get("/")
@login_required
def dashboard() -> Any:
    """The scan field, today's cases and the open 「職員を呼ぶ」 calls."""
    return _dashboard()


def _dashboard(error: str | None = None, scanned: str = "") -> Any:
    start = datetime.combine(state.today(), time.min, tzinfo=JAPAN)
    cases = services().cases
    body = render_template(
        "staff/dashboard.html",
        cases=cases.today(start),
        calls=cases.open_calls(),
        error=error,
        scanned=scanned,
        staff_page=True,
        page_error=bool(error),
        printed_code=printed_code,
        flows=services().content.flows,
    )
    return (body, 422) if error else body


@bp.post("/scan")
@login_required
def scan() -> Any:
    """A scanned QR payload or a typed reference code: open the case, or say clearly what is wrong."""
    text = request.form.get("code", "")
    settings = services().slip
    try:
        found = read_scan(text, settings.keyring)
    except SlipError as error:
        # Logged without the payload: only the kind of problem.
        log.info("scan rejected %s", error.log_fields())
        services().cases.audit("scan_rejected", current_user.name, detail=error.code)
        return _dashboard(error=error.message)
    cases = services().cases
    case: CaseRecord | None = None
    if found.kind == "reference_token" and found.case_id is not None and found.case_id.isdigit():
        case = cases.get(int(found.case_id))
    elif found.kind == "reference_code" and found.reference_code is not None:
        case = cases.by_reference_code(found.reference_code)
    elif found.kind == "sealed" and found.case is not None:
        opened = found.case
        if opened.event not in services().content.flows:
            return _dashboard(error="この受付票の手続きの種類は、この窓口では扱えません。")
        case = cases.save_case(opened.event, opened.answers, _unflatten(opened.prefill), "sealed",
                               keep_for=_retention())
    if case is None:
        services().cases.audit("scan_rejected", current_user.name, detail="not_found")
        return _dashboard(error=NOT_FOUND)
    return redirect(url_for("staff.case", case_id=case.id))


def _unflatten(prefill: Any) -> dict[str, Any]:
    roles: dict[str, Any] = {}
    members = []
    for role, values in prefill.items():
        if role.startswith("member"):
            members.append(dict(values))
        else:
            roles[role] = dict(values)
    if members:
        roles["members"] = members
    return roles


def _retention() -> Any:
    from datetime import timedelta

    return timedelta(days=current_app.config["KIOSK_RETENTION_DAYS"])


def _load_case(case_id: int) -> tuple[CaseRecord, Result]:
    case = services().cases.get(case_id)
    if case is None:
        abort(404)
    flow = services().content.flows.get(case.event)
    if flow is None:
        abort(404)
    result = state.result(flow, case.answers.only(flow.question_map))
    return case, result


@bp.get("/cases/<int:case_id>")
@login_required
def case(case_id: int) -> str:
    """The case: answers, reasons, route, prefill data and each procedure's status."""
    found, result = _load_case(case_id)
    services().cases.audit("view", current_user.name, case_id)
    return render_template(
        "staff/case.html", case_id=found.id, code=printed_code(found), prefill=found.prefill, result=result,
        flow=result.flow, forms=forms_for(p.id for p in result.procedures), statuses=services().cases.statuses(case_id),
        staff_page=True, **_status_cell_context(found.id),
    )


def _status_cell_context(case_id: int) -> dict[str, Any]:
    """What every 未・済 cell of a case shares: the labels and the URL (with PROCEDURE_ID to fill in)."""
    t = state.translator()
    labels = {key: t.ui(f"staff.status.{key}") for key in ("done", "todo", "mark_done", "mark_todo")}
    url = url_for("staff.set_status", case_id=case_id, procedure_id="PROCEDURE_ID")
    return {"status_labels": labels, "status_url": url}


@bp.post("/cases/<int:case_id>/procedures/<procedure_id>")
@login_required
def set_status(case_id: int, procedure_id: str) -> Any:
    """Mark one procedure 済 or 未 (htmx swaps just that row)."""
    found, result = _load_case(case_id)
    procedure = next((p for p in result.procedures if p.id == procedure_id), None)
    status = request.form.get("status")
    if procedure is None or status not in ("todo", "done"):
        abort(400)
    services().cases.set_status(case_id, procedure_id, status, current_user.name)
    if htmx:
        return render_template("staff/_status.html", case=found, proc=procedure, announce=True,
                               statuses=services().cases.statuses(case_id), **_status_cell_context(case_id))
    return redirect(url_for("staff.case", case_id=case_id) + f"#status-{procedure_id}")


@bp.get("/cases/<int:case_id>/forms")
@login_required
def print_forms(case_id: int) -> Response:
    """All of the case's forms (or one, with ?form=id), prefilled, ready to print on A4."""
    found, result = _load_case(case_id)
    forms = forms_for(p.id for p in result.procedures)
    wanted = request.args.get("form")
    if wanted:
        forms = [form for form in forms if form.id == wanted]
        if not forms:
            abort(404)
    services().cases.audit("print", current_user.name, case_id, ",".join(form.id for form in forms))
    html = render_template("print/forms.html", forms=forms, **form_context(found, result))
    response = make_response(html)
    # The forms carry their CSS inline so a saved page or PDF prints alike: allow exactly that CSS.
    response.headers["Content-Security-Policy"] = print_content_security_policy(html)
    return response


@bp.post("/calls/<int:call_id>/answer")
@login_required
def answer_call(call_id: int) -> Response:
    """Mark a 「職員を呼ぶ」 call as answered."""
    services().cases.answer_call(call_id, current_user.name)
    return redirect(url_for("staff.dashboard"))


@bp.get("/audit")
@admin_required
def audit() -> str:
    """The audit log: every view, print and status change (admins only)."""
    return render_template("staff/audit.html", entries=services().cases.audit_log(), staff_page=True)
