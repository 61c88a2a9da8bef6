/*
 * test_cache.c: the cache's pure parts — the TTL rules of aws-behavior.md §6.7 (cf_ttl_decide),
 * the normalised Accept-Encoding (§6.4, §6.8), and the store: hits and expiry on a given
 * clock, replacement, invalidation by exact path and by prefix (§6.9), the byte bound (LRU
 * eviction), sweeping a distribution that is gone; request collapsing (§6.7): a second miss
 * on a key waits for the first and wakes when it lands, other keys do not wait, a wait has
 * a bound.
 */
#include "harness.h"

#include <pthread.h>
#include <sched.h>

static const struct cf_cache_policy P0 = { "p0", "p0", false, 0, 86400, 31536000,
					   { CF_SEL_NONE, NULL, 0 }, { CF_SEL_NONE, NULL, 0 },
					   { CF_SEL_NONE, NULL, 0 }, true, true };
static const struct cf_cache_policy P50 = { "p50", "p50", false, 50, 60, 100,
					    { CF_SEL_NONE, NULL, 0 }, { CF_SEL_NONE, NULL, 0 },
					    { CF_SEL_NONE, NULL, 0 }, false, false };
static const struct cf_cache_policy OFF = { "off", "off", false, 0, 0, 0,
					    { CF_SEL_NONE, NULL, 0 }, { CF_SEL_NONE, NULL, 0 },
					    { CF_SEL_NONE, NULL, 0 }, false, false };

#define NOW 1767225600000LL /* Thu, 01 Jan 2026 00:00:00 GMT */

static int64_t ttl(const struct cf_cache_policy *p, int status, const char *cc,
		   const char *expires, bool *cacheable)
{
	struct fg_arena *a = fg_arena_new(1024);
	struct cf_ttl t;

	cf_ttl_decide(a, p, status, cc, expires, NOW, 10, &t);
	*cacheable = t.cacheable;
	fg_arena_destroy(&a);
	return t.ttl;
}

static void test_ttl(void)
{
	bool c;

	is_int(ttl(&P0, 200, NULL, NULL, &c), 86400, "§6.7 no header: DefaultTTL");
	is_int(ttl(&P0, 200, "max-age=30", NULL, &c), 30, "max-age");
	is_int(ttl(&P0, 200, "public, max-age=30, s-maxage=5", NULL, &c), 5,
	       "s-maxage wins over max-age");
	is_int(ttl(&P0, 200, "max-age=99999999999", NULL, &c), 31536000, "capped at MaxTTL");
	is_int(ttl(&P0, 200, NULL, "Thu, 01 Jan 2026 00:10:00 GMT", &c), 600, "Expires");
	is_int(ttl(&P0, 200, "max-age=5", "Thu, 01 Jan 2026 00:10:00 GMT", &c), 5,
	       "max-age beats Expires");
	ttl(&P0, 200, NULL, "Wed, 31 Dec 2025 00:00:00 GMT", &c);
	ok(!c, "an Expires in the past with MinTTL 0: not cached");
	ttl(&P0, 200, "no-store", NULL, &c);
	ok(!c, "no-store with MinTTL 0: not cached");
	ttl(&P0, 200, "private, max-age=60", NULL, &c);
	ok(!c, "private with MinTTL 0: not cached");
	is_int(ttl(&P50, 200, "no-cache", NULL, &c), 50, "no-cache with MinTTL 50: MinTTL");
	ok(c, "and cached");
	is_int(ttl(&P50, 200, "max-age=10", NULL, &c), 50, "clamped up to MinTTL");
	is_int(ttl(&P50, 200, "max-age=1000", NULL, &c), 100, "clamped down to MaxTTL");
	is_int(ttl(&P50, 200, NULL, NULL, &c), 60, "DefaultTTL within the range");
	is_int(ttl(&P0, 404, NULL, NULL, &c), 10, "404 always cached: ErrorCachingMinTTL");
	is_int(ttl(&P0, 503, "max-age=60", NULL, &c), 60, "5xx: max(ErrorCachingMinTTL, max-age)");
	ttl(&P0, 403, NULL, NULL, &c);
	ok(!c, "403 without max-age: not cached");
	is_int(ttl(&P0, 403, "max-age=3", NULL, &c), 10, "403 with max-age: cached, at least 10");
	ttl(&P0, 401, "max-age=60", NULL, &c);
	ok(!c, "401 is never cached");
	ttl(&P0, 304, NULL, NULL, &c);
	ok(!c, "304 is not stored");
	ttl(&OFF, 200, "max-age=60", NULL, &c);
	ok(!c, "MaxTTL 0 (CachingDisabled): nothing, ...");
	ttl(&OFF, 404, NULL, NULL, &c);
	ok(!c, "... not even errors");
}

static void test_accept_encoding(void)
{
	is_str(cf_accept_encoding("gzip, deflate, br", true, true), "br,gzip", "§6.4 both");
	is_str(cf_accept_encoding("deflate, gzip;q=0.5", true, true), "gzip", "gzip only");
	ok(cf_accept_encoding("deflate, identity", true, true) == NULL, "neither: none");
	is_str(cf_accept_encoding("br, gzip", true, false), "gzip", "the policy's flags count");
	ok(cf_accept_encoding("gzipped", true, true) == NULL, "whole tokens only");
}

static struct cf_obj obj(const char *body)
{
	static struct fg_http_header h[1] = { { "Content-Type", "text/plain" } };
	struct cf_obj o = { 200, h, 1, body, strlen(body) };

	return o;
}

