/*
 * tls_term.c: the HTTPS listener (tls.h). An acceptor thread starts one thread per
 * connection; that thread does the handshake with OpenSSL and then pumps bytes between the
 * TLS connection and one end of a socketpair whose other end the data-plane HTTP server
 * serves as a connection of its own (fg_http_server_add_connection), so HTTP and HTTPS go
 * through the same front router.
 *
 * The site is chosen in the client-hello callback, before the protocol version is
 * negotiated, which is the only point where a per-name minimum version can still be set
 * (notes-tls-mhd.md §2b): SNI -> site (exact names before wildcards) -> policy (protocol
 * range, ciphers, security level) and certificate (ACM through iface/certs.h, or the local
 * CA's default certificate for the name). Sites come from every service's tls_sites for the
 * world current at the handshake, merged into a table that is rebuilt when the world
 * changes; certificates are parsed once per table, on first use.
 *
 * A handshake that fails (no SNI, a name nobody serves, a protocol or cipher the policy
 * refuses) leaves a request trace saying why. The connection limit is enforced here, below
 * libmicrohttpd's own, which 0.9.75 cannot reach safely (notes-tls-mhd.md §4).
 */
#include "tls/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <openssl/err.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "main/app.h"
#include "trace/trace.h"

#define HANDSHAKE_MS 10000

struct site_ent {
	struct fg_tls_site site;           /* strings borrowed from the view (or the cfg) */
	const struct tls_policy *pol;      /* NULL: the site names an unknown policy */
	bool loaded;                       /* material below tried (under table mu) */
	const struct tls_keypair *kp;      /* NULL: unusable, why says */
	struct tls_keypair own;            /* parsed ACM material (freed with the table) */
	STACK_OF(X509_NAME) *client_cas;   /* mTLS: subjects of the truststore */
	char *why;
};

struct site_table {
	int refs;                          /* under term mu */
	struct stack_world *w;
	struct site_ent *v;
	size_t n, cap;
	pthread_mutex_t mu;                /* lazy certificate loading */
};

struct tls_term {
	struct tls_term_cfg cfg;
	SSL_CTX *ctx;
	int stop[2];                       /* written once at stop; every poll watches [0] */
	pthread_t acceptor;
	pthread_mutex_t mu;
	pthread_cond_t idle;
	unsigned live;
	struct site_table *cur;
};

struct conn {
	struct tls_term *t;
	int fd;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	char client[80];
	SSL *ssl;
	struct site_table *tbl;
	const struct site_ent *ent;
	char sni[256];
	bool hello_seen;
	char fail[1024];
	char cert_note[400];               /* the certificate served, for traces */
};

/* ------------------------------------------------------------ site tables */

static void table_add(struct site_table *tbl, const struct fg_tls_site *s)
{
	struct site_ent *e;
	struct fg_err err;

	if (s->name == NULL || s->name[0] == '\0')
		return;
	if (tbl->n == tbl->cap) {
		tbl->cap = tbl->cap ? tbl->cap * 2 : 16;
		tbl->v = realloc(tbl->v, tbl->cap * sizeof(*tbl->v));
		FG_ASSERT(tbl->v != NULL);
	}
	e = &tbl->v[tbl->n++];
	memset(e, 0, sizeof(*e));
	e->site = *s;
	fg_err_clear(&err);
	e->pol = s->security_policy != NULL ? tls_policy_find(s->security_policy, &err)
					    : tls_policy_default(s->service);
	if (e->pol == NULL) {
		e->loaded = true;
		e->why = strdup(err.message);
	}
}

/* The sites of every service in w, then the command line's. w's reference is taken over. */
static struct site_table *table_build(struct tls_term *t, struct stack_world *w)
{
	struct site_table *tbl = calloc(1, sizeof(*tbl));
	struct fg_app *app = t->cfg.app;

	FG_ASSERT(tbl != NULL);
	tbl->refs = 1;
	tbl->w = w;
	pthread_mutex_init(&tbl->mu, NULL);
	for (size_t i = 0; i < fg_app_nservices(app); i++) {
		const struct fg_service *svc = fg_app_service(app, i);
		const struct fg_tls_site *sites;
		size_t n = 0;

		if (svc->tls_sites == NULL)
			continue;
		sites = svc->tls_sites(svc->self, stack_world_slot(w, (unsigned)i), &n);
		for (size_t k = 0; k < n; k++)
			table_add(tbl, &sites[k]);
	}
	for (size_t k = 0; k < t->cfg.nextra; k++)
		table_add(tbl, &t->cfg.extra[k]);
	return tbl;
}

