"""Seed 001 (../shared/seeds/001): a Regional API behind the user's own CloudFront
distribution, with AWS_IAM methods, and the custom-domain setup of the article's comments.
Fixtures: fixtures/seeds/001-regional-api-own-distribution/template.yaml (stack seed001) and
web-account.yaml (stack seed001-web, for the 421), loaded from their folder; its sigv4_get.py
is the README's signing client and is run here as written.

Each broken variant is the same template with other parameter values (PUT /stacks/seed001),
and each ends with the exact answer AWS gives (aws-behavior.md): a wrong origin path or no
Authorization on GET -> 403 Missing Authentication Token (§1.5, §6.2, §6.5); a client that
signed for the distribution's name -> 403 InvalidSignatureException echoing the origin's host
(§2.4, §2.8); Authorization without X-Amz-Date -> 403 IncompleteSignatureException (§2.7);
the custom domain's d-... target without Host forwarded -> 403 Forbidden (§1.3); another
account's alias on the connection -> CloudFront's 421 (§1.7)."""
import os
import subprocess
import unittest

from botocore.credentials import Credentials

from fg import Frontgate
from seedlib import (CF_ID, FORBIDDEN, MAT, VIA, TLSConnection, all_hops, curl, dig, header,
                     hops, outputs, redeploy, template, trace)

FIXTURE = template(1)
WEB = template(1, "web-account.yaml")
SIGNER = template(1, "sigv4_get.py")
KEY, SECRET = "AKIASEED001CLIENT001", "seed001/SecretAccessKey/wJalrXUtnFEMIK7M"
CLIENT = Credentials(KEY, SECRET)
CALLER = "arn:aws:iam::123456789012:user/seed001-client"
API = "seed001api.execute-api.us-east-1.amazonaws.com"
HELLO = b'{"message":"hello from seed001api"}'
SIGV4 = ["--aws-sigv4", "aws:amz:us-east-1:execute-api", "--user", f"{KEY}:{SECRET}"]
PAGE_421 = (b'<html>\n<head><title>421 Misdirected Request</title></head>\n'
            b'<body bgcolor="white">\n<center><h1>421 Misdirected Request</h1></center>\n'
            b'<hr><center>CloudFront</center>\n</body>\n</html>\n')


