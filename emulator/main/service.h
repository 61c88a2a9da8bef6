/*
 * service: how an emulated service (API Gateway, CloudFront, ...) plugs into an instance.
 *
 * Control plane: its resource types go into the stack registry (stack_registry_add). Each
 * time the set of stacks changes, compile() builds the service's immutable data-plane view
 * of the new world (route trees, behaviour lists, zone tables) before anything is committed;
 * an error there refuses the change like a validation error. The view is attached to the
 * world and freed with it.
 *
 * Data plane: the front router offers each request to the services in registration order;
 * the first whose claim() says yes serves it with the view of the world the request started
 * on. Services never include each other: anything one needs from another comes through
 * interfaces wired in instance.c.
 */
#ifndef FG_SERVICE_H
#define FG_SERVICE_H

#include "http/http.h"
#include "iface/tls_sites.h"
#include "stack/stack.h"
#include "trace/trace.h"

struct fg_service {
	const char *name;
	void *self;
	/* The service's view of world w; NULL with err set refuses the change. */
	void *(*compile)(void *self, const struct stack_world *w, struct fg_err *err);
	void (*release)(void *view);
	/* True when the request's Host (and later SNI) belongs to this service. NULL for
	 * services without a data-plane front (Lambda). */
	bool (*claim)(void *self, const void *view, const struct fg_http_req *req);
	/* w is the world the request started on (for interfaces such as iface/invoke.h). */
	void (*serve)(void *self, const struct stack_world *w, const void *view,
		      struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *t);
	/* The names this view serves over HTTPS (*n = 0, or NULL callback, when none). The
	 * array lives as long as the view. The TLS terminator calls it once per world, from
	 * one thread at a time, so it may build the array lazily in the view's arena. */
	const struct fg_tls_site *(*tls_sites)(void *self, const void *view, size_t *n);
	/* Whether a connection to name (a name this service claims) on port, with TLS when
	 * https, is accepted (iface/dispatch.h). NULL: ports 80 (clear) and 443 (TLS). */
	bool (*listens)(void *self, const void *view, const char *name, bool https, int port);
};

#endif
