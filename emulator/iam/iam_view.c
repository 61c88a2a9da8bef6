/*
 * iam_view.c: the IAM service's compiled view of one world. Every access key frontgate knows
 * — each AWS::IAM::AccessKey and each role's Metadata.Frontgate.SessionCredentials entry —
 * becomes a record: the caller it stands for (iface/identity.h struct fg_caller), its secret,
 * status, session token and expiry, and the identity policies that apply to that caller,
 * collected once here: the user's inline policies, managed policies (ManagedPolicyArns,
 * AWS::IAM::ManagedPolicy Users) and AWS::IAM::Policy attachments, the same for every group
 * the user is in (Groups, UserToGroupAddition), or the role's for a session. Records are
 * sorted by key id; a lookup is a binary search.
 *
 * Only resources the IAM types deployed (Emulated) are read; names match case-insensitively
 * within the stack's account. Documents given as JSON text are parsed once per view and
 * owned by it. The view is immutable once built and freed with its world.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iam/iam_int.h"

/* ------------------------------------------------- AWS managed policies */

static const struct {
	const char *name;
	const char *doc;
} aws_managed[] = {
	{ "AdministratorAccess",
	  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
	  "\"Resource\":\"*\"}]}" },
	{ "AmazonAPIGatewayInvokeFullAccess",
	  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":["
	  "\"execute-api:Invoke\",\"execute-api:ManageConnections\"],\"Resource\":"
	  "\"arn:aws:execute-api:*:*:*\"}]}" },
	{ "AmazonAPIGatewayAdministrator",
	  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":["
	  "\"apigateway:*\"],\"Resource\":\"arn:aws:apigateway:*::/*\"}]}" },
	/* only what concerns API Gateway: ReadOnlyAccess reads its configuration and grants no
	 * execute-api action */
	{ "ReadOnlyAccess",
	  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":["
	  "\"apigateway:GET\"],\"Resource\":\"*\"}]}" },
};

const char *iam_aws_managed(const char *arn)
{
	if (strncmp(arn, "arn:aws:iam::aws:policy/", 24) != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(aws_managed) / sizeof(aws_managed[0]); i++)
		if (strcmp(arn + 24, aws_managed[i].name) == 0)
			return aws_managed[i].doc;
	return NULL;
}

/* ------------------------------------------------------------------ the view */

struct iam_key {
	const char *id, *secret;
	const char *token;          /* session credentials; NULL for an AccessKey */
	int64_t expires_ms;         /* 0 = never */
	bool active;
	struct fg_caller caller;
	const char *detail;         /* "access key AKIA... of user alice (...)" */
	struct fg_identity_policy *pols;
	size_t npols;
};

struct parsed {
	const void *src;            /* the string node, or the AWS managed document text */
	cJSON *doc;
};

struct iam_view {
	struct fg_arena *a;
	struct iam_key *keys;
	size_t nkeys, capkeys;
	struct parsed *parsed;
	size_t nparsed, capparsed;
};

/* One deployed IAM resource. */
struct item {
	const cJSON *res, *props;
	const char *account, *stack, *logical, *name;
};

struct items {
	struct item *v;
	size_t n, cap;
};

struct world_items {
	struct items users, groups, roles, policies, managed, additions, keys;
};

static void items_add(struct items *l, const struct item *it)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		FG_ASSERT(l->v != NULL);
	}
	l->v[l->n++] = *it;
}

static struct items *list_for(struct world_items *w, const char *type)
{
	static const char *const types[] = { IAM_USER, IAM_GROUP, IAM_ROLE, IAM_POLICY,
					     IAM_MANAGED, IAM_ADDITION, IAM_KEY };
	struct items *lists[] = { &w->users, &w->groups, &w->roles, &w->policies, &w->managed,
				  &w->additions, &w->keys };

	for (size_t i = 0; i < 7; i++)
		if (strcmp(types[i], type) == 0)
			return lists[i];
	return NULL;
}

