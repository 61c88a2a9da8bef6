/*
 * cf_policy.c: CloudFront's policies — the managed cache and origin request policies of
 * aws-behavior.md §6.6 (and the managed response headers policies), and the control plane of
 * AWS::CloudFront::CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy and VpcOrigin: their
 * checks, their ids (UUIDs for policies, Ref = Id), and the compilation of a policy's config
 * into what the data plane reads.
 */
#include "cloudfront/cf_priv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define SEL(how, list) { how, list, N(list) }
#define SEL0(how) { how, NULL, 0 }

/* ------------------------------------------------------- managed policies (§6.6) */

static const char *const AMPLIFY_H[] = { "Authorization", "CloudFront-Viewer-Country", "Host" };
static const char *const MEDIAPACKAGE_H[] = { "Origin" };
static const char *const MEDIAPACKAGE_Q[] = { "aws.manifestfilter", "start", "end", "m" };
/* UNCONFIRMED (§6.6 lists the names, not the ids or contents): remembered from the CloudFront
 * guide's managed cache policies page. */
static const char *const ORIGIN_CC_H[] = { "Host", "Origin", "X-HTTP-Method-Override",
					   "X-HTTP-Method", "X-Method-Override" };

static const struct cf_cache_policy MANAGED_CACHE[] = {
	{ "658327ea-f89d-4fab-a63d-7e88639e58f6", "Managed-CachingOptimized", true, 1, 86400,
	  31536000, SEL0(CF_SEL_NONE), SEL0(CF_SEL_NONE), SEL0(CF_SEL_NONE), true, true },
	{ "b2884449-e4de-46a7-ac36-70bc7f1ddd6d", "Managed-CachingOptimizedForUncompressedObjects",
	  true, 1, 86400, 31536000, SEL0(CF_SEL_NONE), SEL0(CF_SEL_NONE), SEL0(CF_SEL_NONE), false,
	  false },
	{ "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "Managed-CachingDisabled", true, 0, 0, 0,
	  SEL0(CF_SEL_NONE), SEL0(CF_SEL_NONE), SEL0(CF_SEL_NONE), false, false },
	{ "2e54312d-136d-493c-8eb9-b001f22f67d2", "Managed-Amplify", true, 2, 2, 600,
	  SEL(CF_SEL_WHITELIST, AMPLIFY_H), SEL0(CF_SEL_ALL), SEL0(CF_SEL_ALL), true, true },
	{ "08627262-05a9-4f76-9ded-b50ca2e3a84f", "Managed-Elemental-MediaPackage", true, 0, 86400,
	  31536000, SEL(CF_SEL_WHITELIST, MEDIAPACKAGE_H), SEL0(CF_SEL_NONE),
	  SEL(CF_SEL_WHITELIST, MEDIAPACKAGE_Q), true, false },
	{ "83da9c7e-98b4-4e11-a168-04f0df8e2c65", "Managed-UseOriginCacheControlHeaders", true, 0,
	  0, 31536000, SEL(CF_SEL_WHITELIST, ORIGIN_CC_H), SEL0(CF_SEL_ALL), SEL0(CF_SEL_NONE),
	  true, true },
	{ "4cc15a8a-d715-48a4-82b8-cc0b614638fe",
	  "Managed-UseOriginCacheControlHeaders-QueryStrings", true, 0, 0, 31536000,
	  SEL(CF_SEL_WHITELIST, ORIGIN_CC_H), SEL0(CF_SEL_ALL), SEL0(CF_SEL_ALL), true, true },
};

static const char *const HOST[] = { "host" };
/* The CloudFront headers released up to June 2022 (§6.4's list). */
static const char *const CF_2022[] = {
	"CloudFront-Forwarded-Proto", "CloudFront-Is-Android-Viewer",
	"CloudFront-Is-Desktop-Viewer", "CloudFront-Is-IOS-Viewer", "CloudFront-Is-Mobile-Viewer",
	"CloudFront-Is-SmartTV-Viewer", "CloudFront-Is-Tablet-Viewer", "CloudFront-Viewer-Address",
	"CloudFront-Viewer-ASN", "CloudFront-Viewer-City", "CloudFront-Viewer-Country",
	"CloudFront-Viewer-Country-Name", "CloudFront-Viewer-Country-Region",
	"CloudFront-Viewer-Country-Region-Name", "CloudFront-Viewer-Http-Version",
	"CloudFront-Viewer-Latitude", "CloudFront-Viewer-Longitude", "CloudFront-Viewer-Metro-Code",
	"CloudFront-Viewer-Postal-Code", "CloudFront-Viewer-Time-Zone", "CloudFront-Viewer-TLS",
};
static const char *const CORS_C[] = { "Origin" };
static const char *const CORS_S3[] = { "Origin", "Access-Control-Request-Headers",
				       "Access-Control-Request-Method" };
