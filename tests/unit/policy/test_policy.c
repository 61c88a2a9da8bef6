/*
 * Unit tests for the policy library: validation with IAM's MalformedPolicyDocument wording
 * (and the statement / element the error names), and evaluation of one document — actions and
 * resources with wildcards, NotAction/NotResource, Principal/NotPrincipal for users, roles,
 * sessions, accounts and anonymous callers, every condition operator with IfExists and the
 * set prefixes, IPv4/IPv6 CIDR blocks, policy variables, explicit deny, and the explanation.
 */
#include <stdlib.h>

#include "policy/policy.h"
#include "tap.h"

#define ACCT "123456789012"
#define API "arn:aws:execute-api:us-east-1:" ACCT ":a1b2c3d4e5"
#define USER_ARN "arn:aws:iam::" ACCT ":user/alice"
#define ROLE_ARN "arn:aws:iam::" ACCT ":role/app/reader"
#define SESS_ARN "arn:aws:sts::" ACCT ":assumed-role/reader/s1"

static struct fg_arena *arena;

/* ----------------------------------------------------------------- helpers */

/* Validates JSON text as kind; returns the error (message "" when valid). */
static struct policy_error verr(enum policy_kind kind, const char *json)
{
	struct policy_error e;
	cJSON *doc = policy_parse(json, kind, &e);

	if (doc != NULL) {
		if (policy_validate(doc, kind, &e) == 0)
			e.message[0] = '\0';
		cJSON_Delete(doc);
	}
	return e;
}

#define VALID(kind, json, name) \
	do { struct policy_error e_ = verr(kind, json); \
	     ok(e_.message[0] == '\0', "%s (%s: %s)", name, e_.message, e_.detail); } while (0)

#define INVALID(kind, json, msg, path, name) \
	do { struct policy_error e_ = verr(kind, json); \
	     is_str(e_.message, msg, "%s: message", name); \
	     is_str(e_.where, path, "%s: element (%s)", name, e_.detail); } while (0)

/* A statement list wrapped in an identity policy. */
#define ID_DOC(stmts) "{\"Version\":\"2012-10-17\",\"Statement\":[" stmts "]}"
#define OK_BODY "\"Effect\":\"Allow\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"*\"}"
#define OK_STMT "{" OK_BODY

static const struct policy_caller anonymous = { NULL, NULL, NULL };
static const struct policy_caller alice = { ACCT, USER_ARN, NULL };
static const struct policy_caller session = { ACCT, SESS_ARN, ROLE_ARN };

struct req {
	const char *action, *resource;
	struct policy_caller caller;
	struct policy_key keys[8];
	size_t nkeys;
	int64_t now_ms;
};

static struct policy_result eval_kind(const char *json, enum policy_kind kind,
				      const struct req *r)
{
	struct policy_request pr = {
		.action = r->action ? r->action : "execute-api:Invoke",
		.resource = r->resource ? r->resource : API "/dev/GET/pets",
		.caller = r->caller, .keys = r->keys, .nkeys = r->nkeys,
		.now_ms = r->now_ms ? r->now_ms : 1767225600000LL, /* 2026-01-01T00:00:00Z */
	};
	struct policy_result out;
	cJSON *doc = cJSON_Parse(json);

	FG_ASSERT(doc != NULL);
	policy_evaluate(doc, kind, &pr, arena, &out);
	cJSON_Delete(doc);
	return out;
}

static enum policy_effect eval(const char *json, const struct req *r)
{
	return eval_kind(json, POLICY_IDENTITY, r).effect;
}

/* One condition block on an Allow-everything identity statement. */
static enum policy_effect cond(const char *block, const struct req *r)
{
	char doc[2048];

	snprintf(doc, sizeof(doc), ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":"
		 "\"*\",\"Condition\":%s}"), block);
	return eval(doc, r);
}

#define V(...) ((const char *const[]){ __VA_ARGS__ })
#define KEY(name, ...) { name, V(__VA_ARGS__), sizeof(V(__VA_ARGS__)) / sizeof(char *) }

#define ALLOW POLICY_ALLOW
#define NA POLICY_NOT_APPLICABLE
#define DENY POLICY_DENY

/* -------------------------------------------------------------- validation */

