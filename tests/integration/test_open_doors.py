"""The guard's open doors (issue 10), against the real mediad under umockdev. Expectations are
written from the regulations (shared/notes/domain.md), not from the code."""

import os
import signal

from guardbed import LOCKED, GuardCase
from harness import wait_until

HUB2 = "/sys/devices/pci0000:00/0000:00:15.0/usb2"


class NewBus(GuardCase):
    """A USB controller that appears while mediad runs is locked before anything behind it is decided."""

    def usbcore_default(self, value=None):
        directory = self.tb.root + "/sys/module/usbcore/parameters"
        path = directory + "/authorized_default"
        if value is not None:
            os.makedirs(directory, exist_ok=True)
            with open(path, "w") as handle:
                handle.write(value)
        with open(path) as handle:
            return handle.read().strip()

    def wait_locked(self, hub):
        """The bus is locked before anything is plugged into it (plugging in at once would let the
        guard meet the device half-written by the testbed; see the already-behind case below)."""
        wait_until(lambda: self.tb.read_attr(hub, "authorized_default") == "0",
                   message=lambda: f"the new hub to be locked; {self.daemon.describe()}")

    def test_lockdown_sets_usbcores_default_for_new_buses(self):
        self.usbcore_default("-1\n")
        self.tb.add_root_hub(1)
        self.start()
        self.assertEqual(self.usbcore_default(), "0")

    def test_a_new_root_hub_is_locked_and_the_stick_behind_it_blocked(self):
        self.tb.add_root_hub(1)
        self.start()
        hub = self.tb.add_root_hub(2, authorized_default="1")
        self.assertEqual(hub, HUB2)
        self.wait_locked(hub)
        stick = self.tb.add_stick(port="2-1", serial="AA00BB11CC22")
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        self.assertEqual(self.tb.read_attr(hub, "authorized_default"), "0")
        self.assertEqual(self.violations("AA00BB11CC22"), [("unregistered-medium", "high", "blocked", "open")])
        # The hub was locked before the stick was decided: the daemon said so first.
        def positions():
            lines = list(self.daemon.stderr)
            bus = [i for i, line in enumerate(lines) if "new USB bus" in line]
            attach = [i for i, line in enumerate(lines) if "attach:" in line and "2-1" in line]
            return (bus[0], attach[0]) if bus and attach else None
        bus, attach = wait_until(positions, message=lambda: f"both log lines; {self.daemon.describe()}")
        self.assertLess(bus, attach, self.daemon.stderr)

    def test_a_stick_already_behind_the_bus_when_its_hub_is_seen_is_judged_as_at_start(self):
        self.tb.add_root_hub(1)
        daemon = self.start()
        # The daemon is stopped while the bus and the stick appear, so when it reads the hub's event
        # the stick is already in sysfs, its own event still queued behind.
        daemon.proc.send_signal(signal.SIGSTOP)
        try:
            hub = self.tb.add_root_hub(2, authorized_default="1")
            stick = self.tb.add_stick(port="2-1", serial="AA00BB11CC22", with_block=False)
        finally:
            daemon.proc.send_signal(signal.SIGCONT)
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        self.assertEqual(self.tb.read_attr(hub, "authorized_default"), "0")
        wait_until(lambda: any("new USB bus DEVICES=1" in line for line in daemon.stderr),
                   message=lambda: f"the new bus to be seen with its stick; {daemon.describe()}")
        # Its own add event, read afterwards, is the same insertion, not a second one.
        sentinel = self.tb.add_stick(port="2-2", serial="SENTINEL0001", with_block=False)
        self.wait_event(sentinel.syspath)
        self.assertEqual(self.events(stick.syspath), [("attach", "block", None)])

    def test_a_registered_stick_behind_a_new_bus_is_allowed(self):
        number = self.register()
        self.tb.add_root_hub(1)
        self.start()
        hub = self.tb.add_root_hub(2, authorized_default="1")
        self.wait_locked(hub)
        stick = self.tb.add_stick(port="2-1", extra_attributes=LOCKED)
        self.wait_authorized(stick.syspath, "1")
        self.assertEqual(self.tb.read_attr(hub, "authorized_default"), "0")
        self.assertEqual(self.wait_event(stick.syspath), [("attach", "allow", number)])


