# One command checks everything: `make check` (lint, types, architecture contracts, tests). `make example` runs the shipped month.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: check lint types imports test example bench clean

$(BIN)/appraisal: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

check: lint types imports test

lint: $(BIN)/appraisal
	$(BIN)/ruff check appraisal payroll_export tests bench
	$(BIN)/ruff format --check appraisal payroll_export tests bench

types: $(BIN)/appraisal
	$(BIN)/mypy

# The direction of imports between the stage packages (pyproject.toml, importlinter).
imports: $(BIN)/appraisal
	$(BIN)/lint-imports --no-cache

test: $(BIN)/appraisal
	$(BIN)/python -m pytest -q

example: $(BIN)/appraisal
	rm -f examples/out/example.db
	mkdir -p examples/out
	$(BIN)/appraisal run --month 2026-10 --roster examples/roster.csv --events examples/events.csv \
		--ledger examples/out/example.db --json examples/out/results.json \
		--out examples/out/salary_2026-10.xlsx

bench: $(BIN)/appraisal
	$(BIN)/python bench/evaluate.py
	$(BIN)/python bench/workbook.py
	$(BIN)/python bench/imports.py

clean:
	rm -rf $(VENV) examples/out .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
