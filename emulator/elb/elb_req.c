/*
 * elb_req.c: an Application Load Balancer's data plane.
 *
 * A connection reaches a load balancer by its DNS name (the front router's claim, or an
 * in-process connection through iface/dispatch.h — a CloudFront VPC origin) on a port; the
 * listener on that port takes it (clear text on an HTTPS listener: the 400 page). Its rules are
 * tried in priority order (elb_match.c), else its default actions run: fixed-response and
 * redirect answer at once, forward picks a target group (weighted) and a target (round robin).
 *
 * Targets: an IP target that is the private address of a VPC interface endpoint's network
 * interface (iface/network.h) is entered in-process as a connection to that endpoint, marked
 * as arriving through it (req->via_vpce / via_vpc), with the request's Host as it came — ALBs
 * pass Host through — and the X-Forwarded-For / -Proto / -Port and X-Amzn-Trace-Id headers an
 * ALB adds. No SNI is sent to targets (UNCONFIRMED; the endpoint's certificate is not
 * checked). An address nothing has: the connection times out (504, answered at once); a port
 * the endpoint does not listen on: refused (502); a group without targets: 503. These are the
 * load balancer's own pages, with Server: awselb/2.0. What frontgate does not emulate
 * (instance, lambda and alb targets, authenticate-* actions, non-application load balancers)
 * answers frontgate's own 501 saying so.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "elb/elb_int.h"
#include "trace/trace.h"

#define HOP(r, ...) fg_trace_hop((r)->t, "elb", __VA_ARGS__)

struct elb_rq {
	struct elb *e;
	const struct stack_world *w;
	const struct elb_view *v;
	struct fg_http_req *req;
	struct fg_http_resp *resp;
	struct fg_trace *t;
	struct fg_arena *arena;
	const struct elb_lb *lb;
	const struct elb_listener *l;
	int port;
	bool tls;              /* the connection is TLS */
	const char *host;      /* Host without its port */
	const char *trace_id;  /* X-Amzn-Trace-Id sent to targets */
};

static const struct elb_view *view_of(const void *view)
{
	return view;
}

bool elb_claim(void *self, const void *view, const struct fg_http_req *req)
{
	const char *h = req->host;
	size_t n = strcspn(h, ":");

	/* cheap refusal for every other name: ALBs' names end in .elb.amazonaws.com, NLBs' are
	 * {name}-{id}.elb.{region}.amazonaws.com */
	if (n < 14 || strncasecmp(h + n - 14, ".amazonaws.com", 14) != 0 ||
	    strcasestr(h, ".elb.") == NULL)
		return false;
	return elb_view_lb(view_of(view), h) != NULL;
}

bool elb_listens(void *self, const void *view, const char *name, bool https, int port)
{
	const struct elb_lb *lb = elb_view_lb(view_of(view), name);
	const struct elb_listener *l = lb ? elb_lb_listener(lb, port) : NULL;

	/* clear text reaches an HTTPS listener (which answers 400); TLS to an HTTP one fails */
	return l != NULL && (!https || l->https) && strcmp(lb->type, "application") == 0;
}

/* --------------------------------------------------------------- answers */

static void awselb_page(struct elb_rq *r, int status, const char *reason)
{
	const char *body = fg_arena_printf(r->arena, "<html>\r\n<head><title>%d %s</title></head>"
					   "\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n"
					   "</body>\r\n</html>\r\n", status, reason, status, reason);

	fg_http_add_header(r->resp, "Server", "awselb/2.0");
	fg_http_set_body(r->resp, status, "text/html", body, strlen(body));
}

/* ELB's answer to clear text on an HTTPS listener (the nginx-style page; UNCONFIRMED). */
static void plain_on_https(struct elb_rq *r)
{
	static const char body[] =
		"<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title>"
		"</head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The "
		"plain HTTP request was sent to HTTPS port</center>\r\n</body>\r\n</html>\r\n";

	HOP(r, "listener %d is HTTPS and the request came in clear text: 400 (the load "
	    "balancer's page)", r->port);
	fg_http_add_header(r->resp, "Server", "awselb/2.0");
	fg_http_set_body(r->resp, 400, "text/html", body, sizeof(body) - 1);
}

