/*
 * ceiling.c: the benchmark's ceiling server (scripts/bench). A bare libmicrohttpd daemon in
 * the threading mode frontgate's data plane uses (emulator/http/http.c: internal polling
 * thread, epoll, ITC, a pool of 2 threads, the same connection timeout and memory limit,
 * the two-call access-handler pattern that keeps keep-alive working on 0.9.75) answering
 * "200 ok" to every request. Whatever frontgate does per request costs the difference
 * between this and frontgate, so scripts/bench reports every figure as a ratio to it.
 *
 * Usage: ceiling [ADDR:PORT] [--https ADDR:PORT] (default 127.0.0.1:0). Prints one JSON
 * line {"ready":true,"http":PORT[,"https":PORT,"ca":"<CA PEM file>"]} when it serves, stops
 * cleanly on SIGTERM or SIGINT.
 *
 * HTTPS ceiling (--https): the same path frontgate's HTTPS listener takes (emulator/tls):
 * an acceptor thread, one thread per connection doing the OpenSSL handshake with the same
 * context options as tls_term.c's base_ctx and API Gateway's TLS_1_2 policy applied
 * (tls_policy_apply), then the clear stream handed to the same libmicrohttpd daemon over a
 * socketpair (MHD_add_connection) and pumped by tls_pump (emulator/tls/tls_pump.c, linked
 * from the tls module). The certificate (EC P-256, for api.bench.test and *.bench.test) is
 * issued at start by a local CA made with emulator/pki, written to a temporary file
 * (removed at exit) so clients can verify it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#include <microhttpd.h>

#include "pki/pki.h"
#include "tls/tls.h"

#define CEILING_THREADS 2            /* frontgate's data-plane pool (main/instance.c) */
#define CEILING_CONN_MEMORY (64 * 1024) /* FG_HTTP_CONN_MEMORY in emulator/http/http.c */

static const char ok_body[] = "ok";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	static int started_marker;
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls; (void)url; (void)method; (void)version; (void)upload_data;
	if (*con_cls == NULL) {
		*con_cls = &started_marker; /* queue on a later call: keeps keep-alive */
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(sizeof(ok_body) - 1, (void *)ok_body,
					    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls; (void)c; (void)toe;
	*con_cls = NULL;
}

static void quiet_logger(void *cls, const char *fm, va_list ap)
{
	(void)cls; (void)fm; (void)ap;
}

static int listen_on(const char *spec, int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char host[64] = "127.0.0.1";
	const char *colon = strrchr(spec, ':');
	int fd, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (colon != NULL && (size_t)(colon - spec) < sizeof(host)) {
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
		sa.sin_port = htons((unsigned short)atoi(colon + 1));
	}
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}


/* ------------------------------------------------------------------ HTTPS */

struct https {
	int listen_fd;
	int stop[2];
	struct MHD_Daemon *d;
	SSL_CTX *ctx;
	const struct tls_policy *pol;
	char ca_file[64];
	pthread_t acceptor;
};

struct tconn {
	struct https *h;
	int fd;
	struct sockaddr_storage peer;
	socklen_t peerlen;
};

/* tls_term.c's base_ctx, with the one certificate installed instead of the SNI callback. */
static SSL_CTX *https_ctx(const struct pki_issued *is)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	X509 *leaf = pki_cert_parse(is->cert_pem);
	EVP_PKEY *key = pki_key_parse(is->key_pem);

	if (ctx == NULL || leaf == NULL || key == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET |
				 SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_use_certificate(ctx, leaf) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
		return NULL;
	X509_free(leaf);
	EVP_PKEY_free(key);
	return ctx;
}

static void *tconn_main(void *arg)
{
	struct tconn *c = arg;
	struct https *h = c->h;
	SSL *ssl = SSL_new(h->ctx);
	int one = 1, sv[2];

	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	SSL_set_fd(ssl, c->fd);
	if (tls_policy_apply(h->pol, ssl) == 0 && SSL_accept(ssl) == 1 &&
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0) {
		if (MHD_add_connection(h->d, sv[0], (struct sockaddr *)&c->peer, c->peerlen) ==
		    MHD_YES)
			tls_pump(ssl, c->fd, sv[1], h->stop[0]);
		close(sv[1]);
	}
	SSL_free(ssl);
	close(c->fd);
	free(c);
	return NULL;
}

static void *acceptor(void *arg)
{
	struct https *h = arg;
	struct pollfd p[2] = { { .fd = h->listen_fd, .events = POLLIN },
			       { .fd = h->stop[0], .events = POLLIN } };

	for (;;) {
		struct tconn *c;
		pthread_t thr;
		pthread_attr_t attr;

		if (poll(p, 2, -1) < 0 || p[1].revents)
			break;
		c = calloc(1, sizeof(*c));
		c->h = h;
		c->peerlen = sizeof(c->peer);
		c->fd = accept4(h->listen_fd, (struct sockaddr *)&c->peer, &c->peerlen,
				SOCK_CLOEXEC);
		if (c->fd < 0) {
			free(c);
			continue;
		}
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&attr, 512 * 1024);
		if (pthread_create(&thr, &attr, tconn_main, c) != 0) {
			close(c->fd);
			free(c);
		}
		pthread_attr_destroy(&attr);
	}
	return NULL;
}

