/*
 * sigv4_parse.c: steps 1-8 of the validation order of aws-behavior.md §2.3, as API Gateway
 * answers them (exact messages: §2.3, §2.6, §2.7).
 *
 *   1  no Authorization header, no X-Amz-Algorithm parameter  -> Missing Authentication Token
 *      (both present: refused; an X-Amz-Algorithm other than AWS4-HMAC-SHA256: unsigned)
 *   4  header parts must be key=value        (observed to fire before 2 and 3, §2.7)
 *   2  Credential, Signature, SignedHeaders, a date -> the "requires ..." sentence list
 *   3  algorithm AWS4-HMAC-SHA256
 *      'host' must be signed                  (SS rule 8)
 *   5  date format (X-Amz-Date; a Date header may also be RFC 1123)
 *   6  clock window both ways (§2.6), or for a presigned URL its X-Amz-Expires (0..604800)
 *   7  credential: 5 elements, then scope (region, service, terminator, date)
 *   8  the query string is well-formed (no broken % escapes)
 *
 * Step 9 (is the access key known, is the session token valid) is the caller's, through
 * IAM; step 10 is sigv4_verify().
 */
#include "sigv4/sigv4_priv.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static const char *const code_names[] = {
	"OK",
#define SIGV4_X_NAME(name, type) #name,
	SIGV4_ERRORS(SIGV4_X_NAME)
#undef SIGV4_X_NAME
};

static const char *const code_types[] = {
	NULL,
#define SIGV4_X_TYPE(name, type) type,
	SIGV4_ERRORS(SIGV4_X_TYPE)
#undef SIGV4_X_TYPE
};

const char *sigv4_code_name(enum sigv4_code c)
{
	return (size_t)c < sizeof(code_names) / sizeof(code_names[0]) ? code_names[c] : "?";
}

const char *sigv4_code_type(enum sigv4_code c)
{
	return (size_t)c < sizeof(code_types) / sizeof(code_types[0]) ? code_types[c] : NULL;
}

void sigv4_policy_apigw(struct sigv4_policy *p, const char *region)
{
	p->region = region;
	p->service = "execute-api";
	p->skew_minutes = 5;
	p->messages = SIGV4_MSG_REDACTED;
	p->scope_wording = SIGV4_SCOPE_APIGW;
	p->payload = SIGV4_PAYLOAD_BODY;
	p->crypto = NULL;
}

static int fail(struct sigv4_error *err, enum sigv4_code c, const char *message,
		const char *explain)
{
	err->code = c;
	err->type = sigv4_code_type(c);
	err->message = message;
	err->explain = explain;
	return -1;
}

/* ------------------------------------------------- the Authorization header */

static const char *sha256_b64(struct fg_arena *a, const char *s)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char *b, *out;

	FG_ASSERT(EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) == 1);
	b = fg_base64(md, n);
	out = fg_arena_strdup(a, b);
	free(b);
	return out;
}

/* The parameters after the algorithm: "Credential=..., SignedHeaders=..., Signature=...". */
struct authz_parts {
	const char *alg;           /* first space-separated token */
	size_t alg_len;
	const char *val[3];        /* Credential, Signature, SignedHeaders (last one wins) */
	const char *no_eq;         /* the first part without '=' */
	size_t no_eq_len;
};

static const char *const need[] = { "Credential", "Signature", "SignedHeaders" };

static void authz_split(struct fg_arena *a, const char *authz, struct authz_parts *ap)
{
	const char *h = authz, *p;

	memset(ap, 0, sizeof(*ap));
	while (*h == ' ')
		h++;
	ap->alg = h;
	ap->alg_len = strcspn(h, " ");
	p = h + ap->alg_len;
	while (*p) {
		size_t len;
		const char *eq;

		while (*p == ' ' || *p == ',')
			p++;
		len = strcspn(p, ",");
		while (len > 0 && p[len - 1] == ' ')
			len--;
		if (len == 0)
			break;
		eq = memchr(p, '=', len);
		if (eq == NULL && ap->no_eq == NULL) {
			ap->no_eq = p;
			ap->no_eq_len = len;
		}
		for (int i = 0; eq != NULL && i < 3; i++) {
			if ((size_t)(eq - p) == strlen(need[i]) && strncmp(p, need[i], eq - p) == 0)
				ap->val[i] = fg_arena_strndup(a, eq + 1, len - (size_t)(eq - p) - 1);
		}
		p += len;
		while (*p && *p != ',')
			p++;
	}
}

