# The workbook's tasks. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# what ruff checks and formats
CODE := analysis tests conftest.py
# pytest-xdist workers (`make test WORKERS=4`); loadfile keeps each file on one worker, so each
# notebook runs once, cell after cell, in one kernel (nbval needs that)
WORKERS ?= 2
XDIST := -n $(WORKERS) --dist loadfile
# what test-fast leaves out: the Monte Carlo calibrations, the notebook kernels and Chromium
FAST := not slow and not notebook and not browser

# as root (a container, CI) JupyterLab refuses to start unless told it may
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help setup test test-fast lint format report check demo warm lab bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# set-up says what it does, step by step, and lets pip show its own progress (no silent minutes)
STEP = @printf '\n==> [%s] %s\n' "$$(date +%H:%M:%S)"
PIP := $(BIN)/python -m pip --disable-pip-version-check

$(STAMP): pyproject.toml
	$(STEP) "set-up 1/3: the virtual environment $(VENV)"
	@test -x $(BIN)/python && echo "$(VENV) is there, kept" || $(PYTHON) -m venv $(VENV)
	$(STEP) "set-up 2/3: upgrading pip"
	$(PIP) install --progress-bar on --upgrade pip
	$(STEP) "set-up 3/3: installing the project and its test extras (a few minutes the first time)"
	$(PIP) install --progress-bar on -e '.[test]'
	@touch $(STAMP)
	$(STEP) "set-up done: $(VENV) is ready (skipped next time unless pyproject.toml changes)"

setup: $(STAMP)  ## create .venv and install the project with its test extras (quick when nothing changed)

test: setup  ## run ruff and the whole test suite, in parallel (what CI runs)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)
	$(BIN)/python -m pytest $(XDIST)

test-fast: setup  ## ruff and every test but the slow calibration, notebook and browser ones (<1 min)
	$(BIN)/ruff check $(CODE)
	$(BIN)/python -m pytest $(XDIST) -m "$(FAST)"

lint: setup  ## ruff check and format check only
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

format: setup  ## reformat the code with ruff
	$(BIN)/ruff format $(CODE)
	$(BIN)/ruff check --fix $(CODE)

report: setup  ## the main job: run every notebook on the newest snapshot (or the demo) into reports/latest/
	$(BIN)/workbook run
	@echo "scorecard: $(CURDIR)/reports/latest/index.html"

demo: setup  ## regenerate the synthetic demo snapshot in data/demo/ (seeded: same bytes every time)
	$(BIN)/python -m analysis.snapshot.demo data/demo

warm: setup  ## keep the analysis stack imported: later runs and checks start at once (Ctrl-C ends it)
	$(BIN)/workbook warm

lab: setup  ## open JupyterLab on notebooks/ with the project's environment
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 $(LAB_ROOT)

# `make bench BENCH=--quick` for a first look (one repetition, scale to 2 articles)
BENCH ?=
bench: setup  ## time runs, reruns, kernels, check and the naive loop (ratios, scale) into docs/benchmarks.md
	$(BIN)/python bench/bench.py --markdown docs/benchmarks.md $(BENCH)

clean:  ## remove .venv, reports and caches
	rm -rf $(VENV) reports .pytest_cache .ruff_cache
