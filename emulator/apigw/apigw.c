/* apigw.c: being built (issue "API Gateway REST APIs"). Until then the service registers no
 * types (they deploy as not emulated) and claims no host. */
#include "apigw/apigw.h"

#include <stdlib.h>

struct apigw {
	struct apigw_deps deps;
	struct fg_service svc;
};

static void *compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	static char empty;

	return &empty;
}

struct apigw *apigw_new(const struct apigw_deps *deps)
{
	struct apigw *a = calloc(1, sizeof(*a));

	FG_ASSERT(a != NULL);
	a->deps = *deps;
	a->svc.name = "apigw";
	a->svc.self = a;
	a->svc.compile = compile;
	return a;
}

void apigw_destroy(struct apigw **ap)
{
	free(*ap);
	*ap = NULL;
}

void apigw_register_types(struct apigw *a, struct stack_registry *r)
{
}

const struct fg_service *apigw_service(struct apigw *a)
{
	return &a->svc;
}
