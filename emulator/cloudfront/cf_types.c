/*
 * cf_types.c: the control plane of AWS::CloudFront::Distribution — the whole
 * DistributionConfig checked the way CloudFormation's schema and CloudFront's API check it,
 * with their messages where aws-behavior.md records them (§5.1: CNAMEAlreadyExists across all
 * stacks, an alias the certificate does not cover, a certificate outside us-east-1; §6.3: the
 * origin custom headers CloudFront refuses; §6.6: policy ids), and UNCONFIRMED wording
 * elsewhere (marked where it is used). Behaviours are checked in cf_types_beh.c.
 *
 * Ids: Id "E" + 13 upper-case alphanumerics (the physical id, Ref), DomainName "d" + 13
 * lower-case alphanumerics + ".cloudfront.net", both deterministic. Parts that are accepted but
 * not emulated (logging, WAF, edge functions, signed URLs, continuous deployment) are listed
 * in the stack's warnings.
 */
#include "cloudfront/cf_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define P_DC "DistributionConfig"

/* ------------------------------------------------------------ world lookups */

struct cf_res cf_visit(const struct stack_rctx *c, const char *type, cf_visit_f f, void *arg)
{
	struct cf_res r = { NULL, c->account, c->region, c->stack_name };
	const cJSON *doc, *it;

	cJSON_ArrayForEach(it, c->deployed) {
		r.res = it;
		if ((type == NULL || strcmp(cf_js(it, "Type"), type) == 0) && f(&r, arg))
			return r;
	}
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		if (strcmp(cf_js(doc, "Name"), c->stack_name) == 0)
			continue;
		r.account = cf_js(doc, "Account");
		r.region = cf_js(doc, "Region");
		r.stack = cf_js(doc, "Name");
		cJSON_ArrayForEach(it, cf_j(doc, "Resources")) {
			r.res = it;
			if ((type == NULL || strcmp(cf_js(it, "Type"), type) == 0) && f(&r, arg))
				return r;
		}
	}
	r.res = NULL;
	return r;
}

static bool phys_is(const struct cf_res *r, void *arg)
{
	const char *p = cf_js(r->res, "PhysicalId");

	return p != NULL && strcmp(p, arg) == 0;
}

struct cf_res cf_find_resource(const struct stack_rctx *c, const char *type, const char *id)
{
	struct cf_res none = { NULL, NULL, NULL, NULL };

	if (id == NULL)
		return none;
	return cf_visit(c, type, phys_is, (void *)id);
}

/* ---------------------------------------------------------------- names */

