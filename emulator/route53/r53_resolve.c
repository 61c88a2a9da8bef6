/*
 * r53_resolve.c: answering a name and type from the compiled view (iface/resolve.h), with
 * the chain of steps that produced the answer.
 *
 * 1. The zone: inside a VPC, the most specific private zone associated with it (or the
 *    private DNS of one of its VPC endpoints) wins, as Route 53 Resolver does; otherwise the
 *    most specific public zone or endpoint name space (cloudfront.net, execute-api.{region}.
 *    amazonaws.com, {region}.elb.amazonaws.com, {region}.vpce.amazonaws.com). None: REFUSED
 *    (frontgate does not forward).
 * 2. In a hosted zone: a delegation (NS below the apex) gives a referral; the name's own
 *    records answer; a name that exists without the type is NODATA; otherwise the wildcard
 *    at the closest encloser (RFC 4592) answers with the query name as owner, else NXDOMAIN.
 *    NODATA and NXDOMAIN carry the zone's SOA in the authority section.
 * 3. A CNAME answers for every type and is followed while its target is in frontgate's
 *    zones (up to 8 hops). Alias records answer with their own name: a record in the same
 *    zone gives that record's data and TTL, an emulated endpoint gives the emulator's HTTP
 *    listener address (A, or AAAA when there is an IPv6 listener; else NODATA).
 * 4. Record sets with a SetIdentifier answer deterministically: failover PRIMARY; weighted,
 *    the highest Weight; latency, the record for frontgate's default region; geolocation,
 *    the default location ("*"); multivalue, all of them (up to 8); ties and everything
 *    else, the lowest SetIdentifier. The chain says which one answered and why.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route53/r53_int.h"

#define MAX_HOPS 8
#define ENDPOINT_SOA "ns-0.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"

struct res {
	const struct r53_view *v;
	const struct r53_addrs *ad;
	const char *vpc;
	struct fg_arena *a;
	struct fg_answer *out;
	size_t cap_an, cap_ns, cap_ch;
	int hops;
	bool negative;                /* the last lookup ended in NODATA or NXDOMAIN */
	const char *neg_owner, *neg_soa;
};

static const char *const policy_names[] = {
	[R53_SIMPLE] = "simple", [R53_WEIGHTED] = "weighted", [R53_FAILOVER] = "failover",
	[R53_LATENCY] = "latency", [R53_GEO] = "geolocation", [R53_MULTIVALUE] = "multivalue",
	[R53_OTHER_POLICY] = "routing-policy",
};

/* ------------------------------------------------------------------ output */

