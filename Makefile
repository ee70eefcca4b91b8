# OpenPrize: `make run` serves the site with demo data, `make test` runs lint, types and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := app
# The bench drops this database's schema: a throwaway PostgreSQL database (issue 11's figures).
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/openprize_bench

.PHONY: run test lint format bench clean install translations

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

# Extract every marked string, update each language's catalog (new messages come in empty, unused
# ones go), compile. Then translate the empty entries in core/translations/<lang>/LC_MESSAGES.
I18N := core/translations
translations: $(STAMP)
	$(BIN)/pybabel -q extract --no-wrap --ignore-dirs '.* __pycache__' -F $(I18N)/babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
		--no-location --sort-output --project OpenPrize -o $(I18N)/messages.pot .
	$(BIN)/pybabel -q update -i $(I18N)/messages.pot -d $(I18N) --no-fuzzy-matching --no-wrap \
		--ignore-obsolete
	$(BIN)/pybabel -q compile -d $(I18N)

bench: $(STAMP)
	$(BIN)/python bench/run.py --scales 1,2 --database-url $(BENCH_DATABASE_URL)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
