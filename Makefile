# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The main job: an offline review of the bundled sample (every analyzer), written as an HTML report.
demo: $(STAMP)
	$(BIN)/bumba checkpoint notebooks --fail-on none -o reports/sample-review.html

test: $(STAMP)
	$(BIN)/python -m pytest

# Regenerate docs/rules.md and docs/commands.md from the registries (a test checks they are current).
docs: $(STAMP)
	$(BIN)/python -m bumba_magics.docs

bench: $(STAMP)
	$(BIN)/python benchmarks/scan_speed.py

clean:
	rm -rf $(VENV) reports .pytest_cache
