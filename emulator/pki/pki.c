/*
 * pki.c: keys, the local CA and the certificates it issues, PEM and name helpers (pki.h).
 * OpenSSL 3 objects are used read-only once built, so one CA serves every thread.
 */
#include "pki/pki.h"

#include <ctype.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct pki_ca {
	X509 *cert;
	EVP_PKEY *key;
	char *cert_pem;
};

static const char *const alg_names[] = { "EC_prime256v1", "EC_secp384r1", "RSA_2048" };

const char *pki_key_alg_name(enum pki_key_alg alg)
{
	return alg_names[alg];
}

bool pki_key_alg_parse(const char *name, enum pki_key_alg *out)
{
	for (size_t i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
		if (strcmp(name, alg_names[i]) == 0) {
			*out = (enum pki_key_alg)i;
			return true;
		}
	}
	return false;
}

EVP_PKEY *pki_key_new(enum pki_key_alg alg)
{
	switch (alg) {
	case PKI_KEY_EC_P256: return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case PKI_KEY_EC_P384: return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	case PKI_KEY_RSA_2048: return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	}
	return NULL;
}

static int ossl_fail(struct fg_err *err, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "unknown error";

	if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	fg_err_set(err, 500, "CryptoError", "%s: %s", what, buf);
	return -1;
}

/* ------------------------------------------------------------------ PEM */

static char *bio_take(BIO *b)
{
	char *p = NULL;
	long n = BIO_get_mem_data(b, &p);
	char *out = malloc((size_t)n + 1);

	FG_ASSERT(out != NULL);
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	BIO_free(b);
	return out;
}

char *pki_cert_pem(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());

	PEM_write_bio_X509(b, x);
	return bio_take(b);
}

static char *key_pem(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());

	PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	return bio_take(b);
}

STACK_OF(X509) *pki_certs_parse(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	STACK_OF(X509) *sk = sk_X509_new_null();
	X509 *x;

	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		sk_X509_push(sk, x);
	ERR_clear_error(); /* the end of the text reads as an error */
	BIO_free(b);
	if (sk_X509_num(sk) == 0) {
		sk_X509_free(sk);
		return NULL;
	}
	return sk;
}

X509 *pki_cert_parse(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);

	ERR_clear_error();
	BIO_free(b);
	return x;
}

EVP_PKEY *pki_key_parse(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);

	ERR_clear_error();
	BIO_free(b);
	return k;
}

void pki_cert_fingerprint(X509 *x, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	X509_digest(x, EVP_sha256(), md, &n);
	for (unsigned int i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

static int64_t asn1_ms(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm) * 1000;
}

void pki_cert_validity(X509 *x, int64_t *not_before_ms, int64_t *not_after_ms)
{
	*not_before_ms = asn1_ms(X509_get0_notBefore(x));
	*not_after_ms = asn1_ms(X509_get0_notAfter(x));
}

static void names_push(char ***v, size_t *n, const char *s, size_t len)
{
	*v = realloc(*v, (*n + 1) * sizeof(**v));
	FG_ASSERT(*v != NULL);
	(*v)[*n] = strndup(s, len);
	(*n)++;
}

char **pki_cert_names(X509 *x, size_t *n)
{
	GENERAL_NAMES *san = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char **v = NULL;

	*n = 0;
	for (int i = 0; san != NULL && i < sk_GENERAL_NAME_num(san); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(san, i);

		if (g->type == GEN_DNS)
			names_push(&v, n, (const char *)ASN1_STRING_get0_data(g->d.dNSName),
				   (size_t)ASN1_STRING_length(g->d.dNSName));
	}
	GENERAL_NAMES_free(san);
	if (*n == 0) {
		char cn[256];

		if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn,
					      sizeof(cn)) > 0)
			names_push(&v, n, cn, strlen(cn));
	}
	return v;
}

void pki_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

bool pki_key_matches(X509 *x, EVP_PKEY *k)
{
	return X509_check_private_key(x, k) == 1;
}

