/*
 * tls: HTTPS. Three parts:
 *
 * - Security policies (tls_policy.c): API Gateway's and CloudFront's named policies
 *   (aws-behavior.md §4, §5.2) as protocol ranges and cipher lists OpenSSL enforces in the
 *   handshake. Pure data; any module may look a policy up by name (CloudFront will for its
 *   ViewerCertificate.MinimumProtocolVersion).
 * - The local CA (tls_ca.c): created once per database and kept in the store, written to a
 *   PEM file for clients (--cacert), and the default certificates frontgate serves for names
 *   without an ACM certificate (issued once per name, kept in the store too).
 * - The terminator (tls_term.c): accepts on the HTTPS listener, picks the site by SNI among
 *   every service's TLS sites in the current world (fg_service.tls_sites), applies the
 *   site's policy and certificate before the version is negotiated (client-hello callback),
 *   and hands the clear stream to the data-plane HTTP server over a socketpair, with the
 *   connection's SNI, protocol, cipher and client certificate for every request on it
 *   (../shared/notes-tls-mhd.md, section 2). One thread per connection; the byte pump is
 *   tls_pump.c, which bench/ceiling.c's HTTPS ceiling runs too.
 */
#ifndef FG_TLS_H
#define FG_TLS_H

#include <openssl/ssl.h>

#include "core/core.h"
#include "http/http.h"
#include "iface/certs.h"
#include "iface/tls_sites.h"
#include "pki/pki.h"
#include "store/store.h"

/* ------------------------------------------------------------- tls_policy.c */

struct tls_policy {
	const char *name;          /* "TLSv1.2_2021", "TLS_1_2", ... */
	const char *service;       /* "apigw" or "cloudfront" */
	int min_version, max_version;  /* TLS1_VERSION ... TLS1_3_VERSION */
	const char *ciphers;       /* TLS 1.2 and below, OpenSSL names, AWS's order */
	const char *suites;        /* TLS 1.3 */
	const char *note;          /* where frontgate differs from AWS (NULL: it does not) */
};

/* The policy with this exact name; NULL with err (400 "InvalidSecurityPolicy", listing the
 * valid names) when there is none. */
const struct tls_policy *tls_policy_find(const char *name, struct fg_err *err);
/* The policy a service uses when a site names none (API Gateway's default endpoints:
 * TLS_1_0; CloudFront's default certificate: TLSv1). */
const struct tls_policy *tls_policy_default(const char *service);
/* Every policy, in table order; *n = how many. */
const struct tls_policy *tls_policies(size_t *n);
/* Applies p to one connection: protocol range, ciphers, and security level 0 when it allows
 * TLS 1.0/1.1 (OpenSSL 3 refuses their SHA-1 signatures otherwise). 0, or -1 when OpenSSL
 * refuses the cipher list. */
int tls_policy_apply(const struct tls_policy *p, SSL *ssl);

/* ----------------------------------------------------------------- tls_ca.c */

struct tls_ca;

/*
 * The database's local CA: loaded from the store, or generated (EC P-256) and stored the
 * first time — on a thread of its own, so start-up goes on meanwhile. Its certificate is
 * written to "<db path>.ca.pem" (kept), or for ":memory:" to a temporary file removed by
 * tls_ca_close. The accessors below wait for it when needed; tls_ca_ready says whether the
 * file is there (call it before announcing readiness); they return NULL when the CA could
 * not be made or loaded.
 */
int tls_ca_open(struct fg_store *store, const char *db_path, struct fg_log *log,
		struct tls_ca **out, struct fg_err *err);
int tls_ca_ready(struct tls_ca *ca, struct fg_err *err);
/* Before the store is closed: the CA may still be being stored. */
void tls_ca_close(struct tls_ca **cap);
const struct pki_ca *tls_ca_pki(struct tls_ca *ca);
const char *tls_ca_pem(struct tls_ca *ca);
const char *tls_ca_file(struct tls_ca *ca);

/* A certificate ready for SSL_use_cert_and_key. */
struct tls_keypair {
	X509 *leaf;
	EVP_PKEY *key;
	STACK_OF(X509) *chain;      /* intermediates, may be NULL */
};

/*
 * Frontgate's own certificate for a site name ("*.execute-api.us-east-1.amazonaws.com"),
 * signed by the local CA: issued on first use (and again within 30 days of its end, on the
 * real clock: clients check it with theirs), kept in the store and in memory. The pair is
 * borrowed: valid until tls_ca_close.
 */
int tls_ca_default_cert(struct tls_ca *ca, const char *name, const struct tls_keypair **out,
			struct fg_err *err);

/* ---------------------------------------------------------------- tls_pump.c */

/*
 * Pumps bytes both ways between ssl (handshake done, on tcp_fd) and app_fd (the clear end of
 * a socketpair the HTTP server serves) until either side is done or stop_fd becomes
 * readable. Both fds are made non-blocking; neither is closed.
 */
void tls_pump(SSL *ssl, int tcp_fd, int app_fd, int stop_fd);

/* ---------------------------------------------------------------- tls_term.c */

struct fg_app;
struct tls_term;

struct tls_term_cfg {
	int listen_fd;                    /* bound and listening; taken over */
	struct fg_app *app;               /* the world, services, clock, traces */
	struct fg_http_server *http;      /* where clear streams are served */
	struct tls_ca *ca;
	const struct fg_certs *certs;     /* ACM certificates by ARN; may be NULL */
	const struct fg_tls_site *extra;  /* sites from the command line (--tls-site) */
	size_t nextra;
	unsigned max_connections;         /* 0: 256 */
};

int tls_term_start(const struct tls_term_cfg *cfg, struct tls_term **out, struct fg_err *err);
/* Stops accepting, closes every connection, waits for their threads. Call before the HTTP
 * server stops. */
void tls_term_stop(struct tls_term **tp);

/*
 * A --tls-site argument, "NAME=POLICY[,cert=ARN][,truststore=PEMFILE]": NAME served over
 * HTTPS under POLICY with frontgate's default certificate (or ACM certificate ARN), asking
 * for client certificates when a truststore is given, owned by no service (requests get
 * frontgate's 404). For trying policies and certificates before the service that uses them
 * exists (CloudFront), and for tests.
 */
struct tls_site_arg {
	struct fg_tls_site site;       /* points into the strings below */
	char *name, *arn, *truststore_pem;
};

int tls_site_arg_parse(const char *spec, struct tls_site_arg *out, struct fg_err *err);
void tls_site_arg_free(struct tls_site_arg *a);

#endif
