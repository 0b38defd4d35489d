# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev translations check-translations bench bench-platform lint e2e-deps oidc-deps a11y-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml setup.py $(wildcard portal/results/equal_shares/*.c portal/results/equal_shares/*.h) | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml setup.py $(wildcard portal/results/equal_shares/*.c portal/results/equal_shares/*.h) | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# The compiled catalogues, remade only when a catalogue changed (the compile starts the app).
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

$(COMPILED) &: $(CATALOGUES) | $(VENV)/.installed
	$(FLASK) translations compile

install: $(VENV)/.installed $(COMPILED)

install-dev: $(VENV)/.installed-dev $(COMPILED)

## make run: install, migrate, load demo data (once), serve on http://127.0.0.1:5000
# Served by gunicorn, as in production (one process, threads like the development server's),
# so that the start prints no development-server warning; beside it the worker, which sends
# the mail and prepares the PDF and DOCX files (stopped with the server, by its PID).
# `demo load` returns at once when the database already holds the demo; with --guide it then
# prints the addresses and where to begin (`flask demo guide` prints that again).
# The demo has three communities: Bakhmut's (COMMUNITY_CODE) is served without a prefix, the
# others under /zvenyhorodka/ and /talne/. `make run DEFAULT_COMMUNITY=` serves none there:
# the platform's front page lists them instead.
run: export DEFAULT_COMMUNITY ?= $(or $(COMMUNITY_CODE),UA14020010000053517)
run: install
	@$(FLASK) db upgrade
	@PUBLIC_URL="$${PUBLIC_URL:-http://$(HOST):$(PORT)}" $(FLASK) demo load --guide
	@export PUBLIC_URL="$${PUBLIC_URL:-http://$(HOST):$(PORT)}"; \
	  $(FLASK) worker & worker=$$!; \
	  trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(BIN)/gunicorn --workers 1 --threads 8 --bind $(HOST):$(PORT) --log-level warning \
	    'portal:create_app()'

## make test: install the development dependencies and run the whole suite
test: install-dev e2e-deps oidc-deps a11y-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium; install it when missing and we are allowed to.
# The protocol's PDF is read back with poppler-utils (pdftotext, pdffonts) and embeds
# DejaVu Serif from fonts-dejavu-core. WeasyPrint subsets fonts with HarfBuzz's subset
# library (libharfbuzz-subset0) and warns, which the suite treats as an error, without it.
e2e-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: sudo apt-get install -y chromium"; fi; }
	@{ command -v pdftotext >/dev/null 2>&1 && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] \
	   && ldconfig -p | grep -q libharfbuzz-subset; } || { \
	  if [ "$$(id -u)" = "0" ]; then apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq poppler-utils fonts-dejavu-core libharfbuzz-subset0 >/dev/null; \
	  else echo "missing: sudo apt-get install -y poppler-utils fonts-dejavu-core libharfbuzz-subset0"; fi; }

# The e-ID tests' second OpenID provider, node-oidc-provider, installed from its lock file
# into tests/eid/oidc-provider/node_modules (git-ignored). Without Node.js or npm's registry
# those tests are skipped, saying why.
OIDC_PROVIDER := tests/eid/oidc-provider

oidc-deps: $(OIDC_PROVIDER)/node_modules/.package-lock.json

$(OIDC_PROVIDER)/node_modules/.package-lock.json: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
	  || echo "npm ci failed: the e-ID tests against node-oidc-provider will be skipped"; \
	else echo "npm is missing: apt-get install -y nodejs npm (the e-ID tests against node-oidc-provider are skipped)"; fi

# The page sweep's checkers (tests/e2e/test_pages_valid.py): html-validate and axe-core,
# installed from their lock file into tests/a11y/node_modules (git-ignored); the sweep reads
# them from there and fetches nothing while it runs. Without Node.js it is skipped.
A11Y_TOOLS := tests/a11y

a11y-deps: $(A11Y_TOOLS)/node_modules/.package-lock.json

$(A11Y_TOOLS)/node_modules/.package-lock.json: $(A11Y_TOOLS)/package.json $(A11Y_TOOLS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(A11Y_TOOLS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
	  || echo "npm ci failed: the page sweep (html-validate, axe-core) will be skipped"; \
	else echo "npm is missing: apt-get install -y nodejs npm (the page sweep is skipped)"; fi

## make translations: extract messages and update translations/uk and translations/en
translations: $(VENV)/.installed
	$(FLASK) translations update

check-translations: $(VENV)/.installed
	$(FLASK) translations check

## make bench: the benchmarks of tests/bench, figures written to tests/bench/results/
# (all but the platform's, which has its own target: half an hour and 5 GB)
bench: install-dev
	@for script in tests/bench/bench_*.py; do \
	  [ "$$script" = tests/bench/bench_platform.py ] && continue; \
	  echo "== $$script"; $(BIN)/python $$script || exit 1; done

## make bench-platform: one community on a platform of 200 against the same one alone
# (tests/bench/results/platform.md; about half an hour, 5 GB of PostgreSQL). Smaller:
# make bench-platform BENCH_COMMUNITIES=20
bench-platform: install-dev
	$(BIN)/python tests/bench/bench_platform.py

lint: install-dev
	$(BIN)/ruff check portal tests migrations config.py

clean:
	rm -rf $(VENV) instance/portal.sqlite3* tests/artifacts $(OIDC_PROVIDER)/node_modules \
	  $(A11Y_TOOLS)/node_modules
