/*
 * stack_registry.c: which resource types are emulated and by whom, and the AWS-shaped
 * deterministic ids CloudFormation would give resources it names itself.
 */
#include "stack/stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	const struct stack_rtype *type;
	void *svc;
};

struct stack_registry {
	struct entry *v;
	size_t n, cap;
};

struct stack_registry *stack_registry_new(void)
{
	struct stack_registry *r = calloc(1, sizeof(*r));

	FG_ASSERT(r != NULL);
	return r;
}

void stack_registry_destroy(struct stack_registry **rp)
{
	if (*rp == NULL)
		return;
	free((*rp)->v);
	free(*rp);
	*rp = NULL;
}

void stack_registry_add(struct stack_registry *r, const struct stack_rtype *t, void *svc)
{
	FG_ASSERT(t->type != NULL && t->create != NULL);
	FG_ASSERT(stack_registry_find(r, t->type, NULL) == NULL);
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		FG_ASSERT(r->v != NULL);
	}
	r->v[r->n].type = t;
	r->v[r->n].svc = svc;
	r->n++;
}

const struct stack_rtype *stack_registry_find(const struct stack_registry *r, const char *type,
					      void **svc)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].type->type, type) == 0) {
			if (svc != NULL)
				*svc = r->v[i].svc;
			return r->v[i].type;
		}
	}
	return NULL;
}

void stack_derived_id(const struct stack_rctx *ctx, const char *salt, const char *alphabet,
		      size_t n, char *out)
{
	const char *parts[] = { ctx->account, ctx->region, ctx->stack_name, ctx->logical_id,
				salt };

	fg_id_from_hash(fg_hash64(parts, 5), alphabet, n, out);
}

void stack_default_physical_id(const struct stack_rctx *ctx, char out[256])
{
	char suffix[14];

	stack_derived_id(ctx, "physical-id", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 13, suffix);
	/* CloudFormation truncates the stack and logical parts to keep names under limits */
	snprintf(out, 256, "%.40s-%.40s-%s", ctx->stack_name, ctx->logical_id, suffix);
}
