/*
 * Unit tests for apigw_types.c: the AWS::ApiGateway::* types deployed through the real
 * deployer (stack_deploy) — ids and attributes, AWS's validation messages wrapped the way
 * CloudFormation reports handler failures, and the Deployment snapshot (a stage serves the
 * API as it was when its Deployment was created; aws-behavior.md §1, issue 3 "Resource
 * types"). Templates are JSON with single quotes.
 */
#include "apigw/apigw_priv.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>

static const struct stack_defaults def = { "123456789012", "us-east-1" };

struct fx {
	struct apigw *a;
	struct stack_registry *reg;
	struct stack_world *w;
	struct fg_err err;
	cJSON *doc;
};

#include "json.h"

static void fx_init(struct fx *f)
{
	struct apigw_deps d = { 0 };

	memset(f, 0, sizeof(*f));
	f->a = apigw_new(&d);
	f->reg = stack_registry_new();
	apigw_register_types(f->a, f->reg);
	f->w = stack_world_new(NULL);
}

static void fx_fini(struct fx *f)
{
	cJSON_Delete(f->doc);
	stack_world_rel(&f->w);
	stack_registry_destroy(&f->reg);
	apigw_destroy(&f->a);
}

static int deploy(struct fx *f, const char *name, const char *tpl)
{
	cJSON *t = J(tpl);
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .template = t, .now_ms = 1000 };
	bool created;
	int rc;

	cJSON_Delete(f->doc);
	f->doc = NULL;
	fg_err_clear(&f->err);
	rc = stack_deploy(f->reg, &def, f->w, &req, &f->doc, &next, &created, &f->err);
	if (rc == 0) {
		stack_world_rel(&f->w);
		f->w = next;
	}
	cJSON_Delete(t);
	return rc;
}

static const cJSON *res(const struct fx *f, const char *id)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(f->doc, "Resources"))
		if (strcmp(cJSON_GetObjectItem(r, "LogicalId")->valuestring, id) == 0)
			return r;
	return NULL;
}

static const char *phys(const struct fx *f, const char *id)
{
	const cJSON *r = res(f, id);

	return r ? cJSON_GetObjectItem(r, "PhysicalId")->valuestring : "(none)";
}

static const char *attr(const struct fx *f, const char *id, const char *a)
{
	const cJSON *r = res(f, id);
	const cJSON *v = r ? cJSON_GetObjectItem(cJSON_GetObjectItem(r, "Attributes"), a) : NULL;

	return cJSON_IsString(v) ? v->valuestring : "(none)";
}

static bool lower_alnum(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789") == n;
}

/* The API, a resource, a method and a deployment with a stage: the usual shape. */
#define API "'Api':{'Type':'AWS::ApiGateway::RestApi','Properties':{'Name':'n'}}"
#define RES(id, parent, part) \
	"'" id "':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'Api'}," \
	"'ParentId':" parent ",'PathPart':'" part "'}}"
#define ROOT "{'Fn::GetAtt':['Api','RootResourceId']}"
#define METHOD(id, res, verb, integ) \
	"'" id "':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'}," \
	"'ResourceId':" res ",'HttpMethod':'" verb "','AuthorizationType':'NONE'," \
	"'Integration':" integ "}}"
#define MOCKI "{'Type':'MOCK','RequestTemplates':{'application/json':'{\\'statusCode\\': 200}'}}"

