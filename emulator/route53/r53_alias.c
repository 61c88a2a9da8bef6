/*
 * r53_alias.c: the alias targets of a change batch (r53_batch.c), checked as Route 53 checks
 * them (../shared/aws-behavior.md §7.1). The target's hosted zone id says what it must be:
 * Z2FDTNDATAQYW2 a CloudFront distribution (or an edge-optimized API Gateway domain name), a
 * region's API Gateway zone a regional domain name, the record's own zone another record of
 * it; load balancer and VPC endpoint names are found by name and their zone compared. Targets
 * are looked up in the world's resource documents, as the services that own them store them.
 * An AWS target frontgate does not emulate is kept with a warning (it answers NODATA).
 */
#include <stdio.h>
#include <string.h>

#include "route53/r53_batch.h"

#define T_ZONE "AWS::Route53::HostedZone"

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *attrs_of(const cJSON *r)
{
	return cJSON_GetObjectItemCaseSensitive(r, "Attributes");
}

struct by_attr {
	const char *const *types;
	const char *attr, *dns;
};

static bool match_attr(struct batch *b, const cJSON *r, const char *stack, void *arg)
{
	const struct by_attr *q = arg;
	const char *v = str_of(attrs_of(r), q->attr), *why;
	char norm[R53_NAME_MAX];

	for (size_t i = 0; q->types[i]; i++)
		if (strcmp(str_of(r, "Type"), q->types[i]) == 0)
			return v != NULL && r53_name_norm(v, norm, &why) == 0 &&
			       strcmp(norm, q->dns) == 0;
	return false;
}

/* The resource of one of types whose attribute attr (a name) is dns; NULL when none. */
static const cJSON *find_by_attr(struct batch *b, const char *const *types, const char *attr,
				 const char *dns, const char **stack)
{
	struct by_attr q = { types, attr, dns };

	return r53_batch_each(b, match_attr, &q, stack);
}

static bool name_is(const char *given, const char *norm)
{
	char n[R53_NAME_MAX];
	const char *why;

	return given != NULL && r53_name_norm(given, n, &why) == 0 && strcmp(n, norm) == 0;
}

/* An alternate domain name of the distribution covers name ("*.x" covers one label). */
static bool dist_alias_covers(const cJSON *dist, const char *name)
{
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(dist, "Properties"), "DistributionConfig");
	const cJSON *al;

	cJSON_ArrayForEach(al, cJSON_GetObjectItemCaseSensitive(cfg, "Aliases")) {
		char n[R53_NAME_MAX];
		const char *why, *parent = r53_name_parent(name);

		if (!cJSON_IsString(al) || r53_name_norm(al->valuestring, n, &why) != 0)
			continue;
		if (strcmp(n, name) == 0 ||
		    (r53_name_is_wild(n) && parent != NULL && strcmp(n + 2, parent) == 0))
			return true;
	}
	return false;
}

static void not_found(struct batch *b, const struct r53_rec *r)
{
	r53_batch_problem(b, "AliasTarget", "Tried to create an alias that targets %s, type %s in zone %s, "
		"but that target was not found", r->alias_dns, r->type, r->alias_zone);
}

static void not_within(struct batch *b, const struct r53_rec *r)
{
	r53_batch_problem(b, "AliasTarget", "Tried to create an alias that targets %s, type %s in zone %s, "
		"but the alias target name does not lie within the target zone", r->alias_dns,
		r->type, r->alias_zone);
}

static bool address_type(struct batch *b, const struct r53_rec *r)
{
	if (strcmp(r->type, "A") == 0 || strcmp(r->type, "AAAA") == 0)
		return true;
	not_found(b, r);
	return false;
}

