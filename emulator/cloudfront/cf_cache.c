/*
 * cf_cache.c: CloudFront's cache (aws-behavior.md §6.7, §6.9) on frontgate's clock.
 *
 * - The key: the distribution, the path (and the method for OPTIONS), then exactly what the
 *   behaviour's cache policy puts in it — the query strings, headers and cookies it selects,
 *   and the normalised Accept-Encoding when it enables gzip or Brotli.
 * - The TTL rules of §6.7 (cf_ttl_decide): Cache-Control s-maxage over max-age over Expires,
 *   clamped into [MinTTL, MaxTTL]; DefaultTTL without any; no-store / no-cache / private not
 *   cached when MinTTL is 0, cached for MinTTL otherwise; error responses by the always /
 *   only-with-max-age lists for max(ErrorCachingMinTTL, the origin's max-age). A policy whose
 *   MaxTTL is 0 (CachingDisabled) caches nothing at all.
 * - The store: one per instance (never a global), a hash of entries with an LRU list bounded
 *   in bytes (fidelity switch cache-mib); every entry owns malloc'd copies, so it outlives
 *   worlds; a mutex guards it (two MHD threads serve at once). Entries remember their
 *   distribution and path for invalidations (exact path, or a prefix ending in '*').
 */
#include "cloudfront/cf_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* --------------------------------------------------------------------- TTL */

struct cc {
	bool no_store, no_cache, private_, has_max_age, has_s_maxage;
	int64_t max_age, s_maxage;
};

static void cc_parse(const char *s, struct cc *c)
{
	memset(c, 0, sizeof(*c));
	while (s != NULL && *s) {
		size_t n;

		s += strspn(s, " ,\t");
		n = strcspn(s, ",");
		if (strncasecmp(s, "no-store", 8) == 0)
			c->no_store = true;
		else if (strncasecmp(s, "no-cache", 8) == 0)
			c->no_cache = true;
		else if (strncasecmp(s, "private", 7) == 0)
			c->private_ = true;
		else if (strncasecmp(s, "s-maxage=", 9) == 0 && isdigit((unsigned char)s[9])) {
			c->has_s_maxage = true;
			c->s_maxage = strtoll(s + 9, NULL, 10);
		} else if (strncasecmp(s, "max-age=", 8) == 0 && isdigit((unsigned char)s[8])) {
			c->has_max_age = true;
			c->max_age = strtoll(s + 8, NULL, 10);
		}
		s += n;
	}
}

/* An HTTP date (RFC 1123) in ms; -1 when it does not parse. */
static int64_t http_date(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm)) == NULL)
		return -1;
	return (int64_t)timegm(&tm) * 1000;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static bool status_in(int status, const int *set, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (set[i] == status)
			return true;
	}
	return false;
}

static const int ALWAYS_ERR[] = { 404, 414, 500, 501, 502, 503, 504 };
static const int MAXAGE_ERR[] = { 400, 403, 405, 412, 415 };
static const int CACHEABLE[] = { 200, 203, 204, 206, 300, 301, 302, 307, 308, 410 };
#define N(a) (sizeof(a) / sizeof((a)[0]))

static void ttl_error(struct fg_arena *a, int status, const struct cc *c,
		      int64_t error_min_ttl, struct cf_ttl *out)
{
	bool has = c->has_s_maxage || c->has_max_age;
	int64_t origin = c->has_s_maxage ? c->s_maxage : c->max_age;

	if (!status_in(status, ALWAYS_ERR, N(ALWAYS_ERR)) &&
	    !(has && status_in(status, MAXAGE_ERR, N(MAXAGE_ERR)))) {
		out->why = fg_arena_printf(a, "%d is not cached (§6.7: %s)", status,
					   status_in(status, MAXAGE_ERR, N(MAXAGE_ERR))
					   ? "only with max-age or s-maxage" : "not a cacheable error");
		return;
	}
	out->ttl = has && origin > error_min_ttl ? origin : error_min_ttl;
	out->cacheable = out->ttl > 0;
	out->why = fg_arena_printf(a, "error %d cached for %lld s (§6.7: max(ErrorCachingMinTTL "
				   "%lld, the origin's %s))", status, (long long)out->ttl,
				   (long long)error_min_ttl, has ? "max-age" : "none");
}

