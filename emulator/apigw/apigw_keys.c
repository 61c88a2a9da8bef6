/*
 * apigw_keys.c: API keys and usage plans (aws-behavior.md §1.5: 403 Forbidden for a missing or
 * wrong key, 429 for throttling and quota).
 *
 * Control plane: AWS::ApiGateway::ApiKey (Value, Enabled), UsagePlan (ApiStages with per-method
 * Throttle, Throttle, Quota) and UsagePlanKey. The view gets the keys (hashed by value) and the
 * plans they belong to.
 *
 * Data plane: a method with ApiKeyRequired needs an x-api-key header naming an enabled key that
 * is in a usage plan of this API and stage. Each key/plan pair then has a token bucket
 * (RateLimit per second, BurstLimit deep) and a quota counter for the current DAY/WEEK/MONTH.
 * Those counters are the only mutable state of the service: they live in the service object
 * (struct apigw_usage, one mutex), outlive the views, run on frontgate's clock (so tests move
 * time instead of sleeping) and are forgotten when a key or plan leaves the world.
 */
#include "apigw/apigw_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define T_APIKEY "AWS::ApiGateway::ApiKey"
#define T_PLAN "AWS::ApiGateway::UsagePlan"
#define T_PLANKEY "AWS::ApiGateway::UsagePlanKey"
#define HOP(r, ...) fg_trace_hop((r)->t, "apigw", __VA_ARGS__)

static const cJSON *prop(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *pstr(const cJSON *o, const char *k)
{
	const cJSON *v = prop(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_of(const cJSON *v, double def)
{
	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsString(v) && v->valuestring[0])
		return strtod(v->valuestring, NULL);
	return def;
}

/* ------------------------------------------------------------ control plane */

static int apikey_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *value = NULL, *name = NULL;
	bool enabled = false;

	if (stack_opt_str(c, props, "Value", "Value", &value, err) != 0 ||
	    stack_opt_str(c, props, "Name", "Name", &name, err) != 0 ||
	    stack_opt_bool(c, props, "Enabled", &enabled, err) != 0)
		return -1;
	if (value != NULL && strlen(value) < 20)
		return apigw_handler_err(c, err, 400, "BadRequestException", "Value",
					 "API Key value should be at least 20 characters");
	return 0;
}

static int apikey_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			 cJSON *attrs, cJSON *state, struct fg_err *err)
{
	apigw_derive_id(c, "apikey", 10, phys);
	cJSON_AddStringToObject(attrs, "APIKeyId", phys);
	if (pstr(props, "Value") == NULL) {
		char v[41];

		stack_derived_id(c, "apikey-value", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "abcdefghijklmnopqrstuvwxyz0123456789", 40, v);
		cJSON_AddStringToObject(state, "Value", v);
		stack_warn(c, "no Value given: frontgate generated one that only it knows; give the "
			   "key a Value (20+ characters) to call methods with it");
	}
	if (prop(props, "StageKeys") != NULL)
		stack_warn(c, "StageKeys are stored but do not authorise anything: as in AWS, a key "
			   "must be in a usage plan (AWS::ApiGateway::UsagePlanKey)");
	return 0;
}

static int throttle_check(struct stack_rctx *c, const cJSON *t, const char *where,
			  struct fg_err *err)
{
	const cJSON *b, *r;

	if (t == NULL)
		return 0;
	if (!cJSON_IsObject(t))
		return stack_schema_err(c, err, where, "#/%s: expected type: JSONObject, found: %s",
					where, stack_json_kind(t));
	b = prop(t, "BurstLimit");
	r = prop(t, "RateLimit");
	if ((b != NULL && num_of(b, -1) < 0) || (r != NULL && num_of(r, -1) < 0))
		return apigw_handler_err(c, err, 400, "BadRequestException", where,
					 "Invalid throttle settings: BurstLimit and RateLimit "
					 "must be non-negative numbers");
	return 0;
}