/* Alias to CloudFront (a distribution or an edge-optimized API Gateway domain name). */
static void cloudfront_target(struct batch *b, struct item *it)
{
	static const char *const dists[] = { "AWS::CloudFront::Distribution", NULL };
	static const char *const domains[] = { "AWS::ApiGateway::DomainName", NULL };
	struct r53_rec *r = &it->r;
	const char *stack;
	const cJSON *t;

	if (b->zone->priv)
		r53_batch_problem(b, "AliasTarget", "Alias RRSet with DNS name %s cannot target a CloudFront "
			"distribution: alias records for CloudFront can't be created in a private "
			"zone (%s)", r->name, b->zone->id);
	if (r->evaluate_health)
		r53_batch_problem(b, "AliasTarget.EvaluateTargetHealth", "Alias RRSet with DNS name %s cannot "
			"set EvaluateTargetHealth to true: the alias target %s is a CloudFront "
			"distribution", r->name, r->alias_dns);
	if (!r53_name_under(r->alias_dns, "cloudfront.net.")) {
		not_within(b, r);
		return;
	}
	if (!address_type(b, r))
		return;
	if ((t = find_by_attr(b, dists, "DomainName", r->alias_dns, &stack)) != NULL) {
		if (!dist_alias_covers(t, r->name))
			r53_batch_problem(b, "AliasTarget", "Tried to create an alias that targets %s, type "
				"%s in zone %s, but distribution %s (stack %s) does not include %s "
				"as an alternate domain name (CNAME)", r->alias_dns, r->type,
				r->alias_zone, str_of(t, "PhysicalId"), stack, r->name);
	} else if ((t = find_by_attr(b, domains, "DistributionDomainName", r->alias_dns,
				     &stack)) != NULL) {
		if (!name_is(str_of(cJSON_GetObjectItemCaseSensitive(t, "Properties"),
				    "DomainName"), r->name))
			r53_batch_problem(b, "AliasTarget", "Tried to create an alias that targets %s, type "
				"%s in zone %s, but the record name %s is not that API Gateway "
				"custom domain name (%s)", r->alias_dns, r->type, r->alias_zone,
				r->name, str_of(t, "PhysicalId"));
	} else {
		not_found(b, r);
	}
}

static void apigw_regional_target(struct batch *b, struct item *it, const char *region)
{
	static const char *const domains[] = { "AWS::ApiGateway::DomainName",
					       "AWS::ApiGateway::DomainNameV2", NULL };
	struct r53_rec *r = &it->r;
	char space[R53_NAME_MAX];
	const char *stack;
	const cJSON *t;

	snprintf(space, sizeof(space), "execute-api.%s.amazonaws.com.", region);
	if (!r53_name_under(r->alias_dns, space)) {
		not_within(b, r);
		return;
	}
	if (!address_type(b, r))
		return;
	t = find_by_attr(b, domains, "RegionalDomainName", r->alias_dns, &stack);
	if (t == NULL)
		not_found(b, r);
	else if (!name_is(str_of(cJSON_GetObjectItemCaseSensitive(t, "Properties"), "DomainName"),
			  r->name))
		r53_batch_problem(b, "AliasTarget", "Tried to create an alias that targets %s, type %s in "
			"zone %s, but the record name %s is not that API Gateway custom domain "
			"name (%s)", r->alias_dns, r->type, r->alias_zone, r->name,
			str_of(t, "PhysicalId"));
}

static void elb_target(struct batch *b, struct item *it)
{
	static const char *const lbs[] = { "AWS::ElasticLoadBalancingV2::LoadBalancer",
					   "AWS::ElasticLoadBalancing::LoadBalancer", NULL };
	struct r53_rec *r = &it->r;
	const char *dns = r->alias_dns, *stack, *zone;
	const cJSON *t;

	if (strncmp(dns, "dualstack.", 10) == 0)
		dns += 10;
	if (!address_type(b, r))
		return;
	t = find_by_attr(b, lbs, "DNSName", dns, &stack);
	if (t == NULL) {
		not_found(b, r);
		return;
	}
	zone = str_of(attrs_of(t), "CanonicalHostedZoneID");
	if (zone != NULL && strcmp(zone, r->alias_zone) != 0)
		not_within(b, r);
}

struct by_entry {
	const char *dns;
	const char *zone;   /* out: the entry's zone id */
};

static bool match_entry(struct batch *b, const cJSON *r, const char *stack, void *arg)
{
	struct by_entry *q = arg;
	const cJSON *e;

	if (strcmp(str_of(r, "Type"), "AWS::EC2::VPCEndpoint") != 0)
		return false;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(attrs_of(r), "DnsEntries")) {
		const char *colon = cJSON_IsString(e) ? strchr(e->valuestring, ':') : NULL;

		if (colon != NULL && name_is(colon + 1, q->dns)) {
			q->zone = fg_arena_strndup(b->a, e->valuestring,
						   (size_t)(colon - e->valuestring));
			return true;
		}
	}
	return false;
}

