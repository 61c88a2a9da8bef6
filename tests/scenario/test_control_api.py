"""The control API's stack routes (issue 2 §5-§7): PUT /stacks/{name} in every accepted form,
the stack document shape, not-emulated types, NoEcho, exports and imports, deletion rules,
errors (400/404/405/409/413/415) with CloudFormation's wording, all-or-nothing deployment,
and deterministic physical ids."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from fg import Frontgate

VIEW_KEYS = {"Name", "Account", "Region", "Status", "Parameters", "Outputs", "Resources",
             "Warnings"}
RESOURCE_KEYS = {"LogicalId", "Type", "PhysicalId", "Attributes", "Emulated"}

SIMPLE = {"Resources": {"Role": {"Type": "AWS::DynamoDB::Table"},
                        "Logs": {"Type": "AWS::Logs::LogGroup"}}}

YAML_APP = """\
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
  Token:
    Type: String
    NoEcho: true
    Default: very-secret-value
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Role:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${Env}-${AWS::StackName}-role"
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Join ["/", ["", app, !Ref Env]]
Outputs:
  RoleArn:
    Value: !GetAtt Role.Arn
  Literal:
    Value: !Sub "${Role}|${!NotAVar}"
  Size:
    Value: !If [IsProd, large, small]
"""


def tmpdir(test):
    d = tempfile.mkdtemp(prefix="fg-cp-")
    test.addCleanup(shutil.rmtree, d, True)
    return d


def chain(n=5, last_props=None, prefix="R"):
    """n not-emulated resources, each DependsOn the previous one, so resource n is deployed
    n-th."""
    res = {}
    for i in range(1, n + 1):
        r = {"Type": "AWS::DynamoDB::Table" if i % 2 else "AWS::Logs::LogGroup"}
        if i > 1:
            r["DependsOn"] = f"{prefix}{i - 1}"
        res[f"{prefix}{i}"] = r
    if last_props is not None:
        res[f"{prefix}{n}"]["Properties"] = last_props
    return res


class Base(unittest.TestCase):
    def setUp(self):
        self.f = Frontgate()
        self.addCleanup(self.f.stop)

    def put(self, name, body, headers=None, query=""):
        return self.f.control("PUT", f"/stacks/{name}{query}", body, headers)

    def get(self, name):
        return self.f.control("GET", f"/stacks/{name}")

    def state(self):
        r = self.f.control("GET", "/state")
        self.assertEqual(r.status, 200)
        return r.json()

    def assert_error(self, r, status, code=None, contains=None):
        self.assertEqual(r.status, status, r.body)
        self.assertTrue(r.header("Content-Type").startswith("application/json"), r.headers)
        e = r.json()["error"]
        self.assertIsInstance(e["code"], str)
        self.assertIsInstance(e["message"], str)
        if code:
            self.assertEqual(e["code"], code, e)
        if contains:
            self.assertIn(contains, e["message"])
        return e


class PutForms(Base):
    def test_json_template_body_create_then_update(self):
        r = self.put("plain", SIMPLE)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["Status"], "CREATE_COMPLETE")
        created = r.json()
        r = self.put("plain", SIMPLE)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["Status"], "UPDATE_COMPLETE")
        self.assertEqual([x["PhysicalId"] for x in r.json()["Resources"]],
                         [x["PhysicalId"] for x in created["Resources"]])
        self.assertEqual(self.get("plain").json(), r.json())
        # no Content-Type at all is taken as JSON too
        r = self.put("plain", json.dumps(SIMPLE), headers={})
        self.assertEqual(r.status, 200, r.body)

    def test_json_wrapper_with_parameters_account_region(self):
        tpl = {"Parameters": {"Env": {"Type": "String"}, "N": {"Type": "Number"}},
               "Resources": {"Role": {"Type": "AWS::DynamoDB::Table"}},
               "Outputs": {"Acct": {"Value": {"Ref": "AWS::AccountId"}},
                           "Reg": {"Value": {"Ref": "AWS::Region"}},
                           "Env": {"Value": {"Fn::Sub": "${Env}:${N}"}}}}
        r = self.put("wrapped", {"Template": tpl, "Parameters": {"Env": "qa", "N": 7},
                                 "Account": "210987654321", "Region": "ap-southeast-2"})
        self.assertEqual(r.status, 201, r.body)
        s = self.get("wrapped").json()
        self.assertEqual((s["Account"], s["Region"]), ("210987654321", "ap-southeast-2"))
        self.assertEqual(s["Outputs"], {"Acct": "210987654321", "Reg": "ap-southeast-2",
                                        "Env": "qa:7"})
        self.assertEqual(s["Parameters"]["Env"], "qa")
        # an update without Account/Region keeps them
        r = self.put("wrapped", {"Template": tpl, "Parameters": {"Env": "qa2", "N": 8}})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.json()["Account"], r.json()["Region"]),
                         ("210987654321", "ap-southeast-2"))
        # moving it to another account is a conflict, and changes nothing
        before = self.state()
        r = self.put("wrapped", {"Template": tpl, "Parameters": {"Env": "x", "N": 1},
                                 "Account": "111111111111"})
        self.assert_error(r, 409)
        self.assertEqual(self.state(), before)

    def test_account_region_in_query(self):
        r = self.put("q", SIMPLE, query="?account=333333333333&region=eu-north-1")
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual((r.json()["Account"], r.json()["Region"]),
                         ("333333333333", "eu-north-1"))

    def test_yaml_body_with_query_parameters_via_curl(self):
        d = tmpdir(self)
        path = os.path.join(d, "app.yaml")
        with open(path, "w") as fh:
            fh.write(YAML_APP)
        url = f"http://127.0.0.1:{self.f.control_port}/stacks/web?param.Env=prod"
        p = subprocess.run(["curl", "-s", "-w", "\\n%{http_code}", "-X", "PUT",
                            "--data-binary", f"@{path}", "-H", "Content-Type: application/yaml",
                            url], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        body, _, code = p.stdout.rpartition("\n")
        self.assertEqual(code, "201", body)
        s = json.loads(body)
        self.assertEqual(s["Parameters"], {"Env": "prod", "Token": "****"})
        self.assertEqual(s["Outputs"]["RoleArn"],
                         "arn:aws:dynamodb:us-east-1:123456789012:table/prod-web-role")
        self.assertEqual(s["Outputs"]["Literal"], "prod-web-role|${NotAVar}")
        self.assertEqual(s["Outputs"]["Size"], "large")
        logs = [x for x in s["Resources"] if x["LogicalId"] == "Logs"][0]
        self.assertEqual(logs["PhysicalId"], "/app/prod")
        # a percent-encoded parameter value is decoded
        p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
                            "--data-binary", f"@{path}", "-H", "Content-Type: application/yaml",
                            url.replace("web?param.Env=prod", "web2?param.Env=%64ev")],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.stdout, "201")
        self.assertEqual(self.get("web2").json()["Outputs"]["Size"], "small")
        # a parameter outside AllowedValues is refused naming the parameter
        r = self.put("web3", YAML_APP, {"Content-Type": "application/yaml"}, "?param.Env=qa")
        e = self.assert_error(r, 400, "ValidationError", "AllowedValues")
        self.assertIn("Env", e["message"] + e.get("property", ""))
        self.assertEqual(self.get("web3").status, 404)

    def test_yaml_string_inside_wrapper(self):
        r = self.put("ystr", {"Template": YAML_APP, "Parameters": {"Env": "dev",
                                                                    "Token": "t0k3n-value"}})
        self.assertEqual(r.status, 201, r.body)
        s = r.json()
        self.assertEqual(s["Outputs"]["Size"], "small")
        self.assertEqual(s["Parameters"]["Token"], "****")
        # a JSON template as a string works too
        r = self.put("jstr", {"Template": json.dumps(SIMPLE)})
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(sorted(x["LogicalId"] for x in r.json()["Resources"]), ["Logs", "Role"])

    def test_yaml_content_type_variants(self):
        for ct in ("application/yaml; charset=utf-8", "application/x-yaml", "text/yaml"):
            with self.subTest(ct=ct):
                r = self.put("yv", "Resources:\n  R:\n    Type: AWS::DynamoDB::Table\n",
                             {"Content-Type": ct})
                self.assertIn(r.status, (200, 201), r.body)


class Shape(Base):
    def test_stack_document_shape_and_not_emulated(self):
        r = self.put("shape", SIMPLE)
        self.assertEqual(r.status, 201, r.body)
        for doc in (r.json(), self.get("shape").json(),
                    self.f.control("GET", "/stacks").json()["Stacks"][0]):
            self.assertTrue(VIEW_KEYS <= set(doc), set(doc))
            self.assertNotIn("Template", doc)
            self.assertEqual(doc["Name"], "shape")
            self.assertEqual(doc["Account"], "123456789012")
            self.assertEqual(doc["Region"], "us-east-1")
            self.assertEqual(doc["Status"], "CREATE_COMPLETE")
            self.assertIsInstance(doc["Parameters"], dict)
            self.assertIsInstance(doc["Outputs"], dict)
            self.assertIsInstance(doc["Resources"], list)
            self.assertEqual(len(doc["Resources"]), 2)
            for res in doc["Resources"]:
                self.assertEqual(set(res), RESOURCE_KEYS, res)
                self.assertIs(res["Emulated"], False)
                self.assertIsInstance(res["Attributes"], dict)
                self.assertTrue(res["PhysicalId"])
            self.assertEqual({x["Type"] for x in doc["Resources"]},
                             {"AWS::DynamoDB::Table", "AWS::Logs::LogGroup"})
            for lid, typ in (("Role", "AWS::DynamoDB::Table"), ("Logs", "AWS::Logs::LogGroup")):
                self.assertTrue(any("not emulated" in w and lid in w and typ in w
                                    for w in doc["Warnings"]),
                                f"no not-emulated warning for {lid}: {doc['Warnings']}")

    def test_get_stacks_lists_every_stack(self):
        self.assertEqual(self.f.control("GET", "/stacks").json(), {"Stacks": []})
        for n in ("one", "two", "three"):
            self.put(n, SIMPLE)
        names = [s["Name"] for s in self.f.control("GET", "/stacks").json()["Stacks"]]
        self.assertEqual(sorted(names), ["one", "three", "two"])

    def test_noecho_masked_everywhere_public(self):
        tpl = {"Parameters": {"Pw": {"Type": "String", "NoEcho": True},
                              "User": {"Type": "String"}},
               "Resources": {"Role": {"Type": "AWS::DynamoDB::Table",
                                      "Properties": {"Description": {"Ref": "Pw"}}}}}
        secret = "Sup3r-Secret-Pw"
        r = self.put("ne", {"Template": tpl, "Parameters": {"Pw": secret, "User": "bob"}})
        self.assertEqual(r.status, 201, r.body)
        for body in (r, self.get("ne"), self.f.control("GET", "/stacks"),
                     self.f.control("GET", "/resources")):
            self.assertNotIn(secret, body.body.decode())
        self.assertEqual(self.get("ne").json()["Parameters"], {"Pw": "****", "User": "bob"})

    def test_noecho_value_not_echoed_in_errors_or_logs(self):
        secret = "SECRET-Value-42"
        with Frontgate("--log-level", "debug") as f:
            for decl in ({"AllowedPattern": "[a-z]+"}, {"AllowedValues": ["a"]},
                         {"MaxLength": 3}):
                with self.subTest(decl=decl):
                    tpl = {"Parameters": {"Pw": dict({"Type": "String", "NoEcho": True},
                                                     **decl)},
                           "Resources": {"R": {"Type": "AWS::DynamoDB::Table"}}}
                    r = f.control("PUT", "/stacks/s", {"Template": tpl,
                                                        "Parameters": {"Pw": secret}})
                    self.assertEqual(r.status, 400, r.body)
                    self.assertNotIn(secret, r.body.decode())
                    self.assertIn("Pw", r.body.decode())
            f.stop()
            self.assertNotIn(secret, f.stderr)

    def test_outputs_exports_imports_and_delete_rules(self):
        exporter = {"Resources": {"Role": {"Type": "AWS::DynamoDB::Table",
                                           "Properties": {"TableName": "shared-role"}}},
                    "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]},
                                            "Export": {"Name": "shared-RoleArn"}},
                                "Plain": {"Value": "not-exported"}}}
        importer = {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {
                        "LogGroupName": {"Fn::Sub": ["/x/${A}", {
                            "A": {"Fn::ImportValue": "shared-RoleArn"}}]}}}},
                    "Outputs": {"Got": {"Value": {"Fn::ImportValue": "shared-RoleArn"}}}}
        # importing before anything exports is an error naming the export
        e = self.assert_error(self.put("imp", importer), 400, "ValidationError",
                              "shared-RoleArn")
        self.assertEqual(self.get("imp").status, 404)
        r = self.put("exp", exporter)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["Outputs"], {
            "RoleArn": "arn:aws:dynamodb:us-east-1:123456789012:table/shared-role", "Plain": "not-exported"})
        r = self.put("imp", importer)
        self.assertEqual(r.status, 201, r.body)
        self.assertEqual(r.json()["Outputs"]["Got"], "arn:aws:dynamodb:us-east-1:123456789012:table/shared-role")
        self.assertEqual(r.json()["Resources"][0]["PhysicalId"],
                         "/x/arn:aws:dynamodb:us-east-1:123456789012:table/shared-role")
        # a second stack may not export the same name
        dup = dict(exporter, Resources={"Other": {"Type": "AWS::DynamoDB::Table"}},
                   Outputs={"X": {"Value": "v", "Export": {"Name": "shared-RoleArn"}}})
        e = self.assert_error(self.put("dup", dup), 409)
        self.assertIn("shared-RoleArn", e["message"])
        self.assertEqual(self.get("dup").status, 404)
        # the exporter may not change or drop an export that is imported
        before = self.state()
        changed = json.loads(json.dumps(exporter))
        changed["Outputs"]["RoleArn"]["Value"] = "another-value"
        self.assert_error(self.put("exp", changed), 409)
        dropped = {"Resources": exporter["Resources"]}
        self.assert_error(self.put("exp", dropped), 409)
        self.assertEqual(self.state(), before)
        # delete refused while imported
        e = self.assert_error(self.f.control("DELETE", "/stacks/exp"), 409)
        self.assertIn("shared-RoleArn", e["message"])
        self.assertEqual(self.get("exp").status, 200)
        self.assertEqual(self.state(), before)
        # the importer goes, then the exporter may
        r = self.f.control("DELETE", "/stacks/imp")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.get("imp").status, 404)
        r = self.f.control("DELETE", "/stacks/exp")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.get("exp").status, 404)
        self.assertEqual(self.f.control("GET", "/stacks").json(), {"Stacks": []})
        # and the export name is free again
        self.assertEqual(self.put("dup", dup).status, 201)

    def test_delete_unknown_and_get_unknown(self):
        e = self.assert_error(self.f.control("DELETE", "/stacks/nothere"), 404)
        self.assertIn("nothere", e["message"])
        self.assert_error(self.get("nothere"), 404)
        self.put("there", SIMPLE)
        self.assertEqual(self.f.control("DELETE", "/stacks/there").status, 200)
        self.assert_error(self.f.control("DELETE", "/stacks/there"), 404)


class Errors(Base):
    def test_invalid_stack_names(self):
        for name in ("1abc", "a_b", "-x", "a.b", "%C3%A9t%C3%A9"):
            with self.subTest(name=name):
                e = self.assert_error(self.put(name, SIMPLE), 400, "ValidationError",
                                      "Member must satisfy regular expression pattern")
        self.assert_error(self.put("a" * 129, SIMPLE), 400)
        self.assertEqual(self.put("a" * 128, SIMPLE).status, 201)
        self.assertEqual(self.put("A-9-z", SIMPLE).status, 201)
        self.assertEqual(sorted(s["Name"] for s in
                                self.f.control("GET", "/stacks").json()["Stacks"]),
                         ["A-9-z", "a" * 128])

    def test_yaml_syntax_errors_give_line_and_column(self):
        cases = [
            ("Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n"
             "      RoleName: a: b\n", 5, 18),
            ("Resources:\n  A:\n    Type: AWS::IAM::Role\n  A:\n    Type: AWS::IAM::Role\n",
             4, 3),
            ("Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n"
             "      RoleName: !Reff x\n", 5, 17),
        ]
        before = self.state()
        for text, line, col in cases:
            with self.subTest(text=text):
                for r in (self.put("y", text, {"Content-Type": "application/yaml"}),
                          self.put("y", {"Template": text})):
                    e = self.assert_error(r, 400, "ValidationError", "YAML not well-formed")
                    m = re.search(r"line (\d+), column (\d+)", e["message"])
                    self.assertIsNotNone(m, e["message"])
                    self.assertEqual((int(m.group(1)), int(m.group(2))), (line, col),
                                     e["message"])
        self.assertEqual(self.state(), before)

    def test_json_syntax_errors_give_line_and_column(self):
        cases = [('{\n  "Resources": {\n    "A": {"Type": tru}\n  }\n}', 3, 19),
                 ('{\n  "Resources": {\n    "A" {"Type": "X"}\n  }\n}', 3, 9),
                 ('{"Resources": {"A": {"Type": "X"}}} trailing', 1, 37)]
        before = self.state()
        for text, line, col in cases:
            with self.subTest(text=text):
                r = self.put("j", text, {"Content-Type": "application/json"})
                e = self.assert_error(r, 400, None, "JSON not well-formed")
                m = re.search(r"line (\d+), column (\d+)", e["message"])
                self.assertIsNotNone(m, e["message"])
                self.assertEqual((int(m.group(1)), int(m.group(2))), (line, col), e["message"])
        self.assertEqual(self.state(), before)

    def test_json_trailing_comma_column_points_at_bad_token(self):
        # `}` right after a comma in a nested object is at line 3, column 23
        text = '{\n  "Resources": {\n    "A": {"Type": "X",}\n  }\n}'
        e = self.assert_error(self.put("j", text, {"Content-Type": "application/json"}), 400)
        self.assertIn("(line 3, column 23)", e["message"])

    def test_unsupported_media_type(self):
        before = self.state()
        for ct in ("text/plain", "application/xml", "application/x-www-form-urlencoded"):
            with self.subTest(ct=ct):
                r = self.put("m", json.dumps(SIMPLE), {"Content-Type": ct})
                self.assert_error(r, 415, "UnsupportedMediaType")
        self.assertEqual(self.state(), before)

    def test_body_over_8_mib(self):
        base = json.dumps(SIMPLE).encode()
        exact = base + b" " * (8 * 1024 * 1024 - len(base))
        self.assertEqual(len(exact), 8 * 1024 * 1024)
        r = self.put("big", exact, {"Content-Type": "application/json"})
        self.assertEqual(r.status, 201, r.body[:300])
        before = self.state()
        r = self.put("big", exact + b" ", {"Content-Type": "application/json"})
        self.assert_error(r, 413)
        r = self.put("big2", exact + b" " * 1024, {"Content-Type": "application/json"})
        self.assert_error(r, 413)
        self.assertEqual(self.state(), before)
        self.assertEqual(self.get("big2").status, 404)

    def test_unknown_route_404_wrong_method_405(self):
        for method, path in (("GET", "/nope"), ("GET", "/stacks/a/b"), ("PUT", "/"),
                             ("GET", "/stackss")):
            with self.subTest(path=path):
                self.assert_error(self.f.control(method, path), 404)
        for method, path, allow in (("POST", "/stacks/x", {"GET", "PUT", "DELETE"}),
                                    ("PATCH", "/stacks/x", {"GET", "PUT", "DELETE"}),
                                    ("DELETE", "/stacks", {"GET"}),
                                    ("POST", "/clock", {"GET", "PUT"}),
                                    ("DELETE", "/state", {"GET", "PUT"}),
                                    ("PUT", "/health", {"GET"})):
            with self.subTest(method=method, path=path):
                r = self.f.control(method, path)
                self.assert_error(r, 405)
                got = {m.strip() for m in (r.header("Allow") or "").split(",")}
                self.assertEqual(got, allow)
        self.assertEqual(self.f.control("GET", "/stacks").json(), {"Stacks": []})

    def test_invalid_account_and_region(self):
        before = self.state()
        for acct in ("12", "12345678901a", "1234567890123", ""):
            with self.subTest(acct=acct):
                e = self.assert_error(self.put("acct", {"Template": SIMPLE, "Account": acct}),
                                      400, "ValidationError")
                self.assertEqual(e.get("property"), "Account")
        self.assert_error(self.put("acct", SIMPLE, query="?account=12"), 400)
        for region in ("nowhere", "US-EAST-1", "us-east-"):
            with self.subTest(region=region):
                self.assert_error(self.put("acct", {"Template": SIMPLE, "Region": region}), 400)
        self.assert_error(self.put("acct", {"Template": SIMPLE, "Account": 123456789012}), 400)
        self.assertEqual(self.state(), before)

    def test_bad_wrapper_and_query(self):
        before = self.state()
        self.assert_error(self.put("w", {"Template": SIMPLE, "Extra": 1}), 400)
        self.assert_error(self.put("w", {"Template": 5}), 400)
        self.assert_error(self.put("w", {"Template": SIMPLE, "Parameters": [1]}), 400)
        self.assert_error(self.put("w", SIMPLE, query="?bogus=1"), 400)
        self.assert_error(self.put("w", "[1, 2]", {"Content-Type": "application/json"}), 400)
        self.assert_error(self.put("w", "", {"Content-Type": "application/json"}), 400)
        self.assertEqual(self.state(), before)

    def test_template_errors_name_the_resource(self):
        r = self.put("t", {"Resources": {"A": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "TableName": {"Ref": "Ghost"}}}}})
        e = self.assert_error(r, 400, "ValidationError", "Ghost")
        self.assertEqual(e.get("resource"), "A")
        r = self.put("t", {"Resources": {
            "A": {"Type": "AWS::DynamoDB::Table", "DependsOn": "B"},
            "B": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": {"Ref": "A"}}}}})
        e = self.assert_error(r, 400, "ValidationError", "Circular dependency")
        self.assertIn("A", e["message"])
        self.assertIn("B", e["message"])
        r = self.put("t", {"Resources": {"A": {"Type": "AWS::DynamoDB::Table", "DependsOn": "Nope"}}})
        self.assert_error(r, 400, "ValidationError", "Nope")
        self.assertEqual(self.get("t").status, 404)


class AllOrNothing(Base):
    BAD_SELECT = {"TableName": {"Fn::Select": [5, ["a", "b"]]}}

    def test_create_whose_fifth_resource_fails_leaves_nothing(self):
        self.put("keep", SIMPLE)
        before = self.state()
        r = self.put("half", {"Resources": chain(5, self.BAD_SELECT)})
        e = self.assert_error(r, 400, "ValidationError")
        self.assertEqual(e.get("resource"), "R5")
        self.assertTrue(e.get("property", "").startswith("Resources.R5.Properties"), e)
        self.assertIn("TableName", e["property"])
        self.assertEqual(self.get("half").status, 404)
        self.assertEqual([s["Name"] for s in self.f.control("GET", "/stacks").json()["Stacks"]],
                         ["keep"])
        res = self.f.control("GET", "/resources").json()["Resources"]
        self.assertFalse([x for x in res if x["Stack"] == "half"], res)
        self.assertEqual(self.state(), before)

    def test_update_whose_fifth_resource_fails_keeps_previous_version(self):
        v1 = {"Resources": chain(5), "Outputs": {"V": {"Value": "one"}}}
        v1["Resources"]["R1"]["Properties"] = {"TableName": "v1-role"}
        self.assertEqual(self.put("upd", v1).status, 201)
        before_stack = self.get("upd").json()
        before = self.state()
        v2 = {"Resources": chain(5, self.BAD_SELECT), "Outputs": {"V": {"Value": "two"}}}
        v2["Resources"]["R1"]["Properties"] = {"TableName": "v2-role"}
        v2["Resources"]["Extra"] = {"Type": "AWS::SNS::Topic"}
        e = self.assert_error(self.put("upd", v2), 400)
        self.assertEqual(e.get("resource"), "R5")
        self.assertIn("Resources.R5.Properties", e.get("property", ""))
        self.assertEqual(self.get("upd").json(), before_stack)
        self.assertEqual(self.state(), before)
        self.assertEqual(before_stack["Outputs"], {"V": "one"})
        # and the same update without the fault goes through whole
        v2["Resources"]["R5"].pop("Properties")
        r = self.put("upd", v2)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["Outputs"], {"V": "two"})
        self.assertEqual(sorted(x["LogicalId"] for x in r.json()["Resources"]),
                         ["Extra", "R1", "R2", "R3", "R4", "R5"])

    def test_failing_output_fails_the_deployment(self):
        tpl = {"Resources": chain(3), "Outputs": {"Bad": {"Value": {"Fn::GetAtt": ["R9", "Arn"]}}}}
        e = self.assert_error(self.put("out", tpl), 400, "ValidationError", "R9")
        self.assertEqual(self.get("out").status, 404)


class PhysicalIds(unittest.TestCase):
    TPL = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"},
                         "Queue": {"Type": "AWS::SQS::Queue"},
                         "Named": {"Type": "AWS::DynamoDB::Table",
                                   "Properties": {"TableName": "my-fixed-role"}},
                         "Pinned": {"Type": "AWS::Logs::LogGroup",
                                    "Metadata": {"Frontgate": {"Id": "a1b2c3d4e5"}}}}}

    def ids(self, f, name, body=None):
        r = f.control("PUT", f"/stacks/{name}", body or self.TPL)
        assert r.status in (200, 201), r.body
        return {x["LogicalId"]: x["PhysicalId"] for x in r.json()["Resources"]}, r.json()

    def test_deterministic_across_instances(self):
        with Frontgate() as a, Frontgate() as b:
            ia, sa = self.ids(a, "det")
            ib, sb = self.ids(b, "det")
            self.assertEqual(ia, ib)
            self.assertEqual(sa.get("StackId"), sb.get("StackId"))
            # AWS-shaped: {stack}-{logical}-{13 upper-case alphanumerics}
            self.assertRegex(ia["Topic"], r"^det-Topic-[A-Z0-9]{13}$")
            self.assertRegex(ia["Queue"], r"^det-Queue-[A-Z0-9]{13}$")
            self.assertEqual(ia["Named"], "my-fixed-role")
            self.assertEqual(ia["Pinned"], "a1b2c3d4e5")
            # derived from the identity: another stack name or account gives other ids
            other, _ = self.ids(a, "det2")
            self.assertNotEqual(other["Topic"].split("-")[-1], ia["Topic"].split("-")[-1])
            acct, _ = self.ids(b, "det3", {"Template": self.TPL, "Account": "999999999999"})
            acct2, _ = self.ids(a, "det3")
            self.assertNotEqual(acct["Topic"], acct2["Topic"])
            # stable across an update of the same stack
            again, _ = self.ids(a, "det")
            self.assertEqual(again, ia)

    def test_update_renaming_a_resource_changes_its_physical_id(self):
        # TableName is a replacement property: CloudFormation replaces the role, and the new
        # role's name is the new TableName (Ref and Fn::GetAtt follow it).
        with Frontgate() as f:
            def tpl(name):
                return {"Resources": {"Role": {"Type": "AWS::DynamoDB::Table",
                                               "Properties": {"TableName": name}}},
                        "Outputs": {"Ref": {"Value": {"Ref": "Role"}},
                                    "Arn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]}}}}
            ids, view = self.ids(f, "ren", tpl("first-role"))
            self.assertEqual(ids["Role"], "first-role")
            ids, view = self.ids(f, "ren", tpl("second-role"))
            self.assertEqual(ids["Role"], "second-role")
            self.assertEqual(view["Outputs"], {
                "Ref": "second-role", "Arn": "arn:aws:dynamodb:us-east-1:123456789012:table/second-role"})

    def test_pinned_id_is_what_ref_returns(self):
        with Frontgate() as f:
            tpl = {"Resources": {"Api": {"Type": "AWS::DynamoDB::Table",
                                         "Metadata": {"Frontgate": {"Id": "pinned-123"}}}},
                   "Outputs": {"Ref": {"Value": {"Ref": "Api"}}}}
            ids, view = self.ids(f, "pin", tpl)
            self.assertEqual(ids["Api"], "pinned-123")
            self.assertEqual(view["Outputs"]["Ref"], "pinned-123")


if __name__ == "__main__":
    unittest.main()