static int plan_stages_check(struct stack_rctx *c, const cJSON *list, struct fg_err *err)
{
	const cJSON *s;

	if (list == NULL)
		return 0;
	if (!cJSON_IsArray(list))
		return stack_schema_err(c, err, "ApiStages",
					"#/ApiStages: expected type: JSONArray, found: %s",
					stack_json_kind(list));
	cJSON_ArrayForEach(s, list) {
		const char *api = pstr(s, "ApiId"), *stage = pstr(s, "Stage");
		const cJSON *t = prop(s, "Throttle"), *mt;

		if (api == NULL || stage == NULL)
			return stack_schema_err(c, err, "ApiStages",
						"#/ApiStages: ApiId and Stage are required");
		if (stack_rctx_find(c, "AWS::ApiGateway::RestApi", api) == NULL)
			return apigw_handler_err(c, err, 404, "NotFoundException", "ApiStages",
						 "Invalid API identifier specified %s:%s",
						 c->account, api);
		cJSON_ArrayForEach(mt, t) {
			if (strchr(mt->string + (mt->string[0] == '/'), '/') == NULL)
				return apigw_handler_err(c, err, 400, "BadRequestException",
							 "ApiStages",
							 "Invalid method throttle key %s: use "
							 "/{resource path}/{METHOD}", mt->string);
			if (throttle_check(c, mt, "ApiStages.Throttle", err) != 0)
				return -1;
		}
	}
	return 0;
}

static int plan_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const cJSON *q = prop(props, "Quota");
	const char *period;

	if (throttle_check(c, prop(props, "Throttle"), "Throttle", err) != 0 ||
	    plan_stages_check(c, prop(props, "ApiStages"), err) != 0)
		return -1;
	if (q == NULL)
		return 0;
	period = pstr(q, "Period");
	if (period == NULL || (strcmp(period, "DAY") != 0 && strcmp(period, "WEEK") != 0 &&
			       strcmp(period, "MONTH") != 0))
		return stack_schema_err(c, err, "Quota.Period",
					"#/Quota/Period: %s is not a valid enum value",
					period ? period : "(missing)");
	if (num_of(prop(q, "Limit"), -1) < 0)
		return apigw_handler_err(c, err, 400, "BadRequestException", "Quota.Limit",
					 "Invalid quota settings: Limit must be a non-negative "
					 "integer");
	return 0;
}

static int plan_create(struct stack_rctx *c, const cJSON *props, char phys[256],
		       cJSON *attrs, cJSON *state, struct fg_err *err)
{
	apigw_derive_id(c, "usageplan", 6, phys);
	cJSON_AddStringToObject(attrs, "Id", phys);
	return 0;
}

static int plankey_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *key = NULL, *type = NULL, *plan = NULL;

	if (stack_need_str(c, props, "KeyId", &key, err) != 0 ||
	    stack_need_str(c, props, "KeyType", &type, err) != 0 ||
	    stack_need_str(c, props, "UsagePlanId", &plan, err) != 0)
		return -1;
	if (strcmp(type, "API_KEY") != 0)
		return stack_schema_err(c, err, "KeyType", "#/KeyType: %s is not a valid enum value",
					type);
	if (stack_rctx_find(c, T_APIKEY, key) == NULL)
		return apigw_handler_err(c, err, 404, "NotFoundException", "KeyId",
					 "Invalid API Key identifier specified");
	if (stack_rctx_find(c, T_PLAN, plan) == NULL)
		return apigw_handler_err(c, err, 404, "NotFoundException", "UsagePlanId",
					 "Invalid Usage Plan ID specified");
	return 0;
}

static int plankey_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			  cJSON *attrs, cJSON *state, struct fg_err *err)
{
	snprintf(phys, 256, "%s", pstr(props, "KeyId"));
	return 0;
}

static const struct stack_rtype apikey_type = {
	.type = T_APIKEY, .validate = apikey_validate, .create = apikey_create,
};
static const struct stack_rtype plan_type = {
	.type = T_PLAN, .validate = plan_validate, .create = plan_create,
};
static const struct stack_rtype plankey_type = {
	.type = T_PLANKEY, .validate = plankey_validate, .create = plankey_create,
};

void apigw_keys_register(struct apigw *a, struct stack_registry *r)
{
	stack_registry_add(r, &apikey_type, a);
	stack_registry_add(r, &plan_type, a);
	stack_registry_add(r, &plankey_type, a);
}

/* ------------------------------------------------------------------ compile */

static struct apigw_throttle throttle_of(const cJSON *t)
{
	struct apigw_throttle th = { false, 0, 0 };

