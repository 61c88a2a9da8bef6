/*
 * apigw_integ.c: the integrations (aws-behavior.md §1.6, §3).
 *
 * - MOCK (§3.3): the request template must yield JSON with an integer statusCode; that status
 *   selects the integration response, whose template makes the body.
 * - AWS_PROXY (§3.1, §3.2): the payload 1.0 event goes to the function through iface/invoke.h;
 *   its result is validated and becomes the response. Invoke outcomes map to AWS's answers:
 *   function error or crash 502, timeout 504, no function / not runnable 500.
 * - HTTP_PROXY and HTTP (§1.6, §3.3): libcurl to the Uri (stage variables and path
 *   parameters substituted), with API Gateway's header drops, additions and x-amzn-Remapped-*
 *   renames, TimeoutInMillis as the deadline (504 past it). HTTP (non-proxy) goes through
 *   request templates and integration responses like MOCK.
 */
#include "apigw/apigw_priv.h"
#include "net/net_curl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HOP(r, ...) fg_trace_hop((r)->t, "apigw", __VA_ARGS__)

/* Request headers API Gateway drops before any integration (§1.6). */
static const char *const DROP_COMMON[] = {
	"Connection", "Content-Length", "Content-MD5", "Expect", "Max-Forwards",
	"Proxy-Authenticate", "Server", "TE", "Transfer-Encoding", "Trailer", "Upgrade",
	"WWW-Authenticate", NULL,
};
/* ...and what HTTP_PROXY drops on top (the AWS recording in §1.6). */
static const char *const DROP_HTTP_PROXY[] = { "Content-Encoding", "Via", "Host", NULL };
/* Response headers every proxy integration renames to x-amzn-Remapped-* (§1.6). */
static const char *const REMAP_PROXY[] = { "Connection", "Content-Length", "Date", "Server",
					   NULL };
/* Method-response header mappings that come out renamed (non-proxy, §1.6). */
static const char *const REMAP_MAPPED[] = {
	"Authorization", "Connection", "Content-MD5", "Date", "Expect", "Host", "Max-Forwards",
	"Proxy-Authenticate", "Server", "Trailer", "Upgrade", "User-Agent", "WWW-Authenticate",
	NULL,
};

static bool in_list(const char *const *list, const char *name)
{
	for (size_t i = 0; list[i] != NULL; i++) {
		if (strcasecmp(list[i], name) == 0)
			return true;
	}
	return false;
}

static void fail_500(struct apigw_rq *r)
{
	apigw_gateway_error(r, APIGW_GR_API_CONFIGURATION_ERROR, 500, NULL,
			    "Internal server error", APIGW_BODY_ISE);
}

/* ---------------------------------------------------------- request side */

typedef const char *(*lookup_f)(struct apigw_rq *r, char *name);

/*
 * Replaces each <open>name} in s with lookup(name). An unknown name is dropped when
 * keep_unknown is false (stage variables: AWS substitutes an empty string) and left as written
 * otherwise. Returns s itself when it has no placeholder.
 */
static const char *substitute(struct apigw_rq *r, const char *s, const char *open,
			      lookup_f lookup, bool keep_unknown)
{
	size_t ol = strlen(open);
	struct fg_buf b;
	const char *p = s, *out;

	if (strstr(s, open) == NULL)
		return s;
	fg_buf_init(&b);
	while (*p) {
		const char *end = strncmp(p, open, ol) == 0 ? strchr(p + ol, '}') : NULL;

		if (end != NULL) {
			char *name = fg_arena_strndup(r->arena, p + ol, (size_t)(end - p - ol));
			const char *v = lookup(r, name);

			if (v != NULL || !keep_unknown) {
				fg_buf_puts(&b, v != NULL ? v : "");
				p = end + 1;
				continue;
			}
		}
		fg_buf_append(&b, p, 1);
		p++;
	}
	out = fg_arena_strdup(r->arena, b.data ? b.data : "");
	fg_buf_free(&b);
	return out;
}

