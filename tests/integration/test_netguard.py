"""The real mediad guarding network links inside a namespace of its own: 违规外联 and 一机两用 are
recorded as violations in the ledger, and in enforce mode the link is set down (observed with `ip`)
and a USB device behind it deauthorized. Nothing is ever sent: IPv6 off, documentation addresses."""

import os
import re
import statistics
import subprocess
import unittest

from guardbed import MEDIACTL, MEDIAD
from harness import Daemon, Testbed, wait_until
from netns import Namespace, clean_env

TAP = "wlx001122334455"


class NetGuardCase(unittest.TestCase):
    network = "standalone"
    extra_host = ()

    def setUp(self):
        self.tb = Testbed()
        self.addCleanup(self.tb.cleanup)
        self.db = os.path.join(self.tb.root, "ledger.db")
        self.socket = os.path.join(self.tb.root, "mediad.sock")
        self.ctl("person", "add", "--id", "P001", "--name", "张三", "--clearance", "core")
        self.ctl("host", "set", "--asset-no", "PC-001", "--level", "secret", "--network", self.network,
                 "--holder", "P001", *self.extra_host)
        self.ns = Namespace("g")
        self.addCleanup(self.ns.delete)
        self.peer = Namespace("p")
        self.addCleanup(self.peer.delete)
        self.daemon = None

    def ctl(self, *args):
        result = subprocess.run([MEDIACTL, "--db", self.db, "--lang", "en", *args], capture_output=True, text=True,
                                env=clean_env())
        self.assertEqual(result.returncode, 0, f"mediactl {' '.join(args)}: {result.stderr}")
        return result.stdout

    def start(self, *extra, testbed=False):
        argv = ["ip", "netns", "exec", self.ns.name]
        if testbed:
            argv += ["env", f"LD_PRELOAD={os.environ.get('LD_PRELOAD', '')}", f"UMOCKDEV_DIR={self.tb.root}"]
        argv += [MEDIAD, "--db", self.db, "--socket", self.socket, *extra]
        self.daemon = Daemon(argv, clean_env())
        self.tb.daemons.append(self.daemon)
        wait_until(lambda: any("guarding" in l for l in self.daemon.stderr) or self.daemon.proc.poll() is not None,
                   timeout=20, message=lambda: f"mediad to start; {self.daemon.describe()}")
        self.assertIsNone(self.daemon.proc.poll(), self.daemon.describe())

    def link_violations(self):
        import sqlite3
        connection = sqlite3.connect(self.db, timeout=10)
        try:
            return connection.execute("SELECT type, severity, outcome FROM violation WHERE type IN "
                                      "('unauthorized-link', 'dual-homed', 'wireless-device') ORDER BY id").fetchall()
        finally:
            connection.close()

    def wait_violations(self, count):
        return wait_until(lambda: len(self.link_violations()) >= count and self.link_violations(),
                          message=lambda: f"{count} link violations, have {self.link_violations()}; {self.daemon.describe()}")

    def veth(self, name, peer_name):
        self.ns.ip("link", "add", name, "type", "veth", "peer", "name", peer_name, "netns", self.peer.name)


class Tethering(NetGuardCase):
    def test_phone_tethering_step_by_step_in_audit_mode(self):
        self.start("--mode", "audit")
        self.veth("usb0", "rndis0")                                           # plugged
        self.assertEqual(self.wait_violations(1), [("unauthorized-link", "low", "audited")])
        self.ns.ip("link", "set", "usb0", "up")
        self.peer.ip("link", "set", "rndis0", "up")                           # carrier
        self.assertEqual(self.wait_violations(2)[1], ("unauthorized-link", "medium", "audited"))
        self.ns.ip("addr", "add", "192.0.2.2/24", "dev", "usb0")              # address
        self.assertEqual(self.wait_violations(3)[2], ("unauthorized-link", "high", "audited"))
        self.ns.ip("route", "add", "default", "via", "192.0.2.1", "dev", "usb0")  # default route
        self.assertEqual(self.wait_violations(4)[3], ("unauthorized-link", "critical", "audited"))
        self.assertTrue(self.ns.is_up("usb0"), "audit mode cuts nothing")
        listed = subprocess.run([MEDIACTL, "--socket", self.socket, "--lang", "en", "links"], capture_output=True,
                                text=True, env=clean_env()).stdout
        self.assertRegex(listed, r"usb0\s+\S+.*up, carrier, default route.*cut \(audit\).*unauthorized-link\(critical\)")
        self.ns.ip("link", "del", "usb0")                                     # unplugged
        wait_until(lambda: "link-gone" in self.ctl("events"), message="the link-gone event")
        self.assertEqual(len(self.link_violations()), 4, self.ctl("events"))
        self.assertIn("unauthorized external link", self.ctl("violations", "list"))

    def test_phone_tethering_is_cut_in_enforce_mode(self):
        self.start()
        self.veth("usb0", "rndis0")
        self.peer.ip("link", "set", "rndis0", "up")
        self.ns.ip("link", "set", "usb0", "up")
        self.ns.wait_down("usb0")
        self.assertEqual(self.wait_violations(1)[0][2], "blocked")
        self.assertIn("cut: set usb0 down", self.ctl("events"))
        # Brought up again: down again.
        self.ns.ip("link", "set", "usb0", "up")
        self.ns.wait_down("usb0")

    def test_a_link_is_cut_while_the_ledger_refuses_and_its_record_arrives_after(self):
        self.start()
        import sqlite3
        connection = sqlite3.connect(self.db, timeout=10)
        connection.execute("CREATE TRIGGER refuse BEFORE INSERT ON device_event BEGIN SELECT RAISE(ABORT, 'refused'); END")
        connection.commit()
        self.veth("usb0", "rndis0")
        self.peer.ip("link", "set", "rndis0", "up")
        self.ns.ip("link", "set", "usb0", "up")
        self.ns.wait_down("usb0")   # not recorded is no reason to leave it up
        wait_until(lambda: any("cannot record a link verdict" in l for l in self.daemon.stderr),
                   message=lambda: f"the refused record said; {self.daemon.describe()}")
        self.assertEqual(self.link_violations(), [])
        connection.execute("DROP TRIGGER refuse")
        connection.commit()
        connection.close()
        # The spooled verdict reaches the ledger with the outage.
        self.assertEqual(self.wait_violations(1)[0], ("unauthorized-link", "low", "blocked"))
        self.assertIn("ledger could not store records", self.ctl("violations", "list", "--format", "csv"))

    def test_a_link_present_at_start_is_judged(self):
        self.veth("eth9", "peer9")
        self.ns.ip("link", "set", "eth9", "up")
        self.start()
        self.ns.wait_down("eth9")
        self.assertEqual(self.wait_violations(1)[0][0], "unauthorized-link")