static void test_validate_document(void)
{
	struct policy_error e;
	char text[800];

	VALID(POLICY_IDENTITY, ID_DOC(OK_STMT), "a plain identity policy is valid");
	VALID(POLICY_IDENTITY, "{\"Version\":\"2012-10-17\",\"Statement\":" OK_STMT "}",
	      "Statement may be a single object");
	INVALID(POLICY_IDENTITY, "{\"Version\":\"2012-10-17\",\"Statement\":[", "Syntax errors in "
		"policy.", "", "JSON that does not parse (identity)");
	INVALID(POLICY_TRUST, "{not json", "This policy contains invalid Json", "",
		"JSON that does not parse (trust policy)");
	INVALID(POLICY_IDENTITY, "[1]", "Syntax errors in policy.", "", "a document that is a list");
	INVALID(POLICY_IDENTITY, "{\"Version\":\"2012-10-17\",\"Statement\":[" OK_STMT "],"
		"\"Extra\":1}", "Syntax errors in policy.", "Extra", "unknown top-level element");
	INVALID(POLICY_IDENTITY, "{\"Version\":\"2012-10-17\"}", "Syntax errors in policy.",
		"Statement", "no Statement");
	INVALID(POLICY_IDENTITY, "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
		"Syntax errors in policy.", "Statement", "an empty Statement list");
	INVALID(POLICY_TRUST, "{\"Version\":\"2012-10-17\",\"Statement\":[]}",
		"Could not parse the policy: Statement is empty!", "Statement",
		"an empty trust policy");
	INVALID(POLICY_IDENTITY, "{\"Version\":\"2013-01-01\",\"Statement\":[" OK_STMT "]}",
		"Syntax errors in policy.", "Version", "an unknown Version");
	INVALID(POLICY_IDENTITY, "{\"Statement\":[" OK_STMT "]}", "Policy document must be "
		"version 2012-10-17 or greater.", "Version", "an identity policy without Version");
	INVALID(POLICY_IDENTITY, "{\"Version\":\"2008-10-17\",\"Statement\":[" OK_STMT "]}",
		"Policy document must be version 2012-10-17 or greater.", "Version",
		"an identity policy with the 2008 Version");
	VALID(POLICY_RESOURCE, "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
	      "\"Action\":\"execute-api:Invoke\",\"Resource\":\"execute-api:/*\"}]}",
	      "a resource policy needs no Version and may use the execute-api:/ shorthand");

	e = verr(POLICY_IDENTITY, ID_DOC(OK_STMT ",{\"Sid\":\"Second\",\"Effect\":\"Allow\","
				     "\"Actions\":\"s3:*\",\"Resource\":\"*\"}"));
	policy_error_text(&e, text, sizeof(text));
	is_str(text, "Syntax errors in policy. (Statement[1].Actions (Sid Second): Actions is "
	       "not a statement element (Sid, Effect, Principal, NotPrincipal, Action, NotAction, "
	       "Resource, NotResource, Condition))", "the error text names statement, Sid, "
	       "element and reason");
	is_int(e.statement, 1, "the error carries the statement index");
	is_str(e.sid, "Second", "and its Sid");
}

static void test_validate_statements(void)
{
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Permit\",\"Action\":\"s3:*\","
					"\"Resource\":\"*\"}"), "Syntax errors in policy.",
		"Statement[0].Effect", "Effect Permit");
	INVALID(POLICY_IDENTITY, "{\"Version\":\"2012-10-17\",\"Statement\":{\"Action\":\"s3:*\","
		"\"Resource\":\"*\"}}", "Syntax errors in policy.", "Statement.Effect",
		"no Effect (single statement object: path without index)");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"allow\",\"Action\":\"s3:*\","
					"\"Resource\":\"*\"}"), "The policy failed legacy parsing",
		"Statement[0].Effect", "Effect is case-sensitive");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
					"\"NotAction\":\"s3:Get*\",\"Resource\":\"*\"}"),
		"Syntax errors in policy.", "Statement[0].NotAction", "Action and NotAction");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":[\"s3:*\",3],"
					"\"Resource\":\"*\"}"), "Syntax errors in policy.",
		"Statement[0].Action", "an Action list with a number");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Principal\":\"*\","
					"\"Action\":\"s3:*\",\"Resource\":\"*\"}"),
		"Policy document should not specify a principal.", "Statement[0].Principal",
		"Principal in an identity policy");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Resource\":\"*\"}"),
		"Policy statement must contain actions.", "Statement[0].NotAction", "no Action");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}"),
		"Policy statement must contain actions.", "Statement[0].Action",
		"an empty Action list");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}"),
		"Policy statement must contain resources.", "Statement[0].NotResource",
		"no Resource");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"Invoke\","
					"\"Resource\":\"*\"}"), "Actions/Conditions must be "
		"prefaced by a vendor, e.g., iam, sdb, ec2, etc.", "Statement[0].Action",
		"an action without a service prefix");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"execute-api:a:b\","
					"\"Resource\":\"*\"}"), "Actions/Condition can contain "
		"only one colon.", "Statement[0].Action", "two colons in an action");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"exec api:Invoke\","
					"\"Resource\":\"*\"}"), "Vendor exec api is not valid",
		"Statement[0].Action", "a vendor with a space");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
					"\"Resource\":\"bucket\"}"), "Resource bucket must be in "
		"ARN format or \"*\".", "Statement[0].Resource", "a resource that is not an ARN");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
					"\"Resource\":\"arn:aws-cn:s3:::b\"}"), "Partition "
		"\"aws-cn\" is not valid for resource \"arn:aws-cn:s3:::b\".",
		"Statement[0].Resource", "another partition");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
					"\"Resource\":\"arn:aws:s*:::b\"}"), "Resource vendor must "
		"be fully qualified and cannot contain regexes.", "Statement[0].Resource",
		"a wildcard in the resource's service");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Sid\":\"A1\"," OK_BODY ",{\"Sid\":\"A1\","
					OK_BODY), "Statement IDs (SID) in a single policy must "
		"be unique.", "Statement[0].Sid", "a repeated Sid");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Sid\":\"Allow-Invoke\"," OK_BODY),
		"Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
		"regular expression [0-9A-Za-z]*", "Statement[0].Sid",
		"a Sid with a hyphen in an identity policy");
	VALID(POLICY_RESOURCE, "{\"Statement\":[{\"Sid\":\"Allow from VPC\",\"Effect\":\"Allow\","
	      "\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"*\"}]}",
	      "resource policies allow any Sid text");
}

