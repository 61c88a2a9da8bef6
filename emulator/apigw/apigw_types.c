/*
 * apigw_types.c: the control plane — AWS::ApiGateway::RestApi, Resource, Method, Deployment,
 * Stage and GatewayResponse as CloudFormation types.
 *
 * Each type validates its resolved properties with AWS's own messages (wrapped the way
 * CloudFormation reports a handler failure: `Resource handler returned message: "..."`), gives
 * the resource an AWS-shaped deterministic id, and adds the attributes Fn::GetAtt reads.
 *
 * A Deployment takes a snapshot of its API — settings, resources, methods, gateway responses —
 * into its private State when it is created, from the resources deployed so far in this change
 * (ctx->deployed) and in the other stacks. Stages serve that snapshot, so changing a method
 * without a new Deployment changes nothing for callers, as in AWS. An update that keeps the
 * Deployment (CloudFormation updates Description or StageName in place) keeps the snapshot.
 *
 * Things accepted but not emulated are stored and named in the stack's Warnings.
 */
#include "apigw/apigw_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T_RESTAPI "AWS::ApiGateway::RestApi"
#define T_RESOURCE "AWS::ApiGateway::Resource"
#define T_METHOD "AWS::ApiGateway::Method"
#define T_DEPLOYMENT "AWS::ApiGateway::Deployment"
#define T_STAGE "AWS::ApiGateway::Stage"
#define T_GWRESP "AWS::ApiGateway::GatewayResponse"


/* ------------------------------------------------------------------ helpers */

static const cJSON *prop(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *pstr(const cJSON *o, const char *k)
{
	const cJSON *v = prop(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *attr_of(const cJSON *res, const char *k)
{
	return pstr(prop(res, "Attributes"), k);
}

/* A resource id of the API: its root, or one of its AWS::ApiGateway::Resource. Sets *path_part
 * ("" for the root). */
static bool find_resource(const struct stack_rctx *c, const cJSON *api, const char *id,
			  const char **path_part)
{
	const cJSON *r;

	if (strcmp(attr_of(api, "RootResourceId"), id) == 0) {
		*path_part = "";
		return true;
	}
	r = stack_rctx_find(c, T_RESOURCE, id);
	if (r == NULL || strcmp(pstr(prop(r, "Properties"), "RestApiId"),
				pstr(api, "PhysicalId")) != 0)
		return false;
	*path_part = pstr(prop(r, "Properties"), "PathPart");
	return true;
}

/* ------------------------------------------------------------------ RestApi */

static int endpoint_type(const struct stack_rctx *c, const cJSON *props, const char **out,
			 struct fg_err *err)
{
	const cJSON *ec = prop(props, "EndpointConfiguration"), *types, *t;

	*out = "EDGE"; /* CloudFormation's default */
	if (ec == NULL)
		return 0;
	if (!cJSON_IsObject(ec))
		return stack_schema_err(c, err, "EndpointConfiguration",
				  "#/EndpointConfiguration: expected type: JSONObject, found: %s",
					stack_json_kind(ec));
	types = prop(ec, "Types");
	if (types == NULL)
		return 0;
	if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) != 1)
		return apigw_handler_err(c, err, 400, "BadRequestException",
					 "EndpointConfiguration.Types",
				   "Invalid endpoint configuration: exactly one endpoint type "
					 "must be specified");
	t = cJSON_GetArrayItem(types, 0);
	if (!cJSON_IsString(t) || (strcmp(t->valuestring, "EDGE") != 0 &&
				   strcmp(t->valuestring, "REGIONAL") != 0 &&
				   strcmp(t->valuestring, "PRIVATE") != 0))
		return stack_schema_err(c, err, "EndpointConfiguration.Types",
				  "#/EndpointConfiguration/Types/0: %s is not a valid enum value",
					cJSON_IsString(t) ? t->valuestring : stack_json_kind(t));
	*out = t->valuestring;
	return 0;
}

static int restapi_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *name = NULL, *ep, *src = NULL, *pinned;
	const cJSON *bmt = prop(props, "BinaryMediaTypes"), *it;
	bool b = false;

	if (stack_opt_str(c, props, "Name", "Name", &name, err) != 0 ||
	    stack_opt_str(c, props, "ApiKeySourceType", "ApiKeySourceType", &src, err) != 0 ||
	    stack_opt_bool(c, props, "DisableExecuteApiEndpoint", &b, err) != 0 ||
	    endpoint_type(c, props, &ep, err) != 0)
		return -1;
	if (name == NULL && prop(props, "Body") == NULL && prop(props, "BodyS3Location") == NULL)
		return stack_schema_err(c, err, NULL, "#: required key [Name] not found");
	if (src != NULL && strcmp(src, "HEADER") != 0 && strcmp(src, "AUTHORIZER") != 0)
		return stack_schema_err(c, err, "ApiKeySourceType",
					"#/ApiKeySourceType: %s is not a valid enum value", src);
	if (bmt != NULL && !cJSON_IsArray(bmt))
		return stack_schema_err(c, err, "BinaryMediaTypes",
					"#/BinaryMediaTypes: expected type: JSONArray, found: %s",
					stack_json_kind(bmt));
	cJSON_ArrayForEach(it, bmt) {
		if (!cJSON_IsString(it))
			return stack_schema_err(c, err, "BinaryMediaTypes",
					  "#/BinaryMediaTypes: expected type: String, found: %s",
						stack_json_kind(it));
	}
	if (prop(props, "Body") != NULL && apigw_openapi_validate(c, prop(props, "Body"), err) != 0)
		return -1;
	pinned = pstr(prop(c->metadata, "Frontgate"), "Id");
	if (pinned != NULL && (strlen(pinned) == 0 || strlen(pinned) > 63 ||
			       strspn(pinned, APIGW_ID_ALPHABET) != strlen(pinned)))
		return stack_schema_err(c, err, NULL,
				  "Metadata.Frontgate.Id '%s' cannot be a REST API id: it is the "
				  "first label of the API's host name, so use lowercase letters "
					"and digits (AWS ids are 10 of them)", pinned);
	return 0;
}

