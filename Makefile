# GISTCare: `make run` (app on 127.0.0.1:8000 with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
VENDOR := static/vendor

.PHONY: run test test-fast lint bench static system-deps messages backup restore clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Bootstrap comes from the npm registry (pinned in package-lock.json) and is served by the app itself.
$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p $(VENDOR)/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map \
	   $(VENDOR)/bootstrap/
	touch $@

static: $(VENDOR)/.stamp

# Debian packages the app and its tests need: pango for WeasyPrint (libharfbuzz-subset0 makes it ~2x faster),
# poppler-utils for pdftoppm/pdftotext, chromium for the browser tests, gettext for compilemessages and
# fonts-noto-cjk for Chinese reports (Noto Sans CJK SC). Installed only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v pg_dump >/dev/null || missing="$$missing postgresql-client"; \
	ldconfig -p | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	fc-list | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	fc-list | grep -qi "Noto Sans CJK SC" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	      --no-install-recommends $$missing; } > /tmp/gistcare-apt.log 2>&1 || { cat /tmp/gistcare-apt.log; exit 1; }; \
	fi

# The compiled catalogues (.mo) are built, not committed: from locale/*/LC_MESSAGES/django.po (issue 15).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
$(MO_FILES): %.mo: %.po $(VENV)/.runtime | system-deps
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

messages: $(MO_FILES)

run: $(VENV)/.runtime static system-deps messages
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --password "$${DEMO_PASSWORD:-gistcare-demo}"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The suite runs on every core (pytest-xdist), a test file to a worker: each worker has its own test database
# (test_<name>_gw0, ...), and the tests that share Redis or spawn processes use keys, queues and ports of their own.
# TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= auto
test: $(VENV)/.dev static system-deps messages
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile

test-fast: $(VENV)/.dev static system-deps messages
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile -m "not e2e"

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Each benchmark is a standalone script that prints its figures (see docs/benchmarks.md); bench/_*.py are what
# some of them share.
bench: $(VENV)/.dev static
	@set -e; for f in bench/[!_]*.py; do echo "=== $$f"; $(PY) $$f; done

backup: $(VENV)/.runtime
	$(PY) manage.py backup

# make restore FILE=backups/gistcare-20260302-090000.sqlite3 (replaces the database's whole content)
restore: $(VENV)/.runtime
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<file>"; exit 2; }
	$(PY) manage.py restore "$(FILE)" --yes
	$(PY) manage.py migrate --noinput

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