static void table_free(struct site_table *tbl)
{
	for (size_t i = 0; i < tbl->n; i++) {
		struct site_ent *e = &tbl->v[i];

		X509_free(e->own.leaf);
		EVP_PKEY_free(e->own.key);
		sk_X509_pop_free(e->own.chain, X509_free);
		sk_X509_NAME_pop_free(e->client_cas, X509_NAME_free);
		free(e->why);
	}
	free(tbl->v);
	stack_world_rel(&tbl->w);
	pthread_mutex_destroy(&tbl->mu);
	free(tbl);
}

/* The table of the current world, referenced. */
static struct site_table *table_get(struct tls_term *t)
{
	struct stack_world *w = fg_app_world(t->cfg.app);
	struct site_table *tbl, *old = NULL;

	pthread_mutex_lock(&t->mu);
	if (t->cur == NULL || t->cur->w != w) {
		old = t->cur;
		t->cur = table_build(t, w);
		w = NULL; /* the table holds it */
		if (old != NULL && --old->refs > 0)
			old = NULL;
	}
	tbl = t->cur;
	tbl->refs++;
	pthread_mutex_unlock(&t->mu);
	if (old != NULL)
		table_free(old);
	stack_world_rel(&w);
	return tbl;
}

static void table_put(struct tls_term *t, struct site_table **tp)
{
	struct site_table *tbl = *tp;
	bool last;

	if (tbl == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	last = --tbl->refs == 0;
	pthread_mutex_unlock(&t->mu);
	if (last)
		table_free(tbl);
	*tp = NULL;
}

/* Exact names first, then wildcards ("*.x" covers one label). */
static struct site_ent *table_lookup(struct site_table *tbl, const char *name)
{
	for (size_t i = 0; i < tbl->n; i++) {
		if (strcasecmp(tbl->v[i].site.name, name) == 0)
			return &tbl->v[i];
	}
	for (size_t i = 0; i < tbl->n; i++) {
		if (strncmp(tbl->v[i].site.name, "*.", 2) == 0 &&
		    pki_name_matches(tbl->v[i].site.name, name))
			return &tbl->v[i];
	}
	return NULL;
}

/* ------------------------------------------------------ certificates */

static void load_acm(struct tls_term *t, struct site_table *tbl, struct site_ent *e)
{
	struct fg_arena *a = fg_arena_new(8192);
	struct fg_cert c;
	STACK_OF(X509) *all = NULL;

	memset(&c, 0, sizeof(c));
	c.status = FG_CERT_NOT_FOUND;
	if (t->cfg.certs != NULL)
		t->cfg.certs->by_arn(t->cfg.certs->self, tbl->w, e->site.certificate_arn,
				     fg_clock_now_ms(fg_app_clock(t->cfg.app)), a, &c);
	if (c.status != FG_CERT_ISSUED && c.status != FG_CERT_EXPIRED) {
		if (asprintf(&e->why, "the certificate of %s, %s, is %s", e->site.name,
			     e->site.certificate_arn,
			     c.status == FG_CERT_NOT_FOUND ? "not in any deployed stack"
							   : "not issued (PENDING_VALIDATION)") < 0)
			e->why = NULL;
		goto out;
	}
	all = pki_certs_parse(c.chain_pem);
	e->own.key = pki_key_parse(c.key_pem);
	if (all == NULL || e->own.key == NULL) {
		e->why = strdup("the certificate or its key does not parse");
		goto out;
	}
	e->own.leaf = sk_X509_shift(all);
	e->own.chain = all;
	all = NULL;
	e->kp = &e->own;
out:
	sk_X509_pop_free(all, X509_free);
	fg_arena_destroy(&a);
}

static void load_truststore(struct site_ent *e)
{
	STACK_OF(X509) *certs = pki_certs_parse(e->site.truststore_pem);

	e->client_cas = sk_X509_NAME_new_null();
	for (int i = 0; certs != NULL && i < sk_X509_num(certs); i++)
		sk_X509_NAME_push(e->client_cas,
				  X509_NAME_dup(X509_get_subject_name(sk_X509_value(certs, i))));
	sk_X509_pop_free(certs, X509_free);
}

/* The site's certificate, loaded on first use; false (and e->why) when there is none. */
static bool site_ready(struct tls_term *t, struct site_table *tbl, struct site_ent *e)
{
	pthread_mutex_lock(&tbl->mu);
	if (!e->loaded) {
		e->loaded = true;
		if (e->site.certificate_arn != NULL) {
			load_acm(t, tbl, e);
		} else {
			struct fg_err err;

			fg_err_clear(&err);
			if (tls_ca_default_cert(t->cfg.ca, e->site.name, &e->kp, &err) != 0)
				e->why = strdup(err.message);
		}
		if (e->site.truststore_pem != NULL)
			load_truststore(e);
	}
	pthread_mutex_unlock(&tbl->mu);
	return e->kp != NULL && e->pol != NULL;
}

/* ------------------------------------------------------------ handshake */

/* The host_name of the server_name extension (RFC 6066 §3), lower-cased. */
static bool sni_of(SSL *ssl, char out[256])
{
	const unsigned char *p;
	size_t len, list, n;

	if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p, &len) || len < 5)
		return false;
	list = (size_t)p[0] << 8 | p[1];
	if (list + 2 > len || p[2] != TLSEXT_NAMETYPE_host_name)
		return false;
	n = (size_t)p[3] << 8 | p[4];
	if (n == 0 || n > 255 || n + 5 > len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = (char)p[5 + i];

		out[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	out[n] = '\0';
	return true;
}

/*
 * Which certificate the site serves and, for an ACM certificate, whether it has expired on
 * the emulator clock: the served certificate does not change (AWS keeps serving an expired
 * one), so a client that refuses it needs the trace to say why.
 */
static void cert_note(struct conn *c, const struct site_ent *e)
{
	int64_t nb, na, now = fg_clock_now_ms(fg_app_clock(c->t->cfg.app));
	char when[21];

	if (e->site.certificate_arn == NULL) {
		snprintf(c->cert_note, sizeof(c->cert_note),
			 "frontgate's own certificate for %s (local CA)", e->site.name);
		return;
	}
	pki_cert_validity(e->kp->leaf, &nb, &na);
	if (now > na) {
		fg_time_iso(na, when);
		snprintf(c->cert_note, sizeof(c->cert_note),
			 "ACM certificate %s, EXPIRED since %s on frontgate's clock (still served, "
			 "as AWS does)", e->site.certificate_arn, when);
	} else if (now < nb) {
		fg_time_iso(nb, when);
		snprintf(c->cert_note, sizeof(c->cert_note),
			 "ACM certificate %s, not valid before %s (frontgate's clock is earlier)",
			 e->site.certificate_arn, when);
	} else {
		snprintf(c->cert_note, sizeof(c->cert_note), "ACM certificate %s",
			 e->site.certificate_arn);
	}
}

/* mTLS: ask for a certificate, take whatever comes (API Gateway's pipeline checks it). */
static int accept_any(int preverify, X509_STORE_CTX *x)
{
	return 1;
}

static int on_hello(SSL *ssl, int *al, void *arg)
{
	struct conn *c = SSL_get_app_data(ssl);
	struct site_ent *e;

	c->hello_seen = true;
	if (!sni_of(ssl, c->sni)) {
		snprintf(c->fail, sizeof(c->fail),
			 "handshake refused: the client sent no server name (SNI); AWS endpoints "
			 "serve SNI clients only (alert handshake_failure)");
		*al = SSL_AD_HANDSHAKE_FAILURE;
		return SSL_CLIENT_HELLO_ERROR;
	}
	e = table_lookup(c->tbl, c->sni);
	if (e == NULL) {
		snprintf(c->fail, sizeof(c->fail),
			 "handshake refused: no emulated endpoint serves '%s' over HTTPS "
			 "(alert unrecognized_name)", c->sni);
		*al = SSL_AD_UNRECOGNIZED_NAME;
		return SSL_CLIENT_HELLO_ERROR;
	}
	if (!site_ready(c->t, c->tbl, e)) {
		snprintf(c->fail, sizeof(c->fail), "handshake refused for '%s' (%s): %s", c->sni,
			 e->site.owner ? e->site.owner : e->site.name, e->why ? e->why : "?");
		*al = SSL_AD_HANDSHAKE_FAILURE;
		return SSL_CLIENT_HELLO_ERROR;
	}
	if (tls_policy_apply(e->pol, ssl) != 0 ||
	    SSL_use_cert_and_key(ssl, e->kp->leaf, e->kp->key, e->kp->chain, 1) != 1) {
		snprintf(c->fail, sizeof(c->fail), "handshake refused for '%s': OpenSSL refused "
			 "policy %s or the certificate", c->sni, e->pol->name);
		*al = SSL_AD_INTERNAL_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	if (e->site.truststore_pem != NULL) {
		SSL_set_verify(ssl, SSL_VERIFY_PEER, accept_any);
		if (e->client_cas != NULL)
			SSL_set_client_CA_list(ssl, SSL_dup_CA_list(e->client_cas));
	}
	c->ent = e;
	cert_note(c, e);
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* Waits for ev on fd (or the stop pipe) until deadline (real ms); false on stop/timeout. */
static bool wait_fd(struct conn *c, short ev, int64_t deadline)
{
	struct pollfd p[2] = { { .fd = c->fd, .events = ev }, { .fd = c->t->stop[0], .events = POLLIN } };
	int64_t left = deadline - fg_clock_real_ms();

	if (left <= 0)
		return false;
	if (poll(p, 2, (int)left) <= 0 || p[1].revents)
		return false;
	return true;
}

static int handshake(struct conn *c)
{
	int64_t deadline = fg_clock_real_ms() + HANDSHAKE_MS;

	for (;;) {
		int r, e;

		ERR_clear_error();
		r = SSL_accept(c->ssl);
		if (r == 1)
			return 0;
		e = SSL_get_error(c->ssl, r);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			return -1;
		if (!wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
			snprintf(c->fail, sizeof(c->fail), "handshake not finished within %d s",
				 HANDSHAKE_MS / 1000);
			return -1;
		}
	}
}

static void trace_failure(struct conn *c)
{
	struct fg_app *app = c->t->cfg.app;
	struct fg_arena *a;
	struct fg_trace *tr;
	char rid[37];
	unsigned long e = ERR_peek_error();

	if (c->fail[0] == '\0' && c->hello_seen) {
		const char *why = e ? ERR_reason_error_string(e) : NULL;

		snprintf(c->fail, sizeof(c->fail), "handshake failed for '%s'%s%s: %s%s%s",
			 c->sni[0] ? c->sni : "(no SNI)", c->ent ? " under security policy " : "",
			 c->ent ? c->ent->pol->name : "",
			 why ? why : "the client closed the connection",
			 c->cert_note[0] ? "; served " : "", c->cert_note);
	} else if (c->fail[0] == '\0' && e != 0) {
		const char *why = ERR_reason_error_string(e);

		snprintf(c->fail, sizeof(c->fail), "not a TLS client hello: %s", why ? why : "?");
	}
	ERR_clear_error();
	if (c->fail[0] == '\0')
		return; /* connected and closed without a word: a port probe */
	a = fg_arena_new(2048);
	fg_uuid4(rid);
	tr = fg_trace_begin(a, rid, fg_clock_now_ms(fg_app_clock(app)), c->client, "https", "",
			    c->sni, "");
	fg_trace_hop(tr, "tls", "%s", c->fail);
	fg_trace_status(tr, 0);
	fg_tracelog_push(fg_app_tracelog(app), tr);
	fg_log(fg_app_log(app), FG_LOG_DEBUG, "tls", "%s: %s", c->client, c->fail);
	fg_arena_destroy(&a);
}

/* ------------------------------------------------------------ connection */

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}


static void peer_text(struct conn *c)
{
	char ip[INET6_ADDRSTRLEN] = "unknown";
	int port = 0;

	if (c->peer.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&c->peer;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		port = ntohs(in->sin_port);
	} else if (c->peer.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&c->peer;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		port = ntohs(in6->sin6_port);
	}
	snprintf(c->client, sizeof(c->client), "%s:%d", ip, port);
}

/* The client's certificate and the chain it sent, leaf first, as PEM (malloc'd or NULL). */
static char *client_cert_pem(SSL *ssl)
{
	X509 *leaf = SSL_get1_peer_certificate(ssl);
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
	struct fg_buf b;

	if (leaf == NULL)
		return NULL;
	fg_buf_init(&b);
	{
		char *p = pki_cert_pem(leaf);

		fg_buf_puts(&b, p);
		free(p);
	}
	for (int i = 0; chain != NULL && i < sk_X509_num(chain); i++) {
		X509 *x = sk_X509_value(chain, i);
		char *p;

		if (X509_cmp(x, leaf) == 0)
			continue;
		p = pki_cert_pem(x);
		fg_buf_puts(&b, p);
		free(p);
	}
	X509_free(leaf);
	return fg_buf_take(&b);
}

/* Hands the clear stream to the HTTP server and pumps until either side is done. */
static void serve(struct conn *c)
{
	int sv[2];
	char *cert = client_cert_pem(c->ssl);
	struct fg_http_conn hc = {
		.listener = "https", .sni = c->sni,
		.tls_version = SSL_get_version(c->ssl),
		.tls_cipher = SSL_CIPHER_get_name(SSL_get_current_cipher(c->ssl)),
		.client_cert_pem = cert,
		.tls_cert = c->cert_note[0] ? c->cert_note : NULL,
	};
	struct fg_err err;

	fg_err_clear(&err);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		free(cert);
		return;
	}
	if (fg_http_server_add_connection(c->t->cfg.http, sv[0], (struct sockaddr *)&c->peer,
					  c->peerlen, &hc, &err) == 0)
		tls_pump(c->ssl, c->fd, sv[1], c->t->stop[0]);
	else
		fg_log(fg_app_log(c->t->cfg.app), FG_LOG_WARN, "tls", "%s", err.message);
	close(sv[1]);
	free(cert);
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	struct tls_term *t = c->t;
	int one = 1;

	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	nonblock(c->fd);
	peer_text(c);
	c->ssl = SSL_new(t->ctx);
	SSL_set_fd(c->ssl, c->fd);
	SSL_set_app_data(c->ssl, c);
	c->tbl = table_get(t);
	if (handshake(c) != 0) {
		trace_failure(c);
		table_put(t, &c->tbl);
	} else {
		table_put(t, &c->tbl); /* the SSL holds its own references to the certificate */
		serve(c);
	}
	SSL_free(c->ssl);
	close(c->fd);
	free(c);
	pthread_mutex_lock(&t->mu);
	if (--t->live == 0)
		pthread_cond_broadcast(&t->idle);
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

static void start_conn(struct tls_term *t, int fd, const struct sockaddr_storage *peer,
		       socklen_t peerlen)
{
	struct conn *c = calloc(1, sizeof(*c));
	pthread_attr_t attr;
	pthread_t thr;

	FG_ASSERT(c != NULL);
	c->t = t;
	c->fd = fd;
	c->peer = *peer;
	c->peerlen = peerlen;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 512 * 1024);
	if (pthread_create(&thr, &attr, conn_main, c) != 0) {
		close(fd);
		free(c);
		pthread_mutex_lock(&t->mu);
		if (--t->live == 0)
			pthread_cond_broadcast(&t->idle);
		pthread_mutex_unlock(&t->mu);
	}
	pthread_attr_destroy(&attr);
}

static SSL_CTX *base_ctx(struct tls_term *t);

static void *acceptor(void *arg)
{
	struct tls_term *t = arg;
	struct pollfd p[2] = { { .fd = t->cfg.listen_fd, .events = POLLIN },
			       { .fd = t->stop[0], .events = POLLIN } };


	for (;;) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof(peer);
		int fd;
		bool full;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept4(t->cfg.listen_fd, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		/* made at the first connection: a few ms of OpenSSL set-up off the start-up path */
		if (t->ctx == NULL && (t->ctx = base_ctx(t)) == NULL) {
			fg_log(fg_app_log(t->cfg.app), FG_LOG_ERROR, "tls",
			       "OpenSSL cannot make a server context: connection closed");
			close(fd);
			continue;
		}
		pthread_mutex_lock(&t->mu);
		full = t->live >= t->cfg.max_connections;
		if (!full)
			t->live++;
		pthread_mutex_unlock(&t->mu);
		if (full) {
			fg_log(fg_app_log(t->cfg.app), FG_LOG_WARN, "tls",
			       "HTTPS connection refused: %u connections open (the limit)",
			       t->cfg.max_connections);
			close(fd);
			continue;
		}
		start_conn(t, fd, &peer, pl);
	}
	return NULL;
}

/* ------------------------------------------------------------ start, stop */

static SSL_CTX *base_ctx(struct tls_term *t)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	/* AWS picks the first cipher of its own list that the client supports (§5.2) */
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET |
				 SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_client_hello_cb(ctx, on_hello, t);
	return ctx;
}