static void restapi_warnings(const struct stack_rctx *c, const cJSON *props, const char *ep)
{
	if (prop(props, "BodyS3Location") != NULL)
		stack_warn(c, "BodyS3Location is not emulated (frontgate cannot read S3): put the "
			   "OpenAPI document in Body; the API has only the resources and methods "
			   "declared as AWS::ApiGateway::* resources");
	if (prop(props, "CloneFrom") != NULL)
		stack_warn(c, "CloneFrom is not emulated (nothing is copied from the source API)");
}

static int restapi_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			  cJSON *attrs, cJSON *state, struct fg_err *err)
{
	char root[16];
	const char *ep = "EDGE";

	endpoint_type(c, props, &ep, err);
	apigw_derive_id(c, "restapi", 10, phys);
	/* the root resource id is the API's; pinning the API id moves it too */
	{
		struct stack_rctx rc = *c;

		rc.logical_id = phys;
		stack_derived_id(&rc, "root-resource", APIGW_ID_ALPHABET, 10, root);
	}
	if (prop(props, "Body") != NULL &&
	    apigw_openapi_import(c, phys, root, prop(props, "Body"), state, err) != 0)
		return -1;
	cJSON_AddStringToObject(attrs, "RestApiId", phys);
	cJSON_AddStringToObject(attrs, "RootResourceId", root);
	restapi_warnings(c, props, ep);
	return 0;
}

/* ----------------------------------------------------------------- Resource */

/* AWS's rule: a-zA-Z0-9._- and curly braces at the beginning and the end, with an optional
 * plus sign before the closing brace. */
static bool path_part_valid(const char *p)
{
	const char *chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	size_t n = strlen(p);

	if (n == 0)
		return false;
	if (p[0] == '{') {
		size_t inner = n >= 2 && p[n - 1] == '}' ? n - 2 : 0;

		if (inner > 0 && p[inner] == '+')
			inner--;
		return inner > 0 && strspn(p + 1, chars) == inner;
	}
	return strspn(p, chars) == n;
}

static bool is_greedy(const char *part)
{
	size_t n = strlen(part);

	return n >= 3 && part[0] == '{' && part[n - 2] == '+' && part[n - 1] == '}';
}

struct sibling_check {
	const char *api, *parent, *part;
	const char *clash;      /* the sibling that clashes */
	bool variable;          /* the clash is "one variable part only" */
};

static bool sibling_visit(const cJSON *res, void *arg)
{
	struct sibling_check *s = arg;
	const cJSON *props = prop(res, "Properties");
	const char *parent = pstr(props, "ParentId"), *part = pstr(props, "PathPart");
	const char *api = pstr(props, "RestApiId");

	if (parent == NULL || part == NULL || api == NULL || strcmp(parent, s->parent) != 0 ||
	    strcmp(api, s->api) != 0)
		return false;
	if (strcmp(part, s->part) == 0) {
		s->clash = part;
		s->variable = false;
		return true;
	}
	if (part[0] == '{' && s->part[0] == '{') {
		s->clash = part;
		s->variable = true;
		return true;
	}
	return false;
}

static int resource_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *parent = NULL, *part = NULL, *parent_part = NULL;
	const cJSON *api;
	struct sibling_check s;

	if (stack_need_str(c, props, "PathPart", &part, err) != 0 ||
	    stack_need_str(c, props, "ParentId", &parent, err) != 0 ||
	    (api = apigw_find_api(c, props, err)) == NULL)
		return -1;
	if (!path_part_valid(part))
		return apigw_handler_err(c, err, 400, "BadRequestException", "PathPart",
				   "Resource's path part only allow a-zA-Z0-9._- and curly braces "
				   "at the beginning and the end and an optional plus sign before "
					 "the closing brace.");
	if (!find_resource(c, api, parent, &parent_part))
		return apigw_handler_err(c, err, 404, "NotFoundException", "ParentId",
					 "Invalid Resource identifier specified");
	if (is_greedy(parent_part))
		return apigw_handler_err(c, err, 400, "BadRequestException", "ParentId",
					 "Cannot create a child of a resource with a greedy path "
					 "variable: %s", parent_part);
	memset(&s, 0, sizeof(s));
	s.api = pstr(api, "PhysicalId");
	s.parent = parent;
	s.part = part;
	/* a sibling of the same name, then, for a variable part, any variable sibling: both
	 * indexed lookups, so that checking the N resources under one parent stays linear */
	if (stack_rctx_each2(c, T_RESOURCE, "ParentId", parent, "PathPart", part, sibling_visit,
			     &s) != NULL ||
	    (part[0] == '{' &&
	     stack_rctx_each(c, T_RESOURCE, "ParentId", parent, sibling_visit, &s) != NULL)) {
		if (s.variable)
			return apigw_handler_err(c, err, 409, "ConflictException", "PathPart",
						 "A sibling (%s) of this resource already has a "
					   "variable path part -- only one is allowed", s.clash);
		return apigw_handler_err(c, err, 409, "ConflictException", "PathPart",
					 "Another resource with the same parent already has this "
					 "name: %s", part);
	}
	return 0;
}

