"""Command line and process lifecycle (issue 2, design.md §2): the ready line, --help, exit
codes, signals, fixtures at start-up, the control token, and the listeners that refuse work
(HTTPS closes connections, DNS answers REFUSED)."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest

import fg
from fg import Frontgate

READY_KEYS = ["ready", "http", "https", "dns", "control", "ca", "db"]
FLAGS = ["--fixture", "--param", "--db", "--http", "--https", "--dns", "--control",
         "--control-token", "--region", "--account-id", "--ready-file", "--trace-limit",
         "--log-level"]


def tmpdir(test):
    d = tempfile.mkdtemp(prefix="fg-life-")
    test.addCleanup(shutil.rmtree, d, True)
    return d


def failed_start(*args, **kw):
    """Frontgate(check=False) that is expected not to start; closes its pipes."""
    f = Frontgate(*args, check=False, **kw)
    if f.ready is None:
        f.proc.stdout.close()
        f.proc.stderr.close()
    else:
        f.stop()
    return f


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


class ReadyLine(unittest.TestCase):
    def test_ready_line_shape_and_ready_file(self):
        d = tmpdir(self)
        ready_file = os.path.join(d, "ready.json")
        proc, line = fg.start_ready(["--db", ":memory:", "--ready-file", ready_file]
                                    + fg.PORTS0, cwd=d)
        self.addCleanup(lambda: proc.poll() is None and fg.stop_raw(proc))
        self.assertTrue(line.endswith(b"\n"), line)
        ready = json.loads(line)
        # exactly these keys, in this order (the line is a contract for test suites)
        self.assertEqual(list(ready.keys()), READY_KEYS, line)
        self.assertIs(ready["ready"], True)
        for k in ("http", "https", "dns", "control"):
            self.assertIs(type(ready[k]), int, f"{k}: {ready[k]!r}")
            self.assertTrue(0 < ready[k] < 65536, f"{k}: {ready[k]!r}")
        # the local CA's certificate (HTTPS issue): a temporary file for :memory:
        self.assertTrue(os.path.isfile(ready["ca"]), ready["ca"])
        self.assertEqual(ready["db"], ":memory:")
        ports = [ready[k] for k in ("http", "https", "dns", "control")]
        self.assertEqual(len(set(ports)), 4, f"ports not distinct: {ports}")
        # the ready file holds the same line, and is there before the line is printed
        self.assertTrue(os.path.exists(ready_file), "ready file not written before the line")
        with open(ready_file, "rb") as f:
            self.assertEqual(f.read(), line)
        self.assertFalse(os.path.exists(ready_file + ".tmp"), "temporary ready file left")
        # nothing else on stdout, and a clean exit
        proc.send_signal(signal.SIGTERM)
        rest = proc.stdout.read()
        code, err = fg.stop_raw(proc)
        self.assertEqual(code, 0, err)
        self.assertEqual(rest, b"", "more than the ready line on stdout")

    def test_harness_ready_line_ports_answer(self):
        with Frontgate() as f:
            self.assertEqual(list(f.ready.keys()), READY_KEYS)
            r = f.control("GET", "/health")
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json()["status"], "ok")
            # the data-plane port is a different listener from the control port
            r = f.http("GET", "/health", "nothing.example")
            self.assertEqual(r.status, 404, r.body)
            self.assertIsNotNone(r.header("x-frontgate-request-id"))


class CommandLine(unittest.TestCase):
    def test_help_documents_every_flag(self):
        p = fg.run_to_exit(["--help"])
        self.assertEqual(p.returncode, 0, p.stderr)
        for flag in FLAGS:
            self.assertRegex(p.stdout, r"(?m)^\s*" + re.escape(flag) + r"\b",
                             f"--help does not document {flag}")

    def test_unknown_flag_exits_2(self):
        p = fg.run_to_exit(["--no-such-flag"])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertIn("no-such-flag", p.stderr)

    def test_bad_flag_values_exit_2(self):
        for args in (["--account-id", "12"], ["--trace-limit", "0"],
                     ["--log-level", "loud"], ["--param", "NOVALUE"],
                     ["--http", "not-an-address"], ["stray-argument"]):
            with self.subTest(args=args):
                p = fg.run_to_exit(["--db", ":memory:"] + fg.PORTS0 + args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertNotIn('"ready"', p.stdout)
                self.assertTrue(p.stderr.strip(), "no error message on stderr")

    def test_port_in_use_exits_2(self):
        s = socket.socket()
        self.addCleanup(s.close)
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        p = fg.run_to_exit(["--db", ":memory:"] + fg.PORTS0 + ["--http", f"127.0.0.1:{port}"])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(str(port), p.stderr)


class PortZero(unittest.TestCase):
    def test_port_zero_starts_even_when_many_tcp_ports_are_busy(self):
        """--dns ADDR:0 must find a port free for both UDP and TCP. Busy TCP ports (client
        sockets, TIME_WAIT after earlier tests) must not make start-up fail with
        'Address already in use'. Holds ~3000 ephemeral TCP ports, starts 40 instances."""
        import resource
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        held = []
        try:
            for _ in range(min(3000, soft - 200)):
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", 0))
            failures = []
            for i in range(40):
                proc, line = fg.start_raw(["--db", ":memory:"] + fg.PORTS0)
                if line:
                    code, err = fg.stop_raw(proc)
                    self.assertEqual(code, 0, err)
                else:
                    code, err = fg.stop_raw(proc)
                    failures.append(err.splitlines()[0] if err else f"exit {code}")
            self.assertFalse(failures, f"{len(failures)} of 40 starts on port 0 failed, "
                                       f"first: {failures[:1]}")
        finally:
            for s in held:
                s.close()


class Signals(unittest.TestCase):
    def _stop_with(self, sig):
        proc, line = fg.start_ready(["--db", ":memory:"] + fg.PORTS0)
        self.assertTrue(json.loads(line)["ready"])
        ctl = json.loads(line)["control"]
        self.assertEqual(fg.request(ctl, "GET", "/health").status, 200)
        code, err = fg.stop_raw(proc, sig)
        self.assertEqual(code, 0, f"exit {code} on {sig!r}: {err}")
        # the listeners are gone
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", ctl), timeout=2).close()

    def test_sigterm_exits_0(self):
        self._stop_with(signal.SIGTERM)

    def test_sigint_exits_0(self):
        self._stop_with(signal.SIGINT)

    def test_sigterm_with_file_db_exits_0(self):
        d = tmpdir(self)
        proc, line = fg.start_ready(["--db", os.path.join(d, "s.db")] + fg.PORTS0)
        self.assertTrue(json.loads(line)["ready"], line)
        code, err = fg.stop_raw(proc, signal.SIGTERM)
        self.assertEqual(code, 0, err)


class Fixtures(unittest.TestCase):
    def test_fixture_with_unknown_ref_exits_2_naming_file_and_resource(self):
        d = tmpdir(self)
        path = write(os.path.join(d, "broken-app.yaml"),
                     "Resources:\n"
                     "  Role:\n"
                     "    Type: AWS::DynamoDB::Table\n"
                     "  Group:\n"
                     "    Type: AWS::Logs::LogGroup\n"
                     "    Properties:\n"
                     "      LogGroupName: !Ref NoSuchThing\n")
        f = failed_start(fixtures=[path])
        self.assertIsNone(f.ready, "frontgate started with a broken fixture")
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn(path, f.stderr)
        self.assertIn("NoSuchThing", f.stderr)
        self.assertNotIn("not built yet", f.stderr)

    def test_fixture_yaml_syntax_error_exits_2_with_line(self):
        d = tmpdir(self)
        path = write(os.path.join(d, "bad.yaml"),
                     "Resources:\n  A:\n    Type: AWS::DynamoDB::Table\n  A:\n    Type: X::Y::Z\n")
        f = failed_start(fixtures=[path])
        self.assertIsNone(f.ready)
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn(path, f.stderr)
        self.assertIn("line 4", f.stderr)

    def test_unreadable_fixture_exits_2(self):
        d = tmpdir(self)
        missing = os.path.join(d, "does-not-exist.yaml")
        f = failed_start(fixtures=[missing])
        self.assertIsNone(f.ready)
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn(missing, f.stderr)
        # a directory is not a template either
        f = failed_start(fixtures=[d])
        self.assertIsNone(f.ready)
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn(d, f.stderr)

    def test_fixture_deploys_as_stack_named_after_file_with_param(self):
        d = tmpdir(self)
        path = write(os.path.join(d, "web-app.yaml"),
                     "Parameters:\n"
                     "  Env:\n"
                     "    Type: String\n"
                     "Resources:\n"
                     "  Role:\n"
                     "    Type: AWS::DynamoDB::Table\n"
                     "Outputs:\n"
                     "  Where:\n"
                     "    Value: !Sub '${Env}-${AWS::Region}'\n")
        with Frontgate(fixtures=[path], params={"Env": "prod", "Unused": "x"}) as f:
            r = f.control("GET", "/stacks/web-app")
            self.assertEqual(r.status, 200, r.body)
            s = r.json()
            self.assertEqual(s["Parameters"]["Env"], "prod")
            self.assertEqual(s["Outputs"]["Where"], "prod-us-east-1")
            self.assertEqual([x["LogicalId"] for x in s["Resources"]], ["Role"])

    def test_fixtures_deploy_in_order_and_may_import(self):
        d = tmpdir(self)
        first = write(os.path.join(d, "net.json"), json.dumps({
            "Resources": {"Role": {"Type": "AWS::DynamoDB::Table",
                                   "Properties": {"TableName": "shared"}}},
            "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]},
                                "Export": {"Name": "net-Arn"}}}}))
        second = write(os.path.join(d, "app.yml"),
                       "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                       "Outputs:\n  Got:\n    Value: !ImportValue net-Arn\n")
        with Frontgate(fixtures=[first, second]) as f:
            s = f.control("GET", "/stacks/app").json()
            self.assertEqual(s["Outputs"]["Got"], "arn:aws:dynamodb:us-east-1:123456789012:table/shared")
            self.assertEqual(f.control("DELETE", "/stacks/net").status, 409)
        # the other order fails: the export does not exist yet
        f = failed_start(fixtures=[second, first])
        self.assertIsNone(f.ready)
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn("net-Arn", f.stderr)
        self.assertIn(second, f.stderr)

    def test_fixtures_parsed_ahead_still_fail_in_order(self):
        """Templates are parsed on a thread ahead of deployment: the error is still the
        first fixture's that fails, in command-line order."""
        d = tmpdir(self)
        good = write(os.path.join(d, "good.yaml"),
                     "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n")
        broken = write(os.path.join(d, "broken.yaml"), "Resources: [unclosed\n")
        refused = write(os.path.join(d, "refused.yaml"),
                        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
                        "    Properties: {Name: !Ref Nowhere}\n")
        f = failed_start(fixtures=[good, broken, good])
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn(broken, f.stderr)
        self.assertIn("not well-formed", f.stderr)
        # an earlier fixture that fails to deploy is reported, not a later parse error
        f = failed_start(fixtures=[good, refused, broken])
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn(refused, f.stderr)
        self.assertIn("Nowhere", f.stderr)
        self.assertNotIn(broken, f.stderr)

    def test_fixture_region_and_account_flags(self):
        d = tmpdir(self)
        path = write(os.path.join(d, "where.json"), json.dumps({
            "Resources": {"Role": {"Type": "AWS::DynamoDB::Table"}},
            "Outputs": {"R": {"Value": {"Ref": "AWS::Region"}},
                        "A": {"Value": {"Ref": "AWS::AccountId"}}}}))
        with Frontgate("--region", "eu-west-3", "--account-id", "111122223333",
                       fixtures=[path]) as f:
            s = f.control("GET", "/stacks/where").json()
            self.assertEqual((s["Account"], s["Region"]), ("111122223333", "eu-west-3"))
            self.assertEqual(s["Outputs"], {"R": "eu-west-3", "A": "111122223333"})


