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

# Every step is a subcommand of the package's `sonla` command (src/sonla/cli.py), run with this
# environment's Python (`python -m sonla`): its errors end in one `error: …` line and exit status 1.
SONLA := $(PY) -m sonla
TEMPLATES := $(wildcard notebooks/*.ipynb) notebooks/runs.yml

##@ Set-up
.PHONY: venv
# A copied project (cp -a, .venv included) still imports the original's package (the editable
# install points back to it): `venv` reinstalls it from this checkout before anything runs.
venv: $(VENV)/.installed ## create .venv and install the pinned dependencies
	@origin=$$($(PY) -c 'import importlib.util as u, os; print(os.path.realpath(u.find_spec("sonla").origin))' \
	  2>/dev/null || true); \
	if [ -f src/sonla/__init__.py ] && [ "$$origin" != "$$(realpath src/sonla/__init__.py)" ]; then \
	  if [ -L $(VENV) ]; then \
	    echo "error: $(VENV) links to an environment that imports sonla from $$origin, not this checkout; remove the link and run make venv" >&2; exit 1; \
	  fi; \
	  echo "==> $(VENV) imports sonla from $$origin: reinstalling the package from $(CURDIR)"; \
	  $(PY) -m pip install --quiet --no-deps --no-build-isolation -e . ; \
	fi

$(VENV)/.installed: requirements.txt pyproject.toml
	@echo "==> creating $(VENV) with $(PYTHON) and installing requirements.txt"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "==> $@ missing: installing Debian's chromium with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "error: $@ is missing; install Debian's chromium (sudo apt-get install chromium)" >&2; exit 1; \
	fi

##@ Data
.PHONY: verify data
verify: venv ## check every raw file against its sha256 in data/raw/sources.csv
	$(SONLA) verify

# `sonla data` verifies the raw data, then runs the pipeline only when the raw data, the pipeline's
# code or rules (not the chapters' helpers) or the requirements changed, or an output in
# data/processed/ is missing or not what the last run wrote (checked against datapackage.json);
# the outputs are published as one set, each file written only when its bytes change.
# ENGINE=dask runs it on a Dask LocalCluster (DASK_WORKERS=n worker processes, default: one per
# core) or, with SCHEDULER=tcp://HOST:PORT, on a running cluster. Either engine writes the same bytes.
ENGINE ?= serial
data: venv ## build data/processed/ from the verified raw sources when it is not current (FORCE=1: always; ALLOW_EMPTY=1: a table may lose every row; ENGINE=dask [DASK_WORKERS=n | SCHEDULER=tcp://host:port])
	$(SONLA) data $(if $(FORCE),--force) $(if $(ALLOW_EMPTY),--allow-empty) --engine $(ENGINE) \
	  $(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(if $(DASK_WORKERS),--workers $(DASK_WORKERS))

##@ Book
.PHONY: notebooks book html html-force open
notebooks: data ## write the source reader pages and the per-source _toc.yml entries, execute the chapters that changed, remove the ones no run declares (papermill; JOBS=n in parallel)
	$(SONLA) reader
	$(SONLA) toc
	$(SONLA) notebooks --jobs $(JOBS)

html: venv ## build the HTML into _build/html (strict; only when a page, _toc or _config changed; removes pages no chapter makes)
	$(SONLA) html

html-force: venv ## rebuild the HTML even if nothing changed
	$(SONLA) html --force

book: notebooks html ## everything: verify, data, notebooks, HTML (open _build/html/index.html)

open: ## print where the built book (and the PDF, once made) is
	@echo "open file://$(CURDIR)/_build/html/index.html"
	@if [ -f _build/pdf/sonla-book.pdf ]; then echo "PDF: $(CURDIR)/_build/pdf/sonla-book.pdf"; fi

##@ PDF
.PHONY: pdf pdf-force
# The single-page build and the print are `sonla pdf` (src/sonla/build/pdf.py); it skips both when
# nothing the PDF is built from (pages, _toc, _config, _static, data, the code, the commit) changed.
pdf: html $(CHROMIUM) ## print the whole book to _build/pdf/sonla-book.pdf (single-page build, headless Chromium) and copy it into _build/html/
	$(SONLA) pdf

pdf-force: html $(CHROMIUM) ## rebuild the PDF even if nothing changed
	$(SONLA) pdf --force

##@ Checks
.PHONY: test test-fast test-unit test-notebooks test-pdf test-browser lint bench
test: venv ## the whole test suite: lint first, then unit and slow tests, nbval on every executed notebook, the PDF, browser tests over the HTML
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory data
	$(PY) -m pytest -q -m "not browser and not pdf" tests src/sonla scripts
	$(MAKE) --no-print-directory test-notebooks
	$(MAKE) --no-print-directory test-pdf
	$(MAKE) --no-print-directory test-browser

test-fast: data ## the inner loop: unit tests and doctests without slow tests, nbval, the PDF or a browser
	$(PY) -m pytest -q -m "not browser and not pdf and not slow" tests src/sonla scripts

test-unit: data ## unit tests, doctests and the slow tests (no nbval, PDF or browser)
	$(PY) -m pytest -q -m "not browser and not pdf" tests src/sonla scripts

test-pdf: pdf ## check the PDF: a section per chapter, every figure, links, page numbers, metadata (makes the PDF first)
	$(PY) -m pytest -q -p no:cacheprovider -m pdf tests/test_pdf.py

test-browser: html $(CHROMIUM) ## headless Chromium over _build/html (builds the HTML first if a page changed)
	$(PY) -m pytest -q -p no:cacheprovider -m browser tests/test_browser.py

test-notebooks: data ## re-execute the executed notebooks with nbval and compare their outputs
	$(PY) -m pytest -q -p no:cacheprovider --nbval --nbval-current-env \
	  --nbval-sanitize-with tests/nbval-sanitize.cfg -n $(JOBS) --dist loadfile $$(find book -name '*.ipynb' | sort)

lint: venv ## ruff over the package, scripts, tests and benchmarks
	$(BIN)/ruff check src scripts tests benchmarks

bench: data ## run every benchmark in benchmarks/ (slow; writes data/bench/); `make test` never runs them
	$(PY) -m pytest -q -p no:cacheprovider benchmarks || test $$? -eq 5  # 5: no pytest benchmarks yet
	$(SONLA) bench

##@ Housekeeping
.PHONY: clean help
clean: ## remove the built HTML and PDF (not the venv, not the committed outputs)
	rm -rf _build

help: ## list the targets
	@awk 'BEGIN {FS = ":.*##"} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z_-]+:.*##/ {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
