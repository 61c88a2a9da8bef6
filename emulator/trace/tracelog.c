/*
 * tracelog.c: the queue between request threads and the store. Requests append a copy of
 * each finished trace under a mutex (no formatting, no I/O). One writer thread serialises
 * them and moves them into SQLite in batches, one transaction per batch: it waits up to
 * BATCH_WAIT_MS for a batch to fill (BATCH_MAX) unless someone is waiting for it
 * (fg_tracelog_flush: the control API reads its own writes) or the log is stopping. The
 * store trims the ring to its limit (fg_store_traces_append).
 *
 * The queue holds at most `limit` traces: when requests come faster than the writer stores
 * them, the oldest queued trace is dropped, as the store would trim it anyway once the
 * `limit` newer ones are in (reads see the newest `limit` either way). Unbounded, the queue
 * grew by hundreds of MiB a second under a CloudFront load (two traces per request).
 *
 * With an in-memory database (--db :memory:, what test suites use) there is nothing to
 * persist, and a SQLite table in memory is only a slow ring buffer: the log then keeps the
 * newest `limit` trace clones in an array ring instead, with no writer thread, and serialises
 * a trace only when someone reads it. On the benchmark's canned-Lambda point the SQLite
 * insert and the serialisation were about a third of frontgate's CPU.
 */
#include "trace/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX 256
#define BATCH_WAIT_MS 20

struct item {
	struct item *next;
	struct fg_trace *t;      /* a clone, owned */
};

struct fg_tracelog {
	bool in_memory;           /* the ring below, no writer thread, no store */
	struct fg_trace **ring;   /* in_memory: limit slots, the newest at ring[next - 1] */
	size_t ring_n, next;
	struct fg_store *st;
	struct fg_log *log;
	size_t limit;
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t wake, done;
	struct item *head, **tail;
	uint64_t queued, written; /* sequence numbers for flush */
	uint64_t flush_upto;      /* a flusher waits for this sequence number */
	size_t pending;           /* items in head, at most limit */
	uint64_t dropped;         /* queued traces dropped for newer ones (see the top) */
	bool idle;                /* the writer waits for a first item (push signals it) */
	bool stop;
};

static void free_items(struct item *it)
{
	while (it != NULL) {
		struct item *n = it->next;

		fg_trace_free(&it->t);
		free(it);
		it = n;
	}
}

static void write_batch(struct fg_tracelog *tl, struct item *batch)
{
	struct fg_store_trace v[BATCH_MAX];
	char *docs[BATCH_MAX];
	struct fg_err err;
	size_t n = 0;

	for (struct item *it = batch; it != NULL; it = it->next) {
		docs[n] = fg_trace_json(it->t);
		v[n].id = fg_trace_id(it->t);
		v[n].doc = docs[n];
		v[n].at_ms = fg_trace_at(it->t);
		if (++n == BATCH_MAX || it->next == NULL) {
			fg_err_clear(&err);
			if (fg_store_traces_append(tl->st, v, n, tl->limit, &err) != 0)
				fg_log(tl->log, FG_LOG_WARN, "trace", "traces not kept: %s",
				       err.message);
			while (n > 0)
				free(docs[--n]);
		}
	}
}

/* Under mu: true when the writer should write what is queued now rather than wait for more. */
static bool batch_due(const struct fg_tracelog *tl)
{
	return tl->stop || tl->pending >= BATCH_MAX || tl->flush_upto > tl->written;
}

/* Under mu, with something queued: waits until the batch is due or BATCH_WAIT_MS passed. */
static void wait_for_batch(struct fg_tracelog *tl)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += BATCH_WAIT_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!batch_due(tl)) {
		if (pthread_cond_timedwait(&tl->wake, &tl->mu, &until) == ETIMEDOUT)
			break;
	}
}

static void *writer(void *arg)
{
	struct fg_tracelog *tl = arg;

	pthread_mutex_lock(&tl->mu);
	for (;;) {
		tl->idle = true;
		while (tl->head == NULL && !tl->stop)
			pthread_cond_wait(&tl->wake, &tl->mu);
		tl->idle = false;
		if (tl->head == NULL && tl->stop)
			break;
		wait_for_batch(tl);
		struct item *batch = tl->head;
		uint64_t upto = tl->queued;

		tl->head = NULL;
		tl->tail = &tl->head;
		tl->pending = 0;
		pthread_mutex_unlock(&tl->mu);
		write_batch(tl, batch);
		free_items(batch);
		pthread_mutex_lock(&tl->mu);
		tl->written = upto;
		pthread_cond_broadcast(&tl->done);
	}
	pthread_mutex_unlock(&tl->mu);
	return NULL;
}

struct fg_tracelog *fg_tracelog_new(struct fg_store *st, size_t limit, bool in_memory,
				   struct fg_log *log)
{
	struct fg_tracelog *tl = calloc(1, sizeof(*tl));

	FG_ASSERT(tl != NULL);
	tl->st = st;
	tl->log = log;
	tl->limit = limit > 0 ? limit : 1;
	tl->tail = &tl->head;
	pthread_mutex_init(&tl->mu, NULL);
	if (in_memory) {
		tl->in_memory = true;
		tl->ring = calloc(tl->limit, sizeof(*tl->ring));
		FG_ASSERT(tl->ring != NULL);
		return tl;
	}
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&tl->wake, &ca);
		pthread_condattr_destroy(&ca);
	}
	pthread_cond_init(&tl->done, NULL);
	FG_ASSERT(pthread_create(&tl->thr, NULL, writer, tl) == 0);
	return tl;
}

static void ring_clear(struct fg_tracelog *tl)
{
	for (size_t i = 0; i < tl->limit; i++)
		fg_trace_free(&tl->ring[i]);
	tl->ring_n = tl->next = 0;
}

