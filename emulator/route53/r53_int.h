/*
 * r53_int.h: what the route53 module's files share — names and record values (r53_name.c),
 * a string map on an arena (r53_map.c), the records of a zone as deployed (r53_records.c),
 * the change-batch checks (r53_batch.c), the compiled view (r53_view.c) and resolution
 * (r53_resolve.c).
 */
#ifndef FG_R53_INT_H
#define FG_R53_INT_H

#include <cjson/cJSON.h>

#include "awsdata/awsdata.h"
#include "route53/route53.h"

#define R53_CLOUDFRONT_ZONE AWS_CLOUDFRONT_ZONE_ID
#define R53_NAME_MAX 256          /* a normalised absolute name and its NUL */
#define R53_ENDPOINT_TTL 60       /* what alias answers to AWS endpoints carry */
#define R53_SOA_TTL 900
#define R53_NS_TTL 172800

/* ------------------------------------------------------------- r53_name.c */

/*
 * Normalises a DNS name as Route 53 reads it: case folded to lower case, the trailing dot
 * added, "\052" read as "*". Letters, digits, '-', '_' and '*' are accepted. On failure
 * returns -1 and *problem is Route 53's "Code (explanation)" text.
 */
int r53_name_norm(const char *in, char out[R53_NAME_MAX], const char **problem);
/* name is zone itself or below it (both normalised). */
bool r53_name_under(const char *name, const char *zone);
/* "a.b.c." -> "b.c."; "c." -> "."; "." -> NULL. */
const char *r53_name_parent(const char *name);
/* The leftmost label is "*". */
bool r53_name_is_wild(const char *name);
/* True for the record types Route 53 accepts in a change batch. */
bool r53_type_known(const char *type);
/*
 * Checks one ResourceRecords value of a type and gives its presentation form (names folded
 * to lower case and absolute, TXT strings quoted) in *out (arena). On failure returns -1 with
 * Route 53's message in msg ("Invalid Resource Record: 'FATAL problem: ...'").
 */
int r53_value(const char *type, const char *value, struct fg_arena *a, const char **out,
	      char *msg, size_t msgn);

/* -------------------------------------------------------------- r53_map.c */

/* Open addressing from strings to pointers, sized once; keys and values are borrowed. */
struct r53_map {
	const char **keys;
	void **vals;
	size_t mask;
	size_t n, max;
};

void r53_map_init(struct r53_map *m, struct fg_arena *a, size_t max_entries);
/* The value slot of key, created (NULL) when absent; NULL when the map already holds
 * max_entries keys and key is not one of them. */
void **r53_map_slot(struct r53_map *m, const char *key);
/* r53_map_slot for maps sized to hold every key they get (asserts). */
void **r53_map_must(struct r53_map *m, const char *key);
void *r53_map_get(const struct r53_map *m, const char *key);

/* ---------------------------------------------------------- r53_records.c */

enum r53_policy {
	R53_SIMPLE, R53_WEIGHTED, R53_FAILOVER, R53_LATENCY, R53_GEO, R53_MULTIVALUE,
	R53_OTHER_POLICY,
};

/* What an alias record points at. */
enum r53_target {
	R53_T_NONE,        /* not an alias */
	R53_T_RECORD,      /* another record in the same zone */
	R53_T_ENDPOINT,    /* an emulated endpoint name (CloudFront, API Gateway, ELB, VPCE) */
	R53_T_FOREIGN,     /* an AWS target frontgate does not emulate (S3 website, ...) */
};

/* One record set, as the deployer stored it (State.Records[i] of a RecordSet/Group). */
struct r53_rec {
	const char *name, *type;       /* normalised name; upper-case type */
	uint32_t ttl;
	const char **values;           /* presentation forms */
	size_t nvalues;
	const char *set_id;            /* NULL when none */
	enum r53_policy policy;
	long long weight;
	const char *failover;          /* PRIMARY / SECONDARY */
	const char *region;
	const char *geo;               /* "*" for the default location */
	enum r53_target target;
	const char *alias_dns;         /* normalised */
	const char *alias_zone;
	bool evaluate_health;
	const char *origin;            /* "stack/LogicalId" that created it */
	struct r53_rec *next;          /* next record set at the same name */
};

