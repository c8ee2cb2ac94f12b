"""The promise that the logs hold no personal data, checked on a whole visit: a resident answers, types their
details, makes a slip, saves a resume code, calls a clerk and sends a query string; a clerk logs in, scans the
slip, opens and prints the case, marks a procedure done, answers the call and logs out. Every line the app logs
(as JSON, the way `kiosk serve` writes them, with the app's own loggers at DEBUG) is read back: none holds the
name, its reading, the birth date, the phone number, the postal code, the address, a query string, the resume code
or a session id."""

from __future__ import annotations

import io
import json
import logging
import re

from sqlalchemy import select

from kiosk.extensions import services
from kiosk.logs import JsonFormatter
from kiosk.store.models import ResidentSession

from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from ..web.test_resident_flow import OKUYAMI_78
from ..web.test_staff import STAFF_ON, decode_slip, scan, staff_client

SURNAME, GIVEN, KANA = "勅使河原", "蓮之丞", "テシガワラ レンノジョウ"
PHONE = "090-8642-1357"
POSTAL = "186-0004"
ADDRESS = "東京都国立市中9-8-7"
BIRTH = "1958-03-17"
QUERY = "q=needle-in-the-query"


def full_visit(app) -> list[str]:
    """Run the visit; return what must not be logged that only the run knows (the resume code, session ids)."""
    resident = Resident(app.test_client())
    resident.get(f"/?{QUERY}")
    resident.start("okuyami")
    resident.answer_all("okuyami", OKUYAMI_78)
    resident.get("/okuyami/prefill/applicant")
    response = resident.post("/okuyami/prefill/applicant", {
        "name": f"{SURNAME} {GIVEN}", "name_kana": KANA, "birth_date": "昭和33年3月17日", "postal_code": POSTAL,
        "address": ADDRESS, "phone": PHONE, "relationship": "child"})
    assert response.status_code == 302, resident.page[:500]
    resident.get("/okuyami/prefill/subject")
    resident.post("/okuyami/prefill/subject", {"name": f"{SURNAME} 一郎", "name_kana": "テシガワラ イチロウ",
                                                "birth_date": "1930-01-02", "sex": "male", "address": ADDRESS})
    resident.get(f"/okuyami/prefill/applicant?{QUERY}")
    resident.post("/okuyami/prefill/applicant", {"name": f"{SURNAME}", "phone": "bad-phone-42"})  # refused input
    resident.make_slip("okuyami")
    slip = decode_slip(resident.page)
    resident.get("/okuyami/result")
    resident.post("/okuyami/save")
    resident.get("/okuyami/saved")
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{5}", resident.page)
    resident.post("/help", {"next": f"/okuyami/result?{QUERY}"})

    clerk = staff_client(app)
    clerk.get(f"/staff/?{QUERY}")
    location = scan(clerk, slip).headers["Location"]
    clerk.get(location)
    procedure = re.search(r"/procedures/([a-z0-9_]+)", clerk.page)
    assert procedure
    clerk.post(f"{location}/procedures/{procedure.group(1)}", {"status": "done"})
    clerk.get(f"{location}/forms")
    scan(clerk, "garbage-" + slip[:20])
    for call in services(app).cases.open_calls():
        clerk.get("/staff/")
        clerk.post(f"/staff/calls/{call.id}/answer")
    clerk.get("/staff/")
    clerk.post("/staff/logout")
    with services(app).database.read() as db:
        session_ids = list(db.scalars(select(ResidentSession.id)))
    return [slip[:40], *(session_ids), *([code.group(0), code.group(0).replace("-", "")] if code else [])]


def test_the_json_logs_of_a_full_visit_hold_no_personal_data(tmp_path):
    app = make_app(tmp_path, KIOSK_MODE="kiosk", **STAFF_ON)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root, kiosk_logger = logging.getLogger(), logging.getLogger("kiosk")
    saved = (root.level, kiosk_logger.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    kiosk_logger.setLevel(logging.DEBUG)
    try:
        secrets_of_the_run = full_visit(app)
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        kiosk_logger.setLevel(saved[1])

    lines = stream.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]
    assert len(entries) > 40, "the visit should have logged its requests"
    routes = {entry.get("route") for entry in entries if entry.get("logger") == "kiosk.access"}
    assert "/<event>/prefill/<role>" in routes and "/staff/scan" in routes  # the visit did reach the app
    log = stream.getvalue()
    forbidden = [SURNAME, GIVEN, "テシガワラ", "レンノジョウ", PHONE, PHONE.replace("-", ""), "8642", POSTAL,
                 POSTAL.replace("-", ""), "国立市中", "9-8-7", BIRTH, "昭和33", "1930-01-02", "needle-in-the-query",
                 "?q=", "bad-phone-42", *secrets_of_the_run]
    for needle in forbidden:
        assert needle not in log, f"{needle!r} is in the logs"
    # Nor escaped as JSON writes it (\\uXXXX), should a formatter change to ensure_ascii.
    for needle in (SURNAME, KANA.split()[0]):
        assert json.dumps(needle)[1:-1] not in log