def sigv4_get(f, *urls):
    """The README's client: python3 sigv4_get.py SIGN_URL [SEND_URL] -> (status, text)."""
    env = dict(os.environ, FRONTGATE_HTTPS=f"127.0.0.1:{f.https_port}",
               FRONTGATE_CA=f.ready["ca"])
    p = subprocess.run(["python3", SIGNER, *urls], capture_output=True, text=True, env=env,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    return int(p.stdout.split()[0]), p.stdout


class Base(unittest.TestCase):
    def assertFromApiGateway(self, r, status, body, error_type):
        """API Gateway's answer passed through CloudFront (§5.5): its status, body and
        x-amzn-ErrorType, with CloudFront's headers around it."""
        self.assertEqual(r.code, 0, r.stderr)
        self.assertEqual((r.status, r.body), (status, body))
        self.assertEqual(r.header("x-amzn-ErrorType"), error_type)
        self.assertIsNotNone(r.header("x-amzn-RequestId"))
        self.assertEqual(r.header("X-Cache"), "Error from cloudfront" if status >= 400
                         else "Miss from cloudfront")
        self.assertRegex(r.header("Via"), VIA)
        self.assertRegex(r.header("X-Amz-Cf-Id"), CF_ID)


class OwnDistribution(Base):
    """The working setup (the template's defaults)."""

    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[FIXTURE])
        cls.dist = outputs(cls.f, "seed001")["DistributionDomainName"]

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def test_origin_without_stage_and_origin_path(self):
        # §6.2: origin path /prod + /greetings -> the prod stage's /greetings
        r = curl(self.f, f"https://{self.dist}/greetings")
        self.assertFromApiGateway(r, 200, HELLO, None)
        t = all_hops(trace(self.f, r.header("X-Amz-Cf-Id")))
        self.assertIn(f"origin request GET https://{API}:443/prod/greetings", t)
        # §5.3: redirect-to-https
        r = self.f.http("GET", "/greetings", self.dist)
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("Location"), f"https://{self.dist}/greetings")

    def test_iam_signed_for_the_api_host(self):
        # the article's test: sign for the invoke URL (with the stage: API Gateway sees the
        # origin path), send to the distribution; Authorization and X-Amz-Date are forwarded
        status, out = sigv4_get(self.f, f"https://{API}/prod/iam", f"https://{self.dist}/iam")
        self.assertEqual(status, 200, out)
        self.assertIn(f'"caller": "{CALLER}", "host": "{API}", "path": "/prod/iam"', out)
        self.assertIn("X-Cache: Miss from cloudfront", out)

    def test_iam_signed_for_the_distribution(self):
        # §2.4 / §8 S4: curl signs what it sends, the distribution's name and /iam; API
        # Gateway verifies the request it received: the origin's Host, /prod/iam
        r = curl(self.f, f"https://{self.dist}/iam", *SIGV4)
        self.assertEqual((r.code, r.status), (0, 403), r.stderr)
        self.assertEqual(r.header("x-amzn-ErrorType"), "InvalidSignatureException")
        self.assertEqual(r.header("X-Cache"), "Error from cloudfront")
        msg = r.json()["message"]
        self.assertTrue(msg.startswith(
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.\n\nThe Canonical String for this request should have "
            f"been\n'GET\n/prod/iam\n\nhost:{API}\nx-amz-date:"), msg)  # §2.8
        self.assertNotIn(self.dist, msg)
        self.assertIn("canonical request", all_hops(trace(self.f, r.header("X-Amz-Cf-Id"))))
        # the Python client signing for the distribution fails the same way
        status, out = sigv4_get(self.f, f"https://{self.dist}/iam")
        self.assertEqual(status, 403, out)
        self.assertIn("x-amzn-ErrorType: InvalidSignatureException", out)

    def test_iam_without_signature(self):
        # §1.5: an AWS_IAM method without Authorization
        r = curl(self.f, f"https://{self.dist}/iam")
        self.assertFromApiGateway(r, 403, MAT, "MissingAuthenticationTokenException")

    def test_custom_domain_variant_works(self):
        # §8 S5: alias == the custom domain, origin = its d-... target, Host forwarded: curl
        # signs for api.seed001.test and API Gateway verifies exactly that
        r = curl(self.f, "https://api.seed001.test/iam", *SIGV4)
        self.assertFromApiGateway(r, 200, (f'{{"caller": "{CALLER}", "host": '
                                           '"api.seed001.test", "path": "/iam"}').encode(),
                                  None)
        target = outputs(self.f, "seed001")["CustomDomainTarget"]
        self.assertIn(f"in-process connection to {target}",
                      all_hops(trace(self.f, r.header("X-Amz-Cf-Id"))))
        status, out = sigv4_get(self.f, "https://api.seed001.test/iam")
        self.assertEqual(status, 200, out)

    def test_dns(self):
        # §7.1: the alias to the distribution; the custom domain's target exists as a name
        self.assertEqual(dig(self.f, "api.seed001.test."),
                         [("api.seed001.test.", "A", "127.0.0.1")])
        target = outputs(self.f, "seed001")["CustomDomainTarget"] + "."
        self.assertEqual(dig(self.f, target), [(target, "A", "127.0.0.1")])
        chain = self.f.control("GET", "/resolve?name=api.seed001.test").json()["Chain"]
        self.assertTrue(any("cloudfront.net" in c["Step"] for c in chain), chain)


class BrokenVariants(Base):
    """Each variant is a stack update of the same template; the last step is the fix."""

    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[FIXTURE])
        cls.dist = outputs(cls.f, "seed001")["DistributionDomainName"]

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def setUp(self):
        self.addCleanup(self.switch)  # back to the working setup

    def switch(self, **params):
        r = redeploy(self.f, "seed001", FIXTURE, params)
        self.assertEqual(r.status, 200, r.body)

    def test_wrong_stage_in_origin_path(self):
        # §1.2, §6.2: origin path /dev, a stage the API does not have
        self.switch(OriginPath="/dev")
        r = curl(self.f, f"https://{self.dist}/greetings")
        self.assertFromApiGateway(r, 403, MAT, "MissingAuthenticationTokenException")
        self.assertIn("stage 'dev' is not deployed on api seed001api (deployed stages: prod)",
                      all_hops(trace(self.f, r.header("X-Amz-Cf-Id"))))
        self.switch()
        self.assertEqual(curl(self.f, f"https://{self.dist}/greetings").status, 200)

    def test_no_origin_path(self):
        # the article's alternative: no origin path, the client names the stage
        self.switch(OriginPath="")
        r = curl(self.f, f"https://{self.dist}/greetings")
        self.assertFromApiGateway(r, 403, MAT, "MissingAuthenticationTokenException")
        r = curl(self.f, f"https://{self.dist}/prod/greetings")
        self.assertFromApiGateway(r, 200, HELLO, None)
        status, out = sigv4_get(self.f, f"https://{API}/prod/iam",
                                f"https://{self.dist}/prod/iam")
        self.assertEqual(status, 200, out)

    def test_authorization_not_forwarded(self):
        # §6.5 / §8 S4: without a forwarded Authorization, a GET loses it -> the IAM method
        # sees no signature: Missing Authentication Token
        self.switch(ForwardedHeaders="none")
        status, out = sigv4_get(self.f, f"https://{API}/prod/iam", f"https://{self.dist}/iam")
        self.assertEqual(status, 403, out)
        self.assertIn("x-amzn-ErrorType: MissingAuthenticationTokenException", out)
        self.assertTrue(out.rstrip().endswith(MAT.decode()), out)
        cf_id = [x for x in out.splitlines() if x.startswith("X-Amz-Cf-Id: ")][0][13:]
        self.assertIn("Authorization not forwarded", all_hops(trace(self.f, cf_id)))

    def test_authorization_without_its_date(self):
        # legacy cache settings forward the listed headers only (--fidelity
        # cloudfront.other-headers=drop, the default): X-Amz-Date stays behind -> §2.7
        self.switch(ForwardedHeaders="authorization-only")
        status, out = sigv4_get(self.f, f"https://{API}/prod/iam", f"https://{self.dist}/iam")
        self.assertEqual(status, 403, out)
        self.assertIn("x-amzn-ErrorType: IncompleteSignatureException", out)
        self.assertTrue(out.rstrip().endswith(
            '{"message":"Authorization header requires existence of either a \'X-Amz-Date\' '
            'or a \'Date\' header. (Hashed with SHA-256 and encoded with Base64)"}'), out)

    def test_custom_domain_target_without_host(self):
        # §1.3: Host not forwarded -> the origin's name, the d-... target, reaches API Gateway,
        # which serves a custom domain only under its own name
        self.switch(ForwardHost="false")
        r = curl(self.f, "https://api.seed001.test/greetings")
        self.assertFromApiGateway(r, 403, FORBIDDEN, "ForbiddenException")
        self.assertIn("regional target name (RegionalDomainName) of custom domain name "
                      "api.seed001.test", all_hops(trace(self.f, r.header("X-Amz-Cf-Id"))))


