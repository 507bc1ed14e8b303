"""`mediad --observe-links` in a network namespace: rtnetlink, identities and the link policy end
to end, with real links (veth, tap) and, for USB identity, umockdev.

Run with run.sh (a private network namespace, umockdev-wrapper). MEDIAD_BIN names the binary.
No traffic is sent: links live in test namespaces, with documentation addresses only.
"""

import os
import signal
import statistics
import unittest

from harness import Testbed, wait_until
from netns import LinkObserver, Namespace, violation_types

TAP = "wlx001122334455"


class LinkCase(unittest.TestCase):
    """Each test: a namespace T where the daemon runs and a namespace P for the far ends of veths
    (the phone, the switch)."""

    ipv6 = False

    def setUp(self):
        self.ns = Namespace("t", ipv6=self.ipv6)
        self.addCleanup(self.ns.delete)
        self.peer = Namespace("p")
        self.addCleanup(self.peer.delete)
        self.observers = []

    def tearDown(self):
        for observer in self.observers:
            observer.stop()

    def observe(self, *args, testbed=None):
        observer = LinkObserver(self.ns, list(args), testbed=testbed)
        self.observers.append(observer)
        observer.ready()
        return observer

    def veth(self, name, peer_name, address=None):
        args = ["link", "add", name]
        if address:
            args += ["address", address]
        self.ns.ip(*args, "type", "veth", "peer", "name", peer_name, "netns", self.peer.name)


