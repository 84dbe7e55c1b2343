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
PROCESSED := data/processed/source_profiles.csv
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

data: verify $(PROCESSED) ## build data/processed/ from the verified raw sources (only if raw data or code changed)

# The pipeline writes a file only when its bytes change; the touch records that
# the outputs are current, so the next `make data` skips the pipeline.
$(PROCESSED) &: $(RAW) $(PACKAGE) | verify
	$(PY) -m sonla.pipeline
	@touch $(PROCESSED)

##@ Book
.PHONY: notebooks book html html-force open
notebooks: data ## execute the chapters that changed (papermill; JOBS=n in parallel)
	$(PY) scripts/run_notebooks.py --jobs $(JOBS)

html: venv ## build the HTML into _build/html (strict; only when a page, _toc or _config changed)
	@if $(PY) -m sonla.htmlstamp check; then echo "html: up to date (no page, _toc.yml or _config.yml changed)"; \
	else \
	  echo "==> jupyter-book build --all -W -n --keep-going ."; \
	  start=$${EPOCHREALTIME/./}; \
	  $(BIN)/jupyter-book build --all -W -n --keep-going . ; \
	  $(PY) -m sonla.htmlstamp record; \
	  t=$$(( ($${EPOCHREALTIME/./} - start) / 100000 )); echo "html: built in $$((t / 10)).$$((t % 10)) s"; \
	fi

html-force: venv ## rebuild the HTML even if nothing changed
	$(PY) -m sonla.htmlstamp forget
	$(MAKE) --no-print-directory html

book: notebooks html ## everything: verify, data, notebooks, HTML (open _build/html/index.html)

open: ## print where the built book is
	@echo "open file://$(CURDIR)/_build/html/index.html"

##@ Checks
.PHONY: test test-unit test-notebooks lint bench
test: data ## the whole test suite: unit tests, nbval on every executed notebook, lint
	$(PY) -m pytest -q tests src/sonla
	$(MAKE) --no-print-directory test-notebooks
	$(MAKE) --no-print-directory lint

test-unit: venv ## unit tests and doctests only
	$(PY) -m pytest -q tests src/sonla

test-notebooks: data ## re-execute the executed notebooks with nbval and compare their outputs
	$(PY) -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval-sanitize.cfg -n $(JOBS) --dist loadfile $$(find book -name '*.ipynb' | sort)

lint: venv ## ruff over the package, scripts, tests and benchmarks
	$(BIN)/ruff check src scripts tests benchmarks

bench: data ## run every benchmark in benchmarks/ (slow; writes data/bench/); `make test` never runs them
	$(PY) -m pytest -q -p no:cacheprovider benchmarks || test $$? -eq 5  # 5: no pytest benchmarks yet
	$(PY) benchmarks/run_bench.py

##@ Housekeeping
.PHONY: clean help
clean: ## remove the built HTML (not the venv, not the committed outputs)
	rm -rf _build

help: ## list the targets
	@awk 'BEGIN {FS = ":.*##"} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z_-]+:.*##/ {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
