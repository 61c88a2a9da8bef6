/*
 * r53_batch.h: what the change-batch checks share between r53_batch.c (request shape, names,
 * values, conflicts) and r53_alias.c (alias targets).
 */
#ifndef FG_R53_BATCH_H
#define FG_R53_BATCH_H

#include "route53/r53_int.h"

struct item {
	const cJSON *p;             /* the record set's properties */
	char where[48];             /* "" or "RecordSets.3." (property paths) */
	char ptr[48];               /* "" or "/RecordSets/3" (schema message pointers) */
	const char *given;          /* Name as written */
	bool eth;                   /* AliasTarget.EvaluateTargetHealth */
	struct r53_rec r;
};

struct batch {
	struct stack_rctx *c;
	const struct r53_zone_ref *zone;
	struct fg_arena *a;
	struct item *items;
	size_t n;
	struct r53_map keys;        /* "name|type|set" -> rec (existing and batch) */
	struct r53_map firsts;      /* "name|type" -> first rec */
	struct r53_map names;       /* name -> struct census */
	struct fg_buf msgs;         /* InvalidChangeBatch messages, ", "-joined */
	const struct item *cur;     /* the record set being checked */
	char first_prop[96];        /* where the first problem is */
	struct fg_err *err;
};

struct census {
	int cname, other;
};

/* Lists a problem for the "[a, b]" message; prop is where, relative to the record set. */
void r53_batch_problem(struct batch *b, const char *prop, const char *fmt, ...) FG_PRINTF(3, 4);

typedef bool (*r53_each_f)(struct batch *b, const cJSON *r, const char *stack, void *arg);
/*
 * Calls fn on every resource of the zone's world as this change sees it: this stack's
 * resources deployed so far, then the other stacks' (this stack's old version is not part of
 * it). Stops at the first fn that returns true and gives that resource and its stack.
 */
const cJSON *r53_batch_each(struct batch *b, r53_each_f fn, void *arg, const char **stack);

/* r53_alias.c */
void r53_alias_check(struct batch *b, struct item *it);
/* Failover: the primary and the secondary cannot both be CloudFront (§7.1). */
void r53_alias_failover_pairs(struct batch *b);

#endif
