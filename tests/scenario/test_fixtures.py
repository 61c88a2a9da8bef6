"""Every template under fixtures/ deploys, alone and all together in one instance (the
benchmark's start-up point loads them all; names, keys and domains must not collide)."""
import glob
import os
import shutil
import tempfile
import unittest

from fg import FIXTURES, Frontgate, StartError


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


class StackNameMetadata(unittest.TestCase):
    """A template's top-level Metadata.Frontgate.StackName names the stack --fixture makes
    (several fixtures/seeds/*/template.yaml; templates that read AWS::StackName)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="fg-fixture-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, folder, text):
        os.makedirs(os.path.join(self.tmp, folder))
        path = os.path.join(self.tmp, folder, "template.yaml")
        with open(path, "w") as fh:
            fh.write(text)
        return path

    def test_named_by_metadata_else_by_file(self):
        body = ("Resources:\n  Logs: {Type: AWS::Logs::LogGroup}\n"
                "Outputs:\n  Me: {Value: !Ref AWS::StackName}\n")
        a = self.write("a", "Metadata: {Frontgate: {StackName: prod--app}}\n" + body)
        b = self.write("b", body)
        with Frontgate(fixtures=(a, b)) as f:
            names = sorted(s["Name"] for s in f.control("GET", "/stacks").json()["Stacks"])
            self.assertEqual(names, ["b", "prod--app"], "a template.yaml is named after its folder")
            me = f.control("GET", "/stacks/prod--app").json()["Outputs"]["Me"]
            self.assertEqual(me, "prod--app")

    def test_invalid_name_stops_start_up(self):
        a = self.write("a", "Metadata: {Frontgate: {StackName: 1-bad}}\n"
                            "Resources:\n  Logs: {Type: AWS::Logs::LogGroup}\n")
        with self.assertRaises(StartError) as e:
            Frontgate(fixtures=(a,))
        self.assertEqual(e.exception.code, 2)
        self.assertIn("Metadata.Frontgate.StackName: 1 validation error detected: Value '1-bad' "
                      "at 'stackName' failed to satisfy constraint", e.exception.stderr)
        b = self.write("b", "Metadata: {Frontgate: {StackName: [x]}}\n"
                            "Resources:\n  Logs: {Type: AWS::Logs::LogGroup}\n")
        with self.assertRaises(StartError) as e:
            Frontgate(fixtures=(b,))
        self.assertIn("Metadata.Frontgate.StackName must be a string", e.exception.stderr)


if __name__ == "__main__":
    unittest.main()