static const char *stage_var(struct apigw_rq *r, char *name)
{
	const char *v = r->stage ? apigw_map_get(&r->stage->vars, name) : NULL;

	if (v == NULL)
		HOP(r, "stage variable '%s' in the integration URI is not set", name);
	return v;
}

/* ${stageVariables.x} in a URI (missing variables become empty). */
static const char *stage_vars_in(struct apigw_rq *r, const char *s)
{
	return substitute(r, s, "${stageVariables.", stage_var, false);
}

/* The mapping for integration.request.<where>.<name>, evaluated; NULL when unmapped. */
static const char *mapped(struct apigw_rq *r, const char *where, const char *name)
{
	const struct apigw_map *m = &r->m.method->integ.params;
	size_t wl = strlen(where);

	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->v[i].k;

		if (strncmp(k, "integration.request.", 20) == 0 &&
		    strncmp(k + 20, where, wl) == 0 && k[20 + wl] == '.' &&
		    strcmp(k + 21 + wl, name) == 0)
			return apigw_map_expr(r, m->v[i].v);
	}
	return NULL;
}

/* {name} (or {name+}) from integration.request.path.name, or, unmapped, the method's path
 * parameter of the same name. */
static const char *path_param(struct apigw_rq *r, char *name)
{
	size_t nl = strlen(name);
	const char *v;

	if (nl > 0 && name[nl - 1] == '+')
		name[nl - 1] = '\0';
	v = mapped(r, "path", name);
	for (size_t i = 0; v == NULL && i < r->m.nparams; i++) {
		if (strcmp(r->m.pname[i], name) == 0)
			v = r->m.pval[i];
	}
	return v;
}

static const char *path_params_in(struct apigw_rq *r, const char *s)
{
	return substitute(r, s, "{", path_param, true);
}

static const char *media_type(struct apigw_rq *r, const char *ct)
{
	size_t n;
	char *mt;

	if (ct == NULL)
		return "application/json";
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, ";, ");
	mt = fg_arena_strndup(r->arena, ct, n);
	for (char *p = mt; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	return mt;
}

/* The integration request body: the request template for the request's Content-Type, or the
 * body passed through as PassthroughBehavior allows. -1 when the response is already made. */
static int request_body(struct apigw_rq *r, const char **body, size_t *len)
{
	const struct apigw_integ *in = &r->m.method->integ;
	const char *ct = media_type(r, fg_http_header(r->req, "Content-Type"));
	const char *tpl = apigw_map_getci(&in->templates, ct), *why;
	struct apigw_vtl_env env;
	struct fg_buf out;

	if (tpl == NULL) {
		bool pass = in->passthrough == APIGW_PASS_WHEN_NO_MATCH ||
			    (in->passthrough == APIGW_PASS_WHEN_NO_TEMPLATES && in->templates.n == 0);

		if (!pass) {
			HOP(r, "no request template for Content-Type %s and PassthroughBehavior %s",
			    ct, in->passthrough == APIGW_PASS_NEVER ? "NEVER" : "WHEN_NO_TEMPLATES");
			apigw_gateway_error(r, APIGW_GR_UNSUPPORTED_MEDIA_TYPE, 0, NULL,
					    "Unsupported Media Type", NULL);
			return -1;
		}
		*body = r->req->body;
		*len = r->req->body_len;
		return 0;
	}
	apigw_vtl_env_init(r, &env, r->req->body, r->req->body_len);
	fg_buf_init(&out);
	if (apigw_vtl_render(r->arena, tpl, &env, &out, &why) != 0) {
		fg_buf_free(&out);
		HOP(r, "request template for %s not rendered: %s", ct, why);
		fail_500(r);
		return -1;
	}
	*body = fg_arena_strndup(r->arena, out.data, out.len);
	*len = out.len;
	fg_buf_free(&out);
	HOP(r, "request template for %s -> %.300s", ct, *body);
	return 0;
}

/* --------------------------------------------------- integration responses */

