/*
 * sigv4_verify.c: step 10 of aws-behavior.md §2.3 — recompute the signature with the secret
 * IAM found for the access key and compare it in constant time. On a mismatch the message is
 * API Gateway's §2.8 text with the canonical request and the string to sign it computed,
 * each in single quotes after a blank line, and a trailing newline:
 *
 *   The request signature we calculated does not match ... for details.\n
 *   \n
 *   The Canonical String for this request should have been\n
 *   '<canonical request>'\n
 *   \n
 *   The String-to-Sign should have been\n
 *   '<string to sign>'\n
 */
#include "sigv4/sigv4_priv.h"

#include <openssl/crypto.h>
#include <string.h>

#define MISMATCH_TEXT                                                                        \
	"The request signature we calculated does not match the signature you provided. "    \
	"Check your AWS Secret Access Key and signing method. Consult the service "          \
	"documentation for details."

/* §2.2: the body's hash, or (SIGV4_PAYLOAD_HEADER) the client's X-Amz-Content-SHA256. */
static const char *payload_hash(struct fg_arena *a, const struct sigv4_request *rq,
				const struct sigv4_policy *p)
{
	const char *h = sigv4_header_first(rq, "X-Amz-Content-SHA256");

	if (p->payload == SIGV4_PAYLOAD_HEADER && h != NULL) {
		size_t len;

		while (*h == ' ' || *h == '\t')
			h++;
		len = strlen(h);
		while (len > 0 && (h[len - 1] == ' ' || h[len - 1] == '\t'))
			len--;
		return fg_arena_strndup(a, h, len);
	}
	return sigv4_sha256_hex_with(p->crypto, a, rq->body, rq->body_len);
}

int sigv4_verify(struct fg_arena *a, const struct sigv4_request *rq, const struct sigv4_policy *p,
		 const struct sigv4_creds *c, const char *secret, struct sigv4_check *out,
		 struct sigv4_error *err)
{
	const char *creq, *sts, *sig;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	creq = sigv4_canonical_request(a, rq, c->signed_list, c->nsigned,
				       c->form == SIGV4_FORM_QUERY, payload_hash(a, rq, p));
	if (creq == NULL) { /* sigv4_parse() refuses these at step 8; only a caller skipping it */
		err->code = SIGV4_E_QUERY_MALFORMED;
		err->type = sigv4_code_type(SIGV4_E_QUERY_MALFORMED);
		err->message = err->explain = "the query string has a broken % escape";
		return -1;
	}
	sts = sigv4_string_to_sign_with(p->crypto, a, c->timestamp, c->scope, creq);
	sig = sigv4_signature_with(p->crypto, a, secret, c->scope_date, c->scope_region,
				   c->scope_service, sts);
	out->canonical_request = creq;
	out->string_to_sign = sts;
	out->expected = sig;
	out->given = c->signature;
	out->match = strlen(c->signature) == 64 && CRYPTO_memcmp(sig, c->signature, 64) == 0;
	if (out->match)
		return 0;
	err->code = SIGV4_E_MISMATCH;
	err->type = sigv4_code_type(SIGV4_E_MISMATCH);
	err->message = fg_arena_printf(a, MISMATCH_TEXT "\n\nThe Canonical String for this "
				       "request should have been\n'%s'\n\nThe String-to-Sign "
				       "should have been\n'%s'\n", creq, sts);
	err->explain = fg_arena_printf(
		a, "signature mismatch: the client sent %s, frontgate computed %s from "
		"SignedHeaders %s and scope %s (%s; aws-behavior.md §2.8: compare the canonical "
		"request and string to sign with the client's)", c->signature, sig,
		c->signed_headers, c->scope,
		c->form == SIGV4_FORM_QUERY ? "presigned URL" : "Authorization header");
	return -1;
}
