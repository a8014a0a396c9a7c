# One command checks everything: `make check` (lint, types, architecture contracts, tests). `make example` runs the shipped month.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# What is installed in $(VENV), each marked by a stamp that pyproject.toml outdates:
# RUNTIME the package and what it needs to run (make example), DEV the development
# tools as well (make check: pytest, mypy, ruff, import-linter: the dev extra).
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev
# Both installs are editable, so .venv/bin/appraisal runs the working tree; setuptools
# says "Editable installation" about every such install, for information only.
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet

.PHONY: check lint types imports test example bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(DEV): pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[dev]'
	touch $@ $(RUNTIME)

check: lint types imports test

lint: $(DEV)
	$(BIN)/ruff check appraisal payroll_export tests bench
	$(BIN)/ruff format --check appraisal payroll_export tests bench

types: $(DEV)
	$(BIN)/mypy

# The direction of imports between the stage packages (pyproject.toml, importlinter).
imports: $(DEV)
	$(BIN)/lint-imports --no-cache

test: $(DEV)
	$(BIN)/python -m pytest -q

example: $(RUNTIME)
	rm -f examples/out/example.db
	mkdir -p examples/out
	$(BIN)/appraisal run --month 2026-10 --roster examples/roster.csv --events examples/events.csv \
		--ledger examples/out/example.db --json examples/out/results.json \
		--out examples/out/salary_2026-10.xlsx

bench: $(DEV)
	$(BIN)/python bench/evaluate.py
	$(BIN)/python bench/workbook.py
	$(BIN)/python bench/imports.py

clean:
	rm -rf $(VENV) examples/out .pytest_cache .mypy_cache .ruff_cache .import_linter_cache

# The message catalogue (appraisal/i18n): extract the msgids from the code, merge them
# into the Chinese catalogue, compile it. Commit the .po and the .mo.
LOCALES := appraisal/i18n/locale
messages: $(DEV)
	$(BIN)/pybabel extract --quiet -F babel.cfg -k _ -k N_ --no-location --sort-output -o $(LOCALES)/appraisal.pot appraisal payroll_export
	$(BIN)/pybabel update --quiet -D appraisal -i $(LOCALES)/appraisal.pot -d $(LOCALES) -l zh --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile --quiet -D appraisal -d $(LOCALES) -l zh
