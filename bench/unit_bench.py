"""The unit's benchmarks (BENCHMARKS.md section 8), against the real mediahub on a real PostgreSQL
cluster. Run by bench/run-unit.sh, which makes the work folder and cleans up after it (trap).

    python3 bench/unit_bench.py WORK_DIR OUT.json

1. ingest: `unit-bench enrol` registers UNIT_COMPUTERS computers at the hub (its socket) and enrols
   each with a key of its own (POST /v1/enrol); `unit-bench ingest` posts chained, signed event
   batches from the computers in turn, for each trial of UNIT_TRIALS (batch size x batches in
   flight, UNIT_TRIAL_EVENTS each); after each, `SELECT count(*) FROM unit_event` must equal every
   record acknowledged so far.
   `unit-bench micro` times the hub's per-record steps in process (what the hub's time goes to).
2. propagation: `unit-bench propagate`, 100 couriers long-polling, one change at the hub, ≥ 5 rounds.
3. report: 100,000 violation records delivered through the protocol (so they reach the hub's working
   copy and PostgreSQL alike), `unit_event` filled to UNIT_YEAR_EVENTS rows in 2026 with SQL, then
   `mediactl --hub report violations --year 2026` in json and html, time to last byte.
4. idle: two release mediad side by side for UNIT_IDLE_SECONDS, one enrolled in the unit with
   mediad-sync running beside it, one not: VmRSS and wake-ups of each.

Binaries: UNIT_BIN (mediahub, mediactl, mediad-sync, unit-bench; default .build-unitbench/release),
MEDIAD_BIN (default .build-bench/release/mediad, the shipped build of section 5).
UNIT_MEDIAD_WRAP, UNIT_ALONE_WRAP: words run before the enrolled mediad of step 4, and before the
other one (bench/make-order.sh profiles both under callgrind that way, for the link order).
UNIT_IDLE_SMAPS=DIR: step 4 also copies each process's /proc/PID/smaps into DIR at the end of its
window (where the two mediad differ, by mapping), with the file pages of its code it has mapped
(.resident). UNIT_IDLE_RUNS: pairs started for step 4 (3).
"""

import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BIN = os.environ.get("UNIT_BIN", os.path.join(REPO, ".build-unitbench/release"))
MEDIAHUB = os.path.join(BIN, "mediahub")
MEDIACTL = os.path.join(BIN, "mediactl")
MEDIAD_SYNC = os.path.join(BIN, "mediad-sync")
UNIT_BENCH = os.path.join(BIN, "unit-bench")
MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build-bench/release/mediad"))
if not os.path.exists(MEDIAD):
    MEDIAD = os.path.join(BIN, "mediad")

COMPUTERS = int(os.environ.get("UNIT_COMPUTERS", "5000"))
# Trials: BATCHxCONCURRENCY. The concurrency (64 in flight) for each batch size, and the
# largest batch again with 8 in flight (before the ingest lane, the only width without a stall; BENCHMARKS.md 8.1).
TRIALS = [tuple(int(x) for x in t.split("x")) for t in os.environ.get("UNIT_TRIALS", "50x64,200x64,500x64,500x8").split(",") if t]
TRIAL_EVENTS = int(os.environ.get("UNIT_TRIAL_EVENTS", "40000"))
# Setting up (violations for the report) goes 8 at a time, clear of the stalls 64 at a time cause.
SETUP_CONCURRENCY = 8
VIOLATION_BATCH = int(os.environ.get("UNIT_VIOLATION_BATCH", "200"))
YEAR_EVENTS = int(os.environ.get("UNIT_YEAR_EVENTS", "10000000"))
VIOLATIONS = int(os.environ.get("UNIT_VIOLATIONS", "100000"))
RUNS = int(os.environ.get("UNIT_RUNS", "5"))
IDLE_SECONDS = int(os.environ.get("UNIT_IDLE_SECONDS", "60"))
IDLE_RUNS = int(os.environ.get("UNIT_IDLE_RUNS", "3"))
ONLY = os.environ.get("UNIT_ONLY", "ingest,async,micro,propagate,report,idle").split(",")
SMAPS_DIR = os.environ.get("UNIT_IDLE_SMAPS")
MEDIAD_WRAP = os.environ.get("UNIT_MEDIAD_WRAP", "").split()
ALONE_WRAP = os.environ.get("UNIT_ALONE_WRAP", "").split()
UNIT = "某单位"


