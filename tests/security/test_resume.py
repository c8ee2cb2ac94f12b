"""Finding 1: resume codes could be guessed (40 bits; the failure count lived in the guesser's own session, so a
new cookieless session per guess went unlimited), worked any number of times, and a hit showed the family's name,
address and phone.

The attacks: a guessing loop with a fresh cookieless client per try; one code tried from many addresses; a code
used twice; a stolen code used without the applicant's birth date, then with guessed birth dates.
"""

import re
import secrets

from sqlalchemy import delete

from kiosk.extensions import services
from kiosk.store.models import ResidentSession, ResumeCode, Throttle
from kiosk.store.sessions import RESUME_ALPHABET, RESUME_LENGTH, normalise_resume_code

from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from ..web.test_modes import save_and_get_code
from ..web.test_staff import resident_with_slip

CODE = re.compile(r'<p class="resume-code" lang="en">([0-9A-Z-]+)</p>')


def random_code() -> str:
    return "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_LENGTH))


def try_code(app, code, address="192.0.2.1", lang=None):
    """One try by a new visitor: a fresh client (no cookie) from `address`."""
    visitor = Resident(app.test_client())
    visitor.client.environ_base["REMOTE_ADDR"] = address
    visitor.get("/resume")
    if lang:
        visitor.post("/language", {"lang": lang, "next": "/resume"})
        visitor.get("/resume")
    return visitor, visitor.post("/resume", {"code": code})


def forget_failures(app):
    """As if the waiting time had passed."""
    with services(app).database.session() as db:
        db.execute(delete(Throttle))


def test_codes_have_at_least_60_bits_and_are_typed_any_way():
    assert RESUME_LENGTH * 5 >= 60 and len(set(RESUME_ALPHABET)) == 32
    code = random_code()
    typed = "  " + "-".join(code[i : i + 3] for i in range(0, len(code), 3)).lower().translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}  # full-width digits
    )
    assert normalise_resume_code(typed) == code


def test_a_guessing_loop_with_a_fresh_cookieless_session_per_try_gets_429_within_10_tries(tmp_path):
    app = make_app(tmp_path)
    owner = Resident(app.test_client())
    save_and_get_code(owner)  # a live code exists
    statuses = [try_code(app, random_code())[1].status_code for _ in range(10)]
    assert 429 in statuses, statuses
    first = statuses.index(429)
    assert first < 10 and set(statuses[first:]) == {429}, statuses
    assert set(statuses[:first]) == {422}
    # Blocked, the right code is refused too, with a page in the resident's language that says how long to wait.
    visitor, response = try_code(app, random_code(), lang="en")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert 'lang="en"' in visitor.page and "Please wait about" in visitor.page and 'role="alert"' in visitor.page
    # Another address is not blocked by this one.
    assert try_code(app, random_code(), address="192.0.2.99")[1].status_code == 422


def test_one_code_cannot_be_tried_more_than_a_few_times_per_minute_from_any_number_of_addresses(tmp_path):
    app = make_app(tmp_path)
    code = random_code()
    statuses = [try_code(app, code, address=f"198.51.100.{n}")[1].status_code for n in range(1, 11)]
    tried = [status for status in statuses if status != 429]
    assert len(tried) <= 3 and statuses[-1] == 429, statuses
    # Typed another way, it is the same code: still blocked.
    assert try_code(app, code.lower(), address="198.51.100.200")[1].status_code == 429


def test_a_code_works_once_and_the_resident_can_save_again_for_a_new_one(tmp_path):
    app = make_app(tmp_path)
    owner = Resident(app.test_client())
    code, question_id = save_and_get_code(owner)
    visitor, response = try_code(app, code)
    assert response.status_code == 302
    visitor.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' in visitor.page
    # The answers moved to a new session id that only this visitor holds.
    owner.get(f"/okuyami/questions/{question_id}")
    assert 'value="2026"' not in owner.page
    # Used once, the code is gone, whoever tries it next.
    again, response = try_code(app, code, address="192.0.2.50")
    assert response.status_code == 422 and "再開コードが見つかりません" in again.page
    # The resident saves again and gets a new code, which works.
    response = visitor.post("/okuyami/save")
    visitor.get(response.headers["Location"])
    new_code = CODE.search(visitor.page).group(1)
    assert normalise_resume_code(new_code) != normalise_resume_code(code)
    assert try_code(app, new_code, address="192.0.2.51")[1].status_code == 302


def saved_with_details(app):
    """A family that answered, typed the applicant's details (born 昭和43年4月21日), made the slip and saved."""
    owner = resident_with_slip(app)
    response = owner.post("/okuyami/save")
    owner.get(response.headers["Location"])
    return CODE.search(owner.page).group(1)


def shows_details(visitor) -> bool:
    visitor.get("/okuyami/prefill/applicant")
    return "山田" in visitor.page or "090-1234-5678" in visitor.page


