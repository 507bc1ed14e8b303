"""Floods for a daemon's sockets: bench/flood.c built once per run, flood processes started as any
user, and a sampler of the daemon's open descriptors and VmRSS. Used by test_flood.py and
bench/flood_bench.py.

The flood runs without umockdev's preload (it would wrap every connect) and, with `user`, as that
uid and those groups, so the daemon's peer credentials are theirs.
"""

import json
import os
import shutil
import subprocess
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(REPO, "bench", "flood.c")

# The control socket's groups, as test_control.py numbers them, and the flood's users.
SOCKET_GID, ADMIN_GID, OFFICER_GID = 4200, 4201, 4202
ADMIN = (4301, [SOCKET_GID, ADMIN_GID])
OFFICER = (4302, [SOCKET_GID, OFFICER_GID])
NO_ROLE = (4304, [SOCKET_GID])          # may connect, may ask nothing
STRANGER = (4305, [])                   # not in the socket's group: the kernel refuses the connect
SLOWPOKE = (4306, [SOCKET_GID])         # slow and idle clients, no role
NOREADER = (4308, [SOCKET_GID, ADMIN_GID])
CLAIMANT = (4309, [SOCKET_GID])         # announces 32 MiB and sends nothing


def control_floods(tool, socket, seconds, slow_seconds, prefix=()):
    """The mix on a control socket, about 10,250 connection attempts a second: `status` from root,
    an admin, a user with no role and a user outside the socket's group; oversized requests; slow,
    idle and never-reading clients; clients announcing the largest request and sending nothing."""
    target = unix_target(socket)
    return [
        Flood(tool, target, "status", 3000, seconds, prefix=prefix, name="root status"),
        Flood(tool, target, "status", 2000, seconds, user=ADMIN, prefix=prefix, name="admin status"),
        Flood(tool, target, "status", 2000, seconds, user=NO_ROLE, prefix=prefix, name="no-role status"),
        Flood(tool, target, "status", 2000, seconds, user=STRANGER, prefix=prefix, name="stranger status"),
        Flood(tool, target, "oversized", 1000, seconds, user=NO_ROLE, prefix=prefix, name="oversized"),
        Flood(tool, target, "slow", 50, slow_seconds, user=SLOWPOKE, hold=16, trickle_ms=200, prefix=prefix, name="slow"),
        Flood(tool, target, "idle", 50, seconds, user=SLOWPOKE, hold=16, prefix=prefix, name="idle"),
        Flood(tool, target, "noread", 100, seconds, user=NOREADER, hold=16, prefix=prefix, name="never reads"),
        Flood(tool, target, "claim", 50, seconds, user=CLAIMANT, hold=16, prefix=prefix, name="claims 32 MiB"),
    ]


def compiler():
    """cc, or the clang that comes with the Swift toolchain (always there where mediad builds)."""
    for name in ("cc", "gcc", "clang"):
        found = shutil.which(name)
        if found:
            return found
    swift = shutil.which("swift")
    if swift and os.path.exists(os.path.join(os.path.dirname(swift), "clang")):
        return os.path.join(os.path.dirname(swift), "clang")
    raise AssertionError("no C compiler to build bench/flood.c (cc, gcc, or the Swift toolchain's clang)")


def build_flood(directory):
    """The flood tool, compiled into `directory`; its path."""
    out = os.path.join(directory, "flood")
    if not os.path.exists(out):
        result = subprocess.run([compiler(), "-O2", "-o", out, SOURCE], capture_output=True, text=True)
        if result.returncode != 0:
            raise AssertionError(f"building bench/flood.c failed: {result.stderr}")
        os.chmod(directory, os.stat(directory).st_mode | 0o011)  # other uids must reach the tool
    return out


def clean_env():
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")}
    return env


