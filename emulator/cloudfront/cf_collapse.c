/*
 * cf_collapse.c: request collapsing (aws-behavior.md §6.7). When several viewers miss on the
 * same cache key at once, the first goes to the origin and the others wait for its response;
 * once it is stored they are served from the cache (CloudFront logs them as hits). When the
 * response was not cached, each waiter goes to the origin itself.
 *
 * One table per instance, guarded by its own mutex; a flight lives while its leader fetches
 * and its waiters wake, and is freed by whoever leaves it last.
 */
#include "cloudfront/cf_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cf_flight {
	struct cf_flight *next;
	char *key;
	unsigned waiters;
	bool landed;
};

struct cf_flights {
	pthread_mutex_t mu;
	pthread_cond_t landed;         /* broadcast when any flight lands */
	struct cf_flight *head;
	unsigned waiting;              /* requests waiting now (GET /cloudfront/cache) */
	uint64_t collapsed;            /* requests that waited, since start */
};

struct cf_flights *cf_flights_new(void)
{
	struct cf_flights *f = calloc(1, sizeof(*f));
	pthread_condattr_t ca;

	FG_ASSERT(f != NULL);
	pthread_mutex_init(&f->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->landed, &ca);
	pthread_condattr_destroy(&ca);
	return f;
}

void cf_flights_destroy(struct cf_flights **fp)
{
	struct cf_flights *f = *fp;

	if (f == NULL)
		return;
	while (f->head != NULL) {      /* none left once every request has ended */
		struct cf_flight *x = f->head;

		f->head = x->next;
		free(x->key);
		free(x);
	}
	pthread_cond_destroy(&f->landed);
	pthread_mutex_destroy(&f->mu);
	free(f);
	*fp = NULL;
}

static struct cf_flight **find(struct cf_flights *f, const char *key)
{
	struct cf_flight **pp = &f->head;

	while (*pp != NULL && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

static void unlink_flight(struct cf_flights *f, struct cf_flight *x)
{
	struct cf_flight **pp = &f->head;

	while (*pp != x)
		pp = &(*pp)->next;
	*pp = x->next;
	free(x->key);
	free(x);
}

static struct timespec deadline(int64_t wait_ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += wait_ms / 1000;
	ts.tv_nsec += (wait_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Waits (mutex held) until x lands or the deadline passes; leaves the flight. */
static bool wait_landing(struct cf_flights *f, struct cf_flight *x, int64_t wait_ms)
{
	struct timespec until = deadline(wait_ms);
	bool landed;

	x->waiters++;
	f->waiting++;
	f->collapsed++;
	while (!x->landed) {
		if (pthread_cond_timedwait(&f->landed, &f->mu, &until) == ETIMEDOUT)
			break;
	}
	landed = x->landed;
	f->waiting--;
	if (--x->waiters == 0 && x->landed)
		unlink_flight(f, x);
	return landed;
}

enum cf_collapse cf_flights_join(struct cf_flights *f, const char *key, int64_t wait_ms,
				 struct cf_flight **lead)
{
	struct cf_flight **pp, *x;
	enum cf_collapse how;

	*lead = NULL;
	pthread_mutex_lock(&f->mu);
	pp = find(f, key);
	if (*pp == NULL || (*pp)->landed) {
		x = calloc(1, sizeof(*x));
		FG_ASSERT(x != NULL);
		x->key = strdup(key);
		FG_ASSERT(x->key != NULL);
		x->next = f->head;
		f->head = x;
		*lead = x;
		how = CF_COLLAPSE_LEAD;
	} else {
		how = wait_landing(f, *pp, wait_ms) ? CF_COLLAPSE_LANDED : CF_COLLAPSE_TIMEOUT;
	}
	pthread_mutex_unlock(&f->mu);
	return how;
}

void cf_flights_land(struct cf_flights *f, struct cf_flight *x)
{
	if (x == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	x->landed = true;
	if (x->waiters == 0)
		unlink_flight(f, x);
	pthread_cond_broadcast(&f->landed);
	pthread_mutex_unlock(&f->mu);
}

void cf_flights_stats(struct cf_flights *f, unsigned *waiting, uint64_t *collapsed)
{
	pthread_mutex_lock(&f->mu);
	*waiting = f->waiting;
	*collapsed = f->collapsed;
	pthread_mutex_unlock(&f->mu);
}
