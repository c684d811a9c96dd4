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

OW = $(BIN)/orbitwatch $(if $(DEMO_DB),--db $(DEMO_DB))

# The main job: load the bundled real sample, list the watched groups, then the overflight warning
# for Seoul over the 24 hours after the sample's newest epoch, with a ground-track map; then what
# changed: the launch of SHENZHOU-23 between two snapshots, where it was launched from, and the
# manoeuvres of military and earth-resources satellites in the sample's last days.
SAMPLE = src/orbitwatch/io/bundled/sample
demo: $(STAMP)
	$(OW) ingest --sample || test $$? -eq 1
	$(OW) catalog --group military
	$(OW) overflights --site Seoul --group military --group resource --start epoch --hours 24 \
		--tz Asia/Seoul --map out/seoul-overflights.png
	@echo "ground-track map: out/seoul-overflights.png"
	$(OW) diff $(SAMPLE)/2026-05-24 $(SAMPLE)/2026-05-25
	$(OW) launch-estimate 69180 --top 3
	$(OW) manoeuvres --group military --group resource --since 2026-05-26

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
