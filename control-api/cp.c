/*
 * cp.c: the control API's routes. A route table maps (method, path pattern) to a handler;
 * handlers parse and check their input completely before calling into the app, so malformed
 * input never changes state.
 */
#include "cp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfn/cfn.h"
#include "http/http.h"

struct cp_server {
	struct fg_http_server *http;
	struct cp_config cfg;
	char *token;
};

struct call {
	struct cp_server *s;
	struct fg_http_req *req;
	struct fg_http_resp *resp;
	const char *arg; /* the {} part of the path, decoded */
	struct fg_err err;
};

typedef void (*route_f)(struct call *c);

/* ------------------------------------------------------------- responses */

char *cp_error_json(const struct fg_err *err)
{
	cJSON *doc = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(doc, "error");
	char *text;

	cJSON_AddStringToObject(e, "code", err->code[0] ? err->code : "InternalError");
	cJSON_AddStringToObject(e, "message", err->message);
	if (err->resource[0])
		cJSON_AddStringToObject(e, "resource", err->resource);
	if (err->property[0])
		cJSON_AddStringToObject(e, "property", err->property);
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return text;
}

static void reply_json(struct call *c, int status, const cJSON *doc)
{
	char *text = cJSON_Print(doc);

	fg_http_set_body(c->resp, status, "application/json", text, strlen(text));
	free(text);
}

static void reply_err(struct call *c)
{
	char *text = cp_error_json(&c->err);

	fg_http_set_body(c->resp, c->err.status ? c->err.status : 500, "application/json", text,
			 strlen(text));
	free(text);
}

static void fail(struct call *c, int status, const char *code, const char *msg)
{
	fg_err_set(&c->err, status, code, "%s", msg);
	reply_err(c);
}

/* --------------------------------------------------------------- helpers */

static bool content_type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct != NULL && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' ||
							      ct[n] == ' ');
}

static bool is_yaml_type(const char *ct)
{
	return content_type_is(ct, "application/yaml") || content_type_is(ct, "application/x-yaml") ||
	       content_type_is(ct, "text/yaml") || content_type_is(ct, "text/x-yaml");
}

/* JSON bodies: content type absent or JSON, else 415. */
static cJSON *json_body(struct call *c)
{
	const char *ct = fg_http_header(c->req, "Content-Type");
	cJSON *doc;

	if (ct != NULL && !content_type_is(ct, "application/json")) {
		fg_err_set(&c->err, 415, "UnsupportedMediaType",
			   "Content-Type %s is not accepted here: send application/json", ct);
		return NULL;
	}
	doc = cfn_parse(c->req->body, c->req->body_len, CFN_FORMAT_JSON, &c->err);
	if (doc == NULL && strstr(c->err.message, "JSON not well-formed") != NULL) {
		/* not a template here, but the position is still worth having */
		fg_err_prefix(&c->err, "request body: ");
		snprintf(c->err.code, sizeof(c->err.code), "MalformedRequest");
	}
	return doc;
}

static bool valid_region(const char *s)
{
	size_t n = strlen(s);
	int dashes = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-')
			dashes++;
		else if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	}
	return n >= 4 && n <= 32 && dashes >= 2 && s[0] != '-' && s[n - 1] >= '0' &&
	       s[n - 1] <= '9';
}

