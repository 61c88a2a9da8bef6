/*
 * Unit tests for apigw_event.c and the request-parsing helpers of apigw_req.c: the Lambda
 * proxy event (aws-behavior.md §3.1), the proxy response contract (§3.2), host and path
 * forms (§1.1, §1.2, design.md §3), the IncompleteSignature messages (§2.7) and the small
 * encoders (base64, UTF-8, binary media types).
 */
#include "apigw/apigw_priv.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>

static struct fg_arena *A;

static cJSON *event(const struct apigw_event_in *in)
{
	struct fg_buf b;
	cJSON *j;

	fg_buf_init(&b);
	apigw_event_build(in, A, &b);
	j = cJSON_Parse(b.data);
	if (j == NULL)
		printf("# not JSON: %s\n", b.data);
	fg_buf_free(&b);
	return j;
}

static const char *s(const cJSON *o, const char *path)
{
	char buf[256], *tok, *save = NULL;
	const cJSON *cur = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
		cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(tok))
					 : cJSON_GetObjectItemCaseSensitive(cur, tok);
	if (cur == NULL)
		return "(absent)";
	if (cJSON_IsNull(cur))
		return "null";
	if (cJSON_IsString(cur))
		return cur->valuestring;
	if (cJSON_IsTrue(cur))
		return "true";
	if (cJSON_IsFalse(cur))
		return "false";
	{
		char *t = cJSON_PrintUnformatted(cur);
		const char *r = fg_arena_strdup(A, t);

		free(t);
		return r;
	}
}

static void base_in(struct apigw_event_in *in)
{
	static const struct fg_http_header h[] = {
		{ "Host", "abc.execute-api.us-east-1.amazonaws.com" },
		{ "tEsT-HEADeR", "one" },
		{ "tEsT-HEADeR", "two" },
		{ "User-Agent", "curl/8" },
	};

	memset(in, 0, sizeof(*in));
	in->resource_path = "/{proxy+}";
	in->resource_id = "r1";
	in->path = "/proxy-value/";
	in->stage_path = "/stage/proxy-value/";
	in->method = "POST";
	in->headers = h;
	in->nheaders = 4;
	in->query = "";
	in->account = "123456789012";
	in->api_id = "abc";
	in->stage = "stage";
	in->deployment_id = "dep1";
	in->domain = "abc.execute-api.us-east-1.amazonaws.com";
	in->domain_prefix = "abc";
	in->request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";
	in->extended_id = "abcdEFGHijklMNO=";
	in->now_ms = 1583349317135;
	in->source_ip = "127.0.0.1";
	in->user_agent = "curl/8";
}

