# Two commands do everything: `make run` (install + dashboard on the bundled sample), `make test` (install + all tests).
PYTHON ?= python3
PIP := $(PYTHON) -m pip
PORT ?= 8501

.PHONY: install install-dev browser postgres run test lint data docs bench

install:
	$(PIP) install --quiet -r requirements.txt

install-dev:
	$(PIP) install --quiet -r requirements-dev.txt

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`: no downloads here);
# the deployment test puts Debian's nginx in front of the app with the headers of docs/deploy.md.
browser:
	@if command -v chromium >/dev/null 2>&1 && { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }; then \
		echo "chromium: $$(command -v chromium); nginx: $$(command -v nginx || echo /usr/sbin/nginx)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && apt-get install -y -qq chromium nginx-light >/dev/null && echo "chromium and nginx installed"; \
	else echo "WARNING: Chromium or nginx is not installed and cannot be installed here (needs root and apt-get):" \
		"the browser and deployment tests will be reported as SKIPPED, not passed."; fi

# The store's tests run against a real PostgreSQL too: CHAIN_TEST_PG_URL when set, else Debian's local cluster,
# started here with a throwaway test role (chain_test). Where neither exists those tests say SKIPPED.
PG_SQL = su postgres -c
postgres:
	@if [ -n "$$CHAIN_TEST_PG_URL" ]; then echo "postgresql: $$CHAIN_TEST_PG_URL"; \
	elif [ "$$(id -u)" = 0 ] && command -v pg_lsclusters >/dev/null 2>&1 && [ -n "$$(pg_lsclusters -h)" ]; then \
		set -e; cluster="$$(pg_lsclusters -h | head -n 1 | cut -d ' ' -f 1,2)"; \
		pg_ctlcluster $$cluster status >/dev/null 2>&1 || pg_ctlcluster $$cluster start; \
		$(PG_SQL) "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'chain_test'\"" | grep -q 1 || \
			$(PG_SQL) "psql -qc \"CREATE ROLE chain_test LOGIN PASSWORD 'chain_test'\""; \
		$(PG_SQL) "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'chain_test'\"" | grep -q 1 || \
			$(PG_SQL) "createdb -O chain_test chain_test"; \
		echo "postgresql: cluster $$cluster running, tests use chain_test@127.0.0.1/chain_test"; \
	else echo "WARNING: no PostgreSQL cluster here (or not root to start one): the PostgreSQL store tests" \
		"will be reported as SKIPPED, not passed (apt-get install postgresql, or set CHAIN_TEST_PG_URL)."; fi

run: install
	$(PYTHON) -m streamlit run dashboard.py --server.port $(PORT)

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

test: install-dev browser postgres lint
	$(PYTHON) -m pytest

data:
	$(PYTHON) data/make_data.py

docs:
	$(PYTHON) docs/make_docs.py

bench: install-dev
	$(PYTHON) bench/run.py --scale smoke
