"""The unit file and the installation: systemd-analyze verify prints nothing, the hardening scores
strictly better than Debian's usbguard.service, and make install/uninstall put and take the files."""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

from guardbed import MEDIAD, REPO

USBGUARD_UNIT = "/lib/systemd/system/usbguard.service"


def exposure(unit):
    out = subprocess.run(["systemd-analyze", "security", "--offline=true", unit], capture_output=True, text=True).stdout
    return float(re.search(r"Overall exposure level for \S+: ([0-9.]+)", out).group(1))


class UnitFile(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir, True)
        with open(os.path.join(REPO, "systemd/mediad.service.in")) as source:
            text = source.read().replace("@BINDIR@", os.path.dirname(MEDIAD))
        self.unit = os.path.join(self.dir, "mediad.service")
        with open(self.unit, "w") as handle:
            handle.write(text)

    def test_verify_prints_nothing(self):
        result = subprocess.run(["systemd-analyze", "verify", "--man=no", self.unit], capture_output=True, text=True)
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "", ""))

    @unittest.skipUnless(os.path.exists(USBGUARD_UNIT), "Debian's usbguard package is not installed")
    def test_hardening_scores_better_than_usbguard(self):
        ours, theirs = exposure(self.unit), exposure(USBGUARD_UNIT)
        with open(os.environ.get("MEDIAD_SCORES", "/dev/null"), "w") as out:
            out.write(f"mediad.service {ours}\nusbguard.service {theirs}\n")
        self.assertLess(ours, theirs)


class Install(unittest.TestCase):
    def test_install_and_uninstall_into_a_staging_root(self):
        root = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, root, True)
        make = ["make", "-s", "-C", REPO, f"DESTDIR={root}", "PREFIX=/usr", f"INSTALL_FROM={os.path.dirname(MEDIAD)}"]
        subprocess.run(make + ["install"], check=True, capture_output=True)
        expected = ["usr/bin/mediad", "usr/bin/mediactl", "usr/lib/systemd/system/mediad.service", "etc/mediad/mediad.conf",
                    "usr/share/man/man1/mediactl.1", "usr/share/man/man8/mediad.8", "usr/share/man/man5/mediad.conf.5",
                    "usr/share/bash-completion/completions/mediactl", "usr/share/zsh/site-functions/_mediactl",
                    "usr/share/fish/vendor_completions.d/mediactl.fish"]
        for path in expected:
            self.assertTrue(os.path.isfile(os.path.join(root, path)), path)
        with open(os.path.join(root, "usr/lib/systemd/system/mediad.service")) as unit:
            self.assertIn("ExecStart=/usr/bin/mediad", unit.read())
        self.assertIn("media", open(os.path.join(root, "usr/share/bash-completion/completions/mediactl")).read())
        ledger = os.path.join(root, "var/lib/mediad/mediad.db")
        os.makedirs(os.path.dirname(ledger))
        open(ledger, "w").close()
        subprocess.run(make + ["uninstall"], check=True, capture_output=True)
        for path in expected:
            if path.startswith("etc/"):
                continue
            self.assertFalse(os.path.exists(os.path.join(root, path)), path)
        self.assertTrue(os.path.exists(ledger), "uninstall leaves the ledger")
        self.assertTrue(os.path.exists(os.path.join(root, "etc/mediad/mediad.conf")), "and the configuration")
