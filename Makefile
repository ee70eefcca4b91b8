# OpenPrize: `make run` serves the site with demo data, `make test` runs lint, types and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := app
# The bench drops this database's schema: a throwaway PostgreSQL database (issue 11's figures).
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/openprize_bench

.PHONY: run test lint format bench clean install

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	FLASK_DEBUG=1 $(BIN)/flask db upgrade
	FLASK_DEBUG=1 $(BIN)/flask demo load --if-empty
	@echo "Serving OpenPrize at http://127.0.0.1:5000 (Ctrl-C stops it)"
	FLASK_DEBUG=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python tests/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/run.py --scales 1,2 --database-url $(BENCH_DATABASE_URL)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
