/*
 * iam_roles.c: the control plane of IAM for roles and policies — AWS::IAM::Role (trust policy
 * validated as one, Metadata.Frontgate.SessionCredentials for callers that assumed it),
 * AWS::IAM::Policy (an inline policy attached to users, groups and roles) and
 * AWS::IAM::ManagedPolicy (physical id = its ARN).
 *
 * A role session is what an assumed-role caller signs with: temporary credentials (ASIA...
 * key, secret, session token, expiry) and a session name; its caller ARN is
 * arn:aws:sts::{acct}:assumed-role/{RoleName}/{SessionName}. frontgate does not emulate STS,
 * so the template says which sessions exist.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iam/iam_int.h"

/* -------------------------------------------------------- SessionCredentials */

static int session_err(const struct stack_rctx *c, struct fg_err *err, const char *where,
		       const char *fmt, ...) FG_PRINTF(4, 5);

static int session_err(const struct stack_rctx *c, struct fg_err *err, const char *where,
		       const char *fmt, ...)
{
	char msg[700], path[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fg_err_set(err, 400, "ValidationError", "Resources.%s: Metadata.Frontgate.%s %s",
		   c->logical_id, where, msg);
	snprintf(path, sizeof(path), "Resources.%s.Metadata.Frontgate.%s", c->logical_id, where);
	fg_err_at(err, c->logical_id, path);
	return -1;
}

static bool session_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 2 || n > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && strchr("+=,.@_-", *s) == NULL)
			return false;
	return true;
}

static int session_check(const struct stack_rctx *c, const cJSON *s, const char *where,
			 struct fg_err *err)
{
	static const char *const keys[] = { "AccessKeyId", "SecretAccessKey", "SessionToken",
					    "Expiration", "SessionName", NULL };
	const char *tok = iam_str(s, "SessionToken"), *exp = iam_str(s, "Expiration");
	const cJSON *it;
	int64_t ms;

	if (!cJSON_IsObject(s))
		return session_err(c, err, where, "must be an object {AccessKeyId, "
				   "SecretAccessKey, SessionToken, Expiration, SessionName} (or a "
				   "list of them)");
	cJSON_ArrayForEach(it, s) {
		bool known = false;

		for (size_t i = 0; keys[i]; i++)
			known = known || strcmp(keys[i], it->string) == 0;
		if (!known)
			return session_err(c, err, where, "has an unknown key %s (AccessKeyId, "
					   "SecretAccessKey, SessionToken, Expiration, SessionName)",
					   it->string);
	}
	if (!iam_key_id_shaped(iam_str(s, "AccessKeyId"), "ASIA"))
		return session_err(c, err, where, "AccessKeyId must be a temporary access key id: "
				   "ASIA and 16 upper-case letters or digits");
	if (!iam_secret_shaped(iam_str(s, "SecretAccessKey")))
		return session_err(c, err, where, "SecretAccessKey must be 40 characters from A-Z, "
				   "a-z, 0-9, + and /");
	if (tok == NULL || tok[0] == '\0')
		return session_err(c, err, where, "SessionToken must be a non-empty string (what "
				   "the caller sends as X-Amz-Security-Token)");
	if (exp != NULL ? !fg_time_parse_iso(exp, &ms)
			: cJSON_GetObjectItemCaseSensitive(s, "Expiration") != NULL)
		return session_err(c, err, where, "Expiration must be an ISO-8601 time such as "
				   "2026-01-01T00:00:00Z");
	if (!session_name_ok(iam_str(s, "SessionName")))
		return session_err(c, err, where, "SessionName must be 2 to 64 characters of "
				   "letters, digits and +=,.@_-");
	return 0;
}

static int sessions_check(const struct stack_rctx *c, struct fg_err *err)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(iam_frontgate_meta(c->metadata),
							   "SessionCredentials");
	const cJSON *s, *t;
	char where[80];
	int i = 0;

	if (sc == NULL)
		return 0;
	if (!cJSON_IsArray(sc))
		return session_check(c, sc, "SessionCredentials", err);
	cJSON_ArrayForEach(s, sc) {
		snprintf(where, sizeof(where), "SessionCredentials[%d]", i++);
		if (session_check(c, s, where, err) != 0)
			return -1;
		for (t = s->next; t != NULL; t = t->next)
			if (strcmp(iam_str(s, "AccessKeyId"), iam_str(t, "AccessKeyId") ?
				   iam_str(t, "AccessKeyId") : "") == 0)
				return session_err(c, err, where, "AccessKeyId %s is listed twice",
						   iam_str(s, "AccessKeyId"));
	}
	return 0;
}