class ControlToken(unittest.TestCase):
    def test_non_loopback_control_without_token_refused(self):
        f = failed_start("--control", "0.0.0.0:0")
        self.assertIsNone(f.ready, "started on 0.0.0.0 without a token")
        self.assertEqual(f.exit_code, 2, f.stderr)
        self.assertIn("--control-token", f.stderr)

    def test_token_required_on_every_call(self):
        with Frontgate("--control", "0.0.0.0:0", "--control-token", "s3cret-T") as f:
            for method, path in (("GET", "/health"), ("GET", "/stacks"), ("POST", "/reset"),
                                 ("GET", "/no-such-route")):
                with self.subTest(path=path):
                    r = f.control(method, path)
                    self.assertEqual(r.status, 401, r.body)
                    self.assertTrue(r.header("Content-Type").startswith("application/json"))
                    e = r.json()["error"]
                    self.assertTrue(e["code"] and e["message"], e)
                    self.assertNotIn("s3cret-T", r.body.decode())
            for auth in ("Bearer wrong", "Bearer s3cret-", "Bearer s3cret-TT", "s3cret-T",
                         "Basic s3cret-T"):
                with self.subTest(auth=auth):
                    r = f.control("GET", "/health", headers={"Authorization": auth})
                    self.assertEqual(r.status, 401, r.body)
                    self.assertNotIn("s3cret-T", r.body.decode())
            ok = {"Authorization": "Bearer s3cret-T"}
            r = f.control("GET", "/health", headers=ok)
            self.assertEqual(r.status, 200, r.body)
            r = f.control("GET", "/stacks", headers=ok)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json(), {"Stacks": []})
            # a refused call changes nothing: set the clock without the token, then check
            r = f.control("PUT", "/clock", {"now": "2030-01-01T00:00:00Z"})
            self.assertEqual(r.status, 401)
            self.assertEqual(f.control("GET", "/clock", headers=ok).json()["mode"], "real")

    def test_token_on_loopback(self):
        with Frontgate("--control-token", "tok") as f:
            self.assertEqual(f.control("GET", "/health").status, 401)
            self.assertEqual(
                f.control("GET", "/health", headers={"Authorization": "Bearer tok"}).status, 200)


