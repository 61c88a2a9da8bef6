/* Unit tests for the Lambda control plane and lookup: validation wording, physical ids and
 * ARNs of functions, aliases, versions and permissions, the not-emulated warning, canned
 * responses (Metadata.Frontgate.Response), and every form of reference the invoker accepts. */
#include "harness.h"

static const char *attr(const cJSON *doc, const char *id, const char *key)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "Resources")) {
		if (strcmp(cJSON_GetObjectItem(r, "LogicalId")->valuestring, id) != 0)
			continue;
		if (strcmp(key, "PhysicalId") == 0)
			return cJSON_GetObjectItem(r, "PhysicalId")->valuestring;
		r = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "Attributes"), key);
		return cJSON_IsString(r) ? r->valuestring : NULL;
	}
	return NULL;
}

/* Deploys a function with these Properties lines (Role and Code added unless given). */
static int deploy_props(struct h *h, const char *props, struct fg_err *e)
{
	char yaml[4096];

	snprintf(yaml, sizeof(yaml), "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
		 "    Properties:\n%s", props);
	return h_deploy(h, "val", yaml, e);
}

#define ROLE "      Role: arn:aws:iam::123456789012:role/r\n"
#define ZIP "      Code: { ZipFile: 'def handler(e, c): return e' }\n"
#define PY "      Runtime: python3.12\n      Handler: index.handler\n"

static void test_validation(void)
{
	struct h h;
	struct fg_err e;

	h_init(&h, 2);
	ok(deploy_props(&h, PY ROLE, &e) != 0 && strcmp(e.message, "Properties validation failed "
		"for resource Fn with message: #: required key [Code] not found") == 0 &&
	   e.status == 400 && strcmp(e.resource, "Fn") == 0, "Code is required: %s", e.message);
	ok(deploy_props(&h, PY ZIP, &e) != 0 &&
	   strstr(e.message, "#: required key [Role] not found") != NULL, "Role is required");
	ok(deploy_props(&h, PY ROLE "      Code: { S3Bucket: b }\n", &e) != 0 &&
	   strstr(e.message, "#/Code: required key [S3Key] not found") != NULL,
	   "S3 code needs a key: %s", e.message);
	ok(deploy_props(&h, PY ROLE "      Code: {}\n", &e) != 0 &&
	   strstr(e.message, "Please provide a source for function code.") != NULL,
	   "empty Code: %s", e.message);
	ok(deploy_props(&h, "      Handler: index.handler\n" ROLE ZIP, &e) != 0 &&
	   strstr(e.message, "Runtime and Handler are mandatory parameters for functions created "
		  "with deployment packages.") != NULL &&
	   strstr(e.message, "Resource handler returned message: \"") == e.message,
	   "zip code needs a runtime: %s", e.message);
	ok(deploy_props(&h, PY ROLE ZIP "      Timeout: 0\n", &e) != 0 &&
	   strstr(e.message, "#/Timeout: 0 is not greater or equal to 1") != NULL &&
	   strcmp(e.property, "Resources.Fn.Properties.Timeout") == 0,
	   "Timeout 0: %s at %s", e.message, e.property);
	ok(deploy_props(&h, PY ROLE ZIP "      Timeout: 901\n", &e) != 0 &&
	   strstr(e.message, "Value '901' at 'timeout' failed to satisfy constraint: Member must "
		  "have value less than or equal to 900") != NULL, "Timeout 901: %s", e.message);
	ok(deploy_props(&h, PY ROLE ZIP "      Timeout: soon\n", &e) != 0 &&
	   strstr(e.message, "#/Timeout: expected type: Integer, found: String") != NULL,
	   "Timeout must be an integer: %s", e.message);
	ok(deploy_props(&h, PY ROLE ZIP "      Timeout: '900'\n      MemorySize: 10240\n", &e) == 0,
	   "Timeout 900 (as a string) and MemorySize 10240 are fine: %s", e.message);
	ok(deploy_props(&h, PY ROLE ZIP "      MemorySize: 127\n", &e) != 0 &&
	   strstr(e.message, "#/MemorySize: 127 is not greater or equal to 128") != NULL,
	   "MemorySize 127: %s", e.message);
	ok(deploy_props(&h, PY ROLE ZIP "      MemorySize: 10241\n", &e) != 0 &&
	   strstr(e.message, "#/MemorySize: 10241 is not less or equal to 10240") != NULL,
	   "MemorySize 10241: %s", e.message);
	ok(deploy_props(&h, "      Runtime: python9\n      Handler: index.handler\n" ROLE ZIP,
			&e) != 0 &&
	   strstr(e.message, "Value 'python9' at 'runtime' failed to satisfy constraint: Member "
		  "must satisfy enum value set: [nodejs, ") != NULL, "unknown runtime: %.200s",
	   e.message);
	ok(deploy_props(&h, "      Runtime: python2.7\n      Handler: index.handler\n" ROLE ZIP,
			&e) != 0 &&
	   strstr(e.message, "The runtime parameter of python2.7 is no longer supported for "
		  "creating or updating AWS Lambda functions.") != NULL, "retired runtime: %s",
	   e.message);
	ok(deploy_props(&h, PY ROLE ZIP "      Environment: { Variables: { AWS_REGION: x } }\n",
			&e) != 0 &&
	   strstr(e.message, "contains reserved keys that are currently not supported for "
		  "modification. Reserved keys used in this request: AWS_REGION") != NULL,
	   "reserved environment variable: %s", e.message);
	ok(deploy_props(&h, PY ROLE ZIP "      Environment: { Variables: { V: x } }\n", &e) != 0 &&
	   strstr(e.message, "#/Environment/Variables: extraneous key [V] is not permitted") != NULL,
	   "variable names have two characters at least: %s", e.message);
	ok(deploy_props(&h, PY ROLE ZIP "      FunctionName: 'has space'\n", &e) != 0 &&
	   strstr(e.message, "at 'functionName' failed to satisfy constraint") != NULL,
	   "function name pattern: %s", e.message);
	ok(h_deploy(&h, "val", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
		    "    Metadata: { Frontgate: { Command: [] } }\n    Properties:\n" PY ROLE ZIP,
		    &e) != 0 && strstr(e.message, "Metadata.Frontgate.Command must be a non-empty "
				       "list of strings") != NULL,
	   "a Command must be an argv list: %s", e.message);
	ok(h_deploy(&h, "val", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
		    "    Metadata: { Frontgate: { InvokeUrl: 'ftp://x' } }\n    Properties:\n"
		    PY ROLE ZIP, &e) != 0 && strstr(e.message, "InvokeUrl must be an http") != NULL,
	   "an InvokeUrl must be http(s): %s", e.message);
	ok(deploy_props(&h, "      PackageType: Image\n" ROLE
			"      Code: { ImageUri: '1.dkr.ecr.us-east-1.amazonaws.com/x:1' }\n",
			&e) == 0, "an image function needs no runtime: %s", e.message);
	h_fini(&h);
}

