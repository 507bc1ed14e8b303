"""The unit: a real hub on a real PostgreSQL cluster and three computers (real mediad and mediad-sync,
each in its own network namespace with its own fake USB hardware). What an administrator does at the
hub reaches the computers' guards; what the guards record reaches the hub, once, in order, or the
gap is reported.
"""

import json
import unittest

from harness import wait_until
from unitbed import Unit

STICK = dict(vendor="0781", product="5567", serial="4C530001230101104353")
SECTORS = 30031872


class UnitCase(unittest.TestCase):
    def setUp(self):
        self.unit = Unit(self)
        self.hub = self.unit.hub
        self.pc1, self.pc2, self.pc3 = self.unit.computers

    def register_stick(self, bind="PC-001", serial=STICK["serial"], capacity=SECTORS * 512):
        self.hub.ctl("media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P001",
                     "--vendor", STICK["vendor"], "--product", STICK["product"], "--serial", serial,
                     *(["--capacity", str(capacity)] if capacity else []), "--bind", bind)
        listed = json.loads(self.hub.ctl("media", "list", "--format", "json").stdout)
        return next(m["number"] for m in listed if m.get("identity", {}).get("serial") == serial)

    def plug(self, computer, port="1-1", serial=STICK["serial"]):
        computer.activate()
        return computer.tb.add_stick(port=port, serial=serial, sectors=SECTORS)

    def authorized(self, computer, device):
        return computer.tb.read_attr(device.syspath, "authorized")

    def wait_authorized(self, computer, device, value):
        wait_until(lambda: self.authorized(computer, device) == value, timeout=15,
                   message=lambda: f"authorized={value} on {computer.asset}, is {self.authorized(computer, device)!r}; "
                                   f"{computer.mediad.describe()}")

    def hub_violations(self):
        return json.loads(self.hub.ctl("violations", "list", "--format", "json").stdout)


