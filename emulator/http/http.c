/*
 * http.c: the libmicrohttpd adapter. Builds one fg_http_req per request in a per-request
 * arena, collects the body, calls the handler once, and turns its fg_http_resp into an MHD
 * response. The arena is dropped in the request-completed callback.
 *
 * Connections handed over by the TLS terminator (fg_http_server_add_connection) carry their
 * TLS facts: they wait in a small table keyed by the socket until MHD reports the connection
 * started (while MHD holds the fd open, so a reused fd number cannot be confused), then live
 * in MHD's socket context until it reports the connection closed.
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

/* What a handed-over connection's requests are told about it. */
struct conn_facts {
	int fd;
	char *listener, *sni, *tls_version, *tls_cipher, *client_cert_pem, *tls_cert;
	struct conn_facts *next;
};

struct fg_http_server {
	struct MHD_Daemon *d;
	struct fg_http_server_cfg cfg;
	pthread_mutex_t mu;           /* guards pending */
	struct conn_facts *pending;   /* added, not yet started by MHD */
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

static char *dup_or_null(struct fg_arena *a, const char *s)
{
	return s != NULL ? fg_arena_strdup(a, s) : NULL;
}

/* The TLS facts of the request's connection, when the terminator handed it over. */
static void conn_facts_to_req(struct MHD_Connection *c, struct fg_http_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	const struct conn_facts *f = ci != NULL ? ci->socket_context : NULL;

	if (f == NULL)
		return;
	r->listener = f->listener;
	r->sni = dup_or_null(r->arena, f->sni);
	r->tls_version = dup_or_null(r->arena, f->tls_version);
	r->tls_cipher = dup_or_null(r->arena, f->tls_cipher);
	r->client_cert_pem = dup_or_null(r->arena, f->client_cert_pem);
	r->tls_cert = dup_or_null(r->arena, f->tls_cert);
}

static void rq_start(struct rq *q, struct MHD_Connection *c, const char *method)
{
	struct hdr_collect hc = { &q->req, { NULL, 0, 0 } };
	const char *host;

	conn_facts_to_req(c, &q->req);
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

static void conn_facts_free(struct conn_facts *f)
{
	if (f == NULL)
		return;
	free(f->listener);
	free(f->sni);
	free(f->tls_version);
	free(f->tls_cipher);
	free(f->client_cert_pem);
	free(f->tls_cert);
	free(f);
}

/* Moves a handed-over connection's facts from the pending table to MHD's socket context. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct fg_http_server *s = cls;

	if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		conn_facts_free(*socket_context);
		*socket_context = NULL;
		return;
	}
	{
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		int fd = ci != NULL ? ci->connect_fd : -1;

		*socket_context = NULL;
		pthread_mutex_lock(&s->mu);
		for (struct conn_facts **pp = &s->pending; *pp != NULL; pp = &(*pp)->next) {
			if ((*pp)->fd == fd) {
				*socket_context = *pp;
				*pp = (*pp)->next;
				break;
			}
		}
		pthread_mutex_unlock(&s->mu);
	}
}

static void mhd_logger(void *cls, const char *fm, va_list ap)
{
	struct fg_http_server *s = cls;
	char line[512];

	/* MHD tries TCP_NODELAY/TCP_CORK on every response; on the terminator's AF_UNIX sockets
	 * that fails harmlessly, three lines per response (notes-tls-mhd.md, gotcha 4). */
	if (strncmp(fm, "Setting TCP_", 12) == 0 || strncmp(fm, "Failed to push", 14) == 0 ||
	    s->cfg.log == NULL || s->cfg.log->level < FG_LOG_DEBUG)
		return;
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
	pthread_mutex_init(&s->mu, NULL);
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, s,
				MHD_OPTION_LISTEN_SOCKET, cfg->listen_fd,
				MHD_OPTION_THREAD_POOL_SIZE, cfg->threads > 1 ? cfg->threads : 0,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				/* never reached: the terminator keeps its own, lower limit (MHD
				 * 0.9.75 deadlocks when an added connection hits this one) */
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)8192,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)FG_HTTP_CONN_MEMORY,
				MHD_OPTION_END);
	if (s->d == NULL) {
		fg_err_set(err, 500, "ListenError", "cannot start the %s HTTP server",
			   cfg->listener);
		close(cfg->listen_fd);
		pthread_mutex_destroy(&s->mu);
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
	while (s->pending != NULL) {
		struct conn_facts *f = s->pending;

		s->pending = f->next;
		conn_facts_free(f);
	}
	pthread_mutex_destroy(&s->mu);
	free(s);
	*sp = NULL;
}

static char *strdup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

int fg_http_server_add_connection(struct fg_http_server *s, int fd, const struct sockaddr *peer,
				  size_t peerlen, const struct fg_http_conn *conn,
				  struct fg_err *err)
{
	struct conn_facts *f = calloc(1, sizeof(*f));

	FG_ASSERT(f != NULL);
	f->fd = fd;
	f->listener = strdup(conn->listener);
	f->sni = strdup_or_null(conn->sni);
	f->tls_version = strdup_or_null(conn->tls_version);
	f->tls_cipher = strdup_or_null(conn->tls_cipher);
	f->client_cert_pem = strdup_or_null(conn->client_cert_pem);
	f->tls_cert = strdup_or_null(conn->tls_cert);
	pthread_mutex_lock(&s->mu);
	/* an entry with this fd number is stale: its socket was closed before MHD started it */
	for (struct conn_facts **pp = &s->pending; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->fd == fd) {
			struct conn_facts *old = *pp;

			*pp = old->next;
			conn_facts_free(old);
			break;
		}
	}
	f->next = s->pending;
	s->pending = f;
	pthread_mutex_unlock(&s->mu);
	if (MHD_add_connection(s->d, fd, peer, (socklen_t)peerlen) == MHD_YES)
		return 0;
	/* MHD closed the fd; the entry must not outlive it */
	pthread_mutex_lock(&s->mu);
	for (struct conn_facts **pp = &s->pending; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			conn_facts_free(f);
			break;
		}
	}
	pthread_mutex_unlock(&s->mu);
	fg_err_set(err, 503, "ConnectionRefused", "the %s server refused a connection",
		   s->cfg.listener);
	return -1;
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
