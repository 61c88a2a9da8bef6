/*
 * Unit tests for apigw_keys.c: AWS::ApiGateway::ApiKey, UsagePlan and UsagePlanKey deployed
 * with the real deployer, and methods with ApiKeyRequired served through the pipeline:
 * 403 Forbidden for a missing, unknown, disabled or unplanned key, 429 for the throttle
 * (token bucket) and the quota (aws-behavior.md §1.5), on frontgate's clock.
 */
#include "apigw/harness.h"

#define KHOST "k3y5k3y5k3.execute-api.us-east-1.amazonaws.com"

static const char *KTPL =
	"{'Resources':{"
	"'Api':{'Type':'AWS::ApiGateway::RestApi','Metadata':{'Frontgate':{'Id':'k3y5k3y5k3'}},"
	" 'Properties':{'Name':'keys'}},"
	"'R':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ParentId':{'Fn::GetAtt':['Api','RootResourceId']},'PathPart':'r'}},"
	"'Get':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ResourceId':{'Ref':'R'},'HttpMethod':'GET','AuthorizationType':'NONE',"
	" 'ApiKeyRequired':true,'Integration':{'Type':'MOCK','RequestTemplates':"
	" {'application/json':'{\\'statusCode\\': 200}'},'IntegrationResponses':"
	" [{'StatusCode':'200'}]}}},"
	"'Post':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ResourceId':{'Ref':'R'},'HttpMethod':'POST','AuthorizationType':'NONE',"
	" 'ApiKeyRequired':true,'Integration':{'Type':'MOCK','RequestTemplates':"
	" {'application/json':'{\\'statusCode\\': 200}'},'IntegrationResponses':"
	" [{'StatusCode':'200'}]}}},"
	"'Open':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'ResourceId':{'Fn::GetAtt':['Api','RootResourceId']},'HttpMethod':'GET',"
	" 'AuthorizationType':'NONE','Integration':{'Type':'MOCK','RequestTemplates':"
	" {'application/json':'{\\'statusCode\\': 200}'},'IntegrationResponses':"
	" [{'StatusCode':'200'}]}}},"
	"'Dep':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['Get','Post','Open'],"
	" 'Properties':{'RestApiId':{'Ref':'Api'},'StageName':'dev'}},"
	"'Other':{'Type':'AWS::ApiGateway::Stage','Properties':{'RestApiId':{'Ref':'Api'},"
	" 'DeploymentId':{'Ref':'Dep'},'StageName':'other'}},"
	"'Key':{'Type':'AWS::ApiGateway::ApiKey','Properties':{'Enabled':true,"
	" 'Value':'key-value-0123456789abcdef'}},"
	"'Off':{'Type':'AWS::ApiGateway::ApiKey','Properties':{'Enabled':false,"
	" 'Value':'disabled-0123456789abcdef'}},"
	"'Loose':{'Type':'AWS::ApiGateway::ApiKey','Properties':{'Enabled':true,"
	" 'Value':'loose-key-0123456789abcdef'}},"
	"'Plan':{'Type':'AWS::ApiGateway::UsagePlan','DependsOn':['Dep'],'Properties':{"
	" 'ApiStages':[{'ApiId':{'Ref':'Api'},'Stage':'dev','Throttle':{'/r/POST':"
	"  {'RateLimit':1,'BurstLimit':1}}}],"
	" 'Throttle':{'RateLimit':1,'BurstLimit':3},'Quota':{'Limit':5,'Period':'DAY'}}},"
	"'PK':{'Type':'AWS::ApiGateway::UsagePlanKey','Properties':{'KeyId':{'Ref':'Key'},"
	" 'KeyType':'API_KEY','UsagePlanId':{'Ref':'Plan'}}},"
	"'PK2':{'Type':'AWS::ApiGateway::UsagePlanKey','Properties':{'KeyId':{'Ref':'Off'},"
	" 'KeyType':'API_KEY','UsagePlanId':{'Ref':'Plan'}}}"
	"}}";

