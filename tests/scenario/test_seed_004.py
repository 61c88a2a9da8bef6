"""seeds/004 end to end: CloudFront -> VPC origin -> internal ALB -> execute-api VPC endpoint ->
private REST API with an aws:SourceVpce resource policy (aws-behavior.md §6.10, §1.1, §1.5,
§2.5). The fixture is loaded from its folder, fixtures/seeds/004-vpc-origin-private-api/
(prerequisites.yaml, then the seed's template.yaml), as its README's commands load it; the
broken variants are its parameters (AllowedVpce, DenyOtherVpce)."""
import http.client
import os
import re
import socket
import ssl
import subprocess
import tempfile
import unittest

from fg import FIXTURES, Frontgate

SEED = os.path.join(FIXTURES, "seeds", "004-vpc-origin-private-api")
PRE = os.path.join(SEED, "prerequisites.yaml")
TEMPLATE = os.path.join(SEED, "template.yaml")
ALIAS = "api.seed004.test"
WRONG_VPCE = "vpce-0badc0ffee0badc0f"
VIA = r"^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$"
CF_ID = r"^[A-Za-z0-9_-]{54}==$"


def https_get(f, host, path="/"):
    """GET https://host/path through the HTTPS listener, verified against the local CA."""
    ctx = ssl.create_default_context(cafile=f.ready["ca"])
    raw = socket.create_connection(("127.0.0.1", f.https_port), timeout=20)
    conn = http.client.HTTPConnection(host, timeout=20)
    conn.sock = ctx.wrap_socket(raw, server_hostname=host)
    conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host)
    conn.endheaders()
    r = conn.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    conn.close()
    return out


def hops(f, request_id):
    t = f.control("GET", "/requests/" + request_id)
    assert t.status == 200, t.body
    return [h["service"] + ": " + h["decision"] for h in t.json()["hops"]]


def seed(params=None):
    return Frontgate(fixtures=(PRE, TEMPLATE), params=params)


def yaml_put(f, params):
    """PUT /stacks/seed004 with the fixture's template and new parameter values (README)."""
    q = "&".join(f"param.{k}={v}" for k, v in params.items())
    with open(TEMPLATE, "rb") as fh:
        body = fh.read()
    return f.control("PUT", "/stacks/seed004" + ("?" + q if q else ""), body,
                     {"Content-Type": "application/yaml"})


