/*
 * cf_view.c: compiles a world into CloudFront's data-plane view — every distribution with its
 * origins (origin groups and VPC origins resolved), its behaviours in order with the default
 * last (legacy ForwardedValues turned into an equivalent cache key and forwarding selection),
 * its custom error responses and viewer certificate; and a hash of the names that reach a
 * distribution (default names, exact aliases, wildcard aliases).
 *
 * Policies are looked up once: the managed ones (cf_policy.c) and the world's CachePolicy,
 * OriginRequestPolicy and ResponseHeadersPolicy resources. Strings are borrowed from the world;
 * everything else lives in the view's arena.
 */
#include "cloudfront/cf_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define P_DC "DistributionConfig"

struct pol {
	const char *type, *id;
	const void *compiled;
};

struct build {
	struct cf_view *v;
	const struct stack_world *w;
	struct pol *pols;
	size_t npols, cappols;
};

static char *lower(struct fg_arena *a, const char *s, size_t n)
{
	char *o = fg_arena_strndup(a, s, n);

	for (char *p = o; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

/* ------------------------------------------------------------------ lookups */

static const cJSON *find_phys(const struct stack_world *w, const char *type, const char *id,
			      const cJSON **doc_out)
{
	const cJSON *doc, *r;

	if (id == NULL)
		return NULL;
	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, cf_j(doc, "Resources")) {
			if (strcmp(cf_js(r, "Type"), type) == 0 && cf_js(r, "PhysicalId") != NULL &&
			    strcmp(cf_js(r, "PhysicalId"), id) == 0) {
				if (doc_out != NULL)
					*doc_out = doc;
				return r;
			}
		}
	}
	return NULL;
}

static void add_pol(struct build *b, const char *type, const char *id, const void *compiled)
{
	if (b->npols == b->cappols) {
		b->cappols = b->cappols ? b->cappols * 2 : 16;
		b->pols = realloc(b->pols, b->cappols * sizeof(*b->pols));
		FG_ASSERT(b->pols != NULL);
	}
	b->pols[b->npols].type = type;
	b->pols[b->npols].id = id;
	b->pols[b->npols].compiled = compiled;
	b->npols++;
}

static void collect_policies(struct build *b)
{
	struct fg_arena *a = b->v->arena;
	const cJSON *doc, *r;

	cJSON_ArrayForEach(doc, stack_world_stacks(b->w)) {
		cJSON_ArrayForEach(r, cf_j(doc, "Resources")) {
			const char *t = cf_js(r, "Type"), *id = cf_js(r, "PhysicalId");
			const cJSON *p = cf_j(r, "Properties");

			if (id == NULL)
				continue;
			if (strcmp(t, CF_T_CACHE) == 0) {
				struct cf_cache_policy *cp = fg_arena_alloc(a, sizeof(*cp));

				cf_cache_policy_compile(a, cf_j(p, "CachePolicyConfig"), cp);
				cp->id = id;
				add_pol(b, CF_T_CACHE, id, cp);
			} else if (strcmp(t, CF_T_ORP) == 0) {
				struct cf_orp *o = fg_arena_alloc(a, sizeof(*o));

				cf_orp_compile(a, cf_j(p, "OriginRequestPolicyConfig"), o);
				o->id = id;
				add_pol(b, CF_T_ORP, id, o);
			} else if (strcmp(t, CF_T_RHP) == 0) {
				struct cf_rhp *h = fg_arena_alloc(a, sizeof(*h));

				cf_rhp_compile(a, cf_j(p, "ResponseHeadersPolicyConfig"), h);
				h->id = id;
				add_pol(b, CF_T_RHP, id, h);
			}
		}
	}
}

static const void *policy(const struct build *b, const char *type, const char *id)
{
	if (id == NULL)
		return NULL;
	if (strcmp(type, CF_T_CACHE) == 0 && cf_managed_cache_policy(id) != NULL)
		return cf_managed_cache_policy(id);
	if (strcmp(type, CF_T_ORP) == 0 && cf_managed_orp(id) != NULL)
		return cf_managed_orp(id);
	if (strcmp(type, CF_T_RHP) == 0 && cf_managed_rhp(id) != NULL)
		return cf_managed_rhp(id);
	for (size_t i = 0; i < b->npols; i++) {
		if (strcmp(b->pols[i].type, type) == 0 && strcmp(b->pols[i].id, id) == 0)
			return b->pols[i].compiled;
	}
	return NULL;
}

/* ------------------------------------------------------------------ origins */