static void test_names(void)
{
	struct h h;
	struct fg_err e;
	const char *name;

	h_init(&h, 2);
	ok(deploy_props(&h, PY ROLE ZIP "      FunctionName: my-fn\n", &e) == 0, "deploy");
	is_str(attr(h.doc, "Fn", "PhysicalId"), "my-fn", "FunctionName names the function");
	is_str(attr(h.doc, "Fn", "Arn"), "arn:aws:lambda:us-east-1:123456789012:function:my-fn",
	       "its Arn");
	ok(h_deploy(&h, "a-stack-with-a-rather-long-name-indeed",
		    "Resources:\n  AFunctionWithAVeryLongLogicalIdToo:\n"
		    "    Type: AWS::Lambda::Function\n    Properties:\n" PY ROLE ZIP, &e) == 0,
	   "deploy a generated name");
	name = attr(h.doc, "AFunctionWithAVeryLongLogicalIdToo", "PhysicalId");
	ok(name != NULL && strlen(name) <= 64 && strncmp(name, "a-stack-with-a-rather-lo-", 25) == 0 &&
	   strstr(name, "-AFunctionWith") != NULL, "generated name within 64 characters: %s",
	   name);
	ok(h_deploy(&h, "other", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
		    "    Properties:\n" PY ROLE ZIP "      FunctionName: my-fn\n", &e) != 0 &&
	   e.status == 409 && strstr(e.message, "my-fn already exists in stack") != NULL,
	   "a name is unique per account and region: %s", e.message);
	h_fini(&h);
}

