/*
 * trace.c: one request's trace, kept in the request arena until it is serialised. At the
 * end of the request the trace log takes a copy into an arena of its own (fg_trace_clone:
 * one allocation, no formatting) and its writer thread serialises it (fg_trace_json, a
 * hand-written printer: the cJSON tree it replaced was 15% of a canned request's CPU).
 */
#include "trace/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hop {
	struct hop *next;
	const char *service;
	const char *decision;
};

struct fg_trace {
	struct fg_arena *a;
	bool owns_arena;         /* a clone: fg_trace_free destroys a */
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
	t->owns_arena = false;
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

struct fg_trace *fg_trace_clone(const struct fg_trace *t)
{
	size_t need = 6 * 16 + strlen(t->id) + strlen(t->client) + strlen(t->listener) +
		      strlen(t->method) + strlen(t->host) + strlen(t->url) + 256;
	struct fg_arena *a;
	struct fg_trace *c;

	for (const struct hop *h = t->first; h != NULL; h = h->next)
		need += sizeof(*h) + strlen(h->service) + strlen(h->decision) + 48;
	a = fg_arena_new(need);
	c = fg_trace_begin(a, t->id, t->at_ms, t->client, t->listener, t->method, t->host,
			   t->url);
	c->owns_arena = true;
	c->status = t->status;
	for (const struct hop *h = t->first; h != NULL; h = h->next) {
		struct hop *n = fg_arena_alloc(a, sizeof(*n));

		n->next = NULL;
		n->service = fg_arena_strdup(a, h->service);
		n->decision = fg_arena_strdup(a, h->decision);
		*c->tail = n;
		c->tail = &n->next;
	}
	return c;
}

void fg_trace_free(struct fg_trace **tp)
{
	struct fg_trace *t = *tp;
	struct fg_arena *a;

	if (t == NULL)
		return;
	FG_ASSERT(t->owns_arena);
	a = t->a;
	fg_arena_destroy(&a);
	*tp = NULL;
}

/* A JSON string as cJSON prints one: ", \ and control characters escaped, other bytes as
 * they are. */
static void put_str(struct fg_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	fg_buf_append(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		char esc[6] = { '\\', 0, 0, 0, 0, 0 };
		size_t n = 2;

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		fg_buf_append(b, run, (size_t)(s - run));
		run = s + 1;
		switch (ch) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 15];
			n = 6;
		}
		fg_buf_append(b, esc, n);
	}
	fg_buf_append(b, run, (size_t)(s - run));
	fg_buf_append(b, "\"", 1);
}

static void put_field(struct fg_buf *b, const char *key, const char *value)
{
	fg_buf_puts(b, key);
	put_str(b, value);
}

char *fg_trace_json(const struct fg_trace *t)
{
	struct fg_buf b;
	char at[25], status[16];

	fg_buf_init(&b);
	fg_time_iso_ms(t->at_ms, at);
	put_field(&b, "{\"id\":", t->id);
	put_field(&b, ",\"at\":", at);
	put_field(&b, ",\"client\":", t->client);
	put_field(&b, ",\"listener\":", t->listener);
	put_field(&b, ",\"method\":", t->method);
	put_field(&b, ",\"host\":", t->host);
	put_field(&b, ",\"url\":", t->url);
	snprintf(status, sizeof(status), "%d", t->status);
	fg_buf_puts(&b, ",\"status\":");
	fg_buf_puts(&b, status);
	fg_buf_puts(&b, ",\"hops\":[");
	for (const struct hop *h = t->first; h != NULL; h = h->next) {
		put_field(&b, h == t->first ? "{\"service\":" : ",{\"service\":", h->service);
		put_field(&b, ",\"decision\":", h->decision);
		fg_buf_append(&b, "}", 1);
	}
	fg_buf_puts(&b, "]}");
	return fg_buf_take(&b);
}
