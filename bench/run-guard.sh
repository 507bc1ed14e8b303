#!/bin/sh
# The daemon benchmarks (mediad against USBGuard) under umockdev:  bench/run-guard.sh OUT.json [RUNS]
# - a private network namespace, so net.unix.max_dgram_qlen can be raised without touching the host
#   (umockdev delivers uevents over unix datagram sockets);
# - the harness itself under the preload (umockdev-wrapper);
# - the fake sysfs (umockdev's testbed, in TMPDIR) on tmpfs, because real sysfs lives in memory: on
#   ext4 every `authorized` write (O_TRUNC) would cost both daemons a truncate and a writeback;
# - ledgers, USBGuard's state and logs on disk (BENCH_WORK under /var/tmp), where a real ledger lives.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "$1"); shift
bed_dir=$(mktemp -d /dev/shm/mediad-bench-bed.XXXXXX)
work_dir=$(mktemp -d /var/tmp/mediad-bench-work.XXXXXX)
trap 'rm -rf "$bed_dir" "$work_dir"' EXIT INT TERM
export TMPDIR="$bed_dir" BENCH_WORK="$work_dir"
unshare -n sh -c 'sysctl -qw net.unix.max_dgram_qlen=4096 && exec umockdev-wrapper /usr/bin/python3 "$@"' \
    sh "$here/guard_bench.py" "$out" "$@"