static void test_validate_conditions(void)
{
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":"
					"\"*\",\"Condition\":{\"StringEqualz\":{\"aws:UserAgent\":"
					"\"x\"}}}"), "Syntax errors in policy.",
		"Statement[0].Condition.StringEqualz", "an unknown condition operator");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":"
					"\"*\",\"Condition\":{\"NullIfExists\":{\"aws:UserAgent\":"
					"\"true\"}}}"), "Syntax errors in policy.",
		"Statement[0].Condition.NullIfExists", "IfExists cannot go on Null");
	VALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":"
				      "\"*\",\"Condition\":{\"ForAllValues:StringNotLikeIfExists\":"
				      "{\"aws:TagKeys\":[\"a*\",\"b\"]},\"Bool\":{\"aws:SecureTransport"
				      "\":true},\"NumericLessThan\":{\"s3:max-keys\":10}}}"),
	      "set prefix + IfExists, boolean and number values are valid");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":"
					"\"*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":"
					"[\"10.0.0.0/8\",\"10.0.0.0/33\"]}}}"),
		"Syntax errors in policy.", "Statement[0].Condition.IpAddress.aws:SourceIp",
		"a CIDR block with too many bits");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":"
					"\"*\",\"Condition\":{\"DateLessThan\":{\"aws:CurrentTime\":"
					"\"next tuesday\"}}}"), "The policy failed legacy parsing",
		"Statement[0].Condition.DateLessThan.aws:CurrentTime", "a date that is not one");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":"
					"\"*\",\"Condition\":{\"StringEquals\":{\"SourceVpce\":"
					"\"v\"}}}"), "Actions/Conditions must be prefaced by a vendor, "
		"e.g., iam, sdb, ec2, etc.", "Statement[0].Condition.StringEquals.SourceVpce",
		"a condition key without a prefix");
	INVALID(POLICY_IDENTITY, ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":"
					"\"*\",\"Condition\":{\"StringEquals\":{\"aws:x\":{\"a\":1}}}}"),
		"Syntax errors in policy.", "Statement[0].Condition.StringEquals.aws:x",
		"a condition value that is an object");
}

