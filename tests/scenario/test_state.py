"""State in SQLite (issue 2 §4, §7): restart persistence on a file database, one process per
database file, the default database path, GET/PUT /state snapshot and restore, POST /reset,
and GET /resources."""
import json
import os
import shutil
import signal
import tempfile
import unittest

import fg
from fg import Frontgate

EXPORTER = {
    "Parameters": {"Env": {"Type": "String", "Default": "dev"},
                   "Secret": {"Type": "String", "NoEcho": True, "Default": "hunter2"}},
    "Resources": {
        "Role": {"Type": "AWS::DynamoDB::Table",
                 "Properties": {"TableName": {"Fn::Sub": "${Env}-app-role"}}},
        "Logs": {"Type": "AWS::Logs::LogGroup"},
        "Topic": {"Type": "AWS::SNS::Topic", "Metadata": {"Frontgate": {"Id": "pinned-topic"}}},
    },
    "Outputs": {
        "RoleArn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-RoleArn"}}},
        "Where": {"Value": {"Fn::Sub": "${Env}/${AWS::Region}"}},
    },
}

IMPORTER = {
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Role2": {"Type": "AWS::DynamoDB::Table"},
    },
    "Outputs": {"Imported": {"Value": {"Fn::ImportValue": "base-RoleArn"}}},
}


def tmpdir(test):
    d = tempfile.mkdtemp(prefix="fg-state-")
    test.addCleanup(shutil.rmtree, d, True)
    return d


def started(test, *args, **kw):
    f = Frontgate(*args, **kw)
    test.addCleanup(f.stop)
    return f


def deploy_pair(f):
    f.deploy("base", EXPORTER, {"Env": "prod"})
    f.deploy("app", IMPORTER)


def stacks(f):
    r = f.control("GET", "/stacks")
    assert r.status == 200, r.body
    return r.json()["Stacks"]


def state(f):
    r = f.control("GET", "/state")
    assert r.status == 200, r.body
    return r.json()


class Persistence(unittest.TestCase):
    def test_restart_serves_same_stacks(self):
        db = os.path.join(tmpdir(self), "state.db")
        with Frontgate(db=db) as f:
            self.assertEqual(f.ready["db"], db)
            deploy_pair(f)
            before = stacks(f)
            before_state = state(f)
            self.assertEqual([s["Name"] for s in before], ["base", "app"])
            self.assertEqual(before[1]["Outputs"]["Imported"],
                             "arn:aws:dynamodb:us-east-1:123456789012:table/prod-app-role")
        self.assertTrue(os.path.exists(db))
        with Frontgate(db=db) as f:
            after = stacks(f)
            self.assertEqual(after, before)
            for b, a in zip(before, after):
                self.assertEqual([r["PhysicalId"] for r in a["Resources"]],
                                 [r["PhysicalId"] for r in b["Resources"]])
                self.assertEqual(a["Outputs"], b["Outputs"])
            self.assertEqual(state(f), before_state)
            # the restored world still enforces the import: the exporter cannot go
            self.assertEqual(f.control("DELETE", "/stacks/base").status, 409)
            # and it can still be changed; the change persists again
            self.assertEqual(f.control("DELETE", "/stacks/app").status, 200)
        with Frontgate(db=db) as f:
            self.assertEqual([s["Name"] for s in stacks(f)], ["base"])
            self.assertEqual(f.control("GET", "/stacks/app").status, 404)

    def test_update_persists(self):
        db = os.path.join(tmpdir(self), "state.db")
        with Frontgate(db=db) as f:
            f.deploy("base", EXPORTER, {"Env": "one"})
            r = f.deploy("base", EXPORTER, {"Env": "two"})
            self.assertEqual(r.status, 200)
        with Frontgate(db=db) as f:
            s = f.control("GET", "/stacks/base").json()
            self.assertEqual(s["Status"], "UPDATE_COMPLETE")
            self.assertEqual(s["Outputs"]["Where"], "two/us-east-1")
            self.assertEqual(s["Parameters"]["Secret"], "****")

    def test_put_state_and_reset_persist(self):
        db = os.path.join(tmpdir(self), "state.db")
        with Frontgate() as src:
            deploy_pair(src)
            snap = state(src)
        with Frontgate(db=db) as f:
            self.assertEqual(f.control("PUT", "/state", snap).status, 200)
        with Frontgate(db=db) as f:
            self.assertEqual(state(f), snap)
            self.assertEqual(f.control("POST", "/reset").status, 200)
        with Frontgate(db=db) as f:
            self.assertEqual(stacks(f), [])

    def test_restart_after_sigint(self):
        db = os.path.join(tmpdir(self), "state.db")
        proc, line = fg.start_ready(["--db", db] + fg.PORTS0)
        ctl = json.loads(line)["control"]
        self.assertIn(fg.request(ctl, "PUT", "/stacks/base",
                                 {"Template": EXPORTER}).status, (200, 201))
        code, err = fg.stop_raw(proc, signal.SIGINT)
        self.assertEqual(code, 0, err)
        with Frontgate(db=db) as f:
            self.assertEqual([s["Name"] for s in stacks(f)], ["base"])


