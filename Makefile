# Two commands on a fresh machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip -q --disable-pip-version-check

.PHONY: run test setup lint format check-migrations messages ci clean bench chaos backup restore

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

setup: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_divisions
	$(PY) manage.py seed_demo
	$(PY) manage.py init_dev_pki

## Install, migrate, load divisions and demo data, then serve http://127.0.0.1:8000 with a worker and beat.
run: setup
	$(PY) manage.py run_portal

## The whole test suite (SQLite and the filesystem broker unless DATABASE_URL / CELERY_BROKER_URL are set).
test: $(VENV)/.installed-test
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## Style, the floors (import-linter's contracts in pyproject.toml), module sizes and import cycles.
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) .ci/structure.py

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run

## Recompile the catalogues after editing locale/en (the portal in English) or locale/vi (Django's and the libraries' strings their own Vietnamese lacks); needs GNU gettext.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages -l en -l vi --ignore=.venv

ci:
	.ci/run

## Break things on purpose while 200 bundles are submitted (PostgreSQL + workers); report what was lost.
chaos: $(VENV)/.installed-test
	.ci/services
	$(PY) -m bench.chaos

## Back up the database and the private files into var/backups/<time>/ (or TO=<new folder>).
backup: $(VENV)/.installed
	$(PY) manage.py backup $(if $(TO),--to "$(TO)")

## Restore FROM=<backup folder> into the fresh, empty database DATABASE_URL names, then check it.
restore: $(VENV)/.installed
	@test -n "$(FROM)" || { echo "Cần FROM=<thư mục bản sao lưu>, ví dụ make restore FROM=var/backups/20261129-0100"; exit 2; }
	$(PY) manage.py restore --from "$(FROM)"

clean:
	rm -rf $(VENV) var

## Benchmarks against PostgreSQL and Redis (started if down): `make bench` or `make bench BENCH=submit`.
bench: $(VENV)/.installed-test
	.ci/services
	BENCH=$(BENCH) $(PY) -m bench.run
