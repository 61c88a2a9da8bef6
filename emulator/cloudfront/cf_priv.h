/*
 * cf_priv.h: what the files of the cloudfront module share (and what its unit tests reach).
 *
 *   cf.c          the service object, fidelity switches, the fg_service glue
 *   cf_cfn.c      typed readers for nested CloudFormation properties, deterministic ids
 *   cf_types.c    control plane: AWS::CloudFront::Distribution (§5.1, §6.2, §6.3)
 *   cf_types_beh.c  its cache behaviours and custom error responses (§5.3, §6.1, §6.6)
 *   cf_policy.c   the managed policies of §6.6; compiling policy configs
 *   cf_policy_types.c  control plane: CachePolicy, OriginRequestPolicy,
 *                 ResponseHeadersPolicy, VpcOrigin
 *   cf_view.c     compile: a world -> distributions by name, behaviours, origins, policies
 *   cf_match.c    path patterns (§6.1), header/cookie/query selections, method sets
 *   cf_req.c      the viewer side: the request state machine (§1.7, §5.1, §5.3, §5.4)
 *   cf_origin.c   the origin request (§6.2, §6.4, §6.5) and its delivery: in-process or curl
 *   cf_cache.c    the cache: keys, TTLs (§6.7), the LRU store
 *   cf_inval.c    invalidations (§6.9)
 *   cf_resp.c     the viewer response: headers (§5.5), error pages (§5.4), response headers
 *                 policies
 *   cf_compress.c compression (§6.8)
 *   cf_tls.c      the names served over HTTPS (§5.1, §5.2)
 *
 * A compiled view lives in its own arena and borrows strings from the world it was compiled
 * from (it is freed with that world), so the data plane never copies configuration.
 */
#ifndef FG_CF_PRIV_H
#define FG_CF_PRIV_H

#include "cloudfront/cloudfront.h"
#include "http/http.h"
#include "trace/trace.h"

#define CF_T_DIST "AWS::CloudFront::Distribution"
#define CF_T_CACHE "AWS::CloudFront::CachePolicy"
#define CF_T_ORP "AWS::CloudFront::OriginRequestPolicy"
#define CF_T_RHP "AWS::CloudFront::ResponseHeadersPolicy"
#define CF_T_VPC "AWS::CloudFront::VpcOrigin"

/* The POP frontgate's edge reports in X-Amz-Cf-Pop (AWS's look like "SLC52-P1"). */
#define CF_POP "FGT50-P1"
/* The address origins see CloudFront connect from (CloudFront's origin-facing range). */
#define CF_EDGE_IP "130.176.0.1"

/* ------------------------------------------------------------------- cf.c */

/* Fidelity switches where AWS is UNCONFIRMED or its documents disagree (README). */
enum cf_other_headers {
	CF_OTHER_DROP,     /* default: viewer headers no policy includes are not forwarded */
	CF_OTHER_FORWARD,  /* §6.4's legacy table: "other custom headers: forwarded" */
};

enum cf_auth_whitelist {
	CF_AUTH_WL_REFUSE, /* default: an origin request policy may not list Authorization
			    * ("The parameter Headers contains Authorization that is not allowed") */
	CF_AUTH_WL_ALLOW,  /* the newer docs: it may, and then forwards it (§6.5) */
};

struct cf_fidelity {
	enum cf_other_headers other_headers;
	enum cf_auth_whitelist auth_whitelist;
	size_t cache_bytes;  /* the cache's memory bound */
};

void cf_fidelity_default(struct cf_fidelity *f);
int cf_fidelity_parse(struct cf_fidelity *f, const char *spec, struct fg_err *err);

struct cf_cache;

struct cloudfront {
	struct cloudfront_deps deps;
	struct fg_service svc, unknown;
	struct cf_fidelity fid;
	struct cf_cache *cache;
	struct cf_flights *flights;    /* request collapsing (cf_collapse.c) */
	unsigned slot;                 /* the world slot of the distributions' view */
	bool has_slot;
	pthread_mutex_t inval_mu;      /* guards invals (cf_inval.c) */
	cJSON *invals;                 /* the invalidations made: [{"Distribution", ...}] */
};

/* ------------------------------------------------------------ cf_inval.c */

/* Forgets the invalidations of distributions keep() says no to. */
void cf_inval_sweep(struct cloudfront *cf, bool (*keep)(const char *dist, void *arg), void *arg);
void cf_inval_free(struct cloudfront *cf);

/* ----------------------------------------------------------- cf_match.c */

