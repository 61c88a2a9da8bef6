/*
 * Unit tests for the request pipeline (apigw_req.c, apigw_integ.c) without sockets: stacks are
 * deployed with the real deployer, the view compiled by the service, and requests built by
 * hand are served through apigw_serve with a fake Lambda invoker. Covers the error catalogue
 * (aws-behavior.md §1.5), gateway response customisation, MOCK (§3.3), the AWS_PROXY event
 * as the function receives it (§3.1, §1.6) and every invoke outcome (§3.2), the fidelity
 * switches, and the trace (findable by x-amzn-RequestId).
 */
#include "apigw/harness.h"

#define HOST "abcdefghij.execute-api.us-east-1.amazonaws.com"
#define FN "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:" \
	   "us-east-1:123456789012:function:fn/invocations"

static const char *TPL =
	"{'Resources':{"
	/* REGIONAL, as the §1.6 recording (an EDGE API adds CloudFront's headers: test_domain.c) */
	"'Api':{'Type':'AWS::ApiGateway::RestApi','Metadata':{'Frontgate':{'Id':'abcdefghij'}},"
	" 'Properties':{'Name':'t','BinaryMediaTypes':['image/png'],"
	"  'EndpointConfiguration':{'Types':['REGIONAL']}}},"
	"'Lit':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ParentId':{'Fn::GetAtt':['Api','RootResourceId']},'PathPart':'lit'}},"
	"'LitGet':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ResourceId':{'Ref':'Lit'},'HttpMethod':'GET','AuthorizationType':'NONE',"
	" 'Integration':{'Type':'MOCK','RequestTemplates':{'application/json':"
	"   '{\\'statusCode\\': $input.params(\\'code\\')}'},"
	"  'IntegrationResponses':[{'StatusCode':'200','ResponseTemplates':{'application/json':"
	"   '{\\'id\\':\\'$context.requestId\\',\\'v\\':\\'$stageVariables.v\\'}'},"
	"   'ResponseParameters':{'method.response.header.X-Mock':'`yes`',"
	"    'method.response.header.Date':'`then`'}},"
	"   {'StatusCode':'418','SelectionPattern':'4\\\\d{2}'}]}}},"
	"'Items':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ParentId':{'Fn::GetAtt':['Api','RootResourceId']},'PathPart':'items'}},"
	"'Item':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ParentId':{'Ref':'Items'},'PathPart':'{id}'}},"
	"'ItemAny':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ResourceId':{'Ref':'Item'},'HttpMethod':'ANY','AuthorizationType':'NONE',"
	" 'Integration':{'Type':'AWS_PROXY','IntegrationHttpMethod':'POST','Uri':'" FN "',"
	"  'TimeoutInMillis':1000}}},"
	"'Iam':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ParentId':{'Fn::GetAtt':['Api','RootResourceId']},'PathPart':'iam'}},"
	"'IamGet':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ResourceId':{'Ref':'Iam'},'HttpMethod':'GET','AuthorizationType':'AWS_IAM',"
	" 'Integration':{'Type':'MOCK','RequestTemplates':{'application/json':"
	"  '{\\'statusCode\\': 200}'},'IntegrationResponses':[{'StatusCode':'200'}]}}},"
	"'Bad':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ParentId':{'Fn::GetAtt':['Api','RootResourceId']},'PathPart':'bad'}},"
	"'BadGet':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ResourceId':{'Ref':'Bad'},'HttpMethod':'GET','AuthorizationType':'NONE',"
	" 'Integration':{'Type':'MOCK','RequestTemplates':{'application/json':'{}'}}}},"
	"'Nr':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ParentId':{'Fn::GetAtt':['Api','RootResourceId']},'PathPart':'nr'}},"
	"'NrGet':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ResourceId':{'Ref':'Nr'},'HttpMethod':'GET','AuthorizationType':'NONE',"
	" 'Integration':{'Type':'MOCK','RequestTemplates':{'application/json':"
	"  '{\\'statusCode\\': 200}'}}}},"
	"'Get':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ParentId':{'Fn::GetAtt':['Api','RootResourceId']},'PathPart':'get'}},"
	"'GetPost':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ResourceId':{'Ref':'Get'},'HttpMethod':'GET','AuthorizationType':'NONE',"
	" 'Integration':{'Type':'AWS_PROXY','IntegrationHttpMethod':'GET','Uri':'" FN "'}}},"
	"'Dep':{'Type':'AWS::ApiGateway::Deployment',"
	" 'DependsOn':['LitGet','ItemAny','IamGet','BadGet','GetPost','NrGet'],"
	" 'Properties':{'RestApiId':{'Ref':'Api'},'StageName':'dev',"
	"  'StageDescription':{'Variables':{'v':'one'}}}}"
	"}}";