class OtherHeadersForwarded(unittest.TestCase):
    def test_with_the_switch_authorization_alone_is_enough(self):
        # the other reading of §6.4 (fidelity switch other-headers=forward)
        with Frontgate("--fidelity", "cloudfront.other-headers=forward", fixtures=[FIXTURE],
                       params={"ForwardedHeaders": "authorization-only"}) as f:
            dist = outputs(f, "seed001")["DistributionDomainName"]
            status, out = sigv4_get(f, f"https://{API}/prod/iam", f"https://{dist}/iam")
            self.assertEqual(status, 200, out)


class Misdirected(unittest.TestCase):
    """§1.7: the 421. The web team's distribution (web-account.yaml) has a wildcard
    certificate that covers api.seed001.test too; a client that reuses its www connection for
    the API (HTTP/2 coalescing) meets CloudFront's cross-account check."""

    def test_another_accounts_alias_on_the_connection(self):
        with Frontgate(fixtures=[FIXTURE]) as f:
            r = redeploy(f, "seed001-web", WEB, account="210987654321")
            self.assertEqual(r.status, 201, r.body)
            c = TLSConnection(f, "www.seed001.test")
            self.addCleanup(c.close)
            status, headers, body = c.request("GET", "/greetings", "api.seed001.test")
            self.assertEqual((status, body), (421, PAGE_421))
            self.assertEqual(header(headers, "Server"), "CloudFront")
            self.assertEqual(header(headers, "Content-Type"), "text/html")
            self.assertEqual(header(headers, "X-Cache"), "Error from cloudfront")
            self.assertRegex(header(headers, "Via"), VIA)
            self.assertIsNone(header(headers, "x-amzn-RequestId"), "API Gateway never saw it")
            h = hops(trace(f, header(headers, "X-Amz-Cf-Id")))
            self.assertTrue(any("SNI 'www.seed001.test' is an alias of distribution" in x and
                                "(account 210987654321) but Host names" in x and
                                "of account 123456789012" in x for x in h), h)
            # the same connection still serves its own name (S3 as emulated: no bucket)
            status, headers, body = c.request("GET", "/index.html", "www.seed001.test")
            self.assertEqual(status, 404)
            self.assertIn(b"<Code>NoSuchBucket</Code>", body)
            # curl as the README does it: SNI from the URL, Host from -H
            r = curl(f, "https://www.seed001.test/greetings", "-H", "Host: api.seed001.test")
            self.assertEqual((r.status, r.body), (421, PAGE_421))
            # a connection made for the API's own name is served
            r = curl(f, "https://api.seed001.test/greetings")
            self.assertEqual((r.status, r.body), (200, HELLO))
            # the fix: both distributions in one account -> the same request is served
            self.assertEqual(f.control("DELETE", "/stacks/seed001-web").status, 200)
            r = redeploy(f, "seed001-web", WEB)
            self.assertEqual(r.status, 201, r.body)
            r = curl(f, "https://www.seed001.test/greetings", "-H", "Host: api.seed001.test")
            self.assertEqual((r.status, r.body), (200, HELLO))


if __name__ == "__main__":
    unittest.main()