static int resource_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			   cJSON *attrs, cJSON *state, struct fg_err *err)
{
	char salt[600];

	/* ParentId and PathPart changes replace the resource: they are part of its identity */
	snprintf(salt, sizeof(salt), "resource|%s|%s|%s", pstr(props, "RestApiId"),
		 pstr(props, "ParentId"), pstr(props, "PathPart"));
	if (c->previous != NULL &&
	    !cJSON_Compare(props, prop(c->previous, "Properties"), true))
		phys[0] = pstr(prop(c->metadata, "Frontgate"), "Id") ? phys[0] : '\0';
	apigw_derive_id(c, salt, 6, phys);
	cJSON_AddStringToObject(attrs, "ResourceId", phys);
	return 0;
}

/* ------------------------------------------------------------------- Method */

static const char *const VERBS[] = { "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
				     "ANY" };

int apigw_verb(const char *method)
{
	for (int i = 0; i < APIGW_NVERBS; i++) {
		if (strcmp(method, VERBS[i]) == 0)
			return i;
	}
	return -1;
}

const char *apigw_verb_name(int verb)
{
	return verb >= 0 && verb < APIGW_NVERBS ? VERBS[verb] : "?";
}

struct method_check {
	const char *api, *resource, *verb;
};

static bool method_visit(const cJSON *res, void *arg)
{
	struct method_check *m = arg;
	const cJSON *props = prop(res, "Properties");
	const char *rid = pstr(props, "ResourceId"), *verb = pstr(props, "HttpMethod");
	const char *api = pstr(props, "RestApiId");

	return rid != NULL && verb != NULL && api != NULL && strcmp(rid, m->resource) == 0 &&
	       strcmp(verb, m->verb) == 0 && strcmp(api, m->api) == 0;
}

static int integ_uri_check(const struct stack_rctx *c, const char *type, const char *uri,
			   struct fg_err *err)
{
	if (strcmp(type, "HTTP") == 0 || strcmp(type, "HTTP_PROXY") == 0) {
		const char *host = NULL;

		if (uri != NULL && strncmp(uri, "http://", 7) == 0)
			host = uri + 7;
		else if (uri != NULL && strncmp(uri, "https://", 8) == 0)
			host = uri + 8;
		if (host == NULL || *host == '\0' || *host == '/' || *host == ':')
			return apigw_handler_err(c, err, 400, "BadRequestException", "Integration.Uri",
						 "Invalid HTTP endpoint specified for URI");
		return 0;
	}
	if (strcmp(type, "AWS_PROXY") == 0 || strcmp(type, "AWS") == 0) {
		if (uri == NULL || strncmp(uri, "arn:", 4) != 0)
			return apigw_handler_err(c, err, 400, "BadRequestException", "Integration.Uri",
						 "Invalid ARN specified in the request");
		if (strstr(uri, ":path/") == NULL && strstr(uri, ":action/") == NULL)
			return apigw_handler_err(c, err, 400, "BadRequestException", "Integration.Uri",
					   "AWS ARN for integration must contain path or action");
		if (strcmp(type, "AWS_PROXY") == 0 && strstr(uri, ":lambda:path/") == NULL &&
		    strstr(uri, ":firehose:") == NULL)
			return apigw_handler_err(c, err, 400, "BadRequestException", "Integration.Uri",
						 "Integrations of type 'AWS_PROXY' currently only "
						 "supports Lambda function and Firehose stream "
						 "invocations.");
	}
	return 0;
}

static int integ_responses_check(const struct stack_rctx *c, const cJSON *integ,
				 struct fg_err *err)
{
	const cJSON *list = prop(integ, "IntegrationResponses"), *ir;
	int i = 0;

