"""Runs every scenario test (tests/scenario/test_*.py, unittest) and prints a machine line
"SCENARIO-COUNTS passed=N failed=N" that scripts/test adds to its total."""
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py", top_level_dir=here)
result = unittest.TextTestRunner(verbosity=1, stream=sys.stdout).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
passed = result.testsRun - failed - len(result.skipped)
print(f"SCENARIO-COUNTS passed={passed} failed={failed}")
sys.exit(1 if failed else 0)
