# Balaikota: `make demo` to try it, `make test` to test it. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: install demo serve test test-postgres lint format eval-router bench bench-intake bench-lookup bench-reads bench-lapor bench-data bench-dashboards bench-cluster bench-peer lock messages clean

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# axe-core for the browser tests' accessibility checks, from the npm registry (pinned in
# package-lock.json); without npm those checks are skipped.
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "npm is not installed: the browser tests will skip their accessibility checks"; fi

install: $(BIN)/.installed node_modules/.package-lock.json

demo: install
	DEBUG=$${DEBUG:-true} $(BIN)/balaikota demo
	DEBUG=$${DEBUG:-true} $(BIN)/balaikota serve --port $(PORT)

test: install
	$(BIN)/pytest -q

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest -q

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	DEBUG=true $(BIN)/mypy src
	DEBUG=true $(BIN)/balaikota makemigrations --check --dry-run
	@if command -v xgettext >/dev/null; then DEBUG=true $(BIN)/balaikota check_messages; \
	else echo "GNU gettext is not installed: the translation check was skipped"; fi

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

eval-router: install
	DEBUG=true $(BIN)/balaikota eval_router

bench: install
	$(BIN)/python bench/run.py

bench-intake: install
	$(BIN)/python bench/run.py --skip-lookup --skip-reads

bench-lookup: install
	$(BIN)/python bench/run.py --skip-intake --skip-reads

bench-reads: install
	$(BIN)/python bench/run.py --skip-intake --skip-lookup --skip-photo

# /lapor's first visit on slow 3G (400 kbit/s, 400 ms) in Debian's Chromium; about 3 minutes.
bench-lapor: install
	$(BIN)/python bench/lapor_3g.py $(BENCH_ARGS)

# A million complaints in their own database (SQLite under /tmp/balaikota-bench, or
# BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_transp), never the dev one.
BENCH_COUNT ?= 1000000
bench-data: install
	$(BIN)/python bench/transparency.py generate --count $(BENCH_COUNT) $(BENCH_ARGS)

bench-dashboards: install
	$(BIN)/python bench/transparency.py measure $(BENCH_ARGS)

# The production topology in network namespaces on this machine (as root): 3 web hosts,
# 2 worker hosts, PostgreSQL + Redis + SeaweedFS, haproxy; kills hosts mid-run. A few minutes.
bench-cluster: install
	@for pkg in haproxy redis-server; do command -v $$pkg >/dev/null || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing; fi
	$(BIN)/python bench/cluster/run.py $(BENCH_ARGS)

# Side by side with another GeoReport v2 server already running on 127.0.0.1 (wrk from
# Debian if installed): make bench-peer PEER_URL=http://127.0.0.1:8000/api/georeport/v2/ PEER_API_KEY=...
bench-peer: install
	$(BIN)/python bench/peer.py --peer-url "$(PEER_URL)" --peer-api-key "$(PEER_API_KEY)" $(BENCH_ARGS)

serve: install
	$(BIN)/balaikota serve --port $(PORT)

lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

messages: install
	cd src/balaikota && DEBUG=true ../../$(BIN)/balaikota makemessages -l id -l en --no-obsolete && DEBUG=true ../../$(BIN)/balaikota compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache node_modules