static bool label_ok(const char *p, size_t n)
{
	if (n == 0 || n > 63 || p[0] == '-' || p[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return true;
}

/* A domain name, or "*." + one (§5.1: a wildcard alias cannot be partial). */
static bool alias_ok(const char *s)
{
	int labels = 0;

	if (strncmp(s, "*.", 2) == 0)
		s += 2;
	if (strlen(s) > 253)
		return false;
	while (*s) {
		size_t n = strcspn(s, ".");

		if (!label_ok(s, n))
			return false;
		labels++;
		s += n;
		if (*s == '.' && *++s == '\0')
			return false;
	}
	return labels >= 2;
}

/* Whether a certificate name covers an alias: exact, or a certificate wildcard covering one
 * label; a wildcard alias needs the same wildcard (§5.1). */
static bool cert_covers(const char *cert, const char *alias)
{
	const char *dot;

	if (strcasecmp(cert, alias) == 0)
		return true;
	if (strncmp(cert, "*.", 2) != 0 || strncmp(alias, "*.", 2) == 0)
		return false;
	dot = strchr(alias, '.');
	return dot != NULL && dot != alias && strcasecmp(dot + 1, cert + 2) == 0;
}

/* ------------------------------------------------------------- aliases (§5.1) */

struct alias_q {
	const char *alias;
	const char *what;      /* out: who has it */
};

static bool has_alias(const struct cf_res *r, void *arg)
{
	struct alias_q *q = arg;
	const char *t = cf_js(r->res, "Type");
	const cJSON *p = cf_j(r->res, "Properties"), *it;

	if (strcmp(t, CF_T_DIST) == 0) {
		cJSON_ArrayForEach(it, cf_j(cf_j(p, P_DC), "Aliases")) {
			if (cJSON_IsString(it) && strcasecmp(it->valuestring, q->alias) == 0) {
				q->what = "distribution";
				return true;
			}
		}
		return false;
	}
	/* an EDGE custom domain name is an alias of an AWS-managed distribution */
	if (strcmp(t, "AWS::ApiGateway::DomainName") == 0 && cf_js(p, "DomainName") != NULL &&
	    strcasecmp(cf_js(p, "DomainName"), q->alias) == 0 &&
	    cf_js(cf_j(r->res, "Attributes"), "DistributionDomainName") != NULL) {
		q->what = "edge-optimized API Gateway domain name";
		return true;
	}
	return false;
}

static int check_alias_taken(const struct cf_chk *k, const char *alias)
{
	struct alias_q q = { alias, NULL };
	struct cf_res r = cf_visit(k->c, NULL, has_alias, &q);

	if (r.res == NULL)
		return 0;
	return cf_api_err(k, 409, "CNAMEAlreadyExists", P_DC "/Aliases",
			  "One or more of the CNAMEs you provided are already associated with a "
			  "different resource. (frontgate: %s is an alias of the %s %s, stack %s)",
			  alias, q.what, cf_js(r.res, "LogicalId"), r.stack);
}

/* ---------------------------------------------------------- certificate (§5.1) */

static const char *const MIN_PROTOCOLS[] = { "SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016",
					     "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021",
					     "TLSv1.2_2025", "TLSv1.3_2025", NULL };
static const char *const SSL_METHODS[] = { "sni-only", "vip", "static-ip", NULL };
static const char *const VC_KEYS[] = { "AcmCertificateArn", "CloudFrontDefaultCertificate",
				       "IamCertificateId", "MinimumProtocolVersion",
				       "SslSupportMethod", NULL };

#define BAD_CERT "The specified SSL certificate doesn't exist, isn't in us-east-1 region, " \
		 "isn't valid, or doesn't include a valid certificate chain."
#define UNCOVERED "The certificate that is attached to your distribution doesn't cover the " \
		  "alternate domain name (CNAME) that you're trying to add."

/* The names an emulated ACM certificate covers (Properties DomainName + SANs). */
static int cert_names(const cJSON *cert, const char **names, int max)
{
	const cJSON *p = cf_j(cert, "Properties"), *it;
	int n = 0;

	if (cf_js(p, "DomainName") != NULL)
		names[n++] = cf_js(p, "DomainName");
	cJSON_ArrayForEach(it, cf_j(p, "SubjectAlternativeNames"))
		if (cJSON_IsString(it) && n < max)
			names[n++] = it->valuestring;
	return n;
}

static int check_acm(const struct cf_chk *k, const char *arn, const cJSON *aliases)
{
	struct cf_res cert = cf_find_resource(k->c, "AWS::CertificateManager::Certificate", arn);
	char region[64] = "";
	const char *names[128];
	const cJSON *it;
	int n;

	if (cert.res != NULL)
		snprintf(region, sizeof(region), "%s", cert.region);
	else if (sscanf(arn, "arn:%*[a-z-]:acm:%63[a-z0-9-]:%*[0-9]:certificate/%*s", region) != 1)
		return cf_api_err(k, 400, "InvalidViewerCertificate", P_DC "/ViewerCertificate",
				  BAD_CERT);
	if (strcmp(region, "us-east-1") != 0)
		return cf_api_err(k, 400, "InvalidViewerCertificate", P_DC "/ViewerCertificate",
				  BAD_CERT " (frontgate: %s is in %s)", arn, region);
	if (cert.res == NULL) {
		stack_warn(k->c, "certificate %s is not a certificate of this world: its names "
			   "are not checked against the aliases, and over HTTPS frontgate serves "
			   "its own default certificate for them", arn);
		return 0;
	}
	n = cert_names(cert.res, names, 128);
	cJSON_ArrayForEach(it, aliases) {
		bool ok = false;

		for (int i = 0; i < n && !ok; i++)
			ok = cert_covers(names[i], it->valuestring);
		if (!ok)
			return cf_api_err(k, 400, "InvalidViewerCertificate", P_DC "/Aliases",
					  UNCOVERED " (frontgate: %s is not covered by %s)",
					  it->valuestring, arn);
	}
	return 0;
}

static int check_viewer_cert(const struct cf_chk *k, const cJSON *dc, const cJSON *aliases)
{
	const char *P = P_DC "/ViewerCertificate", *arn = NULL, *iam = NULL, *s = NULL;
	const cJSON *vc = NULL;
	bool def = false;

	if (cf_chk_obj(k, dc, "ViewerCertificate", P_DC, false, &vc) != 0)
		return -1;
	if (vc != NULL &&
	    (cf_chk_keys(k, vc, P, VC_KEYS) != 0 ||
	     cf_chk_str(k, vc, "AcmCertificateArn", P, false, &arn) != 0 ||
	     cf_chk_str(k, vc, "IamCertificateId", P, false, &iam) != 0 ||
	     cf_chk_bool(k, vc, "CloudFrontDefaultCertificate", P, false, &def) != 0 ||
	     cf_chk_enum(k, vc, "MinimumProtocolVersion", P, false, MIN_PROTOCOLS, &s) != 0 ||
	     cf_chk_enum(k, vc, "SslSupportMethod", P, false, SSL_METHODS, &s) != 0))
		return -1;
	if ((arn != NULL) + (iam != NULL) + def > 1)  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidViewerCertificate", P,
				  "Specify exactly one of AcmCertificateArn, IamCertificateId and "
				  "CloudFrontDefaultCertificate.");
	if ((arn != NULL || iam != NULL) && cf_js(vc, "SslSupportMethod") == NULL)
		return cf_api_err(k, 400, "InvalidViewerCertificate", P,
				  "SslSupportMethod is required when a certificate other than the "
				  "CloudFront default certificate is specified.");
	if (arn == NULL && iam == NULL) {
		if (cJSON_GetArraySize(aliases) > 0)  /* UNCONFIRMED exact wording */
			return cf_api_err(k, 400, "InvalidViewerCertificate", P_DC "/Aliases",
					  "To add an alternate domain name (CNAME) to a CloudFront "
					  "distribution, you must attach a trusted certificate that "
					  "validates your authorization to use the domain name.");
		return 0;
	}
	if (iam != NULL) {
		stack_warn(k->c, "IamCertificateId %s is not emulated (IAM server certificates): "
			   "its names are not checked, and over HTTPS frontgate serves its own "
			   "default certificate for the aliases", iam);
		return 0;
	}
	return check_acm(k, arn, aliases);
}

static int check_aliases(const struct cf_chk *k, const cJSON *dc, const cJSON **out)
{
	const cJSON *aliases = NULL, *it;
	int i = 0;

	if (cf_chk_strs(k, dc, "Aliases", P_DC, false, &aliases) != 0)
		return -1;
	cJSON_ArrayForEach(it, aliases) {
		char sub[64];

		snprintf(sub, sizeof(sub), P_DC "/Aliases/%d", i++);
		if (!alias_ok(it->valuestring))  /* UNCONFIRMED wording */
			return cf_api_err(k, 400, "InvalidArgument", sub,
					  "The parameter CNAME contains %s that is not a valid "
					  "domain name (a wildcard must be a whole leftmost label: "
					  "*.example.com).", it->valuestring);
		if (check_alias_taken(k, it->valuestring) != 0)
			return -1;
	}
	*out = aliases;
	return 0;
}

/* ------------------------------------------------------------------ origins */

static const char *const ORIGIN_KEYS[] = {
	"ConnectionAttempts", "ConnectionTimeout", "CustomOriginConfig", "DomainName", "Id",
	"OriginAccessControlId", "OriginCustomHeaders", "OriginPath", "OriginShield",
	"S3OriginConfig", "VpcOriginConfig", "ResponseCompletionTimeout", NULL };
static const char *const COC_KEYS[] = {
	"HTTPPort", "HTTPSPort", "OriginKeepaliveTimeout", "OriginProtocolPolicy",
	"OriginReadTimeout", "OriginSSLProtocols", "IpAddressType", "OriginMtlsConfig", NULL };
static const char *const OPP[] = { "http-only", "match-viewer", "https-only", NULL };
static const char *const SSL_PROTOCOLS[] = { "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", NULL };
/* §6.3: origin custom headers CloudFront refuses */
static const char *const FORBIDDEN[] = {
	"Cache-Control", "Connection", "Content-Length", "Cookie", "Host", "If-Match",
	"If-Modified-Since", "If-None-Match", "If-Range", "If-Unmodified-Since", "Max-Forwards",
	"Pragma", "Proxy-Authorization", "Proxy-Connection", "Range", "Request-Range", "TE",
	"Trailer", "Transfer-Encoding", "Upgrade", "Via", "X-Real-Ip", NULL };

static bool forbidden_header(const char *name)
{
	for (size_t i = 0; FORBIDDEN[i] != NULL; i++) {
		if (strcasecmp(FORBIDDEN[i], name) == 0)
			return true;
	}
	return strncasecmp(name, "X-Amz-", 6) == 0 || strncasecmp(name, "X-Edge-", 7) == 0;
}

static int check_range(const struct cf_chk *k, const cJSON *o, const char *key,
		       const char *path, long long lo, long long hi)
{
	long long v = lo;

	if (cf_chk_int(k, o, key, path, false, &v) != 0)
		return -1;
	if (v < lo || v > hi)  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The parameter %s must be between %lld and %lld (got %lld).", key,
				  lo, hi, v);
	return 0;
}

