/*
 * stack_schema.c: what every emulated resource type shares when it checks its properties —
 * CloudFormation's two error shapes (its own schema check, "Properties validation failed for
 * resource X with message: #/Key: ...", and a service API error relayed by the resource
 * handler, "Resource handler returned message: \"... (Service: S, Status Code: N)\""), typed
 * property readers that answer with the schema messages, and warnings for what is accepted
 * but not emulated.
 */
#include "stack/stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void locate(const struct stack_rctx *c, struct fg_err *err, const char *property)
{
	char path[512];

	snprintf(path, sizeof(path), "Resources.%s.Properties%s%s", c->logical_id,
		 property && property[0] ? "." : "", property ? property : "");
	fg_err_at(err, c->logical_id, path);
}

int stack_schema_err(const struct stack_rctx *c, struct fg_err *err, const char *property,
		     const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fg_err_set(err, 400, "ValidationError",
		   "Properties validation failed for resource %s with message: %s",
		   c->logical_id, msg);
	locate(c, err, property);
	return -1;
}

int stack_handler_err(const struct stack_rctx *c, struct fg_err *err, const char *service,
		      int aws_status, const char *code, const char *property, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the control API answers 409 for conflicts and 400 for every other bad template */
	fg_err_set(err, aws_status == 409 ? 409 : 400, code,
		   "Resource handler returned message: \"%s (Service: %s, Status Code: %d)\" "
		   "(HandlerErrorCode: %s)", msg, service, aws_status,
		   aws_status == 404 ? "NotFound" : aws_status == 409 ? "AlreadyExists"
							: "InvalidRequest");
	locate(c, err, property);
	return -1;
}

const char *stack_json_kind(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "String";
	if (cJSON_IsNumber(v))
		return "Integer";
	if (cJSON_IsBool(v))
		return "Boolean";
	if (cJSON_IsArray(v))
		return "JSONArray";
	if (cJSON_IsObject(v))
		return "JSONObject";
	return "Null";
}

int stack_require_keys(const struct stack_rctx *c, const cJSON *props,
		       const char *const *keys, struct fg_err *err)
{
	for (; *keys != NULL; keys++) {
		if (cJSON_GetObjectItemCaseSensitive(props, *keys) == NULL)
			return stack_schema_err(c, err, "", "#: required key [%s] not found", *keys);
	}
	return 0;
}

int stack_need_str(const struct stack_rctx *c, const cJSON *props, const char *k,
		   const char **out, struct fg_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, k);

	if (v == NULL)
		return stack_schema_err(c, err, k, "#: required key [%s] not found", k);
	if (!cJSON_IsString(v))
		return stack_schema_err(c, err, k, "#/%s: expected type: String, found: %s", k,
					stack_json_kind(v));
	*out = v->valuestring;
	return 0;
}

int stack_opt_str(const struct stack_rctx *c, const cJSON *props, const char *k,
		  const char *where, const char **out, struct fg_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, k);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return stack_schema_err(c, err, where, "#/%s: expected type: String, found: %s",
					where, stack_json_kind(v));
	*out = v->valuestring;
	return 0;
}

int stack_opt_bool(const struct stack_rctx *c, const cJSON *props, const char *k, bool *out,
		   struct fg_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, k);

	if (v == NULL)
		return 0;
	if (cJSON_IsBool(v))
		*out = cJSON_IsTrue(v);
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0)
		*out = true;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "false") == 0)
		*out = false;
	else
		return stack_schema_err(c, err, k, "#/%s: expected type: Boolean, found: %s", k,
					stack_json_kind(v));
	return 0;
}

int stack_opt_int(const struct stack_rctx *c, const cJSON *props, const char *k,
		  const char *where, long long *out, struct fg_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, k);
	char *end;

	if (v == NULL)
		return 0;
	if (cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble) {
		*out = (long long)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v) && v->valuestring[0]) {
		long long n = strtoll(v->valuestring, &end, 10);

		if (*end == '\0') {
			*out = n;
			return 0;
		}
	}
	return stack_schema_err(c, err, where, "#/%s: expected type: Integer, found: %s", where,
				stack_json_kind(v));
}

int stack_opt_str_map(const struct stack_rctx *c, const cJSON *props, const char *k,
		      const char *where, struct fg_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, k), *it;

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return stack_schema_err(c, err, where, "#/%s: expected type: JSONObject, found: %s",
					where, stack_json_kind(v));
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) && !cJSON_IsBool(it))
			return stack_schema_err(c, err, where,
						"#/%s/%s: expected type: String, found: %s", where,
						it->string, stack_json_kind(it));
	}
	return 0;
}

void stack_warn(const struct stack_rctx *c, const char *fmt, ...)
{
	char msg[800], line[1000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "Resources.%s: %s", c->logical_id, msg);
	if (c->warnings != NULL)
		cJSON_AddItemToArray(c->warnings, cJSON_CreateString(line));
}
