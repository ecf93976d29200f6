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

setup: $(VENV)/.installed

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

clean:
	rm -rf dist .pytest_cache
