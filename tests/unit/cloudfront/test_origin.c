/*
 * test_origin.c: the origin request CloudFront builds (aws-behavior.md §6.2, §6.4, §6.5,
 * §6.6), without sockets: behaviour selection (§6.1 in order), Host and its forwarding, the
 * headers removed, replaced and added, Authorization per method and policy, query strings and
 * cookies per policy, origin custom headers, and the fidelity switch other-headers.
 */
#include "harness.h"

#define ORIGIN "{'Id':'o','DomainName':'Api.Example.Test','OriginPath':'/prod'," \
	       "'CustomOriginConfig':{'OriginProtocolPolicy':'match-viewer','HTTPSPort':8443}," \
	       "'OriginCustomHeaders':[{'HeaderName':'X-Origin-Verify','HeaderValue':'v'}," \
	       "{'HeaderName':'X-Api-Key','HeaderValue':'from-origin'}]}"
#define DISABLED "'4135ea2d-6df8-44a3-9df3-4b5a84be39ad'"
#define B(pattern, extra) "{'PathPattern':'" pattern "','TargetOriginId':'o'," \
			  "'ViewerProtocolPolicy':'allow-all'," extra "}"

static const char *TPL =
	"{'Resources':{'D':{'Type':'AWS::CloudFront::Distribution','Properties':"
	"{'DistributionConfig':{'Enabled':true,'Origins':[" ORIGIN "],"
	"'CacheBehaviors':["
	B("/all/*", "'CachePolicyId':" DISABLED ",'OriginRequestPolicyId':"
	  "'216adef6-5c7f-47e4-b989-5492eafa07d3'") ","
	B("/except/*", "'CachePolicyId':" DISABLED ",'OriginRequestPolicyId':"
	  "'b689b0a8-53d0-40ab-baf2-68738e2966ac'") ","
	B("/legacy/*", "'ForwardedValues':{'QueryString':true,'QueryStringCacheKeys':['a'],"
	  "'Headers':['Authorization','X-Api-Key'],'Cookies':{'Forward':'whitelist',"
	  "'WhitelistedNames':['keep']}}") ","
	B("/cf/*", "'CachePolicyId':" DISABLED ",'OriginRequestPolicyId':"
	  "'33f36d7e-f396-46d9-90e0-52428a34d9dc'") ","
	B("/all/special", "'CachePolicyId':" DISABLED)
	"],'DefaultCacheBehavior':{'TargetOriginId':'o','ViewerProtocolPolicy':'allow-all',"
	"'AllowedMethods':['GET','HEAD','OPTIONS','PUT','POST','PATCH','DELETE'],"
	"'CachePolicyId':" DISABLED "}}}}}}";

struct rq {
	struct fg_arena *a;
	struct fg_http_req req;
	struct fg_http_header h[16];
	struct cf_rq r;
	struct cf_oreq q;
};

static void build(struct fx *f, struct rq *x, const char *method, const char *url, bool https,
		  const char *const *headers)
{
	const char *qm = strchr(url, '?');
	size_t n = 0;

	memset(x, 0, sizeof(*x));
	x->a = fg_arena_new(8192);
	x->req.arena = x->a;
	x->req.method = method;
	x->req.path = qm ? fg_arena_strndup(x->a, url, (size_t)(qm - url)) : url;
	x->req.query = qm ? qm + 1 : "";
	x->req.host = "www.example.test";
	x->req.client = "192.0.2.7:5555";
	x->req.client_ip = "192.0.2.7";
	x->req.listener = https ? "https" : "http";
	x->h[n].name = "Host";
	x->h[n++].value = x->req.host;
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		const char *colon = strchr(headers[i], ':');

		x->h[n].name = fg_arena_strndup(x->a, headers[i], (size_t)(colon - headers[i]));
		x->h[n++].value = colon + 2;
	}
	x->req.headers = x->h;
	x->req.nheaders = n;
	x->req.body = "";
	x->r.cf = f->cf;
	x->r.req = &x->req;
	x->r.arena = x->a;
	x->r.dist = f->view->dists[0];
	x->r.path = x->req.path;
	x->r.https = https;
	x->r.cf_id = "CFID==";
	x->r.via = "1.1 abc.cloudfront.net (CloudFront)";
	x->r.t = fg_trace_begin(x->a, "t", 0, "", "", method, x->req.host, url);
	x->r.beh = cf_behavior_for(x->r.dist, x->r.path);
	cf_origin_build(&x->r, x->r.beh->origin, &x->q);
}

