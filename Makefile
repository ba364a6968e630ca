# Trivsel. `make run` serves the demo; `make test` runs the whole suite. Both are idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes (pytest-xdist): auto is one per core; 0 runs the suite in this process.
# worksteal gives each worker a run of whole modules in a row (so module fixtures are mostly
# built once) and lets an idle worker take tests over from a busy one, so neither waits long.
TEST_WORKERS ?= auto

.PHONY: run test lint format bench setup clean translations

# The venv is rebuilt only when pyproject.toml changes.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/trivsel db upgrade
	$(BIN)/trivsel demo --if-empty
	$(BIN)/trivsel codes
	$(BIN)/trivsel serve --host $(HOST) --port $(PORT)

# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: pytest caches its rewritten
# test modules (and the plugins' packages) there, which every worker would redo otherwise.
test: setup
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

# Extract the UI strings and merge them into every catalog; then fill in the new msgstr lines.
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -o survey/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i survey/translations/messages.pot -d survey/translations --no-fuzzy-matching --ignore-obsolete
