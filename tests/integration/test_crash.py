"""mediad killed with SIGKILL in the middle of a burst of sticks, at a random point of each run
(issue 17, item 3). What must hold, read from the `authorized` files and the ledger's rows:

- at the moment of the kill, no stick is authorized without a stored allow verdict (a verdict is
  written before the device is let through, never after);
- the restarted daemon decides every stick present, those plugged while it was dead included;
- afterwards every stick's newest stored verdict matches its `authorized` value, and only
  registered sticks are allowed.

Sticks arrive as the kernel presents them under lockdown (authorized 0, `LOCKED`): the kernel keeps
`authorized_default=0` on the buses after the daemon dies. The seed of each run is printed on
failure; CRASH_SEED replays one, CRASH_STICKS sets the burst (default 1,000).
"""

import os
import random
import signal
import unittest

from guardbed import LOCKED, MEDIAD, GuardCase
from harness import wait_until

STICKS = int(os.environ.get("CRASH_STICKS", "1000"))
PER_BUS = 100
IN_FLIGHT = 8   # sticks sent ahead of the daemon's records (umockdev aborts on a full uevent queue)


class KilledMidBurst(GuardCase):
    def setUp(self):
        super().setUp()
        self.seed = int(os.environ.get("CRASH_SEED", str(random.SystemRandom().randrange(1 << 30))))
        self.rng = random.Random(self.seed)
        self.serials = [f"CRASH{index:05d}" for index in range(STICKS)]
        # Every other stick registered, so the burst has both verdicts.
        path = os.path.join(self.tb.root, "media.csv")
        with open(path, "w") as handle:
            handle.write("kind,level,holder,vendor id,product id,serial\n")
            for serial in self.serials[::2]:
                handle.write(f"usb-stick,secret,P001,0781,5567,{serial}\n")
        self.ctl("media", "import", path)
        for bus in range(1, STICKS // PER_BUS + 2):
            self.tb.add_root_hub(bus)

    def say(self, text):
        return f"seed {self.seed}: {text}"

    def attached(self):
        return self.query("SELECT count(*) FROM device_event WHERE kind = 'attach'")[0][0]

    def latest_verdicts(self):
        """syspath → the decision of its newest attach or recheck event."""
        rows = self.query("""
            SELECT e.syspath, e.decision FROM device_event e
            JOIN (SELECT syspath, max(id) AS id FROM device_event WHERE kind IN ('attach', 'recheck') GROUP BY syspath) n
              ON n.id = e.id""")
        return dict(rows)

    def allowed_ever(self):
        rows = self.query("SELECT DISTINCT syspath FROM device_event WHERE kind IN ('attach', 'recheck') AND decision = 'allow'")
        return {row[0] for row in rows}

    def restart(self):
        socket = os.path.join(self.tb.root, "mediad.sock")
        self.daemon = self.tb.start([MEDIAD, "--db", self.db, "--socket", socket])
        wait_until(lambda: any("guarding" in line for line in self.daemon.stderr) or self.daemon.proc.poll() is not None,
                   timeout=120, message=lambda: self.say(f"the restarted mediad to finish its start-up scan; {self.daemon.describe()}"))
        self.assertIsNone(self.daemon.proc.poll(), self.say(self.daemon.describe()))

    def burst_killed_between(self, low, high):
        self.start()
        kill_at = self.rng.randint(int(STICKS * low), int(STICKS * high))
        sticks = []
        killed = False
        for index, serial in enumerate(self.serials):
            bus, port = divmod(index, PER_BUS)
            sticks.append(self.tb.add_stick(port=f"{bus + 1}-{port + 1}", serial=serial, with_block=False,
                                            extra_attributes=LOCKED))
            if killed:
                continue
            if index == kill_at:
                # Mid-burst: sticks in flight, some decided, some written, some not yet read.
                self.daemon.proc.send_signal(signal.SIGKILL)
                self.daemon.proc.wait(10)
                killed = True
                allowed = self.allowed_ever()
                let_through = [s.syspath for s in sticks if self.authorized(s.syspath) == "1"]
                unrecorded = [path for path in let_through if path not in allowed]
                self.assertEqual(unrecorded, [], self.say(f"authorized without a stored allow verdict at the kill (stick {index})"))
                continue
            wait_until(lambda: self.attached() >= index + 1 - IN_FLIGHT, timeout=30,
                       message=lambda: self.say(f"mediad's record of stick {index + 1 - IN_FLIGHT}; {self.daemon.describe()}"))
        self.assertTrue(killed)

        self.restart()
        verdicts = self.latest_verdicts()
        registered = set(self.serials[::2])
        undecided = [s.syspath for s in sticks if s.syspath not in verdicts]
        self.assertEqual(undecided, [], self.say("present sticks the restarted daemon did not decide"))
        for stick, serial in zip(sticks, self.serials):
            value = self.authorized(stick.syspath)
            expected = "1" if verdicts[stick.syspath] == "allow" else "0"
            self.assertEqual(value, expected, self.say(f"{serial}: authorized {value}, newest stored verdict {verdicts[stick.syspath]}"))
            self.assertEqual(value == "1", serial in registered, self.say(f"{serial}: authorized {value}"))

    def test_killed_early_in_the_burst(self):
        self.burst_killed_between(0.05, 0.3)

    def test_killed_late_in_the_burst(self):
        self.burst_killed_between(0.6, 0.95)


if __name__ == "__main__":
    unittest.main()
