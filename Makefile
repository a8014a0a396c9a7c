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

.PHONY: check lint types imports test example serve bench clean messages bytecode

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

# The packages compiled to bytecode where it is missing or stale, as `pip install` does
# for an installed package: an editable install leaves it to each run, and where
# PYTHONDONTWRITEBYTECODE is set no run writes what it compiled, so every command would
# compile the package again (some 0.1 s at each start).
bytecode: $(RUNTIME)
	$(BIN)/python -m compileall -q appraisal payroll_export

lint: $(DEV)
	$(BIN)/ruff check appraisal payroll_export tests bench
	$(BIN)/ruff format --check appraisal payroll_export tests bench

types: $(DEV)
	$(BIN)/mypy

# The direction of imports between the stage packages (pyproject.toml, importlinter).
imports: $(DEV)
	$(BIN)/lint-imports --no-cache

test: $(DEV) bytecode
	$(BIN)/python -m pytest -q

example: $(RUNTIME) bytecode
	rm -f examples/out/example.db
	mkdir -p examples/out
	$(BIN)/appraisal run --month 2026-10 --roster examples/roster.csv --events examples/events.csv \
		--ledger examples/out/example.db --json examples/out/results.json \
		--out examples/out/salary_2026-10.xlsx

# The web page on a demo month (docs/web.md): examples/web/demo.sh makes the ledger
# examples/out/web.db (2026-09 sealed, a draft of 2026-10 with a 缺卡 day to review) and
# examples/out/users.yaml (the demo logins, which it prints); then the server, on
# 127.0.0.1:8000 (make serve SERVE_PORT=8001 for another port) until Ctrl-C.
SERVE_PORT ?= 8000
serve: $(RUNTIME) bytecode
	APPRAISAL=$(BIN)/appraisal SERVE_PORT=$(SERVE_PORT) sh examples/web/demo.sh
	$(BIN)/appraisal serve --ledger examples/out/web.db --users examples/out/users.yaml \
		--host 127.0.0.1 --port $(SERVE_PORT)

bench: $(DEV) bytecode
	$(BIN)/python bench/evaluate.py
	$(BIN)/python bench/workbook.py
	$(BIN)/python bench/imports.py

clean:
	rm -rf $(VENV) examples/out .pytest_cache .mypy_cache .ruff_cache .import_linter_cache

# The message catalogue (appraisal/i18n): the Chinese texts are kept in parts, a .po
# per area (appraisal/i18n/parts/); this merges them into the one catalogue and compiles
# it (commit both). tests/test_i18n.py fails when it is not rebuilt, or a message the
# code marks with _() or N_() has no Chinese.
messages: $(DEV)
	$(BIN)/python -m appraisal.i18n.catalogue