static bool check_where(struct call *c, const char *account, const char *region)
{
	if (account != NULL && !fg_account_id_valid(account)) {
		fg_err_set(&c->err, 400, "ValidationError",
			   "Account '%.64s' is not a 12-digit AWS account id", account);
		fg_err_at(&c->err, NULL, "Account");
		return false;
	}
	if (region != NULL && !valid_region(region)) {
		fg_err_set(&c->err, 400, "ValidationError",
			   "Region '%.64s' is not an AWS region name (like us-east-1)", region);
		fg_err_at(&c->err, NULL, "Region");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ stacks */

/* Query parameters: param.Key=Value, account=, region=. */
static bool query_params(struct call *c, cJSON *params, const char **account,
			 const char **region)
{
	char *q = fg_arena_strdup(c->req->arena, c->req->query), *save = NULL;

	for (char *kv = strtok_r(q, "&", &save); kv != NULL; kv = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(kv, '=');
		const char *k, *v;

		if (eq != NULL)
			*eq = '\0';
		k = fg_http_decode(c->req->arena, kv, true);
		v = fg_http_decode(c->req->arena, eq ? eq + 1 : "", true);
		if (strncmp(k, "param.", 6) == 0 && k[6] != '\0') {
			cJSON_DeleteItemFromObjectCaseSensitive(params, k + 6);
			cJSON_AddStringToObject(params, k + 6, v);
		} else if (strcmp(k, "account") == 0) {
			*account = v;
		} else if (strcmp(k, "region") == 0) {
			*region = v;
		} else {
			fg_err_set(&c->err, 400, "ValidationError",
				   "unknown query parameter '%.100s': use param.<Name>=<value>, "
				   "account=<id> or region=<name>", k);
			return false;
		}
	}
	return true;
}

/* The JSON wrapper {"Template", "Parameters", "Account", "Region"}. */
static cJSON *unwrap(struct call *c, cJSON *body, cJSON *params, const char **account,
		     const char **region)
{
	const cJSON *it, *t = cJSON_GetObjectItemCaseSensitive(body, "Template");

	cJSON_ArrayForEach(it, body) {
		if (strcmp(it->string, "Template") && strcmp(it->string, "Parameters") &&
		    strcmp(it->string, "Account") && strcmp(it->string, "Region")) {
			fg_err_set(&c->err, 400, "ValidationError",
				   "unknown key '%.100s' beside Template: the wrapper takes Template, "
				   "Parameters, Account and Region", it->string);
			fg_err_at(&c->err, NULL, it->string);
			return NULL;
		}
	}
	it = cJSON_GetObjectItemCaseSensitive(body, "Parameters");
	if (it != NULL && !cJSON_IsObject(it)) {
		fg_err_set(&c->err, 400, "ValidationError", "Parameters must be an object");
		fg_err_at(&c->err, NULL, "Parameters");
		return NULL;
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(body, "Parameters")) {
		if (!cJSON_IsString(it) && !cJSON_IsNumber(it) && !cJSON_IsBool(it) &&
		    !cJSON_IsArray(it)) {
			fg_err_set(&c->err, 400, "ValidationError",
				   "parameter %.100s must be a string, number, boolean or list",
				   it->string);
			fg_err_at(&c->err, NULL, "Parameters");
			return NULL;
		}
		cJSON_DeleteItemFromObjectCaseSensitive(params, it->string);
		cJSON_AddItemToObject(params, it->string, cJSON_Duplicate(it, true));
	}
	for (int i = 0; i < 2; i++) {
		const char *key = i ? "Region" : "Account";
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);

		if (v != NULL && !cJSON_IsString(v)) {
			fg_err_set(&c->err, 400, "ValidationError", "%s must be a string", key);
			fg_err_at(&c->err, NULL, key);
			return NULL;
		}
		if (v != NULL)
			*(i ? region : account) = fg_arena_strdup(c->req->arena, v->valuestring);
	}
	if (cJSON_IsString(t))
		return cfn_parse(t->valuestring, strlen(t->valuestring), CFN_FORMAT_AUTO, &c->err);
	if (cJSON_IsObject(t))
		return cJSON_Duplicate(t, true);
	fg_err_set(&c->err, 400, "ValidationError",
		   "Template must be the template object or its text");
	fg_err_at(&c->err, NULL, "Template");
	return NULL;
}

static void put_stack(struct call *c)
{
	const char *ct = fg_http_header(c->req, "Content-Type");
	cJSON *params = cJSON_CreateObject(), *body = NULL, *tpl = NULL, *view = NULL;
	const char *account = NULL, *region = NULL;
	struct stack_request req;
	bool created = false;

	if (!stack_name_valid(c->arg, &c->err) ||
	    !query_params(c, params, &account, &region))
		goto fail;
	if (is_yaml_type(ct)) {
		tpl = cfn_parse(c->req->body, c->req->body_len, CFN_FORMAT_YAML, &c->err);
	} else if (ct == NULL || content_type_is(ct, "application/json")) {
		body = cfn_parse(c->req->body, c->req->body_len,
				 ct ? CFN_FORMAT_JSON : CFN_FORMAT_AUTO, &c->err);
		if (body != NULL && cJSON_GetObjectItemCaseSensitive(body, "Template") != NULL)
			tpl = unwrap(c, body, params, &account, &region);
		else if (body != NULL)
			tpl = cJSON_Duplicate(body, true);
	} else {
		fg_err_set(&c->err, 415, "UnsupportedMediaType",
			   "Content-Type %s is not accepted for a template: send application/json "
			   "or application/yaml", ct);
	}
	if (tpl == NULL || !check_where(c, account, region))
		goto fail;
	memset(&req, 0, sizeof(req));
	req.name = c->arg;
	req.account = account;
	req.region = region;
	req.template = tpl;
	req.parameters = params;
	req.now_ms = fg_clock_now_ms(fg_app_clock(c->s->cfg.app));
	if (fg_app_deploy(c->s->cfg.app, &req, &view, &created, &c->err) != 0)
		goto fail;
	reply_json(c, created ? 201 : 200, view);
	cJSON_Delete(view);
	cJSON_Delete(params);
	cJSON_Delete(body);
	cJSON_Delete(tpl);
	return;
fail:
	reply_err(c);
	cJSON_Delete(params);
	cJSON_Delete(body);
	cJSON_Delete(tpl);
}

static void list_stacks(struct call *c)
{
	struct stack_world *w = fg_app_world(c->s->cfg.app);
	cJSON *out = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(out, "Stacks");
	const cJSON *doc;

	cJSON_ArrayForEach(doc, stack_world_stacks(w))
		cJSON_AddItemToArray(arr, stack_public_view(doc));
	stack_world_rel(&w);
	reply_json(c, 200, out);
	cJSON_Delete(out);
}

static void get_stack(struct call *c)
{
	struct stack_world *w = fg_app_world(c->s->cfg.app);
	const cJSON *doc = stack_world_find(w, c->arg);

	if (doc == NULL) {
		fg_err_set(&c->err, 404, "ValidationError", "Stack with id %.128s does not exist",
			   c->arg);
		fg_err_at(&c->err, c->arg, NULL);
		reply_err(c);
	} else {
		cJSON *v = stack_public_view(doc);

		reply_json(c, 200, v);
		cJSON_Delete(v);
	}
	stack_world_rel(&w);
}

static void delete_stack(struct call *c)
{
	cJSON *ok;

	if (fg_app_delete(c->s->cfg.app, c->arg, &c->err) != 0) {
		reply_err(c);
		return;
	}
	ok = cJSON_CreateObject();
	cJSON_AddStringToObject(ok, "Deleted", c->arg);
	reply_json(c, 200, ok);
	cJSON_Delete(ok);
}

static void list_resources(struct call *c)
{
	const char *type = fg_http_query_raw(c->req, "type");
	struct stack_world *w = fg_app_world(c->s->cfg.app);
	cJSON *out = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(out, "Resources");
	const cJSON *doc, *r;

	if (type != NULL)
		type = fg_http_decode(c->req->arena, type, true);
	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			const char *t = cJSON_GetObjectItemCaseSensitive(r, "Type")->valuestring;
			cJSON *o;

			if (type != NULL && strcmp(t, type) != 0)
				continue;
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "Stack", cJSON_GetObjectItemCaseSensitive(
								doc, "Name")->valuestring);
			static const char *const keys[] = { "LogicalId", "Type", "PhysicalId",
							    "Attributes", "Emulated" };
			for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
				cJSON_AddItemToObject(o, keys[i], cJSON_Duplicate(
					cJSON_GetObjectItemCaseSensitive(r, keys[i]), true));
			cJSON_AddItemToArray(arr, o);
		}
	}
	stack_world_rel(&w);
	reply_json(c, 200, out);
	cJSON_Delete(out);
}

