/*
 * front: the data plane's first stop. Decides, from the Host (and later the SNI), which
 * emulated endpoint owns a request — a CloudFront distribution, an API Gateway host, ... —
 * and hands it to that service's pipeline; records the decision in the request's trace.
 * Services plug in here as they are built; a name no service owns gets frontgate's own
 * answer, which says so.
 */
#ifndef FG_FRONT_H
#define FG_FRONT_H

#include "http/http.h"
#include "main/app.h"

/* The data-plane handler (an fg_http_handler_f); arg is the struct fg_app. */
void fg_front_handle(void *arg, struct fg_http_req *req, struct fg_http_resp *resp);

/* iface/dispatch.h on the front router (self is the struct fg_app): which service a
 * connection to name reaches, and serving a request made in-process on such a connection. */
const char *fg_front_owner(void *self, const struct stack_world *w, const char *name,
			   struct fg_arena *a);
bool fg_front_serve(void *self, const struct stack_world *w, const char *name,
		    struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *parent);
bool fg_front_listens(void *self, const struct stack_world *w, const char *name, bool https,
		      int port, struct fg_arena *a);

#endif