class Enrolment(UnitCase):
    def test_a_medium_registered_at_the_hub_is_allowed_where_bound_and_blocked_elsewhere(self):
        number = self.register_stick(bind="PC-001")
        for computer in (self.pc1, self.pc2):
            computer.start_mediad()
            self.unit.enrol(computer)
        # The replica now holds the unit's medium; a local change is refused, naming the hub.
        refused = self.pc1.ctl("person", "add", "--id", "P009", "--name", "赵六", "--clearance", "core", ok=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("make the change at the hub (hub.test)", refused.stderr)
        on_pc1 = self.plug(self.pc1)
        on_pc2 = self.plug(self.pc2)
        self.wait_authorized(self.pc1, on_pc1, "1")
        self.wait_authorized(self.pc2, on_pc2, "0")
        wait_until(lambda: self.pc2.query("SELECT type, medium_number FROM violation WHERE type = 'bound-elsewhere'")
                   == [("bound-elsewhere", number)], timeout=15,
                   message=lambda: f"bound-elsewhere on PC-002; its violations: "
                                   f"{self.pc2.query('SELECT type, medium_number, serial, reason_en FROM violation')}; "
                                   f"{self.pc2.mediad.describe()}")
        # The violation reaches the hub's list, named by its computer.
        wait_until(lambda: any(v["type"] == "bound-elsewhere" and v["computer"] == "PC-002" for v in self.hub_violations()),
                   timeout=20, message=lambda: f"bound-elsewhere from PC-002 at the hub; have {self.hub_violations()}")
        # Narrowed to one computer of the unit, or to a department (P001's, 办公室, holds both computers).
        for computer, found in (("PC-002", True), ("PC-001", False)):
            listed = json.loads(self.hub.ctl("violations", "list", "--computer", computer, "--format", "json").stdout)
            self.assertEqual({v["computer"] for v in listed} - {computer}, set(), listed)
            self.assertEqual("bound-elsewhere" in {v["type"] for v in listed}, found, listed)
        by_department = json.loads(self.hub.ctl("violations", "list", "--department", "办公室", "--format", "json").stdout)
        self.assertIn("bound-elsewhere", {v["type"] for v in by_department})
        self.assertEqual(json.loads(self.hub.ctl("violations", "list", "--department", "保密办", "--format", "json").stdout), [])

    def test_a_medium_reported_lost_at_the_hub_is_blocked_where_it_is_plugged_in(self):
        number = self.register_stick(bind="PC-001")
        self.pc1.start_mediad()
        self.unit.enrol(self.pc1)
        stick = self.plug(self.pc1)
        self.wait_authorized(self.pc1, stick, "1")
        self.hub.ctl("media", "lost", number, "--reported-by", "P001")
        self.wait_authorized(self.pc1, stick, "0")
        self.assertIn(("state-forbids-use",), self.pc1.query("SELECT type FROM violation WHERE medium_number = ?", number))
        self.assertEqual(self.pc1.query("SELECT state FROM medium WHERE number = ?", number), [("lost",)])

    def test_a_capacity_learnt_on_one_computer_is_the_units_and_reaches_the_others(self):
        number = self.register_stick(bind="PC-001,PC-002", capacity=None)
        for computer in (self.pc1, self.pc2):
            computer.start_mediad()
            self.unit.enrol(computer)
        stick = self.plug(self.pc1)
        self.wait_authorized(self.pc1, stick, "1")

        def capacity_at_hub():
            shown = json.loads(self.hub.ctl("media", "show", number, "--format", "json").stdout)
            return shown["medium"]["identity"].get("capacityBytes")

        def where_it_is():
            records = self.hub.sql("SELECT count(*) FROM unit_event WHERE computer = 'PC-001' AND kind = 'capacity-learnt'")
            return (f"the capacity at the hub; it is {capacity_at_hub()}; PC-001 {self.pc1.membership()}, "
                    f"at the hub {self.hub.computers().get('PC-001')} with {records} capacity record(s)")
        wait_until(lambda: capacity_at_hub() == SECTORS * 512, timeout=30, message=where_it_is)
        trail = self.hub.ctl("audit", "log", "--medium", number).stdout
        self.assertIn("mediad@PC-001", trail)
        self.unit.wait_current(self.pc2)
        self.assertEqual(self.pc2.query("SELECT capacity_bytes FROM medium WHERE number = ?", number), [(SECTORS * 512,)])

    def test_the_unit_view_shows_each_computer(self):
        self.pc1.start_mediad()
        self.unit.enrol(self.pc1)
        self.unit.wait_delivered(self.pc1)
        computers = self.hub.computers()
        self.assertEqual(sorted(computers), ["PC-001", "PC-002", "PC-003"])
        self.assertIsNotNone(computers["PC-001"]["enrolledAt"])
        self.assertIsNotNone(computers["PC-001"]["lastHeard"])
        self.assertEqual(computers["PC-001"]["ledgerVersion"], self.hub.version())
        self.assertIsNone(computers["PC-002"].get("enrolledAt"))


class Delivery(UnitCase):
    def test_with_the_hub_away_records_wait_and_all_arrive_after(self):
        self.pc3.start_mediad()
        self.unit.enrol(self.pc3)
        self.unit.wait_delivered(self.pc3)
        self.hub.stop()
        for port in ("1-1", "1-2", "1-3"):
            self.plug(self.pc3, port=port, serial=f"UNREG{port}")
        wait_until(lambda: self.pc3.membership()["head"] - self.pc3.membership()["acknowledged"] >= 3,
                   message=lambda: f"records owed on PC-003: {self.pc3.membership()}")
        head = self.pc3.membership()["head"]
        self.hub.start()
        self.unit.wait_delivered(self.pc3, timeout=90)
        self.assertGreaterEqual(self.pc3.membership()["head"], head)
        seqs = self.hub.sql("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM unit_event WHERE computer = 'PC-003'")
        count, distinct, low, high = (int(x) for x in seqs.split("|"))
        self.assertEqual((count, distinct, low), (high, high, 1), "every record once, none missing")

    def test_a_row_deleted_on_the_computer_is_reported_missing_at_the_hub(self):
        self.pc3.start_mediad()
        self.unit.enrol(self.pc3)
        self.unit.wait_delivered(self.pc3)
        self.pc3.kill_sync()
        for port in ("1-1", "1-2"):
            self.plug(self.pc3, port=port, serial=f"UNREG{port}")
        wait_until(lambda: self.pc3.membership()["head"] - self.pc3.membership()["acknowledged"] >= 4,
                   message=lambda: f"records owed on PC-003: {self.pc3.membership()}")
        owed_from = self.pc3.membership()["acknowledged"] + 1
        deleted = self.pc3.query("SELECT chain_seq FROM device_event WHERE chain_seq > ? ORDER BY chain_seq LIMIT 1",
                                 owed_from)[0][0]
        self.pc3.execute("DELETE FROM device_event WHERE chain_seq = ?", deleted)
        self.pc3.start_sync()
        wait_until(lambda: any(v["type"] == "records-missing" and v["computer"] == "PC-003" for v in self.hub_violations()),
                   timeout=30, message=lambda: f"records-missing at the hub; have {self.hub_violations()}")
        missing = [v for v in self.hub_violations() if v["type"] == "records-missing"]
        self.assertEqual(len(missing), 1)
        self.assertIn(f"records {deleted} of computer PC-003", missing[0]["reason"]["en"])

    def test_a_courier_killed_mid_batch_loses_nothing_and_duplicates_nothing(self):
        self.pc3.start_mediad()
        self.unit.enrol(self.pc3)
        self.unit.wait_delivered(self.pc3)
        self.pc3.kill_sync()
        start = self.pc3.membership()["head"]
        for i in range(40):
            self.plug(self.pc3, port=f"1-{i + 1}", serial=f"BURST{i:04d}")
            # Paced by what mediad has written (an attachment and a verdict per stick): a burst faster
            # than a busy debug mediad reads fills its uevent socket, and umockdev aborts the run.
            wait_until(lambda: self.pc3.membership()["head"] >= start + 2 * (i + 1),
                       message=lambda: f"the records of stick {i + 1} on PC-003: {self.pc3.membership()}")
        wait_until(lambda: self.pc3.membership()["head"] - self.pc3.membership()["acknowledged"] >= 80,
                   message=lambda: f"a backlog on PC-003: {self.pc3.membership()}")
        before = int(self.hub.sql("SELECT count(*) FROM unit_event WHERE computer = 'PC-003'"))
        self.pc3.start_sync()
        # Killed as soon as the hub has taken some of the backlog, but not all of it.
        wait_until(lambda: int(self.hub.sql("SELECT count(*) FROM unit_event WHERE computer = 'PC-003'")) > before,
                   message="the first batch at the hub")
        self.pc3.kill_sync()
        self.pc3.start_sync()
        self.unit.wait_delivered(self.pc3, timeout=60)
        head = self.pc3.membership()["head"]
        seqs = self.hub.sql("SELECT count(*), count(DISTINCT seq), max(seq) FROM unit_event WHERE computer = 'PC-003'")
        self.assertEqual(tuple(int(x) for x in seqs.split("|")), (head, head, head))


if __name__ == "__main__":
    unittest.main()


class Refusals(UnitCase):
    """Payloads that are not the unit's next change, handed to mediad the way a courier would."""

    def apply(self, computer, payloads):
        from unitbed import control_call
        return control_call(computer.socket, {"unit": {"_0": {"apply": {"_0": payloads}}}})

    def refused_payloads(self, computer):
        return computer.query("SELECT reason_en FROM violation WHERE type = 'unit-payload-refused' ORDER BY id")

    def test_a_forged_a_replayed_and_a_foreign_change_are_refused_and_recorded(self):
        import base64
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives import serialization
        from unitbed import fetch_changes
        self.pc1.start_mediad()
        self.unit.enrol(self.pc1)
        self.register_stick(bind="PC-001")
        self.unit.wait_current(self.pc1)
        held = self.pc1.membership()["ledgerVersion"]
        change = fetch_changes(self.pc1, held - 1)[0]
        self.assertEqual(change["kind"], "change-set")

        # 1. The latest change again: a replay.
        reply = self.apply(self.pc1, [change])
        self.assertIn("replayed or out of order", reply["unit"]["_0"]["applied"]["refused"]["message"]["en"])

        # 2. A byte of the body changed: the signature no longer holds.
        forged = dict(change)
        body = bytearray(base64.b64decode(change["body"]))
        body[body.index(b'"to":') + 5] ^= 0x01
        forged["body"] = base64.b64encode(bytes(body)).decode()
        reply = self.apply(self.pc1, [forged])
        self.assertIn("not signed by this unit's key", reply["unit"]["_0"]["applied"]["refused"]["message"]["en"])

        # 3. Another unit's change, signed by that unit's own key, starting at this computer's version.
        other = Ed25519PrivateKey.generate()
        public = base64.b64encode(other.public_key().public_bytes(serialization.Encoding.Raw,
                                                                  serialization.PublicFormat.Raw)).decode()
        content = json.dumps({"unit": "另一单位", "from": held, "to": held + 1, "at": "2026-11-30T08:00:00Z",
                              "rows": []}, sort_keys=True, ensure_ascii=False).encode()
        signature = other.sign(b"mediad-unit/1\nchange-set\n" + content)
        foreign = {"kind": "change-set", "signer": public, "body": base64.b64encode(content).decode(),
                   "signature": base64.b64encode(signature).decode()}
        reply = self.apply(self.pc1, [foreign])
        self.assertIn("not signed by this unit's key", reply["unit"]["_0"]["applied"]["refused"]["message"]["en"])

        # Each refusal is recorded, the replica is untouched, and the record reaches the hub.
        reasons = self.refused_payloads(self.pc1)
        self.assertEqual(len(reasons), 3, reasons)
        self.assertEqual(self.pc1.membership()["ledgerVersion"], held)
        wait_until(lambda: sum(v["type"] == "unit-payload-refused" for v in self.hub_violations()) == 3, timeout=20,
                   message=lambda: f"three refusals at the hub; have {self.hub_violations()}")


class SnapshotInParts(UnitCase):
    """A unit ledger whose snapshot is larger than one part (the hub's bound forced down to 4 KiB,
    so that a few dozen media need several parts): the hub signs it in parts, the courier hands
    them over, and the new computer's mediad applies them as one snapshot."""

    def setUp(self):
        import os
        os.environ["MEDIAHUB_SNAPSHOT_PART_BYTES"] = "4096"
        self.addCleanup(os.environ.pop, "MEDIAHUB_SNAPSHOT_PART_BYTES", None)
        super().setUp()

    def test_a_snapshot_in_parts_reaches_a_new_computer_whole(self):
        from unitbed import fetch_changes
        number = self.register_stick(bind="PC-001")
        for i in range(24):
            self.hub.ctl("media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P001",
                         "--vendor", "0781", "--product", "5567", "--serial", f"PARTS{i:015d}", "--bind", "PC-002")
        self.pc1.start_mediad()
        self.unit.enrol(self.pc1)
        payloads = fetch_changes(self.pc1, 0)
        self.assertEqual({p["kind"] for p in payloads}, {"snapshot-part"}, [p["kind"] for p in payloads])
        self.assertGreaterEqual(len(payloads), 3)
        self.assertEqual(self.pc1.query("SELECT count(*) FROM medium"), [(25,)])
        applied = self.pc1.query("SELECT note FROM device_event WHERE kind = 'unit-change'")
        self.assertEqual(len(applied), 1, applied)
        import base64
        version = json.loads(base64.b64decode(payloads[0]["body"]))["version"]
        self.assertIn(f"unit ledger snapshot in {len(payloads)} parts 0 → {version}", applied[0][0])
        self.assertEqual(self.pc1.query("SELECT count(*) FROM violation WHERE type = 'unit-payload-refused'"), [(0,)])
        # The medium registered at the hub is allowed where it is bound.
        stick = self.plug(self.pc1)
        self.wait_authorized(self.pc1, stick, "1")
        self.assertEqual(self.pc1.query("SELECT bound_computers FROM medium WHERE number = ?", number), [('["PC-001"]',)])


class IdleDelivery(UnitCase):
    def test_a_record_written_on_an_idle_computer_reaches_the_hub_at_once(self):
        """mediad holds the courier's ask for records (`unit await-outbox`) and answers it as soon as
        a record is written: with `flush` an hour and `wait` 30 s, a record that reaches the hub
        within seconds came by that call, not by a poll or the call's timeout."""
        with open(self.pc1.sync_config) as f:
            config = f.read()
        with open(self.pc1.sync_config, "w") as f:
            f.write(config.replace("flush = 1\n", "flush = 3600\n"))
        self.pc1.start_mediad()
        self.unit.enrol(self.pc1)
        self.unit.wait_delivered(self.pc1)
        serial = "IDLE0000000000000001"
        self.plug(self.pc1, serial=serial)
        listed = lambda: [v for v in self.hub_violations() if v.get("computer") == "PC-001" and v.get("serial") == serial]
        wait_until(lambda: listed(), timeout=10,
                   message=lambda: f"the unregistered stick's violation at the hub; PC-001 {self.pc1.membership()}, "
                                   f"hub {self.hub.computers().get('PC-001')}; courier: {self.pc1.sync.describe()}")
        self.assertEqual(listed()[0]["type"], "unregistered-medium", listed())
