"""Seed 000 (../shared/seeds/000): a CloudFront cipher security policy (TLSv1.2_2021) on the
alternate domain name of an API Gateway API, with an ACM certificate and a Route 53 alias.
Fixture: fixtures/seeds/000-cloudfront-cipher-policy/template.yaml, loaded from its folder.

The policy is enforced in the TLS handshake, before any HTTP (aws-behavior.md §5.2): a TLS 1.1
client gets a protocol_version alert, a CBC-only TLS 1.2 client a handshake_failure alert, a
modern client reaches the API through the distribution. The weaker policies (the broken
variant, parameter SecurityPolicy) let the legacy clients in; the distribution's default
*.cloudfront.net name keeps TLSv1 whatever the alias's policy is (§5.1); API Gateway's own
strictest legacy policy, TLS_1_2, still accepts CBC suites (§4), which is why the article puts
CloudFront in front."""
import re
import unittest

from fg import Frontgate
from seedlib import CF_ID, VIA, curl, dig, newest, outputs, redeploy, s_client, template

FIXTURE = template(0)
NAME = "api.seed000.test"
HELLO = b'{"message":"hello from seed000api"}'
TLS11 = ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]
CBC_ONLY = ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA"]
CURL_TLS11 = ["--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT:@SECLEVEL=0"]
CURL_CBC = ["--tlsv1.2", "--tls-max", "1.2", "--ciphers",
            "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA"]


def handshake_trace(f, name):
    return newest(f, lambda t: t["host"] == name and t["status"] == 0)


class CipherPolicy(unittest.TestCase):
    """The working setup: TLSv1.2_2021 on api.seed000.test."""

    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[FIXTURE])
        cls.out = outputs(cls.f, "seed000")

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def test_modern_client_reaches_the_api(self):
        # curl negotiates TLS 1.3 and verifies the ACM certificate against the local CA
        r = curl(self.f, f"https://{NAME}/hello")
        self.assertEqual(r.code, 0, r.stderr)
        self.assertEqual((r.status, r.body), (200, HELLO))
        self.assertRegex(r.header("Via"), VIA)  # §5.5: through CloudFront
        self.assertEqual(r.header("X-Cache"), "Miss from cloudfront")
        self.assertRegex(r.header("X-Amz-Cf-Id"), CF_ID)
        self.assertIsNotNone(r.header("x-amzn-RequestId"), "API Gateway answered")
        # a TLS 1.2 client with ECDHE + GCM is within the policy too
        code, out = s_client(self.f, NAME, "-tls1_2")
        self.assertEqual(code, 0, out)
        self.assertIn("Protocol version: TLSv1.2", out)
        self.assertRegex(out, r"Ciphersuite: ECDHE-ECDSA-(AES(128|256)-GCM-SHA(256|384)|"
                              r"CHACHA20-POLY1305)\n")

    def test_tls11_client_fails_the_handshake(self):
        # §5.2: TLSv1.2_2021 accepts TLS 1.2 and 1.3 only -> protocol_version alert
        code, out = s_client(self.f, NAME, *TLS11)
        self.assertNotEqual(code, 0, out)
        self.assertIn("tlsv1 alert protocol version", out)
        r = curl(self.f, f"https://{NAME}/hello", *CURL_TLS11)
        self.assertEqual(r.code, 35, r.stderr)  # CURLE_SSL_CONNECT_ERROR: no HTTP at all
        self.assertIn("tlsv1 alert protocol version", r.stderr)
        t = handshake_trace(self.f, NAME)
        self.assertEqual(t["listener"], "https")
        self.assertIn(f"handshake failed for '{NAME}' under security policy TLSv1.2_2021: "
                      "unsupported protocol", t["hops"][0]["decision"])

    def test_cbc_only_client_fails_the_handshake(self):
        # §5.2: TLSv1.2_2021 has no CBC suite -> handshake_failure alert
        code, out = s_client(self.f, NAME, *CBC_ONLY)
        self.assertNotEqual(code, 0, out)
        self.assertIn("sslv3 alert handshake failure", out)
        r = curl(self.f, f"https://{NAME}/hello", *CURL_CBC)
        self.assertEqual(r.code, 35, r.stderr)
        self.assertIn("alert handshake failure", r.stderr)
        t = handshake_trace(self.f, NAME)
        self.assertIn(f"handshake failed for '{NAME}' under security policy TLSv1.2_2021: "
                      "no shared cipher", t["hops"][0]["decision"])

    def test_api_gateway_tls_1_2_still_accepts_cbc(self):
        # §4: the API's own custom domain with TLS_1_2 refuses TLS 1.1 but takes a CBC suite
        code, out = s_client(self.f, "direct.seed000.test", *CBC_ONLY)
        self.assertEqual(code, 0, out)
        self.assertIn("Ciphersuite: ECDHE-ECDSA-AES128-SHA256", out)
        r = curl(self.f, "https://direct.seed000.test/hello", *CURL_CBC)
        self.assertEqual((r.code, r.status, r.body), (0, 200, HELLO), r.stderr)
        self.assertIsNone(r.header("Via"), "API Gateway directly, no CloudFront")
        code, out = s_client(self.f, "direct.seed000.test", *TLS11)
        self.assertNotEqual(code, 0, out)
        self.assertIn("tlsv1 alert protocol version", out)

    def test_default_cloudfront_name_keeps_tlsv1(self):
        # §5.1: the *.cloudfront.net name is served with the default certificate and TLSv1,
        # whatever the alias's policy: the policy binds only the alternate domain name
        dist = self.out["DistributionDomainName"]
        self.assertRegex(dist, r"^d[a-z0-9]{13}\.cloudfront\.net$")
        code, out = s_client(self.f, dist, *TLS11)
        self.assertEqual(code, 0, out)
        self.assertIn("Protocol version: TLSv1.1", out)
        r = curl(self.f, f"https://{dist}/hello", *CURL_TLS11)
        self.assertEqual((r.code, r.status, r.body), (0, 200, HELLO), r.stderr)

    def test_route53_alias_and_validation(self):
        # §7.1: the alias answers (frontgate's address); §7.2: the certificate was validated
        # through the zone, so its CNAME is there
        self.assertEqual(dig(self.f, NAME + "."), [(NAME + ".", "A", "127.0.0.1")])
        self.assertEqual(dig(self.f, "direct.seed000.test."),
                         [("direct.seed000.test.", "A", "127.0.0.1")])
        chain = self.f.control("GET", f"/resolve?name={NAME}").json()["Chain"]
        self.assertTrue(any(self.out["DistributionDomainName"] in c["Step"] for c in chain),
                        chain)
        res = self.f.control("GET", "/state").json()
        cert = [r for s in res["Stacks"] for r in s["Resources"]
                if r["LogicalId"] == "Certificate"][0]["State"]
        self.assertEqual(cert["Status"], "ISSUED")
        rr = cert["DomainValidationOptions"][0]["ResourceRecord"]
        self.assertEqual(dig(self.f, rr["Name"], "CNAME"), [(rr["Name"], "CNAME", rr["Value"])])