static void gather(const struct stack_world *w, struct world_items *out)
{
	const cJSON *doc, *r;

	memset(out, 0, sizeof(*out));
	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		const char *acct = iam_str(doc, "Account");

		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			const char *type = iam_str(r, "Type");
			struct items *l = type ? list_for(out, type) : NULL;
			struct item it = {
				.res = r, .props = cJSON_GetObjectItemCaseSensitive(r, "Properties"),
				.account = acct, .stack = iam_str(doc, "Name"),
				.logical = iam_str(r, "LogicalId"), .name = iam_str(r, "PhysicalId"),
			};

			if (l != NULL && acct != NULL && it.name != NULL && it.logical != NULL &&
			    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "Emulated")))
				items_add(l, &it);
		}
	}
}

static void items_free(struct world_items *w)
{
	free(w->users.v);
	free(w->groups.v);
	free(w->roles.v);
	free(w->policies.v);
	free(w->managed.v);
	free(w->additions.v);
	free(w->keys.v);
}

static const struct item *find_named(const struct items *l, const char *account,
				     const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].account, account) == 0 && strcasecmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

static bool lists_name(const cJSON *props, const char *prop, const char *name)
{
	const cJSON *n;

	cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(props, prop))
		if (cJSON_IsString(n) && strcasecmp(n->valuestring, name) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------- documents */

/* A document node (object, or JSON text parsed once per view); NULL when unusable. */
static const cJSON *doc_of(struct iam_view *v, const void *src, const char *text,
			   const cJSON *node)
{
	if (node != NULL && cJSON_IsObject(node))
		return node;
	for (size_t i = 0; i < v->nparsed; i++)
		if (v->parsed[i].src == src)
			return v->parsed[i].doc;
	if (text == NULL)
		return NULL;
	if (v->nparsed == v->capparsed) {
		v->capparsed = v->capparsed ? v->capparsed * 2 : 8;
		v->parsed = realloc(v->parsed, v->capparsed * sizeof(*v->parsed));
		FG_ASSERT(v->parsed != NULL);
	}
	v->parsed[v->nparsed].src = src;
	v->parsed[v->nparsed].doc = cJSON_Parse(text);
	return v->parsed[v->nparsed++].doc;
}

static const cJSON *prop_doc(struct iam_view *v, const cJSON *node)
{
	return doc_of(v, node, cJSON_IsString(node) ? node->valuestring : NULL, node);
}

/* ------------------------------------------------------ collecting policies */

struct collect {
	struct iam_view *v;
	const struct world_items *w;
	struct fg_identity_policy *pols;
	size_t n, cap;
};

static void add_policy(struct collect *c, const cJSON *doc, const char *fmt, ...)
	FG_PRINTF(3, 4);

static void add_policy(struct collect *c, const cJSON *doc, const char *fmt, ...)
{
	va_list ap;

	if (doc == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (c->pols[i].document == doc)
			return; /* attached twice (a managed policy by ARN and by Users) */
	if (c->n == c->cap) {
		struct fg_identity_policy *p;

		c->cap = c->cap ? c->cap * 2 : 8;
		p = fg_arena_alloc(c->v->a, c->cap * sizeof(*p));
		if (c->n)
			memcpy(p, c->pols, c->n * sizeof(*p));
		c->pols = p;
	}
	c->pols[c->n].document = doc;
	va_start(ap, fmt);
	c->pols[c->n].source = fg_arena_vprintf(c->v->a, fmt, ap);
	va_end(ap);
	c->n++;
}

static void add_managed_arn(struct collect *c, const char *arn, const char *who)
{
	const struct world_items *w = c->w;
	const char *text = iam_aws_managed(arn);

	if (text != NULL) {
		add_policy(c, doc_of(c->v, text, text, NULL), "AWS managed policy %s attached to "
			   "%s", arn + 24, who);
		return;
	}
	for (size_t i = 0; i < w->managed.n; i++) {
		const struct item *m = &w->managed.v[i];

		if (strcmp(m->name, arn) == 0)
			add_policy(c, prop_doc(c->v, cJSON_GetObjectItemCaseSensitive(
				m->props, "PolicyDocument")), "AWS::IAM::ManagedPolicy %s (stack %s) "
				"attached to %s", m->logical, m->stack, who);
	}
}

/*
 * The policies of one user, group or role: inline, ManagedPolicyArns, and AWS::IAM::Policy /
 * ManagedPolicy resources whose list prop (Users, Groups, Roles) names it.
 */
static void collect_entity(struct collect *c, const struct item *e, const char *kind,
			   const char *prop)
{
	const struct world_items *w = c->w;
	const cJSON *p, *arn;
	char who[400];

	snprintf(who, sizeof(who), "%s %s", kind, e->name);
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(e->props, "Policies"))
		add_policy(c, prop_doc(c->v, cJSON_GetObjectItemCaseSensitive(p, "PolicyDocument")),
			   "inline policy %s of %s (AWS::IAM::%c%s %s, stack %s)",
			   iam_str(p, "PolicyName") ? iam_str(p, "PolicyName") : "?", who,
			   kind[0] - 32, kind + 1, e->logical, e->stack);
	cJSON_ArrayForEach(arn, cJSON_GetObjectItemCaseSensitive(e->props, "ManagedPolicyArns"))
		if (cJSON_IsString(arn))
			add_managed_arn(c, arn->valuestring, who);
	for (size_t i = 0; i < w->policies.n; i++) {
		const struct item *pi = &w->policies.v[i];

		if (strcmp(pi->account, e->account) == 0 && lists_name(pi->props, prop, e->name))
			add_policy(c, prop_doc(c->v, cJSON_GetObjectItemCaseSensitive(
				pi->props, "PolicyDocument")), "AWS::IAM::Policy %s (stack %s) "
				"attached to %s", pi->logical, pi->stack, who);
	}
	for (size_t i = 0; i < w->managed.n; i++) {
		const struct item *m = &w->managed.v[i];

		if (strcmp(m->account, e->account) == 0 && lists_name(m->props, prop, e->name))
			add_policy(c, prop_doc(c->v, cJSON_GetObjectItemCaseSensitive(
				m->props, "PolicyDocument")), "AWS::IAM::ManagedPolicy %s (stack %s) "
				"attached to %s", m->logical, m->stack, who);
	}
}

static void collect_group(struct collect *c, const struct item *user, const char *group)
{
	const struct item *g = find_named(&c->w->groups, user->account, group);

	if (g != NULL)
		collect_entity(c, g, "group", "Groups");
}

static void collect_user(struct collect *c, const struct item *u)
{
	const struct world_items *w = c->w;
	const cJSON *g;

	collect_entity(c, u, "user", "Users");
	cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(u->props, "Groups"))
		if (cJSON_IsString(g))
			collect_group(c, u, g->valuestring);
	for (size_t i = 0; i < w->additions.n; i++) {
		const struct item *ad = &w->additions.v[i];
		const char *group = iam_str(ad->props, "GroupName");

		if (group != NULL && strcmp(ad->account, u->account) == 0 &&
		    lists_name(ad->props, "Users", u->name))
			collect_group(c, u, group);
	}
}