def log(message):
    print(f"unit: {message}", file=sys.stderr, flush=True)


def clean_env():
    return {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root"}


def spread(values):
    s = sorted(values)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {"median": med, "min": s[0], "max": s[-1], "runs": n, "values": values}


class Postgres:
    """A cluster made by initdb as the postgres user in WORK/pg, on a Unix socket only, with
    PostgreSQL's default durability (fsync on, synchronous_commit on, full_page_writes on)."""

    def __init__(self, work):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if not found:
            raise SystemExit("PostgreSQL is not installed (make deps installs postgresql)")
        self.bin = os.path.dirname(found[-1])
        self.dir = os.path.join(work, "pg")
        os.makedirs(self.dir)
        postgres = pwd.getpwnam("postgres")
        os.chown(self.dir, postgres.pw_uid, postgres.pw_gid)
        self.as_postgres(f"{self.bin}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "mediahub", "-E", "UTF8",
                         "--locale=C.UTF-8")
        # Durability as shipped; the one change from initdb's defaults is max_wal_size, so the
        # 10-million-row load is not a chain of forced checkpoints (a server is tuned so too).
        self.as_postgres(f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o",
                         f"-k {self.dir} -c listen_addresses= -c max_connections=200 -c max_wal_size=8GB", "start")
        self.create_database("unit")

    def as_postgres(self, *argv, check=True):
        result = subprocess.run(["runuser", "-u", "postgres", "--", *argv], capture_output=True, text=True,
                                env=clean_env(), cwd="/")
        if check and result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {result.stdout}{result.stderr}")
        return result

    def create_database(self, name):
        self.as_postgres(f"{self.bin}/createdb", "-h", self.dir, "-U", "mediahub", name)

    def sql(self, query, database="unit"):
        return self.as_postgres(f"{self.bin}/psql", "-h", self.dir, "-U", "mediahub", "-d", database, "-v",
                                "ON_ERROR_STOP=1", "-At", "-c", query).stdout.strip()

    def settings(self):
        names = ["server_version", "fsync", "synchronous_commit", "full_page_writes", "wal_sync_method", "shared_buffers",
                 "max_wal_size", "wal_level"]
        rows = self.sql("SELECT name, setting, coalesce(unit, '') FROM pg_settings WHERE name IN (%s) ORDER BY name"
                        % ",".join(f"'{n}'" for n in names))
        return {name: (value + (f" × {unit}" if unit else "")) for name, value, unit in (r.split("|") for r in rows.splitlines())}

    def stop(self):
        self.as_postgres(f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "-w", "stop", check=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    def __init__(self, work, postgres):
        self.root = os.path.join(work, "hub")
        os.makedirs(self.root)
        self.socket = os.path.join(self.root, "mediahub.sock")
        self.cert = os.path.join(self.root, "cert.pem")
        key = os.path.join(self.root, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "2", "-subj", "/CN=mediahub",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", self.cert],
                       check=True, capture_output=True, env=clean_env())
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.config = os.path.join(self.root, "mediahub.conf")
        with open(self.config, "w") as f:
            f.write(f"unit = {UNIT}\nname = hub.bench\ndatabase = host={postgres.dir} user=mediahub dbname=unit\n"
                    f"key = {self.root}/unit.key\nstate = {self.root}/state\nsocket = {self.socket}\nsocket-group = root\n"
                    f"listen = 127.0.0.1\nport = {self.port}\ncertificate = {self.cert}\ncertificate-key = {key}\n"
                    # Every simulated computer connects from 127.0.0.1 here.
                    "connections-per-address = 65536\n")
        os.makedirs(os.path.join(self.root, "state"))
        self.proc = None
        self.log_path = os.path.join(self.root, "mediahub.log")

    def start(self):
        self.log_file = open(self.log_path, "a")
        self.proc = subprocess.Popen([MEDIAHUB, "--config", self.config], stdout=self.log_file, stderr=self.log_file,
                                     env=clean_env())
        deadline = time.monotonic() + 120
        while True:
            with open(self.log_path) as f:
                if "serving" in f.read():
                    return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mediahub did not start: {open(self.log_path).read()[-2000:]}")
            time.sleep(0.1)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def ctl(self, *args):
        result = subprocess.run([MEDIACTL, "--hub", "--socket", self.socket, "--lang", "en", *args], capture_output=True,
                                text=True, env=clean_env())
        if result.returncode != 0:
            raise RuntimeError(f"mediactl --hub {' '.join(args)}: {result.stderr}")
        return result.stdout

    def version(self):
        return json.loads(self.ctl("unit", "computers", "--format", "json"))["ledgerVersion"]


def unit_bench(hub, state, command, *args):
    argv = [UNIT_BENCH, command, "--hub", hub.url, "--ca", hub.cert, "--state", state, *args]
    log(" ".join(os.path.basename(a) if a.startswith("/") else a for a in argv))
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=None, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"unit-bench {command} failed ({result.returncode})")
    return json.loads(result.stdout)


def count_events(postgres):
    return int(postgres.sql("SELECT count(*) FROM unit_event"))


# -- 1. ingest ------------------------------------------------------------------------------------

def ingest(hub, postgres, state, results):
    enrol(hub, state, results)
    sent = count_events(postgres)
    trials = []
    for batch, concurrency in TRIALS:
        events = max(batch, TRIAL_EVENTS // batch * batch)
        dirty = settle_disk()
        load = os.getloadavg()[0]
        trial = unit_bench(hub, state, "ingest", "--batch", str(batch), "--events", str(events),
                           "--concurrency", str(concurrency))
        trial["loadBefore"], trial["loadAfter"] = load, os.getloadavg()[0]
        trial["dirtyKiBBefore"] = dirty
        sent += trial["eventsAcknowledged"]
        stored = count_events(postgres)
        trial["storedAfter"] = stored
        trial["expectedAfter"] = sent
        if stored != sent:
            raise RuntimeError(f"unit_event holds {stored} rows, {sent} were acknowledged")
        trials.append(trial)
        results["ingest"] = trials
    results["mirror"] = postgres.sql("SELECT mirror || '/' || ledger FROM hub_version")


def settle_disk():
    """Writes back what earlier steps left dirty in the page cache (the guard's benchmarks write
    ledgers of hundreds of MiB just before): PostgreSQL's fsyncs in a trial would otherwise queue
    behind that writeback, measuring the step before instead of the hub. Returns the KiB that were
    dirty."""
    dirty = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("Dirty:"):
                dirty = int(line.split()[1])
    os.sync()
    return dirty


def enrol(hub, state, results):
    if not os.path.exists(state):
        results["enrol"] = unit_bench(hub, state, "enrol", "--socket", hub.socket, "--computers", str(COMPUTERS),
                                      "--concurrency", str(SETUP_CONCURRENCY))


def ingest_async(hub, postgres, state, results):
    """One labelled comparison: the last trial again with synchronous_commit = off."""
    enrol(hub, state, results)
    batch, concurrency = TRIALS[-1]
    postgres.sql("ALTER SYSTEM SET synchronous_commit = off")
    postgres.sql("SELECT pg_reload_conf()")
    try:
        before = count_events(postgres)
        events = max(batch, TRIAL_EVENTS // batch * batch)
        load = os.getloadavg()[0]
        trial = unit_bench(hub, state, "ingest", "--batch", str(batch), "--events", str(events),
                           "--concurrency", str(concurrency))
        trial["loadBefore"], trial["loadAfter"] = load, os.getloadavg()[0]
        trial["synchronousCommit"] = postgres.sql("SHOW synchronous_commit")
        stored = count_events(postgres)
        if stored != before + trial["eventsAcknowledged"]:
            raise RuntimeError(f"unit_event holds {stored} rows, expected {before + trial['eventsAcknowledged']}")
        results["ingestAsync"] = trial
    finally:
        postgres.sql("ALTER SYSTEM RESET synchronous_commit")
        postgres.sql("SELECT pg_reload_conf()")


def micro(results):
    """The hub's per-record steps timed in process (`unit-bench micro`): where ingest's time goes."""
    log("unit-bench micro --batch 500")
    result = subprocess.run([UNIT_BENCH, "micro", "--batch", "500", "--rounds", "20"], stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise RuntimeError("unit-bench micro failed")
    results["micro"] = json.loads(result.stdout)


# -- 2. propagation -------------------------------------------------------------------------------

def propagate(hub, state, results):
    enrol(hub, state, results)
    results["propagate"] = unit_bench(hub, state, "propagate", "--socket", hub.socket, "--couriers", "100",
                                      "--rounds", str(max(5, RUNS)))


# -- 3. the violations report over a year --------------------------------------------------------

FILL_SQL = """
CREATE TEMP TABLE variant AS SELECT v, b::jsonb AS j, convert_to(b, 'UTF8') AS bytes, md5(b) || md5(b || v) AS h FROM (
    SELECT v, json_build_object('id', 1000 + v, 'at', '2026-03-01T10:00:00Z', 'kind', 'attach', 'computer', 'PC-00001',
        'syspath', '/sys/devices/pci0000:00/0000:00:14.0/usb1/1-' || (1 + v % 4), 'port', '1-' || (1 + v % 4),
        'vendor_id', '0781', 'product_id', '5567', 'serial', '4C5300012301011' || lpad(v::text, 5, '0'),
        'device', 'SanDisk Cruzer Blade', 'decision', CASE WHEN v % 3 = 0 THEN 'block' ELSE 'allow' END, 'audited', 0,
        'medium_number', CASE WHEN v % 3 = 0 THEN NULL ELSE 'U-2026-' || lpad(v::text, 4, '0') END,
        'holder', CASE WHEN v % 3 = 0 THEN NULL ELSE 'P001' END, 'stores', 1,
        'observation', '{{"class":"00","interfaces":["08/06/50"],"speed":480}}', 'note', NULL)::text AS b
    FROM generate_series(0, 63) AS v) AS s;
INSERT INTO unit_event (computer, seq, tbl, local_id, at, content, content_bytes, previous, hash, received_at)
SELECT 'PC-' || lpad((1 + g % {computers})::text, 5, '0'), {base} + g / {computers}, 'device_event', g, t, x.j, x.bytes,
       repeat('0', 64), x.h, t
FROM (SELECT g, timestamptz '2026-01-01 00:00:00+00' + ((g * 7919) % 31536000) * interval '1 second' AS t
      FROM generate_series({first}::bigint, {last}::bigint) AS g) AS r
JOIN variant AS x ON x.v = r.g % 64;
"""


def report(hub, postgres, state, results):
    # The violations through the protocol: each computer's next records are `violation` rows, so
    # HubIngest enters them in the working copy's violation list and PostgreSQL stores the records
    # and mirrors the rows, in one commit, as for a real computer.
    enrol(hub, state, results)
    results["violations"] = unit_bench(hub, state, "ingest", "--kind", "violation", "--batch", str(VIOLATION_BATCH),
                                       "--events", str(VIOLATIONS), "--concurrency", str(SETUP_CONCURRENCY))
    have = count_events(postgres)
    fill = max(0, YEAR_EVENTS - have)
    log(f"filling unit_event from {have:,} to {YEAR_EVENTS:,} rows in 2026 with SQL")
    t0 = time.monotonic()
    # A bulk load: the three indexes of unit_event (as the hub's migration made them) dropped, the
    # rows inserted by two sessions (one per core), the indexes built again. Nothing is delivered
    # meanwhile. Sequence numbers above a billion, clear of every real chain.
    # Every month of 2026 as the hub makes one when a record first falls in it (EventMonth.createStatement).
    for month in range(1, 13):
        start, end = f"2026-{month:02d}-01 00:00:00+00", (f"2026-{month + 1:02d}-01 00:00:00+00" if month < 12
                                                          else "2027-01-01 00:00:00+00")
        postgres.sql(f"CREATE TABLE IF NOT EXISTS unit_event_2026_{month:02d} PARTITION OF unit_event "
                     f"FOR VALUES FROM ('{start}') TO ('{end}')")
    indexes = postgres.sql("SELECT indexname || '|' || indexdef FROM pg_indexes WHERE schemaname = 'public' "
                           "AND tablename = 'unit_event' ORDER BY indexname").splitlines()
    postgres.sql("DROP INDEX " + ", ".join(i.split("|", 1)[0] for i in indexes))
    halves = [(1, fill // 2), (fill // 2 + 1, fill)] if fill > 1 else [(1, fill)] if fill else []
    in_parallel(lambda first, last: postgres.sql(FILL_SQL.format(computers=COMPUTERS, base=1_000_000_000, first=first,
                                                                 last=last)), halves)
    inserted = time.monotonic() - t0
    # pg_indexes shows a partitioned index as `ON ONLY`; built without ONLY, it is built on every partition.
    rebuilt = [i.split("|", 1)[1] for i in indexes]
    in_parallel(lambda definition: postgres.sql(f"SET maintenance_work_mem = '512MB'; "
                                                + definition.replace(" ON ONLY ", " ON ", 1)), [(d,) for d in rebuilt])
    now_defined = postgres.sql("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'unit_event' "
                               "ORDER BY indexname").splitlines()
    partitions = int(postgres.sql("SELECT count(*) FROM pg_inherits WHERE inhparent = 'unit_event'::regclass"))
    children = int(postgres.sql("SELECT count(*) FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid "
                                "WHERE x.indisvalid AND i.inhparent IN (SELECT indexrelid FROM pg_index "
                                "WHERE indrelid = 'unit_event'::regclass AND indisvalid)"))
    if now_defined != rebuilt or children != partitions * len(rebuilt):
        raise RuntimeError(f"unit_event's indexes were not rebuilt as they were: {now_defined} vs {rebuilt}, "
                           f"{children} valid partition indexes for {partitions} partitions")
    postgres.sql("ANALYZE unit_event")
    fill_seconds = time.monotonic() - t0
    year = int(postgres.sql("SELECT count(*) FROM unit_event WHERE at >= '2026-01-01 00:00:00+00' AND at < '2027-01-01 00:00:00+00'"))
    size = postgres.sql("SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        "WHERE i.inhparent = 'unit_event'::regclass")
    violations_hub = int(postgres.sql("SELECT count(*) FROM ledger_row WHERE tbl = 'violation' AND NOT deleted"))
    log(f"unit_event: {year:,} rows in 2026 ({size}); filled in {fill_seconds:.0f} s; {violations_hub:,} violations mirrored")
    listed = json.loads(hub.ctl("report", "violations", "--year", "2026", "--format", "json"))
    # What the hub's audit counts of the year's device events (read from unit_event): every one.
    audit = json.loads(hub.ctl("report", "audit", "--year", "2026", "--format", "json")).get("totals", {})
    timings = {}
    autovacuum = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
    vacuuming = [int(postgres.sql(autovacuum))]
    for fmt in ("json", "html"):
        args = [MEDIACTL, "--hub", "--socket", hub.socket, "--lang", "en", "report", "violations", "--year", "2026",
                "--format", fmt]
        samples = [time_to_last_byte(args) for _ in range(RUNS + 1)][1:]  # the first warms the caches
        timings[fmt] = {"first_byte_s": spread([s[0] for s in samples]), "last_byte_s": spread([s[1] for s in samples]),
                        "bytes": samples[0][2]}
        log(f"report violations --year 2026 --format {fmt}: last byte {timings[fmt]['last_byte_s']['median']:.2f} s")
        vacuuming.append(int(postgres.sql(autovacuum)))
    # The unit's audit of a quarter (a quarter of the year's events, from PostgreSQL), and one
    # computer's audit of the same quarter.
    quarter = int(postgres.sql("SELECT count(*) FROM unit_event WHERE at >= '2026-10-01 00:00:00+00' AND at < '2027-01-01 00:00:00+00'"))
    for name, extra in (("audit_json", ["--format", "json"]), ("audit_html", ["--format", "html"]),
                        ("audit_one_computer_json", ["--format", "json", "--computer", "PC-00001"])):
        args = [MEDIACTL, "--hub", "--socket", hub.socket, "--lang", "en", "report", "audit", "--quarter", "2026Q4", "--tz", "UTC",
                *extra]
        samples = [time_to_last_byte(args) for _ in range(RUNS + 1)][1:]
        timings[name] = {"first_byte_s": spread([s[0] for s in samples]), "last_byte_s": spread([s[1] for s in samples]),
                         "bytes": samples[0][2]}
        log(f"report audit --quarter 2026Q4 {' '.join(extra)}: last byte {timings[name]['last_byte_s']['median']:.2f} s")
    results["report"] = {"eventsInYear": year, "unitEventSize": size, "fillSeconds": fill_seconds,
                         "fillInsertSeconds": inserted, "indexesRebuilt": rebuilt,
                         "filledBySQL": fill, "violationsMirrored": violations_hub,
                         "violationsInReport": report_total(listed), "timings": timings,
                         "auditDeviceEvents": audit.get("device_events"), "eventsInQuarter": quarter,
                         "autovacuumWorkersSeen": vacuuming, "loadDuring": os.getloadavg()[0]}


def in_parallel(work, argument_tuples):
    """`work(*arguments)` for each tuple, each in a thread of its own; the first error raised."""
    errors = []

    def run(arguments):
        try:
            work(*arguments)
        except Exception as e:  # noqa: BLE001
            errors.append(e)
    threads = [threading.Thread(target=run, args=(a,)) for a in argument_tuples]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def report_total(listed):
    """The report's own totals (its JSON header) and the rows of its main table."""
    return {"totals": listed.get("totals"), "rows": len(listed.get("rows", []))}


def time_to_last_byte(argv):
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env())
    fd = proc.stdout.fileno()
    first, total = None, 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        if first is None:
            first = time.monotonic()
        total += len(chunk)
    last = time.monotonic()
    proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {proc.stderr.read().decode()}")
    return (first or last) - t0, last - t0, total


# -- 4. idle: mediad enrolled with its courier beside it, and not -----------------------------------

class Computer:
    """A release mediad on a ledger of its own (this computer registered, audit mode, no lockdown,
    in a network namespace of its own so it judges no link of this machine); enrolled: mediad-sync
    beside it with sync.conf's shipped defaults (batch 500, wait 30, flush 2)."""

    def __init__(self, work, hub, asset, enrolled):
        self.root = os.path.join(work, asset)
        os.makedirs(self.root)
        self.asset = asset
        self.db = os.path.join(self.root, "mediad.db")
        self.socket = os.path.join(self.root, "mediad.sock")
        self.conf = os.path.join(self.root, "mediad.conf")
        with open(self.conf, "w") as f:
            f.write(f"database = {self.db}\nsocket = {self.socket}\nmode = audit\nlockdown = no\n")
        self.local("person", "add", "--id", "P001", "--name", "张三", "--clearance", "core")
        self.local("host", "set", "--asset-no", asset, "--level", "secret", "--network", "standalone", "--holder", "P001")
        wrap = MEDIAD_WRAP if enrolled else ALONE_WRAP
        self.mediad = subprocess.Popen(["unshare", "-n", *wrap, MEDIAD, "--config", self.conf], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env=clean_env())
        # Started once it answers `status`, as whoever installs a guard checks it: both have then
        # answered the control socket before the window, so that what differs between them is the
        # unit's part alone. (The socket's file exists a moment before mediad accepts on it.)
        deadline = time.monotonic() + (300 if wrap else 30)
        while not (os.path.exists(self.socket) and subprocess.run(
                [MEDIACTL, "--socket", self.socket, "status"], capture_output=True, env=clean_env()).returncode == 0):
            if self.mediad.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mediad for {asset} did not start")
            time.sleep(0.05)
        self.sync = None
        if enrolled:
            hub.ctl("computer", "add", "--asset-no", asset, "--level", "secret", "--network", "standalone", "--holder", "P001")
            code = json.loads(hub.ctl("computer", "enrol", asset, "--format", "json"))["code"]
            state = os.path.join(self.root, "sync")
            os.makedirs(state)
            self.sync_conf = os.path.join(self.root, "sync.conf")
            with open(self.sync_conf, "w") as f:
                f.write(f"hub = {hub.url}\nca = {hub.cert}\nsocket = {self.socket}\nstate = {state}\n"
                        "batch = 500\nwait = 30\nflush = 2\n")
            subprocess.run([MEDIAD_SYNC, "--config", self.sync_conf, "enrol", "--code", code], check=True,
                           capture_output=True, env=clean_env())
            self.sync = subprocess.Popen([MEDIAD_SYNC, "--config", self.sync_conf, "run"], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, env=clean_env())
            deadline = time.monotonic() + (600 if wrap else 60)
            while True:
                status = self.membership()
                if status and status["ledgerVersion"] == hub.version() and status["acknowledged"] == status["head"]:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{asset} did not catch up with the hub: {status}")
                time.sleep(0.5)

    def local(self, *args):
        subprocess.run([MEDIACTL, "--db", self.db, "--lang", "en", *args], check=True, capture_output=True, env=clean_env())

    def membership(self):
        result = subprocess.run([MEDIACTL, "--socket", self.socket, "unit", "status", "--format", "json"],
                                capture_output=True, text=True, env=clean_env())
        return json.loads(result.stdout) if result.returncode == 0 else None

    def stop(self):
        for proc in (self.sync, self.mediad):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()


def status_of(pid):
    """VmRSS (kB) and voluntary context switches summed over the threads alive now (section 5's way)."""
    rss = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    total, threads = 0, {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            for line in open(f"/proc/{pid}/task/{tid}/status"):
                if line.startswith("voluntary_ctxt_switches:"):
                    threads[f"{tid}:{name}"] = int(line.split()[1])
                    total += int(line.split()[1])
        except OSError:
            continue
    return rss, total, threads


def resident_file_pages(pid):
    """(file offset, path) of every page of the process's executable mappings present in its page
    tables (/proc/PID/pagemap, bit 63): which code each process keeps resident."""
    pages = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pagemap:
        for line in maps:
            fields = line.split()
            if len(fields) < 6 or "x" not in fields[1]:
                continue
            start, end = (int(x, 16) for x in fields[0].split("-"))
            offset = int(fields[2], 16)
            pagemap.seek(start // 4096 * 8)
            data = pagemap.read((end - start) // 4096 * 8)
            for i in range(len(data) // 8):
                if int.from_bytes(data[i * 8:i * 8 + 8], "little") >> 63:
                    pages.append((offset + i * 4096, fields[5]))
    return pages


def perf_switches(pid, seconds, work):
    """Every context switch of the process during `seconds`, threads started meanwhile included
    (perf stat follows new threads; /proc counts lose the threads that ended)."""
    if not shutil.which("perf"):
        return None
    out = os.path.join(work, f"perf-{pid}.csv")
    proc = subprocess.Popen(["perf", "stat", "-x", ",", "-e", "context-switches", "-p", str(pid), "-o", out, "--", "sleep",
                             str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, out


def idle(work, hub, results):
    """IDLE_RUNS pairs, each started afresh (what a start happens to touch varies by a MiB from one
    start to the next); the pair with the median enrolled / alone VmRSS is reported, with every
    pair's figures beside it."""
    hub.ctl("person", "add", "--id", "P001", "--name", "张三", "--clearance", "core")
    runs = [idle_pair(work, hub, run) for run in range(IDLE_RUNS)]
    ratio = lambda figures: figures["mediad enrolled"]["vmrss_kb"] / figures["mediad alone"]["vmrss_kb"]
    chosen = dict(sorted(runs, key=ratio)[len(runs) // 2])
    chosen["pairs"] = [{"alone_kb": r["mediad alone"]["vmrss_kb"], "enrolled_kb": r["mediad enrolled"]["vmrss_kb"],
                        "alone_wakeups": r["mediad alone"]["wakeups"], "enrolled_wakeups": r["mediad enrolled"]["wakeups"]}
                       for r in runs]
    results["idle"] = chosen


def idle_pair(work, hub, run):
    plain = Computer(work, hub, f"PC-IDLE-ALONE-{run}", enrolled=False)
    enrolled = None
    try:
        enrolled = Computer(work, hub, f"PC-IDLE-UNIT-{run}", enrolled=True)
        time.sleep(3)
        watched = {"mediad alone": plain.mediad.pid, "mediad enrolled": enrolled.mediad.pid, "mediad-sync": enrolled.sync.pid}
        perfs = {name: perf_switches(pid, IDLE_SECONDS, work) for name, pid in watched.items()}
        start = {name: status_of(pid) for name, pid in watched.items()}
        time.sleep(IDLE_SECONDS)
        end = {name: status_of(pid) for name, pid in watched.items()}
        if SMAPS_DIR:
            os.makedirs(SMAPS_DIR, exist_ok=True)
            for name, pid in watched.items():
                stem = os.path.join(SMAPS_DIR, f"{name.replace(' ', '-')}-{run}")
                shutil.copyfile(f"/proc/{pid}/smaps", stem + ".smaps")
                with open(stem + ".resident", "w") as out:
                    out.writelines(f"{offset:x} {path}\n" for offset, path in resident_file_pages(pid))
        figures = {"seconds": IDLE_SECONDS, "measuredAt": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
        for name, pid in watched.items():
            rss0, cs0, th0 = start[name]
            rss1, cs1, th1 = end[name]
            per_thread = {k.split(":", 1)[1]: th1[k] - th0.get(k, 0) for k in th1 if th1[k] - th0.get(k, 0)}
            all_switches = None
            if perfs[name]:
                proc, out = perfs[name]
                proc.wait(30)
                try:
                    with open(out) as f:
                        for line in f:
                            fields = line.strip().split(",")
                            if len(fields) > 2 and fields[2] == "context-switches":
                                all_switches = int(fields[0]) if fields[0].isdigit() else 0
                    os.remove(out)
                except OSError:
                    pass
            with open(f"/proc/{pid}/status") as f:
                status = {line.split(":")[0]: line.split()[1] for line in f if line.startswith(("VmHWM:", "RssAnon:", "RssFile:"))}
            peak = int(status["VmHWM"])
            figures[name] = {"vmrss_kb": rss1, "vmhwm_kb": peak, "wakeups": cs1 - cs0, "threads": len(th1), "per_thread": per_thread,
                             "context_switches_all_threads": all_switches,
                             # Heap and stacks, against pages of the binary and of files mapped (clean, shared).
                             "rss_anon_kb": int(status.get("RssAnon", 0)), "rss_file_kb": int(status.get("RssFile", 0))}
            log(f"idle {name}: VmRSS {rss1 / 1024:.1f} MiB (anonymous {figures[name]['rss_anon_kb'] / 1024:.1f}, "
                f"file {figures[name]['rss_file_kb'] / 1024:.1f}), wake-ups {cs1 - cs0} (perf: {all_switches})")
        import sqlite3
        connection = sqlite3.connect(f"file:{enrolled.db}?mode=ro", uri=True)
        figures["replicaComputers"] = connection.execute("SELECT count(*) FROM computer").fetchone()[0]
        connection.close()
        return figures
    finally:
        plain.stop()
        if enrolled:
            enrolled.stop()


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    with open("/proc/meminfo") as f:
        memory = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory / 1048576, 1),
            "loadavg_at_start": os.getloadavg()[0]}


def main():
    work, out = sys.argv[1], sys.argv[2]
    for binary in (MEDIAHUB, MEDIACTL, MEDIAD_SYNC, UNIT_BENCH, MEDIAD):
        if not os.path.exists(binary):
            raise SystemExit(f"unit bench: {binary} missing (make bench builds it)")
    results = {"startedAt": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
               "computers": COMPUTERS, "trials": TRIALS, "trialEvents": TRIAL_EVENTS,
               "mediad": MEDIAD, "bin": BIN}
    t0 = time.monotonic()
    postgres = Postgres(work)
    hub = None
    try:
        results["postgres"] = postgres.settings()
        hub = Hub(work, postgres)
        hub.start()
        state = os.path.join(work, "computers.json")
        steps = [("ingest", lambda: ingest(hub, postgres, state, results)),
                 ("async", lambda: ingest_async(hub, postgres, state, results)),
                 ("micro", lambda: micro(results)),
                 ("propagate", lambda: propagate(hub, state, results)),
                 ("report", lambda: report(hub, postgres, state, results)),
                 ("idle", lambda: idle(work, hub, results))]
        for name, step in steps:
            if name in ONLY:
                t = time.monotonic()
                step()
                results.setdefault("stepSeconds", {})[name] = time.monotonic() - t
                with open(out, "w") as f:
                    json.dump(results, f, indent=1, ensure_ascii=False)
    finally:
        if hub:
            hub.stop()
        postgres.stop()
    results["seconds"] = time.monotonic() - t0
    with open(out, "w") as f:
        json.dump(results, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