static void test_errors(struct fx *f)
{
	const char *bearer[] = { "Authorization: Bearer abc.def", NULL };

	send(f, "GET", HOST, "/dev/nope", NULL, NULL);
	is_int(f->resp.status, 403, "§1.5: unknown route -> 403");
	is_str(body(f), "{\"message\":\"Missing Authentication Token\"}", "§1.5: exact body");
	is_str(rh(f, "x-amzn-ErrorType"), "MissingAuthenticationTokenException", "§1.5: ErrorType");
	is_str(rh(f, "Content-Type"), "application/json", "§1.5: Content-Type");
	ok(strlen(rh(f, "x-amzn-RequestId")) == 36, "§1.5: x-amzn-RequestId is a UUID");
	is_str(fg_trace_id(f->t), rh(f, "x-amzn-RequestId"),
	       "the trace is findable by x-amzn-RequestId");
	ok(strlen(rh(f, "x-amz-apigw-id")) == 16 && rh(f, "x-amz-apigw-id")[15] == '=',
	   "§1.5: x-amz-apigw-id ends in '='");
	ok(trace_has(f, "no resource of deployment"), "the trace says why");
	send(f, "DELETE", HOST, "/dev/lit", NULL, NULL);
	ok(f->resp.status == 403 && trace_has(f, "resource /lit has no DELETE method (it has GET)"),
	   "§1.5: wrong method -> 403, the trace names the methods");
	send(f, "GET", HOST, "/prod/lit", NULL, NULL);
	ok(f->resp.status == 403 && strcmp(rh(f, "x-amzn-ErrorType"),
					   "MissingAuthenticationTokenException") == 0 &&
	   trace_has(f, "stage 'prod' is not deployed on api abcdefghij (deployed stages: dev)"),
	   "§1.2/§1.5: wrong stage -> Missing Authentication Token");
	send(f, "GET", HOST, "/", NULL, NULL);
	ok(f->resp.status == 403 && trace_has(f, "no stage in the path"), "§1.2: no stage");
	send(f, "GET", HOST, "/dev/nope", bearer, NULL);
	is_int(f->resp.status, 403, "§1.5: unknown route with Bearer -> 403");
	is_str(rh(f, "x-amzn-ErrorType"), "IncompleteSignatureException",
	       "§2.7: IncompleteSignatureException");
	ok(strstr(body(f), "hashed with SHA-256 and encoded with Base64") != NULL,
	   "§2.7: redacted message by default: %s", body(f));
	send(f, "GET", HOST, "/dev/lit?code=200", bearer, NULL);
	is_int(f->resp.status, 200, "§1.6: a NONE method takes any Authorization header as is");
	send(f, "GET", "zzzzzzzzzz.execute-api.us-east-1.amazonaws.com", "/dev/lit", NULL, NULL);
	is_int(f->resp.status, 403, "§1.1: unknown API id -> 403 by default");
	is_str(body(f), "{\"message\":\"Forbidden\"}", "§1.3: Forbidden body");
	is_str(rh(f, "x-amzn-ErrorType"), "ForbiddenException", "ForbiddenException");
}

