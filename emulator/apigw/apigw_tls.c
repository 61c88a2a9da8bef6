/*
 * apigw_tls.c: the names API Gateway serves over HTTPS (fg_service.tls_sites): the default
 * endpoints *.execute-api.{region}.amazonaws.com, one per region an API of the view lives
 * in, with frontgate's default certificate and the TLS_1_0 policy AWS gives default
 * endpoints (aws-behavior.md §4), then the custom domain names with their certificates,
 * policies and truststores (apigw_domain.c). The TLS terminator calls this once per world.
 */
#include "apigw/apigw_priv.h"

#include <string.h>

const struct fg_tls_site *apigw_tls_sites(void *self, const void *view, size_t *n)
{
	const struct apigw_view *v = view;
	const struct fg_tls_site *dom;
	struct fg_tls_site *sites;
	const char **regions;
	size_t k = 0, nd = 0;

	*n = 0;
	if (v == NULL)
		return NULL;
	dom = apigw_domain_tls_sites(self, view, &nd);
	if (v->napis + nd == 0)
		return NULL;
	sites = fg_arena_alloc(v->arena, (v->napis + nd) * sizeof(*sites));
	regions = fg_arena_alloc(v->arena, (v->napis + 1) * sizeof(*regions));
	for (size_t i = 0; i < v->cap; i++) {
		const struct apigw_api *api = v->slot[i];
		bool seen = false;

		if (api == NULL)
			continue;
		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp(regions[j], api->region) == 0;
		if (seen)
			continue;
		regions[k] = api->region;
		memset(&sites[k], 0, sizeof(sites[k]));
		sites[k].name = fg_arena_printf(v->arena, "*.execute-api.%s.amazonaws.com",
						api->region);
		sites[k].security_policy = "TLS_1_0";
		sites[k].owner = fg_arena_printf(v->arena, "API Gateway default endpoints in %s",
						 api->region);
		sites[k].service = "apigw";
		k++;
	}
	/* then the custom domain names (apigw_domain.c) */
	for (size_t i = 0; i < nd; i++)
		sites[k++] = dom[i];
	*n = k;
	return sites;
}