static void test_store(void)
{
	struct cf_cache *c = cf_cache_new(1 << 20);
	struct fg_arena *a = fg_arena_new(4096);
	struct cf_obj o = obj("hello");
	struct cf_hit h;

	cf_cache_put(c, "E1\n/a", "E1", "/a", &o, NOW, 60);
	ok(cf_cache_get(c, "E1\n/a", NOW + 59000, a, &h) && h.fresh, "fresh within the TTL");
	is_str(h.obj.body, "hello", "the body");
	is_str(h.obj.h[0].value, "text/plain", "the headers");
	ok(cf_cache_get(c, "E1\n/a", NOW + 60000, a, &h) && !h.fresh, "stale at the TTL");
	cf_cache_refresh(c, "E1\n/a", NOW + 60000, 10);
	ok(cf_cache_get(c, "E1\n/a", NOW + 65000, a, &h) && h.fresh, "refreshed (RefreshHit)");
	ok(!cf_cache_get(c, "E1\n/b", NOW, a, &h), "another key: absent");
	cf_cache_put(c, "E1\n/img/1", "E1", "/img/1", &o, NOW, 60);
	cf_cache_put(c, "E1\n/img/2\n?v=1", "E1", "/img/2", &o, NOW, 60);
	cf_cache_put(c, "E2\n/img/1", "E2", "/img/1", &o, NOW, 60);
	is_int(cf_cache_purge(c, "E1", "/img/1"), 1, "§6.9 an exact path");
	is_int(cf_cache_purge(c, "E1", "/img/*"), 1, "§6.9 a prefix (query variants included)");
	ok(cf_cache_get(c, "E2\n/img/1", NOW, a, &h), "another distribution is untouched");
	cf_cache_destroy(&c);
	ok(c == NULL, "destroyed");
	fg_arena_destroy(&a);
}

static bool keep_e1(const char *dist, void *arg)
{
	return strcmp(dist, "E1") == 0;
}

static void test_bound(void)
{
	struct cf_cache *c = cf_cache_new(4096);
	struct fg_arena *a = fg_arena_new(4096);
	char body[1500], key[32];
	struct cf_obj o;
	struct cf_hit h;
	struct cloudfront_cache_stats st;

	memset(body, 'x', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	o = obj(body);
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "E1\n/%d", i);
		cf_cache_put(c, key, "E1", key + 3, &o, NOW, 60);
		if (i == 1)  /* touch /0: the least recently used is then /1 */
			cf_cache_get(c, "E1\n/0", NOW, a, &h);
	}
	cf_cache_stats_get(c, &st);
	ok(st.bytes <= 4096, "the byte bound holds (%zu bytes)", st.bytes);
	ok(cf_cache_get(c, "E1\n/4", NOW, a, &h), "the newest is kept");
	ok(!cf_cache_get(c, "E1\n/1", NOW, a, &h), "the least recently used went first");
	cf_cache_put(c, "E2\n/x", "E2", "/x", &o, NOW, 60);
	is_int(cf_cache_sweep(c, keep_e1, NULL), 1, "sweeping a distribution that is gone");
	memset(body, 'y', sizeof(body) - 1);
	cf_cache_set_limit(c, 100);
	cf_cache_put(c, "E1\n/huge", "E1", "/huge", &o, NOW, 60);
	ok(!cf_cache_get(c, "E1\n/huge", NOW, a, &h), "an object larger than the bound is not kept");
	cf_cache_destroy(&c);
	fg_arena_destroy(&a);
}

struct joiner {
	struct cf_flights *f;
	enum cf_collapse how;
};

static void *join_thread(void *arg)
{
	struct joiner *j = arg;
	struct cf_flight *lead;

	j->how = cf_flights_join(j->f, "GET d1 /a", 60000, &lead);
	return NULL;
}

static unsigned waiting(struct cf_flights *f)
{
	unsigned n;
	uint64_t total;

	cf_flights_stats(f, &n, &total);
	return n;
}

static void test_collapse(void)
{
	struct cf_flights *f = cf_flights_new();
	struct cf_flight *lead, *other, *again;
	struct joiner j = { f, CF_COLLAPSE_LEAD };
	pthread_t th;
	uint64_t total;
	unsigned n;

	ok(cf_flights_join(f, "GET d1 /a", 60000, &lead) == CF_COLLAPSE_LEAD && lead != NULL,
	   "collapse: the first miss on a key leads");
	ok(cf_flights_join(f, "GET d1 /b", 60000, &other) == CF_COLLAPSE_LEAD && other != NULL,
	   "collapse: a miss on another key does not wait");
	pthread_create(&th, NULL, join_thread, &j);
	while (waiting(f) != 1)        /* the second miss on /a is waiting for the leader */
		sched_yield();
	cf_flights_land(f, lead);
	pthread_join(th, NULL);
	ok(j.how == CF_COLLAPSE_LANDED, "collapse: the waiter wakes when the leader lands");
	ok(cf_flights_join(f, "GET d1 /a", 60000, &again) == CF_COLLAPSE_LEAD && again != NULL,
	   "collapse: after landing, the next miss leads a new flight");
	ok(cf_flights_join(f, "GET d1 /b", 1, &lead) == CF_COLLAPSE_TIMEOUT && lead == NULL,
	   "collapse: a wait is bounded (the leader never landed)");
	cf_flights_land(f, other);
	cf_flights_land(f, again);
	cf_flights_stats(f, &n, &total);
	ok(n == 0 && total == 2, "collapse: stats count waiting now (%u) and waited (%llu)", n,
	   (unsigned long long)total);
	cf_flights_destroy(&f);
	ok(f == NULL, "collapse: destroyed");
}

int main(void)
{
	test_ttl();
	test_accept_encoding();
	test_store();
	test_bound();
	test_collapse();
	return tap_done();
}