/* frontgate's own answer for what it does not emulate (never an imitation of ELB's). */
static void frontgate_answer(struct elb_rq *r, int status, const char *fmt, ...)
	FG_PRINTF(3, 4);

static void frontgate_answer(struct elb_rq *r, int status, const char *fmt, ...)
{
	va_list ap;
	char *msg, *body;

	va_start(ap, fmt);
	msg = fg_arena_vprintf(r->arena, fmt, ap);
	va_end(ap);
	HOP(r, "%s -> %d (frontgate's own answer)", msg, status);
	for (char *p = msg; *p; p++)
		if (*p == '"' || *p == '\\')
			*p = '\'';
	body = fg_arena_printf(r->arena, "{\"message\":\"frontgate: %s\",\"requestId\":\"%s\"}",
			       msg, fg_trace_id(r->t));
	fg_http_add_header(r->resp, "x-frontgate-request-id", fg_trace_id(r->t));
	fg_http_set_body(r->resp, status, "application/json", body, strlen(body));
}

/* ------------------------------------------------------- fixed / redirect */

static void fixed_response(struct elb_rq *r, const struct elb_action *a)
{
	HOP(r, "fixed-response %d (%s, %zu bytes)", a->status,
	    a->content_type ? a->content_type : "no content type", strlen(a->body));
	fg_http_add_header(r->resp, "Server", "awselb/2.0");
	fg_http_set_body(r->resp, a->status, a->content_type, a->body, strlen(a->body));
}

/* s with each #{key} replaced. */
static const char *expand(struct elb_rq *r, const char *s, const char *proto, const char *path)
{
	const char *keys[] = { "#{protocol}", "#{host}", "#{port}", "#{path}", "#{query}" };
	const char *vals[] = { proto, r->host, fg_arena_printf(r->arena, "%d", r->port), path,
			       r->req->query };
	struct fg_buf b;
	const char *out;

	fg_buf_init(&b);
	while (*s) {
		size_t i;

		for (i = 0; i < 5; i++)
			if (strncmp(s, keys[i], strlen(keys[i])) == 0)
				break;
		if (i < 5) {
			fg_buf_puts(&b, vals[i]);
			s += strlen(keys[i]);
		} else {
			fg_buf_append(&b, s++, 1);
		}
	}
	out = fg_arena_strdup(r->arena, b.len ? b.data : "");
	fg_buf_free(&b);
	return out;
}

/* Location: protocol://host:port/path?query, each part from RedirectConfig (#{...} keeps the
 * request's own); the page is the nginx-style one (UNCONFIRMED). */
