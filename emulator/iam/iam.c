/*
 * iam.c: the IAM service object. It registers the AWS::IAM::* types (iam_types.c,
 * iam_roles.c), compiles each world's view (iam_view.c), and implements iface/identity.h for
 * the other services: who an access key belongs to (and whether it may be used now, on the
 * emulator's clock), and which identity policies apply to that caller.
 *
 * No process-wide state: each instance has its own struct iam.
 */
#include <stdlib.h>

#include "iam/iam_int.h"

struct iam {
	struct iam_deps deps;
	struct fg_service svc;
	struct fg_identity identity;
	unsigned slot;
	bool has_slot;          /* iam_set_slot was called */
};

static const struct iam_view *view_of(const struct iam *i, const struct stack_world *w)
{
	return w != NULL && i->has_slot ? stack_world_slot(w, i->slot) : NULL;
}

static void *compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	return iam_view_compile(w);
}

static void lookup_key(void *self, const struct stack_world *w, const char *access_key,
		       const char *session_token, int64_t now_ms, struct fg_arena *a,
		       struct fg_key_lookup *out)
{
	iam_view_lookup(view_of(self, w), access_key, session_token, now_ms, a, out);
}

static const struct fg_identity_policy *policies(void *self, const struct stack_world *w,
						 const char *access_key, struct fg_arena *a,
						 size_t *n)
{
	return iam_view_policies(view_of(self, w), access_key, n);
}

struct iam *iam_new(const struct iam_deps *deps)
{
	struct iam *i = calloc(1, sizeof(*i));

	FG_ASSERT(i != NULL);
	i->deps = *deps;
	i->svc.name = "iam";
	i->svc.self = i;
	i->svc.compile = compile;
	i->svc.release = iam_view_release;
	i->identity.self = i;
	i->identity.lookup_key = lookup_key;
	i->identity.policies = policies;
	return i;
}

void iam_destroy(struct iam **ip)
{
	free(*ip);
	*ip = NULL;
}

void iam_register_types(struct iam *i, struct stack_registry *r)
{
	iam_types_register(r, i);
	iam_roles_register(r, i);
}

const struct fg_service *iam_service(struct iam *i)
{
	return &i->svc;
}

void iam_set_slot(struct iam *i, unsigned slot)
{
	i->slot = slot;
	i->has_slot = true;
}

const struct fg_identity *iam_identity(struct iam *i)
{
	return &i->identity;
}