/* ---------------------------------------------------------- state, reset */

static void get_state(struct call *c)
{
	cJSON *s = fg_app_state_get(c->s->cfg.app);
	char *text = cJSON_PrintUnformatted(s);

	fg_http_set_body(c->resp, 200, "application/json", text, strlen(text));
	free(text);
	cJSON_Delete(s);
}

static void put_state(struct call *c)
{
	cJSON *doc = json_body(c), *ok;

	if (doc == NULL || fg_app_state_put(c->s->cfg.app, doc, &c->err) != 0) {
		reply_err(c);
		cJSON_Delete(doc);
		return;
	}
	cJSON_Delete(doc);
	{
		struct stack_world *w = fg_app_world(c->s->cfg.app);

		ok = cJSON_CreateObject();
		cJSON_AddNumberToObject(ok, "Stacks", cJSON_GetArraySize(stack_world_stacks(w)));
		stack_world_rel(&w);
		reply_json(c, 200, ok);
		cJSON_Delete(ok);
	}
}

static void post_reset(struct call *c)
{
	cJSON *ok;

	if (fg_app_reset(c->s->cfg.app, &c->err) != 0) {
		reply_err(c);
		return;
	}
	ok = cJSON_CreateObject();
	cJSON_AddBoolToObject(ok, "Reset", true);
	reply_json(c, 200, ok);
	cJSON_Delete(ok);
}

