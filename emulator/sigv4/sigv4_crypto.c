/*
 * sigv4_crypto.c: SHA-256 and HMAC-SHA256 for the signature, with OpenSSL's implementations
 * fetched once. OpenSSL 3 looks an algorithm up in its provider tables (locks, hash lookups)
 * on every EVP_sha256()/HMAC() call; a verifier that checks every request keeps a
 * sigv4_crypto instead: the fetched digest and an HMAC context template set to it, duplicated
 * per MAC. Fetched objects are immutable and reference-counted, so one sigv4_crypto serves
 * every thread. A NULL sigv4_crypto means "fetch per call" (tests, one-off signing).
 *
 * It also remembers signing keys (§2.1: HMAC chain of secret, date, region, service), as AWS
 * SDKs do: a key is good for a day, and a client signs many requests with it. A small
 * direct-mapped table under a mutex; an entry matches only on all four inputs.
 */
#include "sigv4/sigv4_priv.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SLOTS 64

struct key_slot {
	bool used;
	char secret[128], date[9], region[32], service[32];
	unsigned char key[32];
};

struct sigv4_crypto {
	EVP_MD *sha256;
	EVP_MAC *hmac;
	EVP_MAC_CTX *hmac_tmpl;        /* HMAC with digest SHA256, no key yet */
	pthread_mutex_t mu;            /* guards keys */
	struct key_slot keys[KEY_SLOTS];
};

struct sigv4_crypto *sigv4_crypto_new(void)
{
	struct sigv4_crypto *c = calloc(1, sizeof(*c));
	OSSL_PARAM params[2];

	FG_ASSERT(c != NULL);
	c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	c->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	FG_ASSERT(c->sha256 != NULL && c->hmac != NULL);
	c->hmac_tmpl = EVP_MAC_CTX_new(c->hmac);
	FG_ASSERT(c->hmac_tmpl != NULL);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	FG_ASSERT(EVP_MAC_CTX_set_params(c->hmac_tmpl, params) == 1);
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void sigv4_crypto_free(struct sigv4_crypto **cp)
{
	struct sigv4_crypto *c = *cp;

	if (c == NULL)
		return;
	EVP_MAC_CTX_free(c->hmac_tmpl);
	EVP_MAC_free(c->hmac);
	EVP_MD_free(c->sha256);
	OPENSSL_cleanse(c->keys, sizeof(c->keys));
	pthread_mutex_destroy(&c->mu);
	free(c);
	*cp = NULL;
}

void sigv4_sha256(const struct sigv4_crypto *c, const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 0;

	FG_ASSERT(EVP_Digest(p != NULL ? p : "", n, out, &len,
			     c != NULL ? c->sha256 : EVP_sha256(), NULL) == 1 && len == 32);
}

void sigv4_hmac(const struct sigv4_crypto *c, const unsigned char *key, size_t klen,
		const char *msg, size_t mlen, unsigned char out[32])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	size_t outl = 0;
	EVP_MAC_CTX *ctx;

	if (c == NULL) {
		FG_ASSERT(HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, mlen, md,
			       &len) != NULL && len == 32);
	} else {
		ctx = EVP_MAC_CTX_dup(c->hmac_tmpl);
		FG_ASSERT(ctx != NULL);
		FG_ASSERT(EVP_MAC_init(ctx, key, klen, NULL) == 1 &&
			  EVP_MAC_update(ctx, (const unsigned char *)msg, mlen) == 1 &&
			  EVP_MAC_final(ctx, md, &outl, sizeof(md)) == 1 && outl == 32);
		EVP_MAC_CTX_free(ctx);
	}
	memcpy(out, md, 32);       /* out may be key: the result went through md */
	OPENSSL_cleanse(md, sizeof(md));
}

static bool fits(const char *s, size_t cap)
{
	return strlen(s) < cap;
}

static struct key_slot *slot_of(struct sigv4_crypto *c, const char *secret, const char *date,
				const char *region, const char *service)
{
	const char *parts[4] = { secret, date, region, service };

	return &c->keys[fg_hash64(parts, 4) % KEY_SLOTS];
}

static bool slot_is(const struct key_slot *k, const char *secret, const char *date,
		    const char *region, const char *service)
{
	return k->used && strcmp(k->secret, secret) == 0 && strcmp(k->date, date) == 0 &&
	       strcmp(k->region, region) == 0 && strcmp(k->service, service) == 0;
}

bool sigv4_crypto_key_get(const struct sigv4_crypto *cc, const char *secret, const char *date,
			  const char *region, const char *service, unsigned char out[32])
{
	struct sigv4_crypto *c = (struct sigv4_crypto *)cc;   /* the cache is not the API */
	struct key_slot *k;
	bool hit;

	if (c == NULL)
		return false;
	k = slot_of(c, secret, date, region, service);
	pthread_mutex_lock(&c->mu);
	hit = slot_is(k, secret, date, region, service);
	if (hit)
		memcpy(out, k->key, 32);
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void sigv4_crypto_key_put(const struct sigv4_crypto *cc, const char *secret, const char *date,
			  const char *region, const char *service, const unsigned char key[32])
{
	struct sigv4_crypto *c = (struct sigv4_crypto *)cc;
	struct key_slot *k;

	if (c == NULL || !fits(secret, sizeof(k->secret)) || !fits(date, sizeof(k->date)) ||
	    !fits(region, sizeof(k->region)) || !fits(service, sizeof(k->service)))
		return;
	k = slot_of(c, secret, date, region, service);
	pthread_mutex_lock(&c->mu);
	strcpy(k->secret, secret);
	strcpy(k->date, date);
	strcpy(k->region, region);
	strcpy(k->service, service);
	memcpy(k->key, key, 32);
	k->used = true;
	pthread_mutex_unlock(&c->mu);
}
