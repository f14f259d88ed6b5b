# Two commands do everything: `make run` (install + dashboard on the bundled sample), `make test` (install + all tests).
PYTHON ?= python3
PIP := $(PYTHON) -m pip
PORT ?= 8501

.PHONY: install install-dev browser run test lint data docs bench

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

run: install
	$(PYTHON) -m streamlit run dashboard.py --server.port $(PORT)

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

test: install-dev browser lint
	$(PYTHON) -m pytest

data:
	$(PYTHON) data/make_data.py

docs:
	$(PYTHON) docs/make_docs.py

bench: install-dev
	$(PYTHON) bench/run.py --scale smoke
