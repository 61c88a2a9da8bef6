/*
 * cf_cfn.c: reading CloudFront's deeply nested CloudFormation properties. The readers check
 * types and enums with CloudFormation's schema messages, naming the JSON pointer of the
 * offending node (#/DistributionConfig/Origins/0/CustomOriginConfig/HTTPPort) and putting the
 * same path, dotted, in the error's property; CloudFront API errors are relayed the way
 * CloudFormation's resource handler relays them. Also: the deterministic ids, and the plain
 * readers the compiler uses on documents that were validated when deployed.
 */
#include "cloudfront/cf_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "A/B/0" + "C" -> "A.B.0.C" (the error's property path under Properties). */
static void dotted(const char *path, const char *key, char *out, size_t n)
{
	size_t o = 0;

	for (const char *p = path; *p && o + 1 < n; p++)
		out[o++] = *p == '/' ? '.' : *p;
	if (key != NULL && key[0] && o + 1 < n) {
		if (o > 0)
			out[o++] = '.';
		for (const char *p = key; *p && o + 1 < n; p++)
			out[o++] = *p;
	}
	out[o] = '\0';
}

int cf_chk_fail(const struct cf_chk *k, const char *path, const char *key, const char *fmt, ...)
{
	char msg[900], prop[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dotted(path, key, prop, sizeof(prop));
	if (key != NULL && key[0])
		return stack_schema_err(k->c, k->err, prop, "#/%s%s%s: %s", path, path[0] ? "/" : "",
					key, msg);
	return stack_schema_err(k->c, k->err, prop, "#%s%s: %s", path[0] ? "/" : "", path, msg);
}

int cf_api_err(const struct cf_chk *k, int status, const char *code, const char *path,
	       const char *fmt, ...)
{
	char msg[1000], prop[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dotted(path, NULL, prop, sizeof(prop));
	return stack_handler_err(k->c, k->err, "CloudFront", status, code, prop, "%s", msg);
}

static const cJSON *get(const struct cf_chk *k, const cJSON *parent, const char *key,
			const char *path, bool required, int *rc)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, key);

	*rc = 0;
	if ((v == NULL || cJSON_IsNull(v)) && required)
		*rc = cf_chk_fail(k, path, NULL, "required key [%s] not found", key);
	return cJSON_IsNull(v) ? NULL : v;
}

static int wrong(const struct cf_chk *k, const char *path, const char *key, const char *want,
		 const cJSON *v)
{
	return cf_chk_fail(k, path, key, "expected type: %s, found: %s", want,
			   stack_json_kind(v));
}

int cf_chk_obj(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
	       bool required, const cJSON **out)
{
	int rc;
	const cJSON *v = get(k, parent, key, path, required, &rc);

	if (rc != 0 || v == NULL)
		return rc;
	if (!cJSON_IsObject(v))
		return wrong(k, path, key, "JSONObject", v);
	*out = v;
	return 0;
}

int cf_chk_arr(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
	       bool required, const cJSON **out)
{
	int rc;
	const cJSON *v = get(k, parent, key, path, required, &rc);

	if (rc != 0 || v == NULL)
		return rc;
	if (!cJSON_IsArray(v))
		return wrong(k, path, key, "JSONArray", v);
	*out = v;
	return 0;
}

int cf_chk_str(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
	       bool required, const char **out)
{
	int rc;
	const cJSON *v = get(k, parent, key, path, required, &rc);

	if (rc != 0 || v == NULL)
		return rc;
	if (!cJSON_IsString(v))
		return wrong(k, path, key, "String", v);
	*out = v->valuestring;
	return 0;
}

int cf_chk_int(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
	       bool required, long long *out)
{
	int rc;
	const cJSON *v = get(k, parent, key, path, required, &rc);
	char *end;

	if (rc != 0 || v == NULL)
		return rc;
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
	return wrong(k, path, key, "Integer", v);
}

int cf_chk_bool(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
		bool required, bool *out)
{
	int rc;
	const cJSON *v = get(k, parent, key, path, required, &rc);

	if (rc != 0 || v == NULL)
		return rc;
	if (cJSON_IsBool(v))
		*out = cJSON_IsTrue(v);
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0)
		*out = true;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "false") == 0)
		*out = false;
	else
		return wrong(k, path, key, "Boolean", v);
	return 0;
}

