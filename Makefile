# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup docs bench clean

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here); `make test`
# installs it when it is missing, so the test command passes on a fresh machine by itself.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The JupyterLab extension is built by `pip install -e`; rebuilt here when its sources change after that
# (a checkout that moved on keeps its venv, and the browser tests refuse a stale build).
LAB_BUILD := bumba_magics/labextension/package.json
$(LAB_BUILD): labextension/package.json $(shell find labextension/src labextension/style -type f 2>/dev/null) | $(STAMP)
	cd labextension && PATH="$(abspath $(BIN)):$$PATH" jlpm install && PATH="$(abspath $(BIN)):$$PATH" jlpm build:prod
	touch $(LAB_BUILD)

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "make: the browser tests need Chromium at $(CHROMIUM); install it (or set CHROMIUM=...)"; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# The main job: an offline review of the bundled sample (every analyzer), written as an HTML report.
demo: $(STAMP)
	$(BIN)/bumba checkpoint notebooks --fail-on none -o reports/sample-review.html

test: $(STAMP) $(LAB_BUILD) $(CHROMIUM)
	$(BIN)/python -m pytest

# Regenerate docs/rules.md and docs/commands.md from the registries (a test checks they are current).
docs: $(STAMP)
	$(BIN)/python -m bumba_magics.docs

bench: $(STAMP)
	$(BIN)/python benchmarks/scan_speed.py

clean:
	rm -rf $(VENV) reports .pytest_cache
