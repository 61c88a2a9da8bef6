/*
 * net_curl.c: libcurl, loaded and initialised once, on first use (see net_curl.h for why).
 *
 * Loading libcurl and curl_global_init are process-wide by nature (libcurl keeps global state
 * and initialises OpenSSL's). This is therefore the one deliberate exception to "no
 * process-wide mutable state": a pthread_once fills one table of function pointers, two
 * instances in one process share it, and nothing unloads it or calls curl_global_cleanup
 * (another instance may still be fetching; the process exit frees what it holds).
 */
#include "net/net_curl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static struct fg_curl_api curl_api;

/* The soname libcurl4-openssl-dev links against: the ABI these prototypes describe. */
#define CURL_SONAME "libcurl.so.4"

static void die(const char *fmt, ...) FG_PRINTF(1, 2) __attribute__((noreturn));

static void die(const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fg_panic(__FILE__, __LINE__, what);
}

static void *sym(void *lib, const char *name)
{
	void *f = dlsym(lib, name);

	if (f == NULL)
		die("libcurl (%s) has no %s: %s", CURL_SONAME, name, dlerror());
	return f;
}

/* Object and function pointers have the same representation on every platform dlsym
 * exists on (POSIX requires it); the memcpy keeps -Wpedantic quiet about the conversion. */
#define LOAD(field, name) do {				\
		void *f_ = sym(lib, name);			\
		memcpy(&curl_api.field, &f_, sizeof(f_));	\
	} while (0)

static void curl_load(void)
{
	void *lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	CURLcode (*global_init)(long flags);

	if (lib == NULL)
		die("cannot load %s for an HTTP client: %s (install libcurl4, see scripts/deps)",
		    CURL_SONAME, dlerror());
	LOAD(easy_init, "curl_easy_init");
	LOAD(easy_setopt, "curl_easy_setopt");
	LOAD(easy_perform, "curl_easy_perform");
	LOAD(easy_getinfo, "curl_easy_getinfo");
	LOAD(easy_cleanup, "curl_easy_cleanup");
	LOAD(easy_reset, "curl_easy_reset");
	LOAD(easy_strerror, "curl_easy_strerror");
	LOAD(easy_escape, "curl_easy_escape");
	LOAD(free, "curl_free");
	LOAD(slist_append, "curl_slist_append");
	LOAD(slist_free_all, "curl_slist_free_all");
	LOAD(version_info, "curl_version_info");
	{
		void *f = sym(lib, "curl_global_init");

		memcpy(&global_init, &f, sizeof(f));
	}
	if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		die("curl_global_init failed");
}

const struct fg_curl_api *fg_net_curl(void)
{
	pthread_once(&curl_once, curl_load);
	return &curl_api;
}

void fg_curl_sink_init(struct fg_curl_sink *s, size_t limit)
{
	fg_buf_init(&s->body);
	s->limit = limit;
	s->too_big = false;
}

size_t fg_curl_sink_write(char *p, size_t size, size_t n, void *sink)
{
	struct fg_curl_sink *s = sink;

	if (s->body.len + size * n > s->limit) {
		s->too_big = true;
		return 0;
	}
	fg_buf_append(&s->body, p, size * n);
	return size * n;
}
