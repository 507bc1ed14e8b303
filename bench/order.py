"""Which of mediad's functions run when it starts, decides, idles and stops, in the order they first
run: the linker's symbol ordering file (link/mediad.order), so that this code sits together.

    bench/make-order.sh        (as root; the release mediad in .build-bench; valgrind)

Why: only the pages of a binary a process touches count in its RSS, but the kernel maps a file's
pages 64 KiB at a time around each one touched (fault-around). Scattered over 19 MB of text, the
few hundred KiB mediad runs kept about 8 MiB of it resident; gathered, far less.

The profile is callgrind's list of functions executed (complete, unlike sampling) in two of the
benchmark's scenarios under umockdev: 20 sticks present at start, then 20 hot-plugged; then (unless
ORDER_UNIT=no) section 8's idle step (bench/run-unit.sh: PostgreSQL, the release mediahub and
mediad-sync of .build-unitbench), whose mediad on its own (started, asked its status through the
socket, idle) still counts as the guard's. Then the marker `mediad_guard_code_end`: where the code
mediad keeps resident ends (IdleMemory gives back the pages after it once other work is done).
After it, the enrolled mediad's functions not already listed: its unit code (enrolment, the
replica's apply, signed records) packed together instead of scattered over the text. valgrind
cannot read the toolchain's DWARF 5, so it runs a copy with the debug sections stripped; the symbol
names are the same. A stale file only orders less well: names it lists that no longer exist are
ignored, functions it misses stay where the linker puts them.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

# Ends the guard's functions: mediad keeps the code before it resident, and gives back what lies
# after it once other work is done (Sources/MediadCore/Runtime/IdleMemory.swift).
MARKER = "mediad_guard_code_end"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BINARY = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build-bench/release/mediad"))
WORK = tempfile.mkdtemp(prefix="mediad-order-", dir=os.environ.get("BENCH_WORK"))
STRIPPED = os.path.join(WORK, "mediad")
subprocess.run(["objcopy", "--strip-debug", BINARY, STRIPPED], check=True)
os.environ["MEDIAD_BIN"] = STRIPPED
os.environ.setdefault("MEDIACTL_BIN", os.path.join(os.path.dirname(BINARY), "mediactl"))
os.environ["BENCH_MEDIAD_WRAP"] = (f"valgrind --tool=callgrind --dump-instr=no --demangle=no "
                                   f"--callgrind-out-file={WORK}/callgrind.%p")
sys.path.insert(0, HERE)
import guard_bench  # noqa: E402  (reads MEDIAD_BIN when imported)


def executed(pattern):
    """Function names in the callgrind profiles whose file names match `pattern`, in the order
    callgrind first names them (files by name: the guard scenarios' `callgrind.PID` first)."""
    seen = {}
    for name in sorted(os.listdir(WORK)):
        if not re.match(pattern, name):
            continue
        with open(os.path.join(WORK, name), errors="replace") as f:
            for line in f:
                match = re.match(r"^c?fn=\(\d+\) (.+)$", line)
                if match:
                    seen.setdefault(match.group(1).strip(), len(seen))
    return sorted(seen, key=seen.get)


def defined_functions(binary):
    out = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    return {parts[2] for parts in (line.split() for line in out.splitlines())
            if len(parts) == 3 and parts[1] in "tTwW"}


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "link", "mediad.order")
    try:
        for present in (True, False):
            scenario = guard_bench.Scenario(20, present=present, work=os.path.join(WORK, f"bed-{present}"))
            try:
                result = scenario.present_run("mediad", 0) if present else scenario.hotplug_run("mediad", 0)
                if not result["complete"]:
                    raise SystemExit(f"order: a scenario did not finish under valgrind: {result}")
            finally:
                scenario.cleanup()
        if os.environ.get("ORDER_UNIT", "yes") != "no":
            def wrap(kind):
                return f"valgrind --tool=callgrind --dump-instr=no --demangle=no --callgrind-out-file={WORK}/callgrind.{kind}.%p"
            env = dict(os.environ, UNIT_ONLY="idle", UNIT_IDLE_SECONDS="5", UNIT_IDLE_RUNS="1", UNIT_MEDIAD_WRAP=wrap("unit"),
                       UNIT_ALONE_WRAP=wrap("alone"), MEDIAD_BIN=STRIPPED)
            env.pop("LD_PRELOAD", None)   # the unit's mediad runs outside the testbed
            env.pop("UMOCKDEV_DIR", None)
            subprocess.run([os.path.join(HERE, "run-unit.sh"), os.path.join(WORK, "unit.json")], env=env, check=True)
            for kind in ("unit", "alone"):
                if not any(name.startswith(f"callgrind.{kind}.") for name in os.listdir(WORK)):
                    raise SystemExit(f"order: the {kind} mediad of the unit step left no profile")
        ours = defined_functions(BINARY)
        if MARKER not in ours:
            raise SystemExit(f"order: {BINARY} does not define {MARKER}")
        guarding = [name for name in executed(r"callgrind\.(\d|alone\.)") if name in ours]
        if len(guarding) < 500:
            raise SystemExit(f"order: only {len(guarding)} functions profiled; is valgrind working?")
        taken = set(guarding)
        names = guarding + [MARKER] + [name for name in executed(r"callgrind\.unit\.") if name in ours and name not in taken]
        with open(target, "w") as f:
            f.write("\n".join(names) + "\n")
        print(f"order: {len(guarding)} functions of the guard, then {MARKER}, {len(names) - len(guarding) - 1} of the unit "
              f"→ {target}", file=sys.stderr)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
