#!/bin/sh
# Floods on mediad's control socket while sticks are plugged (section 9 of BENCHMARKS.md):
#   bench/run-flood.sh OUT.json [RUNS]
# As bench/run-guard.sh: a private network namespace (net.unix.max_dgram_qlen raised for umockdev),
# the harness under the preload, the fake sysfs on tmpfs, the ledgers under /var/tmp. The flood's
# processes drop the preload and run as the test users (tests/integration/floodbed.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "$1"); shift
bed_dir=$(mktemp -d /dev/shm/mediad-flood-bed.XXXXXX)
work_dir=$(mktemp -d /var/tmp/mediad-flood-work.XXXXXX)
trap 'rm -rf "$bed_dir" "$work_dir"' EXIT INT TERM
chmod 755 "$work_dir"
export TMPDIR="$bed_dir" BENCH_WORK="$work_dir" PYTHONPATH="$here/../tests/integration"
unshare -n sh -c 'sysctl -qw net.unix.max_dgram_qlen=4096 && exec umockdev-wrapper /usr/bin/python3 "$@"' \
    sh "$here/flood_bench.py" "$out" "$@"
