"""Section 7 end to end: the officer's reports over a year of records, time to first and to last byte
on mediactl's stdout (a pipe, read as fast as it comes) from the moment mediactl is started, and
mediactl's peak resident memory while it prints them.

    python3 bench/officer_reports.py OUT.json [--runs 5] [--media 100000] [--violations 100000]
                                     [--events 1000000] [--db LEDGER.db] [--keep-db] [--no-daemon]
                                     [--lang zh] [--tz +08:00]

The ledger is built first by `mediad-bench ledger --violation-mix year --events N`: N guard events and
the violations spread evenly over 2026 (types, severities, outcomes and statuses mixed; see
Sources/mediad-bench/main.swift). Then, each `--runs` times: `report violations --year 2026` and
`report audit --quarter 2026Q4` in json, csv, html and table with `--tz`, reading the ledger file
(`--db`); then the same two reports in json and html through a running mediad (`--socket`, the
daemon of bench/reports_cli.py: audit mode, no lockdown, its own network namespace), which prints
them and streams them back. The daemon runs after the direct ones because it records its own start
in the ledger (a guard-start event and a guard-weakened violation, dated now).

Before the timed runs, one untimed run of each report and format (warming the page cache) keeps
the whole output and checks it: json parses and its totals agree with the ledger, csv has one line
per violation of the period, html ends with </html>.

Memory: mediactl's peak RSS is its VmHWM (the kernel's high-water mark of its address space) read
from /proc/PID/status every 5 ms while it runs and once more at the end of its output; the daemon's
is its VmRSS sampled the same way during each run through it. Not ru_maxrss from wait4(2): Linux
carries the parent's high-water mark across fork and exec into the child's, so it reports this
script's own peak (hundreds of MiB after parsing a large json) whenever that is the larger.

Binaries: MEDIACTL_BIN, MEDIAD_BIN (as reports_cli.py) and MEDIAD_BENCH_BIN; by default the release
builds in .build-bench.
"""

import argparse
import datetime
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import reports_cli  # noqa: E402  (MEDIACTL_BIN, MEDIAD_BIN and the Daemon class)
from reports_cli import Daemon, spread  # noqa: E402

MEDIACTL = reports_cli.MEDIACTL
MEDIAD_BENCH = os.environ.get("MEDIAD_BENCH_BIN", os.path.join(REPO, ".build-bench/release/mediad-bench"))

REPORTS = {
    "violations": ["report", "violations", "--year", "2026"],
    "audit": ["report", "audit", "--quarter", "2026Q4"],
}
FORMATS = ["json", "csv", "html", "table"]
DAEMON_FORMATS = ["json", "html"]
# The targets, time to last byte: json and csv < 1 s, html (with its charts) < 2 s.
TARGETS = {"json": 1.0, "csv": 1.0, "html": 2.0}
RSS_METHOD = ("mediactl: VmHWM from /proc/PID/status, polled every 5 ms and at the end of its output; "
              "mediad: VmRSS from /proc/PID/status sampled every 5 ms during each run through it")


def offset_seconds(tz):
    """+08:00 → 28800; UTC/Z → 0. Only fixed offsets are understood (enough to count rows)."""
    if tz.upper() in ("UTC", "Z"):
        return 0
    sign = -1 if tz[0] == "-" else 1
    hours, _, minutes = tz.lstrip("+-").partition(":")
    return sign * (int(hours) * 3600 + int(minutes or 0) * 60)


def utc_bounds(first_day, next_day, tz):
    """The period [first_day, next_day) in local time as the ledger's UTC text timestamps."""
    shift = datetime.timedelta(seconds=offset_seconds(tz))
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return [(datetime.datetime.combine(d, datetime.time()) - shift).strftime(fmt) for d in (first_day, next_day)]