static void redirect(struct elb_rq *r, const struct elb_action *a)
{
	const char *proto = r->l->https ? "https" : "http";
	const char *path = r->req->path[0] == '/' ? r->req->path + 1 : r->req->path;
	char *p = (char *)expand(r, a->r_protocol, proto, path);
	const char *query = expand(r, a->r_query, proto, path);
	const char *loc;

	for (char *c = p; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	loc = fg_arena_printf(r->arena, "%s://%s:%s%s%s%s", p, expand(r, a->r_host, proto, path),
			      expand(r, a->r_port, proto, path), expand(r, a->r_path, proto, path),
			      query[0] ? "?" : "", query);
	HOP(r, "redirect %d to %s", a->status, loc);
	fg_http_add_header(r->resp, "Location", loc);
	awselb_page(r, a->status, a->status == 301 ? "Moved Permanently" : "Found");
}

/* ---------------------------------------------------------------- targets */

static bool hop_by_hop(const char *name)
{
	static const char *const drop[] = { "Connection", "Keep-Alive", "Proxy-Connection", "TE",
		"Transfer-Encoding", "Upgrade", "Content-Length", "X-Forwarded-Proto",
		"X-Forwarded-Port", NULL };

	for (size_t i = 0; drop[i] != NULL; i++)
		if (strcasecmp(drop[i], name) == 0)
			return true;
	return false;
}

/* The request's headers as the load balancer forwards them (Host untouched). */
static void target_headers(struct elb_rq *r, struct fg_http_req *out)
{
	struct fg_http_header *h = fg_arena_alloc(r->arena, (r->req->nheaders + 4) * sizeof(*h));
	const char *xff = fg_http_header(r->req, "X-Forwarded-For");
	size_t n = 0;

	for (size_t i = 0; i < r->req->nheaders; i++) {
		const struct fg_http_header *x = &r->req->headers[i];

		if (hop_by_hop(x->name) || strcasecmp(x->name, "X-Forwarded-For") == 0 ||
		    strcasecmp(x->name, "X-Amzn-Trace-Id") == 0)
			continue;
		h[n++] = *x;
	}
	h[n].name = "X-Forwarded-For";
	h[n++].value = xff ? fg_arena_printf(r->arena, "%s, %s", xff, r->req->client_ip)
			   : r->req->client_ip;
	h[n].name = "X-Forwarded-Proto";
	h[n++].value = r->l->https ? "https" : "http";
	h[n].name = "X-Forwarded-Port";
	h[n++].value = fg_arena_printf(r->arena, "%d", r->port);
	h[n].name = "X-Amzn-Trace-Id";
	h[n++].value = r->trace_id;
	out->headers = h;
	out->nheaders = n;
}

static void copy_response(struct elb_rq *r, const struct fg_http_resp *from)
{
	size_t max = sizeof(r->resp->hdr) / sizeof(r->resp->hdr[0]) - r->resp->nhdr;
	size_t n = from->nhdr < max ? from->nhdr : max;

	memcpy(r->resp->hdr + r->resp->nhdr, from->hdr, n * sizeof(from->hdr[0]));
	r->resp->nhdr += n;
	r->resp->status = from->status;
	r->resp->body = from->body;
	r->resp->body_len = from->body_len;
}

/* The request to the endpoint behind addr:port, entered in-process. */
static void to_endpoint(struct elb_rq *r, const struct elb_tg *g, const struct fg_vpce *e,
			int port)
{
	const struct fg_dispatch *d = r->e->deps.dispatch;
	bool https = strcmp(g->protocol, "HTTPS") == 0;
	const char *name = e->ndns > 0 ? e->dns_names[0] : NULL;
	struct fg_http_req *q = fg_arena_alloc(r->arena, sizeof(*q));
	struct fg_http_resp *a = fg_arena_alloc(r->arena, sizeof(*a));

	if (d == NULL || name == NULL ||
	    !d->listens(d->self, r->w, name, https, port, r->arena)) {
		HOP(r, "endpoint %s does not accept %s on port %d (an execute-api endpoint takes "
		    "HTTPS on 443): the connection is refused -> 502 (the load balancer's page)",
		    e->id, https ? "TLS" : "clear-text HTTP", port);
		awselb_page(r, 502, "Bad Gateway");
		return;
	}
	memset(q, 0, sizeof(*q));
	memset(a, 0, sizeof(*a));
	q->arena = r->arena;
	q->method = r->req->method;
	q->path = r->req->path;
	q->query = r->req->query;
	q->host = r->req->host;
	q->client_ip = r->lb->node_ip;
	q->client = fg_arena_printf(r->arena, "%s:40000", r->lb->node_ip);
	q->listener = https ? "https" : "http";
	target_headers(r, q);
	q->body = r->req->body;
	q->body_len = q->body_seen = r->req->body_len;
	if (https) {
		q->tls_version = "TLSv1.2";
		q->tls_cipher = "ECDHE-RSA-AES128-GCM-SHA256";
	}
	q->via_vpce = e->id;
	q->via_vpc = e->vpc_id;
	q->conn_port = port;
	a->arena = r->arena;
	a->status = 500;
	HOP(r, "to %s:%d over %s, Host '%s' passed through, no SNI (UNCONFIRMED), "
	    "X-Amzn-Trace-Id %s", name, port, https ? "TLS" : "clear text", r->req->host,
	    r->trace_id);
	if (!d->serve(d->self, r->w, name, q, a, r->t)) {
		HOP(r, "nothing answers %s: 502", name);
		awselb_page(r, 502, "Bad Gateway");
		return;
	}
	HOP(r, "target answered %d", a->status);
	copy_response(r, a);
}

static void to_target(struct elb_rq *r, const struct elb_tg *g, const struct elb_target *x)
{
	const struct fg_network *net = r->e->deps.network;
	struct fg_vpce e;
	int idx = 0;

	if (net == NULL || !net->vpce_by_address(net->self, r->w, x->id, r->arena, &e, &idx)) {
		HOP(r, "target %s:%d: no network interface in this world has that address, so "
		    "the load balancer's connection times out (10 s in AWS; frontgate answers at "
		    "once) -> 504 (the load balancer's page)", x->id, x->port);
		awselb_page(r, 504, "Gateway Time-out");
		return;
	}
	HOP(r, "target %s:%d is network interface %s of VPC endpoint %s (%s, VPC %s)", x->id,
	    x->port, e.enis[idx], e.id, e.service_name, e.vpc_id);
	if (strstr(e.service_name, ".execute-api") == NULL) {
		frontgate_answer(r, 501, "VPC endpoint %s is for %s, which frontgate does not "
				 "emulate (only execute-api endpoints carry requests)", e.id,
				 e.service_name);
		return;
	}
	to_endpoint(r, g, &e, x->port);
}

static const struct elb_tg *pick_group(const struct elb_action *a)
{
	unsigned k;

	if (a->nfwd == 1 || a->total_weight <= 0)
		return a->nfwd ? a->fwd[0].tg : NULL;
	k = atomic_fetch_add(a->next, 1) % (unsigned)a->total_weight;
	for (size_t i = 0; i < a->nfwd; i++) {
		if (k < (unsigned)a->fwd[i].weight)
			return a->fwd[i].tg;
		k -= (unsigned)a->fwd[i].weight;
	}
	return a->fwd[0].tg;
}

static void forward(struct elb_rq *r, const struct elb_action *a)
{
	const struct elb_tg *g = pick_group(a);
	struct elb_tg *mg = (struct elb_tg *)g;   /* the round-robin counter only */
	const struct elb_target *x;

	if (g == NULL) {
		HOP(r, "forward: the target group is not in this world -> 503");
		awselb_page(r, 503, "Service Temporarily Unavailable");
		return;
	}
	HOP(r, "forward to target group %s (%s %s:%d, %zu target%s)", g->name, g->type,
	    g->protocol, g->port, g->ntargets, g->ntargets == 1 ? "" : "s");
	if (strcmp(g->type, "ip") != 0) {
		frontgate_answer(r, 501, "target group %s has %s targets, which frontgate does not "
				 "emulate (only ip targets that are VPC endpoint addresses)",
				 g->name, g->type);
		return;
	}
	if (g->ntargets == 0) {
		HOP(r, "target group %s has no registered targets -> 503 (the load balancer's "
		    "page)", g->name);
		awselb_page(r, 503, "Service Temporarily Unavailable");
		return;
	}
	x = &g->targets[atomic_fetch_add(&mg->next, 1) % g->ntargets];
	to_target(r, g, x);
}

static void run_actions(struct elb_rq *r, const struct elb_action *acts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct elb_action *a = &acts[i];

		switch (a->kind) {
		case ELB_A_AUTH:
			frontgate_answer(r, 501, "%s actions are not emulated", a->type);
			return;
		case ELB_A_FIXED:
			fixed_response(r, a);
			return;
		case ELB_A_REDIRECT:
			redirect(r, a);
			return;
		case ELB_A_FORWARD:
			forward(r, a);
			return;
		}
	}
	frontgate_answer(r, 500, "listener %d has no final action", r->port);
}

