/*
 * cf_req.c: the viewer side of a distribution, as an explicit state machine whose every
 * transition is a trace hop (style.md convention 11):
 *
 *   recv     the distribution by Host (cf_view_find); loops, a disabled distribution, size
 *            limits (§5.3: 413), a body on GET/HEAD (403 "Bad request.")
 *   route    DefaultRootObject, then the first behaviour whose path pattern matches (§6.1)
 *   viewer   viewer protocol policy (301 / 307 / 403, §5.3), allowed methods (403 with the
 *            methods reason), geographic restriction (403 "Request blocked.")
 *   obtain   the cache (cf_cache.c), else the origin (cf_origin.c; origin groups fail over)
 *   deliver  custom error responses, the response headers policy, compression, CloudFront's
 *            headers (cf_resp.c)
 *
 * The request's id is its X-Amz-Cf-Id, which is also the trace's id (GET /requests/{id}).
 * Names under cloudfront.net that no distribution has get CloudFront's "Bad request." page
 * from a second, catch-all service (cf_unknown_*), registered after API Gateway so the
 * targets of its EDGE domain names stay API Gateway's.
 */
#include "cloudfront/cf_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#define HOP(r, ...) fg_trace_hop((r)->t, "cloudfront", __VA_ARGS__)

/* UNCONFIRMED (§5.6: no documented limit): frontgate stops a chain of distributions here. */
#define CF_MAX_LAYERS 8
/* §5.3: request line + headers, and the URL */
#define CF_MAX_REQUEST 20480
#define CF_MAX_URL 8192
/* The frontgate-only test header that says where the viewer is (README "CloudFront"). */
#define CF_COUNTRY_HEADER "X-Frontgate-Viewer-Country"

enum cf_step { CF_RECV, CF_ROUTE, CF_VIEWER, CF_OBTAIN, CF_DONE };

/* ----------------------------------------------------------------------- ids */