class Seed004(unittest.TestCase):
    def assertCloudFront(self, h, x_cache):
        """§5.5: CloudFront's headers on what the chain answers."""
        self.assertRegex(h.get("via", ""), VIA)
        self.assertEqual(h.get("x-cache"), x_cache)
        self.assertRegex(h.get("x-amz-cf-id", ""), CF_ID)

    def assertDenied(self, f, explicit):
        """§1.5 (anonymous caller, resource policy): 403 AccessDeniedException, capital
        Message, the account masked to its last 4 digits; "with an explicit deny" only when a
        Deny statement matched — passed back through the ALB and CloudFront."""
        api = f.control("GET", "/stacks/seed004").json()["Outputs"]["APIGwId"]
        status, h, body = https_get(f, ALIAS)
        self.assertEqual(status, 403, body)
        self.assertEqual(h.get("x-amzn-errortype"), "AccessDeniedException")
        self.assertEqual(h.get("content-type"), "application/json")
        want = ('{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke '
                f'on resource: arn:aws:execute-api:us-east-1:********9012:{api}/Prod/GET/'
                + (' with an explicit deny' if explicit else '') + '"}')
        self.assertEqual(body.decode(), want)
        self.assertCloudFront(h, "Error from cloudfront")
        return h

    def test_working_chain(self):
        # §6.10: the VPC origin reaches the internal ALB, its IP targets are the endpoint's
        # network interfaces, the request arrives through the endpoint (§1.1) and the policy
        # allows that endpoint (§2.5)
        with seed() as f:
            out = f.control("GET", "/stacks/seed004").json()["Outputs"]
            status, h, body = https_get(f, ALIAS)
            self.assertEqual(status, 200, body)
            self.assertEqual(body, b'{"message": "Hello from API GW"}')
            self.assertEqual(h.get("content-type"), "application/json")
            self.assertCloudFront(h, "Miss from cloudfront")
            trace = "\n".join(hops(f, h["x-amz-cf-id"]))
            # CloudFront forwards the viewer's Host (AllViewer) to the ALB's name...
            self.assertRegex(trace, r"origin request GET https://internal-seed0-appli-[0-9a-z]+-"
                             r"\d{10}\.us-east-1\.elb\.amazonaws\.com:443/ Host 'api\.seed004\.test'")
            # ...the ALB's target is one of the endpoint's interface addresses...
            addrs = out["EndpointAddresses"].split(",")
            m = re.search(r"target (10\.4\.[12]\.\d+):443 is network interface eni-[0-9a-f]{17} "
                          r"of VPC endpoint (vpce-[0-9a-f]{17})", trace)
            self.assertIsNotNone(m, trace)
            self.assertIn(m.group(1), addrs)
            self.assertEqual(m.group(2), out["VpcEndpointId"])
            # ...Host passes through, and API Gateway sees the endpoint
            self.assertIn("Host 'api.seed004.test' passed through", trace)
            self.assertIn(f"arrives through VPC endpoint {out['VpcEndpointId']}", trace)
            self.assertIn("custom domain api.seed004.test: base path '(none)'", trace)
            self.assertRegex(trace, r"resource policy .*: Allow")

    def test_interface_addresses_listed(self):
        # each interface of the endpoint has a stable private address in its subnet, listed
        # in GET /resources (README "VPC origins and load balancers")
        with seed() as f, seed() as g:
            def addrs(x):
                rs = x.control("GET", "/resources?type=AWS::EC2::VPCEndpoint").json()
                rs = rs.get("Resources", rs) if isinstance(rs, dict) else rs
                mine = [r for r in rs if r["LogicalId"] == "ExecuteApiVpcEndpoint"]
                return mine[0]["Attributes"]["Frontgate.PrivateIpAddresses"]
            a = addrs(f)
            self.assertEqual(len(a), 2)
            self.assertTrue(a[0].startswith("10.4.1.") and a[1].startswith("10.4.2."), a)
            self.assertEqual(a, addrs(g), "the same addresses on every run")

    def test_wrong_endpoint_in_policy(self):
        # the seed's policy only allows: an endpoint it does not name is merely not allowed
        # (§1.5, FL-RP R6: no "explicit deny" suffix)
        with seed({"AllowedVpce": WRONG_VPCE}) as f:
            h = self.assertDenied(f, explicit=False)
            trace = "\n".join(hops(f, h["x-amz-cf-id"]))
            self.assertIn("arrives through VPC endpoint vpce-", trace)
            self.assertIn(WRONG_VPCE, trace)

    def test_wrong_endpoint_with_deny_statement(self):
        # with the Deny / StringNotEquals aws:SourceVpce statement AWS's documentation
        # recommends: "... with an explicit deny" (§1.5, §8 S8)
        with seed({"AllowedVpce": WRONG_VPCE, "DenyOtherVpce": "true"}) as f:
            self.assertDenied(f, explicit=True)

    def test_break_and_fix_by_update(self):
        # the README's PUT /stacks/seed004 with new parameter values: each update deploys the
        # API again (SAM's AlwaysDeploy), so the policy change applies at once
        with seed() as f:
            self.assertEqual(https_get(f, ALIAS)[0], 200)
            r = yaml_put(f, {"AllowedVpce": WRONG_VPCE, "DenyOtherVpce": "true"})
            self.assertEqual(r.status, 200, r.body)
            self.assertDenied(f, explicit=True)
            r = yaml_put(f, {})
            self.assertEqual(r.status, 200, r.body)
            status, _, body = https_get(f, ALIAS)
            self.assertEqual((status, body), (200, b'{"message": "Hello from API GW"}'))

    def test_alb_name_answers_for_the_chain(self):
        # the ALB's DNS name is served on the data-plane listener too: clear text on its
        # HTTPS listener is the load balancer's 400 page
        with seed() as f:
            name = f.control("GET", "/stacks/seed004").json()["Outputs"]["ALBDNSName"]
            r = f.http("GET", "/", name + ":443")
            self.assertEqual(r.status, 400)
            self.assertEqual(r.header("Server"), "awselb/2.0")
            self.assertEqual(r.body, b"<html>\r\n<head><title>400 The plain HTTP request was "
                             b"sent to HTTPS port</title></head>\r\n<body>\r\n<center><h1>400 "
                             b"Bad Request</h1></center>\r\n<center>The plain HTTP request was "
                             b"sent to HTTPS port</center>\r\n</body>\r\n</html>\r\n")
            dig = subprocess.run(["dig", "@127.0.0.1", "-p", str(f.dns_port), name, "A",
                                  "+short"], capture_output=True, text=True, timeout=30)
            self.assertEqual(dig.stdout.strip(), "127.0.0.1")

    def test_unchanged_custom_resource_fails_clearly(self):
        # why the fixture changes the targets: the seed's custom resource calls EC2 from a
        # Lambda function frontgate cannot run, so its IP0/IP1 attributes are placeholders and
        # ELB refuses them as it refuses any non-address (README, change 2)
        with open(TEMPLATE) as fh:
            text = fh.read()
        text = re.sub(r"- Id: !Select \[(\d), !GetAtt ExecuteApiVpcEndpoint\.Frontgate\."
                      r"PrivateIpAddresses\]", lambda m: f"- Id: !GetAtt GetPrivateIPs.IP{m.group(1)}",
                      text)
        text = text.replace("Outputs:\n", "  GetPrivateIPs:\n    Type: Custom::LambdaResource\n"
                            "    Properties:\n      ServiceToken: arn:aws:lambda:us-east-1:"
                            "123456789012:function:fetch-ips\n      NetworkInterfaceIds: "
                            "!GetAtt ExecuteApiVpcEndpoint.NetworkInterfaceIds\n\nOutputs:\n", 1)
        with Frontgate(fixtures=(PRE,)) as f:
            r = f.control("PUT", "/stacks/seed004", text.encode(),
                          {"Content-Type": "application/yaml"})
            self.assertEqual(r.status, 400, r.body)
            err = r.json()["error"]
            self.assertEqual(err["code"], "ValidationError")
            self.assertEqual(err["resource"], "ALBTargetGroup")
            self.assertRegex(err["message"], r"The IP address '[^']*GetPrivateIPs[^']*\.IP0' is "
                             r"not a valid IPv4 address \(Service: ElasticLoadBalancingV2, "
                             r"Status Code: 400\)")


class FixtureStackNames(unittest.TestCase):
    """How --fixture names stacks (README "Templates and fixtures"): a template.yaml after its
    folder, unless the template's Metadata.Frontgate.StackName says otherwise (as this
    seed's files do)."""

    def test_names(self):
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, "9-some-seed"))
            path = os.path.join(d, "9-some-seed", "template.yaml")
            with open(path, "w") as fh:
                fh.write("Resources:\n  Logs: {Type: AWS::Logs::LogGroup}\n")
            with Frontgate(fixtures=(path, PRE)) as f:
                names = sorted(s["Name"] for s in f.control("GET", "/state").json()["Stacks"])
                self.assertEqual(names, ["f9-some-seed", "seed004-network"])


if __name__ == "__main__":
    unittest.main()
