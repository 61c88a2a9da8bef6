/*
 * policy_eval.c: one policy document against one request. Every statement is checked in
 * order (Effect, Principal/NotPrincipal for resource and trust policies, Action/NotAction,
 * Resource/NotResource, Condition); the first Deny that applies decides (explicit deny wins),
 * else the first Allow, else the document does not apply and the explanation says why each
 * statement did not.
 *
 * Principals (IAM User Guide, "Principal" and "NotPrincipal"): a caller stands for several
 * principals at once — a user for its account and itself; an assumed-role session for its
 * account, its role and the session. Principal applies when it names any of them ("*" and
 * {"AWS":"*"} name everyone, anonymous callers included; an account id or
 * arn:aws:iam::{acct}:root names the account; a role ARN names its sessions). NotPrincipal
 * exempts the caller only when it names every one of them, which is why AWS asks for the
 * account, role and session ARNs together.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_int.h"

const char *policy_effect_name(enum policy_effect e)
{
	return e == POLICY_ALLOW ? "Allow" : e == POLICY_DENY ? "Deny" : "NotApplicable";
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Lists a string-or-array element as "[a, b]" for explanations. */
static void list_values(struct policy_sb *sb, const cJSON *v)
{
	const cJSON *it;
	int i = 0;

	if (cJSON_IsString(v)) {
		policy_sb_printf(sb, "[%s]", v->valuestring);
		return;
	}
	policy_sb_printf(sb, "[");
	cJSON_ArrayForEach(it, v)
		if (cJSON_IsString(it))
			policy_sb_printf(sb, "%s%s", i++ ? ", " : "", it->valuestring);
	policy_sb_printf(sb, "]");
}

static bool one_matches(const struct policy_ctx *c, const cJSON *it, const char *text,
			bool is_action)
{
	struct policy_pat p;

	if (!cJSON_IsString(it))
		return false;
	if (is_action) /* actions: case-insensitive, no policy variables */
		return policy_glob(it->valuestring, text, true);
	p = policy_subst(c, it->valuestring);
	return policy_pat_glob(&p, text, false);
}

/* The first string of a string-or-array element that matches; NULL when none. */
static const char *first_match(const struct policy_ctx *c, const cJSON *v, const char *text,
			       bool is_action)
{
	const cJSON *it;

	if (cJSON_IsString(v))
		return one_matches(c, v, text, is_action) ? v->valuestring : NULL;
	cJSON_ArrayForEach(it, v)
		if (one_matches(c, it, text, is_action))
			return it->valuestring;
	return NULL;
}

/* ---------------------------------------------------------------- principals */

enum ident { ID_ANON, ID_ACCOUNT, ID_USER, ID_ROLE, ID_SESSION };

static bool names_account(const char *entry, const char *account)
{
	char root[64];

	if (account == NULL)
		return false;
	snprintf(root, sizeof(root), "arn:aws:iam::%s:root", account);
	return strcmp(entry, account) == 0 || strcmp(entry, root) == 0;
}

static bool entry_names(const char *entry, const struct policy_caller *cl, enum ident id)
{
	if (strcmp(entry, "*") == 0)
		return true;
	switch (id) {
	case ID_ANON:
		return false;
	case ID_ACCOUNT:
		return names_account(entry, cl->account);
	case ID_ROLE:
		return cl->role_arn != NULL && strcmp(entry, cl->role_arn) == 0;
	case ID_USER:
	case ID_SESSION:
		return cl->arn != NULL && strcmp(entry, cl->arn) == 0;
	}
	return false;
}

/* The principals the caller stands for; returns how many. */
static size_t identities(const struct policy_caller *cl, enum ident out[3])
{
	if (cl->account == NULL) {
		out[0] = ID_ANON;
		return 1;
	}
	out[0] = ID_ACCOUNT;
	if (cl->role_arn != NULL) {
		out[1] = ID_ROLE;
		out[2] = ID_SESSION;
		return 3;
	}
	out[1] = ID_USER;
	return 2;
}