const char *pki_cert_key_alg(X509 *x, char buf[32])
{
	EVP_PKEY *k = X509_get0_pubkey(x);
	char group[64] = "";
	size_t gl = 0;

	if (k == NULL)
		return "unknown";
	if (EVP_PKEY_is_a(k, "RSA")) {
		snprintf(buf, 32, "RSA_%d", EVP_PKEY_get_bits(k));
		return buf;
	}
	if (EVP_PKEY_get_group_name(k, group, sizeof(group), &gl) == 1) {
		snprintf(buf, 32, "EC_%s", group);
		return buf;
	}
	return "unknown";
}

bool pki_name_matches(const char *cert_name, const char *host)
{
	const char *dot;

	if (strcasecmp(cert_name, host) == 0)
		return true;
	if (strncmp(cert_name, "*.", 2) != 0)
		return false;
	dot = strchr(host, '.');
	return dot != NULL && dot != host && strcasecmp(dot + 1, cert_name + 2) == 0;
}

/* ------------------------------------------------------------- building */

static void set_time(ASN1_TIME *t, int64_t ms)
{
	ASN1_TIME_set(t, (time_t)(ms / 1000));
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	FG_ASSERT(e != NULL);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/*
 * The certificate's SubjectPublicKeyInfo from key k. For an EC key it is written from the
 * curve and the public point directly: X509_set_pubkey encodes the key and then decodes it
 * again through OpenSSL 3's decoders, which was half the cost of issuing a certificate
 * (ACM certificates are issued while fixtures deploy). Other keys take X509_set_pubkey.
 * The X509 object is then only good for writing out: OpenSSL 3 does not decode a key it was
 * not given (X509_get0_pubkey answers NULL), so a certificate used in memory (the CA's) is
 * made with X509_set_pubkey.
 */
static int set_pubkey(X509 *x, EVP_PKEY *k)
{
	char group[64];
	size_t len = 0;
	unsigned char *point;
	int curve;

	if (!EVP_PKEY_is_a(k, "EC") ||
	    EVP_PKEY_get_group_name(k, group, sizeof(group), NULL) != 1 ||
	    (curve = OBJ_sn2nid(group)) == NID_undef ||
	    EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, NULL, 0, &len) != 1 ||
	    (point = OPENSSL_malloc(len)) == NULL)
		return X509_set_pubkey(x, k);
	if (EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, point, len, &len) != 1 ||
	    X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
				   V_ASN1_OBJECT, OBJ_nid2obj(curve), point, (int)len) != 1) {
		OPENSSL_free(point);
		return X509_set_pubkey(x, k);
	}
	return 1;
}