static const struct apigw_iresp *select_response(const struct apigw_integ *in, int status)
{
	char sel[16];

	snprintf(sel, sizeof(sel), "%d", status);
	for (size_t i = 0; i < in->niresp; i++) {
		if (in->iresp[i].re != NULL && regexec(in->iresp[i].re, sel, 0, NULL, 0) == 0)
			return &in->iresp[i];
	}
	for (size_t i = 0; i < in->niresp; i++) {
		if (in->iresp[i].pattern == NULL)
			return &in->iresp[i];
	}
	return NULL;
}

/* Response header mappings (method.response.header.X); -1 after answering 500. */
static int mapped_headers(struct apigw_rq *r, const struct apigw_iresp *ir, const char **ctype)
{
	for (size_t i = 0; i < ir->params.n; i++) {
		const char *k = ir->params.v[i].k, *name, *v;

		if (strncmp(k, "method.response.header.", 23) != 0)
			continue;
		name = k + 23;
		v = apigw_map_expr(r, ir->params.v[i].v);
		if (strcasecmp(name, "Content-Length") == 0 ||
		    strcasecmp(name, "Transfer-Encoding") == 0) {
			HOP(r, "the integration response maps the header %s, which API Gateway "
			    "refuses at run time (aws-behavior.md §1.6)", name);
			fail_500(r);
			return -1;
		}
		if (v == NULL)
			continue;
		if (strcasecmp(name, "Content-Type") == 0)
			*ctype = v;
		else if (in_list(REMAP_MAPPED, name))
			apigw_add_header(r, fg_arena_printf(r->arena, "x-amzn-Remapped-%s", name), v);
		else
			apigw_add_header(r, name, v);
	}
	return 0;
}

/*
 * The non-proxy response: status -> integration response (SelectionPattern), its header
 * mappings and template. The endpoint response is in r->ihdr/ibody.
 */
static void integration_response(struct apigw_rq *r, int status, bool trace_id)
{
	const struct apigw_integ *in = &r->m.method->integ;
	const struct apigw_iresp *ir = select_response(in, status);
	const char *accept = fg_http_header(r->req, "Accept"), *tpl = NULL, *ctype = NULL, *why;
	const char *body = r->ibody ? r->ibody : "";
	size_t len = r->ibody_len;

	if (ir == NULL) {
		HOP(r, "Execution failed due to configuration error: No match for output mapping "
		    "and no default output mapping configured. Endpoint Response Status Code: %d",
		    status);
		fail_500(r);
		return;
	}
	if (ir->templates.n > 0) {
		tpl = accept ? apigw_map_get(&ir->templates, accept) : NULL;
		ctype = tpl ? accept : "application/json";
		if (tpl == NULL)
			tpl = apigw_map_get(&ir->templates, "application/json");
		if (tpl == NULL) {
			tpl = ir->templates.v[0].v;
			ctype = ir->templates.v[0].k;
		}
	}
	if (tpl != NULL) {
		struct apigw_vtl_env env;
		struct fg_buf out;

		apigw_vtl_env_init(r, &env, body, len);
		fg_buf_init(&out);
		if (apigw_vtl_render(r->arena, tpl, &env, &out, &why) != 0) {
			fg_buf_free(&out);
			HOP(r, "response template not rendered: %s", why);
			fail_500(r);
			return;
		}
		body = fg_arena_strndup(r->arena, out.data, out.len);
		len = out.len;
		fg_buf_free(&out);
	}
	r->resp->nhdr = 0;
	if (mapped_headers(r, ir, &ctype) != 0)
		return;
	HOP(r, "endpoint status %d -> integration response %d (%s)%s", status, ir->status,
	    ir->pattern ? ir->pattern : "default", tpl ? ", response template applied" : "");
	if (trace_id)
		apigw_add_header(r, "X-Amzn-Trace-Id", r->trace_header);
	fg_http_set_body(r->resp, ir->status, ctype ? ctype : "application/json", body, len);
}

/* ----------------------------------------------------------------- MOCK */