static void test_too_large(struct fx *f)
{
	f->fake.calls = 0;
	done_request(f);
	f->arena = fg_arena_new(4096);
	memset(&f->req, 0, sizeof(f->req));
	memset(&f->resp, 0, sizeof(f->resp));
	f->req.arena = f->arena;
	f->req.method = "POST";
	f->req.host = HOST;
	f->req.path = "/dev/items/1";
	f->req.query = "";
	f->req.client_ip = "127.0.0.1";
	f->req.listener = "http";
	f->req.body = "";
	f->req.body_too_large = true;
	f->req.body_seen = 10485761;
	f->resp.arena = f->arena;
	f->t = fg_trace_begin(f->arena, "x", 0, "", "http", "POST", HOST, "/dev/items/1");
	apigw_service(f->a)->serve(f->a, f->w, f->view, &f->req, &f->resp, f->t);
	is_int(f->resp.status, 413, "§1.5: body over 10485760 bytes -> 413");
	is_str(body(f), "HTTP content length exceeded 10485760 bytes.", "§1.5: plain-text body");
	is_str(rh(f, "Content-Type"), "text/plain", "§1.5: plain text");
	is_str(rh(f, "x-amzn-ErrorType"), "(absent)", "§1.5: not a gateway response");
	f->req.body_too_large = false;
	is_int(f->fake.calls, 0, "the function was not called");
}

static void test_mock(struct fx *f)
{
	send(f, "GET", HOST, "/dev/lit?code=200", NULL, NULL);
	is_int(f->resp.status, 200, "§3.3: MOCK statusCode 200 selects the default response");
	ok(strstr(body(f), "\"v\":\"one\"") != NULL && strstr(body(f), rh(f, "x-amzn-RequestId")),
	   "§3.3: the response template sees stage variables and $context.requestId: %s",
	   body(f));
	is_str(rh(f, "X-Mock"), "yes", "a mapped response header");
	is_str(rh(f, "x-amzn-Remapped-Date"), "then", "§1.6: a mapped Date comes out remapped");
	is_str(rh(f, "X-Amzn-Trace-Id"), "(absent)", "§1.5: no X-Amzn-Trace-Id for MOCK");
	send(f, "GET", HOST, "/dev/lit?code=418", NULL, NULL);
	ok(f->resp.status == 418 && f->resp.body_len == 0,
	   "§3.3: SelectionPattern 4\\d{2} picks the 418 response (no template, empty body)");
	send(f, "GET", HOST, "/dev/lit?code=abc", NULL, NULL);
	is_int(f->resp.status, 500, "§3.3: a statusCode that is not an integer -> 500");
	is_str(body(f), APIGW_BODY_ISE, "§1.5: 36-byte body with the space");
	ok(trace_has(f, "Unable to parse statusCode"), "the trace says why");
	send(f, "GET", HOST, "/dev/bad", NULL, NULL);
	ok(f->resp.status == 500 && trace_has(f, "Unable to parse statusCode"),
	   "§3.3: a template without statusCode -> 500");
	send(f, "GET", HOST, "/dev/lit?code=302", NULL, NULL);
	is_int(f->resp.status, 200, "a status no SelectionPattern matches takes the default");
	send(f, "GET", HOST, "/dev/nr", NULL, NULL);
	ok(f->resp.status == 500 && trace_has(f, "No match for output mapping"),
	   "no integration response at all -> 500 with AWS's log line in the trace");
}

static cJSON *last_event(struct fx *f)
{
	cJSON *e = cJSON_Parse(f->fake.event ? f->fake.event : "");

	FG_ASSERT(e != NULL);
	return e;
}

static const char *es(const cJSON *e, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItem(e, a);

	if (b != NULL)
		v = cJSON_GetObjectItem(v, b);
	return cJSON_IsString(v) ? v->valuestring : cJSON_IsNull(v) ? "null" : "(other)";
}

