/*
 * apigw_domain.c: custom domain names on the data plane (aws-behavior.md §1.1, §1.3, §1.7, §4).
 *
 * Compile: the world's DomainName resources become a table keyed by every name that reaches
 * them — the custom name itself (a "*.example.com" domain serves one label under it), its
 * regional target d-xxx.execute-api.{region}.amazonaws.com, its distribution target
 * dxxx.cloudfront.net — with their base path / API mappings sorted longest key first, the
 * names their certificate covers, the mTLS truststore as an X509_STORE, and the TLS sites the
 * terminator serves (iface/tls_sites.h).
 *
 * A request whose Host is a custom domain goes through, in order:
 *   1. SNI vs Host (§1.7). Only when the connection came over TLS with an SNI that differs
 *      from Host. REGIONAL/PRIVATE domains: the SNI's domain belongs to another account, its
 *      certificate does not cover the Host's name, or the Host's domain is STRICT (endpoint
 *      access mode) -> the fidelity switch sni-mismatch (421 empty / 403 Forbidden). EDGE
 *      domains sit behind CloudFront, whose rule is account-only: another account's name gets
 *      CloudFront's 421 page, the same account's is served.
 *   2. mTLS (§4): a domain with a truststore needs a client certificate that verifies.
 *   3. The mapping: the longest key matching whole path segments, else (none); the key is
 *      stripped before resource matching (§1.3). No mapping -> Missing Authentication Token.
 * A Host that is a domain's target name (d-xxx, dxxx.cloudfront.net) is refused with 403
 * Forbidden: API Gateway serves a custom domain only under its own name (§1.3, §2.4).
 *
 * The CloudFront headers of EDGE endpoints are added by apigw_edge.c.
 *
 * On a custom domain the Lambda event's path and requestContext.path are the path as the
 * client sent it, base path included ([obs]: several independent reports, e.g.
 * CodeGenieApp/serverless-express#216, aws/serverless-java-container#112); resource and
 * pathParameters come from the path after the base path.
 */
#include "apigw/apigw_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/x509.h>

#define HOP(r, ...) fg_trace_hop((r)->t, "apigw", __VA_ARGS__)

/* CloudFront's 421 page (§1.7). */
static const char CF_421[] =
	"<html>\n"
	"<head><title>421 Misdirected Request</title></head>\n"
	"<body bgcolor=\"white\">\n"
	"<center><h1>421 Misdirected Request</h1></center>\n"
	"<hr><center>CloudFront</center>\n"
	"</body>\n"
	"</html>\n";

struct host_entry {
	const char *name;
	enum apigw_host_kind kind;
	const struct apigw_domain *d;
};

struct apigw_domains {
	struct host_entry *slot;    /* open addressing by name */
	size_t cap;
	struct apigw_domain *list;
	size_t n;
	struct fg_tls_site *sites;  /* one per domain */
};

/* ------------------------------------------------------------------ helpers */

static const cJSON *prop(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *pstr(const cJSON *o, const char *k)
{
	const cJSON *v = prop(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *lower_n(struct fg_arena *a, const char *s, size_t n)
{
	char *o = fg_arena_strndup(a, s, n);

	for (char *p = o; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

static char *lower(struct fg_arena *a, const char *s)
{
	return lower_n(a, s, strlen(s));
}

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* ------------------------------------------------------------------ compile */

struct cert_info {
	const char *arn;
	bool emulated;
	const char **names;
	size_t n;
};

struct res_doc {
	const cJSON *res, *doc;     /* a resource and the stack document it is in */
};

struct collect {
	struct res_doc *domains, *maps;
	size_t ndomains, nmaps;
	struct cert_info *certs;
	size_t ncerts;
};

static void push(struct res_doc **v, size_t *n, const cJSON *res, const cJSON *doc)
{
	if (*n == 0 || (*n & (*n - 1)) == 0) {   /* grow at powers of two */
		*v = realloc(*v, (*n ? *n * 2 : 1) * sizeof(**v));
		FG_ASSERT(*v != NULL);
	}
	(*v)[*n].res = res;
	(*v)[(*n)++].doc = doc;
}

static int cert_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cert_info *)a)->arn, ((const struct cert_info *)b)->arn);
}

static void add_cert(struct apigw_view *v, struct collect *c, const cJSON *res, size_t cap)
{
	const cJSON *props = prop(res, "Properties"), *san, *it;
	struct cert_info *ci;

	if (c->ncerts == cap || pstr(res, "PhysicalId") == NULL)
		return;
	ci = &c->certs[c->ncerts++];
	san = prop(props, "SubjectAlternativeNames");
	ci->arn = pstr(res, "PhysicalId");
	ci->emulated = cJSON_IsTrue(prop(res, "Emulated"));
	ci->names = fg_arena_alloc(v->arena, ((size_t)cJSON_GetArraySize(san) + 1) *
					     sizeof(*ci->names));
	ci->n = 0;
	if (pstr(props, "DomainName") != NULL)
		ci->names[ci->n++] = lower(v->arena, pstr(props, "DomainName"));
	cJSON_ArrayForEach(it, san) {
		if (cJSON_IsString(it))
			ci->names[ci->n++] = lower(v->arena, it->valuestring);
	}
}

static size_t count_type(const struct stack_world *w, const char *type)
{
	const cJSON *doc, *r;
	size_t n = 0;

	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, prop(doc, "Resources"))
			n += pstr(r, "Type") && strcmp(pstr(r, "Type"), type) == 0;
	}
	return n;
}