/* The State.Records entry for a checked record (new tree). */
cJSON *r53_rec_state(const struct r53_rec *r);
/* A State.Records entry read back into an arena; NULL when it is not one. */
struct r53_rec *r53_rec_read(const cJSON *j, const char *origin, struct fg_arena *a);
/*
 * The apex records Route 53 creates with a zone: NS (the zone's name servers) and SOA
 * ("<first ns>. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400").
 */
struct r53_rec *r53_apex_records(const char *zone, const char *const *ns, size_t nns,
				 struct fg_arena *a);
/* The four awsdns name servers of a public zone (deterministic from seed), or the fixed
 * set Route 53 shows for private zones. */
void r53_name_servers(uint64_t seed, bool priv, char out[4][64]);

/* ------------------------------------------------------------ r53_batch.c */

/* Route 53's API Gateway hosted zone id of a region, NULL when unknown. */
const char *r53_apigw_zone(const char *region);
/* The region whose API Gateway hosted zone id this is, NULL when none. */
const char *r53_apigw_zone_region(const char *zone_id);

struct r53_zone_ref {
	const char *id;
	const char *name;     /* normalised */
	bool priv;
};

/*
 * Checks one change batch (the record sets of a RecordSet or RecordSetGroup) against the
 * zone as it is in ctx's world and this stack's resources deployed so far, the way Route 53
 * does, and returns the checked records (arena) in *out. On failure err carries Route 53's
 * message(s), "[...]"-listed as InvalidChangeBatch shows them.
 */
int r53_batch_check(struct stack_rctx *c, const struct r53_zone_ref *zone, const cJSON *sets,
		    const char *where, struct fg_arena *a, struct r53_rec **out,
		    struct fg_err *err);

/* ------------------------------------------------------------- r53_view.c */

struct r53_view;

struct r53_view *r53_view_compile(const struct stack_world *w);
void r53_view_release(void *view);

/* ---------------------------------------------------------- r53_resolve.c */

struct r53_addrs {
	const char *v4, *v6;      /* NULL: that family answers NODATA */
	const char *region;       /* the default region (latency records) */
};

void r53_resolve(const struct r53_view *v, const struct r53_addrs *addrs, const char *name,
		 const char *type, const char *vpc, struct fg_arena *a, struct fg_answer *out);

/* ------------------------------------------------ view internals (resolve) */

struct r53_node {
	const char *name;
	struct r53_rec *recs;
	bool below;                    /* some name below this one exists */
};

struct r53_zone {
	const char *name, *id, *origin;
	bool priv;
	const char **vpcs;
	size_t nvpcs;
	struct r53_rec *apex;          /* SOA and NS */
	struct r53_map nodes;          /* name -> struct r53_node */
	struct r53_zone *same_name;    /* other zones with this name */
};

struct r53_endpoint {
	const char *name;
	const char *what;              /* "CloudFront distribution E123 (stack web, Dist)" */
	const char *vpc;               /* only inside this VPC; NULL: public */
	struct r53_endpoint *same_name;
};

/* A VPC endpoint's private DNS: every name under apex answers inside vpc. */
struct r53_private_dns {
	const char *vpc, *apex, *what;
};

struct r53_view {
	struct fg_arena *arena;
	struct r53_map zones;          /* name -> first struct r53_zone with that name */
	struct r53_map endpoints;      /* name -> struct r53_endpoint */
	struct r53_map ep_ents;        /* names between endpoint names and their space */
	struct r53_private_dns *pdns;
	size_t npdns;
};

/* The endpoint that owns name for a resolution from vpc (NULL: public), NULL when none. */
const struct r53_endpoint *r53_view_endpoint(const struct r53_view *v, const char *name,
					     const char *vpc);
/* Some endpoint name lies below name (so it exists, with no records of its own). */
bool r53_view_endpoint_ent(const struct r53_view *v, const char *name);
/* The apex of the endpoint name space holding name ("cloudfront.net.", "execute-api.
 * us-east-1.amazonaws.com.", ...), NULL when name is in none. */
const char *r53_endpoint_space(const char *name);

#endif
