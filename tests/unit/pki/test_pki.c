/* Unit tests for pki: the local CA (generate, store and reload), issued certificates (names,
 * validity, chain to the CA, key), PEM round trips and the client's name-matching rule. */
#include <openssl/x509_vfy.h>
#include <stdlib.h>

#include "pki/pki.h"
#include "tap.h"

static bool verifies(const struct pki_ca *ca, X509 *leaf, int64_t at_ms)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	bool good;

	X509_STORE_add_cert(st, pki_ca_cert(ca));
	X509_STORE_CTX_init(ctx, st, leaf, NULL);
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)(at_ms / 1000));
	good = X509_verify_cert(ctx) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return good;
}

static void test_ca_roundtrip(void)
{
	struct fg_err e;
	struct pki_ca *ca, *again;
	char *key, fp1[65], fp2[65];

	fg_err_clear(&e);
	ca = pki_ca_generate("t1", &e);
	ok(ca != NULL, "a CA is generated");
	ok(strstr(pki_ca_cert_pem(ca), "BEGIN CERTIFICATE") != NULL, "its certificate is PEM");
	key = pki_ca_key_pem(ca);
	ok(strstr(key, "PRIVATE KEY") != NULL, "its key is PEM");
	again = pki_ca_load(pki_ca_cert_pem(ca), key, &e);
	ok(again != NULL, "the stored pair loads");
	pki_ca_fingerprint(ca, fp1);
	pki_ca_fingerprint(again, fp2);
	is_str(fp2, fp1, "same certificate after reload");
	ok(pki_ca_load(pki_ca_cert_pem(ca), "garbage", &e) == NULL && e.status == 500,
	   "a damaged stored CA is refused");
	free(key);
	pki_ca_free(&again);
	pki_ca_free(&ca);
}

/* The certificate's SubjectPublicKeyInfo DER is the one OpenSSL encodes for the key. */
static bool same_spki(X509 *x, EVP_PKEY *k)
{
	unsigned char *a = NULL, *b = NULL;
	int na = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &a), nb = i2d_PUBKEY(k, &b);
	bool same = na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0;

	OPENSSL_free(a);
	OPENSSL_free(b);
	return same;
}

static void test_issue(void)
{
	struct fg_err e;
	struct pki_ca *ca = pki_ca_generate("t2", &e), *other = pki_ca_generate("t3", &e);
	const char *names[] = { "shop.example.com", "*.shop.example.com" };
	struct pki_issued is;
	int64_t nb = 1767225600000LL; /* 2026-01-01 */
	int64_t na = nb + 395LL * 86400 * 1000;
	X509 *x;
	EVP_PKEY *k;
	char **got, alg[32];
	size_t n;

	fg_err_clear(&e);
	ok(pki_issue(ca, names, 2, PKI_KEY_EC_P256, nb, na, &is, &e) == 0, "issue");
	x = pki_cert_parse(is.cert_pem);
	k = pki_key_parse(is.key_pem);
	ok(x != NULL && k != NULL && pki_key_matches(x, k), "the key is the certificate's");
	ok(same_spki(x, k), "its SubjectPublicKeyInfo is the key's, byte for byte");
	got = pki_cert_names(x, &n);
	ok(n == 2 && strcmp(got[0], "shop.example.com") == 0 &&
	   strcmp(got[1], "*.shop.example.com") == 0, "both names in subjectAltName");
	pki_names_free(got, n);
	is_int(is.not_before_ms, nb, "NotBefore as asked");
	is_int(is.not_after_ms, na, "NotAfter as asked");
	is_int(strlen(is.fingerprint), 64, "sha-256 fingerprint");
	ok(verifies(ca, x, nb + 1000), "chains to its CA inside the validity");
	ok(!verifies(ca, x, na + 1000), "expired after NotAfter");
	ok(!verifies(other, x, nb + 1000), "does not chain to another CA");
	is_str(pki_cert_key_alg(x, alg), "EC_prime256v1", "key algorithm named as ACM does");
	X509_free(x);
	EVP_PKEY_free(k);
	pki_issued_free(&is);
	ok(pki_issue(ca, names, 1, PKI_KEY_EC_P384, nb, na, &is, &e) == 0, "issue P-384");
	x = pki_cert_parse(is.cert_pem);
	is_str(pki_cert_key_alg(x, alg), "EC_secp384r1", "P-384 key");
	k = pki_key_parse(is.key_pem);
	ok(k != NULL && pki_key_matches(x, k) && same_spki(x, k), "P-384: the key is the "
	   "certificate's, and so is its SubjectPublicKeyInfo");
	EVP_PKEY_free(k);
	X509_free(x);
	pki_issued_free(&is);
	pki_ca_free(&ca);
	pki_ca_free(&other);
}

static void test_names(void)
{
	enum pki_key_alg a;

	ok(pki_name_matches("api.example.com", "API.example.com"), "exact, any case");
	ok(pki_name_matches("*.example.com", "a.example.com"), "wildcard covers one label");
	ok(!pki_name_matches("*.example.com", "a.b.example.com"), "not two labels");
	ok(!pki_name_matches("*.example.com", "example.com"), "nor the apex");
	ok(!pki_name_matches("a.example.com", "b.example.com"), "other names do not match");
	ok(pki_key_alg_parse("RSA_2048", &a) && a == PKI_KEY_RSA_2048, "RSA_2048 parses");
	ok(!pki_key_alg_parse("RSA_1024", &a), "RSA_1024 does not");
	ok(pki_certs_parse("no pem here") == NULL, "no certificates in junk");
}

int main(void)
{
	test_ca_roundtrip();
	test_issue();
	test_names();
	return tap_done();
}