static void test_ids(void)
{
	struct fx f;
	char first[64];

	fx_init(&f);
	ok(deploy(&f, "ids", "{'Resources':{" API "," RES("R", ROOT, "pets") ","
		  METHOD("M", "{'Ref':'R'}", "GET", MOCKI) ","
		  "'D':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['M'],"
		  "'Properties':{'RestApiId':{'Ref':'Api'},'StageName':'dev'}}}}") == 0,
	   "deploy: %s", f.err.message);
	ok(lower_alnum(phys(&f, "Api"), 10), "RestApi id: 10 lowercase alphanumerics (%s)",
	   phys(&f, "Api"));
	is_str(attr(&f, "Api", "RestApiId"), phys(&f, "Api"), "attribute RestApiId");
	ok(lower_alnum(attr(&f, "Api", "RootResourceId"), 10), "RootResourceId: 10 chars (%s)",
	   attr(&f, "Api", "RootResourceId"));
	ok(lower_alnum(phys(&f, "R"), 6), "Resource id: 6 chars (%s)", phys(&f, "R"));
	is_str(attr(&f, "R", "ResourceId"), phys(&f, "R"), "attribute ResourceId");
	ok(lower_alnum(phys(&f, "D"), 6), "Deployment id: 6 chars (%s)", phys(&f, "D"));
	ok(cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetObjectItem(res(&f, "D"), "State"),
					      "Snapshot")), "the Deployment keeps a snapshot");
	snprintf(first, sizeof(first), "%s", phys(&f, "Api"));
	fx_fini(&f);
	fx_init(&f);
	deploy(&f, "ids", "{'Resources':{" API "," RES("R", ROOT, "pets") ","
	       METHOD("M", "{'Ref':'R'}", "GET", MOCKI) "}}");
	is_str(phys(&f, "Api"), first, "ids are deterministic from run to run");
	fx_fini(&f);
	fx_init(&f);
	ok(deploy(&f, "pin", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi',"
		  "'Metadata':{'Frontgate':{'Id':'a1b2c3d4e5'}},'Properties':{'Name':'n'}}}}") == 0,
	   "pinned id");
	is_str(phys(&f, "Api"), "a1b2c3d4e5", "Metadata.Frontgate.Id pins the API id");
	ok(deploy(&f, "pin2", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi',"
		  "'Metadata':{'Frontgate':{'Id':'Not-A-Host'}},'Properties':{'Name':'n'}}}}") != 0 &&
	   strstr(f.err.message, "lowercase letters and digits") != NULL,
	   "a pinned id that cannot be a host label is refused: %s", f.err.message);
	fx_fini(&f);
}

static void expect_err(struct fx *f, const char *tpl, const char *want, const char *prop,
		       const char *what)
{
	int rc = deploy(f, "bad", tpl);

	ok(rc != 0 && strstr(f->err.message, want) != NULL, "%s: %s", what, f->err.message);
	if (prop != NULL)
		is_str(f->err.property, prop, "%s: the error names the property", what);
}

