/*
 * net_curl.h: libcurl, loaded on first use. Include this instead of <curl/curl.h>.
 *
 * frontgate is not linked with libcurl: libcurl and the twenty-odd libraries it pulls in
 * (GSSAPI, LDAP, SSH, RTMP, IDN, PSL, nghttp2, zstd, ...) cost about 1.2 ms of every start-up
 * and 1.4 MiB of resident memory, for a client that only HTTP integrations, CloudFront origins
 * that are not emulated endpoints and Lambda runtime endpoints use. The first curl_* call
 * below dlopen()s libcurl by its soname and runs curl_global_init, once per process
 * (net_curl.c); the curl_* names are macros calling through the loaded functions, so code
 * using libcurl reads as usual. Without curl's compile-time option type checks
 * (CURL_DISABLE_TYPECHECK): pass curl_easy_setopt the types its documentation names.
 */
#ifndef FG_NET_CURL_H
#define FG_NET_CURL_H

#ifdef CURLINC_CURL_H
#error "include net/net_curl.h instead of <curl/curl.h>, and before it"
#endif
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "core/core.h"

struct fg_curl_api {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *c);
	void (*easy_reset)(CURL *c);
	const char *(*easy_strerror)(CURLcode rc);
	char *(*easy_escape)(CURL *c, const char *s, int len);
	void (*free)(void *p);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	curl_version_info_data *(*version_info)(CURLversion v);
};

/*
 * libcurl's functions, loaded and globally initialised by the first call (thread-safe;
 * process-wide by nature, never unloaded). A libcurl that cannot be loaded stops the process
 * with dlerror()'s reason: it is a dependency frontgate was built with (scripts/deps).
 */
const struct fg_curl_api *fg_net_curl(void);

/*
 * A response body collected up to a limit: CURLOPT_WRITEFUNCTION fg_curl_sink_write with
 * CURLOPT_WRITEDATA the sink. Past limit the transfer stops (CURLE_WRITE_ERROR) with
 * too_big set, so the caller answers its service's "too large" error.
 */
struct fg_curl_sink {
	struct fg_buf body;
	size_t limit;
	bool too_big;
};
void fg_curl_sink_init(struct fg_curl_sink *s, size_t limit);
size_t fg_curl_sink_write(char *p, size_t size, size_t n, void *sink);

/* curl.h defines these two as macros (to count their arguments) */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_init() (fg_net_curl()->easy_init())
#define curl_easy_setopt(c, opt, v) (fg_net_curl()->easy_setopt((c), (opt), (v)))
#define curl_easy_perform(c) (fg_net_curl()->easy_perform(c))
#define curl_easy_getinfo(c, info, p) (fg_net_curl()->easy_getinfo((c), (info), (p)))
#define curl_easy_cleanup(c) (fg_net_curl()->easy_cleanup(c))
#define curl_easy_reset(c) (fg_net_curl()->easy_reset(c))
#define curl_easy_strerror(rc) (fg_net_curl()->easy_strerror(rc))
#define curl_easy_escape(c, s, n) (fg_net_curl()->easy_escape((c), (s), (n)))
#define curl_free(p) (fg_net_curl()->free(p))
#define curl_slist_append(l, s) (fg_net_curl()->slist_append((l), (s)))
#define curl_slist_free_all(l) (fg_net_curl()->slist_free_all(l))
#define curl_version_info(v) (fg_net_curl()->version_info(v))

#endif
