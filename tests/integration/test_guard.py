"""The real mediad against fake USB hardware: each case checks the `authorized` file and the
rows an officer would read."""

import unittest

from guardbed import CAPACITY, LOCKED, SECTORS, GuardCase
from harness import wait_until


class StorageVerdicts(GuardCase):
    def test_lockdown_at_start(self):
        self.tb.add_root_hub(1)
        self.tb.add_root_hub(2)
        self.start()
        self.assertEqual(self.tb.read_attr("/sys/devices/pci0000:00/0000:00:14.0/usb1", "authorized_default"), "0")
        self.assertEqual(self.tb.read_attr("/sys/devices/pci0000:00/0000:00:15.0/usb2", "authorized_default"), "0")
        self.assertEqual(self.query("SELECT kind FROM device_event WHERE kind = 'guard-start'"), [("guard-start",)])

    def test_unregistered_stick_is_blocked_and_recorded(self):
        self.start()
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22")
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        self.assertEqual(self.violations("AA00BB11CC22"), [("unregistered-medium", "high", "blocked", "open")])
        self.assertEqual(self.events(stick.syspath), [("attach", "block", None)])

    def test_registered_stick_on_suitable_computer_is_allowed(self):
        number = self.register()
        self.start()
        stick = self.tb.add_stick(port="1-1", extra_attributes=LOCKED)
        self.wait_authorized(stick.syspath, "1")
        self.assertEqual(self.wait_event(stick.syspath), [("attach", "allow", number)])
        self.assertEqual(self.violations(), [])

    def test_higher_level_medium_is_blocked(self):
        self.register(level="top-secret")
        self.start()
        stick = self.tb.add_stick(port="1-1")
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        self.assertEqual([v[0] for v in self.violations()], ["level-above-computer"])

    def test_unclassified_medium_on_classified_computer_is_blocked(self):
        self.register(level="非密")
        self.start()
        stick = self.tb.add_stick(port="1-1")
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        self.assertEqual([v[0] for v in self.violations()], ["unclassified-on-classified"])

    def test_destroyed_medium_is_blocked_as_critical(self):
        number = self.register()
        self.ctl("media", "retire", number, "--approver", "李四")
        self.ctl("media", "destroy", number, "--approver", "李四", "--method", "shred", "--witness", "王五")
        self.start()
        stick = self.tb.add_stick(port="1-1")
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        self.assertEqual(self.violations(), [("state-forbids-use", "critical", "blocked", "open")])

    def test_capacity_mismatch_is_deauthorized_when_the_disk_appears(self):
        self.register(capacity=8_004_304_896)
        self.start()
        stick = self.tb.add_stick(port="1-1", with_block=False, extra_attributes=LOCKED)
        self.wait_authorized(stick.syspath, "1")
        self.tb.add_storage(stick, stick.interfaces[0], sectors=SECTORS)
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath, "recheck")
        self.assertEqual(self.violations(), [("identity-mismatch", "critical", "blocked", "open")])

    def test_a_verdict_the_ledger_cannot_store_is_not_carried_out(self):
        number = self.register()
        self.start()
        # From now on the ledger refuses every new event, as a full disk or a failing file would.
        self.execute("CREATE TRIGGER refuse BEFORE INSERT ON device_event BEGIN SELECT RAISE(ABORT, 'refused'); END")
        stick = self.tb.add_stick(port="1-1", extra_attributes=LOCKED)
        wait_until(lambda: any("cannot record the verdict" in line for line in self.daemon.stderr),
                   message=lambda: f"mediad to report the refused record; {self.daemon.describe()}")
        self.assertEqual(self.authorized(stick.syspath), "0", "a registered stick whose verdict was not stored stays blocked")
        self.assertEqual(self.events(stick.syspath), [])
        # Once the ledger takes records again, the spooled record is written and the stick, blocked
        # only because its verdict could not be stored, is decided again without being replugged.
        self.execute("DROP TRIGGER refuse")
        self.wait_authorized(stick.syspath, "1")
        self.assertEqual(self.events(stick.syspath), [("attach", "block", number), ("recheck", "allow", number)])
        self.assertEqual([t for (t, *_) in self.query("SELECT type FROM violation")], ["ledger-unavailable"])

    def test_composite_keyboard_storage_is_split_per_interface(self):
        self.start()
        device = self.tb.add_composite_keyboard_storage(port="1-3", extra_attributes=LOCKED)
        keyboard, storage = device.interfaces
        self.wait_authorized(storage, "0")
        self.wait_authorized(device.syspath, "1")
        self.assertEqual(self.authorized(keyboard), "1")
        self.assertEqual([v[0] for v in self.violations()], ["unregistered-medium"])

    def test_stick_without_serial_is_blocked(self):
        self.start()
        stick = self.tb.add_device_without_serial(port="1-2")
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        self.assertEqual([v[0] for v in self.violations()], ["no-serial"])

    def test_phone_in_mtp_mode_needs_registration(self):
        self.start()
        phone = self.tb.add_phone_mtp(port="1-4")
        self.wait_authorized(phone.syspath, "0")
        self.wait_event(phone.syspath)
        self.assertEqual([v[0] for v in self.violations()], ["unregistered-storage-capable"])


