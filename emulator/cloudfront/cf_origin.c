/*
 * cf_origin.c: the request CloudFront sends to an origin, built the way CloudFront builds it,
 * so the classic failures happen by themselves (design.md §4):
 *
 * - path: OriginPath + the viewer's path, raw (§6.2); query strings, cookies and headers
 *   chosen by the behaviour's cache policy (everything in the cache key is forwarded) and
 *   origin request policy (§6.6), or the legacy ForwardedValues;
 * - Host: the origin's domain name, unless a policy forwards the viewer's Host (§6.2); SNI is
 *   the Host sent;
 * - headers per §6.4: hop-by-hop and X-Edge-* removed, Accept-Encoding normalised,
 *   User-Agent "Amazon CloudFront", X-Forwarded-For with the viewer's address appended, Via
 *   and X-Amz-Cf-Id added, CloudFront-* headers when a policy lists them, Authorization only
 *   as §6.5 allows, other viewer headers only when a policy includes them (fidelity switch
 *   other-headers), then the origin's custom headers;
 * - delivery: the origin's name is resolved through frontgate's resolver (Route 53's view);
 *   a name that belongs to an emulated endpoint (API Gateway, another distribution, a load
 *   balancer) is entered in-process through iface/dispatch.h as a connection to that name
 *   and port (a VPC origin's request carries the VPC it comes from),
 *   anything else is fetched over the network with libcurl (connection attempts, timeouts).
 *   S3 origins are not emulated: they answer as S3 does for a bucket that does not exist.
 */
#include "cloudfront/cf_priv.h"
#include "net/net_curl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HOP(r, ...) fg_trace_hop((r)->t, "cloudfront", __VA_ARGS__)
#define ORIGIN_BODY_LIMIT ((size_t)64 << 20)

/* §6.4: removed whatever the policies say (hop-by-hop, CloudFront's own). */
static const char *const ALWAYS_DROP[] = {
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect",
	"Content-Length", "X-Real-IP", "X-Amz-Cf-Id", "Via", "X-Forwarded-For",
	"X-Frontgate-Viewer-Country", NULL };
/* §6.4: forwarded without any policy. */
static const char *const ALWAYS_FORWARD[] = {
	"Cache-Control", "Content-MD5", "Content-Type", "Date", "From", "If-Match",
	"If-Modified-Since", "If-None-Match", "If-Range", "If-Unmodified-Since", "Max-Forwards",
	"Pragma", "Range", "Request-Range", "Warning", NULL };

