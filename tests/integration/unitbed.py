"""A unit on one machine: a real PostgreSQL cluster, the real mediahub, and computers that each run
the real mediad (on a umockdev testbed of its own) and the real mediad-sync, every computer in a
network namespace of its own, joined to the hub's namespace by a veth pair.

Rules the helpers follow:
- PostgreSQL is a throwaway cluster (initdb as the `postgres` user into a folder of the test's,
  a Unix socket only), stopped in cleanup even when a test fails;
- the hub listens on HTTPS with a certificate made here by openssl for the hub's addresses; each
  courier trusts only that certificate;
- addresses come from the documentation range 192.0.2.0/24: computer N sits on 192.0.2.(4N+2)/30,
  the hub on 192.0.2.(4N+1);
- waiting is on observed state (a ledger row, an `authorized` file, a JSON answer), never sleeps.
"""

import glob
import json
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import tempfile

from harness import Daemon, Testbed, wait_until
from netns import Namespace, clean_env

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build/debug/mediad"))
BIN = os.path.dirname(MEDIAD)
MEDIACTL = os.environ.get("MEDIACTL_BIN", os.path.join(BIN, "mediactl"))
MEDIAHUB = os.environ.get("MEDIAHUB_BIN", os.path.join(BIN, "mediahub"))
MEDIAD_SYNC = os.environ.get("MEDIAD_SYNC_BIN", os.path.join(BIN, "mediad-sync"))
UNIT = "某单位"


def postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        raise AssertionError("PostgreSQL is not installed (make deps installs postgresql)")
    return os.path.dirname(found[-1])


class Postgres:
    """A throwaway cluster on a Unix socket in `directory`, owned by the postgres user."""

    def __init__(self, directory):
        self.bin = postgres_bin()
        self.dir = os.path.join(directory, "pg")
        os.makedirs(self.dir)
        postgres = pwd.getpwnam("postgres")
        os.chown(self.dir, postgres.pw_uid, postgres.pw_gid)
        # The postgres user must reach its folder: open the way down (the run's folder is 0700).
        path = directory
        while path not in ("/", "/tmp"):
            os.chmod(path, os.stat(path).st_mode | 0o011)
            path = os.path.dirname(path)
        self._as_postgres([f"{self.bin}/initdb", "-D", f"{self.dir}/data", "-A", "trust", "-U", "mediahub", "-E", "UTF8",
                           "--locale=C.UTF-8"])
        self._as_postgres([f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w",
                           "-o", f"-k {self.dir} -c listen_addresses= -c fsync=off -c max_connections=200", "start"])
        self.running = True

    def _as_postgres(self, argv):
        result = subprocess.run(["runuser", "-u", "postgres", "--", *argv], capture_output=True, text=True,
                                env=clean_env(), cwd="/")
        if result.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} failed: {result.stdout}{result.stderr}")
        return result

    def create_database(self, name):
        self._as_postgres([f"{self.bin}/createdb", "-h", self.dir, "-U", "mediahub", name])

    def psql(self, database, sql):
        result = self._as_postgres([f"{self.bin}/psql", "-h", self.dir, "-U", "mediahub", "-d", database, "-At", "-c", sql])
        return result.stdout.strip()

    def stop(self):
        if self.running:
            subprocess.run(["runuser", "-u", "postgres", "--", f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m",
                            "immediate", "stop"], capture_output=True, env=clean_env(), cwd="/")
            self.running = False