int cf_chk_enum(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
		bool required, const char *const *values, const char **out)
{
	const char *s = NULL;

	if (cf_chk_str(k, parent, key, path, required, &s) != 0)
		return -1;
	if (s == NULL)
		return 0;
	for (size_t i = 0; values[i] != NULL; i++) {
		if (strcmp(values[i], s) == 0) {
			*out = s;
			return 0;
		}
	}
	return cf_chk_fail(k, path, key, "%s is not a valid enum value", s);
}

int cf_chk_strs(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
		bool required, const cJSON **out)
{
	const cJSON *arr = NULL, *it;
	int i = 0;

	if (cf_chk_arr(k, parent, key, path, required, &arr) != 0)
		return -1;
	if (arr == NULL)
		return 0;
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it)) {
			char sub[64];

			snprintf(sub, sizeof(sub), "%s/%d", key, i);
			return wrong(k, path, sub, "String", it);
		}
		i++;
	}
	*out = arr;
	return 0;
}

int cf_chk_keys(const struct cf_chk *k, const cJSON *obj, const char *path,
		const char *const *known)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj) {
		bool found = false;

		for (size_t i = 0; known[i] != NULL && !found; i++)
			found = strcmp(known[i], it->string) == 0;
		if (!found)
			return cf_chk_fail(k, path, NULL, "extraneous key [%s] is not permitted",
					   it->string);
	}
	return 0;
}

/* ------------------------------------------------------------------ readers */

const cJSON *cf_j(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNull(v) ? NULL : v;
}

const char *cf_js(const cJSON *o, const char *k)
{
	const cJSON *v = cf_j(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

long long cf_ji(const cJSON *o, const char *k, long long def)
{
	const cJSON *v = cf_j(o, k);

	if (cJSON_IsNumber(v))
		return (long long)v->valuedouble;
	if (cJSON_IsString(v) && v->valuestring[0])
		return strtoll(v->valuestring, NULL, 10);
	return def;
}

bool cf_jb(const cJSON *o, const char *k, bool def)
{
	const cJSON *v = cf_j(o, k);

	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v);
	if (cJSON_IsString(v))
		return strcmp(v->valuestring, "true") == 0;
	return def;
}

const char *const *cf_jlist(struct fg_arena *a, const cJSON *arr, bool lower, size_t *n)
{
	const char **out;
	const cJSON *it;
	size_t i = 0;

	*n = 0;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
		return NULL;
	out = fg_arena_alloc(a, (size_t)cJSON_GetArraySize(arr) * sizeof(*out));
	cJSON_ArrayForEach(it, arr) {
		char *s;

		if (!cJSON_IsString(it))
			continue;
		s = fg_arena_strdup(a, it->valuestring);
		if (lower)
			for (char *p = s; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		out[i++] = s;
	}
	*n = i;
	return out;
}

const char *cf_jitems(struct fg_arena *a, const cJSON *o, const char *k)
{
	const cJSON *items = cf_j(cf_j(o, k), "Items"), *it;
	struct fg_buf b;
	const char *out;

	if (!cJSON_IsArray(items) || cJSON_GetArraySize(items) == 0)
		return NULL;
	fg_buf_init(&b);
	cJSON_ArrayForEach(it, items) {
		if (cJSON_IsString(it))
			fg_buf_printf(&b, "%s%s", b.len ? "," : "", it->valuestring);
	}
	out = fg_arena_strdup(a, b.data ? b.data : "");
	fg_buf_free(&b);
	return out;
}

/* ---------------------------------------------------------------------- ids */

void cf_derive_dist_id(const struct stack_rctx *c, char out[16])
{
	out[0] = 'E';
	stack_derived_id(c, "cloudfront-distribution", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 13,
			 out + 1);
}

void cf_derive_domain(const struct stack_rctx *c, char out[64])
{
	char id[16];

	stack_derived_id(c, "cloudfront-domain", "abcdefghijklmnopqrstuvwxyz0123456789", 13, id);
	snprintf(out, 64, "d%s.cloudfront.net", id);
}

void cf_derive_uuid(const struct stack_rctx *c, const char *salt, char out[37])
{
	char hex[33];

	stack_derived_id(c, salt, "0123456789abcdef", 32, hex);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
		 hex + 20);
}
