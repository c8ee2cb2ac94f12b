# Two commands set everything up on a fresh Debian machine:
#   make run    install everything, then start the app on SQLite in instance/ (a counter tablet by default;
#               `make run KIOSK_MODE=home` for the home guide)
#   make test   install everything, then run every check and test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install system lint check pytest bench mutation clean

KIOSK_MODE ?= kiosk

run: install
	KIOSK_MODE=$(KIOSK_MODE) $(BIN)/kiosk run --host 127.0.0.1 --port 5000

test: install lint check pytest

install: system $(STAMP)

system:
	@sh scripts/install-system-packages.sh

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lint:
	$(BIN)/ruff check .
	$(BIN)/mypy kiosk

check:
	$(BIN)/kiosk check

pytest:
	$(BIN)/pytest

# Real visits of distinct residents against a bare Flask hello on this machine (about 5 minutes);
# writes the table in docs/benchmarks.md
bench: install
	$(BIN)/python -m tests.bench.run

# Mutation testing (mutmut 3; not part of `make test`): plants one-line bugs in kiosk/prefill, kiosk/slip, the
# purge, lockout, session and CSRF code and kiosk/engine, and reports, per package, the ones no test noticed; the
# last line is `mutation score: N%`. About two hours on two cores; `make mutation PACKAGES="prefill slip"` runs some.
# See docs/testing.md.
PACKAGES ?=
mutation: install
	$(BIN)/python -m pip install --quiet 'mutmut>=3.8,<4'
	$(BIN)/python scripts/mutation.py $(PACKAGES)

clean:
	rm -rf $(VENV) instance mutants build/mutation .pytest_cache .mypy_cache .ruff_cache .hypothesis
