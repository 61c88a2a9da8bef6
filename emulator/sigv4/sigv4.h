/*
 * sigv4: verification of AWS Signature Version 4 as API Gateway (service "execute-api") does
 * it, from the request *as it arrived* (aws-behavior.md §2). A pure library: it depends on
 * core (arena) and OpenSSL libcrypto (SHA-256, HMAC); no HTTP, no world, no clock of its own.
 *
 * Two calls, with the access-key lookup (IAM, step 9) in between, made by the caller:
 *
 *   sigv4_parse()   steps 1-8 of §2.3, in AWS's order: is there a signature at all (header or
 *                   presigned query); the Authorization header's key=value parts, required
 *                   parameters and algorithm (§2.7); 'host' signed; the date and its format;
 *                   the clock window (§2.6) or the presigned X-Amz-Expires; the credential
 *                   scope; a well-formed query string. Hands back the parsed credentials.
 *   sigv4_verify()  step 10: canonical request (§2.2), string to sign, signing key, and a
 *                   constant-time comparison; on a mismatch the message echoes the canonical
 *                   request and string to sign in AWS's layout (§2.8).
 *
 * Every refusal carries the AWS error type (x-amzn-ErrorType), AWS's exact message, and a
 * one-line explanation for the request trace. Where AWS's behaviour is UNCONFIRMED the choice
 * is a field of struct sigv4_policy, with the documented default.
 *
 * Memory: every string handed back lives in the caller's arena (struct fg_arena); inputs are
 * borrowed, never modified, and must outlive the results only where noted.
 * sigv4_sign() computes a signature the way botocore does (unit tests, the benchmark).
 */
#ifndef FG_SIGV4_H
#define FG_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"

/* One request header, as it arrived (name as sent, value untrimmed). */
struct sigv4_header {
	const char *name;
	const char *value;
};

/* The request as it arrived: nothing decoded, nothing rewritten. */
struct sigv4_request {
	const char *method;                  /* "GET" */
	const char *path;                    /* "/dev/a%20b", percent-encoding intact */
	const char *query;                   /* raw query after '?', "" when none */
	const struct sigv4_header *headers;  /* arrival order; repeated names allowed */
	size_t nheaders;
	const char *body;                    /* may be NULL when body_len is 0 */
	size_t body_len;
};

/* §2.7: how IncompleteSignature messages show the Authorization header. */
enum sigv4_messages {
	SIGV4_MSG_REDACTED,   /* default: newer form, the header hashed (base64 of SHA-256) */
	SIGV4_MSG_CLASSIC,    /* the header echoed verbatim ("... Authorization=Bearer") */
};

/* §2.3 step 7: wording of the credential-scope region sentence. */
enum sigv4_scope_wording {
	/* default, observed from API Gateway: "Credential should be scoped to a valid region. " */
	SIGV4_SCOPE_APIGW,
	/* other AWS services: "Credential should be scoped to a valid region, not 'eu-west-1'. " */
	SIGV4_SCOPE_GENERIC,
};

/* §2.2: which payload hash goes into the canonical request. */
enum sigv4_payload {
	/* default: hex SHA-256 of the body received. Non-S3 AWS services hash the body whatever
	 * X-Amz-Content-SHA256 claims ([impl] SS), so a body changed in transit never verifies. */
	SIGV4_PAYLOAD_BODY,
	/* the X-Amz-Content-SHA256 header's value when present (what botocore signs, S3-like),
	 * else the body's hash */
	SIGV4_PAYLOAD_HEADER,
};

/*
 * OpenSSL's SHA-256 and HMAC fetched once (sigv4_crypto.c): a verifier that checks every
 * request keeps one (shared by all threads) and names it in its policy; without one each
 * hash looks its algorithm up again.
 */
struct sigv4_crypto;
struct sigv4_crypto *sigv4_crypto_new(void);
void sigv4_crypto_free(struct sigv4_crypto **c);

/* What the verifier expects; fixed per service (and per fidelity switch). */
struct sigv4_policy {
	const char *region;                  /* "us-east-1": the API's region */
	const char *service;                 /* "execute-api" */
	int skew_minutes;                    /* 5 for API Gateway (§2.6) */
	enum sigv4_messages messages;
	enum sigv4_scope_wording scope_wording;
	enum sigv4_payload payload;
	const struct sigv4_crypto *crypto;   /* NULL: algorithms fetched per call */
};

/* Defaults for API Gateway in region: execute-api, 5 minutes, redacted, APIGW, body. */
void sigv4_policy_apigw(struct sigv4_policy *p, const char *region);

