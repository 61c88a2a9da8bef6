"""Route 53 and the DNS listener (issue 8): the real binary serves fixtures/route53/zone.yaml
and dig (dnsutils) queries it over UDP and TCP — every record type, SOA/NS as Route 53 creates
them, CNAME chains, NXDOMAIN vs NODATA, wildcards, truncation with the TCP retry, a private
zone invisible on the public listener (and answered with the VPC option 65001), aliases to a
CloudFront distribution and a regional API Gateway custom domain, names of emulated endpoints
while they exist, Route 53's change-batch messages (../shared/aws-behavior.md §7.1), malformed
packets, and GET /resolve. No test waits for time to pass: a dropped UDP packet is shown by
the next datagram being the answer to the following query."""
import json
import os
import shutil
import socket
import struct
import subprocess
import unittest

from fg import FIXTURES, Frontgate

ZONE = os.path.join(FIXTURES, "route53", "zone.yaml")
BASIC = os.path.join(FIXTURES, "apigw", "basic.yaml")
VPC = "vpc-0a1b2c3d"


def dig(port, *args):
    """dig's whole output (stdout + stderr)."""
    p = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+tries=1", "+time=5", *args],
                       capture_output=True, text=True, timeout=30)
    return p.stdout + p.stderr


def short(port, *args):
    return sorted(line for line in dig(port, "+short", *args).splitlines() if line)


def vpc_opt(vpc):
    return "+ednsopt=65001:" + vpc.encode().hex()


def wire_query(qid, name, qtype=1, edns=False):
    msg = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 1 if edns else 0)
    for label in name.split("."):
        msg += bytes([len(label)]) + label.encode()
    msg += b"\x00" + struct.pack(">HH", qtype, 1)
    if edns:
        msg += b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"
    return msg


