/*
 * r53_batch.c: the record sets of one RecordSet or RecordSetGroup, checked the way Route 53
 * checks a ChangeResourceRecordSets batch of CREATE changes.
 *
 * Two stages, as in Route 53: the request shape first (InvalidInput: exactly one of an alias
 * or TTL + values, a routing policy with its SetIdentifier), then the batch against the zone
 * (InvalidChangeBatch), where every problem found is listed in one "[a, b]" message. The
 * zone's records are what the world's other stacks and this stack's resources deployed so far
 * hold, plus the SOA and NS Route 53 created with the zone and the batch itself (an alias may
 * target a record created in the same batch). Messages are Route 53's where its text is known
 * (aws-behavior.md §7.1 and the README list which); alias targets are looked up in the
 * world's resource documents: CloudFront distributions, API Gateway domain names, load
 * balancers and VPC endpoints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "route53/r53_int.h"

#define T_ZONE "AWS::Route53::HostedZone"
#define T_RS "AWS::Route53::RecordSet"
#define T_RSG "AWS::Route53::RecordSetGroup"

struct item {
	const cJSON *p;             /* the record set's properties */
	char where[48];             /* "" or "RecordSets.3." (property paths) */
	char ptr[48];               /* "" or "/RecordSets/3" (schema message pointers) */
	const char *given;          /* Name as written */
	bool eth;                   /* AliasTarget.EvaluateTargetHealth */
	struct r53_rec r;
};

struct batch {
	struct stack_rctx *c;
	const struct r53_zone_ref *zone;
	struct fg_arena *a;
	struct item *items;
	size_t n;
	struct r53_map keys;        /* "name|type|set" -> rec (existing and batch) */
	struct r53_map firsts;      /* "name|type" -> first rec */
	struct r53_map names;       /* name -> struct census */
	struct fg_buf msgs;         /* InvalidChangeBatch messages, ", "-joined */
	const struct item *cur;     /* the record set being checked */
	char first_prop[96];        /* where the first problem is */
	struct fg_err *err;
};

struct census {
	int cname, other;
};

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *attrs_of(const cJSON *r)
{
	return cJSON_GetObjectItemCaseSensitive(r, "Attributes");
}

static void problem(struct batch *b, const char *prop, const char *fmt, ...) FG_PRINTF(3, 4);

static void problem(struct batch *b, const char *prop, const char *fmt, ...)
{
	va_list ap;

	if (b->msgs.len > 0)
		fg_buf_puts(&b->msgs, ", ");
	else
		snprintf(b->first_prop, sizeof(b->first_prop), "%s%s", b->cur ? b->cur->where : "",
			 prop);
	va_start(ap, fmt);
	fg_buf_vprintf(&b->msgs, fmt, ap);
	va_end(ap);
}

/* An InvalidInput error (the request shape), reported at once. */
static int invalid_input(struct batch *b, const struct item *it, const char *prop,
			 const char *what, const char *name)
{
	char path[300], norm[R53_NAME_MAX];
	const char *why;

	if (r53_name_norm(name, norm, &why) == 0)
		name = norm;
	fg_err_set(b->err, 400, "InvalidInput", "Invalid request: %s in Change with [Action=CREATE, "
		   "Name=%s, Type=%s, SetIdentifier=%s]", what, name,
		   str_of(it->p, "Type") ? str_of(it->p, "Type") : "null",
		   str_of(it->p, "SetIdentifier") ? str_of(it->p, "SetIdentifier") : "null");
	snprintf(path, sizeof(path), "Resources.%s.Properties.%s%s", b->c->logical_id, it->where,
		 prop);
	fg_err_at(b->err, b->c->logical_id, path);
	return -1;
}

/* ------------------------------------------------------- the zone's records */