static const char *const quals_yaml =
	"Resources:\n"
	"  Fn:\n"
	"    Type: AWS::Lambda::Function\n"
	"    Metadata: { Frontgate: { Response: { statusCode: 200, body: canned } } }\n"
	"    Properties:\n" PY ROLE ZIP "      FunctionName: canned\n"
	"  V1:\n"
	"    Type: AWS::Lambda::Version\n"
	"    Properties: { FunctionName: !Ref Fn }\n"
	"  V2:\n"
	"    Type: AWS::Lambda::Version\n"
	"    DependsOn: V1\n"
	"    Properties: { FunctionName: !GetAtt Fn.Arn }\n"
	"  Live:\n"
	"    Type: AWS::Lambda::Alias\n"
	"    Properties: { FunctionName: !Ref Fn, FunctionVersion: !GetAtt V2.Version, Name: live }\n"
	"  Perm:\n"
	"    Type: AWS::Lambda::Permission\n"
	"    Properties: { Action: 'lambda:InvokeFunction', FunctionName: !Ref Live,\n"
	"                  Principal: apigateway.amazonaws.com }\n"
	"  S3Fn:\n"
	"    Type: AWS::Lambda::Function\n"
	"    Properties:\n" PY ROLE "      Code: { S3Bucket: b, S3Key: k.zip }\n"
	"      FunctionName: in-s3\n"
	"Outputs:\n"
	"  AliasRef: { Value: !Ref Live }\n"
	"  VersionRef: { Value: !Ref V2 }\n";