class RefusingListeners(unittest.TestCase):
    def test_https_closes_clear_text(self):
        # the HTTPS listener speaks TLS only (tests/scenario/test_tls.py covers TLS itself)
        with Frontgate() as f:
            s = socket.create_connection(("127.0.0.1", f.https_port), timeout=5)
            try:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                try:
                    data = s.recv(1024)
                except ConnectionResetError:
                    data = b""
                self.assertNotIn(b"HTTP/", data, "HTTPS listener answered in clear")
            finally:
                s.close()
            # still accepting after that
            s = socket.create_connection(("127.0.0.1", f.https_port), timeout=5)
            s.close()

    def _dig(self, port, *extra):
        if shutil.which("dig") is None:
            self.skipTest("dig not installed")
        p = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "example.com",
                            "+tries=1", "+time=2", *extra],
                           capture_output=True, text=True, timeout=20)
        return p.stdout + p.stderr

    def test_dns_refused_udp(self):
        with Frontgate() as f:
            out = self._dig(f.dns_port)
            self.assertIn("status: REFUSED", out)
            self.assertIn("example.com.", out)

    def test_dns_refused_tcp(self):
        with Frontgate() as f:
            out = self._dig(f.dns_port, "+tcp")
            self.assertIn("status: REFUSED", out)
            self.assertIn("TCP", out)
            # and the process still answers afterwards over UDP
            self.assertIn("status: REFUSED", self._dig(f.dns_port))


if __name__ == "__main__":
    unittest.main()
