/*
 * front.c: Host -> owning endpoint, with a trace for every request (see front.h); and the
 * same routing for connections other services make in-process (iface/dispatch.h), which are
 * routed by the name connected to rather than by their Host.
 */
#include "main/front.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "trace/trace.h"

static void no_owner(struct fg_trace *t, struct fg_http_req *req, struct fg_http_resp *resp,
		     const char *rid)
{
	char body[512];
	int n;

	fg_trace_hop(t, "front", "host '%s' -> no emulated endpoint owns this name",
		     req->host[0] ? req->host : "(no Host header)");
	n = snprintf(body, sizeof(body),
		     "{\"message\":\"frontgate: no emulated endpoint serves host '%.200s'\","
		     "\"requestId\":\"%s\"}", req->host, rid);
	fg_http_add_header(resp, "x-frontgate-request-id", rid);
	fg_http_set_body(resp, 404, "application/json", body, (size_t)n);
}

/*
 * X-Frontgate-Via-Vpce: vpce-... (frontgate-only, README "Private APIs"): the test says the
 * request comes from inside that endpoint's VPC, as a call through the endpoint's private
 * DNS would. It becomes the request's network path and is removed, so no service (and no
 * signature check) sees it: clients add it after signing.
 */
static void frontgate_headers(struct fg_http_req *req, struct fg_trace *t)
{
	size_t j = 0;

	for (size_t i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, "X-Frontgate-Via-Vpce") == 0) {
			req->via_vpce = req->headers[i].value;
			fg_trace_hop(t, "front", "X-Frontgate-Via-Vpce: the request arrives through "
				     "VPC endpoint %s (frontgate-only test header, removed)",
				     req->via_vpce);
			continue;
		}
		req->headers[j++] = req->headers[i];
	}
	req->nheaders = j;
}

void fg_front_handle(void *arg, struct fg_http_req *req, struct fg_http_resp *resp)
{
	struct fg_app *app = arg;
	char rid[37];
	struct fg_trace *t;
	char url[4096];

	fg_uuid4(rid);
	snprintf(url, sizeof(url), "%s%s%s", req->path, req->query[0] ? "?" : "", req->query);
	t = fg_trace_begin(req->arena, rid, fg_clock_now_ms(fg_app_clock(app)), req->client,
			   req->listener, req->method, req->host, url);
	if (req->tls_version != NULL)
		fg_trace_hop(t, "tls", "SNI '%s', %s, %s%s%s%s", req->sni ? req->sni : "",
			     req->tls_version, req->tls_cipher ? req->tls_cipher : "",
			     req->client_cert_pem ? ", client certificate presented" : "",
			     req->tls_cert ? "; served " : "", req->tls_cert ? req->tls_cert : "");
	frontgate_headers(req, t);
	{
		struct stack_world *w = fg_app_world(app);
		bool served = false;

		for (size_t i = 0; i < fg_app_nservices(app) && !served; i++) {
			const struct fg_service *svc = fg_app_service(app, i);
			const void *view = stack_world_slot(w, (unsigned)i);

			if (svc->claim != NULL && svc->claim(svc->self, view, req)) {
				fg_trace_hop(t, "front", "host '%s' -> %s", req->host, svc->name);
				svc->serve(svc->self, w, view, req, resp, t);
				served = true;
			}
		}
		stack_world_rel(&w);
		if (!served)
			no_owner(t, req, resp, rid);
	}
	fg_trace_status(t, resp->status);
	fg_tracelog_push(fg_app_tracelog(app), t);
}

/* The service (index) that claims a request to name, or -1. */
static int owner_index(struct fg_app *app, const struct stack_world *w, const char *name,
		       struct fg_arena *a)
{
	struct fg_http_req probe;
	struct fg_http_header h = { "Host", name };

	memset(&probe, 0, sizeof(probe));
	probe.arena = a;
	probe.method = "GET";
	probe.path = "/";
	probe.query = "";
	probe.host = name;
	probe.client = probe.client_ip = "";
	probe.listener = "https";
	probe.headers = &h;
	probe.nheaders = 1;
	probe.body = "";
	for (size_t i = 0; i < fg_app_nservices(app); i++) {
		const struct fg_service *svc = fg_app_service(app, i);

		if (svc->claim != NULL &&
		    svc->claim(svc->self, stack_world_slot(w, (unsigned)i), &probe))
			return (int)i;
	}
	return -1;
}

const char *fg_front_owner(void *self, const struct stack_world *w, const char *name,
			   struct fg_arena *a)
{
	int i = owner_index(self, w, name, a);

	return i < 0 ? NULL : fg_app_service(self, (size_t)i)->name;
}

bool fg_front_serve(void *self, const struct stack_world *w, const char *name,
		    struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *parent)
{
	struct fg_app *app = self;
	int i = owner_index(app, w, name, req->arena);
	const struct fg_service *svc;
	struct fg_trace *t;
	char rid[37], url[4096];

	if (i < 0)
		return false;
	svc = fg_app_service(app, (size_t)i);
	req->conn_name = name;
	fg_uuid4(rid);
	snprintf(url, sizeof(url), "%s%s%s", req->path, req->query[0] ? "?" : "", req->query);
	t = fg_trace_begin(req->arena, rid, fg_clock_now_ms(fg_app_clock(app)), req->client,
			   req->listener, req->method, req->host, url);
	fg_trace_hop(t, "front", "in-process connection to %s port %d (%s, SNI '%s') -> %s; "
		     "Host '%s'", name, req->conn_port ? req->conn_port
						       : req->tls_version ? 443 : 80,
		     req->tls_version ? req->tls_version : "clear text", req->sni ? req->sni : "",
		     svc->name, req->host);
	svc->serve(svc->self, w, stack_world_slot(w, (unsigned)i), req, resp, t);
	fg_trace_status(t, resp->status);
	if (parent != NULL) {
		char prefix[80];

		snprintf(prefix, sizeof(prefix), "[in-process request %.40s] ", fg_trace_id(t));
		fg_trace_append(parent, t, prefix);
	}
	fg_tracelog_push(fg_app_tracelog(app), t);
	return true;
}

bool fg_front_listens(void *self, const struct stack_world *w, const char *name, bool https,
		      int port, struct fg_arena *a)
{
	struct fg_app *app = self;
	int i = owner_index(app, w, name, a);
	const struct fg_service *svc;

	if (i < 0)
		return false;
	svc = fg_app_service(app, (size_t)i);
	if (svc->listens != NULL)
		return svc->listens(svc->self, stack_world_slot(w, (unsigned)i), name, https, port);
	return port == (https ? 443 : 80);
}
