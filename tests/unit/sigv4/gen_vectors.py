#!/usr/bin/env python3
"""Generates tests/unit/sigv4/vectors.h: signed requests made by real clients, for the C unit
test (which does not need Python). Run it by hand when a case is added:

    python3 tests/unit/sigv4/gen_vectors.py > tests/unit/sigv4/vectors.h

- botocore SigV4Auth (header form) and SigV4QueryAuth (presigned URL) at a pinned time,
  for service execute-api: each vector keeps the request exactly as botocore sends it
  (path and query of the prepared URL, the headers it signed in order, Host first; botocore's
  own HTTP layer would send only the last value of a repeated header), botocore's canonical
  request, and its signature.
- curl --aws-sigv4 "aws:amz:us-east-1:execute-api" against a throwaway local listener: the
  request bytes curl sent (its own X-Amz-Date; curl 7.88 duplicates a user-supplied one), no
  canonical request (curl does not print it). curl 7.88 signs path and query exactly as typed
  (no sorting, no double encoding), so only URLs whose path needs no encoding and whose query
  is already sorted verify — as against AWS itself.
"""
import datetime
import socket
import subprocess
import sys
import threading
from unittest import mock

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from urllib.parse import urlsplit

HOST = "abc123defg.execute-api.us-east-1.amazonaws.com"
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//+/tokenvalue=="
WHEN = datetime.datetime(2026, 1, 2, 3, 4, 5)
WHEN_MS = int(WHEN.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)


def c_str(b):
    if isinstance(b, str):
        b = b.encode("utf-8")
    out = '"'
    for ch in b:
        c = chr(ch)
        if c == '"' or c == "\\":
            out += "\\" + c
        elif c == "\n":
            out += "\\n"
        elif 32 <= ch < 127 and c != "?":
            out += c
        else:
            out += "\\%03o" % ch
    return out + '"'


class Capture:
    creq = None


def capturing(cls):
    class C(cls):
        def canonical_request(self, request):
            Capture.creq = super().canonical_request(request)
            return Capture.creq
    return C


def botocore(name, method, path, params=None, headers=(), body=b"", token=None,
             presign=False, raw_query=None):
    url = "https://" + HOST + path + ("?" + raw_query if raw_query else "")
    req = AWSRequest(method=method, url=url, params=params or {}, data=body)
    for k, v in headers:
        req.headers[k] = v  # email.message semantics: a repeated name is appended
    creds = Credentials(AKID, SECRET, token)
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN):
        if presign:
            capturing(SigV4QueryAuth)(creds, "execute-api", "us-east-1", expires=300).add_auth(req)
        else:
            capturing(SigV4Auth)(creds, "execute-api", "us-east-1").add_auth(req)
    prepared = req.prepare()
    parts = urlsplit(prepared.url)
    # req.headers, not prepared.headers: botocore signs every value of a repeated header,
    # but its prepared HeadersDict keeps only the last (what an HTTP client sends is the list)
    hdrs = [("Host", HOST)] + [(k, v) for k, v in req.headers.items()]
    sig = (parts.query.rsplit("X-Amz-Signature=", 1)[1] if presign
           else prepared.headers["Authorization"].rsplit("Signature=", 1)[1])
    return dict(name=name, method=method, path=parts.path, query=parts.query, headers=hdrs,
                body=prepared.body or b"", now=WHEN_MS, creq=Capture.creq, sig=sig,
                presigned=presign, client="botocore")


def curl(name, args):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    got = {}

    def serve():
        c, _ = srv.accept()
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v)
        while len(rest) < length:
            rest += c.recv(65536)
        got["head"], got["body"] = head, rest
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        c.close()

    t = threading.Thread(target=serve)
    t.start()
    subprocess.run(["curl", "-s", "-o", "/dev/null", "--aws-sigv4", "aws:amz:us-east-1:execute-api",
                    "--user", AKID + ":" + SECRET, "-H", "Host: " + HOST] +
                   [a.replace("PORT", str(port)) for a in args], check=True)
    t.join()
    srv.close()
    lines = got["head"].decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ")
    path, _, query = target.partition("?")
    hdrs = [tuple(x.strip() for x in l.split(":", 1)) for l in lines[1:]]
    authz = dict(hdrs)["Authorization"]
    date = dict(hdrs)["X-Amz-Date"]
    now = int(datetime.datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp() * 1000)
    return dict(name=name, method=method, path=path, query=query, headers=hdrs, body=got["body"],
                now=now, creq=None, sig=authz.rsplit("Signature=", 1)[1], presigned=False,
                client="curl " + subprocess.run(["curl", "--version"], capture_output=True,
                                                text=True).stdout.split()[1])