static enum cf_opp opp_of(const char *s, enum cf_opp def)
{
	if (s == NULL)
		return def;
	if (strcmp(s, "http-only") == 0)
		return CF_OPP_HTTP_ONLY;
	if (strcmp(s, "https-only") == 0)
		return CF_OPP_HTTPS_ONLY;
	return CF_OPP_MATCH_VIEWER;
}

static const char *highest_tls(const cJSON *list)
{
	static const char *const ORDER[] = { "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3" };
	const cJSON *it;

	if (list == NULL)
		return "TLSv1.2";
	for (size_t i = 0; i < 4; i++) {
		cJSON_ArrayForEach(it, list)
			if (cJSON_IsString(it) && strcmp(it->valuestring, ORDER[i]) == 0)
				return ORDER[i];
	}
	return "TLSv1.2";
}

static void custom_headers(struct cf_view *v, const cJSON *o, struct cf_origin *out)
{
	const cJSON *list = cf_j(o, "OriginCustomHeaders"), *it;
	struct fg_http_header *h;
	size_t n = 0;

	if (cJSON_GetArraySize(list) == 0)
		return;
	h = fg_arena_alloc(v->arena, (size_t)cJSON_GetArraySize(list) * sizeof(*h));
	cJSON_ArrayForEach(it, list) {
		h[n].name = cf_js(it, "HeaderName");
		h[n].value = cf_js(it, "HeaderValue");
		if (h[n].name != NULL && h[n].value != NULL)
			n++;
	}
	out->custom = h;
	out->ncustom = n;
}

/* VpcOriginConfig -> the VpcOrigin -> its load balancer's DNSName and VPC (§6.10). */
static void vpc_origin(struct build *b, const cJSON *vcfg, struct cf_origin *o)
{
	const cJSON *vo = find_phys(b->w, CF_T_VPC, cf_js(vcfg, "VpcOriginId"), NULL);
	const cJSON *ep = cf_j(cf_j(vo, "Properties"), "VpcOriginEndpointConfig"), *lb, *sub;

	o->kind = CF_ORIGIN_VPC;
	o->vpc_origin_id = cf_js(vcfg, "VpcOriginId");
	o->protocol = opp_of(cf_js(ep, "OriginProtocolPolicy"), CF_OPP_MATCH_VIEWER);
	o->http_port = (int)cf_ji(ep, "HTTPPort", 80);
	o->https_port = (int)cf_ji(ep, "HTTPSPort", 443);
	o->read_timeout_s = (int)cf_ji(vcfg, "OriginReadTimeout", 30);
	o->ssl_protocols = highest_tls(cf_j(ep, "OriginSSLProtocols"));
	o->vpc_target = cf_js(ep, "Arn");
	lb = find_phys(b->w, "AWS::ElasticLoadBalancingV2::LoadBalancer", o->vpc_target, NULL);
	if (lb == NULL)
		return;
	if (cf_js(cf_j(lb, "Attributes"), "DNSName") != NULL) {
		const char *dns = cf_js(cf_j(lb, "Attributes"), "DNSName");

		o->domain = lower(b->v->arena, dns, strlen(dns));
	}
	sub = cJSON_GetArrayItem(cf_j(cf_j(lb, "Properties"), "Subnets"), 0);
	if (cJSON_IsString(sub))
		o->vpc_id = cf_js(cf_j(find_phys(b->w, "AWS::EC2::Subnet", sub->valuestring,
						 NULL), "Properties"), "VpcId");
}

static void origin_compile(struct build *b, const cJSON *src, struct cf_origin *o)
{
	const cJSON *coc = cf_j(src, "CustomOriginConfig");
	const char *d = cf_js(src, "DomainName");
	const char *path = cf_js(src, "OriginPath");

	memset(o, 0, sizeof(*o));
	o->id = cf_js(src, "Id");
	o->domain = lower(b->v->arena, d, strcspn(d, ":"));
	o->path = path != NULL ? path : "";
	o->attempts = (int)cf_ji(src, "ConnectionAttempts", 3);
	o->connect_timeout_s = (int)cf_ji(src, "ConnectionTimeout", 10);
	o->read_timeout_s = (int)cf_ji(coc, "OriginReadTimeout", 30);
	o->http_port = (int)cf_ji(coc, "HTTPPort", 80);
	o->https_port = (int)cf_ji(coc, "HTTPSPort", 443);
	o->ssl_protocols = highest_tls(cf_j(coc, "OriginSSLProtocols"));
	custom_headers(b->v, src, o);
	if (coc != NULL) {
		o->kind = CF_ORIGIN_CUSTOM;
		o->protocol = opp_of(cf_js(coc, "OriginProtocolPolicy"), CF_OPP_HTTPS_ONLY);
	} else if (cf_j(src, "S3OriginConfig") != NULL) {
		o->kind = CF_ORIGIN_S3;
		o->protocol = CF_OPP_HTTPS_ONLY;
		o->ssl_protocols = "TLSv1.2";
	} else {
		vpc_origin(b, cf_j(src, "VpcOriginConfig"), o);
	}
}

