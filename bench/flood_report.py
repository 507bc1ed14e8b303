"""Section 9 of BENCHMARKS.md, floods on mediad's control socket, from bench/run-flood.sh's results
(flood.json); used by bench/report.py.

    section(flood) -> (lines, target rows for the summary table)
"""


def nice(value):
    """The daemon's nice value, and whether it is the one its systemd unit sets."""
    return "−10 (as its unit runs it)" if value == -10 else f"{value} (its unit runs it at −10)"


def verdict(ok):
    return "**met**" if ok else "**missed**"


def ms(value):
    return "—" if value is None else f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def median(values):
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# Decisions "keep their latency" when a flooded p99 stays within this many times the quiet one.
P99_RATIO_TARGET = 2.0


def section(flood):
    lines = ["## 9. Floods on the control socket while sticks are plugged (issue 17)", ""]
    if not flood:
        return lines + ["not run (`bench/run-flood.sh`)", ""], []
    runs = flood["runs"]
    s = flood["summary"]
    first = runs[0]
    sticks, pace = first["sticks"], first["pace_ms"]
    lines += [f"`bench/run-flood.sh` (`bench/flood_bench.py`), {len(runs)} runs, each on a fresh ledger with the release "
              f"mediad under umockdev: {sticks} sticks plugged one at a time {pace} ms apart with no flood, then {sticks} "
              "more the same way during a flood of the control socket, and an officer's `mediactl status` at its end. "
              "The flood is nine processes of `bench/flood.c` (an epoll loop each: measured here against one Python "
              "server, 20,000 request round trips a second from one process, where a Python client loop made 6,800) on the same machine: `status` from root (3,000/s), an admin "
              "(2,000/s), a user of the socket's group with no role (2,000/s) and a user outside it (2,000/s); requests "
              "announcing 2 GiB (1,000/s); and, 16 open at a time each, clients trickling a byte every 200 ms, idle clients, "
              "clients that never read their reply, and clients announcing 32 MiB and sending nothing. A stick's latency "
              "runs from its add uevent sent to inotify's report of its `authorized` written; the harness that sends and "
              f"times runs at nice −10 (its inotify reader at SCHED_FIFO 1, as mediad's decision threads, so that a stick's time "
              "does not include the instrument's own wait for a core), the daemon at "
              f"{nice(flood.get('mediad_nice', 0))}, and the flood at 0. Medians of the runs; "
              f"{flood.get('machine', {}).get('nproc', '?')} CPUs shared by the daemon, the flood and the harness.", ""]
    lines += ["| decision latency | no flood | during the flood | ratio |", "| --- | --- | --- | --- |",
              f"| p50 | {ms(s['quiet_p50_ms'])} | {ms(s['flooded_p50_ms'])} | {s['p50_ratio']:.2f} × |",
              f"| p99 | {ms(s['quiet_p99_ms'])} | {ms(s['flooded_p99_ms'])} | {s['p99_ratio']:.2f} × |", ""]
    leaked = [r["fds"]["leaked"] for r in runs if r["fds"].get("leaked")]
    correct = all(r["correct"] == r["devices"] for r in runs)
    officer = [r["officer_status_during"] for r in runs]
    officer_ok = sum(1 for o in officer if o["rc"] == 0)
    lines += ["| the flood, and mediad under it | median of the runs |", "| --- | --- |",
              f"| connection attempts a second | {s['attempts_per_s']:,.0f} |",
              f"| connections the kernel queued (the rest: backlog full, or no access) a second | {s['connected_per_s']:,.0f} |",
              f"| replies a second (any: status, busy, denied, too large) | {s['replies_per_s']:,.0f} |",
              f"| `status` answered a second | {s['status_ok_per_s']:,.0f} |",
              f"| an officer's `mediactl status` during the flood | {officer_ok} of {len(officer)} answered, median "
              f"{median([o['ms'] for o in officer]):,.0f} ms |",
              f"| sticks decided correctly | {'all' if correct else 'NOT all'} ({first['devices']} a run) |",
              f"| open descriptors: before → peak → after | {median([r['fds']['before'] for r in runs]):.0f} → "
              f"{median([r['fds']['peak'] for r in runs]):.0f} → {median([r['fds']['after'] for r in runs]):.0f} "
              f"({'none leaked' if not leaked else f'leaked: {leaked}'}) |",
              f"| VmRSS: before → peak | {median([r['rss_kib']['before'] for r in runs]) / 1024:.1f} → "
              f"{median([r['rss_kib']['peak'] for r in runs]) / 1024:.1f} MiB |",
              f"| threads at the peak | {median([r['threads_peak'] for r in runs]):.0f} |",
              f"| alive after every run | {'yes' if all(r['alive'] for r in runs) else 'NO'} |"]
    cpu = [r["cpu"] for r in runs if r.get("cpu")]
    if cpu:
        lines += [f"| CPU during the flood: mediad / the flood's processes | "
                  f"{median([c['mediad_s'] / c['wall_s'] for c in cpu]) * 100:.0f} % / "
                  f"{median([c['flood_s'] / c['wall_s'] for c in cpu]) * 100:.0f} % of one core (load average "
                  f"{median([c['loadavg'] for c in cpu]):.1f}: other sessions' work ran beside) |"]
    lines += [""]
    lines += ["What each flood met (last run):", "",
              "| flood | attempts/s | queued | replied | busy | denied | too large | no access | longest held until mediad hung up |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in runs[-1]["floods"]:
        cut = f"{r['lifetime_s_max']:.1f} s" if r["lifetime_s_max"] >= 0 else "—"
        lines.append(f"| {r['name']} | {r['rate']:,.0f} | {r['connected']:,} | {r['ok'] + r['error_replies']:,} | "
                     f"{r['busy']:,} | {r['denied']:,} | {r['too_large']:,} | {r['refused_access']:,} | {cut} |")
    lines += ["", "The same flood runs in `make test` against the debug mediad and mediahub "
              "(tests/integration/test_flood.py: mediad's decisions, ledger rows, an officer's status, refusals, "
              "descriptors and VmRSS; mediahub's Unix socket and its HTTPS face).", ""]
    p99_ok = s["p99_ratio"] <= P99_RATIO_TARGET
    targets = [f"| 9. decisions keep their latency under a {s['attempts_per_s']:,.0f}/s flood (p99 ≤ {P99_RATIO_TARGET:g} × "
               f"unflooded) | p99 {ms(s['quiet_p99_ms'])} → {ms(s['flooded_p99_ms'])} ({s['p99_ratio']:.2f} ×) | {verdict(p99_ok)} |",
               f"| 9. no descriptor leaked, every stick decided right, mediad alive | "
               f"{'none leaked' if not leaked else 'leaked'}, {'all right' if correct else 'wrong decisions'} | "
               f"{verdict(not leaked and correct and all(r['alive'] for r in runs))} |"]
    return lines, targets