/* Steps 4, 2, 3 in the order API Gateway answers them; SIGV4_OK when the header is whole. */
static enum sigv4_code authz_check(struct fg_arena *a, const char *authz,
				   const struct authz_parts *ap, bool has_date,
				   enum sigv4_messages mode, const char **msg)
{
	struct fg_buf b;

	if (ap->no_eq != NULL) {
		*msg = mode == SIGV4_MSG_CLASSIC
			? fg_arena_printf(a, "%.*s not a valid key=value pair (missing equal-sign) "
					  "in Authorization header: '%s'", (int)ap->no_eq_len,
					  ap->no_eq, authz)
			: fg_arena_printf(a, "Invalid key=value pair (missing equal-sign) in "
					  "Authorization header (hashed with SHA-256 and encoded "
					  "with Base64): '%s'", sha256_b64(a, authz));
		return SIGV4_E_KEY_VALUE;
	}
	if (ap->val[0] != NULL && ap->val[1] != NULL && ap->val[2] != NULL && has_date) {
		if (ap->alg_len == 16 && strncmp(ap->alg, "AWS4-HMAC-SHA256", 16) == 0)
			return SIGV4_OK;
		*msg = fg_arena_printf(a, "Unsupported AWS 'algorithm': '%.*s'.", (int)ap->alg_len,
				       ap->alg);
		return SIGV4_E_ALGORITHM;
	}
	fg_buf_init(&b);
	for (int i = 0; i < 3; i++) {
		if (ap->val[i] == NULL)
			fg_buf_printf(&b, "Authorization header requires '%s' parameter. ", need[i]);
	}
	if (!has_date)
		fg_buf_puts(&b, "Authorization header requires existence of either a "
			    "'X-Amz-Date' or a 'Date' header. ");
	if (mode == SIGV4_MSG_CLASSIC)
		fg_buf_printf(&b, "Authorization=%s", authz);
	else
		fg_buf_puts(&b, "(Hashed with SHA-256 and encoded with Base64)");
	*msg = fg_arena_strdup(a, b.data);
	fg_buf_free(&b);
	return SIGV4_E_INCOMPLETE;
}

const char *sigv4_incomplete(struct fg_arena *a, const char *authz, bool has_date,
			     enum sigv4_messages mode)
{
	struct authz_parts ap;
	const char *msg = NULL;

	authz_split(a, authz, &ap);
	return authz_check(a, authz, &ap, has_date, mode, &msg) == SIGV4_OK ? NULL : msg;
}

static int from_header(struct fg_arena *a, const struct sigv4_request *rq,
		       const struct sigv4_policy *p, const char *authz, struct sigv4_creds *out,
		       struct sigv4_error *err)
{
	const char *xdate = sigv4_header_first(rq, "X-Amz-Date");
	const char *date = sigv4_header_first(rq, "Date");
	struct authz_parts ap;
	const char *msg = NULL;
	enum sigv4_code c;

	authz_split(a, authz, &ap);
	c = authz_check(a, authz, &ap, xdate != NULL || date != NULL, p->messages, &msg);
	if (c != SIGV4_OK)
		return fail(err, c, msg, fg_arena_printf(
			a, "the Authorization header is not a complete SigV4 header: %s "
			"(aws-behavior.md §2.3, §2.7; %s messages)",
			c == SIGV4_E_KEY_VALUE ? "a part is not key=value"
			: c == SIGV4_E_ALGORITHM ? "the algorithm is not AWS4-HMAC-SHA256"
			: "Credential, Signature, SignedHeaders or a date is missing",
			p->messages == SIGV4_MSG_CLASSIC ? "classic" : "redacted"));
	out->form = SIGV4_FORM_HEADER;
	out->credential = ap.val[0];
	out->signature = ap.val[1];
	out->signed_headers = ap.val[2];
	out->date_raw = xdate != NULL ? xdate : date;
	out->date_source = xdate != NULL ? "X-Amz-Date header" : "Date header";
	out->security_token = sigv4_header_first(rq, "X-Amz-Security-Token");
	return 0;
}

/* --------------------------------------------------- the presigned query form */

