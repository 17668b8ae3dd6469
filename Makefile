# Two commands on a fresh machine (Python 3.11, pip, make, git):
#   make run    install from uv.lock, write the demo seller, build everything, serve the reports
#   make test   install from uv.lock, run every test
PYTHON ?= python3
UV := $(PYTHON) -m uv
RUN := $(UV) run --frozen
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
# numpy/statsmodels: BLAS threads fight over the 2 cores and slow everything down.
export OPENBLAS_NUM_THREADS := 1

# Every lane runs on two pytest-xdist workers, one test file per worker at a time (`--dist loadfile`: a module
# fixture such as a thin seller's build is set up once; tests/conftest.py says why not loadgroup). A whole
# parallel run with loadfile passed in 35 min wall against 81 serial (DECISIONLOG 2026-12-03).
PYTEST_WORKERS ?= 2
PYTEST := $(RUN) pytest -n $(PYTEST_WORKERS) --dist loadfile
TEST_ARGS ?=

.PHONY: install run build demo serve test test-unit test-fast dagster docs bench lint clean

install:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv>=0.5"
	$(UV) sync --frozen --compile-bytecode

run: install
	$(RUN) tsw demo
	$(RUN) tsw build
	$(RUN) tsw serve

build: install
	$(RUN) tsw build

demo: install
	$(RUN) tsw demo

serve: install
	$(RUN) tsw serve

# Lanes (README "Tests"): test = everything (CI); test-unit = no build, no demo, no page render: under a
# minute on two quiet cores;
# test-fast = everything but the slow and browser tests (the unit lane plus the built demo warehouse).
test: install
	$(PYTEST) $(TEST_ARGS)

test-unit: install
	$(PYTEST) -m "not slow and not browser and not warehouse"

test-fast: install
	$(PYTEST) -m "not slow and not browser"

dagster: install
	$(RUN) tsw dagster

docs: install
	@# Catalog from a throw-away copy of the published build (docs never wait on, or block, a running build;
	@# the copy is removed afterwards). --static writes one self-contained page that opens from file://.
	@home=$${TSW_HOME:-$(CURDIR)/data}; test -f "$$home/published.duckdb" || { echo "No published build in $$home: run make build first"; exit 1; }; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; cp "$$home/published.duckdb" "$$tmp/docs.duckdb"; \
	cd dbt_project && TSW_WAREHOUSE="$$tmp/docs.duckdb" DBT_PROFILES_DIR=. ../.venv/bin/dbt --quiet docs generate --static \
	  && echo "dbt docs: open dbt_project/target/static_index.html (one file, no server needed)"

# Issue 15's comparisons on one scaled world, each writing its section of benchmarks/RESULTS.md (README
# "Benchmarks"). SCALE = TikTok order lines of the scaled seller; RUNS = runs per figure (median).
# SCALE=1000000 RUNS=1 took 1 h 16 min on two cores (2026-12-03); RUNS=3 about three times that; SCALE=10000000 several hours.
SCALE ?= 1000000
RUNS ?= 3
BENCH_DIR ?= /tmp/tsw-bench
bench: install
	nice -n 10 $(RUN) python benchmarks/run_all.py --scale $(SCALE) --runs $(RUNS) --workdir $(BENCH_DIR)
	$(RUN) python benchmarks/bench_spillover.py
	@echo "bench_spillover_step.py and bench_startup.py need a built warehouse: TSW_HOME=... uv run python benchmarks/<name>.py"

lint: install
	$(RUN) ruff check orchestration streamlit_app tests benchmarks

clean:
	rm -rf data dbt_project/target dbt_project/logs
