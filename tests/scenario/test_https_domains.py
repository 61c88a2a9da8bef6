"""Issue 6 end to end over the real HTTPS listener: API Gateway custom domain names with ACM
certificates validated through a Route 53 zone, driven with real clients (curl, openssl
s_client, dig, Python's ssl + http.client, botocore's signer). Fixture:
fixtures/https/custom-domain.yaml. References: aws-behavior.md §1.3 (base path mappings and the
stage-in-URL 403), §1.7 (421), §2.4 (the Host a signature is verified for), §4 (TLS policies,
mTLS), §7.1 (alias records), §7.2 (ACM validation records, expiry)."""
import datetime as dt
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fg import FIXTURES, Frontgate

FIXTURE = os.path.join(FIXTURES, "https", "custom-domain.yaml")
CLIENT_CA = os.path.join(FIXTURES, "https", "client-ca.pem")
CLIENT_CA_KEY = os.path.join(FIXTURES, "https", "client-ca.key")
ALICE = Credentials("AKIAHTTPSCLIENTEXAM1", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
MISSING_TOKEN = b'{"message":"Missing Authentication Token"}'
FORBIDDEN = b'{"message":"Forbidden"}'


# ------------------------------------------------------------------ clients

def curl(f, name, path, *args):
    """curl https://name/path through the HTTPS listener, trusting only the ready line's CA.
    Returns (exit code, body, http code, stderr)."""
    p = subprocess.run(["curl", "-sS", "--max-time", "20", "--cacert", f.ready["ca"],
                        "--connect-to", f"{name}:443:127.0.0.1:{f.https_port}",
                        "-w", "\n%{http_code}", *args, f"https://{name}{path}"],
                       capture_output=True, text=True, timeout=30)
    body, _, code = p.stdout.rpartition("\n")
    return p.returncode, body, code, p.stderr


def s_client(f, name, *args):
    """openssl s_client with SNI name; returns (exit code, stdout + stderr)."""
    p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{f.https_port}",
                        "-servername", name, "-brief", *args], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


def served_pem(f, name):
    """The leaf certificate the listener serves for SNI name, as PEM (not verified)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", f.https_port), timeout=20) as s:
        with ctx.wrap_socket(s, server_hostname=name) as t:
            return ssl.DER_cert_to_PEM_cert(t.getpeercert(binary_form=True))


def fingerprint(pem):
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def x509_text(pem):
    return subprocess.run(["openssl", "x509", "-noout", "-text"], input=pem,
                          capture_output=True, text=True, check=True).stdout


def dig(f, name, rtype):
    """dig against the DNS listener; returns the answer section lines (name ttl IN type data)."""
    p = subprocess.run(["dig", "@127.0.0.1", "-p", str(f.dns_port), name, rtype, "+norec",
                        "+noall", "+answer", "+time=5", "+tries=1"],
                       capture_output=True, text=True, timeout=30)
    return [line.split(None, 4) for line in p.stdout.splitlines() if line.strip()]


class TLSConnection:
    """One keep-alive HTTPS connection opened for a chosen SNI (verified against the local
    CA), on which requests may carry any Host: what HTTP/2 connection reuse does (§1.7)."""

    def __init__(self, f, sni):
        ctx = ssl.create_default_context(cafile=f.ready["ca"])
        raw = socket.create_connection(("127.0.0.1", f.https_port), timeout=20)
        self.sock = ctx.wrap_socket(raw, server_hostname=sni)
        self.conn = http.client.HTTPConnection(sni, timeout=20)
        self.conn.sock = self.sock

    def get(self, host, path, headers=None):
        self.conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        self.conn.putheader("Host", host)
        for k, v in (headers or {}).items():
            self.conn.putheader(k, v)
        self.conn.endheaders()
        r = self.conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()

    def close(self):
        self.conn.close()


def traces(f, n=20):
    return f.control("GET", f"/requests?limit={n}").json()["Requests"]


def hops(trace):
    return [h["decision"] for h in trace["hops"]]


def resource(f, logical):
    for s in f.control("GET", "/state").json()["Stacks"]:
        for r in s["Resources"]:
            if r["LogicalId"] == logical:
                return r
    raise AssertionError(f"no resource {logical}")


def client_certs(d):
    """A client certificate signed by the fixture's truststore root (good) and a self-signed
    one from a root the truststore does not hold (untrusted); both valid 30 days."""
    def ossl(*a):
        subprocess.run(["openssl", *a], check=True, capture_output=True, cwd=d)
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "good.key", "-out", "good.csr", "-subj", "/O=shop/CN=client one")
    ossl("x509", "-req", "-in", "good.csr", "-CA", CLIENT_CA, "-CAkey", CLIENT_CA_KEY,
         "-set_serial", "0x0a0b0c", "-out", "good.pem", "-days", "30")
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "other-root.key", "-out", "other-root.pem", "-x509", "-days", "30",
         "-subj", "/CN=some other root")
    ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", "bad.key", "-out", "bad.csr", "-subj", "/CN=stranger")
    ossl("x509", "-req", "-in", "bad.csr", "-CA", "other-root.pem", "-CAkey",
         "other-root.key", "-set_serial", "7", "-out", "bad.pem", "-days", "30")
    return {k: ["--cert", os.path.join(d, k + ".pem"), "--key", os.path.join(d, k + ".key")]
            for k in ("good", "bad")}


def signed(path, sign_host):
    """botocore SigV4 headers for GET https://sign_host/path (execute-api, us-east-1)."""
    req = AWSRequest(method="GET", url=f"https://{sign_host}{path}")
    SigV4Auth(ALICE, "execute-api", "us-east-1").add_auth(req)
    return {k: v for k, v in req.headers.items() if k.lower() != "host"}


