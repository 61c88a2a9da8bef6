"""Private APIs (issue 5, "Private APIs"; aws-behavior.md §1.1, §1.5): the three private host
forms, the frontgate-only X-Frontgate-Via-Vpce header, 403 for a private API reached outside
its endpoint and for a public API reached through one, and the deploy-time rule that a
private API needs a resource policy."""
import os
import re
import unittest

from fg import FIXTURES, Frontgate

PRIVATE = os.path.join(FIXTURES, "private", "private.yaml")
API = "p1r2i3v4a5"
VPCE = "vpce-0123456789abcdef0"
DEFAULT_HOST = f"{API}.execute-api.us-east-1.amazonaws.com"
ALIAS_HOST = f"{API}-{VPCE}.execute-api.us-east-1.amazonaws.com"
FORBIDDEN = b'{"message":"Forbidden"}'
PONG = b'{"pong":true}'


def fixture():
    return Frontgate(fixtures=(PRIVATE,))


class PrivateHosts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fg = fixture()
        out = cls.fg.control("GET", "/stacks/private").json()["Outputs"]
        v = out["EndpointDns"]
        cls.vpce_host = v["Value"] if isinstance(v, dict) else v

    @classmethod
    def tearDownClass(cls):
        cls.fg.stop()

    def test_default_host_from_outside_is_forbidden(self):
        # §1.1/§1.5: a private API reached any other way than through its endpoint
        r = self.fg.http("GET", "/prod/ping", DEFAULT_HOST)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.body, FORBIDDEN)
        self.assertEqual(r.header("x-amzn-ErrorType"), "ForbiddenException")

    def test_alias_form_goes_through_the_endpoint(self):
        # §1.1 "{api-id}-{vpce-id}.execute-api.{region}.amazonaws.com"
        r = self.fg.http("GET", "/prod/ping", ALIAS_HOST)
        self.assertEqual((r.status, r.body), (200, PONG))

    def test_endpoint_name_with_api_id_header(self):
        # §1.1 endpoint-specific public DNS name + x-apigw-api-id
        self.assertRegex(self.vpce_host, r"^vpce-0123456789abcdef0-[a-z0-9]{8}\.execute-api\."
                         r"us-east-1\.vpce\.amazonaws\.com$")
        r = self.fg.http("GET", "/prod/ping", self.vpce_host, headers={"x-apigw-api-id": API})
        self.assertEqual((r.status, r.body), (200, PONG))
        r = self.fg.http("GET", "/prod/ping", self.vpce_host)
        self.assertEqual((r.status, r.body), (403, FORBIDDEN))

    def test_private_dns_from_inside_the_vpc(self):
        r = self.fg.http("GET", "/prod/ping", DEFAULT_HOST,
                         headers={"X-Frontgate-Via-Vpce": VPCE})
        self.assertEqual((r.status, r.body), (200, PONG))

    def test_unknown_endpoint_is_forbidden(self):
        r = self.fg.http("GET", "/prod/ping",
                         f"{API}-vpce-0000000000000000f.execute-api.us-east-1.amazonaws.com")
        self.assertEqual((r.status, r.body), (403, FORBIDDEN))

    def test_trace_explains(self):
        r = self.fg.http("GET", "/prod/ping", DEFAULT_HOST)
        rid = r.header("x-amzn-RequestId")
        tr = self.fg.control("GET", f"/requests/{rid}").json()
        text = " ".join(h["decision"] for h in tr["hops"])
        self.assertIn("PRIVATE and the request does not come through a VPC endpoint", text)


class PublicThroughEndpoint(unittest.TestCase):
    def test_public_api_through_endpoint_is_forbidden(self):
        # §1.1: with private DNS on, public execute-api names inside the VPC hit the endpoint
        with Frontgate(fixtures=(PRIVATE, os.path.join(FIXTURES, "demo.yaml"))) as fg:
            host = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"
            r = fg.http("GET", "/dev/health", host)
            self.assertEqual(r.status, 200)
            r = fg.http("GET", "/dev/health", host, headers={"X-Frontgate-Via-Vpce": VPCE})
            self.assertEqual((r.status, r.body), (403, FORBIDDEN))


class SourceVpcePolicy(unittest.TestCase):
    def test_wrong_endpoint_in_policy(self):
        # §1.5 "Private API called via VPCE not allowed by aws:SourceVpce": the policy names
        # another endpoint, so the Deny statement matches
        with Frontgate() as fg:
            with open(PRIVATE) as f:
                r = fg.control("PUT", "/stacks/p?param.AllowedVpce=vpce-0aaaaaaaaaaaaaaaa",
                               f.read().encode(), headers={"Content-Type": "application/yaml"})
            self.assertIn(r.status, (200, 201), r.body)
            r = fg.http("GET", "/prod/ping", ALIAS_HOST)
            self.assertEqual(r.status, 403)
            self.assertEqual(r.header("x-amzn-ErrorType"), "AccessDeniedException")
            self.assertEqual(r.body, (
                b'{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke '
                b'on resource: arn:aws:execute-api:us-east-1:********9012:p1r2i3v4a5/prod/GET/'
                b'ping with an explicit deny"}'))
            tr = fg.control("GET", "/requests/" + r.header("x-amzn-RequestId")).json()
            text = " ".join(h["decision"] for h in tr["hops"])
            self.assertIn("aws:SourceVpce", text)


class DeployRule(unittest.TestCase):
    def test_private_api_needs_a_policy(self):
        with open(PRIVATE) as f:
            text = f.read()
        # the Policy block: from "      Policy:" to the next property at the same indent
        text = re.sub(r"\n      Policy:\n(?:        .*\n)+", "\n", text)
        self.assertNotIn("Policy:", text)
        with Frontgate() as fg:
            r = fg.control("PUT", "/stacks/p", text.encode(),
                           headers={"Content-Type": "application/yaml"})
            self.assertEqual(r.status, 400, r.body)
            e = r.json()["error"]
            self.assertEqual(e["resource"], "Deployment")
            self.assertIn("Private REST API doesn't have a resource policy attached to it",
                          e["message"])
            self.assertEqual(fg.control("GET", "/stacks/p").status, 404)


if __name__ == "__main__":
    unittest.main()
