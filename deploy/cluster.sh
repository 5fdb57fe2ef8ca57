#!/usr/bin/env bash
# Start a whole Perisai cluster on this machine (nginx, two gunicorn app servers, PgBouncer in
# transaction mode, PostgreSQL database perisai_cluster, two Celery workers and beat on Redis,
# moto_server as S3), print where each listens, and stop everything on exit. The work is done
# by benchmarks/cluster.py; this wrapper only makes sure that, however the shell ends (Ctrl-C,
# SIGTERM, the terminal closing), the cluster's stop runs and nothing is left behind.
#
#   deploy/cluster.sh [--port-base 18400] [--keep-logs]
#   deploy/cluster.sh --load-test [load_test options]   # e.g. --seconds 20 --agents 20
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--load-test" ]]; then
    shift
    command=(.venv/bin/python -m benchmarks.load_test --cluster "$@")
else
    command=(.venv/bin/python -m benchmarks.cluster "$@")
fi

"${command[@]}" &
child=$!
# Forward the signal; the Python side stops its processes in order, then exits.
trap 'kill -TERM "$child" 2>/dev/null || true' INT TERM HUP
status=0
wait "$child" || status=$?
# `wait` returns early when a trapped signal arrives: wait again for the real end.
while kill -0 "$child" 2>/dev/null; do
    wait "$child" || status=$?
done
exit "$status"
