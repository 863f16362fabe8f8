# gonghui: every tool this project needs is installed from here; nothing by hand.
# `make demo` sets up and serves the demo; `make test` runs the whole suite on SQLite
# and on a PostgreSQL server it starts itself; `make check` adds ruff and mypy.

SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
PYTHON ?= python3
UV := $(PYTHON) -m uv
RUN := $(UV) run --frozen
GONGHUI := $(RUN) gonghui
SCALE ?= small
PYTEST_ARGS ?=

.PHONY: help setup tools system-deps demo test test-sqlite test-postgres check lint typecheck bench app clean

help:
	@echo "make demo   安装依赖、迁移、导入湖州行政区划和演示数据，并在 127.0.0.1:8000 启动"
	@echo "make test   全部测试：SQLite 一遍，PostgreSQL 一遍（含 Chromium 页面测试）"
	@echo "make check  ruff + mypy + make test"
	@echo "make bench  基准测试"
	@echo "make app NAME=visits [TITLE=走访记录] [AREA=activities]  按项目约定生成新模块"

tools:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory system-deps

setup: tools
	$(UV) sync --frozen --quiet
	npm ci --no-audit --no-fund --loglevel=error
	$(GONGHUI) vendor

# Debian packages the tests need, installed when missing (as root; otherwise we say what is missing).
SYSTEM_PACKAGES := postgresql chromium fonts-noto-cjk nodejs npm
system-deps:
	@missing=""; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing (run make as root, or install them)"; \
	  fi; \
	fi

demo: setup
	$(GONGHUI) migrate --noinput -v 0
	DEBUG=1 $(GONGHUI) demo-setup --scale $(SCALE)
	$(GONGHUI) collectstatic --noinput -v 0
	GONGHUI_HTTPS=0 GONGHUI_REPORTS_TODAY=2023-07-01 GONGHUI="$(GONGHUI)" bash scripts/demo-serve.sh

test: setup system-deps
	@bash scripts/run-tests.sh $(PYTEST_ARGS)

test-sqlite: setup
	$(RUN) pytest $(PYTEST_ARGS)

test-postgres: setup system-deps
	bash scripts/with-postgres.sh $(RUN) pytest $(PYTEST_ARGS)

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports

typecheck: setup
	$(RUN) mypy gonghui config bench

check: lint typecheck test

# Each benchmark prints its table and writes bench/results/<name>.json (see bench/README.md).
# (bench.dispatch measures the configured database; here, a fresh PostgreSQL with the city
# data set.)
BENCHMARKS := import_members approvals load nearest
bench: setup system-deps
	@for b in $(BENCHMARKS); do $(RUN) python -m bench.$$b || exit $$?; done
	$(RUN) python -m bench.dispatch --fresh-postgres --scale city

# A new module in the house style (docs/architecture.md, "Adding a module").
TITLE ?=
AREA ?= activities
app: setup
	@test -n "$(NAME)" || { echo "用法：make app NAME=visits [TITLE=走访记录] [AREA=activities]"; exit 2; }
	$(GONGHUI) startmodule "$(NAME)" --title "$(TITLE)" --area "$(AREA)"

clean:
	rm -rf var/static var/vendor var/screenshots .mypy_cache .ruff_cache