	if (list == NULL)
		return 0;
	if (!cJSON_IsArray(list))
		return stack_schema_err(c, err, "Integration.IntegrationResponses",
				  "#/Integration/IntegrationResponses: expected type: JSONArray, "
					"found: %s", stack_json_kind(list));
	cJSON_ArrayForEach(ir, list) {
		char where[128];
		const char *sc = NULL, *pat = NULL;
		long n = 0;

		snprintf(where, sizeof(where), "Integration/IntegrationResponses/%d", i);
		if (!cJSON_IsObject(ir))
			return stack_schema_err(c, err, "Integration.IntegrationResponses",
						"#/%s: expected type: JSONObject, found: %s", where,
						stack_json_kind(ir));
		if (prop(ir, "StatusCode") == NULL)
			return stack_schema_err(c, err, "Integration.IntegrationResponses",
						"#/%s: required key [StatusCode] not found", where);
		if (cJSON_IsNumber(prop(ir, "StatusCode")))
			n = (long)prop(ir, "StatusCode")->valuedouble;
		else if (stack_opt_str(c, ir, "StatusCode", "Integration.IntegrationResponses", &sc,
				       err) != 0)
			return -1;
		else
			n = strtol(sc, NULL, 10);
		if (n < 100 || n > 599)
			return apigw_handler_err(c, err, 400, "BadRequestException",
						 "Integration.IntegrationResponses",
					   "Invalid status code specified: %s must be a valid HTTP "
						 "status code", sc ? sc : "?");
		if (stack_opt_str(c, ir, "SelectionPattern", "Integration.IntegrationResponses", &pat,
				  err) != 0 ||
		    stack_opt_str_map(c, ir, "ResponseTemplates", "Integration.IntegrationResponses",
				  err) != 0 ||
		    stack_opt_str_map(c, ir, "ResponseParameters", "Integration.IntegrationResponses",
				  err) != 0)
			return -1;
		i++;
	}
	return 0;
}

static int integ_check(struct stack_rctx *c, const cJSON *integ, struct fg_err *err)
{
	static const char *const types[] = { "MOCK", "AWS_PROXY", "HTTP_PROXY", "HTTP", "AWS" };
	const char *type = NULL, *hm = NULL, *uri = NULL, *pt = NULL, *ct = NULL;
	long long timeout = 29000;
	bool known = false;

	if (!cJSON_IsObject(integ))
		return stack_schema_err(c, err, "Integration",
					"#/Integration: expected type: JSONObject, found: %s",
					stack_json_kind(integ));
	if (prop(integ, "Type") == NULL)
		return stack_schema_err(c, err, "Integration",
					"#/Integration: required key [Type] not found");
	if (stack_opt_str(c, integ, "Type", "Integration.Type", &type, err) != 0 ||
	    stack_opt_str(c, integ, "IntegrationHttpMethod", "Integration.IntegrationHttpMethod", &hm,
		    err) != 0 ||
	    stack_opt_str(c, integ, "Uri", "Integration.Uri", &uri, err) != 0 ||
	    stack_opt_str(c, integ, "PassthroughBehavior", "Integration.PassthroughBehavior", &pt,
		    err) != 0 ||
	    stack_opt_str(c, integ, "ConnectionType", "Integration.ConnectionType", &ct, err) != 0 ||
	    stack_opt_int(c, integ, "TimeoutInMillis", "Integration/TimeoutInMillis", &timeout,
		    err) != 0 ||
	    stack_opt_str_map(c, integ, "RequestTemplates", "Integration/RequestTemplates",
			      err) != 0 ||
	    stack_opt_str_map(c, integ, "RequestParameters", "Integration/RequestParameters",
			err) != 0 ||
	    integ_responses_check(c, integ, err) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		known |= strcmp(type, types[i]) == 0;
	if (!known)
		return stack_schema_err(c, err, "Integration.Type",
					"#/Integration/Type: %s is not a valid enum value", type);
	if (strcmp(type, "MOCK") != 0 && (hm == NULL || hm[0] == '\0'))
		return apigw_handler_err(c, err, 400, "BadRequestException",
					 "Integration.IntegrationHttpMethod",
					 "Enumeration value for HttpMethod must be non-empty");
	if (hm != NULL && hm[0] && apigw_verb(hm) < 0)
		return apigw_handler_err(c, err, 400, "BadRequestException",
					 "Integration.IntegrationHttpMethod",
					 "Invalid HttpMethod specified. Valid options are "
					 "GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY");
	if (integ_uri_check(c, type, uri, err) != 0)
		return -1;
	if (timeout < 50 || timeout > 29000)
		return apigw_handler_err(c, err, 400, "BadRequestException",
					 "Integration.TimeoutInMillis",
					 "Timeout should be between 50 ms and 29000 ms");
	if (pt != NULL && strcmp(pt, "WHEN_NO_MATCH") != 0 &&
	    strcmp(pt, "WHEN_NO_TEMPLATES") != 0 && strcmp(pt, "NEVER") != 0)
		return stack_schema_err(c, err, "Integration.PassthroughBehavior",
				  "#/Integration/PassthroughBehavior: %s is not a valid enum value",
					pt);
	if (strcmp(type, "AWS") == 0)
		stack_warn(c,
			   "Integration Type AWS (AWS service integration) is not emulated: requests "
			   "to this method get 500 Internal server error");
	if (ct != NULL && strcmp(ct, "VPC_LINK") == 0)
		stack_warn(c,
			   "ConnectionType VPC_LINK is not emulated: frontgate calls the Uri "
			   "directly");
	return 0;
}

static int method_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *verb = NULL, *rid = NULL, *auth = NULL, *part;
	const cJSON *api, *integ = prop(props, "Integration");
	bool key = false;
	struct method_check mc;

	if (stack_need_str(c, props, "HttpMethod", &verb, err) != 0 ||
	    stack_need_str(c, props, "ResourceId", &rid, err) != 0 ||
	    stack_opt_str(c, props, "AuthorizationType", "AuthorizationType", &auth, err) != 0 ||
	    stack_opt_bool(c, props, "ApiKeyRequired", &key, err) != 0 ||
	    stack_opt_str_map(c, props, "RequestParameters", "RequestParameters", err) != 0 ||
	    (api = apigw_find_api(c, props, err)) == NULL)
		return -1;
	if (apigw_verb(verb) < 0)
		return apigw_handler_err(c, err, 400, "BadRequestException", "HttpMethod",
					 "Invalid HttpMethod specified. Valid options are "
					 "GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY");
	if (!find_resource(c, api, rid, &part))
		return apigw_handler_err(c, err, 404, "NotFoundException", "ResourceId",
					 "Invalid Resource identifier specified");
	if (auth != NULL && strcmp(auth, "NONE") != 0 && strcmp(auth, "AWS_IAM") != 0 &&
	    strcmp(auth, "CUSTOM") != 0 && strcmp(auth, "COGNITO_USER_POOLS") != 0)
		return stack_schema_err(c, err, "AuthorizationType",
					"#/AuthorizationType: %s is not a valid enum value", auth);
	if (integ != NULL && integ_check(c, integ, err) != 0)
		return -1;
	mc.api = pstr(api, "PhysicalId");
	mc.resource = rid;
	mc.verb = verb;
	/* the methods of the same resource (indexed) */
	if (stack_rctx_each(c, T_METHOD, "ResourceId", rid, method_visit, &mc) != NULL)
		return apigw_handler_err(c, err, 409, "ConflictException", "HttpMethod",
					 "Method already exists for this resource");
	return 0;
}

