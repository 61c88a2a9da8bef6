"""IAM types through the control API (issue 5, the IAM part): users, groups, access keys
(pinned and derived), roles with session credentials and policies deploy with AWS-shaped
ids and attributes (Fn::GetAtt SecretAccessKey / Arn / RoleId), ids are stable across
instances, GET /resources lists access keys, and a bad policy document is refused with
IAM's MalformedPolicyDocument message naming the resource, the property and the element,
changing nothing."""
import unittest

from fg import Frontgate

ACCT = "123456789012"
PINNED_ID = "AKIAIOSFODNN7EXAMPLE"
PINNED_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

TEMPLATE = """
Resources:
  Devs:
    Type: AWS::IAM::Group
    Properties:
      GroupName: devs
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: execute-api:Invoke
                Resource: arn:aws:execute-api:*:*:*
  Alice:
    Type: AWS::IAM::User
    Properties:
      UserName: alice
      Path: /eng/
      Groups: [!Ref Devs]
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess
        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
  PinnedKey:
    Type: AWS::IAM::AccessKey
    Metadata:
      Frontgate: { AccessKeyId: %(id)s, SecretAccessKey: %(secret)s }
    Properties: { UserName: !Ref Alice }
  DerivedKey:
    Type: AWS::IAM::AccessKey
    Properties: { UserName: !Ref Alice, Serial: 1 }
  Reader:
    Type: AWS::IAM::Role
    Metadata:
      Frontgate:
        SessionCredentials:
          AccessKeyId: ASIAIOSFODNN7EXAMPLE
          SecretAccessKey: %(secret)s
          SessionToken: the-session-token
          Expiration: "2030-01-01T00:00:00Z"
          SessionName: tester
    Properties:
      RoleName: reader
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root" }
            Action: sts:AssumeRole
  Invoke:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: invoke-all
      Roles: [!Ref Reader]
      PolicyDocument: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "execute-api:Invoke", "Resource": "*"}]}'
Outputs:
  PinnedSecret: { Value: !GetAtt PinnedKey.SecretAccessKey }
  DerivedId: { Value: !Ref DerivedKey }
  DerivedSecret: { Value: !GetAtt DerivedKey.SecretAccessKey }
  AliceArn: { Value: !GetAtt Alice.Arn }
  ReaderArn: { Value: !GetAtt Reader.Arn }
  ReaderId: { Value: !GetAtt Reader.RoleId }
  PolicyArn: { Value: !Ref Invoke }
"""


def template(id_=PINNED_ID, secret=PINNED_SECRET):
    return TEMPLATE % {"id": id_, "secret": secret}


def put(f, name, text):
    return f.control("PUT", f"/stacks/{name}", text, {"Content-Type": "application/yaml"})