static void census_add(struct batch *b, const struct r53_rec *r)
{
	struct census **cs = (struct census **)r53_map_must(&b->names, r->name);
	char *k;
	void **s;

	if (*cs == NULL) {
		*cs = fg_arena_alloc(b->a, sizeof(**cs));
		memset(*cs, 0, sizeof(**cs));
	}
	if (strcmp(r->type, "CNAME") == 0)
		(*cs)->cname++;
	else
		(*cs)->other++;
	k = fg_arena_printf(b->a, "%s|%s|%s", r->name, r->type, r->set_id ? r->set_id : "");
	*r53_map_must(&b->keys, k) = (void *)r;
	s = r53_map_must(&b->firsts, fg_arena_printf(b->a, "%s|%s", r->name, r->type));
	if (*s == NULL)
		*s = (void *)r;
}

/*
 * Calls fn on every resource of the zone's world as this change sees it: this stack's
 * resources deployed so far, then the other stacks' (this stack's old version is not part of
 * it). Stops at the first fn that returns true and gives that resource and its stack.
 */
typedef bool (*each_f)(struct batch *b, const cJSON *r, const char *stack, void *arg);

static const cJSON *each_resource(struct batch *b, each_f fn, void *arg, const char **stack)
{
	const cJSON *doc, *r;

	cJSON_ArrayForEach(r, b->c->deployed) {
		if (fn(b, r, b->c->stack_name, arg)) {
			*stack = b->c->stack_name;
			return r;
		}
	}
	cJSON_ArrayForEach(doc, stack_world_stacks(b->c->world)) {
		const char *name = str_of(doc, "Name");

		if (strcmp(name, b->c->stack_name) == 0)
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			if (fn(b, r, name, arg)) {
				*stack = name;
				return r;
			}
		}
	}
	return NULL;
}

struct collect {
	struct r53_rec *list;
	size_t n;
};

/* Collects the records of RecordSet/RecordSetGroup resources in the zone (their State). */
static bool collect_records(struct batch *b, const cJSON *r, const char *stack, void *arg)
{
	struct collect *co = arg;
	const char *type = str_of(r, "Type");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "State"), *j;
	const char *zone = str_of(st, "HostedZoneId");

	if ((strcmp(type, T_RS) != 0 && strcmp(type, T_RSG) != 0) || zone == NULL ||
	    strcmp(zone, b->zone->id) != 0)
		return false;
	cJSON_ArrayForEach(j, cJSON_GetObjectItemCaseSensitive(st, "Records")) {
		struct r53_rec *rec = r53_rec_read(j, fg_arena_printf(b->a, "%s/%s", stack,
								       str_of(r, "LogicalId")), b->a);

		if (rec != NULL) {
			rec->next = co->list;
			co->list = rec;
			co->n++;
		}
	}
	return false;
}

static struct r53_rec *existing(struct batch *b, size_t *n)
{
	struct collect co = { NULL, 0 };
	const char *ns[] = { "ns.", "ns.", "ns.", "ns." }, *stack;

	each_resource(b, collect_records, &co, &stack);
	for (struct r53_rec *apex = r53_apex_records(b->zone->name, ns, 4, b->a), *nx; apex;
	     apex = nx) {
		nx = apex->next;
		apex->next = co.list;
		co.list = apex;
		co.n++;
	}
	*n = co.n;
	return co.list;
}

/* ------------------------------------------------------ request shape */

static int read_ttl(struct batch *b, struct item *it, bool *has)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(it->p, "TTL");
	long long ttl = -1;
	char where[64];

	*has = v != NULL;
	if (v == NULL)
		return 0;
	snprintf(where, sizeof(where), "%sTTL", it->where);
	if (stack_opt_int(b->c, it->p, "TTL", where, &ttl, b->err) != 0)
		return -1;
	if (ttl < 0 || ttl > 2147483647LL)
		return stack_schema_err(b->c, b->err, where, "#%s/TTL: %lld is not in the range 0 "
					"to 2147483647", it->ptr, ttl);
	it->r.ttl = (uint32_t)ttl;
	return 0;
}

