/*
 * http: HTTP/1.1 servers on libmicrohttpd, and the request/response shapes handlers see.
 *
 * A server owns one MHD daemon on a socket bound by net/. For each request it creates an
 * arena, collects the body (up to a limit; past it the request is marked oversized, not
 * cut silently), and calls the handler once with the whole request. The handler fills a
 * response; headers and body are copied out when it returns, then the arena is dropped.
 * Keep-alive works: responses are queued on the second access-handler call (see
 * ../shared/notes-tls-mhd.md, "Keep-alive gotcha").
 *
 * The same server type runs the data plane (threaded pool) and the control API (one thread).
 */
#ifndef FG_HTTP_H
#define FG_HTTP_H

#include <stddef.h>

#include "core/core.h"

struct MHD_Connection;
struct sockaddr;

struct fg_http_header {
	const char *name;
	const char *value;
};

struct fg_http_req {
	struct fg_arena *arena;        /* freed when the response is done */
	const char *method;
	const char *path;              /* the path as sent, percent-encoding intact */
	const char *query;             /* raw query string after '?', "" when none */
	const char *host;              /* Host header ("" when absent) */
	const char *client;            /* "127.0.0.1:54321" */
	const char *client_ip;
	const char *listener;          /* "http", "control" */
	struct fg_http_header *headers;  /* in arrival order, names as sent */
	size_t nheaders;
	const char *body;              /* NUL-terminated for convenience; body_len is the truth */
	size_t body_len;
	bool body_too_large;           /* more than the server's body limit arrived */
	size_t body_seen;              /* bytes announced/received in all */
	/* TLS facts of the connection (NULL on clear-text listeners), kept by the terminator */
	const char *sni;               /* server name the client asked for, NULL when none */
	const char *tls_version;       /* "TLSv1.3" */
	const char *tls_cipher;        /* OpenSSL name, "TLS_AES_128_GCM_SHA256" */
	const char *client_cert_pem;   /* the client's certificate (mTLS), NULL when none */
	const char *tls_cert;          /* for traces: which certificate the connection got and
					* its state on the emulator clock ("ACM certificate
					* arn:..., EXPIRED since ...") */
	/* Network path: set by any in-process hop that delivers the request through a VPC
	 * interface endpoint (CloudFront VPC origin, an internal ALB, a private host form);
	 * NULL when the request comes from the public internet side. */
	const char *via_vpce;          /* "vpce-0123456789abcdef0" */
	const char *via_vpc;           /* "vpc-0123456789abcdef0" */
	/* In-process connections (iface/dispatch.h): the name and port the connection was made
	 * to, which a service with several listeners on one name (a load balancer) needs and
	 * which can differ from Host. NULL / 0 for requests from the data-plane listeners. */
	const char *conn_name;
	int conn_port;
};

struct fg_http_resp {
	int status;
	struct fg_arena *arena;        /* the request's arena, for building the response */
	struct fg_http_header hdr[48];
	size_t nhdr;
	const char *body;              /* copied when the handler returns */
	size_t body_len;
};

/* A growable list of headers in an arena (names and values are not copied). */
struct fg_http_hlist {
	struct fg_http_header *v;
	size_t n, cap;
};

void fg_http_hlist_add(struct fg_arena *a, struct fg_http_hlist *h, const char *name,
		       const char *value);
/* Case-insensitive: the first value with that name, NULL when absent. */
const char *fg_http_hlist_get(const struct fg_http_hlist *h, const char *name);

/* Case-insensitive lookup of the first header with that name, NULL when absent. */
const char *fg_http_header(const struct fg_http_req *req, const char *name);
/* The value of query parameter name (not decoded), NULL when absent. */
const char *fg_http_query_raw(const struct fg_http_req *req, const char *name);
/* Percent-decodes s (and '+' to space when form) into the arena. */
char *fg_http_decode(struct fg_arena *a, const char *s, bool form);
/* Adds a response header (name and value are copied into the arena). */
void fg_http_add_header(struct fg_http_resp *resp, const char *name, const char *value);
/* Sets status, Content-Type and body (copied into the arena). */
void fg_http_set_body(struct fg_http_resp *resp, int status, const char *content_type,
		      const char *body, size_t len);

typedef void (*fg_http_handler_f)(void *arg, struct fg_http_req *req, struct fg_http_resp *resp);

struct fg_http_server_cfg {
	int listen_fd;            /* bound and listening; the server takes ownership */
	const char *listener;     /* name given to requests: "http", "control" */
	unsigned threads;         /* 1 = one internal thread; >1 = a pool */
	size_t body_limit;        /* bytes kept; more marks body_too_large */
	fg_http_handler_f handler;
	void *arg;
	struct fg_log *log;
};

struct fg_http_server;

/* What requests on a connection handed over by the TLS terminator are told (copied). */
struct fg_http_conn {
	const char *listener;          /* "https" */
	const char *sni, *tls_version, *tls_cipher, *client_cert_pem, *tls_cert;
};

int fg_http_server_start(const struct fg_http_server_cfg *cfg, struct fg_http_server **out,
			 struct fg_err *err);
/* Stops accepting, finishes the requests in flight, frees everything. */
void fg_http_server_stop(struct fg_http_server **sp);
/*
 * Serves a connected stream socket (the clear side of a TLS connection) as if it had been
 * accepted on the server's listener: its requests carry conn's listener and TLS facts and
 * the real client address peer. fd is taken over, even on failure.
 */
int fg_http_server_add_connection(struct fg_http_server *s, int fd, const struct sockaddr *peer,
				  size_t peerlen, const struct fg_http_conn *conn,
				  struct fg_err *err);

#endif