enum cf_method {
	CF_GET = 1, CF_HEAD = 2, CF_OPTIONS = 4, CF_PUT = 8, CF_POST = 16, CF_PATCH = 32,
	CF_DELETE = 64,
};

/* The bit of an HTTP method; 0 for anything else (CONNECT, TRACE, ...). */
unsigned cf_method_bit(const char *method);
/* "GET, HEAD" for a set of bits. */
void cf_methods_text(unsigned bits, char out[80]);

/* A path pattern (§6.1): '*' any run of characters ('/' too), '?' exactly one, the rest
 * literal and case-sensitive; a pattern without a leading '/' matches as if it had one. */
bool cf_pattern_match(const char *pattern, const char *path);
/* Whether a path pattern uses only CloudFront's characters and is at most 255 long. */
bool cf_pattern_valid(const char *pattern);

/* Which values of one kind (headers, cookies, query strings) a policy includes. */
enum cf_sel {
	CF_SEL_NONE,
	CF_SEL_WHITELIST,
	CF_SEL_ALL_EXCEPT,
	CF_SEL_ALL,          /* all (cookies, query strings) / allViewer (headers) */
	CF_SEL_ALL_AND_CF,   /* headers: allViewerAndWhitelistCloudFront */
};

struct cf_select {
	enum cf_sel how;
	const char *const *names;
	size_t n;
};

/* Whether the selection includes name (headers: case-insensitive; cookies and query strings:
 * case-sensitive). For CF_SEL_ALL_AND_CF the list names CloudFront headers, which are added,
 * not selected among the viewer's: it includes every viewer header. */
bool cf_select_has(const struct cf_select *s, const char *name, bool ci);
/* Whether the selection lists name itself (whitelist or the CloudFront list). */
bool cf_select_lists(const struct cf_select *s, const char *name, bool ci);
const char *cf_sel_name(enum cf_sel how);

/* ------------------------------------------------------------- cf_cfn.c */

/*
 * Typed readers for nested CloudFormation properties, answering with CloudFormation's schema
 * messages ("#/DistributionConfig/Origins/0/Id: expected type: String, found: Integer").
 * path is the JSON pointer of the parent object without "#/" ("DistributionConfig/Origins/0");
 * each returns 0 (with *out set, or left alone when the key is absent and optional) or -1.
 */
struct cf_chk {
	const struct stack_rctx *c;
	struct fg_err *err;
};

int cf_chk_fail(const struct cf_chk *k, const char *path, const char *key, const char *fmt,
		...) FG_PRINTF(4, 5);
int cf_chk_obj(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
	       bool required, const cJSON **out);
int cf_chk_arr(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
	       bool required, const cJSON **out);
int cf_chk_str(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
	       bool required, const char **out);
int cf_chk_int(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
	       bool required, long long *out);
int cf_chk_bool(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
		bool required, bool *out);
/* A string that must be one of values (NULL-terminated). */
int cf_chk_enum(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
		bool required, const char *const *values, const char **out);
/* An array of strings. */
int cf_chk_strs(const struct cf_chk *k, const cJSON *parent, const char *key, const char *path,
		bool required, const cJSON **out);
/* Every key of obj is one of known (NULL-terminated): "extraneous key [X] is not permitted". */
int cf_chk_keys(const struct cf_chk *k, const cJSON *obj, const char *path,
		const char *const *known);
/* A CloudFront API error relayed by CloudFormation (Service: CloudFront). */
int cf_api_err(const struct cf_chk *k, int status, const char *code, const char *path,
	       const char *fmt, ...) FG_PRINTF(5, 6);

/* Reading compiled-from documents (already validated): NULL / def when absent. */
const cJSON *cf_j(const cJSON *o, const char *k);
const char *cf_js(const cJSON *o, const char *k);
long long cf_ji(const cJSON *o, const char *k, long long def);
bool cf_jb(const cJSON *o, const char *k, bool def);
/* An array of strings as a list in a (lowercased when lower). */
const char *const *cf_jlist(struct fg_arena *a, const cJSON *arr, bool lower, size_t *n);
/* "Items" form of response headers policies: {"Items":[...]} as a comma-separated value. */
const char *cf_jitems(struct fg_arena *a, const cJSON *o, const char *k);

/* Deterministic ids: "E" + 13 upper-case alphanumerics, "d" + 13 lower-case alphanumerics,
 * and a UUID (policies), derived from the resource identity. */