static int read_policy(struct batch *b, struct item *it)
{
	const cJSON *p = it->p, *geo = cJSON_GetObjectItemCaseSensitive(p, "GeoLocation");
	int npol = 0;
	long long w = -1;
	char where[64];

	snprintf(where, sizeof(where), "%sWeight", it->where);
	if (stack_opt_int(b->c, p, "Weight", where, &w, b->err) != 0)
		return -1;
	if (cJSON_GetObjectItemCaseSensitive(p, "Weight") && (w < 0 || w > 255))
		return stack_schema_err(b->c, b->err, where, "#%s/Weight: %lld is not in the range "
					"0 to 255", it->ptr, w);
	it->r.failover = str_of(p, "Failover");
	it->r.region = str_of(p, "Region");
	if (it->r.failover && strcmp(it->r.failover, "PRIMARY") && strcmp(it->r.failover,
									   "SECONDARY"))
		return stack_schema_err(b->c, b->err, "Failover", "#%s/Failover: %s is not a valid "
					"enum value (PRIMARY, SECONDARY)", it->ptr, it->r.failover);
	if (w >= 0)
		npol++, it->r.policy = R53_WEIGHTED, it->r.weight = w;
	if (it->r.failover)
		npol++, it->r.policy = R53_FAILOVER;
	if (it->r.region)
		npol++, it->r.policy = R53_LATENCY;
	if (geo != NULL) {
		const char *cc = str_of(geo, "CountryCode"), *ct = str_of(geo, "ContinentCode");

		npol++, it->r.policy = R53_GEO;
		it->r.geo = cc ? cc : ct ? ct : str_of(geo, "SubdivisionCode");
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "MultiValueAnswer")))
		npol++, it->r.policy = R53_MULTIVALUE;
	if (cJSON_GetObjectItemCaseSensitive(p, "CidrRoutingConfig") ||
	    cJSON_GetObjectItemCaseSensitive(p, "GeoProximityLocation"))
		npol++, it->r.policy = R53_OTHER_POLICY;
	it->r.set_id = str_of(p, "SetIdentifier");
	if (npol > 1 || (npol == 0) != (it->r.set_id == NULL))
		return invalid_input(b, it, npol ? "SetIdentifier" : "Weight",
				     fg_arena_printf(b->a, "Expected exactly one of [Weight, Region, "
						     "Failover, GeoLocation, MultiValueAnswer, "
						     "GeoProximityLocation, or CidrRoutingConfig], "
						     "but found %s", npol > 1 ? "more than one" :
						     "none"), it->given);
	if (cJSON_GetObjectItemCaseSensitive(p, "HealthCheckId"))
		stack_warn(b->c, "%sHealthCheckId: health checks are not emulated; the record is "
			   "always answered as healthy", it->where);
	return 0;
}

static int read_alias_shape(struct batch *b, struct item *it, const cJSON *al)
{
	if (!cJSON_IsObject(al))
		return stack_schema_err(b->c, b->err, "AliasTarget", "#%s/AliasTarget: expected "
					"type: JSONObject, found: %s", it->ptr, stack_json_kind(al));
	if (str_of(al, "DNSName") == NULL || str_of(al, "HostedZoneId") == NULL)
		return stack_schema_err(b->c, b->err, "AliasTarget", "#%s/AliasTarget: required "
					"key [%s] not found", it->ptr,
					str_of(al, "DNSName") ? "HostedZoneId" : "DNSName");
	return stack_opt_bool(b->c, al, "EvaluateTargetHealth", &it->eth, b->err);
}

