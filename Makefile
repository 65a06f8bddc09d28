# riskcards: two set-up commands, each installing what it needs into ./.venv
#   make demo   - log the demo model to a local MLflow store and release it (out: ./demo-out)
#   make test   - run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= demo-out
PYTEST_ARGS ?=

.PHONY: demo test lint bench clean system-deps

# WeasyPrint needs Pango (and HarfBuzz-Subset to subset fonts). Debian images usually have
# Pango; install what is missing when we are root with apt-get, else say what to install.
SYSTEM_LIBS := libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
               libharfbuzz-subset.so.0:libharfbuzz-subset0 libfontconfig.so.1:fontconfig
# The browser test (tests/render/test_browser.py) lays the HTML out in headless Chromium.
# The fleet tests and bench (tests/fleet, bench/) run an mlflow server on PostgreSQL.
# Only `make test` and `make bench` install these; `make demo` needs WeasyPrint's libraries only.
SYSTEM_TOOLS := chromium:chromium pg_ctlcluster:postgresql
TOOLS :=
test bench: TOOLS = $(SYSTEM_TOOLS)
system-deps:
	@missing=""; for pair in $(SYSTEM_LIBS); do \
	  lib=$${pair%%:*}; pkg=$${pair##*:}; \
	  ldconfig -p 2>/dev/null | grep -q "$$lib" || missing="$$missing $$pkg"; \
	done; \
	[ -z "$$missing" ] || fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	for pair in $(TOOLS); do \
	  tool=$${pair%%:*}; pkg=$${pair##*:}; \
	  command -v "$$tool" >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing for WeasyPrint and the tests:$$missing"; \
	    (apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null)); \
	  else \
	    echo "WeasyPrint and the tests need:$$missing (sudo apt-get install$$missing)"; \
	  fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@ $(VENV)/.runtime-installed

demo: system-deps $(VENV)/.runtime-installed
	$(BIN)/riskcards demo --out $(OUT)

test: system-deps $(VENV)/.test-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check riskcards tests bench scripts
	$(BIN)/ruff format --check riskcards tests bench scripts
	$(BIN)/mypy riskcards

bench: system-deps $(VENV)/.test-installed
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) $(OUT) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
