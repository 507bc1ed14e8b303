"""`mediad --inventory` against a fake computer (umockdev): what the hardware inventory lists,
field by field, what it leaves out (media, virtual devices) and what it leaves unknown.

Run with run.sh (network namespace + umockdev-wrapper). MEDIAD_BIN names the binary
(default .build/debug/mediad, relative to the repository root).

An unknown value is absent from the JSON (Swift's encoder leaves nil out), so every expected
record below names exactly the fields that must be known, and the records are compared whole.
"""

import json
import os
import subprocess
import unittest

import hardwarebed as hw
from harness import Testbed

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build/debug/mediad"))

PCI = "/sys/devices/pci0000:00"
SATA_SLOT = f"{PCI}/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0"
NVME_SLOT = f"{PCI}/0000:01:00.0/nvme/nvme0"

SATA = {"name": "sda", "model": "Samsung_SSD_860_EVO_500GB", "serial": "S3Z9NB0K123456A",
        "wwn": "0x5002538e40a1b2c3", "sizeBytes": 500107862016, "bus": "sata", "slot": SATA_SLOT}
NVME = {"name": "nvme0n1", "model": "Samsung SSD 970 EVO Plus 1TB", "serial": "S4EWNX0R123456",
        "wwn": "eui.0025388b91b3e0a1", "sizeBytes": 1000204886016, "bus": "nvme", "slot": NVME_SLOT}
WIRED = {"name": "enp0s31f6", "mac": "54:e1:ad:12:34:56", "driver": "e1000e", "bus": "pci",
         "wireless": False, "slot": f"{PCI}/0000:00:1f.6"}
WIRELESS = {"name": "wlp0s20f3", "mac": "a0:b1:c2:d3:e4:f5", "driver": "iwlwifi", "bus": "pci",
            "wireless": True, "slot": f"{PCI}/0000:00:14.3"}
XHCI = {"slot": "0000:00:14.0", "vendorID": "8086", "deviceID": "a36d", "driver": "xhci_hcd"}
THINKPAD = {"vendor": "LENOVO", "product": "20XW00GLUS", "serial": "PF2ABCDE", "boardSerial": "L1HF12345678",
            "biosVersion": "N32ET75W (1.51 )"}

CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model\t\t: 140
model name\t: 11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz

