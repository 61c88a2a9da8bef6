/*
 * trace: why a request got the answer it got.
 *
 * Every data-plane request carries a trace: the request line, then an ordered list of hops,
 * each a service name and the decision it took with the reason ("apigw: host -> api
 * a1b2c3d4e5 stage dev"), then the status. The trace lives in the request's arena while the
 * request runs; at the end it is copied (not serialised) to the trace log, whose own thread
 * serialises and writes batches into the store's bounded ring, so the request path neither
 * formats JSON nor waits on SQLite.
 */
#ifndef FG_TRACE_H
#define FG_TRACE_H

#include <cjson/cJSON.h>

#include "core/core.h"
#include "store/store.h"

/* ------------------------------------------------------------------ trace.c */

struct fg_trace;

/* All strings are copied into the arena. */
struct fg_trace *fg_trace_begin(struct fg_arena *a, const char *request_id, int64_t at_ms,
				const char *client, const char *listener, const char *method,
				const char *host, const char *url);
void fg_trace_hop(struct fg_trace *t, const char *service, const char *fmt, ...)
	FG_PRINTF(3, 4);
void fg_trace_status(struct fg_trace *t, int status);
const char *fg_trace_id(const struct fg_trace *t);
/* Replaces the trace's id (copied) with the one the client is given, so that a service that
 * mints its own request id (API Gateway's x-amzn-RequestId) keeps the trace findable by it. */
void fg_trace_set_id(struct fg_trace *t, const char *id);
/* The trace as a JSON document: {"id","at","client","listener","method","host","url",
 * "status","hops":[{"service","decision"}]}. malloc'd text. */
char *fg_trace_json(const struct fg_trace *t);
/* A copy of t in an arena of its own (one allocation, no formatting), to outlive the
 * request; free it with fg_trace_free. */
struct fg_trace *fg_trace_clone(const struct fg_trace *t);
void fg_trace_free(struct fg_trace **tp);
int64_t fg_trace_at(const struct fg_trace *t);
/* Copies src's hops to the end of dst (into dst's arena), each decision prefixed with
 * prefix (e.g. "origin request <id>: "), for a request made in-process on dst's behalf. */
void fg_trace_append(struct fg_trace *dst, const struct fg_trace *src, const char *prefix);

/* --------------------------------------------------------------- tracelog.c */

struct fg_tracelog;

/* Keeps the newest `limit` traces: in the store (starts the writer thread), or, in_memory,
 * in a ring of its own (the store is not used; for an in-memory database). */
struct fg_tracelog *fg_tracelog_new(struct fg_store *st, size_t limit, bool in_memory,
				   struct fg_log *log);
/* Stops the writer after writing everything queued. */
void fg_tracelog_destroy(struct fg_tracelog **tp);
/* Queues a copy of a finished trace (serialised by the writer). Never blocks on the
 * database. At most `limit` traces wait: beyond that the oldest waiting one is dropped (the
 * store would trim it anyway). */
void fg_tracelog_push(struct fg_tracelog *tl, const struct fg_trace *t);
/* Traces queued and not yet taken by the writer (never more than the limit). */
size_t fg_tracelog_pending(struct fg_tracelog *tl);
/* Returns once everything queued before the call is in the store (read-your-writes for the
 * control API). */
void fg_tracelog_flush(struct fg_tracelog *tl);
/* Drops everything queued and stored (POST /reset). */
void fg_tracelog_clear(struct fg_tracelog *tl);
size_t fg_tracelog_limit(const struct fg_tracelog *tl);
/* The newest traces, newest first, at most limit, as parsed documents (read-your-writes:
 * everything pushed before the call is there). */
int fg_tracelog_list(struct fg_tracelog *tl, size_t limit, cJSON **out, struct fg_err *err);
/* *out = the trace with that request id, or NULL when it is not (or no longer) kept. */
int fg_tracelog_get(struct fg_tracelog *tl, const char *id, cJSON **out, struct fg_err *err);

#endif
