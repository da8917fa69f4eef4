# Every target creates .venv on first use; only Python 3 and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test parity bench lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files re-run the install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[playground]'
	touch $@

# The tests also run sweeps on a real Dask LocalCluster and Optuna's TPE: the cluster and
# tune extras are part of the test set-up.
$(VENV)/.dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev,playground,cluster,tune]'
	touch $@

$(VENV)/.parity: pyproject.toml $(VENV)/.dev
	$(BIN)/python -m pip install -q -e '.[dev,playground,cluster,tune,parity]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/glassnet demo --out runs/demo --overwrite

test: $(VENV)/.dev
	$(BIN)/python -m pytest src tests

# Parity tests against PyTorch: installs the pinned CPU build and makes a missing
# torch a failure instead of a skip.
parity: $(VENV)/.parity
	GLASSNET_REQUIRE_TORCH=1 $(BIN)/python -m pytest tests -m parity

bench: $(VENV)/.parity
	$(BIN)/python bench/suite.py

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache runs