static int method_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			 cJSON *attrs, cJSON *state, struct fg_err *err)
{
	const char *auth = pstr(props, "AuthorizationType");

	if (phys[0] == '\0')
		stack_default_physical_id(c, phys);
	if (auth != NULL && (strcmp(auth, "CUSTOM") == 0 ||
			     strcmp(auth, "COGNITO_USER_POOLS") == 0))
		stack_warn(c,
			   "AuthorizationType %s: authorizers are not emulated yet; requests to this "
			   "method get 500 Internal server error (the trace says why)", auth);
	if (prop(props, "RequestValidatorId") != NULL)
		stack_warn(c, "RequestValidatorId: request validation is not emulated yet");
	if (prop(props, "Integration") == NULL)
		stack_warn(c,
			   "the method has no Integration: a Deployment of its API fails, as in AWS");
	return 0;
}

/* --------------------------------------------------------------- Deployment */

struct snap_ctx {
	cJSON *list;
	const char *root;
	bool methodless;        /* a method without an integration was seen */
	const char *methodless_id;
};

static bool snap_resource(const cJSON *res, void *arg)
{
	struct snap_ctx *s = arg;
	const cJSON *props = prop(res, "Properties");
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "Id", pstr(res, "PhysicalId"));
	cJSON_AddStringToObject(o, "ParentId", pstr(props, "ParentId"));
	cJSON_AddStringToObject(o, "PathPart", pstr(props, "PathPart"));
	cJSON_AddItemToArray(s->list, o);
	return false;
}

static bool snap_method(const cJSON *res, void *arg)
{
	struct snap_ctx *s = arg;
	const cJSON *props = prop(res, "Properties");

	if (prop(props, "Integration") == NULL && !s->methodless) {
		s->methodless = true;
		s->methodless_id = pstr(res, "LogicalId");
	}
	cJSON_AddItemToArray(s->list, cJSON_Duplicate(props, true));
	return false;
}

static bool snap_gwresp(const cJSON *res, void *arg)
{
	struct snap_ctx *s = arg;

	cJSON_AddItemToArray(s->list, cJSON_Duplicate(prop(res, "Properties"), true));
	return false;
}

/* Appends copies of from[key]'s items (the OpenAPI import's, or a property list) to list. */
static void imported_into(cJSON *list, const cJSON *from, const char *key)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, prop(from, key))
		cJSON_AddItemToArray(list, cJSON_Duplicate(it, true));
}

/* "execute-api:/stage/VERB/path" -> "arn:aws:execute-api:{region}:{account}:{api}/stage/..."
 * in every Resource / NotResource of a resource policy (aws-behavior.md §2.5). */
static void expand_resources(const struct stack_rctx *c, cJSON *list, const char *api)
{
	cJSON *it;

	if (cJSON_IsString(list)) {
		if (strncmp(list->valuestring, "execute-api:/", 13) == 0) {
			char v[2048];

			snprintf(v, sizeof(v), "arn:aws:execute-api:%s:%s:%s/%s", c->region,
				 c->account, api, list->valuestring + 13);
			cJSON_SetValuestring(list, v);
		}
		return;
	}
	cJSON_ArrayForEach(it, list)
		expand_resources(c, it, api);
}

/*
 * The resource policy the deployment enforces (Policy, else x-amazon-apigateway-policy; a
 * JSON string is parsed), with the execute-api:/ shorthand expanded. A PRIVATE API cannot be
 * deployed without one (API Gateway's CreateDeployment error).
 */
