# `make run` and `make test` set everything up on a fresh machine (README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Development defaults; production sets its own environment (README.md, "Production").
export DJANGO_DEBUG ?= true

.PHONY: run test install messages migrate demo bench clean

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

run: demo
	$(BIN)/python manage.py collectstatic --no-input -v0
	@$(BIN)/python manage.py demo_logins
	$(BIN)/honcho -f Procfile.dev start

test: install
	$(BIN)/pytest

clean:
	rm -rf var/ staticfiles/ .pytest_cache/
