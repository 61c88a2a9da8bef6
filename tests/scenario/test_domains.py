"""API Gateway custom domain names (issue 6, the API Gateway half), over plain HTTP with
Host: api.example.test: base path mappings (single, multi-level, (none), whole segments, the
stage-in-URL 403), the d-xxx target host, DisableExecuteApiEndpoint, EDGE domains' CloudFront
headers, mTLS refusing clear-text HTTP, deploy-time errors with AWS's messages, the fidelity
switch sni-mismatch. The real binary serves fixtures/apigw/domains.yaml; each test cites the
section of ../shared/aws-behavior.md it follows. (SNI, client certificates and the 421 need
the TLS listener; their unit tests are tests/unit/apigw/test_domain.c.)"""
import json
import os
import re
import unittest

from fg import FIXTURES, Frontgate
from test_apigw import Base, send

DOMAINS = os.path.join(FIXTURES, "apigw", "domains.yaml")
MAT = b'{"message":"Missing Authentication Token"}'
FORBIDDEN = b'{"message":"Forbidden"}'


class Domains(Base):
    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[DOMAINS])
        cls.stack = cls.f.control("GET", "/stacks/domains").json()
        cls.lambda_skip = None
        for w in cls.stack["Warnings"]:
            if "Echo" in w and "not emulated" in w:
                cls.lambda_skip = "frontgate cannot run the echo function here: " + w

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def get(self, path, host="api.example.test", **kw):
        return send(self.f.http_port, "GET", path, host=host, **kw)

    def test_outputs(self):
        # §1.1 / §7.1: the target names and hosted zone ids Route 53 aliases use
        out = self.stack["Outputs"]
        self.assertRegex(out["ApiTarget"],
                         r"^d-[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$")
        self.assertEqual(out["ApiZone"], "Z1UJRXOUMOOFQ8")
        self.assertRegex(out["EdgeTarget"], r"^d[a-z0-9]{13}\.cloudfront\.net$")
        self.assertEqual(out["EdgeZone"], "Z2FDTNDATAQYW2")
        # a literal certificate ARN: accepted, with what frontgate does about it
        self.assertTrue(any("default certificate for api.example.test" in w
                            for w in self.stack["Warnings"]), self.stack["Warnings"])

    def test_none_mapping(self):
        # §1.3: (none) maps the domain's root to shop/dev; the stage is not in the URL
        r = self.get("/hats")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(json.loads(r.body), {
            "api": "sh0pd0ma1n", "stage": "dev", "resource": "/hats", "path": "/hats",
            "domain": "api.example.test"})
        self.assertIsNone(r.header("X-Cache"), "a REGIONAL domain: no CloudFront")
        self.assertApigwHeaders(r)

    def test_stage_in_url(self):
        # §1.3: the most common custom-domain mistake -> Missing Authentication Token
        r = self.get("/dev/hats")
        self.assertEqual(r.status, 403)
        self.assertEqual(r.body, MAT)
        self.assertApigwHeaders(r, "MissingAuthenticationTokenException")
        hops = json.dumps(self.trace(self.f, r))
        self.assertIn("first segment 'dev' is the name of a stage", hops)

    def test_multi_level(self):
        # §1.3: orders/v1 (an ApiGatewayV2::ApiMapping) wins over (none); key stripped
        r = self.get("/orders/v1/items")
        self.assertEqual(r.status, 200, r.body)
        body = json.loads(r.body)
        self.assertEqual((body["api"], body["stage"], body["resource"]),
                         ("0rdersd0m1", "prod", "/items"))
        self.assertEqual(body["path"], "/orders/v1/items")

    def test_whole_segments(self):
        # §1.3: /orders/v1x is not under orders/v1: (none) serves it, and shop has no such
        # resource -> Missing Authentication Token
        r = self.get("/orders/v1x/items")
        self.assertEqual((r.status, r.body), (403, MAT))
        hops = json.dumps(self.trace(self.f, r))
        self.assertIn("base path '(none)'", hops)

    def test_mapping_without_stage(self):
        # a BasePathMapping without Stage: the stage is the next segment of the URL
        r = self.get("/legacy/prod/items")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(json.loads(r.body)["stage"], "prod")
        r = self.get("/legacy/items")
        self.assertEqual((r.status, r.body), (403, MAT))

    def test_target_host_forbidden(self):
        # §1.3 / §2.4: API Gateway serves the domain only under its own name; Host = the
        # d-xxx target (CloudFront not forwarding the viewer's Host) -> 403 Forbidden
        target = self.stack["Outputs"]["ApiTarget"]
        r = self.get("/hats", host=target)
        self.assertEqual((r.status, r.body), (403, FORBIDDEN))
        self.assertIn("regional target name", json.dumps(self.trace(self.f, r)))

    def test_disabled_default_endpoint(self):
        # DisableExecuteApiEndpoint closes the execute-api host, not the custom domain
        r = self.get("/dev/hats", host="sh0pd0ma1n.execute-api.us-east-1.amazonaws.com")
        self.assertEqual((r.status, r.body), (403, FORBIDDEN))
        self.assertEqual(self.get("/hats").status, 200)

    def test_edge_domain_headers(self):
        # §1.1 / §8 S7: an EDGE domain answers through an AWS-managed distribution
        r = self.get("/items", host="edge.example.test")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("X-Cache"), "Miss from cloudfront")
        self.assertRegex(r.header("Via") or "",
                         r"^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$")
        self.assertRegex(r.header("X-Amz-Cf-Id") or "", r"^[A-Za-z0-9_-]{54}==$")
        self.assertTrue(r.header("X-Amz-Cf-Pop"))
        r = self.get("/nope", host="edge.example.test")
        self.assertEqual(r.status, 403)
        self.assertEqual(r.header("X-Cache"), "Error from cloudfront")

    def test_edge_api_default_host(self):
        # §1.1: an EDGE API (the default endpoint type) on its execute-api host too
        r = self.get("/prod/items", host="0rdersd0m1.execute-api.us-east-1.amazonaws.com")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("X-Cache"), "Miss from cloudfront")

    def test_edge_event_headers(self):
        # §3.1 / §8 S7: the Lambda event of an EDGE endpoint has CloudFront's headers; the
        # event path keeps the base path on a custom domain ([obs], README)
        if self.lambda_skip:
            self.skipTest(self.lambda_skip)
        r = self.get("/items/42", host="edge.example.test")
        self.assertEqual(r.status, 200, r.body)
        ev = json.loads(r.body)
        h = ev["headers"]
        self.assertEqual(h["CloudFront-Is-Desktop-Viewer"], "true")
        self.assertEqual(h["CloudFront-Forwarded-Proto"], "http")
        self.assertEqual(h["X-Amz-Cf-Id"], r.header("X-Amz-Cf-Id"))
        self.assertEqual(ev["resource"], "/items/{id}")
        self.assertEqual(ev["pathParameters"], {"id": "42"})
        self.assertEqual(ev["requestContext"]["domainName"], "edge.example.test")
        self.assertEqual(ev["requestContext"]["domainPrefix"], "edge")
        r = self.get("/orders/v1/items/42")
        ev = json.loads(r.body)
        self.assertEqual(ev["path"], "/orders/v1/items/42")
        self.assertEqual(ev["requestContext"]["path"], "/orders/v1/items/42")
        self.assertNotIn("CloudFront-Is-Desktop-Viewer", ev["headers"],
                         "an EDGE API through a REGIONAL domain: no CloudFront")

    def test_mtls_needs_tls(self):
        # §4: a domain with a truststore needs a client certificate; clear HTTP has none
        r = self.get("/hats", host="mtls.example.test")
        self.assertEqual((r.status, r.body), (403, FORBIDDEN))
        self.assertIn("clear-text HTTP cannot carry one", json.dumps(self.trace(self.f, r)))

    def test_unknown_host(self):
        # a name no domain has is not API Gateway's at all
        r = self.get("/hats", host="nobody.example.test")
        self.assertEqual(r.status, 404)
        self.assertIn(b"no emulated endpoint", r.body)


