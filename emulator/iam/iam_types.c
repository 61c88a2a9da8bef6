/*
 * iam_types.c: the control plane of IAM for people and their keys — AWS::IAM::User, Group,
 * UserToGroupAddition and AccessKey — and the checks every IAM type shares: IAM's name and
 * path rules, inline policies and ManagedPolicyArns (documents validated with the policy
 * library, MalformedPolicyDocument naming the statement and element), references to users,
 * groups and roles by name within the account, and access key ids unique across stacks.
 *
 * Messages are IAM's (relayed by CloudFormation's resource handler, "Service: Iam") or
 * CloudFormation's schema messages. Names compare case-insensitively, as IAM's do.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iam/iam_int.h"

/* ----------------------------------------------------------------- helpers */

const char *iam_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *iam_frontgate_meta(const cJSON *metadata)
{
	return cJSON_GetObjectItemCaseSensitive(metadata, "Frontgate");
}

static bool same_name(const cJSON *r, const char *name)
{
	const char *p = iam_str(r, "PhysicalId");

	return p != NULL && strcasecmp(p, name) == 0;
}

static const cJSON *find_in(const cJSON *resources, const char *type, iam_match_f match,
			    const char *key)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, resources) {
		const char *t = iam_str(r, "Type");

		if (t != NULL && strcmp(t, type) == 0 && match(r, key))
			return r;
	}
	return NULL;
}

const cJSON *iam_find_by(const struct stack_rctx *c, const char *type, iam_match_f match,
			 const char *key, const char **stack)
{
	const cJSON *doc, *r = find_in(c->deployed, type, match, key);

	*stack = c->stack_name;
	if (r != NULL)
		return r;
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		const char *acct = iam_str(doc, "Account"), *sname = iam_str(doc, "Name");

		if (sname == NULL || strcmp(sname, c->stack_name) == 0 || acct == NULL ||
		    strcmp(acct, c->account) != 0)
			continue;
		r = find_in(cJSON_GetObjectItemCaseSensitive(doc, "Resources"), type, match, key);
		if (r != NULL) {
			*stack = sname;
			return r;
		}
	}
	return NULL;
}

const cJSON *iam_find(const struct stack_rctx *c, const char *type, const char *name,
		      const char **stack)
{
	return iam_find_by(c, type, same_name, name, stack);
}

int iam_check_unique(const struct stack_rctx *c, const char *type, const char *name,
		     const char *what, struct fg_err *err)
{
	const char *stack;
	const cJSON *r = iam_find(c, type, name, &stack);

	if (r == NULL)
		return 0;
	stack_handler_err(c, err, "Iam", 409, "EntityAlreadyExists", "", "%s with name %s "
			  "already exists.", what, name);
	fg_err_prefix(err, "%s %s of stack %s has this name. ", type,
		      iam_str(r, "LogicalId"), stack);
	return -1;
}

static bool name_char(char ch)
{
	return isalnum((unsigned char)ch) || strchr("+=,.@_-", ch) != NULL;
}

int iam_check_name(const struct stack_rctx *c, const char *prop, const char *field,
		   const char *name, size_t max, struct fg_err *err)
{
	size_t n = strlen(name);

	if (n > max)
		return stack_handler_err(c, err, "Iam", 400, "ValidationError", prop, "1 validation "
					 "error detected: Value at '%s' failed to satisfy "
					 "constraint: Member must have length less than or equal "
					 "to %zu", field, max);
	for (size_t i = 0; i < n; i++)
		if (!name_char(name[i]))
			n = 0;
	if (n == 0)
		return stack_handler_err(c, err, "Iam", 400, "ValidationError", prop, "The "
					 "specified value for %s is invalid. It must contain only "
					 "alphanumeric characters and/or the following: +=,.@_-",
					 field);
	return 0;
}

int iam_check_path(const struct stack_rctx *c, const cJSON *props, const char **path,
		   struct fg_err *err)
{
	size_t n;

