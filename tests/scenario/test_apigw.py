"""API Gateway REST APIs, the data plane (issue 3): the real binary serves fixtures/apigw/*.yaml
and each test checks status, exact body bytes and headers, citing the section of
../shared/aws-behavior.md it follows. The HTTP_PROXY/HTTP backend is a Python http.server on
port 0 that records what it received; the Lambda tests use the lambda module's inline Python
functions (skipped, with the reason, when frontgate cannot run them)."""
import base64
import http.client
import http.server
import json
import os
import re
import threading
import unittest

from fg import Origin, send_raw, FIXTURES, Frontgate

BASIC = os.path.join(FIXTURES, "apigw", "basic.yaml")
LAMBDA = os.path.join(FIXTURES, "apigw", "lambda.yaml")
GWRESP = os.path.join(FIXTURES, "apigw", "gateway_responses.yaml")
KEYS = os.path.join(FIXTURES, "apigw", "keys.yaml")
OPENAPI = os.path.join(FIXTURES, "apigw", "openapi.yaml")
HOST = "s1c2e3n4a5.execute-api.us-east-1.amazonaws.com"
ERRORS = "e7r7o7r7s7.execute-api.us-east-1.amazonaws.com"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAT = b'{"message":"Missing Authentication Token"}'
ISE = b'{"message": "Internal server error"}'


def send(port, method, path, host=HOST, headers=(), body=None):
    """One request; headers is a list of (name, value) sent exactly (duplicates allowed)."""
    return send_raw(port, method, path, host, headers, body)


class Backend(Origin):
    """The user's server for HTTP_PROXY/HTTP integrations: records every request; /hang
    answers only once released (the integration timeout fires first)."""

    def __init__(self):
        self.release = threading.Event()
        super().__init__()

    def answer(self, req, handler):
        json_ct = ("Content-Type", "application/json")
        if req["path"].startswith("/hang"):
            self.release.wait(20)
            try:
                handler.send_response(200)
                handler.send_header("Content-Length", "4")
                handler.end_headers()
                handler.wfile.write(b"late")
            except OSError:
                pass  # frontgate gave up at TimeoutInMillis and closed
            return None
        if "/missing" in req["path"]:
            return 404, [json_ct], b'{"backend": "not here"}'
        return (200, [json_ct, ("X-Backend", "1")],
                json.dumps({"backend": "ok", "path": req["path"]}).encode())

    def stop(self):
        self.release.set()
        super().stop()


class Base(unittest.TestCase):
    def assertApigwHeaders(self, r, error_type=None):
        """§1.5: x-amzn-RequestId (UUID), x-amz-apigw-id, x-amzn-ErrorType on errors."""
        self.assertRegex(r.header("x-amzn-RequestId") or "", UUID)
        self.assertRegex(r.header("x-amz-apigw-id") or "", r"^[A-Za-z0-9+/]{15}=$")
        self.assertEqual(r.header("x-amzn-ErrorType"), error_type)

    def trace(self, f, r):
        t = f.control("GET", "/requests/" + r.header("x-amzn-RequestId"))
        self.assertEqual(t.status, 200, t.body)
        return t.json()