/*
 * Every way a signature is refused: name, x-amzn-ErrorType. Types marked (U) are UNCONFIRMED
 * for API Gateway (aws-behavior.md §1.5, §2.1, §2.3) and follow SS / S3.
 */
#define SIGV4_ERRORS(X)                                                                    \
	X(MISSING,          "MissingAuthenticationTokenException") /* step 1 */            \
	X(QUERY_ALGORITHM,  "MissingAuthenticationTokenException") /* X-Amz-Algorithm≠ */   \
	X(BOTH_FORMS,       "InvalidSignatureException")   /* (U) header and query */      \
	X(KEY_VALUE,        "IncompleteSignatureException") /* step 4 (fires first, §2.7) */ \
	X(INCOMPLETE,       "IncompleteSignatureException") /* step 2 */                   \
	X(ALGORITHM,        "IncompleteSignatureException") /* step 3 */                   \
	X(QUERY_INCOMPLETE, "IncompleteSignatureException") /* step 2, presigned */        \
	X(HOST_UNSIGNED,    "InvalidSignatureException")   /* §2.2 SignedHeaders */        \
	X(DATE_FORMAT,      "IncompleteSignatureException") /* step 5 */                   \
	X(EXPIRES_FORMAT,   "IncompleteSignatureException") /* (U) X-Amz-Expires */        \
	X(EXPIRED,          "InvalidSignatureException")   /* step 6, §2.6 */              \
	X(NOT_YET_CURRENT,  "InvalidSignatureException")   /* step 6, §2.6 */              \
	X(PRESIGN_EXPIRED,  "InvalidSignatureException")   /* (U) past X-Amz-Expires */    \
	X(CREDENTIAL_FORM,  "IncompleteSignatureException") /* step 7, 5 elements */       \
	X(SCOPE,            "InvalidSignatureException")   /* step 7 */                    \
	X(QUERY_MALFORMED,  "IncompleteSignatureException") /* (U) step 8 */               \
	X(MISMATCH,         "InvalidSignatureException")   /* step 10, §2.8 */

enum sigv4_code {
	SIGV4_OK = 0,
#define SIGV4_X_ENUM(name, type) SIGV4_E_##name,
	SIGV4_ERRORS(SIGV4_X_ENUM)
#undef SIGV4_X_ENUM
};

struct sigv4_error {
	enum sigv4_code code;
	const char *type;        /* x-amzn-ErrorType, e.g. "IncompleteSignatureException" */
	const char *message;     /* AWS's exact message (the gateway response's messageString) */
	const char *explain;     /* one line for the request trace: what failed, and why */
};

/* "MISMATCH" for SIGV4_E_MISMATCH, "OK" for SIGV4_OK. */
const char *sigv4_code_name(enum sigv4_code c);
/* The x-amzn-ErrorType of a code; NULL for SIGV4_OK. */
const char *sigv4_code_type(enum sigv4_code c);

enum sigv4_form {
	SIGV4_FORM_HEADER,       /* Authorization: AWS4-HMAC-SHA256 Credential=..., ... */
	SIGV4_FORM_QUERY,        /* presigned: X-Amz-Algorithm=...&X-Amz-Signature=... */
};

/* What sigv4_parse() read from the request (all strings in the arena). */
struct sigv4_creds {
	enum sigv4_form form;
	const char *credential;      /* "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request" */
	const char *access_key;      /* "AKIDEXAMPLE" */
	const char *scope;           /* "20150830/us-east-1/service/aws4_request" */
	const char *scope_date, *scope_region, *scope_service, *scope_term;
	const char *signed_headers;  /* sorted names joined by ';' (as they enter the request) */
	const char **signed_list;    /* the same, split; nsigned entries */
	size_t nsigned;
	const char *signature;       /* as the client sent it */
	const char *date_raw;        /* the X-Amz-Date / Date value as sent */
	const char *date_source;     /* "X-Amz-Date header", "Date header", "X-Amz-Date parameter" */
	const char *timestamp;       /* normalised "20150830T123600Z" (goes into the string to sign) */
	int64_t time_ms;
	const char *security_token;  /* X-Amz-Security-Token (header or parameter), NULL if none */
	bool token_signed;           /* the token is part of the canonical request */
	int64_t expires_s;           /* presigned X-Amz-Expires; -1 when absent */
};

/*
 * Steps 1-8 of §2.3 against the emulator's clock now_ms. Returns 0 with *out filled, or -1
 * with *err filled (err->code SIGV4_E_MISSING when there is no signature at all: the caller
 * answers "Missing Authentication Token" as for an unsigned request).
 */
