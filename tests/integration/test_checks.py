"""清查核对 (issue 13; 001 §3.7, 002 §8.3, 004 §4.1) against the real mediad under umockdev: media
are seen by being plugged in while a check is open (the guard records it, blocked or not) or by
their numbers, typed or piped from a barcode scanner; finishing the check turns each medium not
seen into a missing-at-check violation, and a lost medium seen into a critical one. Expectations
are written from the spec, not from the code."""

import csv
import io
import json
import subprocess

from guardbed import MEDIACTL, GuardCase


class Checks(GuardCase):
    def sock(self, *args, lang="en", stdin=None, ok=True):
        """mediactl through the running daemon's socket (root: every role)."""
        result = subprocess.run([MEDIACTL, "--socket", self.socket, "--lang", lang, *args], input=stdin,
                                capture_output=True, text=True)
        if ok and result.returncode != 0:
            self.fail(f"mediactl {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result

    def check_violations(self):
        return self.query("SELECT type, severity, status, medium_number FROM violation "
                          "WHERE type IN ('missing-at-check', 'forbidden-at-check') ORDER BY id")

    def test_two_plugged_one_typed_one_piped_one_never_seen_is_one_missing(self):
        numbers = [self.register(serial="CHK000000001"),
                   self.register(serial="CHK000000002", level="top-secret"),
                   self.register(serial="CHK000000003"),
                   self.register(serial="CHK000000004"),
                   self.register(serial="CHK000000005")]
        self.assertEqual(numbers, ["U-2026-0001", "U-2026-0002", "U-2026-0003", "U-2026-0004", "U-2026-0005"])
        self.start()
        started = self.sock("check", "start", "--scope", "all", "--by", "张三", lang="zh")
        self.assertEqual(started.stdout, "清查核对 #1 已开始：全部介质，应清查 5 件介质\n")

        allowed = self.tb.add_stick(port="1-1", serial="CHK000000001")
        blocked = self.tb.add_stick(port="1-2", serial="CHK000000002")
        self.wait_event(allowed.syspath)
        self.wait_event(blocked.syspath)
        self.wait_authorized(blocked.syspath, "0")

        typed = self.sock("check", "see", "U-2026-0003")
        self.assertEqual(typed.stdout, "seen U-2026-0003\n")
        piped = self.sock("check", "see", "-", stdin="U-2026-0004\r\n\nU-2026-0003\n")
        self.assertEqual(piped.stdout, "seen U-2026-0004\nU-2026-0003 already seen\n")
        unknown = self.sock("check", "see", "U-1999-0001", ok=False)
        self.assertEqual(unknown.returncode, 66, unknown.stderr)
        self.assertIn("U-1999-0001", unknown.stderr)

        status = json.loads(self.sock("check", "status", "--format", "json").stdout)
        self.assertEqual([line["number"] for line in status["seen"]], ["U-2026-0001", "U-2026-0002", "U-2026-0003", "U-2026-0004"])
        self.assertEqual([line["how"] for line in status["seen"]], ["plugged", "plugged", "typed", "typed"])
        self.assertEqual([line.get("decision") for line in status["seen"]], ["allow", "block", None, None])
        self.assertEqual([line["number"] for line in status["notSeen"]], ["U-2026-0005"])
        self.assertEqual(status["outside"], [])
        self.assertEqual(self.check_violations(), [], "nothing is missing before the check is finished")

        finished = self.sock("check", "finish")
        self.assertIn("expected 5, seen 4, not seen 1, seen outside the scope 0", finished.stdout)
        self.assertEqual(self.check_violations(), [("missing-at-check", "high", "open", "U-2026-0005")])
        self.assertEqual(self.query("SELECT state, ended_by FROM media_check"), [("finished", "root")])

        listing = self.sock("checks", "--format", "csv").stdout
        rows = list(csv.reader(io.StringIO(listing.lstrip("\ufeff"))))
        self.assertEqual(rows[1][0:3] + rows[1][4:5] + rows[1][6:8], ["1", "all media", "张三", "finished", "5", "4"])

        form = self.sock("report", "check", "1", "--format", "csv", "--tz", "UTC", lang="zh").stdout
        lines = list(csv.reader(io.StringIO(form.lstrip("\ufeff"))))
        self.assertEqual(lines[0], ["统一编号", "责任人", "部门", "台账状态", "在清查范围内", "结果", "方式", "见到时间", "接入裁决", "记录人"])
        self.assertEqual([line[0] for line in lines[1:]], numbers)
        self.assertEqual([line[5] for line in lines[1:]], ["已见", "已见", "已见", "已见", "未见"])
        self.assertEqual([line[8] for line in lines[1:]], ["允许", "阻断", "", "", ""])
        html = self.sock("report", "check", "1", "--format", "html").stdout
        self.assertIn("Media check form (check #1)", html)
        self.assertIn("Checker", html)

    def test_a_lost_medium_plugged_in_during_a_check_is_critical(self):
        kept = self.register(serial="CHK000000011")
        lost = self.register(serial="CHK000000012")
        self.ctl("media", "lost", lost, "--reported-by", "P001")
        self.start()
        # Local mode beside the running daemon: the same ledger, the same rules.
        self.ctl("check", "start", "--scope", "holder", "P001", "--by", "张三")
        self.ctl("check", "see", kept)
        stick = self.tb.add_stick(port="1-1", serial="CHK000000012")
        self.wait_event(stick.syspath)
        self.wait_authorized(stick.syspath, "0")
        status = json.loads(self.ctl("check", "status", "--format", "json").stdout)
        self.assertEqual(status["check"]["scope"], {"kind": "holder", "value": "P001"})
        self.assertEqual([(line["number"], line["state"], line["decision"]) for line in status["outside"]],
                         [(lost, "lost", "block")])
        self.ctl("check", "finish")
        self.assertEqual(self.check_violations(), [("forbidden-at-check", "critical", "open", lost)])

    def test_one_check_at_a_time_and_an_abandoned_one_is_cancelled(self):
        self.register(serial="CHK000000021")
        self.start()
        self.sock("check", "start", "--scope", "all", "--by", "张三")
        second = self.sock("check", "start", "--scope", "all", "--by", "李四", ok=False)
        self.assertEqual(second.returncode, 65, second.stderr)
        self.assertIn("check #1", second.stderr)
        self.assertEqual(self.sock("check", "cancel", "--reason", "停电", lang="zh").stdout, "清查核对 #1 已取消\n")
        self.assertEqual(self.query("SELECT state, note FROM media_check"), [("cancelled", "停电")])
        self.assertEqual(self.check_violations(), [])
        self.assertEqual(self.sock("check", "finish", ok=False).returncode, 66)
