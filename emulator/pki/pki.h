/*
 * pki: keys and X.509 certificates with OpenSSL — a local certificate authority that issues
 * server certificates, PEM in and out, fingerprints, and the name-matching rule clients use.
 *
 * A library module (pure code, no I/O, no state of its own): anyone may include it. Who keeps
 * the CA's key (the store) and when certificates are issued (tls/, acm/) is decided by its
 * callers. Keys are EC P-256 unless a caller asks otherwise: generating one takes well under
 * a millisecond, where RSA 2048 takes 50-400 ms on this project's machines.
 */
#ifndef FG_PKI_H
#define FG_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

enum pki_key_alg { PKI_KEY_EC_P256, PKI_KEY_EC_P384, PKI_KEY_RSA_2048 };

/* "EC_prime256v1", "EC_secp384r1", "RSA_2048": ACM's KeyAlgorithm names. */
const char *pki_key_alg_name(enum pki_key_alg alg);
bool pki_key_alg_parse(const char *name, enum pki_key_alg *out);
/* A new private key; NULL only when OpenSSL fails. */
EVP_PKEY *pki_key_new(enum pki_key_alg alg);

/* --------------------------------------------------------------------- CA */

struct pki_ca;

/* A new self-signed CA (EC P-256, valid 2000-01-01 to 2099-12-31, so certificates issued at
 * any emulator time chain to it). tag goes into the subject to tell CAs apart. */
struct pki_ca *pki_ca_generate(const char *tag, struct fg_err *err);
/* A CA from its certificate and key (as pki_ca_cert_pem / pki_ca_key_pem wrote them). */
struct pki_ca *pki_ca_load(const char *cert_pem, const char *key_pem, struct fg_err *err);
void pki_ca_free(struct pki_ca **cap);
const char *pki_ca_cert_pem(const struct pki_ca *ca);
/* The CA's private key as PEM (malloc'd): for the store only. */
char *pki_ca_key_pem(const struct pki_ca *ca);
/* SHA-256 of the CA certificate (64 lower-case hex digits + NUL). */
void pki_ca_fingerprint(const struct pki_ca *ca, char out[65]);
X509 *pki_ca_cert(const struct pki_ca *ca);

/* A certificate the CA issued, with its new key. Strings are malloc'd. */
struct pki_issued {
	char *cert_pem;
	char *key_pem;
	char fingerprint[65];    /* SHA-256 of the DER certificate, hex */
	char serial[41];         /* hex */
	int64_t not_before_ms, not_after_ms;
};

/*
 * Issues a server certificate for names (DNS names, "*.example.com" wildcards; the first is
 * the subject CN) valid from not_before_ms to not_after_ms, with a new key of alg. Thread-safe.
 */
int pki_issue(const struct pki_ca *ca, const char *const *names, size_t nnames,
	      enum pki_key_alg alg, int64_t not_before_ms, int64_t not_after_ms,
	      struct pki_issued *out, struct fg_err *err);
void pki_issued_free(struct pki_issued *is);

/* --------------------------------------------------------------- PEM, info */

/* Every certificate in pem, in order (NULL when none parses). */
STACK_OF(X509) *pki_certs_parse(const char *pem);
/* The first certificate in pem, NULL when none. */
X509 *pki_cert_parse(const char *pem);
EVP_PKEY *pki_key_parse(const char *pem);
/* PEM text of a certificate (malloc'd). */
char *pki_cert_pem(X509 *x);
void pki_cert_fingerprint(X509 *x, char out[65]);
/* Validity as milliseconds since the epoch. */
void pki_cert_validity(X509 *x, int64_t *not_before_ms, int64_t *not_after_ms);
/* The DNS names of the subjectAltName extension (or the CN when it has none), malloc'd
 * strings in a malloc'd array; *n = how many. Free with pki_names_free. */
char **pki_cert_names(X509 *x, size_t *n);
void pki_names_free(char **names, size_t n);
/* True when the key is the certificate's. */
bool pki_key_matches(X509 *x, EVP_PKEY *k);
/* What the certificate's key is: "EC_prime256v1", "EC_secp384r1", "RSA_2048", "RSA_4096". */
const char *pki_cert_key_alg(X509 *x, char buf[32]);

/*
 * The client's rule (RFC 6125): host matches a certificate name exactly (case-insensitive),
 * or a "*.rest" name when host is one label followed by ".rest".
 */
bool pki_name_matches(const char *cert_name, const char *host);

#endif