static int snap_policy(struct stack_rctx *c, cJSON *snap, const cJSON *ap, const cJSON *imp,
		       const char *api, const char *ep, struct fg_err *err)
{
	const cJSON *src = prop(ap, "Policy") ? prop(ap, "Policy") : prop(imp, "Policy");
	cJSON *pol = NULL, *stmts, *st;

	if (cJSON_IsString(src))
		pol = cJSON_Parse(src->valuestring);
	else if (cJSON_IsObject(src))
		pol = cJSON_Duplicate(src, true);
	if (src != NULL && !cJSON_IsObject(pol)) {
		cJSON_Delete(pol);
		return apigw_handler_err(c, err, 400, "BadRequestException", "RestApiId",
					 "Invalid policy document. Please check the policy syntax "
					 "and ensure that Principals are valid.");
	}
	if (pol == NULL) {
		if (strcmp(ep, "PRIVATE") == 0)
			return apigw_handler_err(c, err, 400, "BadRequestException", "RestApiId",
						 "Private REST API doesn't have a resource policy "
						 "attached to it");
		return 0;
	}
	stmts = cJSON_GetObjectItemCaseSensitive(pol, "Statement");
	if (cJSON_IsObject(stmts)) { /* a single statement object */
		expand_resources(c, cJSON_GetObjectItemCaseSensitive(stmts, "Resource"), api);
		expand_resources(c, cJSON_GetObjectItemCaseSensitive(stmts, "NotResource"), api);
	} else if (cJSON_IsArray(stmts)) {
		cJSON_ArrayForEach(st, stmts) {
			expand_resources(c, cJSON_GetObjectItemCaseSensitive(st, "Resource"), api);
			expand_resources(c, cJSON_GetObjectItemCaseSensitive(st, "NotResource"),
					 api);
		}
	}
	cJSON_AddItemToObject(snap, "Policy", pol);
	return 0;
}

/* The API as a Deployment sees it now (aws-behavior.md: stages serve their deployment). */
static cJSON *snapshot(struct stack_rctx *c, const cJSON *api, struct fg_err *err)
{
	const cJSON *ap = prop(api, "Properties"), *m;
	const cJSON *imp = prop(prop(api, "State"), "Imported");
	const char *id = pstr(api, "PhysicalId"), *ep = "EDGE", *src = pstr(ap, "ApiKeySourceType");
	cJSON *snap = cJSON_CreateObject(), *bmt;
	struct snap_ctx s;
	bool disabled = false;

	endpoint_type(c, ap, &ep, err);
	stack_opt_bool(c, ap, "DisableExecuteApiEndpoint", &disabled, err);
	cJSON_AddNumberToObject(snap, "Version", APIGW_SNAPSHOT_VERSION);
	cJSON_AddStringToObject(snap, "ApiId", id);
	cJSON_AddStringToObject(snap, "RootResourceId", attr_of(api, "RootResourceId"));
	cJSON_AddStringToObject(snap, "EndpointType", ep);
	cJSON_AddBoolToObject(snap, "DisableExecuteApiEndpoint", disabled);
	if (src == NULL)
		src = pstr(imp, "ApiKeySourceType");
	cJSON_AddStringToObject(snap, "ApiKeySourceType", src ? src : "HEADER");
	bmt = cJSON_AddArrayToObject(snap, "BinaryMediaTypes");
	imported_into(bmt, ap, "BinaryMediaTypes");
	imported_into(bmt, imp, "BinaryMediaTypes");
	memset(&s, 0, sizeof(s));
	s.list = cJSON_AddArrayToObject(snap, "Resources");
	apigw_visit_api(c, T_RESOURCE, id, snap_resource, &s);
	imported_into(s.list, imp, "Resources");
	s.list = cJSON_AddArrayToObject(snap, "Methods");
	apigw_visit_api(c, T_METHOD, id, snap_method, &s);
	imported_into(s.list, imp, "Methods");
	cJSON_ArrayForEach(m, prop(imp, "Methods")) {
		if (prop(m, "Integration") == NULL)
			s.methodless = true;
	}
	if (cJSON_GetArraySize(s.list) == 0) {
		cJSON_Delete(snap);
		apigw_handler_err(c, err, 400, "BadRequestException", "RestApiId",
				  "The REST API doesn't contain any methods");
		return NULL;
	}
	if (s.methodless) {
		cJSON_Delete(snap);
		apigw_handler_err(c, err, 400, "BadRequestException", "RestApiId",
				  "No integration defined for method");
		return NULL;
	}
	s.list = cJSON_AddArrayToObject(snap, "GatewayResponses");
	imported_into(s.list, imp, "GatewayResponses");
	apigw_visit_api(c, T_GWRESP, id, snap_gwresp, &s);
	if (snap_policy(c, snap, ap, imp, id, ep, err) != 0) {
		cJSON_Delete(snap);
		return NULL;
	}
	return snap;
}

static bool stage_name_valid(const char *s)
{
	const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	size_t n = strlen(s);

	return n >= 1 && n <= 128 && strspn(s, ok) == n;
}

struct stage_check {
	const char *name;
	const char *self_logical;
};