static void test_aws_proxy(struct fx *f)
{
	const char *h[] = { "aUThorization: token", "user-agent: ua/1", "tEsT-HEADeR: v",
			    "Connection: keep-alive", "Via: 1.1 proxy", "Content-Type: text/plain",
			    NULL };
	cJSON *e;

	f->fake.status = FG_INVOKE_OK;
	f->fake.payload = "{\"statusCode\":201,\"headers\":{\"X-Fn\":\"1\",\"Server\":\"fn\","
			  "\"Transfer-Encoding\":\"chunked\"},\"body\":\"hello\"}";
	send(f, "PUT", HOST, "/dev/items/7/?a=1&a=2&b=x+y", h, "payload");
	is_int(f->resp.status, 201, "§3.2: the function's status");
	is_str(body(f), "hello", "§3.2: the function's body");
	is_str(rh(f, "X-Fn"), "1", "§3.2: the function's headers");
	is_str(rh(f, "x-amzn-Remapped-Server"), "fn", "§1.6: Server remapped");
	is_str(rh(f, "Transfer-Encoding"), "(absent)", "§1.6: Transfer-Encoding dropped");
	is_str(rh(f, "Content-Type"), "application/json", "§3.2: default Content-Type");
	ok(strncmp(rh(f, "X-Amzn-Trace-Id"), "Root=1-", 7) == 0,
	   "§1.5: X-Amzn-Trace-Id on a Lambda response");
	ok(strstr(f->fake.arn, ":function:fn/invocations") != NULL, "the invoker gets the Uri");
	is_int(f->fake.deadline, 1000, "the deadline is TimeoutInMillis");
	e = last_event(f);
	is_str(es(e, "resource", NULL), "/items/{id}", "§3.1: resource");
	is_str(es(e, "path", NULL), "/items/7/", "§3.1: path without stage, as sent");
	is_str(es(e, "httpMethod", NULL), "PUT", "§3.1: httpMethod");
	is_str(es(e, "pathParameters", "id"), "7", "§3.1: pathParameters");
	is_str(es(e, "queryStringParameters", "a"), "2", "§1.2: last value");
	is_str(es(e, "queryStringParameters", "b"), "x y", "§1.2: + is a space");
	is_str(es(e, "stageVariables", "v"), "one", "§3.1: stageVariables");
	is_str(es(e, "body", NULL), "payload", "§3.1: body");
	is_str(es(e, "headers", "Authorization"), "token", "§1.6: authorization title-cased");
	is_str(es(e, "headers", "User-Agent"), "ua/1", "§1.6: user-agent title-cased");
	is_str(es(e, "headers", "tEsT-HEADeR"), "v", "§1.6: other names keep their casing");
	is_str(es(e, "headers", "Connection"), "(other)", "§1.6: Connection dropped");
	is_str(es(e, "headers", "Via"), "1.1 proxy", "§1.6: Via kept for AWS_PROXY");
	is_str(es(e, "headers", "Host"), HOST, "§1.6: Host is the invoke host");
	is_str(es(e, "headers", "X-Forwarded-For"), "127.0.0.1", "§1.6: X-Forwarded-For added");
	is_str(es(e, "headers", "X-Forwarded-Proto"), "http", "§1.6: X-Forwarded-Proto");
	ok(strncmp(es(e, "headers", "X-Amzn-Trace-Id"), "Root=1-", 7) == 0,
	   "§1.6: X-Amzn-Trace-Id added");
	{
		const cJSON *rc = cJSON_GetObjectItem(e, "requestContext");

		is_str(es(rc, "requestId", NULL), rh(f, "x-amzn-RequestId"),
		       "§3.1: requestContext.requestId is x-amzn-RequestId");
		is_str(es(rc, "extendedRequestId", NULL), rh(f, "x-amz-apigw-id"),
		       "extendedRequestId is x-amz-apigw-id");
		is_str(es(rc, "requestTime", NULL), "04/Mar/2020:19:15:17 +0000",
		       "§3.1: requestTime from frontgate's clock");
		is_str(es(rc, "path", NULL), "/dev/items/7/", "§3.1: path with stage");
		is_str(es(rc, "resourcePath", NULL), "/items/{id}", "resourcePath");
		is_str(es(rc, "domainPrefix", NULL), "abcdefghij", "domainPrefix");
		is_str(es(rc, "accountId", NULL), "123456789012", "accountId");
		is_str(es(cJSON_GetObjectItem(rc, "identity"), "sourceIp", NULL), "127.0.0.1",
		       "§3.1: identity.sourceIp is the client address");
	}
	cJSON_Delete(e);
	{
		const char *png[] = { "Content-Type: image/png", "Accept: image/png", NULL };

		f->fake.payload = "{\"body\":\"aGk=\",\"isBase64Encoded\":true}";
		send(f, "POST", HOST, "/dev/items/1", png, "\x89PNG");
		e = last_event(f);
		ok(cJSON_IsTrue(cJSON_GetObjectItem(e, "isBase64Encoded")) &&
		   strcmp(es(e, "body", NULL), "iVBORw==") == 0,
		   "§3.1: a binaryMediaTypes body is base64 in the event");
		cJSON_Delete(e);
		ok(f->resp.status == 200 && strcmp(body(f), "hi") == 0,
		   "§3.2: base64 decoded when Accept matches binaryMediaTypes");
		send(f, "POST", HOST, "/dev/items/1", NULL, NULL);
		is_str(body(f), "aGk=", "§3.2: still base64 when Accept does not match");
	}
}

