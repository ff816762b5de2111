# The workbook's tasks. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup test lint format report check demo lab bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the project with its test extras (quick when nothing changed)

test: setup  ## run ruff and the whole test suite
	$(BIN)/ruff check analysis tests
	$(BIN)/ruff format --check analysis tests
	$(BIN)/python -m pytest

lint: setup  ## ruff check and format check only
	$(BIN)/ruff check analysis tests
	$(BIN)/ruff format --check analysis tests

format: setup  ## reformat the code with ruff
	$(BIN)/ruff format analysis tests
	$(BIN)/ruff check --fix analysis tests

report: setup  ## the main job: run every notebook on the newest snapshot (or the demo) into reports/latest/
	$(BIN)/workbook run
	@echo "scorecard: $(CURDIR)/reports/latest/index.html"

demo: setup  ## regenerate the synthetic demo snapshot in data/demo/ (seeded: same bytes every time)
	$(BIN)/python -m analysis.snapshot.demo data/demo

lab: setup  ## open JupyterLab on notebooks/ with the project's environment
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: setup  ## time --help, check and the bare imports (ratios, medians of 5) into docs/benchmarks.md
	$(BIN)/python bench/bench.py --markdown docs/benchmarks.md

clean:  ## remove .venv, reports and caches
	rm -rf $(VENV) reports .pytest_cache .ruff_cache
