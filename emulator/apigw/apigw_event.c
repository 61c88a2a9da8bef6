/*
 * apigw_event.c: the Lambda proxy integration's two contracts (aws-behavior.md §3).
 *
 * - apigw_event_build writes the payload 1.0 event exactly as §3.1 lists it: every key, null
 *   (never {}) for absent query/path parameters and stage variables, last value wins in the
 *   single-value maps, '+' becomes a space in query values, the path as sent, base64 bodies
 *   for binary media types, and the requestContext keys AWS sends (alphabetical, as in AWS's
 *   documentation). It is written straight into a buffer: no JSON tree per request.
 * - apigw_proxy_parse checks a function's result against §3.2 (allowed keys, statusCode as a
 *   number or numeric string, header values, multiValueHeaders lists) and merges the header
 *   maps the way API Gateway does.
 */
#include "apigw/apigw_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------------- JSON */

void apigw_json_strn(struct fg_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	fg_buf_append(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t en = 2;

		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		fg_buf_append(b, s + i - run, run);
		run = 0;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			en = 6;
		}
		fg_buf_append(b, esc, en);
	}
	fg_buf_append(b, s + n - run, run);
	fg_buf_append(b, "\"", 1);
}

void apigw_json_str(struct fg_buf *b, const char *s)
{
	if (s == NULL)
		fg_buf_puts(b, "null");
	else
		apigw_json_strn(b, s, strlen(s));
}

static void key(struct fg_buf *b, const char *k)
{
	apigw_json_str(b, k);
	fg_buf_append(b, ":", 1);
}

/* ------------------------------------------------------------------ event */

void apigw_request_time(int64_t ms, char out[32])
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(out, 32, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday, mon[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Header names, each once (first casing seen), case-insensitively. */
static size_t unique_names(const struct apigw_event_in *in, struct fg_arena *a,
			   const char ***out)
{
	const char **names = fg_arena_alloc(a, (in->nheaders + 1) * sizeof(*names));
	size_t n = 0;

	for (size_t i = 0; i < in->nheaders; i++) {
		size_t j;

		for (j = 0; j < n && strcasecmp(names[j], in->headers[i].name) != 0; j++)
			;
		if (j == n)
			names[n++] = in->headers[i].name;
	}
	*out = names;
	return n;
}

static void headers(struct fg_buf *b, const struct apigw_event_in *in, struct fg_arena *a)
{
	const char **names;
	size_t n = unique_names(in, a, &names);

	if (n == 0) {
		fg_buf_puts(b, "\"headers\":null,\"multiValueHeaders\":null,");
		return;
	}
	fg_buf_puts(b, "\"headers\":{");
	for (size_t k = 0; k < n; k++) {
		const char *last = "";

		for (size_t i = 0; i < in->nheaders; i++) {
			if (strcasecmp(names[k], in->headers[i].name) == 0)
				last = in->headers[i].value;
		}
		if (k)
			fg_buf_append(b, ",", 1);
		key(b, names[k]);
		apigw_json_str(b, last);
	}
	fg_buf_puts(b, "},\"multiValueHeaders\":{");
	for (size_t k = 0; k < n; k++) {
		bool first = true;

		if (k)
			fg_buf_append(b, ",", 1);
		key(b, names[k]);
		fg_buf_append(b, "[", 1);
		for (size_t i = 0; i < in->nheaders; i++) {
			if (strcasecmp(names[k], in->headers[i].name) != 0)
				continue;
			if (!first)
				fg_buf_append(b, ",", 1);
			apigw_json_str(b, in->headers[i].value);
			first = false;
		}
		fg_buf_append(b, "]", 1);
	}
	fg_buf_puts(b, "},");
}

struct qparam {
	const char *k, *v;
};

/* The query split on '&', keys and values form-decoded ('+' is a space). */
static size_t query_params(const char *q, struct fg_arena *a, struct qparam **out)
{
	size_t cap = 1, n = 0;
	struct qparam *v;

	for (const char *p = q; *p; p++)
		cap += *p == '&';
	v = fg_arena_alloc(a, cap * sizeof(*v));
	for (const char *p = q; p != NULL && *p;) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);

		if (len > 0) {
			size_t kl = eq ? (size_t)(eq - p) : len;

			v[n].k = fg_http_decode(a, fg_arena_strndup(a, p, kl), true);
			v[n].v = eq ? fg_http_decode(a, fg_arena_strndup(a, eq + 1, len - kl - 1),
						     true) : "";
			n++;
		}
		p = amp ? amp + 1 : NULL;
	}
	*out = v;
	return n;
}

