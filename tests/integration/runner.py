"""Runs unittest modules and ends with one line "N passed, N failed, N skipped" (exit 1 on any
failure). CI reads the line's start; a skipped test is named after it, with its reason, so a
missing tool is seen rather than taken for a pass (`make deps` installs what the tests need).

Used by run.sh inside the private network namespace and under umockdev-wrapper.
Arguments: test names as for `python3 -m unittest` (default: every test_*.py here).
"""

import os
import sys
import unittest


def summary(passed, failed, skipped):
    """The last line: `9 passed, 0 failed, 1 skipped: test_journal.Journal.test_x (no journald)`."""
    line = f"{passed} passed, {failed} failed, {len(skipped)} skipped"
    if skipped:
        line += ": " + ", ".join(f"{test.id()} ({reason})" for test, reason in skipped)
    return line


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    loader = unittest.TestLoader()
    if argv:
        suite = loader.loadTestsFromNames(argv)
    else:
        suite = loader.discover(here, pattern="test_*.py", top_level_dir=here)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    # A module's or class's set-up that fails is an error without a test run: not one to subtract.
    ran = lambda items: sum(1 for test, _ in items if isinstance(test, unittest.TestCase))
    passed = result.testsRun - ran(result.failures) - ran(result.errors) - len(result.unexpectedSuccesses) - len(result.skipped)
    sys.stdout.flush()
    print(summary(passed, failed, result.skipped), flush=True)
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