static const char *oh(const struct rq *x, const char *name)
{
	const char *v = fg_http_hlist_get(&x->q.h, name);

	return v ? v : "(absent)";
}

static void done(struct rq *x)
{
	fg_arena_destroy(&x->a);
}

static const char *const VIEWER[] = {
	"User-Agent: curl/8", "Authorization: Bearer t", "X-Api-Key: k", "Cookie: keep=1; drop=2",
	"Accept-Encoding: gzip, deflate, br", "X-Forwarded-For: 203.0.113.9", "Via: 1.1 proxy",
	"Connection: close", "X-Edge-Thing: e", "CloudFront-Viewer-Country: XX",
	"Content-Type: application/json", "Accept-Language: fr", NULL };

static void test_default(struct fx *f)
{
	struct rq x;

	build(f, &x, "GET", "/items/1?a=1&b=2", false, VIEWER);
	is_str(x.r.beh->pattern, "*", "§6.1 no pattern matches: the default");
	is_str(x.q.host, "api.example.test", "§6.2 Host is the origin's name (lower-cased)");
	ok(!x.q.host_forwarded && !x.q.https && x.q.port == 80,
	   "match-viewer over HTTP: port 80");
	is_str(x.q.path, "/prod/items/1", "§6.2 OriginPath prepended");
	is_str(x.q.query, "", "no policy includes query strings");
	is_str(oh(&x, "User-Agent"), "Amazon CloudFront", "§6.4 User-Agent replaced");
	is_str(oh(&x, "Authorization"), "(absent)", "§6.5 GET: Authorization removed");
	is_str(oh(&x, "Cookie"), "(absent)", "no cookies");
	is_str(oh(&x, "Accept-Encoding"), "br,gzip", "§6.4 Accept-Encoding normalised");
	is_str(oh(&x, "X-Forwarded-For"), "203.0.113.9,192.0.2.7", "§6.4 X-Forwarded-For appended");
	is_str(oh(&x, "Via"), "1.1 proxy, 1.1 abc.cloudfront.net (CloudFront)", "Via appended");
	is_str(oh(&x, "X-Amz-Cf-Id"), "CFID==", "X-Amz-Cf-Id added");
	is_str(oh(&x, "Connection"), "(absent)", "hop-by-hop removed");
	is_str(oh(&x, "X-Edge-Thing"), "(absent)", "X-Edge-* removed");
	is_str(oh(&x, "CloudFront-Viewer-Country"), "(absent)", "a viewer's CloudFront-* removed");
	is_str(oh(&x, "Content-Type"), "application/json", "§6.4 Content-Type forwarded");
	is_str(oh(&x, "Accept-Language"), "(absent)", "§6.4 Accept-Language removed");
	is_str(oh(&x, "X-Origin-Verify"), "v", "§6.3 the origin's custom header");
	is_str(oh(&x, "X-Api-Key"), "from-origin", "a custom header replaces the viewer's");
	done(&x);
	build(f, &x, "POST", "/items", true, VIEWER);
	is_str(oh(&x, "Authorization"), "Bearer t", "§6.4 POST keeps Authorization");
	ok(x.q.https && x.q.port == 8443, "match-viewer over HTTPS: HTTPSPort");
	done(&x);
	build(f, &x, "OPTIONS", "/items", false, VIEWER);
	is_str(oh(&x, "Authorization"), "Bearer t", "§6.4 OPTIONS not cached: kept");
	done(&x);
}

