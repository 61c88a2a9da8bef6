"""The controlled clock (GET/PUT /clock) and request traces (GET /requests, /requests/{id})
(issue 2 §7-§8)."""
import datetime as dt
import os
import shutil
import tempfile
import unittest

from fg import Frontgate


def parse_iso(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


class Clock(unittest.TestCase):
    def setUp(self):
        self.f = Frontgate()
        self.addCleanup(self.f.stop)

    def clock(self):
        r = self.f.control("GET", "/clock")
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def set(self, body, status=200):
        r = self.f.control("PUT", "/clock", body)
        self.assertEqual(r.status, status, r.body)
        return r.json()

    def test_starts_real(self):
        c = self.clock()
        self.assertEqual(c["mode"], "real")
        self.assertLess(abs((parse_iso(c["now"]) - utcnow()).total_seconds()), 60, c)
        self.assertTrue(c["now"].endswith("Z"), c)

    def test_fixed_time_stays_fixed(self):
        c = self.set({"now": "2026-01-01T00:00:00Z"})
        self.assertEqual(c["mode"], "fixed")
        self.assertEqual(parse_iso(c["now"]), parse_iso("2026-01-01T00:00:00Z"))
        # other work in between does not move a fixed clock
        for _ in range(3):
            self.f.http("GET", "/", "elsewhere.example")
            self.f.control("GET", "/stacks")
        c2 = self.clock()
        self.assertEqual(c2["mode"], "fixed")
        self.assertEqual(parse_iso(c2["now"]), parse_iso("2026-01-01T00:00:00Z"))
        self.assertEqual(self.clock()["now"], c2["now"])

    def test_fractional_now(self):
        c = self.set({"now": "2027-06-15T12:34:56.789Z"})
        self.assertEqual(parse_iso(c["now"]), parse_iso("2027-06-15T12:34:56.789Z"))

    def test_advance_moves_fixed_clock(self):
        self.set({"now": "2026-01-01T00:00:00Z"})
        c = self.set({"advanceSeconds": 60})
        self.assertEqual(parse_iso(c["now"]), parse_iso("2026-01-01T00:01:00Z"))
        self.assertEqual(c["mode"], "fixed")
        c = self.set({"advanceSeconds": 3600.5})
        self.assertEqual(parse_iso(c["now"]), parse_iso("2026-01-01T01:01:00.500Z"))
        c = self.set({"advanceSeconds": -60.5})
        self.assertEqual(parse_iso(c["now"]), parse_iso("2026-01-01T01:00:00Z"))
        self.assertEqual(parse_iso(self.clock()["now"]), parse_iso("2026-01-01T01:00:00Z"))

    def test_offset_mode(self):
        c = self.set({"offsetSeconds": 600})
        self.assertEqual(c["mode"], "offset")
        self.assertEqual(c["offsetSeconds"], 600)
        delta = (parse_iso(c["now"]) - utcnow()).total_seconds()
        self.assertTrue(540 < delta < 660, delta)
        c = self.clock()
        self.assertEqual(c["mode"], "offset")
        delta = (parse_iso(c["now"]) - utcnow()).total_seconds()
        self.assertTrue(540 < delta < 660, delta)
        c = self.set({"offsetSeconds": -86400})
        delta = (parse_iso(c["now"]) - utcnow()).total_seconds()
        self.assertTrue(-86460 < delta < -86340, delta)

    def test_back_to_real(self):
        self.set({"now": "2001-01-01T00:00:00Z"})
        c = self.set({"real": True})
        self.assertEqual(c["mode"], "real")
        self.assertLess(abs((parse_iso(c["now"]) - utcnow()).total_seconds()), 60, c)
        self.set({"offsetSeconds": 600})
        c = self.set({"real": True})
        self.assertEqual(c["mode"], "real")
        self.assertEqual(c.get("offsetSeconds", 0), 0)
        self.assertLess(abs((parse_iso(c["now"]) - utcnow()).total_seconds()), 60, c)

    def test_bad_bodies_change_nothing(self):
        self.set({"now": "2026-01-01T00:00:00Z"})
        before = self.clock()
        bad = [
            b"{}", b"[]", b"not json", b'{"now":', b"null",
            b'{"now": "yesterday"}', b'{"now": "2026-13-01T00:00:00Z"}',
            b'{"now": "2026-01-01"}', b'{"now": 1767225600}',
            b'{"now": "2026-01-01T00:00:00Z", "real": true}',
            b'{"offsetSeconds": 10, "advanceSeconds": 10}',
            b'{"real": false}', b'{"real": "yes"}',
            b'{"offsetSeconds": "600"}', b'{"advanceSeconds": null}',
            b'{"advanceSeconds": 1e300}',
            b'{"later": 5}', b'{"now": "2026-01-01T00:00:00Z", "extra": 1}',
        ]
        for body in bad:
            with self.subTest(body=body):
                r = self.f.control("PUT", "/clock", body,
                                   headers={"Content-Type": "application/json"})
                self.assertEqual(r.status, 400, r.body)
                self.assertIn("error", r.json())
                self.assertEqual(self.clock(), before)
        r = self.f.control("PUT", "/clock", b'{"real": true}',
                           headers={"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415, r.body)
        self.assertEqual(self.clock(), before)

    def test_deployment_times_follow_the_clock(self):
        self.set({"now": "2026-03-03T03:03:03Z"})
        r = self.f.deploy("t", {"Resources": {"R": {"Type": "AWS::DynamoDB::Table"}}})
        doc = r.json()
        if "CreatedAt" in doc:
            self.assertEqual(parse_iso(doc["CreatedAt"]), parse_iso("2026-03-03T03:03:03Z"))
        self.set({"advanceSeconds": 10})
        doc = self.f.deploy("t", {"Resources": {"R": {"Type": "AWS::DynamoDB::Table"}}}).json()
        if "UpdatedAt" in doc:
            self.assertEqual(parse_iso(doc["UpdatedAt"]), parse_iso("2026-03-03T03:03:13Z"))
            self.assertEqual(parse_iso(doc["CreatedAt"]), parse_iso("2026-03-03T03:03:03Z"))


class Traces(unittest.TestCase):
    def setUp(self):
        self.f = Frontgate()
        self.addCleanup(self.f.stop)

    def hit(self, path="/", host="unknown.example", method="GET", body=None):
        r = self.f.http(method, path, host, body)
        self.assertEqual(r.status, 404, r.body)
        rid = r.header("x-frontgate-request-id")
        self.assertTrue(rid, r.headers)
        return rid

    def trace(self, rid, status=200):
        r = self.f.control("GET", f"/requests/{rid}")
        self.assertEqual(r.status, status, r.body)
        return r.json()

    def test_unknown_host_trace(self):
        r = self.f.http("GET", "/a%2Fb?x=1%20", "unknown.example")
        self.assertEqual(r.status, 404, r.body)
        rid = r.header("x-frontgate-request-id")
        self.assertTrue(rid)
        self.assertIn(rid, r.body.decode())
        t = self.trace(rid)
        self.assertEqual(t["id"], rid)
        self.assertEqual(t["method"], "GET")
        self.assertEqual(t["host"], "unknown.example")
        self.assertEqual(t["url"], "/a%2Fb?x=1%20")
        self.assertEqual(t["status"], 404)
        self.assertIsInstance(t["hops"], list)
        self.assertGreaterEqual(len(t["hops"]), 1)
        self.assertEqual(t["hops"][0]["service"], "front")
        self.assertIn("unknown.example", t["hops"][0]["decision"])
        self.assertEqual(t.get("listener", "http"), "http")

    def test_method_and_odd_urls_recorded_as_sent(self):
        rid = self.hit("/p%C3%A9/%7Euser/..;x?a=%2F&b=+&c", host="weird.example:8080",
                       method="POST", body=b'{"x":1}')
        t = self.trace(rid)
        self.assertEqual(t["method"], "POST")
        self.assertEqual(t["url"], "/p%C3%A9/%7Euser/..;x?a=%2F&b=+&c")
        self.assertEqual(t["host"], "weird.example:8080")
        rid = self.hit("/", method="DELETE")
        self.assertEqual(self.trace(rid)["method"], "DELETE")

    def test_trace_time_follows_controlled_clock(self):
        r = self.f.control("PUT", "/clock", {"now": "2026-01-01T00:00:00Z"})
        self.assertEqual(r.status, 200)
        rid = self.hit()
        self.assertEqual(parse_iso(self.trace(rid)["at"]), parse_iso("2026-01-01T00:00:00Z"))
        self.f.control("PUT", "/clock", {"advanceSeconds": 90})
        rid = self.hit()
        self.assertEqual(parse_iso(self.trace(rid)["at"]), parse_iso("2026-01-01T00:01:30Z"))

    def test_list_newest_first_with_limit(self):
        ids = [self.hit(f"/n{i}") for i in range(4)]
        self.assertEqual(len(set(ids)), 4, "request ids are not unique")
        r = self.f.control("GET", "/requests?limit=2")
        self.assertEqual(r.status, 200, r.body)
        got = r.json()["Requests"]
        self.assertEqual([t["id"] for t in got], [ids[3], ids[2]])
        self.assertEqual([t["url"] for t in got], ["/n3", "/n2"])
        everything = self.f.control("GET", "/requests").json()["Requests"]
        self.assertEqual([t["id"] for t in everything], ids[::-1])
        for bad in ("0", "-1", "x", "", "2.5"):
            with self.subTest(limit=bad):
                self.assertEqual(self.f.control("GET", f"/requests?limit={bad}").status, 400)

    def test_unknown_id_404(self):
        r = self.f.control("GET", "/requests/00000000-0000-4000-8000-000000000000")
        self.assertEqual(r.status, 404, r.body)
        self.assertIn("error", r.json())
        self.assertEqual(self.f.control("GET", "/requests/nope").status, 404)

    def test_control_calls_are_not_traced(self):
        self.f.control("GET", "/stacks")
        self.f.control("GET", "/health")
        self.assertEqual(self.f.control("GET", "/requests").json()["Requests"], [])


class TraceLimit(unittest.TestCase):
    def test_ring_keeps_last_n(self):
        with Frontgate("--trace-limit", "3") as f:
            ids = []
            for i in range(5):
                r = f.http("GET", f"/r{i}", "unknown.example")
                ids.append(r.header("x-frontgate-request-id"))
            listed = f.control("GET", "/requests?limit=100").json()["Requests"]
            self.assertEqual([t["id"] for t in listed], ids[:1:-1])
            for rid in ids[:2]:
                self.assertEqual(f.control("GET", f"/requests/{rid}").status, 404, rid)
            for rid in ids[2:]:
                self.assertEqual(f.control("GET", f"/requests/{rid}").status, 200, rid)

    def test_traces_survive_restart_on_file_db(self):
        d = tempfile.mkdtemp(prefix="fg-trace-")
        self.addCleanup(shutil.rmtree, d, True)
        db = os.path.join(d, "t.db")
        with Frontgate(db=db) as f:
            rid = f.http("GET", "/kept", "unknown.example").header("x-frontgate-request-id")
        with Frontgate(db=db) as f:
            r = f.control("GET", f"/requests/{rid}")
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json()["url"], "/kept")


if __name__ == "__main__":
    unittest.main()