/* ------------------------------------------------------------------ clock */

static void clock_view(struct call *c, int status)
{
	struct fg_clock *clk = fg_app_clock(c->s->cfg.app);
	cJSON *o = cJSON_CreateObject();
	int64_t now = fg_clock_now_ms(clk);
	char iso[25];
	static const char *const modes[] = { "real", "fixed", "offset" };

	fg_time_iso_ms(now, iso);
	cJSON_AddStringToObject(o, "now", iso);
	pthread_mutex_lock(&clk->mu);
	cJSON_AddStringToObject(o, "mode", modes[clk->mode]);
	cJSON_AddNumberToObject(o, "offsetSeconds",
				clk->mode == FG_CLOCK_OFFSET ? (double)clk->offset_ms / 1000 : 0);
	pthread_mutex_unlock(&clk->mu);
	reply_json(c, status, o);
	cJSON_Delete(o);
}

static void get_clock(struct call *c)
{
	clock_view(c, 200);
}

static void put_clock(struct call *c)
{
	struct fg_clock *clk = fg_app_clock(c->s->cfg.app);
	cJSON *doc = json_body(c);
	const cJSON *now, *off, *adv, *real;
	int64_t ms;
	int given;

	if (doc == NULL)
		goto fail;
	now = cJSON_GetObjectItemCaseSensitive(doc, "now");
	off = cJSON_GetObjectItemCaseSensitive(doc, "offsetSeconds");
	adv = cJSON_GetObjectItemCaseSensitive(doc, "advanceSeconds");
	real = cJSON_GetObjectItemCaseSensitive(doc, "real");
	given = (now != NULL) + (off != NULL) + (adv != NULL) + (real != NULL);
	if (given != 1 || cJSON_GetArraySize(doc) != 1) {
		fg_err_set(&c->err, 400, "ValidationError",
			   "give exactly one of {\"now\":\"2026-01-01T00:00:00Z\"}, "
			   "{\"offsetSeconds\":N}, {\"advanceSeconds\":N} or {\"real\":true}");
		goto fail;
	}
	if (now != NULL) {
		if (!cJSON_IsString(now) || !fg_time_parse_iso(now->valuestring, &ms)) {
			fg_err_set(&c->err, 400, "ValidationError",
				   "now must be an ISO-8601 UTC time like 2026-01-01T00:00:00Z");
			fg_err_at(&c->err, NULL, "now");
			goto fail;
		}
		fg_clock_set_fixed(clk, ms);
	} else if (off != NULL || adv != NULL) {
		const cJSON *v = off ? off : adv;

		if (!cJSON_IsNumber(v) || v->valuedouble > 1e11 || v->valuedouble < -1e11) {
			fg_err_set(&c->err, 400, "ValidationError", "%s must be a number of seconds",
				   off ? "offsetSeconds" : "advanceSeconds");
			fg_err_at(&c->err, NULL, off ? "offsetSeconds" : "advanceSeconds");
			goto fail;
		}
		if (off != NULL)
			fg_clock_set_offset(clk, (int64_t)(v->valuedouble * 1000));
		else
			fg_clock_advance(clk, (int64_t)(v->valuedouble * 1000));
	} else {
		if (!cJSON_IsTrue(real)) {
			fg_err_set(&c->err, 400, "ValidationError", "real must be true");
			fg_err_at(&c->err, NULL, "real");
			goto fail;
		}
		fg_clock_set_real(clk);
	}
	cJSON_Delete(doc);
	clock_view(c, 200);
	return;
fail:
	cJSON_Delete(doc);
	reply_err(c);
}

/* --------------------------------------------------------------- requests */