	if (!cJSON_IsObject(t))
		return th;
	th.rate = num_of(prop(t, "RateLimit"), 0);
	th.burst = num_of(prop(t, "BurstLimit"), 0);
	th.set = th.rate > 0 || th.burst > 0;
	if (th.set && th.burst < 1) /* a bucket holds at least one request */
		th.burst = th.rate >= 1 ? (double)(long)(th.rate + 0.999999) : 1;
	return th;
}

static void stage_throttles(struct apigw_view *v, struct apigw_plan_stage *ps, const cJSON *t)
{
	const cJSON *it;
	size_t n = (size_t)cJSON_GetArraySize(t);

	if (!cJSON_IsObject(t) || n == 0)
		return;
	ps->mt = fg_arena_alloc(v->arena, n * sizeof(*ps->mt));
	cJSON_ArrayForEach(it, t) {
		const char *slash = strrchr(it->string, '/');
		struct apigw_method_throttle *m = &ps->mt[ps->nmt];

		if (slash == NULL || slash == it->string)
			continue;
		m->path = fg_arena_strndup(v->arena, it->string, (size_t)(slash - it->string));
		m->method = slash + 1;
		m->t = throttle_of(it);
		ps->nmt++;
	}
}

static struct apigw_plan *plan_compile(struct apigw_view *v, const cJSON *res)
{
	const cJSON *props = prop(res, "Properties"), *q = prop(props, "Quota"), *s;
	struct apigw_plan *p = fg_arena_alloc(v->arena, sizeof(*p));
	const char *period = pstr(q, "Period");
	size_t n = (size_t)cJSON_GetArraySize(prop(props, "ApiStages"));

	memset(p, 0, sizeof(*p));
	p->id = pstr(res, "PhysicalId");
	p->throttle = throttle_of(prop(props, "Throttle"));
	p->quota = q ? (long)num_of(prop(q, "Limit"), 0) : 0;
	p->period = period == NULL ? APIGW_PERIOD_NONE
		    : strcmp(period, "DAY") == 0 ? APIGW_PERIOD_DAY
		    : strcmp(period, "WEEK") == 0 ? APIGW_PERIOD_WEEK : APIGW_PERIOD_MONTH;
	p->offset = (int)num_of(prop(q, "Offset"), 0);
	if (p->quota <= 0 && q != NULL)
		p->quota = -1; /* a quota of zero refuses everything */
	p->stages = n ? fg_arena_alloc(v->arena, n * sizeof(*p->stages)) : NULL;
	cJSON_ArrayForEach(s, prop(props, "ApiStages")) {
		struct apigw_plan_stage *ps = &p->stages[p->nstages];

		memset(ps, 0, sizeof(*ps));
		ps->api = pstr(s, "ApiId");
		ps->stage = pstr(s, "Stage");
		if (ps->api == NULL || ps->stage == NULL)
			continue;
		stage_throttles(v, ps, prop(s, "Throttle"));
		p->nstages++;
	}
	return p;
}

static uint64_t text_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

const struct apigw_key *apigw_view_key(const struct apigw_view *v, const char *value)
{
	if (v == NULL || v->capkeys == 0)
		return NULL;
	for (size_t i = text_hash(value) & (v->capkeys - 1); v->keys[i] != NULL;
	     i = (i + 1) & (v->capkeys - 1)) {
		if (strcmp(v->keys[i]->value, value) == 0)
			return v->keys[i];
	}
	return NULL;
}

struct plan_ref {
	const char *key, *plan;
};

struct gather {
	const cJSON **keys, **plans;
	size_t nkeys, nplans;
	struct plan_ref *links;
	size_t nlinks;
};

static void gather_world(const struct stack_world *w, struct gather *g, bool count)
{
	const cJSON *doc, *r;

	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, prop(doc, "Resources")) {
			const char *type = pstr(r, "Type");

			if (type == NULL || strncmp(type, "AWS::ApiGateway::", 17) != 0)
				continue;
			if (strcmp(type, T_APIKEY) == 0) {
				if (!count)
					g->keys[g->nkeys] = r;
				g->nkeys++;
			} else if (strcmp(type, T_PLAN) == 0) {
				if (!count)
					g->plans[g->nplans] = r;
				g->nplans++;
			} else if (strcmp(type, T_PLANKEY) == 0) {
				if (!count) {
					g->links[g->nlinks].key = pstr(prop(r, "Properties"), "KeyId");
					g->links[g->nlinks].plan = pstr(prop(r, "Properties"),
									"UsagePlanId");
				}
				g->nlinks++;
			}
		}
	}
}