static void collect_world(struct apigw_view *v, struct collect *c, const struct stack_world *w)
{
	size_t cap = count_type(w, "AWS::CertificateManager::Certificate");
	const cJSON *doc, *r;

	c->certs = cap ? fg_arena_alloc(v->arena, cap * sizeof(*c->certs)) : NULL;
	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, prop(doc, "Resources")) {
			const char *type = pstr(r, "Type");

			if (type == NULL || pstr(r, "PhysicalId") == NULL)
				continue;
			if (strcmp(type, "AWS::ApiGateway::DomainName") == 0)
				push(&c->domains, &c->ndomains, r, doc);
			else if (strcmp(type, "AWS::ApiGateway::BasePathMapping") == 0 ||
				 strcmp(type, "AWS::ApiGatewayV2::ApiMapping") == 0)
				push(&c->maps, &c->nmaps, r, doc);
			else if (strcmp(type, "AWS::CertificateManager::Certificate") == 0) {
				add_cert(v, c, r, cap);
			}
		}
	}
	if (c->ncerts > 1)
		qsort(c->certs, c->ncerts, sizeof(*c->certs), cert_cmp);
}

static const struct cert_info *cert_find(const struct collect *c, const char *arn)
{
	struct cert_info key = { arn, false, NULL, 0 };

	if (arn == NULL || c->ncerts == 0)
		return NULL;
	return bsearch(&key, c->certs, c->ncerts, sizeof(*c->certs), cert_cmp);
}

static enum apigw_endpoint endpoint_of(const cJSON *props)
{
	const cJSON *t = cJSON_GetArrayItem(prop(prop(props, "EndpointConfiguration"), "Types"), 0);

	if (cJSON_IsString(t) && strcmp(t->valuestring, "REGIONAL") == 0)
		return APIGW_REGIONAL;
	if (cJSON_IsString(t) && strcmp(t->valuestring, "PRIVATE") == 0)
		return APIGW_PRIVATE;
	return APIGW_EDGE;
}

/* The certificate the domain serves and the names it covers: an emulated certificate's
 * DomainName and SANs, else frontgate's default certificate for the domain's own name. */
static void domain_cert(struct apigw_view *v, const struct collect *c, const cJSON *props,
			struct apigw_domain *d)
{
	const char *arn = pstr(props, d->endpoint == APIGW_EDGE ? "CertificateArn"
								: "RegionalCertificateArn");
	const struct cert_info *ci;
	const char **one;

	d->cert_arn = arn ? arn : pstr(props, "CertificateArn");
	ci = cert_find(c, d->cert_arn);
	if (ci != NULL && ci->emulated && ci->n > 0) {
		d->cert_emulated = true;
		d->cert_names = ci->names;
		d->ncert_names = ci->n;
		return;
	}
	one = fg_arena_alloc(v->arena, sizeof(*one));
	one[0] = d->name;
	d->cert_names = one;
	d->ncert_names = 1;
}