void cf_ttl_decide(struct fg_arena *a, const struct cf_cache_policy *cp, int status,
		   const char *cache_control, const char *expires, int64_t now_ms,
		   int64_t error_min_ttl, struct cf_ttl *out)
{
	struct cc c;
	int64_t exp;

	memset(out, 0, sizeof(*out));
	cc_parse(cache_control, &c);
	if (cp->max_ttl == 0) {
		out->why = "the cache policy's MaxTTL is 0: nothing is cached";
		return;
	}
	if (status >= 400) {
		ttl_error(a, status, &c, error_min_ttl, out);
		return;
	}
	if (!status_in(status, CACHEABLE, N(CACHEABLE))) {
		out->why = fg_arena_printf(a, "status %d is not cached", status);
		return;
	}
	if (c.no_store || c.no_cache || c.private_) {
		out->ttl = cp->min_ttl;
		out->why = fg_arena_printf(a, "Cache-Control %s: %s", c.no_store ? "no-store"
					   : c.no_cache ? "no-cache" : "private", cp->min_ttl
					   ? "cached for MinTTL (§6.7)" : "not cached (MinTTL 0, §6.7)");
	} else if (c.has_s_maxage || c.has_max_age) {
		int64_t v = c.has_s_maxage ? c.s_maxage : c.max_age;

		out->ttl = clamp(v, cp->min_ttl, cp->max_ttl);
		out->why = fg_arena_printf(a, "%s=%lld clamped into [MinTTL %lld, MaxTTL %lld] "
					   "(§6.7)", c.has_s_maxage ? "s-maxage" : "max-age",
					   (long long)v, (long long)cp->min_ttl,
					   (long long)cp->max_ttl);
	} else if ((exp = http_date(expires)) >= 0) {
		int64_t v = exp > now_ms ? (exp - now_ms) / 1000 : 0;

		out->ttl = clamp(v, cp->min_ttl, cp->max_ttl);
		out->why = fg_arena_printf(a, "Expires in %lld s, clamped into [%lld, %lld] "
					   "(§6.7)", (long long)v, (long long)cp->min_ttl,
					   (long long)cp->max_ttl);
	} else {
		out->ttl = cp->default_ttl > cp->min_ttl ? cp->default_ttl : cp->min_ttl;
		out->why = fg_arena_printf(a, "no Cache-Control max-age or Expires: DefaultTTL "
					   "%lld (§6.7)", (long long)out->ttl);
	}
	out->cacheable = out->ttl > 0;
}

/* --------------------------------------------------------------------- key */

static void key_query(struct cf_rq *r, struct fg_buf *k)
{
	const struct cf_select *s = &r->beh->cp->query;
	const char *p = r->req->query;

	if (s->how == CF_SEL_NONE)
		return;
	fg_buf_puts(k, "\n?");
	if (s->how == CF_SEL_ALL) {
		fg_buf_puts(k, p);
		return;
	}
	while (*p) {
		size_t n = strcspn(p, "&"), kn = strcspn(p, "=&");
		char *name = fg_http_decode(r->arena, fg_arena_strndup(r->arena, p, kn), true);

		if (n > 0 && cf_select_has(s, name, false))
			fg_buf_printf(k, "%.*s&", (int)n, p);
		p += n;
		if (*p == '&')
			p++;
	}
}

static void key_headers(struct cf_rq *r, struct fg_buf *k)
{
	const struct cf_select *s = &r->beh->cp->headers;

	for (size_t i = 0; s->how == CF_SEL_WHITELIST && i < s->n; i++) {
		const char *v = fg_http_header(r->req, s->names[i]);

		if (strcasecmp(s->names[i], "Host") == 0)
			v = r->req->host;
		fg_buf_printf(k, "\nh:%s=%s", s->names[i], v ? v : "");
	}
}

static void key_cookies(struct cf_rq *r, struct fg_buf *k)
{
	const struct cf_select *s = &r->beh->cp->cookies;
	const char *p = fg_http_header(r->req, "Cookie");

	if (s->how == CF_SEL_NONE || p == NULL)
		return;
	fg_buf_puts(k, "\nc:");
	while (*p) {
		size_t n, kn;

		p += strspn(p, " ;");
		n = strcspn(p, ";");
		kn = strcspn(p, "=;");
		if (n > 0 && cf_select_has(s, fg_arena_strndup(r->arena, p, kn), false))
			fg_buf_printf(k, "%.*s;", (int)n, p);
		p += n;
	}
}

