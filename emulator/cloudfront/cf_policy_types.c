/*
 * cf_policy_types.c: the control plane of AWS::CloudFront::CachePolicy, OriginRequestPolicy,
 * ResponseHeadersPolicy and VpcOrigin. Each policy gets a UUID id (deterministic, Ref = Id,
 * attributes Id and LastModifiedTime); names are unique per account and type, as CloudFront
 * requires. The Authorization rule of origin request policies (§6.5) follows the fidelity
 * switch authorization-whitelist. Messages CloudFront's documents do not give verbatim are
 * marked UNCONFIRMED.
 */
#include "cloudfront/cf_priv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const HDR_CACHE[] = { "none", "whitelist", NULL };
static const char *const HDR_ORP[] = { "none", "whitelist", "allViewer",
				       "allViewerAndWhitelistCloudFront", "allExcept", NULL };
static const char *const COOKIE_CACHE[] = { "none", "whitelist", "allExcept", "all", NULL };
static const char *const COOKIE_ORP[] = { "none", "whitelist", "all", "allExcept", NULL };

/* ------------------------------------------------------------- shared checks */

struct same_name {
	const char *type, *name, *account, *key;
};

static bool name_taken(const struct cf_res *r, void *arg)
{
	const struct same_name *q = arg;
	const cJSON *cfg = cf_j(cf_j(r->res, "Properties"), q->key);

	return strcmp(r->account, q->account) == 0 && cf_js(cfg, "Name") != NULL &&
	       strcmp(cf_js(cfg, "Name"), q->name) == 0;
}

/* A selection ({X}Behavior + {X}s list): the enum, and a list for whitelist/allExcept. */
static int check_select(const struct cf_chk *k, const cJSON *parent, const char *key,
			const char *path, const char *bkey, const char *lkey,
			const char *const *values, const char **how, const cJSON **list)
{
	const cJSON *o = NULL;
	char sub[256];

	*how = "none";
	*list = NULL;
	if (cf_chk_obj(k, parent, key, path, true, &o) != 0)
		return -1;
	snprintf(sub, sizeof(sub), "%s/%s", path, key);
	if (cf_chk_enum(k, o, bkey, sub, true, values, how) != 0 ||
	    cf_chk_strs(k, o, lkey, sub, false, list) != 0)
		return -1;
	if ((strcmp(*how, "whitelist") == 0 || strcmp(*how, "allExcept") == 0) &&
	    cJSON_GetArraySize(*list) == 0)  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidArgument", sub,
				  "The parameter %s is required when %s is %s.", lkey, bkey, *how);
	return 0;
}

static bool listed_ci(const cJSON *list, const char *name)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, list)
		if (cJSON_IsString(it) && strcasecmp(it->valuestring, name) == 0)
			return true;
	return false;
}

static int unique_name(const struct cf_chk *k, const char *type, const char *cfgkey,
		       const char *name, const char *code, const char *what)
{
	struct same_name q = { type, name, k->c->account, cfgkey };

	if (cf_visit(k->c, type, name_taken, &q).res != NULL)
		return cf_api_err(k, 409, code, cfgkey, "%s with this name already exists.", what);
	return 0;
}

static int policy_ids(struct stack_rctx *c, const char *salt, char phys[256], cJSON *attrs)
{
	char id[37], when[25];

	if (phys[0] == '\0') {
		cf_derive_uuid(c, salt, id);
		snprintf(phys, 256, "%s", id);
	}
	fg_time_iso_ms(c->now_ms, when);
	cJSON_AddStringToObject(attrs, "Id", phys);
	cJSON_AddStringToObject(attrs, "LastModifiedTime", when);
	return 0;
}

/* ---------------------------------------------------------------- CachePolicy */

static const char *const CP_KEYS[] = { "Comment", "DefaultTTL", "MaxTTL", "MinTTL", "Name",
				       "ParametersInCacheKeyAndForwardedToOrigin", NULL };
