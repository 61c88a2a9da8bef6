/*
 * policy_validate.c: a policy document checked the way IAM checks it when the policy is
 * created or attached (CreatePolicy, PutUserPolicy, CreateRole, ...), answering with IAM's
 * MalformedPolicyDocument messages: "Syntax errors in policy." for anything the grammar does
 * not allow, and the specific sentences IAM has for the rest ("Policy statement must contain
 * actions.", "Policy document should not specify a principal.", "Has prohibited field
 * Resource", ...). IAM's messages do not say where the problem is; the error also carries the
 * statement, its Sid, the element path and frontgate's reason.
 *
 * Sources: the IAM JSON policy grammar (IAM User Guide) for what is allowed; the message
 * texts as AWS returns them, reproduced by IAM emulators validated against AWS (moto's
 * policy_validation.py, versitygw's IAM tests).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_int.h"

#define SYNTAX "Syntax errors in policy."

struct vctx {
	enum policy_kind kind;
	struct policy_error *err;
	bool array;               /* Statement is an array (paths say Statement[i]) */
};

static int fail(struct vctx *v, int stmt, const cJSON *st, const char *message,
		const char *elem, const char *fmt, ...) FG_PRINTF(6, 7);

static int fail(struct vctx *v, int stmt, const cJSON *st, const char *message,
		const char *elem, const char *fmt, ...)
{
	struct policy_error *e = v->err;
	const cJSON *sid = cJSON_GetObjectItemCaseSensitive(st, "Sid");
	va_list ap;

	memset(e, 0, sizeof(*e));
	snprintf(e->message, sizeof(e->message), "%s", message);
	e->statement = stmt;
	if (stmt >= 0 && v->array)
		snprintf(e->where, sizeof(e->where), "Statement[%d]%s%s", stmt, elem[0] ? "." : "",
			 elem);
	else if (stmt >= 0)
		snprintf(e->where, sizeof(e->where), "Statement%s%s", elem[0] ? "." : "", elem);
	else
		snprintf(e->where, sizeof(e->where), "%s", elem);
	if (cJSON_IsString(sid))
		snprintf(e->sid, sizeof(e->sid), "%s", sid->valuestring);
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *kind_of(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "null";
}

static bool is_str_or_strs(const cJSON *v)
{
	const cJSON *it;

	if (cJSON_IsString(v))
		return true;
	if (!cJSON_IsArray(v))
		return false;
	cJSON_ArrayForEach(it, v)
		if (!cJSON_IsString(it))
			return false;
	return true;
}

static bool empty_list(const cJSON *v)
{
	return cJSON_IsArray(v) && cJSON_GetArraySize(v) == 0;
}

/* -------------------------------------------------------------- the grammar */

static const char *const statement_keys[] = {
	"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
	"NotResource", "Condition", NULL,
};

static bool known_key(const char *k, const char *const *keys)
{
	for (; *keys; keys++)
		if (strcmp(*keys, k) == 0)
			return true;
	return false;
}

static int check_condition_syntax(struct vctx *v, int i, const cJSON *st, const cJSON *cond)
{
	const cJSON *op, *key, *val;
	char path[200];

	if (!cJSON_IsObject(cond))
		return fail(v, i, st, SYNTAX, "Condition", "Condition is %s, not an object",
			    kind_of(cond));
	cJSON_ArrayForEach(op, cond) {
		struct policy_op parsed;

		snprintf(path, sizeof(path), "Condition.%s", op->string);
		if (!policy_op_parse(op->string, &parsed))
			return fail(v, i, st, SYNTAX, path, "%s is not a condition operator IAM "
				    "knows (StringEquals, StringLike, ArnLike, IpAddress, Bool, "
				    "DateLessThan, NumericEquals, Null, ... with optional IfExists, "
				    "ForAnyValue:, ForAllValues:)", op->string);
		if (!cJSON_IsObject(op))
			return fail(v, i, st, SYNTAX, path, "%s holds %s, not an object of "
				    "condition keys", op->string, kind_of(op));
		cJSON_ArrayForEach(key, op) {
			snprintf(path, sizeof(path), "Condition.%s.%s", op->string, key->string);
			if (cJSON_IsArray(key)) {
				cJSON_ArrayForEach(val, key)
					if (policy_value_text(val, (char[64]){ 0 }, 64) == NULL)
						return fail(v, i, st, SYNTAX, path, "a value is %s, "
							    "not a string, number or boolean",
							    kind_of(val));
			} else if (policy_value_text(key, (char[64]){ 0 }, 64) == NULL) {
				return fail(v, i, st, SYNTAX, path, "the value is %s, not a string, "
					    "number, boolean or a list of them", kind_of(key));
			}
		}
	}
	return 0;
}

static int check_statement_syntax(struct vctx *v, int i, const cJSON *st)
{
	static const char *const lists[] = { "Action", "NotAction", "Resource", "NotResource",
					     NULL };
	static const char *const pairs[][2] = {
		{ "Action", "NotAction" }, { "Resource", "NotResource" },
		{ "Principal", "NotPrincipal" },
	};
	const cJSON *it, *effect = cJSON_GetObjectItemCaseSensitive(st, "Effect");
	const cJSON *cond = cJSON_GetObjectItemCaseSensitive(st, "Condition");

	if (!cJSON_IsObject(st))
		return fail(v, i, NULL, SYNTAX, "", "the statement is %s, not an object",
			    kind_of(st));
	cJSON_ArrayForEach(it, st)
		if (!known_key(it->string, statement_keys))
			return fail(v, i, st, SYNTAX, it->string, "%s is not a statement element "
				    "(Sid, Effect, Principal, NotPrincipal, Action, NotAction, "
				    "Resource, NotResource, Condition)", it->string);
	if (!cJSON_IsString(effect) || (strcasecmp(effect->valuestring, "Allow") != 0 &&
					strcasecmp(effect->valuestring, "Deny") != 0))
		return fail(v, i, st, SYNTAX, "Effect", effect ? "Effect must be Allow or Deny"
			    : "the statement has no Effect (Allow or Deny)");
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
		if (cJSON_GetObjectItemCaseSensitive(st, pairs[k][0]) != NULL &&
		    cJSON_GetObjectItemCaseSensitive(st, pairs[k][1]) != NULL)
			return fail(v, i, st, SYNTAX, pairs[k][1], "a statement has %s or %s, "
				    "not both", pairs[k][0], pairs[k][1]);
	for (size_t k = 0; lists[k] != NULL; k++) {
		it = cJSON_GetObjectItemCaseSensitive(st, lists[k]);
		if (it != NULL && !is_str_or_strs(it))
			return fail(v, i, st, SYNTAX, lists[k], "%s must be a string or a list of "
				    "strings, not %s", lists[k], kind_of(it));
	}
	it = cJSON_GetObjectItemCaseSensitive(st, "Sid");
	if (it != NULL && !cJSON_IsString(it))
		return fail(v, i, st, SYNTAX, "Sid", "Sid must be a string, not %s", kind_of(it));
	return cond != NULL ? check_condition_syntax(v, i, st, cond) : 0;
}

/* ------------------------------------------------------------- principals */

static bool digits12(const char *s, size_t n)
{
	if (n != 12)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "*", an account id, or an IAM/STS principal ARN. No partial wildcards. */
static bool aws_principal_ok(const char *p)
{
	static const char *const iam_kinds[] = { "root", "user/", "role/", "federated-user/",
						 NULL };
	const char *rest;

	if (strcmp(p, "*") == 0 || digits12(p, strlen(p)))
		return true;
	if (strchr(p, '*') != NULL || strchr(p, '?') != NULL)
		return false;
	if (strncmp(p, "arn:aws:iam::", 13) == 0)
		rest = p + 13;
	else if (strncmp(p, "arn:aws:sts::", 13) == 0)
		rest = p + 13;
	else
		return false;
	if (!digits12(rest, strcspn(rest, ":")) || rest[12] != ':')
		return false;
	rest += 13;
	if (strncmp(p, "arn:aws:sts::", 13) == 0)
		return strncmp(rest, "assumed-role/", 13) == 0 || strncmp(rest, "federated-user/", 15) == 0;
	for (size_t k = 0; iam_kinds[k]; k++)
		if (k == 0 ? strcmp(rest, "root") == 0
			   : strncmp(rest, iam_kinds[k], strlen(iam_kinds[k])) == 0 &&
				     rest[strlen(iam_kinds[k])] != '\0')
			return true;
	return false;
}

static int check_principal_value(struct vctx *v, int i, const cJSON *st, const char *name,
				 const cJSON *p)
{
	static const char *const types[] = { "AWS", "Service", "Federated", "CanonicalUser",
					     NULL };
	const cJSON *t, *e;

	if (cJSON_IsString(p)) {
		if (strcmp(p->valuestring, "*") == 0)
			return 0;
		return fail(v, i, st, "Invalid principal in policy", name, "a %s string can only "
			    "be \"*\"; name principals as {\"AWS\": ...}", name);
	}
	if (!cJSON_IsObject(p))
		return fail(v, i, st, SYNTAX, name, "%s is %s, not \"*\" or an object", name,
			    kind_of(p));
	if (p->child == NULL)
		return fail(v, i, st, "Missing required field Principal cannot be empty!", name,
			    "%s is an empty object", name);
	cJSON_ArrayForEach(t, p) {
		if (!known_key(t->string, types))
			return fail(v, i, st, SYNTAX, name, "%s is not a principal type (AWS, "
				    "Service, Federated, CanonicalUser)", t->string);
		if (!is_str_or_strs(t) || empty_list(t))
			return fail(v, i, st, SYNTAX, name, "%s.%s must be a string or a non-empty "
				    "list of strings", name, t->string);
		if (strcmp(t->string, "AWS") != 0)
			continue;
		for (e = cJSON_IsString(t) ? t : t->child; e != NULL;
		     e = e == t ? NULL : e->next) {
			char msg[400];

			if (aws_principal_ok(e->valuestring))
				continue;
			snprintf(msg, sizeof(msg), "Invalid principal in policy: \"AWS\":\"%.300s\"",
				 e->valuestring);
			return fail(v, i, st, msg, name, "an AWS principal is \"*\", an account id, "
				    "or an IAM/STS principal ARN without wildcards");
		}
	}
	return 0;
}

static int check_principal(struct vctx *v, int i, const cJSON *st)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(st, "Principal");
	const cJSON *np = cJSON_GetObjectItemCaseSensitive(st, "NotPrincipal");
	const char *effect = cJSON_GetObjectItemCaseSensitive(st, "Effect")->valuestring;

	if (v->kind == POLICY_IDENTITY) {
		if (p != NULL || np != NULL)
			return fail(v, i, st, "Policy document should not specify a principal.",
				    p ? "Principal" : "NotPrincipal", "a policy attached to a "
				    "user, group or role applies to it: it names no principal");
		return 0;
	}
	if (p == NULL && np == NULL)
		return fail(v, i, st, "Missing required field Principal", "", "a %s policy "
			    "statement needs Principal or NotPrincipal",
			    v->kind == POLICY_TRUST ? "trust" : "resource");
	if (np != NULL && v->kind == POLICY_TRUST && strcmp(effect, "Allow") == 0)
		return fail(v, i, st, "Allow with NotPrincipal is not allowed.", "NotPrincipal",
			    "NotPrincipal can only be used with Deny");
	return p != NULL ? check_principal_value(v, i, st, "Principal", p)
			 : check_principal_value(v, i, st, "NotPrincipal", np);
}

/* ---------------------------------------------------------------- actions */

static int check_action(struct vctx *v, int i, const cJSON *st, const char *elem,
			const char *a)
{
	const char *colon = strchr(a, ':');
	char msg[300];

	if (strcmp(a, "*") == 0)
		return 0;
	if (colon == NULL || colon == a)
		return fail(v, i, st, "Actions/Conditions must be prefaced by a vendor, e.g., iam, "
			    "sdb, ec2, etc.", elem, "%s has no service prefix (write "
			    "execute-api:Invoke, not Invoke)", a);
	if (strchr(colon + 1, ':') != NULL)
		return fail(v, i, st, "Actions/Condition can contain only one colon.", elem,
			    "%s has more than one colon", a);
	for (const char *p = a; p < colon && !(colon == a + 1 && *a == '*'); p++) {
		if (isalnum((unsigned char)*p) || *p == '-' || *p == '.')
			continue;
		snprintf(msg, sizeof(msg), "Vendor %.*s is not valid", (int)(colon - a), a);
		return fail(v, i, st, msg, elem, "the service prefix of %s has a character other "
			    "than letters, digits, '-' and '.'", a);
	}
	if (v->kind == POLICY_TRUST && strncasecmp(a, "sts:", 4) != 0)
		return fail(v, i, st, "AssumeRole policy may only specify STS AssumeRole actions.",
			    elem, "a trust policy allows sts:AssumeRole (and related sts: "
			    "actions), not %s", a);
	return 0;
}

static int check_actions(struct vctx *v, int i, const cJSON *st)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(st, "Action");
	const char *elem = a ? "Action" : "NotAction";
	const cJSON *it;

	if (a == NULL)
		a = cJSON_GetObjectItemCaseSensitive(st, "NotAction");
	if (a == NULL || empty_list(a))
		return fail(v, i, st, "Policy statement must contain actions.", elem,
			    "the statement has no Action or NotAction");
	if (cJSON_IsString(a))
		return check_action(v, i, st, elem, a->valuestring);
	cJSON_ArrayForEach(it, a)
		if (check_action(v, i, st, elem, it->valuestring) != 0)
			return -1;
	return 0;
}

