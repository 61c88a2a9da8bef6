"""Issue 6 end to end over the real HTTPS listener: API Gateway custom domain names served with
certificates of frontgate's local CA (curl --cacert, no -k), base path mappings and the
stage-in-URL mistake (aws-behavior.md §1.3), the TLS_1_2 policy in the handshake (§4), the
SNI/Host 421 on a reused connection (§1.7) and mutual TLS (§4), with fixtures/apigw/domains.yaml
and a truststore made by the test."""
import hashlib
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

from fg import FIXTURES, Frontgate

DOMAINS = os.path.join(FIXTURES, "apigw", "domains.yaml")
MAT = b'{"message":"Missing Authentication Token"}'


def curl(f, url, *args):
    return subprocess.run(["curl", "-sS", "--max-time", "20", "--cacert", f.ready["ca"],
                           "--connect-to", f"::127.0.0.1:{f.https_port}", "-w", "\n%{http_code}",
                           *args, url], capture_output=True, text=True, timeout=30)


def split(p):
    body, _, code = p.stdout.rpartition("\n")
    return int(code or 0), body


class CustomDomainsOverHttps(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fg = Frontgate(fixtures=(DOMAINS,))

    @classmethod
    def tearDownClass(cls):
        cls.fg.stop()

    def test_chain_and_name_verify_and_mapping_routes(self):
        # §1.3: (none) -> shop/dev; the certificate verifies against the local CA
        code, body = split(curl(self.fg, "https://api.example.test/hats"))
        self.assertEqual(code, 200, body)
        got = json.loads(body)
        self.assertEqual((got["api"], got["stage"], got["domain"]),
                         ("sh0pd0ma1n", "dev", "api.example.test"))
        code, body = split(curl(self.fg, "https://api.example.test/orders/v1/items"))
        self.assertEqual((code, json.loads(body)["api"]), (200, "0rdersd0m1"))

    def test_stage_in_url_is_missing_authentication_token(self):
        # §1.3: the stage in a custom-domain URL
        code, body = split(curl(self.fg, "https://api.example.test/dev/hats"))
        self.assertEqual((code, body.encode()), (403, MAT))

    def test_tls11_fails_against_tls_1_2(self):
        # §4: TLS_1_2 accepts TLS 1.2 and 1.3 only
        p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{self.fg.https_port}",
                            "-servername", "api.example.test", "-tls1_1", "-cipher",
                            "DEFAULT@SECLEVEL=0", "-brief"], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=30)
        self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
        p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{self.fg.https_port}",
                            "-servername", "api.example.test", "-tls1_2", "-brief"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def _conn(self, sni):
        ctx = ssl.create_default_context(cafile=self.fg.ready["ca"])
        c = http.client.HTTPSConnection("127.0.0.1", self.fg.https_port, context=ctx,
                                        timeout=20)
        # connect to frontgate but present SNI sni and verify the certificate for it
        sock = socket.create_connection(("127.0.0.1", self.fg.https_port), timeout=20)
        c.sock = ctx.wrap_socket(sock, server_hostname=sni)
        return c

    def _get(self, c, path, host):
        c.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        c.putheader("Host", host)
        c.endheaders()
        r = c.getresponse()
        return r.status, r.read()

    def test_421_when_host_names_another_domain_on_the_connection(self):
        # §1.7: connection opened (SNI) for api.example.test, then Host mtls.example.test,
        # which that certificate does not cover -> 421, empty body (fidelity default)
        c = self._conn("api.example.test")
        try:
            self.assertEqual(self._get(c, "/hats", "api.example.test")[0], 200)
            status, body = self._get(c, "/hats", "mtls.example.test")
            self.assertEqual((status, body), (421, b""))
            # the connection still serves its own name
            self.assertEqual(self._get(c, "/hats", "api.example.test")[0], 200)
        finally:
            c.close()

    def test_421_switch_to_403(self):
        with Frontgate("--fidelity", "apigw.sni-mismatch=403", fixtures=(DOMAINS,)) as fg:
            ctx = ssl.create_default_context(cafile=fg.ready["ca"])
            sock = socket.create_connection(("127.0.0.1", fg.https_port), timeout=20)
            c = http.client.HTTPSConnection("127.0.0.1", fg.https_port, context=ctx)
            c.sock = ctx.wrap_socket(sock, server_hostname="api.example.test")
            c.putrequest("GET", "/hats", skip_host=True, skip_accept_encoding=True)
            c.putheader("Host", "mtls.example.test")
            c.endheaders()
            r = c.getresponse()
            self.assertEqual((r.status, r.read()), (403, b'{"message":"Forbidden"}'))
            c.close()


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(d):
    """A client CA, a client certificate it signs, and an untrusted self-signed one."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=client root",
            cwd=d)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=good client", cwd=d)
    with open(os.path.join(d, "ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "client.pem", "-days", "365", "-sha256", "-extfile",
            "ext", cwd=d)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "other.key", "-out", "other.pem", "-days", "365", "-subj",
            "/CN=stranger", cwd=d)


def mock_api(api_id, name, part, logical, body):
    """Template resources: REST API {api_id} with GET /{part} answering body (MOCK), deployed
    to stage prod (logical ids Api, {logical}, {logical}Get, Deployment)."""
    return f"""  Api:
    Type: AWS::ApiGateway::RestApi
    Metadata: {{Frontgate: {{Id: {api_id}}}}}
    Properties: {{Name: {name}, EndpointConfiguration: {{Types: [REGIONAL]}}}}
  {logical}:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: {part}}}
  {logical}Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref {logical}
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates: {{application/json: '{{"statusCode": 200}}'}}
        IntegrationResponses:
          - StatusCode: "200"
            ResponseTemplates: {{application/json: '{body}'}}
      MethodResponses: [{{StatusCode: "200"}}]
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: {logical}Get
    Properties: {{RestApiId: !Ref Api, StageName: prod}}