static int sessions_free(const struct stack_rctx *c, struct fg_err *err)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(iam_frontgate_meta(c->metadata),
							   "SessionCredentials");
	const cJSON *s;

	if (cJSON_IsObject(sc))
		return iam_check_key_free(c, iam_str(sc, "AccessKeyId"),
					  "Metadata.Frontgate.SessionCredentials", err);
	cJSON_ArrayForEach(s, sc)
		if (iam_check_key_free(c, iam_str(s, "AccessKeyId"),
				       "Metadata.Frontgate.SessionCredentials", err) != 0)
			return -1;
	return 0;
}

/* -------------------------------------------------------------------- Role */

static int role_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const req[] = { "AssumeRolePolicyDocument", NULL };
	const char *name = NULL, *path;
	long long max = 3600;

	if (stack_require_keys(c, props, req, err) != 0 ||
	    stack_opt_str(c, props, "RoleName", "RoleName", &name, err) != 0 ||
	    (name != NULL && iam_check_name(c, "RoleName", "roleName", name, 64, err) != 0) ||
	    iam_check_path(c, props, &path, err) != 0 ||
	    stack_opt_int(c, props, "MaxSessionDuration", "MaxSessionDuration", &max, err) != 0)
		return -1;
	if (max < 3600 || max > 43200)
		return stack_handler_err(c, err, "Iam", 400, "ValidationError",
					 "MaxSessionDuration", "1 validation error detected: Value "
					 "at 'maxSessionDuration' failed to satisfy constraint: "
					 "Member must have value %s than or equal to %d",
					 max < 3600 ? "greater" : "less", max < 3600 ? 3600 : 43200);
	if (iam_check_document(c, cJSON_GetObjectItemCaseSensitive(props,
								   "AssumeRolePolicyDocument"),
			       "AssumeRolePolicyDocument", POLICY_TRUST, NULL, err) != 0 ||
	    iam_check_managed_arns(c, props, err) != 0 ||
	    iam_check_inline(c, props, "role", name ? name : c->logical_id, 10240, err) != 0 ||
	    sessions_check(c, err) != 0)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(props, "PermissionsBoundary") != NULL)
		stack_warn(c, "PermissionsBoundary is stored, not applied: frontgate does not "
			   "emulate permissions boundaries");
	return 0;
}

static int role_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		       cJSON *state, struct fg_err *err)
{
	const char *path = iam_str(props, "Path") ? iam_str(props, "Path") : "/";
	char arn[700], id[32];

	iam_name(c, iam_str(props, "RoleName"), 64, phys);
	if (iam_check_name(c, "RoleName", "roleName", phys, 64, err) != 0 ||
	    iam_check_unique(c, IAM_ROLE, phys, "Role", err) != 0 || sessions_free(c, err) != 0)
		return -1;
	snprintf(arn, sizeof(arn), "arn:aws:iam::%s:role%s%s", c->account, path, phys);
	memcpy(id, "AROA", 4);
	stack_derived_id(c, "role-id", IAM_ID_ALPHABET, 17, id + 4);
	cJSON_AddStringToObject(attrs, "Arn", arn);
	cJSON_AddStringToObject(attrs, "RoleId", id);
	return 0;
}

static const struct stack_rtype role_type = {
	.type = IAM_ROLE, .validate = role_validate, .create = role_create,
};

/* ------------------------------------------------------------------ Policy */

static int attachments_check(struct stack_rctx *c, const cJSON *props, bool need_one,
			     struct fg_err *err)
{
	static const char *const props_[] = { "Users", "Groups", "Roles" };
	static const char *const types[] = { IAM_USER, IAM_GROUP, IAM_ROLE };
	static const char *const whats[] = { "user", "group", "role" };
	int n = 0;

	for (int i = 0; i < 3; i++) {
		if (iam_check_members(c, props, props_[i], types[i], whats[i], err) != 0)
			return -1;
		n += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(props, props_[i]));
	}
	if (need_one && n == 0)
		return stack_schema_err(c, err, "", "At least one of [Groups,Roles,Users] must be "
					"non-empty.");
	return 0;
}