static int read_shape(struct batch *b, struct item *it)
{
	const cJSON *rr = cJSON_GetObjectItemCaseSensitive(it->p, "ResourceRecords");
	const cJSON *al = cJSON_GetObjectItemCaseSensitive(it->p, "AliasTarget");
	bool has_ttl;
	int parts;

	if (!cJSON_IsObject(it->p))
		return stack_schema_err(b->c, b->err, "RecordSets", "#%s: expected type: "
					"JSONObject, found: %s", it->ptr, stack_json_kind(it->p));
	it->given = str_of(it->p, "Name");
	if (it->given == NULL || str_of(it->p, "Type") == NULL)
		return stack_schema_err(b->c, b->err, it->where[0] ? "RecordSets" : "",
					"#%s: required key [%s] not found", it->ptr,
					it->given == NULL ? "Name" : "Type");
	if (!r53_type_known(str_of(it->p, "Type")))
		return stack_schema_err(b->c, b->err, "Type", "#%s/Type: %s is not a valid enum "
					"value", it->ptr, str_of(it->p, "Type"));
	it->r.type = str_of(it->p, "Type");
	if (read_ttl(b, it, &has_ttl) != 0)
		return -1;
	if (rr != NULL && !cJSON_IsArray(rr))
		return stack_schema_err(b->c, b->err, "ResourceRecords", "#%s/ResourceRecords: "
					"expected type: JSONArray, found: %s", it->ptr,
					stack_json_kind(rr));
	if (al != NULL && read_alias_shape(b, it, al) != 0)
		return -1;
	parts = (al != NULL) + (has_ttl || rr != NULL);
	if (parts != 1 || (al == NULL && (!has_ttl || rr == NULL)))
		return invalid_input(b, it, al ? "TTL" : "ResourceRecords",
				     fg_arena_printf(b->a, "Expected exactly one of [AliasTarget, all "
						     "of [TTL, and ResourceRecords], or "
						     "TrafficPolicyInstanceId], but found %s",
						     parts > 1 ? "more than one" : "none"),
				     it->given);
	return read_policy(b, it);
}

/* -------------------------------------------------------- per record set */

static void check_values(struct batch *b, struct item *it)
{
	const cJSON *rr = cJSON_GetObjectItemCaseSensitive(it->p, "ResourceRecords"), *v;
	char msg[800];
	size_t n = (size_t)cJSON_GetArraySize(rr);

	it->r.values = fg_arena_alloc(b->a, (n + 1) * sizeof(*it->r.values));
	cJSON_ArrayForEach(v, rr) {
		const char *canon = NULL;
		bool dup = false;

		if (!cJSON_IsString(v) && !cJSON_IsNumber(v)) {
			problem(b, "ResourceRecords", "Invalid Resource Record: 'FATAL problem: "
				"value is not a string encountered with '%s''", stack_json_kind(v));
			continue;
		}
		if (r53_value(it->r.type, cJSON_IsString(v) ? v->valuestring :
			      fg_arena_printf(b->a, "%g", v->valuedouble), b->a, &canon, msg,
			      sizeof(msg)) != 0) {
			problem(b, "ResourceRecords", "%s", msg);
			continue;
		}
		for (size_t i = 0; i < it->r.nvalues; i++)
			dup |= strcmp(it->r.values[i], canon) == 0;
		if (dup)
			problem(b, "ResourceRecords", "Duplicate Resource Record: '%s'", canon);
		else
			it->r.values[it->r.nvalues++] = canon;
	}
	if (n == 0)
		problem(b, "ResourceRecords", "Invalid Resource Record: 'FATAL problem: "
			"ResourceRecords is empty encountered with '%s''", it->r.name);
	if (strcmp(it->r.type, "CNAME") == 0 && it->r.nvalues > 1)
		problem(b, "ResourceRecords", "RRSet of type CNAME with DNS name %s may have only "
			"one value, found %zu", it->r.name, it->r.nvalues);
}

/* Reads the name; false (and a problem listed) when the record set cannot go further. */
static bool check_name(struct batch *b, struct item *it)
{
	char norm[R53_NAME_MAX];
	const char *why;

	if (r53_name_norm(it->given, norm, &why) != 0) {
		problem(b, "Name", "FATAL problem: %s encountered with '%s'", why, it->given);
		return false;
	}
	it->r.name = fg_arena_strdup(b->a, norm);
	it->r.origin = fg_arena_printf(b->a, "%s/%s", b->c->stack_name, b->c->logical_id);
	if (!r53_name_under(it->r.name, b->zone->name)) {
		problem(b, "Name", "RRSet with DNS name %s is not permitted in zone %s", it->r.name,
			b->zone->name);
		return false;
	}
	return true;
}

