"""Section 3, netlink overflow: what mediad does when the kernel drops uevents (ENOBUFS).

umockdev's transport is a unix datagram socket whose blocking sender waits for the reader, so it
cannot overflow; this runs the real mediad on a real NETLINK_KOBJECT_UEVENT socket instead, in a
private network namespace (bench/run.sh wraps it in `unshare -n`), without umockdev: this machine's
real /sys has no USB devices, so every event names a device that does not exist (mediad records
nothing and keeps it blocked) — what is observed is the transport. mediad is stopped (SIGSTOP),
COUNT udev-format messages are multicast to the udev group, mediad is continued, and its log says
how many it received and whether it reported the loss and enumerated again.

    python3 bench/overflow.py OUT.json [COUNT]
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from benchlib import MEDIAD, udev_message, wait_for

NETLINK_KOBJECT_UEVENT = 15
UDEV_GROUP = 2


def rcvbuf_of(pid):
    """SO_RCVBUF of mediad's uevent socket, from /proc/net/netlink (Rmem is what is queued)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    rows = []
    with open("/proc/net/netlink") as f:
        next(f)
        for line in f:
            fields = line.split()
            # sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
            if fields[1] == str(NETLINK_KOBJECT_UEVENT) and fields[-1] in inodes:
                rows.append({"rmem": int(fields[4]), "drops": int(fields[8])})
    return rows


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    work = tempfile.mkdtemp(prefix="overflow-", dir=os.environ.get("BENCH_WORK", "/var/tmp"))
    db = os.path.join(work, "ledger.db")
    log_path = os.path.join(work, "mediad.log")
    log = open(log_path, "wb")
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")}
    proc = subprocess.Popen([MEDIAD, "--db", db, "--socket", os.path.join(work, "mediad.sock")], env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def text():
        with open(log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    try:
        wait_for(lambda: "guarding" in text(), 30, "mediad's guarding line")
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_KOBJECT_UEVENT)
        sock.bind((0, 0))
        os.kill(proc.pid, signal.SIGSTOP)
        messages = [udev_message(f"/devices/pci0000:00/0000:00:14.0/usb9/9-{i % 100 + 1}", 10_000 + i,
                                 f"/dev/bus/usb/009/{i % 100 + 2:03d}") for i in range(count)]
        t0 = time.monotonic()
        for message in messages:
            sock.sendto(message, (0, UDEV_GROUP))
        send_seconds = time.monotonic() - t0
        queued = rcvbuf_of(proc.pid)
        os.kill(proc.pid, signal.SIGCONT)
        wait_for(lambda: "enumerating again" in text() or text().count("cannot read USB device") >= count, 600,
                 "mediad to drain its queue")
        # Let it finish draining what is queued.
        last = -1
        while True:
            seen = text().count("cannot read USB device")
            if seen == last:
                break
            last = seen
            time.sleep(1.0)
        log_text = text()
        result = {
            "sent": count,
            "send_seconds": send_seconds,
            "received": log_text.count("cannot read USB device"),
            "overflow_reported": "receive buffer overflow" in log_text,
            "overflow_reports": log_text.count("receive buffer overflow"),
            "queued_at_stop": queued,
            "rcvbuf_applied": "could not be enlarged" not in log_text,
        }
        with open(out, "w") as f:
            json.dump(result, f, indent=1)
        print(f"overflow: {result}", file=sys.stderr)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.terminate()
            proc.wait(10)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