static void vpce_target(struct batch *b, struct item *it)
{
	struct r53_rec *r = &it->r;
	struct by_entry q = { r->alias_dns, NULL };
	const char *stack;

	if (!address_type(b, r))
		return;
	if (r53_batch_each(b, match_entry, &q, &stack) == NULL)
		not_found(b, r);
	else if (strcmp(q.zone, r->alias_zone) != 0)
		not_within(b, r);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static bool record_target_exists(struct batch *b, const struct r53_rec *r)
{
	if (r53_map_get(&b->firsts, fg_arena_printf(b->a, "%s|%s", r->alias_dns, r->type)))
		return true;
	for (size_t i = 0; i < b->n; i++)
		if (b->items[i].r.name && strcmp(b->items[i].r.name, r->alias_dns) == 0 &&
		    strcmp(b->items[i].r.type, r->type) == 0)
			return true;
	return false;
}

void r53_alias_check(struct batch *b, struct item *it)
{
	const cJSON *al = cJSON_GetObjectItemCaseSensitive(it->p, "AliasTarget");
	const char *zone = str_of(al, "HostedZoneId"), *why, *space, *region;
	struct r53_rec *r = &it->r;
	char norm[R53_NAME_MAX];

	if (strncmp(zone, "/hostedzone/", 12) == 0)
		zone += 12;
	r->alias_zone = zone;
	if (r53_name_norm(str_of(al, "DNSName"), norm, &why) != 0) {
		r53_batch_problem(b, "AliasTarget.DNSName", "FATAL problem: %s encountered with '%s'", why,
			str_of(al, "DNSName"));
		return;
	}
	r->alias_dns = fg_arena_strdup(b->a, norm);
	r->evaluate_health = it->eth;
	space = r53_endpoint_space(norm);
	r->target = R53_T_ENDPOINT;
	if (strcmp(zone, b->zone->id) == 0) {
		r->target = R53_T_RECORD;
		if (!r53_name_under(norm, b->zone->name))
			not_within(b, r);
		else if (strcmp(norm, r->name) == 0)
			r53_batch_problem(b, "AliasTarget", "Alias RRSet with DNS name %s cannot target itself",
				r->name);
		else if (!record_target_exists(b, r))
			not_found(b, r);
	} else if (strcmp(zone, R53_CLOUDFRONT_ZONE) == 0) {
		cloudfront_target(b, it);
	} else if ((region = r53_apigw_zone_region(zone)) != NULL) {
		apigw_regional_target(b, it, region);
	} else if (stack_rctx_find(b->c, T_ZONE, zone) != NULL) {
		r53_batch_problem(b, "AliasTarget", "Alias RRSet with DNS name %s cannot target %s in hosted "
			"zone %s: an alias can only point to records in the same hosted zone (%s)",
			r->name, norm, zone, b->zone->id);
	} else if (space != NULL && ends_with(space, ".elb.amazonaws.com.")) {
		elb_target(b, it);
	} else if (space != NULL && ends_with(space, ".vpce.amazonaws.com.")) {
		vpce_target(b, it);
	} else if (space != NULL) {
		not_within(b, r); /* CloudFront and API Gateway names live in known zones */
	} else {
		r->target = R53_T_FOREIGN;
		stack_warn(b->c, "%sAliasTarget: %s in zone %s is not an endpoint frontgate "
			   "emulates; the record is kept and answers NODATA", it->where, norm, zone);
	}
}

/* Failover: the primary and the secondary cannot both be CloudFront (§7.1). */
void r53_alias_failover_pairs(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct r53_rec *p = &b->items[i].r;

		if (p->name == NULL || p->policy != R53_FAILOVER || p->alias_zone == NULL ||
		    strcmp(p->alias_zone, R53_CLOUDFRONT_ZONE) != 0 ||
		    strcmp(p->failover, "PRIMARY") != 0)
			continue;
		for (size_t j = 0; j < b->n; j++) {
			const struct r53_rec *s = &b->items[j].r;

			if (s->name && s->policy == R53_FAILOVER && s->alias_zone &&
			    strcmp(s->alias_zone, R53_CLOUDFRONT_ZONE) == 0 &&
			    strcmp(s->failover, "SECONDARY") == 0 && strcmp(s->name, p->name) == 0 &&
			    strcmp(s->type, p->type) == 0)
				r53_batch_problem(b, "Failover", "Failover RRSets with DNS name %s, type %s cannot "
					"both be aliases to CloudFront distributions", p->name,
					p->type);
		}
	}
}