static void domain_fill(struct apigw_view *v, const struct collect *c, const cJSON *res,
			const cJSON *doc, struct apigw_domain *d)
{
	const cJSON *props = prop(res, "Properties"), *attrs = prop(res, "Attributes");
	const char *policy = pstr(props, "SecurityPolicy"), *mode = pstr(props, "EndpointAccessMode");

	memset(d, 0, sizeof(*d));
	d->name = lower(v->arena, pstr(res, "PhysicalId"));
	d->endpoint = endpoint_of(props);
	if (pstr(attrs, "RegionalDomainName") != NULL)
		d->regional_name = lower(v->arena, pstr(attrs, "RegionalDomainName"));
	if (pstr(attrs, "DistributionDomainName") != NULL)
		d->distribution_name = lower(v->arena, pstr(attrs, "DistributionDomainName"));
	d->policy = policy ? policy : d->endpoint == APIGW_PRIVATE ? "TLS_1_2" : "TLS_1_0";
	d->strict = mode != NULL && strcmp(mode, "STRICT") == 0;
	d->account = pstr(doc, "Account") ? pstr(doc, "Account") : "";
	d->region = pstr(doc, "Region") ? pstr(doc, "Region") : "";
	d->stack = pstr(doc, "Name") ? pstr(doc, "Name") : "";
	d->logical_id = pstr(res, "LogicalId") ? pstr(res, "LogicalId") : "";
	d->truststore_pem = pstr(prop(res, "State"), "TruststorePem");
	atomic_init(&d->trust, NULL);
	domain_cert(v, c, props, d);
}

static const struct host_entry *host_get(const struct apigw_domains *ds, const char *name)
{
	size_t i;

	if (ds == NULL || ds->cap == 0)
		return NULL;
	for (i = name_hash(name) & (ds->cap - 1); ds->slot[i].name != NULL;
	     i = (i + 1) & (ds->cap - 1)) {
		if (strcmp(ds->slot[i].name, name) == 0)
			return &ds->slot[i];
	}
	return NULL;
}

static void host_put(struct apigw_domains *ds, const char *name, enum apigw_host_kind kind,
		     const struct apigw_domain *d)
{
	size_t i;

	if (name == NULL || host_get(ds, name) != NULL)
		return;
	for (i = name_hash(name) & (ds->cap - 1); ds->slot[i].name != NULL;
	     i = (i + 1) & (ds->cap - 1))
		;
	ds->slot[i] = (struct host_entry){ name, kind, d };
}

static int map_cmp(const void *a, const void *b)
{
	const struct apigw_mapping *x = a, *y = b;

	if (x->keylen != y->keylen)
		return x->keylen > y->keylen ? -1 : 1;
	return strcmp(x->key, y->key);
}

static void mapping_fill(struct apigw_view *v, const cJSON *res, const cJSON *doc,
			 struct apigw_mapping *m)
{
	const cJSON *props = prop(res, "Properties");
	bool v1 = strcmp(pstr(res, "Type"), "AWS::ApiGateway::BasePathMapping") == 0;
	const char *key = pstr(props, v1 ? "BasePath" : "ApiMappingKey");
	const char *stage = pstr(props, "Stage");

	if (key == NULL || (v1 && strcmp(key, "(none)") == 0))
		key = "";
	m->key = key;
	m->keylen = strlen(key);
	m->api_id = pstr(props, v1 ? "RestApiId" : "ApiId");
	if (m->api_id == NULL)
		m->api_id = "";
	m->stage = stage && stage[0] ? stage : NULL;
	m->source = fg_arena_printf(v->arena, "%s %s (stack %s)", v1 ? "BasePathMapping"
								      : "ApiMapping",
				    pstr(res, "LogicalId"), pstr(doc, "Name"));
}

