# Quick start: `make demo` writes and summarises a synthetic trading day; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.txt
# The lock holds the exact versions (with hashes) the tests pass with, for every platform;
# pyproject.toml keeps the compatible ranges library users get. pylock.toml (PEP 751) is the
# same lock in the standard format, written from requirements.txt so the two cannot disagree.
COMPILE = $(BIN)/uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
	--python-version 3.11 --quiet -o $(LOCK)
PYLOCK  = $(BIN)/uv pip compile $(LOCK) --universal --python-version 3.11 --quiet -o pylock.toml

.PHONY: demo test lint typecheck pytest bench clean lock upgrade

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-lock after editing pyproject.toml's dependencies (keeps every pin it can).
lock: $(STAMP)
	$(COMPILE)
	$(PYLOCK)

# Refresh the lock to the newest versions pyproject.toml allows, install them, run every check.
upgrade: $(STAMP)
	$(COMPILE) --upgrade
	$(PYLOCK)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	touch $(STAMP)
	$(MAKE) test

demo: $(STAMP)
	rm -rf demo-journal
	$(BIN)/tradejournal --journal demo-journal demo
	$(BIN)/python -m tradejournal.producers.mt5.demo demo-journal
	$(BIN)/python -m tradejournal.producers.telegram.demo demo-journal
	$(BIN)/tradejournal --journal demo-journal verify
	$(BIN)/tradejournal --journal demo-journal tail -n 8 --format table
	$(BIN)/tradejournal --journal demo-journal stats
	$(BIN)/tradejournal --journal demo-journal sql "SELECT symbol, count(*) AS trades, sum(net_pnl) AS net_pnl, round(avg(r_multiple), 2) AS avg_r FROM trades GROUP BY symbol ORDER BY symbol"
	$(BIN)/tradejournal --journal demo-journal sql "SELECT symbol, direction, confidence, status, net_pnl, round(r_multiple, 2) AS r FROM recommendations ORDER BY ts"
	$(BIN)/tradejournal --journal demo-journal sql "SELECT name, n, round(p50_ms, 1) AS p50_ms, round(p95_ms, 1) AS p95_ms, round(max_ms, 1) AS max_ms FROM latency_stats ORDER BY name"
	@echo
	@echo "Try next:"
	@echo "  $(BIN)/tradejournal --journal demo-journal trades"
	@echo "  $(BIN)/tradejournal --journal demo-journal trade 1903396000        # a partial close, trailed"
	@echo "  $(BIN)/tradejournal --journal demo-journal stats --by symbol"
	@echo "  $(BIN)/tradejournal --journal demo-journal stats --mt5"
	@echo "  $(BIN)/tradejournal --journal demo-journal stats --defs"
	@echo "  $(BIN)/tradejournal --journal demo-journal sql \"SHOW TABLES\""

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot see through the editable install's import hook: give it tradejournal/* via symlinks.
PACKAGES := events store projections producers cli

typecheck: $(STAMP)
	mkdir -p .mypy-src/tradejournal
	for p in $(PACKAGES); do ln -sfn ../../$$p .mypy-src/tradejournal/$$p; done
	MYPYPATH=.mypy-src $(BIN)/mypy $(foreach p,$(PACKAGES),-p tradejournal.$(p))

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) demo-journal .pytest_cache .mypy_cache .ruff_cache