static void list_requests(struct call *c)
{
	struct fg_tracelog *tl = fg_app_tracelog(c->s->cfg.app);
	const char *ls = fg_http_query_raw(c->req, "limit");
	long limit = 100;
	char *end;
	cJSON *list = NULL, *out;

	if (ls != NULL) {
		limit = strtol(ls, &end, 10);
		if (*ls == '\0' || *end != '\0' || limit < 1) {
			fail(c, 400, "ValidationError", "limit must be a positive integer");
			return;
		}
	}
	if ((size_t)limit > fg_tracelog_limit(tl))
		limit = (long)fg_tracelog_limit(tl);
	if (fg_tracelog_list(tl, (size_t)limit, &list, &c->err) != 0) {
		reply_err(c);
		return;
	}
	out = cJSON_CreateObject();
	cJSON_AddItemToObject(out, "Requests", list);
	reply_json(c, 200, out);
	cJSON_Delete(out);
}

static void get_request(struct call *c)
{
	struct fg_tracelog *tl = fg_app_tracelog(c->s->cfg.app);
	cJSON *doc = NULL;

	if (fg_tracelog_get(tl, c->arg, &doc, &c->err) != 0) {
		reply_err(c);
		return;
	}
	if (doc == NULL) {
		fg_err_set(&c->err, 404, "NotFound",
			   "no trace for request id %.100s (frontgate keeps the last %zu)", c->arg,
			   fg_tracelog_limit(tl));
		reply_err(c);
		return;
	}
	reply_json(c, 200, doc);
	cJSON_Delete(doc);
}

/* ---------------------------------------------------------------- resolve */

static const char *rcode_name(enum fg_dns_rcode rc)
{
	switch (rc) {
	case FG_DNS_NOERROR: return "NOERROR";
	case FG_DNS_FORMERR: return "FORMERR";
	case FG_DNS_SERVFAIL: return "SERVFAIL";
	case FG_DNS_NXDOMAIN: return "NXDOMAIN";
	case FG_DNS_REFUSED: return "REFUSED";
	}
	return "SERVFAIL";
}

static cJSON *rrs_json(const struct fg_rr *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "Name", v[i].name);
		cJSON_AddStringToObject(o, "Type", v[i].type);
		cJSON_AddNumberToObject(o, "TTL", v[i].ttl);
		cJSON_AddStringToObject(o, "Data", v[i].data);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static const char *query_param(struct call *c, const char *k)
{
	const char *v = fg_http_query_raw(c->req, k);

	return v != NULL ? fg_http_decode(c->req->arena, v, true) : NULL;
}

/* GET /resolve?name=N&type=T&vpc=V: the answer as the DNS listener gives it, and its chain. */
static void get_resolve(struct call *c)
{
	const struct fg_resolver *r = fg_app_resolver(c->s->cfg.app);
	const char *name = query_param(c, "name"), *type = query_param(c, "type");
	const char *vpc = query_param(c, "vpc");
	struct stack_world *w;
	struct fg_answer ans;
	cJSON *o, *chain;

	if (r == NULL) {
		fail(c, 501, "NotEmulated", "no resolver is wired in this instance");
		return;
	}
	if (name == NULL || name[0] == '\0') {
		fail(c, 400, "ValidationError", "name is required: GET /resolve?name=www.example.com"
		     "&type=A (type defaults to A; vpc=vpc-... resolves from inside that VPC)");
		return;
	}
	if (type != NULL && (type[0] == '\0' || strlen(type) > 16 ||
			     strspn(type, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
			     != strlen(type))) {
		fail(c, 400, "ValidationError", "type must be a record type name such as A, AAAA, "
		     "CNAME, TXT, MX, NS, SOA, SRV, CAA, PTR or ANY");
		return;
	}
	w = fg_app_world(c->s->cfg.app);
	r->resolve(r->self, w, name, type ? type : "A", vpc, c->req->arena, &ans);
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "Name", name);
	cJSON_AddStringToObject(o, "Type", type ? type : "A");
	if (vpc != NULL && vpc[0])
		cJSON_AddStringToObject(o, "Vpc", vpc);
	else
		cJSON_AddNullToObject(o, "Vpc");
	cJSON_AddStringToObject(o, "Status", rcode_name(ans.rcode));
	cJSON_AddBoolToObject(o, "Authoritative", ans.authoritative);
	cJSON_AddItemToObject(o, "Answer", rrs_json(ans.answer, ans.nanswer));
	cJSON_AddItemToObject(o, "Authority", rrs_json(ans.authority, ans.nauthority));
	chain = cJSON_AddArrayToObject(o, "Chain");
	for (size_t i = 0; i < ans.nchain; i++) {
		cJSON *st = cJSON_CreateObject();

		cJSON_AddStringToObject(st, "Name", ans.chain[i].name);
		cJSON_AddStringToObject(st, "Step", ans.chain[i].what);
		cJSON_AddItemToArray(chain, st);
	}
	stack_world_rel(&w);
	reply_json(c, 200, o);
	cJSON_Delete(o);
}