static void query(struct fg_buf *b, const char *q, struct fg_arena *a)
{
	struct qparam *v;
	size_t n = query_params(q, a, &v);
	const char **keys;
	size_t nk = 0;

	if (n == 0) {
		fg_buf_puts(b, "\"queryStringParameters\":null,"
			    "\"multiValueQueryStringParameters\":null,");
		return;
	}
	keys = fg_arena_alloc(a, n * sizeof(*keys));
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < nk && strcmp(keys[j], v[i].k) != 0; j++)
			;
		if (j == nk)
			keys[nk++] = v[i].k;
	}
	fg_buf_puts(b, "\"queryStringParameters\":{");
	for (size_t k = 0; k < nk; k++) {
		const char *last = "";

		for (size_t i = 0; i < n; i++) {
			if (strcmp(keys[k], v[i].k) == 0)
				last = v[i].v;
		}
		if (k)
			fg_buf_append(b, ",", 1);
		key(b, keys[k]);
		apigw_json_str(b, last);
	}
	fg_buf_puts(b, "},\"multiValueQueryStringParameters\":{");
	for (size_t k = 0; k < nk; k++) {
		bool first = true;

		if (k)
			fg_buf_append(b, ",", 1);
		key(b, keys[k]);
		fg_buf_append(b, "[", 1);
		for (size_t i = 0; i < n; i++) {
			if (strcmp(keys[k], v[i].k) != 0)
				continue;
			if (!first)
				fg_buf_append(b, ",", 1);
			apigw_json_str(b, v[i].v);
			first = false;
		}
		fg_buf_append(b, "]", 1);
	}
	fg_buf_puts(b, "},");
}

static void string_map(struct fg_buf *b, const char *name, const char *const *k,
		       const char *const *v, size_t n)
{
	key(b, name);
	if (n == 0) {
		fg_buf_puts(b, "null,");
		return;
	}
	fg_buf_append(b, "{", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fg_buf_append(b, ",", 1);
		key(b, k[i]);
		apigw_json_str(b, v[i]);
	}
	fg_buf_puts(b, "},");
}

static void kv(struct fg_buf *b, const char *k, const char *v, bool comma)
{
	key(b, k);
	apigw_json_str(b, v);
	if (comma)
		fg_buf_append(b, ",", 1);
}

/* identity.clientCert with mutual TLS (§3.1); nothing without. */
static void client_cert(struct fg_buf *b, const struct apigw_client_cert *cc)
{
	if (cc == NULL)
		return;
	fg_buf_puts(b, ",\"clientCert\":{");
	kv(b, "clientCertPem", cc->pem, true);
	kv(b, "subjectDN", cc->subject_dn, true);
	kv(b, "issuerDN", cc->issuer_dn, true);
	kv(b, "serialNumber", cc->serial, true);
	fg_buf_puts(b, "\"validity\":{");
	kv(b, "notBefore", cc->not_before, true);
	kv(b, "notAfter", cc->not_after, false);
	fg_buf_puts(b, "}}");
}

static void request_context(struct fg_buf *b, const struct apigw_event_in *in)
{
	const struct fg_caller *c = in->caller;
	char when[32];

	apigw_request_time(in->now_ms, when);
	fg_buf_puts(b, "\"requestContext\":{");
	kv(b, "accountId", in->account, true);
	kv(b, "apiId", in->api_id, true);
	kv(b, "deploymentId", in->deployment_id, true);
	kv(b, "domainName", in->domain, true);
	kv(b, "domainPrefix", in->domain_prefix, true);
	kv(b, "extendedRequestId", in->extended_id, true);
	kv(b, "httpMethod", in->method, true);
	/* the SigV4 caller's fields with AWS_IAM, null otherwise (aws-behavior.md §2.5) */
	fg_buf_puts(b, "\"identity\":{");
	kv(b, "accessKey", c ? c->access_key : NULL, true);
	kv(b, "accountId", c ? c->account : NULL, true);
	kv(b, "caller", c ? c->caller : NULL, true);
	fg_buf_puts(b, "\"cognitoAuthenticationProvider\":null,\"cognitoAuthenticationType\":null,"
		    "\"cognitoIdentityId\":null,\"cognitoIdentityPoolId\":null,"
		    "\"principalOrgId\":null,");
	kv(b, "sourceIp", in->source_ip, true);
	kv(b, "user", c ? c->user : NULL, true);
	kv(b, "userAgent", in->user_agent, true);
	kv(b, "userArn", c ? c->arn : NULL, false);
	client_cert(b, in->client_cert);
	fg_buf_puts(b, "},");
	kv(b, "path", in->stage_path, true);
	kv(b, "protocol", "HTTP/1.1", true);
	kv(b, "requestId", in->request_id, true);
	kv(b, "requestTime", when, true);
	fg_buf_printf(b, "\"requestTimeEpoch\":%lld,", (long long)in->now_ms);
	kv(b, "resourceId", in->resource_id, true);
	kv(b, "resourcePath", in->resource_path, true);
	kv(b, "stage", in->stage, false);
	fg_buf_puts(b, "},");
}