static const char *const TAILOR[] = { "Origin", "Access-Control-Request-Headers",
				      "Access-Control-Request-Method", "User-Agent",
				      "X-Forwarded-For" };
static const char *const UA_REF[] = { "User-Agent", "Referer" };

static const struct cf_orp MANAGED_ORP[] = {
	{ "216adef6-5c7f-47e4-b989-5492eafa07d3", "Managed-AllViewer", true, SEL0(CF_SEL_ALL),
	  SEL0(CF_SEL_ALL), SEL0(CF_SEL_ALL) },
	{ "b689b0a8-53d0-40ab-baf2-68738e2966ac", "Managed-AllViewerExceptHostHeader", true,
	  SEL(CF_SEL_ALL_EXCEPT, HOST), SEL0(CF_SEL_ALL), SEL0(CF_SEL_ALL) },
	{ "33f36d7e-f396-46d9-90e0-52428a34d9dc", "Managed-AllViewerAndCloudFrontHeaders-2022-06",
	  true, SEL(CF_SEL_ALL_AND_CF, CF_2022), SEL0(CF_SEL_ALL), SEL0(CF_SEL_ALL) },
	{ "59781a5b-3903-41f3-afcb-af62929ccde1", "Managed-CORS-CustomOrigin", true,
	  SEL(CF_SEL_WHITELIST, CORS_C), SEL0(CF_SEL_NONE), SEL0(CF_SEL_NONE) },
	{ "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", "Managed-CORS-S3Origin", true,
	  SEL(CF_SEL_WHITELIST, CORS_S3), SEL0(CF_SEL_NONE), SEL0(CF_SEL_NONE) },
	{ "775133bc-15f2-49f9-abea-afb2e0bf67d2",
	  "Managed-Elemental-MediaTailor-PersonalizedManifests", true,
	  SEL(CF_SEL_WHITELIST, TAILOR), SEL0(CF_SEL_NONE), SEL0(CF_SEL_ALL) },
	{ "acba4595-bd28-49b8-b9fe-13317c0390fa", "Managed-UserAgentRefererHeaders", true,
	  SEL(CF_SEL_WHITELIST, UA_REF), SEL0(CF_SEL_NONE), SEL0(CF_SEL_NONE) },
};

/*
 * Managed response headers policies. UNCONFIRMED: aws-behavior.md has no section on them; the
 * ids and values are remembered from the CloudFront guide's "managed response headers
 * policies" page.
 */
static const struct cf_hdr_rule SECURITY[] = {
	{ "Referrer-Policy", "strict-origin-when-cross-origin", false },
	{ "Strict-Transport-Security", "max-age=31536000", false },
	{ "X-Content-Type-Options", "nosniff", false },
	{ "X-Frame-Options", "SAMEORIGIN", false },
	{ "X-XSS-Protection", "1; mode=block", false },
};
#define PREFLIGHT_METHODS "GET,HEAD,PUT,POST,PATCH,DELETE,OPTIONS"

static const struct cf_rhp MANAGED_RHP[] = {
	{ "60669652-455b-4ae9-85a4-c4c02393f86c", "Managed-SimpleCORS", true, true, false, false,
	  "*", NULL, 0, NULL, NULL, NULL, -1, NULL, 0, NULL, 0, false },
	{ "5cc3b908-e619-4b99-88e5-2cf7f45965bd", "Managed-CORS-With-Preflight", true, true, false,
	  false, "*", NULL, 0, "*", PREFLIGHT_METHODS, "*", -1, NULL, 0, NULL, 0, false },
	{ "67f7725c-6f97-4210-82d7-5512b31e9d03", "Managed-SecurityHeadersPolicy", true, false,
	  false, false, NULL, NULL, 0, NULL, NULL, NULL, -1, SECURITY, N(SECURITY), NULL, 0, false },
	{ "e61eb60c-9c35-4d20-a928-2b84e02af89c", "Managed-CORS-and-SecurityHeadersPolicy", true,
	  true, false, false, "*", NULL, 0, NULL, NULL, NULL, -1, SECURITY, N(SECURITY), NULL, 0,
	  false },
	{ "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
	  "Managed-CORS-with-preflight-and-SecurityHeadersPolicy", true, true, false, false, "*",
	  NULL, 0, "*", PREFLIGHT_METHODS, "*", -1, SECURITY, N(SECURITY), NULL, 0, false },
};

