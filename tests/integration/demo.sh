#!/bin/sh
# make demo: the administrator's story on fake USB hardware (umockdev), in a private network
# namespace, with the real mediad and mediactl. Needs root. DEMO_LANG=en for English output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export MEDIAD_BIN="${MEDIAD_BIN:-$repo/.build/debug/mediad}"
export MEDIACTL_BIN="${MEDIACTL_BIN:-$repo/.build/debug/mediactl}"
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/mediad-demo.XXXXXX") || exit 1
trap 'rm -rf "$run_dir"' EXIT INT TERM
export TMPDIR="$run_dir"
cd "$here" && unshare -n sh -c 'sysctl -qw net.unix.max_dgram_qlen=4096 && exec umockdev-wrapper /usr/bin/python3 demo.py'