/* Is identity id named by the element ("*" or {"AWS": ...}; other keys name services)? */
static bool element_names(const cJSON *el, const struct policy_caller *cl, enum ident id,
			  const char **which)
{
	const cJSON *aws, *it;

	if (cJSON_IsString(el)) {
		*which = el->valuestring;
		return strcmp(el->valuestring, "*") == 0;
	}
	aws = cJSON_GetObjectItemCaseSensitive(el, "AWS");
	if (cJSON_IsString(aws)) {
		*which = aws->valuestring;
		return entry_names(aws->valuestring, cl, id);
	}
	cJSON_ArrayForEach(it, aws) {
		if (cJSON_IsString(it) && entry_names(it->valuestring, cl, id)) {
			*which = it->valuestring;
			return true;
		}
	}
	return false;
}

static void describe_principal(struct policy_sb *sb, const cJSON *el)
{
	const cJSON *aws = cJSON_GetObjectItemCaseSensitive(el, "AWS");

	if (cJSON_IsString(el))
		policy_sb_printf(sb, "[%s]", el->valuestring);
	else if (aws != NULL)
		list_values(sb, aws);
	else
		policy_sb_printf(sb, "[no AWS principal]");
}

static const char *caller_name(const struct policy_caller *cl)
{
	return cl->account == NULL ? "anonymous" : cl->arn ? cl->arn : cl->account;
}

/* Principal / NotPrincipal of a resource or trust policy statement. */
static bool principal_applies(const cJSON *st, const struct policy_caller *cl,
			      struct policy_sb *why, bool *account_only)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(st, "Principal");
	const cJSON *np = cJSON_GetObjectItemCaseSensitive(st, "NotPrincipal");
	enum ident ids[3];
	size_t n = identities(cl, ids), named = 0;
	const char *which = NULL;
	bool by_self = false;

	*account_only = false;
	if (p != NULL) {
		for (size_t i = 0; i < n; i++) {
			if (element_names(p, cl, ids[i], &which)) {
				named++;
				by_self = by_self || ids[i] != ID_ACCOUNT || strcmp(which, "*") == 0;
			}
		}
		if (named == 0) {
			policy_sb_printf(why, "principal %s is not in Principal ", caller_name(cl));
			describe_principal(why, p);
			return false;
		}
		*account_only = !by_self;
		return true;
	}
	if (np != NULL) {
		for (size_t i = 0; i < n; i++)
			named += element_names(np, cl, ids[i], &which);
		if (named == n) {
			policy_sb_printf(why, "principal %s is exempted by NotPrincipal ",
					 caller_name(cl));
			describe_principal(why, np);
			return false;
		}
		return true;
	}
	policy_sb_printf(why, "it names no Principal");
	return false;
}

/* ---------------------------------------------------------------- statements */

struct verdict {
	bool applies;
	bool account_only;
	struct policy_sb why;     /* not applying: the reason; applying: what matched */
};

static bool action_applies(const struct policy_ctx *c, const cJSON *st, struct verdict *v,
			   const char **matched)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(st, "Action");
	const cJSON *na = cJSON_GetObjectItemCaseSensitive(st, "NotAction");
	const char *action = c->req->action ? c->req->action : "";

	if (a != NULL) {
		*matched = first_match(c, a, action, true);
		if (*matched == NULL) {
			policy_sb_printf(&v->why, "action %s is not in Action ", action);
			list_values(&v->why, a);
		}
		return *matched != NULL;
	}
	if (na != NULL) {
		const char *m = first_match(c, na, action, true);

		if (m != NULL)
			policy_sb_printf(&v->why, "action %s is excluded by NotAction %s", action, m);
		*matched = "NotAction";
		return m == NULL;
	}
	policy_sb_printf(&v->why, "it has no Action");
	return false;
}

static bool resource_applies(const struct policy_ctx *c, enum policy_kind kind,
			     const cJSON *st, struct verdict *v, const char **matched)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(st, "Resource");
	const cJSON *nr = cJSON_GetObjectItemCaseSensitive(st, "NotResource");
	const char *res = c->req->resource ? c->req->resource : "";

	*matched = NULL;
	if (r != NULL) {
		*matched = first_match(c, r, res, false);
		if (*matched == NULL) {
			policy_sb_printf(&v->why, "resource %s is not matched by Resource ", res);
			list_values(&v->why, r);
		}
		return *matched != NULL;
	}
	if (nr != NULL) {
		const char *m = first_match(c, nr, res, false);

		if (m != NULL)
			policy_sb_printf(&v->why, "resource %s is excluded by NotResource %s", res,
					 m);
		*matched = "NotResource";
		return m == NULL;
	}
	if (kind == POLICY_TRUST)
		return true; /* a trust policy's resource is the role itself */
	policy_sb_printf(&v->why, "it has no Resource");
	return false;
}