/* {"statusCode": 200}, also the non-strict {statusCode: 200} AWS tolerates (§3.3). */
static bool mock_status(const char *body, size_t len, int *out)
{
	cJSON *doc = cJSON_ParseWithLength(body, len);
	const char *p;
	bool ok = false;

	if (doc != NULL) {
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(doc, "statusCode");

		ok = cJSON_IsNumber(sc) && sc->valuedouble == (double)(int)sc->valuedouble;
		if (ok)
			*out = (int)sc->valuedouble;
		cJSON_Delete(doc);
		return ok;
	}
	p = body ? strstr(body, "statusCode") : NULL;
	if (p == NULL || (p > body && p[-1] != '{' && p[-1] != ' ' && p[-1] != ',' &&
			  p[-1] != '\'' && p[-1] != '\n' && p[-1] != '\t'))
		return false;
	p += 10;
	if (*p == '\'')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p++ != ':')
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	*out = (int)strtol(p, NULL, 10);
	return true;
}

void apigw_integ_mock(struct apigw_rq *r)
{
	const char *body;
	size_t len;
	int status;

	if (request_body(r, &body, &len) != 0)
		return;
	if (!mock_status(body, len, &status) || status < 100 || status > 599) {
		HOP(r, "integration MOCK: Execution failed due to configuration error: Unable to "
		    "parse statusCode. It should be an integer that is defined in the request "
		    "template. (integration request body: %.200s)", len ? body : "(empty)");
		fail_500(r);
		return;
	}
	HOP(r, "integration MOCK -> statusCode %d", status);
	r->ibody = "";
	r->ibody_len = 0;
	integration_response(r, status, false);
}

/* --------------------------------------------------------- header shaping */

static void hl_add(struct apigw_rq *r, struct fg_http_hlist *h, const char *name,
		   const char *value)
{
	fg_http_hlist_add(r->arena, h, name, value);
}

/* The client's headers as an integration receives them (drops of §1.6; a SigV4 Authorization
 * header is not forwarded). */
static void client_headers(struct apigw_rq *r, struct fg_http_hlist *h, const char *const *extra_drop)
{
	for (size_t i = 0; i < r->req->nheaders; i++) {
		const char *name = r->req->headers[i].name;

		if (in_list(DROP_COMMON, name) || (extra_drop && in_list(extra_drop, name)))
			continue;
		if (r->sigv4 && strcasecmp(name, "Authorization") == 0)
			continue;
		hl_add(r, h, name, r->req->headers[i].value);
	}
}

/* The port the client connected to, as X-Forwarded-Port says: from Host, else the scheme's
 * default (443 on the HTTPS listener, as AWS's events always say; 80 in clear text). */
static const char *forwarded_port(struct apigw_rq *r)
{
	const char *colon = strrchr(r->req->host, ':');

	if (colon && !strchr(colon, ']') && colon[1])
		return colon + 1;
	return strcmp(r->req->listener, "https") == 0 ? "443" : "80";
}

/* ------------------------------------------------------------- AWS_PROXY */

static void event_headers(struct apigw_rq *r, struct fg_http_hlist *h)
{
	const char *xff = NULL;

	for (size_t i = 0; i < r->req->nheaders; i++) {
		const char *name = r->req->headers[i].name;

		if (in_list(DROP_COMMON, name) || strcasecmp(name, "X-Forwarded-For") == 0 ||
		    strcasecmp(name, "X-Forwarded-Port") == 0 ||
		    strcasecmp(name, "X-Forwarded-Proto") == 0)
			continue;
		if (r->sigv4 && strcasecmp(name, "Authorization") == 0)
			continue;
		/* API Gateway title-cases these two; other names keep the client's casing */
		if (strcasecmp(name, "Authorization") == 0)
			name = "Authorization";
		else if (strcasecmp(name, "User-Agent") == 0)
			name = "User-Agent";
		hl_add(r, h, name, r->req->headers[i].value);
	}
	xff = fg_http_header(r->req, "X-Forwarded-For");
	hl_add(r, h, "X-Amzn-Trace-Id", fg_http_header(r->req, "X-Amzn-Trace-Id")
					 ? fg_http_header(r->req, "X-Amzn-Trace-Id")
					 : r->trace_header);
	hl_add(r, h, "X-Forwarded-For", xff ? fg_arena_printf(r->arena, "%s, %s", xff,
							      r->req->client_ip)
					    : r->req->client_ip);
	hl_add(r, h, "X-Forwarded-Port", forwarded_port(r));
	hl_add(r, h, "X-Forwarded-Proto", strcmp(r->req->listener, "https") == 0 ? "https"
										 : "http");
	apigw_edge_event_headers(r, h); /* EDGE endpoints: CloudFront-*, Via, X-Amz-Cf-Id */
}