static int check_port(const struct cf_chk *k, const cJSON *o, const char *key,
		      const char *path)
{
	long long v = 80;

	if (cf_chk_int(k, o, key, path, false, &v) != 0)
		return -1;
	if (v != 80 && v != 443 && (v < 1024 || v > 65535))  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The parameter %s must be 80, 443, or between 1024 and 65535 "
				  "(got %lld).", key, v);
	return 0;
}

static int check_custom_config(const struct cf_chk *k, const cJSON *coc, const char *path)
{
	const char *s;
	const cJSON *list = NULL;

	if (cf_chk_keys(k, coc, path, COC_KEYS) != 0 ||
	    cf_chk_enum(k, coc, "OriginProtocolPolicy", path, true, OPP, &s) != 0 ||
	    check_port(k, coc, "HTTPPort", path) != 0 ||
	    check_port(k, coc, "HTTPSPort", path) != 0 ||
	    check_range(k, coc, "OriginReadTimeout", path, 1, 120) != 0 ||
	    check_range(k, coc, "OriginKeepaliveTimeout", path, 1, 120) != 0 ||
	    cf_chk_strs(k, coc, "OriginSSLProtocols", path, false, &list) != 0)
		return -1;
	for (const cJSON *it = list ? list->child : NULL; it != NULL; it = it->next) {
		bool ok = false;

		for (size_t i = 0; SSL_PROTOCOLS[i] != NULL && !ok; i++)
			ok = strcmp(SSL_PROTOCOLS[i], it->valuestring) == 0;
		if (!ok)
			return cf_chk_fail(k, path, "OriginSSLProtocols",
					   "%s is not a valid enum value", it->valuestring);
	}
	return 0;
}

