/*
 * Unit tests for the IAM service: the AWS::IAM::* types deployed through the stack deployer
 * (IAM's validation messages, MalformedPolicyDocument naming resource, property and element,
 * AWS-shaped deterministic ids, pinned keys), the identity interface's key lookup statuses
 * (unknown, inactive, session token missing / wrong / expired on the given clock), and the
 * identity policies collected for users (inline, managed, groups) and role sessions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfn/cfn.h"
#include "iam/iam.h"
#include "policy/policy.h"
#include "tap.h"

#define ACCT "123456789012"

/* ---------------------------------------------------------------- harness */

struct h {
	struct stack_registry *reg;
	struct iam *iam;
	struct stack_world *w;
	struct fg_arena *a;
	cJSON *doc;              /* the last deployed stack document */
};

static const struct stack_defaults defaults = { ACCT, "us-east-1" };

static void h_publish(struct h *h, struct stack_world *next)
{
	const struct fg_service *svc = iam_service(h->iam);
	struct fg_err e;
	void *view;

	fg_err_clear(&e);
	view = svc->compile(svc->self, next, &e);
	FG_ASSERT(view != NULL);
	stack_world_set_slot(next, 0, view, svc->release);
	stack_world_rel(&h->w);
	h->w = next;
}

static void h_init(struct h *h)
{
	struct iam_deps d = { NULL };

	memset(h, 0, sizeof(*h));
	h->iam = iam_new(&d);
	h->reg = stack_registry_new();
	iam_register_types(h->iam, h->reg);
	iam_set_slot(h->iam, 0);
	h->a = fg_arena_new(0);
	h_publish(h, stack_world_new(NULL));
}

static void h_fini(struct h *h)
{
	stack_world_rel(&h->w);
	iam_destroy(&h->iam);
	stack_registry_destroy(&h->reg);
	fg_arena_destroy(&h->a);
	cJSON_Delete(h->doc);
}

static int deploy(struct h *h, const char *name, const char *yaml, struct fg_err *e)
{
	cJSON *tpl, *doc = NULL;
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .now_ms = 1000 };
	bool created;
	int rc;

	fg_err_clear(e);
	tpl = cfn_parse(yaml, strlen(yaml), CFN_FORMAT_YAML, e);
	if (tpl == NULL)
		return -1;
	req.template = tpl;
	rc = stack_deploy(h->reg, &defaults, h->w, &req, &doc, &next, &created, e);
	cJSON_Delete(tpl);
	if (rc != 0)
		return rc;
	cJSON_Delete(h->doc);
	h->doc = doc;
	h_publish(h, next);
	return 0;
}

static const cJSON *resource(const cJSON *doc, const char *id)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "Resources"))
		if (strcmp(cJSON_GetObjectItem(r, "LogicalId")->valuestring, id) == 0)
			return r;
	return NULL;
}

static const char *attr(const cJSON *doc, const char *id, const char *key)
{
	const cJSON *r = resource(doc, id), *v;

	if (r == NULL)
		return NULL;
	if (strcmp(key, "PhysicalId") == 0)
		return cJSON_GetObjectItem(r, "PhysicalId")->valuestring;
	v = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "Attributes"), key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool warned(const cJSON *doc, const char *needle)
{
	const cJSON *w;

	cJSON_ArrayForEach(w, cJSON_GetObjectItem(doc, "Warnings"))
		if (strstr(w->valuestring, needle) != NULL)
			return true;
	return false;
}

static bool shaped(const char *s, const char *prefix, size_t n, const char *alphabet)
{
	if (s == NULL || strlen(s) != n || strncmp(s, prefix, strlen(prefix)) != 0)
		return false;
	return strspn(s + strlen(prefix), alphabet) == n - strlen(prefix);
}

static struct fg_key_lookup lookup(struct h *h, const char *key, const char *token, int64_t now)
{
	const struct fg_identity *id = iam_identity(h->iam);
	struct fg_key_lookup out;

	id->lookup_key(id->self, h->w, key, token, now, h->a, &out);
	return out;
}

static const struct fg_identity_policy *pols(struct h *h, const char *key, size_t *n)
{
	const struct fg_identity *id = iam_identity(h->iam);

	return id->policies(id->self, h->w, key, h->a, n);
}

#define B32 "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#define TRUST "      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n" \
	      "            Principal: { Service: lambda.amazonaws.com }\n" \
	      "            Action: sts:AssumeRole\n"