static void check_conflicts(struct batch *b, const struct item *it)
{
	const struct r53_rec *r = &it->r, *first;
	const struct census *cs = r53_map_get(&b->names, r->name);
	char *key = fg_arena_printf(b->a, "%s|%s|%s", r->name, r->type, r->set_id ? r->set_id : "");

	if (strcmp(r->type, "CNAME") == 0 && strcmp(r->name, b->zone->name) == 0)
		problem(b, "Name", "RRSet of type CNAME with DNS name %s is not permitted at apex in "
			"zone %s", r->name, b->zone->name);
	else if (r53_map_get(&b->keys, key) != NULL && r->set_id != NULL)
		problem(b, "Name", "Tried to create resource record set [name='%s', type='%s', "
			"set-identifier='%s'] but it already exists", r->name, r->type, r->set_id);
	else if (r53_map_get(&b->keys, key) != NULL)
		problem(b, "Name", "Tried to create resource record set [name='%s', type='%s'] but "
			"it already exists", r->name, r->type);
	else if (cs != NULL && strcmp(r->type, "CNAME") == 0 && cs->other > 0)
		problem(b, "Type", "RRSet of type CNAME with DNS name %s is not permitted as it "
			"conflicts with other records with the same DNS name in zone %s", r->name,
			b->zone->name);
	else if (cs != NULL && strcmp(r->type, "CNAME") != 0 && cs->cname > 0)
		problem(b, "Type", "RRSet of type %s with DNS name %s is not permitted because a "
			"conflicting RRSet of type  CNAME with the same DNS name already exists in "
			"zone %s", r->type, r->name, b->zone->name);
	else if ((first = r53_map_get(&b->firsts, fg_arena_printf(b->a, "%s|%s", r->name,
								     r->type))) != NULL &&
		 ((first->set_id == NULL) != (r->set_id == NULL) || first->policy != r->policy))
		problem(b, "SetIdentifier", "RRSet with DNS name %s, type %s cannot be created: "
			"record sets with the same name and type must all use the same routing "
			"policy (%s has %s)", r->name, r->type, first->origin,
			first->set_id ? "a SetIdentifier" : "no SetIdentifier");
}

/* ------------------------------------------------------------ alias targets */

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

	return each_resource(b, match_attr, &q, stack);
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
	problem(b, "AliasTarget", "Tried to create an alias that targets %s, type %s in zone %s, "
		"but that target was not found", r->alias_dns, r->type, r->alias_zone);
}