/* Mappings onto their domains: count, allocate, fill, sort longest key first. */
static void attach_mappings(struct apigw_view *v, struct apigw_domains *ds,
			    const struct collect *c)
{
	struct apigw_domain **of = calloc(c->nmaps + 1, sizeof(*of));

	FG_ASSERT(of != NULL);
	for (size_t i = 0; i < c->nmaps; i++) {
		const char *dn = pstr(prop(c->maps[i].res, "Properties"), "DomainName");
		const struct host_entry *e = dn ? host_get(ds, lower(v->arena, dn)) : NULL;

		if (e != NULL && e->kind == APIGW_HOST_CUSTOM) {
			of[i] = (struct apigw_domain *)e->d;
			of[i]->nmaps++;
		}
	}
	for (size_t i = 0; i < ds->n; i++) {
		ds->list[i].maps = fg_arena_alloc(v->arena, (ds->list[i].nmaps + 1) *
							    sizeof(*ds->list[i].maps));
		ds->list[i].nmaps = 0;
	}
	for (size_t i = 0; i < c->nmaps; i++) {
		if (of[i] != NULL)
			mapping_fill(v, c->maps[i].res, c->maps[i].doc,
				     &of[i]->maps[of[i]->nmaps++]);
	}
	for (size_t i = 0; i < ds->n; i++)
		qsort(ds->list[i].maps, ds->list[i].nmaps, sizeof(*ds->list[i].maps), map_cmp);
	free(of);
}

static void tls_sites(struct apigw_view *v, struct apigw_domains *ds)
{
	ds->sites = fg_arena_alloc(v->arena, (ds->n + 1) * sizeof(*ds->sites));
	for (size_t i = 0; i < ds->n; i++) {
		const struct apigw_domain *d = &ds->list[i];
		struct fg_tls_site *s = &ds->sites[i];

		s->name = d->name;
		s->certificate_arn = d->cert_emulated ? d->cert_arn : NULL;
		s->security_policy = d->policy;
		s->truststore_pem = d->truststore_pem;
		s->account = d->account;
		s->owner = fg_arena_printf(v->arena, "API Gateway domain name %s (stack %s)",
					   d->name, d->stack);
		s->service = "apigw";
	}
}

int apigw_domains_compile(struct apigw_view *v, const struct stack_world *w, struct fg_err *err)
{
	struct apigw_domains *ds = fg_arena_alloc(v->arena, sizeof(*ds));
	struct collect c;

	memset(ds, 0, sizeof(*ds));
	memset(&c, 0, sizeof(c));
	v->domains = ds;
	collect_world(v, &c, w);
	for (ds->cap = 8; ds->cap < c.ndomains * 6; ds->cap *= 2)
		;
	ds->slot = fg_arena_alloc(v->arena, ds->cap * sizeof(*ds->slot));
	memset(ds->slot, 0, ds->cap * sizeof(*ds->slot));
	ds->list = fg_arena_alloc(v->arena, (c.ndomains + 1) * sizeof(*ds->list));
	for (size_t i = 0; i < c.ndomains; i++) {
		struct apigw_domain *d = &ds->list[ds->n];

		domain_fill(v, &c, c.domains[i].res, c.domains[i].doc, d);
		if (host_get(ds, d->name) != NULL)      /* validation keeps names unique */
			continue;
		ds->n++;
		host_put(ds, d->name, APIGW_HOST_CUSTOM, d);
		host_put(ds, d->regional_name, APIGW_HOST_REGIONAL, d);
		host_put(ds, d->distribution_name, APIGW_HOST_DISTRIBUTION, d);
	}
	attach_mappings(v, ds, &c);
	tls_sites(v, ds);
	free(c.domains);
	free(c.maps);
	(void)err;
	return 0;
}

void apigw_domains_release(struct apigw_view *v)
{
	if (v == NULL || v->domains == NULL)
		return;
	for (size_t i = 0; i < v->domains->n; i++)
		X509_STORE_free(atomic_exchange(&v->domains->list[i].trust, NULL));
}

const struct fg_tls_site *apigw_domain_tls_sites(void *self, const void *view, size_t *n)
{
	const struct apigw_view *v = view;

	*n = v != NULL && v->domains != NULL ? v->domains->n : 0;
	return *n ? v->domains->sites : NULL;
}

/* ------------------------------------------------------------------- lookup */

const struct apigw_domain *apigw_domain_find(const struct apigw_view *v, const char *host,
					     enum apigw_host_kind *kind)
{
	const char *colon = host ? strrchr(host, ':') : NULL;
	size_t n = colon && !strchr(colon, ']') ? (size_t)(colon - host) : host ? strlen(host) : 0;
	char name[256];
	const struct host_entry *e;
	const char *dot;