static bool in_list(const char *const *l, const char *name)
{
	for (size_t i = 0; l[i] != NULL; i++) {
		if (strcasecmp(l[i], name) == 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------- selections */

/* Whether a policy of the behaviour includes a viewer header (the cache key's headers are
 * forwarded too, §6.7). allViewerAndWhitelistCloudFront selects every viewer header. */
static bool policy_header(const struct cf_behavior *b, const char *name)
{
	return cf_select_has(&b->cp->headers, name, true) ||
	       (b->orp != NULL && cf_select_has(&b->orp->headers, name, true));
}

static bool policy_lists(const struct cf_behavior *b, const char *name)
{
	return cf_select_lists(&b->cp->headers, name, true) ||
	       (b->orp != NULL && cf_select_lists(&b->orp->headers, name, true));
}

static bool select_either(const struct cf_select *a, const struct cf_select *b,
			  const char *name)
{
	return cf_select_has(a, name, false) || (b != NULL && cf_select_has(b, name, false));
}

static bool select_all(const struct cf_select *a, const struct cf_select *b)
{
	return a->how == CF_SEL_ALL || (b != NULL && b->how == CF_SEL_ALL);
}

/* Keeps the query parameters either selection includes, in their order, raw. */
static const char *query_for(struct cf_rq *r)
{
	const struct cf_select *a = &r->beh->cp->query;
	const struct cf_select *b = r->beh->orp ? &r->beh->orp->query : NULL;
	const char *p = r->req->query;
	struct fg_buf out;
	const char *res;

	if (select_all(a, b) || p[0] == '\0')
		return p;
	fg_buf_init(&out);
	while (*p) {
		size_t n = strcspn(p, "&"), k = strcspn(p, "=&");
		char *name = fg_http_decode(r->arena, fg_arena_strndup(r->arena, p, k), true);

		if (n > 0 && select_either(a, b, name))
			fg_buf_printf(&out, "%s%.*s", out.len ? "&" : "", (int)n, p);
		p += n;
		if (*p == '&')
			p++;
	}
	res = fg_arena_strdup(r->arena, out.len ? out.data : "");
	fg_buf_free(&out);
	return res;
}

/* The Cookie header with only the cookies either selection includes (NULL: none). */
static const char *cookies_for(struct cf_rq *r, const char *cookie)
{
	const struct cf_select *a = &r->beh->cp->cookies;
	const struct cf_select *b = r->beh->orp ? &r->beh->orp->cookies : NULL;
	const char *p = cookie, *res;
	struct fg_buf out;

	if (select_all(a, b))
		return cookie;
	fg_buf_init(&out);
	while (*p) {
		size_t n, k;
		char *name;

		p += strspn(p, " ;");
		n = strcspn(p, ";");
		k = strcspn(p, "=;");
		name = fg_arena_strndup(r->arena, p, k);
		if (n > 0 && select_either(a, b, name))
			fg_buf_printf(&out, "%s%.*s", out.len ? "; " : "", (int)n, p);
		p += n;
	}
	res = out.len ? fg_arena_strdup(r->arena, out.data) : NULL;
	fg_buf_free(&out);
	return res;
}

/* §6.5: GET/HEAD drop it, OPTIONS keeps it only when OPTIONS is not cached, the other
 * methods keep it; a policy that includes it forwards it for every method. */
static bool forward_authorization(struct cf_rq *r)
{
	unsigned m = cf_method_bit(r->req->method);

	if (policy_header(r->beh, "Authorization"))
		return true;
	if (m & (CF_GET | CF_HEAD))
		return false;
	if (m == CF_OPTIONS)
		return !(r->beh->cached & CF_OPTIONS);
	return true;
}

/* ---------------------------------------------------------------- headers */

static void add(struct cf_rq *r, struct fg_http_hlist *h, const char *name, const char *value)
{
	fg_http_hlist_add(r->arena, h, name, value);
}

static void set(struct cf_rq *r, struct fg_http_hlist *h, const char *name, const char *value)
{
	for (size_t i = 0; i < h->n; i++) {
		if (strcasecmp(h->v[i].name, name) == 0) {
			h->v[i].value = value;
			for (size_t j = i + 1; j < h->n;) {  /* and no second one */
				if (strcasecmp(h->v[j].name, name) == 0)
					h->v[j] = h->v[--h->n];
				else
					j++;
			}
			return;
		}
	}
	add(r, h, name, value);
}

const char *cf_accept_encoding(const char *viewer, bool gzip, bool brotli)
{
	bool g = false, b = false;
	const char *p = viewer;

	while (p != NULL && *p) {
		size_t n;

		p += strspn(p, " ,");
		n = strcspn(p, ",;");
		if (n == 4 && strncasecmp(p, "gzip", 4) == 0)
			g = true;
		else if (n == 2 && strncasecmp(p, "br", 2) == 0)
			b = true;
		p += strcspn(p, ",");
	}
	g = g && gzip;
	b = b && brotli;
	return g && b ? "br,gzip" : g ? "gzip" : b ? "br" : NULL;
}

/* The CloudFront-* headers a policy lists (§6.4), with frontgate's viewer facts. */
static const char *cloudfront_header(struct cf_rq *r, const char *name)
{
	const char *country = fg_http_header(r->req, "X-Frontgate-Viewer-Country");

	if (country == NULL)
		country = r->dist->viewer_country;
	if (strcasecmp(name, "CloudFront-Forwarded-Proto") == 0)
		return r->https ? "https" : "http";
	if (strcasecmp(name, "CloudFront-Is-Desktop-Viewer") == 0)
		return "true";
	if (strncasecmp(name, "CloudFront-Is-", 14) == 0)
		return "false";
	if (strcasecmp(name, "CloudFront-Viewer-Country") == 0)
		return country;
	if (strcasecmp(name, "CloudFront-Viewer-Address") == 0)
		return r->req->client;
	if (strcasecmp(name, "CloudFront-Viewer-ASN") == 0)
		return "64512";
	if (strcasecmp(name, "CloudFront-Viewer-Http-Version") == 0)
		return "1.1";
	if (strcasecmp(name, "CloudFront-Viewer-TLS") == 0 && r->https)
		return fg_arena_printf(r->arena, "%s:%s:fullHandshake",
				       r->req->tls_version ? r->req->tls_version : "",
				       r->req->tls_cipher ? r->req->tls_cipher : "");
	return NULL;
}

static void cloudfront_headers(struct cf_rq *r, const struct cf_select *s,
			       struct fg_http_hlist *h)
{
	for (size_t i = 0; s != NULL && i < s->n; i++) {
		const char *v;

		if (strncasecmp(s->names[i], "CloudFront-", 11) != 0)
			continue;
		v = cloudfront_header(r, s->names[i]);
		if (v != NULL)
			set(r, h, s->names[i], v);
		else
			HOP(r, "%s is listed but frontgate has no value for it: not sent",
			    s->names[i]);
	}
}

/* One viewer header: forwarded as is, changed, or not at all (§6.4). */
static void viewer_header(struct cf_rq *r, const char *name, const char *value,
			  struct fg_http_hlist *h, int *dropped)
{
	if (strcasecmp(name, "Host") == 0 || in_list(ALWAYS_DROP, name) ||
	    strncasecmp(name, "X-Edge-", 7) == 0 || strncasecmp(name, "CloudFront-", 11) == 0)
		return;
	if (strcasecmp(name, "Cookie") == 0) {
		if ((value = cookies_for(r, value)) != NULL)
			add(r, h, name, value);
		return;
	}
	if (strcasecmp(name, "Authorization") == 0) {
		if (forward_authorization(r))
			add(r, h, name, value);
		else
			HOP(r, "Authorization not forwarded: %s, and no policy includes it (§6.5)",
			    r->req->method);
		return;
	}
	if (strcasecmp(name, "Accept-Encoding") == 0 && !policy_lists(r->beh, name)) {
		if ((value = cf_accept_encoding(value, true, true)) != NULL)
			add(r, h, name, value);
		return;
	}
	if (strcasecmp(name, "User-Agent") == 0 && !policy_header(r->beh, name))
		return;
	if (policy_header(r->beh, name) || in_list(ALWAYS_FORWARD, name) ||
	    r->cf->fid.other_headers == CF_OTHER_FORWARD) {
		add(r, h, name, value);
		return;
	}
	(*dropped)++;
}

static const char *forwarded_for(struct cf_rq *r)
{
	const char *xff = fg_http_header(r->req, "X-Forwarded-For");

	return xff != NULL ? fg_arena_printf(r->arena, "%s,%s", xff, r->req->client_ip)
			   : r->req->client_ip;
}

static const char *via_for(struct cf_rq *r)
{
	const char *via = fg_http_header(r->req, "Via");

	return via != NULL ? fg_arena_printf(r->arena, "%s, %s", via, r->via) : r->via;
}

void cf_origin_build(struct cf_rq *r, const struct cf_origin *o, struct cf_oreq *q)
{
	const struct cf_behavior *b = r->beh;
	int dropped = 0;

	memset(q, 0, sizeof(*q));
	q->method = r->req->method;
	q->path = fg_arena_printf(r->arena, "%s%s", o->path ? o->path : "", r->path);
	q->query = query_for(r);
	q->https = o->protocol == CF_OPP_HTTPS_ONLY ||
		   (o->protocol == CF_OPP_MATCH_VIEWER && r->https);
	q->port = q->https ? o->https_port : o->http_port;
	q->host_forwarded = policy_header(b, "Host");
	q->host = q->host_forwarded ? r->req->host : o->domain;
	for (size_t i = 0; i < r->req->nheaders; i++)
		viewer_header(r, r->req->headers[i].name, r->req->headers[i].value, &q->h,
			      &dropped);
	if (!policy_header(b, "User-Agent"))
		add(r, &q->h, "User-Agent", "Amazon CloudFront");
	add(r, &q->h, "X-Forwarded-For", forwarded_for(r));
	add(r, &q->h, "Via", via_for(r));
	add(r, &q->h, "X-Amz-Cf-Id", r->cf_id);
	cloudfront_headers(r, &b->cp->headers, &q->h);
	if (b->orp != NULL)
		cloudfront_headers(r, &b->orp->headers, &q->h);
	for (size_t i = 0; i < o->ncustom; i++)
		set(r, &q->h, o->custom[i].name, o->custom[i].value);
	if (r->reval_etag != NULL)   /* a stale object: ask whether it changed (RefreshHit) */
		set(r, &q->h, "If-None-Match", r->reval_etag);
	if (r->reval_lm != NULL)
		set(r, &q->h, "If-Modified-Since", r->reval_lm);
	q->body = r->req->body;
	q->body_len = r->req->body_len;
	HOP(r, "origin request %s %s://%s:%d%s%s%s Host '%s' (%s, §6.2)%s", q->method,
	    q->https ? "https" : "http", o->domain, q->port, q->path, q->query[0] ? "?" : "",
	    q->query, q->host,
	    q->host_forwarded ? "the viewer's Host: a policy forwards Host"
			      : "the origin's domain name: Host is not forwarded",
	    dropped ? fg_arena_printf(r->arena, "; %d viewer header%s no policy includes not "
				      "forwarded (§6.4)", dropped, dropped == 1 ? "" : "s")
		    : "");
}

/* ---------------------------------------------------------------- S3 */

static enum cf_fetch_status s3_missing(struct cf_rq *r, const struct cf_origin *o,
				       struct cf_obj *out)
{
	char rid[37];
	const char *bucket = fg_arena_strndup(r->arena, o->domain, strcspn(o->domain, "."));

	fg_uuid4(rid);
	HOP(r, "origin %s is S3 (%s): S3 is not emulated, so it answers as S3 does for a bucket "
	    "that does not exist: 404 NoSuchBucket", o->id, o->domain);
	out->status = 404;
	out->h = fg_arena_alloc(r->arena, 2 * sizeof(*out->h));
	out->h[0].name = "Content-Type";
	out->h[0].value = "application/xml";
	out->h[1].name = "Server";
	out->h[1].value = "AmazonS3";
	out->nh = 2;
	out->body = fg_arena_printf(r->arena,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchBucket</Code>"
		"<Message>The specified bucket does not exist</Message><BucketName>%s"
		"</BucketName><RequestId>%.16s</RequestId><HostId>frontgate</HostId></Error>",
		bucket, rid);
	out->len = strlen(out->body);
	return CF_FETCH_S3;
}

/* ---------------------------------------------------------- in-process */

/* Whether the endpoint accepts the connection (API Gateway: HTTPS on 443 only; a load
 * balancer: its listeners). */
static bool endpoint_listens(struct cf_rq *r, const char *name, bool https, int port)
{
	const struct fg_dispatch *d = r->cf->deps.dispatch;

	if (d->listens != NULL)
		return d->listens(d->self, r->w, name, https, port, r->arena);
	return port == (https ? 443 : 80);
}

static enum cf_fetch_status in_process(struct cf_rq *r, const struct cf_origin *o,
				       const char *name, const char *owner,
				       const struct cf_oreq *q, struct cf_obj *out)
{
	const struct fg_dispatch *d = r->cf->deps.dispatch;
	struct fg_http_req *req = fg_arena_alloc(r->arena, sizeof(*req));
	struct fg_http_resp *resp = fg_arena_alloc(r->arena, sizeof(*resp));
	struct fg_http_header *hv = fg_arena_alloc(r->arena, (q->h.n + 1) * sizeof(*hv));

	if (!endpoint_listens(r, name, q->https, q->port)) {
		HOP(r, "%s is %s, which does not accept %s on port %d%s: the connection fails",
		    name, owner, q->https ? "TLS" : "clear-text HTTP", q->port,
		    strcmp(owner, "apigw") == 0 ? " (API Gateway listens on HTTPS port 443 only)"
						: "");
		return CF_FETCH_CONNECT;
	}
	memset(req, 0, sizeof(*req));
	memset(resp, 0, sizeof(*resp));
	hv[0].name = "Host";
	hv[0].value = q->host;
	memcpy(hv + 1, q->h.v, q->h.n * sizeof(*hv));
	req->arena = r->arena;
	req->method = q->method;
	req->path = q->path;
	req->query = q->query;
	req->host = q->host;
	req->client_ip = CF_EDGE_IP;
	req->client = CF_EDGE_IP ":40000";
	req->listener = q->https ? "https" : "http";
	req->headers = hv;
	req->nheaders = q->h.n + 1;
	req->body = q->body;
	req->body_len = q->body_len;
	req->body_seen = q->body_len;
	if (q->https) {  /* SNI = the Host sent (§6.2) */
		req->sni = fg_arena_strndup(r->arena, q->host, strcspn(q->host, ":"));
		req->tls_version = o->ssl_protocols;
		req->tls_cipher = "ECDHE-RSA-AES128-GCM-SHA256";
	}
	req->via_vpc = o->kind == CF_ORIGIN_VPC ? o->vpc_id : NULL;
	req->conn_port = q->port;
	resp->arena = r->arena;
	resp->status = 500;
	if (!d->serve(d->self, r->w, name, req, resp, r->t))
		return CF_FETCH_CONNECT;
	out->status = resp->status;
	out->nh = resp->nhdr;
	out->h = fg_arena_alloc(r->arena, (resp->nhdr + 1) * sizeof(*out->h));
	memcpy(out->h, resp->hdr, resp->nhdr * sizeof(*out->h));
	out->body = resp->body;
	out->len = resp->body_len;
	HOP(r, "origin %s answered %d in-process (%s)", o->id, out->status, owner);
	return CF_FETCH_OK;
}

/* ------------------------------------------------------------- network */

struct fetch {
	struct cf_rq *r;
	struct fg_curl_sink sink;      /* the body, up to the limit */
	struct fg_http_hlist h;
	int status;
};

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * n;
	const char *colon;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		f->h.n = 0;  /* a new response (after 100 Continue): start over */
		return len;
	}
	colon = memchr(p, ':', len);
	if (colon == NULL)
		return len;
	{
		const char *v = colon + 1, *end = p + len;

		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
			end--;
		add(f->r, &f->h, fg_arena_strndup(f->r->arena, p, (size_t)(colon - p)),
		    fg_arena_strndup(f->r->arena, v, (size_t)(end - v)));
	}
	return len;
}

static struct curl_slist *curl_headers(struct cf_rq *r, const struct cf_oreq *q)
{
	struct curl_slist *sl = curl_slist_append(NULL, fg_arena_printf(r->arena, "Host: %s",
									q->host));

	for (size_t i = 0; i < q->h.n; i++)
		sl = curl_slist_append(sl, fg_arena_printf(r->arena, "%s: %s", q->h.v[i].name,
							   q->h.v[i].value));
	/* only what CloudFront sends: none of curl's own */
	if (fg_http_hlist_get(&q->h, "Accept") == NULL)
		sl = curl_slist_append(sl, "Accept:");
	sl = curl_slist_append(sl, "Expect:");
	return sl;
}

static void curl_request(CURL *c, const struct cf_oreq *q)
{
	if (strcmp(q->method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (q->body_len > 0 || strcmp(q->method, "POST") == 0 ||
		   strcmp(q->method, "PUT") == 0 || strcmp(q->method, "PATCH") == 0) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body_len ? q->body : "");
	}
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
}

static enum cf_fetch_status curl_outcome(struct cf_rq *r, const struct cf_origin *o,
					 CURLcode rc, struct fetch *f)
{
	if (rc == CURLE_OK && !f->sink.too_big)
		return CF_FETCH_OK;
	HOP(r, "origin %s: %s", o->id, f->sink.too_big ? "the response is over 64 MiB (frontgate's "
						    "limit)" : curl_easy_strerror(rc));
	if (rc == CURLE_COULDNT_RESOLVE_HOST)
		return CF_FETCH_DNS;
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return CF_FETCH_TIMEOUT;
	return CF_FETCH_CONNECT;
}

/* One attempt over the network; the URL names the Host sent (SNI) and CONNECT_TO pins the
 * connection to the origin's domain (and to the address frontgate's DNS gave, if any). */
static enum cf_fetch_status curl_once(struct cf_rq *r, const struct cf_origin *o,
				      const struct cf_oreq *q, const char *addr,
				      struct fetch *f)
{
	const char *host = fg_arena_strndup(r->arena, q->host, strcspn(q->host, ":"));
	struct curl_slist *hs = curl_headers(r, q), *to = NULL;
	CURL *c = curl_easy_init();
	CURLcode rc;
	long status = 0;

	FG_ASSERT(c != NULL);
	to = curl_slist_append(NULL, fg_arena_printf(r->arena, "%s:%d:%s:%d", host, q->port,
						     addr ? addr : o->domain, q->port));
	curl_easy_setopt(c, CURLOPT_URL, fg_arena_printf(r->arena, "%s://%s:%d%s%s%s",
							 q->https ? "https" : "http", host, q->port,
							 q->path, q->query[0] ? "?" : "", q->query));
	curl_easy_setopt(c, CURLOPT_CONNECT_TO, to);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)o->connect_timeout_s);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)o->read_timeout_s);
	curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fg_curl_sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &f->sink);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, f);
	curl_request(c, q);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	f->status = (int)status;
	curl_slist_free_all(hs);
	curl_slist_free_all(to);
	curl_easy_cleanup(c);
	return curl_outcome(r, o, rc, f);
}

