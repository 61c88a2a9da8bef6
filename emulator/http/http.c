/*
 * http.c: the libmicrohttpd adapter. Builds one fg_http_req per request in a per-request
 * arena, collects the body, calls the handler once, and turns its fg_http_resp into an MHD
 * response. The arena is dropped in the request-completed callback.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/*
 * libmicrohttpd's per-connection pool (request line, headers, read buffer; bodies stream to
 * the handler and do not count). 0.9.75 clears the pool between keep-alive requests, so its
 * size is a per-request cost: 256 KiB made a bare server 2.5x slower (scripts/bench). 64 KiB
 * holds header blocks far over AWS's limits (API Gateway 10240 bytes, CloudFront 20480).
 * bench/ceiling.c mirrors this value and the threading mode.
 */
#define FG_HTTP_CONN_MEMORY (64 * 1024)

struct fg_http_server {
	struct MHD_Daemon *d;
	struct fg_http_server_cfg cfg;
};

/* Per-request state, created on the first access-handler call. */
struct rq {
	struct fg_http_req req;
	struct fg_buf body;
	bool started;
};

struct hdr_collect {
	struct fg_http_req *req;
	struct fg_http_hlist list;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *value)
{
	struct hdr_collect *hc = cls;
	struct fg_http_req *r = hc->req;

	fg_http_hlist_add(r->arena, &hc->list, fg_arena_strdup(r->arena, key),
			  fg_arena_strdup(r->arena, value ? value : ""));
	r->headers = hc->list.v;
	r->nheaders = hc->list.n;
	return MHD_YES;
}

static void client_addr(struct MHD_Connection *c, struct fg_http_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char ip[INET6_ADDRSTRLEN] = "unknown";
	int port = 0;

	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET) {
			const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

			inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
			port = ntohs(in->sin_port);
		} else if (sa->sa_family == AF_INET6) {
			const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

			inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
			port = ntohs(in6->sin6_port);
		}
	}
	r->client_ip = fg_arena_strdup(r->arena, ip);
	r->client = fg_arena_printf(r->arena, "%s:%d", ip, port);
}

static void split_url(struct fg_http_req *r, const char *url)
{
	const char *q = strchr(url, '?');

	if (q == NULL) {
		r->path = fg_arena_strdup(r->arena, url);
		r->query = "";
	} else {
		r->path = fg_arena_strndup(r->arena, url, (size_t)(q - url));
		r->query = fg_arena_strdup(r->arena, q + 1);
	}
}

/* MHD's URI log callback sees the request target exactly as sent (MHD unescapes the URL it
 * passes to the access handler); the per-request state starts here. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct fg_http_server *s = cls;
	struct fg_arena *a = fg_arena_new(8192);
	struct rq *q = fg_arena_alloc(a, sizeof(*q));

	memset(q, 0, sizeof(*q));
	q->req.arena = a;
	q->req.listener = s->cfg.listener;
	fg_buf_init(&q->body);
	split_url(&q->req, uri != NULL ? uri : "/");
	return q;
}

static void rq_start(struct rq *q, struct MHD_Connection *c, const char *method)
{
	struct hdr_collect hc = { &q->req, { NULL, 0, 0 } };
	const char *host;

	q->started = true;
	q->req.method = fg_arena_strdup(q->req.arena, method);
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &hc);
	host = fg_http_header(&q->req, "Host");
	q->req.host = host ? host : "";
	client_addr(c, &q->req);
}

static enum MHD_Result respond(struct fg_http_server *s, struct MHD_Connection *c, struct rq *q)
{
	struct fg_http_resp resp;
	struct MHD_Response *mr;
	enum MHD_Result ret;

	memset(&resp, 0, sizeof(resp));
	resp.status = 500;
	resp.arena = q->req.arena;
	q->req.body = q->body.len ? q->body.data : "";
	q->req.body_len = q->body.len;
	s->cfg.handler(s->cfg.arg, &q->req, &resp);
	mr = MHD_create_response_from_buffer(resp.body_len, (void *)(resp.body ? resp.body : ""),
					     MHD_RESPMEM_MUST_COPY);
	for (size_t i = 0; i < resp.nhdr; i++)
		MHD_add_response_header(mr, resp.hdr[i].name, resp.hdr[i].value);
	ret = MHD_queue_response(c, (unsigned)resp.status, mr);
	MHD_destroy_response(mr);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct fg_http_server *s = cls;
	struct rq *q = *con_cls;

	if (q == NULL) {
		q = on_uri(s, url, c);
		*con_cls = q;
	}
	if (!q->started) {
		rq_start(q, c, method);
		return MHD_YES; /* queue on a later call: keeps keep-alive working */
	}
	if (*upload_size > 0) {
		size_t room = s->cfg.body_limit > q->body.len ? s->cfg.body_limit - q->body.len : 0;
		size_t take = *upload_size < room ? *upload_size : room;

		if (take > 0)
			fg_buf_append(&q->body, upload_data, take);
		if (take < *upload_size)
			q->req.body_too_large = true;
		q->req.body_seen += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	return respond(s, c, q);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct rq *q = *con_cls;
	struct fg_arena *a;

	if (q == NULL)
		return;
	fg_buf_free(&q->body);
	a = q->req.arena;
	fg_arena_destroy(&a);
	*con_cls = NULL;
}

