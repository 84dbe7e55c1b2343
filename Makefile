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
# What the data pipeline is made of: the package's top-level modules (paths, sources, schema,
# pipeline), its stage subpackages and the rules. Not the chapters' helpers or the book's build:
# editing a figure or a table of a chapter never re-runs the pipeline.
PIPELINE_CODE := $(wildcard src/sonla/*.py) \
  $(shell find src/sonla/text src/sonla/extract src/sonla/fidelity src/sonla/reconcile src/sonla/rules \
    -type f \( -name '*.py' -o -name '*.yaml' \) 2>/dev/null)
# The pipeline's outputs in data/processed/ are committed; this untracked stamp records that
# they are current for the raw data and the pipeline's code on this machine.
DATA_STAMP := _build/.data.stamp
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
.PHONY: verify data FORCE
# ENGINE=dask runs the pipeline on a Dask LocalCluster (DASK_WORKERS=n worker processes, default:
# one per core) or, with SCHEDULER=tcp://HOST:PORT, on a running cluster; FORCE=1 runs it even
# when the stamp says the outputs are current. Either engine writes the same bytes.
ENGINE ?= serial
PIPELINE_ARGS := --engine $(ENGINE) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) \
  $(if $(DASK_WORKERS),--workers $(DASK_WORKERS))
verify: venv ## check every raw file against its sha256 in data/raw/sources.csv
	$(PY) -m sonla.sources

data: verify $(DATA_STAMP) ## build data/processed/ (only if raw data or pipeline code changed; FORCE=1 always; ENGINE=dask [DASK_WORKERS=n | SCHEDULER=tcp://host:port])

# The pipeline writes a file only when its bytes change (so git and the notebook
# fingerprints see only real changes); the stamp lets the next `make data` skip it.
FORCE:

$(DATA_STAMP): $(RAW) $(PIPELINE_CODE) $(if $(FORCE),FORCE) | verify
	$(PY) -m sonla.pipeline $(PIPELINE_ARGS)
	@mkdir -p $(@D) && touch $@

##@ Book
.PHONY: notebooks book html html-force open
notebooks: data ## write the source reader pages and the per-source _toc.yml entries, execute the chapters that changed (papermill; JOBS=n in parallel)
	$(PY) -m sonla.build.reader
	$(PY) scripts/sync_toc.py
	$(PY) scripts/run_notebooks.py --jobs $(JOBS)

html: venv ## build the HTML into _build/html (strict; only when a page, _toc or _config changed)
	@if $(PY) -m sonla.build.htmlstamp check; then echo "html: up to date (no page, _toc.yml or _config.yml changed)"; \
	else \
	  echo "==> jupyter-book build --all -W -n --keep-going ."; \
	  start=$${EPOCHREALTIME/./}; \
	  $(BIN)/jupyter-book build --all -W -n --keep-going . ; \
	  $(PY) -m sonla.build.htmlstamp record; \
	  t=$$(( ($${EPOCHREALTIME/./} - start) / 100000 )); echo "html: built in $$((t / 10)).$$((t % 10)) s"; \
	fi

html-force: venv ## rebuild the HTML even if nothing changed
	$(PY) -m sonla.build.htmlstamp forget
	$(MAKE) --no-print-directory html

book: notebooks html ## everything: verify, data, notebooks, HTML (open _build/html/index.html)

open: ## print where the built book (and the PDF, once made) is
	@echo "open file://$(CURDIR)/_build/html/index.html"
	@if [ -f _build/pdf/sonla-book.pdf ]; then echo "PDF: $(CURDIR)/_build/pdf/sonla-book.pdf"; fi

##@ PDF
.PHONY: pdf pdf-force
# The single-page build and the print are scripts/build_pdf.py; it skips both when nothing the
# PDF is built from (pages, _toc, _config, _static, data, the script, the commit) changed.
pdf: html $(CHROMIUM) ## print the whole book to _build/pdf/sonla-book.pdf (single-page build, headless Chromium) and copy it into _build/html/
	$(PY) scripts/build_pdf.py

pdf-force: html $(CHROMIUM) ## rebuild the PDF even if nothing changed
	$(PY) scripts/build_pdf.py --force

##@ Checks
.PHONY: test test-unit test-notebooks test-pdf test-browser lint bench
test: data ## the whole test suite: unit tests, nbval on every executed notebook, the PDF, browser tests over the HTML, lint
	$(PY) -m pytest -q -m "not browser and not pdf" tests src/sonla scripts
	$(MAKE) --no-print-directory test-notebooks
	$(MAKE) --no-print-directory test-pdf
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory lint

test-unit: venv ## unit tests and doctests only
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
	$(PY) benchmarks/run_bench.py

##@ Housekeeping
.PHONY: clean help
clean: ## remove the built HTML and PDF (not the venv, not the committed outputs)
	rm -rf _build

help: ## list the targets
	@awk 'BEGIN {FS = ":.*##"} /^##@/ {printf "\n%s\n", substr($$0, 5)} /^[a-zA-Z_-]+:.*##/ {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