/* ------------------------------------------------------------------ serve */

static void trace_id(struct elb_rq *r)
{
	const char *given = fg_http_header(r->req, "X-Amzn-Trace-Id");
	char u[37], hex[25];
	size_t j = 0;

	if (given != NULL && strncmp(given, "Root=1-", 7) == 0) {
		r->trace_id = given;
		return;
	}
	fg_uuid4(u);
	for (size_t i = 0; u[i] && j < 24; i++)
		if (u[i] != '-')
			hex[j++] = u[i];
	hex[j] = '\0';
	r->trace_id = fg_arena_printf(r->arena, "Root=1-%08llx-%s",
				      (unsigned long long)(fg_clock_now_ms(r->e->deps.clock) /
							   1000), hex);
}

static void route(struct elb_rq *r)
{
	struct elb_probe p = {
		r->req->path, r->req->query, r->host, r->req->method, r->req->client_ip,
		r->req->headers, r->req->nheaders, r->arena,
	};
	const struct elb_rule *rule = elb_rule_select(r->l->rules, r->l->nrules, &p);

	if (rule != NULL) {
		struct fg_buf b;

		fg_buf_init(&b);
		for (size_t i = 0; i < rule->nconds; i++)
			fg_buf_printf(&b, "%s%s", i ? ", " : "", elb_field_name(rule->conds[i].field));
		HOP(r, "rule priority %ld matches (%s): %s", rule->priority, b.data ? b.data : "",
		    rule->acts[0].type);
		fg_buf_free(&b);
		run_actions(r, rule->acts, rule->nacts);
		return;
	}
	HOP(r, "%zu rule%s, none matches: the listener's default action (%s)", r->l->nrules,
	    r->l->nrules == 1 ? "" : "s", r->l->ndefaults ? r->l->defaults[0].type : "none");
	run_actions(r, r->l->defaults, r->l->ndefaults);
}