class OneProcessPerDatabase(unittest.TestCase):
    def test_second_process_refused_then_allowed(self):
        db = os.path.join(tmpdir(self), "shared.db")
        first = started(self, db=db)
        first.deploy("base", EXPORTER)
        second = Frontgate(db=db, check=False)
        if second.ready is not None:
            second.stop()
            self.fail("a second frontgate opened a database in use")
        second.proc.stdout.close()
        second.proc.stderr.close()
        self.assertEqual(second.exit_code, 2, second.stderr)
        self.assertIn("in use by another frontgate process", second.stderr)
        self.assertIn(db, second.stderr)
        # the first is unharmed and still writes
        first.deploy("app", IMPORTER)
        self.assertEqual(len(stacks(first)), 2)
        first.stop()
        with Frontgate(db=db) as third:
            self.assertEqual([s["Name"] for s in stacks(third)], ["base", "app"])

    def test_memory_databases_do_not_conflict(self):
        a = started(self)
        b = started(self)
        a.deploy("base", EXPORTER)
        self.assertEqual(stacks(b), [])


class DatabaseFile(unittest.TestCase):
    def test_schema_is_versioned_and_wal(self):
        import sqlite3
        db = os.path.join(tmpdir(self), "state.db")
        with Frontgate(db=db) as f:
            f.deploy("base", EXPORTER)
        con = sqlite3.connect(db)
        try:
            self.assertGreaterEqual(con.execute("PRAGMA user_version").fetchone()[0], 1)
            self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0].lower(), "wal")
        finally:
            con.close()

    def test_newer_schema_refused(self):
        import sqlite3
        db = os.path.join(tmpdir(self), "future.db")
        con = sqlite3.connect(db)
        con.execute("PRAGMA user_version = 999")
        con.execute("CREATE TABLE t(x)")
        con.commit()
        con.close()
        f = Frontgate(db=db, check=False)
        if f.ready is not None:
            f.stop()
            self.fail("frontgate opened a database with a newer schema")
        f.proc.stdout.close()
        f.proc.stderr.close()
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn("999", f.stderr)
        con = sqlite3.connect(db)
        self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], 999)
        con.close()

    def test_not_a_database_refused(self):
        db = os.path.join(tmpdir(self), "junk.db")
        with open(db, "wb") as fh:
            fh.write(b"this is not an SQLite database, only some text " * 20)
        f = Frontgate(db=db, check=False)
        if f.ready is not None:
            f.stop()
            self.fail("frontgate opened a file that is not a database")
        f.proc.stdout.close()
        f.proc.stderr.close()
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn(db, f.stderr)


