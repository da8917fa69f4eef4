# Every target creates .venv on first use; only Python 3 and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test chromium parity bench lint clean mutation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files re-run the install only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[playground,excel,sklearn]'
	touch $@

# The tests also run sweeps on a real Dask LocalCluster and Optuna's TPE: the cluster and
# tune extras are part of the test set-up.
$(VENV)/.dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[dev,playground,excel,cluster,tune]'
	touch $@

$(VENV)/.parity: pyproject.toml $(VENV)/.dev
	$(BIN)/python -m pip install -q -e '.[dev,playground,cluster,tune,parity]'
	touch $@

# numba (extra "fast") compiles the one-pass optimiser updates; without it the readable
# NumPy rules run, about 1.4x slower on an MNIST epoch.
$(VENV)/.fast: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[fast]'
	touch $@

demo: $(VENV)/.fast
	$(BIN)/glassnet demo --out runs/demo --overwrite

test: $(VENV)/.dev chromium
	$(BIN)/python -m pytest src tests

# The browser tests (the report's layout, the playground) drive Debian's Chromium headless
# through the playwright package of the dev extra, never its own browser downloads.
# Installed here when missing and apt-get can; without it those tests skip and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium is not installed: the browser tests will be skipped"

# Parity tests against PyTorch: installs the pinned CPU build and makes a missing
# torch a failure instead of a skip.
parity: $(VENV)/.parity
	GLASSNET_REQUIRE_TORCH=1 $(BIN)/python -m pytest tests -m parity

$(VENV)/.bench: pyproject.toml $(VENV)/.parity
	$(BIN)/python -m pip install -q -e '.[dev,parity,bench,fast]'
	touch $@

# Users' machines do not set the OpenBLAS variables, so the benchmark unsets them.
bench: $(VENV)/.bench
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(BIN)/python bench/suite.py --floor --threads 1,all

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache runs

# Mutation testing (README, "Develop"): mutmut 3 mutates the functions named here, of the
# files [tool.mutmut] lists, and runs the tests that reach each mutant; `mutmut results`
# lists the survivors, `mutmut show NAME` the change.
MUTANTS := "glassnet.engine.regularizers.*" "glassnet.data.dataset.x_training_ratio*" \
	"glassnet.data.dataset.x_train_test_split*" "glassnet.data.dataset.xǁDatasetǁsubset*" \
	"glassnet.report.run.x__confusion_tables*" "glassnet.report.run.x_history_rows*"
$(VENV)/.mutation: pyproject.toml $(VENV)/.dev
	$(BIN)/python -m pip install -q -e '.[dev,playground,excel,mutation]'
	touch $@

mutation: $(VENV)/.mutation
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/mutmut results