"""


MTLS_TEMPLATE = """
Resources:
""" + mock_api("m7l5a9i0d1", "mtls", "who", "Who", '{"ok":true}') + """  Domain:
    Type: AWS::ApiGateway::DomainName
    Metadata: {Frontgate: {TruststoreFile: %s}}
    Properties:
      DomainName: secure.example.test
      EndpointConfiguration: {Types: [REGIONAL]}
      SecurityPolicy: TLS_1_2
      RegionalCertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/99999999-2222-3333-4444-555555555555
      MutualTlsAuthentication: {TruststoreUri: s3://bucket/truststore.pem}
  Mapping:
    Type: AWS::ApiGateway::BasePathMapping
    DependsOn: Deployment
    Properties: {DomainName: !Ref Domain, RestApiId: !Ref Api, Stage: prod}
"""


class MutualTlsOverHttps(unittest.TestCase):
    def test_good_untrusted_and_no_client_certificate(self):
        # §4: untrusted or missing client certificate -> 403
        d = tempfile.mkdtemp(prefix="fg-mtls-")
        try:
            make_pki(d)
            with Frontgate() as fg:
                r = fg.control("PUT", "/stacks/m", MTLS_TEMPLATE % os.path.join(d, "ca.pem"),
                               headers={"Content-Type": "application/yaml"})
                self.assertIn(r.status, (200, 201), r.body)
                url = "https://secure.example.test/who"
                code, body = split(curl(fg, url, "--cert", os.path.join(d, "client.pem"),
                                        "--key", os.path.join(d, "client.key")))
                self.assertEqual((code, body), (200, '{"ok":true}'))
                code, body = split(curl(fg, url, "--cert", os.path.join(d, "other.pem"),
                                        "--key", os.path.join(d, "other.key")))
                self.assertEqual((code, body), (403, '{"message":"Forbidden"}'))
                code, body = split(curl(fg, url))
                self.assertEqual((code, body), (403, '{"message":"Forbidden"}'))
        finally:
            shutil.rmtree(d, ignore_errors=True)


FULL = """
Resources:
  Zone:
    Type: AWS::Route53::HostedZone
    Properties: {Name: shop.test}
  Cert:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: api.shop.test
      ValidationMethod: DNS
      KeyAlgorithm: EC_prime256v1
      DomainValidationOptions: [{DomainName: api.shop.test, HostedZoneId: !Ref Zone}]
""" + mock_api("s8h7o6p5a4", "shop", "hats", "Hats", '{"hats":1}') + """  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.shop.test
      EndpointConfiguration: {Types: [REGIONAL]}
      SecurityPolicy: TLS_1_2
      RegionalCertificateArn: !Ref Cert
  Mapping:
    Type: AWS::ApiGateway::BasePathMapping
    DependsOn: Deployment
    Properties: {DomainName: !Ref Domain, RestApiId: !Ref Api, Stage: prod, BasePath: v1}
  Alias:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref Zone
      Name: api.shop.test
      Type: A
      AliasTarget:
        DNSName: !GetAtt Domain.RegionalDomainName
        HostedZoneId: !GetAtt Domain.RegionalHostedZoneId
"""


class AcmRoute53CustomDomain(unittest.TestCase):
    def test_certificate_zone_domain_alias_together(self):
        # seeds/003 shape: ACM DNS validation through the zone (§7.2), a regional custom
        # domain with base path v1 (§1.3), an alias record to its d-xxx target (§7.1)
        with Frontgate() as fg:
            r = fg.control("PUT", "/stacks/shop", FULL,
                           headers={"Content-Type": "application/yaml"})
            self.assertIn(r.status, (200, 201), r.body)
            code, body = split(curl(fg, "https://api.shop.test/v1/hats"))
            self.assertEqual((code, body), (200, '{"hats":1}'))
            # the certificate served is the ACM certificate (issued by the local CA)
            arn = [x for x in r.json()["Resources"] if x["LogicalId"] == "Cert"][0]["PhysicalId"]
            self.assertTrue(arn.startswith("arn:aws:acm:us-east-1:123456789012:certificate/"))
            dig = ["dig", "@127.0.0.1", "-p", str(fg.dns_port), "+short", "+tries=1", "+time=5"]
            a = subprocess.run(dig + ["api.shop.test", "A"], capture_output=True, text=True,
                               timeout=20).stdout.split()
            self.assertEqual(a, ["127.0.0.1"])
            res = fg.control("GET", "/resolve?name=api.shop.test&type=A").json()
            chain = json.dumps(res)
            self.assertIn("d-", chain)
            # the validation CNAME ACM wrote into the zone
            axfr = fg.control("GET", "/state").json()
            recs = [rr for st in axfr["Stacks"] for x in st["Resources"]
                    if x["LogicalId"] == "Cert" for rr in x["State"]["ValidationRecords"]]
            self.assertEqual(len(recs), 1)
            cname = subprocess.run(dig + [recs[0]["Name"], "CNAME"], capture_output=True,
                                   text=True, timeout=20).stdout.split()
            self.assertEqual(cname, [recs[0]["Value"]])
            # the certificate served for the name is that ACM certificate
            fp = [x for st in axfr["Stacks"] for x in st["Resources"]
                  if x["LogicalId"] == "Cert"][0]["State"]["Fingerprint"]
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            with socket.create_connection(("127.0.0.1", fg.https_port), timeout=20) as so:
                with ctx.wrap_socket(so, server_hostname="api.shop.test") as t:
                    der = t.getpeercert(binary_form=True)
            self.assertEqual(hashlib.sha256(der).hexdigest().lower(),
                             fp.replace(":", "").lower())


if __name__ == "__main__":
    unittest.main()