static void *grow(struct fg_arena *a, void *arr, size_t n, size_t *cap, size_t size)
{
	void *na;

	if (n < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 8;
	na = fg_arena_alloc(a, *cap * size);
	if (n > 0)
		memcpy(na, arr, n * size);
	return na;
}

static void rr(struct res *r, bool authority, const char *name, const char *type, uint32_t ttl,
	       const char *data)
{
	struct fg_answer *o = r->out;
	struct fg_rr *x;

	if (authority) {
		o->authority = grow(r->a, o->authority, o->nauthority, &r->cap_ns, sizeof(*x));
		x = &o->authority[o->nauthority++];
	} else {
		o->answer = grow(r->a, o->answer, o->nanswer, &r->cap_an, sizeof(*x));
		x = &o->answer[o->nanswer++];
	}
	x->name = name;
	x->type = type;
	x->ttl = ttl;
	x->data = data;
}

static void step(struct res *r, const char *name, const char *fmt, ...) FG_PRINTF(3, 4);

static void step(struct res *r, const char *name, const char *fmt, ...)
{
	struct fg_answer *o = r->out;
	va_list ap;

	o->chain = grow(r->a, o->chain, o->nchain, &r->cap_ch, sizeof(*o->chain));
	va_start(ap, fmt);
	o->chain[o->nchain].what = fg_arena_vprintf(r->a, fmt, ap);
	va_end(ap);
	o->chain[o->nchain++].name = name;
}

static void negative(struct res *r, enum fg_dns_rcode rcode)
{
	r->negative = true;
	r->out->rcode = rcode;
}

/* ------------------------------------------------------------- addresses */

/* The emulator's own address for an alias or endpoint name; false (NODATA) without one. */
static bool address(struct res *r, const char *owner, const char *type)
{
	bool six = strcmp(type, "AAAA") == 0;
	const char *addr = six ? r->ad->v6 : r->ad->v4;

	if (strcmp(type, "A") != 0 && !six)
		return false;
	if (addr == NULL) {
		step(r, owner, "no %s answer: frontgate's HTTP listener has no %s address", type,
		     six ? "IPv6" : "IPv4");
		return false;
	}
	rr(r, false, owner, six ? "AAAA" : "A", R53_ENDPOINT_TTL, addr);
	step(r, owner, "%s %s: frontgate's HTTP listener", type, addr);
	return true;
}

/* ----------------------------------------------------------- record sets */

static bool has_type(const struct r53_node *n, const char *type)
{
	for (const struct r53_rec *x = n->recs; x != NULL; x = x->next)
		if (strcmp(x->type, type) == 0)
			return true;
	return false;
}

static int rank(const struct res *r, const struct r53_rec *x)
{
	switch (x->policy) {
	case R53_FAILOVER:
		return x->failover != NULL && strcmp(x->failover, "PRIMARY") == 0;
	case R53_LATENCY:
		return x->region != NULL && r->ad->region != NULL &&
		       strcmp(x->region, r->ad->region) == 0;
	case R53_GEO:
		return x->geo != NULL && strcmp(x->geo, "*") == 0;
	default:
		return 0;
	}
}

/* a answers before b */
static bool before(const struct res *r, const struct r53_rec *a, const struct r53_rec *b)
{
	if (rank(r, a) != rank(r, b))
		return rank(r, a) > rank(r, b);
	if (a->policy == R53_WEIGHTED && a->weight != b->weight)
		return a->weight > b->weight;
	return strcmp(a->set_id ? a->set_id : "", b->set_id ? b->set_id : "") < 0;
}

static const char *why_chosen(const struct r53_rec *x)
{
	switch (x->policy) {
	case R53_FAILOVER:
		return "PRIMARY answers first; health checks are not emulated";
	case R53_WEIGHTED:
		return "the highest Weight answers, ties by lowest SetIdentifier";
	case R53_LATENCY:
		return "the record for frontgate's default region answers, else the lowest "
		       "SetIdentifier";
	case R53_GEO:
		return "the default location (*) answers, else the lowest SetIdentifier";
	default:
		return "the lowest SetIdentifier answers";
	}
}

/* The record sets of type at n that answer (at most 8). */
static size_t pick(struct res *r, const struct r53_node *n, const char *type, const char *owner,
		   const struct r53_rec **out)
{
	const struct r53_rec *best = NULL;
	size_t k = 0;

	for (const struct r53_rec *x = n->recs; x != NULL; x = x->next) {
		if (strcmp(x->type, type) != 0)
			continue;
		if (x->set_id == NULL) {
			out[0] = x;
			return 1;
		}
		if (x->policy == R53_MULTIVALUE) {
			if (k < 8)
				out[k++] = x;
		} else if (best == NULL || before(r, x, best)) {
			best = x;
		}
	}
	if (k > 0) {
		step(r, owner, "multivalue answer: %zu record sets answer together", k);
		return k;
	}
	if (best == NULL)
		return 0;
	step(r, owner, "%s routing: record set '%s' answers (%s)", policy_names[best->policy],
	     best->set_id, why_chosen(best));
	out[0] = best;
	return 1;
}

static void alias(struct res *r, const struct r53_zone *z, const struct r53_rec *x,
		  const char *owner);

static void values(struct res *r, const struct r53_rec *x, const char *owner)
{
	for (size_t i = 0; i < x->nvalues; i++)
		rr(r, false, owner, x->type, x->ttl, x->values[i]);
	step(r, owner, "record %s %s (%zu value%s, TTL %u) from %s", x->name, x->type, x->nvalues,
	     x->nvalues == 1 ? "" : "s", x->ttl, x->origin);
}

/* Answers the record sets of type at n under owner; returns the records added. */
static size_t answer_type(struct res *r, const struct r53_zone *z, const struct r53_node *n,
			  const char *owner, const char *type)
{
	const struct r53_rec *chosen[8];
	size_t k = pick(r, n, type, owner, chosen), before_n = r->out->nanswer;

	for (size_t i = 0; i < k; i++) {
		if (chosen[i]->target == R53_T_NONE)
			values(r, chosen[i], owner);
		else
			alias(r, z, chosen[i], owner);
	}
	return r->out->nanswer - before_n;
}

static void alias(struct res *r, const struct r53_zone *z, const struct r53_rec *x,
		  const char *owner)
{
	const struct r53_endpoint *ep;
	const struct r53_node *tn;

	if (++r->hops > MAX_HOPS) {
		step(r, owner, "alias chain longer than %d: stopped", MAX_HOPS);
		return;
	}
	switch (x->target) {
	case R53_T_RECORD:
		step(r, owner, "alias %s %s (%s) to record %s in the same zone", x->name, x->type,
		     x->origin, x->alias_dns);
		tn = r53_map_get(&z->nodes, x->alias_dns);
		if (tn == NULL || answer_type(r, z, tn, owner, x->type) == 0)
			step(r, owner, "the alias target %s has no %s record now", x->alias_dns,
			     x->type);
		break;
	case R53_T_ENDPOINT:
		ep = r53_view_endpoint(r->v, x->alias_dns, r->vpc);
		if (ep == NULL) {
			step(r, owner, "alias %s %s (%s) to %s: that endpoint does not exist (any "
			     "more), so no address", x->name, x->type, x->origin, x->alias_dns);
			break;
		}
		step(r, owner, "alias %s %s (%s) to %s: %s", x->name, x->type, x->origin,
		     x->alias_dns, ep->what);
		address(r, owner, x->type);
		break;
	default:
		step(r, owner, "alias %s %s (%s) to %s in zone %s: not an endpoint frontgate "
		     "emulates, so no address", x->name, x->type, x->origin, x->alias_dns,
		     x->alias_zone);
		break;
	}
}

/* ------------------------------------------------------------------ lookups */

static void resolve_in(struct res *r, const char *name, const char *type, bool first);

static void follow_cname(struct res *r, const char *owner, const char *target,
			 const char *type)
{
	if (++r->hops > MAX_HOPS) {
		step(r, owner, "CNAME chain longer than %d: stopped (a loop?)", MAX_HOPS);
		return;
	}
	resolve_in(r, target, type, false);
}

static void answer_any(struct res *r, const struct r53_zone *z, const struct r53_node *n,
		       const char *owner)
{
	const char *seen[32];
	size_t ns = 0;

	for (const struct r53_rec *x = n->recs; x != NULL && ns < 32; x = x->next) {
		bool dup = false;

		for (size_t i = 0; i < ns; i++)
			dup |= strcmp(seen[i], x->type) == 0;
		if (!dup) {
			seen[ns++] = x->type;
			answer_type(r, z, n, owner, x->type);
		}
	}
}

static void answer_node(struct res *r, const struct r53_zone *z, const struct r53_node *n,
			const char *owner, const char *type)
{
	if (strcmp(type, "CNAME") != 0 && strcmp(type, "ANY") != 0 && has_type(n, "CNAME")) {
		size_t at = r->out->nanswer;

		if (answer_type(r, z, n, owner, "CNAME") > 0 &&
		    strcmp(r->out->answer[r->out->nanswer - 1].type, "CNAME") == 0)
			follow_cname(r, owner, r->out->answer[r->out->nanswer - 1].data, type);
		else if (r->out->nanswer == at)
			negative(r, FG_DNS_NOERROR);
		return;
	}
	if (strcmp(type, "ANY") == 0)
		answer_any(r, z, n, owner);
	else if (answer_type(r, z, n, owner, type) == 0) {
		step(r, owner, "NODATA: %s exists but has no %s record", owner, type);
		negative(r, FG_DNS_NOERROR);
	}
}

/* The highest delegation (NS below the apex) on the way from name up to the apex. */
static const struct r53_node *zone_cut(const struct r53_zone *z, const char *name)
{
	const struct r53_node *cut = NULL;

	for (const char *p = name; p != NULL && strcmp(p, z->name) != 0; p = r53_name_parent(p)) {
		const struct r53_node *n = r53_map_get(&z->nodes, p);

		if (n != NULL && has_type(n, "NS"))
			cut = n;
	}
	return cut;
}

static void referral(struct res *r, const struct r53_zone *z, const struct r53_node *cut)
{
	const struct r53_rec *ns = NULL;

	for (const struct r53_rec *x = cut->recs; x != NULL; x = x->next)
		if (strcmp(x->type, "NS") == 0 && ns == NULL)
			ns = x;
	for (size_t i = 0; i < ns->nvalues; i++)
		rr(r, true, cut->name, "NS", ns->ttl, ns->values[i]);
	r->out->authoritative = false;
	step(r, cut->name, "delegated: %s has NS records in zone %s (%s), so the answer is a "
	     "referral", cut->name, z->name, ns->origin);
}

static void zone_lookup(struct res *r, const struct r53_zone *z, const char *qname,
			const char *type)
{
	const struct r53_node *n, *cut;
	const char *ce;

	r->neg_owner = z->name;
	r->neg_soa = z->apex->values[0];
	step(r, qname, "zone %s (%s, %s, %s)", z->name, z->id, z->priv ? "private" : "public",
	     z->origin);
	if ((cut = zone_cut(z, qname)) != NULL) {
		referral(r, z, cut);
		return;
	}
	n = r53_map_get(&z->nodes, qname);
	if (n != NULL && n->recs == NULL) {
		step(r, qname, "NODATA: %s exists (names below it do) but has no records", qname);
		negative(r, FG_DNS_NOERROR);
		return;
	}
	if (n == NULL) {
		for (ce = r53_name_parent(qname); ce != NULL && r53_map_get(&z->nodes, ce) == NULL;
		     ce = r53_name_parent(ce))
			;
		n = ce ? r53_map_get(&z->nodes, fg_arena_printf(r->a, "*.%s", ce)) : NULL;
		if (n == NULL || n->recs == NULL) {
			step(r, qname, "NXDOMAIN: no record named %s in zone %s (and no wildcard "
			     "*.%s)", qname, z->name, ce ? ce : z->name);
			negative(r, FG_DNS_NXDOMAIN);
			return;
		}
		step(r, qname, "wildcard *.%s answers for %s (closest existing name: %s)", ce,
		     qname, ce);
	}
	answer_node(r, z, n, qname, type);
}

static void endpoint_lookup(struct res *r, const char *space, const char *qname,
			    const char *type)
{
	const struct r53_endpoint *ep = r53_view_endpoint(r->v, qname, r->vpc);

	r->neg_owner = space;
	r->neg_soa = ENDPOINT_SOA;
	if (strcmp(qname, space) == 0) {
		step(r, qname, "%s is the name space of emulated endpoints", space);
		if (strcmp(type, "SOA") == 0)
			rr(r, false, space, "SOA", R53_SOA_TTL, ENDPOINT_SOA);
		else
			negative(r, FG_DNS_NOERROR);
		return;
	}
	if (ep == NULL) {
		if (r53_view_endpoint_ent(r->v, qname)) {
			step(r, qname, "NODATA: endpoint names exist below %s", qname);
			negative(r, FG_DNS_NOERROR);
			return;
		}
		step(r, qname, "NXDOMAIN: no emulated endpoint is named %s in %s (it does not "
		     "exist, or was deleted)", qname, space);
		negative(r, FG_DNS_NXDOMAIN);
		return;
	}
	step(r, qname, "the name of %s%s", ep->what, ep->vpc ? " (inside its VPC)" : "");
	if (strcmp(type, "ANY") == 0) {
		bool a = address(r, qname, "A"), b = address(r, qname, "AAAA");

		if (!a && !b)
			negative(r, FG_DNS_NOERROR);
	} else if (!address(r, qname, type)) {
		negative(r, FG_DNS_NOERROR);
	}
}

static void pdns_lookup(struct res *r, const struct r53_private_dns *p, const char *qname,
			const char *type)
{
	r->neg_owner = p->apex;
	r->neg_soa = ENDPOINT_SOA;
	step(r, qname, "inside %s: the %s answers every name under %s", p->vpc, p->what, p->apex);
	if (strcmp(qname, p->apex) == 0 || !address(r, qname, strcmp(type, "ANY") ? type : "A"))
		negative(r, FG_DNS_NOERROR);
}

/* ------------------------------------------------------------- zone choice */

enum zkind { Z_NONE, Z_HOSTED, Z_SPACE, Z_PDNS };

struct zsel {
	enum zkind kind;
	const struct r53_zone *zone;
	const char *space;
	const struct r53_private_dns *pdns;
};

static bool in_vpc(const struct r53_zone *z, const char *vpc)
{
	for (size_t i = 0; i < z->nvpcs; i++)
		if (strcmp(z->vpcs[i], vpc) == 0)
			return true;
	return false;
}

static bool private_zone(const struct res *r, const char *name, struct zsel *s)
{
	for (const char *p = name; r->vpc != NULL && p != NULL; p = r53_name_parent(p)) {
		for (const struct r53_zone *z = r53_map_get(&r->v->zones, p); z; z = z->same_name) {
			if (z->priv && in_vpc(z, r->vpc)) {
				s->kind = Z_HOSTED;
				s->zone = z;
				return true;
			}
		}
		for (size_t i = 0; i < r->v->npdns; i++) {
			if (strcmp(r->v->pdns[i].apex, p) == 0 &&
			    strcmp(r->v->pdns[i].vpc, r->vpc) == 0) {
				s->kind = Z_PDNS;
				s->pdns = &r->v->pdns[i];
				return true;
			}
		}
	}
	return false;
}

static bool public_zone(const struct res *r, const char *name, struct zsel *s)
{
	const char *space = r53_endpoint_space(name);

	for (const char *p = name; p != NULL; p = r53_name_parent(p)) {
		for (const struct r53_zone *z = r53_map_get(&r->v->zones, p); z; z = z->same_name) {
			if (!z->priv) {
				s->kind = Z_HOSTED;
				s->zone = z;
				return true;
			}
		}
		if (space != NULL && strcmp(space, p) == 0) {
			s->kind = Z_SPACE;
			s->space = space;
			return true;
		}
	}
	return false;
}

static void resolve_in(struct res *r, const char *name, const char *type, bool first)
{
	struct zsel s = { Z_NONE, NULL, NULL, NULL };

	r->negative = false;
	if (!private_zone(r, name, &s) && !public_zone(r, name, &s)) {
		if (first) {
			r->out->rcode = FG_DNS_REFUSED;
			r->out->authoritative = false;
			step(r, name, "REFUSED: no hosted zone%s or emulated endpoint name space of "
			     "frontgate's holds %s (forwarding to other servers is not emulated)",
			     r->vpc ? " (public or associated with this VPC)" : "", name);
		} else {
			r->out->rcode = FG_DNS_NOERROR;
			step(r, name, "%s is not in frontgate's zones: the chain ends here and the "
			     "client resolves it elsewhere", name);
		}
		return;
	}
	r->out->rcode = FG_DNS_NOERROR;
	if (s.kind == Z_HOSTED)
		zone_lookup(r, s.zone, name, type);
	else if (s.kind == Z_SPACE)
		endpoint_lookup(r, s.space, name, type);
	else
		pdns_lookup(r, s.pdns, name, type);
}

/* Lower case, absolute; false when it cannot be a DNS name. */
static bool norm_query(const char *in, struct fg_arena *a, const char **out)
{
	size_t n = strlen(in);
	char *s;

	if (n == 0 || n > 254 || (n == 254 && in[n - 1] != '.') || strstr(in, "..") != NULL ||
	    (in[0] == '.' && n > 1))
		return false;
	s = fg_arena_alloc(a, n + 2);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)in[i]);
	if (s[n - 1] != '.')
		s[n++] = '.';
	s[n] = '\0';
	*out = s;
	return true;
}

void r53_resolve(const struct r53_view *v, const struct r53_addrs *addrs, const char *name,
		 const char *type, const char *vpc, struct fg_arena *a, struct fg_answer *out)
{
	struct res r = { .v = v, .ad = addrs, .vpc = vpc && vpc[0] ? vpc : NULL, .a = a,
			 .out = out };
	const char *qname;
	char *t = fg_arena_strdup(a, type ? type : "A");

	memset(out, 0, sizeof(*out));
	for (char *p = t; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (name == NULL || !norm_query(name, a, &qname)) {
		out->rcode = FG_DNS_FORMERR;
		step(&r, name ? name : "", "FORMERR: not a DNS name");
		return;
	}
	if (v == NULL) {
		out->rcode = FG_DNS_SERVFAIL;
		step(&r, qname, "SERVFAIL: Route 53 has no view of the current state");
		return;
	}
	out->authoritative = true;
	if (r.vpc != NULL)
		step(&r, qname, "resolving from inside %s", r.vpc);
	resolve_in(&r, qname, t, true);
	if (r.negative)
		rr(&r, true, r.neg_owner, "SOA", R53_SOA_TTL, r.neg_soa);
}