class IamTypes(unittest.TestCase):
    def setUp(self):
        self.f = Frontgate()
        self.addCleanup(self.f.stop)

    def deploy(self):
        r = put(self.f, "iam", template())
        self.assertEqual(r.status, 201, r.body)
        return r.json()

    def test_attributes_and_outputs(self):
        doc = self.deploy()
        out = doc["Outputs"]
        self.assertEqual(out["PinnedSecret"], PINNED_SECRET)
        self.assertRegex(out["DerivedId"], r"^AKIA[A-Z2-7]{16}$")
        self.assertRegex(out["DerivedSecret"], r"^[A-Za-z0-9+/]{40}$")
        self.assertNotEqual(out["DerivedSecret"], PINNED_SECRET)
        self.assertEqual(out["AliceArn"], f"arn:aws:iam::{ACCT}:user/eng/alice")
        self.assertEqual(out["ReaderArn"], f"arn:aws:iam::{ACCT}:role/reader")
        self.assertRegex(out["ReaderId"], r"^AROA[A-Z2-7]{17}$")
        self.assertEqual(out["PolicyArn"], f"arn:aws:iam::{ACCT}:policy/invoke-all")
        res = {r["LogicalId"]: r for r in doc["Resources"]}
        self.assertEqual(res["PinnedKey"]["PhysicalId"], PINNED_ID)
        for lid in ("Devs", "Alice", "PinnedKey", "DerivedKey", "Reader", "Invoke"):
            self.assertTrue(res[lid]["Emulated"], lid)
        # the AWS managed policy frontgate does not know is named in a warning; the
        # API Gateway one is emulated and IAM types are not "not emulated"
        warnings = "\n".join(doc["Warnings"])
        self.assertIn("AmazonS3ReadOnlyAccess is an AWS managed policy frontgate does not "
                      "emulate", warnings)
        self.assertNotIn("AmazonAPIGatewayInvokeFullAccess is an AWS managed", warnings)
        self.assertNotIn("AWS::IAM::User is not emulated", warnings)

    def test_resources_lists_access_keys(self):
        doc = self.deploy()
        r = self.f.control("GET", "/resources?type=AWS::IAM::AccessKey")
        self.assertEqual(r.status, 200, r.body)
        keys = {k["LogicalId"]: k for k in r.json()["Resources"]}
        self.assertEqual(set(keys), {"PinnedKey", "DerivedKey"})
        self.assertEqual(keys["PinnedKey"]["PhysicalId"], PINNED_ID)
        self.assertEqual(keys["PinnedKey"]["Attributes"]["SecretAccessKey"], PINNED_SECRET)
        self.assertEqual(keys["DerivedKey"]["PhysicalId"], doc["Outputs"]["DerivedId"])
        self.assertTrue(all(k["Type"] == "AWS::IAM::AccessKey" and k["Stack"] == "iam"
                            for k in keys.values()))

    def test_ids_are_stable_across_instances(self):
        first = self.deploy()["Outputs"]
        with Frontgate() as other:
            r = put(other, "iam", template())
            self.assertEqual(r.status, 201, r.body)
            self.assertEqual(r.json()["Outputs"], first)
        # and a redeploy in place keeps them
        r = put(self.f, "iam", template())
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["Outputs"], first)

    def test_bad_policy_document_names_resource_property_element(self):
        self.deploy()
        before = self.f.control("GET", "/state").json()
        bad = template().replace("                Action: execute-api:Invoke\n"
                                 "                Resource: arn:aws:execute-api:*:*:*",
                                 "                Action: execute-api:Invoke\n"
                                 "                Resource: arn:aws:execute-api:*:*:*\n"
                                 "                Condition: { IpAdress: { aws:SourceIp: "
                                 "10.0.0.0/8 } }")
        self.assertNotEqual(bad, template())
        r = put(self.f, "iam", bad)
        self.assertEqual(r.status, 400, r.body)
        err = r.json()["error"]
        self.assertEqual(err["code"], "MalformedPolicyDocument")
        self.assertEqual(err["resource"], "Devs")
        self.assertEqual(err["property"], "Resources.Devs.Properties.Policies[0]."
                                          "PolicyDocument.Statement[0].Condition.IpAdress")
        self.assertTrue(err["message"].startswith(
            'Resource handler returned message: "Syntax errors in policy. '
            '(Service: Iam, Status Code: 400)"'), err["message"])
        self.assertIn("IpAdress is not a condition operator IAM knows", err["message"])
        # all-or-nothing: nothing changed
        self.assertEqual(self.f.control("GET", "/state").json(), before)

    def test_trust_policy_and_key_shape_errors(self):
        bad_trust = template().replace("            Action: sts:AssumeRole\n",
                                       "            Action: sts:AssumeRole\n"
                                       "            Resource: '*'\n")
        r = put(self.f, "iam", bad_trust)
        self.assertEqual(r.status, 400, r.body)
        err = r.json()["error"]
        self.assertIn('"Has prohibited field Resource (Service: Iam, Status Code: 400)"',
                      err["message"])
        self.assertEqual(err["property"], "Resources.Reader.Properties."
                                          "AssumeRolePolicyDocument.Statement[0].Resource")
        r = put(self.f, "iam", template(id_="AKIA-not-a-key-id"))
        self.assertEqual(r.status, 400, r.body)
        err = r.json()["error"]
        self.assertEqual((err["resource"], err["property"]),
                         ("PinnedKey", "Resources.PinnedKey.Metadata.Frontgate.AccessKeyId"))
        self.assertEqual(self.f.control("GET", "/stacks/iam").status, 404)

    def test_pinned_key_unique_across_stacks(self):
        self.deploy()
        other = ("Resources:\n  Bob:\n    Type: AWS::IAM::User\n"
                 "  Key:\n    Type: AWS::IAM::AccessKey\n"
                 f"    Metadata: {{ Frontgate: {{ AccessKeyId: {PINNED_ID} }} }}\n"
                 "    Properties: { UserName: !Ref Bob }\n")
        r = put(self.f, "other", other)
        self.assertEqual(r.status, 409, r.body)
        self.assertIn(f"access key id {PINNED_ID} is already used by resource PinnedKey in "
                      "stack iam", r.json()["error"]["message"])


if __name__ == "__main__":
    unittest.main()
