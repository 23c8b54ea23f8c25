#!/usr/bin/env bash
# One command to try the service on a laptop: set up, load demo data, run web + worker.
# Embedded default: SQLite and a filesystem broker, nothing else to install.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

PORT="${PORT:-8000}"
# Verification links and QR codes point at this server unless .env or the environment says otherwise.
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:${PORT}}"
python=.venv/bin/python
$python manage.py migrate --noinput
$python manage.py collectstatic --noinput --verbosity 0
$python manage.py demo_data

echo "==> Starting a Celery worker with beat (log: var/log/worker.log)"
.venv/bin/celery -A cme worker --beat --concurrency 2 --loglevel INFO \
  --schedule var/celerybeat-schedule >> var/log/worker.log 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM

cat <<MSG

  CME credit service: http://127.0.0.1:${PORT}/
  API docs:           http://127.0.0.1:${PORT}/api/docs/
  Admin:              http://127.0.0.1:${PORT}/admin/

  Demo logins (password for all: $($python manage.py demo_data --print-password)):
    clinician (MD):   clinician@demo.cme.test
    nurse (NP):       nurse@demo.cme.test
    CME staff:        staff@demo.cme.test
    accreditation:    accreditation@demo.cme.test

  Grand rounds is about to start: sign in as the clinician and check in at
  http://127.0.0.1:${PORT}/checkin/ with the code $($python manage.py demo_data --print-checkin-code)

MSG
$python manage.py runserver "127.0.0.1:${PORT}"
