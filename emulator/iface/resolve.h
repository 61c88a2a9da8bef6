/*
 * iface/resolve.h: name resolution from frontgate's own state (Route 53 zones and the names
 * of emulated endpoints), for in-process users (CloudFront origins, the control API's
 * GET /resolve) without including the route53 module (instance.c wires it).
 */
#ifndef FG_IFACE_RESOLVE_H
#define FG_IFACE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stack_world;
struct fg_arena;

enum fg_dns_rcode {
	FG_DNS_NOERROR = 0,
	FG_DNS_FORMERR = 1,
	FG_DNS_SERVFAIL = 2,
	FG_DNS_NXDOMAIN = 3,
	FG_DNS_REFUSED = 5,
};

struct fg_rr {
	const char *name;   /* absolute, lower case, with the trailing dot */
	const char *type;   /* "A", "CNAME", ... */
	uint32_t ttl;
	const char *data;   /* presentation format: "127.0.0.1", "target.example.", "\"txt\"" */
};

/* One step of how the answer was produced, for GET /resolve and traces. */
struct fg_resolve_step {
	const char *name;
	const char *what;   /* "zone example.test. (Z0123...) record www.example.test. CNAME",
			     * "alias to CloudFront distribution d123.cloudfront.net", ... */
};

struct fg_answer {
	enum fg_dns_rcode rcode;
	bool authoritative;
	struct fg_rr *answer;
	size_t nanswer;
	struct fg_rr *authority;   /* SOA on NXDOMAIN / NODATA */
	size_t nauthority;
	struct fg_resolve_step *chain;
	size_t nchain;
};

struct fg_resolver {
	void *self;
	/* type is a name ("A", "AAAA", "CNAME", "TXT", ...). vpc: resolve as from inside that
	 * VPC (private zones, private DNS of endpoints); NULL for the public view. */
	void (*resolve)(void *self, const struct stack_world *w, const char *name,
			const char *type, const char *vpc, struct fg_arena *a,
			struct fg_answer *out);
};

#endif