class AdministratorFlow(GuardCase):
    def test_plug_blocked_register_last_unregistered_replug_allowed(self):
        self.start()
        # As on a real kernel, a blocked stick is never configured, so no disk appears below it.
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22", with_block=False)
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        listed = self.ctl("violations", "list", "--open").stdout
        self.assertIn("unregistered storage medium", listed)
        registered = self.ctl("media", "register", "--last-unregistered", "--kind", "usb-stick", "--level", "secret",
                              "--holder", "P001").stdout
        self.assertIn("registered medium U-", registered)
        self.tb.remove(stick.syspath)
        self.wait_event(stick.syspath, "detach")
        again = self.tb.add_stick(port="1-1", serial="AA00BB11CC22", extra_attributes=LOCKED)
        self.wait_authorized(again.syspath, "1")
        self.assertEqual([e[1] for e in self.events(again.syspath, "attach")], ["block", "allow"])
        # A blocked stick never shows its disk; once allowed, its capacity is learnt and recorded.
        wait_until(lambda: self.query("SELECT capacity_bytes FROM medium") == [(CAPACITY,)],
                   message=lambda: f"the capacity to be learnt; {self.daemon.describe()}")
        self.assertIn(str(CAPACITY), self.ctl("media", "show", self.query("SELECT number FROM medium")[0][0]).stdout)
        self.assertIn("learn-capacity", self.ctl("audit", "log").stdout)
        self.assertIn("intact", self.ctl("audit", "verify").stdout)

    def test_serial_with_odd_bytes_is_escaped_matched_and_allowed(self):
        self.start()
        odd = b"AB\x01\xffCD\x1b[2J"
        stick = self.tb.add_stick(port="1-1", serial=odd)
        wait_until(lambda: self.query("SELECT serial FROM device_event WHERE serial IS NOT NULL AND kind IN ('attach','recheck')"),
                   message=lambda: f"an event with the odd serial; {self.daemon.describe()}")
        self.wait_authorized(stick.syspath, "0")
        serials = {row[0] for row in self.query("SELECT serial FROM violation WHERE serial IS NOT NULL")}
        self.assertIn("AB\\x01\\xFFCD\\x1B[2J", serials)
        self.ctl("media", "register", "--last-unregistered", "--kind", "usb-stick", "--level", "secret", "--holder", "P001")
        self.tb.remove(stick.syspath)
        self.wait_event(stick.syspath, "detach")
        again = self.tb.add_stick(port="1-1", serial=odd, extra_attributes=LOCKED)
        self.wait_authorized(again.syspath, "1")
        self.assertIsNone(self.daemon.proc.poll())

    def test_officer_acknowledges_a_violation(self):
        self.start()
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22")
        self.wait_event(stick.syspath)
        vid = self.query("SELECT id FROM violation")[0][0]
        self.ctl("violations", "ack", str(vid), "--note", "已处置: 收回并登记")
        self.assertEqual(self.violations(), [("unregistered-medium", "high", "blocked", "acknowledged")])
        self.assertNotIn("AA00BB11CC22", self.ctl("violations", "list", "--open").stdout)


class EventHandling(GuardCase):
    def test_two_hundred_devices_present_at_start_are_all_decided(self):
        sticks = []
        for index in range(200):
            bus, port = divmod(index, 100)
            sticks.append(self.tb.add_stick(port=f"{bus + 1}-{port + 1}", serial=f"SERIAL{index:06d}", with_block=False))
        self.start()
        for stick in sticks:
            self.assertEqual(self.authorized(stick.syspath), "0", stick.syspath)
        self.assertEqual(self.query("SELECT COUNT(*) FROM device_event WHERE kind = 'attach'"), [(200,)])
        self.assertEqual(self.query("SELECT COUNT(*) FROM violation WHERE type = 'unregistered-medium'"), [(200,)])

    def test_audit_mode_blocks_nothing_and_records_everything(self):
        self.register()
        unregistered = self.tb.add_stick(port="1-2", serial="AA00BB11CC22", extra_attributes=LOCKED)
        self.start("--mode", "audit")
        registered = self.tb.add_stick(port="1-1", extra_attributes=LOCKED)
        self.wait_authorized(registered.syspath, "1")
        self.wait_authorized(unregistered.syspath, "1")
        self.wait_event(registered.syspath)
        self.assertEqual(self.violations(), [("unregistered-medium", "high", "audited", "open")])

    def test_repeated_add_and_plain_change_do_not_redecide(self):
        self.register()
        self.start()
        stick = self.tb.add_stick(port="1-1", extra_attributes=LOCKED)
        self.wait_authorized(stick.syspath, "1")
        self.tb.uevent(stick.syspath, "add")
        self.tb.uevent(stick.syspath, "change")
        # Events are handled in order: once the sentinel is decided, the two above were handled.
        sentinel = self.tb.add_stick(port="1-5", serial="SENTINEL0001")
        self.wait_event(sentinel.syspath)
        self.assertEqual(len(self.events(stick.syspath)), 1)
        self.assertEqual(self.authorized(stick.syspath), "1")

    def test_removal_is_recorded(self):
        self.start()
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22")
        self.wait_event(stick.syspath)
        self.tb.remove(stick.syspath)
        self.assertEqual(self.wait_event(stick.syspath, "detach")[0][0], "detach")

    def test_stop_is_recorded_and_lockdown_kept(self):
        self.tb.add_root_hub(1)
        daemon = self.start()
        self.assertEqual(daemon.stop(), 0)
        self.assertEqual(self.query("SELECT kind FROM device_event WHERE kind LIKE 'guard-%' ORDER BY id"),
                         [("guard-start",), ("guard-stop",)])
        self.assertEqual(self.tb.read_attr("/sys/devices/pci0000:00/0000:00:14.0/usb1", "authorized_default"), "0")


if __name__ == "__main__":
    unittest.main()