static void test_validate_principals(void)
{
	const char *trust_ok = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
			       "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":"
			       "\"sts:AssumeRole\"}]}";

	VALID(POLICY_TRUST, trust_ok, "a service trust policy is valid");
	INVALID(POLICY_TRUST, "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\""
		"}]}", "Missing required field Principal", "Statement[0]",
		"a trust policy without Principal");
	INVALID(POLICY_TRUST, "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{},\"Action\":"
		"\"sts:AssumeRole\"}]}", "Missing required field Principal cannot be empty!",
		"Statement[0].Principal", "an empty Principal");
	INVALID(POLICY_TRUST, "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
		"\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}", "Has prohibited field "
		"Resource", "Statement[0].Resource", "Resource in a trust policy");
	INVALID(POLICY_TRUST, "{\"Statement\":[{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":"
		"\"*\"},\"Action\":\"sts:AssumeRole\"}]}", "Allow with NotPrincipal is not "
		"allowed.", "Statement[0].NotPrincipal", "Allow + NotPrincipal in a trust policy");
	INVALID(POLICY_TRUST, "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},"
		"\"Action\":\"s3:GetObject\"}]}", "AssumeRole policy may only specify STS "
		"AssumeRole actions.", "Statement[0].Action", "a trust policy with an s3 action");
	INVALID(POLICY_RESOURCE, "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
		"[\"" ACCT "\",\"arn:aws:iam::" ACCT ":role/*\"]},\"Action\":\"execute-api:Invoke\","
		"\"Resource\":\"*\"}]}", "Invalid principal in policy: \"AWS\":\"arn:aws:iam::" ACCT
		":role/*\"", "Statement[0].Principal", "a wildcard inside a principal ARN");
	INVALID(POLICY_RESOURCE, "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"alice\","
		"\"Action\":\"execute-api:Invoke\",\"Resource\":\"*\"}]}", "Invalid principal in "
		"policy", "Statement[0].Principal", "a principal string other than *");
	VALID(POLICY_RESOURCE, "{\"Statement\":[{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":["
	      "\"" SESS_ARN "\",\"" ROLE_ARN "\",\"arn:aws:iam::" ACCT ":root\"]},\"Action\":"
	      "\"execute-api:Invoke\",\"Resource\":\"*\"}]}",
	      "NotPrincipal with session, role and account ARNs is valid");
}

/* -------------------------------------------------------------- evaluation */

static void test_actions_resources(void)
{
	struct req r = { .caller = alice };
	const char *inv = ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"execute-api:Inv?ke\","
				 "\"Resource\":\"" API "/*/GET/*\"}");

	is_int(eval(inv, &r), ALLOW, "execute-api:Inv?ke and .../*/GET/* allow GET /pets");
	r.action = "EXECUTE-API:invoke";
	is_int(eval(inv, &r), ALLOW, "actions compare case-insensitively");
	r.action = NULL;
	r.resource = API "/dev/get/pets";
	is_int(eval(inv, &r), NA, "resources compare case-sensitively");
	r.resource = API "/dev/POST/pets";
	is_int(eval(inv, &r), NA, "GET does not match POST");
	r.resource = API "/prod/GET/pets/1/photos";
	is_int(eval(inv, &r), ALLOW, "* spans slashes");
	r.resource = NULL;
	r.action = "execute-api:ManageConnections";
	is_int(eval(inv, &r), NA, "? stands for exactly one character");
	r.action = NULL;
	is_int(eval(ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":"
			   "\"arn:aws:execute-api:*\"}"), &r), ALLOW,
	       "arn:aws:execute-api:* covers every API");
	is_int(eval(ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"execute-api:Invoke\",\"Resource\":"
			   "\"" API "/dev/GET/pet?\"}"), &r), ALLOW, "? in a resource");
	is_int(eval(ID_DOC("{\"Effect\":\"Allow\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}"), &r),
	       ALLOW, "NotAction s3:* applies to execute-api:Invoke");
	r.action = "s3:GetObject";
	is_int(eval(ID_DOC("{\"Effect\":\"Allow\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}"), &r),
	       NA, "NotAction s3:* does not apply to s3:GetObject");
	r.action = NULL;
	is_int(eval(ID_DOC("{\"Effect\":\"Deny\",\"Action\":\"*\",\"NotResource\":\"" API
			   "/dev/*\"}"), &r), NA, "NotResource excludes dev");
	r.resource = API "/prod/GET/pets";
	is_int(eval(ID_DOC("{\"Effect\":\"Deny\",\"Action\":\"*\",\"NotResource\":\"" API
			   "/dev/*\"}"), &r), DENY, "NotResource denies everything else");
}

