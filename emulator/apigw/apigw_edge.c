/*
 * apigw_edge.c: EDGE endpoints — edge-optimized custom domain names, and edge-optimized APIs on
 * their execute-api host — answer through an AWS-managed CloudFront distribution
 * (aws-behavior.md §1.1, §3.1, §8 S7). The response carries CloudFront's Via, X-Amz-Cf-Id,
 * X-Amz-Cf-Pop and X-Cache; the Lambda event gets the CloudFront-* viewer headers, Via and the
 * same X-Amz-Cf-Id. An EDGE API reached through a REGIONAL custom domain does not go through
 * CloudFront, so the domain's type decides when there is one.
 */
#include "apigw/apigw_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#define HOP(r, ...) fg_trace_hop((r)->t, "apigw", __VA_ARGS__)

/* The POP frontgate's emulated edge reports (X-Amz-Cf-Pop); AWS's look like "SLC52-P1". */
#define APIGW_CF_POP "FGT50-P1"

bool apigw_edge_applies(const struct apigw_rq *r)
{
	if (r->domain != NULL)
		return r->domain->endpoint == APIGW_EDGE;
	return r->api != NULL && r->api->endpoint == APIGW_EDGE;
}

/* X-Amz-Cf-Id: base64url of 40 random bytes ("...==", 56 characters). */
static const char *cf_id(struct apigw_rq *r)
{
	unsigned char raw[40];
	char *b64, *out;

	if (r->cf_id != NULL)
		return r->cf_id;
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		char u[37];

		fg_uuid4(u);
		memcpy(raw, u, sizeof(raw) < sizeof(u) ? sizeof(raw) : sizeof(u));
	}
	b64 = fg_base64(raw, sizeof(raw));
	for (char *p = b64; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	out = fg_arena_strdup(r->arena, b64);
	free(b64);
	r->cf_id = out;
	return out;
}

/* Via: the (emulated) edge node, the same in the event and the response of one request. */
static const char *via(struct apigw_rq *r)
{
	const char *parts[2] = { cf_id(r), "via" };
	uint64_t a = fg_hash64(parts, 1), b = fg_hash64(parts, 2);

	return fg_arena_printf(r->arena, "1.1 %016llx%016llx.cloudfront.net (CloudFront)",
			       (unsigned long long)a, (unsigned long long)b);
}

void apigw_edge_event_headers(struct apigw_rq *r, struct fg_http_hlist *h)
{
	size_t i;

	if (!apigw_edge_applies(r))
		return;
	/* the viewer facts CloudFront adds; a loopback client has no location, so the geo
	 * headers carry fixed values (README) */
	fg_http_hlist_add(r->arena, h, "CloudFront-Forwarded-Proto",
			  strcmp(r->req->listener, "https") == 0 ? "https" : "http");
	fg_http_hlist_add(r->arena, h, "CloudFront-Is-Desktop-Viewer", "true");
	fg_http_hlist_add(r->arena, h, "CloudFront-Is-Mobile-Viewer", "false");
	fg_http_hlist_add(r->arena, h, "CloudFront-Is-SmartTV-Viewer", "false");
	fg_http_hlist_add(r->arena, h, "CloudFront-Is-Tablet-Viewer", "false");
	fg_http_hlist_add(r->arena, h, "CloudFront-Viewer-ASN", "64512");
	fg_http_hlist_add(r->arena, h, "CloudFront-Viewer-Country", "US");
	for (i = 0; i < h->n && strcasecmp(h->v[i].name, "Via") != 0; i++)
		;
	if (i < h->n)   /* CloudFront appends itself to a Via the client sent */
		h->v[i].value = fg_arena_printf(r->arena, "%s, %s", h->v[i].value, via(r));
	else
		fg_http_hlist_add(r->arena, h, "Via", via(r));
	fg_http_hlist_add(r->arena, h, "X-Amz-Cf-Id", cf_id(r));
}

void apigw_edge_response(struct apigw_rq *r)
{
	struct fg_http_resp *resp = r->resp;

	if (!apigw_edge_applies(r))
		return;
	if (resp->nhdr + 4 > sizeof(resp->hdr) / sizeof(resp->hdr[0])) {
		HOP(r, "the CloudFront headers of this EDGE endpoint were dropped: the response "
		    "already has %zu headers", resp->nhdr);
		return;
	}
	fg_http_add_header(resp, "X-Cache", resp->status >= 400 ? "Error from cloudfront"
							       : "Miss from cloudfront");
	fg_http_add_header(resp, "Via", via(r));
	fg_http_add_header(resp, "X-Amz-Cf-Pop", APIGW_CF_POP);
	fg_http_add_header(resp, "X-Amz-Cf-Id", cf_id(r));
}
