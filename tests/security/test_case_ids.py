"""Finding 11: a clerk opens a case through a scan, a typed reference code or the dashboard list, never by counting
through sequential ids; the slip's token (signed, not encrypted) carries no sequential id.

The attack: decode the QR token (anyone can, it is only signed) to read the case's id, then open /staff/cases/1,
/staff/cases/2, … as a logged-in clerk.
"""

import re

from sqlalchemy import select

from kiosk.extensions import services
from kiosk.slip.codec import b32decode
from kiosk.slip.reference import open_token
from kiosk.store.models import Case

from ..web.conftest import close_apps, make_app  # noqa: F401 (close_apps: autouse)
from ..web.test_staff import decode_slip, resident_with_slip, scan, staff_client


def only_case(app) -> Case:
    with services(app).database.read() as db:
        return db.scalars(select(Case)).one()


def test_cases_cannot_be_opened_by_their_sequential_id(tmp_path):
    app = make_app(tmp_path, KIOSK_STAFF_ACCESS="on")
    resident_with_slip(app)
    case = only_case(app)
    clerk = staff_client(app)
    for path in (f"/staff/cases/{case.id}", f"/staff/cases/{case.id}/forms", "/staff/cases/2", "/staff/cases/0"):
        response = clerk.get(path)
        assert response.status_code == 404, path
        assert "山田" not in clerk.page
    clerk.get("/staff/")
    response = clerk.post(f"/staff/cases/{case.id}/procedures/setainushi_henko", {"status": "done"})
    assert response.status_code == 404
    assert services(app).cases.statuses(case.id) == {}


def test_the_slip_token_carries_the_random_public_id_and_never_the_sequential_id(tmp_path):
    app = make_app(tmp_path, KIOSK_STAFF_ACCESS="on")
    tokens = [decode_slip(resident_with_slip(app, prefill=False).page) for _ in range(3)]
    with services(app).database.read() as db:
        cases = db.scalars(select(Case).order_by(Case.id)).all()
    keyring = services(app).slip.keyring
    for token, case in zip(tokens, cases, strict=True):
        carried = open_token(token, keyring)
        assert carried == case.public_id and len(carried) >= 22  # 128 random bits
        assert carried != str(case.id)
        body = b32decode(token[1:])[9:-16]  # version, key fingerprint and expiry before; the MAC after
        assert body == case.public_id.encode()
    assert len({open_token(token, keyring) for token in tokens}) == 3


def test_every_staff_url_names_the_case_by_its_public_id(tmp_path):
    app = make_app(tmp_path, KIOSK_STAFF_ACCESS="on")
    resident = resident_with_slip(app)
    case = only_case(app)
    clerk = staff_client(app)
    location = scan(clerk, decode_slip(resident.page)).headers["Location"]
    assert location == f"/staff/cases/{case.public_id}"
    reference_code = re.search(r'<p class="resume-code" lang="en">([0-9A-Z-]+)</p>', resident.page).group(1)
    assert scan(clerk, reference_code).headers["Location"] == location
    pages = []
    for path in ("/staff/", location):
        clerk.get(path)
        pages.append(clerk.page)
    links = re.findall(r'(?:href|action|hx-post)="(/staff/cases/[^"]*)"', "".join(pages))
    assert links and all(link.startswith(f"/staff/cases/{case.public_id}") for link in links), links
    assert not re.search(r"/staff/cases/\d+(?:[/\"#?]|$)", "".join(pages))
    assert clerk.get(location + "/forms").status_code == 200 and "山田 太郎" in clerk.page