static void event_in(struct apigw_rq *r, const struct fg_http_hlist *h, struct apigw_event_in *e)
{
	const char *ct = fg_http_header(r->req, "Content-Type");

	memset(e, 0, sizeof(*e));
	e->resource_path = r->m.node->path;
	e->resource_id = r->m.node->id;
	e->path = r->tg.event_path ? r->tg.event_path : r->tg.rest;
	e->stage_path = r->tg.stage_path;
	e->method = r->req->method;
	e->headers = h->v;
	e->nheaders = h->n;
	e->query = r->req->query;
	e->pname = r->m.pname;
	e->pval = r->m.pval;
	e->nparams = r->m.nparams;
	e->stage_vars = &r->stage->vars;
	e->body = r->req->body;
	e->body_len = r->req->body_len;
	e->body_base64 = (ct != NULL && apigw_binary_match(r->dep, ct)) ||
			 !apigw_utf8_valid(r->req->body, r->req->body_len);
	e->account = r->api->account;
	e->api_id = r->api->id;
	e->stage = r->stage->name;
	e->deployment_id = r->dep->id;
	e->domain = r->tg.domain;
	e->domain_prefix = fg_arena_strndup(r->arena, r->tg.domain, strcspn(r->tg.domain, "."));
	e->request_id = r->rid;
	e->extended_id = r->ext_id;
	e->now_ms = r->now_ms;
	e->source_ip = r->req->client_ip;
	e->user_agent = fg_http_header(r->req, "User-Agent");
	e->caller = r->caller;
	e->client_cert = r->client_cert;
}

/* The first media type of Accept matches binaryMediaTypes (§3.2: only it is honoured). */
static bool accept_binary(struct apigw_rq *r)
{
	const char *accept = fg_http_header(r->req, "Accept");

	return accept != NULL && apigw_binary_match(r->dep, accept);
}

static void proxy_respond(struct apigw_rq *r, const struct apigw_proxy_resp *p)
{
	const char *body = p->body;
	size_t len = p->body_len;
	bool has_ct = false;

	if (p->is_base64 && accept_binary(r)) {
		char *dec;

		if (apigw_base64_decode(r->arena, p->body, p->body_len, &dec, &len) != 0) {
			HOP(r, "Malformed Lambda proxy response: isBase64Encoded but the body is not "
			    "base64");
			apigw_gateway_error(r, APIGW_GR_DEFAULT_5XX, 502,
					    "InternalServerErrorException", "Internal server error",
					    APIGW_BODY_ISE);
			return;
		}
		body = dec;
	}
	r->resp->nhdr = 0;
	for (size_t i = 0; i < p->nheaders; i++) {
		const char *name = p->headers[i].name;

		if (strcasecmp(name, "Transfer-Encoding") == 0)
			continue;
		if (in_list(REMAP_PROXY, name))
			name = fg_arena_printf(r->arena, "x-amzn-Remapped-%s", name);
		has_ct |= strcasecmp(name, "Content-Type") == 0;
		apigw_add_header(r, name, p->headers[i].value);
	}
	if (!has_ct)
		apigw_add_header(r, "Content-Type", "application/json");
	apigw_add_header(r, "X-Amzn-Trace-Id", r->trace_header);
	fg_http_set_body(r->resp, p->status, NULL, body, len);
}