/* Another stage with this name on the API: a Stage resource or a Deployment's StageName. */
static bool stage_visit(const cJSON *res, void *arg)
{
	struct stage_check *s = arg;
	const char *name = pstr(prop(res, "Properties"), "StageName");

	return name != NULL && strcmp(name, s->name) == 0;
}

static int stage_unique(struct stack_rctx *c, const char *api_id, const char *name,
			const char *property, struct fg_err *err)
{
	struct stage_check s = { name, c->logical_id };

	if (apigw_visit_api(c, T_STAGE, api_id, stage_visit, &s) != NULL ||
	    apigw_visit_api(c, T_DEPLOYMENT, api_id, stage_visit, &s) != NULL)
		return apigw_handler_err(c, err, 409, "ConflictException", property,
					 "Stage already exists");
	return 0;
}

static int variables_check(struct stack_rctx *c, const cJSON *vars, const char *where,
			   struct fg_err *err)
{
	const cJSON *v;

	if (vars == NULL)
		return 0;
	if (!cJSON_IsObject(vars))
		return stack_schema_err(c, err, where, "#/%s: expected type: JSONObject, found: %s",
					where, stack_json_kind(vars));
	cJSON_ArrayForEach(v, vars) {
		const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

		if (!cJSON_IsString(v))
			return stack_schema_err(c, err, where,
						"#/%s/%s: expected type: String, found: %s",
						where, v->string, stack_json_kind(v));
		if (strspn(v->string, ok) != strlen(v->string) || v->string[0] == '\0')
			return apigw_handler_err(c, err, 400, "BadRequestException", where,
					   "Stage variable name %s is invalid: names may contain "
						 "only alphanumerics and underscores", v->string);
	}
	return 0;
}

static int deployment_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *stage = NULL;
	const cJSON *api = apigw_find_api(c, props, err);

	if (api == NULL || stack_opt_str(c, props, "StageName", "StageName", &stage, err) != 0 ||
	    variables_check(c, prop(prop(props, "StageDescription"), "Variables"),
			    "StageDescription.Variables", err) != 0)
		return -1;
	if (stage != NULL && !stage_name_valid(stage))
		return apigw_handler_err(c, err, 400, "BadRequestException", "StageName",
					 "Stage name only allows a-zA-Z0-9_");
	if (stage != NULL && c->previous == NULL &&
	    stage_unique(c, pstr(api, "PhysicalId"), stage, "StageName", err) != 0)
		return -1;
	return 0;
}

static int deployment_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			     cJSON *attrs, cJSON *state, struct fg_err *err)
{
	const cJSON *api = apigw_find_api(c, props, err);
	cJSON *snap;
	char salt[300];

	if (api == NULL || (snap = snapshot(c, api, err)) == NULL)
		return -1;
	cJSON_AddItemToObject(state, "Snapshot", snap);
	snprintf(salt, sizeof(salt), "deployment|%s", pstr(api, "PhysicalId"));
	apigw_derive_id(c, salt, 6, phys);
	cJSON_AddStringToObject(attrs, "DeploymentId", phys);
	if (prop(props, "DeploymentCanarySettings") != NULL ||
	    prop(prop(props, "StageDescription"), "CanarySettings") != NULL)
		stack_warn(c,
			   "canary settings are not emulated: the stage serves this deployment only");
	return 0;
}

/* In place (Description, StageName, StageDescription): the snapshot stays; a new RestApiId or
 * canary settings replace the deployment, which takes a new snapshot under a new id. So does
 * every update with Metadata.Frontgate.AlwaysDeploy: true, which stands for SAM's
 * AlwaysDeploy (a new Deployment logical id on every `sam deploy`) in an expanded template. */
static int deployment_update(struct stack_rctx *c, const cJSON *props, char phys[256],
			     cJSON *attrs, cJSON *state, struct fg_err *err)
{
	const cJSON *old = prop(c->previous, "Properties");
	const cJSON *old_state = prop(c->previous, "State");
	const char *old_api = pstr(old, "RestApiId");
	bool same_api = old_api != NULL && strcmp(old_api, pstr(props, "RestApiId")) == 0;
	bool same_canary = cJSON_Compare(prop(old, "DeploymentCanarySettings"),
					 prop(props, "DeploymentCanarySettings"), true) ||
			   (prop(old, "DeploymentCanarySettings") == NULL &&
			    prop(props, "DeploymentCanarySettings") == NULL);
	bool always = cJSON_IsTrue(prop(prop(c->metadata, "Frontgate"), "AlwaysDeploy"));

	if (same_api && same_canary && !always && prop(old_state, "Snapshot") != NULL) {
		cJSON_AddItemToObject(state, "Snapshot",
				      cJSON_Duplicate(prop(old_state, "Snapshot"), true));
		cJSON_AddStringToObject(attrs, "DeploymentId", phys);
		return 0;
	}
	if (pstr(prop(c->metadata, "Frontgate"), "Id") == NULL)
		phys[0] = '\0';
	return deployment_create(c, props, phys, attrs, state, err);
}

/* -------------------------------------------------------------------- Stage */

static bool deployment_of_api(const cJSON *res, void *arg)
{
	return strcmp(pstr(res, "PhysicalId"), (const char *)arg) == 0;
}

