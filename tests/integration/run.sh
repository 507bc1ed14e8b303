#!/bin/sh
# Runs the umockdev integration tests:  tests/integration/run.sh [test names...]
#   e.g. MEDIAD_BIN=.build-udev/debug/mediad tests/integration/run.sh test_observe
# Needs root (unshare -n), umockdev, gir1.2-umockdev-1.0 and python3-gi for /usr/bin/python3;
# test_journal needs journald and journalctl, test_systemd usbguard's unit (`make deps` installs all).
#
# Why each piece:
# - a private network namespace, so raising net.unix.max_dgram_qlen (umockdev's uevent sender
#   aborts the test once a listener has 10 queued messages at the default) never touches the host;
# - umockdev-wrapper around the test driver itself: without the preload, uevent() fails;
# - a fresh TMPDIR per run: testbeds live there and an aborted one is not cleaned up.
# The last line of output is "N passed, N failed, N skipped: <each skipped test and why>" (CI reads
# the line's start); the exit status is non-zero on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

bin=${MEDIAD_BIN:-.build/debug/mediad}
case $bin in /*) ;; *) bin="$repo/$bin" ;; esac
if [ ! -x "$bin" ]; then
    echo "mediad binary not found at $bin (build it, or set MEDIAD_BIN)" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
export MEDIAD_BIN="$bin"

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/mediad-integration.XXXXXX") || exit 1
driver=
stop_driver() { if [ -n "$driver" ]; then pkill -KILL -s "$driver" 2>/dev/null; fi; }
trap 'stop_driver; rm -rf "$run_dir"' EXIT
trap 'stop_driver; rm -rf "$run_dir"; exit 130' INT TERM
export TMPDIR="$run_dir"

# A session of its own for the driver and all it starts: when the driver dies (an umockdev abort),
# the daemons it started are stopped with it instead of outliving the run.
setsid -w unshare -n sh -c 'sysctl -qw net.unix.max_dgram_qlen=4096 && exec umockdev-wrapper /usr/bin/python3 "$@"' \
    sh "$here/runner.py" "$@" &
driver=$!
wait $driver
status=$?
stop_driver
# A crash of the driver itself (umockdev abort) leaves no summary line: print one.
if [ $status -gt 1 ]; then
    echo "test driver died with status $status"
    echo "0 passed, 1 failed, 0 skipped"
fi
exit $status
