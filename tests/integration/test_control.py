"""mediactl ↔ mediad over the control socket: roles, protocol abuse, readiness, watchdog, gaps,
allow-once. The real daemon under umockdev; callers of other uids through setpriv."""

import json
import select
import os
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import tempfile
import time

from guardbed import LOCKED, MEDIACTL, MEDIAD, GuardCase
from harness import wait_until

SOCKET_GID, ADMIN_GID, OFFICER_GID, AUDITOR_GID = 4200, 4201, 4202, 4203
USERS = {
    "root": None,
    "admin": (4301, [SOCKET_GID, ADMIN_GID]),
    "officer": (4302, [SOCKET_GID, OFFICER_GID]),
    "auditor": (4303, [SOCKET_GID, AUDITOR_GID]),
    "other": (4304, [SOCKET_GID]),
}
READ, ADMIN, OVERSEE = ("root", "admin", "officer", "auditor"), ("root", "admin"), ("root", "officer")


class SocketCase(GuardCase):
    """The daemon with a role configuration and its socket where every test user can reach it."""

    def start(self, *extra, env=None):
        self.tb.add_root_hub(1)  # see GuardCase.start
        self.sockdir = tempfile.mkdtemp(prefix="mediad-sock-", dir="/tmp")
        os.chmod(self.sockdir, 0o755)
        self.addCleanup(shutil.rmtree, self.sockdir, True)
        self.socket = os.path.join(self.sockdir, "mediad.sock")
        config = os.path.join(self.tb.root, "mediad.conf")
        with open(config, "w") as handle:
            handle.write(f"socket-group = {SOCKET_GID}\nadmin-groups = {ADMIN_GID}\n"
                         f"officer-groups = {OFFICER_GID}\nauditor-groups = {AUDITOR_GID}\n")
        self.daemon = self.tb.start([MEDIAD, "--config", config, "--db", self.db, "--socket", self.socket, *extra], env=env)
        wait_until(lambda: os.path.exists(self.socket) or self.daemon.proc.poll() is not None,
                   message=lambda: f"the control socket; {self.daemon.describe()}")
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.describe())
        return self.daemon

    def as_user(self, who, *args, timeout=20):
        prefix = []
        if USERS[who]:
            uid, groups = USERS[who]
            prefix = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--groups=" + ",".join(map(str, groups))]
        return subprocess.run(prefix + [MEDIACTL, "--socket", self.socket, "--lang", "en", *args],
                              capture_output=True, text=True, timeout=timeout)

    def raw(self, payload, read=True):
        """Sends bytes as they are; returns the decoded reply, or None."""
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(15)
        client.connect(self.socket)
        client.sendall(payload)
        client.shutdown(socket.SHUT_WR)
        data = b""
        while read:
            chunk = client.recv(65536)
            if not chunk:
                break
            data += chunk
        client.close()
        if len(data) < 4:
            return None
        (length,) = struct.unpack(">I", data[:4])
        return json.loads(data[4:4 + length])


