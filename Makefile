# Gongkai: two commands. `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 8000
PYTEST_ARGS ?=

help:
	@echo "make run     install, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test    install, then run the whole test suite (DATABASE_URL selects the database)"
	@echo "make lint    ruff, mypy, import contracts, migrations check"

# A Python >= 3.12 for the virtual environment: python3.13, python3.12, or python3 if new enough.
$(BIN)/python:
	@py=""; for c in python3.13 python3.12 python3; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then py=$$c; break; fi; \
	done; \
	if [ -z "$$py" ]; then echo "Gongkai needs Python 3.12 or newer (Django 6). Install python3.13 or python3.12." >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$($$py --version)"; $$py -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# System packages the tests need: Chromium for browser tests, CJK fonts (Noto + HanaMin for
# Extension-B characters), poppler-utils to look at PDFs. Installed only when missing.
sysdeps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -qi "HanaMin" || missing="$$missing fonts-hanazono"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

migrate: install
	$(BIN)/gongkai migrate --noinput

demo: migrate
	$(BIN)/gongkai demo

run: demo
	@echo "Gongkai is serving on http://$(HOST):$(PORT)/  (staff: http://$(HOST):$(PORT)/staff/)"
	$(BIN)/gongkai runserver $(HOST):$(PORT)

test: install sysdeps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/gongkai makemigrations --check --dry-run

screenshots: install
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

.PHONY: help install sysdeps migrate demo run test lint screenshots clean
