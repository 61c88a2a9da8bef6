/*
 * core: the leaf module every other module builds on. It depends on nothing of ours.
 *
 * - errors (fg_err.c): one error record carried out of every fallible call, shaped like the
 *   control API's error body {"error":{"code","message","resource","property"}} plus the HTTP
 *   status the control API answers with.
 * - arena (fg_arena.c): a bump allocator freed in one go (per request, per deployment).
 * - buffer (fg_buf.c): a growable byte string.
 * - clock (fg_clock.c): the instance's controllable clock. Everything time-dependent reads it.
 * - ids and time text (fg_id.c): UUIDs, deterministic AWS-shaped ids, ISO-8601 formatting.
 * - log (fg_log.c): levelled logging to stderr, per instance.
 *
 * No process-wide mutable state lives here: every object is owned by an instance.
 */
#ifndef FG_CORE_H
#define FG_CORE_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define FG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FG_PRINTF(a, b)
#endif

/* Assertions that stay on in every build: a failed one is a programmer error. */
#define FG_ASSERT(cond) ((cond) ? (void)0 : fg_panic(__FILE__, __LINE__, #cond))
void fg_panic(const char *file, int line, const char *what) __attribute__((noreturn));

/* ---------------------------------------------------------------- fg_err.c */

struct fg_err {
	int status;          /* HTTP status the control API answers with; 0 = no error */
	char code[64];       /* machine code: "ValidationError", "TemplateSyntaxError", ... */
	char message[2048];  /* one human sentence (or a few) saying what is wrong and why */
	char resource[256];  /* logical id or other resource name, "" when not about one */
	char property[512];  /* template path of the offending node, "" when not known */
};

void fg_err_clear(struct fg_err *e);
/* Sets status, code and message; resource and property are left as they were. */
void fg_err_set(struct fg_err *e, int status, const char *code, const char *fmt, ...)
	FG_PRINTF(4, 5);
/* Records where the error is; either may be NULL (then left unchanged). */
void fg_err_at(struct fg_err *e, const char *resource, const char *property);
bool fg_err_isset(const struct fg_err *e);
/* Puts formatted text in front of the message ("fixture x.yaml: " + message). */
void fg_err_prefix(struct fg_err *e, const char *fmt, ...) FG_PRINTF(2, 3);

/*
 * A service's fidelity switches "k=v,k2=v2" (--fidelity service.k=v): calls set for each
 * pair (key and value as lengths into spec); an item without '=' is 400 InvalidArgument
 * "<service> fidelity switch 'x' needs a value (key=value)". Stops at set's first error.
 */
typedef int (*fg_switch_fn)(void *ctx, const char *k, size_t kn, const char *v, size_t vn,
			    struct fg_err *err);
int fg_switches_each(const char *service, const char *spec, fg_switch_fn set, void *ctx,
		     struct fg_err *err);

/* -------------------------------------------------------------- fg_arena.c */

struct fg_arena;

struct fg_arena *fg_arena_new(size_t first_chunk);
void fg_arena_destroy(struct fg_arena **ap);
/* Memory is 16-byte aligned and lives until the arena is destroyed. Never returns NULL. */
void *fg_arena_alloc(struct fg_arena *a, size_t n);
char *fg_arena_strdup(struct fg_arena *a, const char *s);
char *fg_arena_strndup(struct fg_arena *a, const char *s, size_t n);
char *fg_arena_printf(struct fg_arena *a, const char *fmt, ...) FG_PRINTF(2, 3);
char *fg_arena_vprintf(struct fg_arena *a, const char *fmt, va_list ap);

/* ---------------------------------------------------------------- fg_buf.c */

struct fg_buf {
	char *data;  /* always NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t cap;
};

void fg_buf_init(struct fg_buf *b);
void fg_buf_free(struct fg_buf *b);
void fg_buf_append(struct fg_buf *b, const void *p, size_t n);
void fg_buf_puts(struct fg_buf *b, const char *s);
void fg_buf_printf(struct fg_buf *b, const char *fmt, ...) FG_PRINTF(2, 3);
void fg_buf_vprintf(struct fg_buf *b, const char *fmt, va_list ap);
/* Hands the bytes to the caller (malloc'd, NUL-terminated) and empties the buffer. */
char *fg_buf_take(struct fg_buf *b);

/* -------------------------------------------------------------- fg_clock.c */

enum fg_clock_mode { FG_CLOCK_REAL, FG_CLOCK_FIXED, FG_CLOCK_OFFSET };

struct fg_clock {
	pthread_mutex_t mu;
	enum fg_clock_mode mode;
	int64_t fixed_ms;   /* FG_CLOCK_FIXED: the time it shows */
	int64_t offset_ms;  /* FG_CLOCK_OFFSET: added to real time */
};

void fg_clock_init(struct fg_clock *c);
void fg_clock_fini(struct fg_clock *c);
/* Milliseconds since the Unix epoch, as this instance sees them. */
int64_t fg_clock_now_ms(struct fg_clock *c);
void fg_clock_set_real(struct fg_clock *c);
void fg_clock_set_fixed(struct fg_clock *c, int64_t ms);
void fg_clock_set_offset(struct fg_clock *c, int64_t ms);
/* Moves a fixed clock forward, or grows the offset of a real/offset clock. */
void fg_clock_advance(struct fg_clock *c, int64_t ms);
int64_t fg_clock_real_ms(void);

/* ----------------------------------------------------------------- fg_id.c */

/* n random bytes (the kernel's CSPRNG, through a small per-thread buffer). Thread-safe. */
void fg_random(void *buf, size_t n);
/* 36 characters + NUL, random (version 4). */
void fg_uuid4(char out[37]);
/* FNV-1a 64 over the NUL-separated parts; stable across runs and machines. */
uint64_t fg_hash64(const char *const *parts, size_t n);
/* Writes n characters (plus NUL) drawn from alphabet, derived deterministically from seed. */
void fg_id_from_hash(uint64_t seed, const char *alphabet, size_t n, char *out);
/* "2026-01-01T00:00:00Z" (len 21) / with milliseconds "2026-01-01T00:00:00.000Z" (len 25). */
void fg_time_iso(int64_t ms, char out[21]);
void fg_time_iso_ms(int64_t ms, char out[25]);
/* Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" (also "+00:00"); false when malformed. */
bool fg_time_parse_iso(const char *s, int64_t *ms_out);
/* True for a 12-digit AWS account id. */
bool fg_account_id_valid(const char *s);
/* Standard base64 (with padding) of n bytes; malloc'd. */
char *fg_base64(const unsigned char *p, size_t n);

/* ---------------------------------------------------------------- fg_log.c */

enum fg_log_level { FG_LOG_ERROR, FG_LOG_WARN, FG_LOG_INFO, FG_LOG_DEBUG };

struct fg_log {
	enum fg_log_level level;
	pthread_mutex_t mu;
};

void fg_log_init(struct fg_log *l, enum fg_log_level level);
void fg_log_fini(struct fg_log *l);
/* Parses "error", "warn", "info", "debug"; false when unknown. */
bool fg_log_level_parse(const char *s, enum fg_log_level *out);
void fg_log(struct fg_log *l, enum fg_log_level lvl, const char *src, const char *fmt, ...)
	FG_PRINTF(4, 5);

#endif
