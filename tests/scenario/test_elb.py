"""Application Load Balancers on their own (fixtures/elb/alb.yaml, README "VPC origins and load
balancers"): the DNS name claimed on the data HTTP listener, listener rules in priority order
(path-pattern, http-header, http-request-method, query-string), fixed-response and redirect
actions, and the load balancer's own error pages (Server: awselb/2.0, CRLF bodies: 502 for a
refused connection, 503 for a group without targets, 504 for an address nothing answers at);
and a CloudFront distribution reaching it through VPC origins (aws-behavior.md §6.10)."""
import os
import unittest

from fg import FIXTURES, Frontgate

ALB = os.path.join(FIXTURES, "elb", "alb.yaml")


def page(status, reason):
    return (f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n").encode()


class Alb(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=(ALB,))
        cls.out = cls.f.control("GET", "/stacks/alb").json()["Outputs"]
        cls.name = cls.out["AlbDns"]

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def get(self, path, method="GET", headers=None, host=None):
        return self.f.http(method, path, host or self.name, headers=headers)

    def last_trace(self):
        return [h["service"] + ": " + h["decision"]
                for h in self.f.control("GET", "/requests?limit=1").json()["Requests"][0]["hops"]]

    def assertElbPage(self, r, status, reason):
        self.assertEqual(r.status, status, r.body)
        self.assertEqual(r.header("Server"), "awselb/2.0")
        self.assertEqual(r.header("Content-Type"), "text/html")
        self.assertEqual(r.body, page(status, reason))

    def test_default_fixed_response(self):
        r = self.get("/anything")
        self.assertEqual((r.status, r.body), (404, b"no route"))
        self.assertEqual(r.header("Content-Type"), "text/plain")
        self.assertEqual(r.header("Server"), "awselb/2.0")
        self.assertIn("elb: 6 rules, none matches: the listener's default action "
                      "(fixed-response)", self.last_trace())

    def test_name_any_case_and_dualstack(self):
        self.assertEqual(self.get("/x", host=self.name.upper()).status, 404)
        self.assertEqual(self.get("/x", host="dualstack." + self.name).status, 404)

    def test_no_listener_on_port(self):
        # frontgate's own answer: in AWS the connection would be refused
        r = self.get("/x", host=self.name + ":8080")
        self.assertEqual(r.status, 502)
        self.assertIn(b"has no listener on port 8080", r.body)
        self.assertIsNotNone(r.header("x-frontgate-request-id"))

    def test_redirect(self):
        r = self.get("/old/a/b?x=1")
        self.assertElbPage(r, 301, "Moved Permanently")
        self.assertEqual(r.header("Location"), f"https://{self.name}:443/new/old/a/b?x=1")

    def test_group_without_targets_is_503(self):
        self.assertElbPage(self.get("/empty/x"), 503, "Service Temporarily Unavailable")
        self.assertIn("no registered targets", "\n".join(self.last_trace()))

    def test_address_nothing_has_is_504(self):
        self.assertElbPage(self.get("/nowhere/x"), 504, "Gateway Time-out")
        self.assertIn("target 10.5.3.9:443: no network interface in this world has that "
                      "address", "\n".join(self.last_trace()))

    def test_endpoint_port_not_listening_is_502(self):
        # an execute-api endpoint takes HTTPS on 443 only: 8443 is refused
        self.assertElbPage(self.get("/wrong-port/x"), 502, "Bad Gateway")

    def test_header_condition_and_host_passed_through(self):
        # without the header, rule 10 does not match
        self.assertEqual(self.get("/api/ping").status, 404)
        # with it the request goes through the endpoint with Host = the ALB's name, which API
        # Gateway does not serve: its 403 Forbidden, passed through unchanged
        r = self.get("/api/ping", headers={"X-Api-Id": "a1b2e1b0a1"})
        self.assertEqual(r.status, 403, r.body)
        self.assertEqual(r.body, b'{"message":"Forbidden"}')
        self.assertEqual(r.header("x-amzn-ErrorType"), "ForbiddenException")
        self.assertIsNone(r.header("Server"))
        trace = "\n".join(self.last_trace())
        self.assertIn("rule priority 10 matches (path-pattern, http-header): forward", trace)
        self.assertIn(f"of VPC endpoint {self.out['EndpointId']}", trace)
        self.assertIn(f"in-process connection to {self.out['EndpointDns']} port 443", trace)
        self.assertIn(f"Host '{self.name}' is not a name API Gateway serves", trace)

    def test_method_and_query_conditions(self):
        r = self.get("/x?debug=on", method="POST")
        self.assertEqual((r.status, r.body), (400, b'{"error":"no debugging here"}'))
        self.assertEqual(r.header("Content-Type"), "application/json")
        self.assertEqual(self.get("/x?debug=on").status, 404, "GET does not match POST")
        self.assertEqual(self.get("/x?verbose=on", method="POST").status, 404)

    def test_through_a_vpc_origin(self):
        # §6.10: the VPC origin's request reaches the ALB's port-80 listener in-process; the
        # ALB's answer passes through CloudFront (§5.5 headers on top)
        r = self.get("/zzz", host=self.out["Distribution"])
        self.assertEqual((r.status, r.body), (404, b"no route"))
        self.assertEqual(r.header("X-Cache"), "Error from cloudfront")
        self.assertEqual(r.header("Server"), "awselb/2.0")
        trace = "\n".join(self.last_trace())
        self.assertIn(f"in-process connection to {self.name.lower()} port 80 (clear text", trace)
        self.assertIn("connection on port 80 (clear text)", trace)

    def test_vpc_origin_port_without_listener(self):
        # https-only to an ALB with no listener on 443: the connection fails, CloudFront's 502
        r = self.get("/tls/x", host=self.out["Distribution"])
        self.assertEqual(r.status, 502, r.body)
        self.assertEqual(r.header("Server"), "CloudFront")
        self.assertIn(b"CloudFront wasn't able to connect to the origin.", r.body)
        self.assertIn("which does not accept TLS on port 443", "\n".join(self.last_trace()))


if __name__ == "__main__":
    unittest.main()
