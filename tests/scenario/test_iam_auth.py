"""SigV4, IAM and resource policies on API Gateway (issue 5; aws-behavior.md §2, §1.5),
against the real binary with real signing clients: botocore's SigV4Auth and SigV4QueryAuth
and curl --aws-sigv4. Each valid request passes unmodified and fails when one byte of the
path, the query, a signed header, the body or the secret changes."""
import datetime
import json
import os
import shutil
import subprocess
import types
import unittest
from unittest import mock

import botocore.auth

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fg import FIXTURES, Frontgate

IAM = os.path.join(FIXTURES, "iam", "iam.yaml")
HOST = "i4a5m6a7p8.execute-api.us-east-1.amazonaws.com"
ALICE = Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
BOB = Credentials("AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")
ROLE = Credentials("ASIAJEXAMPLEXEG2JICE", "9drTJvcXLB89EXAMPLELB8923FB892xMFIEXAMPL",
                   "FwoGZXIvYXdzEXAMPLEsessiontoken")
INVALID = b'{"message":"The security token included in the request is invalid."}'
MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.")


def signed(creds, method, path, body=None, headers=None, region="us-east-1",
           service="execute-api", host=HOST):
    req = AWSRequest(method=method, url=f"https://{host}{path}", data=body,
                     headers=headers or {})
    SigV4Auth(creds, service, region).add_auth(req)
    return dict(req.headers.items())


