# Two commands do everything on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install serve test check lint typecheck unit schema bench clean assets translations wheelhouse

# Reinstall only when the project's dependencies change. Each step says what it does, and pip
# shows the packages as it collects and installs them (the first install takes minutes).
$(STAMP): pyproject.toml
	@echo "==> Installing into $(VENV): the project and its dependencies (a few minutes the first time)"
	@test -x $(BIN)/python || { echo "==> Creating the virtual environment $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> Upgrading pip"
	@$(BIN)/python -m pip install $(PIP_FROM) --quiet --upgrade pip
	@echo "==> Installing customer-profiling and its dependencies with pip"
	@$(BIN)/python -m pip install $(PIP_FROM) -e '.[dev]'
	@touch $(STAMP)
	@echo "==> Installed: $(BIN)/profiling"

install: $(STAMP)

# A closed network without a package index: `make wheelhouse` on a connected machine of the same
# platform and Python collects every wheel the project needs (and what builds it) into
# wheelhouse/; copy the clone with it across, then `make serve OFFLINE=1` or `make test OFFLINE=1`
# installs from that folder only.
WHEELHOUSE ?= wheelhouse
PIP_FROM := $(if $(OFFLINE),--no-index --find-links $(WHEELHOUSE))
wheelhouse:
	@echo "==> Collecting every wheel the project needs into $(WHEELHOUSE)/"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip wheel --wheel-dir $(WHEELHOUSE) pip 'setuptools>=69' wheel '.[dev]'

serve: $(STAMP)
	@echo "==> Serving on http://$(HOST):$(PORT)/graphql (an empty database first gets the demo data and its published months)"
	$(BIN)/profiling serve --demo --no-auth --log-format text --host $(HOST) --port $(PORT)

lint: $(STAMP)
	@echo "==> Lint: ruff format --check and ruff check"
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	@echo "==> Types: mypy --strict"
	$(BIN)/mypy

check: lint typecheck

unit: $(STAMP)
	@echo "==> Tests: pytest (SQLite always; PostgreSQL with TEST_DATABASE_URL, Redis with TEST_REDIS_URL)"
	$(BIN)/pytest

test: check unit

# Re-export the committed SDL after changing the schema.
schema: $(STAMP)
	$(BIN)/profiling export-schema > schema/schema.graphql

# The deck's words (`profiling slides --locale`): extract the messages from the code into the
# template, merge it into every language's catalogue (translate what is new or fuzzy in
# cli/slides/locales/LANG/LC_MESSAGES/deck.po), then compile the catalogues the package ships.
# A new language: $(BIN)/pybabel init -D deck -i $(LOCALES)/deck.pot -d $(LOCALES) -l LANG
LOCALES := cli/slides/locales
translations: $(STAMP)
	$(BIN)/pybabel extract --no-wrap --sort-by-file --project=customer-profiling --version=0.1.0 \
		--msgid-bugs-address= --copyright-holder= -o $(LOCALES)/deck.pot cli/slides analytics/insights.py
	$(BIN)/pybabel update --no-wrap -D deck -i $(LOCALES)/deck.pot -d $(LOCALES)
	$(BIN)/pybabel compile --statistics -D deck -d $(LOCALES)

# Refresh the pages' vendored GraphiQL, React and their licences from the npm registry, at the
# versions pinned in server/pages/refresh_assets.py (needs Node and npm; no node_modules stays).
assets:
	$(PYTHON) server/pages/refresh_assets.py

bench: $(STAMP)
	$(BIN)/python bench/metrics_query.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache profiling.db
