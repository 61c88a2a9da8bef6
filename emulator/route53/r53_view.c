/*
 * r53_view.c: Route 53's compiled view of one world, what the resolver reads.
 *
 * - Zones: every AWS::Route53::HostedZone, found by name (zones sharing a name are chained in
 *   world order: the first public one answers publicly; private ones answer inside their
 *   VPCs). Each zone has a table of its names: the apex (SOA, NS), every record set's name,
 *   and the names between them and the apex (empty non-terminals, RFC 4592: they exist, so
 *   they answer NODATA and stop wildcards).
 * - Endpoint names: the names of emulated endpoints, read from the world's resource documents
 *   (the shared model; no other service is included): each RestApi's
 *   {id}.execute-api.{region}.amazonaws.com (and {id}-{vpce}... for the VPC endpoints of a
 *   private API), API Gateway domain names' RegionalDomainName / DistributionDomainName,
 *   CloudFront distributions' DomainName, load balancers' DNSName, VPC endpoints' DnsEntries.
 *   A name is kept only inside the name space AWS gives that kind of endpoint (so the
 *   placeholders of types not emulated never become DNS names). A VPC endpoint's private DNS
 *   name (*.execute-api.{region}.amazonaws.com with PrivateDnsEnabled) answers only inside
 *   the endpoint's VPC.
 *
 * Everything lives in one arena freed with the world; lookups are hash probes, so answers
 * cost the same for 10 or 10,000 records.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route53/r53_int.h"

struct build {
	struct r53_view *v;
	struct fg_arena *a;
	struct r53_map by_id;        /* zone id -> zone (first) */
	struct zone_tmp *tmp;        /* per zone, in world order */
	size_t nzones;
	struct r53_map ep_ents;      /* names above endpoint names (they exist) */
};

struct zone_tmp {
	struct r53_zone *z;
	struct r53_rec *recs;
	size_t nrecs;
};

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *state_of(const cJSON *r)
{
	return cJSON_GetObjectItemCaseSensitive(r, "State");
}

static bool type_is(const cJSON *r, const char *t)
{
	return strcmp(str_of(r, "Type"), t) == 0;
}

static const char *origin_of(struct build *b, const cJSON *doc, const cJSON *r)
{
	return fg_arena_printf(b->a, "%s/%s", str_of(doc, "Name"), str_of(r, "LogicalId"));
}

/* --------------------------------------------------------------------- zones */

static void add_zone(struct build *b, const cJSON *doc, const cJSON *r)
{
	const cJSON *st = state_of(r), *v;
	struct r53_zone *z = fg_arena_alloc(b->a, sizeof(*z)), **head;
	const char *ns[4];
	size_t nns = 0;

	memset(z, 0, sizeof(*z));
	z->name = fg_arena_strdup(b->a, str_of(st, "Name"));
	z->id = fg_arena_strdup(b->a, str_of(r, "PhysicalId"));
	z->origin = origin_of(b, doc, r);
	z->priv = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "Private"));
	z->vpcs = fg_arena_alloc(b->a, (size_t)(cJSON_GetArraySize(
		cJSON_GetObjectItemCaseSensitive(st, "Vpcs")) + 1) * sizeof(*z->vpcs));
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(st, "Vpcs"))
		if (cJSON_IsString(v))
			z->vpcs[z->nvpcs++] = fg_arena_strdup(b->a, v->valuestring);
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(st, "NameServers"))
		if (cJSON_IsString(v) && nns < 4)
			ns[nns++] = fg_arena_strdup(b->a, v->valuestring);
	z->apex = r53_apex_records(z->name, ns, nns, b->a);
	head = (struct r53_zone **)r53_map_must(&b->v->zones, z->name);
	while (*head != NULL)
		head = &(*head)->same_name;
	*head = z;
	b->tmp[b->nzones].z = z;
	*r53_map_must(&b->by_id, z->id) = &b->tmp[b->nzones];
	b->nzones++;
}