static const struct cf_origin *origin_by_id(const struct cf_dist *d, size_t n, const char *id)
{
	for (size_t i = 0; id != NULL && i < n; i++) {
		if (strcmp(d->origins[i].id, id) == 0)
			return &d->origins[i];
	}
	return NULL;
}

static void group_compile(struct build *b, struct cf_dist *d, const cJSON *g)
{
	const cJSON *members = cf_j(cf_j(g, "Members"), "Items");
	const cJSON *codes = cf_j(cf_j(cf_j(g, "FailoverCriteria"), "StatusCodes"), "Items"), *it;
	struct cf_origin *o = &d->origins[d->norigins];
	int *fc;

	memset(o, 0, sizeof(*o));
	o->id = cf_js(g, "Id");
	o->kind = CF_ORIGIN_GROUP;
	o->primary = origin_by_id(d, d->norigins,
				  cf_js(cJSON_GetArrayItem(members, 0), "OriginId"));
	o->secondary = origin_by_id(d, d->norigins,
				    cf_js(cJSON_GetArrayItem(members, 1), "OriginId"));
	fc = fg_arena_alloc(b->v->arena, ((size_t)cJSON_GetArraySize(codes) + 1) * sizeof(*fc));
	cJSON_ArrayForEach(it, codes)
		if (cJSON_IsNumber(it))
			fc[o->nfailover++] = (int)it->valuedouble;
	o->failover = fc;
	if (o->primary != NULL && o->secondary != NULL)
		d->norigins++;
}

static void origins_compile(struct build *b, struct cf_dist *d, const cJSON *dc)
{
	const cJSON *list = cf_j(dc, "Origins"), *groups = cf_j(cf_j(dc, "OriginGroups"), "Items");
	const cJSON *it;
	size_t n = (size_t)cJSON_GetArraySize(list) + (size_t)cJSON_GetArraySize(groups);

	d->origins = fg_arena_alloc(b->v->arena, (n + 1) * sizeof(*d->origins));
	cJSON_ArrayForEach(it, list)
		origin_compile(b, it, &d->origins[d->norigins++]);
	cJSON_ArrayForEach(it, groups)
		group_compile(b, d, it);
}

/* --------------------------------------------------------------- behaviours */

static enum cf_vpp vpp_of(const char *s)
{
	if (s != NULL && strcmp(s, "https-only") == 0)
		return CF_VPP_HTTPS_ONLY;
	if (s != NULL && strcmp(s, "redirect-to-https") == 0)
		return CF_VPP_REDIRECT;
	return CF_VPP_ALLOW_ALL;
}

static unsigned methods_of(const cJSON *list, unsigned def)
{
	const cJSON *it;
	unsigned bits = 0;

	if (!cJSON_IsArray(list))
		return def;
	cJSON_ArrayForEach(it, list)
		if (cJSON_IsString(it))
			bits |= cf_method_bit(it->valuestring);
	return bits ? bits : def;
}

/* Legacy ForwardedValues: what is forwarded is in the cache key (QueryStringCacheKeys can
 * narrow the query part of the key); Headers ["*"] forwards everything and caches nothing. */