static void add_key(struct apigw_view *v, struct apigw_key *k)
{
	size_t i;

	if (apigw_view_key(v, k->value) != NULL)
		return; /* AWS refuses duplicate values; the first wins here */
	for (i = text_hash(k->value) & (v->capkeys - 1); v->keys[i] != NULL;
	     i = (i + 1) & (v->capkeys - 1))
		;
	v->keys[i] = k;
	v->nkeys++;
}

static struct apigw_key *key_compile(struct apigw_view *v, const cJSON *res,
				     struct apigw_plan **plans, const struct gather *g)
{
	const cJSON *props = prop(res, "Properties"), *en = prop(props, "Enabled");
	struct apigw_key *k = fg_arena_alloc(v->arena, sizeof(*k));
	const struct apigw_plan **kp = fg_arena_alloc(v->arena, (g->nlinks + 1) * sizeof(*kp));

	memset(k, 0, sizeof(*k));
	k->id = pstr(res, "PhysicalId");
	k->value = pstr(props, "Value") ? pstr(props, "Value")
					: pstr(prop(res, "State"), "Value");
	k->enabled = cJSON_IsTrue(en) || (cJSON_IsString(en) && strcmp(en->valuestring, "true") == 0);
	for (size_t i = 0; i < g->nlinks; i++) {
		if (g->links[i].key == NULL || strcmp(g->links[i].key, k->id) != 0)
			continue;
		for (size_t j = 0; j < g->nplans; j++) {
			if (g->links[i].plan && strcmp(plans[j]->id, g->links[i].plan) == 0)
				kp[k->nplans++] = plans[j];
		}
	}
	k->plans = kp;
	return k->value ? k : NULL;
}

void apigw_keys_compile(struct apigw_view *v, const struct stack_world *w)
{
	struct gather g;
	struct apigw_plan **plans;

	memset(&g, 0, sizeof(g));
	gather_world(w, &g, true);
	if (g.nkeys == 0)
		return;
	g.keys = calloc(g.nkeys, sizeof(*g.keys));
	g.plans = calloc(g.nplans + 1, sizeof(*g.plans));
	g.links = calloc(g.nlinks + 1, sizeof(*g.links));
	FG_ASSERT(g.keys && g.plans && g.links);
	g.nkeys = g.nplans = g.nlinks = 0;
	gather_world(w, &g, false);
	plans = fg_arena_alloc(v->arena, (g.nplans + 1) * sizeof(*plans));
	for (size_t i = 0; i < g.nplans; i++)
		plans[i] = plan_compile(v, g.plans[i]);
	for (v->capkeys = 8; v->capkeys < g.nkeys * 2; v->capkeys *= 2)
		;
	v->keys = fg_arena_alloc(v->arena, v->capkeys * sizeof(*v->keys));
	memset(v->keys, 0, v->capkeys * sizeof(*v->keys));
	for (size_t i = 0; i < g.nkeys; i++) {
		struct apigw_key *k = key_compile(v, g.keys[i], plans, &g);

		if (k != NULL)
			add_key(v, k);
	}
	free(g.keys);
	free(g.plans);
	free(g.links);
}

/* ------------------------------------------------------------------- usage */

struct counter {
	struct counter *next;
	char *name;                 /* "plan|key" or "plan|key|/path|METHOD" */
	double tokens;
	int64_t last_ms;
	long period_idx;
	long used;
	bool fresh;
};

struct apigw_usage {
	pthread_mutex_t mu;
	struct counter *head;
};

struct apigw_usage *apigw_usage_new(void)
{
	struct apigw_usage *u = calloc(1, sizeof(*u));

	FG_ASSERT(u != NULL);
	pthread_mutex_init(&u->mu, NULL);
	return u;
}

void apigw_usage_destroy(struct apigw_usage **up)
{
	struct apigw_usage *u = *up;

	if (u == NULL)
		return;
	while (u->head != NULL) {
		struct counter *c = u->head;

		u->head = c->next;
		free(c->name);
		free(c);
	}
	pthread_mutex_destroy(&u->mu);
	free(u);
	*up = NULL;
}