static void add_records(struct build *b, const cJSON *doc, const cJSON *r)
{
	const cJSON *st = state_of(r), *j;
	const char *id = str_of(st, "HostedZoneId");
	struct zone_tmp *t = id ? r53_map_get(&b->by_id, id) : NULL;
	struct r53_rec **tail;

	if (t == NULL)
		return;
	tail = &t->recs;
	while (*tail != NULL)
		tail = &(*tail)->next;
	cJSON_ArrayForEach(j, cJSON_GetObjectItemCaseSensitive(st, "Records")) {
		struct r53_rec *rec = r53_rec_read(j, origin_of(b, doc, r), b->a);

		if (rec == NULL || !r53_name_under(rec->name, t->z->name))
			continue;
		*tail = rec;
		tail = &rec->next;
		t->nrecs++;
	}
}

/*
 * The DNS validation CNAMEs ACM "wrote" into a hosted zone (a certificate's
 * State.ValidationRecords with a HostedZoneId, emulator/acm/acm.h), as CloudFormation
 * writes them: they answer like any record set of that zone (aws-behavior.md §7.2).
 */
static void add_acm_records(struct build *b, const cJSON *doc, const cJSON *r)
{
	const cJSON *j;

	cJSON_ArrayForEach(j, cJSON_GetObjectItemCaseSensitive(state_of(r), "ValidationRecords")) {
		const char *zid = str_of(j, "HostedZoneId"), *value = str_of(j, "Value");
		struct zone_tmp *t = zid ? r53_map_get(&b->by_id, zid) : NULL;
		char name[R53_NAME_MAX], target[R53_NAME_MAX];
		const char *problem;
		struct r53_rec *rec, **tail;

		if (t == NULL || value == NULL ||
		    r53_name_norm(str_of(j, "Name") ? str_of(j, "Name") : "", name, &problem) != 0 ||
		    r53_name_norm(value, target, &problem) != 0 || !r53_name_under(name, t->z->name))
			continue;
		rec = fg_arena_alloc(b->a, sizeof(*rec));
		memset(rec, 0, sizeof(*rec));
		rec->name = fg_arena_strdup(b->a, name);
		rec->type = "CNAME";
		rec->ttl = 300;
		rec->values = fg_arena_alloc(b->a, sizeof(*rec->values));
		rec->values[0] = fg_arena_strdup(b->a, target);
		rec->nvalues = 1;
		rec->origin = fg_arena_printf(b->a, "%s/%s (ACM DNS validation)",
					      str_of(doc, "Name"), str_of(r, "LogicalId"));
		for (tail = &t->recs; *tail != NULL; tail = &(*tail)->next)
			;
		*tail = rec;
		t->nrecs++;
	}
}

static struct r53_node *node(struct build *b, struct r53_zone *z, const char *name)
{
	struct r53_node **n = (struct r53_node **)r53_map_must(&z->nodes, name);

	if (*n == NULL) {
		*n = fg_arena_alloc(b->a, sizeof(**n));
		memset(*n, 0, sizeof(**n));
		(*n)->name = name;
	}
	return *n;
}

static size_t depth_below(const char *name, const char *zone)
{
	size_t n = 0;

	for (const char *p = name; p != NULL && strcmp(p, zone) != 0; p = r53_name_parent(p))
		n++;
	return n;
}

static void fill_zone(struct build *b, struct zone_tmp *t)
{
	struct r53_zone *z = t->z;
	size_t max = 1;
	struct r53_rec *rec, *next;

	for (rec = t->recs; rec != NULL; rec = rec->next)
		max += depth_below(rec->name, z->name) + 1;
	r53_map_init(&z->nodes, b->a, max);
	node(b, z, z->name)->recs = z->apex;
	for (rec = t->recs; rec != NULL; rec = next) {
		struct r53_node *n = node(b, z, rec->name);
		struct r53_rec **tail = &n->recs;

		next = rec->next;
		rec->next = NULL;
		while (*tail != NULL)
			tail = &(*tail)->next;
		*tail = rec;
		for (const char *p = r53_name_parent(rec->name);
		     p != NULL && r53_name_under(p, z->name); p = r53_name_parent(p))
			node(b, z, p)->below = true;
	}
}

/* ----------------------------------------------------------------- endpoints */

