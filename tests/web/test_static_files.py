"""Style sheets and scripts: versioned URLs that browsers keep; pages themselves are never kept."""

import re


def test_pages_link_versioned_static_files_that_browsers_keep_for_a_year(resident):
    resident.get("/")
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', resident.page)
    assert links and all(re.search(r"\?v=[0-9a-f]{12}$", link) for link in links), links
    for link in links:
        response = resident.client.get(link)
        response.close()
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_unversioned_or_stale_static_url_is_revalidated(resident):
    resident.get("/")
    link = re.search(r'href="(/static/css/kiosk\.css)\?v=[0-9a-f]+"', resident.page).group(1)
    for url in (link, f"{link}?v=000000000000"):
        response = resident.client.get(url)
        response.close()
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    assert resident.client.get("/").headers["Cache-Control"] == "no-store"