#define ALLOW_INVOKE "{ Version: '2012-10-17', Statement: [ { Effect: Allow, " \
		     "Action: 'execute-api:Invoke', Resource: '*' } ] }"

/* ------------------------------------------------------------------ types */

static void test_users_and_groups(void)
{
	struct h h;
	struct fg_err e;
	const char *gen;

	h_init(&h);
	ok(deploy(&h, "people", "Resources:\n"
		  "  Devs:\n    Type: AWS::IAM::Group\n    Properties: { GroupName: devs, Path: /eng/ }\n"
		  "  Alice:\n    Type: AWS::IAM::User\n"
		  "    Properties: { UserName: alice, Path: /eng/, Groups: [!Ref Devs] }\n"
		  "  Anon:\n    Type: AWS::IAM::User\n", &e) == 0, "deploy users and a group: %s",
	   e.message);
	is_str(attr(h.doc, "Alice", "Arn"), "arn:aws:iam::" ACCT ":user/eng/alice",
	       "a user's Arn has its path");
	is_str(attr(h.doc, "Devs", "Arn"), "arn:aws:iam::" ACCT ":group/eng/devs", "group Arn");
	gen = attr(h.doc, "Anon", "PhysicalId");
	ok(gen != NULL && strncmp(gen, "people-Anon-", 12) == 0 && strlen(gen) == 25,
	   "an unnamed user gets CloudFormation's {stack}-{logical}-{13} name: %s", gen);
	ok(deploy(&h, "more", "Resources:\n  Again:\n    Type: AWS::IAM::User\n"
		  "    Properties: { UserName: ALICE }\n", &e) != 0 && e.status == 409 &&
	   strstr(e.message, "User with name ALICE already exists.") != NULL &&
	   strcmp(e.code, "EntityAlreadyExists") == 0,
	   "user names are unique in the account, case-insensitively: %s", e.message);
	ok(deploy(&h, "more", "Resources:\n  U:\n    Type: AWS::IAM::User\n"
		  "    Properties: { UserName: 'bob smith' }\n", &e) != 0 &&
	   strstr(e.message, "The specified value for userName is invalid. It must contain only "
		  "alphanumeric characters and/or the following: +=,.@_-") != NULL &&
	   strcmp(e.property, "Resources.U.Properties.UserName") == 0,
	   "user name characters: %s", e.message);
	ok(deploy(&h, "more", "Resources:\n  U:\n    Type: AWS::IAM::User\n"
		  "    Properties: { Path: eng }\n", &e) != 0 &&
	   strstr(e.message, "The specified value for path is invalid. It must begin and end with "
		  "/") != NULL, "a path must begin and end with /: %s", e.message);
	ok(deploy(&h, "more", "Resources:\n  U:\n    Type: AWS::IAM::User\n"
		  "    Properties: { Groups: [ops] }\n", &e) != 0 && e.status == 400 &&
	   strstr(e.message, "The group with name ops cannot be found. (Service: Iam, Status "
		  "Code: 404)") != NULL, "a group that does not exist: %s", e.message);
	ok(deploy(&h, "more", "Resources:\n  Add:\n    Type: AWS::IAM::UserToGroupAddition\n"
		  "    Properties: { GroupName: devs, Users: [anon-nobody] }\n", &e) != 0 &&
	   strstr(e.message, "The user with name anon-nobody cannot be found.") != NULL,
	   "UserToGroupAddition needs existing users: %s", e.message);
	h_fini(&h);
}