/* §3.1: every key, null vs {} */
static void test_event_keys(void)
{
	static const char *const top[] = { "resource", "path", "httpMethod", "headers",
					   "multiValueHeaders", "queryStringParameters",
					   "multiValueQueryStringParameters", "pathParameters",
					   "stageVariables", "requestContext", "body",
					   "isBase64Encoded" };
	static const char *const rc[] = { "accountId", "apiId", "deploymentId", "domainName",
					  "domainPrefix", "extendedRequestId", "httpMethod",
					  "identity", "path", "protocol", "requestId",
					  "requestTime", "requestTimeEpoch", "resourceId",
					  "resourcePath", "stage" };
	static const char *const id[] = { "accessKey", "accountId", "caller",
					  "cognitoAuthenticationProvider",
					  "cognitoAuthenticationType", "cognitoIdentityId",
					  "cognitoIdentityPoolId", "principalOrgId", "sourceIp",
					  "user", "userAgent", "userArn" };
	struct apigw_event_in in;
	cJSON *e;

	base_in(&in);
	e = event(&in);
	ok(e != NULL && cJSON_GetArraySize(e) == 12, "§3.1: twelve top-level keys");
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		ok(cJSON_HasObjectItem(e, top[i]), "§3.1: key %s", top[i]);
	for (size_t i = 0; i < sizeof(rc) / sizeof(rc[0]); i++)
		ok(cJSON_HasObjectItem(cJSON_GetObjectItem(e, "requestContext"), rc[i]),
		   "§3.1: requestContext.%s", rc[i]);
	for (size_t i = 0; i < sizeof(id) / sizeof(id[0]); i++)
		ok(cJSON_HasObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "requestContext"),
							  "identity"), id[i]),
		   "§3.1: requestContext.identity.%s", id[i]);
	is_str(s(e, "queryStringParameters"), "null", "§1.2: no query -> null, not {}");
	is_str(s(e, "multiValueQueryStringParameters"), "null", "§1.2: multi map null too");
	is_str(s(e, "pathParameters"), "null", "§3.1: no path parameters -> null");
	is_str(s(e, "stageVariables"), "null", "§3.1: no stage variables -> null");
	is_str(s(e, "body"), "null", "§3.1: no body -> null");
	is_str(s(e, "isBase64Encoded"), "false", "isBase64Encoded false");
	is_str(s(e, "resource"), "/{proxy+}", "resource template");
	is_str(s(e, "path"), "/proxy-value/", "§1.2: path without the stage, trailing slash kept");
	is_str(s(e, "requestContext.path"), "/stage/proxy-value/", "§1.2: context path with stage");
	is_str(s(e, "requestContext.requestTime"), "04/Mar/2020:19:15:17 +0000",
	       "§3.1: requestTime format");
	is_str(s(e, "requestContext.requestTimeEpoch"), "1583349317135",
	       "§3.1: requestTimeEpoch in ms");
	is_str(s(e, "requestContext.identity.sourceIp"), "127.0.0.1", "sourceIp");
	is_str(s(e, "requestContext.identity.user"), "null", "identity.user null without IAM");
	is_str(s(e, "requestContext.protocol"), "HTTP/1.1", "protocol");
	is_str(s(e, "requestContext.requestId"), in.request_id, "requestId");
	is_str(s(e, "requestContext.stage"), "stage", "stage");
	is_str(s(e, "headers.tEsT-HEADeR"), "two", "§3.1: single-value headers keep the last");
	is_str(s(e, "multiValueHeaders.tEsT-HEADeR"), "[\"one\",\"two\"]",
	       "§3.1: multiValueHeaders keep all, in order, names as sent");
	cJSON_Delete(e);
}

/* §1.2: query strings */
static void test_event_query(void)
{
	struct apigw_event_in in;
	const char *pn[] = { "proxy" }, *pv[] = { "a%2Fb" };
	struct apigw_kv kv[] = { { "env", "test" } };
	struct apigw_map vars = { kv, 1 };
	cJSON *e;

	base_in(&in);
	in.query = "email=test%2Balias@gmail.com&plus=test+alias@gmail.com&whitespace=foo%20bar"
		   "&category=electronics&category=books&flag";
	in.pname = pn;
	in.pval = pv;
	in.nparams = 1;
	in.stage_vars = &vars;
	in.body = "{\"a\":1}";
	in.body_len = 7;
	e = event(&in);
	is_str(s(e, "queryStringParameters.email"), "test+alias@gmail.com", "§1.2: %%2B -> +");
	is_str(s(e, "queryStringParameters.plus"), "test alias@gmail.com", "§1.2: + -> space");
	is_str(s(e, "queryStringParameters.whitespace"), "foo bar", "§1.2: %%20 -> space");
	is_str(s(e, "queryStringParameters.category"), "books", "§1.2: the last value wins");
	is_str(s(e, "multiValueQueryStringParameters.category"), "[\"electronics\",\"books\"]",
	       "§1.2: multi map keeps all in order");
	is_str(s(e, "queryStringParameters.flag"), "", "a key without '=' has an empty value");
	is_str(s(e, "pathParameters.proxy"), "a%2Fb", "§1.4: path parameters as sent");
	is_str(s(e, "stageVariables.env"), "test", "stage variables");
	is_str(s(e, "body"), "{\"a\":1}", "a text body is a string");
	cJSON_Delete(e);
	in.body = "\x89PNG\r\n";
	in.body_len = 6;
	in.body_base64 = true;
	e = event(&in);
	is_str(s(e, "body"), "iVBORw0K", "§3.1: binary bodies are base64");
	is_str(s(e, "isBase64Encoded"), "true", "§3.1: isBase64Encoded true");
	cJSON_Delete(e);
}

