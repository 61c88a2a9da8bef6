/*
 * policy_int.h: what the policy library's files share — the condition operator table, value
 * parsers (dates, numbers, CIDR blocks), policy variables, an arena string builder, and the
 * request context the evaluator hands to the condition code.
 */
#ifndef FG_POLICY_INT_H
#define FG_POLICY_INT_H

#include "policy/policy.h"

/* ------------------------------------------------------------ policy_cond.c */

enum policy_family {
	PF_STRING, PF_STRING_CI, PF_STRING_LIKE, PF_NUMERIC, PF_DATE, PF_BOOL, PF_BINARY,
	PF_IP, PF_ARN, PF_NULL,
};

enum policy_cmp { CMP_EQ, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

enum policy_set { SET_NONE, SET_ANY, SET_ALL };

/* A parsed operator name such as "ForAnyValue:StringNotLikeIfExists". */
struct policy_op {
	const char *base;        /* "StringNotLike" (static) */
	enum policy_family family;
	enum policy_cmp cmp;     /* numeric and date operators */
	bool negated;            /* StringNotEquals, NotIpAddress, ArnNotLike, ... */
	bool if_exists;
	enum policy_set set;
};

/* False when name is not an operator IAM knows (including IfExists on Null). */
bool policy_op_parse(const char *name, struct policy_op *out);

/* The text of a condition value (string, number or boolean); NULL for other JSON types. */
const char *policy_value_text(const cJSON *v, char *buf, size_t n);
/* ISO 8601 ("2026-01-01T00:00:00Z", "2026-01-01", with offset or fraction) or epoch seconds. */
bool policy_parse_date(const char *s, int64_t *ms);
bool policy_parse_number(const char *s, double *out);

struct policy_cidr {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int bits;
};
/* "203.0.113.0/24", "2001:db8::/32", or a single address (a /32 or /128). */
bool policy_parse_cidr(const char *s, struct policy_cidr *out);

/* A string under construction in an arena. */
struct policy_sb {
	struct fg_arena *a;
	char *s;
	size_t len, cap;
};

void policy_sb_init(struct policy_sb *b, struct fg_arena *a);
void policy_sb_printf(struct policy_sb *b, const char *fmt, ...) FG_PRINTF(2, 3);
const char *policy_sb_str(const struct policy_sb *b);

/* The request as the evaluator sees it: keys plus the derived time keys. */
struct policy_ctx {
	const struct policy_request *req;
	struct fg_arena *a;
	bool vars;               /* Version 2012-10-17: ${...} policy variables are substituted */
	char current_time[32];   /* aws:CurrentTime */
	char epoch_time[24];     /* aws:EpochTime */
	const char *time_values[2];
};

void policy_ctx_init(struct policy_ctx *c, const struct policy_request *req, struct fg_arena *a,
		     bool vars);

/* The values of a context key (case-insensitive name); false when absent. */
bool policy_ctx_key(const struct policy_ctx *c, const char *name, const char *const **values,
		    size_t *n);

/*
 * A pattern after policy-variable substitution: lit[i] marks characters that must match
 * literally (from ${*}, ${?}, ${$} and from substituted values). ok is false when a variable
 * cannot be resolved (absent or multi-valued key, no default): such a value matches nothing.
 */
struct policy_pat {
	const char *s;
	const unsigned char *lit;
	bool ok;
};

struct policy_pat policy_subst(const struct policy_ctx *c, const char *value);
bool policy_pat_glob(const struct policy_pat *p, const char *text, bool ignore_case);

/*
 * Evaluates a statement's Condition block (NULL = none, true). Appends to why: for a match,
 * what matched ("condition StringNotEquals aws:SourceVpce [vpce-1] matched value vpce-2");
 * otherwise the first condition that did not.
 */
bool policy_conditions(const struct policy_ctx *c, const cJSON *block, struct policy_sb *why);

#endif