/* ------------------------------------------------------------------ keys */

static struct iam_key *new_key(struct iam_view *v)
{
	struct iam_key *k;

	if (v->nkeys == v->capkeys) {
		v->capkeys = v->capkeys ? v->capkeys * 2 : 16;
		v->keys = realloc(v->keys, v->capkeys * sizeof(*v->keys));
		FG_ASSERT(v->keys != NULL);
	}
	k = &v->keys[v->nkeys++];
	memset(k, 0, sizeof(*k));
	return k;
}

static void add_user_key(struct iam_view *v, const struct world_items *w, const struct item *ki)
{
	const char *uname = iam_str(ki->props, "UserName"), *status;
	const struct item *u = uname ? find_named(&w->users, ki->account, uname) : NULL;
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(ki->res, "Attributes");
	const char *secret = iam_str(attrs, "SecretAccessKey"), *uid, *arn;
	struct collect c = { .v = v, .w = w };
	struct iam_key *k;

	if (u == NULL || secret == NULL)
		return;
	uid = iam_str(cJSON_GetObjectItemCaseSensitive(u->res, "State"), "UserId");
	arn = iam_str(cJSON_GetObjectItemCaseSensitive(u->res, "Attributes"), "Arn");
	status = iam_str(ki->props, "Status");
	k = new_key(v);
	k->id = fg_arena_strdup(v->a, ki->name);
	k->secret = fg_arena_strdup(v->a, secret);
	k->active = status == NULL || strcmp(status, "Inactive") != 0;
	k->caller.access_key = k->id;
	k->caller.account = fg_arena_strdup(v->a, u->account);
	k->caller.arn = arn ? fg_arena_strdup(v->a, arn)
			    : fg_arena_printf(v->a, "arn:aws:iam::%s:user/%s", u->account, u->name);
	k->caller.principal_arn = k->caller.arn;
	k->caller.user = fg_arena_strdup(v->a, uid ? uid : u->name);
	k->caller.caller = k->caller.user;
	k->detail = fg_arena_printf(v->a, "access key %s of user %s (AWS::IAM::AccessKey %s, "
				    "stack %s)", ki->name, u->name, ki->logical, ki->stack);
	collect_user(&c, u);
	k->pols = c.pols;
	k->npols = c.n;
}

