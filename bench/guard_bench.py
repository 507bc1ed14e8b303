"""mediad and USBGuard side by side under umockdev (sections 1, 3, 5 and 6 of BENCHMARKS.md).

    bench/run-guard.sh OUT.json [RUNS]        (wraps this in unshare -n + umockdev-wrapper)

Scenarios, each repeated RUNS times (default 5), the daemons alternating within a run:
  hotplug-N   N sticks hot-plugged (N = 100, 1000): time from the first add event sent until every
              device's `authorized` has been written and holds its final value;
  present-200 200 sticks present at start: from exec until every `authorized` holds its final value,
              and for mediad until READY=1 (NOTIFY_SOCKET);
  burst       10,000 add events sent back to back (mediad and USBGuard): devices decided, lost;
  idle        both daemons idle on the same bed: VmRSS and voluntary context switches over IDLE_SECONDS.
"""

import json
import os
import shutil
import signal
import subprocess
import socket
import sys
import tempfile
import threading
import time

from benchlib import (Bed, AuthorizedWatch, Sender, allowed, kernel_message, make_ledger, median,
                      start_mediad, start_usbguard, status_of, udev_message, usbguard_files, wait_ready)

DAEMONS = ("mediad", "usbguard")


def log(text):
    print(text, file=sys.stderr, flush=True)


class Scenario:
    def __init__(self, count, present, work):
        self.count = count
        self.present = present
        self.work = work
        os.makedirs(work, exist_ok=True)
        t = time.monotonic()
        self.bed = Bed(count, initial_authorized="1" if present else "0")
        log(f"  bed of {count} devices in {time.monotonic() - t:.1f}s")
        registered = [i for i in range(count) if allowed(i)]
        self.template = os.path.join(work, "template.db")
        make_ledger(self.template, registered)
        self.usbguard_dir = os.path.join(work, "usbguard")
        self.usbguard_conf = usbguard_files(self.usbguard_dir, registered)
        self.expected = ["1" if allowed(i) else "0" for i in range(count)]
        self.files = [self.bed.authorized_file(i) for i in range(count)]
        seq = 1000
        self.udev = []
        self.kernel = []
        for i, dev in enumerate(self.bed.devices):
            devpath = self.bed.devpath(i)
            bus, _, _ = dev.port.partition("-")
            devname = f"/dev/bus/usb/{int(bus):03d}/{i + 2:03d}"
            self.udev.append(udev_message(devpath, seq + i, devname))
            self.kernel.append(kernel_message(devpath, seq + i))
        if not present:
            self.bed.stash()

    def fresh_state(self, daemon, run):
        directory = os.path.join(self.work, f"{daemon}-{run}")
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        if daemon == "mediad":
            db = os.path.join(directory, "ledger.db")
            shutil.copy(self.template, db)
            return directory, db
        audit = os.path.join(self.usbguard_dir, "audit.log")
        if os.path.exists(audit):
            os.remove(audit)
        return directory, self.usbguard_conf

    def hotplug_run(self, daemon, run):
        self.bed.reset()
        self.bed.stash()
        directory, state = self.fresh_state(daemon, run)
        self.bed.clear_event_sockets()
        before = self.bed.event_sockets()
        proc = start_mediad(self.bed, state, directory) if daemon == "mediad" else start_usbguard(self.bed, state, directory)
        try:
            targets = wait_ready(proc, self.bed, before)
            self.bed.unstash()
            watch = AuthorizedWatch(self.files, self.expected)
            perf = start_perf(proc.pid) if daemon == "mediad" else None
            sender = Sender(targets)
            messages = self.udev if daemon == "mediad" else self.kernel
            t0 = time.monotonic()
            sender.send_all(messages)
            sent = time.monotonic()
            finished = watch.wait(120 + self.count / 50)
            summary = watch.summary()
            watch.close()
            sender.close()
            stop_perf(perf)
            result = {"daemon": daemon, "run": run, "devices": self.count, "complete": finished,
                      "seconds": (watch.done_at - t0) if finished else None, "send_seconds": sent - t0, **summary}
            if daemon == "mediad" and finished:
                result["cpu"] = cpu_seconds(proc.pid)
            return result
        finally:
            proc.stop()
            self.bed.stash()

    def present_run(self, daemon, run):
        self.bed.reset()
        self.bed.clear_event_sockets()
        directory, state = self.fresh_state(daemon, run)
        watch = AuthorizedWatch(self.files, self.expected)
        notify = None
        ready_at = []
        extra = {}
        if daemon == "mediad":
            path = os.path.join(directory, "notify.sock")
            notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            notify.bind(path)
            extra = {"NOTIFY_SOCKET": path}

            def listen():
                try:
                    while True:
                        message = notify.recv(4096).decode()
                        if "READY=1" in message:
                            ready_at.append(time.monotonic())
                            return
                except OSError:
                    return
            threading.Thread(target=listen, daemon=True).start()
        t0 = time.monotonic()
        proc = start_mediad(self.bed, state, directory, extra) if daemon == "mediad" else start_usbguard(self.bed, state, directory)
        try:
            finished = watch.wait(120)
            if daemon == "mediad":
                deadline = time.monotonic() + 30
                while not ready_at and time.monotonic() < deadline:
                    time.sleep(0.005)
            summary = watch.summary()
            watch.close()
            return {"daemon": daemon, "run": run, "devices": self.count, "complete": finished,
                    "seconds": (watch.done_at - t0) if finished else None,
                    "ready_seconds": (ready_at[0] - t0) if ready_at else None, **summary}
        finally:
            proc.stop()
            if notify:
                notify.close()

    def cleanup(self):
        self.bed.cleanup()


