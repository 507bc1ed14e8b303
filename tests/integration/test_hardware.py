"""This computer's own hardware against its approved baseline, with the real mediad and mediactl
on umockdev's fake sysfs: a disk replaced while the guard runs, a disk swapped while it is stopped,
a disk and a network card added, firmware garbage that must never read as a change; and USB
printers, which must be registered peripherals of this computer.

Expected grades come from the issue's table: a fixed disk replaced or removed → critical; a disk
or a network card added → high; an unregistered printer → unregistered-peripheral, logged (the
printer stays usable) by default.
"""

import json
import subprocess
import unittest

import hardwarebed as hw
from guardbed import MEDIACTL, GuardCase
from harness import wait_until


class HardwareCase(GuardCase):
    """A computer with a SATA SSD, an NVMe drive, a wired card and DMI; the guard started, then the
    hardware approved as its baseline through mediad."""

    def setUp(self):
        super().setUp()
        hw.add_dmi(self.tb, serial="PF2ABCDE", board_serial="L1HF12345678")
        self.sata = hw.add_sata_disk(self.tb, name="sda", serial="S3Z9NB0K123456A")
        self.nvme = hw.add_nvme_disk(self.tb, name="nvme0n1", serial="S4EWNX0R123456")
        hw.add_pci_nic(self.tb, name="enp0s31f6", mac="54:e1:ad:12:34:56")

    def sock(self, *args, ok=True):
        result = subprocess.run([MEDIACTL, "--socket", self.socket, "--lang", "en", *args], capture_output=True, text=True)
        if ok and result.returncode != 0:
            self.fail(f"mediactl {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def approve(self):
        self.sock("computer", "baseline", "--approver", "王五")

    def hardware_violations(self):
        return self.query("SELECT severity, outcome, reason_en FROM violation WHERE type = 'hardware-changed' ORDER BY id")

    def wait_hardware_violations(self, count):
        return wait_until(lambda: len(self.hardware_violations()) >= count and self.hardware_violations(),
                          message=lambda: f"{count} hardware-changed violation(s), have {self.hardware_violations()}; "
                                          f"{self.daemon.describe()}")

    def inventory(self):
        result = self.sock("computer", "inventory", "--format", "json", ok=False)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return json.loads(result.stdout), result.returncode


class Baseline(HardwareCase):
    def test_the_baseline_is_what_mediad_reads_and_fills_the_register(self):
        self.start()
        view, status = self.inventory()
        self.assertEqual(status, 1)                      # no baseline yet
        self.assertIsNone(view.get("baseline"))
        self.approve()
        view, status = self.inventory()
        self.assertEqual(status, 0, view)
        self.assertEqual(view["changes"], [])
        self.assertEqual(sorted(d["serial"] for d in view["baseline"]["inventory"]["disks"]),
                         ["S3Z9NB0K123456A", "S4EWNX0R123456"])
        host = json.loads(self.ctl("host", "show", "--format", "json").stdout)
        self.assertEqual(sorted(host["diskSerials"]), ["S3Z9NB0K123456A", "S4EWNX0R123456"])
        self.assertEqual(host["macAddresses"], ["54:e1:ad:12:34:56"])
        trail = self.query("SELECT action, new_value FROM trail WHERE action = 'computer-baseline' AND field = 'baseline'")
        self.assertEqual(len(trail), 1)
        self.assertIn("approved by 王五", trail[0][1])
        self.assertIn("S4EWNX0R123456", trail[0][1])
        self.assertEqual(self.hardware_violations(), [])


class WhileRunning(HardwareCase):
    def test_a_disk_replaced_is_critical_with_before_and_after(self):
        self.start()
        self.approve()
        hw.remove(self.tb, self.sata)
        removed = self.wait_hardware_violations(1)
        self.assertEqual(removed[0][:2], ("critical", "logged"))
        self.assertIn("fixed disk removed", removed[0][2])
        hw.add_sata_disk(self.tb, name="sda", serial="WD-WX11A12B3456", model="WDC WDS500G2B0A")
        replaced = self.wait_hardware_violations(2)[1]
        self.assertEqual(replaced[:2], ("critical", "logged"))
        self.assertIn("fixed disk replaced", replaced[2])
        self.assertIn("S3Z9NB0K123456A", replaced[2])      # before
        self.assertIn("WD-WX11A12B3456", replaced[2])      # after
        notes = self.query("SELECT note FROM device_event WHERE kind = 'hardware-changed' ORDER BY id")
        self.assertEqual(len(notes), 2)
        self.assertIn("registered", notes[1][0])
        self.assertIn("WD-WX11A12B3456", notes[1][0])
        # The officer approves the repair: a new baseline closes the difference.
        self.approve()
        view, status = self.inventory()
        self.assertEqual((status, view["changes"]), (0, []))
        self.assertEqual(self.query("SELECT COUNT(*) FROM hardware_change")[0][0], 0)

    def test_a_disk_added_is_high(self):
        self.start()
        self.approve()
        hw.add_sata_disk(self.tb, name="sdd", serial="ZA4B1C2D", model="ST2000DM008", port=2)
        added = self.wait_hardware_violations(1)
        self.assertEqual(len(added), 1)
        self.assertEqual(added[0][:2], ("high", "logged"))
        self.assertIn("fixed disk added", added[0][2])
        self.assertIn("ZA4B1C2D", added[0][2])

    def test_a_network_card_added_in_the_namespace_is_high(self):
        # The test runs in its own network namespace (run.sh): the card is a real link there, which
        # rtnetlink reports, and a PCI card in sysfs, which udev announces.
        subprocess.run(["ip", "link", "add", "enp3s0", "type", "veth", "peer", "name", "enp3s0p"], check=True)
        self.addCleanup(subprocess.run, ["ip", "link", "del", "enp3s0"])
        self.start()
        self.approve()
        hw.add_pci_nic(self.tb, name="enp3s0", mac="a0:36:9f:00:00:01", driver="igb", slot="0000:03:00.0")
        added = self.wait_hardware_violations(1)
        self.assertEqual(len(added), 1)
        self.assertEqual(added[0][0], "high")
        self.assertIn("network card added", added[0][2])
        self.assertIn("enp3s0", added[0][2])
        # Its PCI function's uevent may come before its MAC can be read: still one difference,
        # and the inventory names the card by its permanent MAC.
        view, status = self.inventory()
        self.assertEqual(status, 1)
        self.assertEqual([c["kind"] for c in view["changes"]], ["network-card-added"])
        self.assertIn("a0:36:9f:00:00:01", [c.get("mac") for c in view["present"]["networkCards"]])
        self.assertEqual(len(self.hardware_violations()), 1)


class WhileStopped(HardwareCase):
    def test_a_swap_made_while_the_guard_was_stopped_is_found_at_start(self):
        self.start()
        self.approve()
        self.daemon.stop()
        hw.remove(self.tb, self.nvme)
        hw.add_nvme_disk(self.tb, name="nvme0n1", serial="S4EWNX0R999999")
        self.start_again()
        found = self.wait_hardware_violations(1)
        self.assertEqual(len(found), 1, found)
        self.assertEqual(found[0][0], "critical")
        self.assertIn("fixed disk replaced", found[0][2])
        self.assertIn("S4EWNX0R999999", found[0][2])
        notes = self.query("SELECT note FROM device_event WHERE kind = 'hardware-changed'")
        self.assertIn("seen at start", notes[0][0])
        # Started again without a change: the difference is not recorded twice.
        self.daemon.stop()
        self.start_again()
        self.assertEqual(len(self.hardware_violations()), 1)

    def start_again(self):
        self.daemon = self.tb.start([self.mediad(), "--db", self.db, "--socket", self.socket])
        wait_until(lambda: any("guarding" in line for line in self.daemon.stderr) or self.daemon.proc.poll() is not None,
                   message=lambda: f"mediad to start again; {self.daemon.describe()}")
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.describe())

    @staticmethod
    def mediad():
        from guardbed import MEDIAD
        return MEDIAD


