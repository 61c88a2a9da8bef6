"""Seed 003 (../shared/seeds/003): ACM with API Gateway — the post's CloudFormation sample
(DNS-validated certificate, Regional custom domain, base path mapping, Route 53 alias), fixed
only where it cannot deploy. Fixture: fixtures/seeds/003-acm-regional-custom-domain/
template.yaml (stack seed003), loaded from its folder.

What AWS does, and the test checks: the certificate is issued once its validation CNAME is in
the zone (aws-behavior.md §7.2); the mapping v1 selects the stage and is stripped, and the
stage in the URL is Missing Authentication Token (§1.3); the alias answers (§7.1); an
edge-optimized domain needs its certificate in us-east-1, so the same template with
EndpointType=EDGE deployed in eu-west-1 fails with API Gateway's message (§4), while REGIONAL
deploys there and EDGE deploys in us-east-1; a domain the zone cannot hold gets Route 53's
InvalidChangeBatch for the validation record."""
import re
import unittest

from fg import Frontgate, StartError
from seedlib import MAT, VIA, curl, dig, hops, redeploy, template, trace

FIXTURE = template(3)
NAME = "api.seed003.test"


def hello(path="/v1/hello", domain=NAME):
    return ('{"api":"seed003api","stage":"prod","domain":"%s","path":"%s"}'
            % (domain, path)).encode()


def resource(f, logical, stack="seed003"):
    for s in f.control("GET", "/state").json()["Stacks"]:
        if s["Name"] == stack:
            for r in s["Resources"]:
                if r["LogicalId"] == logical:
                    return r
    raise AssertionError(f"no {stack}.{logical}")


class RegionalCustomDomain(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[FIXTURE])

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def test_certificate_validated_through_the_zone(self):
        # §7.2: the validation CNAME is written into the zone the sample names
        # (Z123456789ABC), and the certificate is issued
        st = resource(self.f, "MyCertificate")["State"]
        self.assertEqual(st["Status"], "ISSUED")
        (rec,) = st["ValidationRecords"]
        self.assertEqual((rec["Type"], rec["HostedZoneId"]), ("CNAME", "Z123456789ABC"))
        self.assertRegex(rec["Name"], r"^_[0-9a-f]{32}\.api\.seed003\.test\.$")
        self.assertRegex(rec["Value"], r"^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$")
        self.assertEqual(dig(self.f, rec["Name"], "CNAME"),
                         [(rec["Name"], "CNAME", rec["Value"])])

    def test_base_path_v1(self):
        # §1.3: v1 selects the API's stage prod and is stripped before the resource match;
        # the certificate the listener serves is the ACM one, and curl verifies it
        r = curl(self.f, f"https://{NAME}/v1/hello")
        self.assertEqual((r.code, r.status, r.body), (0, 200, hello()), r.stderr)
        self.assertIsNone(r.header("Via"), "REGIONAL: no CloudFront in front")
        arn = resource(self.f, "MyCertificate")["PhysicalId"]
        h = hops(trace(self.f, r.header("x-amzn-RequestId")))
        self.assertTrue(h[0].endswith(f"served ACM certificate {arn}"), h[0])

    def test_stage_in_the_url(self):
        # §1.3 / KC: the stage in a custom-domain URL is Missing Authentication Token
        for path in ("/prod/hello", "/v1/prod/hello"):
            r = curl(self.f, f"https://{NAME}{path}")
            self.assertEqual((r.status, r.body), (403, MAT), path)
            self.assertEqual(r.header("x-amzn-ErrorType"), "MissingAuthenticationTokenException")
        h = hops(trace(self.f, r.header("x-amzn-RequestId")))
        self.assertTrue(any("'prod' is the name of a stage" in x for x in h), h)
        # the default endpoint still takes the stage in the URL
        r = curl(self.f, "https://seed003api.execute-api.us-east-1.amazonaws.com/prod/hello")
        self.assertEqual((r.status, r.body),
                         (200, hello("/prod/hello",
                                     "seed003api.execute-api.us-east-1.amazonaws.com")))

    def test_alias_record(self):
        # §7.1: A alias -> RegionalDomainName / RegionalHostedZoneId (us-east-1's)
        dom = resource(self.f, "MyCustomDomain")["Attributes"]
        self.assertRegex(dom["RegionalDomainName"],
                         r"^d-[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$")
        self.assertEqual(dom["RegionalHostedZoneId"], "Z1UJRXOUMOOFQ8")
        self.assertEqual(dig(self.f, NAME + "."), [(NAME + ".", "A", "127.0.0.1")])
        chain = self.f.control("GET", f"/resolve?name={NAME}").json()["Chain"]
        self.assertTrue(any(dom["RegionalDomainName"] in c["Step"] for c in chain), chain)


