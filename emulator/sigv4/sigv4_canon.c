/*
 * sigv4_canon.c: the canonical request of aws-behavior.md §2.2 (non-S3 rules, which
 * execute-api follows), the string to sign and the signing-key chain of §2.1.
 *
 * Two encoders, on purpose:
 *  - the path is the one that arrived, percent-encoding intact. It is normalised the way
 *    botocore does (BC-utils remove_dot_segments: empty and '.' segments dropped, '..' pops,
 *    a trailing slash kept when something remains) and then encoded *again* with '/' and '~'
 *    left alone: "%20" on the wire becomes "%2520". That is what every AWS SDK signs for a
 *    non-S3 service, so it is what the verifier must compute.
 *  - each query key and value is normalised as AWS's verifier does (SS canonical.rs,
 *    normalize_uri_element): escapes decoded and re-encoded in upper case, unreserved
 *    characters literal, '+' read as a space (%20), anything else encoded; a malformed escape
 *    is an error, reported at step 8 of §2.3 by sigv4_parse(). Pairs are then sorted by key,
 *    then by value (botocore sorts (key, value) tuples).
 */
#include "sigv4/sigv4_priv.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_escape(struct fg_buf *b, unsigned char c)
{
	static const char hx[] = "0123456789ABCDEF";
	char e[3] = { '%', hx[c >> 4], hx[c & 15] };

	fg_buf_append(b, e, 3);
}

static char *buf_to_arena(struct fg_arena *a, struct fg_buf *b)
{
	char *s = fg_arena_strndup(a, b->data != NULL ? b->data : "", b->len);

	fg_buf_free(b);
	return s;
}

void sigv4_hex(const unsigned char *p, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ------------------------------------------------------------------- path */

/* botocore's remove_dot_segments on [s, s+n): appends the result to b. */
static void remove_dot_segments(struct fg_buf *b, const char *s, size_t n)
{
	const char **seg = malloc((n / 2 + 2) * sizeof(*seg));
	size_t *len = malloc((n / 2 + 2) * sizeof(*len));
	size_t k = 0;

	FG_ASSERT(seg != NULL && len != NULL);
	for (size_t i = 0; i <= n;) {
		size_t j = i;

		while (j < n && s[j] != '/')
			j++;
		if (j - i == 2 && s[i] == '.' && s[i + 1] == '.') {
			if (k > 0)
				k--;
		} else if (j > i && !(j - i == 1 && s[i] == '.')) {
			seg[k] = s + i;
			len[k++] = j - i;
		}
		i = j + 1;
	}
	if (n > 0 && s[0] == '/')
		fg_buf_append(b, "/", 1);
	for (size_t i = 0; i < k; i++) {
		if (i > 0)
			fg_buf_append(b, "/", 1);
		fg_buf_append(b, seg[i], len[i]);
	}
	if (n > 0 && s[n - 1] == '/' && k > 0)
		fg_buf_append(b, "/", 1);
	free(seg);
	free(len);
}

const char *sigv4_canonical_uri(struct fg_arena *a, const char *path)
{
	struct fg_buf norm, out;

	if (path == NULL || *path == '\0')
		return "/";
	fg_buf_init(&norm);
	fg_buf_init(&out);
	remove_dot_segments(&norm, path, strlen(path));
	/* urllib.parse.quote(path, safe='/~'): unreserved and '/' stay, the rest is encoded */
	for (size_t i = 0; i < norm.len; i++) {
		unsigned char c = (unsigned char)norm.data[i];

		if (unreserved(c) || c == '/')
			fg_buf_append(&out, &norm.data[i], 1);
		else
			put_escape(&out, c);
	}
	fg_buf_free(&norm);
	return buf_to_arena(a, &out);
}

/* ------------------------------------------------------------------ query */

/*
 * One query key or value, normalised. A malformed escape sets *bad (the first one wins) and
 * its '%' is encoded as a literal, so the rest of the query can still be read.
 */
static const char *normalise(struct fg_arena *a, const char *s, size_t n, const char **bad)
{
	struct fg_buf b;

	fg_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int hi, lo;

		if (unreserved(c)) {
			fg_buf_append(&b, &s[i], 1);
		} else if (c == '+') {
			fg_buf_append(&b, "%20", 3);
		} else if (c != '%') {
			put_escape(&b, c);
		} else if (i + 2 >= n) {
			if (*bad == NULL)
				*bad = "Incomplete trailing escape % sequence";
			put_escape(&b, c);
		} else if ((hi = hexval((unsigned char)s[i + 1])) < 0 ||
			   (lo = hexval((unsigned char)s[i + 2])) < 0) {
			if (*bad == NULL)
				*bad = fg_arena_printf(a, "Illegal hex character in escape %% "
						       "pattern: %%%c%c", s[i + 1], s[i + 2]);
			put_escape(&b, c);
		} else {
			c = (unsigned char)(hi << 4 | lo);
			if (unreserved(c))
				fg_buf_append(&b, (char *)&c, 1);
			else
				put_escape(&b, c);
			i += 2;
		}
	}
	return buf_to_arena(a, &b);
}