void apigw_event_build(const struct apigw_event_in *in, struct fg_arena *a, struct fg_buf *out)
{
	fg_buf_append(out, "{", 1);
	kv(out, "resource", in->resource_path, true);
	kv(out, "path", in->path, true);
	kv(out, "httpMethod", in->method, true);
	headers(out, in, a);
	query(out, in->query ? in->query : "", a);
	string_map(out, "pathParameters", in->pname, in->pval, in->nparams);
	if (in->stage_vars != NULL && in->stage_vars->n > 0) {
		const char **k = fg_arena_alloc(a, in->stage_vars->n * sizeof(*k));
		const char **v = fg_arena_alloc(a, in->stage_vars->n * sizeof(*v));

		for (size_t i = 0; i < in->stage_vars->n; i++) {
			k[i] = in->stage_vars->v[i].k;
			v[i] = in->stage_vars->v[i].v;
		}
		string_map(out, "stageVariables", k, v, in->stage_vars->n);
	} else {
		string_map(out, "stageVariables", NULL, NULL, 0);
	}
	request_context(out, in);
	key(out, "body");
	if (in->body_len == 0) {
		fg_buf_puts(out, "null");
	} else if (in->body_base64) {
		char *b64 = fg_base64((const unsigned char *)in->body, in->body_len);

		apigw_json_str(out, b64);
		free(b64);
	} else {
		apigw_json_strn(out, in->body, in->body_len);
	}
	fg_buf_printf(out, ",\"isBase64Encoded\":%s}",
		      in->body_len > 0 && in->body_base64 ? "true" : "false");
}

/* --------------------------------------------------------------- encodings */

bool apigw_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t len;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0)
			len = 2, cp = c & 0x1F;
		else if ((c & 0xF0) == 0xE0)
			len = 3, cp = c & 0x0F;
		else if ((c & 0xF8) == 0xF0)
			len = 4, cp = c & 0x07;
		else
			return false;
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int apigw_base64_decode(struct fg_arena *a, const char *s, size_t n, char **out, size_t *outn)
{
	char *o = fg_arena_alloc(a, n / 4 * 3 + 4);
	uint32_t acc = 0;
	int bits = 0;
	size_t k = 0, pad = 0;

	for (size_t i = 0; i < n; i++) {
		int v;

		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (s[i] == '\n' || s[i] == '\r')
			continue;
		if (pad > 0 || (v = b64val(s[i])) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			o[k++] = (char)((acc >> bits) & 0xFF);
		}
	}
	if (pad > 2)
		return -1;
	o[k] = '\0';
	*out = o;
	*outn = k;
	return 0;
}

/* "image/png; charset=x" -> "image/png" (lowercase) in buf */
static void media_type(const char *mt, char *buf, size_t n)
{
	size_t i = 0;

	while (*mt == ' ')
		mt++;
	for (; *mt && *mt != ';' && *mt != ',' && *mt != ' ' && i + 1 < n; mt++)
		buf[i++] = (char)tolower((unsigned char)*mt);
	buf[i] = '\0';
}

bool apigw_binary_match(const struct apigw_deployment *d, const char *mt)
{
	char want[128];

	if (mt == NULL || d == NULL)
		return false;
	media_type(mt, want, sizeof(want));
	for (size_t i = 0; i < d->nbinary; i++) {
		char b[128], *slash_b, *slash_w;
		size_t o = 0;

		/* CloudFormation's documented form escapes '/' as "~1" */
		for (const char *p = d->binary[i]; *p && o + 1 < sizeof(b); p++) {
			if (p[0] == '~' && p[1] == '1') {
				b[o++] = '/';
				p++;
			} else {
				b[o++] = (char)tolower((unsigned char)*p);
			}
		}
		b[o] = '\0';
		if (strcmp(b, "*/*") == 0 || strcmp(b, want) == 0)
			return true;
		slash_b = strchr(b, '/');
		slash_w = strchr(want, '/');
		if (slash_b && slash_w && strcmp(slash_b, "/*") == 0 &&
		    slash_b - b == slash_w - want && strncmp(b, want, (size_t)(slash_b - b)) == 0)
			return true;
	}
	return false;
}

/* --------------------------------------------------------- proxy response */

static const char *header_value(struct fg_arena *a, const cJSON *v)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble == (double)(long long)v->valuedouble)
			return fg_arena_printf(a, "%lld", (long long)v->valuedouble);
		return fg_arena_printf(a, "%g", v->valuedouble);
	}
	return NULL;
}

