/* trace.c: one request's trace, kept in the request arena until it is serialised. */
#include "trace/trace.h"

#include <stdio.h>
#include <stdlib.h>

struct hop {
	struct hop *next;
	const char *service;
	const char *decision;
};

struct fg_trace {
	struct fg_arena *a;
	const char *id, *client, *listener, *method, *host, *url;
	int64_t at_ms;
	int status;
	struct hop *first, **tail;
};

static const char *dup(struct fg_arena *a, const char *s)
{
	return fg_arena_strdup(a, s != NULL ? s : "");
}

struct fg_trace *fg_trace_begin(struct fg_arena *a, const char *request_id, int64_t at_ms,
				const char *client, const char *listener, const char *method,
				const char *host, const char *url)
{
	struct fg_trace *t = fg_arena_alloc(a, sizeof(*t));

	t->a = a;
	t->id = dup(a, request_id);
	t->at_ms = at_ms;
	t->client = dup(a, client);
	t->listener = dup(a, listener);
	t->method = dup(a, method);
	t->host = dup(a, host);
	t->url = dup(a, url);
	t->status = 0;
	t->first = NULL;
	t->tail = &t->first;
	return t;
}

void fg_trace_hop(struct fg_trace *t, const char *service, const char *fmt, ...)
{
	struct hop *h = fg_arena_alloc(t->a, sizeof(*h));
	va_list ap;

	va_start(ap, fmt);
	h->decision = fg_arena_vprintf(t->a, fmt, ap);
	va_end(ap);
	h->next = NULL;
	h->service = fg_arena_strdup(t->a, service);
	*t->tail = h;
	t->tail = &h->next;
}

void fg_trace_status(struct fg_trace *t, int status)
{
	t->status = status;
}

const char *fg_trace_id(const struct fg_trace *t)
{
	return t->id;
}

void fg_trace_set_id(struct fg_trace *t, const char *id)
{
	t->id = dup(t->a, id);
}

void fg_trace_append(struct fg_trace *dst, const struct fg_trace *src, const char *prefix)
{
	for (const struct hop *h = src->first; h != NULL; h = h->next)
		fg_trace_hop(dst, h->service, "%s%s", prefix ? prefix : "", h->decision);
}

int64_t fg_trace_at(const struct fg_trace *t)
{
	return t->at_ms;
}

char *fg_trace_json(const struct fg_trace *t)
{
	cJSON *doc = cJSON_CreateObject(), *hops;
	char at[25];
	char *text;

	fg_time_iso_ms(t->at_ms, at);
	cJSON_AddStringToObject(doc, "id", t->id);
	cJSON_AddStringToObject(doc, "at", at);
	cJSON_AddStringToObject(doc, "client", t->client);
	cJSON_AddStringToObject(doc, "listener", t->listener);
	cJSON_AddStringToObject(doc, "method", t->method);
	cJSON_AddStringToObject(doc, "host", t->host);
	cJSON_AddStringToObject(doc, "url", t->url);
	cJSON_AddNumberToObject(doc, "status", t->status);
	hops = cJSON_AddArrayToObject(doc, "hops");
	for (const struct hop *h = t->first; h != NULL; h = h->next) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "service", h->service);
		cJSON_AddStringToObject(o, "decision", h->decision);
		cJSON_AddItemToArray(hops, o);
	}
	text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	return text;
}
