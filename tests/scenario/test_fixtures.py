"""Every template under fixtures/ deploys, alone and all together in one instance (the
benchmark's start-up point loads them all; names, keys and domains must not collide)."""
import glob
import os
import unittest

from fg import FIXTURES, Frontgate


def all_fixtures():
    found = []
    for ext in ("yaml", "yml", "json"):
        found += glob.glob(os.path.join(FIXTURES, "**", "*." + ext), recursive=True)
    return sorted(found)


class Fixtures(unittest.TestCase):
    def test_all_together(self):
        every = all_fixtures()
        self.assertGreater(len(every), 5)
        with Frontgate(fixtures=tuple(every)) as fg:
            stacks = fg.control("GET", "/stacks").json()
            names = [s["Name"] if isinstance(s, dict) else s
                     for s in (stacks.get("Stacks", stacks) if isinstance(stacks, dict) else stacks)]
            self.assertEqual(len(names), len(every), names)


if __name__ == "__main__":
    unittest.main()