static int check_custom_headers(const struct cf_chk *k, const cJSON *o, const char *path)
{
	const cJSON *list = NULL, *it;
	int i = 0;

	if (cf_chk_arr(k, o, "OriginCustomHeaders", path, false, &list) != 0)
		return -1;
	cJSON_ArrayForEach(it, list) {
		char sub[256];
		const char *name = NULL, *value = NULL;

		snprintf(sub, sizeof(sub), "%s/OriginCustomHeaders/%d", path, i++);
		if (cf_chk_str(k, it, "HeaderName", sub, true, &name) != 0 ||
		    cf_chk_str(k, it, "HeaderValue", sub, true, &value) != 0)
			return -1;
		if (forbidden_header(name))  /* §6.3; UNCONFIRMED wording */
			return cf_api_err(k, 400, "InvalidArgument", sub,
					  "The parameter HeaderName : %s is not allowed.", name);
	}
	return 0;
}

static int check_origin_path(const struct cf_chk *k, const cJSON *o, const char *path)
{
	const char *op = NULL;
	size_t n;

	if (cf_chk_str(k, o, "OriginPath", path, false, &op) != 0)
		return -1;
	if (op == NULL || op[0] == '\0')
		return 0;
	n = strlen(op);
	if (op[0] != '/' || op[n - 1] == '/' || n > 255)  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The parameter origin path must begin with a slash (/) and must "
				  "not end with one (got %s).", op);
	return 0;
}