class WeakerPolicies(unittest.TestCase):
    """The broken variants: the same template with another SecurityPolicy, then the fix."""

    def test_policies_in_turn(self):
        with Frontgate(fixtures=[FIXTURE]) as f:
            # TLSv1.1_2016: TLS 1.1 with a CBC suite gets through to the API
            r = redeploy(f, "seed000", FIXTURE, {"SecurityPolicy": "TLSv1.1_2016"})
            self.assertEqual(r.status, 200, r.body)
            code, out = s_client(f, NAME, *TLS11)
            self.assertEqual(code, 0, out)
            self.assertIn("Protocol version: TLSv1.1", out)
            self.assertRegex(out, r"Ciphersuite: ECDHE-ECDSA-AES(128|256)-SHA\n")
            r = curl(f, f"https://{NAME}/hello", *CURL_TLS11)
            self.assertEqual((r.code, r.status, r.body), (0, 200, HELLO), r.stderr)
            # TLSv1.2_2019: TLS 1.2 only, but still a CBC suite (…-SHA256)
            redeploy(f, "seed000", FIXTURE, {"SecurityPolicy": "TLSv1.2_2019"})
            code, out = s_client(f, NAME, *TLS11)
            self.assertNotEqual(code, 0, out)
            code, out = s_client(f, NAME, *CBC_ONLY)
            self.assertEqual(code, 0, out)
            self.assertIn("Ciphersuite: ECDHE-ECDSA-AES128-SHA256", out)
            # the fix: TLSv1.2_2021 (the template's default)
            r = redeploy(f, "seed000", FIXTURE)
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json()["Parameters"]["SecurityPolicy"], "TLSv1.2_2021")
            for args in (TLS11, CBC_ONLY):
                code, out = s_client(f, NAME, *args)
                self.assertNotEqual(code, 0, out)
            self.assertEqual(curl(f, f"https://{NAME}/hello").status, 200)

    def test_unknown_policy_is_refused(self):
        # the parameter's AllowedValues (CloudFormation's message) keep typos out
        with Frontgate(fixtures=[FIXTURE]) as f:
            r = redeploy(f, "seed000", FIXTURE, {"SecurityPolicy": "TLSv1.2_2022"})
            self.assertEqual(r.status, 400, r.body)
            self.assertTrue(re.search(r"SecurityPolicy", r.json()["error"]["message"]), r.body)


if __name__ == "__main__":
    unittest.main()