# ------------------------------------------------------------------ tests

class CustomDomainOverHTTPS(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[FIXTURE])
        cls.tmp = tempfile.mkdtemp(prefix="fg-https-")
        cls.certs = client_certs(cls.tmp)

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- §1.3 through the real listener, verified by curl

    def test_curl_verifies_and_reaches_the_api(self):
        code, body, status, err = curl(self.f, "api.https.test", "/v1/hello")
        self.assertEqual(code, 0, err)  # chain and name verified against the local CA only
        self.assertEqual(status, "200", body)
        self.assertEqual(json.loads(body), {"api": "h77p5d0ma1", "stage": "dev",
                                            "resource": "/hello",
                                            "domain": "api.https.test"})
        t = [t for t in traces(self.f) if t["url"] == "/v1/hello"][0]
        self.assertEqual(t["listener"], "https")
        arn = resource(self.f, "SiteCert")["PhysicalId"]
        self.assertTrue(any(h.startswith("SNI 'api.https.test', TLSv1.3") and
                            h.endswith(f"; served ACM certificate {arn}") for h in hops(t)),
                        hops(t))

    def test_stage_in_url_is_missing_authentication_token(self):
        # §1.3: the mapping selects the stage; repeating it in the URL matches nothing
        for path in ("/v1/dev/hello", "/dev/hello"):
            code, body, status, err = curl(self.f, "api.https.test", path, "-i")
            self.assertEqual(code, 0, err)
            self.assertEqual(status, "403", path)
            self.assertTrue(body.endswith(MISSING_TOKEN.decode()), body)
            self.assertIn("x-amzn-ErrorType: MissingAuthenticationTokenException", body)
        t = [t for t in traces(self.f) if t["url"] == "/v1/dev/hello"][0]
        self.assertTrue(any("'dev' is the name of a stage" in h for h in hops(t)), hops(t))
        # the documented case: `dev` mapped to (none), and the URL repeats it
        self.assertEqual(curl(self.f, "a.https.test", "/hello")[2], "200")
        code, body, status, err = curl(self.f, "a.https.test", "/dev/hello")
        self.assertEqual((code, status, body), (0, "403", MISSING_TOKEN.decode()), err)

    def test_name_the_certificate_does_not_cover_fails_verification(self):
        # a client that expects another name on this certificate fails, as in AWS (§4)
        code, out = s_client(self.f, "api.https.test", "-CAfile", self.f.ready["ca"],
                             "-verify_return_error", "-verify_hostname", "b.https.test")
        self.assertNotEqual(code, 0, out)
        self.assertIn("hostname mismatch", out)

    def test_lambda_event_over_https(self):
        code, body, status, err = curl(self.f, "api.https.test", "/v1/echo")
        self.assertEqual((code, status), (0, "200"), err + body)
        ev = json.loads(body)
        self.assertEqual(ev["path"], "/v1/echo")
        self.assertEqual(ev["requestContext"]["domainName"], "api.https.test")
        self.assertEqual(ev["headers"]["X-Forwarded-Proto"], "https")
        self.assertEqual(ev["headers"]["X-Forwarded-Port"], "443")

    # --- the certificate: ACM's, issued by the local CA through the zone (§7.2)

    def test_s_client_sees_the_acm_certificate(self):
        code, out = s_client(self.f, "api.https.test", "-CAfile", self.f.ready["ca"],
                             "-verify_return_error", "-verify_hostname", "api.https.test")
        self.assertEqual(code, 0, out)
        self.assertIn("Verification: OK", out)
        self.assertIn("Verified peername: api.https.test", out)
        pem = served_pem(self.f, "api.https.test")
        text = x509_text(pem)
        with open(self.f.ready["ca"]) as fh:
            ca = x509_text(fh.read())
        issuer = re.search(r"Subject: (.*)", ca).group(1)
        self.assertIn(f"Issuer: {issuer}", text)
        self.assertIn("DNS:api.https.test, DNS:a.https.test, DNS:mtls.https.test", text)
        st = resource(self.f, "SiteCert")["State"]
        self.assertEqual(st["Status"], "ISSUED")
        self.assertEqual(st["Fingerprint"], fingerprint(pem), "the ACM certificate is served")

    def test_tls11_fails_against_tls_1_2(self):
        legacy = ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]
        code, out = s_client(self.f, "api.https.test", *legacy)
        self.assertNotEqual(code, 0, out)
        self.assertIn("alert protocol version", out)
        # the same client is fine with a TLS_1_0 domain name on the same certificate
        code, out = s_client(self.f, "a.https.test", *legacy)
        self.assertEqual(code, 0, out)
        self.assertIn("Protocol version: TLSv1.1", out)
        code, out = s_client(self.f, "api.https.test", "-tls1_2")
        self.assertEqual(code, 0, out)

    # --- Route 53 answers (§7.1, §7.2)

    def test_dig_validation_cname(self):
        st = resource(self.f, "SiteCert")["State"]
        zone = resource(self.f, "Zone")["PhysicalId"]
        recs = {r["Name"]: r for r in st["ValidationRecords"]}
        self.assertEqual(len(recs), 3, st["ValidationRecords"])
        for dvo in st["DomainValidationOptions"]:
            rr = dvo["ResourceRecord"]
            self.assertRegex(rr["Name"], r"^_[0-9a-f]{32}\." + re.escape(dvo["DomainName"]) +
                             r"\.$")
            self.assertEqual(recs[rr["Name"]]["HostedZoneId"], zone)
            ans = dig(self.f, rr["Name"], "CNAME")
            self.assertEqual(len(ans), 1, ans)
            self.assertEqual((ans[0][0], ans[0][3], ans[0][4]),
                             (rr["Name"], "CNAME", rr["Value"]))

    def test_dig_alias_a_record(self):
        dom = resource(self.f, "Api")["Attributes"]
        self.assertRegex(dom["RegionalDomainName"],
                         r"^d-[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$")
        self.assertEqual(dom["RegionalHostedZoneId"], "Z1UJRXOUMOOFQ8")  # §7.1, us-east-1
        for name in ("api.https.test.", dom["RegionalDomainName"] + "."):
            ans = dig(self.f, name, "A")
            self.assertEqual([(a[0], a[3], a[4]) for a in ans], [(name, "A", "127.0.0.1")])
        r = self.f.control("GET", "/resolve?name=api.https.test&type=A").json()
        self.assertTrue(any(dom["RegionalDomainName"] in c["Step"] for c in r["Chain"]),
                        r["Chain"])
        self.assertEqual(dig(self.f, "b.https.test.", "A"), [], "no record for b")

    # --- §4: mutual TLS over HTTPS

    def test_mtls_good_certificate_reaches_the_event(self):
        code, body, status, err = curl(self.f, "mtls.https.test", "/echo",
                                       *self.certs["good"])
        self.assertEqual((code, status), (0, "200"), err + body)
        cc = json.loads(body)["requestContext"]["identity"]["clientCert"]
        with open(os.path.join(self.tmp, "good.pem")) as fh:
            self.assertEqual(cc["clientCertPem"].strip(), fh.read().strip())
        self.assertEqual(cc["subjectDN"], "CN=client one,O=shop")
        self.assertEqual(cc["issuerDN"], "CN=frontgate test client root,O=frontgate tests")
        self.assertEqual(cc["serialNumber"], "0a:0b:0c")
        self.assertRegex(cc["validity"]["notAfter"], r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d "
                                                     r"\d{4} GMT$")

    def test_mtls_untrusted_and_missing_certificates(self):
        for args, why in ((self.certs["bad"], "Could not find issuer for certificate"),
                          ((), "the client presented no certificate")):
            code, body, status, err = curl(self.f, "mtls.https.test", "/echo", *args)
            self.assertEqual(code, 0, err)  # the handshake completes; API Gateway refuses
            self.assertEqual((status, body), ("403", FORBIDDEN.decode()))
            t = [t for t in traces(self.f) if t["host"] == "mtls.https.test"][0]
            self.assertTrue(any(why in h for h in hops(t)), hops(t))
        # a connection opened for another name of the same certificate asked for no client
        # certificate: reusing it for the mTLS name does not get around the check
        c = TLSConnection(self.f, "api.https.test")
        self.addCleanup(c.close)
        status, _, body = c.get("mtls.https.test", "/hello")
        self.assertEqual((status, body), (403, FORBIDDEN))

    # --- §1.7: 421 on a reused connection

    def test_421_on_a_connection_opened_for_another_name(self):
        c = TLSConnection(self.f, "a.https.test")
        self.addCleanup(c.close)
        status, _, body = c.get("a.https.test", "/hello")
        self.assertEqual(status, 200, body)
        status, headers, body = c.get("b.https.test", "/hello")
        self.assertEqual((status, body), (421, b""))
        self.assertEqual(headers.get("Content-Length"), "0")
        t = [t for t in traces(self.f) if t["host"] == "b.https.test"][0]
        self.assertTrue(any("421 Misdirected Request" in h and "does not cover b.https.test"
                            in h for h in hops(t)), hops(t))
        # the connection stays usable: the same name, and a name its certificate covers
        status, _, body = c.get("a.https.test", "/hello")
        self.assertEqual(status, 200, body)
        status, _, body = c.get("api.https.test", "/v1/hello")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["domain"], "api.https.test")
        # b's own connection serves b
        c2 = TLSConnection(self.f, "b.https.test")
        self.addCleanup(c2.close)
        status, _, body = c2.get("b.https.test", "/hello")
        self.assertEqual(status, 200, body)

    # --- §2.4: SigV4 through the custom domain

    def test_sigv4_signed_for_the_custom_domain(self):
        c = TLSConnection(self.f, "api.https.test")
        self.addCleanup(c.close)
        # the canonical URI is the path as sent, base path included
        status, _, body = c.get("api.https.test", "/v1/private",
                                signed("/v1/private", "api.https.test"))
        self.assertEqual(status, 200, body)
        ident = json.loads(body)["requestContext"]["identity"]
        self.assertEqual(ident["accessKey"], ALICE.access_key)
        self.assertTrue(ident["userArn"].endswith(":user/https-client"), ident)
        # without a signature: Missing Authentication Token (§1.5)
        status, _, body = c.get("api.https.test", "/v1/private")
        self.assertEqual((status, body), (403, MISSING_TOKEN))

    def test_sigv4_signed_for_the_target_name_fails(self):
        target = resource(self.f, "Api")["Attributes"]["RegionalDomainName"]
        c = TLSConnection(self.f, "api.https.test")
        self.addCleanup(c.close)
        for path, host in (("/v1/private", target), ("/private", "api.https.test")):
            status, headers, body = c.get("api.https.test", "/v1/private",
                                          signed(path, host))
            self.assertEqual(status, 403, body)
            self.assertEqual(headers.get("x-amzn-ErrorType"), "InvalidSignatureException")
            self.assertIn(b"The request signature we calculated does not match", body)
            # the echo shows what API Gateway verified: the Host and path as received
            self.assertIn(b"host:api.https.test", body)
            self.assertIn(b"GET\\n/v1/private\\n", body)