/* -------------------------------------------------------------- resources */

static int check_resource(struct vctx *v, int i, const cJSON *st, const char *elem,
			  const char *r)
{
	char msg[700];
	const char *p, *svc, *end;
	size_t colons = 0;

	if (strcmp(r, "*") == 0)
		return 0;
	if (v->kind == POLICY_RESOURCE && strncmp(r, "execute-api:/", 13) == 0)
		return 0; /* API Gateway's shorthand for this API's ARN */
	if (strchr(r, ':') == NULL) {
		snprintf(msg, sizeof(msg), "Resource %.500s must be in ARN format or \"*\".", r);
		return fail(v, i, st, msg, elem, "resources are ARNs (arn:aws:execute-api:...)");
	}
	for (p = r; *p; p++)
		colons += *p == ':';
	if (strncmp(r, "arn:", 4) != 0 || (colons < 5 && strstr(r, "::") != NULL))
		return fail(v, i, st, "The policy failed legacy parsing", elem, "%.300s is not an "
			    "ARN (arn:partition:service:region:account:resource)", r);
	end = strchr(r + 4, ':');
	if ((size_t)(end - (r + 4)) != 3 || strncmp(r + 4, "aws", 3) != 0) {
		snprintf(msg, sizeof(msg), "Partition \"%.*s\" is not valid for resource "
			 "\"%.400s\".", (int)(end - (r + 4)), r + 4, r);
		return fail(v, i, st, msg, elem, "frontgate emulates the aws partition");
	}
	svc = end + 1;
	end = strchr(svc, ':');
	if (end == NULL || end == svc)
		return fail(v, i, st, "The policy failed legacy parsing", elem, "%.300s names no "
			    "service", r);
	for (p = svc; p < end; p++)
		if (*p == '*' || *p == '?')
			return fail(v, i, st, "Resource vendor must be fully qualified and cannot "
				    "contain regexes.", elem, "the service part of %.300s has a "
				    "wildcard", r);
	return 0;
}

