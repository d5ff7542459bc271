# The book's commands. Each sets up its own virtual environment in .venv on first use,
# from requirements.lock (exact versions with hashes), and reuses it afterwards.
#
#   make book       build the HTML site, English and Chinese (/zh/) (checks first; warnings are errors;
#                   _build/html changes only on success)
#   make test       build the book, then run the whole test suite (unit, build, site, browser)
#   make unit       the fast tests: everything that needs no built book (no build, no browser)
#   make check      fast author check of data, schema, references and citations (no build)
#   make serve      build, preview on http://127.0.0.1:8000, rebuild and reload on every change (LANG=zh: the Chinese)
#   make translations  bring locales/ in step with the English chapters (new: untranslated; changed: fuzzy)
#   make linkcheck  check external links (report in _build/linkcheck, not published)
#   make watch      search for new evidence since the last search; update the screening log and notices
#   make bench      clean build vs OLD=<commit>, no-op, one-CSV and prose-only rebuilds; page weight
#   make bench-caches  what each cache layer of the toolkit saves: the bench's paths with that layer disabled
#   make release    cut a version: make release VERSION=2026.12 CLASS=corrections-only SUMMARY="..."
#   make lock       re-resolve requirements.lock after editing requirements.txt
#   make clean      remove _build (and the execution cache with it)

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-from-lock
BUILD  := _build
PYTEST_ARGS ?=

.PHONY: book test unit check serve translations linkcheck watch bench bench-caches release lock clean venv

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "The book needs Python 3.11; found " + sys.version.split()[0] + ". Set PYTHON=/path/to/python3.11.")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# uv installs the lock: it downloads and compiles in parallel, where pip works one package at a time. pip
	@# first installs uv itself, hash-checked, from uv's own entry in the lock (requirements.txt pins it).
	@awk '/^uv==/ {found = 1} found {print} found && !/\\$$/ {exit}' requirements.lock > $(VENV)/uv-requirement.txt
	@test -s $(VENV)/uv-requirement.txt || { echo "requirements.lock pins no uv: add uv to requirements.txt and run make lock" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(VENV)/uv-requirement.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes --no-deps --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	touch $@

check: $(STAMP)
	$(BIN)/reviewkit check

# The check, then the evidence's history (What changed, versions), are read first. `reviewkit build` checks again,
# builds in _build/.staging with warnings as errors (-W -n --keep-going, fixed in reviewkit/publish/__init__.py so no
# variable can drop them) and publishes to _build/html only when the build succeeded.
book: $(STAMP)
	$(BIN)/reviewkit check
	$(BIN)/reviewkit history
	$(BIN)/reviewkit build

# The whole suite: the fast tests on four workers (as `make unit`), then the build, site and browser tests on
# two: one runs everything that shares Chromium, each file's tests stay on one worker (tests/conftest.py).
test: book
	$(BIN)/python -m pytest -m "not build and not site and not browser" -n 4 $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m "build or site or browser" -n 2 --dist loadgroup $(PYTEST_ARGS)

# The markers are declared in pyproject.toml; a test that builds, reads _build/html or drives Chromium
# must carry its marker (tests/conftest.py refuses one that does not).
# Four workers (pytest-xdist) on any machine: most of these tests wait on servers on 127.0.0.1, not on the CPU.
unit: $(STAMP)
	$(BIN)/python -m pytest -m "not build and not site and not browser" -n 4 $(PYTEST_ARGS)

# The author loop: sphinx-autobuild serves the site, rebuilds on every saved change (chapters, data/,
# references.bib, reviewkit/) and reloads the open page. It runs Sphinx with the configuration Jupyter Book
# derives from _config.yml (`jupyter-book config sphinx` writes it to conf.py, which git ignores), into a
# preview of its own (_build/serve: its pages, environment and execution cache), so it never touches the site
# `make book` published in _build/html and switching between the two rebuilds nothing. Restart it after editing _config.yml. -D reviewkit_live_reload lets the pages' Content-Security-Policy
# allow the one reload script sphinx-autobuild adds (reviewkit/sphinx/security/csp.py). -D reviewkit_pdf=0: the preview prints
# no PDF edition on every save (its pages leave out the PDF link); `make book` prints it.
SERVE_IGNORE := _build .git .venv .pytest_cache tests benchmarks conf.py
# LANG=zh previews the Chinese edition (from locales/) instead of the English; one language per preview, so the
# author loop costs what it did. The shell's own LANG (a locale such as C.UTF-8) means English. make hands a LANG
# given on its command line to the commands too, where it names the process's locale: they run under C.UTF-8.
# Both previews share one execution cache: switching language executes nothing again.
SERVE_LANG = $(if $(filter command line,$(origin LANG)),$(if $(filter zh zh_CN zh-Hans,$(LANG)),zh_CN,$(if \
	$(filter en,$(LANG)),en,$(error unknown language LANG=$(LANG): the book's editions are en (English) and zh \
	(中文); use make serve LANG=zh))),en)
SERVE_DIR = $(BUILD)/serve$(if $(filter zh_CN,$(SERVE_LANG)),/zh)
serve: $(STAMP)
	LANG=C.UTF-8 $(BIN)/reviewkit check
	LANG=C.UTF-8 $(BIN)/jupyter-book config sphinx . >/dev/null
	LANG=C.UTF-8 $(BIN)/sphinx-autobuild . $(SERVE_DIR)/html --doctree-dir $(SERVE_DIR)/.doctrees --nitpicky \
		-D language=$(SERVE_LANG) -D nb_execution_cache_path=$(CURDIR)/$(BUILD)/serve/.jupyter_cache \
		-D reviewkit_live_reload=127.0.0.1:8000 -D reviewkit_pdf=0 \
		--host 127.0.0.1 --port 8000 $(foreach path,$(SERVE_IGNORE),--ignore "$(CURDIR)/$(path)")

translations: $(STAMP)
	$(BIN)/reviewkit translations

linkcheck: $(STAMP)
	$(BIN)/reviewkit linkcheck

watch: $(STAMP)
	$(BIN)/reviewkit watch

# OLD: the commit whose clean build the working tree's is compared with (default: the last commit, HEAD).
OLD ?= HEAD
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --old $(OLD)

# Each cache layer of the toolkit disabled in turn, in a private copy (LAYER="check memo": only that one).
bench-caches: $(STAMP)
	$(BIN)/python benchmarks/caches.py $(if $(LAYER),--layer "$(LAYER)")

# Empty variables are asked for interactively (on a terminal) or refused.
release: $(STAMP)
	$(BIN)/reviewkit release --version "$(VERSION)" --classification "$(CLASS)" --summary "$(SUMMARY)" $(if $(DATE),--date "$(DATE)")

lock: $(STAMP)
	$(BIN)/python -m uv pip compile requirements.txt --universal --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(BUILD)
