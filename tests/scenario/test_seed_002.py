"""Seed 002 (../shared/seeds/002): "CloudFront in front of API Gateway gives 403" and its
answers. Fixture: fixtures/seeds/002-forwarded-host-403/template.yaml (stack prod--seed002),
whose CloudFront and DNS resources are the accepted answer's CloudFormation as posted.

Variants are stack updates of the same template (parameters HeaderForwarding and
ApiPathPattern), each checked against what AWS answers: a forwarded Host -> API Gateway's
403 {"message":"Forbidden"} passed through CloudFront (aws-behavior.md §1.3, §6.2, §8 S3),
whichever way Host gets forwarded (the commented "- Host" line, legacy "*", the AllViewer
policy), and AllViewerExceptHostHeader works (§6.6); a path pattern that is not the API's
real path sends the request to the S3 origin or makes the API see another path -> Missing
Authentication Token (§6.1, §6.2); a non-SigV4 Authorization header on a path the API does
not have -> 403 IncompleteSignatureException with the "Authorization header requires ..."
message (§2.3, §2.7). S3 is not emulated: its origin answers as S3 does for a bucket that
does not exist (404 NoSuchBucket)."""
import unittest

from fg import Frontgate
from seedlib import (CF_ID, FORBIDDEN, MAT, VIA, all_hops, curl, dig, outputs, redeploy,
                     template, trace)
from test_cloudfront import error_page

FIXTURE = template(2)
STACK = "prod--seed002"
NAME = "api.seed002.test"
API = "seed002api.execute-api.us-east-1.amazonaws.com"
HELLO = b'{"message":"hello from seed002api"}'
ENDPOINT1 = b'{"endpoint":"/api/endpoint1"}'
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWVkMDAyIn0.c2lnbmF0dXJl"  # a raw token, no scheme
REQUIRES = ("Authorization header requires 'Credential' parameter. Authorization header "
            "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
            "parameter. Authorization header requires existence of either a 'X-Amz-Date' or "
            "a 'Date' header.")


class Base(unittest.TestCase):
    STACK_PARAMS = {}

    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[FIXTURE])
        cls.out = outputs(cls.f, STACK)

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def switch(self, **params):
        r = redeploy(self.f, STACK, FIXTURE, params)
        self.assertEqual(r.status, 200, r.body)

    def assertThroughCloudFront(self, r, status, body, error_type=None):
        self.assertEqual(r.code, 0, r.stderr)
        self.assertEqual((r.status, r.body), (status, body))
        self.assertEqual(r.header("x-amzn-ErrorType"), error_type)
        self.assertEqual(r.header("X-Cache"), "Error from cloudfront" if status >= 400
                         else "Miss from cloudfront")
        self.assertRegex(r.header("Via"), VIA)
        self.assertRegex(r.header("X-Amz-Cf-Id"), CF_ID)


