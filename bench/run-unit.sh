#!/bin/sh
# The unit's benchmarks (BENCHMARKS.md section 8):  bench/run-unit.sh [OUT.json]
# Without OUT.json (as make bench runs it, after bench/run.sh): writes unit.json into BENCH_OUT
# (default /var/tmp/mediad-bench-results) and, when bench/run.sh's results are there, renders
# BENCHMARKS.md again with them (bench/report.py, section 8 from bench/unit_report.py).
# A throwaway PostgreSQL cluster (initdb as the postgres user, Unix socket only, default durability),
# the release mediahub on it, unit-bench's 5,000 simulated computers, two release mediad for the idle
# comparison; everything in one work folder on disk (/var/tmp: PostgreSQL's fsyncs are real), all of
# it stopped and removed on exit, failure or interrupt. Settings: see bench/unit_bench.py (UNIT_*).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
results=${BENCH_OUT:-/var/tmp/mediad-bench-results}
if [ $# -ge 1 ]; then out=$(realpath -m "$1"); render=no; else mkdir -p "$results"; out="$results/unit.json"; render=yes; fi
[ "$(id -u)" = 0 ] || { echo "run-unit: run as root (initdb as postgres, unshare)" >&2; exit 1; }
work=$(mktemp -d /var/tmp/mediad-unit-bench.XXXXXX)
chmod 0755 "$work"
pid=
cleanup() {
    status=$?
    trap - EXIT INT TERM
    # The orchestrator runs in a process group of its own (setsid): mediahub, mediad, mediad-sync
    # and unit-bench are its children, ended together by that group's id.
    if [ -n "$pid" ]; then kill -TERM -- "-$pid" 2>/dev/null || true; sleep 1; kill -KILL -- "-$pid" 2>/dev/null || true; fi
    if [ -f "$work/pg/data/postmaster.pid" ]; then
        pg_ctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)
        runuser -u postgres -- "$pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT INT TERM
setsid /usr/bin/python3 "$here/unit_bench.py" "$work" "$out" &
pid=$!
wait "$pid"
pid=
if [ "$render" = yes ] && [ -f "$results/guard.json" ]; then
    /usr/bin/python3 "$here/report.py" "$results" "$repo/BENCHMARKS.md"
    echo "run-unit: wrote $out and BENCHMARKS.md" >&2
else
    # Without bench/run.sh's results beside it, BENCHMARKS.md is left alone (it would lose sections 1-7).
    echo "run-unit: wrote $out" >&2
fi
