"""`mediad --observe` against fake USB hardware: the udev/sysfs plumbing end to end.

Run with run.sh (network namespace + umockdev-wrapper). MEDIAD_BIN names the binary
(default .build/debug/mediad, relative to the repository root).
"""

import os
import unittest

from harness import Testbed, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build/debug/mediad"))

SECTORS = 30031872


def observations(daemon):
    """Start-up lines: bare observations (no "event" key)."""
    return [o for o in daemon.json if "event" not in o]


def observed(daemon, port):
    """The newest observation of `port`, from start-up or from an event line."""
    found = None
    for line in daemon.json:
        obs = line.get("observation") if "event" in line else line
        if obs and obs.get("port") == port:
            found = obs
    return found


class ObserveTest(unittest.TestCase):
    def setUp(self):
        self.tb = Testbed()
        self.addCleanup(self.tb.cleanup)

    def observe(self, *extra):
        daemon = self.tb.start([MEDIAD, "--observe", *extra])
        daemon.ready()
        return daemon

    def test_stick_present_at_start(self):
        stick = self.tb.add_stick(port="1-1", serial="4C530001230101104353", sectors=SECTORS,
                                  fs_uuid="1234-ABCD")
        daemon = self.observe()

        obs = observed(daemon, "1-1")
        self.assertIsNotNone(obs, daemon.describe())
        self.assertEqual(obs["syspath"], stick.syspath)
        self.assertEqual((obs["vendorID"], obs["productID"]), ("0781", "5567"))
        self.assertEqual(obs["serial"], "4C530001230101104353")
        self.assertEqual((obs["manufacturer"], obs["product"]), ("SanDisk", "Cruzer Blade"))
        self.assertEqual(obs["connectType"], "hotplug")
        self.assertEqual(obs["deviceClass"], 0)
        self.assertEqual([(i["number"], i["interfaceClass"], i["subclass"], i["protocolCode"])
                          for i in obs["interfaces"]], [(0, 8, 6, 0x50)])
        self.assertEqual(len(obs["blocks"]), 1)
        block = obs["blocks"][0]
        self.assertEqual(block["capacityBytes"], SECTORS * 512)
        self.assertEqual(block["filesystemUUID"], "1234-ABCD")
        self.assertEqual(block["filesystemType"], "vfat")
        self.assertEqual(block["devnode"], "/dev/sdb")
        self.assertTrue(block["removable"])
        # Parents first: the root hub is printed before the stick.
        ports = [o["port"] for o in observations(daemon)]
        self.assertEqual(ports, ["usb1", "1-1"])
        self.assertEqual(daemon.ready()["devices"], 2)

    def test_hotplugged_stick_is_reported_and_removed(self):
        self.tb.add_root_hub()
        daemon = self.observe()
        stick = self.tb.add_stick(port="1-2", serial="HOTPLUG0001", sectors=2048, fs_uuid="AAAA-0001")

        line = daemon.wait_json(
            lambda o: o["event"] == "add" and o["syspath"] == stick.block
            and o["observation"]["blocks"][0]["capacityBytes"] == 2048 * 512,
            what="the add of the stick's disk with its capacity")
        self.assertEqual(line["device"], stick.syspath)
        obs = line["observation"]
        self.assertEqual(obs["serial"], "HOTPLUG0001")
        self.assertEqual(obs["blocks"][0]["filesystemUUID"], "AAAA-0001")
        # The device's own add came first, and the interface's add maps to the same device.
        adds = [o["syspath"] for o in daemon.json if o.get("event") == "add"]
        self.assertLess(adds.index(stick.syspath), adds.index(stick.block))
        daemon.wait_json(lambda o: o["event"] == "add" and o["syspath"] == stick.interfaces[0]
                         and o["device"] == stick.syspath, what="the interface's add")

        self.tb.remove(stick.syspath)
        removed = daemon.wait_json(lambda o: o["event"] == "remove" and o["syspath"] == stick.syspath,
                                   what="the stick's remove")
        self.assertEqual(removed["device"], stick.syspath)
        self.assertNotIn("observation", removed)
        daemon.wait_json(lambda o: o["event"] == "remove" and o["syspath"] == stick.block
                         and o["device"] == stick.syspath, what="the disk's remove")

    def test_serial_with_odd_bytes_is_escaped(self):
        self.tb.add_stick(port="1-1", serial=b"AB\x01\xffCD")
        daemon = self.observe()
        self.assertEqual(observed(daemon, "1-1")["serial"], "AB\\x01\\xFFCD")

        # The same when hot-plugged: the daemon re-reads on the change that follows the write.
        stick = self.tb.add_stick(port="1-2", serial=b"\xe2\x82\xac\x1b[2J\\\n")
        daemon.wait_json(lambda o: o["event"] == "change" and o["syspath"] == stick.syspath
                         and o["observation"]["serial"] == "\u20ac\\x1B[2J\\\\\\x0A",
                         what="the escaped serial (valid UTF-8 kept, control bytes and backslash escaped)")
        self.assertIsNone(daemon.proc.poll(), daemon.describe())

    def test_device_without_serial_has_null_serial(self):
        self.tb.add_device_without_serial(port="1-2")
        daemon = self.observe()
        obs = observed(daemon, "1-2")
        self.assertIsNotNone(obs, daemon.describe())
        self.assertIsNone(obs.get("serial"))
        self.assertEqual(obs["vendorID"], "1234")

    def test_composite_device_lists_both_interfaces(self):
        dev = self.tb.add_composite_keyboard_storage(port="1-3")
        daemon = self.observe()
        obs = observed(daemon, "1-3")
        self.assertEqual([(i["number"], i["interfaceClass"], i["subclass"], i["protocolCode"], i["syspath"])
                          for i in obs["interfaces"]],
                         [(0, 3, 1, 1, dev.interfaces[0]), (1, 8, 6, 0x50, dev.interfaces[1])])
        self.assertEqual(len(obs["blocks"]), 1)

    def test_phone_in_mtp_mode(self):
        self.tb.add_phone_mtp(port="1-4")
        daemon = self.observe()
        obs = observed(daemon, "1-4")
        self.assertEqual([(i["interfaceClass"], i["subclass"], i["protocolCode"]) for i in obs["interfaces"]],
                         [(6, 1, 1)])
        self.assertEqual(obs["blocks"], [])

    def test_device_behind_a_hub_owns_its_own_disk(self):
        hub = self.tb.add_usb_device(port="1-1", vendor="05e3", product="0608", serial=None,
                                     interfaces=((0x09, 0x00, 0x00),), device_class="09",
                                     manufacturer="GenesysLogic", product_name="USB2.0 Hub")
        stick = self.tb.add_stick(port="1-1.4", serial="BEHINDHUB")
        daemon = self.observe()
        self.assertEqual([o["port"] for o in observations(daemon)], ["usb1", "1-1", "1-1.4"])
        self.assertEqual(observed(daemon, "1-1")["blocks"], [])
        self.assertEqual([i["interfaceClass"] for i in observed(daemon, "1-1")["interfaces"]], [9])
        self.assertEqual(observed(daemon, "1-1.4")["blocks"][0]["syspath"], stick.block)
        self.assertEqual(observed(daemon, "1-1.4")["syspath"], hub.syspath + "/1-1.4")

    def test_missing_and_malformed_attributes_do_not_crash(self):
        dev = self.tb.add_usb_device(port="1-5", vendor="zzzz", product="5567", serial="X",
                                     manufacturer=None, product_name=None, connect_type=None)
        for name in ("bInterfaceClass", "bInterfaceNumber"):
            os.unlink(self.tb.root + dev.interfaces[0] + "/" + name)
        # Without descriptors the interface device is all there is to read (with them, the
        # declared class would win: see test_declared_interfaces_win).
        os.unlink(self.tb.root + dev.syspath + "/descriptors")
        self.tb.set_attr(dev.syspath, "bDeviceClass", "not hex\n")
        daemon = self.observe()
        obs = observed(daemon, "1-5")
        self.assertIsNotNone(obs, daemon.describe())
        self.assertEqual(obs["vendorID"], "")
        self.assertEqual(obs["productID"], "5567")
        self.assertEqual(obs["deviceClass"], 255)
        self.assertIsNone(obs.get("manufacturer"))
        self.assertIsNone(obs.get("connectType"))
        # An unreadable interface is kept, as the least trusted class, numbered from its name.
        self.assertEqual([(i["number"], i["interfaceClass"]) for i in obs["interfaces"]], [(0, 255)])

    def test_declared_interfaces_win(self):
        dev = self.tb.add_usb_device(port="1-6", serial="DECLARED0001")
        os.unlink(self.tb.root + dev.interfaces[0] + "/bInterfaceClass")
        daemon = self.observe()
        obs = observed(daemon, "1-6")
        self.assertIsNotNone(obs, daemon.describe())
        self.assertEqual([(i["number"], i["interfaceClass"], i["syspath"]) for i in obs["interfaces"]],
                         [(0, 8, dev.interfaces[0])])

    def test_authorize_all_zero_writes_sysfs(self):
        stick = self.tb.add_stick(port="1-1")
        combo = self.tb.add_composite_keyboard_storage(port="1-3")
        hub = self.tb.devices["usb1"].syspath
        daemon = self.observe("--authorize-all", "0")

        self.assertEqual(self.tb.read_attr(stick.syspath, "authorized"), "0")
        self.assertEqual(self.tb.read_attr(combo.syspath, "authorized"), "0")
        self.assertEqual(self.tb.read_attr(hub, "authorized_default"), "0")
        self.assertEqual(self.tb.read_attr(hub, "authorized"), "1", "a root hub itself stays authorized")

        late = self.tb.add_stick(port="1-2", serial="LATE")
        wait_until(lambda: self.tb.read_attr(late.syspath, "authorized") == "0",
                   message=lambda: f"authorized=0 on the hot-plugged stick; {daemon.describe()}")

    def test_sigterm_ends_the_process(self):
        self.tb.add_root_hub()
        daemon = self.observe()
        self.assertEqual(daemon.stop(), 0, daemon.describe())


if __name__ == "__main__":
    unittest.main()
