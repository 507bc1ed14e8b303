"""Floods on mediad's control socket while sticks are plugged (issue 17, item 4; section 9 of
BENCHMARKS.md).

    bench/run-flood.sh OUT.json [RUNS]      (wraps this in unshare -n + umockdev-wrapper)

Each run: a fresh ledger (every other stick registered) and the release mediad on a bed of
2 × STICKS sticks; a second of `status` requests first (so the ledger's reader connections are open
before anything is counted); then STICKS sticks plugged one at a time, QUIET; then the flood of
tests/integration/floodbed.py `control_floods` (over 10,000 connection attempts a second from
nine processes of bench/flood.c: allowed users, a user with no role, a user the socket's mode keeps
out, oversized, slow, idle, never-reading and 32-MiB-announcing clients) and, during it, the other
STICKS sticks plugged the same way, FLOODED, and an officer's `mediactl status`.

A stick's decision latency: from its add uevent sent until inotify reports its `authorized`
written (IN_CLOSE_WRITE), every stick then checked for its expected value. Sticks are plugged
PACE_MS apart. Recorded besides: the flood's attempts, connections and replies a second, mediad's
descriptors (before, peak, after the flood, once its clients are gone), VmRSS (before, peak) and
threads (peak).
"""

import ctypes
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import (MEDIACTL, MEDIAD, Bed, Running, Sender, _libc, IN_CLOSE_WRITE, allowed, child_env,  # noqa: E402
                      make_ledger, median, udev_message, wait_for, wait_ready)
from floodbed import (OFFICER, SOCKET_GID, ADMIN_GID, OFFICER_GID, Sampler, build_flood, control_floods,  # noqa: E402
                      fd_kinds, open_fds, rss_kib, unix_target, wait_settled, warm_up)

STICKS = int(os.environ.get("BENCH_FLOOD_STICKS", "200"))
PACE_MS = 25
HARNESS_NICE = -10
FLOOD_SECONDS = STICKS * PACE_MS / 1000 + 3
# The trickling clients go on past the request deadline (10 s), so that the daemon is seen cutting them.
SLOW_SECONDS = max(FLOOD_SECONDS, 10) + 3


def log(text):
    print(text, file=sys.stderr, flush=True)


class FirstWrites:
    """inotify IN_CLOSE_WRITE on each `authorized`: when each was first written (time.monotonic())."""

    def __init__(self, files):
        self.fd = _libc.inotify_init1(os.O_CLOEXEC)
        self.by_wd = {}
        for index, path in enumerate(files):
            self.by_wd[_libc.inotify_add_watch(self.fd, path.encode(), IN_CLOSE_WRITE)] = index
        self.at = [None] * len(files)
        self.events = [threading.Event() for _ in files]
        self._stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        # The instrument must not queue behind what it measures: this thread asks for what mediad's
        # decision threads take (Threads.Urgency.decision), or a stick's latency would include this
        # thread's own wait for a core among the flood's.
        decision_urgency()
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
                if index is not None and self.at[index] is None:
                    self.at[index] = now
                    self.events[index].set()

    def close(self):
        self._stop = True
        os.close(self.fd)


def decision_urgency():
    """sched_setattr(2) as Threads.setUrgency(.decision): SCHED_FIFO 1, else SCHED_OTHER with a 0.1 ms slice."""
    number = {"x86_64": 314, "aarch64": 274}.get(os.uname().machine)
    if number is None:
        return False
    nice = os.getpriority(os.PRIO_PROCESS, 0)
    for attr in (struct.pack("IIQiIQQQ", 48, 1, 0, 0, 1, 0, 0, 0), struct.pack("IIQiIQQQ", 48, 0, 0, nice, 0, 100_000, 0, 0)):
        buffer = ctypes.create_string_buffer(attr, len(attr))
        if _libc.syscall(ctypes.c_long(number), ctypes.c_long(0), buffer, ctypes.c_long(0)) == 0:
            return True
    return False


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))] if ordered else None


def plug(indices, messages, sender, watch):
    """Plugs each stick PACE_MS after the one before; the decision latencies, in milliseconds."""
    latencies = []
    for i in indices:
        sent = time.monotonic()
        sender.send_all([messages[i]])
        if not watch.events[i].wait(10):
            raise RuntimeError(f"stick {i} not decided within 10 s")
        latencies.append((watch.at[i] - sent) * 1000)
        rest = sent + PACE_MS / 1000 - time.monotonic()
        if rest > 0:
            time.sleep(rest)   # pacing only: the decision itself was waited for above
    return latencies