void cf_derive_dist_id(const struct stack_rctx *c, char out[16]);
void cf_derive_domain(const struct stack_rctx *c, char out[64]);
void cf_derive_uuid(const struct stack_rctx *c, const char *salt, char out[37]);

/* ----------------------------------------------------------- cf_policy.c */

struct cf_cache_policy {
	const char *id, *name;
	bool managed;
	int64_t min_ttl, default_ttl, max_ttl;  /* seconds */
	struct cf_select headers, cookies, query;
	bool gzip, brotli;
};

struct cf_orp {
	const char *id, *name;
	bool managed;
	struct cf_select headers, cookies, query;
};

struct cf_hdr_rule {               /* a custom header of a response headers policy */
	const char *name, *value;
	bool override;
};

struct cf_rhp {
	const char *id, *name;
	bool managed;
	/* CORS */
	bool cors;
	bool allow_credentials, origin_override;
	const char *allow_origins;     /* "*" or the list as configured, comma-separated */
	const char *const *origins;
	size_t norigins;
	const char *allow_headers, *allow_methods, *expose_headers;
	int64_t max_age;               /* -1: not set */
	/* security headers and custom headers, in the order they are applied */
	const struct cf_hdr_rule *headers;
	size_t nheaders;
	const char *const *remove;     /* RemoveHeadersConfig */
	size_t nremove;
	bool server_timing;
};

/* The managed policies of §6.6 (and the managed response headers policies); NULL when id is
 * not one. */
const struct cf_cache_policy *cf_managed_cache_policy(const char *id);
const struct cf_orp *cf_managed_orp(const char *id);
const struct cf_rhp *cf_managed_rhp(const char *id);

/* Compiles a policy resource's config (its Properties' *Config object) into a. */
void cf_cache_policy_compile(struct fg_arena *a, const cJSON *cfg, struct cf_cache_policy *out);
void cf_orp_compile(struct fg_arena *a, const cJSON *cfg, struct cf_orp *out);
void cf_rhp_compile(struct fg_arena *a, const cJSON *cfg, struct cf_rhp *out);

void cf_policy_types_register(struct cloudfront *cf, struct stack_registry *r);

/* ------------------------------------------------------------ cf_types.c */

void cf_types_register(struct cloudfront *cf, struct stack_registry *r);

/* (cf_types_beh.c) DefaultCacheBehavior and CacheBehaviors (ids: the origin and origin group
 * ids), and CustomErrorResponses. */
int cf_check_behaviors(const struct cf_chk *k, const cJSON *dc, const cJSON *ids);
int cf_check_errors(const struct cf_chk *k, const cJSON *dc);

/* A resource of the world as a type callback sees it: this change's resources first, then
 * the other stacks' (this stack's previous version is skipped: it is being replaced). */
struct cf_res {
	const cJSON *res;
	const char *account, *region, *stack;
};
/* Calls f on every such resource of type (NULL: any); f returns true to stop, and the
 * resource it stopped on is returned (res NULL when none). */
typedef bool (*cf_visit_f)(const struct cf_res *r, void *arg);
struct cf_res cf_visit(const struct stack_rctx *c, const char *type, cf_visit_f f, void *arg);
/* The resource of this type whose PhysicalId is id (res NULL when none). */
struct cf_res cf_find_resource(const struct stack_rctx *c, const char *type, const char *id);

/* ------------------------------------------------------------- cf_view.c */

enum cf_vpp { CF_VPP_ALLOW_ALL, CF_VPP_REDIRECT, CF_VPP_HTTPS_ONLY };
enum cf_opp { CF_OPP_HTTP_ONLY, CF_OPP_MATCH_VIEWER, CF_OPP_HTTPS_ONLY };
enum cf_origin_kind { CF_ORIGIN_CUSTOM, CF_ORIGIN_S3, CF_ORIGIN_VPC, CF_ORIGIN_GROUP };

struct cf_origin {
	const char *id;
	enum cf_origin_kind kind;
	const char *domain;            /* lowercase, no port */
	const char *path;              /* OriginPath: "" or "/prod" */
	enum cf_opp protocol;
	int http_port, https_port;
	const char *ssl_protocols;     /* "TLSv1.2" (the highest allowed) */
	int attempts, connect_timeout_s, read_timeout_s;
	const struct fg_http_header *custom;  /* OriginCustomHeaders */
	size_t ncustom;
	/* VPC origins: the VpcOrigin's endpoint (a load balancer) and where it lives */
	const char *vpc_origin_id;
	const char *vpc_target;        /* the load balancer's ARN, NULL when unknown */
	const char *vpc_id;            /* the VPC the request then comes from */
	/* origin groups */
	const struct cf_origin *primary, *secondary;
	const int *failover;           /* status codes that fail over */
	size_t nfailover;
};