const struct cf_cache_policy *cf_managed_cache_policy(const char *id)
{
	for (size_t i = 0; id != NULL && i < N(MANAGED_CACHE); i++) {
		if (strcmp(MANAGED_CACHE[i].id, id) == 0)
			return &MANAGED_CACHE[i];
	}
	return NULL;
}

const struct cf_orp *cf_managed_orp(const char *id)
{
	for (size_t i = 0; id != NULL && i < N(MANAGED_ORP); i++) {
		if (strcmp(MANAGED_ORP[i].id, id) == 0)
			return &MANAGED_ORP[i];
	}
	return NULL;
}

const struct cf_rhp *cf_managed_rhp(const char *id)
{
	for (size_t i = 0; id != NULL && i < N(MANAGED_RHP); i++) {
		if (strcmp(MANAGED_RHP[i].id, id) == 0)
			return &MANAGED_RHP[i];
	}
	return NULL;
}

/* ------------------------------------------------------------------- compile */

static enum cf_sel sel_of(const char *s)
{
	if (s == NULL || strcmp(s, "none") == 0)
		return CF_SEL_NONE;
	if (strcmp(s, "whitelist") == 0)
		return CF_SEL_WHITELIST;
	if (strcmp(s, "allExcept") == 0)
		return CF_SEL_ALL_EXCEPT;
	if (strcmp(s, "allViewerAndWhitelistCloudFront") == 0)
		return CF_SEL_ALL_AND_CF;
	return CF_SEL_ALL; /* "all", "allViewer" */
}

static void select_compile(struct fg_arena *a, const cJSON *cfg, const char *behaviour,
			   const char *list, struct cf_select *out)
{
	out->how = sel_of(cf_js(cfg, behaviour));
	out->names = cf_jlist(a, cf_j(cfg, list), false, &out->n);
}

void cf_cache_policy_compile(struct fg_arena *a, const cJSON *cfg, struct cf_cache_policy *out)
{
	const cJSON *p = cf_j(cfg, "ParametersInCacheKeyAndForwardedToOrigin");

	memset(out, 0, sizeof(*out));
	out->name = cf_js(cfg, "Name");
	out->min_ttl = cf_ji(cfg, "MinTTL", 0);
	out->max_ttl = cf_ji(cfg, "MaxTTL", 31536000);
	out->default_ttl = cf_ji(cfg, "DefaultTTL", out->max_ttl < 86400 ? out->max_ttl : 86400);
	select_compile(a, cf_j(p, "HeadersConfig"), "HeaderBehavior", "Headers", &out->headers);
	select_compile(a, cf_j(p, "CookiesConfig"), "CookieBehavior", "Cookies", &out->cookies);
	select_compile(a, cf_j(p, "QueryStringsConfig"), "QueryStringBehavior", "QueryStrings",
		       &out->query);
	out->gzip = cf_jb(p, "EnableAcceptEncodingGzip", false);
	out->brotli = cf_jb(p, "EnableAcceptEncodingBrotli", false);
}

void cf_orp_compile(struct fg_arena *a, const cJSON *cfg, struct cf_orp *out)
{
	memset(out, 0, sizeof(*out));
	out->name = cf_js(cfg, "Name");
	select_compile(a, cf_j(cfg, "HeadersConfig"), "HeaderBehavior", "Headers", &out->headers);
	select_compile(a, cf_j(cfg, "CookiesConfig"), "CookieBehavior", "Cookies", &out->cookies);
	select_compile(a, cf_j(cfg, "QueryStringsConfig"), "QueryStringBehavior", "QueryStrings",
		       &out->query);
}

static void rule(struct cf_hdr_rule *v, size_t *n, const char *name, const char *value,
		 const cJSON *o)
{
	if (name == NULL || value == NULL)
		return;
	v[*n].name = name;
	v[*n].value = value;
	v[*n].override = cf_jb(o, "Override", false);
	(*n)++;
}