static void legacy_compile(struct build *b, const cJSON *src, struct cf_behavior *beh)
{
	struct fg_arena *a = b->v->arena;
	const cJSON *fv = cf_j(src, "ForwardedValues"), *cookies = cf_j(fv, "Cookies");
	struct cf_cache_policy *cp = fg_arena_alloc(a, sizeof(*cp));
	struct cf_orp *orp = fg_arena_alloc(a, sizeof(*orp));
	const char *fwd = cf_js(cookies, "Forward");
	size_t nkeys;
	const char *const *keys;

	memset(cp, 0, sizeof(*cp));
	memset(orp, 0, sizeof(*orp));
	cp->id = orp->id = "(ForwardedValues)";
	cp->name = orp->name = "legacy ForwardedValues";
	cp->min_ttl = cf_ji(src, "MinTTL", 0);
	cp->default_ttl = cf_ji(src, "DefaultTTL", 86400);
	cp->max_ttl = cf_ji(src, "MaxTTL", 31536000);
	cp->gzip = cp->brotli = beh->compress;
	cp->headers.names = cf_jlist(a, cf_j(fv, "Headers"), false, &cp->headers.n);
	cp->headers.how = cp->headers.n ? CF_SEL_WHITELIST : CF_SEL_NONE;
	beh->forward_all = cp->headers.n == 1 && strcmp(cp->headers.names[0], "*") == 0;
	orp->headers = cp->headers;
	if (beh->forward_all) {
		cp->headers.how = CF_SEL_NONE;
		orp->headers.how = CF_SEL_ALL;
	}
	cp->cookies.how = fwd == NULL || strcmp(fwd, "none") == 0 ? CF_SEL_NONE
			  : strcmp(fwd, "all") == 0 ? CF_SEL_ALL : CF_SEL_WHITELIST;
	cp->cookies.names = cf_jlist(a, cf_j(cookies, "WhitelistedNames"), false,
				     &cp->cookies.n);
	orp->cookies = cp->cookies;
	keys = cf_jlist(a, cf_j(fv, "QueryStringCacheKeys"), false, &nkeys);
	if (cf_jb(fv, "QueryString", false)) {
		orp->query.how = CF_SEL_ALL;
		cp->query.how = nkeys ? CF_SEL_WHITELIST : CF_SEL_ALL;
		cp->query.names = keys;
		cp->query.n = nkeys;
	}
	beh->cp = cp;
	beh->orp = orp;
	beh->legacy = true;
}

static void behavior_compile(struct build *b, struct cf_dist *d, const cJSON *src,
			     struct cf_behavior *beh)
{
	struct fg_arena *a = b->v->arena;
	const char *pattern = cf_js(src, "PathPattern");