void fg_tracelog_destroy(struct fg_tracelog **tp)
{
	struct fg_tracelog *tl = *tp;

	if (tl == NULL)
		return;
	if (tl->in_memory) {
		ring_clear(tl);
		free(tl->ring);
		pthread_mutex_destroy(&tl->mu);
		free(tl);
		*tp = NULL;
		return;
	}
	pthread_mutex_lock(&tl->mu);
	tl->stop = true;
	pthread_cond_signal(&tl->wake);
	pthread_mutex_unlock(&tl->mu);
	pthread_join(tl->thr, NULL);
	free_items(tl->head);
	{
		struct fg_err err;

		fg_err_clear(&err);
		fg_store_traces_append(tl->st, NULL, 0, tl->limit, &err); /* the final trim */
	}
	pthread_cond_destroy(&tl->wake);
	pthread_cond_destroy(&tl->done);
	pthread_mutex_destroy(&tl->mu);
	free(tl);
	*tp = NULL;
}

static void ring_push(struct fg_tracelog *tl, struct fg_trace *clone)
{
	struct fg_trace *old;

	pthread_mutex_lock(&tl->mu);
	old = tl->ring[tl->next];
	tl->ring[tl->next] = clone;
	tl->next = (tl->next + 1) % tl->limit;
	if (tl->ring_n < tl->limit)
		tl->ring_n++;
	pthread_mutex_unlock(&tl->mu);
	fg_trace_free(&old);
}

void fg_tracelog_push(struct fg_tracelog *tl, const struct fg_trace *t)
{
	struct item *it, *dropped = NULL;

	if (tl->in_memory) {
		ring_push(tl, fg_trace_clone(t));
		return;
	}
	it = malloc(sizeof(*it));
	FG_ASSERT(it != NULL);
	it->next = NULL;
	it->t = fg_trace_clone(t);
	pthread_mutex_lock(&tl->mu);
	*tl->tail = it;
	tl->tail = &it->next;
	tl->queued++;
	/* wake the writer only when it waits for a first item or the batch is full: a wake-up
	 * per request was a futex call and a context switch each */
	if (++tl->pending == BATCH_MAX || tl->idle)
		pthread_cond_signal(&tl->wake);
	if (tl->pending > tl->limit) {  /* the oldest queued would be trimmed: drop it now */
		dropped = tl->head;
		tl->head = dropped->next;
		if (tl->head == NULL)
			tl->tail = &tl->head;
		dropped->next = NULL;
		tl->pending--;
		tl->dropped++;
	}
	pthread_mutex_unlock(&tl->mu);
	free_items(dropped);
}

size_t fg_tracelog_pending(struct fg_tracelog *tl)
{
	size_t n;

	pthread_mutex_lock(&tl->mu);
	n = tl->pending;
	pthread_mutex_unlock(&tl->mu);
	return n;
}

void fg_tracelog_flush(struct fg_tracelog *tl)
{
	if (tl->in_memory)
		return;
	pthread_mutex_lock(&tl->mu);
	uint64_t want = tl->queued;

	if (tl->written < want) {
		if (tl->flush_upto < want)
			tl->flush_upto = want;
		pthread_cond_signal(&tl->wake); /* write now, not at the end of the batch wait */
	}
	while (tl->written < want)
		pthread_cond_wait(&tl->done, &tl->mu);
	pthread_mutex_unlock(&tl->mu);
}

void fg_tracelog_clear(struct fg_tracelog *tl)
{
	struct fg_err err;

	if (tl->in_memory) {
		pthread_mutex_lock(&tl->mu);
		ring_clear(tl);
		pthread_mutex_unlock(&tl->mu);
		return;
	}
	fg_tracelog_flush(tl);
	fg_err_clear(&err);
	if (fg_store_traces_clear(tl->st, &err) != 0)
		fg_log(tl->log, FG_LOG_WARN, "trace", "clearing traces: %s", err.message);
}

size_t fg_tracelog_limit(const struct fg_tracelog *tl)
{
	return tl->limit;
}

/* Under mu: the i-th newest trace of the ring (i < ring_n). */
static const struct fg_trace *ring_at(const struct fg_tracelog *tl, size_t i)
{
	return tl->ring[(tl->next + tl->limit - 1 - i) % tl->limit];
}

static cJSON *parsed(const struct fg_trace *t)
{
	char *text = fg_trace_json(t);
	cJSON *doc = cJSON_Parse(text);

	free(text);
	FG_ASSERT(doc != NULL);
	return doc;
}

int fg_tracelog_list(struct fg_tracelog *tl, size_t limit, cJSON **out, struct fg_err *err)
{
	if (!tl->in_memory) {
		fg_tracelog_flush(tl);
		return fg_store_traces_list(tl->st, limit, out, err);
	}
	*out = cJSON_CreateArray();
	pthread_mutex_lock(&tl->mu);
	for (size_t i = 0; i < tl->ring_n && i < limit; i++)
		cJSON_AddItemToArray(*out, parsed(ring_at(tl, i)));
	pthread_mutex_unlock(&tl->mu);
	return 0;
}

int fg_tracelog_get(struct fg_tracelog *tl, const char *id, cJSON **out, struct fg_err *err)
{
	*out = NULL;
	if (!tl->in_memory) {
		fg_tracelog_flush(tl);
		return fg_store_trace_get(tl->st, id, out, err);
	}
	pthread_mutex_lock(&tl->mu);
	for (size_t i = 0; i < tl->ring_n && *out == NULL; i++) {
		const struct fg_trace *t = ring_at(tl, i);

		if (strcmp(fg_trace_id(t), id) == 0)
			*out = parsed(t);
	}
	pthread_mutex_unlock(&tl->mu);
	return 0;
}