/* Makes the CA, the certificate and the context, then starts accepting. */
static int https_start(struct https *h, const char *spec, struct MHD_Daemon *d, int *port)
{
	static const char *const names[] = { "api.bench.test", "*.bench.test" };
	struct fg_err err;
	struct pki_issued is;
	struct pki_ca *ca;
	FILE *f;
	int fd;

	fg_err_clear(&err);
	h->d = d;
	h->pol = tls_policy_find("TLS_1_2", &err);
	ca = pki_ca_generate("bench ceiling", &err);
	if (h->pol == NULL || ca == NULL ||
	    pki_issue(ca, names, 2, PKI_KEY_EC_P256, 946684800000LL, 4102444800000LL, &is,
		      &err) != 0)
		return -1;
	h->ctx = https_ctx(&is);
	snprintf(h->ca_file, sizeof(h->ca_file), "/tmp/fg-ceiling-ca-XXXXXX");
	fd = mkstemp(h->ca_file);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f != NULL) {
		fputs(pki_ca_cert_pem(ca), f);
		fclose(f);
	}
	pki_issued_free(&is);
	pki_ca_free(&ca);
	if (h->ctx == NULL || f == NULL || pipe2(h->stop, O_CLOEXEC) != 0)
		return -1;
	h->listen_fd = listen_on(spec, port);
	if (h->listen_fd < 0)
		return -1;
	return pthread_create(&h->acceptor, NULL, acceptor, h) == 0 ? 0 : -1;
}

/* Stops accepting and tells every connection's pump to end (their threads are detached). */
static void https_stop(struct https *h)
{
	if (write(h->stop[1], "x", 1) == 1)
		pthread_join(h->acceptor, NULL);
	close(h->listen_fd);
	unlink(h->ca_file);
}

int main(int argc, char **argv)
{
	const char *spec = "127.0.0.1:0", *https_spec = NULL;
	struct https h;
	int https_port = 0;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;
	sigset_t set;
	int port = 0, sig = 0, fd;

	memset(&h, 0, sizeof(h));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--https") == 0 && i + 1 < argc)
			https_spec = argv[++i];
		else
			spec = argv[i];
	}
	fd = listen_on(spec, &port);
	if (fd < 0) {
		fprintf(stderr, "ceiling: cannot listen on %s\n", spec);
		return 2;
	}
	/* Block the stop signals before MHD starts its threads, then sigwait for them. */
	signal(SIGPIPE, SIG_IGN); /* a client that went away must not end the pump's write */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
			     MHD_OPTION_EXTERNAL_LOGGER, quiet_logger, NULL,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)CEILING_THREADS,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CEILING_CONN_MEMORY,
			     MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "ceiling: cannot start libmicrohttpd\n");
		return 2;
	}
	if (https_spec != NULL && https_start(&h, https_spec, d, &https_port) != 0) {
		fprintf(stderr, "ceiling: cannot start HTTPS on %s\n", https_spec);
		MHD_stop_daemon(d);
		return 2;
	}
	if (https_spec != NULL)
		printf("{\"ready\":true,\"http\":%d,\"https\":%d,\"ca\":\"%s\"}\n", port,
		       https_port, h.ca_file);
	else
		printf("{\"ready\":true,\"http\":%d}\n", port);
	fflush(stdout);
	sigwait(&set, &sig);
	if (https_spec != NULL)
		https_stop(&h);
	MHD_stop_daemon(d);
	close(fd);
	return 0;
}