@unittest.skipIf(shutil.which("dig") is None, "dig (dnsutils) is not installed: scripts/deps")
class ZoneTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[ZONE])
        cls.port = cls.f.dns_port

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def test_every_record_type(self):
        p = self.port
        self.assertEqual(short(p, "www.example.test", "A"), ["192.0.2.10", "192.0.2.11"])
        self.assertEqual(short(p, "www.example.test", "AAAA"), ["2001:db8::10"])
        self.assertEqual(short(p, "example.test", "MX"),
                         ["10 mail.example.test.", "20 mail2.example.test."])
        self.assertEqual(short(p, "example.test", "TXT"),
                         ['"v=spf1 include:amazonses.com -all"'])
        self.assertEqual(short(p, "example.test", "SPF"), ['"v=spf1 -all"'])
        self.assertEqual(short(p, "example.test", "CAA"), ['0 issue "amazon.com"'])
        self.assertEqual(short(p, "_sip._tcp.example.test", "SRV"),
                         ["1 10 5060 sip.example.test."])
        self.assertEqual(short(p, "10.2.0.192.rev.example.test", "PTR"), ["www.example.test."])
        self.assertEqual(short(p, "app.example.test", "CNAME"), ["web.example.test."])
        # an alias to a record of the same zone answers that record's values under its name
        self.assertEqual(short(p, "apex-alias.example.test", "A"),
                         ["192.0.2.10", "192.0.2.11"])

    def test_soa_and_ns_as_route53_creates_them(self):
        out = dig(self.port, "example.test", "SOA", "+norec")
        self.assertIn("status: NOERROR", out)
        self.assertRegex(out, r"flags: qr aa;")
        self.assertRegex(out, r"example\.test\.\s+900\s+IN\s+SOA\s+ns-\d+\.awsdns-\d\d\.(com|net|org|co\.uk)\. "
                              r"awsdns-hostmaster\.amazon\.com\. 1 7200 900 1209600 86400")
        ns = short(self.port, "example.test", "NS")
        self.assertEqual(len(ns), 4)
        for n in ns:
            self.assertRegex(n, r"^ns-\d+\.awsdns-\d\d\.(com|net|org|co\.uk)\.$")
        # the NameServers attribute (Outputs) lists the same four
        stack = self.f.control("GET", "/stacks/zone").json()
        listed = stack["Outputs"]["NameServers"].split(",")
        self.assertEqual(sorted(n + "." for n in listed), ns)
        zid = stack["Outputs"]["ZoneId"]
        self.assertRegex(zid, r"^Z[0-9A-Z]{13,21}$")

    def test_cname_chain(self):
        out = dig(self.port, "app.example.test", "A", "+noall", "+answer")
        lines = [l.split() for l in out.splitlines() if l and not l.startswith(";")]
        self.assertEqual([l[3] for l in lines], ["CNAME", "CNAME", "A", "A"])
        self.assertEqual(lines[0][4], "web.example.test.")
        self.assertEqual(lines[1][4], "www.example.test.")

    def test_nxdomain_and_nodata_carry_the_soa(self):
        out = dig(self.port, "missing.example.test", "A")
        self.assertIn("status: NXDOMAIN", out)
        self.assertRegex(out, r"AUTHORITY SECTION:\nexample\.test\.\s+900\s+IN\s+SOA")
        out = dig(self.port, "www.example.test", "MX")
        self.assertIn("status: NOERROR", out)
        self.assertIn("ANSWER: 0, AUTHORITY: 1", out)
        self.assertRegex(out, r"AUTHORITY SECTION:\nexample\.test\.\s+900\s+IN\s+SOA")

    def test_wildcard(self):
        out = dig(self.port, "anything.apps.example.test", "A", "+noall", "+answer")
        self.assertRegex(out, r"anything\.apps\.example\.test\.\s+20\s+IN\s+A\s+192\.0\.2\.99")
        self.assertEqual(short(self.port, "a.b.apps.example.test"), ["192.0.2.99"])
        self.assertIn("ANSWER: 0", dig(self.port, "anything.apps.example.test", "TXT"))

    def test_case_insensitive(self):
        out = dig(self.port, "WwW.ExAmPlE.TeSt", "A")
        self.assertIn("status: NOERROR", out)
        self.assertIn("192.0.2.10", out)

    def test_delegation_is_a_referral(self):
        out = dig(self.port, "host.team.example.test", "A", "+norec")
        self.assertIn("status: NOERROR", out)
        self.assertRegex(out, r"flags: qr;")  # not authoritative
        self.assertIn("team.example.test.\t3600\tIN\tNS\tns1.team-dns.org.", out)

    def test_names_not_owned_are_refused(self):
        out = dig(self.port, "example.com", "A")
        self.assertIn("status: REFUSED", out)

    def test_truncation_and_tcp_retry(self):
        out = dig(self.port, "big.example.test", "TXT", "+ignore")
        self.assertRegex(out, r"flags: qr aa tc rd;")
        self.assertIn("ANSWER: 0", out)
        out = dig(self.port, "big.example.test", "TXT", "+noedns", "+ignore")
        self.assertRegex(out, r"flags: qr aa tc rd;")
        self.assertIn("MSG SIZE  rcvd: 34", out)  # header + question, under 512
        out = dig(self.port, "big.example.test", "TXT")
        self.assertIn("Truncated, retrying in TCP mode", out)
        self.assertIn("ANSWER: 18", out)
        self.assertIn("(TCP)", out)

    def test_private_zone_only_inside_its_vpc(self):
        self.assertIn("status: REFUSED", dig(self.port, "db.corp.internal"))
        self.assertIn("status: REFUSED", dig(self.port, "db.corp.internal", vpc_opt("vpc-99")))
        self.assertEqual(short(self.port, "db.corp.internal", vpc_opt(VPC)), ["10.0.0.5"])
        self.assertEqual(short(self.port, "db.corp.internal", vpc_opt(VPC), "+tcp"), ["10.0.0.5"])
        out = dig(self.port, "www.example.test", "+ednsopt=65001")  # option without a VPC id
        self.assertIn("status: FORMERR", out)

    def test_malformed_packets(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(10)
        s.connect(("127.0.0.1", self.port))
        try:
            def then_answer(bad, qid):
                """Sends bad, then a good query; returns what came back first."""
                s.send(bad)
                s.send(wire_query(qid, "www.example.test"))
                return s.recv(2048)

            # truncated header: dropped (the first datagram back answers the good query)
            r = then_answer(b"\x12\x34\x01", 0x0101)
            self.assertEqual(r[:2], b"\x01\x01")
            # a response is never answered
            r = then_answer(b"\x12\x35\x81\x00" + b"\x00" * 8, 0x0102)
            self.assertEqual(r[:2], b"\x01\x02")
            # compression loop, label over 63, name over 255: FORMERR with the query's id
            loop = struct.pack(">HHHHHH", 0x2001, 0x0100, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01"
            long_label = struct.pack(">HHHHHH", 0x2002, 0x0100, 1, 0, 0, 0) + b"\x40" + b"a" * 64 + b"\x00\x00\x01\x00\x01"
            long_name = struct.pack(">HHHHHH", 0x2003, 0x0100, 1, 0, 0, 0) + (b"\x3f" + b"b" * 63) * 5 + b"\x00\x00\x01\x00\x01"
            for pkt, qid in ((loop, 0x2001), (long_label, 0x2002), (long_name, 0x2003)):
                s.send(pkt)
                r = s.recv(2048)
                self.assertEqual(struct.unpack(">H", r[:2])[0], qid)
                self.assertEqual(r[3] & 0x0F, 1, "FORMERR")
                self.assertTrue(r[2] & 0x80)
        finally:
            s.close()
        # the same over TCP, and the connection keeps answering
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as t:
            t.sendall(struct.pack(">H", 18) + loop)
            n = struct.unpack(">H", t.recv(2))[0]
            r = t.recv(n)
            self.assertEqual(r[3] & 0x0F, 1)
            q = wire_query(0x3003, "www.example.test", edns=True)
            t.sendall(struct.pack(">H", len(q)) + q)
            n = struct.unpack(">H", t.recv(2))[0]
            r = b""
            while len(r) < n:
                r += t.recv(n - len(r))
            self.assertEqual(r[:2], b"\x30\x03")
            self.assertEqual(r[3] & 0x0F, 0)
        self.assertIn("status: NOERROR", dig(self.port, "www.example.test"))

    def test_resolve_on_the_control_api(self):
        r = self.f.control("GET", "/resolve?name=app.example.test&type=A")
        self.assertEqual(r.status, 200)
        doc = r.json()
        self.assertEqual(doc["Status"], "NOERROR")
        self.assertTrue(doc["Authoritative"])
        self.assertEqual([a["Type"] for a in doc["Answer"]], ["CNAME", "CNAME", "A", "A"])
        steps = " | ".join(s["Step"] for s in doc["Chain"])
        self.assertIn("zone example.test.", steps)
        self.assertIn("record app.example.test. CNAME", steps)
        doc = self.f.control("GET", "/resolve?name=db.corp.internal").json()
        self.assertEqual(doc["Status"], "REFUSED")
        doc = self.f.control("GET", f"/resolve?name=db.corp.internal&vpc={VPC}").json()
        self.assertEqual(doc["Answer"][0]["Data"], "10.0.0.5")
        self.assertIn("private", doc["Chain"][1]["Step"])
        doc = self.f.control("GET", "/resolve?name=nope.example.test&type=aaaa").json()
        self.assertEqual((doc["Status"], doc["Authority"][0]["Type"]), ("NXDOMAIN", "SOA"))
        self.assertEqual(self.f.control("GET", "/resolve").status, 400)
        r = self.f.control("GET", "/resolve?name=x.example.test&type=A%20B")
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["error"]["code"], "ValidationError")


PLATFORM = {
    "Name": "platform", "Account": "123456789012", "Region": "us-east-1",
    "Status": "CREATE_COMPLETE", "Warnings": [], "Outputs": {}, "Exports": {},
    "Resources": [
        {"LogicalId": "Dist", "Type": "AWS::CloudFront::Distribution",
         "PhysicalId": "E2QWRUHAPOMQZL", "Emulated": True,
         "Attributes": {"DomainName": "d111111abcdef8.cloudfront.net"},
         "Properties": {"DistributionConfig": {"Aliases": ["www.shop.test"]}}},
        {"LogicalId": "Domain", "Type": "AWS::ApiGateway::DomainName",
         "PhysicalId": "api.shop.test", "Emulated": True,
         "Attributes": {"RegionalDomainName": "d-abcde12345.execute-api.us-east-1.amazonaws.com",
                        "RegionalHostedZoneId": "Z1UJRXOUMOOFQ8"},
         "Properties": {"DomainName": "api.shop.test",
                        "EndpointConfiguration": {"Types": ["REGIONAL"]}}},
    ]}


def shop_template(record_name="www.shop.test", extra=None):
    t = {"Resources": {
        "Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {"Name": "shop.test"}},
        "Www": {"Type": "AWS::Route53::RecordSet", "Properties": {
            "HostedZoneId": {"Ref": "Zone"}, "Name": record_name, "Type": "A",
            "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2",
                            "DNSName": "d111111abcdef8.cloudfront.net"}}},
        "Api": {"Type": "AWS::Route53::RecordSet", "Properties": {
            "HostedZoneId": {"Ref": "Zone"}, "Name": "api.shop.test", "Type": "A",
            "AliasTarget": {"HostedZoneId": "Z1UJRXOUMOOFQ8",
                            "DNSName": "d-abcde12345.execute-api.us-east-1.amazonaws.com"}}}}}
    t["Resources"].update(extra or {})
    return t


