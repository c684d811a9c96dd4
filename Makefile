# orbitwatch: two commands do everything on a machine with only Python 3.11+.
#   make demo   install, load the bundled real sample, run the main job on it
#   make test   install, then lint, type-check, check the architecture and run every test

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DB ?=

.PHONY: install demo test lint check-all clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/orbitwatch $(if $(DEMO_DB),--db $(DEMO_DB)) ingest --sample || test $$? -eq 1
	$(BIN)/orbitwatch $(if $(DEMO_DB),--db $(DEMO_DB)) catalog --group military
	$(BIN)/orbitwatch $(if $(DEMO_DB),--db $(DEMO_DB)) catalog --group resource

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
