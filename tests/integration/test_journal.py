"""The log handler speaks journald's native protocol: with a journald running (a private one, in a
mount namespace of its own), each verdict is one entry with MEDIA_* fields an officer can filter on."""

import json
import os
import shutil
import subprocess
import unittest

from guardbed import GuardCase, MEDIAD

HERE = os.path.dirname(os.path.abspath(__file__))


@unittest.skipUnless(os.path.exists("/lib/systemd/systemd-journald") and shutil.which("journalctl"), "no journald")
class Journal(GuardCase):
    def test_verdicts_are_journal_entries_with_fields(self):
        self.tb.add_stick(port="1-1", serial="AA00BB11CC22", with_block=False)
        result = subprocess.run(["unshare", "-m", os.path.join(HERE, "journal.sh"), MEDIAD, self.db,
                                 os.path.join(self.tb.root, "mediad.sock")],
                                capture_output=True, text=True, timeout=60, env=dict(os.environ, UMOCKDEV_DIR=self.tb.root))
        self.assertEqual(result.returncode, 0, result.stderr)
        entries = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        self.assertEqual(len(entries), 1, result.stdout)
        entry = entries[0]
        self.assertEqual(entry["MEDIA_SERIAL"], "AA00BB11CC22")
        self.assertEqual(entry["MEDIA_DECISION"], "block")
        self.assertEqual(entry["MEDIA_PORT"], "1-1")
        self.assertEqual(entry["PRIORITY"], "4")
        self.assertIn("unregistered", entry["MESSAGE"])
