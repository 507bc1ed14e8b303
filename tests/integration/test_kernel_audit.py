"""The kernel audit log's copy: the real mediad sends its start, every device verdict (with its
violations), every recorded link verdict and its stop as AUDIT_USER_DEVICE records, and an auditd
writes them where `ausearch` finds them with the right fields; a hostile serial arrives whole and
forges nothing. With `kernel-audit = no` nothing is sent; where the kernel refuses (a user
namespace) mediad says so once and decides as ever.

A private auditd (its own configuration and log in the testbed, no rules, no plugins) registers
with the kernel for the test and is stopped after it; audit's enabled flag is put back as it was.
When an audit daemon of the machine's own is already registered, the test reads that one's log
instead (`ausearch` without `-if`). Skipped, and named in the summary, when auditd is not installed
or kernel audit cannot be read (`auditctl -s` fails: no audit in the kernel, a container without
CAP_AUDIT_CONTROL or outside the initial PID namespace).
"""

import os
import re
import shutil
import signal
import subprocess
import time
import unittest

from guardbed import LOCKED, MEDIAD, GuardCase
from harness import wait_until
from test_netguard import NetGuardCase

TOOLS = {name: shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin") for name in ("auditd", "auditctl", "ausearch")}

# Fields of mediad's records whose values are untrusted text, written quoted or as hex (the audit
# convention for untrusted values); every other field is a bare word of mediad's vocabulary.
TEXT_FIELDS = {"device", "vendor", "product", "serial", "medium", "link", "version", "reason", "sender_comm", "exe"}

AUDITD_CONF = """\
local_events = yes
write_logs = yes
log_file = {log}
log_format = RAW
flush = SYNC
freq = 0
max_log_file = 64
num_logs = 1
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
use_libwrap = no
tcp_client_max_idle = 0
distribute_network = no
q_depth = 2000
overflow_action = IGNORE
max_restarts = 10
plugin_dir = {plugins}
end_of_event_timeout = 2
"""

# A serial with a space and both quotes: it must arrive whole, encoded, and forge no field.
HOSTILE_SERIAL = "AA00 \"BB'11 res=success"


def audit_status():
    """`auditctl -s` as a dict, or the reason it failed."""
    result = subprocess.run([TOOLS["auditctl"], "-s"], capture_output=True, text=True)
    if result.returncode != 0:
        return None, (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
    return dict(line.split(None, 1) for line in result.stdout.splitlines() if len(line.split(None, 1)) == 2), None


def decode(name, value):
    """A field's value as mediad meant it: `?` is None, quoted text unquoted, hex decoded."""
    if value == "?":
        return None
    if name not in TEXT_FIELDS:
        return value
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        return value[1:-1]
    return bytes.fromhex(value).decode("utf-8")


def parse(line):
    """(kernel fields, mediad's fields) of one raw USER_DEVICE line. The kernel writes
    `pid=… uid=… auid=… ses=… subj=… msg='…'`; mediad's text is inside the quotes."""
    match = re.search(r" msg='([^']*)'", line)
    if not match:
        raise AssertionError(f"no msg='…' in {line!r}")
    head = line[:match.start()]
    kernel = dict(part.split("=", 1) for part in head.split(" ") if "=" in part)
    fields = {}
    for part in match.group(1).split(" "):
        name, _, value = part.partition("=")
        if name in fields:
            raise AssertionError(f"field {name} twice (forged?) in {line!r}")
        fields[name] = decode(name, value)
    return kernel, fields


class PrivateAudit:
    """For a test case with a testbed (`self.tb`): an audit daemon to read mediad's records from."""

    def start_audit(self):
        status, failure = audit_status()
        if status is None:
            # A kernel without audit, a container without CAP_AUDIT_CONTROL, or outside the
            # initial PID or user namespace (where the kernel refuses audit's control messages).
            self.skipTest(f"kernel audit cannot be read here (auditctl -s: {failure})")
        self.log = None   # the private auditd's log; None: the machine's own auditd's
        if status.get("pid", "0") == "0":
            self.start_private_auditd(status)

    def start_private_auditd(self, status):
        directory = os.path.join(self.tb.root, "audit")
        plugins = os.path.join(directory, "plugins.d")
        os.makedirs(plugins, mode=0o700)
        self.log = os.path.join(directory, "audit.log")
        conf = os.path.join(directory, "auditd.conf")
        with open(conf, "w") as handle:
            handle.write(AUDITD_CONF.format(log=self.log, plugins=plugins))
        os.chmod(conf, 0o600)
        output = open(os.path.join(directory, "auditd.out"), "w")
        self.addCleanup(output.close)
        # -n: no fork (stays in the test's session, so an aborted run stops it too); -s enable:
        # audit on while it runs (user messages are dropped while audit is disabled).
        auditd = subprocess.Popen([TOOLS["auditd"], "-n", "-s", "enable", "-c", directory],
                                  stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
        enabled = status.get("enabled", "0")
        self.addCleanup(self.stop_auditd, auditd, enabled)

        def registered():
            now, _ = audit_status()
            if auditd.poll() is not None:
                raise AssertionError(f"auditd exited with {auditd.returncode}: {open(output.name).read()}")
            return now is not None and now.get("pid") == str(auditd.pid) and os.path.exists(self.log)
        wait_until(registered, timeout=15, message="the private auditd to register with the kernel")

    def stop_auditd(self, auditd, enabled):
        if auditd.poll() is None:
            auditd.send_signal(signal.SIGTERM)
            try:
                auditd.wait(10)
            except subprocess.TimeoutExpired:
                auditd.kill()
                auditd.wait()
        # 2 is locked (until reboot) and was not changed; anything else is put back.
        if enabled in ("0", "1"):
            subprocess.run([TOOLS["auditctl"], "-e", enabled], capture_output=True)

    def records(self, pid):
        """mediad's USER_DEVICE records, in the order written, each as (kernel, fields)."""
        command = [TOOLS["ausearch"], "-m", "USER_DEVICE", "-p", str(pid), "--raw"]
        if self.log:
            command += ["-if", self.log]
        result = subprocess.run(command, capture_output=True, text=True)
        # ausearch exits 1 with "<no matches>" when nothing matched yet.
        return [parse(line) for line in result.stdout.splitlines() if line.startswith("type=USER_DEVICE ")]

    def wait_records(self, pid, predicate, what):
        return wait_until(lambda: predicate(self.records(pid)) and self.records(pid), timeout=15,
                          message=lambda: f"{what}; found {self.records(pid)}; {self.daemon.describe() if self.daemon else ''}")


NO_TOOLS = "no auditd, auditctl or ausearch (Debian package auditd; `make deps` installs it)"


@unittest.skipUnless(all(TOOLS.values()), NO_TOOLS)
class KernelAudit(PrivateAudit, GuardCase):
    def setUp(self):
        super().setUp()
        self.start_audit()

    def test_start_verdicts_violations_and_stop_are_in_the_audit_log(self):
        number = self.register()
        daemon = self.start()
        pid = daemon.proc.pid
        registered = self.tb.add_stick(port="1-1", extra_attributes=LOCKED)
        unregistered = self.tb.add_stick(port="1-2", serial=HOSTILE_SERIAL, with_block=False)
        self.wait_authorized(registered.syspath, "1")
        self.wait_authorized(unregistered.syspath, "0")
        self.wait_event(unregistered.syspath)
        self.assertEqual(daemon.stop(), 0, daemon.describe())
        found = self.wait_records(pid, lambda records: any(f.get("op") == "stop" for _, f in records),
                                  "mediad's stop record")
        ops = [fields["op"] for _, fields in found]
        self.assertEqual(ops, ["start", "device-attach", "device-attach", "stop"], found)
        start, first, second, stop = (fields for _, fields in found)
        for kernel, fields in found:
            self.assertEqual(kernel["pid"], str(pid))
            self.assertEqual(fields["exe"], os.path.realpath(MEDIAD))
            self.assertEqual((fields["hostname"], fields["addr"], fields["terminal"]), (None, None, None))

        self.assertEqual((start["res"], start["guard_mode"], start["lockdown"]), ("success", "enforce", "yes"))
        self.assertTrue(start["version"])

        allowed, blocked = (first, second) if first["device"] == "1-1" else (second, first)
        self.assertEqual({k: allowed[k] for k in ("decision", "device", "vendor", "product", "serial", "medium", "violations", "res")},
                         {"decision": "allow", "device": "1-1", "vendor": "0781", "product": "5567",
                          "serial": "4C530001230101104353", "medium": number, "violations": "none", "res": "success"})
        self.assertEqual({k: blocked[k] for k in ("decision", "device", "serial", "medium", "violations", "res")},
                         {"decision": "block", "device": "1-2", "serial": HOSTILE_SERIAL, "medium": None,
                          "violations": "unregistered-medium", "res": "failed"})

        # SIGTERM from this test, not systemd: a requested stop, recorded as guard-stopped.
        self.assertEqual((stop["reason"], stop["violations"], stop["sender_pid"], stop["res"]),
                         ("SIGTERM", "guard-stopped", str(os.getpid()), "success"))

    def test_a_verdict_the_ledger_cannot_store_is_in_the_audit_log(self):
        self.register()
        daemon = self.start()
        pid = daemon.proc.pid
        self.execute("CREATE TRIGGER refuse BEFORE INSERT ON device_event BEGIN SELECT RAISE(ABORT, 'refused'); END")
        stick = self.tb.add_stick(port="1-1", extra_attributes=LOCKED)
        found = self.wait_records(pid, lambda records: any(f.get("op") == "device-attach" for _, f in records),
                                  "the unrecorded verdict's record")
        [blocked] = [fields for _, fields in found if fields["op"] == "device-attach"]
        self.assertEqual(self.authorized(stick.syspath), "0")
        # While the ledger refuses, the audit log is the verdict's one copy outside the spool.
        self.assertEqual((blocked["decision"], blocked["device"], blocked["res"]), ("block", "1-1", "failed"))
        self.assertIn("refused", blocked["reason"])

    def test_kernel_audit_no_sends_nothing(self):
        config = os.path.join(self.tb.root, "mediad.conf")
        with open(config, "w") as handle:
            handle.write("kernel-audit = no\n")
        daemon = self.start("--config", config)
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22", with_block=False)
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        self.assertEqual(daemon.stop(), 0, daemon.describe())
        self.assertTrue(any("kernel audit records are off" in line for line in daemon.stderr), daemon.describe())
        # Written synchronously (flush = SYNC) before the daemon exits; a moment for stragglers.
        time.sleep(0.5)
        self.assertEqual(self.records(daemon.proc.pid), [])

    def test_audit_refused_is_said_once_and_changes_no_verdict(self):
        # In a user namespace the kernel refuses user messages (ECONNREFUSED): audit unavailable.
        self.tb.add_root_hub(1)
        self.socket = os.path.join(self.tb.root, "mediad.sock")
        self.daemon = self.tb.start(["unshare", "--user", "--map-root-user", MEDIAD, "--db", self.db, "--socket", self.socket])
        wait_until(lambda: any("guarding" in line for line in self.daemon.stderr) or self.daemon.proc.poll() is not None,
                   message=lambda: f"mediad to start in a user namespace; {self.daemon.describe()}")
        first = self.tb.add_stick(port="1-1", serial="AA00BB11CC22", with_block=False)
        second = self.tb.add_stick(port="1-2", serial="AA00BB11CC33", with_block=False)
        self.wait_authorized(first.syspath, "0")
        self.wait_authorized(second.syspath, "0")
        self.wait_event(second.syspath)
        self.assertEqual(self.daemon.stop(), 0, self.daemon.describe())
        said = [line for line in self.daemon.stderr if "kernel audit is unavailable" in line]
        self.assertEqual(len(said), 1, self.daemon.describe())
        self.assertEqual(self.records(self.daemon.proc.pid), [])


@unittest.skipUnless(all(TOOLS.values()), NO_TOOLS)
class LinkAudit(PrivateAudit, NetGuardCase):
    def setUp(self):
        super().setUp()
        self.start_audit()

    def test_a_link_cut_is_in_the_audit_log(self):
        # A veth pair up at start on a standalone computer: unauthorized, cut (its kind: virtual).
        self.veth("eth9", "peer9")
        self.ns.ip("link", "set", "eth9", "up")
        self.start()
        self.ns.wait_down("eth9")
        pid = self.daemon.proc.pid
        found = self.wait_records(pid, lambda records: any(f.get("op") == "link" for _, f in records), "the link's record")
        link = next(fields for _, fields in found if fields["op"] == "link")
        self.assertEqual({k: link[k] for k in ("decision", "link", "kind", "violations", "res")},
                         {"decision": "cut", "link": "eth9", "kind": "virtual", "violations": "unauthorized-link",
                          "res": "failed"})
        self.assertEqual(self.daemon.stop(), 0, self.daemon.describe())


if __name__ == "__main__":
    unittest.main()