class DefaultDatabase(unittest.TestCase):
    def test_default_db_is_dot_frontgate_state_db_in_cwd(self):
        d = tmpdir(self)
        proc, line = fg.start_ready(fg.PORTS0, cwd=d)
        try:
            self.assertTrue(line, "no ready line")
            ready = json.loads(line)
            path = os.path.join(d, ".frontgate", "state.db")
            self.assertTrue(os.path.exists(path), os.listdir(d))
            self.assertTrue(os.path.samefile(os.path.join(d, ready["db"]), path), ready["db"])
            self.assertIn(fg.request(ready["control"], "PUT", "/stacks/base",
                                     {"Template": EXPORTER}).status, (200, 201))
        finally:
            code, err = fg.stop_raw(proc)
        self.assertEqual(code, 0, err)
        # a second run in the same directory finds the stack
        proc, line = fg.start_ready(fg.PORTS0, cwd=d)
        try:
            self.assertTrue(line, "no ready line on the second run")
            ready = json.loads(line)
            r = fg.request(ready["control"], "GET", "/stacks/base")
            self.assertEqual(r.status, 200, r.body)
        finally:
            code, err = fg.stop_raw(proc)
        self.assertEqual(code, 0, err)


class SnapshotRestore(unittest.TestCase):
    def test_get_put_get_round_trip(self):
        with Frontgate() as src:
            deploy_pair(src)
            snap = src.control("GET", "/state")
            self.assertEqual(snap.status, 200)
            self.assertTrue(snap.header("Content-Type").startswith("application/json"))
            snap = snap.json()
            views = stacks(src)
        self.assertEqual(snap["Version"], 1)
        self.assertEqual([s["Name"] for s in snap["Stacks"]], ["base", "app"])
        with Frontgate() as dst:
            dst.deploy("other", {"Resources": IMPORTER["Resources"]})
            r = dst.control("PUT", "/state", snap)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(state(dst), snap)
            self.assertEqual(stacks(dst), views)
            self.assertEqual(dst.control("GET", "/stacks/other").status, 404)
            # the restored stacks behave like deployed ones
            self.assertEqual(dst.control("DELETE", "/stacks/base").status, 409)
            r = dst.deploy("base", EXPORTER, {"Env": "prod"})
            self.assertEqual(r.status, 200, r.body)

    def test_handwritten_state_round_trip(self):
        snap = {"Version": 1, "Stacks": [{
            "Name": "hand", "Account": "123456789012", "Region": "eu-west-1",
            "Status": "CREATE_COMPLETE", "Outputs": {"X": "y"},
            "Resources": [{"LogicalId": "R", "Type": "AWS::DynamoDB::Table", "PhysicalId": "r-1",
                           "Attributes": {"Arn": "arn:aws:dynamodb:us-east-1:123456789012:table/r-1"},
                           "Emulated": False}]}]}
        with Frontgate() as f:
            r = f.control("PUT", "/state", snap)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(state(f), snap)
            r = f.control("GET", "/resources?type=AWS::DynamoDB::Table").json()["Resources"]
            self.assertEqual([(x["Stack"], x["PhysicalId"]) for x in r], [("hand", "r-1")])

    def test_bad_state_documents_are_refused_and_change_nothing(self):
        good_stack = {"Name": "ok", "Account": "123456789012", "Region": "us-east-1",
                      "Status": "CREATE_COMPLETE", "Resources": []}
        bad_bodies = [
            b"this is not json",
            b'{"Version":1,"Stacks":[',
            b"[]",
            b'"Stacks"',
            b"{}",
            json.dumps({"Version": 1, "Stacks": {}}).encode(),
            json.dumps({"Version": 2, "Stacks": []}).encode(),
            json.dumps({"Version": 1, "Stacks": [good_stack, good_stack]}).encode(),
            json.dumps({"Version": 1, "Stacks": [good_stack, 5]}).encode(),
            json.dumps({"Version": 1, "Stacks": [good_stack | {"Name": "1-bad"}]}).encode(),
            json.dumps({"Version": 1, "Stacks": [good_stack | {"Account": 5}]}).encode(),
            json.dumps({"Version": 1, "Stacks": [{k: v for k, v in good_stack.items()
                                                  if k != "Resources"}]}).encode(),
            json.dumps({"Version": 1, "Stacks": [good_stack | {"Resources": [
                {"LogicalId": "R", "Type": "AWS::DynamoDB::Table", "Attributes": {}}]}]}).encode(),
            json.dumps({"Version": 1, "Stacks": [good_stack | {"Resources": [
                {"LogicalId": "R", "Type": "AWS::DynamoDB::Table", "PhysicalId": "p",
                 "Attributes": []}]}]}).encode(),
        ]
        with Frontgate() as f:
            deploy_pair(f)
            before = state(f)
            for body in bad_bodies:
                with self.subTest(body=body[:80]):
                    r = f.control("PUT", "/state", body,
                                  headers={"Content-Type": "application/json"})
                    self.assertEqual(r.status, 400, r.body)
                    e = r.json()["error"]
                    self.assertTrue(e["code"] and e["message"], e)
                    self.assertEqual(state(f), before)
            r = f.control("PUT", "/state", json.dumps(before),
                          headers={"Content-Type": "text/plain"})
            self.assertEqual(r.status, 415, r.body)
            self.assertEqual(state(f), before)

    def test_duplicate_names_message(self):
        s = {"Name": "twice", "Account": "123456789012", "Region": "us-east-1",
             "Status": "CREATE_COMPLETE", "Resources": []}
        with Frontgate() as f:
            r = f.control("PUT", "/state", {"Version": 1, "Stacks": [s, s]})
            self.assertEqual(r.status, 400, r.body)
            self.assertIn("twice", r.json()["error"]["message"])
            self.assertEqual(stacks(f), [])


