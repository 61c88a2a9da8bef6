/* front.c: Host -> owning endpoint, with a trace for every request (see front.h). */
#include "main/front.h"

#include <stdio.h>
#include <string.h>

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
		fg_trace_hop(t, "tls", "SNI '%s', %s, %s%s", req->sni ? req->sni : "",
			     req->tls_version, req->tls_cipher ? req->tls_cipher : "",
			     req->client_cert_pem ? ", client certificate presented" : "");
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
