"""What an officer and an administrator do at the hub about the unit's computers. The reports count
what the computers recorded: a stick allowed on PC-001 is in the unit's audit (named by its
computer), in one computer's audit and not in the other's, and in the hub's event list; the records
are read from PostgreSQL, where the hub keeps them. A computer's record is changed at the hub
(`computer set`) and the change reaches that computer's replica.
"""

import datetime
import json
import unittest

from harness import wait_until
from unitbed import Unit

STICK = dict(vendor="0781", product="5567", serial="4C530001230101104353")
SECTORS = 30031872


class HubReports(unittest.TestCase):
    def setUp(self):
        self.unit = Unit(self, count=2)
        self.hub = self.unit.hub
        self.pc1, self.pc2 = self.unit.computers

    def audit(self, *extra):
        today = datetime.date.today().isoformat()
        shown = self.hub.ctl("report", "audit", "--from", today, "--to", today, "--tz", "UTC", "--format", "json", *extra)
        return json.loads(shown.stdout)

    def test_the_units_audit_and_events_hold_the_computers_records(self):
        self.hub.ctl("media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P001",
                     "--vendor", STICK["vendor"], "--product", STICK["product"], "--serial", STICK["serial"],
                     "--capacity", str(SECTORS * 512), "--bind", "PC-001")
        number = next(m["number"] for m in json.loads(self.hub.ctl("media", "list", "--format", "json").stdout))
        self.pc1.start_mediad()
        self.unit.enrol(self.pc1)
        self.pc1.activate()
        stick = self.pc1.tb.add_stick(port="1-1", serial=STICK["serial"], sectors=SECTORS)
        wait_until(lambda: self.pc1.tb.read_attr(stick.syspath, "authorized") == "1", timeout=15,
                   message=lambda: f"the stick allowed on PC-001; {self.pc1.mediad.describe()}")
        self.unit.wait_delivered(self.pc1)

        report = self.audit()
        self.assertEqual(report["totals"]["attached_allowed"], 1, report["totals"])
        self.assertGreaterEqual(report["totals"]["guard_starts"], 1, report["totals"])
        used = report["tables"]["devices_used"]
        self.assertEqual([(u["computer"], u["serial"], u["medium"], u["count"]) for u in used],
                         [("PC-001", STICK["serial"], number, 1)])
        self.assertIn("PC-001", {e["computer"] for e in report["tables"]["guard"]})

        one = self.audit("--computer", "PC-001")
        self.assertEqual(one["totals"]["attached_allowed"], 1)
        self.assertEqual(one["totals"]["computers"], 1)
        other = self.audit("--computer", "PC-002")
        self.assertEqual(other["totals"]["attached_allowed"], 0)
        self.assertEqual(other["tables"]["devices_used"], [])
        unknown = self.hub.ctl("report", "audit", "--computer", "PC-404", ok=False)
        self.assertNotEqual(unknown.returncode, 0)
        self.assertIn("PC-404", unknown.stderr)

        events = json.loads(self.hub.ctl("events", "--format", "json").stdout)
        # The stick's attachment, once, on PC-001. (A CI run once saw another attachment without a
        # serial beside it: the stray no-serial device of these testbeds, printed here if it fails.)
        sticks = [e for e in events if e["kind"] == "attach" and e.get("serial") == STICK["serial"]]
        self.assertEqual([(e["computer"], e["decision"]) for e in sticks], [("PC-001", "allow")], events)
        table = self.hub.ctl("events", "--lang", "en").stdout
        self.assertIn("COMPUTER", table)

    def test_a_computers_record_is_changed_at_the_hub_and_reaches_it(self):
        self.pc1.start_mediad()
        self.unit.enrol(self.pc1)
        self.hub.ctl("computer", "set", "PC-001", "--location", "机要室 301", "--lan-prefix", "192.0.2.0/24,10.8.0.0/16")
        listed = {c["assetNumber"]: c for c in json.loads(self.hub.ctl("computer", "list", "--format", "json").stdout)}
        self.assertEqual(listed["PC-001"]["location"], "机要室 301")
        self.assertEqual(listed["PC-001"]["allowedInterfaces"], ["eth0"])      # untouched
        self.unit.wait_current(self.pc1)
        self.assertEqual(self.pc1.query("SELECT location FROM computer WHERE asset_number = 'PC-001'"), [("机要室 301",)])
        prefixes = self.pc1.query("SELECT lan_prefixes FROM computer WHERE asset_number = 'PC-001'")[0][0]
        self.assertEqual(json.loads(prefixes), ["192.0.2.0/24", "10.8.0.0/16"])
        # On the enrolled computer the same command is refused, naming the hub.
        refused = self.pc1.ctl("computer", "set", "PC-001", "--location", "别处", ok=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("hub", refused.stderr)
        # An unknown computer is named.
        unknown = self.hub.ctl("computer", "set", "PC-404", "--location", "无", ok=False)
        self.assertIn("PC-404", unknown.stderr)


if __name__ == "__main__":
    unittest.main()
