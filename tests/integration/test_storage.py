"""Storage faults under the running guard (issue 17, item 2): the ledger on a disk that fills up, and
on one the kernel turns read-only. What an officer must find: every device blocked unless a stored
verdict allows it, the daemon alive and saying why (`mediactl status`, journald), every record the
ledger could not take written once it can (spooled in a second place meanwhile), a
`ledger-unavailable` violation, and the devices blocked only for the disk decided again."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

from guardbed import GuardCase, MEDIACTL, LOCKED
from harness import Testbed, wait_until

REGISTERED = "4C530001230101104353"

# This process runs under umockdev's preload, which shows it the testbed for /sys and /dev: the
# real ones (the loop devices, ext4's error switch) are reached by children without it.
HOST_ENV = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "UMOCKDEV_DIR")}


def host(*argv, check=True):
    return subprocess.run(list(argv), env=HOST_ENV, capture_output=True, text=True, check=check)
STRANGER = "AA00000000000000FFFF"


class StorageCase(GuardCase):
    """The ledger in a file system of its own (made by `make_fs`), the spool in the testbed's
    directory: the second place, on another file system."""

    def setUp(self):
        self.tb = Testbed()
        self.addCleanup(self.tb.cleanup)
        self.fs = tempfile.mkdtemp(prefix="mediad-ledgerfs-")
        self.make_fs()
        self.addCleanup(self.unmount)
        self.db = os.path.join(self.fs, "ledger.db")
        self.spool = os.path.join(self.tb.root, "ledger.spool")
        self.config = os.path.join(self.tb.root, "mediad.conf")
        with open(self.config, "w") as f:
            f.write(f"spool = {self.spool}\n")
        self.ctl("person", "add", "--id", "P001", "--name", "张三", "--clearance", "core")
        self.ctl("host", "set", "--asset-no", "PC-001", "--level", "secret", "--network", "standalone", "--holder", "P001")
        self.daemon = None

    def unmount(self):
        for daemon in self.tb.daemons if self.tb.tb is not None else []:
            daemon.stop()
        host("umount", self.fs, check=False)
        shutil.rmtree(self.fs, ignore_errors=True)

    def status(self):
        result = subprocess.run([MEDIACTL, "--socket", self.socket, "--lang", "en", "status", "--format", "json"],
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def spooled(self):
        """The spool file's records (its first line is the header)."""
        with open(self.spool) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        self.assertEqual(lines[0]["ledger"], self.db)
        return lines[1:]

    def spooled_count(self):
        """How many whole records the spool file holds now (0 when there is none)."""
        try:
            with open(self.spool) as f:
                return sum(1 for line in f if line.endswith("\n")) - 1
        except FileNotFoundError:
            return 0

    def wait_logged(self, text):
        wait_until(lambda: any(text in line for line in self.daemon.stderr),
                   message=lambda: f"mediad to log '{text}'; {self.daemon.describe()}")

    def outage_violations(self):
        return self.query("SELECT severity, outcome, reason_en FROM violation WHERE type = 'ledger-unavailable'")