def ledger_counts(db, tz):
    """What the ledger holds in each report's period, counted by SQLite (for the table and the checks)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        year = utc_bounds(datetime.date(2026, 1, 1), datetime.date(2027, 1, 1), tz)
        quarter = utc_bounds(datetime.date(2026, 10, 1), datetime.date(2027, 1, 1), tz)
        one = lambda sql, args=(): con.execute(sql, args).fetchone()[0]  # noqa: E731
        return {
            "ledger": {"media": one("SELECT COUNT(*) FROM medium"), "events": one("SELECT COUNT(*) FROM device_event"),
                       "violations": one("SELECT COUNT(*) FROM violation")},
            "violations": {"events": 0, "violations": one("SELECT COUNT(*) FROM violation WHERE at >= ? AND at < ?", year)},
            "audit": {"events": one("SELECT COUNT(*) FROM device_event WHERE at >= ? AND at < ?", quarter),
                      "violations": one("SELECT COUNT(*) FROM violation WHERE at >= ? AND at < ?", quarter),
                      "devices_used": one("SELECT COUNT(*) FROM (SELECT 1 FROM device_event WHERE at >= ? AND at < ? "
                                          "AND kind = 'attach' AND decision = 'allow' GROUP BY vendor_id, product_id, serial)",
                                          quarter)},
        }
    finally:
        con.close()


def command(db, daemon, report, fmt, options):
    source = ["--socket", daemon.socket] if daemon else ["--db", db]
    return [MEDIACTL, *source, "--lang", options.lang, *REPORTS[report], "--format", fmt, "--tz", options.tz]


class RSSSampler:
    """The highest `field` (VmRSS, or VmHWM: the kernel's own high-water mark) of a process, read from
    /proc every `interval` seconds while it runs."""

    def __init__(self, pid, field="VmRSS", interval=0.005):
        self.pid, self.field, self.interval, self.peak_kb = pid, field + ":", interval, 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def sample(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith(self.field):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
                        return
        except OSError:
            pass

    def run(self):
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(self.interval)

    def stop(self):
        self.stopping.set()
        self.thread.join()
        self.sample()
        return self.peak_kb


def once(argv, daemon=None, keep=False):
    """One run: exec to first and last byte on the pipe, mediactl's peak RSS, and the output if `keep`."""
    sampler = RSSSampler(daemon.proc.pid) if daemon else None
    with tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err)
        own = RSSSampler(proc.pid, "VmHWM")
        fd = proc.stdout.fileno()
        first = None
        total = 0
        lines = 0
        kept = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            if first is None:
                first = time.monotonic()
            total += len(chunk)
            lines += chunk.count(b"\n")
            if keep:
                kept.append(chunk)
        last = time.monotonic()
        peak_kb = own.stop()   # before the wait: a reaped (or zombie) process has no VmHWM
        proc.wait()
        proc.stdout.close()
        daemon_peak = sampler.stop() if sampler else None
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(argv[1:])}: exit {proc.returncode}: {err.read().decode(errors='replace')}")
    return {"first_byte_s": (first or last) - t0, "last_byte_s": last - t0, "bytes": total, "lines": lines,
            "peak_rss_kb": peak_kb, "daemon_peak_rss_kb": daemon_peak,
            "output": b"".join(kept) if keep else None}


def check(report, fmt, output, counts):
    """Problems with a report's output (an empty list when it looks right)."""
    problems = []
    expected = counts[report]["violations"]
    if fmt == "json":
        try:
            document = json.loads(output)
        except ValueError as error:
            return [f"json does not parse: {error}"]
        got = (document.get("totals") or {}).get("violations")
        if got != expected:
            problems.append(f"json totals.violations {got}, the ledger has {expected} in the period")
        rows = document.get("rows")
        if isinstance(rows, list) and len(rows) != expected:
            problems.append(f"json has {len(rows)} violation rows, the ledger has {expected} in the period")
        if report == "audit":
            events = (document.get("totals") or {}).get("device_events")
            if events is None:
                problems.append("json totals has no device_events")
    elif fmt == "csv":
        lines = output.count(b"\n")
        if lines != expected + 1:
            problems.append(f"csv has {lines} lines, expected {expected} violations and a header")
    elif fmt == "html":
        if not output.rstrip().endswith(b"</html>"):
            problems.append("html does not end with </html>")
    elif not output:
        problems.append("empty table")
    return problems


