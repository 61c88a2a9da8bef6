/*
 * cf_types_beh.c: the cache behaviours of a DistributionConfig (DefaultCacheBehavior and the
 * ordered CacheBehaviors) and its CustomErrorResponses, checked the way CloudFront checks them:
 * a target origin that exists (NoSuchOrigin), one of the method sets of §5.3, a path pattern
 * of §6.1, either a cache policy (managed §6.6 or a CachePolicy of the world) or the legacy
 * ForwardedValues with Min/Default/MaxTTL, and policies that exist (NoSuch*). Parts that are
 * accepted but not emulated (edge functions, signed URLs, field-level encryption) are stack
 * warnings.
 */
#include "cloudfront/cf_priv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define P_DC "DistributionConfig"

static const char *const BEH_KEYS[] = {
	"AllowedMethods", "CachePolicyId", "CachedMethods", "Compress", "DefaultTTL",
	"FieldLevelEncryptionId", "ForwardedValues", "FunctionAssociations", "GrpcConfig",
	"LambdaFunctionAssociations", "MaxTTL", "MinTTL", "OriginRequestPolicyId", "PathPattern",
	"RealtimeLogConfigArn", "ResponseHeadersPolicyId", "SmoothStreaming", "TargetOriginId",
	"TrustedKeyGroups", "TrustedSigners", "ViewerProtocolPolicy", NULL };
static const char *const VPP[] = { "allow-all", "https-only", "redirect-to-https", NULL };
static const char *const COOKIE_FWD[] = { "none", "whitelist", "all", NULL };
static const char *const FV_KEYS[] = { "Cookies", "Headers", "QueryString",
				       "QueryStringCacheKeys", NULL };

/* The method sets CloudFront accepts (§5.3), compared as sets. */
static int method_set(const struct cf_chk *k, const cJSON *b, const char *key, const char *path,
		      bool cached, unsigned *out)
{
	static const unsigned ALLOWED[] = { CF_GET | CF_HEAD, CF_GET | CF_HEAD | CF_OPTIONS,
					    CF_GET | CF_HEAD | CF_OPTIONS | CF_PUT | CF_POST |
						    CF_PATCH | CF_DELETE };
	const cJSON *list = NULL, *it;
	unsigned bits = 0;
	size_t nsets = cached ? 2 : 3;
	char got[80];

	if (cf_chk_strs(k, b, key, path, false, &list) != 0)
		return -1;
	if (list == NULL)
		return 0;
	cJSON_ArrayForEach(it, list) {
		unsigned bit = cf_method_bit(it->valuestring);

		if (bit == 0)
			return cf_chk_fail(k, path, key, "%s is not a valid enum value",
					   it->valuestring);
		bits |= bit;
	}
	for (size_t i = 0; i < nsets; i++) {
		if (bits == ALLOWED[i]) {
			*out = bits;
			return 0;
		}
	}
	cf_methods_text(bits, got);
	return cf_api_err(k, 400, "InvalidArgument", path,  /* UNCONFIRMED wording */
			  "The parameter %s must be %s (got %s).", key,
			  cached ? "[GET, HEAD] or [GET, HEAD, OPTIONS]"
				 : "[GET, HEAD], [GET, HEAD, OPTIONS] or [GET, HEAD, OPTIONS, PUT, "
				   "POST, PATCH, DELETE]",
			  got);
}

static bool in_ids(const cJSON *ids, const char *id)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, ids)
		if (strcmp(it->valuestring, id) == 0)
			return true;
	return false;
}

/* A policy id: managed, or a resource of that type in the world (same account). */
static int check_policy_id(const struct cf_chk *k, const cJSON *b, const char *key,
			   const char *path, const char *type, bool managed, const char *code,
			   const char *what)
{
	const char *id = NULL;
	struct cf_res r;

	if (cf_chk_str(k, b, key, path, false, &id) != 0)
		return -1;
	if (id == NULL || managed)
		return 0;
	r = cf_find_resource(k->c, type, id);
	if (r.res != NULL && strcmp(r.account, k->c->account) == 0)
		return 0;
	return cf_api_err(k, 404, code, path, "The %s does not exist.", what);
}

static int check_forwarded(const struct cf_chk *k, const cJSON *b, const char *path)
{
	const cJSON *fv = NULL, *cookies = NULL, *list = NULL;
	const char *fwd = NULL;
	char sub[256], csub[300];
	bool qs;

	if (cf_chk_obj(k, b, "ForwardedValues", path, true, &fv) != 0)
		return -1;
	snprintf(sub, sizeof(sub), "%s/ForwardedValues", path);
	snprintf(csub, sizeof(csub), "%s/Cookies", sub);
	if (cf_chk_keys(k, fv, sub, FV_KEYS) != 0 ||
	    cf_chk_bool(k, fv, "QueryString", sub, true, &qs) != 0 ||
	    cf_chk_strs(k, fv, "Headers", sub, false, &list) != 0 ||
	    cf_chk_strs(k, fv, "QueryStringCacheKeys", sub, false, &list) != 0 ||
	    cf_chk_obj(k, fv, "Cookies", sub, false, &cookies) != 0 ||
	    (cookies != NULL &&
	     (cf_chk_enum(k, cookies, "Forward", csub, true, COOKIE_FWD, &fwd) != 0 ||
	      cf_chk_strs(k, cookies, "WhitelistedNames", csub, false, &list) != 0)))
		return -1;
	return 0;
}

