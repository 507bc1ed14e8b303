#!/usr/bin/env bash
# Runs the Swift tests (built already: `swift build --build-tests`) with a deadline, so that a test
# that never ends fails the run with the means to find it instead of holding CI until its own limit.
#
#   scripts/swift-tests.sh [swift test arguments…]
#   SWIFT_TEST_LIMIT=seconds   the deadline (default 1800; a whole run takes 3 to 10 minutes)
#
# On the deadline it prints the tests that started and never ended (Swift Testing's and XCTest's
# own lines, read back from the output), every thread's stack of the test process when gdb is
# installed, then stops the run and fails.
set -uo pipefail

limit=${SWIFT_TEST_LIMIT:-1800}
swift=${SWIFT:-swift}
log=$(mktemp "${TMPDIR:-/tmp}/swift-tests.XXXXXX")
trap 'rm -f "$log"' EXIT

# setsid: the run gets a session of its own, which is what is stopped on the deadline.
setsid -w "$swift" test --skip-build "$@" > >(tee "$log") 2>&1 &
runner=$!

waited=0
while kill -0 "$runner" 2>/dev/null; do
    if [ "$waited" -ge "$limit" ]; then
        echo
        echo "swift-tests: the run is still going after ${limit} s; tests started and not ended:"
        python3 - "$log" <<'EOF'
import re, sys
started, ended = {}, set()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    # Swift Testing: "◇ Test name() started." / "✔ Test name() passed …" / "✘ Test name() failed …"
    m = re.search(r"Test (\S+\(.*?\)) (started|passed|failed|skipped)", line)
    # XCTest: "Test Case 'Suite.name' started at …" / "… passed (…)" / "… failed (…)"
    m = m or re.search(r"Test Case '([^']+)' (started|passed|failed|skipped)", line)
    if not m:
        continue
    name, what = m.groups()
    if what == "started":
        started[name] = started.get(name, 0) + 1
    else:
        started[name] = started.get(name, 0) - 1
for name, count in started.items():
    if count > 0:
        print(f"  {name}")
EOF
        for pid in $(pgrep -f 'PackageTests.xctest|swift-testing' || true); do
            if command -v gdb >/dev/null; then
                echo "swift-tests: threads of process $pid ($(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null | cut -c1-120)):"
                timeout 120 gdb -p "$pid" -batch -nx -ex 'set pagination off' -ex 'thread apply all bt 30' 2>/dev/null \
                    | grep -E '^(Thread|#)' | cut -c1-200
            fi
        done
        # swift test puts the test process in a process group of its own: stop the whole session.
        pkill -TERM -s "$runner" 2>/dev/null
        sleep 5
        pkill -KILL -s "$runner" 2>/dev/null
        exit 1
    fi
    sleep 5
    waited=$((waited + 5))
done
wait "$runner"
status=$?
# The tee behind the process substitution may still be writing the last lines.
sleep 0.2
exit $status