int tls_term_start(const struct tls_term_cfg *cfg, struct tls_term **out, struct fg_err *err)
{
	struct tls_term *t = calloc(1, sizeof(*t));

	FG_ASSERT(t != NULL);
	*out = NULL;
	t->cfg = *cfg;
	if (t->cfg.max_connections == 0)
		t->cfg.max_connections = 256;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->idle, NULL);
	if (pipe2(t->stop, O_CLOEXEC) != 0) {
		fg_err_set(err, 500, "TlsError", "cannot set up the HTTPS listener");
		close(cfg->listen_fd);
		free(t);
		return -1;
	}
	FG_ASSERT(pthread_create(&t->acceptor, NULL, acceptor, t) == 0);
	*out = t;
	return 0;
}

void tls_term_stop(struct tls_term **tp)
{
	struct tls_term *t = *tp;

	if (t == NULL)
		return;
	if (write(t->stop[1], "x", 1) < 0) {
		/* cannot fail: one byte into an empty pipe */
	}
	pthread_join(t->acceptor, NULL);
	pthread_mutex_lock(&t->mu);
	while (t->live > 0)
		pthread_cond_wait(&t->idle, &t->mu);
	pthread_mutex_unlock(&t->mu);
	if (t->cur != NULL)
		table_free(t->cur);
	if (t->ctx != NULL)
		SSL_CTX_free(t->ctx);
	close(t->stop[0]);
	close(t->stop[1]);
	close(t->cfg.listen_fd);
	pthread_cond_destroy(&t->idle);
	pthread_mutex_destroy(&t->mu);
	free(t);
	*tp = NULL;
}

