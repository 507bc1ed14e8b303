"""`mediad --observe-links` runs the guard's own link rules (LinkJudgement): each line says whether
the guard would record that verdict in the ledger (`recorded`), and it cuts where the guard would.

Expected values are written from the rule, not from the code: a verdict is recorded when it brings a
new kind of violation or a worse severity than the link's previous verdict, and whenever the link
is cut.
"""

from test_links import LinkCase


class Recorded(LinkCase):
    def test_each_worsening_step_of_a_tethered_phone_is_recorded_once(self):
        watch = self.observe("--network", "standalone")
        self.assertIs(watch.present("lo")["recorded"], False, "an allowed link has nothing to record")
        self.veth("usb0", "rndis0")
        steps = [
            ("plugged", lambda l, v: not l["up"], True),                     # a new violation (low)
            ("set up", lambda l, v: l["up"] and not l["carrier"], False),    # low again
            ("carrier", lambda l, v: l["carrier"], True),                    # medium
            ("address", lambda l, v: l["addresses"], True),                  # high
            ("default route", lambda l, v: any(r["prefixLength"] == 0 for r in l["routes"]), True),  # critical
            ("peer down", lambda l, v: not l["carrier"], False),             # critical again
        ]
        actions = {
            "set up": lambda: self.ns.ip("link", "set", "usb0", "up"),
            "carrier": lambda: self.peer.ip("link", "set", "rndis0", "up"),
            "address": lambda: self.ns.ip("addr", "add", "192.0.2.2/24", "dev", "usb0"),
            "default route": lambda: self.ns.ip("route", "add", "default", "via", "192.0.2.1", "dev", "usb0"),
            "peer down": lambda: self.peer.ip("link", "set", "rndis0", "down"),
        }
        for what, predicate, recorded in steps:
            if what in actions:
                actions[what]()
            line = watch.next_link("usb0", predicate, what)
            self.assertIs(line["recorded"], recorded, what)

    def test_a_link_set_up_is_cut_and_recorded_every_time(self):
        watch = self.observe("--network", "standalone", "--cut")
        self.veth("usb0", "rndis0")
        self.assertIs(watch.next_link("usb0")["recorded"], True, "its first violation")
        for attempt in ("first", "second"):
            self.ns.ip("link", "set", "usb0", "up")
            line = watch.next_link("usb0", lambda l, v: l["up"], f"usb0 up, {attempt} time")
            self.assertIs(line["recorded"], True, f"cut, so recorded ({attempt} time)")
            watch.next_event("cut", "usb0")
            self.ns.wait_down("usb0")
            line = watch.next_link("usb0", lambda l, v: not l["up"], f"usb0 down again, {attempt} time")
            self.assertIs(line["recorded"], False, "down, nothing open, nothing worse")
