"""With CI set, a test whose system tool (chromium, espeak-ng, pdftotext) is missing fails instead of skipping: a
broken install on CI must not pass as a green run of skipped tests. Checked by pointing PATH, the library lookup
and the Chromium path away, not by uninstalling anything."""

from __future__ import annotations

import ctypes.util

import pytest

from . import conftest
from .conftest import require_chromium, require_espeak, require_program

SKIPPED, FAILED = pytest.skip.Exception, pytest.fail.Exception


@pytest.fixture
def nothing_installed(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no pdftotext, no pdfinfo
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    monkeypatch.setattr(conftest, "CHROMIUM", tmp_path / "chromium")


CHECKS = {
    "pdftotext": lambda: require_program("pdftotext", "pdfinfo", install="apt-get install poppler-utils"),
    "espeak-ng": require_espeak,
    "chromium": require_chromium,
}


@pytest.mark.parametrize("tool", list(CHECKS))
@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_on_ci_a_missing_tool_fails_the_test(nothing_installed, monkeypatch, tool, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(FAILED) as caught:
        CHECKS[tool]()
    assert tool in str(caught.value) and "CI is set" in str(caught.value)


@pytest.mark.parametrize("tool", list(CHECKS))
@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_elsewhere_a_missing_tool_skips_the_test_and_says_how_to_install_it(nothing_installed, monkeypatch, tool, ci):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(SKIPPED) as caught:
        CHECKS[tool]()
    assert tool in str(caught.value) and "install" in str(caught.value)


def test_an_installed_program_neither_skips_nor_fails(monkeypatch, tmp_path):
    program = tmp_path / "pdftotext"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    require_program("pdftotext", install="apt-get install poppler-utils")
    with pytest.raises(FAILED, match="pdfinfo"):
        require_program("pdftotext", "pdfinfo", install="apt-get install poppler-utils")