/* Exactly one of the three origin configs (§6.3, §6.10). */
static int origin_kind(const struct cf_chk *k, const cJSON *o, const char *path,
		       const char *id)
{
	const cJSON *coc = NULL, *s3 = NULL, *vpc = NULL;
	const char *vid = NULL;

	if (cf_chk_obj(k, o, "CustomOriginConfig", path, false, &coc) != 0 ||
	    cf_chk_obj(k, o, "S3OriginConfig", path, false, &s3) != 0 ||
	    cf_chk_obj(k, o, "VpcOriginConfig", path, false, &vpc) != 0)
		return -1;
	if ((coc != NULL) + (s3 != NULL) + (vpc != NULL) != 1)  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidOrigin", path,
				  "Origin %s must specify exactly one of CustomOriginConfig, "
				  "S3OriginConfig and VpcOriginConfig.", id);
	if (coc != NULL) {
		char sub[256];

		snprintf(sub, sizeof(sub), "%s/CustomOriginConfig", path);
		return check_custom_config(k, coc, sub);
	}
	if (s3 != NULL) {
		stack_warn(k->c, "origin %s is an S3 origin: S3 is not emulated, so its requests "
			   "are answered as S3 answers for a bucket that does not exist (404 "
			   "NoSuchBucket)", id);
		return 0;
	}
	{
		char sub[256];

		snprintf(sub, sizeof(sub), "%s/VpcOriginConfig", path);
		if (cf_chk_str(k, vpc, "VpcOriginId", sub, true, &vid) != 0 ||
		    check_range(k, vpc, "OriginReadTimeout", sub, 1, 120) != 0 ||
		    check_range(k, vpc, "OriginKeepaliveTimeout", sub, 1, 120) != 0)
			return -1;
		if (cf_find_resource(k->c, CF_T_VPC, vid).res == NULL)
			return cf_api_err(k, 404, "EntityNotFound", sub,
					  "The VPC origin %s does not exist.", vid); /* UNCONFIRMED */
	}
	return 0;
}

/* An origin's domain: a name, not an address, without a port (ports are in the config). */
static int check_origin_domain(const struct cf_chk *k, const char *d, const char *path)
{
	if (strspn(d, "0123456789.") == strlen(d) || strchr(d, '[') != NULL ||
	    (strchr(d, ':') != NULL && strchr(d, ':') != strrchr(d, ':')))
		return cf_api_err(k, 400, "InvalidArgument", path,  /* UNCONFIRMED wording */
				  "The parameter origin name cannot be an IP address: %s.", d);
	if (strchr(d, ':') != NULL || strchr(d, '/') != NULL)
		return cf_api_err(k, 400, "InvalidArgument", path,
				  "The parameter origin name must be a domain name: %s (give the "
				  "port in CustomOriginConfig HTTPPort/HTTPSPort).", d);
	return 0;
}

