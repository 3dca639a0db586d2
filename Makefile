# One obvious entry per task. Each target creates what it needs (a virtualenv in .venv/).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO ?= $(or $(TMPDIR),/tmp)/solo-demo-vault

.PHONY: demo test bench lint setup clean

$(BIN)/solo: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/solo

setup: $(BIN)/solo

tests/interop/node_modules/.installed: tests/interop/package-lock.json
	npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
	touch $@

# Open Solo on a fresh copy of the example vault (the repository's copy is never touched).
demo: setup
	rm -rf "$(DEMO)" && cp -r examples/vault "$(DEMO)"
	$(BIN)/solo init "$(DEMO)" >/dev/null
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

bench: setup
	$(BIN)/python -m pytest -q -s tests/bench -p no:cacheprovider --timeout=3600 -o addopts=''

clean:
	rm -rf $(VENV) tests/interop/node_modules
