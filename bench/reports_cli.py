"""Section 4 end to end: mediactl's listings over a large ledger, time to first and to last byte on
its stdout (a pipe, read as fast as it comes), from the moment mediactl is started.

    python3 bench/reports_cli.py LEDGER.db OUT.json [RUNS]

Listings named `…-daemon` ask a running mediad instead of reading the file (`--socket`): the
daemon prints them and streams them back. It is started here on the same ledger, in audit mode with
no lockdown and in a network namespace of its own (`unshare -n`), so it neither blocks this
machine's USB devices nor judges its network links; its peak and final VmRSS are recorded.
"""

import json
import os
import subprocess
import sys
import time

import shutil
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MEDIACTL = os.environ.get("MEDIACTL_BIN", os.path.join(REPO, ".build-bench/release/mediactl"))
MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build-bench/release/mediad"))

LISTINGS = {
    "media-csv": ["media", "list", "--format", "csv"],
    "media-table": ["media", "list", "--format", "table"],
    "violations-csv": ["violations", "list", "--format", "csv"],
    "violations-table": ["violations", "list", "--format", "table"],
    "media-json": ["media", "list", "--format", "json"],
    "violations-json": ["violations", "list", "--format", "json"],
}
LISTINGS.update({f"{name}-daemon": args for name, args in list(LISTINGS.items())})


class Daemon:
    """mediad on the ledger, reachable at `self.socket`."""

    def __init__(self, db):
        self.dir = tempfile.mkdtemp(prefix="mediad-bench-reports-")
        self.socket = os.path.join(self.dir, "mediad.sock")
        config = os.path.join(self.dir, "mediad.conf")
        with open(config, "w") as f:
            f.write(f"database = {db}\nsocket = {self.socket}\nmode = audit\nlockdown = no\n")
        self.proc = subprocess.Popen(["unshare", "-n", MEDIAD, "--config", config],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("mediad did not open its control socket")
            time.sleep(0.05)
        self.rss_start_kb = self.status("VmRSS")

    def status(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def source(db, daemon):
    return ["--socket", daemon.socket] if daemon else ["--db", db]


def once(db, args, daemon=None):
    t0 = time.monotonic()
    proc = subprocess.Popen([MEDIACTL, *source(db, daemon), "--lang", "en", *args], stdout=subprocess.PIPE,
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
    return {"first_byte_s": (first or last) - t0, "last_byte_s": last - t0, "bytes": total, "lines": lines}


def peak_rss_kb(db, args, daemon=None):
    """mediactl's peak RSS for one listing (GNU time is not assumed: getrusage of the child)."""
    proc = subprocess.Popen([MEDIACTL, *source(db, daemon), "--lang", "en", *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
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
    daemon = Daemon(db) if any(name.endswith("-daemon") for name in wanted) else None
    try:
        for name in wanted:
            args = LISTINGS[name]
            via = daemon if name.endswith("-daemon") else None
            samples = [once(db, args, via) for _ in range(runs)]
            results[name] = {"first_byte_s": spread([s["first_byte_s"] for s in samples]),
                             "last_byte_s": spread([s["last_byte_s"] for s in samples]),
                             "bytes": samples[0]["bytes"], "lines": samples[0]["lines"],
                             "peak_rss_kb": peak_rss_kb(db, args, via)}
            print(f"mediactl {name}: first byte {results[name]['first_byte_s']['median']:.2f} s, "
                  f"last byte {results[name]['last_byte_s']['median']:.2f} s", file=sys.stderr, flush=True)
        if daemon:
            results["daemon"] = {"rss_start_kb": daemon.rss_start_kb, "rss_peak_kb": daemon.status("VmHWM"),
                                 "rss_end_kb": daemon.status("VmRSS")}
    finally:
        if daemon:
            daemon.stop()
    with open(out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