def test_personal_details_come_back_only_with_the_applicants_birth_date(tmp_path):
    app = make_app(tmp_path)
    code = saved_with_details(app)
    visitor, response = try_code(app, code)
    assert response.status_code == 302 and response.headers["Location"] == "/resume/details"
    # The code alone brings back the answers, not the name, address or phone, nor the slip made from them.
    visitor.get("/okuyami/check")
    assert 'class="summary-list"' in visitor.page
    assert not shows_details(visitor)
    assert visitor.get("/okuyami/slip").status_code == 302
    visitor.get("/resume/details")
    response = visitor.post("/resume/details", {"birth_date": "1970-01-01"})
    assert response.status_code == 422 and "生年月日が保存した内容と合いません" in visitor.page
    assert not shows_details(visitor)
    visitor.get("/resume/details")
    response = visitor.post("/resume/details", {"birth_date": "１９６８年４月２１日"})  # typed another way
    assert response.status_code == 302
    assert shows_details(visitor)
    assert visitor.get("/okuyami/slip").status_code == 200


def test_guessing_the_birth_date_is_throttled_and_then_the_details_are_deleted_for_good(tmp_path):
    app = make_app(tmp_path)
    code = saved_with_details(app)
    visitor, _ = try_code(app, code)
    statuses = []
    for year in range(1950, 1955):
        visitor.get("/resume/details")
        statuses.append(visitor.post("/resume/details", {"birth_date": f"{year}-04-21"}).status_code)
    assert statuses[:2] == [422, 422] and 429 in statuses, statuses  # a few a minute per code
    for year in range(1955, 1965):  # waiting between tries does not help: after 5 wrong dates the details go
        forget_failures(app)
        visitor.get("/resume/details")
        if visitor.post("/resume/details", {"birth_date": f"{year}-04-21"}).status_code != 422:
            break
        if "消しました" in visitor.page:
            break
    assert "保存した名前や住所などは消しました" in visitor.page
    forget_failures(app)
    response = visitor.post("/resume/details", {"birth_date": "1968-04-21", "csrf_token": visitor.csrf()})
    assert response.status_code == 302 and not shows_details(visitor)
    visitor.get("/okuyami/check")
    assert 'class="summary-list"' in visitor.page  # the answers stay


def test_details_nothing_can_confirm_are_not_restored(tmp_path):
    """Saved details without the applicant's birth date (not possible through the forms) stay behind."""
    app = make_app(tmp_path)
    owner = Resident(app.test_client())
    code, _ = save_and_get_code(owner)
    with services(app).database.session() as db:
        row = db.get(ResidentSession, db.get(ResumeCode, normalise_resume_code(code)).session_id)
        row.data = {**row.data, "prefill": {"okuyami": {"subject": {"name": "山田 一郎"}}}}
    visitor, response = try_code(app, code)
    assert response.status_code == 302 and response.headers["Location"] != "/resume/details"
    assert "prefill" not in services(app).sessions.load(visitor.client.get_cookie("kiosk_session").value)


def test_a_resumed_session_takes_a_new_id_and_none_of_the_savers_secrets(tmp_path):
    """Whoever saved a session knows its id and its CSRF secret: the visitor who resumes it gets neither."""
    app = make_app(tmp_path)
    owner = Resident(app.test_client())
    code, _ = save_and_get_code(owner)
    owner_id = owner.client.get_cookie("kiosk_session").value
    owner_secret = services(app).sessions.load(owner_id).get("csrf_token")
    visitor, response = try_code(app, code)
    assert response.status_code == 302
    visitor_id = visitor.client.get_cookie("kiosk_session").value
    assert visitor_id != owner_id and services(app).sessions.load(owner_id) is None
    visitor.get(response.headers["Location"])
    restored = services(app).sessions.load(visitor_id)
    assert restored["answers"]["okuyami"] and restored.get("csrf_token") != owner_secret
    assert "resume_code" not in restored


def test_a_forged_x_forwarded_for_does_not_make_a_new_address(tmp_path):
    """Without KIOSK_PROXY_HOPS the guesser cannot rotate addresses with a header; with it (behind the city's
    proxy, which overwrites the header) the forwarded address is the one counted."""
    app = make_app(tmp_path)
    statuses = []
    for n in range(10):
        visitor = Resident(app.test_client())
        visitor.get("/resume")
        statuses.append(visitor.post("/resume", {"code": random_code()},
                                     headers={"X-Forwarded-For": f"10.9.8.{n}"}).status_code)
    assert 429 in statuses, statuses
    proxied = make_app(tmp_path / "proxied", KIOSK_PROXY_HOPS=1)
    for n in range(10):
        visitor = Resident(proxied.test_client())
        visitor.get("/resume", headers={"X-Forwarded-For": f"10.9.8.{n}"})
        response = visitor.post("/resume", {"code": random_code()}, headers={"X-Forwarded-For": f"10.9.8.{n}"})
        assert response.status_code == 422


def test_guessing_from_many_addresses_of_one_ipv6_subscriber_counts_as_one(tmp_path):
    # A subscriber gets a whole /64: each try from a new address in it is still the same client.
    app = make_app(tmp_path)
    statuses = [try_code(app, random_code(), address=f"2001:db8:5:7::{n + 1:x}")[1].status_code for n in range(10)]
    assert 429 in statuses, statuses
    # An IPv4 client written as IPv6 (::ffff:a.b.c.d) is the same client as a.b.c.d.
    forget_failures(app)
    mixed = [try_code(app, random_code(), address=address)[1].status_code
             for address in ["198.51.100.7", "::ffff:198.51.100.7"] * 5]
    assert 429 in mixed, mixed
