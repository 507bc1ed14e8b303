#!/usr/bin/env bash
# `make fuzz`: builds the harnesses with libFuzzer (swiftc -sanitize=fuzzer, -DLIBFUZZER) in their
# own scratch path and runs each target for FUZZ_SECONDS over its seed corpus (fuzz/corpus/<target>).
# New corpus entries and crashes go under FUZZ_OUT, never into the repository: copy an input worth
# keeping into fuzz/corpus/<target>/ by hand (a crash as crash-<what>, with its regression test).
#
#   FUZZ_SECONDS=60           seconds per target
#   FUZZ_TARGETS="netlink …"  the targets (default: every one, `mediad-fuzz list`)
#   FUZZ_OUT=/tmp/mediad-fuzz where each target's corpus/ and crash-* files go
#   FUZZ_FLAGS="-max_len=…"   more libFuzzer flags
#   FUZZ_CONFIG=release       the build configuration: release runs some 15 times as many inputs a
#                             second as debug (Ed25519 and JSON in optimised code), for a longer build
#   SWIFT=swift
#
# Fails when any target crashed, and names the files to replay:
#   .build-fuzz/release/mediad-fuzz fuzz <target> <crash file>   (libFuzzer's replay)
#   .build/debug/mediad-fuzz replay <target> <crash file>      (the ordinary build)
set -uo pipefail
cd "$(dirname "$0")/.."

swift=${SWIFT:-swift}
seconds=${FUZZ_SECONDS:-60}
out=${FUZZ_OUT:-/tmp/mediad-fuzz}
scratch=.build-fuzz
config=${FUZZ_CONFIG:-release}
# Swift's crash handler would take a crash's signal before libFuzzer, which then neither saves the
# input nor fails (mediad-fuzz also resets the signals itself, in LLVMFuzzerInitialize).
export SWIFT_BACKTRACE=enable=no

# The packages are resolved once, in .build; the fuzz build takes them from there, so it needs
# no network (this tree builds from a local mirror).
if [ ! -d "$scratch/checkouts" ] && [ -d .build/checkouts ]; then
    mkdir -p "$scratch"
    cp -a .build/repositories .build/checkouts .build/workspace-state.json "$scratch/" 2>/dev/null || true
fi

echo "fuzz: building mediad-fuzz ($config) with libFuzzer in $scratch"
build=("$swift" build -c "$config" --scratch-path "$scratch" --sanitize fuzzer -Xswiftc -DLIBFUZZER)
"${build[@]}" --product mediad-fuzz || exit 1
fuzzer=$("${build[@]}" --show-bin-path)/mediad-fuzz

targets=${FUZZ_TARGETS:-$("$fuzzer" list | cut -f1)}
failed=()
for target in $targets; do
    mkdir -p "$out/$target/corpus"
    echo "fuzz: $target for ${seconds} s (new inputs in $out/$target/corpus)"
    # The first folder takes what libFuzzer finds; the repository's seeds are only read.
    # -timeout: one input taking longer is a hang, reported as a crash.
    "$fuzzer" fuzz "$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$out/$target/" ${FUZZ_FLAGS:-} "$out/$target/corpus" "fuzz/corpus/$target" \
        > "$out/$target/log" 2>&1
    status=$?
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/$target/log" | sed "s/^/fuzz: $target: /"
    if [ $status -ne 0 ]; then
        failed+=("$target")
        echo "fuzz: $target FAILED (exit $status); the log is $out/$target/log; inputs:"
        ls "$out/$target/" | grep -E "^(crash|timeout|oom|leak|slow-unit)-" | sed "s|^|  $out/$target/|"
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: crashes in: ${failed[*]}"
    exit 1
fi
echo "fuzz: no crash in $(echo $targets | wc -w) targets, ${seconds} s each"