class RoleMatrix(SocketCase):
    def test_every_verb_for_every_role(self):
        self.register()
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22")
        self.start()
        self.wait_event(stick.syspath)
        verbs = [
            (("status",), READ), (("devices",), READ), (("events",), READ), (("violations", "list"), READ),
            (("media", "list"), READ), (("media", "show", "U-2026-0001"), READ), (("media", "history", "U-2026-0001"), READ),
            (("person", "list"), READ), (("host", "show"), READ), (("computer", "list"), READ),
            (("audit", "verify"), READ), (("audit", "log"), READ),
            (("report", "ledger"), READ), (("report", "violations", "--format", "json"), READ), (("report", "audit"), READ),
            (("person", "add", "--id", "P9", "--name", "王五", "--clearance", "general"), ADMIN),
            (("media", "update", "U-2026-0001", "--place", "柜1"), ADMIN),
            (("media", "register", "--kind", "optical", "--level", "secret", "--holder", "P001"), ADMIN),
            (("host", "set", "--location", "301"), ADMIN),
            (("computer", "add", "--asset-no", "PC-9", "--level", "secret", "--network", "standalone"), ADMIN),
            (("allow-once", "1-1", "--minutes", "5", "--reason", "test"), ADMIN),
            (("person", "depart", "P404", "--date", "2026-12-01"), ADMIN),
            (("media", "checkout", "U-2026-0001", "--to", "P002", "--approver", "李四", "--due", "2099-01-01"), ADMIN),
            (("media", "return", "U-2026-0001"), ADMIN),
            (("media", "repair", "U-2026-0001", "--approver", "李四", "--unit", "维修单位"), ADMIN),
            (("media", "retire", "U-2026-0009", "--approver", "李四"), ADMIN),
            (("media", "destroy", "U-2026-0009", "--approver", "李四", "--method", "shred", "--witness", "王五"), ADMIN),
            (("media", "lost", "U-2026-0009", "--reported-by", "P001"), ADMIN),
            (("media", "found", "U-2026-0009"), ADMIN),
            (("media", "hand-back", "U-2026-0009"), ADMIN),
            (("media", "reissue", "U-2026-0009", "--holder", "P001"), ADMIN),
            (("media", "reclassify", "U-2026-0009", "--level", "秘密", "--approver", "李四", "--reason", "x"), ADMIN),
            (("media", "import", self.csv()), ADMIN),
            (("media", "register", "--last-unregistered", "--kind", "usb-stick", "--level", "secret", "--holder", "P001"), ADMIN),
            (("media", "key-area", "U-2026-0009", "--approver", "李四"), ADMIN),
            (("violations", "ack", "999", "--note", "x"), OVERSEE),
            (("violations", "handle", "999", "--outcome", "批评教育", "--responsible", "P001", "--note", "x"), OVERSEE),
            (("violations", "reopen", "999", "--reason", "x"), OVERSEE),
        ]
        table = []
        for args, allowed in verbs:
            for who in USERS:
                result = self.as_user(who, *args)
                denied = result.returncode == 77
                table.append((" ".join(args[:2]), who, "denied" if denied else "allowed"))
                self.assertEqual(denied, who not in allowed,
                                 f"{who} {' '.join(args)} → {result.returncode}: {result.stderr.strip()}")
                if denied:
                    self.assertIn("permission denied", result.stderr)
        # Mutations carry the caller's uid into the admin trail.
        self.assertEqual(self.as_user("admin", "person", "add", "--id", "P10", "--name", "赵六", "--clearance", "none").returncode, 0)
        trail = self.as_user("auditor", "audit", "log", "--person", "P10").stdout
        self.assertIn("(4301)", trail)
        with open(os.environ.get("MEDIAD_ROLE_MATRIX", "/dev/null"), "w") as out:
            for row in table:
                out.write("\t".join(row) + "\n")

    def csv(self):
        path = os.path.join(self.sockdir, "import.csv")
        with open(path, "w") as handle:
            handle.write("统一编号,类别,密级,责任人\nGP-1,光盘,秘密,P001\n")
        os.chmod(path, 0o644)
        return path

    def test_a_user_outside_the_socket_group_cannot_connect(self):
        self.start()
        result = subprocess.run(["setpriv", "--reuid=4305", "--regid=4305", "--clear-groups", MEDIACTL,
                                 "--socket", self.socket, "status"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 77, result.stderr)
        self.assertEqual(os.stat(self.socket).st_mode & 0o777, 0o660)
        self.assertEqual(os.stat(self.socket).st_gid, SOCKET_GID)


class ProtocolAbuse(SocketCase):
    def test_bad_requests_get_errors_and_the_daemon_keeps_answering(self):
        self.start()
        cases = {
            "oversized": struct.pack(">I", 0x7FFFFFF0) + b"{}",
            "truncated": struct.pack(">I", 100) + b'{"version":1',
            "not json": struct.pack(">I", 9) + b"not json!",
            "unknown version": self.frame({"version": 99, "call": {"status": {}}}),
            "unknown call": self.frame({"version": 1, "call": {"format-disk": {}}}),
            "short header": b"\x00\x01",
        }
        for name, payload in cases.items():
            reply = self.raw(payload)
            self.assertIsNotNone(reply, name)
            self.assertIn("error", reply["reply"], f"{name}: {reply}")
        self.assertIn("99", json.dumps(self.raw(cases["unknown version"]), ensure_ascii=False))
        # A client that connects and says nothing costs only its own connection.
        idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        idle.connect(self.socket)
        status = self.as_user("root", "status")
        idle.close()
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIsNone(self.daemon.proc.poll())

    @staticmethod
    def frame(obj):
        body = json.dumps(obj).encode()
        return struct.pack(">I", len(body)) + body


class UnitAtMediad(SocketCase):
    """What only the hub answers is refused by mediad with the command that asks the hub; the role
    check still comes first. `unit status` is mediad's own."""

    def test_hub_calls_are_refused_naming_mediactl_hub(self):
        self.start()
        for who, args, verb in (("root", ("unit", "computers"), "unit computers"),
                                ("auditor", ("unit", "computers"), "unit computers"),
                                ("admin", ("computer", "enrol", "PC-003"), "computer enrol")):
            # --hub with mediad's own socket: the request reaches mediad exactly as it would the hub.
            result = self.as_user(who, "--hub", *args)
            self.assertEqual(result.returncode, 64, f"{who} {args}: {result.stderr}")
            self.assertEqual(result.stderr,
                             f"mediactl: '{verb}' is answered by the unit hub: mediactl --hub {verb}\n")
        denied = self.as_user("auditor", "--hub", "computer", "enrol", "PC-003")
        self.assertEqual(denied.returncode, 77, denied.stderr)
        self.assertIsNone(self.daemon.proc.poll())

    def test_unit_status_of_a_computer_not_enrolled(self):
        self.start()
        result = self.as_user("admin", "unit", "status")
        self.assertEqual(result.returncode, 64, result.stderr)
        self.assertEqual(result.stderr, "mediactl: this computer is not enrolled in a unit: "
                                        "register it at the hub, then run mediad-sync enrol\n")
        # Anyone who may read sees the membership (here: that there is none); nobody else does.
        self.assertEqual(self.as_user("auditor", "unit", "status").returncode, 64)
        self.assertEqual(self.as_user("other", "unit", "status").returncode, 77)


class Lifecycle(SocketCase):
    def test_ready_only_after_present_devices_are_decided_and_watchdog_pings(self):
        sticks = [self.tb.add_stick(port=f"1-{n}", serial=f"PRESENT{n:05d}", with_block=False) for n in range(1, 21)]
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        path = os.path.join(self.tb.root, "notify.sock")
        notify.bind(path)
        notify.settimeout(15)
        self.start(env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "400000"})
        messages = []
        while not any("READY=1" in m for m in messages):
            messages.append(notify.recv(4096).decode())
        decided = self.query("SELECT COUNT(*) FROM device_event WHERE kind = 'attach'")[0][0]
        self.assertEqual(decided, 20, "READY=1 came before every present device was decided")
        self.assertTrue(all(self.authorized(s.syspath) == "0" for s in sticks))
        pings = 0
        while pings < 3:
            if "WATCHDOG=1" in notify.recv(4096).decode():
                pings += 1
        notify.close()

    def test_kill_and_restart_records_the_gap_and_decides_again(self):
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22", with_block=False)
        daemon = self.start()
        self.wait_authorized(stick.syspath, "0")
        daemon.proc.send_signal(signal.SIGKILL)
        daemon.proc.wait()
        # While it was dead someone re-enabled the stick; the lockdown itself is still in place.
        self.tb.set_attr(stick.syspath, "authorized", "1\n")
        self.start()
        self.wait_authorized(stick.syspath, "0")
        gaps = self.query("SELECT note FROM device_event WHERE kind = 'guard-gap'")
        self.assertEqual(len(gaps), 1)
        self.assertIn("did not stop cleanly", gaps[0][0])
        kinds = [k for (k,) in self.query("SELECT kind FROM device_event WHERE kind LIKE 'guard-%' ORDER BY id")]
        self.assertEqual(kinds, ["guard-start", "guard-gap", "guard-start"])
        self.assertIn("guard-gap", self.as_user("root", "events").stdout)

    def test_allow_once_expires_and_reblocks(self):
        self.start()
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22", with_block=False)
        self.wait_authorized(stick.syspath, "0")
        result = self.as_user("admin", "allow-once", "1-1", "--minutes", "0.03", "--reason", "会议材料，李四批准")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.wait_authorized(stick.syspath, "1")
        devices = self.as_user("auditor", "devices").stdout
        self.assertIn("allow", devices)
        self.wait_authorized(stick.syspath, "0")
        kinds = [k for (k,) in self.query("SELECT kind FROM device_event WHERE syspath = ? ORDER BY id", stick.syspath)]
        self.assertEqual(kinds, ["attach", "allow-once", "allow-once-end", "recheck"])
        self.assertIn("会议材料", self.as_user("auditor", "audit", "log").stdout)

    def test_allow_once_ends_when_the_device_is_unplugged(self):
        self.start()
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22", with_block=False)
        self.wait_authorized(stick.syspath, "0")
        self.assertEqual(self.as_user("root", "allow-once", "AA00BB11CC22", "--minutes", "60", "--reason", "x").returncode, 0)
        self.wait_authorized(stick.syspath, "1")
        self.tb.remove(stick.syspath)
        self.wait_event(stick.syspath, "detach")
        again = self.tb.add_stick(port="1-1", serial="AA00BB11CC22", with_block=False, extra_attributes={"authorized": "1\n"})
        self.wait_authorized(again.syspath, "0")

    def test_watch_streams_events_as_json_lines(self):
        self.start()
        watcher = subprocess.Popen([MEDIACTL, "--socket", self.socket, "watch", "--format", "json"],
                                   stdout=subprocess.PIPE, text=True)
        self.addCleanup(watcher.kill)
        wait_until(lambda: self.as_user("root", "status").returncode == 0)
        # The daemon registers the watcher some time after accepting it, and nothing tells the
        # test when: plug sticks until one reaches it (never blocking on a line that may not come).
        line = None
        port = 1
        deadline = time.monotonic() + 15
        while line is None and time.monotonic() < deadline and port < 16:
            self.tb.add_stick(port=f"1-{port}", serial=f"AA00BB11CC{port:02d}", with_block=False)
            port += 1
            readable, _, _ = select.select([watcher.stdout], [], [], 1.0)
            if readable:
                line = watcher.stdout.readline()
        self.assertTrue(line, f"no event reached `mediactl watch` after {port - 1} sticks")
        item = json.loads(line)
        self.assertEqual(item["event"]["kind"], "attach")
        self.assertEqual(item["violations"][0]["type"], "unregistered-medium")

    def test_mediactl_without_a_daemon_says_so(self):
        result = subprocess.run([MEDIACTL, "--socket", "/nonexistent/mediad.sock", "status"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 69)
        self.assertIn("--db", result.stderr)


class StreamedListings(SocketCase):
    """`media list` and `violations list` through the daemon are printed there and streamed back in
    raw frames: the same bytes as the ledger file gives in local mode, whoever asks."""

    def test_the_daemon_prints_what_the_ledger_file_prints(self):
        self.register()
        self.ctl("media", "register", "--kind", "optical", "--level", "confidential", "--holder", "P002",
                 "--place", '柜1, "东"\x07侧')
        self.ctl("media", "checkout", "U-2026-0001", "--to", "P002", "--approver", "李四", "--due", "2099-01-01")
        self.start()
        stick = self.tb.add_stick(port="1-1", serial="UNREG\x01A,B")
        self.wait_event(stick.syspath)
        self.assertEqual(self.as_user("officer", "violations", "ack", "1", "--note", "seen").returncode, 0)
        for listing in (("media", "list"), ("violations", "list")):
            for form in ("table", "csv", "json"):
                for language in ("en", "zh"):
                    args = (*listing, "--format", form)
                    remote = self.streamed("auditor", language, *args)
                    local = subprocess.run([MEDIACTL, "--db", self.db, "--lang", language, *args], capture_output=True)
                    self.assertEqual(local.returncode, 0, local.stderr)
                    self.assertEqual(remote, local.stdout, f"{' '.join(args)} --lang {language}")
        table = self.streamed("officer", "en", "media", "list").decode()
        self.assertIn("GP-2026-0001", table)
        self.assertIn("2 medium(s)", table)
        self.assertIn('柜1, "东"\\x07侧', table)
        violations = self.streamed("officer", "en", "violations", "list", "--format", "csv").decode()
        self.assertIn("acknowledged (", violations)

    def test_the_daemon_prints_the_officers_reports_as_the_ledger_file_does(self):
        self.register()
        self.ctl("media", "checkout", "U-2026-0001", "--to", "P002", "--approver", "李四", "--due", "2099-01-01")
        # The loan fell due long ago (mediactl refuses a due date in the past, so the ledger is aged by hand).
        with sqlite3.connect(self.db) as ledger:
            ledger.execute("UPDATE medium SET due_date = '2026-01-01' WHERE number = 'U-2026-0001'")
        self.start()
        stick = self.tb.add_stick(port="1-1", serial="UNREG\x01A,B")
        self.wait_event(stick.syspath)
        for report in (("violations", "--year", "2026"), ("audit", "--quarter", "2026Q4"), ("outstanding",), ("ledger",)):
            for language in ("en", "zh"):
                args = ("report", *report, "--tz", "+08:00")
                remote = self.streamed("officer", language, *args, "--format", "csv")
                local = subprocess.run([MEDIACTL, "--db", self.db, "--lang", language, *args, "--format", "csv"], capture_output=True)
                self.assertEqual(local.returncode, 0, local.stderr)
                self.assertEqual(remote, local.stdout, f"{' '.join(args)} --lang {language}")
                remote = json.loads(self.streamed("auditor", language, *args, "--format", "json"))
                local = json.loads(subprocess.run([MEDIACTL, "--db", self.db, "--lang", language, *args, "--format", "json"],
                                                  capture_output=True, check=True).stdout)
                for printed in (remote, local):
                    self.assertRegex(printed.pop("generated_at"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
                self.assertEqual(remote, local, f"{' '.join(args)} --lang {language}")
        # The blocked stick is in this year's violations, seen from the daemon.
        violations = json.loads(self.streamed("officer", "en", "report", "violations", "--format", "json"))
        self.assertEqual(violations["totals"]["violations"], 1)
        self.assertEqual(violations["rows"][0]["type"], "unregistered storage medium")
        outstanding = json.loads(self.streamed("officer", "en", "report", "outstanding", "--format", "json"))
        self.assertEqual(outstanding["totals"]["overdue"], 1)

    def streamed(self, who, language, *args):
        uid, groups = USERS[who]
        result = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--groups=" + ",".join(map(str, groups)),
                                 MEDIACTL, "--socket", self.socket, "--lang", language, *args], capture_output=True, timeout=20)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_report_frames_and_a_reader_that_leaves(self):
        self.register()
        self.start()
        request = ProtocolAbuse.frame({"version": 1, "call": {"report": {"_0": {
            "listing": {"media": {"_0": {}}}, "format": "csv", "language": "en"}}}})
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(15)
        client.connect(self.socket)
        client.sendall(request)
        data = b""
        while chunk := client.recv(65536):
            data += chunk
        client.close()
        # Raw frames (top bit of the length set) carry the CSV; one JSON frame ends the report.
        raw, messages = b"", []
        while data:
            (header,) = struct.unpack(">I", data[:4])
            length = header & 0x7FFFFFFF
            body, data = data[4:4 + length], data[4 + length:]
            if header & 0x80000000:
                raw += body
            else:
                messages.append(json.loads(body))
        self.assertEqual(messages, [{"version": 1, "reply": {"finished": {}}}])
        self.assertTrue(raw.startswith("\ufeff".encode() + b"number,kind,level"), raw[:40])
        self.assertIn(b"U-2026-0001", raw)
        # A reader that asks and goes away costs the daemon nothing but that connection.
        for _ in range(3):
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(self.socket)
            client.sendall(request)
            client.close()
        status = self.as_user("root", "status")
        self.assertEqual(status.returncode, 0, status.stderr)
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.describe())

    def test_listings_at_once_are_limited_and_status_still_answers(self):
        # Enough media that a listing outgrows the socket's buffer: a reader that does not read
        # then holds its listing (and a reader connection of the ledger) open.
        path = os.path.join(self.tb.root, "many.csv")
        with open(path, "w") as handle:
            handle.write("统一编号,类别,密级,责任人,存放位置\n")
            for n in range(6000):
                handle.write(f"BULK-{n:05d},光盘,秘密,P001,{'柜' * 20}{n}\n")
        self.ctl("media", "import", path)
        self.start()
        request = ProtocolAbuse.frame({"version": 1, "call": {"report": {"_0": {
            "listing": {"media": {"_0": {}}}, "format": "table", "language": "zh"}}}})
        stalled = []
        for _ in range(3):
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(self.socket)
            client.sendall(request)
            stalled.append(client)
            # The listing has started once its first frame arrives (then it stalls on a full buffer).
            client.settimeout(15)
            self.assertTrue(client.recv(4, socket.MSG_PEEK))
        fourth = self.as_user("officer", "media", "list")
        self.assertEqual(fourth.returncode, 69, fourth.stderr)
        self.assertIn("already printing 3 listings", fourth.stderr)
        status = self.as_user("officer", "status", timeout=15)
        self.assertEqual(status.returncode, 0, status.stderr)
        # A reader that leaves frees its place.
        stalled.pop().close()
        listing = wait_until(lambda: (r := self.as_user("officer", "media", "list", "--format", "csv")).returncode == 0 and r,
                             timeout=15, message="a listing once a place is free")
        self.assertIn("BULK-05999", listing.stdout)
        for client in stalled:
            client.close()
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.describe())