static void test_explicit_deny_and_explain(void)
{
	struct req r = { .caller = alice, .keys = { KEY("aws:SourceVpce", "vpce-2") },
			 .nkeys = 1 };
	const char *doc = "{\"Version\":\"2012-10-17\",\"Statement\":["
			  "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
			  "\"execute-api:Invoke\",\"Resource\":\"" API "/*\"},"
			  "{\"Sid\":\"DenyOutsideVpce\",\"Effect\":\"Deny\",\"Principal\":\"*\","
			  "\"Action\":\"execute-api:Invoke\",\"Resource\":\"" API "/*\","
			  "\"Condition\":{\"StringNotEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}}]}";
	struct policy_result res = eval_kind(doc, POLICY_RESOURCE, &r);

	is_int(res.effect, DENY, "the Deny statement wins over the Allow before it");
	is_int(res.statement, 1, "statement 1 decided");
	is_str(res.sid, "DenyOutsideVpce", "its Sid");
	is_str(res.explain, "statement 1 (Sid DenyOutsideVpce) denies: condition StringNotEquals "
	       "aws:SourceVpce [vpce-1] matched value vpce-2", "the explanation");
	r.keys[0].values = V("vpce-1");
	res = eval_kind(doc, POLICY_RESOURCE, &r);
	is_int(res.effect, ALLOW, "from vpce-1 the Allow decides");
	is_int(res.statement, 0, "statement 0");
	ok(res.sid == NULL, "a statement without Sid has none");
	is_str(res.explain, "statement 0 allows: action execute-api:Invoke matched "
	       "execute-api:Invoke, resource matched " API "/*", "the Allow's explanation");
	r.caller = anonymous;
	r.nkeys = 0;
	res = eval_kind(doc, POLICY_RESOURCE, &r);
	is_int(res.effect, DENY, "no aws:SourceVpce at all: StringNotEquals holds, denied");
	is_str(res.explain, "statement 1 (Sid DenyOutsideVpce) denies: condition StringNotEquals "
	       "aws:SourceVpce [vpce-1] matched: aws:SourceVpce absent from the request",
	       "an absent key is named");

	r = (struct req){ .caller = alice, .action = "s3:GetObject" };
	res = eval_kind(ID_DOC("{\"Sid\":\"Get\",\"Effect\":\"Allow\",\"Action\":\"s3:Get*\","
			       "\"Resource\":\"arn:aws:s3:::b/*\"},{\"Effect\":\"Allow\",\"Action\":"
			       "\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"IpAddress\":"
			       "{\"aws:SourceIp\":\"10.0.0.0/8\"}}}"), POLICY_IDENTITY, &r);
	is_int(res.effect, NA, "nothing applies");
	is_int(res.statement, -1, "no deciding statement");
	is_str(res.explain, "no statement applies: statement 0 (Sid Get): resource " API
	       "/dev/GET/pets is not matched by Resource [arn:aws:s3:::b/*]; statement 1: "
	       "condition IpAddress aws:SourceIp [10.0.0.0/8] did not match: aws:SourceIp "
	       "absent from the request", "why each statement did not apply");
	r.action = NULL;
	res = eval_kind(ID_DOC("{\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\",\"s3:Put*\"],"
			       "\"Resource\":\"*\"}"), POLICY_IDENTITY, &r);
	is_str(res.explain, "no statement applies: statement 0: action execute-api:Invoke is not "
	       "in Action [s3:Get*, s3:Put*]", "an action not listed");
	res = eval_kind("{\"Version\":\"2012-10-17\"}", POLICY_IDENTITY, &r);
	is_int(res.effect, NA, "a document without statements applies to nothing");
}