int sigv4_parse(struct fg_arena *a, const struct sigv4_request *rq, const struct sigv4_policy *p,
		int64_t now_ms, struct sigv4_creds *out, struct sigv4_error *err);

/* What step 10 computed; filled whether or not the signature matched. */
struct sigv4_check {
	const char *canonical_request;
	const char *string_to_sign;
	const char *expected;        /* 64 lowercase hex */
	const char *given;           /* the client's signature */
	bool match;
};

/*
 * Step 10 with the secret IAM found for c->access_key. Returns 0 when the signature matches,
 * -1 with *err (SIGV4_E_MISMATCH, the §2.8 message) otherwise; *out is filled either way.
 */
int sigv4_verify(struct fg_arena *a, const struct sigv4_request *rq, const struct sigv4_policy *p,
		 const struct sigv4_creds *c, const char *secret, struct sigv4_check *out,
		 struct sigv4_error *err);

/*
 * Only the Authorization-header checks of steps 2-4 (what API Gateway runs before routing,
 * §2.3): NULL when authz is a complete SigV4 header (has_date: an X-Amz-Date or Date header
 * is present), else the IncompleteSignature message (key=value, missing parts, algorithm).
 */
const char *sigv4_incomplete(struct fg_arena *a, const char *authz, bool has_date,
			     enum sigv4_messages mode);

/* --------------------------------------------------------- canonicalisation (§2.2) */

/* Dot segments removed, '//' collapsed, then percent-encoded again ('/' and '~' kept). */
const char *sigv4_canonical_uri(struct fg_arena *a, const char *path);
/*
 * Each key and value normalised (escapes decoded and re-encoded upper-case, '+' = space =
 * %20, unreserved A-Za-z0-9-_.~ literal), sorted by key then value, "k=" for a bare key;
 * X-Amz-Signature left out when drop_signature. NULL with *bad set to the SS message
 * ("Illegal hex character in escape % pattern: %zz") on a malformed escape.
 */
const char *sigv4_canonical_query(struct fg_arena *a, const char *query, bool drop_signature,
				  const char **bad);
/* "name:value\n" for each signed name (values trimmed, runs of whitespace collapsed,
 * repeated headers joined by ',' in arrival order); a signed name that is absent is left out. */
const char *sigv4_canonical_headers(struct fg_arena *a, const struct sigv4_request *rq,
				    const char *const *names, size_t n);
/* The whole canonical request; payload_hash is 64 hex or a literal the client signed.
 * NULL when the query has a broken escape (sigv4_parse() refuses those at step 8). */
const char *sigv4_canonical_request(struct fg_arena *a, const struct sigv4_request *rq,
				    const char *const *names, size_t n, bool drop_signature,
				    const char *payload_hash);

/* ------------------------------------------------------------------- signing */

/* Lowercase hex SHA-256 of n bytes (65 bytes with NUL in the arena). */
const char *sigv4_sha256_hex(struct fg_arena *a, const void *p, size_t n);
/* "AWS4-HMAC-SHA256\n{ts}\n{scope}\n{hex sha256(creq)}" */
const char *sigv4_string_to_sign(struct fg_arena *a, const char *timestamp, const char *scope,
				 const char *canonical_request);
/* hex(HMAC(kSigning, sts)) with kSigning derived from secret, date, region, service. */
const char *sigv4_signature(struct fg_arena *a, const char *secret, const char *date,
			    const char *region, const char *service, const char *string_to_sign);

/*
 * Signs rq as botocore's SigV4Auth does (header form): signed_headers is the ';'-list of
 * lowercase names to sign (they must be among rq's headers); timestamp "YYYYMMDDTHHMMSSZ";
 * the payload hash is the body's. Returns the Authorization header value and, when out is
 * not NULL, the canonical request, string to sign and signature; NULL when the query has a
 * broken escape.
 */
const char *sigv4_sign(struct fg_arena *a, const struct sigv4_request *rq,
		       const char *signed_headers, const char *access_key, const char *secret,
		       const char *region, const char *service, const char *timestamp,
		       struct sigv4_check *out);

/* ---------------------------------------------------------------- time text */

/* "20150830T123600Z" for ms since the epoch (seconds truncated); out has 17 bytes. */
void sigv4_time_basic(int64_t ms, char out[17]);
/*
 * X-Amz-Date forms AWS accepts (ISO-8601 basic or extended, optional fraction, Z or an
 * offset) and, when http_date, RFC 1123 ("Sun, 30 Aug 2015 12:36:00 GMT"). false when neither.
 */
bool sigv4_time_parse(const char *s, bool http_date, int64_t *ms_out);

#endif