class Tethering(LinkCase):
    def test_phone_tethering_step_by_step(self):
        watch = self.observe("--network", "standalone")
        lo = watch.present("lo")
        self.assertEqual((lo["link"]["kind"], lo["verdict"]["decision"]), ("loopback", "allow"))

        def step(what, predicate, severity, evidence):
            line = watch.next_link("usb0", predicate, what)
            self.assertEqual(line["severity"], severity, what)
            self.assertEqual(line["verdict"]["evidence"], evidence, what)
            self.assertEqual(line["verdict"]["decision"], "cut", what)
            self.assertTrue(line["verdict"]["audited"], "without --cut the verdict is recorded only")
            self.assertEqual(violation_types(line)["unauthorized-link"], severity, what)
            return line

        self.veth("usb0", "rndis0")
        plugged = step("plugged", lambda l, v: not l["up"], "low", "appeared")
        self.assertEqual(plugged["link"]["kind"], "virtual", "a veth: no driver makes it a phone")
        self.ns.ip("link", "set", "usb0", "up")
        step("set up", lambda l, v: l["up"] and not l["carrier"], "low", "appeared")
        self.peer.ip("link", "set", "rndis0", "up")
        step("carrier", lambda l, v: l["carrier"], "medium", "carrier")
        self.ns.ip("addr", "add", "192.0.2.2/24", "dev", "usb0")
        line = step("address", lambda l, v: l["addresses"], "high", "address")
        self.assertEqual(line["link"]["addresses"], [{"family": "ipv4", "address": "192.0.2.2", "prefixLength": 24}])
        self.ns.ip("route", "add", "default", "via", "192.0.2.1", "dev", "usb0")
        line = step("default route", lambda l, v: any(r["prefixLength"] == 0 for r in l["routes"]), "critical", "default-route")
        self.assertIn({"family": "ipv4", "destination": "0.0.0.0", "prefixLength": 0, "gateway": "192.0.2.1",
                       "byKernel": False}, line["link"]["routes"])
        self.assertTrue(self.ns.is_up("usb0"), "audit mode leaves the link alone")
        self.peer.ip("link", "set", "rndis0", "down")
        # Cable pulled: no carrier, but the address and the default route are still configured.
        step("peer down", lambda l, v: not l["carrier"], "critical", "default-route")
        self.ns.ip("link", "del", "usb0")
        deleted = watch.next_event("deleted", "usb0")
        self.assertIsInstance(deleted["ifindex"], int)

    def test_routes_flushed_silently_are_noticed(self):
        # The kernel removes IPv4 routes through a link that goes down, and routes that needed a
        # deleted address, without any RTM_DELROUTE.
        watch = self.observe("--network", "standalone")
        self.veth("usb0", "rndis0")
        self.ns.ip("link", "set", "usb0", "up")
        self.ns.ip("addr", "add", "192.0.2.2/24", "dev", "usb0")
        self.ns.ip("route", "add", "default", "via", "192.0.2.1", "dev", "usb0")
        watch.next_link("usb0", lambda l, v: v["evidence"] == "default-route")
        self.ns.ip("link", "set", "usb0", "down")
        line = watch.next_link("usb0", lambda l, v: not l["up"] and v["evidence"] != "default-route",
                               "the default route gone with the link down")
        self.assertEqual(line["link"]["routes"], [])
        self.assertEqual(line["verdict"]["evidence"], "address", "IPv4 addresses stay on a down link")
        self.ns.ip("link", "set", "usb0", "up")
        self.ns.ip("route", "add", "default", "via", "192.0.2.1", "dev", "usb0")
        watch.next_link("usb0", lambda l, v: v["evidence"] == "default-route")
        self.ns.ip("addr", "del", "192.0.2.2/24", "dev", "usb0")
        line = watch.next_link("usb0", lambda l, v: not l["addresses"] and not l["routes"], "address and routes gone")
        self.assertEqual(line["severity"], "low")

    def test_cut_sets_the_link_down(self):
        watch = self.observe("--network", "standalone", "--cut")
        self.veth("usb0", "rndis0")
        self.peer.ip("link", "set", "rndis0", "up")
        line = watch.next_link("usb0")
        self.assertFalse(line["verdict"]["audited"])
        self.ns.ip("link", "set", "usb0", "up")
        cut = watch.next_event("cut", "usb0")
        self.assertTrue(cut["setDown"])
        self.assertGreater(cut["latencyMicros"], 0)
        self.ns.wait_down("usb0")
        self.assertTrue(self.peer.link("rndis0") is not None)

    def test_link_present_at_start_is_judged_and_cut(self):
        self.veth("usb0", "rndis0")
        self.peer.ip("link", "set", "rndis0", "up")
        self.ns.ip("link", "set", "usb0", "up")
        self.ns.ip("addr", "add", "192.0.2.2/24", "dev", "usb0")
        self.ns.ip("route", "add", "default", "via", "192.0.2.1", "dev", "usb0")
        watch = self.observe("--network", "standalone", "--cut")
        line = watch.present("usb0")
        self.assertIsNotNone(line, watch.daemon.describe())
        self.assertEqual(line["severity"], "critical")
        self.assertEqual(line["verdict"]["evidence"], "default-route")
        self.ns.wait_down("usb0")
        watch.next_event("cut", "usb0")
        self.assertEqual(watch.daemon.proc.poll(), None, watch.daemon.describe())

    def test_cut_latency(self):
        """Kernel notification (the netlink message read off the socket) to the kernel's ack of the
        link-down request, over several runs. Printed, not asserted."""
        watch = self.observe("--network", "standalone", "--cut")
        self.veth("usb0", "rndis0")
        self.peer.ip("link", "set", "rndis0", "up")
        watch.next_link("usb0")
        latencies = []
        for _ in range(9):
            self.ns.ip("link", "set", "usb0", "up")
            cut = watch.next_event("cut", "usb0")
            self.ns.wait_down("usb0")
            latencies.append(cut["latencyMicros"])
        print(f"\n    cut latency, netlink notification to the kernel's ack of link down (µs): "
              f"median {statistics.median(latencies):.0f} over {len(latencies)} runs, all {sorted(latencies)}", flush=True)