def cases():
    js = b'{"name": "caf\xc3\xa9", "n": 1}'
    return [
        botocore("get", "GET", "/dev/items"),
        botocore("space", "GET", "/dev/a%20b/c%20d", params=[("q", "x y")]),
        botocore("unicode", "GET", "/dev/caf%C3%A9/%E1%88%B4", params=[("name", "caf\u00e9"),
                                                                     ("\u1234", "bar")]),
        botocore("plus", "GET", "/dev/a+b", params=[("q", "a+b c")]),
        botocore("slash-2f", "GET", "/dev/a%2Fb", params=[("p", "x/y")]),
        botocore("tilde", "GET", "/dev/~user/x~y", params=[("t", "~a")]),
        botocore("repeated-empty-keys", "GET", "/dev/q",
                 params=[("b", "2"), ("a", "1"), ("a", "0"), ("e", ""), ("A", "z")]),
        botocore("bare-key", "GET", "/dev/q", raw_query="flag&b=2"),
        botocore("dot-segments", "GET", "/dev/./a/../b/."),
        botocore("double-slashes", "GET", "/dev//a///b/"),
        botocore("repeated-headers", "GET", "/dev/h",
                 headers=[("X-Dup", "one"), ("X-Dup", "two  three"), ("X-Other", "x")]),
        botocore("header-spaces", "GET", "/dev/h",
                 headers=[("X-Spaces", "  a   b\t\tc  "), ("Content-Type", "text/plain")]),
        botocore("session-token", "GET", "/dev/items", token=TOKEN),
        botocore("post-json", "POST", "/dev/items", body=js,
                 headers=[("Content-Type", "application/json")]),
        botocore("post-form", "POST", "/dev/form", body=b"a=1&b=two+words",
                 headers=[("Content-Type", "application/x-www-form-urlencoded")]),
        botocore("presigned", "GET", "/dev/items", params=[("x", "1 2")], presign=True),
        botocore("presigned-token", "GET", "/dev/a%20b", token=TOKEN, presign=True),
        curl("curl-get", ["http://127.0.0.1:PORT/dev/items?a=1&b=2"]),
        curl("curl-post", ["-H", "Content-Type: application/json", "--data-binary",
                           '{"k": "v"}', "http://127.0.0.1:PORT/dev/items"]),
    ]


def main():
    out = sys.stdout
    out.write("/* Generated by tests/unit/sigv4/gen_vectors.py (botocore %s, %s): do not edit.\n"
              " * Requests as the clients sent them, with the client's canonical request and\n"
              " * signature; secret %s, access key %s. */\n"
              % (__import__("botocore").__version__,
                 subprocess.run(["curl", "--version"], capture_output=True,
                                text=True).stdout.split("\n")[0].split(" (")[0], SECRET, AKID))
    out.write("static const struct vec vectors[] = {\n")
    for v in cases():
        out.write("\t{ %s, %s, %s,\n\t  %s, %s,\n" % (c_str(v["name"]), c_str(v["client"]),
                                                      c_str(v["method"]), c_str(v["path"]),
                                                      c_str(v["query"])))
        out.write("\t  {")
        for k, val in v["headers"]:
            out.write(" { %s, %s }," % (c_str(k), c_str(val)))
        out.write(" { NULL, NULL } },\n")
        out.write("\t  %s, %d, %dLL, %d,\n" % (c_str(v["body"]), len(v["body"]), v["now"],
                                               1 if v["presigned"] else 0))
        out.write("\t  %s,\n\t  %s },\n" % (c_str(v["creq"]) if v["creq"] else "NULL",
                                          c_str(v["sig"])))
    out.write("};\n")


if __name__ == "__main__":
    main()
