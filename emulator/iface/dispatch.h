/*
 * iface/dispatch.h: in-process connections to emulated endpoints. A service that makes
 * requests of its own (a CloudFront origin fetch, an internal ALB's target) and finds that the
 * name it connects to belongs to an emulated endpoint (an execute-api host, a d-xxx custom
 * domain target, another distribution, a load balancer, a VPC endpoint's interface) enters the
 * front router in-process, as a new connection
 * to that name would, without including the service that owns it (instance.c wires this to
 * main/front.c).
 *
 * A connection is routed by the name it is made to (DNS and the TCP destination), not by the
 * Host header its requests carry: a CloudFront origin request with a forwarded Host still
 * reaches the API Gateway endpoint it connected to, which then sees a Host it does not serve.
 */
#ifndef FG_IFACE_DISPATCH_H
#define FG_IFACE_DISPATCH_H

#include <stdbool.h>

struct stack_world;
struct fg_arena;
struct fg_http_req;
struct fg_http_resp;
struct fg_trace;

struct fg_dispatch {
	void *self;
	/* The name of the service that a connection to name (a host name, no port) reaches in
	 * world w ("apigw", "cloudfront", ...); NULL when no emulated endpoint has that name. */
	const char *(*owner)(void *self, const struct stack_world *w, const char *name,
			     struct fg_arena *a);
	/*
	 * Serves req (built by the caller in its own arena; resp->arena must be req->arena) as a
	 * request arriving on a connection to name: the service owning name serves it, whatever
	 * req->host says. The request gets a trace of its own (kept in the trace log like any
	 * request, under the id the serving service gives it); its hops are also copied into
	 * parent (when not NULL). False, with resp untouched, when no service owns name.
	 */
	bool (*serve)(void *self, const struct stack_world *w, const char *name,
		      struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *parent);
	/* Whether the endpoint that owns name accepts a connection on port (TLS when https): a
	 * connection nothing listens on is refused. False when no service owns name. Set
	 * req->conn_port to that port before serve(). */
	bool (*listens)(void *self, const struct stack_world *w, const char *name, bool https,
			int port, struct fg_arena *a);
};

#endif
