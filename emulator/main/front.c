/* front.c: Host -> owning endpoint, with a trace for every request (see front.h). */
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
