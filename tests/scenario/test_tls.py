"""HTTPS (issue 6): the local CA, the TLS terminator in front of the data plane, security
policies enforced in the handshake (aws-behavior.md §4, §5.2), and ACM certificates (§7.2),
driven with curl, openssl s_client and Python's ssl module.

Sites other than API Gateway's default names come from the test hook
--tls-site NAME=POLICY[,cert=ARN][,truststore=FILE] (README, "HTTPS"), since the services
that own custom names (custom domains, CloudFront) are built elsewhere.
"""
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import tempfile
import unittest

from fg import FIXTURES, Frontgate, run_to_exit

API = "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"  # the demo fixture's API (pinned id)
DEMO = os.path.join(FIXTURES, "demo.yaml")
MISSING_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"


def curl(f, url, *args):
    """curl over the instance's HTTPS port with its CA; returns CompletedProcess."""
    return subprocess.run(["curl", "-sS", "--max-time", "20", "--cacert", f.ready["ca"],
                           "--connect-to", f"::127.0.0.1:{f.https_port}", *args, url],
                          capture_output=True, text=True, timeout=30)


def s_client(f, *args, servername=None):
    """openssl s_client against the HTTPS port; returns (exit code, stdout + stderr)."""
    argv = ["openssl", "s_client", "-connect", f"127.0.0.1:{f.https_port}", "-brief"]
    argv += ["-servername", servername] if servername else ["-noservername"]
    p = subprocess.run(argv + list(args), stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


def served_cert(f, name):
    """The DER certificate the listener serves for SNI name (no verification)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", f.https_port), timeout=20) as s:
        with ctx.wrap_socket(s, server_hostname=name) as t:
            return t.getpeercert(binary_form=True)


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def traces(f, n=20):
    r = f.control("GET", f"/requests?limit={n}")
    return r.json()["Requests"]


def hops(trace):
    return [h["decision"] for h in trace["hops"]]


def cert_template(domain, sans=(), method="DNS", zone=None, dvo_zone=True, extra=None,
                  metadata=None):
    props = {"DomainName": domain, "ValidationMethod": method, "KeyAlgorithm": "EC_prime256v1"}
    if sans:
        props["SubjectAlternativeNames"] = list(sans)
    res = {}
    if zone:
        res["Zone"] = {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": zone}}
        if dvo_zone:
            props["DomainValidationOptions"] = [{"DomainName": domain,
                                                 "HostedZoneId": {"Ref": "Zone"}}]
    props.update(extra or {})
    res["Cert"] = {"Type": "AWS::CertificateManager::Certificate", "Properties": props}
    if metadata:
        res["Cert"]["Metadata"] = {"Frontgate": metadata}
    return {"Resources": res, "Outputs": {"Arn": {"Value": {"Ref": "Cert"}}}}


def state_of(f, stack, logical="Cert"):
    for s in f.control("GET", "/state").json()["Stacks"]:
        if s["Name"] == stack:
            for r in s["Resources"]:
                if r["LogicalId"] == logical:
                    return r
    raise AssertionError(f"no {stack}.{logical}")


def arn_for(stack, template, clock=None):
    """The (deterministic) ARN a template's certificate gets, learnt from a throwaway
    instance, so another instance can be started with --tls-site ...,cert=ARN."""
    with Frontgate() as f:
        if clock:
            f.control("PUT", "/clock", {"now": clock})
        r = f.deploy(stack, template)
        return r.json()["Outputs"]["Arn"]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class LocalCA(unittest.TestCase):
    def test_ca_pem_served_and_written(self):
        f = Frontgate()
        path = f.ready["ca"]
        try:
            r = f.control("GET", "/ca.pem")
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.header("Content-Type"), "application/x-pem-file")
            with open(path, "rb") as fh:
                self.assertEqual(fh.read(), r.body)
            text = subprocess.run(["openssl", "x509", "-noout", "-text"], input=r.body,
                                  capture_output=True).stdout.decode()
            self.assertIn("CA:TRUE", text)
            self.assertIn("frontgate local CA", text)
            self.assertNotIn(b"PRIVATE KEY", r.body)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o644)
        finally:
            f.stop()
        self.assertFalse(os.path.exists(path), "the in-memory instance's CA file is removed")

    def test_restart_keeps_ca_and_certificates(self):
        d = tempfile.mkdtemp(prefix="fg-tls-db-")
        self.addCleanup(shutil.rmtree, d, True)
        db = os.path.join(d, "state.db")
        tpl = cert_template("keep.example.com", method="EMAIL", metadata={"Approved": True})
        arn = arn_for("keep", tpl)
        site = f"keep.example.com=TLS_1_2,cert={arn}"
        with Frontgate("--tls-site", site, db=db, fixtures=[DEMO]) as f:
            self.assertEqual(f.ready["ca"], db + ".ca.pem")
            f.deploy("keep", tpl)
            ca1 = f.control("GET", "/ca.pem").body
            acm1 = sha256(served_cert(f, "keep.example.com"))
            api1 = sha256(served_cert(f, API))
            self.assertEqual(curl(f, "https://keep.example.com/x").returncode, 0)
        self.assertEqual(stat.S_IMODE(os.stat(db).st_mode), 0o600, "the db holds keys")
        with Frontgate("--tls-site", site, db=db, fixtures=[DEMO]) as f:
            self.assertEqual(f.control("GET", "/ca.pem").body, ca1, "same CA")
            self.assertEqual(sha256(served_cert(f, "keep.example.com")), acm1,
                             "same ACM certificate (fingerprint)")
            self.assertEqual(sha256(served_cert(f, API)), api1, "same default certificate")
            self.assertEqual(curl(f, "https://keep.example.com/x").returncode, 0)
            with open(db + ".ca.pem", "rb") as fh:
                self.assertEqual(fh.read(), ca1)
            doc = json.dumps(f.control("GET", "/state").json())
            self.assertNotIn("PRIVATE KEY", doc, "private keys never leave the database")


class Terminator(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate("--tls-site", "strict12.test=TLS_1_2",
                          "--tls-site", "modern.test=TLSv1.2_2021",
                          "--tls-site", "legacy.test=TLSv1_2016",
                          "--tls-site", "only13.test=TLSv1.3_2025",
                          "--tls-site", "missing.test=TLS_1_2,cert=" + MISSING_ARN,
                          fixtures=[DEMO])

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def test_execute_api_chain_and_name_verify(self):
        r = curl(self.f, f"https://{API}/dev/health", "-w", "\n%{http_code} %{ssl_verify_result}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.endswith("200 0"), r.stdout)
        self.assertIn('"status": "ok"', r.stdout)
        # the default certificate is the AWS-shaped wildcard, signed by the local CA
        der = served_cert(self.f, API)
        text = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-text"],
                              input=der, capture_output=True).stdout.decode()
        self.assertIn("DNS:*.execute-api.us-east-1.amazonaws.com", text)
        # a client that expects another name fails verification, as in AWS (§4)
        code, out = s_client(self.f, "-CAfile", self.f.ready["ca"], "-verify_return_error",
                             "-verify_hostname", "www.example.com", servername=API)
        self.assertNotEqual(code, 0, out)
        self.assertIn("hostname mismatch", out)

    def test_requests_carry_tls_facts(self):
        r = curl(self.f, f"https://{API}/dev/health", "--tlsv1.3")
        self.assertEqual(r.returncode, 0, r.stderr)
        t = [t for t in traces(self.f) if t["listener"] == "https" and t["status"] == 200][0]
        self.assertTrue(any(h.startswith(f"SNI '{API}', TLSv1.3, TLS_") for h in hops(t)),
                        hops(t))

    def test_keep_alive(self):
        url = f"https://{API}/dev/health"
        r = curl(self.f, url, "-w", "[%{num_connects}]", url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(re.findall(r"\[(\d)\]", r.stdout), ["1", "0"],
                         "the second request reuses the TLS connection")

    def test_no_sni_fails_the_handshake(self):
        code, out = s_client(self.f)
        self.assertNotEqual(code, 0)
        self.assertIn("alert handshake failure", out)
        self.assertTrue(any("no server name (SNI)" in h for t in traces(self.f)
                            for h in hops(t)))

    def test_unknown_sni_fails_the_handshake(self):
        r = curl(self.f, "https://nobody.example.com/")
        self.assertEqual(r.returncode, 35, r.stderr)
        self.assertIn("unrecognized name", r.stderr)
        t = [t for t in traces(self.f) if t["host"] == "nobody.example.com"][0]
        self.assertEqual(t["listener"], "https")
        self.assertIn("no emulated endpoint serves 'nobody.example.com'", hops(t)[0])

    def test_tls11_against_policies(self):
        legacy = ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]
        code, out = s_client(self.f, *legacy, servername=API)
        self.assertEqual(code, 0, out)  # TLS_1_0 (default endpoints) accepts 1.1: the client works
        self.assertIn("Protocol version: TLSv1.1", out)
        for name, policy in (("strict12.test", "TLS_1_2"), ("modern.test", "TLSv1.2_2021")):
            code, out = s_client(self.f, *legacy, servername=name)
            self.assertNotEqual(code, 0, out)
            self.assertIn("alert protocol version", out, name)
            t = [t for t in traces(self.f) if t["host"] == name][0]
            self.assertIn(f"under security policy {policy}: unsupported protocol", hops(t)[0])

    def test_cbc_cipher_against_policies(self):
        cbc = ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"]
        code, out = s_client(self.f, *cbc, servername="modern.test")
        self.assertNotEqual(code, 0, out)
        self.assertIn("alert handshake failure", out)
        code, out = s_client(self.f, *cbc, servername="legacy.test")
        self.assertEqual(code, 0, out)
        self.assertIn("Ciphersuite: ECDHE-ECDSA-AES128-SHA", out)

    def test_tls13_only_policy(self):
        code, out = s_client(self.f, "-tls1_2", servername="only13.test")
        self.assertNotEqual(code, 0, out)
        code, out = s_client(self.f, "-tls1_3", servername="only13.test")
        self.assertEqual(code, 0, out)
        # TLSv1.3_2025 has no CHACHA20 (§5.2)
        code, out = s_client(self.f, "-tls1_3", "-ciphersuites",
                             "TLS_CHACHA20_POLY1305_SHA256", servername="only13.test")
        self.assertNotEqual(code, 0, out)

    def test_sites_follow_the_world(self):
        name = "q1w2e3r4t5.execute-api.eu-west-1.amazonaws.com"
        r = curl(self.f, f"https://{name}/")
        self.assertEqual(r.returncode, 35, "no API in eu-west-1 yet: no site")
        tpl = {"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi",
                                     "Properties": {"Name": "eu"},
                                     "Metadata": {"Frontgate": {"Id": "q1w2e3r4t5"}}}}}
        r = self.f.control("PUT", "/stacks/eu", {"Template": tpl, "Region": "eu-west-1"})
        self.assertEqual(r.status, 201, r.body)
        try:
            r = curl(self.f, f"https://{name}/", "-w", "\n%{http_code}")
            self.assertEqual(r.returncode, 0, r.stderr)  # verified: a new default certificate
            self.assertTrue(r.stdout.endswith("403"), r.stdout)  # API Gateway answers
        finally:
            self.f.control("DELETE", "/stacks/eu")

    def test_site_whose_acm_certificate_is_missing(self):
        r = curl(self.f, "https://missing.test/")
        self.assertEqual(r.returncode, 35, r.stderr)
        t = [t for t in traces(self.f) if t["host"] == "missing.test"][0]
        self.assertIn(f"{MISSING_ARN}, is not in any deployed stack", hops(t)[0])

    def test_site_without_service_gets_frontgates_404(self):
        r = curl(self.f, "https://legacy.test/anything", "-w", "\n%{http_code}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.endswith("404"), r.stdout)


class Policies(unittest.TestCase):
    def test_unknown_policy_is_refused_with_the_valid_names(self):
        p = run_to_exit(["--db", ":memory:", "--http", "127.0.0.1:0", "--https",
                         "127.0.0.1:0", "--dns", "127.0.0.1:0", "--control", "127.0.0.1:0",
                         "--tls-site", "x.test=TLSv1.2_2099"])
        self.assertEqual(p.returncode, 2)
        self.assertIn("security policy 'TLSv1.2_2099' is not one of", p.stderr)
        for name in ("TLS_1_0", "TLS_1_2", "SecurityPolicy_TLS13_1_3_2025_09", "TLSv1",
                     "TLSv1.2_2021", "TLSv1.3_2025"):
            self.assertIn(name, p.stderr)


class MutualTLS(unittest.TestCase):
    def test_client_certificate_is_requested_and_passed_on(self):
        d = tempfile.mkdtemp(prefix="fg-mtls-")
        self.addCleanup(shutil.rmtree, d, True)

        def ossl(*a):
            subprocess.run(["openssl", *a], check=True, capture_output=True, cwd=d)
        ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj",
             "/CN=client root")
        ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "c.key", "-out", "c.csr", "-subj", "/CN=client one")
        ossl("x509", "-req", "-in", "c.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "c.pem", "-days", "30")
        with Frontgate("--tls-site", f"mtls.test=TLS_1_2,truststore={d}/ca.pem") as f:
            r = curl(f, "https://mtls.test/a", "--cert", f"{d}/c.pem", "--key", f"{d}/c.key")
            self.assertEqual(r.returncode, 0, r.stderr)
            r = curl(f, "https://mtls.test/b")  # no certificate: the handshake still completes
            self.assertEqual(r.returncode, 0, r.stderr)
            by_url = {t["url"]: hops(t) for t in traces(f)}
            self.assertTrue(any("client certificate presented" in h for h in by_url["/a"]))
            self.assertFalse(any("client certificate" in h for h in by_url["/b"]))


class ACM(unittest.TestCase):
    def setUp(self):
        self.f = Frontgate()
        self.addCleanup(self.f.stop)

    def test_zone_present_issues_and_writes_the_record(self):
        r = self.f.deploy("c", cert_template("shop.example.com", sans=["*.shop.example.com"],
                                             zone="example.com"))
        self.assertEqual(r.status, 201, r.body)
        res = state_of(self.f, "c")
        st = res["State"]
        self.assertRegex(res["PhysicalId"],
                         r"^arn:aws:acm:us-east-1:123456789012:certificate/[0-9a-f]{8}-"
                         r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertEqual(st["Status"], "ISSUED")
        zone = state_of(self.f, "c", "Zone")["PhysicalId"]
        # a wildcard and its apex share one record (§7.2), written once into the zone
        self.assertEqual(len(st["ValidationRecords"]), 1, st["ValidationRecords"])
        rec = st["ValidationRecords"][0]
        self.assertRegex(rec["Name"], r"^_[0-9a-f]{32}\.shop\.example\.com\.$")
        self.assertRegex(rec["Value"], r"^_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.$")
        self.assertEqual((rec["Type"], rec["HostedZoneId"]), ("CNAME", zone))
        # the certificate is the local CA's, for both names
        ca = self.f.control("GET", "/ca.pem").body.decode()
        with tempfile.NamedTemporaryFile("w", suffix=".pem") as fh:
            fh.write(ca)
            fh.flush()
            p = subprocess.run(["openssl", "verify", "-CAfile", fh.name], text=True,
                               input=st["CertificatePem"], capture_output=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_no_zone_fails_naming_the_record(self):
        r = self.f.deploy("c", cert_template("shop.example.com"), expect=None)
        self.assertEqual(r.status, 400, r.body)
        e = r.json()["error"]
        self.assertEqual(e["code"], "NotStabilized")
        self.assertEqual(e["resource"], "Cert")
        m = re.search(r"(_[0-9a-f]{32}\.shop\.example\.com\.) CNAME "
                      r"(_[0-9a-f]{32}\.[a-z]{10}\.acm-validations\.aws\.)", e["message"])
        self.assertIsNotNone(m, e["message"])
        self.assertIn("PENDING_VALIDATION", e["message"])
        self.assertEqual(self.f.control("GET", "/stacks").json()["Stacks"], [], "nothing kept")
        # the record named in the error, created in a zone, validates the certificate
        self.f.deploy("dns", {"Resources": {
            "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "example.com"}},
            "Rec": {"Type": "AWS::Route53::RecordSet", "Properties": {
                "HostedZoneId": {"Ref": "Zone"}, "Name": m.group(1), "Type": "CNAME",
                "TTL": "300", "ResourceRecords": [m.group(2)]}}}})
        r = self.f.deploy("c", cert_template("shop.example.com"))
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(state_of(self.f, "c")["State"]["ValidationRecords"], [],
                         "frontgate wrote nothing: the record was there")

    def test_hosted_zone_id_naming_no_zone(self):
        tpl = cert_template("shop.example.com", extra={"DomainValidationOptions": [
            {"DomainName": "shop.example.com", "HostedZoneId": "Z0000000NOPE"}]})
        r = self.f.deploy("c", tpl, expect=None)
        self.assertEqual(r.status, 400, r.body)
        self.assertIn("No hosted zone found with ID: Z0000000NOPE", r.json()["error"]["message"])

    def test_zone_of_another_domain(self):
        r = self.f.deploy("c", cert_template("shop.example.com", zone="example.org"),
                          expect=None)
        self.assertEqual(r.status, 400, r.body)
        self.assertIn("is not permitted in zone example.org.", r.json()["error"]["message"])

    def test_email_validation_needs_approval(self):
        r = self.f.deploy("c", cert_template("mail.example.com", method="EMAIL"), expect=None)
        self.assertEqual(r.status, 400, r.body)
        self.assertIn("Metadata.Frontgate.Approved", r.json()["error"]["message"])
        r = self.f.deploy("c", cert_template("mail.example.com", method="EMAIL",
                                             metadata={"Approved": True}))
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(state_of(self.f, "c")["State"]["Type"], "AMAZON_ISSUED")

    def test_bad_properties(self):
        for props, needle in (
                ({"DomainName": "-bad-.example.com"}, "failed to satisfy constraint"),
                ({"DomainName": "a.example.com", "ValidationMethod": "HTTP"},
                 "#/ValidationMethod: HTTP is not a valid enum value"),
                ({"DomainName": "a.example.com", "KeyAlgorithm": "RSA_1024"},
                 "#/KeyAlgorithm: RSA_1024 is not a valid enum value"),
                ({"DomainName": "a.example.com", "Colour": "red"},
                 "#: extraneous key [Colour] is not permitted")):
            r = self.f.deploy("c", {"Resources": {"Cert": {
                "Type": "AWS::CertificateManager::Certificate", "Properties": props}}},
                expect=None)
            self.assertEqual(r.status, 400, r.body)
            self.assertIn(needle, r.json()["error"]["message"])

    def test_imported_certificate(self):
        d = tempfile.mkdtemp(prefix="fg-imp-")
        self.addCleanup(shutil.rmtree, d, True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", "k.pem", "-out",
                        "c.pem", "-days", "30", "-subj", "/CN=imported.example.com",
                        "-addext", "subjectAltName=DNS:imported.example.com"],
                       check=True, capture_output=True, cwd=d)
        with open(os.path.join(d, "c.pem")) as fh:
            cert = fh.read()
        with open(os.path.join(d, "k.pem")) as fh:
            key = fh.read()
        r = self.f.deploy("c", cert_template("imported.example.com", metadata={
            "CertificatePem": cert, "PrivateKeyPem": key}))
        self.assertEqual(r.status, 201, r.body)
        st = state_of(self.f, "c")["State"]
        self.assertEqual((st["Type"], st["Status"]), ("IMPORTED", "ISSUED"))
        fp = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256"],
                            input=cert, capture_output=True, text=True).stdout
        self.assertEqual(st["Fingerprint"], fp.split("=")[1].strip().replace(":", "").lower())
        r = self.f.deploy("d", cert_template("other.example.com", metadata={
            "CertificatePem": cert, "PrivateKeyPem": key}), expect=None)
        self.assertEqual(r.status, 400, r.body)
        self.assertIn("does not cover other.example.com", r.json()["error"]["message"])


class Expiry(unittest.TestCase):
    def test_expired_certificate_is_still_served_and_fails_verification(self):
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        tpl = cert_template("old.example.com", method="EMAIL", metadata={"Approved": True})
        arn = arn_for("e", tpl)
        with Frontgate("--tls-site", f"old.example.com=TLS_1_2,cert={arn}") as f:
            f.control("PUT", "/clock", {"now": iso(now)})
            f.deploy("e", tpl)
            st = state_of(f, "e")["State"]
            self.assertEqual(st["NotBefore"], iso(now), "NotBefore follows the emulator clock")
            self.assertEqual(curl(f, "https://old.example.com/").returncode, 0)
            fp = sha256(served_cert(f, "old.example.com"))
            f.control("PUT", "/clock", {"advanceSeconds": 400 * 86400})
            at = str(int((now + dt.timedelta(days=400)).timestamp()))
            code, out = s_client(f, "-CAfile", f.ready["ca"], "-verify_return_error",
                                 "-attime", at, servername="old.example.com")
            self.assertNotEqual(code, 0, out)
            self.assertIn("certificate has expired", out)
            self.assertEqual(sha256(served_cert(f, "old.example.com")), fp,
                             "the listener keeps serving the expired certificate")

    def test_certificate_issued_in_the_past_fails_curl(self):
        tpl = cert_template("past.example.com", method="EMAIL", metadata={"Approved": True})
        arn = arn_for("p", tpl)
        with Frontgate("--tls-site", f"past.example.com=TLS_1_2,cert={arn}") as f:
            f.control("PUT", "/clock", {"now": "2023-01-01T00:00:00Z"})
            f.deploy("p", tpl)
            self.assertEqual(state_of(f, "p")["State"]["NotAfter"], "2024-01-31T00:00:00Z")
            r = curl(f, "https://past.example.com/")
            self.assertEqual(r.returncode, 60, r.stderr)
            self.assertIn("certificate has expired", r.stderr)


if __name__ == "__main__":
    unittest.main()
