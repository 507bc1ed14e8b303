"""An idle mediad sleeps: no Dispatch worker thread, and no wake-up in a window shorter than the
watchdog's interval. (Dispatch's worker pool, once started, wakes the process every second.)"""

import os
import socket
import time

from harness import wait_until
from test_control import SocketCase

# The threads mediad starts itself besides its main thread (named after the executable); a client
# thread may come and go. Anything else (Dispatch names its workers after their queues:
# "com.apple.root.default-qos", "…-qos.overcommit") is a regression.
OWN_THREADS = {"mediad-udev", "mediad-netlink", "mediad-accept", "mediad-signals", "mediad-client", "mediad-report",
               "mediad-audit"}
WINDOW_SECONDS = 3


def threads(pid):
    """{tid: (name, voluntary context switches)} for every thread of `pid`."""
    found = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as handle:
                name = handle.read().strip()
            with open(f"/proc/{pid}/task/{tid}/status") as handle:
                switches = next(int(line.split()[1]) for line in handle if line.startswith("voluntary_ctxt_switches:"))
        except (OSError, StopIteration):
            continue  # the thread ended between listdir and open
        found[tid] = (name, switches)
    return found


class Idle(SocketCase):
    def test_an_idle_daemon_starts_no_dispatch_worker_and_does_not_wake(self):
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        path = os.path.join(self.tb.root, "notify.sock")
        notify.bind(path)
        notify.settimeout(15)
        self.addCleanup(notify.close)
        # A 30 s watchdog: mediad pings every 15 s, so a 3 s window holds at most one ping.
        daemon = self.start(env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"})
        messages = []
        while not any("WATCHDOG=1" in m for m in messages):
            messages.append(notify.recv(4096).decode())
        self.assertTrue(any("READY=1" in m for m in messages), messages)
        # Exercise every path that used to start a Dispatch worker: a device decision (udev reader,
        # the Guard actor), a control request (accept thread, client thread, a Task from it).
        stick = self.tb.add_stick(port="1-1", serial="IDLE00000001", with_block=False)
        self.wait_authorized(stick.syspath, "0")
        status = self.as_user("root", "status")
        self.assertEqual(status.returncode, 0, status.stderr)
        # And a listing the daemon prints itself (its reading and formatting threads).
        listing = self.as_user("root", "violations", "list", "--format", "table")
        self.assertEqual(listing.returncode, 0, listing.stderr)
        self.assertIn("IDLE00000001", listing.stdout)

        pid = daemon.proc.pid
        with open(f"/proc/{pid}/comm") as handle:
            own = OWN_THREADS | {handle.read().strip()}
        names = {name for name, _ in threads(pid).values()}
        self.assertLessEqual(names, own, f"unexpected threads (a Dispatch worker?): {names - own}")
        # The client thread ends once mediactl has closed its end; its last wake-up is not idleness.
        wait_until(lambda: not {"mediad-client", "mediad-report"} & {name for name, _ in threads(pid).values()},
                   message="the control connection's and the report's threads to end")

        before = threads(pid)
        time.sleep(WINDOW_SECONDS)  # the measurement itself: wake-ups counted over a window
        after = threads(pid)
        woken = {f"{tid}:{after[tid][0]}": after[tid][1] - before[tid][1]
                 for tid in before.keys() & after.keys() if after[tid][1] != before[tid][1]}
        self.assertLessEqual(sum(woken.values()), 1, f"an idle mediad woke up in {WINDOW_SECONDS} s: {woken}")
        self.assertIsNone(daemon.proc.poll(), daemon.describe())
