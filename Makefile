# Build and test the knowledge graph of Drucksache 17/7349.
# `make build` sets up .venv with the pinned dependencies and builds dist/;
# `make test` runs the whole test suite.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: all setup build validate test bench release clean

all: build

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
	touch $@

# axe-core for the accessibility test (npm, into the git-ignored node_modules/);
# without npm the browser tests that need it are skipped.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility test will be skipped"; fi

setup: $(VENV)/.installed node_modules/.installed

build: setup
	$(BIN)/python build.py build

release: build
	$(BIN)/python build.py release

validate: setup
	$(BIN)/python build.py validate

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_endpoint.py
	$(BIN)/python bench/bench_site.py

clean:
	rm -rf dist .pytest_cache tests/artifacts
