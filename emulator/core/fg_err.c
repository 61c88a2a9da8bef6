/* fg_err.c: the error record every fallible call fills, and the never-off assertion. */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fg_panic(const char *file, int line, const char *what)
{
	fprintf(stderr, "frontgate: assertion failed at %s:%d: %s\n", file, line, what);
	abort();
}

void fg_err_clear(struct fg_err *e)
{
	memset(e, 0, sizeof(*e));
}

void fg_err_set(struct fg_err *e, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	snprintf(e->code, sizeof(e->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

void fg_err_at(struct fg_err *e, const char *resource, const char *property)
{
	if (resource != NULL)
		snprintf(e->resource, sizeof(e->resource), "%s", resource);
	if (property != NULL)
		snprintf(e->property, sizeof(e->property), "%s", property);
}

bool fg_err_isset(const struct fg_err *e)
{
	return e->status != 0;
}

void fg_err_prefix(struct fg_err *e, const char *fmt, ...)
{
	char old[sizeof(e->message)];
	va_list ap;
	int n;

	memcpy(old, e->message, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->message))
		snprintf(e->message + n, sizeof(e->message) - (size_t)n, "%s", old);
}

int fg_switches_each(const char *service, const char *spec, fg_switch_fn set, void *ctx,
		     struct fg_err *err)
{
	for (const char *p = spec; p != NULL && *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', len);

		if (len > 0 && eq == NULL) {
			fg_err_set(err, 400, "InvalidArgument",
				   "%s fidelity switch '%.*s' needs a value (key=value)", service,
				   (int)len, p);
			return -1;
		}
		if (len > 0 && set(ctx, p, (size_t)(eq - p), eq + 1, len - (size_t)(eq - p) - 1,
				   err) != 0)
			return -1;
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}