/* ------------------------------------------------------------ health, ca */

static void get_health(struct call *c)
{
	struct stack_world *w = fg_app_world(c->s->cfg.app);
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddStringToObject(o, "version", c->s->cfg.version);
	cJSON_AddStringToObject(o, "db", fg_app_db_path(c->s->cfg.app));
	cJSON_AddNumberToObject(o, "stacks", cJSON_GetArraySize(stack_world_stacks(w)));
	stack_world_rel(&w);
	reply_json(c, 200, o);
	cJSON_Delete(o);
}

/* The local CA's certificate, for clients' --cacert (the key never leaves the store). */
static void get_ca(struct call *c)
{
	const char *pem = c->s->cfg.ca_pem;

	if (pem == NULL) {
		fail(c, 501, "NotEmulated", "this instance has no local CA");
		return;
	}
	fg_http_set_body(c->resp, 200, "application/x-pem-file", pem, strlen(pem));
}

/* --------------------------------------------------------------- CloudFront */

static bool have_cloudfront(struct call *c)
{
	if (c->s->cfg.cloudfront != NULL)
		return true;
	fail(c, 501, "NotEmulated", "CloudFront is not wired in this instance");
	return false;
}

/* POST /distributions/{Id}/invalidations {"Paths": [...]}: purged at once (§6.9). */
static void post_invalidation(struct call *c)
{
	cJSON *body, *out;
	struct stack_world *w;

	if (!have_cloudfront(c) || (body = json_body(c)) == NULL)
		return;
	w = fg_app_world(c->s->cfg.app);
	out = cloudfront_invalidate(c->s->cfg.cloudfront, w, c->arg, body,
				    fg_clock_now_ms(fg_app_clock(c->s->cfg.app)), &c->err);
	stack_world_rel(&w);
	cJSON_Delete(body);
	if (out == NULL) {
		reply_err(c);
		return;
	}
	reply_json(c, 201, out);
	cJSON_Delete(out);
}

static void list_invalidations(struct call *c)
{
	struct stack_world *w;
	cJSON *out;

	if (!have_cloudfront(c))
		return;
	w = fg_app_world(c->s->cfg.app);
	out = cloudfront_invalidations(c->s->cfg.cloudfront, w, c->arg, &c->err);
	stack_world_rel(&w);
	if (out == NULL) {
		reply_err(c);
		return;
	}
	reply_json(c, 200, out);
	cJSON_Delete(out);
}

/* GET /cloudfront/cache: what the cache holds (entries, bytes, bound, hits, misses). */
static void get_cf_cache(struct call *c)
{
	struct cloudfront_cache_stats st;
	cJSON *o;

	if (!have_cloudfront(c))
		return;
	cloudfront_cache_stats(c->s->cfg.cloudfront, &st);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "Entries", (double)st.entries);
	cJSON_AddNumberToObject(o, "Bytes", (double)st.bytes);
	cJSON_AddNumberToObject(o, "LimitBytes", (double)st.limit);
	cJSON_AddNumberToObject(o, "Hits", (double)st.hits);
	cJSON_AddNumberToObject(o, "Misses", (double)st.misses);
	cJSON_AddNumberToObject(o, "Waiting", (double)st.waiting);
	cJSON_AddNumberToObject(o, "Collapsed", (double)st.collapsed);
	reply_json(c, 200, o);
	cJSON_Delete(o);
}

/* ------------------------------------------------------------------ router */

struct route {
	const char *method;
	const char *path;   /* "{}" matches one non-empty segment */
	route_f fn;
};

