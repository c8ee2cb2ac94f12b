"""The counter staff's screens: login, scan a slip, see the case with reasons, print forms, mark procedures done."""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from ..clock import JAPAN
from ..engine import Result
from ..extensions import services
from ..forms import form_context, forms_for, print_content_security_policy
from ..slip import SlipError
from ..slip.scan import read_scan
from ..store.cases import CaseRecord, printed_code
from ..store.models import StaffCall
from ..store.sessions import aware_utc, now
from ..store.throttle import Policy
from . import state
from .limits import client_address, client_ip
from .resident import htmx
from .session import ServerSession
from .slip import counter_case, first_counter, first_place_id

bp = Blueprint("staff", __name__)
log = logging.getLogger("kiosk.staff")
login_manager = LoginManager()
NOT_FOUND = "この受付票の案件は見つかりません。期限が過ぎて削除された可能性があります。お客様にもう一度ご案内ください。"
F = TypeVar("F", bound=Callable[..., Any])

# Failed logins slow down further tries: a few typos are free, then each failure doubles the wait, up to 15 minutes.
# Counted per account and client address (guessing one clerk's password from one place), per client address
# (trying many names from one place) and per account from anywhere (guessing from many places, with a higher
# allowance so that one place cannot shut a clerk out). A good login clears the account's counts.
_DELAYS = {"first_delay": timedelta(seconds=1), "longest": timedelta(minutes=15)}
BY_ACCOUNT_AND_ADDRESS = Policy(free=5, **_DELAYS)
BY_ADDRESS = Policy(free=10, **_DELAYS)
BY_ACCOUNT = Policy(free=20, **_DELAYS)


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
    # No flashed message: the login page says it all, and a flash would store a session for every anonymous visit.
    login_manager.login_message = None
    # Before any other check (CSRF included): with the staff screens off, /staff is not there at all.
    app.before_request_funcs.setdefault(None, []).insert(0, staff_access)

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


def staff_access() -> None:
    """KIOSK_STAFF_ACCESS: the staff screens are off (404), on, or only for clients in the allowed networks (403)."""
    if request.blueprint != bp.name:
        return
    rule = services().settings.staff_access_rule()
    if rule == "on":
        return
    if rule == "off":
        abort(404)
    address = client_ip()
    if address is None or not any(address in network for network in rule):
        abort(403)


