# `make run` and `make test` set everything up on a fresh machine (README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Development defaults; production sets its own environment (README.md, "Production").
export DJANGO_DEBUG ?= true

.PHONY: run test check install browser-tools pdf-tools messages migrate demo bench clean mutate

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hant --locale en --ignore '.venv/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

migrate: install
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo

# The web server and the worker write their metrics into one folder, emptied before they start.
run: pdf-tools demo
	$(BIN)/python manage.py collectstatic --no-input -v0
	@$(BIN)/python manage.py demo_logins
	rm -rf var/metrics
	PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/var/metrics $(BIN)/honcho -f Procfile.dev start

# The browser tests (tests/browser) drive Debian's Chromium and inject axe-core from npm. Without
# them the browser tests skip, except under CI=true where they fail. Chromium comes from apt-get
# when make runs as root (CI); never from a browser download.
CHROMIUM := /usr/bin/chromium

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; } || true
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; \
	else echo "npm is missing: the accessibility checks of the browser tests will not run"; fi

browser-tools: node_modules/.package-lock.json
	@if [ ! -x $(CHROMIUM) ] || ! command -v zbarimg >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk zbar-tools; \
		else echo "$(CHROMIUM) or zbarimg is missing: browser tests will skip (apt-get install chromium fonts-noto-cjk zbar-tools)"; fi; \
	fi

# Certificate tests turn PDFs into text and images with Debian's poppler-utils (pdftotext, pdftoppm, pdffonts).
# The certificate embeds its fonts (certification/pdf.py): AR PL UMing (fonts-arphic-uming) and Liberation Sans
# (fonts-liberation), the defaults of CERTIFICATE_CJK_FONT and CERTIFICATE_LATIN_FONT; production needs them too.
PDF_FONTS := /usr/share/fonts/truetype/arphic/uming.ttc /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf
pdf-tools:
	@if ! command -v pdftoppm >/dev/null || ! command -v pdffonts >/dev/null || ! ls $(PDF_FONTS) >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils fonts-arphic-uming fonts-liberation; \
		else echo "poppler-utils or the certificate fonts are missing: the certificate PDF tests will skip (apt-get install poppler-utils fonts-arphic-uming fonts-liberation)"; fi; \
	fi

# The tests that start processes of their own (a Celery worker, Chromium, private servers) run one at
# a time after the rest, which share both cores (pytest-xdist: each process has its own database,
# media folder and Redis cache database, and runs the transactional tests last). TESTS narrows both runs with a marker
# expression (.ci/run leaves the worker and browser tests to its PostgreSQL pass).
SERIAL_TESTS := worker or browser or drill
TESTS ?=
test: install browser-tools pdf-tools
	$(BIN)/pytest -n 2 --dist load -m "not ($(SERIAL_TESTS))$(if $(TESTS), and ($(TESTS)))"
	$(BIN)/pytest -m "($(SERIAL_TESTS))$(if $(TESTS), and ($(TESTS)))"

# The rules CI checks (README, "Developers"): layers, lint and format, types, migrations in step.
check: install
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

# The benchmark (README.md, "Benchmark"): PostgreSQL and Redis running, wrk from Debian (installed
# here when make runs as root). BENCH_DATABASE_URL (default .../bcm_bench; the small data set goes to
# <name>_small), BENCH_REDIS_URL (default redis://127.0.0.1:6379/10), BENCH_ARGS (e.g. --quick).
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } || true
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf var/ staticfiles/ .pytest_cache/ node_modules/

# Mutation testing of the central rules (README, "Mutation testing"): mutmut mutates one module at a
# time in a scratch copy (var/mutation/) and runs only that module's tests; the verdicts go to
# mutation/RESULTS.md, which is committed. MODULES narrows the run (paths as in mutation/run.py);
# MUTANTS (with one module) runs only the mutants matching its patterns, e.g. one function's:
#   make mutate MODULES=exams/services/attempts.py MUTANTS='exams.services.attempts.x_do_save_answer*'
MODULES ?=
MUTANTS ?=
mutate: install
	$(BIN)/python mutation/run.py $(MODULES) $(foreach m,$(MUTANTS),--only '$(m)')
