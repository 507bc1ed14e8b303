"""Shared pieces of the daemon benchmarks: fake devices prepared once, the same way for mediad and
USBGuard, uevents built before the clock starts and sent with the same loop to both, and inotify
on every `authorized` file so the end of a run is observed, never polled.

Runs under umockdev-wrapper in a private network namespace (bench/run-guard.sh); imports the
integration tests' harness (tests/integration/harness.py) for the fake USB topology.
"""

import ctypes
import ctypes.util
import glob
import os
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
import sys  # noqa: E402

sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
from harness import Testbed  # noqa: E402,F401

MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build-bench/release/mediad"))
MEDIACTL = os.environ.get("MEDIACTL_BIN", os.path.join(os.path.dirname(MEDIAD), "mediactl"))
USBGUARD = shutil.which("usbguard-daemon") or "/usr/sbin/usbguard-daemon"

VENDOR, PRODUCT = "0781", "5567"
PER_BUS = 100


def serial_of(i):
    return f"BENCH{i:07d}"


def allowed(i):
    """Every other device is registered (allowed); the rest are not (blocked)."""
    return i % 2 == 0


# -- fake devices ---------------------------------------------------------------------------------

ROOT_HUB_DESCRIPTORS = (bytes([18, 1, 0, 2, 9, 0, 3, 64, 0x6B, 0x1D, 2, 0, 0x06, 0x06, 3, 2, 1, 1])
                        + bytes([9, 2, 25, 0, 1, 1, 0, 0xE0, 0]) + bytes([9, 4, 0, 0, 1, 9, 0, 0, 0])
                        + bytes([7, 5, 0x81, 3, 4, 0, 12]))


class Bed:
    """A testbed with `count` USB sticks (vendor 0781:5567, serial BENCHnnnnnnn, one mass-storage
    interface, `port/connect_type` = hotplug), 100 per root hub. Root hubs get `descriptors` (USBGuard
    hashes a device's parent by them). For hot-plug runs the devices' /sys/bus/usb/devices links are
    stashed between runs, so a daemon's start-up enumeration does not see them; they are put back
    (without any event) once the daemon is ready, before the first add event: like the kernel, whose
    sysfs entries exist before it announces a device."""

    def __init__(self, count, initial_authorized="0"):
        self.tb = Testbed()
        self.root = self.tb.root
        self.count = count
        self.hubs = []
        for bus in range(1, (count + PER_BUS - 1) // PER_BUS + 1):
            hub = self.tb.add_root_hub(bus)
            with open(self.root + hub + "/descriptors", "wb") as f:
                f.write(ROOT_HUB_DESCRIPTORS)
            self.hubs.append(hub)
        self.devices = []
        for i in range(count):
            port = f"{1 + i // PER_BUS}-{1 + i % PER_BUS}"
            dev = self.tb.add_usb_device(port=port, vendor=VENDOR, product=PRODUCT, serial=serial_of(i),
                                         extra_attributes={"authorized": f"{initial_authorized}\n"})
            self.devices.append(dev)
        self.initial = initial_authorized
        self.bus_dir = os.path.join(self.root, "sys/bus/usb/devices")
        self.stash_dir = os.path.join(self.root, "bench-stash")
        os.makedirs(self.stash_dir, exist_ok=True)
        self.stashed = False

    def devpath(self, i):
        return self.devices[i].syspath[len("/sys"):]

    def authorized_file(self, i):
        return self.root + self.devices[i].syspath + "/authorized"

    def reset(self):
        """Every device back to its initial `authorized`, root hubs open, interfaces as created."""
        for i, dev in enumerate(self.devices):
            with open(self.authorized_file(i), "w") as f:
                f.write(f"{self.initial}\n")
            for interface in dev.interfaces:
                with open(self.root + interface + "/authorized", "w") as f:
                    f.write("1\n")
        for hub in self.hubs:
            with open(self.root + hub + "/authorized_default", "w") as f:
                f.write("1\n")

    def stash(self):
        if self.stashed:
            return
        for name in os.listdir(self.bus_dir):
            if not name.startswith("usb"):
                os.rename(os.path.join(self.bus_dir, name), os.path.join(self.stash_dir, name))
        self.stashed = True

    def unstash(self):
        if not self.stashed:
            return
        for name in os.listdir(self.stash_dir):
            os.rename(os.path.join(self.stash_dir, name), os.path.join(self.bus_dir, name))
        self.stashed = False

    def clear_event_sockets(self):
        """umockdev names a listener's socket after its fd and leaves it behind when the listener
        exits; with no daemon running every one is stale, and a new daemon may reuse the name."""
        for path in glob.glob(os.path.join(self.root, "event[0-9]*")):
            os.remove(path)

    def event_sockets(self):
        return set(glob.glob(os.path.join(self.root, "event[0-9]*")))

    def cleanup(self):
        self.unstash()
        self.tb.cleanup()


# -- uevent messages ------------------------------------------------------------------------------

def _murmur2(text):
    """systemd's string_hash32 (MurmurHash2, seed = length), as libudev's socket filter expects."""
    data = text.encode()
    m, r = 0x5BD1E995, 24
    length = len(data)
    h = length & 0xFFFFFFFF
    i = 0
    while length >= 4:
        k = struct.unpack_from("<I", data, i)[0]
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> r
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
        i += 4
        length -= 4
    if length == 3:
        h ^= data[i + 2] << 16
    if length >= 2:
        h ^= data[i + 1] << 8
    if length >= 1:
        h ^= data[i]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h


def udev_message(devpath, seqnum, devname, action="add"):
    """A libudev-format message, as udevd (and umockdev's uevent sender) sends it: what mediad's
    "udev" monitor receives."""
    props = (f"ACTION={action}\0DEVPATH={devpath}\0SUBSYSTEM=usb\0SEQNUM={seqnum}\0"
             f"DEVNAME={devname}\0DEVTYPE=usb_device\0").encode()
    header_size = 40
    header = struct.pack("=8sIIIIIIII", b"libudev\0", socket.htonl(0xFEEDCAFE), header_size, header_size,
                         len(props), socket.htonl(_murmur2("usb")), socket.htonl(_murmur2("usb_device")), 0, 0)
    return header + props


def kernel_message(devpath, seqnum, action="add"):
    """A kernel-format uevent: what USBGuard's uevent backend accepts (from pid 0)."""
    return (f"{action}@{devpath}\0ACTION={action}\0DEVPATH={devpath}\0SUBSYSTEM=usb\0"
            f"DEVTYPE=usb_device\0SEQNUM={seqnum}\0").encode()


class Sender:
    """One datagram socket; blocking sendto of each prebuilt message to every listener socket."""

    def __init__(self, targets):
        self.targets = sorted(targets)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)

    def send_all(self, messages):
        sendto = self.sock.sendto
        targets = self.targets
        for message in messages:
            for target in targets:
                sendto(message, target)

    def close(self):
        self.sock.close()