static void test_qualifiers(void)
{
	struct h h;
	struct fg_err e;
	struct fg_invoke_result r;
	char *warnings;
	const char *arn = "arn:aws:lambda:us-east-1:123456789012:function:canned";
	static const char *const good[] = {
		"canned", "canned:$LATEST", "canned:live", "canned:1", "canned:2",
		"123456789012:function:canned", "123456789012:function:canned:live",
		"arn:aws:lambda:us-east-1:123456789012:function:canned",
		"arn:aws:lambda:us-east-1:123456789012:function:canned:live",
		"arn:aws:lambda:us-east-1:123456789012:function:canned:2",
		"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
		"arn:aws:lambda:us-east-1:123456789012:function:canned/invocations",
		"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
		"arn:aws:lambda:us-east-1:123456789012:function:canned:live/invocations",
	};
	static const char *const bad[] = {
		"nope", "canned:prod", "canned:3", "canned:", "",
		"arn:aws:lambda:eu-west-1:123456789012:function:canned",
		"arn:aws:lambda:us-east-1:999999999999:function:canned",
		"999999999999:function:canned", "arn:aws:sqs:us-east-1:123456789012:canned",
		"a:b:c:d:e:f:g:h:i:j",
	};

	h_init(&h, 2);
	ok(h_deploy(&h, "q", quals_yaml, &e) == 0, "deploy versions, alias, permission: %s",
	   e.message);
	is_str(attr(h.doc, "V1", "Version"), "1", "first version is 1");
	is_str(attr(h.doc, "V2", "Version"), "2", "second version is 2");
	is_str(attr(h.doc, "V2", "Arn"), "arn:aws:lambda:us-east-1:123456789012:function:canned:2",
	       "version Arn");
	is_str(attr(h.doc, "Live", "Arn"),
	       "arn:aws:lambda:us-east-1:123456789012:function:canned:live", "alias Arn");
	is_str(cJSON_GetObjectItem(cJSON_GetObjectItem(h.doc, "Outputs"), "AliasRef")->valuestring,
	       "arn:aws:lambda:us-east-1:123456789012:function:canned:live",
	       "Ref of an alias is its ARN");
	ok(strncmp(attr(h.doc, "Perm", "PhysicalId"), "q-Perm-", 7) == 0, "permission id");
	warnings = cJSON_PrintUnformatted(cJSON_GetObjectItem(h.doc, "Warnings"));
	ok(strstr(warnings, "Resources.S3Fn: function in-s3 is not emulated: code in S3 / "
		  "container images cannot be run") != NULL, "S3 code: a warning naming the "
	   "function: %s", warnings);
	ok(strstr(warnings, "Resources.Fn") == NULL, "no warning for a runnable function");
	ok(strstr(warnings, "Resources.Perm: AWS::Lambda::Permission is accepted and stored; "
		  "frontgate does not enforce Lambda resource policies") != NULL,
	   "a permission deploys with a warning that policies are not enforced");
	free(warnings);

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		h_invoke(&h, good[i], "{}", &r);
		ok(r.status == FG_INVOKE_OK && strcmp(r.payload, "{\"statusCode\":200,\"body\":"
						      "\"canned\"}") == 0 &&
		   strlen(r.request_id) == 36, "'%.60s...' finds the function: %s", good[i],
		   h_status(r.status));
		fg_invoke_result_free(&r);
	}
	{
		const struct fg_invoker *inv = lambda_invoker(h.l);

		ok(inv->reads_event != NULL && !inv->reads_event(inv->self, h.w, good[10]),
		   "a canned function does not read its event (API Gateway skips building it)");
		ok(inv->reads_event(inv->self, h.w, "in-s3"), "any other function reads it");
		ok(inv->reads_event(inv->self, h.w, "nope"), "so does one that is not found");
		h_invoke(&h, "canned", NULL, &r);
		ok(r.status == FG_INVOKE_OK && r.payload != NULL, "a canned function answers "
		   "without an event");
		fg_invoke_result_free(&r);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h_invoke(&h, bad[i], "{}", &r);
		ok(r.status == FG_INVOKE_NO_FUNCTION && r.detail != NULL &&
		   strncmp(r.detail, "Function not found: ", 20) == 0, "'%s' finds nothing: %s",
		   bad[i], h_status(r.status));
		fg_invoke_result_free(&r);
	}
	h_invoke(&h, "in-s3", "{}", &r);
	ok(r.status == FG_INVOKE_NOT_EMULATED && r.detail != NULL &&
	   strstr(r.detail, "function in-s3 is not emulated: code in S3") != NULL,
	   "invoking S3 code: not emulated, with the reason: %s", r.detail);
	fg_invoke_result_free(&r);

	/* a redeploy keeps published versions and numbers new ones after them */
	ok(h_deploy(&h, "q", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
		    "    Metadata: { Frontgate: { Response: null } }\n    Properties:\n" PY ROLE ZIP
		    "      FunctionName: canned\n  V2:\n    Type: AWS::Lambda::Version\n"
		    "    Properties: { FunctionName: !Ref Fn }\n  V3:\n"
		    "    Type: AWS::Lambda::Version\n    Properties: { FunctionName: !Ref Fn }\n",
		    &e) == 0, "redeploy: %s", e.message);
	is_str(attr(h.doc, "V2", "Version"), "2", "a published version keeps its number");
	is_str(attr(h.doc, "V3", "Version"), "3", "a new version gets the next number");
	h_invoke(&h, arn, "{}", &r);
	ok(r.status == FG_INVOKE_OK && strcmp(r.payload, "null") == 0,
	   "Response: null is a result too");
	fg_invoke_result_free(&r);
	h_invoke(&h, "canned:live", "{}", &r);
	is_int(r.status, FG_INVOKE_NO_FUNCTION, "the removed alias is gone");
	fg_invoke_result_free(&r);
	h_fini(&h);
}

/* Two instances in one process see only their own functions. */
static void test_two_instances(void)
{
	struct h a, b;
	struct fg_err e;
	struct fg_invoke_result r;

	h_init(&a, 2);
	h_init(&b, 2);
	ok(deploy_props(&a, PY ROLE ZIP "      FunctionName: only-in-a\n", &e) == 0, "deploy in a");
	h_invoke(&b, "only-in-a", "{}", &r);
	is_int(r.status, FG_INVOKE_NO_FUNCTION, "b does not see a's function");
	fg_invoke_result_free(&r);
	h_invoke(&a, "only-in-a", "{}", &r);
	ok(r.status != FG_INVOKE_NO_FUNCTION, "a does");
	fg_invoke_result_free(&r);
	h_fini(&a);
	h_fini(&b);
}

int main(void)
{
	test_validation();
	test_names();
	test_qualifiers();
	test_two_instances();
	return tap_done();
}
