/*
 * apigw_cfn.c: what the CloudFormation types of the apigw module share — AWS's error shapes as
 * CloudFormation reports them, typed property readers that answer with CloudFormation's schema
 * messages, warnings, deterministic ids, and walking an API's resources across stacks.
 */
#include "apigw/apigw_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cJSON *prop(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *pstr(const cJSON *o, const char *k)
{
	const cJSON *v = prop(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* CloudFormation's report of a failed handler call: the service's own message. */
int apigw_handler_err(const struct stack_rctx *c, struct fg_err *err, int status,
		      const char *code, const char *property, const char *fmt, ...)
{
	char msg[1200], path[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fg_err_set(err, status, code, "Resource handler returned message: \"%s (Service: "
		   "ApiGateway, Status Code: %d)\" (HandlerErrorCode: %s)", msg, status,
		   status == 404 ? "NotFound" : status == 409 ? "AlreadyExists" : "InvalidRequest");
	if (property != NULL) {
		snprintf(path, sizeof(path), "Resources.%s.Properties.%s", c->logical_id, property);
		fg_err_at(err, c->logical_id, path);
	}
	return -1;
}

/* CloudFormation's own schema check (before any handler runs). */
int apigw_schema_err(const struct stack_rctx *c, struct fg_err *err, const char *property,
		     const char *fmt, ...)
{
	char msg[1200], path[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fg_err_set(err, 400, "ValidationError",
		   "Properties validation failed for resource %s with message: %s",
		   c->logical_id, msg);
	snprintf(path, sizeof(path), "Resources.%s.Properties%s%s", c->logical_id,
		 property ? "." : "", property ? property : "");
	fg_err_at(err, c->logical_id, path);
	return -1;
}

const char *apigw_json_kind(const cJSON *v)
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

/* A required string property. */
int apigw_need_str(const struct stack_rctx *c, const cJSON *props, const char *k,
		   const char **out, struct fg_err *err)
{
	const cJSON *v = prop(props, k);

	if (v == NULL)
		return apigw_schema_err(c, err, k, "#: required key [%s] not found", k);
	if (!cJSON_IsString(v))
		return apigw_schema_err(c, err, k, "#/%s: expected type: String, found: %s", k,
					apigw_json_kind(v));
	*out = v->valuestring;
	return 0;
}

/* An optional string property (NULL when absent). */
int apigw_opt_str(const struct stack_rctx *c, const cJSON *props, const char *k,
		  const char *where, const char **out, struct fg_err *err)
{
	const cJSON *v = prop(props, k);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return apigw_schema_err(c, err, where, "#/%s: expected type: String, found: %s",
					where, apigw_json_kind(v));
	*out = v->valuestring;
	return 0;
}

/* An optional boolean (true/false or the strings CloudFormation also accepts). */
int apigw_opt_bool(const struct stack_rctx *c, const cJSON *props, const char *k, bool *out,
		   struct fg_err *err)
{
	const cJSON *v = prop(props, k);

	if (v == NULL)
		return 0;
	if (cJSON_IsBool(v))
		*out = cJSON_IsTrue(v);
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0)
		*out = true;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "false") == 0)
		*out = false;
	else
		return apigw_schema_err(c, err, k, "#/%s: expected type: Boolean, found: %s", k,
					apigw_json_kind(v));
	return 0;
}

/* An optional integer (a number or a numeric string, as CloudFormation accepts). */
int apigw_opt_int(const struct stack_rctx *c, const cJSON *props, const char *k,
		  const char *where, long *out, struct fg_err *err)
{
	const cJSON *v = prop(props, k);
	char *end;

	if (v == NULL)
		return 0;
	if (cJSON_IsNumber(v) && v->valuedouble == (double)(long)v->valuedouble) {
		*out = (long)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v) && v->valuestring[0]) {
		*out = strtol(v->valuestring, &end, 10);
		if (*end == '\0')
			return 0;
	}
	return apigw_schema_err(c, err, where, "#/%s: expected type: Integer, found: %s", where,
				apigw_json_kind(v));
}

/* A map of strings (templates, parameters, variables); absent is fine. */
int apigw_opt_str_map(const struct stack_rctx *c, const cJSON *props, const char *k,
		      const char *where, struct fg_err *err)
{
	const cJSON *v = prop(props, k), *it;

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return apigw_schema_err(c, err, where, "#/%s: expected type: JSONObject, found: %s",
					where, apigw_json_kind(v));
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) && !cJSON_IsBool(it))
			return apigw_schema_err(c, err, where,
						"#/%s/%s: expected type: String, found: %s", where,
						it->string, apigw_json_kind(it));
	}
	return 0;
}

void apigw_warn(const struct stack_rctx *c, const char *fmt, ...)
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

/* The physical id: pinned (already in phys), kept (update), or derived from the identity. */
void apigw_derive_id(const struct stack_rctx *c, const char *salt, size_t n, char phys[256])
{
	if (phys[0] == '\0')
		stack_derived_id(c, salt, APIGW_ID_ALPHABET, n, phys);
}

/*
 * Calls f on every deployed resource of this type whose RestApiId is api_id: this stack's
 * resources deployed so far in this change, then the other stacks' (this stack's previous
 * version is being replaced). f returns true to stop; the resource it stopped on is returned.
 */
static const cJSON *apigw_visit_list(const cJSON *list, const char *type, const char *api_id,
				     apigw_visit_f f, void *arg)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, list) {
		const cJSON *props = prop(r, "Properties");
		const char *api = pstr(props, "RestApiId");

		if (strcmp(pstr(r, "Type"), type) == 0 && api != NULL &&
		    strcmp(api, api_id) == 0 && f(r, arg))
			return r;
	}
	return NULL;
}

const cJSON *apigw_visit_api(const struct stack_rctx *c, const char *type, const char *api_id,
			     apigw_visit_f f, void *arg)
{
	const cJSON *doc, *hit = apigw_visit_list(c->deployed, type, api_id, f, arg);

	if (hit != NULL)
		return hit;
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		if (strcmp(pstr(doc, "Name"), c->stack_name) == 0)
			continue;
		hit = apigw_visit_list(prop(doc, "Resources"), type, api_id, f, arg);
		if (hit != NULL)
			return hit;
	}
	return NULL;
}

/* The RestApi a resource names, or the AWS NotFound error. */
const cJSON *apigw_find_api(const struct stack_rctx *c, const cJSON *props,
			    struct fg_err *err)
{
	const char *id = NULL;
	const cJSON *api;

	if (apigw_need_str(c, props, "RestApiId", &id, err) != 0)
		return NULL;
	api = stack_rctx_find(c, "AWS::ApiGateway::RestApi", id);
	if (api == NULL)
		apigw_handler_err(c, err, 404, "NotFoundException", "RestApiId",
				  "Invalid API identifier specified %s:%s", c->account, id);
	return api;
}