static void test_string_conditions(void)
{
	struct req r = { .keys = { KEY("aws:UserAgent", "curl/8.0"), KEY("aws:TagKeys", "a", "b"),
				   KEY("aws:SourceVpc", "vpc-1") }, .nkeys = 3 };

	is_int(cond("{\"StringEquals\":{\"aws:UserAgent\":\"curl/8.0\"}}", &r), ALLOW,
	       "StringEquals");
	is_int(cond("{\"StringEquals\":{\"aws:UserAgent\":\"CURL/8.0\"}}", &r), NA,
	       "StringEquals is case-sensitive");
	is_int(cond("{\"StringEquals\":{\"AWS:USERAGENT\":\"curl/8.0\"}}", &r), ALLOW,
	       "condition keys are case-insensitive");
	is_int(cond("{\"StringEquals\":{\"aws:UserAgent\":[\"wget\",\"curl/8.0\"]}}", &r), ALLOW,
	       "several values: any one");
	is_int(cond("{\"StringNotEquals\":{\"aws:UserAgent\":\"wget\"}}", &r), ALLOW,
	       "StringNotEquals");
	is_int(cond("{\"StringNotEquals\":{\"aws:UserAgent\":[\"wget\",\"curl/8.0\"]}}", &r), NA,
	       "StringNotEquals: none of the values");
	is_int(cond("{\"StringNotEquals\":{\"aws:Referer\":\"x\"}}", &r), ALLOW,
	       "StringNotEquals on an absent key holds");
	is_int(cond("{\"StringEqualsIgnoreCase\":{\"aws:UserAgent\":\"CURL/8.0\"}}", &r), ALLOW,
	       "StringEqualsIgnoreCase");
	is_int(cond("{\"StringNotEqualsIgnoreCase\":{\"aws:UserAgent\":\"CURL/8.0\"}}", &r), NA,
	       "StringNotEqualsIgnoreCase");
	is_int(cond("{\"StringLike\":{\"aws:UserAgent\":\"curl/*\"}}", &r), ALLOW, "StringLike *");
	is_int(cond("{\"StringLike\":{\"aws:UserAgent\":\"curl/?.0\"}}", &r), ALLOW,
	       "StringLike ?");
	is_int(cond("{\"StringLike\":{\"aws:UserAgent\":\"Curl/*\"}}", &r), NA,
	       "StringLike is case-sensitive");
	is_int(cond("{\"StringNotLike\":{\"aws:UserAgent\":\"wget*\"}}", &r), ALLOW,
	       "StringNotLike");
	is_int(cond("{\"StringNotLike\":{\"aws:UserAgent\":\"curl*\"}}", &r), NA,
	       "StringNotLike excluded");
	is_int(cond("{\"StringLike\":{\"aws:Referer\":\"*\"}}", &r), NA,
	       "StringLike * on an absent key is false");
	is_int(cond("{\"StringEqualsIfExists\":{\"aws:Referer\":\"x\"}}", &r), ALLOW,
	       "IfExists: absent key holds");
	is_int(cond("{\"StringEqualsIfExists\":{\"aws:UserAgent\":\"wget\"}}", &r), NA,
	       "IfExists: a present key is checked");
	is_int(cond("{\"StringEquals\":{\"aws:UserAgent\":\"curl/8.0\",\"aws:SourceVpc\":"
		    "\"vpc-2\"}}", &r), NA, "two keys under one operator: both must hold");
	is_int(cond("{\"StringEquals\":{\"aws:UserAgent\":\"curl/8.0\"},\"StringLike\":"
		    "{\"aws:SourceVpc\":\"vpc-*\"}}", &r), ALLOW, "two operators: both hold");
	is_int(cond("{\"StringEquals\":{\"aws:UserAgent\":\"curl/8.0\"},\"StringLike\":"
		    "{\"aws:SourceVpc\":\"vpce-*\"}}", &r), NA, "two operators: one fails");
	is_int(cond("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"b\",\"z\"]}}", &r), ALLOW,
	       "ForAnyValue: one request value is enough");
	is_int(cond("{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":\"z\"}}", &r), NA,
	       "ForAnyValue: none matches");
	is_int(cond("{\"ForAnyValue:StringEquals\":{\"aws:Missing\":\"z\"}}", &r), NA,
	       "ForAnyValue on an absent key is false");
	is_int(cond("{\"ForAllValues:StringLike\":{\"aws:TagKeys\":[\"a\",\"b\"]}}", &r), ALLOW,
	       "ForAllValues: every request value is listed");
	is_int(cond("{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":\"a\"}}", &r), NA,
	       "ForAllValues: b is not listed");
	is_int(cond("{\"ForAllValues:StringEquals\":{\"aws:Missing\":\"a\"}}", &r), ALLOW,
	       "ForAllValues on an absent key holds");
	is_int(cond("{\"ForAnyValue:StringNotEquals\":{\"aws:TagKeys\":\"a\"}}", &r), ALLOW,
	       "ForAnyValue:StringNotEquals: b differs");
	is_int(cond("{\"ForAllValues:StringNotEquals\":{\"aws:TagKeys\":\"a\"}}", &r), NA,
	       "ForAllValues:StringNotEquals: a is listed");
	is_int(cond("{\"BinaryEquals\":{\"aws:UserAgent\":\"curl/8.0\"}}", &r), ALLOW,
	       "BinaryEquals compares the text");
	is_int(cond("{\"Null\":{\"aws:Referer\":\"true\"}}", &r), ALLOW, "Null true: absent");
	is_int(cond("{\"Null\":{\"aws:UserAgent\":\"true\"}}", &r), NA, "Null true: present");
	is_int(cond("{\"Null\":{\"aws:UserAgent\":false}}", &r), ALLOW, "Null false: present");
	is_int(cond("{\"StringEqualz\":{\"aws:UserAgent\":\"x\"}}", &r), NA,
	       "an unknown operator never applies");
}

