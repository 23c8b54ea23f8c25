#!/usr/bin/env bash
# Back up the database (pg_dump custom format) and the media folder (certificate and report PDFs).
#   DATABASE_URL=postgres://... MEDIA_ROOT=/data/media scripts/backup.sh /backups
set -euo pipefail
dest="${1:?usage: scripts/backup.sh DEST_DIR}"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
pg_dump --format=custom --no-owner --file "$dest/cme-$stamp.dump" "$DATABASE_URL"
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$dest/cme-media-$stamp.tar.gz" .
fi
echo "$dest/cme-$stamp.dump"
