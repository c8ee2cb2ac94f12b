"""The page shown when a form is refused (its token expired) links back to the exact page the resident came from when
that page is on this site, over HTTP or HTTPS, query string and all; anything else links to the menu."""

from __future__ import annotations

import pytest

from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)

PUBLIC = "https://guide.city.example.jp"


def link_back(app, referer: str) -> str:
    """The href of the refused page's way back, after a form sent with an expired token from `referer`."""
    resident = Resident(app.test_client())
    resident.get("/okuyami/")
    response = resident.client.post("/okuyami/start", data={"csrf_token": "expired"}, headers={"Referer": referer})
    assert response.status_code == 400
    main = response.get_data(as_text=True).split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return main.split('href="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        (f"{PUBLIC}/okuyami/", "/okuyami/"),  # behind the city's HTTPS proxy
        ("http://localhost/okuyami/", "/okuyami/"),
        ("https://localhost/shussei/", "/shussei/"),
        ("http://localhost/okuyami/?lang=en", "/okuyami/?lang=en"),
        (f"{PUBLIC}/okuyami/?lang=easy&amp=1", "/okuyami/?lang=easy&amp;amp=1"),
        ("http://localhost/okuyami/?", "/okuyami/"),  # an empty query adds no 「?」
    ],
)
def test_the_way_back_is_the_page_the_resident_came_from(tmp_path, referer, back):
    app = make_app(tmp_path, KIOSK_PUBLIC_URL=PUBLIC)
    assert link_back(app, referer) == back


@pytest.mark.parametrize(
    "referer",
    ["ftp://localhost/okuyami/", "file://localhost/okuyami/", "https://evil.example/okuyami/",
     "http://localhost:8080/okuyami/", "/okuyami/", ""],
)
def test_any_other_referer_leads_back_to_the_menu(tmp_path, referer):
    app = make_app(tmp_path, KIOSK_PUBLIC_URL=PUBLIC)
    assert link_back(app, referer) == "/"