static void test_other_conditions(void)
{
	struct req r = { .keys = { KEY("aws:SecureTransport", "true"), KEY("s3:max-keys", "10"),
				   KEY("aws:SourceArn", "arn:aws:sns:us-east-1:" ACCT ":topic"),
				   KEY("aws:MultiFactorAuthAge", "3600") }, .nkeys = 4 };

	is_int(cond("{\"Bool\":{\"aws:SecureTransport\":true}}", &r), ALLOW, "Bool true");
	is_int(cond("{\"Bool\":{\"aws:SecureTransport\":\"false\"}}", &r), NA, "Bool false");
	is_int(cond("{\"NumericEquals\":{\"s3:max-keys\":10}}", &r), ALLOW, "NumericEquals");
	is_int(cond("{\"NumericNotEquals\":{\"s3:max-keys\":\"10\"}}", &r), NA,
	       "NumericNotEquals");
	is_int(cond("{\"NumericLessThan\":{\"s3:max-keys\":11}}", &r), ALLOW, "NumericLessThan");
	is_int(cond("{\"NumericLessThan\":{\"s3:max-keys\":10}}", &r), NA,
	       "NumericLessThan is strict");
	is_int(cond("{\"NumericLessThanEquals\":{\"s3:max-keys\":10}}", &r), ALLOW,
	       "NumericLessThanEquals");
	is_int(cond("{\"NumericGreaterThan\":{\"s3:max-keys\":9.5}}", &r), ALLOW,
	       "NumericGreaterThan with a decimal");
	is_int(cond("{\"NumericGreaterThanEquals\":{\"s3:max-keys\":11}}", &r), NA,
	       "NumericGreaterThanEquals");
	is_int(cond("{\"NumericLessThanIfExists\":{\"aws:Nope\":1}}", &r), ALLOW,
	       "NumericLessThanIfExists on an absent key");
	/* now = 2026-01-01T00:00:00Z */
	is_int(cond("{\"DateLessThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:01Z\"}}", &r),
	       ALLOW, "DateLessThan: aws:CurrentTime comes from the clock");
	is_int(cond("{\"DateLessThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\"}}", &r), NA,
	       "DateLessThan is strict");
	is_int(cond("{\"DateLessThanEquals\":{\"aws:CurrentTime\":\"2026-01-01\"}}", &r), ALLOW,
	       "a date alone is midnight UTC");
	is_int(cond("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2025-12-31T23:00:00-02:00\"}}",
		    &r), NA, "an offset is applied (01:00Z is later than now)");
	is_int(cond("{\"DateGreaterThanEquals\":{\"aws:CurrentTime\":1767225600}}", &r), ALLOW,
	       "epoch seconds as a date");
	is_int(cond("{\"DateEquals\":{\"aws:EpochTime\":\"2026-01-01T00:00:00Z\"}}", &r), ALLOW,
	       "aws:EpochTime compared as a date");
	is_int(cond("{\"DateNotEquals\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00.000Z\"}}", &r),
	       NA, "DateNotEquals");
	is_int(cond("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:sns:*:" ACCT ":*\"}}", &r), ALLOW,
	       "ArnLike with wildcards per part");
	is_int(cond("{\"ArnEquals\":{\"aws:SourceArn\":\"arn:aws:sns:us-east-1:" ACCT
		    ":topic\"}}", &r), ALLOW, "ArnEquals");
	is_int(cond("{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:*:" ACCT ":topic\"}}", &r), NA,
	       "a * in one ARN part does not swallow the colons of the next");
	is_int(cond("{\"ArnNotEquals\":{\"aws:SourceArn\":\"arn:aws:sns:us-east-1:" ACCT
		    ":other\"}}", &r), ALLOW, "ArnNotEquals");
	is_int(cond("{\"ArnNotLike\":{\"aws:SourceArn\":\"arn:aws:sns:*:*:*\"}}", &r), NA,
	       "ArnNotLike");
}

static void test_ip_conditions(void)
{
	struct req r = { .keys = { KEY("aws:SourceIp", "203.0.113.7") }, .nkeys = 1 };

	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}", &r), ALLOW,
	       "IPv4 /24 contains the address");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.112.0/24\"}}", &r), NA,
	       "IPv4 /24 next door");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/29\"}}", &r), ALLOW,
	       "IPv4 /29 (bits inside a byte)");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.8/29\"}}", &r), NA,
	       "IPv4 /29 next block");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.7\"}}", &r), ALLOW,
	       "a single address is a /32");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}", &r), ALLOW,
	       "0.0.0.0/0 contains every IPv4 address");
	is_int(cond("{\"NotIpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"192.168.0.0/16\"]}}",
		    &r), ALLOW, "NotIpAddress outside both blocks");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"::/0\"}}", &r), NA,
	       "an IPv6 block does not contain an IPv4 address");
	r.keys[0].values = V("2001:db8:85a3::8a2e:370:7334");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"}}", &r), ALLOW,
	       "IPv6 /32 contains the address");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"2001:db9::/32\"}}", &r), NA,
	       "IPv6 /32 next door");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8:85a3::/49\"}}", &r), ALLOW,
	       "IPv6 /49");
	is_int(cond("{\"NotIpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"}}", &r), NA,
	       "NotIpAddress IPv6");
	r.keys[0].values = V("not-an-ip");
	is_int(cond("{\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}", &r), NA,
	       "a request value that is not an address matches nothing");
}

