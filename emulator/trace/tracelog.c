/*
 * tracelog.c: the queue between request threads and the store. Requests append finished
 * traces under a mutex (no I/O); one writer thread moves them into SQLite in batches, one
 * transaction per batch, trimming the ring to its limit.
 */
#include "trace/trace.h"

#include <stdlib.h>
#include <string.h>

struct item {
	struct item *next;
	char *id;
	char *doc;
	int64_t at_ms;
};

struct fg_tracelog {
	struct fg_store *st;
	struct fg_log *log;
	size_t limit;
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t wake, done;
	struct item *head, **tail;
	uint64_t queued, written; /* sequence numbers for flush */
	bool stop;
};

static void free_items(struct item *it)
{
	while (it != NULL) {
		struct item *n = it->next;

		free(it->id);
		free(it->doc);
		free(it);
		it = n;
	}
}

static void write_batch(struct fg_tracelog *tl, struct item *batch)
{
	struct fg_store_trace v[256];
	struct fg_err err;
	size_t n = 0;

	for (struct item *it = batch; it != NULL; it = it->next) {
		v[n].id = it->id;
		v[n].doc = it->doc;
		v[n].at_ms = it->at_ms;
		if (++n == sizeof(v) / sizeof(v[0]) || it->next == NULL) {
			fg_err_clear(&err);
			if (fg_store_traces_append(tl->st, v, n, tl->limit, &err) != 0)
				fg_log(tl->log, FG_LOG_WARN, "trace", "traces not kept: %s",
				       err.message);
			n = 0;
		}
	}
}

static void *writer(void *arg)
{
	struct fg_tracelog *tl = arg;

	pthread_mutex_lock(&tl->mu);
	for (;;) {
		while (tl->head == NULL && !tl->stop)
			pthread_cond_wait(&tl->wake, &tl->mu);
		if (tl->head == NULL && tl->stop)
			break;
		struct item *batch = tl->head;
		uint64_t upto = tl->queued;

		tl->head = NULL;
		tl->tail = &tl->head;
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

struct fg_tracelog *fg_tracelog_new(struct fg_store *st, size_t limit, struct fg_log *log)
{
	struct fg_tracelog *tl = calloc(1, sizeof(*tl));

	FG_ASSERT(tl != NULL);
	tl->st = st;
	tl->log = log;
	tl->limit = limit;
	tl->tail = &tl->head;
	pthread_mutex_init(&tl->mu, NULL);
	pthread_cond_init(&tl->wake, NULL);
	pthread_cond_init(&tl->done, NULL);
	FG_ASSERT(pthread_create(&tl->thr, NULL, writer, tl) == 0);
	return tl;
}

void fg_tracelog_destroy(struct fg_tracelog **tp)
{
	struct fg_tracelog *tl = *tp;

	if (tl == NULL)
		return;
	pthread_mutex_lock(&tl->mu);
	tl->stop = true;
	pthread_cond_signal(&tl->wake);
	pthread_mutex_unlock(&tl->mu);
	pthread_join(tl->thr, NULL);
	free_items(tl->head);
	pthread_cond_destroy(&tl->wake);
	pthread_cond_destroy(&tl->done);
	pthread_mutex_destroy(&tl->mu);
	free(tl);
	*tp = NULL;
}

void fg_tracelog_push(struct fg_tracelog *tl, const struct fg_trace *t)
{
	struct item *it = malloc(sizeof(*it));

	FG_ASSERT(it != NULL);
	it->next = NULL;
	it->id = strdup(fg_trace_id(t));
	it->doc = fg_trace_json(t);
	it->at_ms = fg_trace_at(t);
	pthread_mutex_lock(&tl->mu);
	*tl->tail = it;
	tl->tail = &it->next;
	tl->queued++;
	pthread_cond_signal(&tl->wake);
	pthread_mutex_unlock(&tl->mu);
}

void fg_tracelog_flush(struct fg_tracelog *tl)
{
	pthread_mutex_lock(&tl->mu);
	uint64_t want = tl->queued;

	while (tl->written < want)
		pthread_cond_wait(&tl->done, &tl->mu);
	pthread_mutex_unlock(&tl->mu);
}

void fg_tracelog_clear(struct fg_tracelog *tl)
{
	struct fg_err err;

	fg_tracelog_flush(tl);
	fg_err_clear(&err);
	if (fg_store_traces_clear(tl->st, &err) != 0)
		fg_log(tl->log, FG_LOG_WARN, "trace", "clearing traces: %s", err.message);
}

size_t fg_tracelog_limit(const struct fg_tracelog *tl)
{
	return tl->limit;
}
