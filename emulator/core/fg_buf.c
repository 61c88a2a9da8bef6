/* fg_buf.c: a growable, always NUL-terminated byte string. */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fg_buf_init(struct fg_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void fg_buf_free(struct fg_buf *b)
{
	free(b->data);
	fg_buf_init(b);
}

static void reserve(struct fg_buf *b, size_t extra)
{
	size_t cap = b->cap ? b->cap : 64;

	if (b->len + extra + 1 <= b->cap)
		return;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->data = realloc(b->data, cap);
	FG_ASSERT(b->data != NULL);
	b->cap = cap;
}

void fg_buf_append(struct fg_buf *b, const void *p, size_t n)
{
	reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void fg_buf_puts(struct fg_buf *b, const char *s)
{
	fg_buf_append(b, s, strlen(s));
}

void fg_buf_vprintf(struct fg_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	FG_ASSERT(n >= 0);
	reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void fg_buf_printf(struct fg_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fg_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *fg_buf_take(struct fg_buf *b)
{
	char *p;

	reserve(b, 0);
	b->data[b->len] = '\0';
	p = b->data;
	fg_buf_init(b);
	return p;
}
