/*
 * cf_compress.c: CloudFront's compression of objects for viewers (aws-behavior.md §6.8).
 * Brotli (libbrotlienc) is preferred over gzip (zlib) when the viewer accepts both; only when
 * the behaviour has Compress and the cache policy enables the encoding (legacy behaviours:
 * Compress alone), the viewer's Accept-Encoding has it, the status is 200, 403 or 404, the
 * object is 1,000 to 10,000,000 bytes with no Content-Encoding of its own, its type is in the
 * list of §6.8, and the cache policy does not list Accept-Encoding itself. A strong ETag
 * becomes weak (§5.5). The cache keeps the uncompressed object; the key already holds the
 * normalised Accept-Encoding, so each encoding is its own cache entry, as in CloudFront.
 */
#include "cloudfront/cf_priv.h"

#include <brotli/encode.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define HOP(r, ...) fg_trace_hop((r)->t, "cloudfront", __VA_ARGS__)

static const char *const TYPES[] = {
	"application/dash+xml", "application/eot", "application/font", "application/font-sfnt",
	"application/javascript", "application/json", "application/opentype", "application/otf",
	"application/pkcs7-mime", "application/protobuf", "application/rss+xml",
	"application/truetype", "application/ttf", "application/vnd.apple.mpegurl",
	"application/vnd.mapbox-vector-tile", "application/vnd.ms-fontobject",
	"application/xhtml+xml", "application/xml", "application/x-font-opentype",
	"application/x-font-truetype", "application/x-font-ttf", "application/x-httpd-cgi",
	"application/x-javascript", "application/x-mpegurl", "application/x-opentype",
	"application/x-otf", "application/x-perl", "application/x-ttf", "font/eot",
	"font/opentype", "font/otf", "font/ttf", "image/svg+xml", "text/css", "text/csv",
	"text/html", "text/javascript", "text/js", "text/plain", "text/richtext",
	"text/tab-separated-values", "text/xml", "text/x-component", "text/x-java-source",
	"text/x-script", "vnd.apple.mpegurl", NULL };

static bool type_ok(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return false;
	n = strcspn(ct, "; ");
	for (size_t i = 0; TYPES[i] != NULL; i++) {
		if (strlen(TYPES[i]) == n && strncasecmp(TYPES[i], ct, n) == 0)
			return true;
	}
	return false;
}

static bool gzip_enc(struct fg_arena *a, const char *in, size_t n, char **out, size_t *outn)
{
	z_stream z;
	size_t cap = compressBound((uLong)n) + 64;
	char *buf = fg_arena_alloc(a, cap);
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	*outn = z.total_out;
	deflateEnd(&z);
	*out = buf;
	return rc == Z_STREAM_END;
}

static bool br_enc(struct fg_arena *a, const char *in, size_t n, char **out, size_t *outn)
{
	size_t cap = BrotliEncoderMaxCompressedSize(n);
	char *buf;

	if (cap == 0)
		return false;
	buf = fg_arena_alloc(a, cap);
	*outn = cap;
	if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n,
				   (const uint8_t *)in, outn, (uint8_t *)buf))
		return false;
	*out = buf;
	return true;
}

/* Why not to compress (NULL: do), §6.8. */
static const char *refusal(struct cf_rq *r, const struct cf_obj *o, const char *enc)
{
	const struct cf_behavior *b = r->beh;

	if (!b->compress)
		return NULL;  /* silent: compression is not configured */
	if (enc == NULL)
		return "the viewer accepts neither gzip nor br (or the policy enables neither)";
	if (cf_select_lists(&b->cp->headers, "Accept-Encoding", true))
		return "the cache policy lists Accept-Encoding itself";
	if (o->status != 200 && o->status != 403 && o->status != 404)
		return "only 200, 403 and 404 are compressed";
	if (o->len < 1000 || o->len > 10000000)
		return "only objects of 1,000 to 10,000,000 bytes are compressed";
	if (cf_obj_header(o, "Content-Encoding") != NULL)
		return "the origin's response has a Content-Encoding";
	if (!type_ok(cf_obj_header(o, "Content-Type")))
		return "its Content-Type is not one CloudFront compresses";
	return "";
}

static void weak_etag(struct cf_rq *r, struct cf_obj *o)
{
	for (size_t i = 0; i < o->nh; i++) {
		if (strcasecmp(o->h[i].name, "ETag") == 0 && o->h[i].value[0] == '"')
			o->h[i].value = fg_arena_printf(r->arena, "W/%s", o->h[i].value);
	}
}

void cf_resp_compress(struct cf_rq *r, struct cf_obj *o)
{
	const struct cf_cache_policy *cp = r->beh->cp;
	const char *enc = cf_accept_encoding(fg_http_header(r->req, "Accept-Encoding"),
					     cp->gzip || r->beh->legacy,
					     cp->brotli || r->beh->legacy);
	const char *why = refusal(r, o, enc), *use;
	struct fg_http_header *h;
	char *out = NULL;
	size_t n = 0;
	bool ok;

	if (why == NULL)
		return;
	if (why[0]) {
		HOP(r, "not compressed: %s (§6.8)", why);
		return;
	}
	use = strncmp(enc, "br", 2) == 0 ? "br" : "gzip";
	ok = strcmp(use, "br") == 0 ? br_enc(r->arena, o->body, o->len, &out, &n)
				     : gzip_enc(r->arena, o->body, o->len, &out, &n);
	if (!ok) {
		HOP(r, "not compressed: the %s encoder failed", use);
		return;
	}
	HOP(r, "compressed with %s: %zu -> %zu bytes (§6.8)", use, o->len, n);
	o->body = out;
	o->len = n;
	h = fg_arena_alloc(r->arena, (o->nh + 1) * sizeof(*h));
	memcpy(h, o->h, o->nh * sizeof(*h));
	h[o->nh].name = "Content-Encoding";
	h[o->nh].value = use;
	o->h = h;
	o->nh++;
	weak_etag(r, o);
}