static int stage_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *name = NULL, *dep = NULL;
	const cJSON *api;
	bool same_name;

	if (stack_need_str(c, props, "StageName", &name, err) != 0 ||
	    stack_opt_str(c, props, "DeploymentId", "DeploymentId", &dep, err) != 0 ||
	    variables_check(c, prop(props, "Variables"), "Variables", err) != 0 ||
	    (api = apigw_find_api(c, props, err)) == NULL)
		return -1;
	if (!stage_name_valid(name))
		return apigw_handler_err(c, err, 400, "BadRequestException", "StageName",
					 "Stage name only allows a-zA-Z0-9_");
	if (dep != NULL && apigw_visit_api(c, T_DEPLOYMENT, pstr(api, "PhysicalId"),
					   deployment_of_api, (void *)dep) == NULL)
		return apigw_handler_err(c, err, 404, "NotFoundException", "DeploymentId",
					 "Invalid Deployment identifier specified");
	same_name = c->previous != NULL &&
		    strcmp(pstr(prop(c->previous, "Properties"), "StageName"), name) == 0;
	if (!same_name && stage_unique(c, pstr(api, "PhysicalId"), name, "StageName", err) != 0)
		return -1;
	return 0;
}

static int stage_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			cJSON *attrs, cJSON *state, struct fg_err *err)
{
	snprintf(phys, 256, "%s", pstr(props, "StageName"));
	if (prop(props, "CanarySettings") != NULL)
		stack_warn(c, "CanarySettings are not emulated: the stage serves its deployment only");
	if (prop(props, "CacheClusterEnabled") != NULL &&
	    cJSON_IsTrue(prop(props, "CacheClusterEnabled")))
		stack_warn(c, "CacheClusterEnabled: the stage cache is not emulated");
	if (prop(props, "MethodSettings") != NULL)
		stack_warn(c, "MethodSettings (throttling, caching, logging) are not emulated yet");
	return 0;
}

/* ---------------------------------------------------------- GatewayResponse */

static int gwresp_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *type = NULL, *status = NULL;
	const cJSON *params = prop(props, "ResponseParameters"), *p;

	if (stack_need_str(c, props, "ResponseType", &type, err) != 0 ||
	    stack_opt_str_map(c, props, "ResponseParameters", "ResponseParameters", err) != 0 ||
	    stack_opt_str_map(c, props, "ResponseTemplates", "ResponseTemplates", err) != 0 ||
	    apigw_find_api(c, props, err) == NULL)
		return -1;
	if (apigw_gr_parse(type) < 0)
		return stack_schema_err(c, err, "ResponseType",
					"#/ResponseType: %s is not a valid enum value", type);
	if (cJSON_IsNumber(prop(props, "StatusCode")))
		status = NULL;
	else if (stack_opt_str(c, props, "StatusCode", "StatusCode", &status, err) != 0)
		return -1;
	if (status != NULL && (strlen(status) != 3 || strspn(status, "0123456789") != 3 ||
			       status[0] < '1' || status[0] > '5'))
		return apigw_handler_err(c, err, 400, "BadRequestException", "StatusCode",
					 "Invalid status code specified: %s", status);
	cJSON_ArrayForEach(p, params) {
		if (strncmp(p->string, "gatewayresponse.header.", 23) != 0 || !p->string[23])
			return apigw_handler_err(c, err, 400, "BadRequestException",
						 "ResponseParameters",
						 "Invalid mapping expression specified: Validation "
						 "Result: warnings : [], errors : [Invalid mapping "
						 "expression parameter specified: %s]", p->string);
	}
	if (strcmp(type, "REQUEST_TOO_LARGE") == 0)
		stack_warn(c,
			   "REQUEST_TOO_LARGE cannot be customised in AWS either: 413 stays "
			   "plain text");
	return 0;
}

static int gwresp_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			 cJSON *attrs, cJSON *state, struct fg_err *err)
{
	if (phys[0] == '\0')
		stack_default_physical_id(c, phys);
	return 0;
}

/* ----------------------------------------------------------------- register */

static const struct stack_rtype restapi_type = {
	.type = T_RESTAPI, .validate = restapi_validate, .create = restapi_create,
};
static const struct stack_rtype resource_type = {
	.type = T_RESOURCE, .validate = resource_validate, .create = resource_create,
};
static const struct stack_rtype method_type = {
	.type = T_METHOD, .validate = method_validate, .create = method_create,
};
static const struct stack_rtype deployment_type = {
	.type = T_DEPLOYMENT, .validate = deployment_validate, .create = deployment_create,
	.update = deployment_update,
};
static const struct stack_rtype stage_type = {
	.type = T_STAGE, .validate = stage_validate, .create = stage_create,
};
static const struct stack_rtype gwresp_type = {
	.type = T_GWRESP, .validate = gwresp_validate, .create = gwresp_create,
};

void apigw_types_register(struct apigw *a, struct stack_registry *r)
{
	stack_registry_add(r, &restapi_type, a);
	stack_registry_add(r, &resource_type, a);
	stack_registry_add(r, &method_type, a);
	stack_registry_add(r, &deployment_type, a);
	stack_registry_add(r, &stage_type, a);
	stack_registry_add(r, &gwresp_type, a);
}