class Radios(LinkCase):
    def test_tap_named_like_a_wifi_dongle_is_wireless(self):
        watch = self.observe("--network", "classified-lan", "--allow-if", TAP, "--lan-prefix", "192.0.2.0/24")
        self.ns.ip("tuntap", "add", "dev", TAP, "mode", "tap")
        line = watch.next_link(TAP)
        self.assertEqual(line["link"]["kind"], "wireless")
        self.assertEqual(violation_types(line), {"wireless-device": "high"},
                         "allowed as a LAN interface, but a radio is never allowed on a classified computer")

    def test_wifi_dongle_with_usb_identity_is_cut_and_deauthorized(self):
        # The kernel's order: the USB device and its net device are in sysfs before rtnetlink
        # announces the link. The fake sysfs gives the identity; the real tap gives the link.
        testbed = Testbed()
        self.addCleanup(testbed.cleanup)
        dongle = self.add_wifi_dongle(testbed)
        watch = self.observe("--network", "standalone", "--cut", testbed=testbed)
        self.ns.ip("tuntap", "add", "dev", TAP, "mode", "tap")
        line = watch.next_link(TAP, lambda l, v: "usb" in l)
        usb = line["link"]["usb"]
        self.assertEqual((usb["vendorID"], usb["productID"], usb["serial"]), ("0bda", "8179", "00E04C0001"))
        self.assertEqual(usb["syspath"], dongle.syspath)
        self.assertEqual(line["link"]["kind"], "wireless")
        self.assertEqual(violation_types(line), {"wireless-device": "high", "unauthorized-link": "low"})
        self.assertIn("0bda:8179", line["verdict"]["violations"][0]["reason"]["en"])
        cut = watch.next_event("cut", TAP)
        self.assertEqual(cut["usbDeauthorized"], dongle.syspath)
        wait_until(lambda: testbed.read_attr(dongle.syspath, "authorized") == "0",
                   message="the dongle's authorized file to read 0")
        # Someone brings it up anyway: it goes down again.
        self.ns.ip("link", "set", TAP, "up")
        watch.next_event("cut", TAP, "the second cut")
        self.ns.wait_down(TAP)
        # What the kernel would do after the deauthorization: the net device goes away.
        testbed.uevent(dongle.net, "remove")
        self.ns.ip("link", "del", TAP)
        watch.next_event("deleted", TAP)

    def test_identity_arriving_after_the_link_is_applied(self):
        # udev (here umockdev) reporting the net device after rtnetlink did: the identity is read
        # again and the link re-judged.
        testbed = Testbed()
        self.addCleanup(testbed.cleanup)
        testbed.add_root_hub(1)
        watch = self.observe("--network", "internet", "--classified", "yes", testbed=testbed)
        self.ns.ip("tuntap", "add", "dev", TAP, "mode", "tap")
        first = watch.next_link(TAP)
        self.assertNotIn("usb", first["link"])
        dongle = self.add_wifi_dongle(testbed)
        line = watch.next_link(TAP, lambda l, v: "usb" in l, "the re-judged link with its USB identity")
        self.assertEqual(line["link"]["usb"]["syspath"], dongle.syspath)
        self.assertEqual(violation_types(line), {"wireless-device": "high"})

    @staticmethod
    def add_wifi_dongle(testbed):
        """A Realtek USB Wi-Fi adapter like shared/fixtures/usb-wifi-dongle.umockdev, whose
        net device is named TAP."""
        device = testbed.add_usb_device(port="1-3", vendor="0bda", product="8179", serial="00E04C0001",
                                        interfaces=((0xFF, 0xFF, 0xFF),), manufacturer="Realtek",
                                        product_name="802.11n NIC")
        device.net = testbed.add("net", "net/" + TAP, device.interfaces[0], {
            "address": "00:11:22:33:44:55\n", "type": "1\n", "carrier": "0\n", "operstate": "down\n",
        }, {"DEVTYPE": "wlan", "INTERFACE": TAP, "ID_BUS": "usb", "ID_VENDOR_ID": "0bda", "ID_MODEL_ID": "8179"})
        return device


