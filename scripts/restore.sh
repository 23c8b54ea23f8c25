#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into an EMPTY database (and optionally the media archive).
#   scripts/restore.sh /backups/cme-20261125T120000Z.dump postgres://user@host/cme_restored [media.tar.gz MEDIA_ROOT]
set -euo pipefail
dump="${1:?usage: scripts/restore.sh DUMP TARGET_DATABASE_URL [MEDIA_ARCHIVE MEDIA_ROOT]}"
target="${2:?give the target database URL (an empty database)}"
pg_restore --no-owner --exit-on-error --dbname "$target" "$dump"
if [ -n "${3:-}" ]; then
  mkdir -p "${4:?give the MEDIA_ROOT to restore into}"
  tar -C "$4" -xzf "$3"
fi
echo "restored $dump into $target"