	*kind = APIGW_HOST_NONE;
	if (v == NULL || v->domains == NULL || v->domains->n == 0 || n == 0 || n >= sizeof(name))
		return NULL;
	for (size_t i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)host[i]);
	name[n] = '\0';
	if (n > 1 && name[n - 1] == '.')        /* a fully qualified Host */
		name[n - 1] = '\0';
	e = host_get(v->domains, name);
	if (e == NULL && (dot = strchr(name, '.')) != NULL && dot > name) {
		char wild[258];

		snprintf(wild, sizeof(wild), "*%s", dot);
		e = host_get(v->domains, wild);
		if (e != NULL && e->kind != APIGW_HOST_CUSTOM)
			e = NULL;
	}
	if (e == NULL)
		return NULL;
	*kind = e->kind;
	return e->d;
}

bool apigw_domain_claim(const struct apigw_view *v, const char *host)
{
	enum apigw_host_kind kind;

	return apigw_domain_find(v, host, &kind) != NULL;
}

const struct apigw_mapping *apigw_domain_select(const struct apigw_domain *d, const char *path,
						const char **after)
{
	const char *p = path;

	while (*p == '/')
		p++;
	for (size_t i = 0; i < d->nmaps; i++) {
		const struct apigw_mapping *m = &d->maps[i];
		const char *q = p + m->keylen;

		if (m->keylen > 0 && (strncmp(p, m->key, m->keylen) != 0 || (*q && *q != '/')))
			continue;
		while (*q == '/' && q[1] == '/')
			q++;
		if (*q == '\0')
			*after = "/";
		else if (*q == '/')
			*after = q;
		else
			*after = q > path ? q - 1 : path;       /* (none): from the last leading '/' */
		return m;
	}
	return NULL;
}

/* "*.example.com" covers "a.example.com" (one label); otherwise names must be equal. */
static bool name_covers(const char *pattern, const char *name)
{
	const char *dot;

	if (strcmp(pattern, name) == 0)
		return true;
	if (strncmp(pattern, "*.", 2) != 0 || (dot = strchr(name, '.')) == NULL || dot == name)
		return false;
	return strcmp(pattern + 1, dot) == 0;
}

bool apigw_domain_cert_covers(const struct apigw_domain *sni, const struct apigw_domain *host)
{
	if (sni->cert_emulated && host->cert_emulated && strcmp(sni->cert_arn, host->cert_arn) == 0)
		return true;
	for (size_t i = 0; i < sni->ncert_names; i++) {
		if (name_covers(sni->cert_names[i], host->name))
			return true;
	}
	return false;
}

/* ----------------------------------------------------------------- requests */

static void forbidden(struct apigw_rq *r)
{
	fg_http_set_body(r->resp, 403, "application/json", "{\"message\":\"Forbidden\"}", 23);
	fg_http_add_header(r->resp, "x-amzn-ErrorType", "ForbiddenException");
}

/* A Host that is a domain's target name (§1.3, §2.4). */
static void target_refused(struct apigw_rq *r, const struct apigw_domain *d,
			   enum apigw_host_kind kind)
{
	HOP(r, "host %s is the %s of custom domain name %s: API Gateway serves a custom domain "
	    "only when Host is the custom domain name itself, so this is a host it does not "
	    "serve: 403 Forbidden (aws-behavior.md §1.3, §2.4; a CloudFront origin that is this "
	    "name must forward the viewer's Host, the custom domain name)", r->tg.domain,
	    kind == APIGW_HOST_REGIONAL ? "regional target name (RegionalDomainName)"
					: "distribution name (DistributionDomainName; UNCONFIRMED "
					  "what AWS answers here)", d->name);
	forbidden(r);
}

static void sni_refused(struct apigw_rq *r, const char *why)
{
	if (r->a->fid.sni_mismatch == APIGW_SNI_MISMATCH_403) {
		HOP(r, "SNI '%s' but Host '%s': %s -> 403 Forbidden (fidelity switch "
		    "sni-mismatch=403; aws-behavior.md §1.7)", r->req->sni, r->tg.domain, why);
		forbidden(r);
		return;
	}
	HOP(r, "SNI '%s' but Host '%s': %s -> 421 Misdirected Request (fidelity switch "
	    "sni-mismatch=421, the default; aws-behavior.md §1.7)", r->req->sni, r->tg.domain,
	    why);
	fg_http_set_body(r->resp, 421, NULL, "", 0);
}

/* CloudFront's own answer, in front of an EDGE domain name: its 421 page, no API Gateway
 * headers (the trace id is the X-Amz-Cf-Id). */
