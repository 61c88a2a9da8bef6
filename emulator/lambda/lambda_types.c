/*
 * lambda_types.c: the control plane of the Lambda service. AWS::Lambda::Function is validated
 * as CloudFormation's schema and Lambda's CreateFunction do (with their wording), named as
 * CloudFormation names it (FunctionName, or "{stack}-{logical}-{suffix}" kept within Lambda's
 * 64 characters) and given its Arn; a function whose code frontgate cannot run deploys with a
 * warning naming it. AWS::Lambda::Permission, Alias and Version are pass-through types: they
 * get AWS-shaped ids and ARNs so references resolve, and aliases/versions become qualifiers
 * the invoker accepts.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lambda/lambda_int.h"

/* ----------------------------------------------------------------- helpers */

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *frontgate_meta(const cJSON *metadata)
{
	return cJSON_GetObjectItemCaseSensitive(metadata, "Frontgate");
}

static bool match_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

/* ---------------------------------------------------------------- runtimes */

static const char *const known_runtimes[] = {
	"nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x",
	"nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
	"nodejs4.3-edge", "java8", "java8.al2", "java11", "java17", "java21", "java25",
	"python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "python3.10",
	"python3.11", "python3.12", "python3.13", "python3.14", "dotnetcore1.0",
	"dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8", "dotnet10",
	"go1.x", "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3", "ruby3.4", "provided",
	"provided.al2", "provided.al2023", NULL,
};

/* Runtimes Lambda no longer lets anyone create or update a function with. */
static const char *const blocked_runtimes[][2] = {
	{ "nodejs", "nodejs22.x" }, { "nodejs4.3", "nodejs22.x" },
	{ "nodejs4.3-edge", "nodejs22.x" }, { "nodejs6.10", "nodejs22.x" },
	{ "nodejs8.10", "nodejs22.x" }, { "nodejs10.x", "nodejs22.x" },
	{ "python2.7", "python3.13" }, { "python3.6", "python3.13" },
	{ "dotnetcore1.0", "dotnet8" }, { "dotnetcore2.0", "dotnet8" },
	{ "dotnetcore2.1", "dotnet8" }, { "ruby2.5", "ruby3.3" },
};

bool lambda_runtime_python(const char *rt)
{
	return rt != NULL && strncmp(rt, "python3.", 8) == 0 && isdigit((unsigned char)rt[8]);
}

bool lambda_runtime_node(const char *rt)
{
	return rt != NULL && strncmp(rt, "nodejs", 6) == 0 && isdigit((unsigned char)rt[6]) &&
	       strcmp(rt + strlen(rt) - 2, ".x") == 0;
}

static bool runtime_known(const char *rt)
{
	for (size_t i = 0; known_runtimes[i] != NULL; i++)
		if (strcmp(known_runtimes[i], rt) == 0)
			return true;
	/* newer runtimes of the same families, so a template from next year still loads */
	return lambda_runtime_python(rt) || lambda_runtime_node(rt);
}

static int check_runtime(struct fg_err *err, const struct stack_rctx *c, const char *rt)
{
	char msg[1600];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(blocked_runtimes) / sizeof(blocked_runtimes[0]); i++) {
		if (strcmp(blocked_runtimes[i][0], rt) == 0) {
			snprintf(msg, sizeof(msg), "The runtime parameter of %s is no longer "
				 "supported for creating or updating AWS Lambda functions. We "
				 "recommend you use the new runtime (%s) while creating or updating "
				 "functions.", rt, blocked_runtimes[i][1]);
			return stack_handler_err(c, err, "Lambda", 400, "ValidationError", "Runtime", "%s", msg);
		}
	}
	if (runtime_known(rt))
		return 0;
	n = (size_t)snprintf(msg, sizeof(msg), "1 validation error detected: Value '%.100s' at "
			     "'runtime' failed to satisfy constraint: Member must satisfy enum "
			     "value set: [", rt);
	for (size_t i = 0; known_runtimes[i] != NULL && n < sizeof(msg) - 40; i++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s", i ? ", " : "",
				      known_runtimes[i]);
	snprintf(msg + n, sizeof(msg) - n, "] or be a valid ARN");
	return stack_handler_err(c, err, "Lambda", 400, "ValidationError", "Runtime", "%s", msg);
}

