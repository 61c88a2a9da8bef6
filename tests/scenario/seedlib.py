"""Helpers for the seed scenario tests (tests/scenario/test_seed_*.py): each loads its fixture
from fixtures/seeds/NNN-*/template.yaml (not a copy), redeploys it with other parameter values
(a broken variant, then the fix), and drives it with the clients a user has: curl over the
HTTPS listener with the local CA, openssl s_client, dig, and botocore's SigV4 signer.

Only what the seed tests share lives here; fg.py stays the harness (start, stop, control)."""
import glob
import http.client
import json
import os
import socket
import ssl
import subprocess

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from fg import FIXTURES

SEEDS = os.path.join(FIXTURES, "seeds")
VIA = r"^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$"
CF_ID = r"^[A-Za-z0-9_-]{54}==$"
MAT = b'{"message":"Missing Authentication Token"}'
FORBIDDEN = b'{"message":"Forbidden"}'
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"  # aws-behavior.md §7.1


def seed_dir(number):
    """fixtures/seeds/NNN-<slug>/ for seed number NNN."""
    found = glob.glob(os.path.join(SEEDS, f"{number:03d}-*"))
    assert len(found) == 1, found
    return found[0]


def template(number, name="template.yaml"):
    return os.path.join(seed_dir(number), name)


def redeploy(f, stack, path, params=None, account=None, region=None):
    """PUT /stacks/{stack} with the YAML file as it is on disk and new parameter values (how a
    user switches a variant: a changed stack, nothing restarted). Returns the Response."""
    q = [f"param.{k}={v}" for k, v in (params or {}).items()]
    q += [f"account={account}"] if account else []
    q += [f"region={region}"] if region else []
    with open(path, "rb") as fh:
        return f.control("PUT", f"/stacks/{stack}" + ("?" + "&".join(q) if q else ""),
                         fh.read(), {"Content-Type": "application/yaml"})


def outputs(f, stack):
    return f.control("GET", f"/stacks/{stack}").json()["Outputs"]


class CurlResult:
    """curl -i's answer: exit code, status, headers (list of pairs), body, stderr."""

    def __init__(self, p):
        self.code, self.stderr = p.returncode, p.stderr.decode(errors="replace")
        self.status, self.headers, self.body = 0, [], p.stdout
        if p.stdout.startswith(b"HTTP/"):
            head, _, self.body = p.stdout.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            self.status = int(lines[0].split()[1])
            self.headers = [tuple(x.strip() for x in h.split(":", 1)) for h in lines[1:]]

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body)


def curl(f, url, *args):
    """curl -i over the instance's HTTPS listener, trusting only its local CA (no -k); the
    URL's host is the SNI and the Host header, as for a real client."""
    p = subprocess.run(["curl", "-sS", "-i", "--max-time", "20", "--cacert", f.ready["ca"],
                        "--connect-to", f"::127.0.0.1:{f.https_port}", *args, url],
                       capture_output=True, timeout=30)
    return CurlResult(p)


def s_client(f, name, *args):
    """openssl s_client with SNI name against the HTTPS listener; (exit code, output)."""
    p = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{f.https_port}",
                        "-servername", name, "-brief", *args], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout + p.stderr


def dig(f, name, rtype="A"):
    """dig against the DNS listener: the answer section as (name, type, data) triples."""
    p = subprocess.run(["dig", "@127.0.0.1", "-p", str(f.dns_port), name, rtype, "+norec",
                        "+noall", "+answer", "+time=5", "+tries=1"],
                       capture_output=True, text=True, timeout=30)
    rows = [line.split(None, 4) for line in p.stdout.splitlines() if line.strip()]
    return [(r[0], r[3], r[4]) for r in rows]


def trace(f, request_id):
    r = f.control("GET", f"/requests/{request_id}")
    assert r.status == 200, (r.status, r.body)
    return r.json()


def hops(t):
    return [h["decision"] for h in t["hops"]]


def all_hops(t):
    """Every hop of a trace, the in-process origin's own hops included, as one string."""
    return json.dumps(t, ensure_ascii=False)


def newest(f, pred, n=20):
    """The newest trace that satisfies pred (for answers that carry no request id, such as a
    refused TLS handshake)."""
    for t in f.control("GET", f"/requests?limit={n}").json()["Requests"]:
        if pred(t):
            return t
    raise AssertionError("no such trace")


def signed(creds, method, url, region="us-east-1"):
    """botocore SigV4 headers (execute-api) for METHOD url, without Host: the caller sends
    the request wherever it likes, with the Host of its choice."""
    req = AWSRequest(method=method, url=url)
    SigV4Auth(creds, "execute-api", region).add_auth(req)
    return [(k, v) for k, v in req.headers.items() if k.lower() != "host"]


class TLSConnection:
    """One keep-alive HTTPS connection to the listener opened for SNI `sni` (verified against
    the local CA), on which each request may carry any Host: what a client that reuses a
    connection for another name does (HTTP/2 coalescing; aws-behavior.md §1.7)."""

    def __init__(self, f, sni):
        ctx = ssl.create_default_context(cafile=f.ready["ca"])
        raw = socket.create_connection(("127.0.0.1", f.https_port), timeout=20)
        self.conn = http.client.HTTPConnection(sni, timeout=20)
        self.conn.sock = ctx.wrap_socket(raw, server_hostname=sni)

    def request(self, method, path, host, headers=()):
        self.conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        self.conn.putheader("Host", host)
        for k, v in headers:
            self.conn.putheader(k, v)
        self.conn.endheaders()
        r = self.conn.getresponse()
        return r.status, r.getheaders(), r.read()

    def close(self):
        self.conn.close()


def header(pairs, name):
    for k, v in pairs:
        if k.lower() == name.lower():
            return v
    return None