def signed_at(when, *args, **kw):
    """signed() with botocore's clock at when (UTC): frontgate's clock is controllable, so a
    test signs at frontgate's time instead of sleeping. Newer botocore reads the time through
    get_current_datetime, older through datetime.datetime.utcnow."""
    if hasattr(botocore.auth, "get_current_datetime"):
        with mock.patch.object(botocore.auth, "get_current_datetime", lambda *a, **k: when):
            return signed(*args, **kw)

    class Fixed(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return when
    shim = types.SimpleNamespace(datetime=Fixed)
    with mock.patch.object(botocore.auth, "datetime", shim):
        return signed(*args, **kw)


class Signed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fg = Frontgate(fixtures=(IAM,))

    @classmethod
    def tearDownClass(cls):
        cls.fg.stop()

    def call(self, method, path, creds=ALICE, body=None, extra=None, send_path=None,
             send_body=None, mutate=None):
        h = signed(creds, method, path, body, extra)
        if mutate:
            mutate(h)
        return self.fg.http(method, send_path or path, HOST,
                            body=send_body if send_body is not None else body, headers=h)

    def ok200(self, r):
        self.assertEqual(r.status, 200, r.body)
        return json.loads(r.body)

    def assert_mismatch(self, r):
        # §2.8: InvalidSignatureException with the canonical request echoed
        self.assertEqual(r.status, 403, r.body)
        self.assertEqual(r.header("x-amzn-ErrorType"), "InvalidSignatureException")
        msg = json.loads(r.body)["message"]
        self.assertTrue(msg.startswith(MISMATCH + "\n\nThe Canonical String for this "
                                       "request should have been\n'"), msg)
        self.assertIn("\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n", msg)

    # ------------------------------------------------------------- who calls
    def test_identity_reaches_lambda(self):
        # §2.5: requestContext.identity of a SigV4 caller
        ident = self.ok200(self.call("GET", "/v1/things/1"))["identity"]
        self.assertEqual(ident["accessKey"], "AKIAIOSFODNN7EXAMPLE")
        self.assertEqual(ident["accountId"], "123456789012")
        self.assertEqual(ident["userArn"], "arn:aws:iam::123456789012:user/alice")
        self.assertRegex(ident["user"], r"^AIDA[A-Z0-9]{17}$")

    def test_session_credentials(self):
        ident = self.ok200(self.call("GET", "/v1/things/1", creds=ROLE))["identity"]
        self.assertEqual(ident["userArn"],
                         "arn:aws:sts::123456789012:assumed-role/api-caller/ci-job")
        self.assertRegex(ident["caller"], r"^AROA[A-Z0-9]{17}:ci-job$")

    def test_session_key_without_token(self):
        # §1.5: temporary credentials without X-Amz-Security-Token
        no_tok = Credentials(ROLE.access_key, ROLE.secret_key)
        r = self.call("GET", "/v1/things/1", creds=no_tok)
        self.assertEqual((r.status, r.body), (403, INVALID))

    def test_unknown_key(self):
        r = self.call("GET", "/v1/things/1", creds=Credentials("AKIAZZZZZZZZZZZZZZZZ", "x" * 40))
        self.assertEqual((r.status, r.body), (403, INVALID))
        self.assertEqual(r.header("x-amzn-ErrorType"), "AccessDeniedException")

    def test_no_identity_policy(self):
        # §1.5/§2.5: same account, the resource policy allows only the account (delegation),
        # bob has no identity policy: not allowed, no "explicit deny" suffix
        r = self.call("GET", "/v1/things/1", creds=BOB)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.header("x-amzn-ErrorType"), "AccessDeniedException")
        self.assertEqual(json.loads(r.body), {"Message": (
            "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: "
            "execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:"
            "i4a5m6a7p8/v1/GET/things/1")})

    def test_resource_policy_explicit_deny(self):
        # §1.5: capital Message, masked account, "with an explicit deny"
        r = self.call("GET", "/v1/admin/x", creds=ROLE)
        self.assertEqual(r.status, 403)
        self.assertEqual(json.loads(r.body)["Message"], (
            "User: arn:aws:sts::123456789012:assumed-role/api-caller/ci-job is not authorized "
            "to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:"
            "********9012:i4a5m6a7p8/v1/GET/admin/x with an explicit deny in a resource-based "
            "policy"))
        self.ok200(self.call("GET", "/v1/admin/x", creds=ALICE))
        rid = r.header("x-amzn-RequestId")
        hops = " ".join(h["decision"] for h in self.fg.control(
            "GET", f"/requests/{rid}").json()["hops"])
        self.assertIn("AdminOnlyAlice", hops)  # the statement that decided

    def test_anonymous_on_a_none_method(self):
        # §1.5 row "Resource policy deny/no allow, anonymous caller"
        r = self.fg.http("GET", "/v1/open", HOST)
        self.assertEqual(r.status, 403)
        self.assertEqual(json.loads(r.body), {"Message": (
            "User: anonymous is not authorized to perform: execute-api:Invoke on resource: "
            "arn:aws:execute-api:us-east-1:********9012:i4a5m6a7p8/v1/GET/open")})

    # ------------------------------------------------- canonicalisation cases
    CASES = [
        ("GET", "/v1/a%20b/caf%C3%A9", None, None),           # space, unicode
        ("GET", "/v1/a%2Fb/~user", None, None),               # %2F, ~
        ("GET", "/v1/x?q=a%2Bb&a=2&a=1&empty=&bare", None, None),  # +, repeats, empty
        ("GET", "/v1/x/./y/../z", None, None),                # dot segments
        ("GET", "/v1//double//slash", None, None),            # double slashes
        ("POST", "/v1/things", b'{"n": 1}', {"Content-Type": "application/json",
                                            "X-Custom": "a   b    c"}),  # body, runs of spaces
    ]

    def test_cases_pass_unmodified(self):
        for method, path, body, extra in self.CASES:
            with self.subTest(path=path):
                self.ok200(self.call(method, path, body=body, extra=extra))
        self.ok200(self.call("GET", "/v1/things/1", creds=ROLE))  # with a session token

    def test_one_byte_changes_fail(self):
        for method, path, body, extra in self.CASES:
            with self.subTest(path=path, change="path"):
                self.assert_mismatch(self.call(method, path, body=body, extra=extra,
                                               send_path=path.replace("/v1/", "/v1/Q", 1)
                                               if "?" not in path else path.replace("/x", "/y")))
            with self.subTest(path=path, change="secret"):
                bad = Credentials(ALICE.access_key, ALICE.secret_key[:-1] + "X")
                self.assert_mismatch(self.call(method, path, creds=bad, body=body,
                                               extra=extra))
        q = "/v1/x?q=a%2Bb&a=2&a=1&empty=&bare"
        self.assert_mismatch(self.call("GET", q, send_path=q.replace("a=2", "a=3")))
        post = ("POST", "/v1/things", b'{"n": 1}', {"X-Custom": "a   b"})
        self.assert_mismatch(self.call(*post[:2], body=post[2], extra=post[3],
                                       send_body=b'{"n": 2}'))

        def header(h):
            h["X-Custom"] = "a   c"
        self.assert_mismatch(self.call(*post[:2], body=post[2], extra=post[3], mutate=header))

    def test_mismatch_echo_layout(self):
        # §2.8 exact layout: host as received, stage in the canonical URI
        r = self.call("GET", "/v1/things/1", send_path="/v1/things/2")
        msg = json.loads(r.body)["message"]
        creq = msg.split("should have been\n'", 1)[1].split("'\n\n", 1)[0]
        lines = creq.split("\n")
        self.assertEqual(lines[0:3], ["GET", "/v1/things/2", ""])
        self.assertIn(f"host:{HOST}", lines)
        self.assertTrue(msg.endswith("'\n") or msg.endswith("'"), repr(msg[-20:]))
        rid = r.header("x-amzn-RequestId")
        hops = " ".join(h["decision"] for h in self.fg.control(
            "GET", f"/requests/{rid}").json()["hops"])
        self.assertIn("the client signed headers [host;x-amz-date]", hops)

    # ------------------------------------------------------- scope and time
    def test_scope_errors(self):
        # §2.3 step 7
        r = self.fg.http("GET", "/v1/things/1", HOST,
                         headers=signed(ALICE, "GET", "/v1/things/1", region="eu-west-1"))
        self.assertEqual(r.status, 403)
        self.assertEqual(r.header("x-amzn-ErrorType"), "InvalidSignatureException")
        self.assertIn("Credential should be scoped to a valid region", json.loads(r.body)["message"])
        r = self.fg.http("GET", "/v1/things/1", HOST,
                         headers=signed(ALICE, "GET", "/v1/things/1", service="lambda"))
        self.assertIn("Credential should be scoped to correct service: 'execute-api'. ",
                      json.loads(r.body)["message"])

    def test_presigned_query(self):
        # §2.1 query form (botocore SigV4QueryAuth)
        req = AWSRequest(method="GET", url=f"https://{HOST}/v1/things/1?x=1")
        SigV4QueryAuth(ALICE, "execute-api", "us-east-1", expires=300).add_auth(req)
        path = req.url.split(HOST, 1)[1]
        self.ok200(self.fg.http("GET", path, HOST))
        self.assert_mismatch(self.fg.http("GET", path.replace("x=1", "x=2"), HOST))