class RegionsAndEndpointTypes(unittest.TestCase):
    def test_edge_certificate_outside_us_east_1_fails(self):
        # §4: deployed in eu-west-1, the template's certificate is in eu-west-1; an EDGE
        # domain needs it in us-east-1 (API Gateway's BadRequestException text)
        with self.assertRaises(StartError) as e:
            Frontgate("--region", "eu-west-1", fixtures=[FIXTURE],
                      params={"EndpointType": "EDGE"})
        self.assertEqual(e.exception.code, 2)
        self.assertRegex(e.exception.stderr, r"Invalid certificate ARN: arn:aws:acm:eu-west-1:"
                         r"123456789012:certificate/[0-9a-f-]{36}\. Certificate must be in "
                         r"'us-east-1'\.")
        with Frontgate() as f:
            r = redeploy(f, "seed003", FIXTURE, {"EndpointType": "EDGE"}, region="eu-west-1")
            self.assertEqual(r.status, 400, r.body)
            err = r.json()["error"]
            self.assertEqual((err["code"], err["resource"], err["property"]),
                             ("BadRequestException", "MyCustomDomain",
                              "Resources.MyCustomDomain.Properties.CertificateArn"))
            self.assertIn("Certificate must be in 'us-east-1'. (Service: ApiGateway, Status "
                          "Code: 400)", err["message"])
            self.assertEqual(f.control("GET", "/stacks/seed003").status, 404, "nothing kept")
            # REGIONAL is right in eu-west-1: the certificate is in the API's region
            r = redeploy(f, "seed003", FIXTURE, region="eu-west-1")
            self.assertEqual(r.status, 201, r.body)
            self.assertRegex(r.json()["Outputs"]["Target"],
                             r"^d-[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com$")
            self.assertEqual(resource(f, "MyCustomDomain")["Attributes"]
                             ["RegionalHostedZoneId"], "ZLY8HYME6SFDD")  # §7.1, eu-west-1
            r = curl(f, f"https://{NAME}/v1/hello")
            self.assertEqual((r.status, r.body), (200, hello()))

    def test_edge_in_us_east_1(self):
        # EDGE with the certificate in us-east-1 deploys; the domain answers through its
        # AWS-managed distribution (CloudFront headers), the alias points at that
        with Frontgate(fixtures=[FIXTURE], params={"EndpointType": "EDGE"}) as f:
            dom = resource(f, "MyCustomDomain")["Attributes"]
            self.assertRegex(dom["DistributionDomainName"], r"^d[a-z0-9]{13}\.cloudfront\.net$")
            r = curl(f, f"https://{NAME}/v1/hello")
            self.assertEqual((r.code, r.status, r.body), (0, 200, hello()), r.stderr)
            self.assertRegex(r.header("Via"), VIA)
            self.assertEqual(r.header("X-Cache"), "Miss from cloudfront")
            self.assertEqual(dig(f, NAME + "."), [(NAME + ".", "A", "127.0.0.1")])
            chain = f.control("GET", f"/resolve?name={NAME}").json()["Chain"]
            self.assertTrue(any(dom["DistributionDomainName"] in c["Step"] for c in chain),
                            chain)

    def test_domain_the_zone_cannot_hold(self):
        # §7.2 via Route 53 (§7.1): the validation record for api.elsewhere.test cannot go into
        # seed003.test -> the certificate cannot be validated, nothing is deployed
        with Frontgate() as f:
            r = redeploy(f, "seed003", FIXTURE, {"DomainName": "api.elsewhere.test"})
            self.assertEqual(r.status, 400, r.body)
            err = r.json()["error"]
            self.assertEqual((err["code"], err["resource"]), ("InvalidChangeBatch",
                                                              "MyCertificate"))
            self.assertTrue(re.search(r"\[RRSet with DNS name _[0-9a-f]{32}\.api\.elsewhere\."
                                      r"test\. is not permitted in zone seed003\.test\.\]",
                                      err["message"]), err["message"])
            self.assertEqual(f.control("GET", "/stacks/seed003").status, 404)


if __name__ == "__main__":
    unittest.main()
