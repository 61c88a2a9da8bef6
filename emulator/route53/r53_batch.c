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
 * (aws-behavior.md §7.1 and the README list which); alias targets are checked in r53_alias.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "route53/r53_batch.h"

#define T_RS "AWS::Route53::RecordSet"
#define T_RSG "AWS::Route53::RecordSetGroup"

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

void r53_batch_problem(struct batch *b, const char *prop, const char *fmt, ...)
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

const cJSON *r53_batch_each(struct batch *b, r53_each_f fn, void *arg, const char **stack)
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

	r53_batch_each(b, collect_records, &co, &stack);
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
			r53_batch_problem(b, "ResourceRecords", "Invalid Resource Record: 'FATAL problem: "
				"value is not a string encountered with '%s''", stack_json_kind(v));
			continue;
		}
		if (r53_value(it->r.type, cJSON_IsString(v) ? v->valuestring :
			      fg_arena_printf(b->a, "%g", v->valuedouble), b->a, &canon, msg,
			      sizeof(msg)) != 0) {
			r53_batch_problem(b, "ResourceRecords", "%s", msg);
			continue;
		}
		for (size_t i = 0; i < it->r.nvalues; i++)
			dup |= strcmp(it->r.values[i], canon) == 0;
		if (dup)
			r53_batch_problem(b, "ResourceRecords", "Duplicate Resource Record: '%s'", canon);
		else
			it->r.values[it->r.nvalues++] = canon;
	}
	if (n == 0)
		r53_batch_problem(b, "ResourceRecords", "Invalid Resource Record: 'FATAL problem: "
			"ResourceRecords is empty encountered with '%s''", it->r.name);
	if (strcmp(it->r.type, "CNAME") == 0 && it->r.nvalues > 1)
		r53_batch_problem(b, "ResourceRecords", "RRSet of type CNAME with DNS name %s may have only "
			"one value, found %zu", it->r.name, it->r.nvalues);
}

/* Reads the name; false (and a problem listed) when the record set cannot go further. */
static bool check_name(struct batch *b, struct item *it)
{
	char norm[R53_NAME_MAX];
	const char *why;

	if (r53_name_norm(it->given, norm, &why) != 0) {
		r53_batch_problem(b, "Name", "FATAL problem: %s encountered with '%s'", why, it->given);
		return false;
	}
	it->r.name = fg_arena_strdup(b->a, norm);
	it->r.origin = fg_arena_printf(b->a, "%s/%s", b->c->stack_name, b->c->logical_id);
	if (!r53_name_under(it->r.name, b->zone->name)) {
		r53_batch_problem(b, "Name", "RRSet with DNS name %s is not permitted in zone %s", it->r.name,
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
		r53_batch_problem(b, "Name", "RRSet of type CNAME with DNS name %s is not permitted at apex in "
			"zone %s", r->name, b->zone->name);
	else if (r53_map_get(&b->keys, key) != NULL && r->set_id != NULL)
		r53_batch_problem(b, "Name", "Tried to create resource record set [name='%s', type='%s', "
			"set-identifier='%s'] but it already exists", r->name, r->type, r->set_id);
	else if (r53_map_get(&b->keys, key) != NULL)
		r53_batch_problem(b, "Name", "Tried to create resource record set [name='%s', type='%s'] but "
			"it already exists", r->name, r->type);
	else if (cs != NULL && strcmp(r->type, "CNAME") == 0 && cs->other > 0)
		r53_batch_problem(b, "Type", "RRSet of type CNAME with DNS name %s is not permitted as it "
			"conflicts with other records with the same DNS name in zone %s", r->name,
			b->zone->name);
	else if (cs != NULL && strcmp(r->type, "CNAME") != 0 && cs->cname > 0)
		r53_batch_problem(b, "Type", "RRSet of type %s with DNS name %s is not permitted because a "
			"conflicting RRSet of type  CNAME with the same DNS name already exists in "
			"zone %s", r->type, r->name, b->zone->name);
	else if ((first = r53_map_get(&b->firsts, fg_arena_printf(b->a, "%s|%s", r->name,
								     r->type))) != NULL &&
		 ((first->set_id == NULL) != (r->set_id == NULL) || first->policy != r->policy))
		r53_batch_problem(b, "SetIdentifier", "RRSet with DNS name %s, type %s cannot be created: "
			"record sets with the same name and type must all use the same routing "
			"policy (%s has %s)", r->name, r->type, first->origin,
			first->set_id ? "a SetIdentifier" : "no SetIdentifier");
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
			r53_alias_check(b, &b->items[i]);
	}
	b->cur = NULL;
	r53_alias_failover_pairs(b);
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