static int port_of(const struct fg_http_req *req)
{
	const char *colon = strchr(req->host, ':');

	if (req->conn_port > 0)
		return req->conn_port;
	if (colon != NULL && atoi(colon + 1) > 0)
		return atoi(colon + 1);
	return req->tls_version != NULL ? 443 : 80;
}

void elb_serve(void *self, const struct stack_world *w, const void *view,
	       struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *t)
{
	struct elb_rq r = { .e = self, .w = w, .v = view, .req = req, .resp = resp, .t = t,
			    .arena = req->arena };

	r.lb = elb_view_lb(r.v, req->conn_name ? req->conn_name : req->host);
	r.tls = req->tls_version != NULL;
	r.port = port_of(req);
	r.host = fg_arena_strndup(r.arena, req->host, strcspn(req->host, ":"));
	if (r.lb == NULL) {
		frontgate_answer(&r, 502, "no load balancer has the name %s", req->host);
		return;
	}
	HOP(&r, "%s load balancer %s (%s, stack %s): connection on port %d (%s)%s%s",
	    r.lb->scheme, r.lb->name, r.lb->arn, r.lb->stack, r.port, r.tls ? "TLS" : "clear text",
	    req->via_vpc ? " from inside VPC " : "", req->via_vpc ? req->via_vpc : "");
	if (strcmp(r.lb->type, "application") != 0) {
		frontgate_answer(&r, 501, "load balancer %s is a %s load balancer, which frontgate "
				 "does not emulate", r.lb->name, r.lb->type);
		return;
	}
	r.l = elb_lb_listener(r.lb, r.port);
	if (r.l == NULL) {
		frontgate_answer(&r, 502, "load balancer %s has no listener on port %d (a client's "
				 "connection would be refused)", r.lb->name, r.port);
		return;
	}
	if (r.l->https && !r.tls) {
		plain_on_https(&r);
		return;
	}
	if (!r.l->https && r.tls) {
		frontgate_answer(&r, 502, "listener %d of %s is HTTP: a TLS handshake with it "
				 "fails", r.port, r.lb->name);
		return;
	}
	if (r.l->https)
		HOP(&r, "HTTPS listener %d, %s, certificate %s (SNI '%s'; the certificate is not "
		    "checked against it)", r.port, r.l->ssl_policy,
		    r.l->ncerts ? r.l->certs[0] : "(none)", req->sni ? req->sni : "");
	trace_id(&r);
	route(&r);
}