def _throttle_keys(name: str) -> tuple[str, str, str]:
    """The keys a login attempt counts under: account and address, address, account (a name by its hash: any
    length, any characters)."""
    where = client_address()
    account = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"staff-pair:{account}:{where}", f"staff-address:{where}", f"staff-name:{account}"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Log in with a name and password. Failures slow further tries down (429 while they must wait); a good
    login starts a new session, so an id planted in the browser beforehand never holds a clerk's login."""
    error, wait, retry_after = None, "", 0
    name = request.form.get("name", "")
    status = 200
    if request.method == "POST":
        throttle = services().throttle
        pair, address, account = _throttle_keys(name)
        counted = [(pair, BY_ACCOUNT_AND_ADDRESS), (address, BY_ADDRESS)]
        # Counted before the password is checked, in one locked step (tries sent all at once are counted too);
        # the account's count from everywhere slows only addresses that have failed for it themselves.
        blocked = throttle.attempt(counted, watched=[(account, BY_ACCOUNT)])
        if blocked:
            error, wait, status = "throttled", _wait_text(blocked), 429
            retry_after = math.ceil(blocked.total_seconds())
        else:
            user, outcome = services().staff.authenticate(name, request.form.get("password", ""))
            if user is not None:
                # The address's count forgives one earlier failure too: with only the login's own count given
                # back, one typo a day at a counter (or in the whole office behind one address) added up to a
                # 15-minute lockout for everyone there.
                throttle.succeeded([(address, BY_ADDRESS)], cleared=[pair, account], forgive=1)
                _new_session()
                login_user(StaffIdentity(user.id, user.name, user.role))
                return redirect(url_for("staff.dashboard"))
            error, status = outcome, 422
    body = render_template("staff/login.html", error=error, wait=wait, name=name, staff_page=True,
                           page_error=bool(error))
    response = make_response(body, status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _wait_text(wait: timedelta) -> str:
    """「3秒」「15分」: how long to wait, as the message says it."""
    seconds = math.ceil(wait.total_seconds())
    return f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分"


def _new_session() -> None:
    """Forget the session and take a new id (the old row is deleted): at login and at logout."""
    current = session
    assert isinstance(current, ServerSession)
    current.reset()


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out: the session is deleted, and the browser is told to forget this site's cookies and storage."""
    services().cases.audit("logout", current_user.name)
    logout_user()
    _new_session()
    response = redirect(url_for("staff.login"))
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    return response


@bp.get("/")
@login_required
def dashboard() -> Any:
    """The scan field, today's cases and the open 「職員を呼ぶ」 calls."""
    return _dashboard()


def _dashboard(error: str | None = None, scanned: str = "", notice: str | None = None) -> Any:
    start = datetime.combine(state.today(), time.min, tzinfo=JAPAN)
    cases = services().cases
    body = render_template(
        "staff/dashboard.html",
        cases=cases.today(start),
        calls=_call_rows(cases.open_calls()),
        queue=_queue_groups(),
        notice=notice,
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
    if found.kind == "reference_token" and found.case_id is not None:
        case = cases.by_public_id(found.case_id)  # the token carries the random public id, never the row's id
    elif found.kind == "reference_code" and found.reference_code is not None:
        case = cases.by_reference_code(found.reference_code)
    elif found.kind == "sealed" and found.case is not None:
        flow = services().content.flows.get(found.case.event)
        if flow is None:
            return _dashboard(error="この受付票の手続きの種類は、この窓口では扱えません。")
        # Checked again like typed input (anyone with the public key can make a slip); a rescan opens the same case.
        case, notes = counter_case(found.case, flow, current_user.name)
        if notes:
            return render_template("staff/scan_rechecked.html", notes=notes, flow=flow, code=printed_code(case),
                                   case_url=url_for("staff.case", public_id=case.public_id), staff_page=True)
    if case is None:
        services().cases.audit("scan_rejected", current_user.name, detail="not_found")
        return _dashboard(error=NOT_FOUND)
    return redirect(url_for("staff.case", public_id=case.public_id))


def _load_case(public_id: str) -> tuple[CaseRecord, Result]:
    """The case a staff URL names by its random public id (never by the row's sequential id, which anyone could
    count through), and its result."""
    case = services().cases.by_public_id(public_id)
    if case is None:
        abort(404)
    flow = services().content.flows.get(case.event)
    if flow is None:
        abort(404)
    result = state.result(flow, case.answers.only(flow.question_map))
    return case, result


@bp.get("/cases/<public_id>")
@login_required
def case(public_id: str) -> str:
    """The case: answers, reasons, route, prefill data and each procedure's status."""
    found, result = _load_case(public_id)
    services().cases.audit("view", current_user.name, found.id)
    queue_number = found.queue_number if found.queue_day == state.today() else None
    return render_template(
        "staff/case.html", public_id=found.public_id, code=printed_code(found), prefill=found.prefill,
        queue_number=queue_number, queue_called=found.called_at is not None,
        result=result, flow=result.flow, forms=forms_for(p.id for p in result.procedures),
        statuses=services().cases.statuses(found.id), staff_page=True, **_status_cell_context(found.public_id),
    )


def _status_cell_context(public_id: str) -> dict[str, Any]:
    """What every 未・済 cell of a case shares: the labels and the URL (with PROCEDURE_ID to fill in)."""
    t = state.translator()
    labels = {key: t.ui(f"staff.status.{key}") for key in ("done", "todo", "mark_done", "mark_todo")}
    url = url_for("staff.set_status", public_id=public_id, procedure_id="PROCEDURE_ID")
    return {"status_labels": labels, "status_url": url}


@bp.post("/cases/<public_id>/procedures/<procedure_id>")
@login_required
def set_status(public_id: str, procedure_id: str) -> Any:
    """Mark one procedure 済 or 未 (htmx swaps just that row)."""
    found, result = _load_case(public_id)
    procedure = next((p for p in result.procedures if p.id == procedure_id), None)
    status = request.form.get("status")
    if procedure is None or status not in ("todo", "done"):
        abort(400)
    services().cases.set_status(found.id, procedure_id, status, current_user.name)
    if htmx:
        return render_template("staff/_status.html", case=found, proc=procedure, announce=True,
                               statuses=services().cases.statuses(found.id), **_status_cell_context(public_id))
    return redirect(url_for("staff.case", public_id=public_id) + f"#status-{procedure_id}")


@bp.get("/cases/<public_id>/forms")
@login_required
def print_forms(public_id: str) -> Response:
    """All of the case's forms (or one, with ?form=id), prefilled, ready to print on A4."""
    found, result = _load_case(public_id)
    forms = forms_for(p.id for p in result.procedures)
    wanted = request.args.get("form")
    if wanted:
        forms = [form for form in forms if form.id == wanted]
        if not forms:
            abort(404)
    services().cases.audit("print", current_user.name, found.id, ",".join(form.id for form in forms))
    html = render_template("print/forms.html", forms=forms, **form_context(found, result))
    response = make_response(html)
    # The forms carry their CSS inline so a saved page or PDF prints alike: allow exactly that CSS.
    response.headers["Content-Security-Policy"] = print_content_security_policy(html)
    return response


@dataclass(frozen=True)
class CallRow:
    """One open 「職員を呼ぶ」 call as the dashboard shows it."""

    id: int
    device: str
    page: str
    at: datetime  # Japan time
    waiting: str


def local_time(moment: datetime) -> datetime:
    """A stored time in Japan time (SQLite gives back naive datetimes, which are UTC)."""
    return aware_utc(moment).astimezone(JAPAN)


def _waiting_text(since: datetime, moment: datetime) -> str:
    """「1分未満」「12分」「1時間5分」: how long the resident has been waiting."""
    t = state.translator()
    minutes = max(0, int((moment - since).total_seconds() // 60))
    if minutes < 1:
        return t.ui("staff.calls.waiting_under_a_minute")
    if minutes < 60:
        return t.ui("staff.calls.waiting_minutes", minutes=minutes)
    return t.ui("staff.calls.waiting_hours", hours=minutes // 60, minutes=minutes % 60)


def page_label(page: str) -> str:
    """Where the resident is, readably: 「おくやみ：質問「…」」 for a question path, else the stored text."""
    if not page.startswith("/"):
        return page  # not a page: a report such as 「読み上げが使えません」
    t = state.translator()
    parts = [part for part in urlsplit(page).path.split("/") if part]
    if not parts:
        return t.ui("staff.calls.page.menu")
    flow = services().content.flows.get(parts[0])
    if flow is None:
        return page
    rest = parts[1:]
    if not rest:
        where = t.ui("staff.calls.page.start")
    elif len(rest) == 2 and rest[0] == "questions" and rest[1] in flow.question_map:
        where = t.ui("staff.calls.page.question", question=flow.question_map[rest[1]].text)
    elif rest in (["check"], ["result"]):
        where = t.ui(f"staff.calls.page.{rest[0]}")
    else:
        where = "/" + "/".join(rest)
    return f"{flow.title}：{where}"


def _call_rows(calls: list[StaffCall]) -> list[CallRow]:
    moment = now()
    return [
        CallRow(id=call.id, device=call.device, page=page_label(call.page), at=local_time(call.created_at),
                waiting=_waiting_text(local_time(call.created_at), moment))
        for call in calls
    ]


@bp.get("/calls")
def calls() -> Any:
    """The open calls alone: the dashboard polls this fragment (htmx, every few seconds), reading the database, so
    a call made through any server process appears. Logged out meanwhile: the whole page goes to the login."""
    if not current_user.is_authenticated:
        return _logged_out_fragment()
    return render_template("staff/_calls.html", calls=_call_rows(services().cases.open_calls()))


def _logged_out_fragment() -> Any:
    """A polled fragment asked for without a login: the login page (with htmx: the whole page goes there)."""
    if not htmx:
        return login_manager.unauthorized()
    response = make_response("", 401)
    response.headers["HX-Redirect"] = url_for("staff.login")
    return response


@dataclass(frozen=True)
class QueueRow:
    """One case waiting in the counter queue as the dashboard shows it."""

    public_id: str
    number: int
    event: str
    at: datetime  # Japan time
    waiting: str
    counter: str | None  # the first counter of its route
    counter_id: str = ""  # its id in the profile ("": no counter of the profile)


@dataclass(frozen=True)
class QueueGroup:
    """The cases waiting for one counter (the first of their route), oldest number first."""

    counter_id: str  # "": no counter of the profile
    label: str
    rows: tuple[QueueRow, ...]


def _first_place(case: CaseRecord) -> tuple[str, str | None]:
    """The case's first counter: its id ("" for none) and its name, from its result (remembered per distinct
    answers, so a queue polled every few seconds evaluates each case once)."""
    flow = services().content.flows.get(case.event)
    if flow is None:
        return "", None
    result = state.result(flow, case.answers.only(flow.question_map))
    return first_place_id(result) or "", first_counter(result)


def _queue_rows() -> list[QueueRow]:
    """Today's queue, oldest number first, with each case's first counter (from its result, in Japanese)."""
    moment = now()
    rows = []
    for case in services().cases.waiting(state.today()):
        flow = services().content.flows.get(case.event)
        counter_id, counter = _first_place(case)
        queued = local_time(case.queued_at or case.created_at)
        rows.append(QueueRow(public_id=case.public_id, number=case.queue_number or 0,
                             event=flow.title if flow else case.event, at=queued,
                             waiting=_waiting_text(queued, moment), counter=counter, counter_id=counter_id))
    return rows


def _queue_groups() -> list[QueueGroup]:
    """Today's queue by counter, in the profile's order of counters (cases without one last): each clerk finds
    their counter's group in the same place at every poll."""
    order = {place_id: index for index, place_id in enumerate(services().content.municipality.places)}
    by_counter: dict[str, list[QueueRow]] = {}
    for row in _queue_rows():
        by_counter.setdefault(row.counter_id, []).append(row)
    no_counter = state.translator().ui("staff.queue.no_counter")
    return [QueueGroup(counter_id=counter_id, label=rows[0].counter or no_counter, rows=tuple(rows))
            for counter_id, rows in sorted(by_counter.items(), key=lambda item: order.get(item[0], len(order)))]


@bp.get("/queue")
def queue() -> Any:
    """The waiting queue alone: the dashboard polls this fragment like the calls (any server process's hand-off
    appears). Logged out meanwhile: the whole page goes to the login."""
    if not current_user.is_authenticated:
        return _logged_out_fragment()
    return render_template("staff/_queue.html", queue=_queue_groups())


@bp.post("/queue/next")
@login_required
def call_next() -> Any:
    """「次の方を呼ぶ」 for one counter (the form's `counter`, "" for the cases without one): mark the oldest case
    waiting for it called by this clerk (audited) and open it."""
    counter_id = request.form.get("counter")
    if counter_id is None or len(counter_id) > 64:
        abort(400)
    called = services().cases.call_next(state.today(), current_user.name, counter=counter_id,
                                        accept=lambda case: _first_place(case)[0] == counter_id)
    if called is None:
        return _dashboard(notice=state.translator().ui("staff.queue.nobody"))
    return redirect(url_for("staff.case", public_id=called.public_id))


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
