"""Crash safety (issue 2, acceptance): SIGKILL frontgate at random moments during a stream of
deployments, at least 50 times, on one file database. After every restart the database opens
and holds exactly the stacks whose deployment (or deletion) was acknowledged, each whole; an
operation that was in flight at the kill may or may not have happened, but whole if it did.

Reproduce a failure with the seed printed in its message: FG_CRASH_SEED=<seed>.
"""
import http.client
import json
import os
import random
import shutil
import signal
import tempfile
import threading
import time
import unittest

import fg

ROUNDS = 50
SEED = int(os.environ.get("FG_CRASH_SEED") or 20261121)
TYPES = ["AWS::DynamoDB::Table", "AWS::Logs::LogGroup", "AWS::SNS::Topic", "AWS::SQS::Queue",
         "AWS::Lambda::Permission"]
LOGICAL = [f"Res{i}" for i in range(len(TYPES))]


def template(name, version):
    """Five resources (not-emulated types), each pinned to an id that names the version, and
    an output that encodes the stack and version: a torn write would show as a mix."""
    res = {}
    for i, (lid, typ) in enumerate(zip(LOGICAL, TYPES)):
        r = {"Type": typ, "Metadata": {"Frontgate": {"Id": f"{name}-v{version}-{lid}"}}}
        if i:
            r["DependsOn"] = LOGICAL[i - 1]
        res[lid] = r
    return {"Resources": res,
            "Outputs": {"K": {"Value": f"k-{name}-v{version}"},
                        "Ids": {"Value": {"Fn::Join": [",", [{"Ref": x} for x in LOGICAL]]}}}}


def whole(doc, name, version):
    """None if doc is exactly the stack `name` at `version`, else what is wrong."""
    ids = [f"{name}-v{version}-{lid}" for lid in LOGICAL]
    got = [(r.get("LogicalId"), r.get("Type"), r.get("PhysicalId"))
           for r in doc.get("Resources", [])]
    if sorted(got) != sorted(zip(LOGICAL, TYPES, ids)):
        return f"resources {got}"
    if doc.get("Outputs") != {"K": f"k-{name}-v{version}", "Ids": ",".join(ids)}:
        return f"outputs {doc.get('Outputs')}"
    if doc.get("Status") not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        return f"status {doc.get('Status')}"
    return None