class Unknowns(GuardCase):
    """Firmware that fills nothing in and a disk with no identity read as unknown at baseline and
    after: never a change."""

    def test_garbage_and_missing_attributes_are_unknown_never_changed(self):
        hw.add_dmi(self.tb, serial=b"\xff\xfe\x01", board_serial="To be filled by O.E.M.", bios_version=None)
        hw.add_sata_disk(self.tb, name="sda", serial=None, wwn=None, sectors=None, model=None)
        self.start()
        subprocess.run([MEDIACTL, "--socket", self.socket, "--lang", "en", "computer", "baseline", "--approver", "王五"],
                       check=True, capture_output=True)
        result = subprocess.run([MEDIACTL, "--socket", self.socket, "--lang", "en", "computer", "inventory", "--format", "json"],
                                capture_output=True, text=True)
        view = json.loads(result.stdout)
        self.assertEqual(result.returncode, 0, view["changes"])
        system = view["present"]["system"]
        self.assertIsNone(system.get("boardSerial"))
        self.assertIsNone(system.get("biosVersion"))
        disk = view["present"]["disks"][0]
        self.assertIsNone(disk.get("serial"))
        self.assertIsNone(disk.get("sizeBytes"))
        # A change event for the disk compares unknown with unknown: nothing. A stick plugged after
        # it comes later in the same event stream, so once the stick is decided the change was seen.
        self.tb.uevent(self.sata_path(), "change")
        stick = self.tb.add_stick(port="1-1")
        self.wait_event(stick.syspath)
        self.daemon.stop()
        self.daemon = self.start_daemon_again()
        self.assertEqual(self.query("SELECT COUNT(*) FROM violation WHERE type = 'hardware-changed'")[0][0], 0)
        self.assertEqual(self.query("SELECT COUNT(*) FROM device_event WHERE kind = 'hardware-changed'")[0][0], 0)

    def sata_path(self):
        return "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda"

    def start_daemon_again(self):
        from guardbed import MEDIAD
        daemon = self.tb.start([MEDIAD, "--db", self.db, "--socket", self.socket])
        wait_until(lambda: any("guarding" in line for line in daemon.stderr) or daemon.proc.poll() is not None,
                   message=lambda: f"mediad to start again; {daemon.describe()}")
        return daemon


