"""Finding 13 (part): the Host header went into the resume QR's address, so a forged Host (a misconfigured proxy,
a poisoned cache) could send a resident, resume code in hand, to another site.

The attack: save answers with requests carrying a forged Host header and read the saved page's QR and links.
"""

import re

from kiosk.store.sessions import normalise_resume_code

from ..slip.conftest import decode_image, rasterise_svg
from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from ..web.test_resident_flow import OKUYAMI_78

FORGED = "evil.example"


class Visitor(Resident):
    """A resident whose every request carries the Host header `host`."""

    def __init__(self, client, host):
        super().__init__(client)
        self.host = host

    def get(self, url, **kwargs):
        return super().get(url, headers={"Host": self.host}, **kwargs)

    def post(self, url, data=None, **kwargs):
        return super().post(url, data, headers={"Host": self.host}, **kwargs)


def saved_page(app, host):
    resident = Visitor(app.test_client(), host)
    resident.start("okuyami")
    question_id = resident.current_question()
    resident.answer("okuyami", question_id, OKUYAMI_78[question_id])
    response = resident.post("/okuyami/save")
    assert response.status_code == 302, resident.page[:500]
    resident.get(response.headers["Location"])
    code = re.search(r'<p class="resume-code" lang="en">([0-9A-Z-]+)</p>', resident.page).group(1)
    return resident.page, normalise_resume_code(code)


def resume_qr(page) -> str | None:
    svg = re.search(r'<figure class="qr">(<svg.*?</svg>)', page, re.S)
    return decode_image(rasterise_svg(svg.group(1))).text if svg else None


def test_the_resume_qr_uses_the_configured_public_url_never_the_host_header(tmp_path):
    app = make_app(tmp_path, KIOSK_PUBLIC_URL="https://guide.city.example.jp")
    page, code = saved_page(app, FORGED)
    assert resume_qr(page) == f"https://guide.city.example.jp/resume#code={code}"
    assert FORGED not in page


def test_without_a_public_url_a_forged_host_gets_no_qr(tmp_path):
    app = make_app(tmp_path)
    page, code = saved_page(app, FORGED)
    assert resume_qr(page) is None and FORGED not in page
    assert code.replace("-", "") in page.replace("-", "")  # the code itself is still shown
    page, code = saved_page(app, "localhost:5000")  # this machine (development): the request's host is fine
    assert resume_qr(page) == f"http://localhost:5000/resume#code={code}"


def test_trusted_hosts_refuse_other_host_headers_and_the_qr_uses_the_trusted_one(tmp_path):
    app = make_app(tmp_path, KIOSK_TRUSTED_HOSTS="guide.city.example.jp, .city.example.jp")
    response = app.test_client().get("/", headers={"Host": FORGED})
    assert response.status_code == 400 and FORGED not in response.get_data(as_text=True)
    assert app.test_client().post("/okuyami/start", headers={"Host": FORGED}).status_code == 400
    page, code = saved_page(app, "guide.city.example.jp")
    assert resume_qr(page) == f"http://guide.city.example.jp/resume#code={code}"


def test_behind_a_proxy_the_forwarded_scheme_and_host_are_used_only_when_configured(tmp_path):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "guide.city.example.jp"}
    app = make_app(tmp_path, KIOSK_PROXY_HOPS=1, KIOSK_TRUSTED_HOSTS="guide.city.example.jp")
    response = app.test_client().get("/", headers={"Host": "127.0.0.1:8000", **headers})
    assert response.status_code == 200
    direct = make_app(tmp_path / "direct", KIOSK_TRUSTED_HOSTS="guide.city.example.jp")
    # Without KIOSK_PROXY_HOPS the forwarded headers are not believed: the real Host header is checked.
    assert direct.test_client().get("/", headers={"Host": FORGED, **headers}).status_code == 400
