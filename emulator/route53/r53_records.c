/*
 * r53_records.c: record sets as the deployer keeps them. A checked record set is stored in
 * its resource's State ("Records": one entry each, names normalised, values in presentation
 * form), so the view and later checks read exactly what was validated. Also the records
 * Route 53 creates with every zone: its SOA and NS, and the awsdns name servers.
 */
#include <stdio.h>
#include <string.h>

#include "route53/r53_int.h"

static const char *const policy_names[] = {
	[R53_SIMPLE] = "simple", [R53_WEIGHTED] = "weighted", [R53_FAILOVER] = "failover",
	[R53_LATENCY] = "latency", [R53_GEO] = "geolocation", [R53_MULTIVALUE] = "multivalue",
	[R53_OTHER_POLICY] = "other",
};

static const char *const target_names[] = {
	[R53_T_NONE] = "none", [R53_T_RECORD] = "record", [R53_T_ENDPOINT] = "endpoint",
	[R53_T_FOREIGN] = "foreign",
};

cJSON *r53_rec_state(const struct r53_rec *r)
{
	cJSON *o = cJSON_CreateObject(), *vals;

	cJSON_AddStringToObject(o, "Name", r->name);
	cJSON_AddStringToObject(o, "Type", r->type);
	if (r->target == R53_T_NONE) {
		cJSON_AddNumberToObject(o, "TTL", r->ttl);
		vals = cJSON_AddArrayToObject(o, "Values");
		for (size_t i = 0; i < r->nvalues; i++)
			cJSON_AddItemToArray(vals, cJSON_CreateString(r->values[i]));
	} else {
		cJSON *al = cJSON_AddObjectToObject(o, "Alias");

		cJSON_AddStringToObject(al, "DNSName", r->alias_dns);
		cJSON_AddStringToObject(al, "HostedZoneId", r->alias_zone);
		cJSON_AddBoolToObject(al, "EvaluateTargetHealth", r->evaluate_health);
		cJSON_AddStringToObject(al, "Target", target_names[r->target]);
	}
	cJSON_AddStringToObject(o, "Policy", policy_names[r->policy]);
	if (r->set_id != NULL)
		cJSON_AddStringToObject(o, "SetIdentifier", r->set_id);
	if (r->policy == R53_WEIGHTED)
		cJSON_AddNumberToObject(o, "Weight", (double)r->weight);
	if (r->failover != NULL)
		cJSON_AddStringToObject(o, "Failover", r->failover);
	if (r->region != NULL)
		cJSON_AddStringToObject(o, "Region", r->region);
	if (r->geo != NULL)
		cJSON_AddStringToObject(o, "Geo", r->geo);
	return o;
}

static const char *str(const cJSON *o, const char *k, struct fg_arena *a)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? fg_arena_strdup(a, v->valuestring) : NULL;
}

static int index_of(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* A number from a (possibly hand-made) state document, within [lo, hi]; def otherwise. */
static double num_in(const cJSON *v, double lo, double hi, double def)
{
	return cJSON_IsNumber(v) && v->valuedouble >= lo && v->valuedouble <= hi ? v->valuedouble
										   : def;
}

static bool read_alias(struct r53_rec *r, const cJSON *al, struct fg_arena *a)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(al, "Target");
	int k = index_of(target_names, sizeof(target_names) / sizeof(target_names[0]),
			 cJSON_GetStringValue(t));

	r->alias_dns = str(al, "DNSName", a);
	r->alias_zone = str(al, "HostedZoneId", a);
	r->evaluate_health = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(al,
									   "EvaluateTargetHealth"));
	r->target = k > 0 ? (enum r53_target)k : R53_T_FOREIGN;
	return r->alias_dns != NULL && r->alias_zone != NULL;
}

struct r53_rec *r53_rec_read(const cJSON *j, const char *origin, struct fg_arena *a)
{
	struct r53_rec *r = fg_arena_alloc(a, sizeof(*r));
	const cJSON *vals = cJSON_GetObjectItemCaseSensitive(j, "Values"), *v;
	const cJSON *al = cJSON_GetObjectItemCaseSensitive(j, "Alias");
	const cJSON *ttl = cJSON_GetObjectItemCaseSensitive(j, "TTL");
	int p;

	memset(r, 0, sizeof(*r));
	r->name = str(j, "Name", a);
	r->type = str(j, "Type", a);
	r->origin = origin;
	if (r->name == NULL || r->type == NULL)
		return NULL;
	if (cJSON_IsObject(al)) {
		if (!read_alias(r, al, a))
			return NULL;
	} else {
		r->ttl = (uint32_t)num_in(ttl, 0, 2147483647.0, 300);
		r->values = fg_arena_alloc(a, (size_t)(cJSON_GetArraySize(vals) + 1) *
					      sizeof(*r->values));
		cJSON_ArrayForEach(v, vals)
			if (cJSON_IsString(v))
				r->values[r->nvalues++] = fg_arena_strdup(a, v->valuestring);
	}
	p = index_of(policy_names, sizeof(policy_names) / sizeof(policy_names[0]),
		     cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "Policy")));
	r->policy = p >= 0 ? (enum r53_policy)p : R53_SIMPLE;
	r->set_id = str(j, "SetIdentifier", a);
	r->weight = (long long)num_in(cJSON_GetObjectItemCaseSensitive(j, "Weight"), 0, 255, 0);
	r->failover = str(j, "Failover", a);
	r->region = str(j, "Region", a);
	r->geo = str(j, "Geo", a);
	return r;
}

void r53_name_servers(uint64_t seed, bool priv, char out[4][64])
{
	static const char *const tld[] = { "com", "net", "org", "co.uk" };

	for (int i = 0; i < 4; i++) {
		/* ns-N: .com 0-511, .net 512-1023, .org 1024-1535, .co.uk 1536-2047, and
		 * awsdns-NN = (N mod 512) / 8, as Route 53's delegation sets are numbered */
		unsigned n = priv ? 0 : (unsigned)((seed >> (i * 9)) & 511);

		snprintf(out[i], 64, "ns-%u.awsdns-%02u.%s", n + 512u * (unsigned)i, n / 8, tld[i]);
	}
}

struct r53_rec *r53_apex_records(const char *zone, const char *const *ns, size_t nns,
				 struct fg_arena *a)
{
	struct r53_rec *soa = fg_arena_alloc(a, sizeof(*soa));
	struct r53_rec *nsr = fg_arena_alloc(a, sizeof(*nsr));

	memset(soa, 0, sizeof(*soa));
	memset(nsr, 0, sizeof(*nsr));
	nsr->name = soa->name = zone;
	nsr->origin = soa->origin = "created with the hosted zone";
	nsr->type = "NS";
	nsr->ttl = R53_NS_TTL;
	nsr->values = fg_arena_alloc(a, (nns + 1) * sizeof(*nsr->values));
	for (size_t i = 0; i < nns; i++)
		nsr->values[nsr->nvalues++] = fg_arena_printf(a, "%s.", ns[i]);
	soa->type = "SOA";
	soa->ttl = R53_SOA_TTL;
	soa->values = fg_arena_alloc(a, sizeof(*soa->values));
	soa->values[0] = fg_arena_printf(a, "%s awsdns-hostmaster.amazon.com. 1 7200 900 1209600 "
					 "86400", nns ? nsr->values[0] : "ns-0.awsdns-00.com.");
	soa->nvalues = 1;
	soa->next = nsr;
	return soa;
}