static void test_inline_policy_errors(void)
{
	struct h h;
	struct fg_err e;

	h_init(&h);
	ok(deploy(&h, "s", "Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n"
		  "      Policies:\n        - PolicyName: ok\n          PolicyDocument: " ALLOW_INVOKE
		  "\n        - PolicyName: bad\n          PolicyDocument:\n"
		  "            Version: '2012-10-17'\n            Statement:\n"
		  "              - { Effect: Allow, Action: 'execute-api:Invoke', Resource: '*' }\n"
		  "              - { Sid: Two, Effect: Permit, Action: 's3:*', Resource: '*' }\n",
		  &e) != 0, "a bad inline policy is refused");
	is_str(e.code, "MalformedPolicyDocument", "code");
	is_str(e.resource, "Alice", "resource");
	is_str(e.property, "Resources.Alice.Properties.Policies[1].PolicyDocument.Statement[1]."
	       "Effect", "the property names the policy, statement and element");
	ok(strstr(e.message, "Resource handler returned message: \"Syntax errors in policy. "
		  "(Service: Iam, Status Code: 400)\"") == e.message &&
	   strstr(e.message, "frontgate: Policies[1].PolicyDocument.Statement[1].Effect (Sid Two): "
		  "Effect must be Allow or Deny") != NULL, "IAM's message, then why: %s", e.message);
	ok(deploy(&h, "s", "Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n"
		  "      Policies:\n        - PolicyName: p\n          PolicyDocument: '{\"Version\": "
		  "\"2012-10-17\", \"Statement\": [ }'\n", &e) != 0 &&
	   strstr(e.message, "\"Syntax errors in policy.") != NULL &&
	   strstr(e.message, "not valid JSON") != NULL,
	   "a document given as JSON text that does not parse: %s", e.message);
	ok(deploy(&h, "s", "Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n"
		  "      Policies:\n        - PolicyName: p\n          PolicyDocument: { Version: "
		  "'2012-10-17', Statement: { Effect: Allow, Principal: '*', Action: 's3:*', "
		  "Resource: '*' } }\n", &e) != 0 &&
	   strstr(e.message, "Policy document should not specify a principal.") != NULL &&
	   strcmp(e.property, "Resources.Alice.Properties.Policies[0].PolicyDocument.Statement."
		  "Principal") == 0, "a principal in an identity policy: %s", e.property);
	ok(deploy(&h, "s", "Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n"
		  "      Policies:\n        - PolicyDocument: " ALLOW_INVOKE "\n", &e) != 0 &&
	   strstr(e.message, "#/Policies/0: required key [PolicyName] not found") != NULL,
	   "PolicyName is required: %s", e.message);
	ok(deploy(&h, "s", "Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n"
		  "      ManagedPolicyArns: [ 'arn:aws:iam::" ACCT ":policy/missing' ]\n", &e) != 0 &&
	   strstr(e.message, "Policy arn:aws:iam::" ACCT ":policy/missing does "
				     "not exist or is not attachable.") != NULL,
	   "a customer managed policy that does not exist: %s", e.message);
	ok(deploy(&h, "s", "Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n"
		  "      ManagedPolicyArns: [ not-an-arn ]\n", &e) != 0 &&
	   strstr(e.message, "ARN not-an-arn is not valid.") != NULL, "not an ARN: %s", e.message);
	ok(deploy(&h, "s", "Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n"
		  "      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/AmazonS3FullAccess\n"
		  "        - arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess\n", &e) == 0,
	   "AWS managed policies deploy: %s", e.message);
	ok(warned(h.doc, "arn:aws:iam::aws:policy/AmazonS3FullAccess is an AWS managed policy "
		  "frontgate does not emulate: it grants nothing here"),
	   "an AWS managed policy frontgate does not know is a warning");
	ok(!warned(h.doc, "AmazonAPIGatewayInvokeFullAccess is an AWS"),
	   "AmazonAPIGatewayInvokeFullAccess is emulated (no warning)");
	h_fini(&h);
}

