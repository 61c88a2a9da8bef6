/*
 * fg_arena.c: a bump allocator. Request-scoped data (headers, traces, route matches) and
 * deployment-scoped scratch space come from one arena and are freed together.
 */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t cap;
	size_t used;
	_Alignas(16) unsigned char mem[];
};

struct fg_arena {
	struct chunk *head;
	size_t next_size;
};

static struct chunk *chunk_new(size_t cap)
{
	struct chunk *c = malloc(sizeof(*c) + cap);

	FG_ASSERT(c != NULL);
	c->next = NULL;
	c->cap = cap;
	c->used = 0;
	return c;
}

struct fg_arena *fg_arena_new(size_t first_chunk)
{
	struct fg_arena *a = malloc(sizeof(*a));

	FG_ASSERT(a != NULL);
	if (first_chunk < 256)
		first_chunk = 256;
	a->head = chunk_new(first_chunk);
	a->next_size = first_chunk * 2;
	return a;
}

void fg_arena_destroy(struct fg_arena **ap)
{
	struct fg_arena *a = *ap;
	struct chunk *c, *n;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
	*ap = NULL;
}

void *fg_arena_alloc(struct fg_arena *a, size_t n)
{
	struct chunk *c = a->head;
	size_t need = (n + 15) & ~(size_t)15;

	if (need == 0)
		need = 16;
	if (c->cap - c->used < need) {
		size_t cap = a->next_size;

		while (cap < need)
			cap *= 2;
		c = chunk_new(cap);
		c->next = a->head;
		a->head = c;
		if (a->next_size < (1u << 20))
			a->next_size *= 2;
	}
	void *p = c->mem + c->used;
	c->used += need;
	return p;
}

char *fg_arena_strndup(struct fg_arena *a, const char *s, size_t n)
{
	char *p = fg_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *fg_arena_strdup(struct fg_arena *a, const char *s)
{
	return fg_arena_strndup(a, s, strlen(s));
}

/* Formats straight into the free end of the current chunk and keeps it when it fits (once
 * per call instead of twice: trace hops are formatted on every request). */
char *fg_arena_vprintf(struct fg_arena *a, const char *fmt, va_list ap)
{
	struct chunk *c = a->head;
	size_t room = c->cap - c->used;
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf((char *)c->mem + c->used, room, fmt, ap2);
	va_end(ap2);
	FG_ASSERT(n >= 0);
	/* fg_arena_alloc rounds to 16: keep the text only when the rounded size fits too, so
	 * that the allocation is the bytes just written (c->mem + c->used) */
	if ((((size_t)n + 1 + 15) & ~(size_t)15) <= room)
		return fg_arena_alloc(a, (size_t)n + 1);
	p = fg_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *fg_arena_printf(struct fg_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = fg_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
