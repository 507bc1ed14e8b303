"""A ledger, a fake computer and the real mediad, for the guard's integration tests.

The ledger is prepared with the real mediactl; the daemon's decisions are read back from the
`authorized` files umockdev keeps and from the ledger's rows: what an officer would see.
"""

import os
import sqlite3
import subprocess
import unittest

from harness import Testbed, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build/debug/mediad"))
MEDIACTL = os.environ.get("MEDIACTL_BIN", os.path.join(os.path.dirname(MEDIAD), "mediactl"))

SECTORS = 30031872
CAPACITY = SECTORS * 512
LOCKED = {"authorized": "0\n"}   # what a new device looks like after lockdown


class GuardCase(unittest.TestCase):
    """Each test: its own testbed, its own ledger with this computer (secret, standalone) and
    two people, and helpers to run mediactl and mediad."""

    host_level = "secret"

    def setUp(self):
        self.tb = Testbed()
        self.addCleanup(self.tb.cleanup)
        self.db = os.path.join(self.tb.root, "ledger.db")
        self.ctl("person", "add", "--id", "P001", "--name", "张三", "--clearance", "core")
        self.ctl("person", "add", "--id", "P002", "--name", "李四", "--clearance", "important")
        self.ctl("host", "set", "--asset-no", "PC-001", "--level", self.host_level, "--network", "standalone",
                 "--holder", "P001")
        self.daemon = None

    # -- the ledger ----------------------------------------------------------------------

    def ctl(self, *args, ok=True):
        result = subprocess.run([MEDIACTL, "--db", self.db, "--lang", "en", *args], capture_output=True, text=True)
        if ok and result.returncode != 0:
            self.fail(f"mediactl {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def register(self, serial="4C530001230101104353", level="secret", holder="P001", capacity=CAPACITY,
                 vendor="0781", product="5567", *extra):
        args = ["media", "register", "--kind", "usb-stick", "--level", level, "--holder", holder,
                "--vendor", vendor, "--product", product, "--serial", serial]
        if capacity is not None:
            args += ["--capacity", str(capacity)]
        self.ctl(*args, *extra)
        return self.query("SELECT number FROM medium WHERE serial = ?", serial)[0][0]

    def query(self, sql, *params):
        connection = sqlite3.connect(self.db, timeout=10)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def execute(self, sql):
        connection = sqlite3.connect(self.db, timeout=10)
        try:
            connection.execute(sql)
            connection.commit()
        finally:
            connection.close()

    # Violations about the guard itself or this computer, not about a device (M18, 物理隔离).
    GUARD_TYPES = ("guard-gap", "guard-weakened", "guard-stopped", "classified-online")

    def violations(self, serial=None):
        """The devices' violations (those about the guard itself: `guard_violations`)."""
        not_guard = f"type NOT IN ({', '.join('?' * len(self.GUARD_TYPES))})"
        if serial is None:
            return self.query(f"SELECT type, severity, outcome, status FROM violation WHERE {not_guard} ORDER BY id",
                              *self.GUARD_TYPES)
        return self.query(f"SELECT type, severity, outcome, status FROM violation WHERE serial = ? AND {not_guard} ORDER BY id",
                          serial, *self.GUARD_TYPES)

    def guard_violations(self):
        """(type, severity, outcome, status, reason_en) of the violations about the guard itself."""
        return self.query(f"SELECT type, severity, outcome, status, reason_en FROM violation "
                          f"WHERE type IN ({', '.join('?' * len(self.GUARD_TYPES))}) ORDER BY id", *self.GUARD_TYPES)

    def events(self, syspath, kind=None):
        sql = "SELECT kind, decision, medium_number FROM device_event WHERE syspath = ?"
        params = [syspath]
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        return self.query(sql + " ORDER BY id", *params)

    # -- the daemon ----------------------------------------------------------------------

    def start(self, *extra):
        # A computer has its USB controller when the guard starts; a bus that appears later is the
        # case of its own (test_open_doors.NewBus). Without this the first stick of a test would
        # bring its bus with it, and the guard would meet the stick half-written by the testbed.
        self.tb.add_root_hub(1)
        self.socket = os.path.join(self.tb.root, "mediad.sock")
        self.daemon = self.tb.start([MEDIAD, "--db", self.db, "--socket", self.socket, *extra])
        wait_until(lambda: any("guarding" in line for line in self.daemon.stderr) or self.daemon.proc.poll() is not None,
                   message=lambda: f"mediad to finish its start-up scan; {self.daemon.describe()}")
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.describe())
        return self.daemon

    def authorized(self, syspath):
        return self.tb.read_attr(syspath, "authorized")

    def wait_authorized(self, syspath, value):
        wait_until(lambda: self.authorized(syspath) == value,
                   message=lambda: f"{syspath}/authorized to read {value} (it reads {self.authorized(syspath)}); "
                                   f"{self.daemon.describe() if self.daemon else ''}")

    def wait_event(self, syspath, kind="attach", count=1):
        return wait_until(lambda: len(self.events(syspath, kind)) >= count and self.events(syspath, kind),
                          message=lambda: f"{count} '{kind}' event(s) for {syspath}; {self.daemon.describe()}")