class DuplicateIdentity(GuardCase):
    """Two devices with one identity at once: one is a clone, so both are blocked."""

    def test_a_second_stick_with_a_present_identity_blocks_both(self):
        number = self.register()
        self.start()
        first = self.tb.add_stick(port="1-1", extra_attributes=LOCKED)
        self.wait_authorized(first.syspath, "1")
        second = self.tb.add_stick(port="1-2", extra_attributes=LOCKED)
        self.wait_authorized(second.syspath, "0")
        self.wait_authorized(first.syspath, "0")
        rows = self.query("SELECT severity, outcome, reason_en, medium_number FROM violation "
                          "WHERE type = 'duplicate-identity' ORDER BY id")
        self.assertEqual(len(rows), 2, "one for each device, each naming both ports")
        for severity, outcome, reason, medium in rows:
            self.assertEqual((severity, outcome, medium), ("critical", "blocked", number))
            self.assertIn("1-1", reason)
            self.assertIn("1-2", reason)
        self.assertEqual([e[:2] for e in self.events(first.syspath)], [("attach", "allow"), ("recheck", "block")])

    def test_two_present_at_start_are_both_blocked(self):
        self.register()
        first = self.tb.add_stick(port="1-1", extra_attributes=LOCKED, with_block=False)
        second = self.tb.add_stick(port="1-2", extra_attributes=LOCKED, with_block=False)
        self.start()
        self.assertEqual(self.authorized(first.syspath), "0")
        self.assertEqual(self.authorized(second.syspath), "0")
        self.assertEqual([v[:2] for v in self.violations()], [("duplicate-identity", "critical")] * 2)


class CrossLevelUse(GuardCase):
    """004 §3.3 and 000 §5.2.1: a lower classified medium used on a higher computer is managed at
    that level from then on (the default, `lower-level-medium = raise`)."""

    def test_the_medium_is_raised_and_then_refused_on_a_lower_computer(self):
        number = self.register(level="confidential")
        daemon = self.start()
        stick = self.tb.add_stick(port="1-1", extra_attributes=LOCKED, with_block=False)
        self.wait_authorized(stick.syspath, "1")
        self.wait_event(stick.syspath)
        self.assertEqual(self.query("SELECT level FROM medium WHERE number = ?", number), [("secret",)])
        self.assertIn("secret", self.ctl("media", "show", number).stdout)
        self.assertIn("机密", self.ctl("--lang", "zh", "media", "show", number).stdout)
        event_id = self.query("SELECT id FROM device_event WHERE kind = 'attach' AND syspath = ?", stick.syspath)[0][0]
        trail = self.query("SELECT actor_name, action, field, old_value, new_value FROM trail WHERE action = 'raise-level'")
        self.assertEqual(len(trail), 1)
        actor, _, field, old, new = trail[0]
        self.assertEqual((actor, field, old), ("mediad", "level", "confidential"))
        self.assertIn("PC-001", new)
        self.assertIn(f"#{event_id}", new)
        moves = self.query("SELECT kind, from_level, to_level, actor_name FROM movement WHERE number = ? AND kind = 'reclassify'", number)
        self.assertEqual(moves, [("reclassify", "confidential", "secret", "mediad")])
        self.assertIn("intact", self.ctl("audit", "verify").stdout)
        self.assertEqual(self.violations(), [])
        # The same stick on a lower-level computer (秘密) is now above it.
        self.tb.remove(stick.syspath)
        self.wait_event(stick.syspath, "detach")
        daemon.stop()
        self.ctl("host", "set", "--level", "confidential")
        self.start()
        again = self.tb.add_stick(port="1-1", extra_attributes=LOCKED, with_block=False)
        self.wait_authorized(again.syspath, "0")
        self.wait_event(again.syspath, count=2)
        self.assertEqual([v[0] for v in self.violations()], ["level-above-computer"])

    def test_block_chosen_in_the_configuration(self):
        self.register(level="confidential")
        config = os.path.join(self.tb.root, "mediad.conf")
        with open(config, "w") as handle:
            handle.write("[actions]\nlower-level-medium = block\n")
        self.start("--config", config)
        stick = self.tb.add_stick(port="1-1", extra_attributes=LOCKED, with_block=False)
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        self.assertEqual(self.violations(), [("lower-level-medium", "medium", "blocked", "open")])
        self.assertEqual(self.query("SELECT level FROM medium"), [("confidential",)])


class KeyArea(GuardCase):
    """003 第十条: no phone, camera or recorder in a key area without approval."""

    def test_a_registered_phone_needs_a_key_area_approval(self):
        self.ctl("host", "set", "--key-area", "yes")
        self.ctl("media", "register", "--kind", "other", "--level", "secret", "--holder", "P001",
                 "--vendor", "18d1", "--product", "4ee1", "--serial", "0A1B2C3D4E5F")
        number = self.query("SELECT number FROM medium")[0][0]
        self.start()
        phone = self.tb.add_phone_mtp(port="1-4", extra_attributes=LOCKED)
        self.wait_authorized(phone.syspath, "0")
        self.wait_event(phone.syspath)
        self.assertEqual(self.violations(), [("key-area-device", "high", "blocked", "open")])
        refused = self.ctl("media", "key-area", number, ok=False)
        self.assertEqual(refused.returncode, 64, refused.stderr)
        self.ctl("media", "key-area", number, "--approver", "王局长", "--note", "会议录音")
        self.assertIn("王局长", self.ctl("media", "show", number).stdout)
        self.assertIn("key-area-approve", self.ctl("audit", "log").stdout)
        self.tb.remove(phone.syspath)
        self.wait_event(phone.syspath, "detach")
        again = self.tb.add_phone_mtp(port="1-4", extra_attributes=LOCKED)
        self.wait_authorized(again.syspath, "1")
        self.assertEqual([e[1] for e in self.events(again.syspath, "attach")], ["block", "allow"])