	if (stack_opt_str(c, props, "Path", "Path", path, err) != 0)
		return -1;
	if (*path == NULL) {
		*path = "/";
		return 0;
	}
	n = strlen(*path);
	for (size_t i = 0; i < n; i++)
		if ((*path)[i] < 0x21 || (*path)[i] > 0x7e)
			n = 0;
	if (n == 0 || n > 512 || (*path)[0] != '/' || (*path)[n - 1] != '/')
		return stack_handler_err(c, err, "Iam", 400, "ValidationError", "Path", "The "
					 "specified value for path is invalid. It must begin and end "
					 "with / and contain only alphanumeric characters and/or / "
					 "characters.");
	return 0;
}

void iam_name(const struct stack_rctx *c, const char *given, size_t max, char phys[256])
{
	char full[256];
	const char *suffix;
	size_t s = strlen(c->stack_name), g = strlen(c->logical_id), budget = max - 13 - 2;

	if (given != NULL) {
		snprintf(phys, 256, "%s", given);
		return;
	}
	if (phys[0] != '\0')
		return; /* pinned, or the name CloudFormation generated before */
	stack_default_physical_id(c, full);
	suffix = full + strlen(full) - 13;
	if (s + g > budget) { /* CloudFormation shortens both parts to fit */
		size_t half = budget / 2;

		if (s <= half)
			g = budget - s;
		else if (g <= half)
			s = budget - g;
		else {
			s = half;
			g = budget - half;
		}
	}
	snprintf(phys, 256, "%.*s-%.*s-%s", (int)s, c->stack_name, (int)g, c->logical_id, suffix);
}

/* ---------------------------------------------------------- policy documents */

static int doc_error(const struct stack_rctx *c, struct fg_err *err, const char *prop,
		     const struct policy_error *pe)
{
	char path[700], at[900], tail[1500];
	size_t n;

	snprintf(path, sizeof(path), "%s%s%s", prop, pe->where[0] ? "." : "", pe->where);
	stack_handler_err(c, err, "Iam", 400, "MalformedPolicyDocument", path, "%s", pe->message);
	if (pe->sid[0])
		snprintf(at, sizeof(at), "%s (Sid %s)", path, pe->sid);
	else
		snprintf(at, sizeof(at), "%s", path);
	snprintf(tail, sizeof(tail), " frontgate: %s: %s", at, pe->detail);
	n = strlen(err->message);
	snprintf(err->message + n, sizeof(err->message) - n, "%s", tail);
	return -1;
}

int iam_check_document(const struct stack_rctx *c, const cJSON *v, const char *prop,
		       enum policy_kind kind, size_t *size, struct fg_err *err)
{
	struct policy_error pe;
	cJSON *parsed = NULL;
	const cJSON *doc = v;
	char *text;
	int rc;

	if (cJSON_IsString(v)) {
		parsed = policy_parse(v->valuestring, kind, &pe);
		if (parsed == NULL)
			return doc_error(c, err, prop, &pe);
		doc = parsed;
	} else if (!cJSON_IsObject(v)) {
		return stack_schema_err(c, err, prop, "#/%s: expected type: JSONObject, found: %s",
					prop, stack_json_kind(v));
	}
	rc = policy_validate(doc, kind, &pe);
	if (rc == 0 && size != NULL) {
		text = cJSON_PrintUnformatted(doc);
		*size = text ? strlen(text) : 0;
		free(text);
	}
	cJSON_Delete(parsed);
	return rc == 0 ? 0 : doc_error(c, err, prop, &pe);
}