static int check_origin(const struct cf_chk *k, const cJSON *o, const char *path,
			const cJSON *seen)
{
	const char *id = NULL, *domain = NULL;
	const cJSON *it;

	if (cf_chk_keys(k, o, path, ORIGIN_KEYS) != 0 ||
	    cf_chk_str(k, o, "Id", path, true, &id) != 0 ||
	    cf_chk_str(k, o, "DomainName", path, true, &domain) != 0 ||
	    check_origin_domain(k, domain, path) != 0 ||
	    check_origin_path(k, o, path) != 0 || check_custom_headers(k, o, path) != 0 ||
	    check_range(k, o, "ConnectionAttempts", path, 1, 3) != 0 ||
	    check_range(k, o, "ConnectionTimeout", path, 1, 10) != 0)
		return -1;
	cJSON_ArrayForEach(it, seen) {
		if (strcmp(it->valuestring, id) == 0)  /* UNCONFIRMED wording */
			return cf_api_err(k, 400, "InvalidArgument", path,
					  "The parameter Origin Id must be unique: %s is used twice.",
					  id);
	}
	if (cf_j(o, "OriginShield") != NULL && cf_jb(cf_j(o, "OriginShield"), "Enabled", false))
		stack_warn(k->c, "origin %s: OriginShield is accepted; the extra caching layer is "
			   "not emulated (one cache per distribution)", id);
	return origin_kind(k, o, path, id);
}

static int check_origins(const struct cf_chk *k, const cJSON *dc, cJSON *ids)
{
	const cJSON *origins = NULL, *o;
	int i = 0;

	if (cf_chk_arr(k, dc, "Origins", P_DC, true, &origins) != 0)
		return -1;
	if (cJSON_GetArraySize(origins) == 0)  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidArgument", P_DC "/Origins",
				  "The parameter Origins must contain at least one origin.");
	cJSON_ArrayForEach(o, origins) {
		char path[64];

		snprintf(path, sizeof(path), P_DC "/Origins/%d", i++);
		if (!cJSON_IsObject(o))
			return cf_chk_fail(k, path, NULL, "expected type: JSONObject, found: %s",
					   stack_json_kind(o));
		if (check_origin(k, o, path, ids) != 0)
			return -1;
		cJSON_AddItemToArray(ids, cJSON_CreateString(cf_js(o, "Id")));
	}
	return 0;
}

/* OriginGroups: {Quantity, Items: [{Id, FailoverCriteria.StatusCodes.Items, Members.Items}]} */
static int check_group(const struct cf_chk *k, const cJSON *g, const char *path, cJSON *ids)
{
	static const int CODES[] = { 400, 403, 404, 416, 500, 502, 503, 504 };
	const cJSON *codes = cf_j(cf_j(cf_j(g, "FailoverCriteria"), "StatusCodes"), "Items");
	const cJSON *members = cf_j(cf_j(g, "Members"), "Items"), *it, *id;
	const char *gid = NULL;

	if (cf_chk_str(k, g, "Id", path, true, &gid) != 0)
		return -1;
	if (cJSON_GetArraySize(members) != 2 || cJSON_GetArraySize(codes) == 0)
		return cf_api_err(k, 400, "InvalidArgument", path,  /* UNCONFIRMED wording */
				  "Origin group %s needs two Members.Items and at least one "
				  "FailoverCriteria.StatusCodes.Items.", gid);
	cJSON_ArrayForEach(it, codes) {
		bool ok = false;

		for (size_t i = 0; i < sizeof(CODES) / sizeof(CODES[0]) && !ok; i++)
			ok = cJSON_IsNumber(it) && (int)it->valuedouble == CODES[i];
		if (!ok)
			return cf_api_err(k, 400, "InvalidArgument", path,
					  "Origin group %s: failover status codes are 400, 403, 404, "
					  "416, 500, 502, 503 and 504.", gid);
	}
	cJSON_ArrayForEach(it, members) {
		bool found = false;

		cJSON_ArrayForEach(id, ids)
			found |= cf_js(it, "OriginId") && strcmp(id->valuestring,
								  cf_js(it, "OriginId")) == 0;
		if (!found)
			return cf_api_err(k, 404, "NoSuchOrigin", path,
					  "One or more of your origins or origin groups do not exist.");
	}
	cJSON_AddItemToArray(ids, cJSON_CreateString(gid));
	return 0;
}

