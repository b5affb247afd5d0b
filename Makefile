# Askwell: `make run` serves the app with a demo organization; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL used by `make test` when it answers (override, or set ASKWELL_TEST_POSTGRES_URL).
ASKWELL_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.PHONY: run test lint fuzz bench load eval chromium clean help
# `make load`: DB=sqlite|postgresql, USERS (default 50 on SQLite, 200 on PostgreSQL), DURATION (s).
DB ?= sqlite
USERS ?=
DURATION ?= 120
PG_URL ?= $(ASKWELL_TEST_POSTGRES_URL)
# Examples per operation, role (member, admin) and mode (valid, invalid input) for `make fuzz`.
FUZZ_EXAMPLES ?= 25
# Empty: SQLite; set to a PostgreSQL server URL to fuzz on PostgreSQL.
FUZZ_DATABASE_URL ?=

help:
	@echo "make run    - set up .venv, migrate, load the demo organization, serve on http://$(HOST):$(PORT)"
	@echo "make test   - set up .venv with dev tools and run ruff + the test suite on SQLite and PostgreSQL"
	@echo "make fuzz   - schemathesis over every /api/v1 operation as a member and an admin (FUZZ_EXAMPLES=$(FUZZ_EXAMPLES))"
	@echo "make bench  - run the benchmarks and write docs/benchmarks.md"
	@echo "make load   - locust headless against a served demo (DB=$(DB) USERS=... DURATION=$(DURATION)); writes docs/benchmarks.md"
	@echo "make eval   - run the evaluations on ../shared/data and write docs/evaluation.md"

# torch is installed first from its CPU build; a bare requirement would pull a multi-GB CUDA build.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: $(BIN)/.installed
	$(BIN)/askwell db upgrade
	$(BIN)/askwell demo --if-empty
	$(BIN)/askwell serve --host $(HOST) --port $(PORT)

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: $(BIN)/.installed-dev chromium lint
	@echo "== tests on SQLite"
	ASKWELL_TEST_DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(ASKWELL_TEST_POSTGRES_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "== tests on PostgreSQL"; \
	  ASKWELL_TEST_DATABASE_URL=$(ASKWELL_TEST_POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS); \
	else \
	  echo "== PostgreSQL does not answer at $(ASKWELL_TEST_POSTGRES_URL): PostgreSQL run skipped"; \
	  if [ -n "$$ASKWELL_REQUIRE_POSTGRES" ]; then echo "ASKWELL_REQUIRE_POSTGRES is set: failing"; exit 1; fi; \
	fi

# The test in `make test` with more examples; prints operations, examples, statuses and failures.
fuzz: $(BIN)/.installed-dev
	ASKWELL_TEST_DATABASE_URL=$(FUZZ_DATABASE_URL) ASKWELL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/api/test_fuzz.py \
	  -k test_api_conforms_to_its_schema -s -q -p no:cacheprovider

bench: $(BIN)/.installed-dev
	$(BIN)/python -m benchmarks

load: $(BIN)/.installed-dev
	DB=$(DB) USERS=$(USERS) DURATION=$(DURATION) PG_URL=$(PG_URL) $(BIN)/python -m benchmarks.load.run

eval: $(BIN)/.installed
	$(BIN)/askwell eval coaching --labels ../shared/data/asks/smart_dev.jsonl --rules-only --report docs/evaluation.md
	for n in 1 2 3 4 5 6 7; do \
	  $(BIN)/askwell eval coaching --labels data/asks/smart_fresh$$n.jsonl --rules-only --report docs/evaluation.md \
	    --section coaching-fresh$$n || exit 1; done
	$(BIN)/askwell eval coaching --loso --report docs/evaluation.md
	$(BIN)/askwell eval success --train ../shared/data/raop/dev.jsonl --report docs/evaluation.md
	$(BIN)/askwell eval routing --site ../shared/data/stackexchange/beer --report docs/evaluation.md
	$(BIN)/askwell eval network --data ../shared/data/networks/CollegeMsg.txt --report docs/evaluation.md
	for s in beer ai bioinformatics iot; do \
	  $(BIN)/askwell eval rings --site ../shared/data/stackexchange/$$s --report docs/evaluation.md || exit 1; \
	done

clean:
	rm -rf $(VENV) askwell.db askwell.db-wal askwell.db-shm .pytest_cache .ruff_cache