static int parse_status(const cJSON *sc, int *out)
{
	char *end;
	long n;

	if (sc == NULL || cJSON_IsNull(sc)) {
		*out = 200;
		return 0;
	}
	if (cJSON_IsNumber(sc))
		n = (long)sc->valuedouble;
	else if (cJSON_IsString(sc) && sc->valuestring[0]) {
		n = strtol(sc->valuestring, &end, 10);
		if (*end != '\0')
			return -1;
	} else {
		return -1;
	}
	if (n < 100 || n > 599)
		return -1;
	*out = (int)n;
	return 0;
}

/* Adds a header, or appends ", value" to one already there (§3.2 multi-value merge). */
static void hdr_put(struct fg_http_hlist *h, struct fg_arena *a, const char *name,
		    const char *value)
{
	for (size_t i = 0; i < h->n; i++) {
		if (strcasecmp(h->v[i].name, name) == 0) {
			h->v[i].value = fg_arena_printf(a, "%s, %s", h->v[i].value, value);
			return;
		}
	}
	fg_http_hlist_add(a, h, name, value);
}

static int bad(const char **why, const char *msg)
{
	*why = msg;
	return -1;
}

static int merge_headers(const cJSON *doc, struct fg_arena *a, struct fg_http_hlist *h,
			 const char **why)
{
	const cJSON *single = cJSON_GetObjectItemCaseSensitive(doc, "headers");
	const cJSON *multi = cJSON_GetObjectItemCaseSensitive(doc, "multiValueHeaders"), *it, *x;

	if (multi != NULL && !cJSON_IsNull(multi) && !cJSON_IsObject(multi))
		return bad(why, "multiValueHeaders is not an object");
	if (single != NULL && !cJSON_IsNull(single) && !cJSON_IsObject(single))
		return bad(why, "headers is not an object");
	if (!cJSON_IsObject(multi))
		multi = NULL;
	if (!cJSON_IsObject(single))
		single = NULL;
	cJSON_ArrayForEach(it, multi) {
		if (!cJSON_IsArray(it))
			return bad(why, fg_arena_printf(a, "multiValueHeaders.%s is not a list",
							it->string));
		cJSON_ArrayForEach(x, it) {
			const char *v = header_value(a, x);

			if (v == NULL)
				return bad(why, fg_arena_printf(a, "multiValueHeaders.%s holds a "
								"value that is not text",
								it->string));
			hdr_put(h, a, fg_arena_strdup(a, it->string), fg_arena_strdup(a, v));
		}
	}
	cJSON_ArrayForEach(it, single) {
		const char *v = header_value(a, it);

		if (v == NULL)
			return bad(why, fg_arena_printf(a, "headers.%s is not text (a %s)",
							it->string,
							cJSON_IsObject(it) ? "JSON object"
							: cJSON_IsArray(it) ? "list" : "null"));
		hdr_put(h, a, fg_arena_strdup(a, it->string), fg_arena_strdup(a, v));
	}
	return 0;
}

int apigw_proxy_parse(const char *payload, size_t len, struct fg_arena *a,
		      struct apigw_proxy_resp *out, const char **why)
{
	static const char *const allowed[] = { "statusCode", "headers", "multiValueHeaders",
					       "body", "isBase64Encoded" };
	cJSON *doc = payload && len ? cJSON_ParseWithLength(payload, len) : NULL;
	const cJSON *it, *body;
	struct fg_http_hlist h = { NULL, 0, 0 };
	int rc = -1;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (doc == NULL) {
		*why = len ? "the function's result is not JSON" : "the function returned nothing";
		return -1;
	}
	if (!cJSON_IsObject(doc)) {
		*why = "the function's result is not a JSON object";
		goto out;
	}
	cJSON_ArrayForEach(it, doc) {
		bool ok = false;

		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			ok |= strcmp(it->string, allowed[i]) == 0;
		if (!ok) {
			*why = fg_arena_printf(a, "the result has the key '%s'; only statusCode, "
					       "headers, multiValueHeaders, body and "
					       "isBase64Encoded are allowed", it->string);
			goto out;
		}
	}
	if (parse_status(cJSON_GetObjectItemCaseSensitive(doc, "statusCode"), &out->status) != 0) {
		*why = "statusCode is not an HTTP status code";
		goto out;
	}
	if (merge_headers(doc, a, &h, why) != 0)
		goto out;
	body = cJSON_GetObjectItemCaseSensitive(doc, "body");
	if (body != NULL && !cJSON_IsNull(body) && !cJSON_IsString(body)) {
		*why = "body is not a string";
		goto out;
	}
	out->body = cJSON_IsString(body) ? fg_arena_strdup(a, body->valuestring) : "";
	out->body_len = strlen(out->body);
	out->is_base64 = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "isBase64Encoded"));
	out->headers = h.v;
	out->nheaders = h.n;
	rc = 0;
out:
	cJSON_Delete(doc);
	return rc;
}