class DiskFull(StorageCase):
    def make_fs(self):
        host("mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", self.fs)

    def fill(self):
        filler = os.path.join(self.fs, "filler")
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
        return filler

    def test_a_full_disk_blocks_spools_and_recovers_without_a_replug(self):
        number = self.register(serial=REGISTERED)
        self.start("--config", self.config)
        filler = self.fill()

        registered = self.tb.add_stick(port="1-1", serial=REGISTERED, extra_attributes=LOCKED)
        self.wait_logged("cannot record the verdict")
        stranger = self.tb.add_stick(port="1-2", serial=STRANGER, extra_attributes=LOCKED)
        wait_until(lambda: self.spooled_count() == 2, message=lambda: f"two spooled records; {self.daemon.describe()}")
        # Nothing is authorized without a stored verdict, a registered stick included.
        self.assertEqual(self.authorized(registered.syspath), "0")
        self.assertEqual(self.authorized(stranger.syspath), "0")
        trouble = self.status()["ledgerTrouble"]
        self.assertEqual((trouble["spooled"], trouble["dropped"], trouble["blocked"], trouble["spool"]), (2, 0, 2, self.spool))
        self.assertIn("full", trouble["reason"].lower())
        table = subprocess.run([MEDIACTL, "--socket", self.socket, "--lang", "en", "status"], capture_output=True, text=True)
        self.assertIn("NOT STORING since", table.stdout)
        self.assertIn(f"2 records spooled in {self.spool}", table.stdout)
        # The spool holds each device as blocked, with what the policy would have found.
        records = self.spooled()
        self.assertEqual([(r["event"]["serial"], r["event"]["decision"]) for r in records],
                         [(REGISTERED, "block"), (STRANGER, "block")])
        self.assertEqual([[v["type"] for v in r["violations"]] for r in records], [[], ["unregistered-medium"]])
        self.assertEqual(self.events(registered.syspath), [])
        # The stranger leaves while the disk is still full: its detach is spooled too.
        self.tb.remove(stranger.syspath)
        wait_until(lambda: self.spooled_count() == 3, message=lambda: f"the detach spooled; {self.daemon.describe()}")
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.describe())

        # Space comes back: the spool is written, then the registered stick is decided again.
        os.unlink(filler)
        self.wait_authorized(registered.syspath, "1")
        self.assertEqual(self.events(registered.syspath), [("attach", "block", number), ("recheck", "allow", number)])
        self.assertEqual(self.events(stranger.syspath), [("attach", "block", None), ("detach", None, None)])
        self.assertEqual(self.violations(STRANGER), [("unregistered-medium", "high", "blocked", "open")])
        [(severity, outcome, reason)] = self.outage_violations()
        self.assertEqual((severity, outcome), ("high", "logged"))
        self.assertIn("3 spooled records are written now", reason)
        self.assertIn("2 devices were blocked meanwhile", reason)
        self.assertFalse(os.path.exists(self.spool), "the spool is removed once written")
        self.assertNotIn("ledgerTrouble", self.status())
        # The records are chained like every other: the audit finds nothing wrong.
        verify = self.ctl("audit", "verify")
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)

    def test_a_stick_allowed_before_the_disk_filled_stays_allowed(self):
        self.register(serial=REGISTERED)
        self.start("--config", self.config)
        stick = self.tb.add_stick(port="1-1", serial=REGISTERED, extra_attributes=LOCKED)
        self.wait_authorized(stick.syspath, "1")
        self.fill()
        stranger = self.tb.add_stick(port="1-2", serial=STRANGER, extra_attributes=LOCKED)
        self.wait_logged("cannot record the verdict")
        self.assertEqual(self.authorized(stranger.syspath), "0")
        self.assertEqual(self.authorized(stick.syspath), "1", "a stored allow verdict stands while the disk is full")