static const struct route routes[] = {
	{ "GET", "/health", get_health },
	{ "GET", "/stacks", list_stacks },
	{ "GET", "/stacks/{}", get_stack },
	{ "PUT", "/stacks/{}", put_stack },
	{ "DELETE", "/stacks/{}", delete_stack },
	{ "GET", "/resources", list_resources },
	{ "GET", "/state", get_state },
	{ "PUT", "/state", put_state },
	{ "POST", "/reset", post_reset },
	{ "GET", "/clock", get_clock },
	{ "PUT", "/clock", put_clock },
	{ "GET", "/requests", list_requests },
	{ "GET", "/requests/{}", get_request },
	{ "GET", "/ca.pem", get_ca },
	{ "GET", "/resolve", get_resolve },
	{ "POST", "/distributions/{}/invalidations", post_invalidation },
	{ "GET", "/distributions/{}/invalidations", list_invalidations },
	{ "GET", "/cloudfront/cache", get_cf_cache },
};

/* Returns true when path fits pattern; *arg = the {} segment (decoded) if any. */
static bool match(struct call *c, const char *pattern, const char *path, const char **arg)
{
	const char *brace = strstr(pattern, "{}"), *suffix, *seg;
	size_t pre, segn;

	*arg = NULL;
	if (brace == NULL)
		return strcmp(pattern, path) == 0;
	pre = (size_t)(brace - pattern);
	suffix = brace + 2;
	if (strncmp(pattern, path, pre) != 0 || path[pre] == '\0' || path[pre] == '/')
		return false;
	seg = path + pre;
	segn = strcspn(seg, "/");
	if (strcmp(seg + segn, suffix) != 0)
		return false;
	*arg = fg_http_decode(c->req->arena, fg_arena_strndup(c->req->arena, seg, segn), false);
	return true;
}

static bool authorised(struct cp_server *s, struct fg_http_req *req)
{
	const char *h = fg_http_header(req, "Authorization");
	size_t n, m;
	unsigned char diff = 0;

	if (s->token == NULL)
		return true;
	if (h == NULL || strncmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	n = strlen(h);
	m = strlen(s->token);
	for (size_t i = 0; i < m; i++)
		diff |= (unsigned char)(s->token[i] ^ (i < n ? h[i] : 0));
	return diff == 0 && n == m;
}

static void handle(void *arg, struct fg_http_req *req, struct fg_http_resp *resp)
{
	struct call c = { .s = arg, .req = req, .resp = resp };
	bool path_known = false;
	char allow[64] = "";

	fg_err_clear(&c.err);
	if (!authorised(c.s, req)) {
		fg_http_add_header(resp, "WWW-Authenticate", "Bearer");
		fail(&c, 401, "Unauthorized",
		     "this control API needs 'Authorization: Bearer <token>' (--control-token)");
		return;
	}
	if (req->body_too_large) {
		fail(&c, 413, "RequestTooLarge", "request body is over 8 MiB");
		return;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char *a;

		if (!match(&c, routes[i].path, req->path, &a))
			continue;
		path_known = true;
		if (strcmp(routes[i].method, req->method) == 0) {
			c.arg = a;
			routes[i].fn(&c);
			return;
		}
		snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow), "%s%s",
			 allow[0] ? ", " : "", routes[i].method);
	}
	if (path_known) {
		fg_http_add_header(resp, "Allow", allow);
		fg_err_set(&c.err, 405, "MethodNotAllowed", "%.16s is not allowed on %.200s (use %s)",
			   req->method, req->path, allow);
		reply_err(&c);
		return;
	}
	fg_err_set(&c.err, 404, "NotFound", "no control API route %.16s %.200s", req->method,
		   req->path);
	reply_err(&c);
}

int cp_start(const struct cp_config *cfg, struct cp_server **out, struct fg_err *err)
{
	struct cp_server *s = calloc(1, sizeof(*s));
	struct fg_http_server_cfg hc = {
		.listen_fd = cfg->listen_fd,
		.listener = "control",
		.threads = 1,
		.body_limit = CP_BODY_LIMIT,
		.handler = handle,
		.arg = s,
		.log = fg_app_log(cfg->app),
	};

	FG_ASSERT(s != NULL);
	s->cfg = *cfg;
	s->token = cfg->token ? strdup(cfg->token) : NULL;
	if (fg_http_server_start(&hc, &s->http, err) != 0) {
		free(s->token);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void cp_stop(struct cp_server **sp)
{
	struct cp_server *s = *sp;

	if (s == NULL)
		return;
	fg_http_server_stop(&s->http);
	free(s->token);
	free(s);
	*sp = NULL;
}