struct cf_behavior {
	const char *pattern;           /* "*" for the default behaviour */
	const struct cf_origin *origin;
	enum cf_vpp vpp;
	unsigned allowed, cached;      /* method bits */
	bool compress;
	bool legacy;                   /* ForwardedValues + Min/Default/MaxTTL */
	bool forward_all;              /* legacy Headers ["*"]: nothing is cached */
	const struct cf_cache_policy *cp;  /* the cache key and TTLs (legacy: synthesised) */
	const struct cf_orp *orp;      /* NULL: none (legacy: the synthesised forwarding) */
	const struct cf_rhp *rhp;      /* NULL: none */
	const char *policy_names;      /* for traces: "cache policy CachingDisabled, ..." */
};

struct cf_error_page {
	int code;                      /* ErrorCode */
	const char *page;              /* ResponsePagePath, NULL when none */
	int response_code;             /* 0: keep the origin's */
	int64_t min_ttl;               /* ErrorCachingMinTTL, seconds */
};

enum cf_geo { CF_GEO_NONE, CF_GEO_WHITELIST, CF_GEO_BLACKLIST };

struct cf_dist {
	const char *id, *domain, *arn;
	const char *account, *region, *stack, *logical_id;
	const char *const *aliases;
	size_t naliases;
	bool enabled;
	const char *root_object;       /* DefaultRootObject, NULL when none */
	struct cf_origin *origins;
	size_t norigins;
	struct cf_behavior *behaviors; /* CacheBehaviors in order, then the default */
	size_t nbehaviors;
	struct cf_behmatch *match;     /* finds the behaviour of a path (cf_behmatch.c) */
	struct cf_error_page *errors;
	size_t nerrors;
	const char *cert_arn;          /* NULL: the default certificate */
	bool cert_emulated;            /* cert_arn is a certificate of this world (ACM) */
	const char *min_protocol;      /* MinimumProtocolVersion ("TLSv1" with the default) */
	const char *http_version;
	enum cf_geo geo;
	const char *const *countries;
	size_t ncountries;
	const char *viewer_country;    /* Metadata.Frontgate.ViewerCountry, default "US" */
};

struct cf_view {
	struct cloudfront *owner;
	struct fg_arena *arena;
	struct cf_dist **dists;
	size_t ndists;
	/* names (lowercase: default names, exact aliases, "*.x" wildcard aliases) -> dist */
	const char **names;
	struct cf_dist **named;
	size_t nnames, capnames;
	struct fg_tls_site *sites;     /* cf_tls.c, built lazily */
	size_t nsites;
	bool sites_built;
};

void *cf_view_compile(void *self, const struct stack_world *w, struct fg_err *err);
void cf_view_release(void *view);
/* The distribution a Host names (port ignored, any case; aliases: exact, then the nearest
 * wildcard); NULL when none. *by_alias says which kind of name it was. */
const struct cf_dist *cf_view_find(const struct cf_view *v, const char *host, bool *by_alias);
const struct cf_dist *cf_view_by_id(const struct cf_view *v, const char *id);

/* -------------------------------------------------------------- cf_tls.c */

const struct fg_tls_site *cf_tls_sites(void *self, const void *view, size_t *n);

/* -------------------------------------------------------------- cf_req.c */

/* One viewer request on its way through a distribution. */
struct cf_rq {
	struct cloudfront *cf;
	const struct stack_world *w;
	const struct cf_view *view;
	const struct cf_dist *dist;
	const struct cf_behavior *beh;
	struct fg_http_req *req;
	struct fg_http_resp *resp;
	struct fg_trace *t;
	struct fg_arena *arena;
	int64_t now_ms;
	const char *cf_id;             /* X-Amz-Cf-Id, the trace's id */
	const char *via;               /* "1.1 <hex>.cloudfront.net (CloudFront)" */
	bool https;                    /* the viewer came over TLS */
	const char *path;              /* the viewer path after DefaultRootObject */
	const char *x_cache;           /* "Miss from cloudfront", ... */
	int64_t age;                   /* seconds, -1 when not a hit */
	bool generated;                /* CloudFront's own answer (error page, redirect) */
	const char *reval_etag;        /* revalidating a stale object: If-None-Match */
	const char *reval_lm;          /* and If-Modified-Since */
	const char *upstream_via;      /* the Via of an origin that is CloudFront (§5.6) */
	struct cf_flight *flight;      /* leading a collapsed miss (cf_collapse.c) */
};