/* Legacy TTLs (defaults 0 / 86400 / 31536000) in order. */
static int check_legacy_ttls(const struct cf_chk *k, const cJSON *b, const char *path)
{
	long long min = 0, def = 86400, max = 31536000;

	if (cf_chk_int(k, b, "MinTTL", path, false, &min) != 0 ||
	    cf_chk_int(k, b, "DefaultTTL", path, false, &def) != 0 ||
	    cf_chk_int(k, b, "MaxTTL", path, false, &max) != 0)
		return -1;
	if (min < 0 || min > def || def > max)  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidTTLOrder", path,
				  "The TTL order specified is not valid: MinTTL %lld, DefaultTTL "
				  "%lld, MaxTTL %lld (MinTTL <= DefaultTTL <= MaxTTL).", min, def,
				  max);
	return 0;
}

/* Either a cache policy or ForwardedValues (+ legacy TTLs), not both. */
static int check_cache_settings(const struct cf_chk *k, const cJSON *b, const char *path)
{
	const char *cp = cf_js(b, "CachePolicyId");
	static const char *const LEGACY[] = { "MinTTL", "DefaultTTL", "MaxTTL" };

	if (check_policy_id(k, b, "CachePolicyId", path, CF_T_CACHE,
			    cf_managed_cache_policy(cp) != NULL, "NoSuchCachePolicy",
			    "cache policy") != 0)
		return -1;
	if (cp == NULL && cf_j(b, "ForwardedValues") == NULL)
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The parameter ForwardedValues is required when a cache policy "
				  "is not associated to a cache behavior.");
	if (cp != NULL && cf_j(b, "ForwardedValues") != NULL)
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The parameter ForwardedValues cannot be used when a cache "
				  "policy is associated to the cache behavior.");
	if (cp == NULL)
		return check_forwarded(k, b, path) != 0 ? -1 : check_legacy_ttls(k, b, path);
	for (size_t i = 0; i < 3; i++) {
		if (cf_j(b, LEGACY[i]) != NULL)  /* UNCONFIRMED wording */
			return cf_api_err(k, 400, "InvalidArgument", path,
					  "The parameter %s cannot be used when a cache policy is "
					  "associated to the cache behavior.", LEGACY[i]);
	}
	return 0;
}

static void warn_unemulated(const struct cf_chk *k, const cJSON *b, const char *path)
{
	static const char *const KEYS[] = { "FunctionAssociations", "LambdaFunctionAssociations",
					    "TrustedSigners", "TrustedKeyGroups",
					    "FieldLevelEncryptionId", "SmoothStreaming",
					    "RealtimeLogConfigArn", "GrpcConfig" };

	for (size_t i = 0; i < sizeof(KEYS) / sizeof(KEYS[0]); i++) {
		const cJSON *v = cf_j(b, KEYS[i]);

		if (v == NULL || (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 0) ||
		    cJSON_IsFalse(v))
			continue;
		stack_warn(k->c, "%s.%s is accepted and stored; it is not emulated (%s)", path,
			   KEYS[i],
			   strncmp(KEYS[i], "Trusted", 7) == 0
			   ? "requests are served without a signed URL or cookie"
			   : strstr(KEYS[i], "Function") != NULL ? "no edge function runs"
								  : "no effect");
	}
}