int sigv4_query_split(struct fg_arena *a, const char *query, struct sigv4_qparam **out,
		      size_t *n, const char **bad)
{
	size_t cap = 1, k = 0;
	struct sigv4_qparam *v;

	*bad = NULL;
	for (const char *p = query; *p; p++)
		cap += *p == '&';
	v = fg_arena_alloc(a, cap * sizeof(*v));
	for (const char *p = query; *p;) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		size_t klen = eq != NULL ? (size_t)(eq - p) : len;

		if (len > 0) {
			const char *vs = eq != NULL ? eq + 1 : p + len;
			size_t vlen = (size_t)(p + len - vs);

			v[k].key = normalise(a, p, klen, bad);
			v[k].value = normalise(a, vs, vlen, bad);
			v[k].raw_value = fg_arena_strndup(a, vs, vlen);
			k++;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	*out = v;
	*n = k;
	return *bad != NULL ? -1 : 0;
}

const struct sigv4_qparam *sigv4_query_find(const struct sigv4_qparam *q, size_t n,
					    const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(q[i].key, name) == 0)
			return &q[i];
	}
	return NULL;
}

char *sigv4_decode(struct fg_arena *a, const char *s)
{
	char *o = fg_arena_alloc(a, strlen(s) + 1), *w = o;

	for (const char *p = s; *p; p++) {
		int hi, lo;

		if (*p == '%' && (hi = hexval((unsigned char)p[1])) >= 0 &&
		    (lo = hexval((unsigned char)p[2])) >= 0) {
			*w++ = (char)(hi << 4 | lo);
			p += 2;
		} else {
			*w++ = *p == '+' ? ' ' : *p;
		}
	}
	*w = '\0';
	return o;
}

static int qcmp(const void *x, const void *y)
{
	const struct sigv4_qparam *l = *(const struct sigv4_qparam *const *)x;
	const struct sigv4_qparam *r = *(const struct sigv4_qparam *const *)y;
	int c = strcmp(l->key, r->key);

	return c != 0 ? c : strcmp(l->value, r->value);
}

const char *sigv4_canonical_query(struct fg_arena *a, const char *query, bool drop_signature,
				  const char **bad)
{
	struct sigv4_qparam *q, **s;
	size_t n, k = 0;
	struct fg_buf b;

	if (sigv4_query_split(a, query != NULL ? query : "", &q, &n, bad) != 0)
		return NULL;
	s = fg_arena_alloc(a, (n + 1) * sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		if (!(drop_signature && strcmp(q[i].key, "X-Amz-Signature") == 0))
			s[k++] = &q[i];
	}
	qsort(s, k, sizeof(*s), qcmp);
	fg_buf_init(&b);
	for (size_t i = 0; i < k; i++)
		fg_buf_printf(&b, "%s%s=%s", i > 0 ? "&" : "", s[i]->key, s[i]->value);
	return buf_to_arena(a, &b);
}

/* ---------------------------------------------------------------- headers */

const char *sigv4_header_first(const struct sigv4_request *rq, const char *name)
{
	for (size_t i = 0; i < rq->nheaders; i++) {
		if (strcasecmp(rq->headers[i].name, name) == 0)
			return rq->headers[i].value;
	}
	return NULL;
}

/* The request header's name, lowercased, equals the signed name (which AWS wants lowercase). */
static bool name_is(const char *header, const char *signed_name)
{
	for (; *header && *signed_name; header++, signed_name++) {
		if (tolower((unsigned char)*header) != *signed_name)
			return false;
	}
	return *header == '\0' && *signed_name == '\0';
}

static bool ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trimall: leading and trailing whitespace dropped, runs inside collapsed to one space. */
static void put_trimmed(struct fg_buf *b, const char *v)
{
	bool pending = false, any = false;

	for (const char *p = v; *p; p++) {
		if (ws(*p)) {
			pending = any;
			continue;
		}
		if (pending)
			fg_buf_append(b, " ", 1);
		fg_buf_append(b, p, 1);
		pending = false;
		any = true;
	}
}

const char *sigv4_canonical_headers(struct fg_arena *a, const struct sigv4_request *rq,
				    const char *const *names, size_t n)
{
	struct fg_buf b;

	fg_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		size_t seen = 0;

		for (size_t h = 0; h < rq->nheaders; h++) {
			if (!name_is(rq->headers[h].name, names[i]))
				continue;
			if (seen++ == 0)
				fg_buf_printf(&b, "%s:", names[i]);
			else
				fg_buf_append(&b, ",", 1);
			put_trimmed(&b, rq->headers[h].value != NULL ? rq->headers[h].value : "");
		}
		if (seen > 0)
			fg_buf_append(&b, "\n", 1);
	}
	return buf_to_arena(a, &b);
}

