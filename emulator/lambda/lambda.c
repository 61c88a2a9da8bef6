/* lambda.c: being built (issue "Lambda functions"). Until then it registers no types (they
 * deploy as not emulated) and every invocation reports the function as not emulated. */
#include "lambda/lambda.h"

#include <stdlib.h>
#include <string.h>

struct lambda {
	struct lambda_deps deps;
	struct fg_service svc;
	struct fg_invoker inv;
	unsigned slot;
};

static void *compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	static char empty;

	return &empty;
}

static void invoke(void *self, const struct stack_world *w, const char *arn, const char *event,
		   size_t len, int64_t deadline_ms, struct fg_invoke_result *out)
{
	memset(out, 0, sizeof(*out));
	out->status = FG_INVOKE_NOT_EMULATED;
	out->detail = strdup("Lambda functions are not emulated yet");
}

struct lambda *lambda_new(const struct lambda_deps *deps)
{
	struct lambda *l = calloc(1, sizeof(*l));

	FG_ASSERT(l != NULL);
	l->deps = *deps;
	l->svc.name = "lambda";
	l->svc.self = l;
	l->svc.compile = compile;
	l->inv.self = l;
	l->inv.invoke = invoke;
	return l;
}

void lambda_destroy(struct lambda **lp)
{
	free(*lp);
	*lp = NULL;
}

void lambda_register_types(struct lambda *l, struct stack_registry *r)
{
}

const struct fg_service *lambda_service(struct lambda *l)
{
	return &l->svc;
}

void lambda_set_slot(struct lambda *l, unsigned slot)
{
	l->slot = slot;
}

const struct fg_invoker *lambda_invoker(struct lambda *l)
{
	return &l->inv;
}
