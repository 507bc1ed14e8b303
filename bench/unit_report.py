"""Section 8 of BENCHMARKS.md, the unit, from bench/run-unit.sh's results (unit.json); used by
bench/report.py.

    section(unit) -> (lines, target rows for the summary table)
"""

ISSUE_TARGETS = {"ingest": 20_000, "propagate_s": 2.0, "report_s": 3.0}


def verdict(ok):
    return "**met**" if ok else "**missed**"


def ms(value):
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def secs(value):
    return f"{value:.2f} s"


def section(unit):
    lines = ["## 8. The unit: mediahub on PostgreSQL, 5,000 computers (issue 15)", ""]
    if not unit:
        return lines + ["not run (`bench/run-unit.sh`)", ""], []
    pg = unit.get("postgres", {})
    m = unit.get("machine", {})
    lines += [f"`bench/run-unit.sh` (run by `make bench` after `bench/run.sh`; this run started {unit.get('startedAt', '?')} "
              f"and took {unit.get('seconds', 0) / 60:.1f} min, on {m.get('nproc', '?')} CPUs ({m.get('cpu', '?')}, "
              f"{m.get('memory_gib', '?')} GiB), load average {m.get('loadavg_at_start', 0):.1f} at its start): "
              f"a throwaway PostgreSQL {pg.get('server_version', '?')} cluster made by `initdb` (as the postgres user, in a "
              "folder under /var/tmp on the VM's disk, Unix socket only) with PostgreSQL's default durability "
              f"(fsync={pg.get('fsync', '?')}, synchronous_commit={pg.get('synchronous_commit', '?')}, "
              f"full_page_writes={pg.get('full_page_writes', '?')}, wal_sync_method={pg.get('wal_sync_method', '?')}; "
              f"shared_buffers {pg.get('shared_buffers', '?')}; one change from initdb's defaults: max_wal_size "
              f"{pg.get('max_wal_size', '?')}); the release mediahub on it (`swift build -c release --scratch-path "
              ".build-unitbench`), HTTPS on 127.0.0.1 with an Ed25519 certificate; the load generator `unit-bench` "
              "(Sources/unit-bench) on the same 2 cores, speaking the couriers' protocol with SyncCore's HubClient "
              "(AsyncHTTPClient, keep-alive HTTPS). Orchestration: `bench/unit_bench.py`.", ""]
    targets = []

    enrol = unit.get("enrol")
    trials = unit.get("ingest") or []
    if enrol or trials:
        lines += ["### 8.1 Hub ingest", ""]
    if enrol:
        lines += [f"{enrol['computers']:,} computers registered at the hub through its socket (`computer add`, the "
                  f"ControlProtocol framing, {enrol['concurrency']} at a time) in {secs(enrol['registerSeconds'])}, then "
                  f"each given a one-time code (`computer enrol`) and enrolled over HTTPS with an Ed25519 key of its own "
                  f"(`POST /v1/enrol`) in {secs(enrol['enrolSeconds'])}.", ""]
    if trials:
        content = (unit.get("micro") or {}).get("contentBytes")
        wire = (unit.get("micro") or {}).get("bodyBytesPerRecord")
        size = f", {content} bytes of content and {wire} bytes of request body per record" if content and wire else ""
        lines += [f"Each trial: event batches of device-event records (`device_event` rows as mediad writes them{size}, "
                  "chained with `RecordChain.hash` from the computer's last record, signed by the computer's key), each "
                  "batch from the next computer in turn, "
                  "with as many batches in flight as the trial says, over as many keep-alive HTTPS connections (a "
                  "computer's own batches one after the other). Bodies built and signed before the clock starts; receipts checked after it stops "
                  "(each signed by the unit key and naming the batch's last record). Events/s = records acknowledged by "
                  "receipts / wall time from the first request to the last receipt. After every trial `SELECT count(*) "
                  "FROM unit_event` equalled every record acknowledged so far." + (
                      " Before each trial the page cache's dirty pages were written back (`sync`; "
                      + ", ".join(f"{t['dirtyKiBBefore'] / 1024:,.0f}" for t in trials)
                      + " MiB dirty), so that PostgreSQL's fsyncs do not queue behind what the guard's benchmarks "
                      "wrote just before." if all("dirtyKiBBefore" in t for t in trials) else ""), "",
                  "| batch | in flight | batches | events | computers | wall | events/s | latency p50 | p99 | max | "
                  "longest silence | count(*) check | target ≥ 20,000/s |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        rows = trials + ([unit["ingestAsync"]] if unit.get("ingestAsync") else [])
        for t in rows:
            label = f"{t['batch']}" + (" (synchronous_commit=off)" if t.get("synchronousCommit") else "")
            check = f"{t.get('storedAfter', 0):,} = {t.get('expectedAfter', 0):,}" if "storedAfter" in t else "ok"
            target = "—" if t.get("synchronousCommit") else verdict(t["eventsPerSecond"] >= ISSUE_TARGETS["ingest"])
            lat = t["latencyMs"]
            lines.append(f"| {label} | {t['concurrency']} | {t['batches']:,} | {t['events']:,} | {t['computers']:,} | "
                         f"{secs(t['wallSeconds'])} | {t['eventsPerSecond']:,.0f} | {ms(lat['p50'])} | {ms(lat['p99'])} | "
                         f"{ms(lat['max'])} | {secs(t.get('longestSilenceSeconds', 0))} | {check} | {target} |")
        lines.append("")
        best = max(trials, key=lambda t: t["eventsPerSecond"])
        targets.append(("8.1 hub ingest ≥ 20,000 events/s (default durability)",
                        f"{best['eventsPerSecond']:,.0f} events/s (batch {best['batch']})",
                        best["eventsPerSecond"] >= ISSUE_TARGETS["ingest"]))

    micro = unit.get("micro")
    if micro:
        lines += ["Where the hub's time goes: a delivery's body is decoded, its signature checked and its batch read "
                  "(`SignedPayload.open`, `EventBatch.scan`), and every record's hash recomputed (`HashedRecords`), in "
                  "the request's own task; then deliveries wait for the one ingest thread (`IngestLane`), which takes "
                  "every batch waiting into one write of the SQLite working copy, whose hook commits to PostgreSQL in the "
                  "same transaction. Inside that serial section only numbers and hashes are compared (`ChainCheck`); a "
                  "record's content is decoded there only when its kind may teach the unit (`UnitLearning`: "
                  "capacity-learnt, level-raised). "
                  f"`unit-bench micro` times those steps in process on a batch of {micro['batch']} device-event records "
                  "(the same AssetCore code mediahub runs; see bench/findings.md, \"Issue 15\", for the profile):", "",
                  "| step | µs per record | where |", "| --- | --- | --- |"]
        for step in micro["steps"]:
            name = step["name"]
            where = ("the serial section" if "in the writer" in name
                     else "the serial section, records of teaching kinds only" if "kinds that teach" in name
                     else "for comparison (the step before the fixes)" if "as before" in name
                     else "the request's task")
            lines.append(f"| {name} | {step['microsecondsPerRecord']:.1f} | {where} |")
        lines.append("")

    prop = unit.get("propagate")
    if prop:
        lines += ["### 8.2 Propagation of a ledger change", "",
                  f"{prop['couriers']} enrolled computers each hold a long-poll `GET /v1/changes?after=V&wait=60` on a "
                  f"connection of its own; {prop['heldSecondsBeforeChange']:.1f} s later one change is made at the hub "
                  "through its socket (`person add`, as `mediactl --hub person add` makes it) at t0. Each courier, "
                  "on its answer, opens the change set under the unit key from its enrolment answer and checks `from == V` "
                  "(applied). One warm-up round (TLS handshakes) is not counted.", "",
                  "| round | version | commit at the hub | first applied | median | last applied | target < 2 s |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for i, r in enumerate(prop["rounds"], 1):
            lines.append(f"| {i} | {r['version']} | {ms(r['commitMs'])} | {ms(r['firstMs'])} | {ms(r['medianMs'])} | "
                         f"{ms(r['lastMs'])} | {verdict(r['lastMs'] < 2000)} |")
        s = prop["lastMs"]
        lines += ["", f"t0 to the last of {prop['couriers']} couriers applied: median {ms(s['median'])} "
                      f"({ms(s['min'])} – {ms(s['max'])}, {s['count']} rounds).", ""]
        targets.append(("8.2 a change applied by 100 couriers < 2 s", f"{ms(s['median'])} (median of {s['count']})",
                        s["median"] < 2000))

    rep = unit.get("report")
    if rep:
        viol = unit.get("violations", {})
        lines += ["### 8.3 The unit's reports over a year of events", "",
                  f"{viol.get('eventsAcknowledged', 0):,} violation records delivered through the protocol (batches of "
                  f"{viol.get('batch', 0)}, one per computer, each record a `violation` row with its type, severity, "
                  "outcome and reasons as mediad writes them), so HubIngest entered them in the working copy's violation "
                  "list and PostgreSQL stored the records and mirrored the rows, in the same commits; then `unit_event` "
                  f"filled with SQL (`generate_series`, two sessions) by {rep['filledBySQL']:,} device-event rows spread over "
                  f"2026 and the {unit['computers']:,} computers (sequence numbers above 10⁹, clear of the real chains, "
                  f"content as mediad writes it) in {rep['fillSeconds']:.0f} s: {rep['eventsInYear']:,} rows in 2026 "
                  f"({rep['unitEventSize']}), {rep['violationsMirrored']:,} violation rows in the hub's ledger. "
                  "Timed: the release `mediactl --hub --socket … --lang en report violations --year 2026 --format F`, "
                  "and `report audit --quarter 2026Q4 --tz UTC --format F [--computer PC-00001]`, from exec to the last "
                  "byte on its stdout (a pipe), after one untimed run. The violations report is printed from the hub's "
                  "SQLite working copy (`HubResponder` → `InventoryService`); the audit's guard records (event counts, "
                  "devices used, the guard's and the links' events) are read from `unit_event` in PostgreSQL "
                  f"(`HubRecords`): {rep.get('eventsInQuarter', 0):,} events in Q4, and `report audit --year 2026` "
                  f"counts {rep.get('auditDeviceEvents') or 0:,} device events. Autovacuum workers at work on the "
                  f"fresh rows during the timed runs: {max(rep.get('autovacuumWorkersSeen') or [0])}; load average "
                  f"{rep.get('loadDuring', 0):.1f} at their end.", "",
                  "| report | bytes | first byte: median | last byte: median (min – max) | runs | target < 3 s |",
                  "| --- | --- | --- | --- | --- | --- |"]
        worst = 0.0
        names = {"json": "violations, json", "html": "violations, html", "audit_json": "audit Q4, json",
                 "audit_html": "audit Q4, html", "audit_one_computer_json": "audit Q4 of one computer, json"}
        for fmt, t in rep["timings"].items():
            last = t["last_byte_s"]
            targeted = fmt in ("json", "html")
            if targeted:
                worst = max(worst, last["median"])
            lines.append(f"| {names.get(fmt, fmt)} | {t['bytes'] / 1048576:.1f} MiB | {secs(t['first_byte_s']['median'])} | "
                         f"{secs(last['median'])} ({secs(last['min'])} – {secs(last['max'])}) | {last['runs']} | "
                         f"{verdict(last['median'] < ISSUE_TARGETS['report_s']) if targeted else '—'} |")
        lines.append("")
        targets.append(("8.3 `report violations --year 2026` at the hub over 10,000,000 events < 3 s",
                        f"slowest last byte {secs(worst)}", worst < ISSUE_TARGETS["report_s"]))

    idle = unit.get("idle")
    if idle:
        alone, enrolled, sync = idle["mediad alone"], idle["mediad enrolled"], idle.get("mediad-sync")
        lines += ["### 8.4 mediad's idle footprint, enrolled or not", "",
                  f"Two release mediad ({unit.get('mediad', '?').replace('/work/main/', '')}) side by side for "
                  f"{idle['seconds']} s, each on a ledger of its own (this computer registered, audit mode, no lockdown, "
                  "`unshare -n`): one alone, one enrolled in the unit with mediad-sync running beside it (sync.conf's "
                  "shipped `batch = 500`, `wait = 30`, `flush = 2`), caught up with the hub before the window. "
                  "Wake-ups as in section 5 (voluntary context switches summed over the threads alive at both ends); "
                  "all switches: `perf stat -e context-switches -p PID` over the window, which also counts threads "
                  "that started and ended inside it. Each pair is started afresh (what a start touches varies by "
                  "about a MiB from one start to the next); the table shows the pair with the median enrolled / alone "
                  "VmRSS, every pair is listed below it."
                  + (f" Measured apart from the rest of section 8, at {idle['measuredAt']} (`UNIT_ONLY=idle bench/run-unit.sh`)."
                     if idle.get("measuredAt") and idle["measuredAt"] != unit.get("startedAt") else ""), "",
                  "| process | VmRSS | threads | wake-ups in window | all context switches (perf) | by thread |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for name, d in (("mediad, not enrolled", alone), ("mediad, enrolled + courier", enrolled), ("mediad-sync", sync)):
            if not d:
                continue
            threads = ", ".join(f"{k} {v}" for k, v in sorted(d["per_thread"].items(), key=lambda kv: -kv[1])) or "none"
            perf = d.get("context_switches_all_threads")
            peak = f" (peak {d['vmhwm_kb'] / 1024:.1f})" if d.get("vmhwm_kb") else ""
            if d.get("rss_anon_kb") is not None and d.get("rss_file_kb") is not None:
                peak += f"; anonymous {d['rss_anon_kb'] / 1024:.1f}, file {d['rss_file_kb'] / 1024:.1f}"
            lines.append(f"| {name} | {d['vmrss_kb'] / 1024:.1f} MiB{peak} | {d['threads']} | {d['wakeups']} | "
                         f"{'—' if perf is None else perf} | {threads} |")
        ratio_rss = enrolled["vmrss_kb"] / alone["vmrss_kb"]
        ratio_cs = ((enrolled.get("context_switches_all_threads") or 0) / max(1, alone.get("context_switches_all_threads") or 1))
        replica = f" The enrolled replica holds the unit's {idle['replicaComputers']:,} computers." if idle.get("replicaComputers") else ""
        pairs = idle.get("pairs") or []
        if pairs:
            lines += ["", "Pairs (enrolled / alone VmRSS; wake-ups): " + "; ".join(
                f"{p['enrolled_kb'] / 1024:.1f} / {p['alone_kb'] / 1024:.1f} MiB = {p['enrolled_kb'] / p['alone_kb']:.2f} ×, "
                f"{p['enrolled_wakeups']} vs {p['alone_wakeups']}" for p in pairs) + "."]
        lines += ["", f"Enrolled / alone: VmRSS {ratio_rss:.2f} ×; wake-ups {enrolled['wakeups']} vs {alone['wakeups']}; all "
                      f"context switches {enrolled.get('context_switches_all_threads')} vs {alone.get('context_switches_all_threads')} "
                      f"({ratio_cs:.0f} ×).{replica}", ""]
        same = enrolled["wakeups"] <= alone["wakeups"] + 2 and ratio_rss <= 1.05
        targets.append(("8.4 mediad's idle footprint unchanged by the sync path",
                        f"VmRSS {enrolled['vmrss_kb'] / 1024:.1f} vs {alone['vmrss_kb'] / 1024:.1f} MiB, wake-ups "
                        f"{enrolled['wakeups']} vs {alone['wakeups']} in {idle['seconds']} s"
                        + (f" (median of {len(pairs)} pairs)" if len(pairs) > 1 else ""), same))
    return lines, [f"| {label} | {figure} | {verdict(ok)} |" for label, figure, ok in targets]
