/*
 * lambda.c: the Lambda service object. It registers the AWS::Lambda::* types, compiles each
 * world's view (lambda_view.c), and implements iface/invoke.h for the other services: find
 * the function in the caller's world, then answer from Metadata.Frontgate.Response, say why
 * it is not emulated, or hand the invocation to the function's pool of warm workers.
 *
 * The service owns no process-wide state: its runtime (pools and worker processes) lives in
 * a struct lambda_rt that this object and the views of live worlds share, so two instances
 * in one process never see each other's functions or workers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lambda/lambda_int.h"

/* deadline_ms values above this are an absolute time (ms since the epoch, instance clock) */
#define ABSOLUTE_DEADLINE 1000000000000LL

struct lambda {
	struct lambda_deps deps;
	struct fg_service svc;
	struct fg_invoker inv;
	unsigned slot;
	bool has_slot;           /* lambda_set_slot was called */
	struct lambda_rt *rt;
};

void lambda_detail(struct fg_invoke_result *out, const char *fmt, ...)
{
	struct fg_buf b;
	va_list ap;

	fg_buf_init(&b);
	va_start(ap, fmt);
	fg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(out->detail);
	out->detail = fg_buf_take(&b);
}

static void *compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	struct lambda *l = self;

	return lambda_view_compile(l->rt, w);
}

/* The caller's deadline on CLOCK_MONOTONIC (0 = none). deadline_ms is a budget in
 * milliseconds; a value that can only be a time of day is taken as one. */
static int64_t caller_deadline(struct lambda *l, int64_t deadline_ms, int64_t now)
{
	if (deadline_ms <= 0)
		return 0;
	if (deadline_ms > ABSOLUTE_DEADLINE) {
		int64_t left = deadline_ms - fg_clock_now_ms(l->deps.clock);

		return now + (left > 1 ? left : 1);
	}
	return now + deadline_ms;
}

static void invoke(void *self, const struct stack_world *w, const char *ref, const char *event,
		   size_t len, int64_t deadline_ms, struct fg_invoke_result *out)
{
	struct lambda *l = self;
	const struct lambda_view *v = w && l->has_slot ? stack_world_slot(w, l->slot) : NULL;
	int64_t t0 = lambda_mono_ms();
	char invoked[700];
	const struct lambda_fn *fn;

	memset(out, 0, sizeof(*out));
	fg_uuid4(out->request_id);
	fn = lambda_view_find(v, ref, invoked, sizeof(invoked));
	if (fn == NULL) {
		out->status = FG_INVOKE_NO_FUNCTION;
		lambda_detail(out, "Function not found: %.600s", ref ? ref : "(null)");
		return;
	}
	switch (lambda_fn_mode(fn)) {
	case LAMBDA_RESPONSE:
		out->status = FG_INVOKE_OK;
		out->payload = strdup(lambda_fn_response(fn));
		FG_ASSERT(out->payload != NULL);
		out->len = strlen(out->payload);
		break;
	case LAMBDA_NOT_EMULATED:
		out->status = FG_INVOKE_NOT_EMULATED;
		lambda_detail(out, "function %s is not emulated: %s", lambda_fn_name(fn),
			   lambda_fn_why(fn));
		break;
	default: {
		struct lambda_call call = {
			.request_id = out->request_id,
			.invoked_arn = invoked,
			.event = event,
			.len = event ? len : 0,
			.caller_deadline = caller_deadline(l, deadline_ms, t0),
			.log = l->deps.log,
		};

		lambda_pool_invoke(lambda_fn_pool(fn), &call, out);
		break;
	}
	}
	out->duration_ms = lambda_mono_ms() - t0;
}

static bool reads_event(void *self, const struct stack_world *w, const char *ref)
{
	struct lambda *l = self;
	const struct lambda_view *v = w && l->has_slot ? stack_world_slot(w, l->slot) : NULL;
	char invoked[700];
	const struct lambda_fn *fn = lambda_view_find(v, ref, invoked, sizeof(invoked));

	return fn == NULL || lambda_fn_mode(fn) != LAMBDA_RESPONSE;
}

struct lambda *lambda_new(const struct lambda_deps *deps)
{
	struct lambda *l = calloc(1, sizeof(*l));

	FG_ASSERT(l != NULL);
	l->deps = *deps;
	l->rt = lambda_rt_new(deps->workers_per_function);
	l->svc.name = "lambda";
	l->svc.self = l;
	l->svc.compile = compile;
	l->svc.release = lambda_view_release;
	l->inv.self = l;
	l->inv.invoke = invoke;
	l->inv.reads_event = reads_event;
	return l;
}

void lambda_destroy(struct lambda **lp)
{
	struct lambda *l = *lp;

	if (l == NULL)
		return;
	lambda_rt_shutdown(l->rt);
	lambda_rt_rel(&l->rt);
	free(l);
	*lp = NULL;
}

void lambda_register_types(struct lambda *l, struct stack_registry *r)
{
	lambda_types_register(r, l);
}

const struct fg_service *lambda_service(struct lambda *l)
{
	return &l->svc;
}

void lambda_set_slot(struct lambda *l, unsigned slot)
{
	l->slot = slot;
	l->has_slot = true;
}

const struct fg_invoker *lambda_invoker(struct lambda *l)
{
	return &l->inv;
}