static void random_serial(X509 *x, char hex_out[41])
{
	unsigned char raw[16];
	BIGNUM *bn;
	char *hex;

	RAND_bytes(raw, sizeof(raw));
	raw[0] &= 0x7f; /* positive */
	raw[0] |= 0x10; /* and 16 bytes long */
	bn = BN_bin2bn(raw, sizeof(raw), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	if (hex_out != NULL) {
		hex = BN_bn2hex(bn);
		snprintf(hex_out, 41, "%s", hex);
		for (char *p = hex_out; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		OPENSSL_free(hex);
	}
	BN_free(bn);
}

static X509_NAME *name_of(const char *org, const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (org != NULL)
		X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)org, -1,
					   -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	return n;
}

struct pki_ca *pki_ca_generate(const char *tag, struct fg_err *err)
{
	struct pki_ca *ca = calloc(1, sizeof(*ca));
	X509_NAME *n;
	char cn[128];

	FG_ASSERT(ca != NULL);
	ca->key = pki_key_new(PKI_KEY_EC_P256);
	ca->cert = X509_new();
	if (ca->key == NULL || ca->cert == NULL) {
		ossl_fail(err, "generating the local CA key");
		pki_ca_free(&ca);
		return NULL;
	}
	X509_set_version(ca->cert, 2);
	random_serial(ca->cert, NULL);
	snprintf(cn, sizeof(cn), "frontgate local CA %s", tag);
	n = name_of("frontgate (local emulator, not trusted anywhere else)", cn);
	X509_set_subject_name(ca->cert, n);
	X509_set_issuer_name(ca->cert, n);
	X509_NAME_free(n);
	set_time(X509_getm_notBefore(ca->cert), 946684800000LL);  /* 2000-01-01 */
	set_time(X509_getm_notAfter(ca->cert), 4102358400000LL);  /* 2099-12-31 */
	X509_set_pubkey(ca->cert, ca->key);  /* kept in memory: needs the decoded key */
	add_ext(ca->cert, ca->cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
	add_ext(ca->cert, ca->cert, NID_key_usage, "critical,keyCertSign,cRLSign");
	add_ext(ca->cert, ca->cert, NID_subject_key_identifier, "hash");
	if (X509_sign(ca->cert, ca->key, EVP_sha256()) == 0) {
		ossl_fail(err, "signing the local CA certificate");
		pki_ca_free(&ca);
		return NULL;
	}
	ca->cert_pem = pki_cert_pem(ca->cert);
	return ca;
}

struct pki_ca *pki_ca_load(const char *cert_pem, const char *key_pem, struct fg_err *err)
{
	struct pki_ca *ca = calloc(1, sizeof(*ca));

	FG_ASSERT(ca != NULL);
	ca->cert = pki_cert_parse(cert_pem);
	ca->key = pki_key_parse(key_pem);
	if (ca->cert == NULL || ca->key == NULL || !pki_key_matches(ca->cert, ca->key)) {
		fg_err_set(err, 500, "DatabaseError",
			   "the stored local CA is damaged (its certificate or key does not parse, "
			   "or they do not match)");
		pki_ca_free(&ca);
		return NULL;
	}
	ca->cert_pem = pki_cert_pem(ca->cert);
	return ca;
}

void pki_ca_free(struct pki_ca **cap)
{
	struct pki_ca *ca = *cap;

	if (ca == NULL)
		return;
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	free(ca->cert_pem);
	free(ca);
	*cap = NULL;
}

const char *pki_ca_cert_pem(const struct pki_ca *ca)
{
	return ca->cert_pem;
}

char *pki_ca_key_pem(const struct pki_ca *ca)
{
	return key_pem(ca->key);
}

void pki_ca_fingerprint(const struct pki_ca *ca, char out[65])
{
	pki_cert_fingerprint(ca->cert, out);
}

X509 *pki_ca_cert(const struct pki_ca *ca)
{
	return ca->cert;
}

static void add_names(X509 *x, X509 *issuer, const char *const *names, size_t n)
{
	struct fg_buf b;

	fg_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		fg_buf_printf(&b, "%sDNS:%s", i ? "," : "", names[i]);
	add_ext(x, issuer, NID_subject_alt_name, b.data);
	fg_buf_free(&b);
}

int pki_issue(const struct pki_ca *ca, const char *const *names, size_t nnames,
	      enum pki_key_alg alg, int64_t not_before_ms, int64_t not_after_ms,
	      struct pki_issued *out, struct fg_err *err)
{
	EVP_PKEY *k = pki_key_new(alg);
	X509 *x = X509_new();
	X509_NAME *n;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (k == NULL || x == NULL || nnames == 0) {
		ossl_fail(err, "generating a certificate key");
		goto out;
	}
	X509_set_version(x, 2);
	random_serial(x, out->serial);
	n = name_of(NULL, strlen(names[0]) < 64 ? names[0] : "frontgate");
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	X509_set_issuer_name(x, X509_get_subject_name(ca->cert));
	set_time(X509_getm_notBefore(x), not_before_ms);
	set_time(X509_getm_notAfter(x), not_after_ms);
	set_pubkey(x, k);
	add_ext(x, ca->cert, NID_basic_constraints, "critical,CA:FALSE");
	add_ext(x, ca->cert, NID_key_usage, alg == PKI_KEY_RSA_2048
		? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature");
	add_ext(x, ca->cert, NID_ext_key_usage, "serverAuth,clientAuth");
	add_ext(x, ca->cert, NID_subject_key_identifier, "hash");
	add_ext(x, ca->cert, NID_authority_key_identifier, "keyid:always");
	add_names(x, ca->cert, names, nnames);
	if (X509_sign(x, ca->key, EVP_sha256()) == 0) {
		ossl_fail(err, "signing a certificate");
		goto out;
	}
	out->cert_pem = pki_cert_pem(x);
	out->key_pem = key_pem(k);
	pki_cert_fingerprint(x, out->fingerprint);
	pki_cert_validity(x, &out->not_before_ms, &out->not_after_ms);
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}

void pki_issued_free(struct pki_issued *is)
{
	free(is->cert_pem);
	free(is->key_pem);
	memset(is, 0, sizeof(*is));
}
