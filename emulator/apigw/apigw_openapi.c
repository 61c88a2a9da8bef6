/*
 * apigw_openapi.c: AWS::ApiGateway::RestApi Body — an OpenAPI 3 or Swagger 2 document with
 * API Gateway's extensions — imported into the same shapes the resource-by-resource form
 * produces, so both deploy the same API.
 *
 * What is read: paths (each prefix becomes a resource, ids derived from the API id and the
 * path), the operations get/put/post/delete/patch/head/options and
 * x-amazon-apigateway-any-method, x-amazon-apigateway-integration (type, httpMethod, uri,
 * requestTemplates, requestParameters, passthroughBehavior, timeoutInMillis, responses),
 * security requirements (a scheme with x-amazon-apigateway-authtype awsSigv4 -> AWS_IAM, an
 * x-api-key header scheme -> ApiKeyRequired, x-amazon-apigateway-authorizer -> CUSTOM /
 * COGNITO_USER_POOLS), x-amazon-apigateway-binary-media-types,
 * x-amazon-apigateway-gateway-responses, x-amazon-apigateway-api-key-source and
 * x-amazon-apigateway-policy. The result goes in the RestApi's State ("Imported") and the
 * Deployment snapshot takes it like declared resources and methods.
 */
#include "apigw/apigw_priv.h"

#include <ctype.h>
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

static int import_err(const struct stack_rctx *c, struct fg_err *err, const char *fmt, ...)
	FG_PRINTF(3, 4);

