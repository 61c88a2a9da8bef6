#!/usr/bin/env python3
"""sigv4_pool.py: writes the SigV4 point's pool of pre-signed requests (bench/wrk/sigv4_pool.lua
replays them). Each line is path<TAB>x-amz-date<TAB>authorization for GET {path}?n={i}, signed
with botocore's SigV4Auth for service execute-api, so each request has its own canonical
request and signature. The key pair is the one bench/fixtures/bench.yaml pins on its
AWS::IAM::AccessKey. API Gateway accepts X-Amz-Date within 5 minutes of its clock
(aws-behavior.md §2.6), so scripts/bench signs the pool right before a run and again when it is
two minutes old.

Usage: sigv4_pool.py --host H --path /b/signed --count N --out FILE [--region us-east-1]
                     [--bad-secret]   (signs with a wrong secret: the probe's negative case)"""
import argparse
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = "AKIABENCHMARK0000001"
SECRET_KEY = "benchmarkSecretKey0000000000000000000001"


def signed(host, path, region, secret):
    """One signed GET; returns (x-amz-date, authorization)."""
    req = AWSRequest(method="GET", url=f"http://{host}{path}", headers={"Host": host})
    SigV4Auth(Credentials(ACCESS_KEY, secret), "execute-api", region).add_auth(req)
    return req.headers["X-Amz-Date"], req.headers["Authorization"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--path", default="/b/signed")
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--bad-secret", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    secret = SECRET_KEY + ("x" if a.bad_secret else "")
    with open(a.out, "w") as f:
        for i in range(a.count):
            path = f"{a.path}?n={i}"
            date, auth = signed(a.host, path, a.region, secret)
            f.write(f"{path}\t{date}\t{auth}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