processor\t: 1
vendor_id\t: GenuineIntel
model\t\t: 140
model name\t: 11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz
"""


def this_machine_os():
    """What the inventory must say of the real operating system: uname's release and os-release's
    PRETTY_NAME (neither is redirected by umockdev)."""
    pretty = None
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("PRETTY_NAME="):
                        pretty = line.split("=", 1)[1].strip().strip('"').strip("'")
            break
    result = {"kernel": os.uname().release}
    if pretty:
        result["distribution"] = pretty
    return result


class InventoryTest(unittest.TestCase):
    def setUp(self):
        self.tb = Testbed()
        self.addCleanup(self.tb.cleanup)

    def mediad(self, *args):
        env = dict(os.environ, UMOCKDEV_DIR=self.tb.root)
        return subprocess.run([MEDIAD, *args], env=env, capture_output=True, text=True, timeout=30)

    def inventory(self):
        result = self.mediad("--inventory")
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 1, f"one JSON object on one line, got {result.stdout!r}")
        return json.loads(lines[0])

    def write_proc(self, name, text):
        """A /proc file of the testbed's own (umockdev redirects /proc files that it has)."""
        os.makedirs(self.tb.root + "/proc", exist_ok=True)
        with open(f"{self.tb.root}/proc/{name}", "w", encoding="utf-8") as handle:
            handle.write(text)

    def test_a_whole_computer_and_nothing_else(self):
        tb = self.tb
        hw.add_dmi(tb)
        sda = hw.add_sata_disk(tb)
        tb.add("block", "sda1", sda, {"size": "1048576\n", "partition": "1\n"}, {"DEVTYPE": "partition"})
        hw.add_nvme_disk(tb)
        hw.add_pci_nic(tb)
        hw.add_pci_nic(tb, name="wlp0s20f3", mac="A0:B1:C2:D3:E4:F5", driver="iwlwifi", wireless=True,
                       slot="0000:00:14.3")
        hw.add_usb_controller(tb)
        tb.add("tpm", "platform/MSFT0101:00/tpm/tpm0", None, {}, {"DEVNAME": "/dev/tpm0"})
        self.write_proc("meminfo", "MemTotal:       16318480 kB\nMemFree:         9000000 kB\n")
        self.write_proc("cpuinfo", CPUINFO)
        # What is not this computer's hardware: a USB stick (its disk sdb, and its root hub's
        # PCI function 0000:00:15.0, which has no USB class), a USB network adapter, a veth pair's
        # end and a loop device.
        tb.add_stick(port="2-1")
        adapter = tb.add_usb_device(port="2-2", vendor="0bda", product="8153", serial="000001",
                                    interfaces=((0x02, 0x06, 0x00),), manufacturer="Realtek",
                                    product_name="USB 10/100/1000 LAN")
        tb.add("net", "net/enx00e04c680001", adapter.interfaces[0],
               {"address": "00:e0:4c:68:00:01\n", "addr_assign_type": "0\n"},
               {"INTERFACE": "enx00e04c680001", "ID_BUS": "usb"})
        tb.add("net", "virtual/net/veth0", None, {"address": "02:11:22:33:44:55\n", "addr_assign_type": "0\n"},
               {"INTERFACE": "veth0"})
        tb.add("block", "virtual/block/loop0", None, {"size": "204800\n", "removable": "0\n"},
               {"DEVTYPE": "disk", "DEVNAME": "/dev/loop0"})

        self.assertEqual(self.inventory(), {
            "system": THINKPAD,
            "memoryBytes": 16710123520,
            "cpuModel": "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz",
            "tpm": True,
            "disks": [NVME, SATA],
            "networkCards": [WIRED, WIRELESS],
            "usbControllers": [XHCI],
            "os": this_machine_os(),
        })

    def test_placeholder_empty_and_garbage_dmi_strings_are_unknown(self):
        hw.add_dmi(self.tb, vendor="To be filled by O.E.M.", product="", serial=b"\xff\xff\xff\xff\xff\xff",
                   board_serial=b"L1\x80HF\xfe\x01", bios_version="  1.0.3  ")
        os.makedirs(self.tb.root + "/sys/class/tpm")   # the kernel knows TPMs and found none

        inventory = self.inventory()
        self.assertEqual(inventory["system"], {"biosVersion": "1.0.3"})
        self.assertIs(inventory["tpm"], False)
        # No /proc files in this testbed: the machine's own.
        with open("/proc/meminfo", encoding="utf-8") as handle:
            total = next(line for line in handle if line.startswith("MemTotal:"))
        self.assertEqual(inventory["memoryBytes"], int(total.split()[1]) * 1024)

    def test_missing_and_unparsable_attributes_are_unknown(self):
        tb = self.tb
        hw.add_sata_disk(tb, serial=None, model=None, wwn=None, sectors=None)
        nvme = hw.add_nvme_disk(tb, serial=None, model=None, wwid=None)
        tb.set_attr(nvme, "size", "lots\n")
        hw.add_pci_nic(tb, mac=None, driver=None)
        # An address someone set (addr_assign_type 3) is not the card's: unknown when the driver
        # cannot tell the permanent one (no such interface in the test's namespace).
        hw.add_pci_nic(tb, name="enp2s0", mac="02:00:00:00:00:01", addr_assign_type=3, driver="r8169",
                       slot="0000:02:00.0")
        hw.add_usb_controller(tb, vendor="zz", device="12345", driver=None)
        odd = hw.add_pci_controller(tb, slot="0000:00:1c.0", pci_class=0x060400, driver="pcieport")
        tb.set_attr(odd, "class", "bridge\n")

        inventory = self.inventory()
        self.assertEqual(inventory["disks"], [
            {"name": "nvme0n1", "bus": "nvme", "slot": NVME_SLOT},
            {"name": "sda", "bus": "sata", "slot": SATA_SLOT},
        ])
        self.assertEqual(inventory["networkCards"], [
            {"name": "enp0s31f6", "bus": "pci", "wireless": False, "slot": f"{PCI}/0000:00:1f.6"},
            {"name": "enp2s0", "driver": "r8169", "bus": "pci", "wireless": False, "slot": f"{PCI}/0000:02:00.0"},
        ])
        self.assertEqual(inventory["usbControllers"], [{"slot": "0000:00:14.0"}])
        self.assertEqual(inventory["system"], {})
        self.assertNotIn("tpm", inventory)   # no TPM class at all: cannot tell

    def test_odd_bytes_in_a_disk_serial_are_escaped(self):
        hw.add_nvme_disk(self.tb, serial=b"S4EW\x01NX\xff0R\\")
        disk = self.inventory()["disks"][0]
        self.assertEqual(disk["serial"], "S4EW\\x01NX\\xFF0R\\\\")
        self.assertEqual(disk["model"], "Samsung SSD 970 EVO Plus 1TB")

    def test_unplugged_and_swapped_hardware(self):
        tb = self.tb
        dmi = hw.add_dmi(tb)
        sda = hw.add_sata_disk(tb)
        nvme = hw.add_nvme_disk(tb)
        nic = hw.add_pci_nic(tb)
        xhci = hw.add_usb_controller(tb)
        before = self.inventory()
        self.assertEqual((before["disks"], before["networkCards"], before["usbControllers"], before["system"]),
                         ([NVME, SATA], [WIRED], [XHCI], THINKPAD))

        for path in (nvme, nic, xhci, dmi, sda):
            hw.remove(tb, path)
        hw.add_sata_disk(tb, serial="WD-WX12A3456789", model="WDC WD10EZEX-08WN4A0", wwn=None, sectors=1953525168)
        after = self.inventory()
        self.assertEqual(after["disks"], [{"name": "sda", "model": "WDC_WD10EZEX-08WN4A0", "serial": "WD-WX12A3456789",
                                           "sizeBytes": 1000204886016, "bus": "sata", "slot": SATA_SLOT}])
        self.assertEqual((after["networkCards"], after["usbControllers"], after["system"]), ([], [], {}))

    def test_command_line(self):
        result = self.mediad("--inventory", "--verbose")
        self.assertEqual(result.returncode, 64, result.stderr)
        self.assertIn("unknown option '--verbose' for --inventory", result.stderr)
        self.assertEqual(result.stdout, "")
        result = self.mediad("--inventory", "--help")
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        self.assertIn("usage: mediad --inventory", result.stdout)
        result = self.mediad("--help")
        self.assertIn("--inventory", result.stdout)


if __name__ == "__main__":
    unittest.main()
