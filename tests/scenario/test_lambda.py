"""Lambda functions run without Docker (issue 4): AWS::Lambda::* deploy through the control
API with their ARNs and warnings, and inline Python / Node functions answer through an API
Gateway proxy method (the event keys of aws-behavior.md §3.1, a raise -> 502 with the error in
the trace), redeploys change the running code, and stopping frontgate leaves no worker."""
import json
import os
import shutil
import unittest

from fg import Frontgate

HAVE_NODE = shutil.which("node") is not None

TEMPLATE = """
Resources:
  EchoPy:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/lambda
      Timeout: 10
      Environment: { Variables: { LABEL: %(label)s } }
      Code:
        ZipFile: |
          import json, os
          def handler(event, context):
              if (event.get("queryStringParameters") or {}).get("do") == "raise":
                  print("about to fail")
                  raise ValueError("boom from python")
              return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                      "body": json.dumps({"event": event, "pid": os.getpid(),
                                          "label": os.environ["LABEL"],
                                          "request_id": context.aws_request_id})}
  EchoNode:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: echo-node
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/lambda
      Code:
        ZipFile: |
          exports.handler = async (event, context) => ({
            statusCode: 200,
            body: JSON.stringify({ path: event.path, fn: context.functionName, pid: process.pid }),
          });
  InS3:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/lambda
      Code: { S3Bucket: my-artifacts, S3Key: app.zip }
  Live:
    Type: AWS::Lambda::Alias
    Properties: { FunctionName: !Ref EchoPy, FunctionVersion: $LATEST, Name: live }
  Api:
    Type: AWS::ApiGateway::RestApi
    Metadata: { Frontgate: { Id: lam0000001 } }
    Properties: { Name: lambda-scenario }
  Py:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: py }
  PyProxy:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !Ref Py, PathPart: "{proxy+}" }
  PyAny:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref PyProxy
      HttpMethod: ANY
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Live}/invocations
  Node:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: node }
  NodeGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Node
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${EchoNode.Arn}/invocations
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Live
      Principal: apigateway.amazonaws.com
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [PyAny, NodeGet]
    Properties: { RestApiId: !Ref Api }
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: { RestApiId: !Ref Api, DeploymentId: !Ref Deployment, StageName: dev }
"""

HOST = "lam0000001.execute-api.us-east-1.amazonaws.com"

# aws-behavior.md §3.1: the top-level keys of a payload 1.0 proxy event
EVENT_KEYS = {"resource", "path", "httpMethod", "headers", "multiValueHeaders",
              "queryStringParameters", "multiValueQueryStringParameters", "pathParameters",
              "stageVariables", "requestContext", "body", "isBase64Encoded"}


def deploy(f, label="one", expect=(200, 201)):
    r = f.control("PUT", "/stacks/lam", TEMPLATE % {"label": label},
                  {"Content-Type": "application/yaml"})
    if r.status not in expect:
        raise AssertionError(f"deploy: {r.status} {r.body!r}")
    return r


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as s:
            return s.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


class LambdaScenario(unittest.TestCase):
    def setUp(self):
        self.f = Frontgate()
        self.addCleanup(self.f.stop)
        deploy(self.f)

    def test_stack_lists_functions_with_arns_and_warnings(self):
        doc = self.f.control("GET", "/stacks/lam").json()
        res = {r["LogicalId"]: r for r in doc["Resources"]}
        self.assertTrue(res["EchoPy"]["Emulated"])
        name = res["EchoPy"]["PhysicalId"]
        self.assertTrue(name.startswith("lam-EchoPy-") and len(name) <= 64, name)
        self.assertEqual(res["EchoPy"]["Attributes"]["Arn"],
                         f"arn:aws:lambda:us-east-1:123456789012:function:{name}")
        self.assertEqual(res["EchoNode"]["PhysicalId"], "echo-node")
        self.assertEqual(res["Live"]["PhysicalId"],
                         f"arn:aws:lambda:us-east-1:123456789012:function:{name}:live")
        s3 = res["InS3"]["PhysicalId"]
        warnings = "\n".join(doc["Warnings"])
        self.assertIn(f"Resources.InS3: function {s3} is not emulated: code in S3 / container "
                      "images cannot be run", warnings)
        self.assertNotIn("Resources.EchoPy", warnings)

    def test_validation_error_wording(self):
        bad = {"Resources": {"EchoPy": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "Role": "r", "Timeout": 901,
            "Code": {"ZipFile": "def handler(e, c): return e"}}}}}
        r = self.f.control("PUT", "/stacks/bad", {"Template": bad})
        self.assertEqual(r.status, 400, r.body)
        err = r.json()["error"]
        self.assertIn("Value '901' at 'timeout' failed to satisfy constraint: Member must have "
                      "value less than or equal to 900", err["message"])
        self.assertEqual(err["resource"], "EchoPy")
        self.assertEqual(err["property"], "Resources.EchoPy.Properties.Timeout")

    def test_python_echo_event_keys_and_warm_worker(self):
        r = self.f.http("GET", "/dev/py/a/b?x=1", HOST)
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(set(body["event"].keys()), EVENT_KEYS)
        self.assertEqual(body["event"]["path"], "/py/a/b")
        self.assertEqual(body["event"]["queryStringParameters"], {"x": "1"})
        self.assertEqual(body["label"], "one")
        again = self.f.http("GET", "/dev/py/c", HOST).json()
        self.assertEqual(again["pid"], body["pid"], "the warm worker serves the next request")
        self.assertNotEqual(again["request_id"], body["request_id"])

    def test_python_raise_is_502_with_the_error_in_the_trace(self):
        r = self.f.http("GET", "/dev/py/x?do=raise", HOST)
        self.assertEqual(r.status, 502)
        self.assertEqual(r.body, b'{"message": "Internal server error"}')
        rid = r.header("x-amzn-RequestId")
        trace = self.f.control("GET", f"/requests/{rid}").body.decode()
        self.assertIn("ValueError", trace)
        self.assertIn("boom from python", trace)
        self.assertIn("about to fail", trace)
        ok = self.f.http("GET", "/dev/py/x", HOST)
        self.assertEqual(ok.status, 200, "the next request is served")

    @unittest.skipUnless(HAVE_NODE, "node is not installed")
    def test_node_function(self):
        r = self.f.http("GET", "/dev/node", HOST)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["path"], "/node")
        self.assertEqual(r.json()["fn"], "echo-node")

    def test_redeploy_runs_the_new_code_and_stop_leaves_no_worker(self):
        first = self.f.http("GET", "/dev/py/x", HOST).json()
        deploy(self.f, label="two")
        second = self.f.http("GET", "/dev/py/x", HOST).json()
        self.assertEqual(second["label"], "two")
        self.assertNotEqual(second["pid"], first["pid"])
        self.assertFalse(pid_alive(first["pid"]), "the old worker was stopped")
        self.assertTrue(pid_alive(second["pid"]))
        self.f.stop()
        self.assertFalse(pid_alive(second["pid"]), "stopping frontgate stops its workers")


if __name__ == "__main__":
    unittest.main()
