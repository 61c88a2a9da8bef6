/*
 * iface/identity.h: how a service asks IAM who a SigV4 access key belongs to and which
 * identity-based policies apply to that caller, without including the iam module
 * (instance.c wires it). Everything returned lives in the caller's arena or in the world
 * passed in (valid while the caller holds the world).
 */
#ifndef FG_IFACE_IDENTITY_H
#define FG_IFACE_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct stack_world;
struct fg_arena;

/* A caller whose key IAM knows (what requestContext.identity shows, aws-behavior.md §2.5). */
struct fg_caller {
	const char *access_key;    /* AKIA... / ASIA... */
	const char *account;       /* 12 digits */
	const char *arn;           /* arn:aws:iam::{acct}:user/{path}{name} or
				    * arn:aws:sts::{acct}:assumed-role/{role}/{session} */
	const char *principal_arn; /* aws:PrincipalArn: the user ARN, or the role's IAM ARN */
	const char *user;          /* identity.user: AIDA... (user) or AROA...:{session} (role) */
	const char *caller;        /* identity.caller: same forms as user */
	bool session;              /* temporary credentials (an assumed role) */
};

enum fg_key_status {
	FG_KEY_OK,
	FG_KEY_UNKNOWN,         /* no AccessKey in the world has this id */
	FG_KEY_INACTIVE,        /* AccessKey Status Inactive */
	FG_KEY_TOKEN_MISSING,   /* session credentials used without X-Amz-Security-Token */
	FG_KEY_TOKEN_INVALID,   /* token given but not the one of these session credentials */
	FG_KEY_TOKEN_EXPIRED,   /* session credentials past their Expiration */
};

struct fg_key_lookup {
	enum fg_key_status status;
	const char *secret;        /* the secret access key (status OK) */
	struct fg_caller caller;   /* status OK */
	const char *detail;        /* one line for the trace: which resource, which stack */
};

/* One identity-based policy that applies to a caller. */
struct fg_identity_policy {
	const cJSON *document;     /* the policy document (borrowed from the world) */
	const char *source;        /* "AWS::IAM::Policy ReadApi (stack s) attached to user alice" */
};

struct fg_identity {
	void *self;
	/* session_token may be NULL; now_ms is the emulator clock (for Expiration). */
	void (*lookup_key)(void *self, const struct stack_world *w, const char *access_key,
			   const char *session_token, int64_t now_ms, struct fg_arena *a,
			   struct fg_key_lookup *out);
	/* The identity-based policies of the caller behind access_key (inline, managed, group,
	 * role). *n = 0 when none. */
	const struct fg_identity_policy *(*policies)(void *self, const struct stack_world *w,
						     const char *access_key, struct fg_arena *a,
						     size_t *n);
};

#endif
