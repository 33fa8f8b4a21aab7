# cuba62 build/CI entry points. GNU make.
#   make run     start the Streamlit app (PORT=8501 by default)
#   make serve   serve the app to a class on the local network (PORT=8501; see README)
#   make test    ruff + mypy + lint-imports + pytest (browser tests need Chromium; CI=true makes it mandatory)
#   make lint    ruff + mypy + lint-imports (the layering in .importlinter) only
#   make bench   benchmarks/run_all.py
#   make clean   remove the venv and caches
# Interpreter: found by tools/find-python (>= 3.12), or give it: make PYTHON=/path/to/python3.12

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?=
PORT ?=
PYTEST_ARGS ?=

VENV := .venv
VPY  := $(VENV)/bin/python
PIP  := $(VPY) -m pip install -q

.PHONY: help venv venv-dev run serve test lint bench chromium clean

help:
	@sed -n 's/^#   //p' Makefile

# The venv itself. An existing .venv made with Python >= 3.12 is kept (unless PYTHON names
# a different minor version); otherwise it is (re)created with the interpreter that
# tools/find-python picks, or with $(PYTHON) when given.
$(VENV)/.created:
	@set -e; \
	py=; \
	if [ -n '$(PYTHON)' ]; then py=$$(tools/find-python '$(PYTHON)') || exit 1; fi; \
	ver() { "$$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }; \
	if [ -x $(VPY) ] && $(VPY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	   && { [ -z "$$py" ] || [ "$$(ver $(VPY))" = "$$(ver "$$py")" ]; }; then \
	    echo "using existing $(VENV) ($$($(VPY) -V))"; \
	else \
	    [ -n "$$py" ] || py=$$(tools/find-python) || exit 1; \
	    echo "creating $(VENV) with $$py ($$("$$py" -V))"; \
	    "$$py" -m venv --clear $(VENV) || { echo "could not create $(VENV) with $$py (on Debian: apt-get install python3-venv or python3.12-venv)" >&2; exit 1; }; \
	    $(PIP) --upgrade pip; \
	fi; \
	touch $@

$(VENV)/.installed-run: $(VENV)/.created pyproject.toml
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.created pyproject.toml
	$(PIP) -e '.[dev,distributed]'
	@touch $@ $(VENV)/.installed-run

venv: $(VENV)/.installed-run
venv-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed-run
	@PORT='$(PORT)' tools/run-app

serve: $(VENV)/.installed-run
	@PORT='$(PORT)' tools/serve

chromium:
	@tools/ensure-chromium

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check sim ui classroom tests benchmarks
	$(VENV)/bin/mypy sim ui classroom
	$(VENV)/bin/lint-imports --no-cache

test: $(VENV)/.installed-dev chromium
	$(VENV)/bin/ruff check sim ui classroom tests benchmarks
	$(VENV)/bin/mypy sim ui classroom
	$(VENV)/bin/lint-imports --no-cache
	$(VPY) -m pytest -q -ra $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	@if [ -f benchmarks/run_all.py ]; then $(VPY) benchmarks/run_all.py; else echo "no benchmarks yet"; fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