static const char *const PARAM_KEYS[] = { "CookiesConfig", "EnableAcceptEncodingBrotli",
					  "EnableAcceptEncodingGzip", "HeadersConfig",
					  "QueryStringsConfig", NULL };

static int cp_ttls(const struct cf_chk *k, const cJSON *cfg)
{
	long long min = 0, def = -1, max = -1;
	const char *P = "CachePolicyConfig";

	if (cf_chk_int(k, cfg, "MinTTL", P, true, &min) != 0 ||
	    cf_chk_int(k, cfg, "DefaultTTL", P, false, &def) != 0 ||
	    cf_chk_int(k, cfg, "MaxTTL", P, false, &max) != 0)
		return -1;
	if (max < 0)
		max = 31536000;
	if (def < 0)
		def = max < 86400 ? max : 86400;
	if (min < 0 || min > def || def > max)  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidArgument", P,
				  "The TTLs must satisfy MinTTL <= DefaultTTL <= MaxTTL (MinTTL "
				  "%lld, DefaultTTL %lld, MaxTTL %lld).", min, def, max);
	return 0;
}

static int cp_params(const struct cf_chk *k, const cJSON *cfg)
{
	const char *P = "CachePolicyConfig/ParametersInCacheKeyAndForwardedToOrigin", *how;
	const cJSON *p = NULL, *list;
	bool b;
	static const char *const NOT_IN_KEY[] = { "CloudFront-Viewer-Address",
						  "CloudFront-Viewer-ASN", "CloudFront-Viewer-TLS" };

	if (cf_chk_obj(k, cfg, "ParametersInCacheKeyAndForwardedToOrigin", "CachePolicyConfig",
		       true, &p) != 0 ||
	    cf_chk_keys(k, p, P, PARAM_KEYS) != 0 ||
	    cf_chk_bool(k, p, "EnableAcceptEncodingGzip", P, true, &b) != 0 ||
	    cf_chk_bool(k, p, "EnableAcceptEncodingBrotli", P, false, &b) != 0 ||
	    check_select(k, p, "CookiesConfig", P, "CookieBehavior", "Cookies", COOKIE_CACHE, &how,
			 &list) != 0 ||
	    check_select(k, p, "QueryStringsConfig", P, "QueryStringBehavior", "QueryStrings",
			 COOKIE_CACHE, &how, &list) != 0 ||
	    check_select(k, p, "HeadersConfig", P, "HeaderBehavior", "Headers", HDR_CACHE, &how,
			 &list) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(NOT_IN_KEY) / sizeof(NOT_IN_KEY[0]); i++) {
		if (listed_ci(list, NOT_IN_KEY[i]))  /* §6.4; UNCONFIRMED wording */
			return cf_api_err(k, 400, "InvalidArgument", P,
					  "The parameter Headers contains %s that is not allowed "
					  "in a cache policy (only in an origin request policy).",
					  NOT_IN_KEY[i]);
	}
	return 0;
}

static int cp_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	struct cf_chk k = { c, err };
	const cJSON *cfg = NULL;
	const char *name = NULL;

	if (cf_chk_obj(&k, props, "CachePolicyConfig", "", true, &cfg) != 0 ||
	    cf_chk_keys(&k, cfg, "CachePolicyConfig", CP_KEYS) != 0 ||
	    cf_chk_str(&k, cfg, "Name", "CachePolicyConfig", true, &name) != 0 ||
	    cp_ttls(&k, cfg) != 0 || cp_params(&k, cfg) != 0)
		return -1;
	return unique_name(&k, CF_T_CACHE, "CachePolicyConfig", name, "CachePolicyAlreadyExists",
			   "A cache policy");
}

static int cp_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		     cJSON *state, struct fg_err *err)
{
	return policy_ids(c, "cloudfront-cache-policy", phys, attrs);
}

/* -------------------------------------------------------- OriginRequestPolicy */

static const char *const ORP_KEYS[] = { "Comment", "CookiesConfig", "HeadersConfig", "Name",
					"QueryStringsConfig", NULL };