/* Does the view still have this key in this plan? ("plan|key..." names) */
static bool still_there(const struct apigw_view *v, const char *name)
{
	for (size_t i = 0; i < v->capkeys; i++) {
		const struct apigw_key *k = v->keys[i];

		for (size_t j = 0; k != NULL && j < k->nplans; j++) {
			size_t pl = strlen(k->plans[j]->id), kl = strlen(k->id);

			if (strncmp(name, k->plans[j]->id, pl) == 0 && name[pl] == '|' &&
			    strncmp(name + pl + 1, k->id, kl) == 0 &&
			    (name[pl + 1 + kl] == '\0' || name[pl + 1 + kl] == '|'))
				return true;
		}
	}
	return false;
}

void apigw_usage_sweep(struct apigw_usage *u, const struct apigw_view *v)
{
	struct counter **pp;

	pthread_mutex_lock(&u->mu);
	for (pp = &u->head; *pp != NULL;) {
		struct counter *c = *pp;

		if (still_there(v, c->name)) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		free(c->name);
		free(c);
	}
	pthread_mutex_unlock(&u->mu);
}

static struct counter *counter(struct apigw_usage *u, const char *name)
{
	struct counter *c;

	for (c = u->head; c != NULL; c = c->next) {
		if (strcmp(c->name, name) == 0)
			return c;
	}
	c = calloc(1, sizeof(*c));
	FG_ASSERT(c != NULL);
	c->name = strdup(name);
	FG_ASSERT(c->name != NULL);
	c->fresh = true;
	c->next = u->head;
	u->head = c;
	return c;
}

/* A token bucket: full at first, RateLimit tokens a second, BurstLimit deep. */
static bool bucket_take(struct counter *c, const struct apigw_throttle *t, int64_t now)
{
	if (c->fresh) {
		c->tokens = t->burst;
		c->last_ms = now;
		c->fresh = false;
	}
	if (now > c->last_ms) {
		c->tokens += (double)(now - c->last_ms) * t->rate / 1000.0;
		if (c->tokens > t->burst)
			c->tokens = t->burst;
		c->last_ms = now;
	}
	if (c->tokens < 1.0)
		return false;
	c->tokens -= 1.0;
	return true;
}

/* Which DAY/WEEK/MONTH now is in (UTC; weeks start on Sunday + Offset days). */
static long period_index(enum apigw_period p, int offset, int64_t now)
{
	long days = (long)(now / 86400000);
	time_t s = (time_t)(now / 1000);
	struct tm tm;

	switch (p) {
	case APIGW_PERIOD_DAY:
		return days;
	case APIGW_PERIOD_WEEK:
		/* 1970-01-01 was a Thursday (weekday 4) */
		return (days + 4 - offset + 7000) / 7;
	case APIGW_PERIOD_MONTH:
		gmtime_r(&s, &tm);
		return (long)(tm.tm_year) * 12 + tm.tm_mon;
	default:
		return 0;
	}
}

enum apigw_take apigw_usage_take(struct apigw_usage *u, const struct apigw_plan *p,
				 const struct apigw_key *k,
				 const struct apigw_method_throttle *mt, int64_t now_ms,
				 long *left)
{
	char name[600];
	struct counter *c, *m = NULL;
	enum apigw_take rc = APIGW_TAKE_OK;

	snprintf(name, sizeof(name), "%s|%s", p->id, k->id);
	*left = -1;
	pthread_mutex_lock(&u->mu);
	c = counter(u, name);
	if (mt != NULL && mt->t.set) {
		snprintf(name, sizeof(name), "%s|%s|%s|%s", p->id, k->id, mt->path, mt->method);
		m = counter(u, name);
	}
	if ((m != NULL && !bucket_take(m, &mt->t, now_ms)) ||
	    (m == NULL && p->throttle.set && !bucket_take(c, &p->throttle, now_ms))) {
		rc = APIGW_TAKE_THROTTLED;
	} else if (p->quota != 0) {
		long idx = period_index(p->period, p->offset, now_ms);

		if (c->period_idx != idx) {
			c->period_idx = idx;
			c->used = 0;
		}
		if (p->quota < 0 || c->used >= p->quota) {
			rc = APIGW_TAKE_QUOTA;
		} else {
			c->used++;
			*left = p->quota - c->used;
		}
	}
	pthread_mutex_unlock(&u->mu);
	return rc;
}

