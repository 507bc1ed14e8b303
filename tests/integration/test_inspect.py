"""mediactl inspect (保密检查, M19) against the real daemon under umockdev, through its socket.

From the regulation, written by hand: the guard must run, enforce and lock the ports; a usable
device must have been allowed (a blocked one still plugged in is only a warning); the admin trail
must verify; the guard must not have been down since the last inspection. A computer in order exits
0 (the missing media check is a warning); each breach is named as the failing item and exits 1.
With --db mediad is not asked, and its items fail: an inspection never passes what it cannot see.
Every run is stored with who ran it."""

import datetime
import json
import signal
import subprocess

from guardbed import MEDIACTL
from harness import wait_until
from test_control import SocketCase

NOT_RUNNING_EN = "mediad is not running / not reachable, so this cannot be checked"
NOT_RUNNING_ZH = "mediad 未运行或无法连接，无法检查"


class Inspect(SocketCase):
    def inspect(self, *args, lang="en", local=False):
        where = ["--db", self.db] if local else ["--socket", self.socket]
        return subprocess.run([MEDIACTL, *where, "--lang", lang, "inspect", "--tz", "UTC", *args],
                              capture_output=True, text=True, timeout=30)

    def items(self, result):
        """{item: (status, reason, action)} from --format json."""
        record = json.loads(result.stdout)
        return {i["id"]: (i["status"], i["reason"]["en"], (i.get("action") or {}).get("en")) for i in record["items"]}

    def statuses(self, result):
        return {item: status for item, (status, _, _) in self.items(result).items()}

    HEALTHY = {"guard": "pass", "host": "pass", "links": "pass", "devices": "pass", "trail": "pass", "gaps": "pass",
               "violations": "pass", "loans": "pass", "departed": "pass", "media-check": "warn", "clock": "pass"}

    def test_a_healthy_computer_exits_0_and_each_run_is_stored_with_who_ran_it(self):
        self.register(serial="AA00BB11CC22")
        stick = self.tb.add_stick(port="1-1", serial="AA00BB11CC22")
        self.start()
        self.wait_authorized(stick.syspath, "1")
        result = self.inspect("--format", "json")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.statuses(result), self.HEALTHY)
        self.assertEqual(self.items(result)["media-check"][1], "no check on record")
        self.assertEqual(self.items(result)["host"][1], "PC-001: secret, standalone, holder P001")
        # An auditor inspects too, in Chinese, as a form.
        auditor = self.as_user("auditor", "inspect")
        self.assertEqual(auditor.returncode, 0, auditor.stderr)
        self.assertIn("Guard running, enforcing, locked down", auditor.stdout)
        zh = self.inspect(lang="zh")
        self.assertEqual(zh.returncode, 0, zh.stderr)
        self.assertIn("检查结论", zh.stdout)
        self.assertIn("没有已完成的介质清查记录", zh.stdout)
        html = self.inspect("--format", "html")
        self.assertEqual(html.returncode, 0, html.stderr)
        self.assertIn("<html", html.stdout)
        self.assertIn("Security inspection", html.stdout)
        for who in ("admin", "officer"):
            self.assertEqual(self.as_user(who, "inspect").returncode, 0, who)
        # Someone with no role may not.
        self.assertEqual(self.as_user("other", "inspect").returncode, 77)
        rows = self.query("SELECT actor_uid, result FROM inspection ORDER BY id")
        self.assertEqual(rows, [(0, "warn"), (4303, "warn"), (0, "warn"), (0, "warn"), (4301, "warn"), (4302, "warn")])
        stored = json.loads(self.query("SELECT items FROM inspection WHERE id = 1")[0][0])
        self.assertEqual({i["id"]: i["status"] for i in stored}, self.HEALTHY)
        listing = self.as_user("auditor", "inspections", "--tz", "UTC")
        self.assertEqual(listing.returncode, 0, listing.stderr)
        self.assertEqual(len(listing.stdout.splitlines()), 2 + 6)
        self.assertIn("auditor", listing.stdout.replace("4303", "auditor"))

    def test_audit_mode_fails_the_guard_item(self):
        self.start("--mode", "audit")
        result = self.inspect("--format", "json")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(self.statuses(result), {**self.HEALTHY, "guard": "fail"})
        self.assertEqual(self.items(result)["guard"][1], "mediad runs, but it runs in audit mode (records, blocks nothing)")
        zh = self.inspect(lang="zh")
        self.assertEqual(zh.returncode, 1)
        self.assertIn("mediad 在运行，但处于审计模式（只记录不阻断）", zh.stdout)
        self.assertEqual(self.query("SELECT result FROM inspection ORDER BY id"), [("fail",), ("fail",)])
        # The quarterly audit report lists them: when, who, the result, the items that failed.
        today = datetime.date.today()
        quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
        report = self.as_user("auditor", "report", "audit", "--quarter", quarter, "--format", "json", "--tz", "UTC")
        self.assertEqual(report.returncode, 0, report.stderr)
        rows = json.loads(report.stdout)["tables"]["inspections"]
        self.assertEqual([(r["by"], r["result"], r["failed"]) for r in rows],
                         [("root (uid 0)", "fail", "Guard running, enforcing, locked down")] * 2)
        text = self.as_user("auditor", "report", "audit", "--quarter", quarter, "--lang", "zh")
        self.assertIn("监控程序运行、强制模式、端口锁定", text.stdout)

    def test_a_stick_authorized_behind_the_guards_back_fails_the_devices_item(self):
        stick = self.tb.add_stick(port="1-1", serial="DD00EE11FF22")
        self.start()
        self.wait_authorized(stick.syspath, "0")
        self.wait_event(stick.syspath)
        blocked = self.inspect("--format", "json")
        self.assertEqual(blocked.returncode, 0, blocked.stderr)
        self.assertEqual(self.items(blocked)["devices"][:2],
                         ("warn", "blocked devices still plugged in: 1-1 (0781:5567 DD00EE11FF22)"))
        self.tb.set_attr(stick.syspath, "authorized", "1\n")
        result = self.inspect("--format", "json")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(self.statuses(result), {**self.HEALTHY, "devices": "fail"})
        self.assertEqual(self.items(result)["devices"][1],
                         "usable without a stored allow verdict (authorized behind the guard's back?): 1-1 (0781:5567 DD00EE11FF22)")
        zh = self.inspect(lang="zh")
        self.assertEqual(zh.returncode, 1)
        self.assertIn("设备可用但没有准许裁决", zh.stdout)

    def test_a_root_hub_opened_behind_the_guards_back_fails_the_guard_item(self):
        self.start()
        hub = self.tb.add_root_hub(1)
        wait_until(lambda: self.tb.read_attr(hub, "authorized_default") == "0", message="the lockdown")
        self.tb.set_attr(hub, "authorized_default", "1\n")
        result = self.inspect("--format", "json")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(self.statuses(result), {**self.HEALTHY, "guard": "fail"})
        self.assertEqual(self.items(result)["guard"][1],
                         "mediad runs, but root hub usb1 has authorized_default other than 0 (the lockdown was undone)")

    def test_an_edited_trail_row_fails_the_trail_item(self):
        self.start()
        self.execute("UPDATE trail SET new_value = 'P002' WHERE id = 2")
        result = self.inspect("--format", "json")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(self.statuses(result), {**self.HEALTHY, "trail": "fail"})
        self.assertTrue(self.items(result)["trail"][1].startswith("the admin trail was altered: "), self.items(result)["trail"])
        self.assertIn("#2", self.items(result)["trail"][1])
        listing = self.as_user("root", "inspections")
        self.assertIn("trail", listing.stdout)

    def test_a_gap_since_the_last_inspection_fails_once(self):
        daemon = self.start()
        self.assertEqual(self.inspect().returncode, 0)
        daemon.proc.send_signal(signal.SIGKILL)
        daemon.proc.wait()
        self.start()
        result = self.inspect("--format", "json")
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertEqual(self.statuses(result)["gaps"], "fail")
        # The gap was reported; the next inspection looks only after it.
        self.assertEqual(self.statuses(self.inspect("--format", "json"))["gaps"], "pass")

    def test_without_the_daemon_the_guard_items_fail_never_pass(self):
        self.start()
        for lang, message in (("en", NOT_RUNNING_EN), ("zh", NOT_RUNNING_ZH)):
            result = self.inspect(lang=lang, local=True)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn(message, result.stdout)
        result = self.inspect("--format", "json", local=True)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(self.statuses(result), {**self.HEALTHY, "guard": "fail", "links": "fail", "devices": "fail"})
        self.assertEqual(self.items(result)["guard"][1], NOT_RUNNING_EN)
        # And a socket nobody answers is an error, not a pass.
        self.daemon.stop()
        unreachable = self.inspect()
        self.assertEqual(unreachable.returncode, 69, unreachable.stdout)