static const char *qval(struct fg_arena *a, const struct sigv4_qparam *q, size_t n,
			const char *name)
{
	const struct sigv4_qparam *e = sigv4_query_find(q, n, name);

	return e != NULL ? sigv4_decode(a, e->raw_value) : NULL;
}

static int from_query(struct fg_arena *a, const struct sigv4_qparam *q, size_t nq,
		      const char *alg, struct sigv4_creds *out, const char **expires,
		      struct sigv4_error *err)
{
	static const char *const req[] = { "X-Amz-Credential", "X-Amz-Signature",
					   "X-Amz-SignedHeaders", "X-Amz-Date" };
	const char *v[4];
	struct fg_buf b;
	char *msg;

	if (strcmp(alg, "AWS4-HMAC-SHA256") != 0)
		return fail(err, SIGV4_E_QUERY_ALGORITHM, "Missing Authentication Token",
			    fg_arena_printf(a, "X-Amz-Algorithm is '%s', not AWS4-HMAC-SHA256: "
					    "the request counts as unsigned (aws-behavior.md §2.3 "
					    "step 1; SS rule 7a)", alg));
	fg_buf_init(&b);
	for (int i = 0; i < 4; i++) {
		v[i] = qval(a, q, nq, req[i]);
		if (v[i] == NULL)
			fg_buf_printf(&b, "AWS query-string parameters must include '%s'. ", req[i]);
	}
	if (b.len > 0) {
		fg_buf_puts(&b, "Re-examine the query-string parameters.");
		msg = fg_arena_strdup(a, b.data);
		fg_buf_free(&b);
		return fail(err, SIGV4_E_QUERY_INCOMPLETE, msg,
			    "presigned URL without all of X-Amz-Credential, X-Amz-Signature, "
			    "X-Amz-SignedHeaders, X-Amz-Date (aws-behavior.md §2.1, §2.3 step 2)");
	}
	out->form = SIGV4_FORM_QUERY;
	out->credential = v[0];
	out->signature = v[1];
	out->signed_headers = v[2];
	out->date_raw = v[3];
	out->date_source = "X-Amz-Date parameter";
	out->security_token = qval(a, q, nq, "X-Amz-Security-Token");
	out->token_signed = out->security_token != NULL;
	*expires = qval(a, q, nq, "X-Amz-Expires");
	return 0;
}

