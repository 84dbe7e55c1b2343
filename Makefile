# The front door. `make book` builds everything, `make test` checks everything;
# both create the virtual environment and install the pinned dependencies first.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PATH := $(CURDIR)/$(BIN):$(PATH)
export SOURCE_DATE_EPOCH := 0
export PYTHONHASHSEED := 0
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

RAW := $(wildcard data/raw/*)
PACKAGE := $(shell find src/sonla -type f \( -name '*.py' -o -path '*/rules/*' \) 2>/dev/null)
PROCESSED := data/processed/source_profiles.csv data/processed/claims.csv data/processed/datapackage.json \
  data/processed/findings.csv data/processed/indicators.csv \
  data/processed/ocr_alignment.csv data/processed/ocr_metrics.csv data/processed/ocr_error_classes.csv \
  data/processed/ocr_numbers.csv data/processed/ocr_footnotes.csv data/processed/ocr_repeats.csv \
  data/processed/appendix-ocr.repaired.txt
TEMPLATES := $(wildcard notebooks/*.ipynb) notebooks/runs.yml

##@ Set-up
.PHONY: venv
venv: $(VENV)/.installed ## create .venv and install the pinned dependencies

$(VENV)/.installed: requirements.txt pyproject.toml
	@echo "==> creating $(VENV) with $(PYTHON) and installing requirements.txt"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

##@ Data
.PHONY: verify data
verify: venv ## check every raw file against its sha256 in data/raw/sources.csv
	$(PY) -m sonla.sources

data: verify $(PROCESSED) ## build data/processed/ from the verified raw sources

$(PROCESSED) &: $(RAW) $(PACKAGE) | verify
	$(PY) -m sonla.pipeline

##@ Book
.PHONY: notebooks book html open
notebooks: data ## write the source reader pages, execute the chapters that changed (papermill; JOBS=n)
	$(PY) -m sonla.reader
	$(PY) scripts/run_notebooks.py --jobs $(JOBS)

html: ## build the HTML from the executed notebooks into _build/html
	$(BIN)/jupyter-book build --all -W -n --keep-going .

book: notebooks html ## everything: verify, data, notebooks, HTML (open _build/html/index.html)

open: ## print where the built book is
	@echo "open file://$(CURDIR)/_build/html/index.html"

##@ Checks
.PHONY: test test-unit test-notebooks test-browser lint
test: data ## the whole test suite: unit tests, nbval, browser tests over the HTML, lint
	$(PY) -m pytest -q -m "not browser" tests src/sonla
	$(MAKE) --no-print-directory test-notebooks
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory lint

test-unit: venv ## unit tests and doctests only
	$(PY) -m pytest -q -m "not browser" tests src/sonla

test-browser: venv ## headless Chromium over _build/html (builds the HTML first if it is missing)
	@test -f _build/html/index.html || $(MAKE) --no-print-directory html
	$(PY) -m pytest -q -p no:cacheprovider -m browser tests/test_browser.py

test-notebooks: data ## re-execute the executed notebooks with nbval and compare their outputs
	$(PY) -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval-sanitize.cfg -n $(JOBS) --dist loadfile $$(find book -name '*.ipynb' | sort)

lint: venv ## ruff over the package, scripts and tests
	$(BIN)/ruff check src scripts tests

##@ Housekeeping
.PHONY: clean help
clean: ## remove the built HTML (not the venv, not the committed outputs)
	rm -rf _build

help: ## list the targets
	@awk 'BEGIN {FS = ":.*##"} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z_-]+:.*##/ {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
