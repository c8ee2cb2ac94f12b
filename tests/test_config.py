"""Settings: one typed place, read from KIOSK_* variables; a bad value stops start-up and names the variable."""

import pytest

from kiosk import create_app
from kiosk.config import Settings, SettingsError


def test_environment_and_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_MODE", "kiosk")
    monkeypatch.setenv("KIOSK_SLIP_VALID_DAYS", "30")
    settings = Settings.load({"KIOSK_RESUME_DAYS": 7, "TESTING": True})
    assert (settings.mode, settings.slip_valid_days, settings.resume_days) == ("kiosk", 30, 7)
    assert settings.database_url_for(tmp_path) == f"sqlite:///{tmp_path / 'kiosk.sqlite3'}"
    assert Settings.load({"KIOSK_MODE": "home"}).mode == "home"  # what the caller gives wins


@pytest.mark.parametrize(("name", "value"), [("KIOSK_MODE", "tablet"), ("KIOSK_SLIP_VALID_DAYS", "0"),
                                             ("KIOSK_SECURE_COOKIES", "maybe")])
def test_a_bad_value_stops_start_up_and_names_the_variable(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        create_app({"KIOSK_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
