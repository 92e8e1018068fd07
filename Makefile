# cuomin — two commands on a fresh machine:  make demo   |   make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: setup system demo test test-fast bench lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel
	$(PIP) install -q -e '.[dev]'
	touch $@

# Debian packages the tests need: chromium (browser tests), LibreOffice (DOC/WPS/ET conversion,
# PDF fixtures), CJK fonts, the KenLM language model for typo scoring.
system:
	bash scripts/install-system-deps.sh

demo: setup
	$(BIN)/cuomin scan examples/site --report reports/demo.html
	@echo "report: $(CURDIR)/reports/demo.html"

test: setup system
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-fast: setup
	$(BIN)/python -m pytest -q -x -m "not browser" $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run_all.py

lint: setup
	$(BIN)/ruff check scanner workers api tests bench

clean:
	rm -rf $(VENV) build *.egg-info reports .pytest_cache