/* --------------------------------------------------------------- the mode */

enum lambda_mode lambda_mode_of(const cJSON *props, const cJSON *metadata, const char **why)
{
	const cJSON *fg = frontgate_meta(metadata);
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(props, "Code");
	const char *rt = str_of(props, "Runtime");
	const char *pkg = str_of(props, "PackageType");

	*why = NULL;
	if (cJSON_GetObjectItemCaseSensitive(fg, "Response") != NULL)
		return LAMBDA_RESPONSE;
	if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(fg, "Command")))
		return LAMBDA_COMMAND;
	if (str_of(fg, "InvokeUrl") != NULL)
		return LAMBDA_URL;
	if ((pkg == NULL || strcmp(pkg, "Image") != 0) && str_of(code, "ZipFile") != NULL) {
		if (lambda_runtime_python(rt))
			return LAMBDA_PYTHON;
		if (lambda_runtime_node(rt))
			return LAMBDA_NODE;
		*why = "its runtime cannot run inline code here (frontgate runs Code.ZipFile for "
		       "python3.x with python3 and nodejs* with node)";
		return LAMBDA_NOT_EMULATED;
	}
	*why = "code in S3 / container images cannot be run (give it Metadata.Frontgate."
	       "Command, InvokeUrl or Response to run it here)";
	return LAMBDA_NOT_EMULATED;
}

/* ---------------------------------------------------------------- Function */

static const char *const reserved_env[] = {
	"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
	"AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
	"AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
	"AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", NULL,
};