class Clock(unittest.TestCase):
    def test_skew_both_directions(self):
        # §2.6: 5 minutes, against frontgate's clock
        with Frontgate(fixtures=(IAM,)) as fg:
            h = signed(ALICE, "GET", "/v1/things/1")
            ts = h["X-Amz-Date"]
            fg.control("PUT", "/clock", {"advanceSeconds": 301})
            r = fg.http("GET", "/v1/things/1", HOST, headers=h)
            self.assertEqual(r.status, 403)
            msg = json.loads(r.body)["message"]
            self.assertRegex(msg, rf"^Signature expired: {ts} is now earlier than "
                                  r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$")
            fg.control("PUT", "/clock", {"advanceSeconds": -602})
            r = fg.http("GET", "/v1/things/1", HOST, headers=h)
            self.assertRegex(json.loads(r.body)["message"],
                             rf"^Signature not yet current: {ts} is still later than "
                             r"\d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 5 min\.\)$")

    def test_expired_session(self):
        # §1.5: ExpiredTokenException once the clock passes Expiration
        with Frontgate(fixtures=(IAM,)) as fg:
            fg.control("PUT", "/clock", {"now": "2030-01-01T00:00:01Z"})
            h = signed_at(datetime.datetime(2030, 1, 1, 0, 0, 1), ROLE, "GET", "/v1/things/1")
            r = fg.http("GET", "/v1/things/1", HOST, headers=h)
            self.assertEqual(r.status, 403, r.body)
            self.assertEqual(r.header("x-amzn-ErrorType"), "ExpiredTokenException")
            self.assertEqual(json.loads(r.body)["message"],
                             "The security token included in the request is expired")


CROSS = """
Resources:
  Carol:
    Type: AWS::IAM::User
    Properties:
      UserName: carol
      Policies:
        - PolicyName: all
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: "execute-api:*", Resource: "*"}]
  CarolKey:
    Type: AWS::IAM::AccessKey
    Metadata: {Frontgate: {AccessKeyId: AKIACAROLEXAMPLE0001, SecretAccessKey: carolcarolcarolcarolcarolcarolcarolcarol}}
    Properties: {UserName: !Ref Carol}
  Dave:
    Type: AWS::IAM::User
    Properties: {UserName: dave}
  DaveKey:
    Type: AWS::IAM::AccessKey
    Metadata: {Frontgate: {AccessKeyId: AKIADAVEEXAMPLE00001, SecretAccessKey: davedavedavedavedavedavedavedavedavedave}}
    Properties: {UserName: !Ref Dave}
"""


class CrossAccount(unittest.TestCase):
    def test_both_policies_must_allow(self):
        # §2.5: cross account, the API's resource policy (own account only) does not name
        # 210987654321, so even carol's identity Allow is not enough
        with Frontgate(fixtures=(IAM,)) as fg:
            r = fg.control("PUT", "/stacks/other?account=210987654321", CROSS,
                           headers={"Content-Type": "application/yaml"})
            self.assertIn(r.status, (200, 201), r.body)
            carol = Credentials("AKIACAROLEXAMPLE0001", "carol" * 8)
            r = fg.http("GET", "/v1/things/1", HOST, headers=signed(carol, "GET", "/v1/things/1"))
            self.assertEqual(r.status, 403, r.body)
            self.assertIn("User: arn:aws:iam::210987654321:user/carol is not authorized",
                          json.loads(r.body)["Message"])


@unittest.skipUnless(shutil.which("curl"), "curl not installed")
class Curl(unittest.TestCase):
    def test_curl_aws_sigv4(self):
        # curl --aws-sigv4 "aws:amz:{region}:execute-api" (simple URLs: curl 7.88 signs the
        # path and query as typed, README "SigV4")
        with Frontgate(fixtures=(IAM,)) as fg:
            url = f"http://{HOST}/v1/things/1"
            base = ["curl", "-s", "-o", "-", "-w", "\n%{http_code}", "--connect-to",
                    f"{HOST}:80:127.0.0.1:{fg.http_port}", "--aws-sigv4",
                    "aws:amz:us-east-1:execute-api"]
            out = subprocess.run(base + ["--user", f"{ALICE.access_key}:{ALICE.secret_key}",
                                         url], capture_output=True, text=True).stdout
            body, code = out.rsplit("\n", 1)
            self.assertEqual(code, "200", body)
            self.assertEqual(json.loads(body)["identity"]["userArn"],
                             "arn:aws:iam::123456789012:user/alice")
            out = subprocess.run(base + ["--user", f"{ALICE.access_key}:wrong", url],
                                 capture_output=True, text=True).stdout
            self.assertTrue(out.endswith("\n403"), out)
            self.assertIn("The request signature we calculated does not match", out)
            out = subprocess.run(base + ["--user", f"{ALICE.access_key}:{ALICE.secret_key}",
                                         "-X", "POST", "-d", "hello",
                                         "-H", "Content-Type: text/plain", url],
                                 capture_output=True, text=True).stdout
            self.assertTrue(out.endswith("\n200"), out)


if __name__ == "__main__":
    unittest.main()