static void cloudfront_421(struct apigw_rq *r, const struct apigw_domain *sni,
			   const struct apigw_domain *d)
{
	HOP(r, "SNI '%s' selected %s (account %s) but Host '%s' is EDGE domain name %s of "
	    "account %s: CloudFront refuses another account's name on the connection -> 421 "
	    "Misdirected Request (aws-behavior.md §1.7)", r->req->sni, sni->name, sni->account,
	    r->tg.domain, d->name, d->account);
	fg_http_set_body(r->resp, 421, "text/html", CF_421, sizeof(CF_421) - 1);
	fg_http_add_header(r->resp, "Server", "CloudFront");
	r->cf_generated = true;
}

/* §1.7: true when the request may go on. */
static bool sni_ok(struct apigw_rq *r, const struct apigw_domain *d)
{
	const char *sni = r->req->sni, *why = NULL;
	enum apigw_host_kind kind;
	const struct apigw_domain *s;

	if (sni == NULL || strcasecmp(sni, r->tg.domain) == 0)
		return true;
	s = apigw_domain_find(r->view, sni, &kind);
	if (kind != APIGW_HOST_CUSTOM)
		s = NULL;
	if (d->endpoint == APIGW_EDGE) {
		if (s != NULL && strcmp(s->account, d->account) != 0) {
			cloudfront_421(r, s, d);
			return false;
		}
		HOP(r, "SNI '%s', Host '%s': CloudFront (EDGE) serves a different name of the "
		    "same account on the connection (aws-behavior.md §1.7)", sni, r->tg.domain);
		return true;
	}
	if (d->strict)
		why = "the domain name's endpoint access mode is STRICT, which requires SNI = Host";
	else if (s != NULL && strcmp(s->account, d->account) != 0)
		why = fg_arena_printf(r->arena, "%s belongs to account %s, %s to account %s",
				      s->name, s->account, d->name, d->account);
	else if (s != NULL && !apigw_domain_cert_covers(s, d))
		why = fg_arena_printf(r->arena, "the certificate the connection got for %s (%s) "
				      "does not cover %s", s->name,
				      s->cert_emulated ? s->cert_arn : "frontgate's default "
								       "certificate for that name",
				      d->name);
	if (why != NULL) {
		sni_refused(r, why);
		return false;
	}
	HOP(r, "SNI '%s', Host '%s': %s, so the request is served", sni, r->tg.domain,
	    s != NULL ? "the same account and a certificate that covers both"
		      : "the SNI is not a custom domain name");
	return true;
}

/*
 * The domain's truststore, parsed at its first mutual TLS check rather than at every compile
 * of the view: OpenSSL 3 takes about a millisecond per certificate, which made every deployment
 * pay for every truststore in the world. Requests race to fill it; the loser frees its copy.
 */
static struct x509_store_st *domain_trust(const struct apigw_domain *d)
{
	struct apigw_domain *m = (struct apigw_domain *)d; /* the lazily filled field only */
	struct x509_store_st *s = atomic_load(&m->trust), *none = NULL;
	int ncerts, nbad;

	if (s != NULL)
		return s;
	s = apigw_mtls_truststore(d->truststore_pem, &ncerts, &nbad);
	if (s != NULL && !atomic_compare_exchange_strong(&m->trust, &none, s)) {
		X509_STORE_free(s);
		s = none;
	}
	return s;
}

/* §4: mutual TLS. True when the request may go on. */
static bool mtls_ok(struct apigw_rq *r, const struct apigw_domain *d)
{
	struct apigw_client_cert *cc;
	const char *why = NULL;

	if (d->truststore_pem == NULL)
		return true;
	if (r->req->client_cert_pem == NULL) {
		HOP(r, "mutual TLS: %s -> 403 Forbidden (aws-behavior.md §4; what AWS answers a "
		    "client without a certificate is UNCONFIRMED)",
		    r->req->tls_version == NULL
		    ? "custom domain name requires a client certificate and clear-text HTTP cannot "
		      "carry one (use HTTPS)"
		    : "the client presented no certificate");
		forbidden(r);
		return false;
	}
	cc = fg_arena_alloc(r->arena, sizeof(*cc));
	memset(cc, 0, sizeof(*cc));
	if (apigw_mtls_verify(domain_trust(d), r->req->client_cert_pem, r->now_ms, r->arena, cc,
			      &why) != 0) {
		HOP(r, "mutual TLS: Access denied. Reason: %s -> 403 Forbidden (aws-behavior.md "
		    "§4)", why);
		forbidden(r);
		return false;
	}
	HOP(r, "mutual TLS: client certificate '%s' (issuer '%s', serial %s) verified against "
	    "the truststore", cc->subject_dn, cc->issuer_dn, cc->serial);
	r->client_cert = cc;
	return true;
}