static void test_policies(struct fx *f)
{
	struct rq x;
	struct fg_err e;

	build(f, &x, "GET", "/all/x?a=1&b=2", false, VIEWER);
	ok(x.q.host_forwarded, "§6.6 AllViewer forwards Host");
	is_str(x.q.host, "www.example.test", "the viewer's Host");
	is_str(oh(&x, "Authorization"), "Bearer t", "§6.5 AllViewer forwards Authorization");
	is_str(oh(&x, "Cookie"), "keep=1; drop=2", "all cookies");
	is_str(x.q.query, "a=1&b=2", "all query strings");
	is_str(oh(&x, "User-Agent"), "curl/8", "the viewer's User-Agent");
	done(&x);
	build(f, &x, "GET", "/all/special", false, VIEWER);
	is_str(x.r.beh->pattern, "/all/*", "§6.1 the first match wins, not the most specific");
	done(&x);
	build(f, &x, "GET", "/except/x", false, VIEWER);
	ok(!x.q.host_forwarded, "§6.6 AllViewerExceptHostHeader: Host not forwarded");
	is_str(oh(&x, "Authorization"), "Bearer t", "but Authorization is");
	done(&x);
	build(f, &x, "GET", "/legacy/x?b=2&a=1", false, VIEWER);
	is_str(oh(&x, "Authorization"), "Bearer t", "legacy Headers include Authorization");
	is_str(oh(&x, "Cookie"), "keep=1", "legacy whitelisted cookies only");
	is_str(x.q.query, "b=2&a=1", "legacy QueryString true forwards all (order kept)");
	done(&x);
	build(f, &x, "GET", "/cf/x", true, VIEWER);
	is_str(oh(&x, "CloudFront-Viewer-Country"), "US", "§6.4 CloudFront headers added");
	is_str(oh(&x, "CloudFront-Forwarded-Proto"), "https", "CloudFront-Forwarded-Proto");
	is_str(oh(&x, "CloudFront-Is-Desktop-Viewer"), "true", "a desktop viewer");
	done(&x);
	fg_err_clear(&e);
	ok(cloudfront_set_fidelity(f->cf, "other-headers=forward", &e) == 0, "other-headers");
	build(f, &x, "GET", "/x", false, VIEWER);
	is_str(oh(&x, "Accept-Language"), "fr", "other-headers=forward: the legacy table");
	is_str(oh(&x, "Authorization"), "(absent)", "but never Authorization on GET");
	done(&x);
	cloudfront_set_fidelity(f->cf, "other-headers=drop", &e);
}

static void test_cache_key(struct fx *f)
{
	struct rq x;
	const char *k1, *k2;
	static const char *const CK[] = { "Cookie: keep=1; drop=2", "Authorization: A",
					  "X-Api-Key: k1", "Accept-Encoding: gzip", NULL };
	static const char *const CK2[] = { "Cookie: keep=1; drop=3", "Authorization: A",
					   "X-Api-Key: k2", "Accept-Encoding: gzip", NULL };

	build(f, &x, "GET", "/legacy/x?a=1&b=2", false, CK);
	k1 = strdup(cf_cache_key(&x.r));
	done(&x);
	build(f, &x, "GET", "/legacy/x?b=3&a=1", false, CK);
	k2 = cf_cache_key(&x.r);
	is_str(k2, k1, "§6.7 legacy QueryStringCacheKeys: only a is in the key");
	done(&x);
	build(f, &x, "GET", "/legacy/x?a=2", false, CK);
	ok(strcmp(cf_cache_key(&x.r), k1) != 0, "another value of a: another key");
	done(&x);
	build(f, &x, "GET", "/legacy/x?a=1", false, CK2);
	ok(strcmp(cf_cache_key(&x.r), k1) != 0, "a header of the key (X-Api-Key) changes it");
	ok(strstr(cf_cache_key(&x.r), "drop") == NULL, "cookies not whitelisted are not in it");
	done(&x);
	build(f, &x, "OPTIONS", "/legacy/x?a=1", false, CK);
	ok(strcmp(cf_cache_key(&x.r), k1) != 0, "§6.7 OPTIONS is keyed apart");
	done(&x);
	free((char *)k1);
}

int main(void)
{
	struct fx f;

	fx_init(&f);
	if (!ok(deploy(&f, "s", TPL) == 0, "the distribution deploys")) {
		fx_fini(&f);
		return tap_done();
	}
	test_default(&f);
	test_policies(&f);
	test_cache_key(&f);
	fx_fini(&f);
	return tap_done();
}