class SniMismatchSwitch(unittest.TestCase):
    def test_403_with_the_switch(self):
        with Frontgate("--fidelity", "apigw.sni-mismatch=403", fixtures=[FIXTURE]) as f:
            c = TLSConnection(f, "a.https.test")
            try:
                status, headers, body = c.get("b.https.test", "/hello")
                self.assertEqual((status, body), (403, FORBIDDEN))
                self.assertEqual(headers.get("x-amzn-ErrorType"), "ForbiddenException")
                status, _, body = c.get("a.https.test", "/hello")
                self.assertEqual(status, 200, body)
            finally:
                c.close()


class Expiry(unittest.TestCase):
    def test_expired_certificate_fails_verification_after_the_clock_moves(self):
        tmp = tempfile.mkdtemp(prefix="fg-https-")
        self.addCleanup(shutil.rmtree, tmp, True)
        certs = client_certs(tmp)
        # after the client certificates: their NotBefore (a whole second) is not later than
        # frontgate's clock, which would make the good certificate "not yet valid"
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        with Frontgate() as f:
            f.control("PUT", "/clock", {"now": now.strftime("%Y-%m-%dT%H:%M:%SZ")})
            with open(FIXTURE, "rb") as fh:
                r = f.control("PUT", "/stacks/https", fh.read(),
                              {"Content-Type": "application/yaml"})
            self.assertEqual(r.status, 201, r.body)
            st = resource(f, "SiteCert")["State"]
            self.assertEqual(st["NotAfter"], (now + dt.timedelta(days=395))
                             .strftime("%Y-%m-%dT%H:%M:%SZ"), "ACM's 13 months")
            self.assertEqual(curl(f, "api.https.test", "/v1/hello")[:3:2], (0, "200"))
            pem = served_pem(f, "api.https.test")
            ca = ["-CAfile", f.ready["ca"], "-verify_return_error"]
            code, out = s_client(f, "api.https.test", *ca, "-attime",
                                 str(int(now.timestamp()) + 60))
            self.assertEqual(code, 0, out)
            self.assertEqual(curl(f, "mtls.https.test", "/hello", *certs["good"])[2], "200")
            f.control("PUT", "/clock", {"advanceSeconds": 400 * 86400})
            later = int((now + dt.timedelta(days=400)).timestamp())
            code, out = s_client(f, "api.https.test", *ca, "-attime", str(later))
            self.assertNotEqual(code, 0, out)
            self.assertIn("certificate has expired", out)
            self.assertEqual(fingerprint(served_pem(f, "api.https.test")), fingerprint(pem),
                             "the listener keeps serving the expired certificate (AWS does)")
            # mTLS checks client certificates on the same clock: 30 days are long gone (§4)
            code, body, status, err = curl(f, "mtls.https.test", "/hello", "-k",
                                           *certs["good"])
            self.assertEqual((code, status, body), (0, "403", FORBIDDEN.decode()), err)
            # the request's trace (connection-level TLS traces may be written after it)
            denied = [h for t in traces(f) if t.get("listener") == "https"
                      for h in hops(t) if "Access denied" in h]
            self.assertTrue(denied, "no trace of the mTLS refusal")
            self.assertIn("Access denied. Reason: certificate has expired", denied[0])

    def test_certificate_issued_before_the_real_clock_fails_curl(self):
        # the clock is moved back before deployment: the certificate's NotAfter is in the
        # real past, so a client on the real clock sees it expired
        with Frontgate() as f:
            past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)
            f.control("PUT", "/clock", {"now": past.strftime("%Y-%m-%dT%H:%M:%SZ")})
            with open(FIXTURE, "rb") as fh:
                r = f.control("PUT", "/stacks/https", fh.read(),
                              {"Content-Type": "application/yaml"})
            self.assertEqual(r.status, 201, r.body)
            code, _, _, err = curl(f, "api.https.test", "/v1/hello")
            self.assertEqual(code, 60, err)
            self.assertIn("certificate has expired", err)
            # the emulator's clock is still before NotAfter: the trace says the client refused
            self.assertTrue(any("alert certificate expired" in h for h in
                                hops(traces(f)[0])), hops(traces(f)[0]))
            # once frontgate's clock is past NotAfter, the trace says the certificate is
            f.control("PUT", "/clock", {"real": True})
            arn = resource(f, "SiteCert")["PhysicalId"]
            code, _, _, err = curl(f, "api.https.test", "/v1/hello")
            self.assertEqual(code, 60, err)
            h = hops(traces(f)[0])[0]
            self.assertIn("handshake failed for 'api.https.test' under security policy "
                          "TLS_1_2: sslv3 alert certificate expired; served ACM certificate "
                          f"{arn}, EXPIRED since ", h)
            # a client that does not verify gets through; the request's trace says it too
            code, _, status, err = curl(f, "api.https.test", "/v1/hello", "-k")
            self.assertEqual((code, status), (0, "200"), err)
            t = [t for t in traces(f) if t["url"] == "/v1/hello"][0]
            self.assertIn("EXPIRED since", hops(t)[0])