static const char *sts_value(struct fg_arena *a, const cJSON *o)
{
	return fg_arena_printf(a, "max-age=%lld%s%s", cf_ji(o, "AccessControlMaxAgeSec", 0),
			       cf_jb(o, "IncludeSubdomains", false) ? "; includeSubDomains" : "",
			       cf_jb(o, "Preload", false) ? "; preload" : "");
}

static const char *xss_value(struct fg_arena *a, const cJSON *o)
{
	if (!cf_jb(o, "Protection", false))
		return "0";
	if (cf_jb(o, "ModeBlock", false))
		return "1; mode=block";
	if (cf_js(o, "ReportUri") != NULL)
		return fg_arena_printf(a, "1; report=%s", cf_js(o, "ReportUri"));
	return "1";
}

static void security_compile(struct fg_arena *a, const cJSON *sec, struct cf_hdr_rule *v,
			     size_t *n)
{
	const cJSON *o;

	if ((o = cf_j(sec, "ContentSecurityPolicy")) != NULL)
		rule(v, n, "Content-Security-Policy", cf_js(o, "ContentSecurityPolicy"), o);
	if ((o = cf_j(sec, "ContentTypeOptions")) != NULL)
		rule(v, n, "X-Content-Type-Options", "nosniff", o);
	if ((o = cf_j(sec, "FrameOptions")) != NULL)
		rule(v, n, "X-Frame-Options", cf_js(o, "FrameOption"), o);
	if ((o = cf_j(sec, "ReferrerPolicy")) != NULL)
		rule(v, n, "Referrer-Policy", cf_js(o, "ReferrerPolicy"), o);
	if ((o = cf_j(sec, "StrictTransportSecurity")) != NULL)
		rule(v, n, "Strict-Transport-Security", sts_value(a, o), o);
	if ((o = cf_j(sec, "XSSProtection")) != NULL)
		rule(v, n, "X-XSS-Protection", xss_value(a, o), o);
}

void cf_rhp_compile(struct fg_arena *a, const cJSON *cfg, struct cf_rhp *out)
{
	const cJSON *cors = cf_j(cfg, "CorsConfig"), *custom, *it, *rm;
	struct cf_hdr_rule *hv;
	size_t cap = 8;

	memset(out, 0, sizeof(*out));
	out->name = cf_js(cfg, "Name");
	out->max_age = -1;
	if (cors != NULL) {
		out->cors = true;
		out->allow_credentials = cf_jb(cors, "AccessControlAllowCredentials", false);
		out->origin_override = cf_jb(cors, "OriginOverride", false);
		out->allow_origins = cf_jitems(a, cors, "AccessControlAllowOrigins");
		out->origins = cf_jlist(a, cf_j(cf_j(cors, "AccessControlAllowOrigins"), "Items"),
					false, &out->norigins);
		out->allow_headers = cf_jitems(a, cors, "AccessControlAllowHeaders");
		out->allow_methods = cf_jitems(a, cors, "AccessControlAllowMethods");
		out->expose_headers = cf_jitems(a, cors, "AccessControlExposeHeaders");
		out->max_age = cf_ji(cors, "AccessControlMaxAgeSec", -1);
	}
	custom = cf_j(cf_j(cfg, "CustomHeadersConfig"), "Items");
	cap += (size_t)cJSON_GetArraySize(custom);
	hv = fg_arena_alloc(a, cap * sizeof(*hv));
	security_compile(a, cf_j(cfg, "SecurityHeadersConfig"), hv, &out->nheaders);
	cJSON_ArrayForEach(it, custom)
		rule(hv, &out->nheaders, cf_js(it, "Header"), cf_js(it, "Value"), it);
	out->headers = hv;
	rm = cf_j(cf_j(cfg, "RemoveHeadersConfig"), "Items");
	if (cJSON_GetArraySize(rm) > 0) {
		const char **names = fg_arena_alloc(a, (size_t)cJSON_GetArraySize(rm) *
						    sizeof(*names));

		cJSON_ArrayForEach(it, rm)
			if (cf_js(it, "Header") != NULL)
				names[out->nremove++] = cf_js(it, "Header");
		out->remove = names;
	}
	out->server_timing = cf_jb(cf_j(cfg, "ServerTimingHeadersConfig"), "Enabled", false);
}
