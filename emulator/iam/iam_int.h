/*
 * iam_int.h: what the IAM module's files share — the type registration of iam_types.c and
 * iam_roles.c, the checks both use (names, paths, inline policies, managed policy ARNs,
 * finding an entity by name in an account), the AWS managed policies frontgate knows, and the
 * compiled view (iam_view.c).
 */
#ifndef FG_IAM_INT_H
#define FG_IAM_INT_H

#include "iam/iam.h"
#include "policy/policy.h"

#define IAM_USER "AWS::IAM::User"
#define IAM_GROUP "AWS::IAM::Group"
#define IAM_ADDITION "AWS::IAM::UserToGroupAddition"
#define IAM_KEY "AWS::IAM::AccessKey"
#define IAM_ROLE "AWS::IAM::Role"
#define IAM_POLICY "AWS::IAM::Policy"
#define IAM_MANAGED "AWS::IAM::ManagedPolicy"

/* IAM's unique ids and access key ids: upper-case base32 */
#define IAM_ID_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

/* ------------------------------------------------------------- iam_types.c */

void iam_types_register(struct stack_registry *r, void *svc);

const char *iam_str(const cJSON *o, const char *key);
const cJSON *iam_frontgate_meta(const cJSON *metadata);

/*
 * The deployed resource of type whose physical id is name (case-insensitive, as IAM names
 * are) in c's account: this stack's resources deployed so far, then the other stacks.
 * *stack = the stack that has it.
 */
const cJSON *iam_find(const struct stack_rctx *c, const char *type, const char *name,
		      const char **stack);
/* The same with another test of a resource document against key. */
typedef bool (*iam_match_f)(const cJSON *resource, const char *key);
const cJSON *iam_find_by(const struct stack_rctx *c, const char *type, iam_match_f match,
			 const char *key, const char **stack);
/* EntityAlreadyExists when another resource of type already has this name. */
int iam_check_unique(const struct stack_rctx *c, const char *type, const char *name,
		     const char *what, struct fg_err *err);
/* A name property: IAM's character set and length (field is "userName", "roleName", ...). */
int iam_check_name(const struct stack_rctx *c, const char *prop, const char *field,
		   const char *name, size_t max, struct fg_err *err);
/* Path: begins and ends with '/', printable ASCII, at most 512 characters. */
int iam_check_path(const struct stack_rctx *c, const cJSON *props, const char **path,
		   struct fg_err *err);
/* The physical name: the name property, the id the resource already has, or generated
 * "{stack}-{logical}-{13 chars}" within max characters. */
void iam_name(const struct stack_rctx *c, const char *given, size_t max, char phys[256]);

/*
 * A policy document property (an object, or JSON text): parsed and validated as kind. On
 * success *doc is the document (owned: cJSON_Delete when *owned) and *size its length without
 * whitespace. Errors are IAM's MalformedPolicyDocument at prop.<element>.
 */
int iam_check_document(const struct stack_rctx *c, const cJSON *v, const char *prop,
		       enum policy_kind kind, size_t *size, struct fg_err *err);
/* Inline Policies of a user, group or role; limit = IAM's aggregate size for the entity. */
int iam_check_inline(const struct stack_rctx *c, const cJSON *props, const char *entity,
		     const char *name, size_t limit, struct fg_err *err);
/* ManagedPolicyArns: customer policies must exist; AWS managed ones not emulated warn. */
int iam_check_managed_arns(const struct stack_rctx *c, const cJSON *props, struct fg_err *err);
/* A list of names (Users, Groups, Roles) each naming an existing entity of type. */
int iam_check_members(const struct stack_rctx *c, const cJSON *props, const char *prop,
		      const char *type, const char *what, struct fg_err *err);
/* "AKIA"/"ASIA" and 16 upper-case letters or digits; 40 characters of A-Za-z0-9+/. */
bool iam_key_id_shaped(const char *s, const char *prefix);
bool iam_secret_shaped(const char *s);
/* The access key id is used by no other AccessKey or role session in any stack. */
int iam_check_key_free(const struct stack_rctx *c, const char *id, const char *where,
		       struct fg_err *err);

/* ------------------------------------------------------------- iam_roles.c */

void iam_roles_register(struct stack_registry *r, void *svc);

/* ------------------------------------------------------------------ iam_view.c */

/* The document of an AWS managed policy frontgate emulates (JSON text), NULL otherwise. */
const char *iam_aws_managed(const char *arn);

struct iam_view;

struct iam_view *iam_view_compile(const struct stack_world *w);
void iam_view_release(void *view);
void iam_view_lookup(const struct iam_view *v, const char *access_key, const char *token,
		     int64_t now_ms, struct fg_arena *a, struct fg_key_lookup *out);
const struct fg_identity_policy *iam_view_policies(const struct iam_view *v,
						   const char *access_key, size_t *n);

#endif