static void test_invoke_outcomes(struct fx *f)
{
	f->fake.status = FG_INVOKE_OK;
	f->fake.payload = "{\"statusCode\":200,\"bogus\":1}";
	send(f, "GET", HOST, "/dev/items/1", NULL, NULL);
	is_int(f->resp.status, 502, "§3.2 / S10: malformed proxy response -> 502");
	is_str(body(f), "{\"message\": \"Internal server error\"}", "§3.2: the 36-byte body");
	is_int(f->resp.body_len, 36, "36 bytes");
	is_str(rh(f, "x-amzn-ErrorType"), "InternalServerErrorException", "§3.2: ErrorType");
	is_str(rh(f, "X-Amzn-Trace-Id"), "(absent)", "§1.5: no X-Amzn-Trace-Id on errors");
	ok(trace_has(f, "Malformed Lambda proxy response"), "the trace says what is malformed");
	f->fake.status = FG_INVOKE_FUNCTION_ERROR;
	f->fake.payload = "{\"errorMessage\":\"boom\",\"errorType\":\"Error\"}";
	send(f, "GET", HOST, "/dev/items/1", NULL, NULL);
	ok(f->resp.status == 502 && strcmp(body(f), APIGW_BODY_ISE) == 0 && trace_has(f, "boom"),
	   "a function error -> 502, the trace shows the error");
	f->fake.status = FG_INVOKE_CRASHED;
	send(f, "GET", HOST, "/dev/items/1", NULL, NULL);
	is_int(f->resp.status, 502, "a crashed worker -> 502");
	f->fake.status = FG_INVOKE_TIMEOUT;
	f->fake.duration_ms = 1000;
	send(f, "GET", HOST, "/dev/items/1", NULL, NULL);
	is_int(f->resp.status, 504, "§1.5 / S11: the integration timeout -> 504");
	is_str(body(f), "{\"message\": \"Endpoint request timed out\"}", "§1.5: the 504 body");
	f->fake.duration_ms = 300;
	send(f, "GET", HOST, "/dev/items/1", NULL, NULL);
	ok(f->resp.status == 502 && trace_has(f, "its own Timeout"),
	   "the function's own timeout (before the integration's) is a Lambda error -> 502");
	f->fake.status = FG_INVOKE_NOT_EMULATED;
	send(f, "GET", HOST, "/dev/items/1", NULL, NULL);
	ok(f->resp.status == 500 && strcmp(body(f), APIGW_BODY_ISE) == 0 &&
	   trace_has(f, "fake detail"), "not runnable -> 500 with the reason in the trace");
	f->fake.status = FG_INVOKE_NO_FUNCTION;
	send(f, "GET", HOST, "/dev/items/1", NULL, NULL);
	ok(f->resp.status == 500 && trace_has(f, "no such function"), "no function -> 500");
	f->fake.calls = 0;
	send(f, "GET", HOST, "/dev/get", NULL, NULL);
	ok(f->resp.status == 500 && f->fake.calls == 0 && trace_has(f, "IntegrationHttpMethod is GET"),
	   "§1.5: AWS_PROXY with integration method GET -> 500");
}

