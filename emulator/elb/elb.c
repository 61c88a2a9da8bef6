/*
 * elb.c: the load balancing service object: its dependencies (EC2's network view, the
 * in-process dispatcher), its world slot, and the fg_service whose compile / claim / serve /
 * listens live in elb_view.c and elb_req.c.
 */
#include <stdlib.h>

#include "elb/elb_int.h"

struct elb *elb_new(const struct elb_deps *deps)
{
	struct elb *e = calloc(1, sizeof(*e));

	FG_ASSERT(e != NULL);
	e->deps = *deps;
	e->svc.name = "elb";
	e->svc.self = e;
	e->svc.compile = elb_view_compile;
	e->svc.release = elb_view_release;
	e->svc.claim = elb_claim;
	e->svc.serve = elb_serve;
	e->svc.listens = elb_listens;
	return e;
}

void elb_destroy(struct elb **ep)
{
	free(*ep);
	*ep = NULL;
}

void elb_set_links(struct elb *e, const struct fg_network *network,
		   const struct fg_dispatch *dispatch)
{
	e->deps.network = network;
	e->deps.dispatch = dispatch;
}

void elb_register_types(struct elb *e, struct stack_registry *r)
{
	elb_types_register(r, e);
}

const struct fg_service *elb_service(struct elb *e)
{
	return &e->svc;
}

void elb_set_slot(struct elb *e, unsigned slot)
{
	e->slot = slot;
	e->has_slot = true;
}