static bool env_key_ok(const char *k)
{
	if (!isalpha((unsigned char)k[0]) || k[1] == '\0')
		return false;
	for (const char *p = k + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

static int check_env(struct fg_err *err, const struct stack_rctx *c, const cJSON *props)
{
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(props, "Environment");
	const cJSON *vars = cJSON_GetObjectItemCaseSensitive(env, "Variables");
	const cJSON *v;
	char msg[600];

	if (env == NULL)
		return 0;
	if (!cJSON_IsObject(env))
		return stack_schema_err(c, err, "Environment", "%s", "#/Environment: expected type: JSONObject, found: String");
	if (vars == NULL)
		return 0;
	if (!cJSON_IsObject(vars))
		return stack_schema_err(c, err, "Environment.Variables", "%s", "#/Environment/Variables: expected type: JSONObject, found: String");
	cJSON_ArrayForEach(v, vars) {
		if (!env_key_ok(v->string)) {
			snprintf(msg, sizeof(msg), "#/Environment/Variables: extraneous key [%.200s] "
				 "is not permitted", v->string);
			return stack_schema_err(c, err, "Environment.Variables", "%s", msg);
		}
		if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
			snprintf(msg, sizeof(msg), "#/Environment/Variables/%.200s: expected type: "
				 "String, found: %s", v->string, stack_json_kind(v));
			return stack_schema_err(c, err, "Environment.Variables", "%s", msg);
		}
		for (size_t i = 0; reserved_env[i] != NULL; i++) {
			if (strcmp(reserved_env[i], v->string) == 0) {
				snprintf(msg, sizeof(msg), "Lambda was unable to configure your "
					 "environment variables because the environment variables "
					 "you have provided contains reserved keys that are currently "
					 "not supported for modification. Reserved keys used in this "
					 "request: %s", v->string);
				return stack_handler_err(c, err, "Lambda", 400, "ValidationError",
							 "Environment.Variables", "%s", msg);
			}
		}
	}
	return 0;
}

static int check_frontgate(struct fg_err *err, const struct stack_rctx *c)
{
	const cJSON *fg = frontgate_meta(c->metadata);
	const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(fg, "Command");
	const cJSON *url = cJSON_GetObjectItemCaseSensitive(fg, "InvokeUrl");
	const cJSON *a;
	char path[300];

	if (cmd != NULL) {
		bool good = cJSON_IsArray(cmd) && cJSON_GetArraySize(cmd) > 0;

		cJSON_ArrayForEach(a, cmd)
			good = good && cJSON_IsString(a) && a->valuestring[0] != '\0';
		if (!good) {
			fg_err_set(err, 400, "ValidationError", "Resources.%s: Metadata.Frontgate."
				   "Command must be a non-empty list of strings (the argv of a "
				   "program speaking frontgate's JSON-lines protocol)", c->logical_id);
			snprintf(path, sizeof(path), "Resources.%s.Metadata.Frontgate.Command",
				 c->logical_id);
			fg_err_at(err, c->logical_id, path);
			return -1;
		}
	}
	if (url != NULL && (!cJSON_IsString(url) ||
			    (strncmp(url->valuestring, "http://", 7) != 0 &&
			     strncmp(url->valuestring, "https://", 8) != 0))) {
		fg_err_set(err, 400, "ValidationError", "Resources.%s: Metadata.Frontgate.InvokeUrl "
			   "must be an http:// or https:// URL (a Lambda runtime interface "
			   "endpoint)", c->logical_id);
		snprintf(path, sizeof(path), "Resources.%s.Metadata.Frontgate.InvokeUrl",
			 c->logical_id);
		fg_err_at(err, c->logical_id, path);
		return -1;
	}
	return 0;
}

static int check_code(struct fg_err *err, const struct stack_rctx *c, const cJSON *props)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(props, "Code");
	const char *pkg = str_of(props, "PackageType");
	bool image = pkg != NULL && strcmp(pkg, "Image") == 0;
	char msg[200];

	if (!cJSON_IsObject(code)) {
		snprintf(msg, sizeof(msg), "#/Code: expected type: JSONObject, found: %s",
			 stack_json_kind(code));
		return stack_schema_err(c, err, "Code", "%s", msg);
	}
	if (pkg != NULL && !image && strcmp(pkg, "Zip") != 0) {
		snprintf(msg, sizeof(msg), "#/PackageType: %.60s is not a valid enum value", pkg);
		return stack_schema_err(c, err, "PackageType", "%s", msg);
	}
	if (image) {
		if (str_of(code, "ImageUri") == NULL)
			return stack_handler_err(c, err, "Lambda", 400, "ValidationError", "Code", "%s", "Please provide a source for function code.");
		return 0;
	}
	if (str_of(code, "ZipFile") == NULL && str_of(code, "S3Bucket") == NULL)
		return stack_handler_err(c, err, "Lambda", 400, "ValidationError", "Code", "%s", "Please provide a source for function code.");
	if (str_of(code, "ZipFile") == NULL && str_of(code, "S3Key") == NULL)
		return stack_schema_err(c, err, "Code", "%s", "#/Code: required key [S3Key] not found");
	if (str_of(props, "Runtime") == NULL || str_of(props, "Handler") == NULL)
		return stack_handler_err(c, err, "Lambda", 400, "ValidationError", "", "%s", "Runtime and Handler are "
				   "mandatory parameters for functions created with deployment "
				   "packages.");
	return 0;
}

static int check_limits(struct fg_err *err, const struct stack_rctx *c, const cJSON *props)
{
	long long timeout = LAMBDA_DEFAULT_TIMEOUT, memory = LAMBDA_DEFAULT_MEMORY;

	if (stack_opt_int(c, props, "Timeout", "Timeout", &timeout, err) != 0 ||
	    stack_opt_int(c, props, "MemorySize", "MemorySize", &memory, err) != 0)
		return -1;
	if (timeout < 1)
		return stack_schema_err(c, err, "Timeout",
					"#/Timeout: %lld is not greater or equal to 1", timeout);
	if (timeout > 900)
		return stack_handler_err(c, err, "Lambda", 400, "ValidationError", "Timeout",
					 "1 validation error detected: Value '%lld' at 'timeout' "
					 "failed to satisfy constraint: Member must have value less "
					 "than or equal to 900", timeout);
	if (memory < 128)
		return stack_schema_err(c, err, "MemorySize",
					"#/MemorySize: %lld is not greater or equal to 128", memory);
	if (memory > 10240)
		return stack_schema_err(c, err, "MemorySize",
					"#/MemorySize: %lld is not less or equal to 10240", memory);
	return 0;
}