static enum cf_fetch_status network(struct cf_rq *r, const struct cf_origin *o,
				    const struct cf_oreq *q, const char *addr,
				    struct cf_obj *out)
{
	bool retry = cf_method_bit(q->method) & (CF_GET | CF_HEAD);
	enum cf_fetch_status st = CF_FETCH_CONNECT;
	struct fetch f;

	for (int attempt = 1; attempt <= (retry ? o->attempts : 1); attempt++) {
		memset(&f, 0, sizeof(f));
		f.r = r;
		fg_curl_sink_init(&f.sink, ORIGIN_BODY_LIMIT);
		st = curl_once(r, o, q, addr, &f);
		if (st != CF_FETCH_CONNECT)
			break;
		fg_buf_free(&f.sink.body);
		if (attempt < (retry ? o->attempts : 1))
			HOP(r, "connection attempt %d of %d failed (§6.3)", attempt, o->attempts);
	}
	if (st != CF_FETCH_OK) {
		fg_buf_free(&f.sink.body);
		return st;
	}
	out->status = f.status;
	out->h = f.h.v;
	out->nh = f.h.n;
	out->body = f.sink.body.len
		    ? fg_arena_strndup(r->arena, f.sink.body.data, f.sink.body.len) : "";
	out->len = f.sink.body.len;
	fg_buf_free(&f.sink.body);
	HOP(r, "origin %s answered %d over the network", o->id, out->status);
	return CF_FETCH_OK;
}

