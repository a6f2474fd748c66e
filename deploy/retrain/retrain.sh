#!/usr/bin/env bash
# The daily retrain, as any scheduler runs it (edge-recs-retrain.service, retrain.yml, a crontab line):
# `npm run pipeline -- retrain --remote` on a machine with Node ≥ 20.18, a checkout of this repository
# with `npm ci` done, and the admin credential. It trains on the dataset plus the deployed Worker's
# event lake, compares the challenger with the serving release on the most recent events and
# publishes (flips to) it only when it is not worse (docs/data-loop.md, "Retrain: one command").
#
# Environment:
#   EDGE_RECS_URL         the deployed Worker, https://…                               (required)
#   EDGE_RECS_KEY         an admin key (ADMIN_TOKEN or an admin-scoped server key)      (required)
#   RETRAIN_DATA          the dataset folder the releases are trained on               (default data/demo)
#   RETRAIN_RELEASES_DIR  where releases are kept; on the sidecar's host, its SIDECAR_RELEASES_DIR
#                         (default artifacts/releases)
#   RETRAIN_ARGS          extra flags, e.g. "--canary 0.1", "--tolerance 0.03", "--force"
#   RETRAIN_ALLOW_BLIND   1 = run even when the serving release's folder is missing (see below)
#
# Exit status: 0 a release was published (its id is the last line of output); 2 refused — the
# challenger was worse than the serving release or too few users could be compared, so the serving
# release stays (not a failure of the job: the gate did its work; the log says why); anything else
# failed — nothing was flipped unless the log names a published release.
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${EDGE_RECS_URL:?set EDGE_RECS_URL to the deployed Worker (https://…)}"
: "${EDGE_RECS_KEY:?set EDGE_RECS_KEY to an admin key}"
data="${RETRAIN_DATA:-data/demo}"
releases="${RETRAIN_RELEASES_DIR:-artifacts/releases}"

# The serving release is scored from its folder. Without it `retrain` refuses (exit 2, like a
# challenger that is worse) unless --force; this check makes it a failed job instead of a daily
# warning, since a machine that lost the releases folder needs someone to restore it.
serving="$(curl -fsS -H "authorization: Bearer ${EDGE_RECS_KEY}" "${EDGE_RECS_URL%/}/v1/admin/releases" |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).pointer?.current ?? ""));')"
if [ -n "$serving" ] && [ ! -f "$releases/$serving/manifest.json" ]; then
  echo "retrain: the serving release $serving is not in $releases: restore the releases folder (or set RETRAIN_ALLOW_BLIND=1)" >&2
  [ "${RETRAIN_ALLOW_BLIND:-0}" = 1 ] || exit 1
fi

# RETRAIN_ARGS is split into words on purpose (several flags).
# shellcheck disable=SC2086
exec npm run --silent pipeline -- retrain --remote --data "$data" --releases-dir "$releases" ${RETRAIN_ARGS:-}