const char *cf_new_id(struct fg_arena *a)
{
	unsigned char raw[40];
	char *b64, *out;

	fg_random(raw, sizeof(raw));  /* not RAND_bytes: its locks were 9% of a cache hit */
	b64 = fg_base64(raw, sizeof(raw));
	for (char *p = b64; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	out = fg_arena_strdup(a, b64);
	free(b64);
	return out;
}

/* Via: 1.1 <32 hex>.cloudfront.net (CloudFront), the edge node of this request. */
static const char *via_of(struct fg_arena *a, const char *cf_id)
{
	const char *parts[2] = { cf_id, "via" };

	return fg_arena_printf(a, "1.1 %016llx%016llx.cloudfront.net (CloudFront)",
			       (unsigned long long)fg_hash64(parts, 1),
			       (unsigned long long)fg_hash64(parts, 2));
}

static void start(struct cf_rq *r, struct cloudfront *cf, const struct stack_world *w,
		  const struct cf_view *v, struct fg_http_req *req, struct fg_http_resp *resp,
		  struct fg_trace *t)
{
	memset(r, 0, sizeof(*r));
	r->cf = cf;
	r->w = w;
	r->view = v;
	r->req = req;
	r->resp = resp;
	r->t = t;
	r->arena = req->arena;
	r->now_ms = fg_clock_now_ms(cf->deps.clock);
	r->cf_id = cf_new_id(r->arena);
	r->via = via_of(r->arena, r->cf_id);
	r->https = req->listener != NULL && strcmp(req->listener, "https") == 0;
	r->path = req->path;
	r->age = -1;
	r->x_cache = "Miss from cloudfront";
	fg_trace_set_id(t, r->cf_id);
}

static void page(struct cf_rq *r, int status, const char *reason, const char *why)
{
	HOP(r, "%s -> %d CloudFront error page \"%s\"", why, status, reason);
	cf_error_page(r->resp, status, reason, r->cf_id, r->via);
	r->generated = true;
}

/* ------------------------------------------------------------- catch-all */

static bool under_cloudfront_net(const char *host)
{
	size_t n = strcspn(host, ":");
	static const char sfx[] = ".cloudfront.net";
	size_t k = sizeof(sfx) - 1;

	if (n > 0 && host[n - 1] == '.')
		n--;
	return n > k && strncasecmp(host + n - k, sfx, k) == 0;
}

bool cf_unknown_claim(void *self, const void *view, const struct fg_http_req *req)
{
	return under_cloudfront_net(req->host);
}

void cf_unknown_serve(void *self, const struct stack_world *w, const void *view,
		      struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *t)
{
	struct cf_rq r;

	start(&r, self, w, NULL, req, resp, t);
	page(&r, 403, CF_REASON_BAD_REQUEST,
	     fg_arena_printf(r.arena, "no distribution is named '%s' (§5.1: the name is not "
			     "associated with any distribution)", req->host));
}

bool cf_claim(void *self, const void *view, const struct fg_http_req *req)
{
	return cf_view_find(view, req->host, NULL) != NULL;
}

/* ---------------------------------------------------------------- recv */

static int layers(const struct fg_http_req *req)
{
	int n = 0;

	for (size_t i = 0; i < req->nheaders; i++) {
		const char *p = req->headers[i].value;

		if (strcasecmp(req->headers[i].name, "Via") != 0)
			continue;
		while ((p = strstr(p, "(CloudFront)")) != NULL) {
			n++;
			p++;
		}
	}
	return n;
}

static size_t request_size(const struct fg_http_req *req)
{
	size_t n = strlen(req->method) + strlen(req->path) + strlen(req->query) + 12;

	for (size_t i = 0; i < req->nheaders; i++)
		n += strlen(req->headers[i].name) + strlen(req->headers[i].value) + 4;
	return n;
}

/* §1.7: the TLS connection was made for an alias of one account's distribution and Host names
 * another account's distribution -> 421, CloudFront's nginx-style page. */
static bool misdirected(struct cf_rq *r)
{
	static const char page421[] =
		"<html>\n<head><title>421 Misdirected Request</title></head>\n"
		"<body bgcolor=\"white\">\n<center><h1>421 Misdirected Request</h1></center>\n"
		"<hr><center>CloudFront</center>\n</body>\n</html>\n";
	const char *sni = r->req->sni;
	const struct cf_dist *s;
	bool alias = false;
	size_t n = strcspn(r->req->host, ":");

	if (sni == NULL || (strlen(sni) == n && strncasecmp(sni, r->req->host, n) == 0))
		return false;
	s = cf_view_find(r->view, sni, &alias);
	if (s == NULL || !alias || strcmp(s->account, r->dist->account) == 0)
		return false;
	HOP(r, "§1.7 SNI '%s' is an alias of distribution %s (account %s) but Host names %s of "
	    "account %s: CloudFront refuses another account's name on the connection -> 421",
	    sni, s->id, s->account, r->dist->id, r->dist->account);
	r->resp->nhdr = 0;
	fg_http_add_header(r->resp, "Server", "CloudFront");
	fg_http_set_body(r->resp, 421, "text/html", page421, sizeof(page421) - 1);
	fg_http_add_header(r->resp, "X-Cache", "Error from cloudfront");
	fg_http_add_header(r->resp, "Via", r->via);
	fg_http_add_header(r->resp, "X-Amz-Cf-Pop", CF_POP);
	fg_http_add_header(r->resp, "X-Amz-Cf-Id", r->cf_id);
	r->generated = true;
	return true;
}

static enum cf_step recv_step(struct cf_rq *r)
{
	const struct fg_http_req *req = r->req;
	unsigned m = cf_method_bit(req->method);

	HOP(r, "distribution %s (%s, stack %s) for Host '%s'", r->dist->id, r->dist->logical_id,
	    r->dist->stack, req->host);
	if (layers(req) >= CF_MAX_LAYERS) {
		page(r, 502, CF_REASON_CONNECT,
		     fg_arena_printf(r->arena, "the request already went through %d CloudFront "
				     "layers (Via): frontgate stops the loop here (AWS's limit and "
				     "answer are UNCONFIRMED, §5.6)", layers(req)));
		return CF_DONE;
	}
	if (misdirected(r))
		return CF_DONE;
	if (!r->dist->enabled) {
		page(r, 403, CF_REASON_BAD_REQUEST, "the distribution is disabled (Enabled: false)");
		return CF_DONE;
	}
	if (strlen(req->path) + strlen(req->query) + 1 > CF_MAX_URL ||
	    request_size(req) > CF_MAX_REQUEST) {
		page(r, 413, CF_REASON_BAD_REQUEST, "§5.3: the request line and headers are over "
		     "20480 bytes, or the URL over 8192");
		return CF_DONE;
	}
	if (m == 0) {
		page(r, 403, CF_REASON_METHOD, fg_arena_printf(r->arena, "method %s is not one "
							       "CloudFront serves", req->method));
		return CF_DONE;
	}
	if ((m & (CF_GET | CF_HEAD)) && (req->body_len > 0 || req->body_seen > 0)) {
		page(r, 403, CF_REASON_BAD_REQUEST,
		     fg_arena_printf(r->arena, "§5.3: a %s request with a body", req->method));
		return CF_DONE;
	}
	return CF_ROUTE;
}

/* ---------------------------------------------------------------- route */

const struct cf_behavior *cf_behavior_for(const struct cf_dist *d, const char *path)
{
	if (d->match != NULL)
		return &d->behaviors[cf_behmatch_find(d->match, d->behaviors, d->nbehaviors - 1,
						      path)];
	for (size_t i = 0; i + 1 < d->nbehaviors; i++) {
		if (cf_pattern_match(d->behaviors[i].pattern, path))
			return &d->behaviors[i];
	}
	return &d->behaviors[d->nbehaviors - 1];
}

static enum cf_step route_step(struct cf_rq *r)
{
	if (r->dist->root_object != NULL && strcmp(r->req->path, "/") == 0) {
		r->path = fg_arena_printf(r->arena, "/%s", r->dist->root_object);
		HOP(r, "DefaultRootObject: / is %s", r->path);
	}
	r->beh = cf_behavior_for(r->dist, r->path);
	HOP(r, "behaviour %s (§6.1, %s) -> origin %s; %s", r->beh->pattern,
	    r->beh == &r->dist->behaviors[r->dist->nbehaviors - 1] ? "the default"
		: "the first pattern that matches, case-sensitive",
	    r->beh->origin ? r->beh->origin->id : "(none)", r->beh->policy_names);
	return CF_VIEWER;
}

/* ---------------------------------------------------------------- viewer */

static void redirect(struct cf_rq *r, int status)
{
	struct fg_http_resp *resp = r->resp;
	const char *host = fg_arena_strndup(r->arena, r->req->host, strcspn(r->req->host, ":"));
	const char *title = status == 301 ? "301 Moved Permanently" : "307 Temporary Redirect";
	const char *body = fg_arena_printf(r->arena,
		"<html>\n<head><title>%s</title></head>\n<body>\n<center><h1>%s</h1></center>\n"
		"<hr><center>CloudFront</center>\n</body>\n</html>\n", title, title);

	HOP(r, "§5.3 redirect-to-https: %s over HTTP -> %d to https://%s%s", r->req->method,
	    status, host, r->req->path);
	resp->nhdr = 0;
	fg_http_add_header(resp, "Server", "CloudFront");
	fg_http_set_body(resp, status, "text/html", body, strlen(body));
	fg_http_add_header(resp, "Location", fg_arena_printf(r->arena, "https://%s%s%s%s", host,
							     r->req->path,
							     r->req->query[0] ? "?" : "",
							     r->req->query));
	fg_http_add_header(resp, "X-Cache", "Redirect from cloudfront"); /* UNCONFIRMED string */
	fg_http_add_header(resp, "Via", r->via);
	fg_http_add_header(resp, "X-Amz-Cf-Pop", CF_POP);
	fg_http_add_header(resp, "X-Amz-Cf-Id", r->cf_id);
	r->generated = true;
}

static const char *viewer_country(struct cf_rq *r)
{
	const char *h = fg_http_header(r->req, CF_COUNTRY_HEADER);

	return h != NULL ? h : r->dist->viewer_country;
}

static bool geo_blocked(struct cf_rq *r, const char *country)
{
	bool listed = false;

	for (size_t i = 0; i < r->dist->ncountries && !listed; i++)
		listed = strcasecmp(r->dist->countries[i], country) == 0;
	return (r->dist->geo == CF_GEO_WHITELIST && !listed) ||
	       (r->dist->geo == CF_GEO_BLACKLIST && listed);
}

static enum cf_step viewer_step(struct cf_rq *r)
{
	unsigned m = cf_method_bit(r->req->method);
	char allowed[80];

	if (!r->https && r->beh->vpp == CF_VPP_HTTPS_ONLY) {
		page(r, 403, CF_REASON_BAD_REQUEST, "§5.3 ViewerProtocolPolicy https-only: the "
		     "request came over HTTP");
		return CF_DONE;
	}
	if (!r->https && r->beh->vpp == CF_VPP_REDIRECT) {
		redirect(r, (m & (CF_GET | CF_HEAD)) ? 301 : 307);
		return CF_DONE;
	}
	if (!(m & r->beh->allowed)) {
		cf_methods_text(r->beh->allowed, allowed);
		page(r, 403, CF_REASON_METHOD,
		     fg_arena_printf(r->arena, "§5.3 method %s is not in AllowedMethods [%s]",
				     r->req->method, allowed));
		return CF_DONE;
	}
	if (r->dist->geo != CF_GEO_NONE) {
		const char *c = viewer_country(r);

		if (geo_blocked(r, c)) {
			page(r, 403, CF_REASON_BLOCKED,
			     fg_arena_printf(r->arena, "GeoRestriction %s: the viewer is in %s "
					     "(%s)", r->dist->geo == CF_GEO_WHITELIST ? "whitelist"
					     : "blacklist", c,
					     fg_http_header(r->req, CF_COUNTRY_HEADER)
					     ? "frontgate-only header " CF_COUNTRY_HEADER
					     : "Metadata.Frontgate.ViewerCountry or the default US"));
			return CF_DONE;
		}
	}
	return CF_OBTAIN;
}

/* ---------------------------------------------------------------- obtain */

static const char *const REASONS[] = {
	[CF_FETCH_DNS] = CF_REASON_DNS,
	[CF_FETCH_CONNECT] = CF_REASON_CONNECT,
	[CF_FETCH_TIMEOUT] = CF_REASON_TIMEOUT,
};

static bool fails_over(const struct cf_origin *g, int status)
{
	for (size_t i = 0; i < g->nfailover; i++) {
		if (g->failover[i] == status)
			return true;
	}
	return false;
}

/* One origin (not a group): build, send. */
static enum cf_fetch_status fetch_one(struct cf_rq *r, const struct cf_origin *o,
				      struct cf_obj *out)
{
	struct cf_oreq q;

	cf_origin_build(r, o, &q);
	return cf_origin_fetch(r, o, &q, out);
}

/* The origin's answer, failing over within an origin group; *st says how it went. */
static enum cf_fetch_status fetch(struct cf_rq *r, struct cf_obj *out)
{
	const struct cf_origin *o = r->beh->origin;
	enum cf_fetch_status st;

	if (o->kind != CF_ORIGIN_GROUP)
		return fetch_one(r, o, out);
	HOP(r, "origin group %s: primary %s", o->id, o->primary->id);
	st = fetch_one(r, o->primary, out);
	if ((st == CF_FETCH_OK && !fails_over(o, out->status)) ||
	    (st == CF_FETCH_S3 && !fails_over(o, 404)))
		return st;
	HOP(r, "origin group %s: the primary answered %s -> failover to %s", o->id,
	    st == CF_FETCH_OK || st == CF_FETCH_S3
	    ? fg_arena_printf(r->arena, "%d", st == CF_FETCH_S3 ? 404 : out->status)
	    : REASONS[st], o->secondary->id);
	return fetch_one(r, o->secondary, out);
}

/* What CloudFront's fetch failures look like as an object (for custom error responses). */
static void failure_obj(struct cf_rq *r, enum cf_fetch_status st, struct cf_obj *o)
{
	int status = st == CF_FETCH_TIMEOUT ? 504 : 502;
	const char *body = cf_error_body(r->arena, status, REASONS[st], r->cf_id);

	o->status = status;
	o->h = fg_arena_alloc(r->arena, 2 * sizeof(*o->h));
	o->h[0].name = "Server";
	o->h[0].value = "CloudFront";
	o->h[1].name = "Content-Type";
	o->h[1].value = "text/html";
	o->nh = 2;
	o->body = body;
	o->len = strlen(body);
}

/* From the origin (no cache): the cleaned response, or CloudFront's failure page. */
static void origin(struct cf_rq *r, struct cf_obj *o, bool *failed)
{
	enum cf_fetch_status st = fetch(r, o);

	*failed = false;
	if (st == CF_FETCH_OK || st == CF_FETCH_S3) {
		cf_resp_clean(r, o);
		return;
	}
	*failed = true;
	failure_obj(r, st, o);
	HOP(r, "-> %d \"%s\" (§5.4)", o->status, REASONS[st]);
}

static bool cacheable_request(struct cf_rq *r)
{
	unsigned m = cf_method_bit(r->req->method);

	if (!(m & (CF_GET | CF_HEAD)) && !(m == CF_OPTIONS && (r->beh->cached & CF_OPTIONS))) {
		HOP(r, "cache: %s requests are not cached (§6.7)", r->req->method);
		return false;
	}
	if (r->beh->forward_all) {
		HOP(r, "cache: the behaviour forwards every header (legacy Headers [\"*\"]): "
		    "nothing is cached");
		return false;
	}
	if (r->beh->cp->max_ttl == 0) {
		HOP(r, "cache: the cache policy's MaxTTL is 0 (caching disabled)");
		return false;
	}
	return true;
}

static int64_t error_min_ttl(const struct cf_dist *d, int status)
{
	for (size_t i = 0; i < d->nerrors; i++) {
		if (d->errors[i].code == status)
			return d->errors[i].min_ttl;
	}
	return 10;
}

static int64_t ttl_of(struct cf_rq *r, const struct cf_obj *o, const struct cf_obj *hdrs,
		      struct cf_ttl *t)
{
	cf_ttl_decide(r->arena, r->beh->cp, o->status, cf_obj_header(hdrs, "Cache-Control"),
		      cf_obj_header(hdrs, "Expires"), r->now_ms,
		      error_min_ttl(r->dist, o->status), t);
	return t->cacheable ? t->ttl : 0;
}

static void store(struct cf_rq *r, const char *key, const struct cf_obj *o)
{
	struct cf_ttl t;

	if (strcmp(r->req->method, "HEAD") == 0) {
		HOP(r, "cache: a HEAD response is not stored (a later GET fetches the object)");
		return;
	}
	ttl_of(r, o, o, &t);
	HOP(r, "cache: %s", t.why);
	if (t.cacheable)
		cf_cache_put(r->cf->cache, key, r->dist->id, r->path, o, r->now_ms, t.ttl);
}

/* A stale object: a conditional request when it has a validator (304 -> RefreshHit); the
 * stale copy when the origin fails with a 5xx (§6.7); else the new response. */
static void revalidate(struct cf_rq *r, const char *key, struct cf_hit *hit, struct cf_obj *o,
		       bool *failed)
{
	struct cf_ttl t;

	r->reval_etag = cf_obj_header(&hit->obj, "ETag");
	r->reval_lm = cf_obj_header(&hit->obj, "Last-Modified");
	HOP(r, "cache: stale for %lld s%s", (long long)((r->now_ms - hit->expires_ms) / 1000),
	    r->reval_etag || r->reval_lm ? ": revalidating with the origin" : "");
	origin(r, o, failed);
	if (!*failed && o->status == 304 && (r->reval_etag || r->reval_lm)) {
		const struct cf_obj *h = cf_obj_header(o, "Cache-Control") ? o : &hit->obj;
		struct cf_obj fresh = hit->obj;

		ttl_of(r, &fresh, h, &t);
		cf_cache_refresh(r->cf->cache, key, r->now_ms, t.ttl);
		*o = fresh;
		r->x_cache = "RefreshHit from cloudfront";
		r->age = 0;
		HOP(r, "cache: 304 Not Modified -> RefreshHit, %s", t.why);
	} else if (*failed || o->status >= 500) {
		int64_t keep = error_min_ttl(r->dist, *failed ? 502 : o->status);

		HOP(r, "cache: the origin answered %d: the stale object is served for another "
		    "%lld s (§6.7)", *failed ? 502 : o->status, (long long)keep);
		cf_cache_refresh(r->cf->cache, key, r->now_ms, keep);
		*o = hit->obj;
		*failed = false;
		r->x_cache = "Hit from cloudfront";
		r->age = (r->now_ms - hit->stored_ms) / 1000;
	} else {
		store(r, key, o);
	}
	r->reval_etag = r->reval_lm = NULL;
}

/* A fresh hit; a viewer If-None-Match equal to its ETag gets 304. */
static void hit_fresh(struct cf_rq *r, struct cf_hit *hit, struct cf_obj *o)
{
	const char *inm = fg_http_header(r->req, "If-None-Match");
	const char *etag = cf_obj_header(&hit->obj, "ETag");

	*o = hit->obj;
	r->x_cache = "Hit from cloudfront";
	r->age = (r->now_ms - hit->stored_ms) / 1000;
	HOP(r, "cache: hit, age %lld s, expires in %lld s", (long long)r->age,
	    (long long)((hit->expires_ms - r->now_ms) / 1000));
	if (inm != NULL && etag != NULL && strcmp(inm, etag) == 0) {
		o->status = 304;
		o->body = "";
		o->len = 0;
		HOP(r, "the viewer's If-None-Match is the object's ETag: 304");
	}
}

/* Whether concurrent misses on this request's key collapse (§6.7): not for HEAD (never
 * stored) nor when cookies go to the origin. */
static bool collapsible(const struct cf_rq *r)
{
	if (strcmp(r->req->method, "HEAD") == 0)
		return false;
	if (r->beh->cp->cookies.how != CF_SEL_NONE)
		return false;
	return r->beh->orp == NULL || r->beh->orp->cookies.how == CF_SEL_NONE;
}

/* Longest the origin fetch of the leader can take, plus a margin (real time). */
static int64_t collapse_wait_ms(const struct cf_rq *r)
{
	const struct cf_origin *og = r->beh->origin;
	int64_t s = 30 + 3 * 10;

	if (og != NULL)
		s = (int64_t)og->read_timeout_s + (int64_t)og->attempts * og->connect_timeout_s;
	return (s + 5) * 1000;
}

/* Request collapsing: a miss while another request fetches the same key waits for it, then
 * is served from the cache as a hit. True when o is that hit; false to go to the origin
 * (r->flight set when this request leads). */
static bool collapse(struct cf_rq *r, const char *key, struct cf_hit *hit, struct cf_obj *o)
{
	enum cf_collapse how;

	if (!collapsible(r))
		return false;
	how = cf_flights_join(r->cf->flights, key, collapse_wait_ms(r), &r->flight);
	if (how == CF_COLLAPSE_LEAD)
		return false;
	if (how == CF_COLLAPSE_TIMEOUT) {
		HOP(r, "cache: a concurrent request for the same key did not finish in time: "
		    "to the origin");
		return false;
	}
	if (cf_cache_get(r->cf->cache, key, r->now_ms, r->arena, hit) && hit->fresh) {
		cf_cache_count(r->cf->cache, true);
		HOP(r, "cache: collapsed with a concurrent request for the same key: served its "
		    "response from the cache (a hit, §6.7)");
		hit_fresh(r, hit, o);
		return true;
	}
	HOP(r, "cache: waited for a concurrent request for the same key; its response was not "
	    "cached: to the origin");
	return false;
}

/* The object for the request: the cache (§6.7), else the origin. *failed: CloudFront could
 * not reach the origin (its error page is the object). */
static void obtain(struct cf_rq *r, struct cf_obj *o, bool *failed)
{
	struct cf_hit hit;
	const char *key;

	*failed = false;
	if (!cacheable_request(r)) {
		origin(r, o, failed);
		return;
	}
	key = cf_cache_key(r);
	if (cf_cache_get(r->cf->cache, key, r->now_ms, r->arena, &hit)) {
		cf_cache_count(r->cf->cache, hit.fresh);
		if (hit.fresh)
			hit_fresh(r, &hit, o);
		else
			revalidate(r, key, &hit, o, failed);
		return;
	}
	if (collapse(r, key, &hit, o))
		return;
	cf_cache_count(r->cf->cache, false);
	HOP(r, "cache: miss");
	origin(r, o, failed);
	store(r, key, o);
	cf_flights_land(r->cf->flights, r->flight);
	r->flight = NULL;
}

/* CustomErrorResponses (§6.7): the page is fetched through its own behaviour. */
static void custom_error(struct cf_rq *r, struct cf_obj *o)
{
	const struct cf_error_page *e = NULL;
	struct cf_rq sub;
	struct cf_obj po;
	bool failed;

	for (size_t i = 0; i < r->dist->nerrors && e == NULL; i++)
		if (r->dist->errors[i].code == o->status)
			e = &r->dist->errors[i];
	if (e == NULL || e->page == NULL)
		return;
	sub = *r;
	sub.path = e->page;
	sub.beh = cf_behavior_for(r->dist, e->page);
	HOP(r, "CustomErrorResponses: %d -> page %s through behaviour %s", o->status, e->page,
	    sub.beh->pattern);
	{
		struct fg_http_req get = *r->req;

		get.method = "GET";
		get.body = "";
		get.body_len = 0;
		sub.req = &get;
		obtain(&sub, &po, &failed);
	}
	if (failed || po.status < 200 || po.status > 299) {
		HOP(r, "the error page answered %d: the original response is kept", po.status);
		return;
	}
	po.status = e->response_code ? e->response_code : o->status;
	*o = po;
	r->x_cache = sub.x_cache;
}

static enum cf_step obtain_step(struct cf_rq *r)
{
	struct cf_obj o;
	bool failed;

	obtain(r, &o, &failed);
	custom_error(r, &o);
	cf_resp_policy(r, &o);
	cf_resp_compress(r, &o);
	if (o.status >= 400)
		r->x_cache = "Error from cloudfront";
	if (failed)
		r->generated = true;
	cf_resp_deliver(r, &o);
	HOP(r, "%d to the viewer, %s", o.status, r->x_cache);
	return CF_DONE;
}

/* --------------------------------------------------------------- the machine */

void cf_serve(void *self, const struct stack_world *w, const void *view,
	      struct fg_http_req *req, struct fg_http_resp *resp, struct fg_trace *t)
{
	struct cf_rq r;
	enum cf_step s = CF_RECV;

	start(&r, self, w, view, req, resp, t);
	r.dist = cf_view_find(view, req->host, NULL);
	if (r.dist == NULL) {  /* claimed by another world's view: answer as unknown */
		page(&r, 403, CF_REASON_BAD_REQUEST, "no distribution has this name");
		return;
	}
	while (s != CF_DONE) {
		switch (s) {
		case CF_RECV: s = recv_step(&r); break;
		case CF_ROUTE: s = route_step(&r); break;
		case CF_VIEWER: s = viewer_step(&r); break;
		case CF_OBTAIN: s = obtain_step(&r); break;
		case CF_DONE: break;
		}
	}
}
