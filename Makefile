# Everyday commands. `make demo` and `make test` do all set-up on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
CHROMIUM := /usr/bin/chromium
# WeasyPrint (the case documents) needs Debian's Pango and the fonts the print stylesheet names.
PANGO := /usr/share/doc/libpangoft2-1.0-0/copyright
FONTS := /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf
DOCUMENT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation fonts-dejavu-core

.PHONY: demo test lint typecheck pytest bench assets clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

$(NPM_STAMP): package.json
	npm install --no-audit --no-fund
	touch $@

assets: $(NPM_STAMP)
	node build/assets.mjs

$(CHROMIUM):
	apt-get update -qq && apt-get install -y -qq chromium

$(PANGO) $(FONTS):
	apt-get update -qq && apt-get install -y -qq $(DOCUMENT_PACKAGES)

demo: $(STAMP) assets $(PANGO) $(FONTS)
	$(BIN)/samverkan demo
	$(BIN)/samverkan serve --host 127.0.0.1 --port 5000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check engine web samverkan_cli

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) assets $(CHROMIUM) $(PANGO) $(FONTS)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP) $(PANGO) $(FONTS)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules web/static/build .setuptools-build dist
