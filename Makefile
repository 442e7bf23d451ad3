# Confide: `make run` to try it, `make test` to run every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: help run serve install test test-fast lint format typecheck check browsers clean

help:
	@echo "make run    install, migrate, load the demo practice and serve it on http://127.0.0.1:$(PORT)"
	@echo "make test   install the test tools and run the whole suite"
	@echo "make check  lint, format check, type check and migration check"

$(PY):
	@python=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip

# A stamp per requirements file: reinstall only when the lock file changes.
$(VENV)/.installed-base: requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/base.txt
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $@ $(VENV)/.installed-base

install: $(VENV)/.installed-base

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

# The site and one background worker (emails, reminders); Ctrl+C stops both.
run: install
	$(PY) manage.py migrate --no-input
	PORT=$(PORT) $(PY) manage.py load_demo
	@echo "Serving Confide on http://127.0.0.1:$(PORT) with a background worker (Ctrl+C stops both)"
	@export SITE_URL=http://127.0.0.1:$(PORT); \
	$(PY) manage.py confide_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

browsers:
	@scripts/ensure-chromium

# Independent tests run on every core; races and worker processes then run alone, since their
# timing is what they test. The slowest tests of each part are listed at the end.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

test: $(VENV)/.installed-dev node_modules/.package-lock.json browsers
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not serial" --durations=10 $(PYTEST_ARGS)
	$(PY) -m pytest -m serial --durations=5 $(PYTEST_ARGS)

check: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .mypy_cache .ruff_cache