static int parse(const char *payload, struct apigw_proxy_resp *p, const char **why)
{
	return apigw_proxy_parse(payload, payload ? strlen(payload) : 0, A, p, why);
}

static const char *hdr(const struct apigw_proxy_resp *p, const char *name)
{
	for (size_t i = 0; i < p->nheaders; i++)
		if (strcmp(p->headers[i].name, name) == 0)
			return p->headers[i].value;
	return "(absent)";
}

/* §3.2: the table of LS-snap-lambda test_aws_proxy_response_payload_format_validation */
static void test_proxy_response(void)
{
	struct apigw_proxy_resp p;
	const char *why;

	ok(parse("{\"statusCode\":200}", &p, &why) == 0 && p.status == 200 && p.body_len == 0,
	   "§3.2: {statusCode:200} -> 200, empty body");
	ok(parse("{\"statusCode\":200,\"headers\":{\"test-header\":\"value\",\"header-bool\":true}}",
		 &p, &why) == 0 && strcmp(hdr(&p, "header-bool"), "true") == 0,
	   "§3.2: a boolean header is rendered true");
	ok(parse("{\"statusCode\":200,\"headers\":null}", &p, &why) == 0, "§3.2: headers null");
	ok(parse("{\"headers\":{\"test-header\":\"value\"}}", &p, &why) == 0 && p.status == 200,
	   "§3.2: no statusCode -> 200");
	ok(parse("{\"statusCode\":\"201\"}", &p, &why) == 0 && p.status == 201,
	   "§3.2: statusCode \"201\" -> 201");
	ok(parse("{\"statusCode\":\"test\"}", &p, &why) != 0, "§3.2: statusCode \"test\" -> 502");
	ok(parse("{\"statusCode\":200,\"wrongValue\":\"value\"}", &p, &why) != 0 &&
	   strstr(why, "wrongValue") != NULL, "§3.2: an extra key -> 502 (%s)", why);
	ok(parse("null", &p, &why) != 0, "§3.2: null -> 502");
	ok(parse("", &p, &why) != 0, "§3.2: empty output -> 502");
	ok(parse("\"justAString\"", &p, &why) != 0, "§3.2: a bare string -> 502");
	ok(parse("{\"multiValueHeaders\":{\"x\":\"notalist\"}}", &p, &why) != 0,
	   "§3.2: multiValueHeaders value not a list -> 502");
	ok(parse("{\"multiValueHeaders\":{\"test-multi\":[\"value1\",\"value2\"]}}", &p, &why) == 0 &&
	   strcmp(hdr(&p, "test-multi"), "value1, value2") == 0,
	   "§3.2: multiValueHeaders joined with ', '");
	ok(parse("{\"multiValueHeaders\":{\"Test-Multi\":[\"value-multi\"]},"
		 "\"headers\":{\"test-multi\":\"value-solo\"}}", &p, &why) == 0 &&
	   strcmp(hdr(&p, "Test-Multi"), "value-multi, value-solo") == 0 && p.nheaders == 1,
	   "§3.2: both maps: multi first, then single; casing from multiValueHeaders");
	ok(parse("{\"body\":\"dGVzdC1kYXRh\",\"isBase64Encoded\":true}", &p, &why) == 0 &&
	   p.is_base64 && strcmp(p.body, "dGVzdC1kYXRh") == 0,
	   "§3.2: base64 flag kept; the caller decides whether to decode");
	ok(parse("{\"body\":{\"a\":1}}", &p, &why) != 0, "a body that is not a string -> 502");
	ok(parse("{\"statusCode\":200,\"headers\":{\"n\":5}}", &p, &why) == 0 &&
	   strcmp(hdr(&p, "n"), "5") == 0, "a numeric header value is rendered");
	ok(parse("{\"statusCode\":200,\"headers\":{\"o\":{}}}", &p, &why) != 0,
	   "an object header value -> 502");
	ok(parse("{\"statusCode\":42}", &p, &why) != 0, "a status outside 100-599 -> 502");
}