class ReadOnly(StorageCase):
    """ext4 turns itself read-only on an error (errors=remount-ro), and stays so until it is
    checked and mounted again: mediad must be stopped for that, so its spool outlives it."""

    def make_fs(self):
        if host("test", "-e", "/dev/loop-control", check=False).returncode != 0:
            self.skipTest("no loop devices here (/dev/loop-control)")
        self.image = os.path.join(self.tb.root, "ledger.img")
        host("truncate", "-s", "32M", self.image)
        host("mkfs.ext4", "-q", "-F", self.image)
        self.mount()

    def mount(self):
        host("mount", "-o", "loop,errors=remount-ro", self.image, self.fs)
        source = host("findmnt", "-no", "SOURCE", self.fs)
        self.trigger = f"/sys/fs/ext4/{os.path.basename(source.stdout.strip())}/trigger_fs_error"

    def test_a_read_only_ledger_is_spooled_across_a_restart(self):
        if host("test", "-w", self.trigger, check=False).returncode != 0:
            self.skipTest(f"this kernel has no {self.trigger}")
        number = self.register(serial=REGISTERED)
        self.start("--config", self.config)
        host("sh", "-c", f"echo 1 > {self.trigger}")
        stick = self.tb.add_stick(port="1-1", serial=REGISTERED, extra_attributes=LOCKED)
        self.wait_logged("cannot record the verdict")
        self.assertEqual(self.authorized(stick.syspath), "0")
        self.assertIn("read-only", self.status()["ledgerTrouble"]["reason"].lower())

        # The administrator stops mediad, checks and mounts the disk again, starts mediad.
        self.assertEqual(self.daemon.stop(), 0, self.daemon.describe())
        self.assertEqual([r["event"]["kind"] for r in self.spooled()], ["attach", "guard-stop"])
        host("umount", self.fs)
        host("e2fsck", "-fy", self.image, check=False)
        self.mount()
        self.start("--config", self.config)
        self.wait_authorized(stick.syspath, "1")
        self.assertEqual(self.events(stick.syspath), [("attach", "block", number), ("attach", "allow", number)])
        kinds = [k for (k,) in self.query("SELECT kind FROM device_event WHERE kind LIKE 'guard-%' ORDER BY id")]
        self.assertEqual(kinds, ["guard-start", "guard-stop", "guard-start"])
        [(_, _, reason)] = self.outage_violations()
        self.assertIn("2 spooled records (left by an earlier run) are written now", reason)
        self.assertFalse(os.path.exists(self.spool))


class Damaged(StorageCase):
    """The ledger file damaged under the running daemon (a bad sector, a stray write): mediad keeps
    running and blocking, says the ledger is damaged, and the records wait in the spool until the
    administrator restores the ledger from a backup and starts mediad again."""

    def make_fs(self):
        pass   # the testbed's own directory: nothing to mount

    def unmount(self):
        shutil.rmtree(self.fs, ignore_errors=True)

    def test_a_damaged_ledger_blocks_and_the_spool_reaches_the_restored_one(self):
        number = self.register(serial=REGISTERED)
        self.start("--config", self.config)
        # Everything into the main file, then a backup of it, then the damage: every page after the
        # first overwritten. mediad's next transaction sees the log was reset and reads from the file.
        self.query("PRAGMA wal_checkpoint(TRUNCATE)")
        backup = self.db + ".backup"
        shutil.copyfile(self.db, backup)
        size = os.path.getsize(self.db)
        with open(self.db, "r+b") as f:
            f.seek(4096)
            f.write(bytes((i * 151 + 7) % 256 for i in range(size - 4096)))

        stick = self.tb.add_stick(port="1-1", serial=REGISTERED, extra_attributes=LOCKED)
        self.wait_logged("cannot record the verdict")
        self.assertEqual(self.authorized(stick.syspath), "0")
        trouble = self.status()["ledgerTrouble"]
        self.assertIn("damaged", trouble["reason"])
        self.assertEqual(trouble["spooled"], 1)
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.describe())

        # The administrator stops mediad, restores the backup, starts mediad.
        self.assertEqual(self.daemon.stop(), 0, self.daemon.describe())
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.db + suffix):
                os.unlink(self.db + suffix)
        shutil.copyfile(backup, self.db)
        self.start("--config", self.config)
        self.wait_authorized(stick.syspath, "1")
        # The damaged ledger could not even say which medium it was: the spooled record has none.
        self.assertEqual(self.events(stick.syspath), [("attach", "block", None), ("attach", "allow", number)])
        [(note,)] = self.query("SELECT note FROM device_event WHERE syspath = ? AND decision = 'block'", stick.syspath)
        self.assertTrue(note.startswith("not stored when it happened: the ledger database"), note)
        self.assertTrue(note.endswith("(the ledger could not be read: no verdict)"), note)
        [(_, _, reason)] = self.outage_violations()
        self.assertIn("2 spooled records (left by an earlier run) are written now", reason)
        self.assertFalse(os.path.exists(self.spool))


if __name__ == "__main__":
    unittest.main()