static int orp_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	struct cloudfront *cf = c->svc;
	struct cf_chk k = { c, err };
	const char *P = "OriginRequestPolicyConfig", *name = NULL, *how;
	const cJSON *cfg = NULL, *list;

	if (cf_chk_obj(&k, props, P, "", true, &cfg) != 0 ||
	    cf_chk_keys(&k, cfg, P, ORP_KEYS) != 0 ||
	    cf_chk_str(&k, cfg, "Name", P, true, &name) != 0 ||
	    check_select(&k, cfg, "CookiesConfig", P, "CookieBehavior", "Cookies", COOKIE_ORP, &how,
			 &list) != 0 ||
	    check_select(&k, cfg, "QueryStringsConfig", P, "QueryStringBehavior", "QueryStrings",
			 COOKIE_ORP, &how, &list) != 0 ||
	    check_select(&k, cfg, "HeadersConfig", P, "HeaderBehavior", "Headers", HDR_ORP, &how,
			 &list) != 0)
		return -1;
	/* §6.5: historically refused (console text; CloudFormation says "Invalid Parameter") */
	if (strcmp(how, "whitelist") == 0 && listed_ci(list, "Authorization") &&
	    cf->fid.auth_whitelist == CF_AUTH_WL_REFUSE)
		return cf_api_err(&k, 400, "InvalidArgument", "OriginRequestPolicyConfig",
				  "The parameter Headers contains Authorization that is not "
				  "allowed.");
	return unique_name(&k, CF_T_ORP, P, name, "OriginRequestPolicyAlreadyExists",
			   "An origin request policy");
}

static int orp_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		      cJSON *state, struct fg_err *err)
{
	return policy_ids(c, "cloudfront-origin-request-policy", phys, attrs);
}

/* ------------------------------------------------------ ResponseHeadersPolicy */

static const char *const RHP_KEYS[] = { "Comment", "CorsConfig", "CustomHeadersConfig", "Name",
					"RemoveHeadersConfig", "SecurityHeadersConfig",
					"ServerTimingHeadersConfig", NULL };
static const char *const CORS_METHODS[] = { "GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH",
					    "HEAD", "ALL", NULL };

static int items(const struct cf_chk *k, const cJSON *o, const char *key, const char *path,
		 bool required, const cJSON **out)
{
	const cJSON *wrap = NULL;
	char sub[256];

	*out = NULL;
	if (cf_chk_obj(k, o, key, path, required, &wrap) != 0)
		return -1;
	if (wrap == NULL)
		return 0;
	snprintf(sub, sizeof(sub), "%s/%s", path, key);
	return cf_chk_strs(k, wrap, "Items", sub, true, out);
}

static int rhp_cors(const struct cf_chk *k, const cJSON *cfg)
{
	const char *P = "ResponseHeadersPolicyConfig/CorsConfig";
	const cJSON *cors = NULL, *list = NULL, *it;
	bool b;
	long long n;

	if (cf_chk_obj(k, cfg, "CorsConfig", "ResponseHeadersPolicyConfig", false, &cors) != 0)
		return -1;
	if (cors == NULL)
		return 0;
	if (cf_chk_bool(k, cors, "AccessControlAllowCredentials", P, true, &b) != 0 ||
	    cf_chk_bool(k, cors, "OriginOverride", P, true, &b) != 0 ||
	    items(k, cors, "AccessControlAllowHeaders", P, true, &list) != 0 ||
	    items(k, cors, "AccessControlAllowOrigins", P, true, &list) != 0 ||
	    items(k, cors, "AccessControlExposeHeaders", P, false, &list) != 0 ||
	    cf_chk_int(k, cors, "AccessControlMaxAgeSec", P, false, &n) != 0 ||
	    items(k, cors, "AccessControlAllowMethods", P, true, &list) != 0)
		return -1;
	cJSON_ArrayForEach(it, list) {
		bool ok = false;

		for (size_t i = 0; CORS_METHODS[i] != NULL && !ok; i++)
			ok = strcmp(CORS_METHODS[i], it->valuestring) == 0;
		if (!ok)
			return cf_chk_fail(k, P, "AccessControlAllowMethods/Items",
					   "%s is not a valid enum value", it->valuestring);
	}
	return 0;
}