/* ------------------------------------------------------------- delivery */

/* The first address of type A/AAAA in an answer, and the last name of its CNAME chain. */
static void answer_facts(const struct fg_answer *a, const char **addr, const char **last)
{
	*addr = NULL;
	for (size_t i = 0; i < a->nanswer; i++) {
		if (strcmp(a->answer[i].type, "CNAME") == 0)
			*last = a->answer[i].data;
		else if (*addr == NULL && (strcmp(a->answer[i].type, "A") == 0 ||
					   strcmp(a->answer[i].type, "AAAA") == 0))
			*addr = a->answer[i].data;
	}
}

static const char *strip_dot(struct fg_arena *a, const char *s)
{
	size_t n = strlen(s);

	return n > 1 && s[n - 1] == '.' ? fg_arena_strndup(a, s, n - 1) : s;
}

static enum cf_fetch_status deliver_to(struct cf_rq *r, const struct cf_origin *o,
				       const char *name, const struct cf_oreq *q,
				       struct cf_obj *out)
{
	const struct fg_resolver *res = r->cf->deps.resolver;
	const struct fg_dispatch *d = r->cf->deps.dispatch;
	const char *addr = NULL, *last = name, *owner = NULL;
	struct fg_answer ans;

	memset(&ans, 0, sizeof(ans));
	if (res != NULL) {
		res->resolve(res->self, r->w, name, "A", o->kind == CF_ORIGIN_VPC ? o->vpc_id : NULL,
			     r->arena, &ans);
		if (ans.rcode == FG_DNS_NXDOMAIN || (ans.rcode == FG_DNS_NOERROR &&
						     ans.nanswer == 0)) {
			HOP(r, "origin %s: %s does not resolve (%s in frontgate's DNS)", o->id, name,
			    ans.rcode == FG_DNS_NXDOMAIN ? "NXDOMAIN" : "no address");
			return CF_FETCH_DNS;
		}
		answer_facts(&ans, &addr, &last);
		last = strip_dot(r->arena, last);
	}
	if (d != NULL && ans.rcode == FG_DNS_NOERROR) {
		owner = d->owner(d->self, r->w, name, r->arena);
		if (owner == NULL && strcasecmp(last, name) != 0)
			owner = d->owner(d->self, r->w, (name = last), r->arena);
	}
	if (owner != NULL)
		return in_process(r, o, name, owner, q, out);
	if (o->kind == CF_ORIGIN_VPC) {
		HOP(r, "VPC origin %s: %s is not an emulated load balancer, so nothing in the VPC "
		    "answers", o->vpc_origin_id, name);
		return CF_FETCH_CONNECT;
	}
	if (addr != NULL)
		HOP(r, "%s resolves to %s in frontgate's DNS: fetched over the network", name,
		    addr);
	return network(r, o, q, addr, out);
}

enum cf_fetch_status cf_origin_fetch(struct cf_rq *r, const struct cf_origin *o,
				     const struct cf_oreq *q, struct cf_obj *out)
{
	memset(out, 0, sizeof(*out));
	if (o->kind == CF_ORIGIN_S3)
		return s3_missing(r, o, out);
	if (o->kind == CF_ORIGIN_VPC && o->domain == NULL) {
		HOP(r, "VPC origin %s: its endpoint %s is not a load balancer of this world",
		    o->vpc_origin_id ? o->vpc_origin_id : "?",
		    o->vpc_target ? o->vpc_target : "(none)");
		return CF_FETCH_CONNECT;
	}
	return deliver_to(r, o, o->domain, q, out);
}
