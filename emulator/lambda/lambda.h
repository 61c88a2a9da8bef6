/*
 * lambda: AWS::Lambda::Function and friends, and running function code without Docker:
 * canned responses, a long-lived command speaking JSON lines, a Lambda runtime-interface
 * endpoint, or inline Python/Node code in warm worker processes.
 *
 * Other services reach it only through iface/invoke.h (lambda_invoker).
 */
#ifndef FG_LAMBDA_H
#define FG_LAMBDA_H

#include "core/core.h"
#include "iface/invoke.h"
#include "main/service.h"
#include "stack/stack.h"

struct lambda;

struct lambda_deps {
	struct fg_clock *clock;
	struct fg_log *log;
	unsigned workers_per_function; /* concurrency limit, default 2 */
};

struct lambda *lambda_new(const struct lambda_deps *deps);
/* Stops every worker process. */
void lambda_destroy(struct lambda **lp);
/* Registers AWS::Lambda::Function, Permission, Alias, Version. */
void lambda_register_types(struct lambda *l, struct stack_registry *r);
/* The service (compile/release only: Lambda has no data-plane front). */
const struct fg_service *lambda_service(struct lambda *l);
/* Tells the module which world slot holds its view (from fg_app_add_service). */
void lambda_set_slot(struct lambda *l, unsigned slot);
/* The invoke interface for other services (borrowed from l). */
const struct fg_invoker *lambda_invoker(struct lambda *l);

#endif
