/*
 * tap.h: the smallest TAP producer. Each unit test program prints "ok N - name" or
 * "not ok N - name" per check and a closing "1..N"; it exits non-zero when any check failed.
 * scripts/test counts these lines.
 */
#ifndef FG_TAP_H
#define FG_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok_((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

static inline int tap_ok_(int pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#include <stdarg.h>
static inline int tap_ok_(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

/* String equality with a diagnostic showing both sides. NULL never equals anything. */
#define is_str(got, want, ...)                                                        \
	do {                                                                          \
		const char *g_ = (got), *w_ = (want);                                 \
		if (!ok(g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0, __VA_ARGS__)) \
			printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", \
			       w_ ? w_ : "(null)");                                   \
	} while (0)

#define is_int(got, want, ...)                                                      \
	do {                                                                        \
		long long g_ = (long long)(got), w_ = (long long)(want);            \
		if (!ok(g_ == w_, __VA_ARGS__))                                     \
			printf("#   got:  %lld\n#   want: %lld\n", g_, w_);         \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