static void test_validation(void)
{
	struct fx f;

	fx_init(&f);
	expect_err(&f, "{'Resources':{" API "," RES("P", ROOT, "{proxy+}") ","
		   RES("C", "{'Ref':'P'}", "child") "}}",
		   "Resource handler returned message: \"Cannot create a child of a resource "
		   "with a greedy path variable: {proxy+} (Service: ApiGateway, Status Code: 400)\" "
		   "(HandlerErrorCode: InvalidRequest)", "Resources.C.Properties.ParentId",
		   "issue 3 / §1.4: a child under {proxy+}");
	expect_err(&f, "{'Resources':{" API "," RES("P", ROOT, "a b") "}}",
		   "Resource's path part only allow a-zA-Z0-9._- and curly braces at the "
		   "beginning and the end and an optional plus sign before the closing brace.",
		   "Resources.P.Properties.PathPart", "invalid PathPart");
	expect_err(&f, "{'Resources':{" API "," RES("P", ROOT, "{x}y") "}}",
		   "Resource's path part only allow", NULL, "braces in the middle");
	expect_err(&f, "{'Resources':{" API "," RES("P", ROOT, "{a}") "," RES("Q", ROOT, "{b}") "}}",
		   "A sibling ({a}) of this resource already has a variable path part -- only one "
		   "is allowed", NULL, "two variable siblings");
	expect_err(&f, "{'Resources':{" API "," RES("P", ROOT, "x") "," RES("Q", ROOT, "x") "}}",
		   "Another resource with the same parent already has this name: x", NULL,
		   "two siblings with one name");
	expect_err(&f, "{'Resources':{" API "," RES("P", "'nope00'", "x") "}}",
		   "Invalid Resource identifier specified", NULL, "unknown parent");
	expect_err(&f, "{'Resources':{'P':{'Type':'AWS::ApiGateway::Resource','Properties':"
		   "{'RestApiId':'abcdefghij','ParentId':'x','PathPart':'x'}}}}",
		   "Invalid API identifier specified 123456789012:abcdefghij", NULL,
		   "unknown RestApiId");
	expect_err(&f, "{'Resources':{'P':{'Type':'AWS::ApiGateway::Resource','Properties':"
		   "{'RestApiId':'abcdefghij','ParentId':'x'}}}}",
		   "Properties validation failed for resource P with message: #: required key "
		   "[PathPart] not found", NULL, "missing PathPart");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "FETCH", MOCKI) "}}",
		   "Invalid HttpMethod specified. Valid options are "
		   "GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY", NULL, "bad HttpMethod");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET",
		   "{'Type':'HTTP_PROXY','IntegrationHttpMethod':'GET','Uri':'http://x/',"
		   "'TimeoutInMillis':29001}") "}}",
		   "Timeout should be between 50 ms and 29000 ms",
		   "Resources.M.Properties.Integration.TimeoutInMillis", "TimeoutInMillis 29001");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET",
		   "{'Type':'HTTP_PROXY','IntegrationHttpMethod':'GET','Uri':'http://x/',"
		   "'TimeoutInMillis':'49'}") "}}",
		   "Timeout should be between 50 ms and 29000 ms", NULL, "TimeoutInMillis 49");
	ok(deploy(&f, "ok", "{'Resources':{" API "," METHOD("M", ROOT, "GET",
		  "{'Type':'HTTP_PROXY','IntegrationHttpMethod':'GET','Uri':'http://x/',"
		  "'TimeoutInMillis':50}") "}}") == 0, "TimeoutInMillis 50 is fine: %s",
	   f.err.message);
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET",
		   "{'Type':'HTTP','Uri':'http://x/'}") "}}",
		   "Enumeration value for HttpMethod must be non-empty", NULL,
		   "HTTP without IntegrationHttpMethod");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET",
		   "{'Type':'HTTP','IntegrationHttpMethod':'GET','Uri':'ftp://x'}") "}}",
		   "Invalid HTTP endpoint specified for URI", NULL, "HTTP with a bad Uri");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET",
		   "{'Type':'AWS_PROXY','IntegrationHttpMethod':'POST','Uri':'my-function'}") "}}",
		   "Invalid ARN specified in the request", NULL, "AWS_PROXY with a bare name");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET",
		   "{'Type':'AWS_PROXY','IntegrationHttpMethod':'POST','Uri':"
		   "'arn:aws:apigateway:us-east-1:s3:path/b/k'}") "}}",
		   "Integrations of type 'AWS_PROXY' currently only supports Lambda function",
		   NULL, "AWS_PROXY to S3");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET", "{'Type':'LAMBDA'}") "}}",
		   "#/Integration/Type: LAMBDA is not a valid enum value", NULL,
		   "unknown integration type");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET", MOCKI) ","
		   METHOD("N", ROOT, "GET", MOCKI) "}}",
		   "Method already exists for this resource", NULL, "a method twice");
	expect_err(&f, "{'Resources':{" API ",'D':{'Type':'AWS::ApiGateway::Deployment',"
		   "'Properties':{'RestApiId':{'Ref':'Api'}}}}}",
		   "The REST API doesn't contain any methods", NULL, "a deployment of an empty API");
	expect_err(&f, "{'Resources':{" API ",'M':{'Type':'AWS::ApiGateway::Method','Properties':"
		   "{'RestApiId':{'Ref':'Api'},'ResourceId':" ROOT ",'HttpMethod':'GET'}},"
		   "'D':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['M'],"
		   "'Properties':{'RestApiId':{'Ref':'Api'}}}}}",
		   "No integration defined for method", NULL, "a method without integration");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET", MOCKI) ","
		   "'D':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['M'],"
		   "'Properties':{'RestApiId':{'Ref':'Api'},'StageName':'bad stage'}}}}",
		   "Stage name only allows a-zA-Z0-9_", NULL, "a bad stage name");
	expect_err(&f, "{'Resources':{" API "," METHOD("M", ROOT, "GET", MOCKI) ","
		   "'D':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['M'],"
		   "'Properties':{'RestApiId':{'Ref':'Api'},'StageName':'dev'}},"
		   "'S':{'Type':'AWS::ApiGateway::Stage','Properties':{'RestApiId':{'Ref':'Api'},"
		   "'DeploymentId':{'Ref':'D'},'StageName':'dev'}}}}",
		   "Stage already exists", NULL, "a stage twice");
	expect_err(&f, "{'Resources':{" API ",'S':{'Type':'AWS::ApiGateway::Stage','Properties':"
		   "{'RestApiId':{'Ref':'Api'},'DeploymentId':'zzzzzz','StageName':'dev'}}}}",
		   "Invalid Deployment identifier specified", NULL, "a stage of no deployment");
	expect_err(&f, "{'Resources':{" API ",'G':{'Type':'AWS::ApiGateway::GatewayResponse',"
		   "'Properties':{'RestApiId':{'Ref':'Api'},'ResponseType':'NOPE'}}}}",
		   "#/ResponseType: NOPE is not a valid enum value", NULL, "bad ResponseType");
	expect_err(&f, "{'Resources':{" API ",'G':{'Type':'AWS::ApiGateway::GatewayResponse',"
		   "'Properties':{'RestApiId':{'Ref':'Api'},'ResponseType':'DEFAULT_4XX',"
		   "'ResponseParameters':{'method.response.header.x':'\\'y\\''}}}}}",
		   "Invalid mapping expression specified", NULL, "gateway response parameter");
	fx_fini(&f);
}

