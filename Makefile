# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format messages clean bench

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "无法创建虚拟环境：请先安装 python3-venv（apt-get install python3-venv）"; exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(VENV)/.installed $@

# The development server: DEBUG on (plain HTTP, no shared cache, the demo's passwords).
run: export VANGUARD_DEBUG = 1
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/python manage.py load_demo
	@echo "后台任务进程（db_worker）和每5分钟一次的通知调度（send_notifications）与网站一同启动；按 Ctrl-C 同时停止。"
	$(BIN)/python manage.py db_worker --queue-name default & worker=$$!; \
	while true; do $(BIN)/python manage.py send_notifications -v 0 >/dev/null; sleep 300; done & notify=$$!; \
	trap "kill $$worker $$notify 2>/dev/null" EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run -v 0
	$(BIN)/python scripts/check_messages.py
	env -u DATABASE_URL $(BIN)/mypy --no-error-summary
	scripts/run_tests.sh

# The benchmark (bench/run.py): city scale on SQLite and PostgreSQL, writes bench/RESULTS.md.
bench: $(VENV)/.installed-dev
	$(BIN)/python -m pip install -q -e ".[dev,bench]"
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py --scale $(or $(SCALE),city)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

# Regenerate the Chinese (and English) catalogues after changing user-facing strings.
messages: $(VENV)/.installed-dev
	cd vanguard && ../$(BIN)/python ../manage.py makemessages -l zh_Hans --no-obsolete --no-location
	$(BIN)/python manage.py compilemessages -v 0

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media