class Streamer(threading.Thread):
    """Sends operations one after another until the connection fails (the kill)."""

    def __init__(self, port, rng, committed, next_id, ack_target):
        super().__init__(daemon=True)
        self.port, self.rng = port, rng
        self.committed = dict(committed)  # name -> version (acknowledged, present)
        self.next_id = next_id
        self.ack_target = ack_target
        self.acks = 0
        self.inflight = None              # (name, version or None for delete)
        self.error = None
        self.reached = threading.Event()

    def pick(self):
        live = sorted(self.committed)
        roll = self.rng.random()
        if live and roll < 0.2:
            name = self.rng.choice(live)
            return name, self.committed[name] + 1
        if live and roll < 0.3:
            return self.rng.choice(live), None
        self.next_id += 1
        return f"s{self.next_id}", 1

    def run(self):
        if self.ack_target == 0:
            self.reached.set()
        try:
            while True:
                name, version = self.pick()
                self.inflight = (name, version)
                try:
                    if version is None:
                        r = fg.request(self.port, "DELETE", f"/stacks/{name}")
                        want = (200,)
                    else:
                        r = fg.request(self.port, "PUT", f"/stacks/{name}",
                                       {"Template": template(name, version)})
                        want = (201,) if version == 1 else (200,)
                except (OSError, http.client.HTTPException):  # killed mid-request
                    return
                if r.status not in want:
                    self.error = f"{name} v{version}: HTTP {r.status} {r.body[:300]!r}"
                    return
                # acknowledged: the response is fully read
                if version is None:
                    del self.committed[name]
                else:
                    self.committed[name] = version
                self.inflight = None
                self.acks += 1
                if self.acks >= self.ack_target:
                    self.reached.set()
        except Exception as e:  # a bug in the test or an unreadable answer
            self.error = f"stream: {e!r}"
        finally:
            self.reached.set()


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="fg-crash-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.db = os.path.join(self.dir, "state.db")
        self.procs = []
        self.addCleanup(self._kill_all)

    def _kill_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
            for s in (p.stdout, p.stderr):
                if not s.closed:
                    s.close()

    def start(self, ctx):
        proc, line = fg.start_raw(["--db", self.db] + fg.PORTS0, cwd=self.dir)
        self.procs.append(proc)
        if not line:
            code = proc.wait()
            err = proc.stderr.read().decode(errors="replace")
            self.fail(f"{ctx}: frontgate did not restart (exit {code}): {err}")
        ready = json.loads(line)
        self.assertTrue(ready["ready"], f"{ctx}: {line!r}")
        return proc, ready["control"]

    def check(self, port, committed, inflight, ctx):
        """Checks the restarted state against the model; returns the resolved model."""
        r = fg.request(port, "GET", "/stacks")
        self.assertEqual(r.status, 200, f"{ctx}: GET /stacks {r.status} {r.body[:300]!r}")
        present = {s["Name"]: s for s in r.json()["Stacks"]}
        self.assertEqual(len(present), len(r.json()["Stacks"]), f"{ctx}: duplicate stacks")
        resolved = {}
        for name, doc in present.items():
            allowed = []
            if name in committed:
                allowed.append(committed[name])
            if inflight and inflight[0] == name and inflight[1] is not None:
                allowed.append(inflight[1])
            self.assertTrue(allowed, f"{ctx}: stack {name} present but never sent "
                                     f"(committed={sorted(committed)}, inflight={inflight})")
            problems = [(v, whole(doc, name, v)) for v in allowed]
            ok = [v for v, p in problems if p is None]
            self.assertTrue(ok, f"{ctx}: stack {name} not whole at any of versions "
                                f"{allowed}: {problems}")
            resolved[name] = ok[0]
        for name, version in committed.items():
            if name in present:
                continue
            deleting = inflight is not None and inflight == (name, None)
            self.assertTrue(deleting, f"{ctx}: acknowledged stack {name} v{version} is "
                                      f"missing after the restart")
        # the whole-state snapshot reads too (no half-written rows)
        r = fg.request(port, "GET", "/state")
        self.assertEqual(r.status, 200, f"{ctx}: GET /state {r.status}")
        self.assertEqual(sorted(s["Name"] for s in r.json()["Stacks"]), sorted(present),
                         f"{ctx}: /state and /stacks disagree")
        return resolved

    def test_sigkill_during_deployments(self):
        rng = random.Random(SEED)
        committed, inflight, next_id = {}, None, 0
        stats = {"acks": 0, "inflight_committed": 0, "inflight_lost": 0}
        t0 = time.monotonic()
        for rnd in range(ROUNDS + 1):
            ctx = f"seed {SEED} round {rnd} (FG_CRASH_SEED={SEED} to reproduce)"
            proc, port = self.start(ctx)
            before = dict(committed)
            committed = self.check(port, committed, inflight, ctx)
            if inflight is not None:
                name, version = inflight
                happened = (committed.get(name) == version) if version is not None \
                    else name not in committed and name in before
                stats["inflight_committed" if happened else "inflight_lost"] += 1
            if rnd == ROUNDS:
                code, err = fg.stop_raw(proc, signal.SIGTERM)
                self.assertEqual(code, 0, f"{ctx}: exit {code} on SIGTERM: {err}")
                break
            target = rng.randint(0, 5)
            s = Streamer(port, random.Random(rng.random()), committed, next_id, target)
            s.start()
            self.assertTrue(s.reached.wait(30), f"{ctx}: no progress in the stream")
            self.assertIsNone(s.error, f"{ctx}: {s.error}")
            # kill at a random sub-millisecond moment after the target acknowledgement
            delay = rng.uniform(0, 0.001)
            end = time.perf_counter() + delay
            while time.perf_counter() < end:
                pass
            self.assertIsNone(s.error, f"{ctx}: {s.error}")
            self.assertIsNone(proc.poll(), f"{ctx}: frontgate died on its own (exit "
                                           f"{proc.returncode}) during the stream")
            self.assertTrue(s.is_alive(), f"{ctx}: the stream's connection failed before "
                                          f"the kill")
            proc.kill()
            self.assertEqual(proc.wait(), -signal.SIGKILL, ctx)
            s.join(30)
            self.assertFalse(s.is_alive(), f"{ctx}: stream did not stop after the kill")
            self.assertIsNone(s.error, f"{ctx}: {s.error}")
            stats["acks"] += s.acks
            committed, inflight, next_id = s.committed, s.inflight, s.next_id
        if os.environ.get("FG_CRASH_VERBOSE"):
            print(f"crash test seed {SEED}: {stats}, {len(committed)} stacks")
        self.assertGreaterEqual(stats["acks"], ROUNDS, f"seed {SEED}: too few deployments "
                                                        f"acknowledged to mean much: {stats}")
        self.assertLess(time.monotonic() - t0, 60, f"seed {SEED}: crash test too slow {stats}")


if __name__ == "__main__":
    unittest.main()