class Basic(Base):
    @classmethod
    def setUpClass(cls):
        cls.backend = Backend()
        try:
            cls.f = Frontgate(fixtures=[BASIC], params={"BackendPort": cls.backend.port})
        except Exception:
            cls.backend.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.backend.release.set()
        cls.f.stop()
        cls.backend.stop()

    def get(self, path, **kw):
        return send(self.f.http_port, kw.pop("method", "GET"), path, **kw)

    # ---------------------------------------------------------------- routes

    def test_literal_mock(self):
        # aws-behavior.md §3.3 (MOCK) and §1.5 (headers on every response)
        r = self.get("/dev/literal")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, b'{"route": "literal", "stage": "dev", "v": "vanilla"}')
        self.assertEqual(r.header("Content-Type"), "application/json")
        self.assertApigwHeaders(r)
        self.assertIsNone(r.header("X-Amzn-Trace-Id"), "§1.5: not for MOCK")

    def test_param_resource_with_any(self):
        # aws-behavior.md §1.4: {param} matches one segment; ANY covers the seven verbs
        for method in ("GET", "POST", "DELETE", "PATCH", "OPTIONS", "PUT"):
            with self.subTest(method=method):
                r = self.get("/dev/things/42", method=method)
                self.assertEqual(r.status, 201, r.body)
                self.assertEqual(r.body, ('{"thing": "42", "method": "%s", "resource": '
                                          '"/things/{thingId}"}' % method).encode())
                self.assertEqual(r.header("X-Thing"), "42")
        r = self.get("/dev/things/a%2Fb/")
        self.assertEqual(r.status, 201)
        self.assertEqual(r.header("X-Thing"), "a%2Fb", "§1.4: values are not decoded")

    def test_literal_sibling_wins_and_method_aware_fallback(self):
        # aws-behavior.md §1.4 rows 1-2
        r = self.get("/dev/things/special")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"<p>special</p>")
        self.assertEqual(r.header("Content-Type"), "text/html")
        r = self.get("/dev/things/special", method="POST")
        self.assertEqual(r.status, 201, "§1.4: POST falls back to {thingId}, which has ANY")
        self.assertEqual(r.header("X-Thing"), "special")

    def test_greedy_http_proxy(self):
        # aws-behavior.md §1.6 (what the backend receives, remapped response headers), §3.3
        r = self.get("/dev/a/b%2Fc/?x=1&x=2&s=a+b", headers=[
            ("X-Custom", "kept"), ("Via", "1.1 someone"), ("Max-Forwards", "3"),
            ("Content-MD5", "x"), ("User-Agent", "scenario/1"), ("Accept", "*/*")])
        self.assertEqual(r.status, 200, r.body)
        got = self.backend.last()
        self.assertEqual(got["method"], "GET")
        self.assertEqual(got["path"], "/backend/a/b%2Fc?x=1&x=2&s=a+b",
                         "§1.2/§3.3: {proxy} substituted as sent, query passed raw")
        self.assertEqual(self.backend.header("X-Custom"), "kept")
        self.assertEqual(self.backend.header("User-Agent"), "scenario/1",
                         "§1.6: HTTP_PROXY keeps the client's User-Agent")
        for dropped in ("Via", "Max-Forwards", "Content-MD5"):
            self.assertIsNone(self.backend.header(dropped), f"§1.6: {dropped} is dropped")
        self.assertEqual(self.backend.header("Host"), f"127.0.0.1:{self.backend.port}",
                         "§1.6: Host is the backend's")
        self.assertEqual(self.backend.header("X-Amzn-Apigateway-Api-Id"), "s1c2e3n4a5")
        self.assertRegex(self.backend.header("X-Amzn-Trace-Id") or "", r"^Root=1-[0-9a-f]{8}-")
        self.assertEqual(self.backend.header("X-From-Stage"), "vanilla",
                         "a request parameter mapped from a stage variable")
        self.assertEqual(r.body, json.dumps({"backend": "ok",
                                             "path": "/backend/a/b%2Fc?x=1&x=2&s=a+b"}).encode())
        self.assertEqual(r.header("X-Backend"), "1")
        self.assertTrue((r.header("x-amzn-Remapped-Server") or "").startswith("BaseHTTP/"),
                        "§1.6: the backend's Server is renamed")
        self.assertIsNotNone(r.header("x-amzn-Remapped-Date"), "§1.6: Date is renamed")
        self.assertIsNotNone(r.header("x-amzn-Remapped-Content-Length"))
        self.assertIsNone(r.header("X-Amzn-Trace-Id"), "§1.5: not for HTTP_PROXY")
        self.assertApigwHeaders(r)

    def test_http_proxy_body_status_and_method(self):
        # aws-behavior.md §3.3: method, body and status pass through
        r = self.get("/dev/items/missing", method="PUT", body=b'{"a": [1, 2]}',
                     headers=[("Content-Type", "application/json")])
        self.assertEqual(r.status, 404)
        self.assertEqual(r.body, b'{"backend": "not here"}')
        got = self.backend.last()
        self.assertEqual((got["method"], got["body"]), ("PUT", b'{"a": [1, 2]}'))
        self.assertEqual(self.backend.header("Content-Type"), "application/json")

    def test_http_non_proxy(self):
        # aws-behavior.md §1.6 (non-proxy HTTP: only API Gateway's headers) and §3.3
        r = self.get("/dev/plain?name=bob", headers=[("X-Client", "not passed")])
        self.assertEqual(r.status, 200, r.body)
        got = self.backend.last()
        self.assertEqual((got["method"], got["path"]), ("POST", "/backend/plain?who=bob"))
        self.assertEqual(got["body"], b'{"asked": "bob"}', "the request template's output")
        self.assertEqual(self.backend.header("User-Agent"), "AmazonAPIGateway_s1c2e3n4a5")
        self.assertEqual(self.backend.header("Accept"), "application/json")
        self.assertIsNone(self.backend.header("X-Client"), "§1.6: client headers not passed")
        self.assertEqual(r.body, b'{"wrapped": {"backend":"ok","path":"/backend/plain?who=bob"}}')
        self.assertTrue(r.header("X-Backend-Server").startswith("BaseHTTP/"),
                        "integration.response.header mapping")
        self.assertRegex(r.header("X-Amzn-Trace-Id") or "", r"^Root=1-",
                         "§1.5: X-Amzn-Trace-Id for HTTP integrations")

    def test_integration_timeout(self):
        # aws-behavior.md §1.5 / §8 S11: no answer within TimeoutInMillis -> 504
        r = self.get("/dev/slow")
        self.assertEqual(r.status, 504)
        self.assertEqual(r.body, b'{"message": "Endpoint request timed out"}')
        self.assertEqual(r.header("Content-Type"), "application/json")
        self.assertApigwHeaders(r, "InternalServerErrorException")
        hops = " ".join(h["decision"] for h in self.trace(self.f, r)["hops"])
        self.assertIn("TimeoutInMillis 100", hops)

    # ---------------------------------------------------------------- errors

    def test_unknown_route_method_stage(self):
        # aws-behavior.md §1.5 rows 1-2, §1.2 (wrong or no stage), §1.4 (/{proxy+} and /)
        for method, path, why in (("GET", "/dev/nothing/here", "unknown route"),
                                  ("DELETE", "/dev/literal", "wrong method"),
                                  ("GET", "/prod/literal", "wrong stage"),
                                  ("GET", "/literal", "no such stage"),
                                  ("GET", "/dev/", "/{proxy+} does not match /"),
                                  ("GET", "/", "no stage at all")):
            with self.subTest(path=path, why=why):
                r = send(self.f.http_port, method, path, host=ERRORS)
                self.assertEqual(r.status, 403, r.body)
                self.assertEqual(r.body, MAT)
                self.assertEqual(r.header("Content-Type"), "application/json")
                self.assertApigwHeaders(r, "MissingAuthenticationTokenException")
        r = send(self.f.http_port, "OPTIONS", "/dev/literal", host=ERRORS)
        self.assertEqual(r.status, 204, "§1.4: OPTIONS /literal falls back to /{proxy+}")
        self.assertEqual(r.header("Access-Control-Allow-Methods"), "GET,OPTIONS")
        r = send(self.f.http_port, "GET", "/dev/literal", host=ERRORS)
        self.assertEqual((r.status, r.body), (200, b'{"route": "literal"}'))

    def test_incomplete_signature(self):
        # aws-behavior.md §1.5 row 4 and §2.7 (default: the redacting form)
        r = send(self.f.http_port, "POST", "/dev/nowhere", host=ERRORS,
                 headers=[("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")])
        self.assertEqual(r.status, 403)
        digest = base64.b64encode(__import__("hashlib").sha256(
            b"Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig").digest()).decode()
        self.assertEqual(r.body, ('{"message":"Invalid key=value pair (missing equal-sign) in '
                                  'Authorization header (hashed with SHA-256 and encoded with '
                                  "Base64): '%s'\"}" % digest).encode())
        self.assertApigwHeaders(r, "IncompleteSignatureException")

    def test_body_too_large(self):
        # aws-behavior.md §1.5 / §8 S12: over 10485760 bytes -> 413 plain text
        r = self.get("/dev/literal", method="POST", body=b"x" * 10485761)
        self.assertEqual(r.status, 413)
        self.assertEqual(r.body, b"HTTP content length exceeded 10485760 bytes.")
        self.assertIsNone(r.header("x-amzn-ErrorType"), "§1.5: not a gateway response")
        r = self.get("/dev/things/1", method="POST", body=b"x" * 10485760)
        self.assertEqual(r.status, 201, "exactly 10485760 bytes is allowed")

    def test_unknown_api(self):
        # aws-behavior.md §1.1/§1.3 (UNCONFIRMED; fidelity switch unknown-api, default 403)
        r = send(self.f.http_port, "GET", "/dev/literal",
                 host="zzzzzzzzzz.execute-api.us-east-1.amazonaws.com")
        self.assertEqual(r.status, 403)
        self.assertEqual(r.body, b'{"message":"Forbidden"}')
        self.assertApigwHeaders(r, "ForbiddenException")

    def test_aws_iam_method(self):
        # aws-behavior.md §1.5 rows 3-4; verification itself: test_iam_auth.py
        r = self.get("/dev/iam")
        self.assertEqual((r.status, r.body), (403, MAT))
        self.assertApigwHeaders(r, "MissingAuthenticationTokenException")
        r = self.get("/dev/iam", headers=[("Authorization", "Basic Og==")])
        self.assertEqual(r.status, 403)
        self.assertApigwHeaders(r, "IncompleteSignatureException")
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        req = AWSRequest(method="GET", url=f"https://{HOST}/dev/iam")
        SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "execute-api",
                  "us-east-1").add_auth(req)
        r = self.get("/dev/iam", headers=list(req.headers.items()))
        # §1.5: a well-formed signature with a key no template defines
        self.assertEqual((r.status, r.body), (403, b'{"message":"The security token '
                                                   b'included in the request is invalid."}'))
        self.assertApigwHeaders(r, "AccessDeniedException")
        hops = " ".join(h["decision"] for h in self.trace(self.f, r)["hops"])
        self.assertIn("no AWS::IAM::AccessKey", hops)

    # ---------------------------------------------------------- host forms

    def test_host_and_path_forms(self):
        # aws-behavior.md §1.1 (any region, case-insensitive, port) and design.md §3
        want = b'{"route": "literal", "stage": "dev", "v": "vanilla"}'
        for host, path in (
                ("S1C2E3N4A5.Execute-Api.eu-west-3.amazonaws.com:4580", "/dev/literal"),
                ("s1c2e3n4a5.execute-api.localhost", "/dev/literal"),
                ("s1c2e3n4a5.execute-api.localhost.localstack.cloud:4566", "/dev/literal"),
                ("localhost", "/_aws/execute-api/s1c2e3n4a5/dev/literal"),
                ("127.0.0.1", "/restapis/s1c2e3n4a5/dev/_user_request_/literal")):
            with self.subTest(host=host, path=path):
                r = send(self.f.http_port, "GET", path, host=host)
                self.assertEqual((r.status, r.body), (200, want))

    def test_trace_explains(self):
        # issue 3: every request records which API/stage, resource/method, integration
        r = send(self.f.http_port, "DELETE", "/dev/literal", host=ERRORS)
        t = self.trace(self.f, r)
        self.assertEqual(t["id"], r.header("x-amzn-RequestId"))
        hops = [h["decision"] for h in t["hops"] if h["service"] == "apigw"]
        self.assertIn("execute-api host: api e7r7o7r7s7 region us-east-1, stage dev, "
                      "path /literal", hops)
        self.assertTrue(any(h.startswith("stage 'dev' -> deployment ") for h in hops), hops)
        self.assertTrue(any("resource /literal has no DELETE method (it has GET)" in h
                            for h in hops), hops)


