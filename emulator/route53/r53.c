/*
 * r53.c: the Route 53 service object. It registers the AWS::Route53::* types
 * (r53_types.c), compiles each world's view (r53_view.c), and implements iface/resolve.h on
 * the view of the world the caller hands in (r53_resolve.c), with the emulator's own
 * addresses for alias and endpoint answers. It owns no process-wide state.
 */
#include <stdlib.h>
#include <string.h>

#include "route53/r53_int.h"

struct route53 {
	struct fg_service svc;
	struct fg_resolver resolver;
	struct fg_log *log;
	unsigned slot;
	bool has_slot;
	char *region, *v4, *v6;
	struct r53_addrs addrs;
};

static void *compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	return r53_view_compile(w);
}

static void resolve(void *self, const struct stack_world *w, const char *name, const char *type,
		    const char *vpc, struct fg_arena *a, struct fg_answer *out)
{
	struct route53 *r = self;
	const struct r53_view *v = w != NULL && r->has_slot ? stack_world_slot(w, r->slot) : NULL;

	r53_resolve(v, &r->addrs, name, type, vpc, a, out);
}

struct route53 *route53_new(const struct route53_deps *deps)
{
	struct route53 *r = calloc(1, sizeof(*r));

	FG_ASSERT(r != NULL);
	r->log = deps->log;
	r->region = strdup(deps->region ? deps->region : "us-east-1");
	FG_ASSERT(r->region != NULL);
	r->addrs.region = r->region;
	r->svc.name = "route53";
	r->svc.self = r;
	r->svc.compile = compile;
	r->svc.release = r53_view_release;
	r->resolver.self = r;
	r->resolver.resolve = resolve;
	return r;
}

void route53_destroy(struct route53 **rp)
{
	struct route53 *r = *rp;

	if (r == NULL)
		return;
	free(r->region);
	free(r->v4);
	free(r->v6);
	free(r);
	*rp = NULL;
}

const struct fg_service *route53_service(struct route53 *r)
{
	return &r->svc;
}

void route53_set_slot(struct route53 *r, unsigned slot)
{
	r->slot = slot;
	r->has_slot = true;
}

void route53_set_addresses(struct route53 *r, const char *ipv4, const char *ipv6)
{
	free(r->v4);
	free(r->v6);
	r->v4 = ipv4 ? strdup(ipv4) : NULL;
	r->v6 = ipv6 ? strdup(ipv6) : NULL;
	r->addrs.v4 = r->v4;
	r->addrs.v6 = r->v6;
}

const struct fg_resolver *route53_resolver(struct route53 *r)
{
	return &r->resolver;
}