def measure(db, report, fmt, options, counts, daemon=None):
    argv = command(db, daemon, report, fmt, options)
    checked = once(argv, daemon, keep=True)
    problems = check(report, fmt, checked["output"], counts)
    samples = [once(argv, daemon) for _ in range(options.runs)]
    result = {
        "report": report, "format": fmt, "via": "mediad" if daemon else "file",
        "command": " ".join(["mediactl", *argv[1:]]),
        "rows": counts[report], "bytes": samples[0]["bytes"], "lines": samples[0]["lines"],
        "first_byte_s": spread([s["first_byte_s"] for s in samples]),
        "last_byte_s": spread([s["last_byte_s"] for s in samples]),
        "peak_rss_kb": spread([s["peak_rss_kb"] for s in samples]),
        "target_s": TARGETS.get(fmt), "problems": problems,
    }
    if daemon:
        result["daemon_peak_rss_kb"] = spread([s["daemon_peak_rss_kb"] for s in samples])
    l, r = result["last_byte_s"], result["peak_rss_kb"]
    print(f"mediactl {' '.join(REPORTS[report][1:])} --format {fmt}{' via mediad' if daemon else ''}: "
          f"{result['bytes']:,} bytes, first byte {result['first_byte_s']['median']:.2f} s, last byte {l['median']:.2f} s "
          f"({l['min']:.2f}–{l['max']:.2f}), peak RSS {r['max'] / 1024:.1f} MiB"
          + (f", mediad peak VmRSS {result['daemon_peak_rss_kb']['max'] / 1024:.1f} MiB" if daemon else "")
          + (f"; PROBLEMS: {'; '.join(problems)}" if problems else ""), file=sys.stderr, flush=True)
    return result


def build_ledger(options):
    argv = [MEDIAD_BENCH, "ledger", "--db", options.db, "--rows", str(options.media), "--violations", str(options.violations),
            "--violation-mix", "year", "--events", str(options.events)]
    print(f"building the ledger: {' '.join(argv[1:])}", file=sys.stderr, flush=True)
    built = json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)
    built["command"] = " ".join(["mediad-bench", *argv[1:]]).replace(options.db, "LEDGER")
    built["db_bytes"] = os.path.getsize(options.db)
    return built


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--media", type=int, default=100_000)
    parser.add_argument("--violations", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", help="where to build the ledger (default: a temporary directory)")
    parser.add_argument("--keep-db", action="store_true", help="leave the ledger in place afterwards")
    parser.add_argument("--no-daemon", action="store_true", help="skip the runs through mediad")
    parser.add_argument("--lang", default="zh", help="the reports' language (default zh, as an officer prints them)")
    parser.add_argument("--tz", default="+08:00")
    options = parser.parse_args()
    workdir = None
    if not options.db:
        workdir = tempfile.mkdtemp(prefix="mediad-bench-officer-")
        options.db = os.path.join(workdir, "officer.db")
    results = {"settings": {"runs": options.runs, "lang": options.lang, "tz": options.tz, "rss_method": RSS_METHOD,
                            "targets_s": TARGETS, "mediactl": MEDIACTL}, "reports": []}
    try:
        results["ledger"] = build_ledger(options)
        counts = ledger_counts(options.db, options.tz)
        results["ledger"]["counts"] = counts
        for report in REPORTS:
            for fmt in FORMATS:
                results["reports"].append(measure(options.db, report, fmt, options, counts))
        if not options.no_daemon:
            daemon = Daemon(options.db)
            try:
                # Counted again: the daemon's start is a record of its own (and a violation, in audit mode).
                counts = ledger_counts(options.db, options.tz)
                for report in REPORTS:
                    for fmt in DAEMON_FORMATS:
                        results["reports"].append(measure(options.db, report, fmt, options, counts, daemon))
                results["daemon"] = {"rss_start_kb": daemon.rss_start_kb, "rss_peak_kb": daemon.status("VmHWM"),
                                     "rss_end_kb": daemon.status("VmRSS")}
            finally:
                daemon.stop()
    finally:
        if not options.keep_db:
            for suffix in ("", "-wal", "-shm"):
                try:
                    os.remove(options.db + suffix)
                except FileNotFoundError:
                    pass
            if workdir:
                os.rmdir(workdir)
    with open(options.out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
