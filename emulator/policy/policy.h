/*
 * policy: IAM policy documents as a pure library (depends on core and cJSON only).
 *
 * - Validation (policy_validate.c): a document checked the way IAM checks it when a policy is
 *   created or attached, with IAM's MalformedPolicyDocument wording, plus where the problem
 *   is (statement index, Sid, element path) and frontgate's reason in plain words.
 * - Evaluation (policy_eval.c, policy_cond.c): ONE document against one request context
 *   (action, resource ARN, caller, condition keys, time) -> Allow, Deny or NotApplicable, the
 *   statement that decided and a one-line explanation; explicit Deny wins inside a document.
 *   Combining several documents (identity + resource policies, same vs cross account) is the
 *   caller's business: the result carries what it needs for that.
 *
 * Reference: AWS IAM User Guide, "Policy evaluation logic", "IAM JSON policy elements"
 * (Principal, NotPrincipal, Condition operators, policy variables); aws-behavior.md §2.5.
 * Statements are numbered from 0, as in Statement[0].
 */
#ifndef FG_POLICY_H
#define FG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/core.h"

/* Where a document is used; it decides which elements are required or prohibited. */
enum policy_kind {
	POLICY_IDENTITY, /* attached to a user, group or role: no Principal, Resource required */
	POLICY_RESOURCE, /* on a resource (an API's Policy): Principal or NotPrincipal required;
			  * "execute-api:/..." shorthand resources accepted (the caller expands
			  * them before evaluating) */
	POLICY_TRUST,    /* a role's AssumeRolePolicyDocument: Principal required, no Resource,
			  * only sts: actions */
};

/* --------------------------------------------------------- policy_validate.c */

struct policy_error {
	char message[512];  /* IAM's words, e.g. "Syntax errors in policy." */
	char where[256];    /* element path: "Statement[1].Condition.StringEqualz"; "" = document */
	char detail[512];   /* frontgate's reason: "StringEqualz is not a condition operator" */
	int statement;      /* the statement's index, -1 when about the whole document */
	char sid[128];      /* its Sid ("" when none) */
};

/* 0 when valid; -1 with err filled (err may not be NULL). */
int policy_validate(const cJSON *doc, enum policy_kind kind, struct policy_error *err);
/*
 * A document given as JSON text (CloudFormation accepts a string or an object). Returns a new
 * tree (cJSON_Delete it) or NULL with err set to IAM's invalid-JSON message for that kind.
 */
cJSON *policy_parse(const char *text, enum policy_kind kind, struct policy_error *err);
/* "Syntax errors in policy. (Statement[1] (Sid X), Condition.StringEqualz: reason)" */
void policy_error_text(const struct policy_error *err, char *out, size_t n);

/* ------------------------------------------------------------- policy_eval.c */

/* One condition key of the request context; names compare case-insensitively. */
struct policy_key {
	const char *name;           /* "aws:SourceIp" */
	const char *const *values;  /* n values (multi-valued keys have several) */
	size_t n;
};

/* Who calls, for Principal / NotPrincipal (resource and trust policies). */
struct policy_caller {
	const char *account;   /* 12 digits; NULL = anonymous */
	const char *arn;       /* an IAM user ARN, or an assumed-role session ARN
				* arn:aws:sts::{acct}:assumed-role/{role}/{session} */
	const char *role_arn;  /* sessions: the role's IAM ARN (with its path); else NULL */
};

struct policy_request {
	const char *action;            /* "execute-api:Invoke" */
	const char *resource;          /* the resource ARN */
	struct policy_caller caller;
	const struct policy_key *keys; /* the request context (any keys) */
	size_t nkeys;
	int64_t now_ms;                /* aws:CurrentTime / aws:EpochTime unless keys give them */
};

enum policy_effect { POLICY_NOT_APPLICABLE, POLICY_ALLOW, POLICY_DENY };

struct policy_result {
	enum policy_effect effect;
	int statement;          /* the deciding statement, -1 when NotApplicable */
	const char *sid;        /* its Sid, NULL when none */
	/* Allow only: the Principal that matched named the caller's account (an account id or
	 * arn:aws:iam::{acct}:root), not the caller itself. IAM treats that as delegating to the
	 * account, whose identity policies must then allow too. */
	bool account_principal;
	/* One line: "statement 1 (Sid DenyOutsideVpce) denies: condition StringNotEquals
	 * aws:SourceVpce [vpce-1] matched value vpce-2", or why each statement did not apply. */
	const char *explain;
};

/*
 * Evaluates doc (validated or not: malformed parts never match) for req. kind says whether
 * Principal/NotPrincipal are looked at (resource and trust policies) or ignored (identity).
 * Everything in *out lives in a.
 */
void policy_evaluate(const cJSON *doc, enum policy_kind kind, const struct policy_request *req,
		     struct fg_arena *a, struct policy_result *out);

/* "Allow", "Deny", "NotApplicable". */
const char *policy_effect_name(enum policy_effect e);

/* Wildcard match: '*' any run (also '/' and ':'), '?' one character. */
bool policy_glob(const char *pattern, const char *text, bool ignore_case);

#endif
