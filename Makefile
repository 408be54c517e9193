# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

.PHONY: run test bench lint install db chromium clean i18n i18n-check

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

db: install
	$(BIN)/assistant db upgrade
	$(BIN)/assistant db demo

run: db
	@echo "Serving on http://$(HOST):$(PORT)  (log in with a demo user above)"
	$(BIN)/uvicorn web.app:create_app --factory --host $(HOST) --port $(PORT) --no-access-log

# Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	@test -x $(CHROMIUM) || { echo "chromium could not be installed at $(CHROMIUM)"; exit 1; }

test: install chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/checker.py
	@if [ -f bench/qa_batch.py ]; then $(BIN)/python bench/qa_batch.py; fi

lint: install
	$(BIN)/ruff check assistant web tests bench

# UI translations: merge each area's _() strings into web/locale/zh_CN/LC_MESSAGES/<area>.po
# (AREA=base|check|sessions|qa|roleplay; all areas when empty), then list what is untranslated.
i18n: install
	$(BIN)/assistant i18n extract $(AREA)

i18n-check: install
	$(BIN)/assistant i18n check $(AREA)

clean:
	rm -rf $(VENV) var/assistant.db var/test-artifacts
