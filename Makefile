# Quick start: `make demo` writes and summarises a synthetic trading day; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf demo-journal
	$(BIN)/tradejournal --journal demo-journal demo
	$(BIN)/tradejournal --journal demo-journal verify
	$(BIN)/tradejournal --journal demo-journal tail -n 8 --format table

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot see through the editable install's import hook: give it tradejournal/* via symlinks.
typecheck: $(STAMP)
	mkdir -p .mypy-src/tradejournal
	ln -sfn ../../events .mypy-src/tradejournal/events
	ln -sfn ../../store .mypy-src/tradejournal/store
	MYPYPATH=.mypy-src $(BIN)/mypy -p tradejournal.events -p tradejournal.store

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) demo-journal .pytest_cache .mypy_cache .ruff_cache