static void test_access_keys(void)
{
	struct h h, h2;
	struct fg_err e;
	const char *tpl = "Resources:\n  Alice:\n    Type: AWS::IAM::User\n"
			  "    Properties: { UserName: alice }\n"
			  "  Key:\n    Type: AWS::IAM::AccessKey\n"
			  "    Properties: { UserName: !Ref Alice, Serial: %d }\n"
			  "  Pinned:\n    Type: AWS::IAM::AccessKey\n"
			  "    Metadata: { Frontgate: { AccessKeyId: AKIAIOSFODNN7EXAMPLE, "
			  "SecretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY } }\n"
			  "    Properties: { UserName: !Ref Alice, Status: Inactive }\n";
	char yaml[1024], first[32], secret[48];

	h_init(&h);
	snprintf(yaml, sizeof(yaml), tpl, 1);
	ok(deploy(&h, "keys", yaml, &e) == 0, "deploy keys: %s", e.message);
	ok(shaped(attr(h.doc, "Key", "PhysicalId"), "AKIA", 20, B32),
	   "a key id is AKIA + 16 base32 characters: %s", attr(h.doc, "Key", "PhysicalId"));
	ok(shaped(attr(h.doc, "Key", "SecretAccessKey"), "", 40,
		  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
	   "a secret is 40 characters");
	snprintf(first, sizeof(first), "%s", attr(h.doc, "Key", "PhysicalId"));
	snprintf(secret, sizeof(secret), "%s", attr(h.doc, "Key", "SecretAccessKey"));
	is_str(attr(h.doc, "Pinned", "PhysicalId"), "AKIAIOSFODNN7EXAMPLE", "a pinned key id");
	is_str(attr(h.doc, "Pinned", "SecretAccessKey"), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	       "a pinned secret is the SecretAccessKey attribute");
	ok(deploy(&h, "keys", yaml, &e) == 0 &&
	   strcmp(attr(h.doc, "Key", "PhysicalId"), first) == 0 &&
	   strcmp(attr(h.doc, "Key", "SecretAccessKey"), secret) == 0,
	   "a redeploy keeps the key and secret");
	h_init(&h2);
	ok(deploy(&h2, "keys", yaml, &e) == 0 && strcmp(attr(h2.doc, "Key", "PhysicalId"), first) == 0,
	   "another instance derives the same key id");
	h_fini(&h2);
	snprintf(yaml, sizeof(yaml), tpl, 2);
	ok(deploy(&h, "keys", yaml, &e) == 0 && strcmp(attr(h.doc, "Key", "PhysicalId"), first) != 0,
	   "a new Serial rotates the key");
	ok(deploy(&h, "other", "Resources:\n  K:\n    Type: AWS::IAM::AccessKey\n"
		  "    Properties: { UserName: alice }\n", &e) != 0 && e.status == 409 &&
	   strstr(e.message, "Cannot exceed quota for AccessKeysPerUser: 2") != NULL,
	   "a third key for alice: %s", e.message);
	ok(deploy(&h, "other", "Resources:\n  B:\n    Type: AWS::IAM::User\n"
		  "  K:\n    Type: AWS::IAM::AccessKey\n"
		  "    Metadata: { Frontgate: { AccessKeyId: AKIAIOSFODNN7EXAMPLE } }\n"
		  "    Properties: { UserName: !Ref B }\n", &e) != 0 && e.status == 409 &&
	   strstr(e.message, "access key id AKIAIOSFODNN7EXAMPLE is already used by resource "
		  "Pinned in stack keys") != NULL, "a pinned key id already used: %s", e.message);
	ok(deploy(&h, "other", "Resources:\n  K:\n    Type: AWS::IAM::AccessKey\n"
		  "    Properties: { UserName: nobody }\n", &e) != 0 && e.status == 400 &&
	   strstr(e.message, "The user with name nobody cannot be found. (Service: Iam, Status "
		  "Code: 404)\" (HandlerErrorCode: NotFound)") != NULL,
	   "a key for a user that does not exist: %s", e.message);
	ok(deploy(&h, "other", "Resources:\n  B:\n    Type: AWS::IAM::User\n"
		  "  K:\n    Type: AWS::IAM::AccessKey\n"
		  "    Metadata: { Frontgate: { AccessKeyId: akiaiosfodnn7example } }\n"
		  "    Properties: { UserName: !Ref B }\n", &e) != 0 &&
	   strcmp(e.property, "Resources.K.Metadata.Frontgate.AccessKeyId") == 0 &&
	   strstr(e.message, "AKIA and 16 upper-case letters or digits") != NULL,
	   "a pinned key id of the wrong shape: %s", e.message);
	ok(deploy(&h, "other", "Resources:\n  B:\n    Type: AWS::IAM::User\n"
		  "  K:\n    Type: AWS::IAM::AccessKey\n"
		  "    Metadata: { Frontgate: { SecretAccessKey: short } }\n"
		  "    Properties: { UserName: !Ref B }\n", &e) != 0 &&
	   strcmp(e.property, "Resources.K.Metadata.Frontgate.SecretAccessKey") == 0,
	   "a pinned secret of the wrong shape: %s", e.message);
	ok(deploy(&h, "other", "Resources:\n  B:\n    Type: AWS::IAM::User\n"
		  "  K:\n    Type: AWS::IAM::AccessKey\n"
		  "    Properties: { UserName: !Ref B, Status: Disabled }\n", &e) != 0 &&
	   strstr(e.message, "#/Status: Disabled is not a valid enum value") != NULL,
	   "Status is Active or Inactive: %s", e.message);
	h_fini(&h);
}

static void test_roles_and_policies(void)
{
	struct h h;
	struct fg_err e;

	h_init(&h);
	ok(deploy(&h, "r", "Resources:\n  R:\n    Type: AWS::IAM::Role\n"
		  "    Properties: { RoleName: x }\n", &e) != 0 &&
	   strstr(e.message, "#: required key [AssumeRolePolicyDocument] not found") != NULL,
	   "a role needs a trust policy: %s", e.message);
	ok(deploy(&h, "r", "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
		  "      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n"
		  "            Principal: { AWS: '*' }\n            Action: sts:AssumeRole\n"
		  "            Resource: '*'\n", &e) != 0 &&
	   strstr(e.message, "\"Has prohibited field Resource (Service: Iam, Status Code: 400)\"")
		   != NULL && strcmp(e.property, "Resources.R.Properties.AssumeRolePolicyDocument."
				     "Statement[0].Resource") == 0,
	   "a trust policy with Resource: %s at %s", e.message, e.property);
	ok(deploy(&h, "r", "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
		  "      MaxSessionDuration: 3599\n" TRUST, &e) != 0 &&
	   strstr(e.message, "Value at 'maxSessionDuration' failed to satisfy constraint: Member "
		  "must have value greater than or equal to 3600") != NULL,
	   "MaxSessionDuration: %s", e.message);
	ok(deploy(&h, "r", "Resources:\n  R:\n    Type: AWS::IAM::Role\n"
		  "    Metadata: { Frontgate: { SessionCredentials: { AccessKeyId: AKIAIOSFODNN7EXAMPLE,"
		  " SecretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, SessionToken: t,"
		  " SessionName: s1 } } }\n    Properties:\n" TRUST, &e) != 0 &&
	   strstr(e.message, "Metadata.Frontgate.SessionCredentials AccessKeyId must be a "
		  "temporary access key id: ASIA") != NULL,
	   "session credentials need an ASIA key: %s", e.message);
	ok(deploy(&h, "r", "Resources:\n  R:\n    Type: AWS::IAM::Role\n"
		  "    Metadata: { Frontgate: { SessionCredentials: [ { AccessKeyId: ASIAIOSFODNN7EXAMPLE,"
		  " SecretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, SessionToken: t,"
		  " SessionName: s1, Expiration: tomorrow } ] } }\n    Properties:\n" TRUST, &e) != 0 &&
	   strstr(e.message, "SessionCredentials[0] Expiration must be an ISO-8601 time") != NULL,
	   "Expiration must be a time: %s", e.message);
	ok(deploy(&h, "r", "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
		  "      RoleName: reader\n      Path: /app/\n" TRUST
		  "  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: read\n"
		  "      PolicyDocument: " ALLOW_INVOKE "\n      Roles: [!Ref R]\n"
		  "  M:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
		  "      ManagedPolicyName: invoke\n      PolicyDocument: " ALLOW_INVOKE "\n", &e) == 0,
	   "role, policy and managed policy deploy: %s", e.message);
	is_str(attr(h.doc, "R", "Arn"), "arn:aws:iam::" ACCT ":role/app/reader", "role Arn");
	ok(shaped(attr(h.doc, "R", "RoleId"), "AROA", 21, B32), "RoleId is AROA + 17");
	is_str(attr(h.doc, "M", "PhysicalId"), "arn:aws:iam::" ACCT ":policy/invoke",
	       "a managed policy's physical id is its ARN");
	is_str(attr(h.doc, "M", "PolicyArn"), "arn:aws:iam::" ACCT ":policy/invoke", "PolicyArn");
	ok(shaped(attr(h.doc, "M", "PolicyId"), "ANPA", 21, B32), "PolicyId is ANPA + 17");
	ok(deploy(&h, "r2", "Resources:\n  M:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
		  "      ManagedPolicyName: Invoke\n      Path: /other/\n"
		  "      PolicyDocument: " ALLOW_INVOKE "\n", &e) != 0 && e.status == 409 &&
	   strstr(e.message, "A policy called Invoke already exists. Duplicate names are not "
		  "allowed.") != NULL, "managed policy names are unique: %s", e.message);
	ok(deploy(&h, "r2", "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n"
		  "      PolicyName: p\n      PolicyDocument: " ALLOW_INVOKE "\n", &e) != 0 &&
	   strstr(e.message, "At least one of [Groups,Roles,Users] must be non-empty.") != NULL,
	   "a Policy attached to nobody: %s", e.message);
	ok(deploy(&h, "r2", "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n"
		  "      PolicyName: p\n      PolicyDocument: " ALLOW_INVOKE "\n      Roles: [writer]\n",
		  &e) != 0 && strstr(e.message, "The role with name writer cannot be found.") != NULL,
	   "a Policy for a role that does not exist: %s", e.message);
	ok(deploy(&h, "r2", "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n"
		  "      PolicyName: p\n      Roles: [reader]\n      PolicyDocument: { Version: "
		  "'2012-10-17', Statement: [ { Effect: Allow, Action: 'execute-api:Invoke', "
		  "Resource: '*', Condition: { StringEqualz: { 'aws:SourceVpce': v } } } ] }\n",
		  &e) != 0 && strcmp(e.property, "Resources.P.Properties.PolicyDocument.Statement[0]."
				     "Condition.StringEqualz") == 0 &&
	   strstr(e.message, "StringEqualz is not a condition operator IAM knows") != NULL,
	   "an unknown condition operator is named: %s", e.message);
	h_fini(&h);
}

/* ------------------------------------------------------------- identities */

static const char *const PEOPLE =
	"Resources:\n"
	"  Devs:\n    Type: AWS::IAM::Group\n    Properties:\n      GroupName: devs\n"
	"      Policies: [ { PolicyName: group-inline, PolicyDocument: " ALLOW_INVOKE " } ]\n"
	"  Ops:\n    Type: AWS::IAM::Group\n    Properties: { GroupName: ops }\n"
	"  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: alice\n"
	"      Groups: [!Ref Devs]\n"
	"      Policies:\n        - PolicyName: own\n"
	"          PolicyDocument: '{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Deny\","
	"\"Action\":\"execute-api:Invoke\",\"Resource\":\"arn:aws:execute-api:*:*:*/*/DELETE/*\"}}'\n"
	"      ManagedPolicyArns: [ !Ref Shared, arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess ]\n"
	"  Shared:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
	"      PolicyDocument: " ALLOW_INVOKE "\n"
	"  OpsMember:\n    Type: AWS::IAM::UserToGroupAddition\n"
	"    Properties: { GroupName: !Ref Ops, Users: [!Ref Alice] }\n"
	"  OpsPolicy:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: ops-read\n"
	"      PolicyDocument: " ALLOW_INVOKE "\n      Groups: [!Ref Ops]\n"
	"  AliceToo:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n"
	"      PolicyDocument: " ALLOW_INVOKE "\n      Users: [!Ref Alice]\n"
	"  AliceKey:\n    Type: AWS::IAM::AccessKey\n"
	"    Metadata: { Frontgate: { AccessKeyId: AKIAALICE00000000001 } }\n"
	"    Properties: { UserName: !Ref Alice }\n"
	"  OldKey:\n    Type: AWS::IAM::AccessKey\n"
	"    Metadata: { Frontgate: { AccessKeyId: AKIAALICE00000000002 } }\n"
	"    Properties: { UserName: !Ref Alice, Status: Inactive }\n"
	"  Reader:\n    Type: AWS::IAM::Role\n"
	"    Metadata:\n      Frontgate:\n        SessionCredentials:\n"
	"          - { AccessKeyId: ASIAREADER0000000001, SecretAccessKey: "
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, SessionToken: tok-1, SessionName: s1, "
	"Expiration: '2026-01-01T01:00:00Z' }\n"
	"          - { AccessKeyId: ASIAREADER0000000002, SecretAccessKey: "
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, SessionToken: tok-2, SessionName: forever }\n"
	"    Properties:\n      RoleName: reader\n      Path: /app/\n" TRUST
	"      Policies: [ { PolicyName: role-inline, PolicyDocument: " ALLOW_INVOKE " } ]\n"
	"      ManagedPolicyArns: [ !Ref Shared ]\n";

