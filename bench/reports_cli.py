"""Section 4 end to end: mediactl's listings over a large ledger, time to first and to last byte on
its stdout (a pipe, read as fast as it comes), from the moment mediactl is started.

    python3 bench/reports_cli.py LEDGER.db OUT.json [RUNS]
"""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MEDIACTL = os.environ.get("MEDIACTL_BIN", os.path.join(REPO, ".build-bench/release/mediactl"))

LISTINGS = {
    "media-csv": ["media", "list", "--format", "csv"],
    "media-table": ["media", "list", "--format", "table"],
    "violations-csv": ["violations", "list", "--format", "csv"],
    "violations-table": ["violations", "list", "--format", "table"],
}


def once(db, args):
    t0 = time.monotonic()
    proc = subprocess.Popen([MEDIACTL, "--db", db, "--lang", "en", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    fd = proc.stdout.fileno()
    first = None
    total = 0
    lines = 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        if first is None:
            first = time.monotonic()
        total += len(chunk)
        lines += chunk.count(b"\n")
    last = time.monotonic()
    proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"mediactl {' '.join(args)}: {proc.stderr.read().decode()}")
    with open(f"/proc/self/status") as f:
        pass
    return {"first_byte_s": (first or last) - t0, "last_byte_s": last - t0, "bytes": total, "lines": lines}


def peak_rss_kb(db, args):
    """mediactl's peak RSS for one listing (GNU time is not assumed: getrusage of the child)."""
    before = os.wait4
    proc = subprocess.Popen([MEDIACTL, "--db", db, "--lang", "en", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    del before
    return usage.ru_maxrss


def spread(values):
    s = sorted(values)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {"median": med, "min": s[0], "max": s[-1], "runs": n, "values": values}


def main():
    db, out = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    wanted = os.environ.get("BENCH_REPORT_LISTINGS", ",".join(LISTINGS)).split(",")
    results = {}
    for name in wanted:
        args = LISTINGS[name]
        samples = [once(db, args) for _ in range(runs)]
        results[name] = {"first_byte_s": spread([s["first_byte_s"] for s in samples]),
                         "last_byte_s": spread([s["last_byte_s"] for s in samples]),
                         "bytes": samples[0]["bytes"], "lines": samples[0]["lines"],
                         "peak_rss_kb": peak_rss_kb(db, args)}
        print(f"mediactl {name}: first byte {results[name]['first_byte_s']['median']:.2f} s, "
              f"last byte {results[name]['last_byte_s']['median']:.2f} s", file=sys.stderr, flush=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
