/*
 * apigw_mtls.c: mutual TLS for custom domain names (aws-behavior.md §4) — the truststore as an
 * OpenSSL X509_STORE, and the check of a client certificate against it.
 *
 * The TLS terminator hands the pipeline the certificate the client presented
 * (fg_http_req.client_cert_pem); API Gateway's rules are applied here, on the emulator's clock
 * (X509_VERIFY_PARAM_set_time), so moving the clock past a certificate's NotAfter makes it
 * expired exactly as time passing would:
 *   - the chain must reach a root of the truststore, at most 4 certificates long;
 *   - a self-signed client certificate is refused, as is one signed with MD5 or SHA-1
 *     (KC:api-gateway-mutual-tls-403-errors);
 *   - revocation is not checked (API Gateway does not either).
 * Refusal reasons use the words of API Gateway's execution log ("Access denied. Reason: Could
 * not find issuer for certificate") and otherwise OpenSSL's verify strings.
 */
#include "apigw/apigw_priv.h"

#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

/* Chain length 4 = the client certificate, up to 2 intermediates and the root. */
#define MTLS_MAX_INTERMEDIATES 2

struct x509_store_st *apigw_mtls_truststore(const char *pem, int *ncerts, int *nbad)
{
	const char *p = pem;
	X509_STORE *store = X509_STORE_new();

	*ncerts = 0;
	*nbad = 0;
	FG_ASSERT(store != NULL);
	/* one PEM block at a time, so a bad entry is counted and skipped, not fatal */
	while ((p = strstr(p, "-----BEGIN")) != NULL) {
		const char *end = strstr(p, "-----END");
		const char *stop = end ? strchr(end + 8, '\n') : NULL;
		size_t len = stop ? (size_t)(stop - p + 1) : end ? strlen(p) : 0;
		BIO *b;
		X509 *x;

		if (len == 0)
			break;
		b = BIO_new_mem_buf(p, (int)len);
		x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
		if (x != NULL && X509_STORE_add_cert(store, x) == 1)
			(*ncerts)++;
		else
			(*nbad)++;
		X509_free(x);
		BIO_free(b);
		ERR_clear_error();
		p += len;
	}
	if (*ncerts == 0) {
		X509_STORE_free(store);
		return NULL;
	}
	return store;
}

static const char *bio_text(BIO *b, struct fg_arena *a)
{
	char *data = NULL;
	long n = BIO_get_mem_data(b, &data);

	return fg_arena_strndup(a, data ? data : "", n > 0 ? (size_t)n : 0);
}

static const char *name_text(const X509_NAME *name, struct fg_arena *a)
{
	BIO *b = BIO_new(BIO_s_mem());
	const char *s;

	X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253);
	s = bio_text(b, a);
	BIO_free(b);
	return s;
}

/* "May 28 12:30:02 2019 GMT", as in AWS's clientCert.validity. */
static const char *time_text(const ASN1_TIME *t, struct fg_arena *a)
{
	BIO *b = BIO_new(BIO_s_mem());
	const char *s;

	ASN1_TIME_print(b, t);
	s = bio_text(b, a);
	BIO_free(b);
	return s;
}

/* "a1:b2:..." lower-case hex bytes, as in AWS's clientCert.serialNumber. */
static const char *serial_text(const X509 *x, struct fg_arena *a)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	unsigned char bytes[64];
	int n = bn ? BN_num_bytes(bn) : 0;
	char *out;

	if (n <= 0 || n > (int)sizeof(bytes)) {
		BN_free(bn);
		return "00";
	}
	BN_bn2bin(bn, bytes);
	BN_free(bn);
	out = fg_arena_alloc(a, (size_t)n * 3);
	for (int i = 0; i < n; i++)
		snprintf(out + i * 3, 4, "%02x%s", bytes[i], i + 1 < n ? ":" : "");
	return out;
}

static void describe(X509 *leaf, struct fg_arena *a, struct apigw_client_cert *out)
{
	BIO *b = BIO_new(BIO_s_mem());

	PEM_write_bio_X509(b, leaf);
	out->pem = bio_text(b, a);
	BIO_free(b);
	out->subject_dn = name_text(X509_get_subject_name(leaf), a);
	out->issuer_dn = name_text(X509_get_issuer_name(leaf), a);
	out->serial = serial_text(leaf, a);
	out->not_before = time_text(X509_get0_notBefore(leaf), a);
	out->not_after = time_text(X509_get0_notAfter(leaf), a);
}

static bool insecure_signature(const X509 *x)
{
	switch (X509_get_signature_nid(x)) {
	case NID_md5WithRSAEncryption:
	case NID_md5WithRSA:
	case NID_sha1WithRSAEncryption:
	case NID_sha1WithRSA:
	case NID_ecdsa_with_SHA1:
	case NID_dsaWithSHA1:
		return true;
	default:
		return false;
	}
}

/* The leaf and the intermediates the client sent with it. */
static X509 *read_chain(const char *pem, STACK_OF(X509) **chain)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *leaf = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL, *x;

	*chain = sk_X509_new_null();
	while (leaf != NULL && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		sk_X509_push(*chain, x);
	BIO_free(b);
	ERR_clear_error();
	return leaf;
}

static const char *verify_reason(int code)
{
	switch (code) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return "Could not find issuer for certificate";
	default:
		return X509_verify_cert_error_string(code);
	}
}

int apigw_mtls_verify(struct x509_store_st *store, const char *pem, int64_t now_ms,
		      struct fg_arena *a, struct apigw_client_cert *out, const char **why)
{
	STACK_OF(X509) *chain = NULL;
	X509 *leaf = read_chain(pem, &chain);
	X509_STORE_CTX *ctx = NULL;
	int rc = -1;

	if (leaf == NULL) {
		*why = "the client certificate is not a PEM X.509 certificate";
	} else if (X509_check_issued(leaf, leaf) == X509_V_OK) {
		*why = "self signed certificate";
	} else if (insecure_signature(leaf)) {
		*why = "Client cert using an insecure Signature Algorithm";
	} else if (store == NULL) {
		*why = "Could not find issuer for certificate";
	} else {
		X509_VERIFY_PARAM *param;

		ctx = X509_STORE_CTX_new();
		FG_ASSERT(ctx != NULL);
		X509_STORE_CTX_init(ctx, store, leaf, chain);
		param = X509_STORE_CTX_get0_param(ctx);
		X509_VERIFY_PARAM_set_time(param, (time_t)(now_ms / 1000));
		X509_VERIFY_PARAM_set_depth(param, MTLS_MAX_INTERMEDIATES);
		if (X509_verify_cert(ctx) == 1) {
			describe(leaf, a, out);
			rc = 0;
		} else {
			*why = verify_reason(X509_STORE_CTX_get_error(ctx));
		}
	}
	X509_STORE_CTX_free(ctx);
	X509_free(leaf);
	sk_X509_pop_free(chain, X509_free);
	ERR_clear_error();
	return rc;
}
