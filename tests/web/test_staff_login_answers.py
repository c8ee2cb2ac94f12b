"""What the staff login answers: a wrong password or an unknown name is told 「職員IDかパスワードが違います。」 (the
same words for both), and a good one gives the clerk's own account, with the role it was given."""

from __future__ import annotations

from kiosk.extensions import services
from kiosk.store.staff import StaffMember

from .conftest import Resident, close_apps, make_app  # noqa: F401 (close_apps: autouse)
from .test_staff import PASSWORD, STAFF_ON

INVALID = "職員IDかパスワードが違います。"


def test_a_wrong_password_and_an_unknown_name_are_told_the_same_words(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    services(app).staff.add("clerk", PASSWORD, "staff")
    for name, password in (("clerk", "typo"), ("nobody", PASSWORD)):
        clerk = Resident(app.test_client())
        clerk.get("/staff/login")
        assert clerk.post("/staff/login", {"name": name, "password": password}).status_code == 422
        assert INVALID in clerk.page


def test_a_good_login_gives_the_clerks_own_account_and_role(tmp_path):
    app = make_app(tmp_path, **STAFF_ON)
    staff = services(app).staff
    added = staff.add("chief", PASSWORD, "admin")
    staff.add("clerk", PASSWORD, "staff")
    assert staff.authenticate("chief", PASSWORD) == (StaffMember(added.id, "chief", "admin"), "ok")
    assert staff.authenticate("chief", "typo") == (None, "invalid")
    assert staff.authenticate("chief\x00", PASSWORD) == (None, "invalid")
