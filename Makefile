# Two commands do everything on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install serve test check lint typecheck unit schema bench clean

# Reinstall only when the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/profiling serve --demo --no-auth --log-format text --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck

unit: $(STAMP)
	$(BIN)/pytest

test: check unit

# Re-export the committed SDL after changing the schema.
schema: $(STAMP)
	$(BIN)/profiling export-schema > schema/schema.graphql

bench: $(STAMP)
	$(BIN)/python bench/metrics_query.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache profiling.db