static void mhd_logger(void *cls, const char *fm, va_list ap)
{
	struct fg_http_server *s = cls;
	char line[512];

	vsnprintf(line, sizeof(line), fm, ap);
	line[strcspn(line, "\n")] = '\0';
	fg_log(s->cfg.log, FG_LOG_DEBUG, s->cfg.listener, "libmicrohttpd: %s", line);
}

int fg_http_server_start(const struct fg_http_server_cfg *cfg, struct fg_http_server **out,
			 struct fg_err *err)
{
	struct fg_http_server *s = calloc(1, sizeof(*s));
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;

	FG_ASSERT(s != NULL);
	s->cfg = *cfg;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, s,
				MHD_OPTION_LISTEN_SOCKET, cfg->listen_fd,
				MHD_OPTION_THREAD_POOL_SIZE, cfg->threads > 1 ? cfg->threads : 0,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)FG_HTTP_CONN_MEMORY,
				MHD_OPTION_END);
	if (s->d == NULL) {
		fg_err_set(err, 500, "ListenError", "cannot start the %s HTTP server",
			   cfg->listener);
		close(cfg->listen_fd);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void fg_http_server_stop(struct fg_http_server **sp)
{
	struct fg_http_server *s = *sp;

	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	close(s->cfg.listen_fd);
	free(s);
	*sp = NULL;
}

/* ---------------------------------------------------------------- helpers */

void fg_http_hlist_add(struct fg_arena *a, struct fg_http_hlist *h, const char *name,
		       const char *value)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct fg_http_header *n = fg_arena_alloc(a, cap * sizeof(*n));

		if (h->n)
			memcpy(n, h->v, h->n * sizeof(*n));
		h->v = n;
		h->cap = cap;
	}
	h->v[h->n].name = name;
	h->v[h->n].value = value;
	h->n++;
}

const char *fg_http_hlist_get(const struct fg_http_hlist *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++) {
		if (strcasecmp(h->v[i].name, name) == 0)
			return h->v[i].value;
	}
	return NULL;
}

const char *fg_http_header(const struct fg_http_req *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	}
	return NULL;
}

const char *fg_http_query_raw(const struct fg_http_req *req, const char *name)
{
	size_t n = strlen(name);
	const char *p = req->query;

	while (p != NULL && *p) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);

		if (len >= n && strncmp(p, name, n) == 0 && (len == n || p[n] == '='))
			return fg_arena_strndup(req->arena, len == n ? p + n : p + n + 1,
						len == n ? 0 : len - n - 1);
		p = amp ? amp + 1 : NULL;
	}
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *fg_http_decode(struct fg_arena *a, const char *s, bool form)
{
	size_t n = strlen(s), o = 0;
	char *out = fg_arena_alloc(a, n + 1);

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n + 1 && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (form && s[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

void fg_http_add_header(struct fg_http_resp *resp, const char *name, const char *value)
{
	FG_ASSERT(resp->nhdr < sizeof(resp->hdr) / sizeof(resp->hdr[0]));
	resp->hdr[resp->nhdr].name = fg_arena_strdup(resp->arena, name);
	resp->hdr[resp->nhdr].value = fg_arena_strdup(resp->arena, value);
	resp->nhdr++;
}

void fg_http_set_body(struct fg_http_resp *resp, int status, const char *content_type,
		      const char *body, size_t len)
{
	resp->status = status;
	if (content_type != NULL)
		fg_http_add_header(resp, "Content-Type", content_type);
	resp->body = fg_arena_strndup(resp->arena, body, len);
	resp->body_len = len;
}