static void add_endpoint(struct build *b, const char *dns, const char *vpc, const char *what)
{
	char norm[R53_NAME_MAX];
	const char *why, *space;
	struct r53_endpoint *e, **head;

	if (dns == NULL || r53_name_norm(dns, norm, &why) != 0 ||
	    (space = r53_endpoint_space(norm)) == NULL)
		return;
	e = fg_arena_alloc(b->a, sizeof(*e));
	e->name = fg_arena_strdup(b->a, norm);
	e->what = what;
	e->vpc = vpc;
	e->same_name = NULL;
	head = (struct r53_endpoint **)r53_map_must(&b->v->endpoints, e->name);
	while (*head != NULL)
		head = &(*head)->same_name;
	*head = e;
	for (const char *p = r53_name_parent(e->name); p != NULL && r53_name_under(p, space) &&
	     strcmp(p, space) != 0; p = r53_name_parent(p)) {
		void **s = r53_map_slot(&b->ep_ents, p);

		if (s != NULL) /* full only for absurdly deep names; they then answer NXDOMAIN */
			*s = (void *)p;
	}
}

static void add_private_dns(struct build *b, const char *dns, const char *vpc, const char *what)
{
	char norm[R53_NAME_MAX];
	const char *why;
	struct r53_private_dns *p;

	if (vpc == NULL || dns == NULL || r53_name_norm(dns, norm, &why) != 0)
		return;
	if (!r53_name_is_wild(norm)) {
		add_endpoint(b, norm, vpc, what);
		return;
	}
	p = &b->v->pdns[b->v->npdns++];
	p->vpc = vpc;
	p->apex = fg_arena_strdup(b->a, norm + 2);
	p->what = what;
}

static void restapi_names(struct build *b, const cJSON *doc, const cJSON *r, const char *what)
{
	const char *id = str_of(r, "PhysicalId"), *region = str_of(doc, "Region");
	const cJSON *vpces = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(r, "Properties"), "EndpointConfiguration"),
		"VpcEndpointIds"), *e;
	char *lower = fg_arena_strdup(b->a, id);

	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	add_endpoint(b, fg_arena_printf(b->a, "%s.execute-api.%s.amazonaws.com", lower, region),
		     NULL, what);
	cJSON_ArrayForEach(e, vpces)
		if (cJSON_IsString(e))
			add_endpoint(b, fg_arena_printf(b->a, "%s-%s.execute-api.%s.amazonaws.com",
							lower, e->valuestring, region),
				     NULL, fg_arena_printf(b->a, "%s through %s", what,
							   e->valuestring));
}

static void vpce_names(struct build *b, const cJSON *r, const char *what)
{
	const char *vpc = str_of(cJSON_GetObjectItemCaseSensitive(r, "Properties"), "VpcId");
	const cJSON *e;

	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(
				      cJSON_GetObjectItemCaseSensitive(r, "Attributes"),
				      "DnsEntries")) {
		const char *colon = cJSON_IsString(e) ? strchr(e->valuestring, ':') : NULL;
		const char *dns = colon ? colon + 1 : NULL;
		char norm[R53_NAME_MAX];
		const char *why;

		if (dns == NULL || r53_name_norm(dns, norm, &why) != 0)
			continue;
		if (strstr(norm, ".vpce.amazonaws.com.") != NULL)
			add_endpoint(b, norm, NULL, what);
		else
			add_private_dns(b, norm, vpc ? fg_arena_strdup(b->a, vpc) : NULL,
					fg_arena_printf(b->a, "private DNS of %s", what));
	}
}

static const char *what_of(struct build *b, const cJSON *doc, const cJSON *r, const char *t)
{
	return fg_arena_printf(b->a, "%s %s (stack %s, %s)", t, str_of(r, "PhysicalId"),
			       str_of(doc, "Name"), str_of(r, "LogicalId"));
}