const char *sigv4_canonical_request(struct fg_arena *a, const struct sigv4_request *rq,
				    const char *const *names, size_t n, bool drop_signature,
				    const char *payload_hash)
{
	const char *bad, *query = sigv4_canonical_query(a, rq->query, drop_signature, &bad);
	struct fg_buf b;

	if (query == NULL)
		return NULL;
	fg_buf_init(&b);
	fg_buf_printf(&b, "%s\n%s\n%s\n%s\n", rq->method, sigv4_canonical_uri(a, rq->path), query,
		      sigv4_canonical_headers(a, rq, names, n));
	for (size_t i = 0; i < n; i++)
		fg_buf_printf(&b, "%s%s", i > 0 ? ";" : "", names[i]);
	fg_buf_printf(&b, "\n%s", payload_hash);
	return buf_to_arena(a, &b);
}

/* ---------------------------------------------------------------- signing */

const char *sigv4_sha256_hex_with(const struct sigv4_crypto *c, struct fg_arena *a,
				  const void *p, size_t n)
{
	unsigned char md[32];
	char *out = fg_arena_alloc(a, 65);

	sigv4_sha256(c, p, n, md);
	sigv4_hex(md, 32, out);
	return out;
}

const char *sigv4_sha256_hex(struct fg_arena *a, const void *p, size_t n)
{
	return sigv4_sha256_hex_with(NULL, a, p, n);
}

const char *sigv4_string_to_sign_with(const struct sigv4_crypto *c, struct fg_arena *a,
				      const char *timestamp, const char *scope,
				      const char *canonical_request)
{
	return fg_arena_printf(a, "AWS4-HMAC-SHA256\n%s\n%s\n%s", timestamp, scope,
			       sigv4_sha256_hex_with(c, a, canonical_request,
						     strlen(canonical_request)));
}

const char *sigv4_string_to_sign(struct fg_arena *a, const char *timestamp, const char *scope,
				 const char *canonical_request)
{
	return sigv4_string_to_sign_with(NULL, a, timestamp, scope, canonical_request);
}

static void hmac(const struct sigv4_crypto *c, const unsigned char *key, size_t klen,
		 const char *msg, unsigned char out[32])
{
	sigv4_hmac(c, key, klen, msg, strlen(msg), out);
}

const char *sigv4_signature_with(const struct sigv4_crypto *c, struct fg_arena *a,
				 const char *secret, const char *date, const char *region,
				 const char *service, const char *string_to_sign)
{
	unsigned char k[32], sig[32];
	char *out = fg_arena_alloc(a, 65);

	if (!sigv4_crypto_key_get(c, secret, date, region, service, k)) {
		const char *k0 = fg_arena_printf(a, "AWS4%s", secret);

		hmac(c, (const unsigned char *)k0, strlen(k0), date, k);
		hmac(c, k, 32, region, k);
		hmac(c, k, 32, service, k);
		hmac(c, k, 32, "aws4_request", k);
		sigv4_crypto_key_put(c, secret, date, region, service, k);
	}
	hmac(c, k, 32, string_to_sign, sig);
	OPENSSL_cleanse(k, sizeof(k));
	sigv4_hex(sig, 32, out);
	return out;
}

const char *sigv4_signature(struct fg_arena *a, const char *secret, const char *date,
			    const char *region, const char *service, const char *string_to_sign)
{
	return sigv4_signature_with(NULL, a, secret, date, region, service, string_to_sign);
}

const char *sigv4_sign(struct fg_arena *a, const struct sigv4_request *rq,
		       const char *signed_headers, const char *access_key, const char *secret,
		       const char *region, const char *service, const char *timestamp,
		       struct sigv4_check *out)
{
	const char **names = fg_arena_alloc(a, (strlen(signed_headers) + 1) * sizeof(*names));
	size_t n = 0;
	const char *date = fg_arena_strndup(a, timestamp, 8);
	const char *scope = fg_arena_printf(a, "%s/%s/%s/aws4_request", date, region, service);
	const char *creq, *sts, *sig;

	for (const char *p = signed_headers; *p;) {
		size_t len = strcspn(p, ";");

		names[n++] = fg_arena_strndup(a, p, len);
		p += len + (p[len] == ';');
	}
	creq = sigv4_canonical_request(a, rq, names, n, false,
				       sigv4_sha256_hex(a, rq->body, rq->body_len));
	if (creq == NULL)
		return NULL;
	sts = sigv4_string_to_sign(a, timestamp, scope, creq);
	sig = sigv4_signature(a, secret, date, region, service, sts);
	if (out != NULL) {
		out->canonical_request = creq;
		out->string_to_sign = sts;
		out->expected = sig;
		out->given = sig;
		out->match = true;
	}
	return fg_arena_printf(a, "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
			       "Signature=%s", access_key, scope, signed_headers, sig);
}