class Lambda(Base):
    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[LAMBDA])
        stack = cls.f.control("GET", "/stacks/lambda").json()
        cls.skip = None
        for res in stack["Resources"]:
            if res["Type"] == "AWS::Lambda::Function" and not res["Emulated"]:
                cls.skip = "Lambda functions are not emulated in this build: " + \
                    "; ".join(w for w in stack["Warnings"] if "Lambda" in w or "function" in w)
        for w in stack["Warnings"]:
            if "is not emulated" in w and "Function" in w:
                cls.skip = "frontgate cannot run the echo function here: " + w

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def setUp(self):
        if self.skip:
            self.skipTest(self.skip)

    def get(self, path, **kw):
        return send(self.f.http_port, kw.pop("method", "GET"), path,
                    host="l4mbd4s0n1.execute-api.us-east-1.amazonaws.com", **kw)

    def test_event_as_the_function_sees_it(self):
        # aws-behavior.md §3.1 (every key, null rules, maps), §1.2 (query), §1.6 (headers)
        r = self.get("/v1//echo/proxy-value/?email=test%2Balias@gmail.com&plus=test+alias"
                     "&category=electronics&category=books", method="POST",
                     headers=[("aUThorization", "token"), ("tEsT-HEADeR", "one"),
                              ("tEsT-HEADeR", "two"), ("Connection", "keep-alive"),
                              ("User-Agent", "scenario/2"), ("Content-Type", "text/plain")],
                     body=b"hello body")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("X-Echo"), "yes")
        self.assertEqual(r.header("Set-Cookie"), "a=1, b=2", "§3.2: multiValueHeaders joined")
        self.assertRegex(r.header("X-Amzn-Trace-Id") or "", r"^Root=1-")
        e = json.loads(r.body)
        self.assertEqual(set(e), {"resource", "path", "httpMethod", "headers",
                                  "multiValueHeaders", "queryStringParameters",
                                  "multiValueQueryStringParameters", "pathParameters",
                                  "stageVariables", "requestContext", "body",
                                  "isBase64Encoded"})
        self.assertEqual(e["resource"], "/echo/{proxy+}")
        self.assertEqual(e["path"], "/echo/proxy-value/", "§1.2: extra slash after the stage")
        self.assertEqual(e["httpMethod"], "POST")
        self.assertEqual(e["pathParameters"], {"proxy": "proxy-value"})
        self.assertIsNone(e["stageVariables"], "§3.1: null when none")
        self.assertEqual(e["queryStringParameters"], {"email": "test+alias@gmail.com",
                                                      "plus": "test alias",
                                                      "category": "books"})
        self.assertEqual(e["multiValueQueryStringParameters"]["category"],
                         ["electronics", "books"])
        self.assertEqual(e["body"], "hello body")
        self.assertIs(e["isBase64Encoded"], False)
        h = e["headers"]
        self.assertEqual(h["Authorization"], "token", "§1.6: title-cased")
        self.assertEqual(h["User-Agent"], "scenario/2")
        self.assertEqual(h["tEsT-HEADeR"], "two", "§3.1: last value, name as sent")
        self.assertEqual(e["multiValueHeaders"]["tEsT-HEADeR"], ["one", "two"])
        self.assertNotIn("Connection", h, "§1.6: dropped")
        self.assertNotIn("Content-Length", h, "§1.6: no Content-Length for AWS_PROXY")
        self.assertEqual(h["X-Forwarded-For"], "127.0.0.1")
        self.assertEqual(h["X-Forwarded-Proto"], "http")
        self.assertEqual(h["Host"], "l4mbd4s0n1.execute-api.us-east-1.amazonaws.com")
        rc = e["requestContext"]
        self.assertEqual(rc["requestId"], r.header("x-amzn-RequestId"))
        self.assertEqual(rc["extendedRequestId"], r.header("x-amz-apigw-id"))
        self.assertEqual(rc["path"], "/v1//echo/proxy-value/", "§1.2: context path as sent")
        self.assertEqual(rc["stage"], "v1")
        self.assertEqual(rc["resourcePath"], "/echo/{proxy+}")
        self.assertEqual(rc["apiId"], "l4mbd4s0n1")
        self.assertEqual(rc["accountId"], "123456789012")
        self.assertEqual(rc["protocol"], "HTTP/1.1")
        self.assertEqual(rc["domainName"], "l4mbd4s0n1.execute-api.us-east-1.amazonaws.com")
        self.assertEqual(rc["domainPrefix"], "l4mbd4s0n1")
        self.assertEqual(rc["identity"]["sourceIp"], "127.0.0.1")
        self.assertIsNone(rc["identity"]["user"])
        self.assertRegex(rc["requestTime"],
                         r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$")
        self.assertIsInstance(rc["requestTimeEpoch"], int)

    def test_get_without_query_or_body(self):
        # aws-behavior.md §3.1: null (not {}) when absent
        r = self.get("/v1/echo/x")
        e = json.loads(r.body)
        self.assertIsNone(e["queryStringParameters"])
        self.assertIsNone(e["multiValueQueryStringParameters"])
        self.assertIsNone(e["body"])

    def test_binary(self):
        # aws-behavior.md §3.1 (binary request body -> base64), §3.2 (decoded response)
        r = self.get("/v1/echo/img", method="POST", body=b"\x89PNG\r\n\x1a\n",
                     headers=[("Content-Type", "image/png")])
        e = json.loads(r.body)
        self.assertIs(e["isBase64Encoded"], True)
        self.assertEqual(base64.b64decode(e["body"]), b"\x89PNG\r\n\x1a\n")
        r = self.get("/v1/echo/img?do=binary", headers=[("Accept", "image/png")])
        self.assertEqual((r.status, r.body), (200, b"\x89PNG\r\n\x1a\n"))
        r = self.get("/v1/echo/img?do=binary", headers=[("Accept", "application/json")])
        self.assertEqual(r.body, b"iVBORw0KGgo=", "§3.2: still base64 without a binary Accept")

    def test_malformed_response_502(self):
        # aws-behavior.md §3.2 / §8 S10: the exact 36-byte body
        r = self.get("/v1/malformed")
        self.assertEqual(r.status, 502)
        self.assertEqual(r.body, ISE)
        self.assertEqual(len(r.body), 36)
        self.assertApigwHeaders(r, "InternalServerErrorException")
        hops = " ".join(h["decision"] for h in self.trace(self.f, r)["hops"])
        self.assertIn("Malformed Lambda proxy response", hops)

    def test_function_error_502(self):
        # aws-behavior.md §3.2: a function that raises -> 502
        r = self.get("/v1/echo/x?do=raise")
        self.assertEqual((r.status, r.body), (502, ISE))
        hops = " ".join(h["decision"] for h in self.trace(self.f, r)["hops"])
        self.assertIn("boom from the echo function", hops)

    def test_timeout_504(self):
        # aws-behavior.md §1.5 / §8 S11 with TimeoutInMillis 100
        r = self.get("/v1/slow?do=wait")
        self.assertEqual(r.status, 504)
        self.assertEqual(r.body, b'{"message": "Endpoint request timed out"}')
        self.assertApigwHeaders(r, "InternalServerErrorException")


class GatewayResponses(Base):
    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[GWRESP])

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def get(self, path, **kw):
        return send(self.f.http_port, kw.pop("method", "GET"), path,
                    host="g4t3w4y000.execute-api.us-east-1.amazonaws.com", **kw)

    def test_customised_missing_authentication_token(self):
        # aws-behavior.md §1.5: GatewayResponse status, headers and template
        r = self.get("/live/nothing")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.body, ('{"error": "Missing Authentication Token", "requestId": '
                                  '"%s"}' % r.header("x-amzn-RequestId")).encode())
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "*")
        self.assertApigwHeaders(r, "MissingAuthenticationTokenException")

    def test_default_4xx(self):
        # aws-behavior.md §1.5: DEFAULT_4XX customises the 4xx types without their own
        r = self.get("/live/nothing", headers=[("Authorization", "Bearer")])
        self.assertEqual(r.status, 403)
        self.assertEqual(r.body, b"refused: INVALID_SIGNATURE")
        self.assertEqual(r.header("Content-Type"), "text/plain")
        self.assertEqual(r.header("X-Default"), "4xx")
        self.assertApigwHeaders(r, "IncompleteSignatureException")

    def test_served_route_is_not_affected(self):
        r = self.get("/live/hello")
        self.assertEqual((r.status, r.body), (200, b'{"hello": "world"}'))