class DeployErrors(Base):
    """Deploy-time checks with AWS's messages, through the control API (all-or-nothing)."""

    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[DOMAINS])

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def refused(self, template, region=None):
        body = {"Template": template, "Parameters": {}}
        if region:
            body["Region"] = region
        r = self.f.control("PUT", "/stacks/bad", body)
        self.assertEqual(r.status, 400, r.body)
        self.assertEqual(self.f.control("GET", "/stacks/bad").status, 404)
        return r.json()["error"]

    def test_certificate_region(self):
        # §4: an EDGE domain needs its certificate in us-east-1 (AWS's message)
        arn = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
        err = self.refused({"Resources": {"D": {
            "Type": "AWS::ApiGateway::DomainName",
            "Properties": {"DomainName": "bad.example.test", "CertificateArn": arn}}}})
        self.assertIn(f"Invalid certificate ARN: {arn}. Certificate must be in 'us-east-1'.",
                      err["message"])
        self.assertEqual(err["resource"], "D")
        # a REGIONAL domain needs it in its own region
        err = self.refused({"Resources": {"D": {
            "Type": "AWS::ApiGateway::DomainName",
            "Properties": {"DomainName": "bad.example.test",
                           "EndpointConfiguration": {"Types": ["REGIONAL"]},
                           "RegionalCertificateArn": arn.replace("eu-west-1", "us-east-1")}}}},
            region="eu-west-1")
        self.assertIn("Certificate must be in 'eu-west-1'.", err["message"])

    def test_multi_level_base_path_mapping(self):
        # §1.3: multi-level keys need the V2 API (AWS::ApiGatewayV2::ApiMapping)
        err = self.refused({"Resources": {"M": {
            "Type": "AWS::ApiGateway::BasePathMapping",
            "Properties": {"DomainName": "api.example.test", "RestApiId": "sh0pd0ma1n",
                           "Stage": "dev", "BasePath": "v2/shop"}}}})
        self.assertIn("API Gateway V1 doesn't support the slash character (/) in base path "
                      "mappings. To create a multi-level base path mapping, use API Gateway "
                      "V2.", err["message"])

    def test_api_mapping_on_edge(self):
        # §1.3: the V2 API manages REGIONAL domains only (AWS's message)
        err = self.refused({"Resources": {"M": {
            "Type": "AWS::ApiGatewayV2::ApiMapping",
            "Properties": {"DomainName": "edge.example.test", "ApiId": "sh0pd0ma1n",
                           "Stage": "dev", "ApiMappingKey": "shop/v2"}}}})
        self.assertIn("Only REGIONAL domain names can be managed through the API Gateway V2 "
                      "API.", err["message"])

    def test_duplicate_base_path(self):
        err = self.f.control("PUT", "/stacks/bad", {"Template": {"Resources": {"M": {
            "Type": "AWS::ApiGateway::BasePathMapping",
            "Properties": {"DomainName": "api.example.test", "RestApiId": "sh0pd0ma1n",
                           "Stage": "dev"}}}}, "Parameters": {}})
        self.assertEqual(err.status, 409, err.body)
        self.assertIn("Base path already exists for this domain name",
                      err.json()["error"]["message"])

    def test_mtls_on_edge(self):
        # §4: mutual TLS is for REGIONAL domain names
        err = self.refused({"Resources": {"D": {
            "Type": "AWS::ApiGateway::DomainName",
            "Properties": {"DomainName": "bad.example.test",
                           "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
                           "MutualTlsAuthentication": {"TruststoreUri": "s3://b/k"}}}}})
        self.assertIn("Mutual TLS is only supported on REGIONAL domain names", err["message"])


class SniSwitch(unittest.TestCase):
    def test_switch_values(self):
        # §1.7: the 421-or-403 choice is a named switch; a bad value stops start-up
        with Frontgate("--fidelity", "apigw.sni-mismatch=403", fixtures=[DOMAINS]) as f:
            self.assertEqual(send(f.http_port, "GET", "/hats", host="api.example.test").status,
                             200)
        f = Frontgate("--fidelity", "apigw.sni-mismatch=420", check=False)
        self.assertIsNone(f.ready)
        self.assertEqual(f.exit_code, 2)
        self.assertIn("sni-mismatch=421|403", f.stderr)


if __name__ == "__main__":
    unittest.main()
