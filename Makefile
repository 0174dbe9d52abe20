# Only python3 and make are needed: every target sets up its own .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
DECKS := $(BIN)/decks

.PHONY: decks check preview browser test lint typecheck bench release stories stories-check rehearse clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# Stamps re-run the install whenever the declared dependencies change.
$(VENV)/.runtime: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -c constraints.txt -e .
	touch $@

$(VENV)/.test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.runtime

decks: $(VENV)/.runtime
	$(DECKS) build

check: $(VENV)/.runtime
	$(DECKS) check --strict

preview: $(VENV)/.runtime
	$(DECKS) preview

lint: $(VENV)/.test
	$(BIN)/ruff check builder tests benchmarks
	$(BIN)/ruff format --check builder tests benchmarks
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline --quiet .github/workflows

typecheck: $(VENV)/.test
	$(BIN)/mypy

# The preview's browser test drives Debian's Chromium: install it when it is missing
# (as root, or through sudo), so `make test` alone sets up everything it needs.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: $(VENV)/.test lint typecheck browser
	$(BIN)/pytest

bench: $(VENV)/.runtime
	$(BIN)/python benchmarks/bench_build.py

# PREVIOUS=folder-with-the-last-release's-manifests writes release notes against it.
release: $(VENV)/.runtime
	$(DECKS) release $(if $(PREVIOUS),--previous $(PREVIOUS))

# Your own STAR stories (stories/ is private: see docs/STORIES.md).
stories: $(VENV)/.runtime
	$(DECKS) stories build

stories-check: $(VENV)/.runtime
	$(DECKS) stories check

rehearse: $(VENV)/.runtime
	$(DECKS) stories rehearse

clean:
	rm -rf dist .pytest_cache .mypy_cache .ruff_cache