class Reset(unittest.TestCase):
    def test_reset_empties_stacks_traces_and_clock(self):
        with Frontgate() as f:
            deploy_pair(f)
            self.assertEqual(f.control("PUT", "/clock", {"now": "2030-05-05T00:00:00Z"}).status,
                             200)
            rid = f.http("GET", "/x", "nobody.example").header("x-frontgate-request-id")
            self.assertEqual(f.control("GET", f"/requests/{rid}").status, 200)
            r = f.control("POST", "/reset")
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(stacks(f), [])
            self.assertEqual(state(f)["Stacks"], [])
            self.assertEqual(f.control("GET", "/resources").json(), {"Resources": []})
            self.assertEqual(f.control("GET", "/requests").json()["Requests"], [])
            self.assertEqual(f.control("GET", f"/requests/{rid}").status, 404)
            self.assertEqual(f.control("GET", "/clock").json()["mode"], "real")
            # same process, still usable; names and exports are free again
            self.assertEqual(f.deploy("base", EXPORTER).status, 201)
            self.assertEqual(f.control("GET", "/health").json()["stacks"], 1)

    def test_reset_wrong_method(self):
        with Frontgate() as f:
            r = f.control("GET", "/reset")
            self.assertEqual(r.status, 405)
            self.assertEqual(r.header("Allow"), "POST")


class Resources(unittest.TestCase):
    def test_filter_by_type(self):
        with Frontgate() as f:
            deploy_pair(f)
            everything = f.control("GET", "/resources").json()["Resources"]
            self.assertEqual(sorted((r["Stack"], r["LogicalId"]) for r in everything),
                             [("app", "Queue"), ("app", "Role2"), ("base", "Logs"),
                              ("base", "Role"), ("base", "Topic")])
            for r in everything:
                self.assertEqual(set(r), {"Stack", "LogicalId", "Type", "PhysicalId",
                                          "Attributes", "Emulated"}, r)
            roles = f.control("GET", "/resources?type=AWS::DynamoDB::Table").json()["Resources"]
            self.assertEqual(sorted((r["Stack"], r["LogicalId"]) for r in roles),
                             [("app", "Role2"), ("base", "Role")])
            self.assertTrue(all(r["Type"] == "AWS::DynamoDB::Table" for r in roles))
            base_role = [r for r in roles if r["Stack"] == "base"][0]
            self.assertEqual(base_role["PhysicalId"], "prod-app-role")
            self.assertEqual(base_role["Attributes"]["Arn"],
                             "arn:aws:dynamodb:us-east-1:123456789012:table/prod-app-role")
            # percent-encoded type works the same
            enc = f.control("GET", "/resources?type=AWS%3A%3ADynamoDB%3A%3ATable").json()
            self.assertEqual(enc["Resources"], roles)
            topics = f.control("GET", "/resources?type=AWS::SNS::Topic").json()["Resources"]
            self.assertEqual([r["PhysicalId"] for r in topics], ["pinned-topic"])
            none = f.control("GET", "/resources?type=AWS::No::Such").json()
            self.assertEqual(none, {"Resources": []})


if __name__ == "__main__":
    unittest.main()
