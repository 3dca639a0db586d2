# One obvious entry per task. Each target creates what it needs (a virtualenv in .venv/).
# PY=/path/to/python picks the interpreter; else scripts/find-python picks a supported one.
PY ?=
VENV := .venv
BIN := $(VENV)/bin
DEMO ?= $(or $(TMPDIR),/tmp)/solo-demo-vault

.PHONY: demo test bench lint setup clean

# A .venv made by an unsupported Python (e.g. an earlier try with 3.13) is rebuilt.
# The editable install's notice about same-named folders is informational (the layout maps
# core/, sync/, tui/ to solo.*), so it is filtered; every other warning is shown.
$(BIN)/solo: pyproject.toml scripts/find-python
	@py=$$(PY="$(PY)" scripts/find-python) || exit 1; \
	if [ -z "$(PY)" ] && scripts/find-python --check $(BIN)/python; then :; \
	else echo "$$py -m venv --clear $(VENV)"; "$$py" -m venv --clear $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/solo

setup: $(BIN)/solo

tests/interop/node_modules/.installed: tests/interop/package-lock.json
	npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
	touch $@

# Open Solo on a copy of the example vault (the repository's copy is never touched). The
# copy is kept between runs, so what you change survives; DEMO_RESET=1 starts again fresh.
demo: setup
	@case "$$(cd "$(DEMO)" 2>/dev/null && pwd -P)" in "$$(pwd -P)/examples"*) \
	  echo "solo: DEMO=$(DEMO) is inside examples/; choose another folder" >&2; exit 1;; esac
	@if [ -n "$(DEMO_RESET)" ] || [ ! -d "$(DEMO)/.solo" ]; then \
	  rm -rf "$(DEMO)" && cp -r examples/vault "$(DEMO)" && $(BIN)/solo init "$(DEMO)" >/dev/null \
	  && echo "Demo vault: a fresh copy of examples/vault at $(DEMO)"; \
	else echo "Demo vault: $(DEMO) (kept from the last run; DEMO_RESET=1 makes a fresh copy)"; fi
	@echo "Open it again later with: $(BIN)/solo --vault $(DEMO)"
	$(BIN)/solo --vault "$(DEMO)"

# mypy and import-linter see the code as the installed packages solo.core, solo.sync, solo.tui.
TYPECHECK := $(VENV)/typecheck

lint: setup
	$(BIN)/ruff check core sync tui tests
	mkdir -p $(TYPECHECK)/solo && for p in core sync tui; do ln -sfn ../../../$$p $(TYPECHECK)/solo/$$p; done
	cd $(TYPECHECK) && ../bin/mypy --config-file ../../pyproject.toml -p solo.core -p solo.sync -p solo.tui
	cd $(TYPECHECK) && ../bin/lint-imports ../../pyproject.toml

test: setup tests/interop/node_modules/.installed lint
	$(BIN)/python -m pytest -q

# SCALE=10000,30000 runs the scale benchmark (tests/bench/bench_scale.py) at both sizes.
SCALE ?=
bench: setup
	SOLO_BENCH_SCALE=$(SCALE) $(BIN)/python -m pytest -q -s tests/bench -p no:cacheprovider --timeout=7200 -o addopts='' -o python_files='bench_*.py'

clean:
	rm -rf $(VENV) tests/interop/node_modules