void cf_serve(void *self, const struct stack_world *w, const void *view,
	      struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *t);
bool cf_claim(void *self, const void *view, const struct fg_http_req *req);
bool cf_unknown_claim(void *self, const void *view, const struct fg_http_req *req);
void cf_unknown_serve(void *self, const struct stack_world *w, const void *view,
		      struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *t);
/* ------------------------------------------------------- cf_behmatch.c */

/* The n patterned behaviours b (CacheBehaviors, without the default) grouped by the literal
 * part of their patterns, in arena a. */
struct cf_behmatch;
struct cf_behmatch *cf_behmatch_build(struct fg_arena *a, const struct cf_behavior *b, size_t n);
/* The index of the first of them whose pattern matches path, n when none; the same answer
 * as trying each in order with cf_pattern_match, without trying each. */
size_t cf_behmatch_find(const struct cf_behmatch *m, const struct cf_behavior *b, size_t n,
			const char *path);

/* The behaviour serving path: the first CacheBehaviors pattern that matches, else the default
 * (§6.1). */
const struct cf_behavior *cf_behavior_for(const struct cf_dist *d, const char *path);
/* X-Amz-Cf-Id: base64url of 40 random bytes (56 characters ending "=="). */
const char *cf_new_id(struct fg_arena *a);

/* ------------------------------------------------------------- cf_resp.c */

/* The reasons of CloudFront's error pages (§5.4). */
#define CF_REASON_BAD_REQUEST "Bad request."
#define CF_REASON_METHOD \
	"This distribution is not configured to allow the HTTP request method that was used " \
	"for this request. The distribution supports only cachable requests."
#define CF_REASON_BLOCKED "Request blocked."
#define CF_REASON_CONNECT "CloudFront wasn't able to connect to the origin."
#define CF_REASON_DNS "CloudFront wasn't able to resolve the origin domain name."
#define CF_REASON_TIMEOUT \
	"CloudFront attempted to establish a connection with the origin, but either the " \
	"attempt failed or the origin closed the connection."

/* CloudFront's own error page (§5.4) as the response: status, reason, its headers. */
void cf_error_page(struct fg_http_resp *resp, int status, const char *reason,
		   const char *cf_id, const char *via);
/* The page's body (arena). */
const char *cf_error_body(struct fg_arena *a, int status, const char *reason,
			  const char *cf_id);

/* An origin response (or a cached copy) on its way to the viewer. */
struct cf_obj {
	int status;
	struct fg_http_header *h;
	size_t nh;
	const char *body;
	size_t len;
};

/* Origin response -> what the viewer may see (§5.5): hop-by-hop and Transfer-Encoding gone,
 * Set-Cookie without cookie forwarding gone, Vary filtered, the origin's Via dropped. */
void cf_resp_clean(struct cf_rq *r, struct cf_obj *o);
/* Applies the behaviour's response headers policy to o (CORS needs the viewer's Origin). */
void cf_resp_policy(struct cf_rq *r, struct cf_obj *o);
/* Compresses o for the viewer when §6.8 allows it. */
void cf_resp_compress(struct cf_rq *r, struct cf_obj *o);
/* Writes o to the viewer with CloudFront's headers (Via, X-Cache, X-Amz-Cf-Pop/-Id, Age). */
void cf_resp_deliver(struct cf_rq *r, const struct cf_obj *o);

/* Case-insensitive header lookup in an object; NULL when absent. */
const char *cf_obj_header(const struct cf_obj *o, const char *name);

/* ----------------------------------------------------------- cf_origin.c */

/* The request CloudFront sends to an origin (§6.2, §6.4, §6.5). */
struct cf_oreq {
	const char *method;
	const char *path;              /* origin path + viewer path, raw */
	const char *query;             /* per the policies, raw */
	const char *host;              /* the Host header sent (origin domain unless forwarded) */
	bool host_forwarded;
	bool https;
	int port;
	struct fg_http_hlist h;        /* every header except Host, in order */
	const char *body;
	size_t body_len;
};

/* Builds the origin request for origin o (a member of a group: the one being tried). */
void cf_origin_build(struct cf_rq *r, const struct cf_origin *o, struct cf_oreq *out);

