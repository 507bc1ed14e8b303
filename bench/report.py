"""Writes BENCHMARKS.md from the results of bench/run.sh.

    python3 bench/report.py RESULTS_DIR BENCHMARKS.md WALL_SECONDS
"""

import json
import os
import platform
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import unit_report  # noqa: E402  (section 8, the unit: bench/run-unit.sh)
import flood_report  # noqa: E402  (section 9, floods: bench/run-flood.sh)


def load(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def sh(*argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    swift = sh("swift", "--version").splitlines()
    usbguard = sh("dpkg-query", "-W", "-f", "${Version}", "usbguard")
    umockdev = sh("dpkg-query", "-W", "-f", "${Version}", "umockdev")
    sqlite = sh("dpkg-query", "-W", "-f", "${Version}", "libsqlite3-0")
    return [
        ("CPUs (nproc)", sh("nproc") + " (shared with other work: figures are noisy)"),
        ("CPU", cpu),
        ("memory", f"{mem_kb / 1024 / 1024:.1f} GiB"),
        ("kernel", platform.release()),
        ("Swift", swift[0] if swift else "?"),
        ("USBGuard", f"usbguard-daemon {usbguard} (Debian)"),
        ("umockdev / SQLite", f"{umockdev} / {sqlite}"),
        ("builds", "`swift build -c release --static-swift-stdlib --scratch-path .build-bench` (mediad, mediactl, mediad-bench; mediad linked by lld with DT_RELR)"),
    ]


def ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:.0f} ms" if seconds >= 0.0095 else f"{seconds * 1000:.1f} ms"


def secs(value):
    return "—" if value is None else f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def spread_ms(s):
    if not s:
        return "—", "—"
    return ms(s["median"]), f"{ms(s['min'])} – {ms(s['max'])}"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def section_side_by_side(guard):
    lines = ["## 1. Side by side: hot-plug and present devices, mediad against USBGuard", "",
             "Same fake devices (umockdev; sysfs on tmpfs, prepared once and identically for both: sticks "
             "0781:5567 with serial, one mass-storage interface, `descriptors`, `port/connect_type`=hotplug, "
             "100 per root hub), same policy (every other serial registered/allowed — 1 rule per stick for "
             "USBGuard, 1 ledger row per stick for mediad — the rest blocked). Hot-plug: the devices' sysfs "
             "entries exist before the first event (as the kernel makes them), the add events are built "
             "beforehand and sent back to back with one blocking `sendto` loop to the daemon's uevent socket "
             "(libudev format for mediad's udev monitor, kernel format for USBGuard's); the clock runs from the "
             "first event until every device's `authorized` has been written (inotify IN_CLOSE_WRITE) and "
             "holds its final value. Present at start: from exec until the same. mediad and USBGuard alternate "
             "within each run.", "",
             "| scenario | mediad median | mediad min – max | USBGuard median | USBGuard min – max | runs | "
             "mediad / USBGuard | target ≤ 0.5 |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    ratios = {}
    for key, label in (("hotplug-100", "100 hot-plugged"), ("hotplug-1000", "1,000 hot-plugged"),
                       ("present-200", "200 present at start")):
        data = (guard or {}).get(key)
        if not data:
            lines.append(f"| {label} | not run | | | | | | |")
            continue
        s = data["summary"]
        m, u = s.get("mediad"), s.get("usbguard")
        ratio = m["median"] / u["median"] if m and u else None
        ratios[key] = ratio
        mm, mr = spread_ms(m)
        um, ur = spread_ms(u)
        runs = m["runs"] if m else 0
        incomplete = (m or {}).get("incomplete", 0) + (u or {}).get("incomplete", 0)
        note = f" ({incomplete} incomplete)" if incomplete else ""
        lines.append(f"| {label} | {mm} | {mr} | {um} | {ur} | {runs}{note} | "
                     f"{'—' if ratio is None else f'{ratio:.2f}'} | {verdict(ratio is not None and ratio <= 0.5)} |")
    lines.append("")
    return lines, ratios


def section_decision(decision):
    lines = ["## 2. Decision latency in process (facts + policy + record)", "",
             "`mediad-bench decision`: per device, what the daemon does once it has read sysfs: "
             "`GuardRecorder.judge` of the lone device — one write transaction holding the facts (this "
             "computer, the medium by vendor/product/serial, its holder), `Policy.decide`, the event and, when "
             "blocked, its violation row — on a ledger file on disk (WAL, synchronous=FULL). Half the devices are "
             "registered sticks picked at random from the ledger (two thirds of those allowed, one third blocked "
             "as unclassified-on-classified), half unregistered (blocked, violation recorded). Per run: 200 "
             "warm-up, then 2,000 timed decisions; the table gives the median over runs of each run's p50 and "
             "p99, and the range over runs. The split times the same steps called one by one (facts in a read "
             "transaction, record in a write transaction); the last column is the cost per device when a burst "
             "is judged 32 devices to a transaction, as the daemon does.", "",
             "| media in ledger | p50 median | p50 min – max | p99 median | p99 min – max | worst single | runs | "
             "split facts / policy / record (p50) | per device in a group of 32 | target p99 < 1 ms at 1,000,000 |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    met = None
    for size in sorted((decision or {}), key=int):
        d = decision[size]
        p50, p99 = d["p50_ms"], d["p99_ms"]
        parts = d["p50_parts_ms"]
        split = f"{parts['facts']:.3f} / {parts['policy']:.3f} / {parts['record']:.3f} ms"
        target = ""
        if int(size) == 1_000_000:
            met = p99["median"] < 1.0
            target = verdict(met)
        grouped = d.get("group_per_device_ms")
        group = f"{grouped['median']:.3f} ms" if grouped else "—"
        lines.append(f"| {int(size):,} | {p50['median']:.3f} ms | {p50['min']:.3f} – {p50['max']:.3f} ms | "
                     f"{p99['median']:.3f} ms | {p99['min']:.3f} – {p99['max']:.3f} ms | {d['max_ms']['max']:.1f} ms | "
                     f"{p50['runs']} | {split} | {group} | {target} |")
    lines.append("")
    return lines, met


def section_burst(guard, overflow):
    lines = ["## 3. Burst: 10,000 add events back to back", "",
             "10,000 sticks (100 root hubs × 100), half registered; their add events sent as fast as one "
             "blocking `sendto` loop goes (umockdev's transport is a unix datagram socket: when a listener's "
             "queue is full the sender waits, so nothing is dropped in transit). Decided = `authorized` written "
             "and holding the policy's value.", "",
             "| daemon | events sent | decided | lost | all decided after: median | min – max | runs | "
             "sender held back | target 0 lost |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    burst = (guard or {}).get("burst")
    lost_total = None
    if burst:
        for daemon in ("mediad", "usbguard"):
            runs = [r for r in burst["runs"] if r["daemon"] == daemon]
            if not runs:
                continue
            sent = runs[0]["devices"]
            decided = min(r["decided"] for r in runs)
            correct = min(r["correct"] for r in runs)
            lost = max(sent - r["correct"] for r in runs)
            if daemon == "mediad":
                lost_total = lost
            s = burst["summary"].get(daemon)
            send = sorted(r["send_seconds"] for r in runs)[len(runs) // 2]
            target = verdict(lost == 0) if daemon == "mediad" else ""
            lines.append(f"| {daemon} | {sent:,} | {correct:,} (fewest in a run; written {decided:,}) | {lost} | "
                         f"{secs(s['median']) if s else '—'} | "
                         f"{(secs(s['min']) + ' – ' + secs(s['max'])) if s else '—'} | {len(runs)} | "
                         f"{secs(send)} of sending | {target} |")
    else:
        lines.append("| not run | | | | | | | | |")
    lines.append("")
    if overflow:
        q = overflow.get("queued_at_stop") or [{}]
        lines += [f"Netlink overflow (`bench/overflow.py`, real NETLINK_KOBJECT_UEVENT socket, no umockdev): mediad "
                  f"stopped with SIGSTOP, {overflow['sent']:,} udev-format events multicast to it in "
                  f"{overflow['send_seconds']:.1f} s, then SIGCONT. Queued in its socket at that moment: "
                  f"{q[0].get('rmem', 0) / 1048576:.0f} MiB, kernel drop counter {q[0].get('drops', '?')}. mediad "
                  f"received {overflow['received']:,} of them; overflow (ENOBUFS) reported: "
                  f"{'yes' if overflow['overflow_reported'] else 'no'}"
                  + (f" ({overflow['overflow_reports']}×, each followed by a full re-enumeration of sysfs — "
                     "`udev events were lost (receive buffer overflow); enumerating again`)" if overflow['overflow_reported'] else "")
                  + ". Receive buffer enlarged to 128 MiB: " + ("yes" if overflow.get("rcvbuf_applied") else "no") + ".", ""]
    return lines, lost_total


def listings(cli):
    """The timed listings of reports-cli.json (without the daemon's memory figures)."""
    return {k: v for k, v in (cli or {}).items() if k != "daemon"}


def section_reports(cli, inproc, ledger):
    rows = (ledger or {}).get("rows", 0)
    lines = ["## 4. Reports over a large ledger", "",
             f"A ledger of {rows:,} media and {rows:,} violations (`mediad-bench ledger`, SQL in one transaction; "
             f"built in {secs((ledger or {}).get('seconds'))}). End to end: the release `mediactl --db LEDGER` "
             "started, its stdout read through a pipe; time from exec to the first and to the last byte. "
             "Rows marked *through mediad* ask a running daemon instead (`--socket`; audit mode, no lockdown, "
             "its own network namespace), which prints the listing and streams it back: the way officers "
             "and auditors, who cannot open the ledger file, list.", "",
             "| listing | rows | first byte: median | min – max | last byte: median | min – max | runs | "
             "mediactl peak RSS | target < 1 s |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    met = True
    names = {"media-csv": "`media list --format csv`", "media-table": "`media list` (table)",
             "violations-csv": "`violations list --format csv`", "violations-table": "`violations list` (table)",
             "media-json": "`media list --format json`", "violations-json": "`violations list --format json`"}
    names.update({f"{k}-daemon": f"{v}, through mediad" for k, v in list(names.items())})
    daemon = (cli or {}).get("daemon")
    for key, data in listings(cli).items():
        f, l = data["first_byte_s"], data["last_byte_s"]
        ok = l["median"] < 1.0
        met = met and ok
        lines.append(f"| {names.get(key, key)} | {rows:,} | {secs(f['median'])} | {secs(f['min'])} – {secs(f['max'])} | "
                     f"{secs(l['median'])} | {secs(l['min'])} – {secs(l['max'])} | {l['runs']} | "
                     f"{data['peak_rss_kb'] / 1024:.0f} MiB | {verdict(ok)} |")
    lines.append("")
    if daemon:
        lines += [f"The daemon that printed the listings through the socket: VmRSS {daemon['rss_start_kb'] / 1024:.1f} MiB "
                  f"before, peak (VmHWM) {daemon['rss_peak_kb'] / 1024:.1f} MiB, {daemon['rss_end_kb'] / 1024:.1f} MiB after "
                  "the last listing.", ""]
    if inproc:
        lines += ["In process (`mediad-bench reports`, 100,000 rows): `InventoryService.report`, the streamed "
                  "listing mediactl runs with `--db`, writing its 64 KiB blocks to /dev/null. A table's first "
                  "byte comes after its measuring pass; CSV starts at once.", "",
                  "| listing | rows | first byte | last byte | runs |",
                  "| --- | --- | --- | --- | --- |"]
        for key, data in inproc.items():
            lines.append(f"| {names.get(key, key)} | {data['rows']:,} | {secs(data['first_byte_s']['median'])} | "
                         f"{secs(data['last_byte_s']['median'])} | {data['last_byte_s']['runs']} |")
        lines.append("")
    return lines, met if cli else None


def section_footprint(guard):
    idle = (guard or {}).get("idle")
    lines = ["## 5. Footprint at idle", ""]
    if not idle:
        return lines + ["not run", ""], None, None
    lines += [f"Both daemons running at once on the same bed (20 present sticks), after start-up; VmRSS at the end "
              f"of the window, wake-ups = voluntary context switches summed over every thread during "
              f"{idle['seconds']} s (measured once). mediad runs without NOTIFY_SOCKET/WATCHDOG_USEC, so its "
              "watchdog loop ticks every 15 s (heartbeat to the ledger).", "",
              "| daemon | VmRSS | threads | wake-ups in window | by thread | target |",
              "| --- | --- | --- | --- | --- | --- |"]
    m, u = idle["mediad"], idle["usbguard"]
    rss_ok = m["vmrss_kb"] <= u["vmrss_kb"]
    expected_ticks = idle["seconds"] // 15 + 1
    for kind, data in (("mediad", m), ("usbguard", u)):
        threads = ", ".join(f"{k.split(':', 1)[1]} {v}" for k, v in sorted(data["per_thread"].items(), key=lambda kv: -kv[1])) or "none"
        target = ""
        if kind == "mediad":
            allowed = 2 * expected_ticks  # a watchdog tick may wake two threads (timer, then the actor)
            target = (f"VmRSS ≤ USBGuard's: {verdict(rss_ok)}; wake-ups only the watchdog's "
                      f"(≤ {allowed} here): {verdict(data['wakeups'] <= allowed)}")
        lines.append(f"| {kind} | {data['vmrss_kb'] / 1024:.1f} MiB | {data['threads']} | {data['wakeups']} | {threads} | {target} |")
    lines.append("")
    return lines, rss_ok, m["wakeups"]


def section_startup(guard):
    present = (guard or {}).get("present-200")
    lines = ["## 6. Start-up: 200 present devices to READY=1", ""]
    if not present or "mediad_ready" not in present["summary"]:
        return lines + ["not run", ""], None
    r = present["summary"]["mediad_ready"]
    ok = r["median"] < 0.1
    lines += ["From exec of `mediad` (NOTIFY_SOCKET set, 200 sticks present, fresh copy of a ledger with the 100 "
              "registered ones) to its `READY=1` datagram: lockdown, ledger open and migration check, start "
              "record, 200 decisions (each read, judged, recorded, enforced), rtnetlink dump, control socket.", "",
              "| | median | min – max | runs | target < 100 ms |", "| --- | --- | --- | --- | --- |",
              f"| mediad, exec → READY=1 | {ms(r['median'])} | {ms(r['min'])} – {ms(r['max'])} | {r['runs']} | {verdict(ok)} |",
              ""]
    return lines, ok


OFFICER_REPORTS = {"violations": "`report violations --year 2026`", "audit": "`report audit --quarter 2026Q4`"}


def officer_rows(report, rows):
    if report == "audit":
        return f"{rows['events']:,} events, {rows['violations']:,} violations"
    return f"{rows['violations']:,} violations"


def section_officer(officer):
    """Section 7, and for the targets: (slowest json/csv last byte, met), (slowest html last byte, met)."""
    lines = ["## 7. Officer reports over a year of records", ""]
    if not officer or not officer.get("reports"):
        return lines + ["not run", ""], None, None
    ledger, settings = officer["ledger"], officer["settings"]
    counts = ledger["counts"]["ledger"]
    lines += [f"A ledger of {counts['events']:,} guard events and {counts['violations']:,} violations spread evenly over "
              f"2026, and {counts['media']:,} media (`{ledger['command']}`, SQL in one transaction per table; built in "
              f"{secs(ledger.get('seconds'))}, {ledger['db_bytes'] / 1048576:.0f} MiB): the events mostly registered "
              "sticks attached (allowed; medium and holder recorded) and detached, one attach in five an unregistered "
              "stick (blocked), a stop and a start of the guard and five link events in every 1,000, a gap in every 50,000; "
              "the violations of 11 "
              "types, 3 severities, 3 outcomes, three in four acknowledged. End to end as in section 4 "
              "(`bench/officer_reports.py`): the release `mediactl --db LEDGER report … --format F "
              f"--lang {settings['lang']} --tz {settings['tz']}` started, its stdout read through a pipe; time from exec "
              "to the first and to the last byte. Rows marked *through mediad* ask the running daemon (`--socket`), "
              "which prints the report and streams it back. Rows / bytes: the records in the report's period (local "
              "time) and the size of the output. Peak RSS: " + settings["rss_method"] + ". Each output was checked "
              "once before the timed runs (json parses and its totals match the ledger, csv has a line per "
              "violation, html is complete).", "",
              "| report | format | rows / bytes | first byte: median | last byte: median (min – max) | runs | "
              "mediactl peak RSS | target |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    fast, html, problems = [], [], []
    for r in officer["reports"]:
        f, l, rss = r["first_byte_s"], r["last_byte_s"], r["peak_rss_kb"]
        through = r["via"] == "mediad"
        name = OFFICER_REPORTS.get(r["report"], r["report"]) + (", through mediad" if through else "")
        target = "—"
        if r.get("target_s"):
            ok = l["median"] < r["target_s"]
            (html if r["format"] == "html" else fast).append((l["median"], ok))
            target = f"< {r['target_s']:.0f} s: {verdict(ok)}"
        memory = f"{rss['max'] / 1024:.0f} MiB"
        if through and r.get("daemon_peak_rss_kb"):
            memory += f" (mediad {r['daemon_peak_rss_kb']['max'] / 1024:.0f} MiB)"
        lines.append(f"| {name} | {r['format']} | {officer_rows(r['report'], r['rows'])} / {r['bytes'] / 1048576:.1f} MiB | "
                     f"{secs(f['median'])} | {secs(l['median'])} ({secs(l['min'])} – {secs(l['max'])}) | {l['runs']} | "
                     f"{memory} | {target} |")
        problems += [f"{name} --format {r['format']}: {p}" for p in r.get("problems", [])]
    lines.append("")
    daemon = officer.get("daemon")
    if daemon:
        lines += [f"The daemon that printed the reports through the socket: VmRSS {daemon['rss_start_kb'] / 1024:.1f} MiB "
                  f"before, peak (VmHWM) {daemon['rss_peak_kb'] / 1024:.1f} MiB, {daemon['rss_end_kb'] / 1024:.1f} MiB after "
                  "the last report.", ""]
    if problems:
        lines += ["Problems found in the outputs:", ""] + [f"- {p}" for p in problems] + [""]
    worst = lambda pairs: (max(t for t, _ in pairs), all(ok for _, ok in pairs)) if pairs else None  # noqa: E731
    return lines, worst(fast), worst(html)


def main():
    directory, target, wall = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None
    # bench/run-unit.sh renders again after bench/run.sh, without a wall time: the one run.sh gave is kept.
    wall_file = os.path.join(directory, "wall-seconds")
    if wall is not None:
        with open(wall_file, "w") as f:
            f.write(str(wall))
    elif os.path.exists(wall_file):
        with open(wall_file) as f:
            wall = int(f.read().strip() or 0) or None
    guard = load(directory, "guard.json")
    decision = load(directory, "decision.json")
    cli = load(directory, "reports-cli.json")
    inproc = load(directory, "reports-inproc.json")
    ledger = load(directory, "ledger.json")
    overflow = load(directory, "overflow.json")
    officer = load(directory, "officer-reports.json")
    unit = load(directory, "unit.json")
    flood = load(directory, "flood.json")
    out = ["# Benchmarks: mediad against USBGuard, and at scale", "",
           "Written by `make bench` (bench/run.sh → bench/report.py); every figure below comes from that one run"
           + (f", which took {wall // 60} min {wall % 60} s" if wall else "")
           + (f" (section 8: `bench/run-unit.sh`, run after it, started {unit.get('startedAt', '?')})" if unit else "")
           + ". Medians of the runs stated, "
           "with min – max. This is a shared 2-core machine: read ratios and orders of magnitude, not the last digit.", "",
           "## Machine and command", "", "| | |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in machine()]
    out += ["| command | `make bench` (as root; builds the release binaries into `.build-bench`, then `bench/run.sh`) |", ""]
    s1, ratios = section_side_by_side(guard)
    s2, decision_met = section_decision(decision)
    s3, lost = section_burst(guard, overflow)
    s4, reports_met = section_reports(cli, inproc, ledger)
    s5, rss_ok, wakeups = section_footprint(guard)
    s6, startup_met = section_startup(guard)
    s7, officer_fast, officer_html = section_officer(officer)
    s8, unit_targets = unit_report.section(unit)
    s9, flood_targets = flood_report.section(flood)
    summary = ["## Targets", "", "| target | figure | |", "| --- | --- | --- |"]
    for key, label in (("hotplug-100", "1. mediad ≤ 0.5 × USBGuard, 100 hot-plugged"),
                       ("hotplug-1000", "1. mediad ≤ 0.5 × USBGuard, 1,000 hot-plugged"),
                       ("present-200", "1. mediad ≤ 0.5 × USBGuard, 200 present")):
        r = ratios.get(key)
        summary.append(f"| {label} | {'—' if r is None else f'{r:.2f} ×'} | {verdict(r is not None and r <= 0.5)} |")
    if decision and "1000000" in decision:
        summary.append(f"| 2. p99 < 1 ms at 1,000,000 media | {decision['1000000']['p99_ms']['median']:.3f} ms | {verdict(decision_met)} |")
    if lost is not None:
        summary.append(f"| 3. 0 lost in a 10,000 burst | {lost} lost | {verdict(lost == 0)} |")
    if cli:
        worst = max(v["last_byte_s"]["median"] for v in listings(cli).values())
        summary.append(f"| 4. reports over 1,000,000 rows < 1 s | slowest last byte {secs(worst)} | {verdict(reports_met)} |")
    if guard and "idle" in guard:
        i = guard["idle"]
        summary.append(f"| 5. VmRSS ≤ USBGuard's | {i['mediad']['vmrss_kb'] / 1024:.1f} MiB vs {i['usbguard']['vmrss_kb'] / 1024:.1f} MiB | {verdict(rss_ok)} |")
        allowed = 2 * (i["seconds"] // 15 + 1)
        summary.append(f"| 5. no wake-up but the watchdog's | {wakeups} in {i['seconds']} s (watchdog alone ≤ {allowed}; "
                       f"USBGuard {i['usbguard']['wakeups']}) | {verdict(wakeups <= allowed)} |")
    if startup_met is not None:
        r = guard["present-200"]["summary"]["mediad_ready"]["median"]
        summary.append(f"| 6. READY=1 < 100 ms with 200 present | {ms(r)} | {verdict(startup_met)} |")
    if officer_fast:
        summary.append(f"| 7. officer reports over a year of records, json and csv < 1 s | slowest last byte "
                       f"{secs(officer_fast[0])} | {verdict(officer_fast[1])} |")
    if officer_html:
        summary.append(f"| 7. officer reports over a year of records, html with charts < 2 s | slowest last byte "
                       f"{secs(officer_html[0])} | {verdict(officer_html[1])} |")
    summary += unit_targets
    summary += flood_targets
    summary.append("")
    out += summary + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9
    findings = os.path.join(HERE, "findings.md")
    if os.path.exists(findings):
        with open(findings) as f:
            out += [f.read().rstrip(), ""]
    with open(target, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
