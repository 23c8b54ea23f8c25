#!/usr/bin/env bash
# Prepare a checkout: virtualenv, pinned packages, certificate fonts, local .env, database.
#   scripts/setup.sh          runtime packages
#   scripts/setup.sh --dev    plus the test tools
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=requirements.txt
[ "${1:-}" = "--dev" ] && requirements=requirements-dev.txt

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or 3.12 is required (set PYTHON=/path/to/python3.11)." >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtualenv in .venv"
  "$(find_python)" -m venv .venv
fi

# Reinstall only when the pinned requirements change.
stamp=".venv/.installed-$(cat requirements.txt "$requirements" | cksum | cut -d' ' -f1)-${requirements%.txt}"
if [ ! -f "$stamp" ]; then
  echo "==> Installing $requirements"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

echo "==> Fonts for certificates"
.venv/bin/python scripts/assets.py fonts

if [ ! -f .env ]; then
  echo "==> Writing a local .env (a fresh SECRET_KEY; embedded SQLite and filesystem broker)"
  {
    echo "# Local settings for this checkout; never commit. See .env.example for production."
    echo "SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    echo "DEBUG=true"
  } > .env
fi
mkdir -p var/log