class ForwardedHost(Base):
    def setUp(self):
        self.addCleanup(self.switch)  # back to the answer's configuration

    def test_the_answers_configuration_works(self):
        # Host not forwarded: CloudFront sends the origin's name (and SNI), the stage comes
        # from the stack name prod--seed002 into the origin path
        r = curl(self.f, f"https://{NAME}/greetings")
        self.assertThroughCloudFront(r, 200, HELLO)
        t = all_hops(trace(self.f, r.header("X-Amz-Cf-Id")))
        self.assertIn(f"origin request GET https://{API}:443/prod/greetings Host '{API}' (the "
                      "origin's domain name: Host is not forwarded, §6.2)", t)
        self.assertIn(f"in-process connection to {API} port 443 (TLSv1.2, SNI '{API}')", t)

    def test_http_is_refused(self):
        # ViewerProtocolPolicy https-only: plain HTTP gets CloudFront's 403 page (§5.3)
        r = self.f.http("GET", "/greetings", NAME)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.body, error_page(403, "Bad request.", r.header("X-Amz-Cf-Id")))
        self.assertEqual(r.header("Server"), "CloudFront")

    def test_forwarded_host_is_api_gateways_403(self):
        # §8 S3: every way of forwarding the viewer's Host ends the same
        for variant in ("whitelist-with-host", "all", "AllViewer"):
            self.switch(HeaderForwarding=variant)
            r = curl(self.f, f"https://{NAME}/greetings")
            self.assertThroughCloudFront(r, 403, FORBIDDEN, "ForbiddenException")
            self.assertIsNotNone(r.header("x-amzn-RequestId"), "API Gateway's answer")
            self.assertIsNone(r.header("Server"), "not a CloudFront page")
            t = all_hops(trace(self.f, r.header("X-Amz-Cf-Id")))
            self.assertIn(f"Host '{NAME}' (the viewer's Host: a policy forwards Host, §6.2)", t,
                          variant)
            self.assertIn(f"Host '{NAME}' is not a name API Gateway serves", t, variant)
        # §6.6: the managed policy made for API Gateway origins forwards all but Host
        self.switch(HeaderForwarding="AllViewerExceptHostHeader")
        self.assertThroughCloudFront(curl(self.f, f"https://{NAME}/greetings"), 200, HELLO)
        # the fix of the answer: leave Host out of the whitelist
        self.switch(HeaderForwarding="whitelist")
        self.assertThroughCloudFront(curl(self.f, f"https://{NAME}/greetings"), 200, HELLO)

    def test_malformed_authorization_on_a_path_the_api_lacks(self):
        # §2.3/§2.7: the answer forwards Authorization; a token that is not SigV4 on a path
        # the API does not have is judged as a signature: IncompleteSignatureException
        # (the newer, hashed form of the message by default)
        r = curl(self.f, f"https://{NAME}/greeting", "-H", f"Authorization: {JWT}")
        self.assertThroughCloudFront(
            r, 403, ('{"message":"' + REQUIRES + ' (Hashed with SHA-256 and encoded with '
                     'Base64)"}').encode(), "IncompleteSignatureException")
        # with a scheme in front, the key=value check fires first
        r = curl(self.f, f"https://{NAME}/greeting", "-H", f"Authorization: Bearer {JWT}")
        self.assertEqual(r.status, 403)
        self.assertRegex(r.json()["message"], r"^Invalid key=value pair \(missing equal-sign\) "
                         r"in Authorization header \(hashed with SHA-256 and encoded with "
                         r"Base64\): '[A-Za-z0-9+/]{43}='$")
        # on the real path the NONE method does not look at Authorization
        self.assertThroughCloudFront(
            curl(self.f, f"https://{NAME}/greetings", "-H", f"Authorization: {JWT}"), 200, HELLO)
        # without any Authorization header the same wrong path is Missing Authentication Token
        self.assertThroughCloudFront(curl(self.f, f"https://{NAME}/greeting"), 403, MAT,
                                     "MissingAuthenticationTokenException")

    def test_route53_records_and_warnings(self):
        # §7.1: the A alias to CloudFront answers; the AAAA alias exists but frontgate listens
        # on IPv4 only, so it is NODATA
        self.assertEqual(dig(self.f, NAME + "."), [(NAME + ".", "A", "127.0.0.1")])
        self.assertEqual(dig(self.f, NAME + ".", "AAAA"), [])
        # what the answer's template asks for and frontgate does not do is said, not hidden
        w = self.f.control("GET", f"/stacks/{STACK}").json()["Warnings"]
        self.assertIn("Resources.CloudFront: certificate arn:aws:acm:us-east-1:123456789012:"
                      "certificate/5eed0002-0000-4000-8000-000000000002 is not a certificate "
                      "of this world: its names are not checked against the aliases, and over "
                      "HTTPS frontgate serves its own default certificate for them", w)
        self.assertIn("Resources.CloudFront: HttpVersion http2 is accepted; viewers are served "
                      "HTTP/1.1 (frontgate does not speak HTTP/2 or HTTP/3: its TLS listener "
                      "offers no ALPN protocol, so clients fall back)", w)
        self.assertTrue(any(x.startswith("Resources.Site: origin site is an S3 origin: S3 is "
                                         "not emulated") for x in w), w)