static int check_groups(const struct cf_chk *k, const cJSON *dc, cJSON *ids)
{
	const cJSON *groups = NULL, *list, *g;
	int i = 0;

	if (cf_chk_obj(k, dc, "OriginGroups", P_DC, false, &groups) != 0)
		return -1;
	list = cf_j(groups, "Items");
	cJSON_ArrayForEach(g, list) {
		char path[80];

		snprintf(path, sizeof(path), P_DC "/OriginGroups/Items/%d", i++);
		if (check_group(k, g, path, ids) != 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- the rest */

static const char *const DC_KEYS[] = {
	"Aliases", "AnycastIpListId", "CNAMEs", "CacheBehaviors", "Comment", "ConnectionMode",
	"ContinuousDeploymentPolicyId", "CustomErrorResponses", "CustomOrigin",
	"DefaultCacheBehavior", "DefaultRootObject", "Enabled", "HttpVersion", "IPV6Enabled",
	"Logging", "OriginGroups", "Origins", "PriceClass", "Restrictions", "S3Origin", "Staging",
	"TenantConfig", "ViewerCertificate", "WebACLId", NULL };
static const char *const HTTP_VERSIONS[] = { "http1.1", "http2", "http3", "http2and3", NULL };
static const char *const PRICE[] = { "PriceClass_100", "PriceClass_200", "PriceClass_All",
				     "PriceClass_None", NULL };
static const char *const GEO[] = { "none", "whitelist", "blacklist", NULL };

static int check_geo(const struct cf_chk *k, const cJSON *dc)
{
	const char *P = P_DC "/Restrictions/GeoRestriction", *type = NULL;
	const cJSON *r = NULL, *g = NULL, *locs = NULL;

	if (cf_chk_obj(k, dc, "Restrictions", P_DC, false, &r) != 0)
		return -1;
	if (r == NULL)
		return 0;
	if (cf_chk_obj(k, r, "GeoRestriction", P_DC "/Restrictions", true, &g) != 0 ||
	    cf_chk_enum(k, g, "RestrictionType", P, true, GEO, &type) != 0 ||
	    cf_chk_strs(k, g, "Locations", P, false, &locs) != 0)
		return -1;
	if (strcmp(type, "none") != 0 && cJSON_GetArraySize(locs) == 0)  /* UNCONFIRMED */
		return cf_api_err(k, 400, "InvalidArgument", P,
				  "The parameter Locations is required when RestrictionType is %s.",
				  type);
	return 0;
}

static int check_misc(const struct cf_chk *k, const cJSON *dc)
{
	const char *s = NULL, *root = NULL, *http = NULL;
	bool b;
	const cJSON *o = NULL;

	if (cf_chk_bool(k, dc, "Enabled", P_DC, true, &b) != 0 ||
	    cf_chk_str(k, dc, "DefaultRootObject", P_DC, false, &root) != 0 ||
	    cf_chk_enum(k, dc, "HttpVersion", P_DC, false, HTTP_VERSIONS, &http) != 0 ||
	    cf_chk_enum(k, dc, "PriceClass", P_DC, false, PRICE, &s) != 0 ||
	    cf_chk_bool(k, dc, "IPV6Enabled", P_DC, false, &b) != 0 ||
	    cf_chk_str(k, dc, "Comment", P_DC, false, &s) != 0 ||
	    cf_chk_obj(k, dc, "Logging", P_DC, false, &o) != 0 || check_geo(k, dc) != 0)
		return -1;
	if (root != NULL && root[0] == '/')  /* UNCONFIRMED wording */
		return cf_api_err(k, 400, "InvalidDefaultRootObject", P_DC,
				  "The specified default root object is invalid: %s (give it "
				  "without a leading slash, e.g. index.html).", root);
	if (o != NULL)
		stack_warn(k->c, "Logging is accepted; access logs are not written (see GET "
			   "/requests for frontgate's request traces)");
	if (http != NULL && strcmp(http, "http1.1") != 0)
		stack_warn(k->c, "HttpVersion %s is accepted; viewers are served HTTP/1.1 (frontgate "
			   "does not speak HTTP/2 or HTTP/3: its TLS listener offers no ALPN "
			   "protocol, so clients fall back)", http);
	return 0;
}

static void warn_unemulated(const struct cf_chk *k, const cJSON *dc)
{
	static const char *const KEYS[] = { "WebACLId", "ContinuousDeploymentPolicyId", "Staging",
					    "AnycastIpListId", "CustomOrigin", "S3Origin",
					    "CNAMEs", "TenantConfig", "ConnectionMode" };

	for (size_t i = 0; i < sizeof(KEYS) / sizeof(KEYS[0]); i++) {
		if (cf_j(dc, KEYS[i]) != NULL)
			stack_warn(k->c, "DistributionConfig.%s is accepted and stored; it is not "
				   "emulated", KEYS[i]);
	}
}

static int check_metadata(const struct cf_chk *k)
{
	const char *c = cf_js(cf_j(k->c->metadata, "Frontgate"), "ViewerCountry");

	if (c != NULL && (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')) {
		char path[300];

		fg_err_set(k->err, 400, "ValidationError",
			   "Metadata.Frontgate.ViewerCountry of %s must be a two-letter country "
			   "code in capitals (ISO 3166-1 alpha-2), not '%s'", k->c->logical_id, c);
		snprintf(path, sizeof(path), "Resources.%s.Metadata.Frontgate.ViewerCountry",
			 k->c->logical_id);
		fg_err_at(k->err, k->c->logical_id, path);
		return -1;
	}
	return 0;
}

static int dist_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	struct cf_chk k = { c, err };
	const cJSON *dc = NULL, *aliases = NULL;
	cJSON *ids = cJSON_CreateArray();
	int rc = -1;

	if (cf_chk_obj(&k, props, P_DC, "", true, &dc) != 0 ||
	    cf_chk_keys(&k, dc, P_DC, DC_KEYS) != 0 || check_metadata(&k) != 0 ||
	    check_misc(&k, dc) != 0 || check_aliases(&k, dc, &aliases) != 0 ||
	    check_viewer_cert(&k, dc, aliases) != 0 || check_origins(&k, dc, ids) != 0 ||
	    check_groups(&k, dc, ids) != 0 || cf_check_behaviors(&k, dc, ids) != 0 ||
	    cf_check_errors(&k, dc) != 0)
		goto out;
	warn_unemulated(&k, dc);
	rc = 0;
out:
	cJSON_Delete(ids);
	return rc;
}

static int dist_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		       cJSON *state, struct fg_err *err)
{
	char id[16], domain[64];

	if (phys[0] == '\0') {
		cf_derive_dist_id(c, id);
		snprintf(phys, 256, "%s", id);
	}
	if (c->previous != NULL &&
	    cf_js(cf_j(c->previous, "Attributes"), "DomainName") != NULL)
		snprintf(domain, sizeof(domain), "%s",
			 cf_js(cf_j(c->previous, "Attributes"), "DomainName"));
	else
		cf_derive_domain(c, domain);
	cJSON_AddStringToObject(attrs, "Id", phys);
	cJSON_AddStringToObject(attrs, "DomainName", domain);
	return 0;
}

static const struct stack_rtype DIST_T = { CF_T_DIST, dist_validate, dist_create, NULL, NULL };

void cf_types_register(struct cloudfront *cf, struct stack_registry *r)
{
	stack_registry_add(r, &DIST_T, cf);
	cf_policy_types_register(cf, r);
}
