/*
 * iface/invoke.h: how one service invokes a Lambda function without including the lambda
 * module (services never include each other; instance.c wires this interface).
 *
 * The caller passes the world its request started on, so a function is run as that world
 * defines it. The result says what happened in the terms API Gateway needs to choose its
 * answer (200 / 502 / 504 / 500) and what the trace should say.
 */
#ifndef FG_IFACE_INVOKE_H
#define FG_IFACE_INVOKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stack_world;

enum fg_invoke_status {
	FG_INVOKE_OK,            /* the function returned; payload is its result (JSON text) */
	FG_INVOKE_NO_FUNCTION,   /* no function with that ARN/name in this world */
	FG_INVOKE_NOT_EMULATED,  /* the function exists but its code cannot be run here */
	FG_INVOKE_FUNCTION_ERROR,/* the handler raised; payload is Lambda's error JSON
				  * {"errorMessage","errorType","stackTrace"} */
	FG_INVOKE_TIMEOUT,       /* past the function's Timeout or the caller's deadline */
	FG_INVOKE_CRASHED,       /* the worker exited or wrote something that is not a result */
};

struct fg_invoke_result {
	enum fg_invoke_status status;
	char *payload;           /* malloc'd, NUL-terminated; may be NULL */
	size_t len;
	char *detail;            /* malloc'd one-line reason for the trace (stderr tail, ...) */
	char request_id[37];     /* the invocation's aws_request_id */
	int64_t duration_ms;
};

struct fg_invoker {
	void *self;
	/*
	 * Invokes the function named by arn_or_name (a function ARN, a partial ARN, a name, or
	 * an API Gateway integration URI ".../functions/<arn>/invocations") with event (JSON
	 * text) and waits at most deadline_ms. Always fills *out (free with
	 * fg_invoke_result_free).
	 */
	void (*invoke)(void *self, const struct stack_world *w, const char *arn_or_name,
		       const char *event, size_t len, int64_t deadline_ms,
		       struct fg_invoke_result *out);
	/*
	 * Optional (NULL: always true). False when the function's answer does not depend on the
	 * event (a canned Metadata.Frontgate.Response), so the caller may pass event NULL and
	 * skip building it: the proxy event was an eighth of a canned request's CPU.
	 */
	bool (*reads_event)(void *self, const struct stack_world *w, const char *arn_or_name);
};

static inline void fg_invoke_result_free(struct fg_invoke_result *r)
{
	extern void free(void *);

	free(r->payload);
	free(r->detail);
	r->payload = r->detail = (char *)0;
}

#endif