class ClassifiedLAN(LinkCase):
    # The LAN is 192.0.2.0/25; "another network" is 192.0.2.128/25. Both documentation space.
    LAN = ["--network", "classified-lan", "--lan-prefix", "192.0.2.0/25"]

    def bring_up_lan(self, name="eth0"):
        self.peer.ip("link", "set", "sw" + name, "up")
        self.ns.ip("link", "set", name, "up")
        self.ns.ip("addr", "add", "192.0.2.10/25", "dev", name)
        self.ns.ip("route", "add", "default", "via", "192.0.2.1", "dev", name)

    def test_allowlisted_nic_is_allowed_at_every_step(self):
        watch = self.observe(*self.LAN, "--allow-if", "eth0", "--cut")
        self.veth("eth0", "sweth0")
        self.bring_up_lan()
        line = watch.next_link("eth0", lambda l, v: v["evidence"] == "default-route")
        self.assertEqual(line["verdict"]["decision"], "allow")
        self.assertEqual(line["verdict"]["violations"], [])
        self.assertNotIn(False, [o["verdict"]["decision"] == "allow" for o in watch.lines()
                                 if o.get("link", {}).get("name") == "eth0"])
        self.assertTrue(self.ns.is_up("eth0"))
        self.assertFalse([o for o in watch.lines() if o.get("event") == "cut"])

    def test_allowlisted_by_mac(self):
        watch = self.observe(*self.LAN, "--allow-if", "02:00:00:00:0A:01")
        self.veth("lan7", "swlan7", address="02:00:00:00:0a:01")
        self.veth("lan8", "swlan8", address="02:00:00:00:0a:02")
        self.assertEqual(watch.next_link("lan7")["verdict"]["decision"], "allow")
        self.assertEqual(violation_types(watch.next_link("lan8")), {"unauthorized-link": "low"})

    def test_address_outside_the_lan_on_the_lan_card(self):
        watch = self.observe(*self.LAN, "--allow-if", "eth0")
        self.veth("eth0", "sweth0")
        self.ns.ip("addr", "add", "192.0.2.200/25", "dev", "eth0")
        line = watch.next_link("eth0", lambda l, v: l["addresses"])
        self.assertEqual(violation_types(line), {"unauthorized-link": "high"})

    def test_second_network_is_dual_homed_and_only_it_is_cut(self):
        watch = self.observe(*self.LAN, "--allow-if", "eth0", "--cut")
        self.veth("eth0", "sweth0")
        self.bring_up_lan()
        watch.next_link("eth0", lambda l, v: v["evidence"] == "default-route" and v["decision"] == "allow")
        self.veth("usb0", "rndis0")
        self.ns.ip("addr", "add", "192.0.2.130/25", "dev", "usb0")
        line = watch.next_link("usb0", lambda l, v: "dual-homed" in {x["type"] for x in v["violations"]},
                               "usb0 judged dual-homed")
        self.assertEqual(violation_types(line), {"unauthorized-link": "high", "dual-homed": "critical"})
        self.assertIn("eth0", [v for v in line["verdict"]["violations"] if v["type"] == "dual-homed"][0]["reason"]["en"])
        # Bring it up: cut at once; the LAN card stays up.
        self.ns.ip("link", "set", "usb0", "up")
        watch.next_event("cut", "usb0")
        self.ns.wait_down("usb0")
        self.assertTrue(self.ns.is_up("eth0"))
        self.assertFalse([o for o in watch.lines() if o.get("event") == "cut" and o.get("name") == "eth0"])

    def test_lan_arriving_second_makes_the_other_link_dual_homed(self):
        # The other network first (alone it is only an unknown interface), then the LAN: the
        # other link's verdict changes although the other link did not.
        watch = self.observe(*self.LAN, "--allow-if", "eth0")
        self.veth("usb0", "rndis0")
        self.ns.ip("addr", "add", "192.0.2.130/25", "dev", "usb0")
        line = watch.next_link("usb0", lambda l, v: l["addresses"])
        self.assertEqual(violation_types(line), {"unauthorized-link": "high"})
        self.veth("eth0", "sweth0")
        self.ns.ip("addr", "add", "192.0.2.10/25", "dev", "eth0")
        line = watch.next_link("usb0", lambda l, v: "dual-homed" in {x["type"] for x in v["violations"]})
        self.assertEqual(line["severity"], "critical")


