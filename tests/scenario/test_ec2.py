"""EC2 types private APIs need (issue 5, "Private APIs"): VPC, Subnet, SecurityGroup and
VPCEndpoint get EC2-shaped ids and the attributes CloudFormation gives (DnsEntries in AWS's
"ZONEID:name" form), and bad input gets EC2's error naming the property."""
import re
import unittest

from fg import Frontgate

NET = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "SubA": {"Type": "AWS::EC2::Subnet",
                 "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24",
                                "AvailabilityZone": "us-east-1a"}},
        "SubB": {"Type": "AWS::EC2::Subnet",
                 "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.2.0/24",
                                "AvailabilityZone": "us-east-1b"}},
        "Sg": {"Type": "AWS::EC2::SecurityGroup",
               "Properties": {"GroupDescription": "api", "VpcId": {"Ref": "Vpc"}}},
        "Vpce": {"Type": "AWS::EC2::VPCEndpoint",
                 "Properties": {"ServiceName": "com.amazonaws.us-east-1.execute-api",
                                "VpcId": {"Ref": "Vpc"}, "VpcEndpointType": "Interface",
                                "PrivateDnsEnabled": True,
                                "SubnetIds": [{"Ref": "SubA"}, {"Ref": "SubB"}],
                                "SecurityGroupIds": [{"Ref": "Sg"}]}},
    },
    "Outputs": {
        "VpceId": {"Value": {"Ref": "Vpce"}},
        "Dns": {"Value": {"Fn::Join": [",", {"Fn::GetAtt": ["Vpce", "DnsEntries"]}]}},
        "Enis": {"Value": {"Fn::Join": [",", {"Fn::GetAtt": ["Vpce", "NetworkInterfaceIds"]}]}},
        "VpcId": {"Value": {"Ref": "Vpc"}},
        "SgId": {"Value": {"Fn::GetAtt": ["Sg", "GroupId"]}},
        "Az": {"Value": {"Fn::GetAtt": ["SubB", "AvailabilityZone"]}},
    },
}


def outputs(fg, name):
    st = fg.control("GET", "/stacks/" + name).json()
    return {k: v["Value"] if isinstance(v, dict) else v for k, v in st["Outputs"].items()}


class Ec2Types(unittest.TestCase):
    def test_ids_and_dns_entries(self):
        with Frontgate() as fg:
            fg.deploy("net", NET)
            o = outputs(fg, "net")
            self.assertRegex(o["VpceId"], r"^vpce-[0-9a-f]{17}$")
            self.assertRegex(o["VpcId"], r"^vpc-[0-9a-f]{17}$")
            self.assertRegex(o["SgId"], r"^sg-[0-9a-f]{17}$")
            self.assertEqual(o["Az"], "us-east-1b")
            dns = o["Dns"].split(",")
            vid = o["VpceId"]
            self.assertEqual(len(dns), 4)  # regional, one per AZ, private DNS name
            self.assertRegex(dns[0], r"^Z7HUB22UULQXV:" + vid +
                             r"-[a-z0-9]{8}\.execute-api\.us-east-1\.vpce\.amazonaws\.com$")
            self.assertRegex(dns[1], r"^Z7HUB22UULQXV:" + vid +
                             r"-[a-z0-9]{8}-us-east-1a\.execute-api\.us-east-1\.vpce\.amazonaws\.com$")
            self.assertTrue(dns[3].endswith(":*.execute-api.us-east-1.amazonaws.com"))
            self.assertEqual(len(o["Enis"].split(",")), 2)
            # stable across a redeploy
            fg.deploy("net", NET)
            self.assertEqual(outputs(fg, "net")["VpceId"], vid)

    def test_errors_name_the_property(self):
        with Frontgate() as fg:
            bad = {"Resources": {"Vpc": {"Type": "AWS::EC2::VPC",
                                         "Properties": {"CidrBlock": "10.0.0.0/8"}}}}
            r = fg.deploy("bad", bad, expect=(400,))
            e = r.json()["error"]
            self.assertEqual(e["resource"], "Vpc")
            self.assertEqual(e["property"], "Resources.Vpc.Properties.CidrBlock")
            self.assertIn("The CIDR '10.0.0.0/8' is invalid.", e["message"])
            gw = {"Resources": {"E": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
                "ServiceName": "com.amazonaws.us-east-1.execute-api", "VpcId": "vpc-1"}}}}
            e = fg.deploy("bad", gw, expect=(400,)).json()["error"]
            self.assertEqual(e["property"], "Resources.E.Properties.VpcEndpointType")
            self.assertIn("does not support endpoint type 'Gateway'", e["message"])
            # nothing half-applied
            self.assertEqual(fg.control("GET", "/stacks/bad").status, 404)


if __name__ == "__main__":
    unittest.main()