enum cf_fetch_status {
	CF_FETCH_OK,
	CF_FETCH_DNS,       /* 502: the origin's name does not resolve */
	CF_FETCH_CONNECT,   /* 502: no connection (refused, TLS failure, no listener) */
	CF_FETCH_TIMEOUT,   /* 504 */
	CF_FETCH_S3,        /* S3 origins are not emulated: answered as a missing bucket */
};

/* Sends the origin request; out is the origin's response when CF_FETCH_OK (arena). */
enum cf_fetch_status cf_origin_fetch(struct cf_rq *r, const struct cf_origin *o,
				     const struct cf_oreq *q, struct cf_obj *out);

/* ------------------------------------------------------------ cf_cache.c */

/* What the TTL rules of §6.7 decide about one origin response. */
struct cf_ttl {
	bool cacheable;
	int64_t ttl;                   /* seconds */
	const char *why;               /* one line for the trace (static or arena) */
};

/* The TTL of an origin response (status, its Cache-Control and Expires) under the policy's
 * Min/Default/Max TTL, at now_ms; error statuses use the error caching rules with
 * error_min_ttl seconds (ErrorCachingMinTTL, default 10). */
void cf_ttl_decide(struct fg_arena *a, const struct cf_cache_policy *cp, int status,
		   const char *cache_control, const char *expires, int64_t now_ms,
		   int64_t error_min_ttl, struct cf_ttl *out);
/* The cache key of a viewer request under the behaviour's cache policy (§6.7); arena. */
const char *cf_cache_key(struct cf_rq *r);
/* The normalised Accept-Encoding CloudFront uses ("br,gzip", "gzip", "br" or NULL). */
const char *cf_accept_encoding(const char *viewer, bool gzip, bool brotli);

struct cf_cache *cf_cache_new(size_t limit_bytes);
void cf_cache_destroy(struct cf_cache **cp);
void cf_cache_set_limit(struct cf_cache *c, size_t limit_bytes);

/* A copy of a cached object, in the arena. */
struct cf_hit {
	struct cf_obj obj;
	int64_t stored_ms, expires_ms;
	bool fresh;
};

/* Looks key up at now_ms; false when absent. A stale entry is returned with fresh false. */
bool cf_cache_get(struct cf_cache *c, const char *key, int64_t now_ms, struct fg_arena *a,
		  struct cf_hit *out);
/* Stores (a copy of) o under key for ttl seconds from now_ms (replacing any); dist and path
 * are kept for invalidations. */
void cf_cache_put(struct cf_cache *c, const char *key, const char *dist, const char *path,
		  const struct cf_obj *o, int64_t now_ms, int64_t ttl);
/* Moves a stale entry's expiry (a 304 revalidation: RefreshHit). */
void cf_cache_refresh(struct cf_cache *c, const char *key, int64_t now_ms, int64_t ttl);
/* Removes the entries of distribution dist_id whose path matches (exact, or prefix when it
 * ends in '*'); returns how many. */
size_t cf_cache_purge(struct cf_cache *c, const char *dist_id, const char *path);
/* Removes the entries of distributions keep() says no to (a world without them: a deleted
 * stack, POST /reset); returns how many. */
size_t cf_cache_sweep(struct cf_cache *c, bool (*keep)(const char *dist, void *arg), void *arg);
void cf_cache_stats_get(struct cf_cache *c, struct cloudfront_cache_stats *out);
void cf_cache_count(struct cf_cache *c, bool hit);

/* --------------------------------------------------------- cf_collapse.c */

/* Concurrent misses on one cache key (§6.7): the first leads, the others wait for it. */
struct cf_flights;
struct cf_flight;

enum cf_collapse {
	CF_COLLAPSE_LEAD,      /* nobody is fetching key: the caller fetches, then lands */
	CF_COLLAPSE_LANDED,    /* waited: the leader's response is stored, or was not cacheable */
	CF_COLLAPSE_TIMEOUT,   /* waited wait_ms without the leader landing */
};

struct cf_flights *cf_flights_new(void);
void cf_flights_destroy(struct cf_flights **fp);
/* Joins the flight for key: lead (set *lead; call cf_flights_land after storing) or wait up
 * to wait_ms of real time for the leader. */
enum cf_collapse cf_flights_join(struct cf_flights *f, const char *key, int64_t wait_ms,
				 struct cf_flight **lead);
/* The leader is done (its response is stored or was not cacheable); wakes the waiters.
 * NULL is ignored. */
void cf_flights_land(struct cf_flights *f, struct cf_flight *lead);
/* Requests waiting now; requests that waited since start. */
void cf_flights_stats(struct cf_flights *f, unsigned *waiting, uint64_t *collapsed);

#endif