static const char *const KEY[] = { "x-api-key: key-value-0123456789abcdef", NULL };

static void expect(struct fx *f, const char *method, const char *url, const char *const *h,
		   int status, const char *body_want, const char *why)
{
	send(f, method, KHOST, url, h, NULL);
	is_int(f->resp.status, status, "%s", why);
	if (body_want != NULL)
		is_str(body(f), body_want, "%s: body", why);
}

static void test_forbidden(struct fx *f)
{
	const char *wrong[] = { "x-api-key: nope-nope-nope-nope-nope", NULL };
	const char *off[] = { "x-api-key: disabled-0123456789abcdef", NULL };
	const char *loose[] = { "x-api-key: loose-key-0123456789abcdef", NULL };

	expect(f, "GET", "/dev/r", NULL, 403, "{\"message\":\"Forbidden\"}",
	       "§1.5: ApiKeyRequired without x-api-key -> 403 Forbidden");
	is_str(rh(f, "x-amzn-ErrorType"), "ForbiddenException", "§1.5: ForbiddenException");
	ok(trace_has(f, "no x-api-key header"), "the trace says why");
	expect(f, "GET", "/dev/r", wrong, 403, "{\"message\":\"Forbidden\"}", "§1.5: a wrong key");
	expect(f, "GET", "/dev/r", off, 403, NULL, "a disabled key");
	ok(trace_has(f, "disabled"), "the trace says disabled");
	expect(f, "GET", "/dev/r", loose, 403, NULL, "a key in no usage plan");
	ok(trace_has(f, "is in no usage plan of api k3y5k3y5k3 stage dev"), "trace");
	expect(f, "GET", "/other/r", KEY, 403, NULL, "the plan does not cover the stage 'other'");
	expect(f, "GET", "/dev", NULL, 200, NULL, "a method without ApiKeyRequired needs no key");
}

static void test_throttle_and_quota(struct fx *f)
{
	long t0 = 1700000000000;

	fg_clock_set_fixed(&f->clock, t0);
	expect(f, "GET", "/dev/r", KEY, 200, NULL, "burst 1/3");
	ok(trace_has(f, "4 requests left this period"), "the trace counts the quota");
	expect(f, "GET", "/dev/r", KEY, 200, NULL, "burst 2/3");
	expect(f, "GET", "/dev/r", KEY, 200, NULL, "burst 3/3");
	expect(f, "GET", "/dev/r", KEY, 429, "{\"message\":\"Too Many Requests\"}",
	       "§1.5: over the burst with a fixed clock -> 429");
	is_str(rh(f, "x-amzn-ErrorType"), "TooManyRequestsException", "§1.5: ErrorType");
	fg_clock_set_fixed(&f->clock, t0 + 1000);
	expect(f, "GET", "/dev/r", KEY, 200, NULL, "one second later one token is back");
	fg_clock_set_fixed(&f->clock, t0 + 10000);
	expect(f, "POST", "/dev/r", KEY, 200, NULL, "the method throttle /r/POST (burst 1)");
	expect(f, "POST", "/dev/r", KEY, 429, NULL, "§1.5: the method throttle -> 429");
	ok(trace_has(f, "(method throttle)"), "the trace names the method throttle");
	fg_clock_set_fixed(&f->clock, t0 + 20000);
	expect(f, "GET", "/dev/r", KEY, 429, "{\"message\":\"Limit Exceeded\"}",
	       "§1.5: the sixth request of the DAY -> quota exceeded");
	is_str(rh(f, "x-amzn-ErrorType"), "LimitExceededException", "§1.5: ErrorType");
	fg_clock_set_fixed(&f->clock, t0 + 86400000);
	expect(f, "GET", "/dev/r", KEY, 200, NULL, "a new day, a new quota");
}