class ClassicMessage(unittest.TestCase):
    def test_the_seeds_wording(self):
        # the text the answer quotes is the classic form, the header echoed (§2.7)
        with Frontgate("--fidelity", "apigw.signature-messages=classic",
                       fixtures=[FIXTURE]) as f:
            r = curl(f, f"https://{NAME}/greeting", "-H", f"Authorization: {JWT}")
            self.assertEqual((r.status, r.body),
                             (403, ('{"message":"' + REQUIRES + f' Authorization={JWT}"}}')
                              .encode()))
            self.assertEqual(r.header("x-amzn-ErrorType"), "IncompleteSignatureException")


class PathPatterns(Base):
    """The Site distribution: S3 by default, the API on ApiPathPattern."""

    def setUp(self):
        self.site = self.out["SiteDomainName"]
        self.addCleanup(self.switch)

    def assertNoSuchBucket(self, r):
        self.assertEqual(r.status, 404, r.body)
        self.assertEqual(r.header("Server"), "AmazonS3")
        self.assertEqual(r.header("X-Cache"), "Error from cloudfront")
        self.assertIn(b"<Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
                      b"</Message><BucketName>seed002-site</BucketName>", r.body)

    def test_pattern_is_the_real_path(self):
        # §6.1/§6.2: /api/* matches, the origin path is prepended: /prod/api/endpoint1
        r = curl(self.f, f"https://{self.site}/api/endpoint1")
        self.assertThroughCloudFront(r, 200, ENDPOINT1)
        self.assertIn(f"origin request GET https://{API}:443/prod/api/endpoint1",
                      all_hops(trace(self.f, r.header("X-Amz-Cf-Id"))))
        # everything else goes to the bucket (S3 is not emulated: no such bucket)
        self.assertNoSuchBucket(curl(self.f, f"https://{self.site}/"))
        self.assertNoSuchBucket(curl(self.f, f"https://{self.site}/random-name/endpoint1"))

    def test_pattern_used_as_an_alias(self):
        # the pattern is not an alias for the origin: /random-name/endpoint1 reaches the API as
        # /prod/random-name/endpoint1, which it does not have
        self.switch(ApiPathPattern="/random-name/*")
        r = curl(self.f, f"https://{self.site}/random-name/endpoint1")
        self.assertThroughCloudFront(r, 403, MAT, "MissingAuthenticationTokenException")
        t = all_hops(trace(self.f, r.header("X-Amz-Cf-Id")))
        self.assertIn(f"origin request GET https://{API}:443/prod/random-name/endpoint1", t)
        # with a token in Authorization (forwarded by AllViewerExceptHostHeader), the same
        # mistake reads as a signature problem (§2.7)
        r = curl(self.f, f"https://{self.site}/random-name/endpoint1", "-H",
                 f"Authorization: {JWT}")
        self.assertEqual(r.status, 403)
        self.assertEqual(r.header("x-amzn-ErrorType"), "IncompleteSignatureException")
        self.assertTrue(r.json()["message"].startswith(REQUIRES), r.body)
        # and the API's real path now falls to the default behaviour, the bucket
        self.assertNoSuchBucket(curl(self.f, f"https://{self.site}/api/endpoint1"))
        # the fix: the pattern is the real path
        self.switch(ApiPathPattern="/api/*")
        self.assertThroughCloudFront(curl(self.f, f"https://{self.site}/api/endpoint1"), 200,
                                     ENDPOINT1)


if __name__ == "__main__":
    unittest.main()
