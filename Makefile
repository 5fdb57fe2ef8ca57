# `make dev` runs the service with demo data; `make test` runs every check. Both build .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The PWA's lint and format tools (ESLint, Prettier): package.json's devDependencies, by npm ci.
NODE_BIN := node_modules/.bin
NODE_STAMP := node_modules/.package-lock.json
# Before the first ESLint/Prettier command: without them, say how to get them (not the shell's
# "No such file or directory").
NODE_TOOLS_CHECK = @test -x $(NODE_BIN)/eslint && test -x $(NODE_BIN)/prettier || \
	{ echo "ESLint/Prettier not installed: run npm ci (needs Node.js and npm)" >&2; exit 1; }
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install dev test lint format serve clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Only `make lint`/`make format` need them: a server without npm still installs (and says so).
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --include=dev --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the PWA's ESLint and Prettier are not installed (make lint needs them)"; fi

install: $(STAMP) $(NODE_STAMP)

dev: install
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi perisai demo --skip-if-not-empty
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT) --debug

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(NODE_TOOLS_CHECK)
	$(NODE_BIN)/eslint frontend eslint.config.js
	$(NODE_BIN)/prettier --check frontend eslint.config.js

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(NODE_TOOLS_CHECK)
	$(NODE_BIN)/prettier --write frontend eslint.config.js
	$(NODE_BIN)/eslint --fix frontend eslint.config.js

test: lint
	$(BIN)/python -m pytest --cov=perisai --cov-branch --cov-report=term:skip-covered $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage
