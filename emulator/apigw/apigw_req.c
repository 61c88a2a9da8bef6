/*
 * apigw_req.c: one execute-api request, from Host to integration (aws-behavior.md §1).
 *
 *   host/path -> API (§1.1, design.md §3) -> 413 check -> stage (first non-empty segment,
 *   §1.2) -> resource + method (§1.4) -> method authorization -> integration
 *
 * Every refusal is a gateway response (§1.5), customisable per deployment by
 * AWS::ApiGateway::GatewayResponse. An unknown route, method or stage is "Missing
 * Authentication Token" — unless the request carries an Authorization header that is not a
 * complete SigV4 header, which API Gateway parses (and rejects) before routing (§2.3, §2.7).
 * Every decision is a trace hop; the request id the client sees (x-amzn-RequestId) is the
 * trace's id.
 */
#include "apigw/apigw_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HOP(r, ...) fg_trace_hop((r)->t, "apigw", __VA_ARGS__)

/* ------------------------------------------------------------------ target */

static char *lower_dup(struct fg_arena *a, const char *s, size_t n)
{
	char *o = fg_arena_strndup(a, s, n);

	for (char *p = o; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

/* "vpce-{17 hex}-{8}[-{az}].execute-api.{region}.vpce.amazonaws.com": an interface
 * endpoint's own name; the API comes from x-apigw-api-id (or, over TLS, from a Host that
 * differs from the SNI). */
static bool vpce_dns_host(struct fg_arena *a, const char *h, const char *rest,
			  struct apigw_target *tg)
{
	const char *dot = strchr(rest, '.');

	if (strncmp(h, "vpce-", 5) != 0 || dot == NULL || strcmp(dot, ".vpce.amazonaws.com") != 0)
		return false;
	tg->region = fg_arena_strndup(a, rest, (size_t)(dot - rest));
	tg->vpce_dns = true;
	tg->api_id = "";
	tg->form = "VPC endpoint host";
	return true;
}

/* "{id}.execute-api.{region}.amazonaws.com", ".execute-api.localhost",
 * ".execute-api.localhost.localstack.cloud" (case-insensitive, port ignored). */
static bool execute_api_host(struct fg_arena *a, const char *host, struct apigw_target *tg)
{
	const char *colon = strrchr(host, ':');
	size_t n = colon && !strchr(colon, ']') ? (size_t)(colon - host) : strlen(host);
	char *h = lower_dup(a, host, n), *mark = strstr(h, ".execute-api.");
	const char *rest, *dash;
	size_t idn;

	tg->domain = h;
	if (mark == NULL || mark == h || memchr(h, '.', (size_t)(mark - h)) != NULL)
		return false;
	rest = mark + 13;
	if (vpce_dns_host(a, h, rest, tg))
		return true;
	if (strcmp(rest, "localhost") == 0 || strcmp(rest, "localhost.localstack.cloud") == 0) {
		tg->region = "";
	} else {
		const char *dot = strchr(rest, '.');

		if (dot == NULL || dot == rest || (strcmp(dot, ".amazonaws.com") != 0 &&
						   strcmp(dot, ".amazonaws.com.cn") != 0))
			return false;
		for (const char *p = rest; p < dot; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-')
				return false;
		}
		tg->region = fg_arena_strndup(a, rest, (size_t)(dot - rest));
	}
	/* a private API's "{id}-{vpce-id}" form names the API by its first part */
	dash = strstr(h, "-vpce-");
	idn = dash && dash < mark ? (size_t)(dash - h) : (size_t)(mark - h);
	tg->api_id = fg_arena_strndup(a, h, idn);
	if (idn < (size_t)(mark - h))
		tg->vpce_id = fg_arena_strndup(a, dash + 1, (size_t)(mark - dash - 1));
	tg->form = "execute-api host";
	return true;
}

/* The segment at p (after any slashes): start and length; NULL when none. */
static const char *segment(const char *p, size_t *n)
{
	while (*p == '/')
		p++;
	if (*p == '\0')
		return NULL;
	*n = strcspn(p, "/");
	return p;
}

static const char *rest_path(struct fg_arena *a, const char *after)
{
	while (*after == '/' && after[1] == '/')
		after++;
	return *after ? fg_arena_strdup(a, after) : "/";
}

/* /_aws/execute-api/{api}/{stage}/... and /restapis/{api}/{stage}/_user_request_/... */
static bool path_form(struct fg_arena *a, const char *path, struct apigw_target *tg)
{
	const char *p, *api, *stage, *after;
	size_t an, sn;
	bool ls = strncmp(path, "/restapis/", 10) == 0;

	if (strncmp(path, "/_aws/execute-api/", 18) == 0)
		p = path + 18;
	else if (ls)
		p = path + 10;
	else
		return false;
	if ((api = segment(p, &an)) == NULL || (stage = segment(api + an, &sn)) == NULL)
		return false;
	after = stage + sn;
	if (ls) {
		if (strncmp(after, "/_user_request_", 15) != 0 ||
		    (after[15] != '\0' && after[15] != '/'))
			return false;
		after += 15;
	}
	tg->api_id = lower_dup(a, api, an);
	tg->region = "";
	tg->form = ls ? "path /restapis/{api}/{stage}/_user_request_" : "path /_aws/execute-api";
	tg->stage = fg_arena_strndup(a, stage, sn);
	tg->rest = rest_path(a, after);
	tg->stage_path = fg_arena_printf(a, "/%s%s", tg->stage,
					 strcmp(tg->rest, "/") == 0 && !*after ? "" : tg->rest);
	return true;
}

bool apigw_target_parse(struct fg_arena *a, const char *host, const char *path,
			struct apigw_target *tg)
{
	const char *stage;
	size_t sn;

	memset(tg, 0, sizeof(*tg));
	if (!execute_api_host(a, host ? host : "", tg))
		return path_form(a, path, tg);
	/* the stage is the first non-empty segment; requestContext.path starts there */
	stage = segment(path, &sn);
	if (stage == NULL) {
		tg->stage_path = "/";
		tg->rest = "/";
		return true;
	}
	tg->stage = fg_arena_strndup(a, stage, sn);
	tg->stage_path = fg_arena_printf(a, "/%s", stage);
	tg->rest = rest_path(a, stage + sn);
	return true;
}

bool apigw_claim(void *self, const void *view, const struct fg_http_req *req)
{
	struct apigw_target tg;

	return apigw_domain_claim(view, req->host) ||
	       apigw_target_parse(req->arena, req->host, req->path, &tg);
}

bool apigw_listens(void *self, const void *view, const char *name, bool https, int port)
{
	return https && port == 443;
}

/* ---------------------------------------------------------------- headers */

void apigw_add_header(struct apigw_rq *r, const char *name, const char *value)
{
	if (r->resp->nhdr >= sizeof(r->resp->hdr) / sizeof(r->resp->hdr[0]) - 4) {
		HOP(r, "response header '%s' dropped: frontgate keeps at most %zu response "
		    "headers", name, sizeof(r->resp->hdr) / sizeof(r->resp->hdr[0]) - 4);
		return;
	}
	fg_http_add_header(r->resp, name, value);
}

static bool resp_has(const struct apigw_rq *r, const char *name)
{
	for (size_t i = 0; i < r->resp->nhdr; i++) {
		if (strcasecmp(r->resp->hdr[i].name, name) == 0)
			return true;
	}
	return false;
}

/* x-amz-apigw-id: 16 characters ending in '=' (base64 of 11 random bytes). */
static void extended_id(char out[17])
{
	static const char tbl[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char u[37];
	uint64_t h;
	const char *parts[1];

	fg_uuid4(u);
	parts[0] = u;
	h = fg_hash64(parts, 1);
	for (int i = 0; i < 15; i++) {
		out[i] = tbl[(h ^ ((uint64_t)(unsigned char)u[i * 2] << 7)) & 63];
		h = h >> 6 | h << 58;
	}
	out[15] = '=';
	out[16] = '\0';
}

/* ---------------------------------------------------------- context/params */

static const char *query_value(struct apigw_rq *r, const char *name)
{
	const char *p = r->req->query;
	size_t n = strlen(name);

	while (p != NULL && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t kl = eq ? (size_t)(eq - p) : len;
		const char *k = fg_http_decode(r->arena, fg_arena_strndup(r->arena, p, kl), true);

		if (strlen(k) == n && strcmp(k, name) == 0)
			return eq ? fg_http_decode(r->arena, fg_arena_strndup(r->arena, eq + 1,
									      len - kl - 1), true)
				  : "";
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

static const char *path_value(struct apigw_rq *r, const char *name)
{
	for (size_t i = 0; i < r->m.nparams; i++) {
		if (strcmp(r->m.pname[i], name) == 0)
			return r->m.pval[i];
	}
	return NULL;
}

static const char *vtl_param(void *arg, const char *where, const char *name)
{
	struct apigw_rq *r = arg;
	const char *v = NULL;

	if (where == NULL || strcmp(where, "path") == 0)
		v = path_value(r, name);
	if (v == NULL && (where == NULL || strcmp(where, "querystring") == 0))
		v = query_value(r, name);
	if (v == NULL && (where == NULL || strcmp(where, "header") == 0))
		v = fg_http_header(r->req, name);
	return v;
}

static const char *json_quoted(struct apigw_rq *r, const char *s)
{
	struct fg_buf b;
	char *out;

	fg_buf_init(&b);
	apigw_json_str(&b, s);
	out = fg_arena_strdup(r->arena, b.data);
	fg_buf_free(&b);
	return out;
}

static const char *vtl_context(void *arg, const char *path)
{
	struct apigw_rq *r = arg;
	char when[32];

#define IS(s) (strcmp(path, s) == 0)
	if (IS("requestId"))
		return r->rid;
	if (IS("extendedRequestId"))
		return r->ext_id;
	if (IS("apiId"))
		return r->tg.api_id;
	if (IS("stage"))
		return r->stage ? r->stage->name : r->tg.stage;
	if (IS("deploymentId"))
		return r->dep ? r->dep->id : NULL;
	if (IS("httpMethod"))
		return r->req->method;
	if (IS("resourcePath"))
		return r->m.node ? r->m.node->path : NULL;
	if (IS("resourceId"))
		return r->m.node ? r->m.node->id : NULL;
	if (IS("path"))
		return r->tg.stage_path;
	if (IS("protocol"))
		return "HTTP/1.1";
	if (IS("accountId"))
		return r->api ? r->api->account : NULL;
	if (IS("domainName"))
		return r->tg.domain;
	if (IS("domainPrefix"))
		return fg_arena_strndup(r->arena, r->tg.domain, strcspn(r->tg.domain, "."));
	if (IS("requestTime")) {
		apigw_request_time(r->now_ms, when);
		return fg_arena_strdup(r->arena, when);
	}
	if (IS("requestTimeEpoch"))
		return fg_arena_printf(r->arena, "%lld", (long long)r->now_ms);
	if (IS("identity.sourceIp"))
		return r->req->client_ip;
	if (IS("identity.userAgent"))
		return fg_http_header(r->req, "User-Agent");
	if (IS("error.message"))
		return r->error_message;
	if (IS("error.messageString"))
		return r->error_message ? json_quoted(r, r->error_message) : NULL;
	if (IS("error.responseType"))
		return r->error_type;
#undef IS
	return NULL;
}

void apigw_vtl_env_init(struct apigw_rq *r, struct apigw_vtl_env *env, const char *body,
			size_t body_len)
{
	env->arg = r;
	env->context = vtl_context;
	env->param = vtl_param;
	env->stage_vars = r->stage ? &r->stage->vars : NULL;
	env->body = body;
	env->body_len = body_len;
}

static const char *endpoint_header(struct apigw_rq *r, const char *name)
{
	for (size_t i = 0; i < r->nihdr; i++) {
		if (strcasecmp(r->ihdr[i].name, name) == 0)
			return r->ihdr[i].value;
	}
	return NULL;
}

const char *apigw_map_expr(struct apigw_rq *r, const char *e)
{
	size_t n = strlen(e);

	if (n >= 2 && e[0] == '\'' && e[n - 1] == '\'')
		return fg_arena_strndup(r->arena, e + 1, n - 2);
	if (strncmp(e, "method.request.header.", 22) == 0)
		return fg_http_header(r->req, e + 22);
	if (strncmp(e, "method.request.querystring.", 27) == 0)
		return query_value(r, e + 27);
	if (strncmp(e, "method.request.path.", 20) == 0)
		return path_value(r, e + 20);
	if (strcmp(e, "method.request.body") == 0)
		return fg_arena_strndup(r->arena, r->req->body, r->req->body_len);
	if (strncmp(e, "stageVariables.", 15) == 0)
		return r->stage ? apigw_map_get(&r->stage->vars, e + 15) : NULL;
	if (strncmp(e, "context.", 8) == 0)
		return vtl_context(r, e + 8);
	if (strncmp(e, "integration.response.header.", 28) == 0)
		return endpoint_header(r, e + 28);
	if (strcmp(e, "integration.response.body") == 0)
		return r->ibody ? fg_arena_strndup(r->arena, r->ibody, r->ibody_len) : NULL;
	return NULL;
}

/* ------------------------------------------------------- gateway responses */

static const struct apigw_gwresp *customised(const struct apigw_rq *r, enum apigw_gr g,
					     int status)
{
	if (r->dep == NULL || g == APIGW_GR_REQUEST_TOO_LARGE)
		return NULL;
	if (r->dep->gr[g].set)
		return &r->dep->gr[g];
	if (status >= 500 && r->dep->gr[APIGW_GR_DEFAULT_5XX].set)
		return &r->dep->gr[APIGW_GR_DEFAULT_5XX];
	if (status >= 400 && status < 500 && r->dep->gr[APIGW_GR_DEFAULT_4XX].set)
		return &r->dep->gr[APIGW_GR_DEFAULT_4XX];
	return NULL;
}

static const char *custom_body(struct apigw_rq *r, const struct apigw_gwresp *c,
			       const char **ctype, size_t *len)
{
	const char *tpl = apigw_map_get(&c->templates, "application/json");
	struct apigw_vtl_env env;
	struct fg_buf out;
	const char *why, *body;

	*ctype = "application/json";
	if (tpl == NULL) {
		tpl = c->templates.v[0].v;
		*ctype = c->templates.v[0].k;
	}
	apigw_vtl_env_init(r, &env, r->req->body, r->req->body_len);
	fg_buf_init(&out);
	if (apigw_vtl_render(r->arena, tpl, &env, &out, &why) != 0)
		HOP(r, "gateway response template not rendered: %s", why);
	body = fg_arena_strndup(r->arena, out.data ? out.data : "", out.len);
	*len = out.len;
	fg_buf_free(&out);
	return body;
}

void apigw_gateway_error(struct apigw_rq *r, enum apigw_gr g, int status, const char *error_type,
			 const char *message, const char *body)
{
	int st = status ? status : apigw_gr_status(g);
	const struct apigw_gwresp *c = customised(r, g, st);
	const char *ctype = "application/json", *b;
	size_t len;

	r->error_message = message;
	r->error_type = apigw_gr_name(g);
	r->resp->nhdr = 0; /* nothing an integration added survives a gateway response */
	if (c != NULL && c->status)
		st = c->status;
	if (c != NULL && c->templates.n > 0) {
		b = custom_body(r, c, &ctype, &len);
	} else if (body != NULL) {
		b = body;
		len = strlen(body);
	} else {
		b = fg_arena_printf(r->arena, "{\"message\":%s}", json_quoted(r, message));
		len = strlen(b);
	}
	for (size_t i = 0; c != NULL && i < c->params.n; i++) {
		const char *name = c->params.v[i].k + 23; /* gatewayresponse.header. */
		const char *v = apigw_map_expr(r, c->params.v[i].v);

		if (strcasecmp(name, "Content-Type") == 0 && v != NULL)
			ctype = v;
		else if (v != NULL)
			apigw_add_header(r, name, v);
	}
	fg_http_set_body(r->resp, st, ctype, b, len);
	apigw_add_header(r, "x-amzn-ErrorType", error_type ? error_type : apigw_gr_error_type(g));
	HOP(r, "gateway response %s -> %d%s: %s", apigw_gr_name(g), st,
	    c == NULL ? "" : c == &r->dep->gr[g] ? " (customised by a GatewayResponse)"
						  : " (customised by a DEFAULT_4XX/5XX response)",
	    message);
}

/* --------------------------------------------------------------- signatures */

static enum apigw_sig_messages sig_mode(const struct apigw_rq *r)
{
	if (r->api != NULL && r->api->sig_messages >= 0)
		return (enum apigw_sig_messages)r->api->sig_messages;
	return r->a->fid.sig_messages;
}

/*
 * Classifies the request's credentials: 0 none, 1 a complete SigV4 header (or presigned
 * query), -1 an Authorization header API Gateway rejects (the response is already made).
 */
static int credentials(struct apigw_rq *r)
{
	const char *authz = fg_http_header(r->req, "Authorization");
	const char *msg;
	bool has_date = fg_http_header(r->req, "X-Amz-Date") != NULL ||
			fg_http_header(r->req, "Date") != NULL;

	if (authz == NULL)
		return fg_http_query_raw(r->req, "X-Amz-Algorithm") != NULL ? 1 : 0;
	msg = sigv4_incomplete(r->arena, authz, has_date,
			       sig_mode(r) == APIGW_SIG_CLASSIC ? SIGV4_MSG_CLASSIC : SIGV4_MSG_REDACTED);
	if (msg == NULL) {
		r->sigv4 = true;
		return 1;
	}
	HOP(r, "Authorization header is not a complete SigV4 header: API Gateway rejects it "
	    "before routing (aws-behavior.md §2.3, §2.7; messages: %s)",
	    sig_mode(r) == APIGW_SIG_CLASSIC ? "classic" : "redacted");
	apigw_gateway_error(r, APIGW_GR_INVALID_SIGNATURE, 403, "IncompleteSignatureException",
			    msg, NULL);
	return -1;
}

/* An unknown route, method or stage (§1.5). */
static void no_route(struct apigw_rq *r)
{
	if (credentials(r) < 0)
		return;
	apigw_gateway_error(r, APIGW_GR_MISSING_AUTHENTICATION_TOKEN, 0, NULL,
			    "Missing Authentication Token", NULL);
}

/* ----------------------------------------------------------------- pipeline */

static void too_large(struct apigw_rq *r)
{
	static const char msg[] = "HTTP content length exceeded 10485760 bytes.";

	HOP(r, "request body of %zu bytes is over API Gateway's 10485760-byte limit "
	    "(aws-behavior.md §1.8): 413, plain text, not a gateway response",
	    r->req->body_seen > r->req->body_len ? r->req->body_seen : r->req->body_len);
	fg_http_set_body(r->resp, 413, "text/plain", msg, sizeof(msg) - 1);
}

static void unknown_api(struct apigw_rq *r)
{
	if (r->a->fid.unknown_api == APIGW_UNKNOWN_API_NOT_FOUND) {
		const char *b = fg_arena_printf(r->arena, "{\"message\":\"The API id '%s' does not "
						"correspond to a deployed API Gateway API\"}",
						r->tg.api_id);

		HOP(r, "no REST API with id '%s' (fidelity switch unknown-api=not-found: "
		    "LocalStack's 404)", r->tg.api_id);
		fg_http_set_body(r->resp, 404, "application/json", b, strlen(b));
		apigw_add_header(r, "x-amzn-ErrorType", "NotFoundException");
		return;
	}
	HOP(r, "no REST API with id '%s' in this world: 403 Forbidden as for any host API "
	    "Gateway does not serve (aws-behavior.md §1.1/§1.3; fidelity switch "
	    "unknown-api=forbidden)", r->tg.api_id);
	fg_http_set_body(r->resp, 403, "application/json", "{\"message\":\"Forbidden\"}", 23);
	apigw_add_header(r, "x-amzn-ErrorType", "ForbiddenException");
}

/* A request that reached an API Gateway endpoint in-process (a CloudFront origin connection,
 * iface/dispatch.h) with a Host API Gateway does not serve, e.g. a forwarded viewer Host. */
static void host_not_served(struct apigw_rq *r)
{
	HOP(r, "Host '%s' is not a name API Gateway serves (no execute-api form, no custom "
	    "domain): 403 Forbidden (aws-behavior.md §1.3, §2.4, §8 S3)", r->req->host);
	fg_http_set_body(r->resp, 403, "application/json", "{\"message\":\"Forbidden\"}", 23);
	apigw_add_header(r, "x-amzn-ErrorType", "ForbiddenException");
}

static void stage_list(struct apigw_rq *r, struct fg_buf *b)
{
	for (size_t i = 0; i < r->api->nstages; i++)
		fg_buf_printf(b, "%s%s", i ? ", " : "", r->api->stages[i].name);
	if (r->api->nstages == 0)
		fg_buf_puts(b, "none");
}

static bool resolve_stage(struct apigw_rq *r)
{
	struct fg_buf b;

	if (r->tg.stage != NULL)
		r->stage = apigw_api_stage(r->api, r->tg.stage, strlen(r->tg.stage));
	/* DisableExecuteApiEndpoint closes the default host, not custom domains */
	if (r->domain == NULL && r->api->disabled &&
	    (r->stage == NULL || r->stage->dep == NULL || r->stage->dep->disable_execute_api)) {
		HOP(r, "api %s has DisableExecuteApiEndpoint (deployed): the default execute-api "
		    "endpoint answers 403 Forbidden", r->api->id);
		fg_http_set_body(r->resp, 403, "application/json", "{\"message\":\"Forbidden\"}", 23);
		apigw_add_header(r, "x-amzn-ErrorType", "ForbiddenException");
		return false;
	}
	if (r->stage != NULL && r->stage->dep != NULL) {
		r->dep = r->stage->dep;
		HOP(r, "stage '%s' -> deployment %s", r->stage->name, r->dep->id);
		return true;
	}
	fg_buf_init(&b);
	stage_list(r, &b);
	if (r->tg.stage == NULL)
		HOP(r, "no stage in the path (the stage is the first path segment; deployed "
		    "stages: %s)", b.data);
	else if (r->stage == NULL)
		HOP(r, "stage '%s' is not deployed on api %s (deployed stages: %s)", r->tg.stage,
		    r->api->id, b.data);
	else
		HOP(r, "stage '%s' has no deployment", r->stage->name);
	fg_buf_free(&b);
	no_route(r);
	return false;
}

static void method_list(const struct apigw_node *n, struct fg_buf *b)
{
	bool any = false;

	for (int i = 0; i < APIGW_NVERBS; i++) {
		if (n->methods[i] != NULL) {
			fg_buf_printf(b, "%s%s", any ? ", " : "", apigw_verb_name(i));
			any = true;
		}
	}
}

static bool route(struct apigw_rq *r)
{
	struct fg_buf b;

	if (apigw_route_match(r->dep->root, r->arena, r->req->method, r->tg.rest, &r->m)) {
		HOP(r, "%s %s -> resource %s (%s), method %s%s", r->req->method, r->tg.rest,
		    r->m.node->path, r->m.node->id, r->m.method->verb,
		    strcmp(r->m.method->verb, r->req->method) == 0 ? "" : " (covers it)");
		return true;
	}
	fg_buf_init(&b);
	if (r->m.path_only != NULL) {
		method_list(r->m.path_only, &b);
		HOP(r, "%s %s: resource %s has no %s method (it has %s) and no other resource "
		    "matches with that method", r->req->method, r->tg.rest, r->m.path_only->path,
		    r->req->method, b.data);
	} else {
		HOP(r, "%s %s: no resource of deployment %s matches the path", r->req->method,
		    r->tg.rest, r->dep->id);
	}
	fg_buf_free(&b);
	no_route(r);
	return false;
}

static bool authorize(struct apigw_rq *r)
{
	const struct apigw_method *m = r->m.method;

	if (m->auth == APIGW_AUTH_CUSTOM || m->auth == APIGW_AUTH_COGNITO) {
		HOP(r, "method authorization %s: authorizers are not emulated yet",
		    m->auth == APIGW_AUTH_CUSTOM ? "CUSTOM" : "COGNITO_USER_POOLS");
		apigw_gateway_error(r, APIGW_GR_API_CONFIGURATION_ERROR, 500, NULL,
				    "Internal server error", APIGW_BODY_ISE);
		return false;
	}
	/* a NONE method passes Authorization through untouched (Lambda sees it, §1.6); the
	 * resource policy still applies to it, with an anonymous caller */
	return apigw_authorize(r);
}

static void integrate(struct apigw_rq *r)
{
	const struct apigw_integ *in = &r->m.method->integ;

	switch (in->type) {
	case APIGW_INTEG_MOCK:
		apigw_integ_mock(r);
		break;
	case APIGW_INTEG_AWS_PROXY:
		apigw_integ_aws_proxy(r);
		break;
	case APIGW_INTEG_HTTP:
	case APIGW_INTEG_HTTP_PROXY:
		apigw_integ_http(r);
		break;
	case APIGW_INTEG_AWS:
		HOP(r, "integration AWS (%s): AWS service integrations are not emulated", in->uri);
		apigw_gateway_error(r, APIGW_GR_API_CONFIGURATION_ERROR, 500, NULL,
				    "Internal server error", APIGW_BODY_ISE);
		break;
	}
}

static void trace_header(struct apigw_rq *r)
{
	char u[37];

	fg_uuid4(u);
	/* Root=1-{8 hex seconds}-{24 hex} */
	r->trace_header = fg_arena_printf(r->arena, "Root=1-%08llx-%.8s%.4s%.4s%.4s%.4s",
					  (unsigned long long)(r->now_ms / 1000), u, u + 9, u + 14,
					  u + 19, u + 24);
}

static void pipeline(struct apigw_rq *r, const struct apigw_view *v)
{
	HOP(r, "%s: api %s%s%s, stage %s, path %s", r->tg.form, r->tg.api_id,
	    r->tg.region[0] ? " region " : "", r->tg.region,
	    r->tg.stage ? r->tg.stage : "(none)", r->tg.rest ? r->tg.rest : "/");
	/* the server keeps one byte past the limit, so either says the body is over it */
	if (r->req->body_too_large || r->req->body_len > APIGW_BODY_LIMIT) {
		too_large(r);
		return;
	}
	if (!apigw_vpce_host_api(r))
		return;
	r->api = apigw_view_api(v, r->tg.api_id, strlen(r->tg.api_id));
	if (r->api == NULL) {
		unknown_api(r);
		return;
	}
	if (!apigw_network_check(r) || !resolve_stage(r) || !route(r) || !authorize(r) || !apigw_keys_check(r))
		return;
	integrate(r);
}

void apigw_serve(void *self, const struct stack_world *w, const void *view,
		 struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *t)
{
	struct apigw_rq r;

	memset(&r, 0, sizeof(r));
	r.a = self;
	r.w = w;
	r.view = view;
	r.req = req;
	r.resp = resp;
	r.t = t;
	r.arena = req->arena;
	fg_uuid4(r.rid);
	fg_trace_set_id(t, r.rid);
	extended_id(r.ext_id);
	r.now_ms = r.a->deps.clock ? fg_clock_now_ms(r.a->deps.clock) : fg_clock_real_ms();
	trace_header(&r);
	switch (apigw_domain_route(&r)) {
	case APIGW_DOMAIN_NO:
		if (apigw_target_parse(r.arena, req->host, req->path, &r.tg))
			pipeline(&r, view);
		else
			host_not_served(&r);
		break;
	case APIGW_DOMAIN_ROUTED:
		pipeline(&r, view);
		break;
	case APIGW_DOMAIN_UNMAPPED:
		no_route(&r);
		break;
	case APIGW_DOMAIN_ANSWERED:
		break;
	}
	if (!r.cf_generated && !resp_has(&r, "x-amzn-RequestId"))
		fg_http_add_header(resp, "x-amzn-RequestId", r.rid);
	if (!r.cf_generated && !resp_has(&r, "x-amz-apigw-id"))
		fg_http_add_header(resp, "x-amz-apigw-id", r.ext_id);
	apigw_edge_response(&r);
	if (r.cf_generated)
		fg_trace_set_id(t, r.cf_id);
}
