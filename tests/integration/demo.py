"""`make demo`: the administrator's story, told by the real mediad and mediactl on fake USB hardware.

An unregistered stick is blocked; the administrator registers it; plugged in again it is allowed;
a secret stick on a confidential computer is blocked; the officer lists the violations.
"""

import os
import subprocess
import sys

from guardbed import LOCKED, MEDIACTL, MEDIAD
from harness import Testbed, wait_until

LANG = os.environ.get("DEMO_LANG", "zh")


def say(text):
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def ctl(db, *args):
    shown = " ".join(a if " " not in a else f'"{a}"' for a in args)
    print(f"$ mediactl {shown}", flush=True)
    result = subprocess.run([MEDIACTL, "--db", db, "--lang", LANG, *args], capture_output=True, text=True)
    sys.stdout.write(result.stdout + result.stderr)
    sys.stdout.flush()
    if result.returncode != 0:
        raise SystemExit(f"mediactl failed with {result.returncode}")


def authorized(tb, syspath):
    return tb.read_attr(syspath, "authorized")


def wait_authorized(tb, syspath, value):
    wait_until(lambda: authorized(tb, syspath) == value, message=f"{syspath}/authorized to read {value}")
    print(f"   {syspath}/authorized = {value}", flush=True)


def main():
    tb = Testbed()
    try:
        db = os.path.join(tb.root, "ledger.db")
        say("This computer: PC-001, 秘密 (confidential), standalone; its people")
        ctl(db, "person", "add", "--id", "P001", "--name", "张三", "--department", "办公室", "--clearance", "important")
        ctl(db, "host", "set", "--asset-no", "PC-001", "--level", "秘密", "--network", "standalone", "--holder", "P001")
        tb.add_root_hub(1)

        say("mediad starts: root hubs locked down (authorized_default=0)")
        daemon = tb.start([MEDIAD, "--db", db, "--socket", os.path.join(tb.root, "mediad.sock")])
        wait_until(lambda: any("guarding" in line for line in daemon.stderr), message="mediad to start")
        print(f"   usb1/authorized_default = {tb.read_attr('/sys/devices/pci0000:00/0000:00:14.0/usb1', 'authorized_default')}")

        say("An unregistered stick is plugged in")
        stick = tb.add_stick(port="1-1", serial="AA00BB11CC22", extra_attributes=LOCKED)
        wait_until(lambda: any("1-1" in line for line in daemon.stderr), message="a verdict")
        wait_authorized(tb, stick.syspath, "0")
        ctl(db, "violations", "list", "--open")

        say("The administrator registers the last unregistered device")
        ctl(db, "media", "register", "--last-unregistered", "--kind", "usb-stick", "--level", "秘密", "--holder", "P001",
            "--place", "密码柜3")

        say("Plugged in again, it is allowed")
        tb.remove(stick.syspath)
        stick = tb.add_stick(port="1-1", serial="AA00BB11CC22", extra_attributes=LOCKED)
        wait_authorized(tb, stick.syspath, "1")

        say("A 机密 (secret) stick, registered, is plugged into this 秘密 computer")
        ctl(db, "person", "add", "--id", "P002", "--name", "李四", "--clearance", "core")
        ctl(db, "media", "register", "--kind", "usb-stick", "--level", "机密", "--holder", "P002", "--vendor", "0781",
            "--product", "5581", "--serial", "4C531001550823117282")
        secret = tb.add_stick(port="1-2", product="5581", serial="4C531001550823117282", extra_attributes=LOCKED)
        wait_until(lambda: len([l for l in daemon.stderr if "1-2" in l]) >= 1, message="a verdict for 1-2")
        wait_authorized(tb, secret.syspath, "0")

        say("The officer's view: violations and events")
        ctl(db, "violations", "list")
        ctl(db, "events")
        ctl(db, "media", "list")
        daemon.stop()
    finally:
        tb.cleanup()


if __name__ == "__main__":
    main()