static void test_usage_units(void)
{
	struct apigw_usage *u = apigw_usage_new();
	struct apigw_plan p;
	struct apigw_key k;
	long left;
	int64_t sunday = 1700352000000; /* 2023-11-19 00:00 UTC, a Sunday */

	memset(&p, 0, sizeof(p));
	memset(&k, 0, sizeof(k));
	p.id = "p";
	k.id = "k";
	p.quota = 1;
	p.period = APIGW_PERIOD_WEEK;
	ok(apigw_usage_take(u, &p, &k, NULL, sunday - 1, &left) == APIGW_TAKE_OK && left == 0,
	   "Saturday night: the last request of the week");
	ok(apigw_usage_take(u, &p, &k, NULL, sunday - 1, &left) == APIGW_TAKE_QUOTA, "used up");
	ok(apigw_usage_take(u, &p, &k, NULL, sunday, &left) == APIGW_TAKE_OK,
	   "weeks start on Sunday (Offset 0)");
	p.offset = 1;
	p.id = "p1";
	ok(apigw_usage_take(u, &p, &k, NULL, sunday, &left) == APIGW_TAKE_OK &&
	   apigw_usage_take(u, &p, &k, NULL, sunday + 3600000, &left) == APIGW_TAKE_QUOTA &&
	   apigw_usage_take(u, &p, &k, NULL, sunday + 86400000, &left) == APIGW_TAKE_OK,
	   "Offset 1: weeks start on Monday");
	p.period = APIGW_PERIOD_MONTH;
	p.offset = 0;
	p.id = "pm";
	ok(apigw_usage_take(u, &p, &k, NULL, 1701388799000, &left) == APIGW_TAKE_OK &&
	   apigw_usage_take(u, &p, &k, NULL, 1701388799000, &left) == APIGW_TAKE_QUOTA &&
	   apigw_usage_take(u, &p, &k, NULL, 1701388800000, &left) == APIGW_TAKE_OK,
	   "months are calendar months (UTC)");
	apigw_usage_destroy(&u);
}

static void test_validation(void)
{
	struct fx f;

	fx_init(&f);
	ok(deploy(&f, "v", "{'Resources':{'K':{'Type':'AWS::ApiGateway::ApiKey','Properties':"
		  "{'Value':'short'}}}}") != 0 &&
	   strstr(f.err.message, "API Key value should be at least 20 characters") != NULL,
	   "a short key value: %s", f.err.message);
	ok(deploy(&f, "v", "{'Resources':{'P':{'Type':'AWS::ApiGateway::UsagePlan','Properties':"
		  "{'Quota':{'Limit':1,'Period':'YEAR'}}}}}") != 0 &&
	   strstr(f.err.message, "#/Quota/Period: YEAR is not a valid enum value") != NULL,
	   "a bad quota period: %s", f.err.message);
	ok(deploy(&f, "v", "{'Resources':{'P':{'Type':'AWS::ApiGateway::UsagePlanKey',"
		  "'Properties':{'KeyId':'nokey','KeyType':'API_KEY','UsagePlanId':'x'}}}}") != 0 &&
	   strstr(f.err.message, "Invalid API Key identifier specified") != NULL,
	   "an unknown key: %s", f.err.message);
	fx_fini(&f);
}

int main(void)
{
	struct fx f;

	fx_init(&f);
	if (deploy(&f, "k", KTPL) != 0)
		return 1;
	test_forbidden(&f);
	test_throttle_and_quota(&f);
	/* a redeploy keeps the counters; removing the plan forgets them */
	fg_clock_set_fixed(&f.clock, 1700000000000 + 86400000);
	ok(deploy(&f, "k", KTPL) == 0, "redeploy");
	send(&f, "GET", KHOST, "/dev/r", KEY, NULL);
	ok(trace_has(&f, "3 requests left"), "the counters survive a redeploy of the same plan");
	fx_fini(&f);
	test_usage_units();
	test_validation();
	return tap_done();
}
