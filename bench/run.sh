#!/bin/sh
# make bench: every benchmark of BENCHMARKS.md in one run, then BENCHMARKS.md itself.
#   bench/run.sh            (as root: unshare, umockdev; the release binaries in .build-bench)
# Environment: BENCH_RUNS (default 5), BENCH_OUT (results directory, default /var/tmp/mediad-bench-results),
# BENCH_ROWS (report ledger size, default 1000000), BENCH_IDLE_SECONDS (default 60),
# BENCH_OFFICER_EVENTS and BENCH_OFFICER_VIOLATIONS (section 7's year of records, default 1000000 and 100000).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
bin="$repo/.build-bench/release"
runs=${BENCH_RUNS:-5}
rows=${BENCH_ROWS:-1000000}
events=${BENCH_OFFICER_EVENTS:-1000000}
violations=${BENCH_OFFICER_VIOLATIONS:-100000}
out=${BENCH_OUT:-/var/tmp/mediad-bench-results}
export MEDIAD_BIN="$bin/mediad" MEDIACTL_BIN="$bin/mediactl"
[ "$(id -u)" = 0 ] || { echo "bench: run as root (unshare, umockdev)" >&2; exit 1; }
for b in mediad mediactl mediad-bench; do [ -x "$bin/$b" ] || { echo "bench: $bin/$b missing (make bench builds it)" >&2; exit 1; }; done
rm -rf "$out"; mkdir -p "$out"
start=$(date +%s)
echo "== 1, 3, 5, 6: mediad and USBGuard under umockdev" >&2
"$here/run-guard.sh" "$out/guard.json" "$runs"
echo "== 3: netlink overflow (real netlink, no umockdev)" >&2
BENCH_WORK="$out" unshare -n /usr/bin/python3 "$here/overflow.py" "$out/overflow.json" 400000
echo "== 2: decision latency in process" >&2
"$bin/mediad-bench" decision --dir "$out" --runs "$runs" > "$out/decision.json"
echo "== 4: reports over $rows rows" >&2
"$bin/mediad-bench" ledger --db "$out/reports.db" --rows "$rows" > "$out/ledger.json"
"$bin/mediad-bench" ledger --db "$out/reports-100k.db" --rows 100000 > /dev/null
"$bin/mediad-bench" reports --db "$out/reports-100k.db" --runs "$runs" > "$out/reports-inproc.json"
BENCH_REPORT_LISTINGS=${BENCH_REPORT_LISTINGS:-media-csv,media-table,violations-csv,violations-table,media-json,violations-json,media-csv-daemon,media-table-daemon,violations-csv-daemon,violations-table-daemon} \
    /usr/bin/python3 "$here/reports_cli.py" "$out/reports.db" "$out/reports-cli.json" "$runs"
echo "== 7: officer reports over a year of records ($events events, $violations violations)" >&2
MEDIAD_BENCH_BIN="$bin/mediad-bench" /usr/bin/python3 "$here/officer_reports.py" "$out/officer-reports.json" \
    --db "$out/officer.db" --runs "$runs" --media 100000 --violations "$violations" --events "$events"
echo "== 9: floods on the control socket while sticks are plugged" >&2
"$here/run-flood.sh" "$out/flood.json" "$runs"
rm -f "$out"/*.db "$out"/*.db-wal "$out"/*.db-shm
end=$(date +%s)
/usr/bin/python3 "$here/report.py" "$out" "$repo/BENCHMARKS.md" "$((end - start))"
echo "bench: wrote BENCHMARKS.md in $((end - start)) s (raw results in $out)" >&2
