/* fg_log.c: levelled log lines on stderr ("frontgate[src] level: message"), per instance. */
#include "core/core.h"

#include <stdio.h>
#include <string.h>

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void fg_log_init(struct fg_log *l, enum fg_log_level level)
{
	l->level = level;
	pthread_mutex_init(&l->mu, NULL);
}

void fg_log_fini(struct fg_log *l)
{
	pthread_mutex_destroy(&l->mu);
}

bool fg_log_level_parse(const char *s, enum fg_log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum fg_log_level)i;
			return true;
		}
	}
	return false;
}

void fg_log(struct fg_log *l, enum fg_log_level lvl, const char *src, const char *fmt, ...)
{
	va_list ap;

	if (l == NULL || lvl > l->level)
		return;
	pthread_mutex_lock(&l->mu);
	fprintf(stderr, "frontgate[%s] %s: ", src, level_names[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&l->mu);
}