@unittest.skipIf(shutil.which("dig") is None, "dig (dnsutils) is not installed: scripts/deps")
class AliasAndEndpointTest(unittest.TestCase):
    """CloudFront distributions and API Gateway domain names are built by other services; here
    their resource documents are restored with PUT /state (the shape those services store) and
    the Route 53 stack is deployed on top with the control API."""

    def setUp(self):
        self.f = Frontgate()
        self.port = self.f.dns_port
        r = self.f.control("PUT", "/state", {"Version": 1, "Stacks": [PLATFORM]})
        self.assertEqual(r.status, 200, r.body)

    def tearDown(self):
        self.f.stop()

    def test_aliases_answer_the_http_listener_address(self):
        self.f.deploy("shop", shop_template())
        self.assertEqual(short(self.port, "www.shop.test", "A"), ["127.0.0.1"])
        self.assertEqual(short(self.port, "api.shop.test", "A"), ["127.0.0.1"])
        self.assertEqual(short(self.port, "d111111abcdef8.cloudfront.net"), ["127.0.0.1"])
        self.assertEqual(short(self.port, "d-abcde12345.execute-api.us-east-1.amazonaws.com"),
                         ["127.0.0.1"])
        # the HTTP listener has no IPv6 address: AAAA is NODATA
        out = dig(self.port, "www.shop.test", "AAAA")
        self.assertIn("status: NOERROR", out)
        self.assertIn("ANSWER: 0, AUTHORITY: 1", out)
        doc = self.f.control("GET", "/resolve?name=www.shop.test").json()
        self.assertIn("CloudFront distribution E2QWRUHAPOMQZL (stack platform, Dist)",
                      " | ".join(s["Step"] for s in doc["Chain"]))
        # the distribution goes: its name is NXDOMAIN and the alias has no address
        self.f.control("PUT", "/state", {"Version": 1, "Stacks": [
            s for s in self.f.control("GET", "/state").json()["Stacks"] if s["Name"] != "platform"]})
        self.assertIn("status: NXDOMAIN", dig(self.port, "d111111abcdef8.cloudfront.net"))
        out = dig(self.port, "www.shop.test", "A")
        self.assertIn("status: NOERROR", out)
        self.assertIn("ANSWER: 0", out)

    def test_alias_errors(self):
        # §7.1: the record name must be an alternate domain name of the distribution
        r = self.f.deploy("shop", shop_template("other.shop.test"), expect=None)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json()["error"]["message"],
                         "[Tried to create an alias that targets d111111abcdef8.cloudfront.net., "
                         "type A in zone Z2FDTNDATAQYW2, but distribution E2QWRUHAPOMQZL (stack "
                         "platform) does not include other.shop.test. as an alternate domain name "
                         "(CNAME)]")
        self.assertEqual(r.json()["error"]["property"], "Resources.Www.Properties.AliasTarget")
        # §7.1: EvaluateTargetHealth cannot be true for CloudFront
        t = shop_template()
        t["Resources"]["Www"]["Properties"]["AliasTarget"]["EvaluateTargetHealth"] = True
        r = self.f.deploy("shop", t, expect=None)
        self.assertIn("cannot set EvaluateTargetHealth to true", r.json()["error"]["message"])
        # §7.1: no alias to CloudFront in a private zone
        t = shop_template()
        t["Resources"]["Zone"]["Properties"]["VPCs"] = [{"VPCId": VPC, "VPCRegion": "us-east-1"}]
        r = self.f.deploy("shop", t, expect=None)
        self.assertIn("alias records for CloudFront can't be created in a private zone",
                      r.json()["error"]["message"])
        # §7.1: the record name must equal the custom domain name
        t = shop_template()
        t["Resources"]["Api"]["Properties"]["Name"] = "v2.shop.test"
        r = self.f.deploy("shop", t, expect=None)
        self.assertIn("the record name v2.shop.test. is not that API Gateway custom domain name "
                      "(api.shop.test)", r.json()["error"]["message"])
        # a regional domain under another region's zone id (§7.1 table)
        t = shop_template()
        t["Resources"]["Api"]["Properties"]["AliasTarget"]["HostedZoneId"] = "ZLY8HYME6SFDD"
        r = self.f.deploy("shop", t, expect=None)
        self.assertIn("but the alias target name does not lie within the target zone",
                      r.json()["error"]["message"])
        # nothing of a refused stack is served
        self.assertIn("status: REFUSED", dig(self.port, "www.shop.test"))