static void add_session(struct iam_view *v, const struct world_items *w, const struct item *r,
			const cJSON *s)
{
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(r->res, "Attributes");
	const char *id = iam_str(s, "AccessKeyId"), *secret = iam_str(s, "SecretAccessKey");
	const char *token = iam_str(s, "SessionToken"), *session = iam_str(s, "SessionName");
	const char *exp = iam_str(s, "Expiration"), *role_id = iam_str(attrs, "RoleId");
	const char *arn = iam_str(attrs, "Arn");
	struct collect c = { .v = v, .w = w };
	struct iam_key *k;

	if (id == NULL || secret == NULL || token == NULL || session == NULL || arn == NULL)
		return;
	k = new_key(v);
	k->id = fg_arena_strdup(v->a, id);
	k->secret = fg_arena_strdup(v->a, secret);
	k->token = fg_arena_strdup(v->a, token);
	if (exp == NULL || !fg_time_parse_iso(exp, &k->expires_ms))
		k->expires_ms = 0;
	k->active = true;
	k->caller.access_key = k->id;
	k->caller.account = fg_arena_strdup(v->a, r->account);
	k->caller.arn = fg_arena_printf(v->a, "arn:aws:sts::%s:assumed-role/%s/%s", r->account,
					r->name, session);
	k->caller.principal_arn = fg_arena_strdup(v->a, arn);
	k->caller.user = fg_arena_printf(v->a, "%s:%s", role_id ? role_id : r->name, session);
	k->caller.caller = k->caller.user;
	k->caller.session = true;
	k->detail = fg_arena_printf(v->a, "session %s of role %s (AWS::IAM::Role %s "
				    "Metadata.Frontgate.SessionCredentials, stack %s)", session,
				    r->name, r->logical, r->stack);
	collect_entity(&c, r, "role", "Roles");
	k->pols = c.pols;
	k->npols = c.n;
}

