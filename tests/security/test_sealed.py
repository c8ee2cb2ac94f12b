"""Finding 6 (and the sealed part of 7 and 8): sealed slips, attacked from both ends.

- The internet-facing issuer used to hold the symmetric key the counter opens slips with: stealing it read and
  forged every slip. Now it holds only the counter's public key: everything it has opens nothing.
- One slip scanned three times made three cases: now a rescan opens the same case.
- A slip made by anyone holding the public key (base-mode HPKE cannot tell who sealed it) with invalid answers, a
  5,000-character name and bidi / control characters was stored as it was, and its staff pages answered 500: now
  everything in it is checked again at the counter, and the clerk is told what was removed.
- A sealed case too large for a QR code raised (500): now the slip falls back to a reference code.
"""

import contextlib
import random
import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from kiosk.cli import main
from kiosk.engine.yamlsource import load_yaml
from kiosk.extensions import services
from kiosk.slip import (
    KeyConfigError,
    Keyring,
    SlipCase,
    SlipError,
    key_from_secret,
    open_sealed,
    parse_keyring,
    seal,
)
from kiosk.store.models import Case

from ..conftest import SCENARIOS
from ..web.conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from ..web.test_staff import decode_slip, resident_with_slip, scan, staff_client

SECOND_PASSWORD = "Ume no hana, Yaho-cho 7 to 2 !"


def _key_pair() -> tuple[str, str | None]:
    """A new key as `kiosk slip new-key` prints it: the counter's private key, and the issuer's public key (None
    when the command offers none: then the issuer has to hold the counter's key itself, as it used to)."""
    result = CliRunner().invoke(main, ["slip", "new-key", "2026a"])
    assert result.exit_code == 0
    public = re.search(r"KIOSK_SEAL_PUBLIC_KEY=(\S+)", result.stderr)
    return result.stdout.strip(), public.group(1) if public else None


PRIVATE, PUBLIC = _key_pair()
COUNTER_KEY = parse_keyring(PRIVATE).active
COUNTER = {"KIOSK_SLIP_MODE": "sealed", "KIOSK_SEAL_KEYS": PRIVATE, "KIOSK_STAFF_ACCESS": "on"}
# The internet-facing home guide as `kiosk slip new-key` says to configure it (before: with the counter's key).
ISSUER_KEY = {"KIOSK_SEAL_PUBLIC_KEY": PUBLIC} if PUBLIC else {"KIOSK_SEAL_KEYS": PRIVATE}
ISSUER = {"KIOSK_SLIP_MODE": "sealed", **ISSUER_KEY}


def cases_in(app) -> list[Case]:
    with services(app).database.read() as db:
        return list(db.scalars(select(Case).order_by(Case.id)))


def test_nothing_the_issuer_holds_opens_a_slip(tmp_path):
    home = make_app(tmp_path / "home", **ISSUER)
    payload = decode_slip(resident_with_slip(home).page)
    assert payload.startswith("S")
    # The attacker copies the issuer's whole configuration: its slip keys and every secret in its settings.
    stolen = [services(home).slip.keyring]
    for value in home.config.values():
        if isinstance(value, str | bytes) and len(value) >= 16:
            stolen.append(Keyring.single(key_from_secret(value)))
            with contextlib.suppress(KeyConfigError, ValueError):
                stolen.append(parse_keyring(value if isinstance(value, str) else value.decode()))
    for keyring in stolen:
        with pytest.raises(SlipError):
            open_sealed(payload, keyring)
    settings = repr(sorted(map(str, home.config.values())))
    assert COUNTER_KEY.to_config().partition(":")[2] not in settings  # the counter's private key is not there
    # The counter, which holds the private key, opens it.
    counter = make_app(tmp_path / "counter", **COUNTER)
    clerk = staff_client(counter)
    response = scan(clerk, payload)
    assert response.status_code == 302
    clerk.get(response.headers["Location"])
    assert "山田 太郎" in clerk.page


def test_a_slip_scanned_three_times_opens_one_case(tmp_path):
    home = make_app(tmp_path / "home", **ISSUER)
    payload = decode_slip(resident_with_slip(home).page)
    counter = make_app(tmp_path / "counter", **COUNTER)
    clerk = staff_client(counter)
    other_clerk = Resident(counter.test_client())
    other_clerk.get("/staff/login")
    services(counter).staff.add("clerk2", SECOND_PASSWORD, "staff")
    assert other_clerk.post("/staff/login", {"name": "clerk2", "password": SECOND_PASSWORD}).status_code == 302
    locations = {scan(clerk, payload).headers.get("Location"), scan(clerk, payload.lower()).headers.get("Location"),
                 scan(other_clerk, payload).headers.get("Location")}
    assert len(locations) == 1 and None not in locations
    assert len(cases_in(counter)) == 1
    # Marked procedures survive a rescan: the case is opened, not made again.
    case = cases_in(counter)[0]
    services(counter).cases.set_status(case.id, "shibo_todoke", "done", "clerk")
    scan(clerk, payload)
    assert services(counter).cases.statuses(case.id)["shibo_todoke"].status == "done"
    # A second slip made from the same answers is another visit: its own case.
    second = decode_slip(resident_with_slip(home).page)
    scan(clerk, second)
    assert len(cases_in(counter)) == 2