static void not_within(struct batch *b, const struct r53_rec *r)
{
	problem(b, "AliasTarget", "Tried to create an alias that targets %s, type %s in zone %s, "
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
		problem(b, "AliasTarget", "Alias RRSet with DNS name %s cannot target a CloudFront "
			"distribution: alias records for CloudFront can't be created in a private "
			"zone (%s)", r->name, b->zone->id);
	if (r->evaluate_health)
		problem(b, "AliasTarget.EvaluateTargetHealth", "Alias RRSet with DNS name %s cannot "
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
			problem(b, "AliasTarget", "Tried to create an alias that targets %s, type "
				"%s in zone %s, but distribution %s (stack %s) does not include %s "
				"as an alternate domain name (CNAME)", r->alias_dns, r->type,
				r->alias_zone, str_of(t, "PhysicalId"), stack, r->name);
	} else if ((t = find_by_attr(b, domains, "DistributionDomainName", r->alias_dns,
				     &stack)) != NULL) {
		if (!name_is(str_of(cJSON_GetObjectItemCaseSensitive(t, "Properties"),
				    "DomainName"), r->name))
			problem(b, "AliasTarget", "Tried to create an alias that targets %s, type "
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
		problem(b, "AliasTarget", "Tried to create an alias that targets %s, type %s in "
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
	if (each_resource(b, match_entry, &q, &stack) == NULL)
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

static void check_alias(struct batch *b, struct item *it)
{
	const cJSON *al = cJSON_GetObjectItemCaseSensitive(it->p, "AliasTarget");
	const char *zone = str_of(al, "HostedZoneId"), *why, *space, *region;
	struct r53_rec *r = &it->r;
	char norm[R53_NAME_MAX];

	if (strncmp(zone, "/hostedzone/", 12) == 0)
		zone += 12;
	r->alias_zone = zone;
	if (r53_name_norm(str_of(al, "DNSName"), norm, &why) != 0) {
		problem(b, "AliasTarget.DNSName", "FATAL problem: %s encountered with '%s'", why,
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
			problem(b, "AliasTarget", "Alias RRSet with DNS name %s cannot target itself",
				r->name);
		else if (!record_target_exists(b, r))
			not_found(b, r);
	} else if (strcmp(zone, R53_CLOUDFRONT_ZONE) == 0) {
		cloudfront_target(b, it);
	} else if ((region = r53_apigw_zone_region(zone)) != NULL) {
		apigw_regional_target(b, it, region);
	} else if (stack_rctx_find(b->c, T_ZONE, zone) != NULL) {
		problem(b, "AliasTarget", "Alias RRSet with DNS name %s cannot target %s in hosted "
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
static void check_failover_pairs(struct batch *b)
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
				problem(b, "Failover", "Failover RRSets with DNS name %s, type %s cannot "
					"both be aliases to CloudFront distributions", p->name,
					p->type);
		}
	}
}

/* ------------------------------------------------------------------ driver */

static int finish(struct batch *b)
{
	char path[300];

	if (b->msgs.len == 0)
		return 0;
	fg_err_set(b->err, 400, "InvalidChangeBatch", "[%s]", b->msgs.data);
	snprintf(path, sizeof(path), "Resources.%s.Properties.%s", b->c->logical_id,
		 b->first_prop);
	fg_err_at(b->err, b->c->logical_id, path);
	return -1;
}

static void check_items(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct item *it = &b->items[i];
		size_t before = b->msgs.len;

		b->cur = it;
		if (!check_name(b, it)) {
			it->r.name = NULL;
			continue;
		}
		if (cJSON_GetObjectItemCaseSensitive(it->p, "AliasTarget") == NULL)
			check_values(b, it);
		if (b->msgs.len == before)
			check_conflicts(b, it);
		if (b->msgs.len == before)
			census_add(b, &it->r); /* later changes see this one */
	}
	for (size_t i = 0; i < b->n; i++) {
		b->cur = &b->items[i];
		if (b->items[i].r.name && cJSON_GetObjectItemCaseSensitive(b->items[i].p,
									  "AliasTarget"))
			check_alias(b, &b->items[i]);
	}
	b->cur = NULL;
	check_failover_pairs(b);
}

int r53_batch_check(struct stack_rctx *c, const struct r53_zone_ref *zone, const cJSON *sets,
		    const char *where, struct fg_arena *a, struct r53_rec **out,
		    struct fg_err *err)
{
	struct batch b = { .c = c, .zone = zone, .a = a, .err = err };
	struct r53_rec *list, *r;
	size_t nexist = 0, i = 0;
	const cJSON *s;
	int rc;

	b.n = (size_t)cJSON_GetArraySize(sets);
	b.items = fg_arena_alloc(a, (b.n + 1) * sizeof(*b.items));
	memset(b.items, 0, (b.n + 1) * sizeof(*b.items));
	cJSON_ArrayForEach(s, sets) {
		struct item *it = &b.items[i];

		it->p = s;
		if (where[0]) {
			snprintf(it->where, sizeof(it->where), "%s.%zu.", where, i);
			snprintf(it->ptr, sizeof(it->ptr), "/%s/%zu", where, i);
		}
		i++;
		if (read_shape(&b, it) != 0)
			return -1;
	}
	list = existing(&b, &nexist);
	r53_map_init(&b.keys, a, nexist + b.n);
	r53_map_init(&b.firsts, a, nexist + b.n);
	r53_map_init(&b.names, a, nexist + b.n);
	for (r = list; r != NULL; r = r->next)
		census_add(&b, r);
	fg_buf_init(&b.msgs);
	check_items(&b);
	rc = finish(&b);
	fg_buf_free(&b.msgs);
	*out = NULL;
	for (size_t k = b.n; rc == 0 && k-- > 0;) {
		b.items[k].r.next = *out;
		*out = &b.items[k].r;
	}
	return rc;
}