const char *cf_cache_key(struct cf_rq *r)
{
	const struct cf_cache_policy *cp = r->beh->cp;
	struct fg_buf k;
	const char *ae, *out;

	fg_buf_init(&k);
	fg_buf_printf(&k, "%s\n%s%s", r->dist->id,
		      strcmp(r->req->method, "OPTIONS") == 0 ? "OPTIONS " : "", r->path);
	key_query(r, &k);
	key_headers(r, &k);
	key_cookies(r, &k);
	ae = cf_accept_encoding(fg_http_header(r->req, "Accept-Encoding"), cp->gzip, cp->brotli);
	if (ae != NULL)
		fg_buf_printf(&k, "\nae:%s", ae);
	out = fg_arena_strdup(r->arena, k.data);
	fg_buf_free(&k);
	return out;
}

/* ------------------------------------------------------------------- store */

struct entry {
	char *key, *dist, *path;
	int status;
	struct fg_http_header *h;
	size_t nh;
	char *body;
	size_t len, bytes;
	int64_t stored_ms, expires_ms;
	struct entry *prev, *next;     /* LRU: head is the most recent */
	struct entry *hnext;
};

struct cf_cache {
	pthread_mutex_t mu;
	struct entry **buckets;
	size_t nbuckets, n, bytes, limit;
	struct entry *head, *tail;
	uint64_t hits, misses;
};

static size_t bucket_of(const struct cf_cache *c, const char *key)
{
	const char *parts[1] = { key };

	return (size_t)(fg_hash64(parts, 1) & (c->nbuckets - 1));
}

struct cf_cache *cf_cache_new(size_t limit_bytes)
{
	struct cf_cache *c = calloc(1, sizeof(*c));

	FG_ASSERT(c != NULL);
	pthread_mutex_init(&c->mu, NULL);
	c->nbuckets = 1024;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	FG_ASSERT(c->buckets != NULL);
	c->limit = limit_bytes;
	return c;
}

static void entry_free(struct entry *e)
{
	for (size_t i = 0; i < e->nh; i++) {
		free((char *)e->h[i].name);
		free((char *)e->h[i].value);
	}
	free(e->h);
	free(e->body);
	free(e->key);
	free(e->dist);
	free(e->path);
	free(e);
}

void cf_cache_destroy(struct cf_cache **cp)
{
	struct cf_cache *c = *cp;

	if (c == NULL)
		return;
	while (c->head != NULL) {
		struct entry *e = c->head;

		c->head = e->next;
		entry_free(e);
	}
	free(c->buckets);
	pthread_mutex_destroy(&c->mu);
	free(c);
	*cp = NULL;
}

void cf_cache_set_limit(struct cf_cache *c, size_t limit_bytes)
{
	pthread_mutex_lock(&c->mu);
	c->limit = limit_bytes;
	pthread_mutex_unlock(&c->mu);
}