class Hub:
    """mediahub in the namespace `ns`, on the database `database` of `postgres`."""

    def __init__(self, root, postgres, database, ns, addresses, unit=UNIT, folder="hub"):
        self.root = os.path.join(root, folder)
        os.makedirs(self.root)
        self.postgres = postgres
        self.database = database
        self.ns = ns
        self.socket = os.path.join(self.root, "mediahub.sock")
        self.cert = os.path.join(self.root, "cert.pem")
        key = os.path.join(self.root, "key.pem")
        names = ",".join(f"IP:{a}" for a in addresses)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "2", "-subj", "/CN=mediahub",
                        "-addext", f"subjectAltName={names}", "-keyout", key, "-out", self.cert],
                       check=True, capture_output=True, env=clean_env())
        self.config = os.path.join(self.root, "mediahub.conf")
        with open(self.config, "w") as f:
            f.write(f"unit = {unit}\nname = hub.test\n"
                    f"database = host={postgres.dir} user=mediahub dbname={database}\n"
                    f"key = {self.root}/unit.key\nstate = {self.root}/state\nsocket = {self.socket}\nsocket-group = root\n"
                    f"listen = 0.0.0.0\nport = 8443\ncertificate = {self.cert}\ncertificate-key = {key}\n")
        self.daemon = None

    def start(self):
        self.daemon = Daemon(["ip", "netns", "exec", self.ns.name, MEDIAHUB, "--config", self.config], clean_env())
        wait_until(lambda: any("serving" in line for line in self.daemon.stderr) or self.daemon.proc.poll() is not None,
                   timeout=60, message=lambda: f"mediahub to serve; {self.daemon.describe()}")
        if self.daemon.proc.poll() is not None:
            raise AssertionError(f"mediahub exited: {self.daemon.describe()}")

    def stop(self):
        if self.daemon and self.daemon.proc.poll() is None:
            self.daemon.stop()

    def ctl(self, *args, ok=True):
        result = subprocess.run([MEDIACTL, "--hub", "--socket", self.socket, "--lang", "en", *args],
                                capture_output=True, text=True, env=clean_env())
        if ok and result.returncode != 0:
            raise AssertionError(f"mediactl --hub {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def computers(self):
        return {c["computer"]: c for c in json.loads(self.ctl("unit", "computers", "--format", "json").stdout)["computers"]}

    def version(self):
        return json.loads(self.ctl("unit", "computers", "--format", "json").stdout)["ledgerVersion"]

    def sql(self, query):
        return self.postgres.psql(self.database, query)


class Computer:
    """One classified computer: its namespace and veth to the hub, its testbed, its ledger (this
    computer registered locally first, as before enrolment), mediad and mediad-sync."""

    def __init__(self, index, root, hub_ns, hub, asset, linked=True):
        self.asset = asset
        self.hub = hub
        self.root = os.path.join(root, asset)
        os.makedirs(self.root)
        self.ns = Namespace(f"c{index}")
        self.hub_address = f"192.0.2.{4 * index + 1}"
        address = f"192.0.2.{4 * index + 2}"
        hub_side = f"h{os.getpid() % 10000}c{index}"
        if linked:
            self.ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", hub_side, "netns", hub_ns.name)
            hub_ns.ip("addr", "add", f"{self.hub_address}/30", "dev", hub_side)
            hub_ns.ip("link", "set", hub_side, "up")
            self.ns.ip("addr", "add", f"{address}/30", "dev", "eth0")
            self.ns.ip("link", "set", "eth0", "up")
        # A standalone computer (linked=False) has loopback only: no way to the hub but by hand.
        self.ns.ip("link", "set", "lo", "up")
        self.tb = Testbed()
        self.db = os.path.join(self.root, "mediad.db")
        self.socket = os.path.join(self.root, "mediad.sock")
        self.sync_state = os.path.join(self.root, "sync")
        os.makedirs(self.sync_state)
        self.sync_config = os.path.join(self.root, "sync.conf")
        with open(self.sync_config, "w") as f:
            f.write(f"hub = https://{self.hub_address}:8443\nca = {hub.cert}\nsocket = {self.socket}\n"
                    f"state = {self.sync_state}\nbatch = 50\nwait = 30\nflush = 1\n")
        self.mediad = None
        self.sync = None

    def activate(self):
        """Makes this computer's testbed the one umockdev's preload in this process sends uevents
        to: several testbeds live in one test process, and the preload follows $UMOCKDEV_DIR."""
        os.environ["UMOCKDEV_DIR"] = self.tb.root

    def local(self, *args, ok=True):
        result = subprocess.run([MEDIACTL, "--db", self.db, "--lang", "en", *args], capture_output=True, text=True,
                                env=clean_env())
        if ok and result.returncode != 0:
            raise AssertionError(f"mediactl --db {' '.join(args)} failed: {result.stderr}")
        return result

    def ctl(self, *args, ok=True):
        result = subprocess.run([MEDIACTL, "--socket", self.socket, "--lang", "en", *args], capture_output=True,
                                text=True, env=clean_env())
        if ok and result.returncode != 0:
            raise AssertionError(f"mediactl {' '.join(args)} on {self.asset} failed: {result.stderr}")
        return result

    def start_mediad(self):
        argv = ["ip", "netns", "exec", self.ns.name, "env", f"LD_PRELOAD={os.environ.get('LD_PRELOAD', '')}",
                f"UMOCKDEV_DIR={self.tb.root}", MEDIAD, "--db", self.db, "--socket", self.socket]
        self.mediad = Daemon(argv, clean_env())
        self.tb.daemons.append(self.mediad)
        wait_until(lambda: any("guarding" in l for l in self.mediad.stderr) or self.mediad.proc.poll() is not None,
                   timeout=20, message=lambda: f"mediad on {self.asset} to start; {self.mediad.describe()}")
        if self.mediad.proc.poll() is not None:
            raise AssertionError(self.mediad.describe())

    def enrol(self, code):
        result = subprocess.run(["ip", "netns", "exec", self.ns.name, MEDIAD_SYNC, "--config", self.sync_config,
                                 "enrol", "--code", code], capture_output=True, text=True, env=clean_env())
        if result.returncode != 0:
            raise AssertionError(f"mediad-sync enrol on {self.asset} failed: {result.stdout}{result.stderr}")
        return result.stdout

    def start_sync(self):
        self.sync = Daemon(["ip", "netns", "exec", self.ns.name, MEDIAD_SYNC, "--config", self.sync_config, "run"],
                           clean_env())
        self.tb.daemons.append(self.sync)

    def kill_sync(self):
        if self.sync and self.sync.proc.poll() is None:
            self.sync.proc.send_signal(signal.SIGKILL)
            self.sync.proc.wait(5)

    def membership(self):
        result = self.ctl("unit", "status", "--format", "json", ok=False)
        return json.loads(result.stdout) if result.returncode == 0 else None

    def query(self, sql, *params):
        connection = sqlite3.connect(self.db, timeout=10)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def execute(self, sql, *params):
        connection = sqlite3.connect(self.db, timeout=10)
        try:
            connection.execute(sql, params)
            connection.commit()
        finally:
            connection.close()

    def cleanup(self):
        for daemon in (self.sync, self.mediad):
            if daemon and daemon.proc.poll() is None:
                daemon.stop()
        self.tb.cleanup()
        self.ns.delete()


class Unit:
    """A cluster, a hub and `count` computers PC-001…, registered at the hub; P001 holds them."""

    def __init__(self, case, count=3, standalone=False):
        self.root = tempfile.mkdtemp(prefix="unit-", dir=os.environ.get("TMPDIR"))
        case.addCleanup(shutil.rmtree, self.root, True)
        self.postgres = Postgres(self.root)
        case.addCleanup(self.postgres.stop)
        self.postgres.create_database("unit")
        self.hub_ns = Namespace("h")
        case.addCleanup(self.hub_ns.delete)
        self.hub_ns.ip("link", "set", "lo", "up")
        self.hub = Hub(self.root, self.postgres, "unit", self.hub_ns, [f"192.0.2.{4 * i + 1}" for i in range(1, count + 1)])
        case.addCleanup(self.hub.stop)
        self.hub.start()
        self.hub.ctl("person", "add", "--id", "P001", "--name", "张三", "--clearance", "core", "--department", "办公室")
        self.computers = []
        network = ["--network", "standalone"] if standalone else \
            ["--network", "classified-lan", "--allow-if", "eth0", "--lan-prefix", "192.0.2.0/24"]
        for i in range(1, count + 1):
            asset = f"PC-00{i}"
            self.hub.ctl("computer", "add", "--asset-no", asset, "--level", "secret", "--holder", "P001", *network)
            computer = Computer(i, self.root, self.hub_ns, self.hub, asset, linked=not standalone)
            case.addCleanup(computer.cleanup)
            # Before enrolment the computer keeps its own ledger: this computer, as at the hub.
            computer.local("person", "add", "--id", "P001", "--name", "张三", "--clearance", "core")
            computer.local("host", "set", "--asset-no", asset, "--level", "secret", "--holder", "P001", *network)
            self.computers.append(computer)

    def enrol(self, computer):
        """The administrator's two steps: a code at the hub, `mediad-sync enrol` on the computer."""
        shown = json.loads(self.hub.ctl("computer", "enrol", computer.asset, "--format", "json").stdout)
        computer.enrol(shown["code"])
        computer.start_sync()
        self.wait_current(computer)

    def wait_current(self, computer, timeout=20):
        """Until the computer's replica holds the hub's ledger version."""
        wait_until(lambda: (computer.membership() or {}).get("ledgerVersion") == self.hub.version(), timeout,
                   message=lambda: f"{computer.asset} to hold version {self.hub.version()}, has {computer.membership()}; "
                                   f"courier: {computer.sync.describe() if computer.sync else None}")

    def wait_delivered(self, computer, timeout=20):
        """Until the hub holds every record the computer has written."""
        def delivered():
            held = computer.membership()
            state = self.hub.computers().get(computer.asset, {})
            return held and held["head"] > 0 and state.get("stored") == held["head"] and held["acknowledged"] == held["head"]
        wait_until(delivered, timeout, message=lambda: f"{computer.asset}'s records at the hub: computer {computer.membership()}, "
                                                        f"hub {self.hub.computers().get(computer.asset)}")


def control_call(socket_path, call):
    """One request on a control socket (4-byte big-endian length, then JSON), and its reply."""
    import socket as sockets
    import struct
    body = json.dumps({"version": 1, "call": call}).encode()
    with sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM) as s:
        s.settimeout(20)
        s.connect(socket_path)
        s.sendall(struct.pack(">I", len(body)) + body)
        header = b""
        while len(header) < 4:
            header += s.recv(4 - len(header))
        (length,) = struct.unpack(">I", header)
        data = b""
        while len(data) < length:
            chunk = s.recv(length - len(data))
            if not chunk:
                break
            data += chunk
    return json.loads(data)["reply"]


def fetch_changes(computer, after):
    """The hub's signed payloads after `after`, fetched as the computer's courier does: from the
    computer's namespace, with its token, trusting only the hub's certificate."""
    with open(os.path.join(computer.sync_state, "token")) as f:
        token = f.read().strip()
    url = f"https://{computer.hub_address}:8443/v1/changes?after={after}&wait=0"
    script = ("import ssl,sys,urllib.request;"
              f"c=ssl.create_default_context(cafile={computer.hub.cert!r});"
              f"r=urllib.request.Request({url!r},headers={{'Authorization':{'Bearer ' + token!r}}});"
              "sys.stdout.write(urllib.request.urlopen(r,context=c,timeout=20).read().decode())")
    result = subprocess.run(["ip", "netns", "exec", computer.ns.name, "/usr/bin/python3", "-c", script],
                            capture_output=True, text=True, env=clean_env())
    if result.returncode != 0:
        raise AssertionError(f"fetching changes failed: {result.stderr}")
    return json.loads(result.stdout)