static int fn_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const req[] = { "Code", "Role", NULL };
	const char *name = str_of(props, "FunctionName");
	const char *rt = str_of(props, "Runtime");
	const char *handler = str_of(props, "Handler");
	const char *pinned = str_of(frontgate_meta(c->metadata), "Id");
	char msg[400];

	if (stack_require_keys(c, props, req, err) != 0 || check_code(err, c, props) != 0 ||
	    check_limits(err, c, props) != 0 || check_env(err, c, props) != 0 ||
	    check_frontgate(err, c) != 0)
		return -1;
	if (rt != NULL && check_runtime(err, c, rt) != 0)
		return -1;
	if (handler != NULL && (handler[0] == '\0' || strlen(handler) > 128 ||
				strpbrk(handler, " \t\r\n") != NULL)) {
		snprintf(msg, sizeof(msg), "1 validation error detected: Value '%.140s' at "
			 "'handler' failed to satisfy constraint: Member must satisfy regular "
			 "expression pattern: [^\\s]+", handler);
		return stack_handler_err(c, err, "Lambda", 400, "ValidationError", "Handler", "%s", msg);
	}
	if (pinned != NULL && !match_name(pinned, 64)) {
		fg_err_set(err, 400, "ValidationError", "Resources.%s: Metadata.Frontgate.Id '%.100s' "
			   "is not a function name ([a-zA-Z0-9-_]{1,64})", c->logical_id, pinned);
		snprintf(msg, sizeof(msg), "Resources.%s.Metadata.Frontgate.Id", c->logical_id);
		fg_err_at(err, c->logical_id, msg);
		return -1;
	}
	if (name != NULL && !match_name(name, 64)) {
		snprintf(msg, sizeof(msg), "1 validation error detected: Value '%.140s' at "
			 "'functionName' failed to satisfy constraint: Member must satisfy regular "
			 "expression pattern: [a-zA-Z0-9-_]{1,64}", name);
		return stack_handler_err(c, err, "Lambda", 400, "ValidationError", "FunctionName", "%s", msg);
	}
	return 0;
}

/*
 * CloudFormation's name for a function it names itself: "{stack}-{logical}-{13 chars}", the
 * stack and logical parts shortened so the whole stays within Lambda's 64 characters.
 */
static void default_name(const struct stack_rctx *c, char out[256])
{
	char full[256];
	const char *suffix;
	size_t s = strlen(c->stack_name), g = strlen(c->logical_id), budget = 64 - 13 - 2;

	stack_default_physical_id(c, full);
	suffix = full + strlen(full) - 13;
	if (s + g > budget) {
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
	snprintf(out, 256, "%.*s-%.*s-%s", (int)s, c->stack_name, (int)g, c->logical_id, suffix);
}

/* Another function with this name in the same account and region: the stack that owns it. */
static const char *name_taken(const struct stack_rctx *c, const char *name)
{
	const cJSON *r, *doc;

	cJSON_ArrayForEach(r, c->deployed) {
		if (strcmp(str_of(r, "Type"), "AWS::Lambda::Function") == 0 &&
		    strcmp(str_of(r, "PhysicalId"), name) == 0)
			return c->stack_name;
	}
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		const char *acct = str_of(doc, "Account"), *region = str_of(doc, "Region");

		if (strcmp(str_of(doc, "Name"), c->stack_name) == 0 || acct == NULL ||
		    region == NULL || strcmp(acct, c->account) != 0 ||
		    strcmp(region, c->region) != 0)
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			if (strcmp(str_of(r, "Type"), "AWS::Lambda::Function") == 0 &&
			    strcmp(str_of(r, "PhysicalId"), name) == 0)
				return str_of(doc, "StackId") ? str_of(doc, "StackId")
							      : str_of(doc, "Name");
		}
	}
	return NULL;
}