static int check_resources(struct vctx *v, int i, const cJSON *st)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(st, "Resource");
	const cJSON *nr = cJSON_GetObjectItemCaseSensitive(st, "NotResource");
	const char *elem = r ? "Resource" : "NotResource";
	const cJSON *it;

	if (v->kind == POLICY_TRUST) {
		if (r != NULL)
			return fail(v, i, st, "Has prohibited field Resource", "Resource",
				    "a trust policy's resource is the role itself");
		if (nr != NULL)
			return fail(v, i, st, "AssumeRole policy must not contain resources.",
				    "NotResource", "a trust policy's resource is the role itself");
		return 0;
	}
	if (r == NULL)
		r = nr;
	if (r == NULL || empty_list(r))
		return fail(v, i, st, "Policy statement must contain resources.", elem,
			    "the statement has no Resource or NotResource");
	if (cJSON_IsString(r))
		return check_resource(v, i, st, elem, r->valuestring);
	cJSON_ArrayForEach(it, r)
		if (check_resource(v, i, st, elem, it->valuestring) != 0)
			return -1;
	return 0;
}

/* ------------------------------------------------------- condition values */

static int check_value(struct vctx *v, int i, const cJSON *st, const char *path,
		       const struct policy_op *op, const char *val)
{
	struct policy_cidr cidr;
	int64_t ms;
	double d;

	switch (op->family) {
	case PF_DATE:
		if (!policy_parse_date(val, &ms))
			return fail(v, i, st, "The policy failed legacy parsing", path, "%.200s is "
				    "not an ISO 8601 date or epoch seconds", val);
		break;
	case PF_NUMERIC:
		if (!policy_parse_number(val, &d))
			return fail(v, i, st, SYNTAX, path, "%.200s is not a number", val);
		break;
	case PF_IP:
		if (!policy_parse_cidr(val, &cidr))
			return fail(v, i, st, SYNTAX, path, "%.200s is not an IPv4 or IPv6 address "
				    "or CIDR block", val);
		break;
	case PF_BOOL:
	case PF_NULL:
		if (strcasecmp(val, "true") != 0 && strcasecmp(val, "false") != 0)
			return fail(v, i, st, SYNTAX, path, "%s takes true or false, not %.200s",
				    op->base, val);
		break;
	default:
		break;
	}
	return 0;
}

