/*
 * harness.h: what the route53 unit tests share — stacks deployed with the real deployer into
 * a world that also holds hand-made resource documents (endpoint types other services emulate),
 * the service's view attached to the world as the app attaches it, and resolutions through
 * iface/resolve.h. No sockets.
 */
#ifndef FG_TEST_ROUTE53_HARNESS_H
#define FG_TEST_ROUTE53_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route53/route53.h"
#include "tap.h"

static const struct stack_defaults def = { "123456789012", "us-east-1" };

struct fx {
	struct route53 *r;
	struct stack_registry *reg;
	struct stack_world *w;
	struct fg_err err;
	struct fg_arena *a;
	struct fg_answer ans;
};

/* JSON with ' for " (templates read better in C strings). */
#include "json.h"

/* Replaces the world with w (taken), compiling the view into slot 0. */
static void fx_world(struct fx *f, struct stack_world *w)
{
	const struct fg_service *svc = route53_service(f->r);
	void *view = svc->compile(svc->self, w, &f->err);

	FG_ASSERT(view != NULL);
	stack_world_set_slot(w, 0, view, svc->release);
	stack_world_rel(&f->w);
	f->w = w;
}

static void fx_init(struct fx *f)
{
	struct route53_deps d = { NULL, "us-east-1" };

	memset(f, 0, sizeof(*f));
	f->r = route53_new(&d);
	route53_set_slot(f->r, 0);
	route53_set_addresses(f->r, "127.0.0.1", NULL);
	f->reg = stack_registry_new();
	route53_register_types(f->r, f->reg);
	fx_world(f, stack_world_new(NULL));
}

static void fx_fini(struct fx *f)
{
	fg_arena_destroy(&f->a);
	stack_world_rel(&f->w);
	stack_registry_destroy(&f->reg);
	route53_destroy(&f->r);
}

/* Deploys a template (JSON text) as stack name; 0 on success, else f->err says why. */
static int deploy(struct fx *f, const char *name, const char *tpl)
{
	cJSON *t = J(tpl), *doc = NULL;
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .template = t, .now_ms = 1000 };
	bool created;
	int rc;

	fg_err_clear(&f->err);
	rc = stack_deploy(f->reg, &def, f->w, &req, &doc, &next, &created, &f->err);
	if (rc == 0)
		fx_world(f, next);
	cJSON_Delete(doc);
	cJSON_Delete(t);
	return rc;
}

__attribute__((unused)) static int undeploy(struct fx *f, const char *name)
{
	struct stack_world *next = NULL;

	fg_err_clear(&f->err);
	if (stack_delete(f->reg, f->w, name, &next, &f->err) != 0)
		return -1;
	fx_world(f, next);
	return 0;
}

/* Adds a hand-made stack document (JSON text) to the world, as PUT /state would. */
__attribute__((unused)) static void put_stack(struct fx *f, const char *doc)
{
	cJSON *stacks = cJSON_Duplicate(stack_world_stacks(f->w), true);

	cJSON_AddItemToArray(stacks, J(doc));
	fx_world(f, stack_world_new(stacks));
}

__attribute__((unused)) static const struct fg_answer *q(struct fx *f, const char *name, const char *type,
				 const char *vpc)
{
	const struct fg_resolver *res = route53_resolver(f->r);

	fg_arena_destroy(&f->a);
	f->a = fg_arena_new(4096);
	res->resolve(res->self, f->w, name, type, vpc, f->a, &f->ans);
	return &f->ans;
}

/* "name TTL TYPE data" of answer i (or authority i when auth), in an arena. */
__attribute__((unused)) static const char *rr_text(struct fx *f, bool auth, size_t i)
{
	const struct fg_rr *x;

	if (i >= (auth ? f->ans.nauthority : f->ans.nanswer))
		return "(none)";
	x = auth ? &f->ans.authority[i] : &f->ans.answer[i];
	return fg_arena_printf(f->a, "%s %u %s %s", x->name, x->ttl, x->type, x->data);
}

__attribute__((unused)) static bool chain_has(struct fx *f, const char *text)
{
	for (size_t i = 0; i < f->ans.nchain; i++)
		if (strstr(f->ans.chain[i].what, text) != NULL)
			return true;
	for (size_t i = 0; i < f->ans.nchain; i++)
		printf("#   chain: %s: %s\n", f->ans.chain[i].name, f->ans.chain[i].what);
	return false;
}

/* The physical id of a resource in a stack of the world. */
__attribute__((unused)) static const char *phys(struct fx *f, const char *stack, const char *logical)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(stack_world_find(f->w, stack),
							       "Resources"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(r, "LogicalId")->valuestring,
			   logical) == 0)
			return cJSON_GetObjectItemCaseSensitive(r, "PhysicalId")->valuestring;
	return "(none)";
}

#endif