#define NOW 1767225600000LL /* 2026-01-01T00:00:00Z */

static void test_lookup(void)
{
	struct h h;
	struct fg_err e;
	struct fg_key_lookup k;
	const char *user_id;

	h_init(&h);
	ok(deploy(&h, "people", PEOPLE, &e) == 0, "deploy people: %s", e.message);
	k = lookup(&h, "AKIANOBODY0000000000", NULL, NOW);
	is_int(k.status, FG_KEY_UNKNOWN, "a key no template defines is unknown");
	ok(strstr(k.detail, "AKIANOBODY0000000000") != NULL, "the detail names it: %s", k.detail);
	k = lookup(&h, "AKIAALICE00000000001", NULL, NOW);
	is_int(k.status, FG_KEY_OK, "alice's key: %s", k.detail);
	ok(k.secret != NULL && strlen(k.secret) == 40, "the secret comes with it");
	is_str(k.caller.arn, "arn:aws:iam::" ACCT ":user/alice", "caller ARN");
	is_str(k.caller.principal_arn, "arn:aws:iam::" ACCT ":user/alice", "aws:PrincipalArn");
	is_str(k.caller.account, ACCT, "account");
	is_str(k.caller.access_key, "AKIAALICE00000000001", "access key");
	user_id = k.caller.user;
	ok(shaped(user_id, "AIDA", 21, B32), "identity.user is the user id AIDA...: %s", user_id);
	is_str(k.caller.caller, user_id, "identity.caller is the same");
	ok(!k.caller.session, "not a session");
	ok(strstr(k.detail, "AWS::IAM::AccessKey AliceKey, stack people") != NULL,
	   "the detail names the resource and stack: %s", k.detail);
	k = lookup(&h, "AKIAALICE00000000001", "some-token", NOW);
	is_int(k.status, FG_KEY_TOKEN_INVALID, "a session token with a long-term key is invalid");
	k = lookup(&h, "AKIAALICE00000000002", NULL, NOW);
	is_int(k.status, FG_KEY_INACTIVE, "an Inactive key");
	ok(k.secret == NULL, "no secret unless OK");

	k = lookup(&h, "ASIAREADER0000000001", NULL, NOW);
	is_int(k.status, FG_KEY_TOKEN_MISSING, "session credentials without a token");
	k = lookup(&h, "ASIAREADER0000000001", "tok-2", NOW);
	is_int(k.status, FG_KEY_TOKEN_INVALID, "another session's token");
	k = lookup(&h, "ASIAREADER0000000001", "tok-1", NOW);
	is_int(k.status, FG_KEY_OK, "the right token before Expiration: %s", k.detail);
	is_str(k.caller.arn, "arn:aws:sts::" ACCT ":assumed-role/reader/s1",
	       "the caller is the assumed-role session");
	is_str(k.caller.principal_arn, "arn:aws:iam::" ACCT ":role/app/reader",
	       "aws:PrincipalArn is the role's ARN");
	ok(k.caller.session, "a session");
	ok(k.caller.user != NULL && strncmp(k.caller.user, "AROA", 4) == 0 &&
	   strcmp(k.caller.user + 21, ":s1") == 0, "identity.user is AROA...:s1: %s",
	   k.caller.user);
	k = lookup(&h, "ASIAREADER0000000001", "tok-1", NOW + 3600 * 1000 - 1);
	is_int(k.status, FG_KEY_OK, "one millisecond before Expiration");
	k = lookup(&h, "ASIAREADER0000000001", "tok-1", NOW + 3600 * 1000);
	is_int(k.status, FG_KEY_TOKEN_EXPIRED, "at Expiration on the emulator clock");
	ok(strstr(k.detail, "expired at 2026-01-01T01:00:00Z (frontgate's clock says "
		  "2026-01-01T01:00:00Z)") != NULL, "the detail gives both times: %s", k.detail);
	k = lookup(&h, "ASIAREADER0000000002", "tok-2", NOW * 2);
	is_int(k.status, FG_KEY_OK, "no Expiration: never expires");
	h_fini(&h);
}