static int policy_validate_props(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const req[] = { "PolicyDocument", "PolicyName", NULL };
	const char *name = NULL;

	if (stack_require_keys(c, props, req, err) != 0 ||
	    stack_need_str(c, props, "PolicyName", &name, err) != 0 ||
	    iam_check_name(c, "PolicyName", "policyName", name, 128, err) != 0 ||
	    iam_check_document(c, cJSON_GetObjectItemCaseSensitive(props, "PolicyDocument"),
			       "PolicyDocument", POLICY_IDENTITY, NULL, err) != 0)
		return -1;
	return attachments_check(c, props, true, err);
}

static int policy_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
			 cJSON *state, struct fg_err *err)
{
	if (phys[0] == '\0')
		stack_default_physical_id(c, phys);
	return 0;
}

static const struct stack_rtype policy_type = {
	.type = IAM_POLICY, .validate = policy_validate_props, .create = policy_create,
};

/* ----------------------------------------------------------- ManagedPolicy */

/* Managed policy names are unique in an account whatever their path. */
static bool managed_named(const cJSON *r, const char *name)
{
	const char *arn = iam_str(r, "PhysicalId"), *slash = arn ? strrchr(arn, '/') : NULL;

	return slash != NULL && strcasecmp(slash + 1, name) == 0;
}

static int managed_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const req[] = { "PolicyDocument", NULL };
	const char *name = NULL, *path, *desc = NULL;
	size_t size = 0;

	if (stack_require_keys(c, props, req, err) != 0 ||
	    stack_opt_str(c, props, "ManagedPolicyName", "ManagedPolicyName", &name, err) != 0 ||
	    (name != NULL &&
	     iam_check_name(c, "ManagedPolicyName", "policyName", name, 128, err) != 0) ||
	    iam_check_path(c, props, &path, err) != 0 ||
	    stack_opt_str(c, props, "Description", "Description", &desc, err) != 0 ||
	    iam_check_document(c, cJSON_GetObjectItemCaseSensitive(props, "PolicyDocument"),
			       "PolicyDocument", POLICY_IDENTITY, &size, err) != 0)
		return -1;
	if (desc != NULL && strlen(desc) > 1000)
		return stack_handler_err(c, err, "Iam", 400, "ValidationError", "Description",
					 "1 validation error detected: Value at 'description' "
					 "failed to satisfy constraint: Member must have length "
					 "less than or equal to 1000");
	if (size > 6144)
		return stack_handler_err(c, err, "Iam", 409, "LimitExceeded", "PolicyDocument",
					 "Cannot exceed quota for PolicySize: 6144");
	return attachments_check(c, props, false, err);
}

static int managed_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			  cJSON *attrs, cJSON *state, struct fg_err *err)
{
	const char *path = iam_str(props, "Path") ? iam_str(props, "Path") : "/", *stack;
	const char *given = iam_str(props, "ManagedPolicyName");
	char name[256] = "", arn[700], id[32];

	if (given == NULL && phys[0] != '\0' && strrchr(phys, '/') != NULL)
		snprintf(name, sizeof(name), "%s", strrchr(phys, '/') + 1); /* keep the old name */
	iam_name(c, given, 128, name);
	if (iam_find_by(c, IAM_MANAGED, managed_named, name, &stack) != NULL)
		return stack_handler_err(c, err, "Iam", 409, "EntityAlreadyExists",
					 "ManagedPolicyName", "A policy called %s already exists. "
					 "Duplicate names are not allowed.", name);
	snprintf(arn, sizeof(arn), "arn:aws:iam::%s:policy%s%s", c->account, path, name);
	if (strlen(arn) > 255)
		return stack_handler_err(c, err, "Iam", 400, "ValidationError", "Path", "the policy "
					 "ARN %s is longer than 255 characters", arn);
	snprintf(phys, 256, "%s", arn);
	memcpy(id, "ANPA", 4);
	stack_derived_id(c, "policy-id", IAM_ID_ALPHABET, 17, id + 4);
	cJSON_AddStringToObject(attrs, "PolicyArn", arn);
	cJSON_AddStringToObject(attrs, "PolicyId", id);
	cJSON_AddStringToObject(attrs, "DefaultVersionId", "v1");
	return 0;
}

static const struct stack_rtype managed_type = {
	.type = IAM_MANAGED, .validate = managed_validate, .create = managed_create,
};

void iam_roles_register(struct stack_registry *r, void *svc)
{
	stack_registry_add(r, &role_type, svc);
	stack_registry_add(r, &policy_type, svc);
	stack_registry_add(r, &managed_type, svc);
}