static int rhp_custom(const struct cf_chk *k, const cJSON *cfg)
{
	const char *P = "ResponseHeadersPolicyConfig/CustomHeadersConfig";
	const cJSON *wrap = NULL, *list = NULL, *it;
	int i = 0;

	if (cf_chk_obj(k, cfg, "CustomHeadersConfig", "ResponseHeadersPolicyConfig", false,
		       &wrap) != 0 ||
	    (wrap != NULL && cf_chk_arr(k, wrap, "Items", P, true, &list) != 0))
		return -1;
	cJSON_ArrayForEach(it, list) {
		char sub[256];
		const char *s;
		bool b;

		snprintf(sub, sizeof(sub), "%s/Items/%d", P, i++);
		if (cf_chk_str(k, it, "Header", sub, true, &s) != 0 ||
		    cf_chk_str(k, it, "Value", sub, true, &s) != 0 ||
		    cf_chk_bool(k, it, "Override", sub, true, &b) != 0)
			return -1;
	}
	return 0;
}

static int rhp_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	struct cf_chk k = { c, err };
	const char *P = "ResponseHeadersPolicyConfig", *name = NULL;
	const cJSON *cfg = NULL, *sec = NULL;

	if (cf_chk_obj(&k, props, P, "", true, &cfg) != 0 ||
	    cf_chk_keys(&k, cfg, P, RHP_KEYS) != 0 ||
	    cf_chk_str(&k, cfg, "Name", P, true, &name) != 0 || rhp_cors(&k, cfg) != 0 ||
	    rhp_custom(&k, cfg) != 0 ||
	    cf_chk_obj(&k, cfg, "SecurityHeadersConfig", P, false, &sec) != 0)
		return -1;
	if (cf_j(cfg, "ServerTimingHeadersConfig") != NULL)
		stack_warn(c, "ServerTimingHeadersConfig is stored; the Server-Timing header is "
			   "not emulated");
	return unique_name(&k, CF_T_RHP, P, name, "ResponseHeadersPolicyAlreadyExists",
			   "A response headers policy");
}

static int rhp_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		      cJSON *state, struct fg_err *err)
{
	return policy_ids(c, "cloudfront-response-headers-policy", phys, attrs);
}

/* ---------------------------------------------------------------- VpcOrigin */

static const char *const OPP[] = { "http-only", "match-viewer", "https-only", NULL };

static int vpc_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	struct cf_chk k = { c, err };
	const char *P = "VpcOriginEndpointConfig", *s = NULL;
	const cJSON *ep = NULL, *list = NULL;
	long long port;

	if (cf_chk_obj(&k, props, P, "", true, &ep) != 0 ||
	    cf_chk_str(&k, ep, "Arn", P, true, &s) != 0 ||
	    cf_chk_str(&k, ep, "Name", P, true, &s) != 0 ||
	    cf_chk_int(&k, ep, "HTTPPort", P, false, &port) != 0 ||
	    cf_chk_int(&k, ep, "HTTPSPort", P, false, &port) != 0 ||
	    cf_chk_enum(&k, ep, "OriginProtocolPolicy", P, false, OPP, &s) != 0 ||
	    cf_chk_strs(&k, ep, "OriginSSLProtocols", P, false, &list) != 0)
		return -1;
	if (cf_find_resource(c, "AWS::ElasticLoadBalancingV2::LoadBalancer",
			     cf_js(ep, "Arn")).res == NULL)
		stack_warn(c, "VpcOriginEndpointConfig.Arn %s is not a load balancer of this world: "
			   "distributions using this VPC origin answer 502", cf_js(ep, "Arn"));
	return 0;
}