static bool has_source(const struct fg_identity_policy *p, size_t n, const char *needle)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(p[i].source, needle) != NULL)
			return true;
	return false;
}

static void test_policies(void)
{
	struct h h;
	struct fg_err e;
	const struct fg_identity_policy *p;
	size_t n;

	h_init(&h);
	ok(deploy(&h, "people", PEOPLE, &e) == 0, "deploy people: %s", e.message);
	p = pols(&h, "AKIAALICE00000000001", &n);
	is_int(n, 6, "alice: own inline, Shared and the AWS managed policy by ARN, AliceToo, devs "
	       "inline, ops Policy");
	ok(has_source(p, n, "inline policy own of user alice (AWS::IAM::User Alice, stack people)"),
	   "the user's inline policy");
	ok(has_source(p, n, "AWS::IAM::ManagedPolicy Shared (stack people) attached to user alice"),
	   "a managed policy by ARN");
	ok(has_source(p, n, "AWS managed policy AmazonAPIGatewayInvokeFullAccess attached to user "
		      "alice"), "an AWS managed policy");
	ok(has_source(p, n, "AWS::IAM::ManagedPolicy AliceToo (stack people) attached to user "
		      "alice"), "a managed policy listing the user");
	ok(has_source(p, n, "inline policy group-inline of group devs"), "a group's inline policy");
	ok(has_source(p, n, "AWS::IAM::Policy OpsPolicy (stack people) attached to group ops"),
	   "a Policy on a group joined through UserToGroupAddition");
	for (size_t i = 0; i < n; i++)
		ok(cJSON_IsObject(p[i].document), "document %zu is an object (%s)", i, p[i].source);
	{
		const char *const vals[] = { "x" };
		struct policy_key keys[] = { { "aws:x", vals, 1 } };
		struct policy_request rq = {
			.action = "execute-api:Invoke",
			.resource = "arn:aws:execute-api:us-east-1:" ACCT ":a1b2c3d4e5/dev/DELETE/x",
			.keys = keys, .nkeys = 1, .now_ms = NOW,
		};
		struct policy_result res = { 0 };
		bool denied = false;

		for (size_t i = 0; i < n && !denied; i++) {
			policy_evaluate(p[i].document, POLICY_IDENTITY, &rq, h.a, &res);
			denied = res.effect == POLICY_DENY;
		}
		ok(denied && strstr(res.explain, "denies") != NULL, "the inline policy given as JSON "
		   "text evaluates (DELETE denied): %s", res.explain);
	}
	p = pols(&h, "AKIAALICE00000000002", &n);
	is_int(n, 6, "both of alice's keys carry her policies");
	p = pols(&h, "ASIAREADER0000000001", &n);
	is_int(n, 2, "the role session: role inline + Shared");
	ok(has_source(p, n, "inline policy role-inline of role reader") &&
	   has_source(p, n, "AWS::IAM::ManagedPolicy Shared (stack people) attached to role reader"),
	   "the role's policies");
	p = pols(&h, "AKIANOBODY0000000000", &n);
	ok(p == NULL && n == 0, "an unknown key has no policies");
	/* a redeploy without the group membership changes what applies */
	ok(deploy(&h, "people", "Resources:\n  Alice:\n    Type: AWS::IAM::User\n"
		  "    Properties: { UserName: alice }\n  AliceKey:\n    Type: AWS::IAM::AccessKey\n"
		  "    Metadata: { Frontgate: { AccessKeyId: AKIAALICE00000000001 } }\n"
		  "    Properties: { UserName: !Ref Alice }\n", &e) == 0, "redeploy: %s", e.message);
	pols(&h, "AKIAALICE00000000001", &n);
	is_int(n, 0, "alice without policies now");
	is_int(lookup(&h, "ASIAREADER0000000001", "tok-1", NOW).status, FG_KEY_UNKNOWN,
	       "the role's session is gone with the role");
	h_fini(&h);
}

static void test_restored_state(void)
{
	struct h h;
	cJSON *stacks = cJSON_Parse("[{\"Name\":\"hand\",\"Account\":\"" ACCT "\",\"Region\":"
				    "\"us-east-1\",\"Resources\":[{\"LogicalId\":\"K\",\"Type\":"
				    "\"AWS::IAM::AccessKey\",\"PhysicalId\":\"AKIAHAND000000000000\","
				    "\"Attributes\":{},\"Emulated\":false}]}]");

	h_init(&h);
	h_publish(&h, stack_world_new(stacks));
	is_int(lookup(&h, "AKIAHAND000000000000", NULL, NOW).status, FG_KEY_UNKNOWN,
	       "a stored resource the IAM type did not deploy is not a key");
	h_fini(&h);
}

int main(void)
{
	test_users_and_groups();
	test_inline_policy_errors();
	test_access_keys();
	test_roles_and_policies();
	test_lookup();
	test_policies();
	test_restored_state();
	return tap_done();
}
