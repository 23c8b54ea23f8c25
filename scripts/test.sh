#!/usr/bin/env bash
# One command to set everything up and run the whole test suite on PostgreSQL, Redis and Chromium.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/accounts -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev

port_open() { .venv/bin/python -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 1)" 2>/dev/null; }

if ! port_open 5432; then
  echo "==> Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
if ! port_open 6379; then
  echo "==> Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do port_open 5432 && port_open 6379 && break; sleep 1; done
port_open 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
port_open 6379 || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> Installing Debian's Chromium for the browser tests"
  apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
fi
.venv/bin/python scripts/assets.py axe
.venv/bin/python manage.py collectstatic --noinput --verbosity 0

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "==> pytest"
.venv/bin/python -m pytest -n "${TEST_WORKERS:-auto}" --dist loadgroup "$@"