int iam_check_inline(const struct stack_rctx *c, const cJSON *props, const char *entity,
		     const char *name, size_t limit, struct fg_err *err)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(props, "Policies"), *p;
	size_t total = 0, i = 0;
	char where[64];

	if (list == NULL)
		return 0;
	if (!cJSON_IsArray(list))
		return stack_schema_err(c, err, "Policies", "#/Policies: expected type: JSONArray, "
					"found: %s", stack_json_kind(list));
	cJSON_ArrayForEach(p, list) {
		const char *pname = iam_str(p, "PolicyName");
		size_t size = 0;

		snprintf(where, sizeof(where), "Policies[%zu]", i);
		if (!cJSON_IsObject(p))
			return stack_schema_err(c, err, where, "#/Policies/%zu: expected type: "
						"JSONObject, found: %s", i, stack_json_kind(p));
		if (cJSON_GetObjectItemCaseSensitive(p, "PolicyDocument") == NULL)
			return stack_schema_err(c, err, where, "#/Policies/%zu: required key "
						"[PolicyDocument] not found", i);
		if (pname == NULL)
			return stack_schema_err(c, err, where, "#/Policies/%zu: required key "
						"[PolicyName] not found", i);
		snprintf(where, sizeof(where), "Policies[%zu].PolicyName", i);
		if (iam_check_name(c, where, "policyName", pname, 128, err) != 0)
			return -1;
		snprintf(where, sizeof(where), "Policies[%zu].PolicyDocument", i);
		if (iam_check_document(c, cJSON_GetObjectItemCaseSensitive(p, "PolicyDocument"),
				       where, POLICY_IDENTITY, &size, err) != 0)
			return -1;
		total += size;
		i++;
	}
	if (total > limit)
		return stack_handler_err(c, err, "Iam", 409, "LimitExceeded", "Policies", "Maximum "
					 "policy size of %zu bytes exceeded for %s %s", limit,
					 entity, name);
	return 0;
}

int iam_check_managed_arns(const struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(props, "ManagedPolicyArns"), *a;
	const char *stack;

	if (list == NULL)
		return 0;
	if (!cJSON_IsArray(list))
		return stack_schema_err(c, err, "ManagedPolicyArns", "#/ManagedPolicyArns: expected "
					"type: JSONArray, found: %s", stack_json_kind(list));
	cJSON_ArrayForEach(a, list) {
		const char *arn = cJSON_IsString(a) ? a->valuestring : NULL;

		if (arn == NULL)
			return stack_schema_err(c, err, "ManagedPolicyArns", "#/ManagedPolicyArns: "
						"expected type: String, found: %s",
						stack_json_kind(a));
		if (strncmp(arn, "arn:aws:iam::", 13) != 0 || strstr(arn, ":policy/") == NULL)
			return stack_handler_err(c, err, "Iam", 400, "InvalidInput",
						 "ManagedPolicyArns", "ARN %s is not valid.", arn);
		if (strncmp(arn, "arn:aws:iam::aws:policy/", 24) == 0) {
			if (iam_aws_managed(arn) == NULL)
				stack_warn(c, "ManagedPolicyArns: %s is an AWS managed policy "
					   "frontgate does not emulate: it grants nothing here (emulated: "
					   "AdministratorAccess, AmazonAPIGatewayInvokeFullAccess, "
					   "AmazonAPIGatewayAdministrator, ReadOnlyAccess)", arn);
			continue;
		}
		if (iam_find(c, IAM_MANAGED, arn, &stack) == NULL)
			return stack_handler_err(c, err, "Iam", 404, "NoSuchEntity",
						 "ManagedPolicyArns", "Policy %s does not exist or is "
						 "not attachable.", arn);
	}
	return 0;
}

int iam_check_members(const struct stack_rctx *c, const cJSON *props, const char *prop,
		      const char *type, const char *what, struct fg_err *err)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(props, prop), *n;
	const char *stack;

	if (list == NULL)
		return 0;
	if (!cJSON_IsArray(list))
		return stack_schema_err(c, err, prop, "#/%s: expected type: JSONArray, found: %s",
					prop, stack_json_kind(list));
	cJSON_ArrayForEach(n, list) {
		if (!cJSON_IsString(n))
			return stack_schema_err(c, err, prop, "#/%s: expected type: String, found: "
						"%s", prop, stack_json_kind(n));
		if (iam_find(c, type, n->valuestring, &stack) == NULL)
			return stack_handler_err(c, err, "Iam", 404, "NoSuchEntity", prop, "The %s "
						 "with name %s cannot be found.", what,
						 n->valuestring);
	}
	return 0;
}