static const cJSON *snapshot_of(const struct fx *f, const char *id)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(res(f, id), "State"), "Snapshot");
}

/* A stage serves its deployment's snapshot; changing a method without a new Deployment
 * changes nothing, a new Deployment (new logical id) does. */
static void test_snapshot(void)
{
	struct fx f;
	char dep1[16], *before;
	const cJSON *m;

	fx_init(&f);
	ok(deploy(&f, "snap", "{'Resources':{" API "," RES("R", ROOT, "pets") ","
		  METHOD("M", "{'Ref':'R'}", "GET", MOCKI) ","
		  "'D':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['M'],"
		  "'Properties':{'RestApiId':{'Ref':'Api'},'Description':'one'}},"
		  "'S':{'Type':'AWS::ApiGateway::Stage','Properties':{'RestApiId':{'Ref':'Api'},"
		  "'DeploymentId':{'Ref':'D'},'StageName':'dev','Variables':{'v':'1'}}}}}") == 0,
	   "deploy: %s", f.err.message);
	snprintf(dep1, sizeof(dep1), "%s", phys(&f, "D"));
	before = cJSON_PrintUnformatted(snapshot_of(&f, "D"));
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(snapshot_of(&f, "D"), "Methods"), 0);
	is_str(cJSON_GetObjectItem(m, "HttpMethod")->valuestring, "GET", "the snapshot has GET");
	is_str(phys(&f, "S"), "dev", "a Stage's physical id is its name");
	ok(deploy(&f, "snap", "{'Resources':{" API "," RES("R", ROOT, "pets") ","
		  METHOD("M", "{'Ref':'R'}", "POST", MOCKI) ","
		  "'D':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['M'],"
		  "'Properties':{'RestApiId':{'Ref':'Api'},'Description':'two'}},"
		  "'S':{'Type':'AWS::ApiGateway::Stage','Properties':{'RestApiId':{'Ref':'Api'},"
		  "'DeploymentId':{'Ref':'D'},'StageName':'dev'}}}}") == 0,
	   "update the method to POST and the Deployment's Description: %s", f.err.message);
	is_str(phys(&f, "D"), dep1, "the Deployment keeps its id (updated in place)");
	{
		char *after = cJSON_PrintUnformatted(snapshot_of(&f, "D"));

		is_str(after, before, "and its snapshot: callers still get the GET method");
		free(after);
	}
	ok(deploy(&f, "snap", "{'Resources':{" API "," RES("R", ROOT, "pets") ","
		  METHOD("M", "{'Ref':'R'}", "POST", MOCKI) ","
		  "'D2':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['M'],"
		  "'Properties':{'RestApiId':{'Ref':'Api'}}},"
		  "'S':{'Type':'AWS::ApiGateway::Stage','Properties':{'RestApiId':{'Ref':'Api'},"
		  "'DeploymentId':{'Ref':'D2'},'StageName':'dev'}}}}") == 0,
	   "a new Deployment: %s", f.err.message);
	ok(strcmp(phys(&f, "D2"), dep1) != 0, "a new deployment id");
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(snapshot_of(&f, "D2"), "Methods"), 0);
	is_str(cJSON_GetObjectItem(m, "HttpMethod")->valuestring, "POST",
	       "the new snapshot has POST");
	free(before);
	fx_fini(&f);
}