class PhoneOnAVendorInterface(GuardCase):
    """Most Android phones offer MTP on a vendor-specific interface; udev marks them."""

    def test_an_mtp_device_on_class_ff_is_a_phone_not_an_unknown_device(self):
        self.start()
        phone = self.tb.add_usb_device(port="1-4", vendor="04e8", product="6860", serial="R58M1234ABC",
                                       interfaces=((0xFF, 0xFF, 0x00),), manufacturer="SAMSUNG",
                                       product_name="SAMSUNG_Android",
                                       extra_properties={"ID_MTP_DEVICE": "1", "ID_MEDIA_PLAYER": "1"})
        self.wait_authorized(phone.syspath, "0")
        self.wait_event(phone.syspath)
        self.assertEqual(self.violations(), [("unregistered-storage-capable", "high", "blocked", "open")])
        self.assertEqual(self.query("SELECT stores FROM device_event WHERE syspath = ?", phone.syspath), [(1,)])

    def test_a_camera_marked_by_gphoto2_present_at_start(self):
        camera = self.tb.add_usb_device(port="1-5", vendor="04a9", product="3218", serial="CAM0001",
                                        interfaces=((0xFF, 0x00, 0x00),), manufacturer="Canon",
                                        product_name="Camera", extra_properties={"ID_GPHOTO2": "1"})
        self.start()
        self.assertEqual(self.authorized(camera.syspath), "0")
        self.assertEqual(self.violations(), [("unregistered-storage-capable", "high", "blocked", "open")])

    def test_an_unmarked_vendor_interface_stays_an_unknown_device(self):
        self.start()
        gadget = self.tb.add_usb_device(port="1-6", vendor="1234", product="0001", serial="G1",
                                        interfaces=((0xFF, 0xFF, 0x00),))
        self.wait_authorized(gadget.syspath, "0")
        self.wait_event(gadget.syspath)
        self.assertEqual(self.violations(), [("unknown-device", "medium", "blocked", "open")])


class GuardGaps(GuardCase):
    """M18: the guard's own gaps are violations an officer acknowledges, not only events."""

    def test_a_stop_by_signal_names_who_asked(self):
        daemon = self.start()
        self.assertEqual(daemon.stop(), 0)
        rows = self.guard_violations()
        self.assertEqual([r[:4] for r in rows], [("guard-stopped", "high", "logged", "open")])
        self.assertIn(f"pid {os.getpid()}", rows[0][4])
        self.assertIn("SIGTERM", rows[0][4])
        vid = self.query("SELECT id FROM violation WHERE type = 'guard-stopped'")[0][0]
        self.ctl("violations", "ack", str(vid), "--note", "维护重启，已核实")
        self.assertEqual(self.guard_violations()[0][3], "acknowledged")

    def test_an_unclean_stop_is_a_gap(self):
        daemon = self.start()
        daemon.proc.send_signal(signal.SIGKILL)
        daemon.proc.wait()
        self.start()
        self.assertEqual([r[:4] for r in self.guard_violations()], [("guard-gap", "high", "logged", "open")])
        gap = self.query("SELECT e.kind FROM violation v JOIN device_event e ON e.id = v.event_id WHERE v.type = 'guard-gap'")
        self.assertEqual(gap, [("guard-gap",)])

    def test_audit_mode_on_a_classified_computer_is_a_weakened_start(self):
        self.start("--mode", "audit")
        rows = self.guard_violations()
        self.assertEqual([r[:4] for r in rows], [("guard-weakened", "high", "logged", "open")])
        self.assertIn("audit mode", rows[0][4])

    def test_no_lockdown_on_a_classified_computer_is_a_weakened_start(self):
        config = os.path.join(self.tb.root, "mediad.conf")
        with open(config, "w") as handle:
            handle.write("lockdown = no\n")
        self.start("--config", config)
        rows = self.guard_violations()
        self.assertEqual([r[:2] for r in rows], [("guard-weakened", "high")])
        self.assertIn("no lockdown", rows[0][4])

    def test_an_older_ledger_with_a_classified_computer_online(self):
        # A record written before the rule existed: the service refuses it now, so set it directly.
        self.execute("UPDATE computer SET network = 'internet' WHERE is_this_host = 1")
        self.start()
        rows = self.guard_violations()
        self.assertEqual([r[:3] for r in rows], [("classified-online", "critical", "logged")])
        self.assertIn("physical isolation", rows[0][4])


class UnclassifiedComputer(GuardCase):
    host_level = "internal"

    def setUp(self):
        # An internal computer on the office network may run in audit mode without a violation.
        super().setUp()

    def test_audit_mode_on_an_unclassified_computer_is_no_violation(self):
        daemon = self.start("--mode", "audit")
        self.assertEqual(self.guard_violations(), [])
        daemon.proc.send_signal(signal.SIGKILL)
        daemon.proc.wait()


if __name__ == "__main__":
    import unittest
    unittest.main()