class Restart(unittest.TestCase):
    def test_restart_keeps_the_ca_and_the_issued_certificates(self):
        d = tempfile.mkdtemp(prefix="fg-https-db-")
        self.addCleanup(shutil.rmtree, d, True)
        db = os.path.join(d, "state.db")
        with Frontgate(db=db, fixtures=[FIXTURE]) as f:
            ca1 = f.control("GET", "/ca.pem").body
            fp = {n: fingerprint(served_pem(f, n)) for n in ("api.https.test",
                                                             "b.https.test")}
            arn = resource(f, "SiteCert")["PhysicalId"]
            self.assertEqual(curl(f, "api.https.test", "/v1/hello")[:3:2], (0, "200"))
        with Frontgate(db=db, fixtures=[FIXTURE]) as f:
            self.assertEqual(f.control("GET", "/ca.pem").body, ca1, "same CA")
            with open(f.ready["ca"], "rb") as fh:
                self.assertEqual(fh.read(), ca1)
            for n, want in fp.items():
                self.assertEqual(fingerprint(served_pem(f, n)), want, n)
            self.assertEqual(resource(f, "SiteCert")["PhysicalId"], arn)
            self.assertEqual(curl(f, "api.https.test", "/v1/hello")[:3:2], (0, "200"))
        # and without the fixture: the stacks come from the database
        with Frontgate(db=db) as f:
            self.assertEqual(fingerprint(served_pem(f, "api.https.test")),
                             fp["api.https.test"])
            self.assertEqual(curl(f, "api.https.test", "/v1/hello")[:3:2], (0, "200"))


if __name__ == "__main__":
    unittest.main()