static void target(const char *host, const char *path, struct apigw_target *t, bool *claimed)
{
	*claimed = apigw_target_parse(A, host, path, t);
}

/* §1.1, §1.2, design.md §3: which API and stage a request names */
static void test_targets(void)
{
	struct apigw_target t;
	bool c;

	target("a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "/dev/x", &t, &c);
	ok(c && strcmp(t.api_id, "a1b2c3d4e5") == 0 && strcmp(t.stage, "dev") == 0 &&
	   strcmp(t.rest, "/x") == 0 && strcmp(t.region, "us-east-1") == 0,
	   "§1.1: the default host names the API; the stage is the first segment");
	target("A1B2C3D4E5.Execute-Api.EU-West-3.AmazonAWS.com:4580", "/dev", &t, &c);
	ok(c && strcmp(t.api_id, "a1b2c3d4e5") == 0 && strcmp(t.rest, "/") == 0 &&
	   strcmp(t.domain, "a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com") == 0,
	   "case-insensitive host, port dropped, any region");
	target("abc.execute-api.localhost", "//stage/proxy-value", &t, &c);
	ok(c && strcmp(t.stage, "stage") == 0 && strcmp(t.stage_path, "/stage/proxy-value") == 0 &&
	   strcmp(t.rest, "/proxy-value") == 0, "§1.2: //stage/x -> path /x, context /stage/x");
	target("abc.execute-api.localhost.localstack.cloud", "/stage//hardcoded", &t, &c);
	ok(c && strcmp(t.stage_path, "/stage//hardcoded") == 0 &&
	   strcmp(t.rest, "/hardcoded") == 0, "§1.2: /stage//x -> path /x, context /stage//x");
	target("abc-vpce-0123456789abcdef0.execute-api.us-west-2.amazonaws.com", "/s/", &t, &c);
	ok(c && strcmp(t.api_id, "abc") == 0 && strcmp(t.rest, "/") == 0,
	   "§1.1: the {api}-{vpce} form names the API");
	target("abc.execute-api.us-east-1.amazonaws.com", "/", &t, &c);
	ok(c && t.stage == NULL, "no stage in the path");
	target("example.com", "/_aws/execute-api/ABC/prod/pets/1", &t, &c);
	ok(c && strcmp(t.api_id, "abc") == 0 && strcmp(t.stage, "prod") == 0 &&
	   strcmp(t.rest, "/pets/1") == 0 && strcmp(t.stage_path, "/prod/pets/1") == 0,
	   "design.md §3: /_aws/execute-api/{api}/{stage}/...");
	target("localhost:4566", "/restapis/abc/prod/_user_request_/pets?x", &t, &c);
	ok(c && strcmp(t.api_id, "abc") == 0 && strcmp(t.rest, "/pets?x") == 0,
	   "design.md §3: /restapis/{api}/{stage}/_user_request_/...");
	target("localhost", "/restapis/abc/prod/pets", &t, &c);
	ok(!c, "/restapis without _user_request_ is not API Gateway's");
	target("www.example.com", "/dev/x", &t, &c);
	ok(!c, "an unrelated host is not claimed");
	target("abc.execute-api.example.com", "/dev/x", &t, &c);
	ok(!c, "execute-api under another domain is not claimed");
	target("a.b.execute-api.us-east-1.amazonaws.com", "/dev/x", &t, &c);
	ok(!c, "a dotted first label is not an API id");
}

/* §2.7 / §2.3: IncompleteSignature messages, both variants */
static void test_signature_messages(void)
{
	const char *m;

	m = sigv4_incomplete(A, "Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc", false,
				 SIGV4_MSG_CLASSIC);
	is_str(m, "eyJhbGciOiJIUzI1NiJ9.e30.abc not a valid key=value pair (missing equal-sign) "
	       "in Authorization header: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc'",
	       "§2.7: Bearer <jwt>, classic");
	m = sigv4_incomplete(A, "Bearer x", false, SIGV4_MSG_REDACTED);
	is_str(m, "Invalid key=value pair (missing equal-sign) in Authorization header (hashed "
	       "with SHA-256 and encoded with Base64): 'uTem/WB082UJMN2ajD6lH6UChGpTAddMJSx2iu923No='",
	       "§2.7: redacted form, base64(SHA-256(header))");
	m = sigv4_incomplete(A, "Bearer", false, SIGV4_MSG_CLASSIC);
	is_str(m, "Authorization header requires 'Credential' parameter. Authorization header "
	       "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
	       "parameter. Authorization header requires existence of either a 'X-Amz-Date' or "
	       "a 'Date' header. Authorization=Bearer", "§2.7: classic sentence list");
	m = sigv4_incomplete(A, "Basic Og==", false, SIGV4_MSG_CLASSIC);
	ok(m != NULL && strstr(m, "Authorization=Basic Og==") != NULL, "§2.7: Basic Og== tail");
	m = sigv4_incomplete(A, "Basic Og==", true, SIGV4_MSG_REDACTED);
	is_str(m, "Authorization header requires 'Credential' parameter. Authorization header "
	       "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
	       "parameter. (Hashed with SHA-256 and encoded with Base64)",
	       "§2.7: redacted sentence list (a Date header present)");
	m = sigv4_incomplete(A, "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/"
				 "execute-api/aws4_request, SignedHeaders=host;x-amz-date, "
				 "Signature=abcdef", true, SIGV4_MSG_REDACTED);
	ok(m == NULL, "a complete SigV4 header is not incomplete");
	m = sigv4_incomplete(A, "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/"
				 "execute-api/aws4_request, SignedHeaders=host, Signature=ab", false,
				 SIGV4_MSG_CLASSIC);
	ok(m != NULL && strstr(m, "Authorization header requires existence of either") == m,
	   "SigV4 without a date: only the date sentence");
}

static void test_encodings(void)
{
	char *out;
	size_t n;
	struct apigw_deployment d;
	const char *types[] = { "image~1png", "application/octet-stream", "text/*" };

	ok(apigw_base64_decode(A, "dGVzdC1kYXRh", 12, &out, &n) == 0 && n == 9 &&
	   memcmp(out, "test-data", 9) == 0, "base64 decode");
	ok(apigw_base64_decode(A, "dGVzd", 5, &out, &n) == 0, "unpadded base64");
	ok(apigw_base64_decode(A, "not base64!", 11, &out, &n) != 0, "invalid base64");
	ok(apigw_utf8_valid("h\xc3\xa9llo", 6), "UTF-8 valid");
	ok(!apigw_utf8_valid("\xff\xfe", 2), "UTF-8 invalid");
	ok(!apigw_utf8_valid("\xc3", 1), "UTF-8 truncated");
	memset(&d, 0, sizeof(d));
	d.binary = types;
	d.nbinary = 3;
	ok(apigw_binary_match(&d, "image/png"), "~1 is '/' (CloudFormation's form)");
	ok(apigw_binary_match(&d, "Application/Octet-Stream; q=1"), "case and parameters");
	ok(apigw_binary_match(&d, "text/plain"), "a type/* wildcard");
	ok(!apigw_binary_match(&d, "application/json"), "not listed");
	ok(!apigw_binary_match(&d, NULL), "no Content-Type");
}

int main(void)
{
	A = fg_arena_new(65536);
	test_event_keys();
	test_event_query();
	test_proxy_response();
	test_targets();
	test_signature_messages();
	test_encodings();
	fg_arena_destroy(&A);
	return tap_done();
}