/* ------------------------------------------------------------ common steps */

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* SignedHeaders split at ';' and sorted (SS); 'host' must be among them. */
static int signed_list(struct fg_arena *a, struct sigv4_creds *c, struct sigv4_error *err)
{
	const char *given = c->signed_headers, **v;
	size_t n = 0;
	bool host = false;
	struct fg_buf b;

	v = fg_arena_alloc(a, (strlen(given) + 2) * sizeof(*v));
	for (const char *p = given;;) {
		size_t len = strcspn(p, ";");

		v[n] = fg_arena_strndup(a, p, len);
		host = host || strcmp(v[n], "host") == 0 || strcmp(v[n], ":authority") == 0;
		n++;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	fg_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		fg_buf_printf(&b, "%s%s", i > 0 ? ";" : "", v[i]);
	c->signed_headers = fg_arena_strdup(a, b.data != NULL ? b.data : "");
	fg_buf_free(&b);
	c->signed_list = v;
	c->nsigned = n;
	if (!c->token_signed && c->security_token != NULL) {
		for (size_t i = 0; i < n; i++)
			c->token_signed = c->token_signed || strcmp(v[i], "x-amz-security-token") == 0;
	}
	if (host)
		return 0;
	return fail(err, SIGV4_E_HOST_UNSIGNED,
		    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
		    fg_arena_printf(a, "SignedHeaders '%s' does not include host (aws-behavior.md "
				    "§2.2)", given));
}

static int date_format(struct fg_arena *a, struct sigv4_creds *c, struct sigv4_error *err)
{
	char ts[17];

	if (!sigv4_time_parse(c->date_raw, strcmp(c->date_source, "Date header") == 0,
			      &c->time_ms))
		return fail(err, SIGV4_E_DATE_FORMAT,
			    fg_arena_printf(a, "Date must be in ISO-8601 'basic format'. Got '%s'. "
					    "See http://en.wikipedia.org/wiki/ISO_8601", c->date_raw),
			    fg_arena_printf(a, "the %s '%s' is not an ISO-8601 date "
					    "(aws-behavior.md §2.3 step 5)", c->date_source,
					    c->date_raw));
	sigv4_time_basic(c->time_ms, ts);
	c->timestamp = fg_arena_strdup(a, ts);
	return 0;
}

/* X-Amz-Expires: an integer 0..604800 (S3's messages; UNCONFIRMED for API Gateway). */
static int expires_value(struct fg_arena *a, const char *raw, int64_t *out,
			 struct sigv4_error *err)
{
	const char *msg = NULL;
	char *end;
	long long v;

	errno = 0;
	v = strtoll(raw, &end, 10);
	if (*raw == '\0' || *end != '\0' || errno != 0 || *raw == ' ' || *raw == '+')
		msg = "X-Amz-Expires should be a number";
	else if (v < 0)
		msg = "X-Amz-Expires must be non-negative";
	else if (v > 604800)
		msg = "X-Amz-Expires must be less than a week (in seconds); that is, the given "
		      "X-Amz-Expires must be less than 604800 seconds";
	if (msg != NULL)
		return fail(err, SIGV4_E_EXPIRES_FORMAT, msg,
			    fg_arena_printf(a, "presigned URL with X-Amz-Expires '%s': it must be "
					    "a number of seconds from 0 to 604800 (aws-behavior.md "
					    "§2.1)", raw));
	*out = v;
	return 0;
}

/* Step 6: §2.6 both ways; a presigned URL is good until X-Amz-Date + X-Amz-Expires. */
static int time_window(struct fg_arena *a, const struct sigv4_policy *p, int64_t now_ms,
		       const struct sigv4_creds *c, struct sigv4_error *err)
{
	int64_t win = (int64_t)p->skew_minutes * 60000;
	char now[17], edge[17];

	sigv4_time_basic(now_ms, now);
	if (c->time_ms > now_ms + win) {
		sigv4_time_basic(now_ms + win, edge);
		return fail(err, SIGV4_E_NOT_YET_CURRENT,
			    fg_arena_printf(a, "Signature not yet current: %s is still later than "
					    "%s (%s + %d min.)", c->timestamp, edge, now,
					    p->skew_minutes),
			    fg_arena_printf(a, "the %s %s is %lld s ahead of frontgate's clock %s; "
					    "the window is %d minutes (aws-behavior.md §2.6)",
					    c->date_source, c->timestamp,
					    (long long)((c->time_ms - now_ms) / 1000), now,
					    p->skew_minutes));
	}
	if (c->expires_s >= 0) {
		int64_t end = c->time_ms + c->expires_s * 1000;

		if (now_ms <= end)
			return 0;
		sigv4_time_basic(end, edge);
		return fail(err, SIGV4_E_PRESIGN_EXPIRED, "Request has expired",
			    fg_arena_printf(a, "presigned URL signed at %s with X-Amz-Expires=%lld "
					    "expired at %s; frontgate's clock is %s (aws-behavior.md "
					    "§2.1; message as S3's, UNCONFIRMED for API Gateway)",
					    c->timestamp, (long long)c->expires_s, edge, now));
	}
	if (c->time_ms >= now_ms - win)
		return 0;
	sigv4_time_basic(now_ms - win, edge);
	return fail(err, SIGV4_E_EXPIRED,
		    fg_arena_printf(a, "Signature expired: %s is now earlier than %s (%s - %d "
				    "min.)", c->timestamp, edge, now, p->skew_minutes),
		    fg_arena_printf(a, "the %s %s is %lld s behind frontgate's clock %s; the "
				    "window is %d minutes (aws-behavior.md §2.6)", c->date_source,
				    c->timestamp, (long long)((now_ms - c->time_ms) / 1000), now,
				    p->skew_minutes));
}

/* Step 7: exactly keyid/date/region/service/term, then each part against the policy. */
static int scope(struct fg_arena *a, const struct sigv4_policy *p, struct sigv4_creds *c,
		 struct sigv4_error *err)
{
	const char *part[5], *s = c->credential;
	size_t n = 0;
	struct fg_buf b;
	char *msg;

	for (;;) {
		size_t len = strcspn(s, "/");

		if (n < 5)
			part[n] = fg_arena_strndup(a, s, len);
		n++;
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	if (n != 5)
		return fail(err, SIGV4_E_CREDENTIAL_FORM,
			    fg_arena_printf(a, "Credential must have exactly 5 slash-delimited "
					    "elements, e.g. keyid/date/region/service/term, got "
					    "'%s'", c->credential),
			    fg_arena_printf(a, "Credential '%s' has %zu slash-separated parts, not 5 "
					    "(aws-behavior.md §2.3 step 7)", c->credential, n));
	c->access_key = part[0];
	c->scope_date = part[1];
	c->scope_region = part[2];
	c->scope_service = part[3];
	c->scope_term = part[4];
	c->scope = c->credential + strlen(part[0]) + 1;
	fg_buf_init(&b);
	if (strcmp(part[2], p->region) != 0) {
		if (p->scope_wording == SIGV4_SCOPE_APIGW)
			fg_buf_puts(&b, "Credential should be scoped to a valid region. ");
		else
			fg_buf_printf(&b, "Credential should be scoped to a valid region, not '%s'. ",
				      part[2]);
	}
	if (strcmp(part[3], p->service) != 0)
		fg_buf_printf(&b, "Credential should be scoped to correct service: '%s'. ",
			      p->service);
	if (strcmp(part[4], "aws4_request") != 0)
		fg_buf_printf(&b, "Credential should be scoped with a valid terminator: "
			      "'aws4_request', not '%s'. ", part[4]);
	if (strncmp(part[1], c->timestamp, 8) != 0 || strlen(part[1]) != 8)
		fg_buf_printf(&b, "Date in Credential scope does not match YYYYMMDD from ISO-8601 "
			      "version of date from HTTP: '%s' != '%.8s', from '%s'. ", part[1],
			      c->timestamp, c->timestamp);
	if (b.len == 0)
		return 0;
	msg = fg_arena_strdup(a, b.data);
	fg_buf_free(&b);
	return fail(err, SIGV4_E_SCOPE, msg,
		    fg_arena_printf(a, "credential scope %s does not match %.8s/%s/%s/aws4_request "
				    "(aws-behavior.md §2.3 step 7)", c->scope, c->timestamp,
				    p->region, p->service));
}

/* ------------------------------------------------------------------ entry */

int sigv4_parse(struct fg_arena *a, const struct sigv4_request *rq, const struct sigv4_policy *p,
		int64_t now_ms, struct sigv4_creds *out, struct sigv4_error *err)
{
	const char *authz = sigv4_header_first(rq, "Authorization");
	const char *bad = NULL, *expires = NULL;
	const struct sigv4_qparam *alg;
	struct sigv4_qparam *q;
	size_t nq;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	out->expires_s = -1;
	sigv4_query_split(a, rq->query != NULL ? rq->query : "", &q, &nq, &bad);
	alg = sigv4_query_find(q, nq, "X-Amz-Algorithm");
	if (authz == NULL && alg == NULL)
		return fail(err, SIGV4_E_MISSING, "Missing Authentication Token",
			    "no Authorization header and no X-Amz-Algorithm query parameter: the "
			    "request is not signed (aws-behavior.md §2.3 step 1)");
	if (authz != NULL && alg != NULL)
		return fail(err, SIGV4_E_BOTH_FORMS,
			    "Only one auth mechanism allowed; only the X-Amz-Algorithm query "
			    "parameter, Signature query string parameter or the Authorization "
			    "header should be specified",
			    "both an Authorization header and an X-Amz-Algorithm query parameter "
			    "(SS rule 5; message as S3's, UNCONFIRMED for API Gateway)");
	if (authz != NULL ? from_header(a, rq, p, authz, out, err) != 0
			  : from_query(a, q, nq, sigv4_decode(a, alg->raw_value), out, &expires,
				       err) != 0)
		return -1;
	if (signed_list(a, out, err) != 0 || date_format(a, out, err) != 0)
		return -1;
	if (expires != NULL && expires_value(a, expires, &out->expires_s, err) != 0)
		return -1;
	if (time_window(a, p, now_ms, out, err) != 0 || scope(a, p, out, err) != 0)
		return -1;
	if (bad != NULL)
		return fail(err, SIGV4_E_QUERY_MALFORMED, bad,
			    fg_arena_printf(a, "the query string has a broken %% escape: %s "
					    "(aws-behavior.md §2.3 step 8)", bad));
	return 0;
}
