"""Writes Tests/Fixtures/ledger-v4.db: a ledger written by a previous release of mediad and
mediactl (schema v1–v4), with a row in every table, for the test that opens it with the current
code (LedgerFixtureTests) and finds every row intact.

Run under the preload like the integration tests, with the OLD binaries:
    MEDIAD_BIN=/path/to/old/mediad MEDIACTL_BIN=/path/to/old/mediactl \
        tests/integration/run.sh make_fixture_ledger.MakeFixture
The file is then copied to FIXTURE_OUT (default Tests/Fixtures/ledger-v4.db).
"""

import os
import shutil
import signal
import sqlite3

from guardbed import LOCKED, REPO, GuardCase


class MakeFixture(GuardCase):
    def test_make(self):
        ctl = self.ctl
        ctl("person", "add", "--id", "P003", "--name", "王五", "--department", "保密办", "--clearance", "general")
        ctl("computer", "add", "--asset-no", "PC-002", "--level", "confidential", "--network", "standalone")
        ctl("host", "set", "--location", "301室", "--key-area", "yes", "--disk-serials", "WD-123", "--macs", "02:00:00:00:00:01")
        ctl("media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P001",
            "--vendor", "0781", "--product", "5567", "--serial", "4C530001230101104353", "--capacity", str(30031872 * 512),
            "--place", "密码柜3", "--bind", "PC-001")
        ctl("media", "register", "--kind", "usb-disk", "--level", "confidential", "--holder", "P002",
            "--vendor", "0bc2", "--product", "2322", "--serial", "NA8ABCDE")
        ctl("media", "register", "--kind", "optical", "--level", "top-secret", "--holder", "P001", "--number", "GP-OLD-1")
        ctl("media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P002",
            "--vendor", "090c", "--product", "1000", "--serial", "AA0000000001")
        ctl("media", "register", "--kind", "usb-stick", "--level", "internal", "--holder", "P003",
            "--vendor", "090c", "--product", "1000", "--serial", "AA0000000002")
        ctl("media", "checkout", "YP-2026-0001", "--to", "P001", "--due", "2099-01-01")
        ctl("media", "retire", "U-2026-0002", "--approver", "李四")
        ctl("media", "destroy", "U-2026-0002", "--approver", "李四", "--method", "shred", "--witness", "王五")
        ctl("media", "reclassify", "GP-OLD-1", "--level", "secret", "--approver", "李四", "--reason", "定密期限届满")
        ctl("media", "lost", "U-2026-0003", "--reported-by", "P003")
        ctl("person", "depart", "P003", "--date", "2026-11-01", "--declassified-until", "2027-11-01")
        # The guard's records: a blocked stranger, an allowed medium, a stop.
        self.start()
        stranger = self.tb.add_stick(port="1-2", serial="STRANGER0001", with_block=False)
        self.wait_event(stranger.syspath)
        stick = self.tb.add_stick(port="1-1", extra_attributes=LOCKED)
        self.wait_authorized(stick.syspath, "1")
        self.wait_event(stick.syspath)
        self.tb.remove(stranger.syspath)
        self.wait_event(stranger.syspath, "detach")
        self.assertEqual(self.daemon.stop(), 0)
        vid = self.query("SELECT id FROM violation ORDER BY id LIMIT 1")[0][0]
        ctl("violations", "ack", str(vid), "--note", "已收回")
        connection = sqlite3.connect(self.db)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.close()
        out = os.environ.get("FIXTURE_OUT", os.path.join(REPO, "Tests/Fixtures/ledger-v4.db"))
        shutil.copyfile(self.db, out)