static void lru_unlink(struct cf_cache *c, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_front(struct cf_cache *c, struct entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

static struct entry *find(struct cf_cache *c, const char *key, struct entry ***slot)
{
	struct entry **pp = &c->buckets[bucket_of(c, key)];

	for (; *pp != NULL; pp = &(*pp)->hnext) {
		if (strcmp((*pp)->key, key) == 0)
			break;
	}
	if (slot != NULL)
		*slot = pp;
	return *pp;
}

static void remove_entry(struct cf_cache *c, struct entry *e)
{
	struct entry **pp;

	find(c, e->key, &pp);
	*pp = e->hnext;
	lru_unlink(c, e);
	c->n--;
	c->bytes -= e->bytes;
	entry_free(e);
}

bool cf_cache_get(struct cf_cache *c, const char *key, int64_t now_ms, struct fg_arena *a,
		  struct cf_hit *out)
{
	struct entry *e;

	pthread_mutex_lock(&c->mu);
	e = find(c, key, NULL);
	if (e != NULL) {
		lru_unlink(c, e);
		lru_front(c, e);
		out->obj.status = e->status;
		out->obj.nh = e->nh;
		out->obj.h = fg_arena_alloc(a, (e->nh + 1) * sizeof(*out->obj.h));
		for (size_t i = 0; i < e->nh; i++) {
			out->obj.h[i].name = fg_arena_strdup(a, e->h[i].name);
			out->obj.h[i].value = fg_arena_strdup(a, e->h[i].value);
		}
		out->obj.body = fg_arena_strndup(a, e->body ? e->body : "", e->len);
		out->obj.len = e->len;
		out->stored_ms = e->stored_ms;
		out->expires_ms = e->expires_ms;
		out->fresh = now_ms < e->expires_ms;
	}
	pthread_mutex_unlock(&c->mu);
	return e != NULL;
}

static void evict(struct cf_cache *c)
{
	while (c->bytes > c->limit && c->tail != NULL)
		remove_entry(c, c->tail);
}

static struct entry *entry_new(const char *key, const char *dist, const char *path,
			       const struct cf_obj *o)
{
	struct entry *e = calloc(1, sizeof(*e));

	FG_ASSERT(e != NULL);
	e->key = strdup(key);
	e->dist = strdup(dist);
	e->path = strdup(path);
	e->status = o->status;
	e->h = calloc(o->nh + 1, sizeof(*e->h));
	FG_ASSERT(e->key && e->dist && e->path && e->h);
	e->bytes = sizeof(*e) + strlen(key) + o->len;
	for (size_t i = 0; i < o->nh; i++) {
		e->h[i].name = strdup(o->h[i].name);
		e->h[i].value = strdup(o->h[i].value);
		e->bytes += strlen(o->h[i].name) + strlen(o->h[i].value) + 2;
	}
	e->nh = o->nh;
	e->body = malloc(o->len + 1);
	FG_ASSERT(e->body != NULL);
	memcpy(e->body, o->body ? o->body : "", o->len);
	e->body[o->len] = '\0';
	e->len = o->len;
	return e;
}

void cf_cache_put(struct cf_cache *c, const char *key, const char *dist, const char *path,
		  const struct cf_obj *o, int64_t now_ms, int64_t ttl)
{
	struct entry *e = entry_new(key, dist, path, o), *old, **slot;

	e->stored_ms = now_ms;
	e->expires_ms = now_ms + ttl * 1000;
	pthread_mutex_lock(&c->mu);
	if ((old = find(c, key, NULL)) != NULL)
		remove_entry(c, old);
	if (e->bytes > c->limit) {  /* larger than the whole cache: not kept */
		pthread_mutex_unlock(&c->mu);
		entry_free(e);
		return;
	}
	find(c, key, &slot);
	*slot = e;
	lru_front(c, e);
	c->n++;
	c->bytes += e->bytes;
	evict(c);
	pthread_mutex_unlock(&c->mu);
}

void cf_cache_refresh(struct cf_cache *c, const char *key, int64_t now_ms, int64_t ttl)
{
	struct entry *e;

	pthread_mutex_lock(&c->mu);
	if ((e = find(c, key, NULL)) != NULL) {
		e->stored_ms = now_ms;
		e->expires_ms = now_ms + ttl * 1000;
	}
	pthread_mutex_unlock(&c->mu);
}

static bool path_matches(const char *pattern, const char *path)
{
	size_t n = strlen(pattern);

	if (n > 0 && pattern[n - 1] == '*')
		return strncmp(pattern, path, n - 1) == 0;
	return strcmp(pattern, path) == 0;
}

size_t cf_cache_purge(struct cf_cache *c, const char *dist_id, const char *path)
{
	size_t purged = 0;

	pthread_mutex_lock(&c->mu);
	for (struct entry *e = c->head, *next; e != NULL; e = next) {
		next = e->next;
		if (strcmp(e->dist, dist_id) == 0 && path_matches(path, e->path)) {
			remove_entry(c, e);
			purged++;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return purged;
}

void cf_cache_count(struct cf_cache *c, bool hit)
{
	pthread_mutex_lock(&c->mu);
	if (hit)
		c->hits++;
	else
		c->misses++;
	pthread_mutex_unlock(&c->mu);
}

void cf_cache_stats_get(struct cf_cache *c, struct cloudfront_cache_stats *out)
{
	pthread_mutex_lock(&c->mu);
	out->entries = c->n;
	out->bytes = c->bytes;
	out->limit = c->limit;
	out->hits = c->hits;
	out->misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}

size_t cf_cache_sweep(struct cf_cache *c, bool (*keep)(const char *dist, void *arg), void *arg)
{
	size_t gone = 0;

	pthread_mutex_lock(&c->mu);
	for (struct entry *e = c->head, *next; e != NULL; e = next) {
		next = e->next;
		if (!keep(e->dist, arg)) {
			remove_entry(c, e);
			gone++;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return gone;
}