/* Who uses access key id in resources (an AccessKey, or a role's SessionCredentials). */
static const char *key_user(const cJSON *resources, const char *id)
{
	const cJSON *r, *s;

	cJSON_ArrayForEach(r, resources) {
		const char *t = iam_str(r, "Type");
		const cJSON *sc;

		if (t != NULL && strcmp(t, IAM_KEY) == 0 && iam_str(r, "PhysicalId") != NULL &&
		    strcmp(iam_str(r, "PhysicalId"), id) == 0)
			return iam_str(r, "LogicalId");
		if (t == NULL || strcmp(t, IAM_ROLE) != 0)
			continue;
		sc = cJSON_GetObjectItemCaseSensitive(iam_frontgate_meta(
			cJSON_GetObjectItemCaseSensitive(r, "Metadata")), "SessionCredentials");
		if (cJSON_IsObject(sc) && iam_str(sc, "AccessKeyId") != NULL &&
		    strcmp(iam_str(sc, "AccessKeyId"), id) == 0)
			return iam_str(r, "LogicalId");
		cJSON_ArrayForEach(s, (cJSON_IsArray(sc) ? sc : NULL))
			if (iam_str(s, "AccessKeyId") != NULL &&
			    strcmp(iam_str(s, "AccessKeyId"), id) == 0)
				return iam_str(r, "LogicalId");
	}
	return NULL;
}

int iam_check_key_free(const struct stack_rctx *c, const char *id, const char *where,
		       struct fg_err *err)
{
	const cJSON *doc;
	const char *who = key_user(c->deployed, id), *stack = c->stack_name;
	char path[300];

	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		if (who != NULL)
			break;
		if (strcmp(iam_str(doc, "Name"), c->stack_name) == 0)
			continue;
		who = key_user(cJSON_GetObjectItemCaseSensitive(doc, "Resources"), id);
		stack = iam_str(doc, "Name");
	}
	if (who == NULL)
		return 0;
	fg_err_set(err, 409, "AlreadyExists", "Resources.%s: access key id %s is already used by "
		   "resource %s in stack %s (access key ids are unique across stacks and "
		   "accounts)", c->logical_id, id, who, stack);
	snprintf(path, sizeof(path), "Resources.%s.%s", c->logical_id, where);
	fg_err_at(err, c->logical_id, path);
	return -1;
}

/* -------------------------------------------------------------------- User */

static int user_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *name = NULL, *path;

	if (stack_opt_str(c, props, "UserName", "UserName", &name, err) != 0 ||
	    (name != NULL && iam_check_name(c, "UserName", "userName", name, 64, err) != 0) ||
	    iam_check_path(c, props, &path, err) != 0 ||
	    iam_check_members(c, props, "Groups", IAM_GROUP, "group", err) != 0 ||
	    iam_check_managed_arns(c, props, err) != 0)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(props, "PermissionsBoundary") != NULL)
		stack_warn(c, "PermissionsBoundary is stored, not applied: frontgate does not "
			   "emulate permissions boundaries");
	if (cJSON_GetObjectItemCaseSensitive(props, "LoginProfile") != NULL)
		stack_warn(c, "LoginProfile is stored: frontgate has no console sign-in");
	return iam_check_inline(c, props, "user", name ? name : c->logical_id, 2048, err);
}

static int user_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		       cJSON *state, struct fg_err *err)
{
	const char *path = iam_str(props, "Path") ? iam_str(props, "Path") : "/";
	char arn[700], id[32];

	iam_name(c, iam_str(props, "UserName"), 64, phys);
	if (iam_check_name(c, "UserName", "userName", phys, 64, err) != 0 ||
	    iam_check_unique(c, IAM_USER, phys, "User", err) != 0)
		return -1;
	snprintf(arn, sizeof(arn), "arn:aws:iam::%s:user%s%s", c->account, path, phys);
	memcpy(id, "AIDA", 4);
	stack_derived_id(c, "user-id", IAM_ID_ALPHABET, 17, id + 4);
	cJSON_AddStringToObject(attrs, "Arn", arn);
	cJSON_AddStringToObject(state, "UserId", id);
	return 0;
}

static const struct stack_rtype user_type = {
	.type = IAM_USER, .validate = user_validate, .create = user_create,
};

/* ------------------------------------------------------------------- Group */

static int group_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *name = NULL, *path;

	if (stack_opt_str(c, props, "GroupName", "GroupName", &name, err) != 0 ||
	    (name != NULL && iam_check_name(c, "GroupName", "groupName", name, 128, err) != 0) ||
	    iam_check_path(c, props, &path, err) != 0 || iam_check_managed_arns(c, props, err) != 0)
		return -1;
	return iam_check_inline(c, props, "group", name ? name : c->logical_id, 5120, err);
}