# -- observing `authorized` ---------------------------------------------------------------------

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
IN_CLOSE_WRITE = 0x00000008


class AuthorizedWatch:
    """inotify IN_CLOSE_WRITE on each device's `authorized`. A device is done once it has been
    written at least once and holds its expected value; `done_at` is when the last one got there
    (time.monotonic()). A reader thread blocks on the inotify fd: nothing polls, nothing steals CPU
    from the daemon under test."""

    def __init__(self, files, expected):
        self.fd = _libc.inotify_init1(os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.by_wd = {}
        self.files = files
        self.expected = expected
        for index, path in enumerate(files):
            wd = _libc.inotify_add_watch(self.fd, path.encode(), IN_CLOSE_WRITE)
            if wd < 0:
                raise OSError(ctypes.get_errno(), f"inotify_add_watch {path}")
            self.by_wd[wd] = index
        self.written = [0] * len(files)
        self.ok = [False] * len(files)
        self.remaining = len(files)
        self.first_at = None
        self.done_at = None
        self.done = threading.Event()
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _check(self, index):
        try:
            with open(self.files[index], "rb") as f:
                value = f.read().decode().strip()
        except OSError:
            return
        good = value == self.expected[index]
        if good and not self.ok[index] and self.written[index]:
            self.ok[index] = True
            self.remaining -= 1
        elif not good and self.ok[index]:
            self.ok[index] = False
            self.remaining += 1

    def _run(self):
        while not self._stop:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            now = time.monotonic()
            offset = 0
            while offset < len(data):
                wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                offset += 16 + length
                index = self.by_wd.get(wd)
                if index is None:
                    continue
                if self.first_at is None:
                    self.first_at = now
                self.written[index] += 1
                self._check(index)
            if self.remaining == 0 and not self.done.is_set():
                self.done_at = now
                self.done.set()

    def wait(self, timeout):
        return self.done.wait(timeout)

    def summary(self):
        for i in range(len(self.files)):
            self._check(i)
        return {"decided": sum(1 for w in self.written if w), "correct": sum(self.ok),
                "never_written": sum(1 for w in self.written if not w)}

    def close(self):
        self._stop = True
        try:
            os.close(self.fd)
        except OSError:
            pass


# -- the daemons --------------------------------------------------------------------------------

def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.005)