def forged_slip() -> str:
    """What anyone holding the counter's public key can seal: answers no question allows, a 5,000-character name,
    a right-to-left override, an escape sequence, NUL, roles and fields the forms do not have."""
    case = SlipCase.new(
        "okuyami",
        {
            "death_date": "9999-12-31",
            "deceased_resident_here": "yes",
            "death_notified": "no",
            "deceased_age": -5,
            "deceased_insurance": "bogus",
            "deceased_cards": ("inkan", "nosuch"),
            "no_such_question": "x" * 300,
        },
        {
            "applicant": {"name": "山" * 5000, "name_kana": "ヤマダ\u202eハナコ", "phone": "\x1b[2J090-1234-5678",
                          "address": "東京都国立市東1-2-3\x00", "relationship": "child", "secret_field": "x"},
            "subject": {"name": "山田\u202e郎太", "birth_date": "9999-12-31", "sex": "male"},
            "member9": {"name": "侵入者"},
            "evil": {"name": "x"},
        },
        valid_for=timedelta(days=1),
    )
    return seal(case, Keyring.single(COUNTER_KEY))


def test_a_forged_slip_is_checked_like_typed_input_and_the_clerk_is_told(tmp_path):
    counter = make_app(tmp_path / "counter", **COUNTER)
    clerk = staff_client(counter)
    response = scan(clerk, forged_slip())
    assert response.status_code == 200, response.status_code  # a page for the clerk, not a silent redirect
    page = clerk.page
    assert "確かめが必要な項目" in page
    assert "亡くなられた日" in page and "氏名" in page  # which question and which field, …
    assert "山山山" not in page and "\u202e" not in page and "\x1b" not in page  # … never the removed values
    (case,) = cases_in(counter)
    answers, prefill = case.answers, case.prefill
    assert "death_date" not in answers and "deceased_age" not in answers and "no_such_question" not in answers
    assert "deceased_insurance" not in answers and "deceased_cards" not in answers
    assert answers["death_notified"] == "no"  # what was valid is kept
    assert prefill["applicant"]["name"] == "" and prefill["applicant"]["name_kana"] == ""
    assert prefill["applicant"]["phone"] == "" and prefill["applicant"]["address"] == ""
    assert prefill["applicant"]["relationship"] == "child" and "secret_field" not in prefill["applicant"]
    assert prefill["subject"]["name"] == "" and prefill["subject"]["birth_date"] == ""
    assert set(prefill) == {"applicant", "subject"}
    stored = repr(prefill) + repr(answers)
    assert all(char not in stored for char in ("\u202e", "\x1b", "\x00", "侵入者"))
    # Every staff page of the case works.
    link = re.search(r'href="(/staff/cases/[^"]+)"', page)
    assert link, page[:2000]
    assert clerk.get(link.group(1)).status_code == 200
    assert clerk.get(link.group(1) + "/forms").status_code == 200
    assert "\u202e" not in clerk.page


def test_a_case_too_large_for_a_qr_code_falls_back_to_the_reference_code(tmp_path):
    home = make_app(tmp_path / "home", **ISSUER)
    resident = Resident(home.test_client())
    resident.start("hikkoshi")
    answers, _ = load_yaml(SCENARIOS / "hikkoshi" / "01_tennyu_family_school_dog.yaml")
    resident.answer_all("hikkoshi", answers["answers"])
    rng = random.Random(12)

    def kanji(count: int) -> str:
        return "".join(chr(rng.randrange(0x4E00, 0x9FA0)) for _ in range(count))

    def katakana(count: int) -> str:
        return "".join(chr(rng.randrange(0x30A1, 0x30F7)) for _ in range(count))

    resident.get("/hikkoshi/prefill/applicant")
    assert resident.post("/hikkoshi/prefill/applicant", {
        "name": kanji(60), "name_kana": katakana(60), "birth_date": "1970-01-01", "postal_code": "186-0002",
        "address": kanji(120), "phone": "090-1234-5678", "relationship": "self"}).status_code == 302, resident.page
    resident.get("/hikkoshi/prefill/move")
    assert resident.post("/hikkoshi/prefill/move", {"old_address": kanji(120), "new_address": kanji(120)}
                         ).status_code == 302, resident.page
    resident.get("/hikkoshi/prefill/member")
    for _ in range(6):
        response = resident.post("/hikkoshi/prefill/member", {
            "name": kanji(60), "name_kana": katakana(60), "birth_date": "2000-01-01", "sex": "female",
            "relationship": "child"})
        assert response.status_code == 302, resident.page
        resident.get(response.headers["Location"])
    response = resident.post("/hikkoshi/prefill/member", {"action": "done"})
    assert response.status_code == 302, resident.page[:500]
    resident.get(response.headers["Location"])
    payload = decode_slip(resident.page)
    assert payload.startswith("R")  # a reference token instead of the sealed case
    (case,) = cases_in(home)
    assert re.sub(r"\W", "", case.reference_code) in re.sub(r"\W", "", resident.page)
    assert len(case.prefill["members"]) == 6