class ApiKeys(Base):
    """aws-behavior.md §1.5: API keys (403 Forbidden), throttle and quota (429), on
    frontgate's clock (PUT /clock) instead of sleeping."""

    def test_keys_throttle_quota(self):
        with Frontgate(fixtures=[KEYS]) as f:
            host = "k3y5c3n4r1.execute-api.us-east-1.amazonaws.com"
            key = [("x-api-key", "scenario-key-0123456789")]

            def get(headers=()):
                return send(f.http_port, "GET", "/prod/orders", host=host, headers=headers)

            def clock(body):
                r = f.control("PUT", "/clock", body)
                self.assertEqual(r.status, 200, r.body)

            r = get()
            self.assertEqual((r.status, r.body), (403, b'{"message":"Forbidden"}'))
            self.assertApigwHeaders(r, "ForbiddenException")
            r = get([("x-api-key", "not-the-key-0123456789")])
            self.assertEqual((r.status, r.body), (403, b'{"message":"Forbidden"}'))
            clock({"now": "2026-03-04T10:00:00Z"})
            self.assertEqual(get(key).status, 200)
            r = get(key)
            self.assertEqual((r.status, r.body), (200, b'{"orders": []}'))
            r = get(key)
            self.assertEqual((r.status, r.body), (429, b'{"message":"Too Many Requests"}'),
                             "BurstLimit 2 on a fixed clock")
            self.assertApigwHeaders(r, "TooManyRequestsException")
            clock({"advanceSeconds": 10})
            self.assertEqual(get(key).status, 200, "the bucket refilled")
            clock({"advanceSeconds": 10})
            r = get(key)
            self.assertEqual((r.status, r.body), (429, b'{"message":"Limit Exceeded"}'),
                             "Quota 3 per DAY")
            self.assertApigwHeaders(r, "LimitExceededException")
            clock({"now": "2026-03-05T00:00:00Z"})
            self.assertEqual(get(key).status, 200, "a new day")