static int vpc_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		      cJSON *state, struct fg_err *err)
{
	char id[32], arn[256];

	if (phys[0] == '\0') {
		/* UNCONFIRMED shape: "vo_" and 22 alphanumerics */
		memcpy(id, "vo_", 3);
		stack_derived_id(c, "cloudfront-vpc-origin",
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 22,
				 id + 3);
		snprintf(phys, 256, "%s", id);
	}
	snprintf(arn, sizeof(arn), "arn:aws:cloudfront::%s:vpcorigin/%s", c->account, phys);
	cJSON_AddStringToObject(attrs, "Id", phys);
	cJSON_AddStringToObject(attrs, "Arn", arn);
	cJSON_AddStringToObject(attrs, "Status", "Deployed");
	return 0;
}

/* ------------------------------------------------------------ in use */

struct in_use_q {
	const char *id, *key;
};

static bool behavior_uses(const cJSON *b, const struct in_use_q *q)
{
	const char *v = cf_js(b, q->key);

	return v != NULL && strcmp(v, q->id) == 0;
}

static bool dist_uses(const struct cf_res *r, void *arg)
{
	const struct in_use_q *q = arg;
	const cJSON *dc = cf_j(cf_j(r->res, "Properties"), "DistributionConfig"), *b;

	if (behavior_uses(cf_j(dc, "DefaultCacheBehavior"), q))
		return true;
	cJSON_ArrayForEach(b, cf_j(dc, "CacheBehaviors"))
		if (behavior_uses(b, q))
			return true;
	return false;
}

/* CloudFront refuses to delete a policy a distribution still uses (messages UNCONFIRMED). */
static int refuse_in_use(struct stack_rctx *c, const cJSON *res, const char *key,
			 const char *code, const char *what, struct fg_err *err)
{
	struct in_use_q q = { cf_js(res, "PhysicalId"), key };
	struct cf_res user = cf_visit(c, CF_T_DIST, dist_uses, &q);

	if (q.id == NULL || user.res == NULL)
		return 0;
	return stack_handler_err(c, err, "CloudFront", 409, code, "",
				 "Cannot delete the %s because it is attached to one or more cache "
				 "behaviors. (frontgate: distribution %s, stack %s)", what,
				 cf_js(user.res, "LogicalId"), user.stack);
}

static int cp_remove(struct stack_rctx *c, const cJSON *res, struct fg_err *err)
{
	return refuse_in_use(c, res, "CachePolicyId", "CachePolicyInUse", "cache policy", err);
}

static int orp_remove(struct stack_rctx *c, const cJSON *res, struct fg_err *err)
{
	return refuse_in_use(c, res, "OriginRequestPolicyId", "OriginRequestPolicyInUse",
			     "origin request policy", err);
}

static int rhp_remove(struct stack_rctx *c, const cJSON *res, struct fg_err *err)
{
	return refuse_in_use(c, res, "ResponseHeadersPolicyId", "ResponseHeadersPolicyInUse",
			     "response headers policy", err);
}

/* --------------------------------------------------------------- register */

static const struct stack_rtype CACHE_T = { CF_T_CACHE, cp_validate, cp_create, NULL,
					    cp_remove };
static const struct stack_rtype ORP_T = { CF_T_ORP, orp_validate, orp_create, NULL,
					  orp_remove };
static const struct stack_rtype RHP_T = { CF_T_RHP, rhp_validate, rhp_create, NULL,
					  rhp_remove };
static const struct stack_rtype VPC_T = { CF_T_VPC, vpc_validate, vpc_create, NULL, NULL };

void cf_policy_types_register(struct cloudfront *cf, struct stack_registry *r)
{
	stack_registry_add(r, &CACHE_T, cf);
	stack_registry_add(r, &ORP_T, cf);
	stack_registry_add(r, &RHP_T, cf);
	stack_registry_add(r, &VPC_T, cf);
}