static int group_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
			cJSON *state, struct fg_err *err)
{
	const char *path = iam_str(props, "Path") ? iam_str(props, "Path") : "/";
	char arn[700];

	iam_name(c, iam_str(props, "GroupName"), 128, phys);
	if (iam_check_name(c, "GroupName", "groupName", phys, 128, err) != 0 ||
	    iam_check_unique(c, IAM_GROUP, phys, "Group", err) != 0)
		return -1;
	snprintf(arn, sizeof(arn), "arn:aws:iam::%s:group%s%s", c->account, path, phys);
	cJSON_AddStringToObject(attrs, "Arn", arn);
	return 0;
}

static const struct stack_rtype group_type = {
	.type = IAM_GROUP, .validate = group_validate, .create = group_create,
};

/* ----------------------------------------------------- UserToGroupAddition */

static int addition_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const req[] = { "GroupName", "Users", NULL };
	const char *group = NULL, *stack;

	if (stack_require_keys(c, props, req, err) != 0 ||
	    stack_need_str(c, props, "GroupName", &group, err) != 0)
		return -1;
	if (iam_find(c, IAM_GROUP, group, &stack) == NULL)
		return stack_handler_err(c, err, "Iam", 404, "NoSuchEntity", "GroupName", "The group "
					 "with name %s cannot be found.", group);
	return iam_check_members(c, props, "Users", IAM_USER, "user", err);
}

static int addition_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			   cJSON *attrs, cJSON *state, struct fg_err *err)
{
	if (phys[0] == '\0')
		stack_default_physical_id(c, phys);
	return 0;
}

static const struct stack_rtype addition_type = {
	.type = IAM_ADDITION, .validate = addition_validate, .create = addition_create,
};

/* --------------------------------------------------------------- AccessKey */

static bool shaped(const char *s, const char *prefix, size_t n, const char *alphabet)
{
	size_t p = strlen(prefix);

	if (s == NULL || strlen(s) != n || strncmp(s, prefix, p) != 0)
		return false;
	for (s += p; *s; s++)
		if (strchr(alphabet, *s) == NULL)
			return false;
	return true;
}

#define UPPER_DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define SECRET_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

bool iam_key_id_shaped(const char *s, const char *prefix)
{
	return shaped(s, prefix, 20, UPPER_DIGITS);
}

bool iam_secret_shaped(const char *s)
{
	return shaped(s, "", 40, SECRET_ALPHABET);
}

static int meta_err(const struct stack_rctx *c, struct fg_err *err, const char *key,
		    const char *what)
{
	char path[300];

	fg_err_set(err, 400, "ValidationError", "Resources.%s: Metadata.Frontgate.%s must be %s",
		   c->logical_id, key, what);
	snprintf(path, sizeof(path), "Resources.%s.Metadata.Frontgate.%s", c->logical_id, key);
	fg_err_at(err, c->logical_id, path);
	return -1;
}

static int key_meta_check(const struct stack_rctx *c, struct fg_err *err)
{
	const cJSON *fg = iam_frontgate_meta(c->metadata);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(fg, "AccessKeyId");
	const cJSON *secret = cJSON_GetObjectItemCaseSensitive(fg, "SecretAccessKey");
	const cJSON *pin = cJSON_GetObjectItemCaseSensitive(fg, "Id");

	if (id != NULL && !iam_key_id_shaped(cJSON_IsString(id) ? id->valuestring : NULL, "AKIA"))
		return meta_err(c, err, "AccessKeyId", "an access key id: AKIA and 16 upper-case "
				"letters or digits (20 characters)");
	if (pin != NULL && id == NULL &&
	    !iam_key_id_shaped(cJSON_IsString(pin) ? pin->valuestring : NULL, "AKIA"))
		return meta_err(c, err, "Id", "an access key id: AKIA and 16 upper-case letters "
				"or digits (20 characters)");
	if (secret != NULL && !iam_secret_shaped(cJSON_IsString(secret) ? secret->valuestring
								     : NULL))
		return meta_err(c, err, "SecretAccessKey", "a secret access key: 40 characters "
				"from A-Z, a-z, 0-9, + and /");
	return 0;
}