static void test_iam(struct fx *f)
{
	const char *sig[] = { "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20200304/"
			      "us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, "
			      "Signature=abc", "X-Amz-Date: 20200304T191517Z", NULL };
	const char *basic[] = { "Authorization: Basic Og==", NULL };

	send(f, "GET", HOST, "/dev/iam", NULL, NULL);
	ok(f->resp.status == 403 && strcmp(body(f), "{\"message\":\"Missing Authentication "
					   "Token\"}") == 0,
	   "§1.5: AWS_IAM without Authorization -> Missing Authentication Token");
	send(f, "GET", HOST, "/dev/iam", basic, NULL);
	ok(f->resp.status == 403 && strcmp(rh(f, "x-amzn-ErrorType"),
					   "IncompleteSignatureException") == 0,
	   "§1.5: AWS_IAM with a non-SigV4 header -> IncompleteSignature");
	send(f, "GET", HOST, "/dev/iam", sig, NULL);
	ok(f->resp.status == 403 && strcmp(rh(f, "x-amzn-ErrorType"),
					   "AccessDeniedException") == 0 &&
	   strcmp(body(f), "{\"message\":\"The security token included in the request is "
			   "invalid.\"}") == 0 && trace_has(f, "no AWS::IAM::AccessKey"),
	   "§1.5: AWS_IAM signed with a key no template defines -> 403 invalid token (%d %s)",
	   f->resp.status, body(f));
	send(f, "GET", HOST, "/dev/nope", sig, NULL);
	ok(f->resp.status == 403 && strcmp(rh(f, "x-amzn-ErrorType"),
					   "MissingAuthenticationTokenException") == 0,
	   "§2.3: a complete SigV4 header on an unknown route -> Missing Authentication Token");
}

static void test_switches(void)
{
	struct fx f;
	struct fg_err err;
	const char *bearer[] = { "Authorization: Bearer", NULL };

	fx_init(&f);
	deploy(&f, "t", TPL);
	fg_err_clear(&err);
	ok(apigw_fidelity_parse(&f.a->fid, "unknown-api=not-found,signature-messages=classic",
				&err) == 0, "both switches parse");
	send(&f, "GET", "zzzzzzzzzz.execute-api.us-east-1.amazonaws.com", "/dev/x", NULL, NULL);
	is_int(f.resp.status, 404, "§1.1 switch unknown-api=not-found: 404");
	is_str(body(&f), "{\"message\":\"The API id 'zzzzzzzzzz' does not correspond to a "
	       "deployed API Gateway API\"}", "LocalStack's body");
	send(&f, "GET", HOST, "/dev/nope", bearer, NULL);
	ok(strstr(body(&f), "Authorization=Bearer\"") != NULL,
	   "§2.7 switch signature-messages=classic echoes the header: %s", body(&f));
	ok(apigw_fidelity_parse(&f.a->fid, "unknown-api=maybe", &err) != 0 &&
	   f.a->fid.unknown_api == APIGW_UNKNOWN_API_NOT_FOUND,
	   "a bad value is refused and changes nothing: %s", err.message);
	ok(apigw_fidelity_parse(&f.a->fid, "nonsense", &err) != 0, "a key without value");
	fx_fini(&f);
}