static void statement_check(const struct policy_ctx *c, enum policy_kind kind, const cJSON *st,
			    struct verdict *v)
{
	const char *effect = str_of(st, "Effect"), *am = NULL, *rm = NULL;
	const cJSON *cond = cJSON_GetObjectItemCaseSensitive(st, "Condition");

	policy_sb_init(&v->why, c->a);
	v->applies = false;
	v->account_only = false;
	if (!cJSON_IsObject(st) || effect == NULL ||
	    (strcmp(effect, "Allow") != 0 && strcmp(effect, "Deny") != 0)) {
		policy_sb_printf(&v->why, "its Effect is not Allow or Deny");
		return;
	}
	if (kind != POLICY_IDENTITY &&
	    !principal_applies(st, &c->req->caller, &v->why, &v->account_only))
		return;
	if (!action_applies(c, st, v, &am) || !resource_applies(c, kind, st, v, &rm))
		return;
	if (cond != NULL) {
		v->applies = policy_conditions(c, cond, &v->why);
		return;
	}
	policy_sb_printf(&v->why, "action %s matched %s", c->req->action ? c->req->action : "",
			 am);
	if (rm != NULL)
		policy_sb_printf(&v->why, ", resource matched %s", rm);
	v->applies = true;
}

static void name_statement(struct policy_sb *sb, int i, const cJSON *st)
{
	const char *sid = str_of(st, "Sid");

	if (sid != NULL && sid[0])
		policy_sb_printf(sb, "statement %d (Sid %s)", i, sid);
	else
		policy_sb_printf(sb, "statement %d", i);
}

static void decide(struct policy_result *out, struct fg_arena *a, int i, const cJSON *st,
		   const struct verdict *v, bool deny)
{
	struct policy_sb sb;
	const char *sid = str_of(st, "Sid");

	policy_sb_init(&sb, a);
	name_statement(&sb, i, st);
	policy_sb_printf(&sb, " %s: %s", deny ? "denies" : "allows", policy_sb_str(&v->why));
	out->effect = deny ? POLICY_DENY : POLICY_ALLOW;
	out->statement = i;
	out->sid = sid != NULL && sid[0] ? fg_arena_strdup(a, sid) : NULL;
	out->account_principal = !deny && v->account_only;
	out->explain = policy_sb_str(&sb);
}

void policy_evaluate(const cJSON *doc, enum policy_kind kind, const struct policy_request *req,
		     struct fg_arena *a, struct policy_result *out)
{
	const cJSON *stmts = cJSON_GetObjectItemCaseSensitive(doc, "Statement"), *st;
	const char *version = str_of(doc, "Version");
	struct policy_ctx c;
	struct policy_sb none;
	struct verdict allow = { 0 };
	const cJSON *allow_st = NULL;
	int i = 0, allow_i = -1;

	memset(out, 0, sizeof(*out));
	out->statement = -1;
	policy_ctx_init(&c, req, a, version != NULL && strcmp(version, "2012-10-17") == 0);
	policy_sb_init(&none, a);
	policy_sb_printf(&none, "no statement applies");
	if (!cJSON_IsObject(stmts) && !cJSON_IsArray(stmts)) {
		out->explain = "no statement applies: the document has no Statement";
		return;
	}
	/* Statement is one object or an array of them */
	for (st = cJSON_IsObject(stmts) ? stmts : stmts->child; st != NULL;
	     st = st == stmts ? NULL : st->next, i++) {
		struct verdict v;

		statement_check(&c, kind, st, &v);
		if (v.applies && strcmp(str_of(st, "Effect"), "Deny") == 0) {
			decide(out, a, i, st, &v, true);
			return;
		}
		if (v.applies && allow_st == NULL) {
			allow = v;
			allow_st = st;
			allow_i = i;
		} else if (!v.applies) {
			policy_sb_printf(&none, "%s ", i ? ";" : ":");
			name_statement(&none, i, st);
			policy_sb_printf(&none, ": %s", policy_sb_str(&v.why));
		}
	}
	if (allow_st != NULL) {
		decide(out, a, allow_i, allow_st, &allow, false);
		return;
	}
	if (i == 0)
		policy_sb_printf(&none, ": the document has no statements");
	out->explain = policy_sb_str(&none);
}