def start_perf(pid):
    """Profiling: BENCH_PERF=FILE samples mediad (cpu-clock, DWARF call graphs) during the timed part.
    perf runs without the umockdev preload (it must see the real /sys)."""
    path = os.environ.get("BENCH_PERF")
    if not path:
        return None
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")}
    proc = subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-F", "4000", "--call-graph", "dwarf,16384",
                             "-p", str(pid), "-o", path], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc


def stop_perf(proc):
    if proc is None:
        return
    proc.send_signal(signal.SIGINT)
    proc.wait(60)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def summarize(results):
    out = {}
    for daemon in DAEMONS:
        values = [r["seconds"] for r in results if r["daemon"] == daemon and r.get("seconds") is not None]
        if values:
            out[daemon] = {"median": median(values), "min": min(values), "max": max(values), "runs": len(values),
                           "incomplete": sum(1 for r in results if r["daemon"] == daemon and not r["complete"])}
    return out


def alternating(name, count, runs, work, present, run_one):
    """`runs` runs of one scenario on one bed, the daemons alternating which goes first."""
    log(f"{name} {count}")
    scenario = Scenario(count, present=present, work=os.path.join(work, f"{name}-{count}"))
    results = []
    try:
        for run in range(runs):
            for daemon in (DAEMONS if run % 2 == 0 else DAEMONS[::-1]):
                result = run_one(scenario, daemon, run)
                log(f"  {daemon} run {run}: {result}")
                results.append(result)
    finally:
        scenario.cleanup()
    return results


def hotplug(count, runs, work):
    results = alternating("hotplug", count, runs, work, False, Scenario.hotplug_run)
    return {"runs": results, "summary": summarize(results)}


def present(count, runs, work):
    results = alternating("present", count, runs, work, True, Scenario.present_run)
    ready = [r["ready_seconds"] for r in results if r["daemon"] == "mediad" and r.get("ready_seconds") is not None]
    summary = summarize(results)
    if ready:
        summary["mediad_ready"] = {"median": median(ready), "min": min(ready), "max": max(ready), "runs": len(ready)}
    return {"runs": results, "summary": summary}


def burst(count, runs, work):
    """`count` add events back to back. Blocking sendto: when a listener's queue (max_dgram_qlen) is
    full the sender waits, so the harness sends as fast as the daemon drains."""
    results = alternating("burst", count, runs, work, False, Scenario.hotplug_run)
    return {"runs": results, "summary": summarize(results)}


def idle(seconds, work):
    """Both daemons on the same bed (20 present sticks), left alone for `seconds`."""
    log(f"idle {seconds}s")
    scenario = Scenario(20, present=True, work=os.path.join(work, "idle"))
    try:
        scenario.bed.reset()
        directory_m, db = scenario.fresh_state("mediad", 0)
        directory_u, conf = scenario.fresh_state("usbguard", 0)
        scenario.bed.clear_event_sockets()
        before = scenario.bed.event_sockets()
        mediad = start_mediad(scenario.bed, db, directory_m)
        wait_ready(mediad, scenario.bed, before)
        usbguard = start_usbguard(scenario.bed, conf, directory_u)
        # USBGuard's lockdown is already in place (mediad's): its start-up is not observable here, so
        # the window opens after a settling pause (this is not a timed measurement).
        time.sleep(3)
        start = {d.kind: status_of(d.pid) for d in (mediad, usbguard)}
        time.sleep(seconds)
        end = {d.kind: status_of(d.pid) for d in (mediad, usbguard)}
        result = {"seconds": seconds}
        for kind in DAEMONS:
            rss0, cs0, th0 = start[kind]
            rss1, cs1, th1 = end[kind]
            per_thread = {name: th1[name] - th0.get(name, 0) for name in th1 if th1[name] - th0.get(name, 0)}
            result[kind] = {"vmrss_kb": rss1, "wakeups": cs1 - cs0, "threads": len(th1), "per_thread": per_thread}
        mediad.stop()
        usbguard.stop()
        return result
    finally:
        scenario.cleanup()


def main():
    out = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    only = os.environ.get("BENCH_ONLY", "hotplug100,hotplug1000,present200,burst,idle").split(",")
    idle_seconds = int(os.environ.get("BENCH_IDLE_SECONDS", "60"))
    burst_count = int(os.environ.get("BENCH_BURST", "10000"))
    burst_runs = int(os.environ.get("BENCH_BURST_RUNS", str(runs)))
    work = tempfile.mkdtemp(prefix="run-", dir=os.environ.get("BENCH_WORK"))
    results = {}
    if os.path.exists(out):
        with open(out) as f:
            results = json.load(f)
    try:
        for name in only:
            if name == "hotplug100":
                results["hotplug-100"] = hotplug(100, runs, work)
            elif name == "hotplug1000":
                results["hotplug-1000"] = hotplug(1000, runs, work)
            elif name == "present200":
                results["present-200"] = present(200, runs, work)
            elif name == "burst":
                results["burst"] = burst(burst_count, burst_runs, work)
            elif name == "idle":
                results["idle"] = idle(idle_seconds, work)
            with open(out, "w") as f:
                json.dump(results, f, indent=1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