static int fn_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		     cJSON *state, struct fg_err *err)
{
	const char *name = str_of(props, "FunctionName");
	const cJSON *prev_props = cJSON_GetObjectItemCaseSensitive(c->previous, "Properties");
	const char *pinned = str_of(frontgate_meta(c->metadata), "Id");
	const char *why, *owner;
	char arn[512];

	if (pinned != NULL && pinned[0] != '\0')
		snprintf(phys, 256, "%s", pinned);
	else if (name != NULL)
		snprintf(phys, 256, "%s", name);
	else if (c->previous == NULL || str_of(prev_props, "FunctionName") != NULL)
		default_name(c, phys);
	/* else: an update keeps the name CloudFormation generated before */
	owner = name_taken(c, phys);
	if (owner != NULL) {
		fg_err_set(err, 409, "AlreadyExistsException", "%s already exists in stack %s",
			   phys, owner);
		fg_err_at(err, c->logical_id, NULL);
		return -1;
	}
	snprintf(arn, sizeof(arn), "arn:aws:lambda:%s:%s:function:%s", c->region, c->account,
		 phys);
	cJSON_AddStringToObject(attrs, "Arn", arn);
	if (lambda_mode_of(props, c->metadata, &why) == LAMBDA_NOT_EMULATED)
		stack_warn(c, "function %s is not emulated: %s", phys, why);
	return 0;
}

static const struct stack_rtype function_type = {
	.type = "AWS::Lambda::Function",
	.validate = fn_validate,
	.create = fn_create,
};

/* ------------------------------------------------ Alias, Version, Permission */

/*
 * FunctionName of an alias, version or permission: a name, "name:qualifier", a partial ARN
 * "account:function:name" or a full ARN. Gives the unqualified function ARN.
 */
static void function_arn_of(const struct stack_rctx *c, const char *ref, char *out, size_t n)
{
	char buf[512];
	char *parts[8] = { 0 };
	size_t np = 0;

	snprintf(buf, sizeof(buf), "%s", ref);
	for (char *p = buf, *tok; np < 8 && (tok = strsep(&p, ":")) != NULL;)
		parts[np++] = tok;
	if (np >= 7 && strcmp(parts[0], "arn") == 0)
		snprintf(out, n, "arn:%s:lambda:%s:%s:function:%s", parts[1], parts[3], parts[4],
			 parts[6]);
	else if (np >= 3 && strcmp(parts[1], "function") == 0)
		snprintf(out, n, "arn:aws:lambda:%s:%s:function:%s", c->region, parts[0], parts[2]);
	else
		snprintf(out, n, "arn:aws:lambda:%s:%s:function:%s", c->region, c->account,
			 parts[0]);
}

static int alias_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const req[] = { "FunctionName", "FunctionVersion", "Name", NULL };
	const char *name = str_of(props, "Name");
	char msg[400];
	bool digits = true;

	if (stack_require_keys(c, props, req, err) != 0)
		return -1;
	if (name == NULL || !match_name(name, 128)) {
		snprintf(msg, sizeof(msg), "#/Name: string [%.140s] does not match pattern "
			 "^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$", name ? name : "");
		return stack_schema_err(c, err, "Name", "%s", msg);
	}
	for (const char *p = name; *p; p++)
		digits = digits && isdigit((unsigned char)*p);
	if (digits) {
		snprintf(msg, sizeof(msg), "#/Name: string [%s] does not match pattern "
			 "^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$", name);
		return stack_schema_err(c, err, "Name", "%s", msg);
	}
	if (str_of(props, "FunctionName") == NULL)
		return stack_schema_err(c, err, "FunctionName", "%s", "#/FunctionName: expected type: String, found: JSONObject");
	return 0;
}

