/*
 * sigv4_priv.h: what the sigv4 module's files share and nobody else sees: the split query
 * string, header lookups and hex text.
 */
#ifndef FG_SIGV4_PRIV_H
#define FG_SIGV4_PRIV_H

#include "sigv4/sigv4.h"

/* One key=value pair of a query string, raw and normalised (§2.2). */
struct sigv4_qparam {
	const char *key;      /* normalised key ("X-Amz-Credential", "%E1%88%B4") */
	const char *value;    /* normalised value ("" for a bare key) */
	const char *raw_value; /* as sent, for the decoded lookups of X-Amz-* parameters */
};

/* ----------------------------------------------------------- sigv4_canon.c */

/*
 * Splits query at '&' (empty pieces skipped), each piece at its first '='. Always fills *out
 * (in the arena); returns -1 with *bad set to the first malformed escape's message (that
 * escape's '%' kept as a literal %25), else 0 with *bad NULL.
 */
int sigv4_query_split(struct fg_arena *a, const char *query, struct sigv4_qparam **out,
		      size_t *n, const char **bad);
/* The first parameter whose normalised key is name, NULL when none. */
const struct sigv4_qparam *sigv4_query_find(const struct sigv4_qparam *q, size_t n,
					    const char *name);
/* Percent-decodes s ('+' = space; a bad escape is kept as it is) into the arena. */
char *sigv4_decode(struct fg_arena *a, const char *s);
/* The first header named name (case-insensitive), NULL when none. */
const char *sigv4_header_first(const struct sigv4_request *rq, const char *name);
/* Lowercase hex of n bytes into out (2n + 1 bytes). */
void sigv4_hex(const unsigned char *p, size_t n, char *out);

/* ---------------------------------------------------------- sigv4_crypto.c */

/* SHA-256 of n bytes; c NULL: OpenSSL fetches the digest for this call. */
void sigv4_sha256(const struct sigv4_crypto *c, const void *p, size_t n, unsigned char out[32]);
/* HMAC-SHA256 of msg under key (out may be key); c NULL: fetched for this call. */
void sigv4_hmac(const struct sigv4_crypto *c, const unsigned char *key, size_t klen,
		const char *msg, size_t mlen, unsigned char out[32]);

/* The remembered signing key for (secret, date, region, service); false when none (or c is
 * NULL). put remembers one (inputs too long for the table are not kept). */
bool sigv4_crypto_key_get(const struct sigv4_crypto *c, const char *secret, const char *date,
			  const char *region, const char *service, unsigned char out[32]);
void sigv4_crypto_key_put(const struct sigv4_crypto *c, const char *secret, const char *date,
			  const char *region, const char *service, const unsigned char key[32]);

/* sigv4_canon.c's signing steps with a given sigv4_crypto (the public ones pass NULL). */
const char *sigv4_sha256_hex_with(const struct sigv4_crypto *c, struct fg_arena *a,
				  const void *p, size_t n);
const char *sigv4_string_to_sign_with(const struct sigv4_crypto *c, struct fg_arena *a,
				      const char *timestamp, const char *scope,
				      const char *canonical_request);
const char *sigv4_signature_with(const struct sigv4_crypto *c, struct fg_arena *a,
				 const char *secret, const char *date, const char *region,
				 const char *service, const char *string_to_sign);

#endif