static void test_principals(void)
{
	char doc[1024];
	struct req r = { 0 };
	struct policy_result res;
	const char *entries[] = { "\"*\"", "{\"AWS\":\"*\"}", "{\"AWS\":\"" ACCT "\"}",
				  "{\"AWS\":\"arn:aws:iam::" ACCT ":root\"}",
				  "{\"AWS\":\"" USER_ARN "\"}", "{\"AWS\":\"" ROLE_ARN "\"}",
				  "{\"AWS\":\"" SESS_ARN "\"}", "{\"AWS\":\"210987654321\"}" };
	/* expected for anonymous, alice, the session; 2 = allowed through the account */
	const int want[][3] = { { 1, 1, 1 }, { 1, 1, 1 }, { 0, 2, 2 }, { 0, 2, 2 },
				{ 0, 1, 0 }, { 0, 0, 1 }, { 0, 0, 1 }, { 0, 0, 0 } };
	const struct policy_caller *callers[] = { &anonymous, &alice, &session };
	const char *names[] = { "anonymous", "alice", "a session of app/reader" };

	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":%s,"
			 "\"Action\":\"execute-api:Invoke\",\"Resource\":\"*\"}]}", entries[i]);
		for (int c = 0; c < 3; c++) {
			r.caller = *callers[c];
			res = eval_kind(doc, POLICY_RESOURCE, &r);
			is_int(res.effect, want[i][c] ? ALLOW : NA, "Principal %s, caller %s",
			       entries[i], names[c]);
			if (want[i][c])
				is_int(res.account_principal, want[i][c] == 2, "  through the "
				       "account: %s", want[i][c] == 2 ? "yes" : "no");
		}
	}
	r.caller = alice;
	res = eval_kind("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" ROLE_ARN
			"\"},\"Action\":\"*\",\"Resource\":\"*\"}]}", POLICY_RESOURCE, &r);
	is_str(res.explain, "no statement applies: statement 0: principal " USER_ARN " is not "
	       "in Principal [" ROLE_ARN "]", "the principal that did not match is named");
	res = eval_kind("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":"
			"\"*\"}]}", POLICY_IDENTITY, &r);
	is_int(res.effect, ALLOW, "identity policies ignore principals");
}

static void test_not_principal(void)
{
	char doc[1024];
	struct req r = { 0 };
	const char *lists[] = {
		"\"" USER_ARN "\",\"arn:aws:iam::" ACCT ":root\"",
		"\"" USER_ARN "\"",
		"\"" SESS_ARN "\",\"" ROLE_ARN "\",\"" ACCT "\"",
		"\"" SESS_ARN "\",\"" ACCT "\"",
	};
	/* for alice, the session, anonymous: 1 = denied */
	const int denied[][3] = { { 0, 1, 1 }, { 1, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 } };
	const struct policy_caller *callers[] = { &alice, &session, &anonymous };

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		snprintf(doc, sizeof(doc), "{\"Statement\":[{\"Effect\":\"Deny\",\"NotPrincipal\":"
			 "{\"AWS\":[%s]},\"Action\":\"*\",\"Resource\":\"*\"}]}", lists[i]);
		for (int c = 0; c < 3; c++) {
			r.caller = *callers[c];
			is_int(eval_kind(doc, POLICY_RESOURCE, &r).effect, denied[i][c] ? DENY : NA,
			       "Deny NotPrincipal [%s], caller %d", lists[i], c);
		}
	}
}

static void test_policy_variables(void)
{
	struct req r = { .caller = alice, .keys = { KEY("aws:username", "bob") }, .nkeys = 1 };
	const char *mine = ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"" API
				  "/*/GET/users/${aws:username}\"}");
	const char *dflt = ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"" API
				  "/*/GET/users/${aws:userid, 'anon''s'}\"}");
	const char *star = ID_DOC("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"" API
				  "/*/GET/files/${*}\"}");

	r.resource = API "/dev/GET/users/bob";
	is_int(eval(mine, &r), ALLOW, "${aws:username} is the caller's name");
	r.resource = API "/dev/GET/users/alice";
	is_int(eval(mine, &r), NA, "someone else's path");
	r.nkeys = 0;
	r.resource = API "/dev/GET/users/${aws:username}";
	is_int(eval(mine, &r), NA, "an unresolvable variable matches nothing (not even itself)");
	r.resource = API "/dev/GET/users/anon's";
	is_int(eval(dflt, &r), ALLOW, "a default value, with '' for a quote");
	r.resource = API "/dev/GET/files/*";
	is_int(eval(star, &r), ALLOW, "${*} is a literal star");
	r.resource = API "/dev/GET/files/x";
	is_int(eval(star, &r), NA, "${*} is not a wildcard");
	r.resource = API "/dev/GET/users/${aws:username}";
	is_int(eval("{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
		    "\"*\",\"Resource\":\"" API "/*/GET/users/${aws:username}\"}]}", &r), ALLOW,
	       "Version 2008-10-17 has no variables: the text is literal");
	r.resource = NULL;
	r.keys[0] = (struct policy_key)KEY("aws:PrincipalArn", USER_ARN);
	r.keys[1] = (struct policy_key)KEY("aws:username", "alice");
	r.nkeys = 2;
	is_int(cond("{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:user/${aws:username}\"}}",
		    &r), ALLOW, "a variable in a condition value");
}

int main(void)
{
	arena = fg_arena_new(0);
	test_validate_document();
	test_validate_statements();
	test_validate_conditions();
	test_validate_principals();
	test_actions_resources();
	test_explicit_deny_and_explain();
	test_string_conditions();
	test_other_conditions();
	test_ip_conditions();
	test_principals();
	test_not_principal();
	test_policy_variables();
	fg_arena_destroy(&arena);
	return tap_done();
}
