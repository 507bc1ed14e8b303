#!/bin/sh
# Regenerates link/mediad.order (see bench/order.py) from the release mediad in .build-bench, under
# umockdev as the benchmarks run it, then enrolled in a unit (the release mediahub and mediad-sync
# of .build-unitbench; ORDER_UNIT=no skips it). As root: bench/make-order.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind > /dev/null || { echo "make-order: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
bed_dir=$(mktemp -d /dev/shm/mediad-order-bed.XXXXXX)
trap 'rm -rf "$bed_dir"' EXIT INT TERM
export TMPDIR="$bed_dir"
# lo up: the unit step's mediad-sync reaches its mediahub on 127.0.0.1.
unshare -n sh -c 'ip link set lo up && sysctl -qw net.unix.max_dgram_qlen=4096 && exec umockdev-wrapper /usr/bin/python3 "$@"' \
    sh "$here/order.py" "$@"