def officer_status(socket):
    uid, groups = OFFICER
    started = time.monotonic()
    result = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--groups=" + ",".join(map(str, groups)),
                             MEDIACTL, "--socket", socket, "--lang", "en", "status"], capture_output=True, text=True,
                            timeout=30, env={k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")})
    return {"rc": result.returncode, "ms": (time.monotonic() - started) * 1000, "stderr": result.stderr.strip()[-200:]}


def one_run(run, bed, template, config, tool, messages, files, expected, work):
    directory = os.path.join(work, f"run-{run}")
    os.makedirs(directory)
    db = os.path.join(directory, "ledger.db")
    shutil.copy(template, db)
    os.chmod(directory, 0o755)
    socket = os.path.join(directory, "mediad.sock")
    bed.reset()
    bed.stash()
    bed.clear_event_sockets()
    before = bed.event_sockets()
    # The daemon as its unit runs it (Nice=-10); BENCH_MEDIAD_NICE=0 for a daemon started without
    # the unit.
    prefix = ["nice", "-n", str(int(os.environ.get("BENCH_MEDIAD_NICE", "-10")) - HARNESS_NICE)]
    proc = Running("mediad", [*prefix, MEDIAD, "--config", config, "--db", db, "--socket", socket], child_env(bed),
                   os.path.join(directory, "mediad.log"))
    floods = []
    try:
        targets = wait_ready(proc, bed, before)
        bed.unstash()
        watch = FirstWrites(files)
        sender = Sender(targets)
        pid = proc.pid
        sockets = fd_kinds(pid).get("socket", 0)
        warm_up(tool, unix_target(socket))
        wait_for(lambda: fd_kinds(pid).get("socket", 0) <= sockets, 10, "the warm-up's connections closed")
        quiet = plug(range(0, STICKS), messages, sender, watch)
        # The baseline: the daemon once it has done each kind of work the flood brings (what it
        # makes at first use and keeps is not a leak).
        base_kinds, base_fds, base_rss = fd_kinds(pid), open_fds(pid), rss_kib(pid)
        sampler = Sampler(pid)
        load_at_flood = os.getloadavg()[0]
        cpu_before, children_before, wall_before = cpu_seconds(pid), children_cpu(), time.monotonic()
        floods = control_floods(tool, socket, FLOOD_SECONDS, SLOW_SECONDS, prefix=["nice", "-n", str(-HARNESS_NICE)])
        # BENCH_FLOOD_ONLY="root status,idle": a part of the mix, to find what costs the guard most.
        only = os.environ.get("BENCH_FLOOD_ONLY")
        if only:
            for f in floods:
                if f.name not in only.split(","):
                    f.stop()
            floods = [f for f in floods if f.name in only.split(",")]
        wait_for(lambda: open_fds(pid) >= base_fds + (8 if not only else 1), 5, "the flood's connections at mediad")
        flooded = plug(range(STICKS, 2 * STICKS), messages, sender, watch)
        status = officer_status(socket)
        during = all(f.running() for f in floods)
        # CPU over the flood proper: the trickling clients, which go on longer, are waited for after.
        main = [f.result() for f in floods if f.name != "slow"]
        mediad_cpu, flood_cpu = cpu_seconds(pid) - cpu_before, children_cpu() - children_before
        flood_wall = time.monotonic() - wall_before
        results = main + [f.result() for f in floods if f.name == "slow"]
        peak = sampler.stop()
        extra, after_fds = wait_settled(pid, base_kinds)
        alive = proc.alive()
        after_status = officer_status(socket)
        decided = [watch.at[i] is not None for i in range(2 * STICKS)]
        values = [open(files[i]).read().strip() for i in range(2 * STICKS)]
        correct = sum(1 for i in range(2 * STICKS) if values[i] == expected[i])
        watch.close()
        sender.close()
        rate_floods = [r for r in results if r["mode"] not in ("slow",)]  # it runs longer
        seconds = max(r["seconds"] for r in rate_floods)
        result = {
            "run": run, "sticks": STICKS, "pace_ms": PACE_MS, "flood_seconds": FLOOD_SECONDS,
            "quiet_ms": quiet, "flooded_ms": flooded,
            "quiet_p50_ms": percentile(quiet, 0.5), "quiet_p99_ms": percentile(quiet, 0.99),
            "flooded_p50_ms": percentile(flooded, 0.5), "flooded_p99_ms": percentile(flooded, 0.99),
            "decided": sum(decided), "correct": correct, "devices": 2 * STICKS,
            "sticks_during_flood": during,
            "attempts_per_s": sum(r["attempts"] for r in rate_floods) / seconds,
            "connected_per_s": sum(r["connected"] for r in rate_floods) / seconds,
            "replies_per_s": sum(r["ok"] + r["error_replies"] for r in rate_floods) / seconds,
            "status_ok_per_s": sum(r["ok"] for r in rate_floods) / seconds,
            "fds": {"before": base_fds, "peak": peak["fds"], "after": after_fds, "leaked": extra},
            "rss_kib": {"before": base_rss, "peak": peak["rss_kib"]}, "threads_peak": peak["threads"],
            "cpu": {"mediad_s": mediad_cpu, "flood_s": flood_cpu, "wall_s": flood_wall, "loadavg": load_at_flood},
            "officer_status_during": status, "officer_status_after": after_status, "alive": alive,
            "floods": results,
        }
        log(f"  run {run}: quiet p50 {result['quiet_p50_ms']:.2f} p99 {result['quiet_p99_ms']:.2f} ms; flooded p50 "
            f"{result['flooded_p50_ms']:.2f} p99 {result['flooded_p99_ms']:.2f} ms; {result['attempts_per_s']:.0f} attempts/s, "
            f"{result['connected_per_s']:.0f} connected/s, {result['replies_per_s']:.0f} replies/s; fds {base_fds} → "
            f"{peak['fds']} → {after_fds}; VmRSS {base_rss} → {peak['rss_kib']} KiB; officer status rc "
            f"{status['rc']} in {status['ms']:.0f} ms; {correct}/{2 * STICKS} correct; CPU during the flood: mediad "
            f"{mediad_cpu / flood_wall * 100:.0f} %, the flood {flood_cpu / flood_wall * 100:.0f} % of one core, load {load_at_flood:.1f}")
        return result
    finally:
        for f in floods:
            f.stop()
        proc.stop()


def cpu_seconds(pid):
    """utime + stime of a process, all its threads."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    """CPU of the children waited for (the flood's processes once their results are read)."""
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main():
    # The harness sends the uevents and timestamps the writes: starved of CPU by the flood, it would
    # measure its own waiting. It runs at nice -10 (root), above the flood and the daemon alike.
    # The daemon and the flood are started back at nice 0 (`nice -n 10`).
    os.nice(HARNESS_NICE)
    out = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    work = tempfile.mkdtemp(prefix="flood-", dir=os.environ.get("BENCH_WORK"))
    os.chmod(work, 0o755)
    bed = None
    try:
        tool = build_flood(work)
        bed = Bed(2 * STICKS)
        template = os.path.join(work, "template.db")
        make_ledger(template, [i for i in range(2 * STICKS) if allowed(i)])
        config = os.path.join(work, "mediad.conf")
        with open(config, "w") as f:
            f.write(f"socket-group = {SOCKET_GID}\nadmin-groups = {ADMIN_GID}\nofficer-groups = {OFFICER_GID}\n")
        messages = []
        for i, dev in enumerate(bed.devices):
            bus, _, _ = dev.port.partition("-")
            messages.append(udev_message(bed.devpath(i), 1000 + i, f"/dev/bus/usb/{int(bus):03d}/{i + 2:03d}"))
        files = [bed.authorized_file(i) for i in range(2 * STICKS)]
        expected = ["1" if allowed(i) else "0" for i in range(2 * STICKS)]
        results = [one_run(run, bed, template, config, tool, messages, files, expected, work) for run in range(runs)]
        summary = {key: median([r[key] for r in results]) for key in
                   ("quiet_p50_ms", "quiet_p99_ms", "flooded_p50_ms", "flooded_p99_ms", "attempts_per_s",
                    "connected_per_s", "replies_per_s", "status_ok_per_s")}
        summary["p50_ratio"] = median([r["flooded_p50_ms"] / r["quiet_p50_ms"] for r in results])
        summary["p99_ratio"] = median([r["flooded_p99_ms"] / r["quiet_p99_ms"] for r in results])
        machine = {"nproc": os.cpu_count(), "loadavg_at_end": os.getloadavg()[0]}
        with open(out, "w") as f:
            json.dump({"runs": results, "summary": summary, "machine": machine,
                       "mediad_nice": int(os.environ.get("BENCH_MEDIAD_NICE", "-10")),
                       "startedAt": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}, f, indent=1)
    finally:
        if bed:
            bed.cleanup()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