class OpenApiBody(Base):
    """Issue 3 acceptance: an OpenAPI Body with x-amazon-apigateway-integration deploys the same
    API as the resource-by-resource form — both answer every request alike."""

    REQUESTS = [("GET", "/v1/pets", ()), ("POST", "/v1/pets", ()),
                ("POST", "/v1/pets", (("Authorization", "Bearer x"),)),
                ("OPTIONS", "/v1/pets", ()), ("DELETE", "/v1/pets", ()),
                ("GET", "/v1/pets/7", ()), ("GET", "/v1/pets/a%2Fb/", ()),
                ("PUT", "/v1/files/a/b/c.txt", ()), ("GET", "/v1/files", ()),
                ("GET", "/v1/nothing", ()), ("GET", "/v2/pets", ())]
    SAME = ("Content-Type", "X-Pet", "Access-Control-Allow-Origin", "X-Gw", "x-amzn-ErrorType")

    def test_same_answers(self):
        # aws-behavior.md §1.4 (routing), §1.5 (errors, gateway responses), §3.3 (MOCK)
        with Frontgate(fixtures=[OPENAPI]) as f:
            stack = f.control("GET", "/stacks/openapi").json()
            self.assertFalse([w for w in stack["Warnings"] if "Imported" in w], stack["Warnings"])
            for method, path, headers in self.REQUESTS:
                with self.subTest(method=method, path=path):
                    a = send(f.http_port, method, path, headers=headers,
                             host="3xpl1c1t00.execute-api.us-east-1.amazonaws.com")
                    b = send(f.http_port, method, path, headers=headers,
                             host="0p3n4p1b0d.execute-api.us-east-1.amazonaws.com")
                    self.assertEqual((a.status, a.body), (b.status, b.body))
                    for h in self.SAME:
                        self.assertEqual(a.header(h), b.header(h), h)
            r = send(f.http_port, "GET", "/v1/pets/7",
                     host="0p3n4p1b0d.execute-api.us-east-1.amazonaws.com")
            self.assertEqual((r.status, r.body, r.header("X-Pet")), (200, b'{"id": "7"}', "7"))
            r = send(f.http_port, "POST", "/v1/pets",
                     host="0p3n4p1b0d.execute-api.us-east-1.amazonaws.com")
            self.assertEqual((r.status, r.body), (403, MAT), "awsSigv4 security -> AWS_IAM")
            self.assertEqual(r.header("X-Gw"), "yes", "x-amazon-apigateway-gateway-responses")

    def test_import_errors(self):
        # the import's checks answer like AWS's import (issue 3, "Resource types")
        with Frontgate() as f:
            r = f.control("PUT", "/stacks/bad", {"Template": {"Resources": {"Api": {
                "Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {
                    "openapi": "3.0.1", "info": {"title": "t"},
                    "paths": {"/a/{p+}/b": {"get": {}}}}}}}}})
            self.assertEqual(r.status, 400, r.body)
            err = r.json()["error"]
            self.assertIn("Errors found during import: Unable to create resource at path "
                          "'/a/{p+}/b': Cannot create a child of a resource with a greedy "
                          "path variable: {p+}", err["message"])
            self.assertEqual((err["resource"], err["property"]),
                             ("Api", "Resources.Api.Properties.Body"))