@unittest.skipIf(shutil.which("dig") is None, "dig (dnsutils) is not installed: scripts/deps")
class ChangeBatchErrorTest(unittest.TestCase):
    """Each change-batch check, through the control API, with Route 53's message (§7.1;
    the README says which texts are Route 53's own)."""

    @classmethod
    def setUpClass(cls):
        cls.f = Frontgate(fixtures=[ZONE])

    @classmethod
    def tearDownClass(cls):
        cls.f.stop()

    def refused(self, props):
        props.setdefault("HostedZoneName", "example.test.")
        r = self.f.deploy("bad", {"Resources": {"R": {"Type": "AWS::Route53::RecordSet",
                                                      "Properties": props}}}, expect=None)
        self.assertEqual(r.status, 400, r.body)
        self.assertIsNone(self.f.control("GET", "/stacks/bad").json().get("Name"))
        return r.json()["error"]

    def test_cname_at_apex(self):
        e = self.refused({"Name": "example.test", "Type": "CNAME", "TTL": "60",
                          "ResourceRecords": ["www.example.test"]})
        self.assertEqual(e["message"], "[RRSet of type CNAME with DNS name example.test. is not "
                                       "permitted at apex in zone example.test.]")
        self.assertEqual(e["code"], "InvalidChangeBatch")

    def test_cname_beside_other_types(self):
        e = self.refused({"Name": "www.example.test", "Type": "CNAME", "TTL": "60",
                          "ResourceRecords": ["x.example.test"]})
        self.assertEqual(e["message"], "[RRSet of type CNAME with DNS name www.example.test. is "
                                       "not permitted as it conflicts with other records with the "
                                       "same DNS name in zone example.test.]")
        e = self.refused({"Name": "app.example.test", "Type": "TXT", "TTL": "60",
                          "ResourceRecords": ['"x"']})
        self.assertEqual(e["message"], "[RRSet of type TXT with DNS name app.example.test. is not "
                                       "permitted because a conflicting RRSet of type  CNAME with "
                                       "the same DNS name already exists in zone example.test.]")

    def test_alias_and_ttl(self):
        e = self.refused({"Name": "x.example.test", "Type": "A", "TTL": "60",
                          "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2",
                                          "DNSName": "d111111abcdef8.cloudfront.net"}})
        self.assertEqual(e["message"], "Invalid request: Expected exactly one of [AliasTarget, "
                                       "all of [TTL, and ResourceRecords], or "
                                       "TrafficPolicyInstanceId], but found more than one in "
                                       "Change with [Action=CREATE, Name=x.example.test., "
                                       "Type=A, SetIdentifier=null]")
        self.assertEqual(e["code"], "InvalidInput")

    def test_duplicate_record(self):
        e = self.refused({"Name": "WWW.example.test", "Type": "A", "TTL": "60",
                          "ResourceRecords": ["192.0.2.1"]})
        self.assertEqual(e["message"], "[Tried to create resource record set "
                                       "[name='www.example.test.', type='A'] but it already "
                                       "exists]")

    def test_record_outside_the_zone(self):
        e = self.refused({"Name": "www.elsewhere.test", "Type": "A", "TTL": "60",
                          "ResourceRecords": ["192.0.2.1"]})
        self.assertEqual(e["message"], "[RRSet with DNS name www.elsewhere.test. is not "
                                       "permitted in zone example.test.]")

    def test_alias_target_not_found(self):
        e = self.refused({"Name": "cdn.example.test", "Type": "A",
                          "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2",
                                          "DNSName": "dnotthere1234.cloudfront.net"}})
        self.assertEqual(e["message"], "[Tried to create an alias that targets "
                                       "dnotthere1234.cloudfront.net., type A in zone "
                                       "Z2FDTNDATAQYW2, but that target was not found]")

    def test_bad_value(self):
        e = self.refused({"Name": "x.example.test", "Type": "A", "TTL": "60",
                          "ResourceRecords": ["300.1.2.3"]})
        self.assertEqual(e["message"], "[Invalid Resource Record: 'FATAL problem: "
                                       "ARRDATAIllegalIPv4Address (Value is not a valid IPv4 "
                                       "address) encountered with '300.1.2.3'']")

    def test_answers_follow_stack_changes(self):
        port = self.f.dns_port
        t = {"Resources": {"R": {"Type": "AWS::Route53::RecordSet", "Properties": {
            "HostedZoneName": "example.test.", "Name": "moving.example.test", "Type": "A",
            "TTL": "5", "ResourceRecords": ["192.0.2.1"]}}}}
        self.f.deploy("moving", t)
        self.assertEqual(short(port, "moving.example.test"), ["192.0.2.1"])
        t["Resources"]["R"]["Properties"]["ResourceRecords"] = ["192.0.2.2"]
        self.f.deploy("moving", t)
        self.assertEqual(short(port, "moving.example.test"), ["192.0.2.2"])
        self.f.control("DELETE", "/stacks/moving")
        self.assertIn("status: NXDOMAIN", dig(port, "moving.example.test"))


@unittest.skipIf(shutil.which("dig") is None, "dig (dnsutils) is not installed: scripts/deps")
class ApiNamesTest(unittest.TestCase):
    def test_execute_api_name_exists_while_the_api_does(self):
        with Frontgate(fixtures=[BASIC]) as f:
            host = "s1c2e3n4a5.execute-api.us-east-1.amazonaws.com"
            self.assertEqual(short(f.dns_port, host), ["127.0.0.1"])
            self.assertIn("status: NXDOMAIN",
                          dig(f.dns_port, "zzzzzzzzzz.execute-api.us-east-1.amazonaws.com"))
            self.assertEqual(f.control("DELETE", "/stacks/basic").status, 200)
            self.assertIn("status: NXDOMAIN", dig(f.dns_port, host))


if __name__ == "__main__":
    unittest.main()