def mediactl(db, *args):
    result = subprocess.run([MEDIACTL, "--db", db, "--lang", "en", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"mediactl {' '.join(args)}: {result.stderr}")
    return result.stdout


def make_ledger(path, registered_indices):
    """A ledger with this computer (secret, standalone), one holder, and the registered sticks
    (inserted with SQL in one transaction: the same row mediactl's `media register` writes)."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    mediactl(path, "person", "add", "--id", "P001", "--name", "Bench", "--clearance", "core")
    mediactl(path, "host", "set", "--asset-no", "PC-001", "--level", "secret", "--network", "standalone",
             "--holder", "P001")
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO medium (number, kind, level, holder, in_service_date, vendor_id, product_id, serial, "
            "filesystem_uuids, bound_computers, state, registered_at) "
            "VALUES (?, 'usb-stick', 'secret', 'P001', '2026-01-01', ?, ?, ?, '[]', '[]', 'in-service', "
            "'2026-01-01T00:00:00Z')",
            [(f"B-{i:07d}", VENDOR, PRODUCT, serial_of(i)) for i in registered_indices])
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def usbguard_files(directory, registered_indices):
    """USBGuard's configuration for the same policy: one allow rule per registered stick (as
    `usbguard generate-policy` writes them), everything else blocked; controllers kept."""
    os.makedirs(directory, exist_ok=True)
    rules = os.path.join(directory, "rules.conf")
    with open(rules, "w") as f:
        for i in registered_indices:
            f.write(f'allow id {VENDOR}:{PRODUCT} serial "{serial_of(i)}"\n')
    conf = os.path.join(directory, "usbguard-daemon.conf")
    with open(conf, "w") as f:
        f.write(f"""RuleFile={rules}
ImplicitPolicyTarget=block
PresentDevicePolicy=apply-policy
PresentControllerPolicy=keep
InsertedDevicePolicy=apply-policy
AuthorizedDefault=none
RestoreControllerDeviceState=false
DeviceManagerBackend=uevent
IPCAllowedUsers=root
DeviceRulesWithPort=false
AuditBackend=FileAudit
AuditFilePath={directory}/audit.log
HidePII=false
""")
    os.chmod(rules, 0o600)
    os.chmod(conf, 0o600)
    return conf


class Running:
    """A daemon started under the preload with its output in a file (no pipe for the harness to
    drain while measuring). For USBGuard `pid` is the daemon inside `unshare --pid`."""

    def __init__(self, kind, argv, env, log_path):
        self.kind = kind
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = self.proc.pid
        if kind == "usbguard":
            self.pid = wait_for(self._child, 10, "usbguard-daemon inside unshare")

    def _child(self):
        try:
            children = open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read().split()
        except OSError:
            return None
        return int(children[0]) if children else None

    def output(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def child_env(bed, extra=None):
    env = dict(os.environ)
    env["UMOCKDEV_DIR"] = bed.root
    env.update(extra or {})
    return env


def start_mediad(bed, db, workdir, extra_env=None):
    sock = os.path.join(workdir, "mediad.sock")
    argv = [MEDIAD, "--db", db, "--socket", sock]
    # Profiling: BENCH_MEDIAD_WRAP="valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p"
    wrap = os.environ.get("BENCH_MEDIAD_WRAP")
    if wrap:
        argv = wrap.split() + argv
    return Running("mediad", argv, child_env(bed, extra_env), os.path.join(workdir, "mediad.log"))


def start_usbguard(bed, conf, workdir):
    argv = ["unshare", "--pid", "--fork", "--kill-child", USBGUARD, "-k", "-P", "-c", conf]
    return Running("usbguard", argv, child_env(bed), os.path.join(workdir, "usbguard.log"))


def wait_ready(daemon, bed, before_sockets, timeout=180):
    """mediad: its "guarding" line (every present device decided). USBGuard: its uevent socket
    exists and its start-up scan has written every root hub's authorized_default (AuthorizedDefault=none)."""
    if daemon.kind == "mediad":
        wait_for(lambda: "guarding" in daemon.output() or not daemon.alive(), timeout, "mediad's guarding line")
        if not daemon.alive():
            raise RuntimeError("mediad died: " + daemon.output()[-2000:])
    else:
        def ready():
            if not daemon.alive():
                raise RuntimeError("usbguard died: " + daemon.output()[-2000:])
            if not (bed.event_sockets() - before_sockets):
                return False
            return all(open(bed.root + hub + "/authorized_default").read().strip() == "0" for hub in bed.hubs)
        wait_for(ready, timeout, "usbguard's uevent socket and lockdown")
    return bed.event_sockets() - before_sockets


def status_of(pid):
    """VmRSS (kB) and voluntary context switches summed over every thread, per thread name too."""
    rss = None
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    threads = {}
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
            for line in open(f"/proc/{pid}/task/{tid}/status"):
                if line.startswith("voluntary_ctxt_switches:"):
                    count = int(line.split()[1])
                    threads[f"{tid}:{name}"] = count
                    total += count
        except OSError:
            continue
    return rss, total, threads


def median(values):
    """The median of the values that are there (None is left out); None when there are none."""
    s = sorted(v for v in values if v is not None)
    n = len(s)
    if n == 0:
        return None
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