class IPv6Links(LinkCase):
    ipv6 = True

    def test_ipv6_address_and_default_route(self):
        watch = self.observe("--network", "standalone")
        # A tap nobody has opened: no carrier, so nothing routed to it goes anywhere.
        self.ns.ip("tuntap", "add", "dev", "tap6", "mode", "tap")
        self.assertEqual(watch.next_link("tap6")["severity"], "low")
        self.ns.ip("link", "set", "tap6", "up")
        self.ns.ip("-6", "addr", "add", "2001:db8::2/64", "dev", "tap6", "nodad")
        line = watch.next_link("tap6", lambda l, v: any(a["family"] == "ipv6" for a in l["addresses"]))
        self.assertEqual(line["severity"], "high")
        self.assertIn({"family": "ipv6", "address": "2001:db8::2", "prefixLength": 64}, line["link"]["addresses"])
        self.ns.ip("-6", "route", "add", "default", "via", "2001:db8::1", "dev", "tap6")
        line = watch.next_link("tap6", lambda l, v: v["evidence"] == "default-route")
        self.assertEqual(line["severity"], "critical")
        self.assertIn("2001:db8::1", [r.get("gateway") for r in line["link"]["routes"]])

    def test_ipv6_lan_prefix(self):
        watch = self.observe("--network", "classified-lan", "--allow-if", "tap6", "--lan-prefix", "2001:db8:1::/48")
        self.ns.ip("tuntap", "add", "dev", "tap6", "mode", "tap")
        self.ns.ip("link", "set", "tap6", "up")
        self.ns.ip("-6", "addr", "add", "2001:db8:1::2/64", "dev", "tap6", "nodad")
        line = watch.next_link("tap6", lambda l, v: l["addresses"])
        self.assertEqual(line["verdict"]["decision"], "allow")
        self.ns.ip("-6", "addr", "add", "2001:db8:2::2/64", "dev", "tap6", "nodad")
        line = watch.next_link("tap6", lambda l, v: len(l["addresses"]) == 2)
        self.assertEqual(violation_types(line), {"unauthorized-link": "high", "dual-homed": "critical"})


class Overflow(LinkCase):
    def test_overflow_redumps(self):
        # A socket buffer too small for a burst: the kernel drops messages (ENOBUFS) and the
        # daemon dumps everything again rather than trust what it has.
        watch = self.observe("--network", "standalone", "--receive-buffer", "2048")
        batch = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"links-{os.getpid()}.batch")
        with open(batch, "w") as handle:
            for index in range(75):
                handle.write(f"link add dm{index} type veth peer name dm{index + 75}\n")
        self.addCleanup(os.unlink, batch)
        # The reader is stopped while the burst is sent, so the small buffer fills whatever the
        # machine's speed: racing a running reader made the overflow depend on scheduling.
        os.kill(watch.daemon.proc.pid, signal.SIGSTOP)
        try:
            self.ns.ip("-batch", batch)
        finally:
            os.kill(watch.daemon.proc.pid, signal.SIGCONT)
        watch.next_event("overflow", what="an overflow line", timeout=20)
        watch.cursor = 0
        seen = wait_until(lambda: {o["link"]["name"] for o in watch.lines()
                                   if o.get("event") in ("present", "change")} >= {f"dm{i}" for i in range(150)},
                          timeout=20, message=lambda: f"all 150 links; {watch.daemon.describe()}")
        self.assertTrue(seen)
        self.assertIsNone(watch.daemon.proc.poll(), watch.daemon.describe())


if __name__ == "__main__":
    unittest.main()