/* ------------------------------------------------------------- data plane */

static void forbidden(struct apigw_rq *r)
{
	apigw_gateway_error(r, APIGW_GR_INVALID_API_KEY, 0, NULL, "Forbidden", NULL);
}

static const struct apigw_plan_stage *plan_stage(const struct apigw_plan *p,
						 const struct apigw_rq *r)
{
	for (size_t i = 0; i < p->nstages; i++) {
		if (strcmp(p->stages[i].api, r->api->id) == 0 &&
		    strcmp(p->stages[i].stage, r->stage->name) == 0)
			return &p->stages[i];
	}
	return NULL;
}

static const struct apigw_method_throttle *method_throttle(const struct apigw_plan_stage *ps,
							   const struct apigw_rq *r)
{
	for (size_t i = 0; i < ps->nmt; i++) {
		const struct apigw_method_throttle *m = &ps->mt[i];

		if (strcmp(m->path, r->m.node->path) == 0 &&
		    (strcmp(m->method, "*") == 0 || strcmp(m->method, r->m.method->verb) == 0 ||
		     strcmp(m->method, r->req->method) == 0))
			return m;
	}
	return NULL;
}

static void usage_refused(struct apigw_rq *r, enum apigw_take t, const struct apigw_plan *p,
			  const struct apigw_method_throttle *mt)
{
	if (t == APIGW_TAKE_THROTTLED) {
		const struct apigw_throttle *th = mt ? &mt->t : &p->throttle;

		HOP(r, "usage plan %s throttles this key: RateLimit %g/s, BurstLimit %g%s", p->id,
		    th->rate, th->burst, mt ? " (method throttle)" : "");
		apigw_gateway_error(r, APIGW_GR_THROTTLED, 0, NULL, "Too Many Requests", NULL);
		return;
	}
	HOP(r, "usage plan %s quota of %ld requests per %s is used up", p->id,
	    p->quota < 0 ? 0 : p->quota,
	    p->period == APIGW_PERIOD_DAY ? "DAY" : p->period == APIGW_PERIOD_WEEK ? "WEEK"
										   : "MONTH");
	apigw_gateway_error(r, APIGW_GR_QUOTA_EXCEEDED, 0, NULL, "Limit Exceeded", NULL);
}

bool apigw_keys_check(struct apigw_rq *r)
{
	const struct apigw_view *v = r->view;
	const char *value = fg_http_header(r->req, "x-api-key");
	const struct apigw_key *k;
	const struct apigw_plan *plan = NULL;
	const struct apigw_plan_stage *ps = NULL;
	const struct apigw_method_throttle *mt;
	enum apigw_take t;
	long left;

	if (!r->m.method->api_key_required)
		return true;
	if (r->dep->api_key_from_authorizer) {
		HOP(r, "ApiKeyRequired with ApiKeySourceType AUTHORIZER: the key comes from an "
		    "authorizer, and authorizers are not emulated yet");
		forbidden(r);
		return false;
	}
	k = value ? apigw_view_key(v, value) : NULL;
	if (value == NULL || k == NULL || !k->enabled) {
		HOP(r, "ApiKeyRequired: %s", value == NULL ? "no x-api-key header"
					     : k == NULL ? "no API key has this value"
							 : "the API key is disabled");
		forbidden(r);
		return false;
	}
	for (size_t i = 0; i < k->nplans && plan == NULL; i++) {
		ps = plan_stage(k->plans[i], r);
		if (ps != NULL)
			plan = k->plans[i];
	}
	if (plan == NULL) {
		HOP(r, "ApiKeyRequired: API key %s is in no usage plan of api %s stage %s", k->id,
		    r->api->id, r->stage->name);
		forbidden(r);
		return false;
	}
	mt = method_throttle(ps, r);
	t = apigw_usage_take(r->a->usage, plan, k, mt, r->now_ms, &left);
	if (t != APIGW_TAKE_OK) {
		usage_refused(r, t, plan, mt);
		return false;
	}
	if (left >= 0)
		HOP(r, "API key %s, usage plan %s: %ld requests left this period", k->id, plan->id,
		    left);
	else
		HOP(r, "API key %s, usage plan %s", k->id, plan->id);
	return true;
}