static void invoke_outcome(struct apigw_rq *r, const struct fg_invoke_result *res,
			   int64_t deadline)
{
	struct apigw_proxy_resp p;
	const char *why;

	switch (res->status) {
	case FG_INVOKE_OK:
		HOP(r, "Lambda returned %zu bytes in %lld ms (invocation %s)", res->len,
		    (long long)res->duration_ms, res->request_id);
		if (apigw_proxy_parse(res->payload, res->len, r->arena, &p, &why) != 0) {
			HOP(r, "Execution failed due to configuration error: Malformed Lambda proxy "
			    "response: %s", why);
			apigw_gateway_error(r, APIGW_GR_DEFAULT_5XX, 502,
					    "InternalServerErrorException", "Internal server error",
					    APIGW_BODY_ISE);
			return;
		}
		HOP(r, "proxy response: status %d, %zu headers, %zu body bytes%s", p.status,
		    p.nheaders, p.body_len, p.is_base64 ? ", base64" : "");
		proxy_respond(r, &p);
		return;
	case FG_INVOKE_FUNCTION_ERROR:
	case FG_INVOKE_CRASHED:
		HOP(r, "Lambda execution failed (%s): %.300s%s%.300s",
		    res->status == FG_INVOKE_CRASHED ? "the worker crashed" : "function error",
		    res->payload ? res->payload : "", res->detail ? " — " : "",
		    res->detail ? res->detail : "");
		apigw_gateway_error(r, APIGW_GR_DEFAULT_5XX, 502, "InternalServerErrorException",
				    "Internal server error", APIGW_BODY_ISE);
		return;
	case FG_INVOKE_TIMEOUT:
		if (res->duration_ms > 0 && res->duration_ms + 50 < deadline) {
			/* the function's own Timeout: Lambda reports an error, API Gateway 502 */
			HOP(r, "the function timed out after %lld ms (its own Timeout, before the "
			    "integration's %lld ms): Lambda error -> 502",
			    (long long)res->duration_ms, (long long)deadline);
			apigw_gateway_error(r, APIGW_GR_DEFAULT_5XX, 502,
					    "InternalServerErrorException",
					    "Internal server error", APIGW_BODY_ISE);
			return;
		}
		HOP(r, "no answer within the integration timeout of %lld ms%s%s",
		    (long long)deadline, res->detail ? ": " : "", res->detail ? res->detail : "");
		apigw_gateway_error(r, APIGW_GR_INTEGRATION_TIMEOUT, 504, NULL,
				    "Endpoint request timed out", APIGW_BODY_TIMEOUT);
		return;
	case FG_INVOKE_NO_FUNCTION:
	case FG_INVOKE_NOT_EMULATED:
		HOP(r, "Execution failed due to configuration error: %s%s%s",
		    res->status == FG_INVOKE_NO_FUNCTION ? "no such function in this world"
							 : "the function cannot be run here",
		    res->detail ? ": " : "", res->detail ? res->detail : "");
		fail_500(r);
		return;
	}
}

void apigw_integ_aws_proxy(struct apigw_rq *r)
{
	const struct apigw_integ *in = &r->m.method->integ;
	const struct fg_invoker *inv = r->a->deps.invoker;
	struct fg_invoke_result res;
	struct apigw_event_in e;
	struct fg_http_hlist h = { NULL, 0, 0 };
	struct fg_buf ev;
	const char *uri;

	if (strcmp(in->http_method, "POST") != 0) {
		HOP(r, "Execution failed due to configuration error: AWS_PROXY integrations invoke "
		    "Lambda with POST; IntegrationHttpMethod is %s", in->http_method);
		fail_500(r);
		return;
	}
	uri = stage_vars_in(r, in->uri);
	fg_buf_init(&ev);
	if (inv != NULL && inv->reads_event != NULL && !inv->reads_event(inv->self, r->w, uri)) {
		HOP(r, "integration AWS_PROXY -> %s (canned response: no event built, timeout "
		    "%d ms)", uri, in->timeout_ms);
	} else {
		event_headers(r, &h);
		event_in(r, &h, &e);
		apigw_event_build(&e, r->arena, &ev);
		HOP(r, "integration AWS_PROXY -> %s (event %zu bytes, timeout %d ms)", uri,
		    ev.len, in->timeout_ms);
	}
	memset(&res, 0, sizeof(res));
	if (inv == NULL) {
		res.status = FG_INVOKE_NOT_EMULATED;
		res.detail = strdup("no Lambda invoker is wired into API Gateway");
	} else {
		inv->invoke(inv->self, r->w, uri, ev.data, ev.len, in->timeout_ms, &res);
	}
	fg_buf_free(&ev);
	invoke_outcome(r, &res, in->timeout_ms);
	fg_invoke_result_free(&res);
}

