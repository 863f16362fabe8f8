#!/usr/bin/env bash
# The whole suite twice: on SQLite, then on a real PostgreSQL server started for the run.
set -uo pipefail
cd "$(dirname "$0")/.."
RUN="python3 -m uv run --frozen"
status=0
echo "== SQLite =="
$RUN pytest "$@" || status=$?
echo "== PostgreSQL =="
bash scripts/with-postgres.sh $RUN pytest "$@" || status=$?
exit $status