static char *read_text(const char *path, struct fg_err *err)
{
	FILE *f = fopen(path, "rb");
	struct fg_buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL) {
		fg_err_set(err, 400, "InvalidArgument", "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fg_buf_append(&b, chunk, n);
	fclose(f);
	return fg_buf_take(&b);
}

/* ",cert=ARN" or ",truststore=FILE" options after the policy. */
static int site_option(struct tls_site_arg *a, const char *opt, size_t n, struct fg_err *err)
{
	char *v;

	if (n > 5 && strncmp(opt, "cert=", 5) == 0) {
		a->arn = strndup(opt + 5, n - 5);
		return 0;
	}
	if (n > 11 && strncmp(opt, "truststore=", 11) == 0) {
		v = strndup(opt + 11, n - 11);
		a->truststore_pem = read_text(v, err);
		free(v);
		if (a->truststore_pem == NULL)
			return -1;
		if (strstr(a->truststore_pem, "-----BEGIN CERTIFICATE-----") == NULL) {
			fg_err_set(err, 400, "InvalidArgument", "truststore %.*s holds no PEM "
				   "certificate", (int)(n - 11), opt + 11);
			return -1;
		}
		return 0;
	}
	fg_err_set(err, 400, "InvalidArgument", "unknown option '%.*s' (cert=ARN or "
		   "truststore=PEMFILE)", (int)n, opt);
	return -1;
}

int tls_site_arg_parse(const char *spec, struct tls_site_arg *out, struct fg_err *err)
{
	const char *eq = strchr(spec, '='), *opts;
	const struct tls_policy *p;
	char *pol;

	memset(out, 0, sizeof(*out));
	if (eq == NULL || eq == spec || (size_t)(eq - spec) > 253) {
		fg_err_set(err, 400, "InvalidArgument",
			   "--tls-site %s: use --tls-site NAME=POLICY[,cert=ARN][,truststore=FILE] "
			   "(for example shop.example.com=TLSv1_2016)", spec);
		return -1;
	}
	opts = strchr(eq, ',');
	pol = opts ? strndup(eq + 1, (size_t)(opts - eq - 1)) : strdup(eq + 1);
	p = tls_policy_find(pol, err);
	free(pol);
	out->name = strndup(spec, (size_t)(eq - spec));
	for (char *c = out->name; *c; c++)
		*c = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
	while (p != NULL && opts != NULL) {
		const char *next = strchr(opts + 1, ',');
		size_t n = next ? (size_t)(next - opts - 1) : strlen(opts + 1);

		if (site_option(out, opts + 1, n, err) != 0)
			p = NULL;
		opts = next;
	}
	if (p == NULL) {
		fg_err_prefix(err, "--tls-site %s: ", spec);
		tls_site_arg_free(out);
		return -1;
	}
	out->site.name = out->name;
	out->site.security_policy = p->name;
	out->site.service = p->service;
	out->site.certificate_arn = out->arn;
	out->site.truststore_pem = out->truststore_pem;
	out->site.owner = "--tls-site (no service behind it)";
	return 0;
}

void tls_site_arg_free(struct tls_site_arg *a)
{
	free(a->name);
	free(a->arn);
	free(a->truststore_pem);
	memset(a, 0, sizeof(*a));
}
