"""mediad's command line: help, version and wrong options end with a message and an exit status,
before the daemon touches a device, and never with a crash.

These ran as main-actor top-level code before the executor loop starts, which once made every one
of them die of a failed isolation check (SIGILL) instead of printing.
"""

import os
import subprocess
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEDIAD = os.environ.get("MEDIAD_BIN", os.path.join(REPO, ".build/debug/mediad"))


def run(*args):
    return subprocess.run([MEDIAD, *args], capture_output=True, text=True, timeout=30)


class CommandLine(unittest.TestCase):
    def test_help_prints_usage_on_stdout(self):
        result = run("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("usage: mediad", result.stdout)
        self.assertIn("--mode MODE", result.stdout)
        self.assertEqual(result.stderr, "")

    def test_version(self):
        result = run("--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"^mediad \S+\n$")

    def test_wrong_mode_names_the_choices(self):
        result = run("--mode", "lenient")
        self.assertEqual(result.returncode, 64, result.stderr)
        self.assertIn("--mode takes enforce or audit, not 'lenient'", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_unknown_option_and_missing_value(self):
        result = run("--frobnicate")
        self.assertEqual(result.returncode, 64, result.stderr)
        self.assertIn("unknown option '--frobnicate'", result.stderr)
        self.assertIn("usage: mediad", result.stderr)
        result = run("--db")
        self.assertEqual(result.returncode, 64, result.stderr)
        self.assertIn("--db needs a value", result.stderr)


if __name__ == "__main__":
    unittest.main()
