/*
 * cf.c: the CloudFront service object. It owns the fidelity switches (set from the command
 * line's --fidelity cloudfront.K=V) and the cache, registers the resource types, and exposes
 * the two fg_services: the distributions (compile/claim/serve in cf_view.c and cf_req.c) and
 * the catch-all for other names under cloudfront.net (CloudFront's "Bad request." page).
 */
#include "cloudfront/cf_priv.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_DEFAULT_MIB 64

void cf_fidelity_default(struct cf_fidelity *f)
{
	f->other_headers = CF_OTHER_DROP;
	f->auth_whitelist = CF_AUTH_WL_REFUSE;
	f->cache_bytes = (size_t)CACHE_DEFAULT_MIB << 20;
}

static bool is(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && strncmp(s, lit, n) == 0;
}

static int set_switch(struct cf_fidelity *f, const char *k, size_t kn, const char *v, size_t vn,
		      struct fg_err *err)
{
	if (is(k, kn, "other-headers") && is(v, vn, "drop")) {
		f->other_headers = CF_OTHER_DROP;
	} else if (is(k, kn, "other-headers") && is(v, vn, "forward")) {
		f->other_headers = CF_OTHER_FORWARD;
	} else if (is(k, kn, "authorization-whitelist") && is(v, vn, "refuse")) {
		f->auth_whitelist = CF_AUTH_WL_REFUSE;
	} else if (is(k, kn, "authorization-whitelist") && is(v, vn, "allow")) {
		f->auth_whitelist = CF_AUTH_WL_ALLOW;
	} else if (is(k, kn, "cache-mib") && vn > 0 && vn < 6 &&
		   strspn(v, "0123456789") >= vn) {
		f->cache_bytes = (size_t)strtoul(v, NULL, 10) << 20;
	} else {
		fg_err_set(err, 400, "InvalidArgument",
			   "CloudFront fidelity switch '%.*s=%.*s' is not one of "
			   "other-headers=drop|forward, authorization-whitelist=refuse|allow, "
			   "cache-mib=N (0-99999)", (int)kn, k, (int)vn, v);
		return -1;
	}
	return 0;
}

static int switch_cb(void *ctx, const char *k, size_t kn, const char *v, size_t vn,
		     struct fg_err *err)
{
	return set_switch(ctx, k, kn, v, vn, err);
}

int cf_fidelity_parse(struct cf_fidelity *f, const char *spec, struct fg_err *err)
{
	struct cf_fidelity next = *f;

	if (fg_switches_each("CloudFront", spec, switch_cb, &next, err) != 0)
		return -1;
	*f = next;
	return 0;
}

static void *unknown_compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	return self; /* no view of its own: any non-NULL pointer */
}

static void unknown_release(void *view)
{
}

struct cloudfront *cloudfront_new(const struct cloudfront_deps *deps)
{
	struct cloudfront *cf = calloc(1, sizeof(*cf));

	FG_ASSERT(cf != NULL);
	cf->deps = *deps;
	cf_fidelity_default(&cf->fid);
	cf->cache = cf_cache_new(cf->fid.cache_bytes);
	cf->flights = cf_flights_new();
	pthread_mutex_init(&cf->inval_mu, NULL);
	cf->svc.name = "cloudfront";
	cf->svc.self = cf;
	cf->svc.compile = cf_view_compile;
	cf->svc.release = cf_view_release;
	cf->svc.claim = cf_claim;
	cf->svc.serve = cf_serve;
	cf->svc.tls_sites = cf_tls_sites;
	cf->unknown.name = "cloudfront-unknown";
	cf->unknown.self = cf;
	cf->unknown.compile = unknown_compile;
	cf->unknown.release = unknown_release;
	cf->unknown.claim = cf_unknown_claim;
	cf->unknown.serve = cf_unknown_serve;
	return cf;
}

int cloudfront_set_fidelity(struct cloudfront *cf, const char *spec, struct fg_err *err)
{
	if (cf_fidelity_parse(&cf->fid, spec, err) != 0)
		return -1;
	cf_cache_set_limit(cf->cache, cf->fid.cache_bytes);
	return 0;
}

void cloudfront_set_slot(struct cloudfront *cf, unsigned slot)
{
	cf->slot = slot;
	cf->has_slot = true;
}

void cloudfront_cache_stats(struct cloudfront *cf, struct cloudfront_cache_stats *out)
{
	cf_cache_stats_get(cf->cache, out);
	cf_flights_stats(cf->flights, &out->waiting, &out->collapsed);
}

void cloudfront_set_links(struct cloudfront *cf, const struct fg_resolver *resolver,
			  const struct fg_dispatch *dispatch)
{
	cf->deps.resolver = resolver;
	cf->deps.dispatch = dispatch;
}

void cloudfront_destroy(struct cloudfront **cp)
{
	if (*cp == NULL)
		return;
	cf_cache_destroy(&(*cp)->cache);
	cf_flights_destroy(&(*cp)->flights);
	cf_inval_free(*cp);
	free(*cp);
	*cp = NULL;
}

void cloudfront_register_types(struct cloudfront *cf, struct stack_registry *r)
{
	cf_types_register(cf, r);
}

const struct fg_service *cloudfront_service(struct cloudfront *cf)
{
	return &cf->svc;
}

const struct fg_service *cloudfront_unknown_service(struct cloudfront *cf)
{
	return &cf->unknown;
}