class Redeploy(Base):
    """A stage serves its deployment: changing a method without a new Deployment changes
    nothing for callers (issue 3, "Resource types")."""

    TEMPLATE = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Metadata: { Frontgate: { Id: r3d3pl0y00 } }
    Properties: { Name: redeploy }
  M:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates: { application/json: '{"statusCode": 200}' }
        IntegrationResponses:
          - StatusCode: "200"
            ResponseTemplates: { application/json: '{"version": "%(version)s"}' }
  %(deployment)s:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [M]
    Properties: { RestApiId: !Ref Api, StageName: prod }
"""

    def test_snapshot_until_redeployed(self):
        with Frontgate() as f:
            def put(version, deployment):
                r = f.control("PUT", "/stacks/rd", self.TEMPLATE % {
                    "version": version, "deployment": deployment},
                    headers={"Content-Type": "application/yaml"})
                self.assertIn(r.status, (200, 201), r.body)

            def call():
                return send(f.http_port, "GET", "/prod",
                            host="r3d3pl0y00.execute-api.us-east-1.amazonaws.com").body
            put("one", "Deployment")
            self.assertEqual(call(), b'{"version": "one"}')
            put("two", "Deployment")
            self.assertEqual(call(), b'{"version": "one"}',
                             "the method changed but the stage serves the old deployment")
            put("two", "DeploymentV2")
            self.assertEqual(call(), b'{"version": "two"}', "a new Deployment serves it")


class FidelitySwitches(Base):
    def test_classic_messages_and_not_found(self):
        # aws-behavior.md §2.7 (classic form) and §1.1 (LocalStack's 404), both switches
        f = Frontgate("--fidelity", "apigw.signature-messages=classic",
                      "--fidelity", "apigw.unknown-api=not-found", fixtures=[BASIC])
        with f:
            r = send(f.http_port, "GET", "/dev/x",
                     host="zzzzzzzzzz.execute-api.us-east-1.amazonaws.com")
            self.assertEqual(r.status, 404)
            self.assertEqual(r.body, b'{"message":"The API id \'zzzzzzzzzz\' does not '
                                     b'correspond to a deployed API Gateway API"}')
            self.assertApigwHeaders(r, "NotFoundException")
            r = send(f.http_port, "GET", "/dev/nothing", host=ERRORS,
                     headers=[("Authorization", "Bearer")])
            self.assertEqual(r.status, 403)
            self.assertEqual(r.body, b'{"message":"Authorization header requires \'Credential\' '
                             b'parameter. Authorization header requires \'Signature\' parameter. '
                             b'Authorization header requires \'SignedHeaders\' parameter. '
                             b'Authorization header requires existence of either a '
                             b'\'X-Amz-Date\' or a \'Date\' header. Authorization=Bearer"}')
            self.assertApigwHeaders(r, "IncompleteSignatureException")

    def test_bad_switch_stops_start_up(self):
        # a switch that does not exist, or a value it does not take, is a clear start error
        for arg in ("apigw.unknown-api=maybe", "apigw.nope=1", "cloudfront.x=y"):
            f = Frontgate("--fidelity", arg, check=False)
            self.assertIsNone(f.ready, arg)
            self.assertEqual(f.exit_code, 2, arg)
            self.assertIn("--fidelity", f.stderr, arg)


if __name__ == "__main__":
    unittest.main()