/* ------------------------------------------------------------ HTTP (curl) */

struct fetch {
	struct apigw_rq *r;
	struct fg_curl_sink sink;      /* the body, up to the limit */
	struct fg_http_hlist h;
};

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * n, k;
	const char *colon;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		f->h.n = 0; /* a new response (after 100 Continue): start over */
		return len;
	}
	colon = memchr(p, ':', len);
	if (colon == NULL)
		return len;
	k = (size_t)(colon - p);
	colon++;
	while (colon < p + len && (*colon == ' ' || *colon == '\t'))
		colon++;
	while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == '\n' || p[len - 1] == ' '))
		len--;
	hl_add(f->r, &f->h, fg_arena_strndup(f->r->arena, p, k),
	       fg_arena_strndup(f->r->arena, colon, (size_t)(p + len - colon)));
	return size * n;
}

/* The URL: Uri with stage variables and path parameters, then the query string. */
static const char *http_url(struct apigw_rq *r, bool proxy)
{
	const struct apigw_map *m = &r->m.method->integ.params;
	const char *u = path_params_in(r, stage_vars_in(r, r->m.method->integ.uri));
	struct fg_buf b;
	const char *out;
	bool q = strchr(u, '?') != NULL;

	fg_buf_init(&b);
	fg_buf_puts(&b, u);
	if (proxy && r->req->query[0]) {
		fg_buf_printf(&b, "%c%s", q ? '&' : '?', r->req->query);
		q = true;
	}
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->v[i].k, *v;
		char *ek, *ev;

		if (strncmp(k, "integration.request.querystring.", 32) != 0)
			continue;
		v = apigw_map_expr(r, m->v[i].v);
		if (v == NULL)
			continue;
		ek = curl_easy_escape(NULL, k + 32, 0);
		ev = curl_easy_escape(NULL, v, 0);
		fg_buf_printf(&b, "%c%s=%s", q ? '&' : '?', ek, ev);
		curl_free(ek);
		curl_free(ev);
		q = true;
	}
	out = fg_arena_strdup(r->arena, b.data);
	fg_buf_free(&b);
	return out;
}

/* The headers the backend receives (§1.6). */
static struct curl_slist *http_headers(struct apigw_rq *r, bool proxy)
{
	const struct apigw_map *m = &r->m.method->integ.params;
	struct curl_slist *sl = NULL;
	struct fg_http_hlist h = { NULL, 0, 0 };

	if (proxy) {
		client_headers(r, &h, DROP_HTTP_PROXY);
	} else {
		hl_add(r, &h, "Accept", "application/json");
		hl_add(r, &h, "User-Agent", fg_arena_printf(r->arena, "AmazonAPIGateway_%s",
							    r->api->id));
	}
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->v[i].k, *v;

		if (strncmp(k, "integration.request.header.", 27) != 0)
			continue;
		v = apigw_map_expr(r, m->v[i].v);
		if (v != NULL)
			hl_add(r, &h, k + 27, v);
	}
	hl_add(r, &h, "X-Amzn-Apigateway-Api-Id", r->api->id);
	if (fg_http_hlist_get(&h, "X-Amzn-Trace-Id") == NULL)
		hl_add(r, &h, "X-Amzn-Trace-Id", r->trace_header);
	for (size_t i = 0; i < h.n; i++)
		sl = curl_slist_append(sl, fg_arena_printf(r->arena, "%s: %s", h.v[i].name,
							   h.v[i].value));
	/* no headers of curl's own: only what API Gateway sends */
	if (fg_http_hlist_get(&h, "Accept") == NULL)
		sl = curl_slist_append(sl, "Accept:");
	sl = curl_slist_append(sl, "Expect:");
	return sl;
}