static int alias_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
			cJSON *state, struct fg_err *err)
{
	char fn[512], arn[700];

	function_arn_of(c, str_of(props, "FunctionName"), fn, sizeof(fn));
	snprintf(arn, sizeof(arn), "%s:%s", fn, str_of(props, "Name"));
	snprintf(phys, 256, "%.255s", arn);
	cJSON_AddStringToObject(attrs, "Arn", arn);
	cJSON_AddStringToObject(attrs, "AliasArn", arn);
	return 0;
}

static const struct stack_rtype alias_type = {
	.type = "AWS::Lambda::Alias",
	.validate = alias_validate,
	.create = alias_create,
};

static int version_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const req[] = { "FunctionName", NULL };

	if (stack_require_keys(c, props, req, err) != 0)
		return -1;
	if (str_of(props, "FunctionName") == NULL)
		return stack_schema_err(c, err, "FunctionName", "%s", "#/FunctionName: expected type: String, found: JSONObject");
	return 0;
}

/* The highest version number published so far for the function ARN fn. */
static long max_version(const cJSON *resources, const char *fn)
{
	const cJSON *r;
	long max = 0;

	cJSON_ArrayForEach(r, resources) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(r, "Attributes");
		const char *f = str_of(a, "FunctionArn"), *v = str_of(a, "Version");

		if (strcmp(str_of(r, "Type"), "AWS::Lambda::Version") == 0 && f != NULL &&
		    v != NULL && strcmp(f, fn) == 0 && atol(v) > max)
			max = atol(v);
	}
	return max;
}

static int version_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			  cJSON *attrs, cJSON *state, struct fg_err *err)
{
	const cJSON *pa = cJSON_GetObjectItemCaseSensitive(c->previous, "Attributes");
	const cJSON *doc;
	char fn[512], arn[700], num[24];
	long n = 0;

	function_arn_of(c, str_of(props, "FunctionName"), fn, sizeof(fn));
	if (str_of(pa, "FunctionArn") != NULL && strcmp(str_of(pa, "FunctionArn"), fn) == 0 &&
	    str_of(pa, "Version") != NULL) {
		n = atol(str_of(pa, "Version")); /* a published version never changes */
	} else {
		/* versions are numbered per function and never reused */
		n = max_version(c->deployed, fn);
		cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
			long m = max_version(cJSON_GetObjectItemCaseSensitive(doc, "Resources"), fn);

			n = m > n ? m : n;
		}
		n++;
	}
	snprintf(num, sizeof(num), "%ld", n);
	snprintf(arn, sizeof(arn), "%s:%s", fn, num);
	snprintf(phys, 256, "%.255s", arn);
	cJSON_AddStringToObject(attrs, "Arn", arn);
	cJSON_AddStringToObject(attrs, "FunctionArn", fn);
	cJSON_AddStringToObject(attrs, "Version", num);
	return 0;
}

static const struct stack_rtype version_type = {
	.type = "AWS::Lambda::Version",
	.validate = version_validate,
	.create = version_create,
};

static int permission_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			     cJSON *attrs, cJSON *state, struct fg_err *err)
{
	if (phys[0] == '\0')
		stack_default_physical_id(c, phys);
	stack_warn(c, "AWS::Lambda::Permission is accepted and stored; frontgate does not "
		   "enforce Lambda resource policies");
	return 0;
}

static const struct stack_rtype permission_type = {
	.type = "AWS::Lambda::Permission",
	.create = permission_create, /* pass-through: resource policies are not enforced */
};

void lambda_types_register(struct stack_registry *r, void *svc)
{
	stack_registry_add(r, &function_type, svc);
	stack_registry_add(r, &alias_type, svc);
	stack_registry_add(r, &version_type, svc);
	stack_registry_add(r, &permission_type, svc);
}