class Printers(GuardCase):
    PRINTER = {"vendor": "04b8", "product": "0005", "interfaces": ((0x07, 0x01, 0x02),), "manufacturer": "EPSON",
               "product_name": "L4160"}

    def test_an_unregistered_printer_is_a_violation_a_registered_one_is_not(self):
        self.start()
        loose = self.tb.add_usb_device(port="1-2", serial="L4160X000001", **self.PRINTER)
        self.wait_event(loose.syspath)
        self.assertEqual(self.violations("L4160X000001"), [("unregistered-peripheral", "medium", "logged", "open")])
        self.wait_authorized(loose.syspath, "1")      # logged by default: written 1, still prints
        self.ctl("peripheral", "register", "--kind", "printer", "--vendor", "04b8", "--product", "0005",
                 "--serial", "L4160X000002", "--model", "EPSON L4160", "--holder", "P001")
        known = self.tb.add_usb_device(port="1-3", serial="L4160X000002", **self.PRINTER)
        self.wait_event(known.syspath)
        self.assertEqual(self.violations("L4160X000002"), [])
        self.wait_authorized(known.syspath, "1")
        listed = self.ctl("peripheral", "list", "--format", "csv").stdout
        self.assertIn("L4160X000002", listed)
        self.assertIn("PC-001", listed)

    def test_block_is_the_units_choice(self):
        conf = f"{self.tb.root}/mediad.conf"
        with open(conf, "w") as f:
            f.write("[actions]\nunregistered-peripheral = block\n")
        self.start("--config", conf)
        loose = self.tb.add_usb_device(port="1-2", serial="L4160X000001", **self.PRINTER)
        self.wait_authorized(loose.syspath, "0")
        self.assertEqual(self.violations("L4160X000001"), [("unregistered-peripheral", "medium", "blocked", "open")])


if __name__ == "__main__":
    unittest.main()