	memset(beh, 0, sizeof(*beh));
	beh->pattern = pattern != NULL ? pattern : "*";
	beh->origin = origin_by_id(d, d->norigins, cf_js(src, "TargetOriginId"));
	beh->vpp = vpp_of(cf_js(src, "ViewerProtocolPolicy"));
	beh->allowed = methods_of(cf_j(src, "AllowedMethods"), CF_GET | CF_HEAD);
	beh->cached = methods_of(cf_j(src, "CachedMethods"), CF_GET | CF_HEAD) & beh->allowed;
	beh->compress = cf_jb(src, "Compress", false);
	if (cf_js(src, "CachePolicyId") != NULL) {
		beh->cp = policy(b, CF_T_CACHE, cf_js(src, "CachePolicyId"));
		beh->orp = policy(b, CF_T_ORP, cf_js(src, "OriginRequestPolicyId"));
	} else {
		legacy_compile(b, src, beh);
	}
	beh->rhp = policy(b, CF_T_RHP, cf_js(src, "ResponseHeadersPolicyId"));
	if (beh->cp == NULL) { /* a policy deleted since: nothing cached, and the trace says */
		beh->cp = cf_managed_cache_policy("4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
		beh->policy_names = fg_arena_printf(a, "cache policy %s no longer exists: "
						    "nothing is cached",
						    cf_js(src, "CachePolicyId"));
		return;
	}
	beh->policy_names = fg_arena_printf(a, "cache %s%s%s%s%s",
					    beh->legacy ? "legacy ForwardedValues"
							: beh->cp->name ? beh->cp->name : beh->cp->id,
					    beh->orp && !beh->legacy ? ", origin request " : "",
					    beh->orp && !beh->legacy
					    ? (beh->orp->name ? beh->orp->name : beh->orp->id) : "",
					    beh->rhp ? ", response headers " : "",
					    beh->rhp ? (beh->rhp->name ? beh->rhp->name : beh->rhp->id)
						     : "");
}

static void behaviors_compile(struct build *b, struct cf_dist *d, const cJSON *dc)
{
	const cJSON *list = cf_j(dc, "CacheBehaviors"), *it;
	size_t n = (size_t)cJSON_GetArraySize(list) + 1;

	d->behaviors = fg_arena_alloc(b->v->arena, n * sizeof(*d->behaviors));
	cJSON_ArrayForEach(it, list)
		behavior_compile(b, d, it, &d->behaviors[d->nbehaviors++]);
	behavior_compile(b, d, cf_j(dc, "DefaultCacheBehavior"), &d->behaviors[d->nbehaviors++]);
	d->match = cf_behmatch_build(b->v->arena, d->behaviors, d->nbehaviors - 1);
}

static void errors_compile(struct build *b, struct cf_dist *d, const cJSON *dc)
{
	const cJSON *list = cf_j(dc, "CustomErrorResponses"), *it;

	if (cJSON_GetArraySize(list) == 0)
		return;
	d->errors = fg_arena_alloc(b->v->arena,
				   (size_t)cJSON_GetArraySize(list) * sizeof(*d->errors));
	cJSON_ArrayForEach(it, list) {
		struct cf_error_page *e = &d->errors[d->nerrors++];

		e->code = (int)cf_ji(it, "ErrorCode", 0);
		e->page = cf_js(it, "ResponsePagePath");
		e->response_code = (int)cf_ji(it, "ResponseCode", 0);
		e->min_ttl = cf_ji(it, "ErrorCachingMinTTL", 10);
	}
}

/* ------------------------------------------------------------ distributions */

static void viewer_compile(struct build *b, struct cf_dist *d, const cJSON *dc)
{
	const cJSON *vc = cf_j(dc, "ViewerCertificate");
	const cJSON *geo = cf_j(cf_j(dc, "Restrictions"), "GeoRestriction");
	const char *type = cf_js(geo, "RestrictionType");

	d->cert_arn = cf_js(vc, "AcmCertificateArn");
	d->cert_emulated = cJSON_IsTrue(cf_j(find_phys(b->w, "AWS::CertificateManager::Certificate",
						       d->cert_arn, NULL), "Emulated"));
	d->min_protocol = d->cert_arn != NULL || cf_js(vc, "IamCertificateId") != NULL
			  ? (cf_js(vc, "MinimumProtocolVersion") ? cf_js(vc, "MinimumProtocolVersion")
								 : "TLSv1")
			  : "TLSv1";  /* §5.1: the default certificate forces TLSv1 */
	d->http_version = cf_js(dc, "HttpVersion") ? cf_js(dc, "HttpVersion") : "http1.1";
	d->geo = type == NULL || strcmp(type, "none") == 0 ? CF_GEO_NONE
		 : strcmp(type, "whitelist") == 0 ? CF_GEO_WHITELIST : CF_GEO_BLACKLIST;
	d->countries = cf_jlist(b->v->arena, cf_j(geo, "Locations"), false, &d->ncountries);
}

static struct cf_dist *dist_compile(struct build *b, const cJSON *doc, const cJSON *r)
{
	struct fg_arena *a = b->v->arena;
	struct cf_dist *d = fg_arena_alloc(a, sizeof(*d));
	const cJSON *dc = cf_j(cf_j(r, "Properties"), P_DC);
	const cJSON *fgm = cf_j(cf_j(r, "Metadata"), "Frontgate");
	const char *dom = cf_js(cf_j(r, "Attributes"), "DomainName");

	memset(d, 0, sizeof(*d));
	d->id = cf_js(r, "PhysicalId");
	d->domain = lower(a, dom, strlen(dom));
	d->account = cf_js(doc, "Account");
	d->region = cf_js(doc, "Region");
	d->stack = cf_js(doc, "Name");
	d->logical_id = cf_js(r, "LogicalId");
	d->arn = fg_arena_printf(a, "arn:aws:cloudfront::%s:distribution/%s", d->account, d->id);
	d->aliases = cf_jlist(a, cf_j(dc, "Aliases"), true, &d->naliases);
	d->enabled = cf_jb(dc, "Enabled", true);
	d->root_object = cf_js(dc, "DefaultRootObject");
	if (d->root_object != NULL && d->root_object[0] == '\0')
		d->root_object = NULL;
	d->viewer_country = cf_js(fgm, "ViewerCountry") ? cf_js(fgm, "ViewerCountry") : "US";
	origins_compile(b, d, dc);
	behaviors_compile(b, d, dc);
	errors_compile(b, d, dc);
	viewer_compile(b, d, dc);
	return d;
}

/* ------------------------------------------------------------------ names */

static uint64_t hash_name(const char *s)
{
	const char *parts[1] = { s };

	return fg_hash64(parts, 1);
}

static void name_put(struct cf_view *v, const char *name, struct cf_dist *d)
{
	size_t i = (size_t)(hash_name(name) & (v->capnames - 1));

	while (v->names[i] != NULL) {
		if (strcmp(v->names[i], name) == 0)
			return;  /* the first holder keeps it (duplicates are refused at deploy) */
		i = (i + 1) & (v->capnames - 1);
	}
	v->names[i] = name;
	v->named[i] = d;
	v->nnames++;
}

static struct cf_dist *name_get(const struct cf_view *v, const char *name)
{
	size_t i;