static int import_err(const struct stack_rctx *c, struct fg_err *err, const char *fmt, ...)
{
	char msg[1000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return apigw_handler_err(c, err, 400, "BadRequestException", "Body",
				 "Errors found during import: %s", msg);
}

static char *upper(const char *s)
{
	char *u = strdup(s ? s : "");

	FG_ASSERT(u != NULL);
	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

/* ------------------------------------------------------------ integrations */

/* responses: {"default": {...}, "4\\d{2}": {...}} -> IntegrationResponses */
static cJSON *integration_responses(const cJSON *responses)
{
	cJSON *list = cJSON_CreateArray();
	const cJSON *r;

	cJSON_ArrayForEach(r, responses) {
		cJSON *o = cJSON_CreateObject();
		const cJSON *sc = prop(r, "statusCode");

		if (strcmp(r->string, "default") != 0)
			cJSON_AddStringToObject(o, "SelectionPattern", r->string);
		if (cJSON_IsNumber(sc)) {
			char buf[16];

			snprintf(buf, sizeof(buf), "%d", (int)sc->valuedouble);
			cJSON_AddStringToObject(o, "StatusCode", buf);
		} else {
			cJSON_AddStringToObject(o, "StatusCode", cJSON_IsString(sc) ? sc->valuestring
										 : "200");
		}
		if (prop(r, "responseParameters"))
			cJSON_AddItemToObject(o, "ResponseParameters",
					      cJSON_Duplicate(prop(r, "responseParameters"), true));
		if (prop(r, "responseTemplates"))
			cJSON_AddItemToObject(o, "ResponseTemplates",
					      cJSON_Duplicate(prop(r, "responseTemplates"), true));
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

static int integration(const struct stack_rctx *c, const char *where, const cJSON *x,
		       cJSON **out, struct fg_err *err)
{
	static const char *const types[] = { "MOCK", "AWS_PROXY", "HTTP_PROXY", "HTTP", "AWS" };
	cJSON *i = cJSON_CreateObject();
	char *type = upper(pstr(x, "type")), *pt;
	bool known = false;

	for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		known |= strcmp(type, types[k]) == 0;
	if (!known) {
		import_err(c, err, "%s: x-amazon-apigateway-integration type '%s' is not one of "
			   "mock, aws_proxy, http_proxy, http, aws", where, pstr(x, "type") ?
			   pstr(x, "type") : "(missing)");
		free(type);
		cJSON_Delete(i);
		return -1;
	}
	cJSON_AddStringToObject(i, "Type", type);
	if (pstr(x, "httpMethod"))
		cJSON_AddItemToObject(i, "IntegrationHttpMethod",
				      cJSON_CreateString(pstr(x, "httpMethod")));
	if (pstr(x, "uri"))
		cJSON_AddStringToObject(i, "Uri", pstr(x, "uri"));
	if (strcmp(type, "MOCK") != 0 && (pstr(x, "uri") == NULL || pstr(x, "httpMethod") == NULL)) {
		import_err(c, err, "%s: an integration of type %s needs uri and httpMethod", where,
			   type);
		free(type);
		cJSON_Delete(i);
		return -1;
	}
	if (prop(x, "timeoutInMillis"))
		cJSON_AddItemToObject(i, "TimeoutInMillis",
				      cJSON_Duplicate(prop(x, "timeoutInMillis"), true));
	if (pstr(x, "passthroughBehavior")) {
		pt = upper(pstr(x, "passthroughBehavior"));
		cJSON_AddStringToObject(i, "PassthroughBehavior", pt);
		free(pt);
	}
	if (prop(x, "requestTemplates"))
		cJSON_AddItemToObject(i, "RequestTemplates",
				      cJSON_Duplicate(prop(x, "requestTemplates"), true));
	if (prop(x, "requestParameters"))
		cJSON_AddItemToObject(i, "RequestParameters",
				      cJSON_Duplicate(prop(x, "requestParameters"), true));
	if (prop(x, "responses"))
		cJSON_AddItemToObject(i, "IntegrationResponses",
				      integration_responses(prop(x, "responses")));
	free(type);
	*out = i;
	return 0;
}

/* ---------------------------------------------------------------- security */

static const cJSON *scheme(const cJSON *doc, const char *name)
{
	const cJSON *s = prop(prop(prop(doc, "components"), "securitySchemes"), name);

	return s ? s : prop(prop(doc, "securityDefinitions"), name);
}

/* AuthorizationType and ApiKeyRequired from the operation's (or the document's) security. */
static void security(const cJSON *doc, const cJSON *op, cJSON *m)
{
	const cJSON *reqs = prop(op, "security") ? prop(op, "security") : prop(doc, "security");
	const cJSON *req, *name;
	const char *auth = "NONE";
	bool key = false;

	cJSON_ArrayForEach(req, reqs) {
		cJSON_ArrayForEach(name, req) {
			const cJSON *s = scheme(doc, name->string);
			const char *at = pstr(s, "x-amazon-apigateway-authtype");
			const cJSON *authz = prop(s, "x-amazon-apigateway-authorizer");

			if (at != NULL && strcmp(at, "awsSigv4") == 0)
				auth = "AWS_IAM";
			else if (authz != NULL)
				auth = strcmp(pstr(authz, "type") ? pstr(authz, "type") : "",
					      "cognito_user_pools") == 0 ? "COGNITO_USER_POOLS"
									 : "CUSTOM";
			else if (pstr(s, "type") && strcmp(pstr(s, "type"), "apiKey") == 0)
				key = true;
		}
	}
	cJSON_AddStringToObject(m, "AuthorizationType", auth);
	cJSON_AddBoolToObject(m, "ApiKeyRequired", key);
}

/* ------------------------------------------------------------------- paths */

struct import {
	const struct stack_rctx *c;
	const cJSON *doc;
	const char *api_id, *root_id;
	cJSON *resources, *methods;
};

/* The resource id of path (creating it and its ancestors); NULL after an error. */
static const char *resource_for(struct import *im, const char *path, size_t len,
				struct fg_err *err)
{
	const cJSON *r;
	char full[1024], salt[1100], id[8];
	const char *parent, *slash, *part;

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len <= 1)
		return im->root_id;
	snprintf(full, sizeof(full), "%.*s", (int)len, path);
	cJSON_ArrayForEach(r, im->resources) {
		if (strcmp(pstr(r, "Path"), full) == 0)
			return pstr(r, "Id");
	}
	slash = strrchr(full, '/');
	parent = resource_for(im, full, (size_t)(slash - full), err);
	if (parent == NULL)
		return NULL;
	part = slash + 1;
	cJSON_ArrayForEach(r, im->resources) {
		const char *pp = pstr(r, "PathPart");

		if (strcmp(pstr(r, "Id"), parent) == 0 && strlen(pp) >= 3 &&
		    pp[strlen(pp) - 2] == '+') {
			import_err(im->c, err, "Unable to create resource at path '%s': Cannot "
				   "create a child of a resource with a greedy path variable: %s",
				   full, pp);
			return NULL;
		}
	}
	snprintf(salt, sizeof(salt), "import|%s|%s", im->api_id, full);
	stack_derived_id(im->c, salt, APIGW_ID_ALPHABET, 6, id);
	r = cJSON_CreateObject();
	cJSON_AddStringToObject((cJSON *)r, "Id", id);
	cJSON_AddStringToObject((cJSON *)r, "ParentId", parent);
	cJSON_AddStringToObject((cJSON *)r, "PathPart", part);
	cJSON_AddStringToObject((cJSON *)r, "Path", full);
	cJSON_AddItemToArray(im->resources, (cJSON *)r);
	return pstr(r, "Id");
}

static bool part_ok(const char *p, size_t n)
{
	const char *chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t inner;

	if (n == 0)
		return false;
	if (p[0] != '{') {
		for (size_t i = 0; i < n; i++)
			if (!strchr(chars, p[i]))
				return false;
		return true;
	}
	if (n < 3 || p[n - 1] != '}')
		return false;
	inner = n - 2 - (p[n - 2] == '+');
	for (size_t i = 1; i <= inner; i++)
		if (!strchr(chars, p[i]))
			return false;
	return inner > 0;
}

static int path_ok(struct import *im, const char *path, struct fg_err *err)
{
	const char *p = path;

	if (p[0] != '/')
		return import_err(im->c, err, "Unable to create resource at path '%s': paths "
				  "start with '/'", path);
	while (*p) {
		size_t n;

		p++;
		n = strcspn(p, "/");
		if ((n > 0 || p[n] != '\0') && !part_ok(p, n))
			return import_err(im->c, err, "Unable to create resource at path '%s': "
					  "Resource's path part only allow a-zA-Z0-9._- and curly "
					  "braces at the beginning and the end and an optional plus "
					  "sign before the closing brace.", path);
		p += n;
	}
	return 0;
}

static const char *verb_of(const char *key)
{
	static const char *const ops[][2] = {
		{ "get", "GET" }, { "put", "PUT" }, { "post", "POST" }, { "delete", "DELETE" },
		{ "patch", "PATCH" }, { "head", "HEAD" }, { "options", "OPTIONS" },
		{ "x-amazon-apigateway-any-method", "ANY" },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(key, ops[i][0]) == 0)
			return ops[i][1];
	}
	return NULL;
}

static int operation(struct import *im, const char *path, const char *rid, const cJSON *op,
		     const char *verb, struct fg_err *err)
{
	const cJSON *x = prop(op, "x-amazon-apigateway-integration");
	cJSON *m = cJSON_CreateObject(), *integ = NULL;
	char where[1100];

	snprintf(where, sizeof(where), "%s %s", verb, path);
	cJSON_AddStringToObject(m, "RestApiId", im->api_id);
	cJSON_AddStringToObject(m, "ResourceId", rid);
	cJSON_AddStringToObject(m, "HttpMethod", verb);
	security(im->doc, op, m);
	if (x != NULL) {
		if (integration(im->c, where, x, &integ, err) != 0) {
			cJSON_Delete(m);
			return -1;
		}
		cJSON_AddItemToObject(m, "Integration", integ);
	}
	cJSON_AddItemToArray(im->methods, m);
	return 0;
}

static int import_paths(struct import *im, struct fg_err *err)
{
	const cJSON *path, *op;

	cJSON_ArrayForEach(path, prop(im->doc, "paths")) {
		const char *rid;

		if (path_ok(im, path->string, err) != 0)
			return -1;
		rid = resource_for(im, path->string, strlen(path->string), err);
		if (rid == NULL)
			return -1;
		cJSON_ArrayForEach(op, path) {
			const char *verb = verb_of(op->string);

			if (verb != NULL && operation(im, path->string, rid, op, verb, err) != 0)
				return -1;
		}
	}
	return 0;
}

/* x-amazon-apigateway-gateway-responses -> GatewayResponse properties */
static cJSON *gateway_responses(const cJSON *doc)
{
	cJSON *list = cJSON_CreateArray();
	const cJSON *g;

	cJSON_ArrayForEach(g, prop(doc, "x-amazon-apigateway-gateway-responses")) {
		cJSON *o = cJSON_CreateObject();
		const cJSON *sc = prop(g, "statusCode");

		cJSON_AddStringToObject(o, "ResponseType", g->string);
		if (sc != NULL)
			cJSON_AddItemToObject(o, "StatusCode", cJSON_Duplicate(sc, true));
		if (prop(g, "responseParameters"))
			cJSON_AddItemToObject(o, "ResponseParameters",
					      cJSON_Duplicate(prop(g, "responseParameters"), true));
		if (prop(g, "responseTemplates"))
			cJSON_AddItemToObject(o, "ResponseTemplates",
					      cJSON_Duplicate(prop(g, "responseTemplates"), true));
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

/* The Body as a JSON object (CloudFormation also takes it as a JSON string). */
static const cJSON *body_doc(const struct stack_rctx *c, const cJSON *body, cJSON **owned,
			     struct fg_err *err)
{
	*owned = NULL;
	if (cJSON_IsString(body)) {
		*owned = cJSON_Parse(body->valuestring);
		body = *owned;
	}
	if (!cJSON_IsObject(body)) {
		apigw_handler_err(c, err, 400, "BadRequestException", "Body",
				  "Failed to parse the uploaded OpenAPI document due to: the Body "
				  "is not a JSON or YAML object");
		return NULL;
	}
	if (pstr(body, "swagger") == NULL && pstr(body, "openapi") == NULL) {
		apigw_handler_err(c, err, 400, "BadRequestException", "Body",
				  "Failed to parse the uploaded OpenAPI document due to: it has "
				  "neither 'openapi' (3.x) nor 'swagger' (2.0)");
		return NULL;
	}
	return body;
}

int apigw_openapi_validate(const struct stack_rctx *c, const cJSON *body, struct fg_err *err)
{
	cJSON *owned, *state = cJSON_CreateObject();
	struct stack_rctx quiet = *c; /* create() imports again and warns then */
	int rc = -1;

	quiet.warnings = NULL;
	if (body_doc(c, body, &owned, err) != NULL)
		rc = apigw_openapi_import(&quiet, "validate0", "root000000", body, state, err);
	cJSON_Delete(owned);
	cJSON_Delete(state);
	return rc;
}

int apigw_openapi_import(const struct stack_rctx *c, const char *api_id, const char *root_id,
			 const cJSON *body, cJSON *state, struct fg_err *err)
{
	cJSON *owned, *imported;
	const cJSON *doc = body_doc(c, body, &owned, err), *x;
	struct import im;

	if (doc == NULL)
		return -1;
	memset(&im, 0, sizeof(im));
	im.c = c;
	im.doc = doc;
	im.api_id = api_id;
	im.root_id = root_id;
	imported = cJSON_CreateObject();
	im.resources = cJSON_AddArrayToObject(imported, "Resources");
	im.methods = cJSON_AddArrayToObject(imported, "Methods");
	if (import_paths(&im, err) != 0) {
		cJSON_Delete(imported);
		cJSON_Delete(owned);
		return -1;
	}
	cJSON_AddItemToObject(imported, "GatewayResponses", gateway_responses(doc));
	x = prop(doc, "x-amazon-apigateway-binary-media-types");
	cJSON_AddItemToObject(imported, "BinaryMediaTypes",
			      cJSON_IsArray(x) ? cJSON_Duplicate(x, true) : cJSON_CreateArray());
	if (pstr(doc, "x-amazon-apigateway-api-key-source"))
		cJSON_AddStringToObject(imported, "ApiKeySourceType",
					pstr(doc, "x-amazon-apigateway-api-key-source"));
	if (prop(doc, "x-amazon-apigateway-policy") != NULL) {
		cJSON_AddItemToObject(imported, "Policy",
				      cJSON_Duplicate(prop(doc, "x-amazon-apigateway-policy"), true));
	}
	if (pstr(prop(doc, "info"), "title"))
		cJSON_AddStringToObject(imported, "Title", pstr(prop(doc, "info"), "title"));
	cJSON_AddItemToObject(state, "Imported", imported);
	cJSON_Delete(owned);
	return 0;
}