static void add_sessions(struct iam_view *v, const struct world_items *w, const struct item *r)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(iam_frontgate_meta(
		cJSON_GetObjectItemCaseSensitive(r->res, "Metadata")), "SessionCredentials");
	const cJSON *s;

	if (cJSON_IsObject(sc)) {
		add_session(v, w, r, sc);
		return;
	}
	cJSON_ArrayForEach(s, (cJSON_IsArray(sc) ? sc : NULL))
		add_session(v, w, r, s);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct iam_key *)a)->id, ((const struct iam_key *)b)->id);
}

struct iam_view *iam_view_compile(const struct stack_world *w)
{
	struct iam_view *v = calloc(1, sizeof(*v));
	struct world_items items;

	FG_ASSERT(v != NULL);
	v->a = fg_arena_new(0);
	gather(w, &items);
	for (size_t i = 0; i < items.keys.n; i++)
		add_user_key(v, &items, &items.keys.v[i]);
	for (size_t i = 0; i < items.roles.n; i++)
		add_sessions(v, &items, &items.roles.v[i]);
	items_free(&items);
	if (v->nkeys > 1)
		qsort(v->keys, v->nkeys, sizeof(*v->keys), key_cmp);
	return v;
}

void iam_view_release(void *view)
{
	struct iam_view *v = view;

	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nparsed; i++)
		cJSON_Delete(v->parsed[i].doc);
	free(v->parsed);
	free(v->keys);
	fg_arena_destroy(&v->a);
	free(v);
}

/* ---------------------------------------------------------------- lookups */

static const struct iam_key *find_key(const struct iam_view *v, const char *id)
{
	struct iam_key probe = { .id = id };

	if (v == NULL || id == NULL || v->nkeys == 0)
		return NULL;
	return bsearch(&probe, v->keys, v->nkeys, sizeof(*v->keys), key_cmp);
}

void iam_view_lookup(const struct iam_view *v, const char *access_key, const char *token,
		     int64_t now_ms, struct fg_arena *a, struct fg_key_lookup *out)
{
	const struct iam_key *k = find_key(v, access_key);
	char when[21], now[21];

	memset(out, 0, sizeof(*out));
	if (k == NULL) {
		out->status = FG_KEY_UNKNOWN;
		out->detail = fg_arena_printf(a, "no AWS::IAM::AccessKey or role "
					      "SessionCredentials in any stack has the access key "
					      "id %s", access_key ? access_key : "(none)");
		return;
	}
	out->detail = k->detail;
	if (!k->active) {
		out->status = FG_KEY_INACTIVE;
		out->detail = fg_arena_printf(a, "%s is Inactive", k->detail);
	} else if (k->token == NULL && token != NULL && token[0]) {
		out->status = FG_KEY_TOKEN_INVALID;
		out->detail = fg_arena_printf(a, "a session token was sent with %s, a long-term "
					      "key that has none", k->detail);
	} else if (k->token != NULL && (token == NULL || token[0] == '\0')) {
		out->status = FG_KEY_TOKEN_MISSING;
		out->detail = fg_arena_printf(a, "no session token (X-Amz-Security-Token) was sent "
					      "with %s", k->detail);
	} else if (k->token != NULL && strcmp(token, k->token) != 0) {
		out->status = FG_KEY_TOKEN_INVALID;
		out->detail = fg_arena_printf(a, "the session token sent is not the one of %s",
					      k->detail);
	} else if (k->expires_ms != 0 && now_ms >= k->expires_ms) {
		fg_time_iso(k->expires_ms, when);
		fg_time_iso(now_ms, now);
		out->status = FG_KEY_TOKEN_EXPIRED;
		out->detail = fg_arena_printf(a, "%s expired at %s (frontgate's clock says %s)",
					      k->detail, when, now);
	} else {
		out->status = FG_KEY_OK;
		out->secret = k->secret;
		out->caller = k->caller;
	}
}

const struct fg_identity_policy *iam_view_policies(const struct iam_view *v,
						   const char *access_key, size_t *n)
{
	const struct iam_key *k = find_key(v, access_key);

	*n = k ? k->npols : 0;
	return k ? k->pols : NULL;
}