/* Warnings name what is stored but not emulated. */
static void test_warnings(void)
{
	struct fx f;
	char *w;

	fx_init(&f);
	ok(deploy(&f, "warn", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi',"
		  "'Properties':{'Name':'n','Policy':{},'EndpointConfiguration':{'Types':"
		  "['PRIVATE']}}}," METHOD("M", ROOT, "GET",
		  "{'Type':'AWS','IntegrationHttpMethod':'POST','Uri':"
		  "'arn:aws:apigateway:us-east-1:sqs:path/1/q'}") "}}") == 0,
	   "deploy: %s", f.err.message);
	w = cJSON_PrintUnformatted(cJSON_GetObjectItem(f.doc, "Warnings"));
	/* resource policies and private endpoints are enforced: no "not emulated" warning */
	ok(strstr(w, "resource policies are not enforced") == NULL, "no Policy warning");
	ok(strstr(w, "PRIVATE endpoint") == NULL, "no PRIVATE warning");
	ok(strstr(w, "Integration Type AWS") != NULL, "AWS integration warning");
	ok(strstr(w, "AWS::ApiGateway::RestApi is not emulated") == NULL,
	   "RestApi is emulated now");
	ok(cJSON_IsTrue(cJSON_GetObjectItem(res(&f, "Api"), "Emulated")), "Emulated: true");
	free(w);
	fx_fini(&f);

	/* until SigV4 lands, AWS_IAM methods say that signatures are not verified */
	fx_init(&f);
	ok(deploy(&f, "iam", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi',"
		  "'Properties':{'Name':'n'}},'M':{'Type':'AWS::ApiGateway::Method','Properties':"
		  "{'RestApiId':{'Ref':'Api'},'ResourceId':" ROOT ",'HttpMethod':'GET',"
		  "'AuthorizationType':'AWS_IAM','Integration':" MOCKI "}}}}") == 0,
	   "deploy an AWS_IAM method: %s", f.err.message);
	w = cJSON_PrintUnformatted(cJSON_GetObjectItem(f.doc, "Warnings"));
	ok(strstr(w, "SigV4") == NULL, "AWS_IAM: verified, so no warning: %s", w);
	free(w);
	fx_fini(&f);
}

/* RestApi Body: OpenAPI 3 / Swagger 2 with x-amazon-apigateway-* (issue 3) */
static void test_openapi(void)
{
	struct fx f;
	const cJSON *snap, *m;
	char *text;

	fx_init(&f);
	ok(deploy(&f, "oa", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi','Properties':"
		  "{'Body':{'swagger':'2.0','info':{'title':'t'},"
		  "'x-amazon-apigateway-binary-media-types':['image/png'],"
		  "'x-amazon-apigateway-api-key-source':'HEADER',"
		  "'securityDefinitions':{'key':{'type':'apiKey','name':'x-api-key','in':'header'}},"
		  "'paths':{'/a/b/{c}':{'get':{'security':[{'key':[]}],"
		  "'x-amazon-apigateway-integration':{'type':'http_proxy','httpMethod':'GET',"
		  "'uri':'http://x/{c}','passthroughBehavior':'when_no_match','requestParameters':"
		  "{'integration.request.path.c':'method.request.path.c'}}}},"
		  "'/{proxy+}':{'x-amazon-apigateway-any-method':{'x-amazon-apigateway-integration':"
		  "{'type':'mock','responses':{'default':{'statusCode':200},'4\\\\d{2}':"
		  "{'statusCode':'404'}}}}}}}}},"
		  "'D':{'Type':'AWS::ApiGateway::Deployment','Properties':{'RestApiId':{'Ref':'Api'},"
		  "'StageName':'s'}}}}") == 0, "a Swagger 2 Body deploys: %s", f.err.message);
	snap = cJSON_GetObjectItem(cJSON_GetObjectItem(res(&f, "D"), "State"), "Snapshot");
	is_int(cJSON_GetArraySize(cJSON_GetObjectItem(snap, "Resources")), 4,
	       "/a, /a/b, /a/b/{c} and /{proxy+} become resources");
	is_int(cJSON_GetArraySize(cJSON_GetObjectItem(snap, "Methods")), 2, "two methods");
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(snap, "Methods"), 0);
	ok(cJSON_IsTrue(cJSON_GetObjectItem(m, "ApiKeyRequired")), "an x-api-key scheme -> "
	   "ApiKeyRequired");
	text = cJSON_PrintUnformatted(m);
	ok(strstr(text, "\"Type\":\"HTTP_PROXY\"") && strstr(text, "\"PassthroughBehavior\":"
	   "\"WHEN_NO_MATCH\"") && strstr(text, "\"IntegrationHttpMethod\":\"GET\""),
	   "the integration in CloudFormation's shape: %s", text);
	free(text);
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(snap, "Methods"), 1);
	text = cJSON_PrintUnformatted(m);
	ok(strstr(text, "\"HttpMethod\":\"ANY\"") && strstr(text, "\"SelectionPattern\":"
	   "\"4\\\\d{2}\"") && strstr(text, "\"StatusCode\":\"200\""),
	   "x-amazon-apigateway-any-method and responses: %s", text);
	free(text);
	text = cJSON_PrintUnformatted(cJSON_GetObjectItem(snap, "BinaryMediaTypes"));
	is_str(text, "[\"image/png\"]", "x-amazon-apigateway-binary-media-types");
	free(text);
	ok(deploy(&f, "oa2", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi','Properties':"
		  "{'Body':{'info':{}}}}}}") != 0 &&
	   strstr(f.err.message, "Failed to parse the uploaded OpenAPI document") != NULL,
	   "a Body that is not OpenAPI: %s", f.err.message);
	ok(deploy(&f, "oa3", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi','Properties':"
		  "{'Body':{'openapi':'3.0.0','paths':{'/x y':{}}}}}}}") != 0 &&
	   strstr(f.err.message, "Unable to create resource at path '/x y'") != NULL,
	   "an invalid path: %s", f.err.message);
	ok(deploy(&f, "oa4", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi','Properties':"
		  "{'Body':{'openapi':'3.0.0','paths':{'/x':{'get':{"
		  "'x-amazon-apigateway-integration':{'type':'lambda'}}}}}}}}}") != 0 &&
	   strstr(f.err.message, "GET /x: x-amazon-apigateway-integration type 'lambda'") != NULL,
	   "an unknown integration type: %s", f.err.message);
	ok(deploy(&f, "oa5", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi','Properties':"
		  "{'Body':'{\\'openapi\\':\\'3.0.0\\',\\'paths\\':{}}'}}}}") == 0,
	   "a Body given as a JSON string: %s", f.err.message);
	fx_fini(&f);
}

