/*
 * cf_tls.c: the names CloudFront serves over HTTPS (fg_service.tls_sites): every default name
 * under *.cloudfront.net with frontgate's certificate and the TLSv1 policy the default
 * certificate forces (aws-behavior.md §5.1), and each distribution's aliases with its ACM
 * certificate (when it is an emulated one; otherwise frontgate's own certificate for the
 * name) and its MinimumProtocolVersion (§5.2). Built once per view, on first use.
 */
#include "cloudfront/cf_priv.h"

#include <string.h>

const struct fg_tls_site *cf_tls_sites(void *self, const void *view, size_t *n)
{
	struct cf_view *v = (struct cf_view *)view;
	size_t cap = 1, k = 0;

	*n = 0;
	if (v == NULL || v->ndists == 0)
		return NULL;
	if (v->sites_built) {
		*n = v->nsites;
		return v->sites;
	}
	for (size_t i = 0; i < v->ndists; i++)
		cap += v->dists[i]->naliases;
	v->sites = fg_arena_alloc(v->arena, cap * sizeof(*v->sites));
	memset(v->sites, 0, cap * sizeof(*v->sites));
	v->sites[k].name = "*.cloudfront.net";
	v->sites[k].security_policy = "TLSv1";
	v->sites[k].owner = "CloudFront default names (*.cloudfront.net)";
	v->sites[k++].service = "cloudfront";
	for (size_t i = 0; i < v->ndists; i++) {
		const struct cf_dist *d = v->dists[i];

		for (size_t a = 0; a < d->naliases; a++) {
			struct fg_tls_site *s = &v->sites[k++];

			s->name = d->aliases[a];
			s->certificate_arn = d->cert_emulated ? d->cert_arn : NULL;
			s->security_policy = d->min_protocol;
			s->account = d->account;
			s->owner = fg_arena_printf(v->arena, "CloudFront distribution %s (%s, "
						   "stack %s)", d->id, d->logical_id, d->stack);
			s->service = "cloudfront";
		}
	}
	v->nsites = k;
	v->sites_built = true;
	*n = k;
	return v->sites;
}