/* GatewayResponse customisation (§1.5): a type's own, and DEFAULT_4XX for the rest. */
static void test_gateway_responses(void)
{
	struct fx f;

	fx_init(&f);
	ok(deploy(&f, "gr", "{'Resources':{"
		  "'Api':{'Type':'AWS::ApiGateway::RestApi','Metadata':{'Frontgate':{'Id':"
		  "'abcdefghij'}},'Properties':{'Name':'t'}},"
		  "'M':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
		  " 'ResourceId':{'Fn::GetAtt':['Api','RootResourceId']},'HttpMethod':'GET',"
		  " 'AuthorizationType':'AWS_IAM','Integration':{'Type':'MOCK'}}},"
		  "'G1':{'Type':'AWS::ApiGateway::GatewayResponse','Properties':{'RestApiId':"
		  " {'Ref':'Api'},'ResponseType':'MISSING_AUTHENTICATION_TOKEN','StatusCode':'404',"
		  " 'ResponseParameters':{'gatewayresponse.header.Access-Control-Allow-Origin':"
		  "  '`*`','gatewayresponse.header.X-Req':'method.request.header.X-In'},"
		  " 'ResponseTemplates':{'application/json':"
		  "  '{\\'error\\':$context.error.messageString,\\'type\\':"
		  "\\'$context.error.responseType\\'}'}}},"
		  "'G2':{'Type':'AWS::ApiGateway::GatewayResponse','Properties':{'RestApiId':"
		  " {'Ref':'Api'},'ResponseType':'DEFAULT_4XX','ResponseTemplates':"
		  " {'text/plain':'denied: $context.error.message'}}},"
		  "'D':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['M','G1','G2'],"
		  " 'Properties':{'RestApiId':{'Ref':'Api'},'StageName':'dev'}}}}") == 0,
	   "deploy: %s", f.err.message);
	{
		const char *h[] = { "X-In: hello", NULL };

		send(&f, "GET", HOST, "/dev/nope", h, NULL);
	}
	is_int(f.resp.status, 404, "§1.5: MISSING_AUTHENTICATION_TOKEN customised to 404");
	is_str(body(&f), "{\"error\":\"Missing Authentication Token\","
	       "\"type\":\"MISSING_AUTHENTICATION_TOKEN\"}", "§1.5: the custom template");
	is_str(rh(&f, "Access-Control-Allow-Origin"), "*", "a literal header");
	is_str(rh(&f, "X-Req"), "hello", "a header from the request");
	is_str(rh(&f, "x-amzn-ErrorType"), "MissingAuthenticationTokenException",
	       "the ErrorType stays");
	send(&f, "GET", HOST, "/dev", (const char *[]){ "Authorization: Bearer", NULL }, NULL);
	ok(f.resp.status == 403 && strncmp(body(&f), "denied: Authorization header requires", 37) == 0
	   && strcmp(rh(&f, "Content-Type"), "text/plain") == 0,
	   "§1.5: DEFAULT_4XX applies to the other 4xx types: %s", body(&f));
	send(&f, "GET", "abcdefghij.execute-api.us-east-1.amazonaws.com", "/other/x", NULL, NULL);
	is_str(body(&f), "{\"message\":\"Missing Authentication Token\"}",
	       "an unknown stage has no deployment: the default response");
	fx_fini(&f);
}

static bool fake_reads_event(void *self, const struct stack_world *w, const char *arn)
{
	(void)self; (void)w; (void)arn;
	return false;
}

/* An invoker that says the function does not read its event (a canned response) gets none,
 * and the trace says so. */
static void test_canned_no_event(struct fx *f)
{
	f->inv.reads_event = fake_reads_event;
	f->fake.status = FG_INVOKE_OK;
	f->fake.payload = "{\"statusCode\":200,\"body\":\"canned\"}";
	free(f->fake.event);  /* the previous test's */
	f->fake.event = strdup("stale");
	send(f, "GET", HOST, "/dev/items/7", NULL, NULL);
	is_int(f->resp.status, 200, "canned: the function's status");
	is_str(body(f), "canned", "canned: the function's body");
	ok(f->fake.event == NULL, "canned: no event is built or passed");
	ok(trace_has(f, "(canned response: no event built"), "canned: the trace says so");
	f->inv.reads_event = NULL;
}

int main(void)
{
	struct fx f;

	fx_init(&f);
	if (deploy(&f, "t", TPL) != 0)
		return 1;
	test_errors(&f);
	test_too_large(&f);
	test_mock(&f);
	test_aws_proxy(&f);
	test_invoke_outcomes(&f);
	test_canned_no_event(&f);
	test_iam(&f);
	fx_fini(&f);
	test_switches();
	test_gateway_responses();
	return tap_done();
}