/* Siblings and methods are checked against the API's resources in other stacks too (the
 * checks look resources up by parent and by resource, across the world). */
static void test_across_stacks(void)
{
	struct fx f;

	fx_init(&f);
	ok(deploy(&f, "base", "{'Resources':{'Api':{'Type':'AWS::ApiGateway::RestApi',"
		  "'Metadata':{'Frontgate':{'Id':'acr0ss0001'}},'Properties':{'Name':'n'}},"
		  RES("X", ROOT, "x") "," RES("V", ROOT, "{v}") "," METHOD("M", "{'Ref':'X'}", "GET",
		  MOCKI) "},'Outputs':{'Root':{'Value':" ROOT ",'Export':{'Name':'root'}},"
		  "'X':{'Value':{'Ref':'X'},'Export':{'Name':'x'}}}}") == 0,
	   "an API with /x, /{v} and GET /x: %s", f.err.message);
#define OTHER(body) "{'Resources':{" body "}}"
#define XRES(id, part) "'" id "':{'Type':'AWS::ApiGateway::Resource','Properties':{" 	"'RestApiId':'acr0ss0001','ParentId':{'Fn::ImportValue':'root'},'PathPart':'" part "'}}"
	expect_err(&f, OTHER(XRES("Y", "x")), "Another resource with the same parent already has "
		   "this name: x", NULL, "the same name in another stack");
	expect_err(&f, OTHER(XRES("Y", "{w}")), "A sibling ({v}) of this resource already has a "
		   "variable path part", NULL, "a second variable part in another stack");
	expect_err(&f, OTHER("'M2':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':"
		   "'acr0ss0001','ResourceId':{'Fn::ImportValue':'x'},'HttpMethod':'GET',"
		   "'AuthorizationType':'NONE','Integration':" MOCKI "}}"),
		   "Method already exists for this resource", NULL, "the same method in another stack");
	ok(deploy(&f, "more", OTHER(XRES("Y", "y") ",'M2':{'Type':'AWS::ApiGateway::Method',"
		  "'Properties':{'RestApiId':'acr0ss0001','ResourceId':{'Fn::ImportValue':'x'},"
		  "'HttpMethod':'POST','AuthorizationType':'NONE','Integration':" MOCKI "}}")) == 0,
	   "another name and another verb are fine: %s", f.err.message);
#undef OTHER
#undef XRES
	fx_fini(&f);
}

int main(void)
{
	test_ids();
	test_across_stacks();
	test_openapi();
	test_validation();
	test_snapshot();
	test_warnings();
	return tap_done();
}
