"""Network namespaces for mediad's link tests, and `mediad --observe-links` run inside one.

Run under run.sh like the other integration tests (a private network namespace, umockdev-wrapper).
Rules the helpers follow:
- every test gets its own namespaces with unique names (the names live in /var/run/netns, shared
  with anything else running on the machine) and deletes them in cleanup;
- `ip` runs without the umockdev preload (it must see the real /sys and /proc), and so does the
  daemon unless a test hands it a testbed: then the daemon alone runs under the preload, which is
  how a link gets a USB identity (rtnetlink is never intercepted);
- IPv6 is disabled in every namespace unless a test asks for it, and no test sends traffic:
  addresses come from the documentation ranges 192.0.2.0/24 and 2001:db8::/32 only;
- waiting is on observed state (a JSON line, `ip -j` output), never on sleeps.
"""

import itertools
import json
import os
import subprocess

from harness import Daemon, HarnessTimeout, wait_until

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build/debug/mediad"))

_PRELOAD_VARIABLES = ("LD_PRELOAD", "UMOCKDEV_DIR")
_counter = itertools.count(1)


def clean_env():
    """The environment without umockdev's preload."""
    return {k: v for k, v in os.environ.items() if k not in _PRELOAD_VARIABLES}


def ip(*args, check=True):
    """Runs `ip ARGS` without the preload; raises AssertionError with its stderr on failure."""
    result = subprocess.run(["ip", *args], env=clean_env(), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"ip {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


class Namespace:
    """One network namespace, named uniquely for this process and test."""

    def __init__(self, role="t", ipv6=False):
        self.name = f"mdl{os.getpid()}{role}{next(_counter)}"
        ip("netns", "add", self.name)
        self.deleted = False
        if not ipv6:
            self.sysctl("net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
        else:
            # IPv6 on, but quiet: no router solicitations, no autoconfigured addresses, no DAD.
            self.sysctl("net.ipv6.conf.all.accept_ra=0", "net.ipv6.conf.default.accept_ra=0",
                        "net.ipv6.conf.default.addr_gen_mode=1", "net.ipv6.conf.all.addr_gen_mode=1",
                        "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.default.router_solicitations=0")

    def sysctl(self, *assignments):
        result = subprocess.run(["ip", "netns", "exec", self.name, "sysctl", "-qw", *assignments],
                                env=clean_env(), capture_output=True, text=True)
        if result.returncode != 0:
            raise AssertionError(f"sysctl {assignments} in {self.name}: {result.stderr.strip()}")

    def ip(self, *args, check=True):
        return ip("-n", self.name, *args, check=check)

    def link(self, name):
        """`ip -j link show NAME` as a dict, or None when the link does not exist."""
        result = self.ip("-j", "link", "show", "dev", name, check=False)
        if result.returncode != 0:
            return None
        found = json.loads(result.stdout or "[]")
        return found[0] if found else None

    def is_up(self, name):
        link = self.link(name)
        return link is not None and "UP" in link.get("flags", [])

    def wait_down(self, name, timeout=10.0):
        wait_until(lambda: not self.is_up(name), timeout,
                   message=lambda: f"{name} in {self.name} to be down; it is {self.link(name)}")

    def delete(self):
        if not self.deleted:
            ip("netns", "del", self.name, check=False)
            self.deleted = True


class LinkObserver:
    """`mediad --observe-links ARGS` inside `namespace`, with helpers that wait on its lines.

    Lines are read in order through a cursor: `next_link(name, pred)` returns the first line
    after the previous match, so a state that repeats (low, then low again) is not mistaken for
    the earlier one.
    """

    def __init__(self, namespace, args, testbed=None):
        argv = ["ip", "netns", "exec", namespace.name]
        if testbed is not None:
            # The daemon alone runs under the preload and sees the fake /sys; `ip` does not.
            argv += ["env", f"LD_PRELOAD={os.environ.get('LD_PRELOAD', '')}", f"UMOCKDEV_DIR={testbed.root}"]
        argv += [MEDIAD, "--observe-links", *args]
        self.daemon = Daemon(argv, clean_env())
        if testbed is not None:
            testbed.daemons.append(self.daemon)
        self.cursor = 0

    def ready(self, timeout=20.0):
        return self.daemon.wait_json(lambda o: o.get("event") == "ready", timeout, "the ready line")

    def lines(self):
        with self.daemon._lock:
            return list(self.daemon.json)

    def present(self, name):
        """The start-up line of link `name`."""
        return next((o for o in self.lines() if o.get("event") == "present" and o["link"]["name"] == name), None)

    def next_line(self, predicate, what, timeout=10.0):
        """The first line after the cursor that satisfies predicate; moves the cursor past it."""
        def find():
            lines = self.lines()
            for index in range(self.cursor, len(lines)):
                try:
                    if predicate(lines[index]):
                        return index, lines[index]
                except (KeyError, IndexError, TypeError):
                    continue
            return None
        index, line = wait_until(find, timeout, message=lambda: f"{what}; {self.daemon.describe()}")
        self.cursor = index + 1
        return line

    def next_link(self, name, predicate=lambda link, verdict: True, what=None, timeout=10.0):
        """The next present/change line for link `name` whose link and verdict satisfy predicate."""
        return self.next_line(
            lambda o: o.get("event") in ("present", "change") and o["link"]["name"] == name
            and predicate(o["link"], o["verdict"]),
            what or f"a line for {name}", timeout)

    def next_event(self, event, name=None, what=None, timeout=10.0):
        return self.next_line(lambda o: o.get("event") == event and (name is None or o.get("name") == name),
                              what or f"a '{event}' line" + (f" for {name}" if name else ""), timeout)

    def stop(self):
        return self.daemon.stop()


def violation_types(line):
    return {v["type"]: v["severity"] for v in line["verdict"]["violations"]}


__all__ = ["HarnessTimeout", "LinkObserver", "MEDIAD", "Namespace", "clean_env", "ip", "violation_types"]
