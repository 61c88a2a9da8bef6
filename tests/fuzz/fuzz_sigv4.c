/*
 * fuzz_sigv4.c: libFuzzer target for emulator/sigv4 — the Authorization header parser, the
 * presigned-query parser and the canonicalisation (aws-behavior.md §2.2, §2.3).
 *
 * The input is split at '\n' into fields (missing fields are empty):
 *   0 Authorization header value (absent when empty)   3 X-Amz-Date value
 *   1 raw query string                                  4 one more header, "Name: value"
 *   2 raw path                                          5... the body (rest of the input)
 * Besides "no crash, no leak, no undefined behaviour", each input checks invariants:
 *   - the canonical URI holds only unreserved characters, '/' and %XX escapes;
 *   - the canonical query is refused exactly when the query has a broken escape;
 *   - sigv4_parse() either succeeds or fills an error with a type, a message and a reason;
 *   - a request signed with sigv4_sign() from the same path, query and headers verifies.
 */
#include "sigv4/sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define NOW_MS 1767323045000LL /* 2026-01-02T03:04:05Z */
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

static void check_uri(const char *u)
{
	FG_ASSERT(u != NULL);
	for (const char *p = u; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '%') {
			FG_ASSERT(isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]));
			p += 2;
		} else {
			FG_ASSERT(isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
				  c == '/');
		}
	}
}

/* Parse, and verify when the parse succeeds: the outcome is always well-formed. */
static void parse_and_verify(struct fg_arena *a, const struct sigv4_request *rq,
			     const struct sigv4_policy *p)
{
	struct sigv4_creds c;
	struct sigv4_error err;
	struct sigv4_check chk;

	if (sigv4_parse(a, rq, p, NOW_MS, &c, &err) != 0) {
		FG_ASSERT(err.code != SIGV4_OK && err.type != NULL && err.message != NULL &&
			  err.explain != NULL);
		return;
	}
	FG_ASSERT(c.timestamp != NULL && strlen(c.timestamp) == 16 && c.access_key != NULL &&
		  c.nsigned > 0);
	if (sigv4_verify(a, rq, p, &c, SECRET, &chk, &err) != 0)
		FG_ASSERT(err.code == SIGV4_E_MISMATCH && !chk.match);
	FG_ASSERT(chk.canonical_request != NULL && chk.string_to_sign != NULL);
}

/* Signs path/query with host;x-amz-date and checks the result verifies. */
static void round_trip(struct fg_arena *a, struct sigv4_request *rq, struct sigv4_header *h,
		       const struct sigv4_policy *p)
{
	struct sigv4_creds c;
	struct sigv4_error err;
	struct sigv4_check chk;
	const char *authz;

	h[0] = (struct sigv4_header){ "Host", "abc123defg.execute-api.us-east-1.amazonaws.com" };
	h[1] = (struct sigv4_header){ "X-Amz-Date", "20260102T030405Z" };
	rq->nheaders = 2;
	authz = sigv4_sign(a, rq, "host;x-amz-date", "AKIDEXAMPLE", SECRET, "us-east-1",
			   "execute-api", "20260102T030405Z", NULL);
	if (authz == NULL)
		return; /* a broken escape in the query: nothing to sign */
	h[2] = (struct sigv4_header){ "Authorization", authz };
	rq->nheaders = 3;
	if (sigv4_parse(a, rq, p, NOW_MS, &c, &err) != 0) {
		/* only a query that is itself a presigned signature may refuse a header one */
		FG_ASSERT(err.code == SIGV4_E_BOTH_FORMS);
		return;
	}
	FG_ASSERT(sigv4_verify(a, rq, p, &c, SECRET, &chk, &err) == 0);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct fg_arena *a = fg_arena_new(4096);
	const char *f[6] = { "", "", "", "", "", "" };
	const char *bad, *q, *body = "";
	size_t nf = 0, start = 0, body_len = 0;
	struct sigv4_policy p;
	struct sigv4_header h[4];
	struct sigv4_request rq = { .method = "GET", .headers = h };
	int64_t ms;

	for (size_t i = 0; i <= size && nf < 5; i++) {
		if (i == size || data[i] == '\n') {
			f[nf++] = fg_arena_strndup(a, (const char *)data + start, i - start);
			start = i + 1;
		}
	}
	if (start < size) {
		body = (const char *)data + start;
		body_len = size - start;
	}
	sigv4_policy_apigw(&p, "us-east-1");
	p.messages = size % 2 ? SIGV4_MSG_CLASSIC : SIGV4_MSG_REDACTED;
	p.payload = size % 3 ? SIGV4_PAYLOAD_BODY : SIGV4_PAYLOAD_HEADER;

	/* the canonical pieces on their own */
	check_uri(sigv4_canonical_uri(a, f[2]));
	q = sigv4_canonical_query(a, f[1], size % 5 == 0, &bad);
	FG_ASSERT((q == NULL) == (bad != NULL));
	sigv4_time_parse(f[3], true, &ms);
	sigv4_incomplete(a, f[0], f[3][0] != '\0', p.messages);

	/* the whole request: header form when field 0 is set, else whatever the query says */
	rq.path = f[2];
	rq.query = f[1];
	rq.body = body;
	rq.body_len = body_len;
	h[rq.nheaders++] = (struct sigv4_header){ "Host", "abc123defg.execute-api.us-east-1."
							  "amazonaws.com" };
	if (f[3][0] != '\0')
		h[rq.nheaders++] = (struct sigv4_header){ "X-Amz-Date", f[3] };
	if (f[0][0] != '\0')
		h[rq.nheaders++] = (struct sigv4_header){ "Authorization", f[0] };
	if (strchr(f[4], ':') != NULL) {
		const char *colon = strchr(f[4], ':');

		h[rq.nheaders++] = (struct sigv4_header){
			fg_arena_strndup(a, f[4], (size_t)(colon - f[4])), colon + 1 };
	}
	parse_and_verify(a, &rq, &p);
	round_trip(a, &rq, h, &p);
	fg_arena_destroy(&a);
	return 0;
}