/* AccessKeys of this user in the account, other than this one. */
static int keys_of(const struct stack_rctx *c, const char *user)
{
	const cJSON *doc, *r;
	int n = 0;

	cJSON_ArrayForEach(r, c->deployed)
		n += strcmp(iam_str(r, "Type"), IAM_KEY) == 0 &&
		     iam_str(cJSON_GetObjectItemCaseSensitive(r, "Properties"), "UserName") &&
		     strcasecmp(iam_str(cJSON_GetObjectItemCaseSensitive(r, "Properties"),
					"UserName"), user) == 0;
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		if (strcmp(iam_str(doc, "Name"), c->stack_name) == 0 ||
		    iam_str(doc, "Account") == NULL || strcmp(iam_str(doc, "Account"), c->account))
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			const char *u = iam_str(cJSON_GetObjectItemCaseSensitive(r, "Properties"),
						"UserName");

			n += strcmp(iam_str(r, "Type"), IAM_KEY) == 0 && u != NULL &&
			     strcasecmp(u, user) == 0;
		}
	}
	return n;
}

static int key_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *user = NULL, *status = NULL, *stack;
	long long serial = 0;

	if (stack_need_str(c, props, "UserName", &user, err) != 0 ||
	    stack_opt_str(c, props, "Status", "Status", &status, err) != 0 ||
	    stack_opt_int(c, props, "Serial", "Serial", &serial, err) != 0 ||
	    key_meta_check(c, err) != 0)
		return -1;
	if (status != NULL && strcmp(status, "Active") != 0 && strcmp(status, "Inactive") != 0)
		return stack_schema_err(c, err, "Status", "#/Status: %.60s is not a valid enum value",
					status);
	if (iam_find(c, IAM_USER, user, &stack) == NULL)
		return stack_handler_err(c, err, "Iam", 404, "NoSuchEntity", "UserName", "The user "
					 "with name %s cannot be found.", user);
	if (keys_of(c, user) >= 2)
		return stack_handler_err(c, err, "Iam", 409, "LimitExceeded", "UserName", "Cannot "
					 "exceed quota for AccessKeysPerUser: 2");
	return 0;
}

static int key_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		      cJSON *state, struct fg_err *err)
{
	const cJSON *fg = iam_frontgate_meta(c->metadata);
	const char *id = iam_str(fg, "AccessKeyId"), *secret = iam_str(fg, "SecretAccessKey");
	const cJSON *serial = cJSON_GetObjectItemCaseSensitive(props, "Serial");
	char salt[400], gen[48];

	/* a new Serial or user is a new key (CloudFormation replaces the resource) */
	snprintf(salt, sizeof(salt), "access-key/%s/%lld", iam_str(props, "UserName"),
		 serial ? (long long)(cJSON_IsString(serial) ? atoll(serial->valuestring)
							      : serial->valuedouble) : 0LL);
	if (id != NULL) {
		snprintf(phys, 256, "%s", id);
	} else if (iam_str(fg, "Id") == NULL) { /* else phys holds the pinned (checked) Id */
		memcpy(phys, "AKIA", 4);
		stack_derived_id(c, salt, IAM_ID_ALPHABET, 16, phys + 4);
	}
	if (iam_check_key_free(c, phys, "Metadata.Frontgate.AccessKeyId", err) != 0)
		return -1;
	if (secret == NULL) {
		strcat(salt, "/secret");
		stack_derived_id(c, salt, SECRET_ALPHABET, 40, gen);
		secret = gen;
	}
	cJSON_AddStringToObject(attrs, "SecretAccessKey", secret);
	return 0;
}

static const struct stack_rtype key_type = {
	.type = IAM_KEY, .validate = key_validate, .create = key_create,
};

void iam_types_register(struct stack_registry *r, void *svc)
{
	stack_registry_add(r, &user_type, svc);
	stack_registry_add(r, &group_type, svc);
	stack_registry_add(r, &addition_type, svc);
	stack_registry_add(r, &key_type, svc);
}