static void add_endpoints(struct build *b, const cJSON *doc, const cJSON *r)
{
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(r, "Attributes");
	const char *t = str_of(r, "Type"), *lb;

	if (strcmp(t, "AWS::ApiGateway::RestApi") == 0) {
		restapi_names(b, doc, r, what_of(b, doc, r, "API Gateway REST API"));
	} else if (strcmp(t, "AWS::ApiGateway::DomainName") == 0 ||
		   strcmp(t, "AWS::ApiGateway::DomainNameV2") == 0) {
		const char *what = what_of(b, doc, r, "API Gateway custom domain name");

		add_endpoint(b, str_of(at, "RegionalDomainName"), NULL, what);
		add_endpoint(b, str_of(at, "DistributionDomainName"), NULL, what);
	} else if (strcmp(t, "AWS::CloudFront::Distribution") == 0) {
		add_endpoint(b, str_of(at, "DomainName"), NULL,
			     what_of(b, doc, r, "CloudFront distribution"));
	} else if ((strcmp(t, "AWS::ElasticLoadBalancingV2::LoadBalancer") == 0 ||
		    strcmp(t, "AWS::ElasticLoadBalancing::LoadBalancer") == 0) &&
		   (lb = str_of(at, "DNSName")) != NULL) {
		const char *what = what_of(b, doc, r, "load balancer");

		add_endpoint(b, lb, NULL, what);
		add_endpoint(b, fg_arena_printf(b->a, "dualstack.%s", lb), NULL, what);
	} else if (strcmp(t, "AWS::EC2::VPCEndpoint") == 0) {
		vpce_names(b, r, what_of(b, doc, r, "VPC endpoint"));
	}
}

/* How many endpoint names a resource can give, at most. */
static size_t endpoint_count(const cJSON *r)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(r, "Properties");

	return 2 + (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(p, "EndpointConfiguration"), "VpcEndpointIds")) +
	       (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		       cJSON_GetObjectItemCaseSensitive(r, "Attributes"), "DnsEntries"));
}

/* ------------------------------------------------------------------- compile */

static void count(const struct stack_world *w, size_t *zones, size_t *eps)
{
	const cJSON *doc, *r;

	*zones = *eps = 0;
	cJSON_ArrayForEach(doc, stack_world_stacks(w))
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			if (type_is(r, "AWS::Route53::HostedZone") &&
			    str_of(state_of(r), "Name") != NULL)
				(*zones)++;
			else
				*eps += endpoint_count(r);
		}
}

struct r53_view *r53_view_compile(const struct stack_world *w)
{
	struct fg_arena *a = fg_arena_new(16384);
	struct r53_view *v = fg_arena_alloc(a, sizeof(*v));
	struct build b = { .v = v, .a = a };
	const cJSON *doc, *r;
	size_t nz, ne;

	memset(v, 0, sizeof(*v));
	v->arena = a;
	count(w, &nz, &ne);
	r53_map_init(&v->zones, a, nz);
	r53_map_init(&b.by_id, a, nz);
	r53_map_init(&v->endpoints, a, ne);
	r53_map_init(&b.ep_ents, a, ne * 4);
	b.tmp = fg_arena_alloc(a, (nz + 1) * sizeof(*b.tmp));
	memset(b.tmp, 0, (nz + 1) * sizeof(*b.tmp));
	v->pdns = fg_arena_alloc(a, (ne + 1) * sizeof(*v->pdns));
	cJSON_ArrayForEach(doc, stack_world_stacks(w))
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			if (type_is(r, "AWS::Route53::HostedZone") &&
			    str_of(state_of(r), "Name") != NULL)
				add_zone(&b, doc, r);
			else
				add_endpoints(&b, doc, r);
		}
	cJSON_ArrayForEach(doc, stack_world_stacks(w))
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources"))
			if (type_is(r, "AWS::Route53::RecordSet") ||
			    type_is(r, "AWS::Route53::RecordSetGroup"))
				add_records(&b, doc, r);
			else if (type_is(r, "AWS::CertificateManager::Certificate"))
				add_acm_records(&b, doc, r);
	for (size_t i = 0; i < b.nzones; i++)
		fill_zone(&b, &b.tmp[i]);
	v->ep_ents = b.ep_ents;
	return v;
}

void r53_view_release(void *view)
{
	struct r53_view *v = view;

	if (v != NULL) {
		struct fg_arena *a = v->arena;

		fg_arena_destroy(&a);
	}
}

const struct r53_endpoint *r53_view_endpoint(const struct r53_view *v, const char *name,
					     const char *vpc)
{
	const struct r53_endpoint *e = r53_map_get(&v->endpoints, name), *pub = NULL;

	for (; e != NULL; e = e->same_name) {
		if (e->vpc == NULL && pub == NULL)
			pub = e;
		else if (e->vpc != NULL && vpc != NULL && strcmp(e->vpc, vpc) == 0)
			return e;
	}
	return pub;
}

bool r53_view_endpoint_ent(const struct r53_view *v, const char *name)
{
	return r53_map_get(&v->ep_ents, name) != NULL;
}