static void mapping_list(const struct apigw_domain *d, struct fg_buf *b)
{
	for (size_t i = 0; i < d->nmaps; i++)
		fg_buf_printf(b, "%s'%s'", i ? ", " : "",
			      d->maps[i].keylen ? d->maps[i].key : "(none)");
	if (d->nmaps == 0)
		fg_buf_puts(b, "none");
}

/* The stage-in-URL mistake (§1.3): say so before the route fails. */
static void stage_hint(struct apigw_rq *r)
{
	const struct apigw_api *api = apigw_view_api(r->view, r->tg.api_id,
						     strlen(r->tg.api_id));
	const char *p = r->tg.rest;
	size_t n;

	while (*p == '/')
		p++;
	n = strcspn(p, "/");
	if (api == NULL || n == 0 || apigw_api_stage(api, p, n) == NULL)
		return;
	HOP(r, "note: the path's first segment '%.*s' is the name of a stage of api %s; "
	    "through a custom domain the mapping selects the stage, so a URL that repeats it "
	    "matches no resource unless one has that name (aws-behavior.md §1.3)", (int)n, p,
	    api->id);
}

static enum apigw_domain_route map_request(struct apigw_rq *r, const struct apigw_domain *d)
{
	const char *after = "/";
	const struct apigw_mapping *m = apigw_domain_select(d, r->req->path, &after);
	struct fg_buf b;

	r->tg.form = fg_arena_printf(r->arena, "custom domain %s", d->name);
	r->tg.region = d->region;
	r->tg.event_path = r->req->path[0] ? r->req->path : "/";
	r->tg.stage_path = r->tg.event_path;
	if (m == NULL) {
		fg_buf_init(&b);
		mapping_list(d, &b);
		HOP(r, "custom domain %s: no base path mapping matches %s (mappings: %s) -> "
		    "Missing Authentication Token (aws-behavior.md §1.3)", d->name, r->req->path,
		    b.data);
		fg_buf_free(&b);
		r->tg.api_id = "";
		r->tg.rest = r->tg.event_path;
		return APIGW_DOMAIN_UNMAPPED;
	}
	r->tg.api_id = m->api_id;
	if (m->stage != NULL) {
		r->tg.stage = m->stage;
		r->tg.rest = after;
	} else {
		const char *p = after;
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		r->tg.stage = n ? fg_arena_strndup(r->arena, p, n) : NULL;
		r->tg.rest = p[n] ? p + n : "/";
	}
	HOP(r, "custom domain %s: base path '%s' (%s) -> api %s, stage %s%s, resource path %s",
	    d->name, m->keylen ? m->key : "(none)", m->source, m->api_id,
	    r->tg.stage ? r->tg.stage : "(none in the path)",
	    m->stage ? "" : " (the mapping names no stage: it is the segment after the base path)",
	    r->tg.rest);
	if (m->stage != NULL)
		stage_hint(r);
	return APIGW_DOMAIN_ROUTED;
}

enum apigw_domain_route apigw_domain_route(struct apigw_rq *r)
{
	enum apigw_host_kind kind;
	const struct apigw_domain *d = apigw_domain_find(r->view, r->req->host, &kind);
	const char *host = r->req->host, *colon = strrchr(host, ':');

	if (d == NULL)
		return APIGW_DOMAIN_NO;
	r->tg.domain = lower_n(r->arena, host, colon && !strchr(colon, ']')
						? (size_t)(colon - host) : strlen(host));
	if (kind != APIGW_HOST_CUSTOM) {
		target_refused(r, d, kind);
		return APIGW_DOMAIN_ANSWERED;
	}
	r->domain = d;
	if (!sni_ok(r, d) || !mtls_ok(r, d))
		return APIGW_DOMAIN_ANSWERED;
	return map_request(r, d);
}