	if (v->capnames == 0)
		return NULL;
	i = (size_t)(hash_name(name) & (v->capnames - 1));
	while (v->names[i] != NULL) {
		if (strcmp(v->names[i], name) == 0)
			return v->named[i];
		i = (i + 1) & (v->capnames - 1);
	}
	return NULL;
}

static void names_build(struct cf_view *v)
{
	size_t want = 0;

	for (size_t i = 0; i < v->ndists; i++)
		want += 1 + v->dists[i]->naliases;
	for (v->capnames = 16; v->capnames < want * 2; v->capnames *= 2)
		;
	v->names = fg_arena_alloc(v->arena, v->capnames * sizeof(*v->names));
	v->named = fg_arena_alloc(v->arena, v->capnames * sizeof(*v->named));
	memset(v->names, 0, v->capnames * sizeof(*v->names));
	for (size_t i = 0; i < v->ndists; i++) {
		struct cf_dist *d = v->dists[i];

		name_put(v, d->domain, d);
		for (size_t k = 0; k < d->naliases; k++)
			name_put(v, d->aliases[k], d);
	}
}

const struct cf_dist *cf_view_find(const struct cf_view *v, const char *host, bool *by_alias)
{
	char name[256], wild[258];
	size_t n = strcspn(host, ":");
	struct cf_dist *d;

	if (v == NULL || n == 0 || n >= sizeof(name))
		return NULL;
	for (size_t i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)host[i]);
	name[n] = '\0';
	if (n > 1 && name[n - 1] == '.')
		name[n - 1] = '\0';
	d = name_get(v, name);
	if (d != NULL) {
		if (by_alias != NULL)
			*by_alias = strcmp(d->domain, name) != 0;
		return d;
	}
	/* wildcard aliases, nearest first: a.b.example.com -> *.b.example.com -> *.example.com */
	for (const char *dot = strchr(name, '.'); dot != NULL; dot = strchr(dot + 1, '.')) {
		snprintf(wild, sizeof(wild), "*%s", dot);
		if ((d = name_get(v, wild)) != NULL) {
			if (by_alias != NULL)
				*by_alias = true;
			return d;
		}
	}
	return NULL;
}

const struct cf_dist *cf_view_by_id(const struct cf_view *v, const char *id)
{
	for (size_t i = 0; v != NULL && i < v->ndists; i++) {
		if (strcmp(v->dists[i]->id, id) == 0)
			return v->dists[i];
	}
	return NULL;
}

/* ------------------------------------------------------------------ compile */

static bool has_dist(const char *id, void *arg)
{
	return cf_view_by_id(arg, id) != NULL;
}

void *cf_view_compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	struct cf_view *v = calloc(1, sizeof(*v));
	struct build b = { v, w, NULL, 0, 0 };
	const cJSON *doc, *r;
	size_t cap = 0;

	FG_ASSERT(v != NULL);
	v->owner = self;
	v->arena = fg_arena_new(16384);
	collect_policies(&b);
	cJSON_ArrayForEach(doc, stack_world_stacks(w))
		cJSON_ArrayForEach(r, cf_j(doc, "Resources"))
			cap += strcmp(cf_js(r, "Type"), CF_T_DIST) == 0;
	v->dists = fg_arena_alloc(v->arena, (cap + 1) * sizeof(*v->dists));
	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, cf_j(doc, "Resources")) {
			if (strcmp(cf_js(r, "Type"), CF_T_DIST) == 0 &&
			    cf_js(cf_j(r, "Attributes"), "DomainName") != NULL)
				v->dists[v->ndists++] = dist_compile(&b, doc, r);
		}
	}
	names_build(v);
	free(b.pols);
	/* a distribution gone from the world takes its cached objects and history with it */
	if (v->owner != NULL && v->owner->cache != NULL)
		cf_cache_sweep(v->owner->cache, has_dist, v);
	if (v->owner != NULL)
		cf_inval_sweep(v->owner, has_dist, v);
	return v;
}

void cf_view_release(void *view)
{
	struct cf_view *v = view;

	if (v == NULL)
		return;
	fg_arena_destroy(&v->arena);
	free(v);
}