class WifiDongle(NetGuardCase):
    def test_wifi_dongle_with_usb_identity_is_cut_and_deauthorized(self):
        device = self.tb.add_usb_device(port="1-3", vendor="0bda", product="8179", serial="00E04C0001",
                                        interfaces=((0xFF, 0xFF, 0xFF),), manufacturer="Realtek",
                                        product_name="802.11n NIC", extra_attributes={"authorized": "1\n"})
        self.tb.add("net", "net/" + TAP, device.interfaces[0], {"address": "00:11:22:33:44:55\n", "type": "1\n"},
                    {"DEVTYPE": "wlan", "INTERFACE": TAP, "ID_BUS": "usb"})
        self.start(testbed=True)
        self.ns.ip("tuntap", "add", "dev", TAP, "mode", "tap")
        self.ns.ip("link", "set", TAP, "up")
        self.ns.wait_down(TAP)
        wait_until(lambda: self.tb.read_attr(device.syspath, "authorized") == "0", message="the dongle deauthorized")
        types = {row[0] for row in self.wait_violations(1)}
        self.assertIn("wireless-device", types)
        events = self.ctl("events")
        self.assertIn(TAP, events)
        self.assertIn("0bda:8179", events)


class ClassifiedLAN(NetGuardCase):
    network = "classified-lan"
    extra_host = ("--allow-if", "eth0", "--lan-prefix", "192.0.2.0/25")

    def bring_up(self, name, address, gateway=None):
        self.veth(name, "sw" + name)
        self.peer.ip("link", "set", "sw" + name, "up")
        self.ns.ip("link", "set", name, "up")
        self.ns.ip("addr", "add", address, "dev", name)
        if gateway:
            self.ns.ip("route", "add", "default", "via", gateway, "dev", name)

    def test_allowlisted_nic_is_left_alone(self):
        self.start()
        self.bring_up("eth0", "192.0.2.10/25", "192.0.2.1")
        # A second link, plugged after, is judged; by then eth0's whole story has been seen.
        self.veth("probe0", "swprobe0")
        self.wait_violations(1)
        self.assertTrue(self.ns.is_up("eth0"))
        self.assertEqual([v for v in self.link_violations()], [("unauthorized-link", "low", "blocked")])

    def test_a_second_network_is_dual_homed_and_cut(self):
        self.start()
        self.bring_up("eth0", "192.0.2.10/25", "192.0.2.1")
        self.bring_up("eth1", "192.0.2.200/25")
        self.ns.wait_down("eth1")
        # eth1 is judged as its story arrives (appeared, then its address): wait for the verdict on
        # the address, not only the first one.
        wait_until(lambda: "dual-homed" in {row[0] for row in self.link_violations()},
                   message=lambda: f"a dual-homed violation, have {self.link_violations()}; {self.daemon.describe()}")
        self.assertTrue(self.ns.is_up("eth0"), "the LAN link stays up")


class CutLatency(NetGuardCase):
    def test_measure_notification_to_link_down(self):
        """Not an assertion on time: the figures go to $MEDIAD_CUT_LATENCY for BENCHMARKS.md."""
        self.start()
        for run in range(9):
            name = f"usb{run}"
            self.veth(name, f"rndis{run}")
            self.peer.ip("link", "set", f"rndis{run}", "up")
            self.ns.ip("link", "set", name, "up")
            self.ns.wait_down(name)
        wait_until(lambda: len([l for l in self.daemon.stderr if "CUT_LATENCY_US" in l]) >= 9,
                   message=lambda: f"nine cut latencies; {self.daemon.describe()}")
        values = [int(m.group(1)) for l in self.daemon.stderr for m in [re.search(r"CUT_LATENCY_US=(\d+)", l)] if m]
        with open(os.environ.get("MEDIAD_CUT_LATENCY", "/dev/null"), "a") as out:
            out.write(" ".join(map(str, values)) + f" median {statistics.median(values)}\n")