static void http_proxy_respond(struct apigw_rq *r, long status, struct fetch *f)
{
	bool has_ct = false;

	r->resp->nhdr = 0;
	for (size_t i = 0; i < f->h.n; i++) {
		const char *name = f->h.v[i].name;

		if (strcasecmp(name, "Transfer-Encoding") == 0)
			continue;
		if (in_list(REMAP_PROXY, name))
			name = fg_arena_printf(r->arena, "x-amzn-Remapped-%s", name);
		has_ct |= strcasecmp(name, "Content-Type") == 0;
		apigw_add_header(r, name, f->h.v[i].value);
	}
	if (!has_ct)
		apigw_add_header(r, "Content-Type", "application/json");
	fg_http_set_body(r->resp, (int)status, NULL, f->sink.body.data ? f->sink.body.data : "",
			 f->sink.body.len);
}

static void http_outcome(struct apigw_rq *r, CURLcode rc, long status, struct fetch *f,
			 bool proxy, int64_t ms)
{
	const struct apigw_integ *in = &r->m.method->integ;

	if (rc == CURLE_OPERATION_TIMEDOUT) {
		HOP(r, "no answer within TimeoutInMillis %d ms", in->timeout_ms);
		apigw_gateway_error(r, APIGW_GR_INTEGRATION_TIMEOUT, 504, NULL,
				    "Endpoint request timed out", APIGW_BODY_TIMEOUT);
		return;
	}
	if (rc != CURLE_OK || f->sink.too_big) {
		HOP(r, "Execution failed due to a network error: %s (UNCONFIRMED for AWS; "
		    "answered as LocalStack does)",
		    f->sink.too_big ? "the response is over 10485760 bytes"
				    : curl_easy_strerror(rc));
		apigw_gateway_error(r, APIGW_GR_INTEGRATION_FAILURE, 504, NULL,
				    "Network error communicating with endpoint", NULL);
		return;
	}
	HOP(r, "endpoint response %ld, %zu headers, %zu body bytes in %lld ms", status, f->h.n,
	    f->sink.body.len, (long long)ms);
	if (proxy) {
		http_proxy_respond(r, status, f);
		return;
	}
	r->ihdr = f->h.v;
	r->nihdr = f->h.n;
	r->ibody = f->sink.body.data
		   ? fg_arena_strndup(r->arena, f->sink.body.data, f->sink.body.len) : "";
	r->ibody_len = f->sink.body.len;
	integration_response(r, (int)status, true);
}

static void http_send(struct apigw_rq *r, CURL *c, const char *method, const char *body,
		      size_t len)
{
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (len > 0 || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
		   strcmp(method, "PATCH") == 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, len ? body : "");
	}
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
}

void apigw_integ_http(struct apigw_rq *r)
{
	const struct apigw_integ *in = &r->m.method->integ;
	bool proxy = in->type == APIGW_INTEG_HTTP_PROXY;
	const char *method = strcmp(in->http_method, "ANY") == 0 ? r->req->method
								  : in->http_method;
	const char *url, *body = r->req->body;
	size_t len = r->req->body_len;
	struct fetch f;
	struct curl_slist *hs;
	CURL *c;
	CURLcode rc;
	long status = 0;
	int64_t t0;

	if (!proxy && request_body(r, &body, &len) != 0)
		return;
	url = http_url(r, proxy);
	HOP(r, "integration %s %s %s (%zu body bytes, timeout %d ms)", proxy ? "HTTP_PROXY" : "HTTP",
	    method, url, len, in->timeout_ms);
	c = curl_easy_init();
	FG_ASSERT(c != NULL);
	memset(&f, 0, sizeof(f));
	f.r = r;
	fg_curl_sink_init(&f.sink, (size_t)10485760);
	hs = http_headers(r, proxy);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)in->timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fg_curl_sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &f.sink);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &f);
	http_send(r, c, method, body, len);
	t0 = fg_clock_real_ms();
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	http_outcome(r, rc, status, &f, proxy, fg_clock_real_ms() - t0);
	curl_slist_free_all(hs);
	curl_easy_cleanup(c);
	fg_buf_free(&f.sink.body);
}