class Flood:
    """One flood process: `mode` at `rate` connections a second for `seconds`."""

    def __init__(self, tool, target, mode, rate, seconds, user=None, hold=None, trickle_ms=None, prefix=(),
                 name=None):
        self.name = name or mode
        argv = [*prefix, tool, *target, "--mode", mode, "--rate", str(rate), "--seconds", str(seconds)]
        if user:
            uid, groups = user
            argv += ["--uid", str(uid), "--gid", str(uid), "--groups", ",".join(map(str, groups))]
        if hold is not None:
            argv += ["--hold", str(hold)]
        if trickle_ms is not None:
            argv += ["--trickle-ms", str(trickle_ms)]
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env())
        self._result = None

    def running(self):
        return self.proc.poll() is None

    def result(self, timeout=60):
        if self._result is None:
            out, err = self.proc.communicate(timeout=timeout)
            if self.proc.returncode != 0 or not out.strip():
                raise AssertionError(f"flood {self.name} failed ({self.proc.returncode}): {err}")
            self._result = json.loads(out.strip().splitlines()[-1])
            self._result["name"] = self.name
        return self._result

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def unix_target(path):
    return ["--unix", path]


def tcp_target(address):
    return ["--tcp", address]


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def fd_kinds(pid):
    """What the daemon's descriptors are: sockets, pipes, anon inodes, files by name."""
    kinds = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        # Sockets and pipes by kind (their inode numbers differ), anonymous inodes by what they are.
        kind = target.split(":")[0] if target.startswith(("socket:", "pipe:")) else target
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def warm_up(tool, target, prefix=()):
    """A second of concurrent requests, so that what a daemon opens once and keeps (its ledger's
    reader connections, up to GRDB's five) is open before the baseline is counted."""
    Flood(tool, target, "status", 2000, 1, prefix=prefix, name="warm-up").result()


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def rss_kib(pid):
    return status_kib(pid, "VmRSS")


def threads(pid):
    return status_kib(pid, "Threads")


class Sampler:
    """The daemon's open descriptors, VmRSS and threads every `interval` seconds, on a thread;
    `peak` holds the largest of each."""

    def __init__(self, pid, interval=0.05):
        self.pid = pid
        self.interval = interval
        self.peak = {"fds": 0, "rss_kib": 0, "threads": 0}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                now = {"fds": open_fds(self.pid), "rss_kib": rss_kib(self.pid), "threads": threads(self.pid)}
            except (FileNotFoundError, ProcessLookupError):
                return
            for key, value in now.items():
                self.peak[key] = max(self.peak[key], value)
            self.samples += 1
            self._stop.wait(self.interval)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.peak


# A ledger's connections are a pool that opens readers as requests come at once, up to GRDB's
# five, besides its writer, and keeps them: each holds the database and its WAL open (and may map
# the shared-memory file). Those descriptors are bounded, not leaked; every other kind must come back.
LEDGER_SUFFIXES = (".db", ".db-wal", ".db-shm")
LEDGER_MOST = 6


# libdispatch's manager (an epoll, an eventfd, a timerfd), made once when the Swift runtime first
# runs many tasks at once on Dispatch's pool (mediad's control threads reach the Guard actor through
# `Task {}`): one of each, made once, never more.
ONCE = ("anon_inode:[eventpoll]", "anon_inode:[eventfd]", "anon_inode:[timerfd]")


def leaked(before, after):
    """What `after` (fd_kinds) holds beyond `before`: every kind back to its count, but a ledger file
    within the pool's bound. Empty when nothing leaked."""
    extra = {}
    for kind, count in after.items():
        allowed = before.get(kind, 0)
        if kind.endswith(LEDGER_SUFFIXES):
            allowed = max(allowed, LEDGER_MOST)
        elif kind in ONCE:
            allowed = max(allowed, 1)
        if count > allowed:
            extra[kind] = count - allowed
    return extra


def wait_settled(pid, before, timeout=20.0):
    """Until the daemon holds nothing beyond `before` (a leak never gets there); what it then holds
    beyond, and its descriptor count."""
    deadline = time.monotonic() + timeout
    while True:
        extra = leaked(before, fd_kinds(pid))
        if not extra or time.monotonic() > deadline:
            return extra, open_fds(pid)
        time.sleep(0.05)