static int check_condition_values(struct vctx *v, int i, const cJSON *st)
{
	const cJSON *cond = cJSON_GetObjectItemCaseSensitive(st, "Condition"), *op, *key, *val;
	char path[200], buf[64];

	cJSON_ArrayForEach(op, cond) {
		struct policy_op parsed;

		policy_op_parse(op->string, &parsed);
		cJSON_ArrayForEach(key, op) {
			snprintf(path, sizeof(path), "Condition.%s.%s", op->string, key->string);
			if (strchr(key->string, ':') == NULL)
				return fail(v, i, st, "Actions/Conditions must be prefaced by a "
					    "vendor, e.g., iam, sdb, ec2, etc.", path, "condition "
					    "key %s has no prefix (aws:SourceIp, not SourceIp)",
					    key->string);
			if (!cJSON_IsArray(key)) {
				if (check_value(v, i, st, path, &parsed,
						policy_value_text(key, buf, sizeof(buf))) != 0)
					return -1;
				continue;
			}
			cJSON_ArrayForEach(val, key)
				if (check_value(v, i, st, path, &parsed,
						policy_value_text(val, buf, sizeof(buf))) != 0)
					return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- document */

static int check_statement(struct vctx *v, int i, const cJSON *st)
{
	const char *effect = cJSON_GetObjectItemCaseSensitive(st, "Effect")->valuestring;
	const cJSON *sid = cJSON_GetObjectItemCaseSensitive(st, "Sid");

	if (strcmp(effect, "Allow") != 0 && strcmp(effect, "Deny") != 0)
		return fail(v, i, st, "The policy failed legacy parsing", "Effect", "Effect is "
			    "case-sensitive: Allow or Deny, not %s", effect);
	if (v->kind == POLICY_IDENTITY && sid != NULL) {
		for (const char *p = sid->valuestring; *p; p++)
			if (!isalnum((unsigned char)*p))
				return fail(v, i, st, "Statement IDs (SID) must be alpha-numeric. "
					    "Check that your input satisfies the regular expression "
					    "[0-9A-Za-z]*", "Sid", "Sid %s has a character other than "
					    "letters and digits", sid->valuestring);
	}
	if (check_principal(v, i, st) != 0 || check_actions(v, i, st) != 0 ||
	    check_resources(v, i, st) != 0)
		return -1;
	return check_condition_values(v, i, st);
}

static int check_sids(struct vctx *v, const cJSON *stmts)
{
	const cJSON *a, *b;
	int i = 0;

	cJSON_ArrayForEach(a, stmts) {
		const cJSON *sa = cJSON_GetObjectItemCaseSensitive(a, "Sid");

		if (cJSON_IsString(sa) && sa->valuestring[0]) {
			for (b = a->next; b != NULL; b = b->next) {
				const cJSON *sb = cJSON_GetObjectItemCaseSensitive(b, "Sid");

				if (cJSON_IsString(sb) && strcmp(sa->valuestring, sb->valuestring) == 0)
					return fail(v, i, a, "Statement IDs (SID) in a single policy "
						    "must be unique.", "Sid", "Sid %s is used by more "
						    "than one statement", sa->valuestring);
			}
		}
		i++;
	}
	return 0;
}

static int check_top(struct vctx *v, const cJSON *doc, const cJSON **stmts)
{
	static const char *const top_keys[] = { "Version", "Id", "Statement", NULL };
	const cJSON *it, *version = cJSON_GetObjectItemCaseSensitive(doc, "Version");

	if (!cJSON_IsObject(doc))
		return fail(v, -1, NULL, SYNTAX, "", "the document is %s, not an object",
			    kind_of(doc));
	cJSON_ArrayForEach(it, doc)
		if (!known_key(it->string, top_keys))
			return fail(v, -1, NULL, SYNTAX, it->string, "%s is not a policy element "
				    "(Version, Id, Statement)", it->string);
	if (version != NULL && (!cJSON_IsString(version) ||
				(strcmp(version->valuestring, "2012-10-17") != 0 &&
				 strcmp(version->valuestring, "2008-10-17") != 0)))
		return fail(v, -1, NULL, SYNTAX, "Version", "Version is 2012-10-17 (or the old "
			    "2008-10-17), not %s", cJSON_IsString(version) ? version->valuestring
			    : kind_of(version));
	it = cJSON_GetObjectItemCaseSensitive(doc, "Id");
	if (it != NULL && !cJSON_IsString(it))
		return fail(v, -1, NULL, SYNTAX, "Id", "Id must be a string");
	*stmts = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
	if (!cJSON_IsObject(*stmts) && !cJSON_IsArray(*stmts))
		return fail(v, -1, NULL, SYNTAX, "Statement", *stmts ? "Statement must be an "
			    "object or a list of objects" : "the document has no Statement");
	if (empty_list(*stmts))
		return fail(v, -1, NULL, v->kind == POLICY_TRUST ? "Could not parse the policy: "
			    "Statement is empty!" : SYNTAX, "Statement", "Statement is empty");
	v->array = cJSON_IsArray(*stmts);
	return 0;
}

int policy_validate(const cJSON *doc, enum policy_kind kind, struct policy_error *err)
{
	struct vctx v = { .kind = kind, .err = err };
	const cJSON *stmts = NULL, *st, *version;
	int i = 0;

	memset(err, 0, sizeof(*err));
	err->statement = -1;
	if (check_top(&v, doc, &stmts) != 0)
		return -1;
	for (st = v.array ? stmts->child : stmts; st != NULL; st = v.array ? st->next : NULL)
		if (check_statement_syntax(&v, i++, st) != 0)
			return -1;
	version = cJSON_GetObjectItemCaseSensitive(doc, "Version");
	if (kind == POLICY_IDENTITY &&
	    (version == NULL || strcmp(version->valuestring, "2012-10-17") != 0))
		return fail(&v, -1, NULL, "Policy document must be version 2012-10-17 or greater.",
			    "Version", "an identity policy says \"Version\": \"2012-10-17\"");
	i = 0;
	for (st = v.array ? stmts->child : stmts; st != NULL; st = v.array ? st->next : NULL)
		if (check_statement(&v, i++, st) != 0)
			return -1;
	return v.array ? check_sids(&v, stmts) : 0;
}

cJSON *policy_parse(const char *text, enum policy_kind kind, struct policy_error *err)
{
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithOpts(text, &end, true);

	memset(err, 0, sizeof(*err));
	err->statement = -1;
	if (doc != NULL)
		return doc;
	snprintf(err->message, sizeof(err->message), "%s", kind == POLICY_TRUST
		 ? "This policy contains invalid Json" : SYNTAX);
	snprintf(err->detail, sizeof(err->detail), "the document is not valid JSON (near "
		 "character %ld)", end ? (long)(end - text) : 0L);
	return NULL;
}

void policy_error_text(const struct policy_error *err, char *out, size_t n)
{
	char at[450] = "";

	if (err->statement >= 0 && err->sid[0])
		snprintf(at, sizeof(at), "%s (Sid %s)", err->where, err->sid);
	else
		snprintf(at, sizeof(at), "%s", err->where[0] ? err->where : "the document");
	snprintf(out, n, "%s (%s: %s)", err->message, at, err->detail);
}