static int check_behavior(const struct cf_chk *k, const cJSON *b, const char *path,
			  const cJSON *ids, bool def)
{
	const char *target = NULL, *s = NULL, *pattern = NULL;
	unsigned allowed = CF_GET | CF_HEAD, cached = CF_GET | CF_HEAD;
	bool compress;

	if (cf_chk_keys(k, b, path, BEH_KEYS) != 0 ||
	    cf_chk_str(k, b, "TargetOriginId", path, true, &target) != 0 ||
	    cf_chk_enum(k, b, "ViewerProtocolPolicy", path, true, VPP, &s) != 0 ||
	    cf_chk_bool(k, b, "Compress", path, false, &compress) != 0 ||
	    method_set(k, b, "AllowedMethods", path, false, &allowed) != 0 ||
	    method_set(k, b, "CachedMethods", path, true, &cached) != 0)
		return -1;
	if (def && cf_j(b, "PathPattern") != NULL)
		return cf_chk_fail(k, path, NULL, "extraneous key [PathPattern] is not permitted");
	if (!def && (cf_chk_str(k, b, "PathPattern", path, true, &pattern) != 0))
		return -1;
	if (pattern != NULL && !cf_pattern_valid(pattern))  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The parameter PathPattern is invalid: %s (at most 255 of "
				  "A-Z a-z 0-9 _ - . * $ / ~ \" ' @ : + &).", pattern);
	if ((cached & ~allowed) != 0)
		return cf_api_err(k, 400, "InvalidArgument", path,  /* UNCONFIRMED wording */
				  "The parameter CachedMethods must be a subset of AllowedMethods.");
	if (!in_ids(ids, target))
		return cf_api_err(k, 404, "NoSuchOrigin", path,
				  "One or more of your origins or origin groups do not exist. "
				  "(frontgate: TargetOriginId %s)", target);
	if (check_cache_settings(k, b, path) != 0 ||
	    check_policy_id(k, b, "OriginRequestPolicyId", path, CF_T_ORP,
			    cf_managed_orp(cf_js(b, "OriginRequestPolicyId")) != NULL,
			    "NoSuchOriginRequestPolicy", "origin request policy") != 0 ||
	    check_policy_id(k, b, "ResponseHeadersPolicyId", path, CF_T_RHP,
			    cf_managed_rhp(cf_js(b, "ResponseHeadersPolicyId")) != NULL,
			    "NoSuchResponseHeadersPolicy", "response headers policy") != 0)
		return -1;
	warn_unemulated(k, b, path);
	return 0;
}

int cf_check_behaviors(const struct cf_chk *k, const cJSON *dc, const cJSON *ids)
{
	const cJSON *def = NULL, *list = NULL, *b;
	int i = 0;

	if (cf_chk_obj(k, dc, "DefaultCacheBehavior", P_DC, true, &def) != 0 ||
	    check_behavior(k, def, P_DC "/DefaultCacheBehavior", ids, true) != 0 ||
	    cf_chk_arr(k, dc, "CacheBehaviors", P_DC, false, &list) != 0)
		return -1;
	cJSON_ArrayForEach(b, list) {
		char path[80];

		snprintf(path, sizeof(path), P_DC "/CacheBehaviors/%d", i++);
		if (!cJSON_IsObject(b))
			return cf_chk_fail(k, path, NULL, "expected type: JSONObject, found: %s",
					   stack_json_kind(b));
		if (check_behavior(k, b, path, ids, false) != 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------- CustomErrorResponses */

static bool code_in(long long v, const int *set, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (set[i] == v)
			return true;
	}
	return false;
}

static int check_error(const struct cf_chk *k, const cJSON *e, const char *path, unsigned *seen)
{
	static const int CODES[] = { 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504 };
	static const int RESP[] = { 200, 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504 };
	long long code = 0, resp = 0, ttl = 0;
	const char *page = NULL;
	size_t idx;

	if (cf_chk_int(k, e, "ErrorCode", path, true, &code) != 0 ||
	    cf_chk_int(k, e, "ResponseCode", path, false, &resp) != 0 ||
	    cf_chk_int(k, e, "ErrorCachingMinTTL", path, false, &ttl) != 0 ||
	    cf_chk_str(k, e, "ResponsePagePath", path, false, &page) != 0)
		return -1;
	if (!code_in(code, CODES, sizeof(CODES) / sizeof(CODES[0])))  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidErrorCode", path,
				  "The error code %lld is not one CloudFront can customise (400, "
				  "403, 404, 405, 414, 416, 500, 501, 502, 503, 504).", code);
	if (resp != 0 && !code_in(resp, RESP, sizeof(RESP) / sizeof(RESP[0])))
		return cf_api_err(k, 400, "InvalidResponseCode", path,
				  "The response code %lld is not valid.", resp);
	if ((resp != 0) != (page != NULL))  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "ResponseCode and ResponsePagePath go together: give both or "
				  "neither.");
	if (page != NULL && page[0] != '/')
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The parameter ResponsePagePath must begin with a slash (/): %s.",
				  page);
	if (ttl < 0)
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The parameter ErrorCachingMinTTL must not be negative.");
	for (idx = 0; CODES[idx] != code; idx++)
		;
	if (*seen & (1u << idx))
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The error code %lld is customised twice.", code);
	*seen |= 1u << idx;
	return 0;
}

int cf_check_errors(const struct cf_chk *k, const cJSON *dc)
{
	const cJSON *list = NULL, *e;
	unsigned seen = 0;
	int i = 0;

	if (cf_chk_arr(k, dc, "CustomErrorResponses", P_DC, false, &list) != 0)
		return -1;
	cJSON_ArrayForEach(e, list) {
		char path[80];

		snprintf(path, sizeof(path), P_DC "/CustomErrorResponses/%d", i++);
		if (check_error(k, e, path, &seen) != 0)
			return -1;
	}
	return 0;
}
