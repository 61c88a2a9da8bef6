/*
 * apigw_domain_types.c: the control plane of custom domain names — AWS::ApiGateway::DomainName,
 * AWS::ApiGateway::BasePathMapping and AWS::ApiGatewayV2::ApiMapping (for REST APIs).
 *
 * Reference: ../shared/aws-behavior.md §1.3 (mappings), §4 (endpoint types, security policies,
 * certificate region rule, mutual TLS), §7.1 (regional hosted zone ids). AWS's own messages are
 * used where they are known; the ones marked UNCONFIRMED are frontgate's wording for a check
 * AWS makes with a message nobody recorded.
 *
 * Certificates are looked up in the world's resource documents (the shared model: an
 * AWS::CertificateManager::Certificate's PhysicalId is its ARN, its stack's Region its
 * region), never through the acm module. An ARN that names no certificate of the world — a
 * literal ARN from a real account — is accepted with a warning: frontgate then serves its own
 * default certificate for the name. The mTLS truststore cannot come from S3: it is given in
 * Metadata.Frontgate (TruststorePem inline, or TruststoreFile, read when the resource is
 * deployed) and kept in the resource's State.
 */
#include "apigw/apigw_priv.h"
#include "awsdata/awsdata.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/x509.h>

#define T_DOMAIN "AWS::ApiGateway::DomainName"
#define T_BPM "AWS::ApiGateway::BasePathMapping"
#define T_APIMAP "AWS::ApiGatewayV2::ApiMapping"
#define T_CERT "AWS::CertificateManager::Certificate"
#define T_RESTAPI "AWS::ApiGateway::RestApi"

#define V2_EDGE_MSG "Only REGIONAL domain names can be managed through the API Gateway V2 API. " \
	"For EDGE domain names, please use the API Gateway V1 API. Also note that only REST " \
	"APIs can be attached to EDGE domain names."
#define V2_TLS10_MSG "Only REGIONAL domain names with a security policy of TLS 1.2 can be " \
	"managed through the API Gateway V2 API. For TLS 1.0 domain names, please use the API " \
	"Gateway V1 API to upgrade your security policy to TLS 1.2. Currently, only REST APIs " \
	"can be attached to a domain name with a security policy of TLS 1.0."
#define V1_SLASH_MSG "API Gateway V1 doesn't support the slash character (/) in base path " \
	"mappings. To create a multi-level base path mapping, use API Gateway V2."

/* ------------------------------------------------------------------ tables */

/* §4: the securityPolicy enum of AWS's model. */
static const char *const POLICIES[] = {
	"TLS_1_0", "TLS_1_2",
	"SecurityPolicy_TLS13_1_3_2025_09", "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
	"SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09", "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
	"SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09", "SecurityPolicy_TLS13_1_2_PQ_2025_09",
	"SecurityPolicy_TLS13_1_2_2021_06", "SecurityPolicy_TLS13_2025_EDGE",
	"SecurityPolicy_TLS12_PFS_2025_EDGE", "SecurityPolicy_TLS12_2018_EDGE",
};

bool apigw_policy_known(const char *policy)
{
	for (size_t i = 0; i < sizeof(POLICIES) / sizeof(POLICIES[0]); i++) {
		if (strcmp(POLICIES[i], policy) == 0)
			return true;
	}
	return false;
}

static bool policy_enhanced(const char *p)
{
	return strncmp(p, "SecurityPolicy_", 15) == 0;
}

static bool policy_for_edge(const char *p)
{
	size_t n = strlen(p);

	return n > 5 && strcmp(p + n - 5, "_EDGE") == 0;
}

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

/* Calls f on every deployed resource of type: this stack's so far in this change, then the
 * other stacks' (with their Account and Region). f returns true to stop. */
typedef bool (*visit_f)(const cJSON *res, const char *account, const char *region, void *arg);

static const cJSON *visit_type(const struct stack_rctx *c, const char *type, visit_f f,
			       void *arg)
{
	const cJSON *r, *doc;

	cJSON_ArrayForEach(r, c->deployed) {
		if (strcmp(pstr(r, "Type"), type) == 0 && f(r, c->account, c->region, arg))
			return r;
	}
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		if (strcmp(pstr(doc, "Name"), c->stack_name) == 0)
			continue;
		cJSON_ArrayForEach(r, prop(doc, "Resources")) {
			if (strcmp(pstr(r, "Type"), type) == 0 &&
			    f(r, pstr(doc, "Account"), pstr(doc, "Region"), arg))
				return r;
		}
	}
	return NULL;
}

struct by_phys {
	const char *phys;
	const char *account, *region;   /* of the stack the resource is in */
};

static bool phys_visit(const cJSON *res, const char *account, const char *region, void *arg)
{
	struct by_phys *b = arg;

	if (strcasecmp(pstr(res, "PhysicalId"), b->phys) != 0)
		return false;
	b->account = account;
	b->region = region;
	return true;
}

/* "EDGE" (CloudFormation's default), "REGIONAL", "PRIVATE"; NULL when the value is not one. */
static const char *endpoint_of(const cJSON *props)
{
	const cJSON *types = prop(prop(props, "EndpointConfiguration"), "Types"), *t;

	if (types == NULL)
		return "EDGE";
	t = cJSON_GetArrayItem(types, 0);
	if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) != 1 || !cJSON_IsString(t))
		return NULL;
	if (strcmp(t->valuestring, "EDGE") == 0 || strcmp(t->valuestring, "REGIONAL") == 0 ||
	    strcmp(t->valuestring, "PRIVATE") == 0)
		return t->valuestring;
	return NULL;
}

/* SecurityPolicy, or the default a domain gets without one (§4: TLS_1_0; private TLS_1_2). */
static const char *policy_of(const cJSON *props, const char *endpoint)
{
	const char *p = pstr(props, "SecurityPolicy");

	if (p != NULL)
		return p;
	return endpoint != NULL && strcmp(endpoint, "PRIVATE") == 0 ? "TLS_1_2" : "TLS_1_0";
}

/* -------------------------------------------------------------- DomainName */

/* Lowercase labels of letters, digits and hyphens, optionally "*." in front. */
static bool domain_name_valid(const char *name)
{
	const char *p = name;
	int labels = 0;

	if (strncmp(p, "*.", 2) == 0)
		p += 2;
	if (strlen(name) > 253 || *p == '\0')
		return false;
	while (*p) {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");

		if (n == 0 || n > 63 || p[0] == '-' || p[n - 1] == '-')
			return false;
		labels++;
		p += n;
		if (*p == '.')
			p++;
		else if (*p != '\0')
			return false;
		else
			break;
	}
	return labels >= 2 && name[strlen(name) - 1] != '.';
}

static int domain_endpoint(struct stack_rctx *c, const cJSON *props, const char **out,
			   struct fg_err *err)
{
	const cJSON *ec = prop(props, "EndpointConfiguration"), *types;

	*out = endpoint_of(props);
	if (*out != NULL)
		return 0;
	if (!cJSON_IsObject(ec))
		return stack_schema_err(c, err, "EndpointConfiguration",
				  "#/EndpointConfiguration: expected type: JSONObject, found: %s",
					stack_json_kind(ec));
	types = prop(ec, "Types");
	if (!cJSON_IsArray(types) || cJSON_GetArraySize(types) != 1)
		return apigw_handler_err(c, err, 400, "BadRequestException",
					 "EndpointConfiguration.Types",
				   "Invalid endpoint configuration: exactly one endpoint type "
					 "must be specified");
	return stack_schema_err(c, err, "EndpointConfiguration.Types",
			  "#/EndpointConfiguration/Types/0: %s is not a valid enum value",
				cJSON_IsString(cJSON_GetArrayItem(types, 0))
				? cJSON_GetArrayItem(types, 0)->valuestring
				: stack_json_kind(cJSON_GetArrayItem(types, 0)));
}

/* The policy rules of §4 (messages UNCONFIRMED: AWS's wording was not recorded). */
static int policy_check(struct stack_rctx *c, const cJSON *props, const char *ep,
			struct fg_err *err)
{
	const char *policy = NULL, *mode = NULL;

	if (stack_opt_str(c, props, "SecurityPolicy", "SecurityPolicy", &policy, err) != 0 ||
	    stack_opt_str(c, props, "EndpointAccessMode", "EndpointAccessMode", &mode, err) != 0)
		return -1;
	if (policy != NULL && !apigw_policy_known(policy))
		return apigw_handler_err(c, err, 400, "BadRequestException", "SecurityPolicy",
					 "Invalid security policy: %s. Valid values are TLS_1_0, "
					 "TLS_1_2 and the SecurityPolicy_* policies", policy);
	policy = policy_of(props, ep);
	if (policy_enhanced(policy) && policy_for_edge(policy) != (strcmp(ep, "EDGE") == 0))
		return apigw_handler_err(c, err, 400, "BadRequestException", "SecurityPolicy",
					 "The security policy %s is not supported for %s domain "
					 "names: policies ending in _EDGE are for EDGE endpoints "
					 "only", policy, ep);
	if (mode != NULL && strcmp(mode, "BASIC") != 0 && strcmp(mode, "STRICT") != 0)
		return stack_schema_err(c, err, "EndpointAccessMode",
					"#/EndpointAccessMode: %s is not a valid enum value", mode);
	if (policy_enhanced(policy) && mode == NULL)
		return apigw_handler_err(c, err, 400, "BadRequestException", "EndpointAccessMode",
					 "The security policy %s requires an endpoint access mode: "
					 "set EndpointAccessMode to BASIC or STRICT", policy);
	if (!policy_enhanced(policy) && mode != NULL)
		return apigw_handler_err(c, err, 400, "BadRequestException", "EndpointAccessMode",
					 "An endpoint access mode is only available for domain "
					 "names whose security policy starts with SecurityPolicy_ "
					 "(this one has %s)", policy);
	return 0;
}

/*
 * The certificate rule of §4: EDGE domains take CertificateArn in us-east-1, the others
 * RegionalCertificateArn in the domain's region (AWS's message for the wrong region).
 */
static int cert_check(struct stack_rctx *c, const cJSON *props, const char *ep,
		      const char *domain, struct fg_err *err)
{
	bool edge = strcmp(ep, "EDGE") == 0;
	const char *key = edge ? "CertificateArn" : "RegionalCertificateArn";
	const char *other = edge ? "RegionalCertificateArn" : "CertificateArn";
	const char *arn = NULL, *want = edge ? "us-east-1" : c->region;
	struct by_phys b = { NULL, NULL, NULL };
	const cJSON *cert;
	char region[64] = "";

	if (stack_opt_str(c, props, key, key, &arn, err) != 0)
		return -1;
	if (arn == NULL && strcmp(ep, "PRIVATE") == 0 &&
	    stack_opt_str(c, props, other, other, &arn, err) != 0)
		return -1;
	if (arn == NULL)        /* UNCONFIRMED wording */
		return apigw_handler_err(c, err, 400, "BadRequestException", key,
					 "A certificate is required for %s domain name %s: set %s%s",
					 ep, domain, key, edge ? " (a certificate in us-east-1)" : "");
	if (pstr(props, other) != NULL && strcmp(ep, "PRIVATE") != 0)
		return apigw_handler_err(c, err, 400, "BadRequestException", other,
					 "%s is for %s endpoints; a%s %s domain name takes %s",
					 other, edge ? "REGIONAL" : "EDGE", edge ? "n" : "", ep, key);
	b.phys = arn;
	cert = visit_type(c, T_CERT, phys_visit, &b);
	if (cert != NULL)
		snprintf(region, sizeof(region), "%s", b.region);
	else if (sscanf(arn, "arn:%*[a-z-]:acm:%63[a-z0-9-]:%*[0-9]:certificate/%*s", region) != 1)
		return apigw_handler_err(c, err, 400, "BadRequestException", key,
					 "Invalid certificate ARN: %s", arn);
	if (strcmp(region, want) != 0)
		return apigw_handler_err(c, err, 400, "BadRequestException", key,
					 "Invalid certificate ARN: %s. Certificate must be in '%s'.",
					 arn, want);
	return 0;
}

static void cert_warning(struct stack_rctx *c, const cJSON *props, const char *ep,
			 const char *domain)
{
	const char *arn = pstr(props, strcmp(ep, "EDGE") == 0 ? "CertificateArn"
							      : "RegionalCertificateArn");
	struct by_phys b = { NULL, NULL, NULL };
	const cJSON *cert;

	if (arn == NULL)
		arn = pstr(props, "CertificateArn");
	if (arn == NULL)
		return;
	b.phys = arn;
	cert = visit_type(c, T_CERT, phys_visit, &b);
	if (cert == NULL || !cJSON_IsTrue(prop(cert, "Emulated")))
		stack_warn(c, "certificate %s is %s: over HTTPS frontgate serves its own default "
			   "certificate for %s (signed by the local CA) instead", arn,
			   cert == NULL ? "not a certificate of this world"
					: "not emulated (AWS::CertificateManager::Certificate)",
			   domain);
}

/*
 * The truststore PEM of a MutualTlsAuthentication (malloc'd): Metadata.Frontgate.TruststorePem
 * or the file Metadata.Frontgate.TruststoreFile names. NULL with err when neither is usable.
 */
static char *truststore_pem(struct stack_rctx *c, struct fg_err *err)
{
	const cJSON *fg = prop(c->metadata, "Frontgate");
	const char *pem = pstr(fg, "TruststorePem"), *file = pstr(fg, "TruststoreFile");
	struct fg_buf b;
	char chunk[8192];
	size_t n;
	FILE *f;

	if (pem != NULL)
		return strdup(pem);
	if (file == NULL) {
		stack_schema_err(c, err, "MutualTlsAuthentication.TruststoreUri",
				 "frontgate cannot read the truststore from S3: give its PEM bundle "
				 "in Metadata.Frontgate.TruststorePem (inline) or "
				 "Metadata.Frontgate.TruststoreFile (a file path)");
		return NULL;
	}
	if ((f = fopen(file, "rb")) == NULL) {
		stack_schema_err(c, err, "MutualTlsAuthentication.TruststoreUri",
				 "Metadata.Frontgate.TruststoreFile %s cannot be read: %s", file,
				 strerror(errno));
		return NULL;
	}
	fg_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < (size_t)4 << 20)
		fg_buf_append(&b, chunk, n);
	fclose(f);
	fg_buf_append(&b, "", 1);
	return fg_buf_take(&b);
}

/* §4: mutual TLS on REGIONAL domain names with the TLS_1_2 policy only (wording UNCONFIRMED);
 * the truststore must hold a certificate (bad entries are warnings, as in AWS). */
static int mtls_check(struct stack_rctx *c, const cJSON *props, const char *ep,
		      struct fg_err *err)
{
	const cJSON *m = prop(props, "MutualTlsAuthentication");
	const char *uri = NULL, *policy = policy_of(props, ep);
	struct x509_store_st *store;
	int ncerts = 0, nbad = 0;
	char *pem;

	if (m == NULL || cJSON_IsNull(m))
		return 0;
	if (!cJSON_IsObject(m))
		return stack_schema_err(c, err, "MutualTlsAuthentication",
				  "#/MutualTlsAuthentication: expected type: JSONObject, found: %s",
					stack_json_kind(m));
	if (stack_opt_str(c, m, "TruststoreUri", "MutualTlsAuthentication/TruststoreUri", &uri,
			  err) != 0)
		return -1;
	if (uri == NULL || strncmp(uri, "s3://", 5) != 0)
		return apigw_handler_err(c, err, 400, "BadRequestException",
					 "MutualTlsAuthentication.TruststoreUri",
					 "Truststore URI must be an S3 URI (s3://bucket/key), not "
					 "'%s'", uri ? uri : "");
	if (strcmp(ep, "REGIONAL") != 0)
		return apigw_handler_err(c, err, 400, "BadRequestException",
					 "MutualTlsAuthentication",
					 "Mutual TLS is only supported on REGIONAL domain names (this "
					 "one is %s)", ep);
	if (strcmp(policy, "TLS_1_2") != 0)
		return apigw_handler_err(c, err, 400, "BadRequestException",
					 "MutualTlsAuthentication",
					 "Mutual TLS requires the TLS_1_2 security policy (this domain "
					 "name has %s)", policy);
	if ((pem = truststore_pem(c, err)) == NULL)
		return -1;
	store = apigw_mtls_truststore(pem, &ncerts, &nbad);
	free(pem);
	X509_STORE_free(store);
	if (ncerts == 0)
		return stack_schema_err(c, err, "MutualTlsAuthentication.TruststoreUri",
					"the truststore in Metadata.Frontgate holds no readable PEM "
					"certificate");
	if (nbad > 0)
		stack_warn(c, "the truststore has %d entr%s that could not be read as a "
			   "certificate (ignored, as API Gateway only warns about them)", nbad,
			   nbad == 1 ? "y" : "ies");
	return 0;
}

static int domain_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *name = NULL, *ep;
	struct by_phys b = { NULL, NULL, NULL };

	if (stack_need_str(c, props, "DomainName", &name, err) != 0 ||
	    domain_endpoint(c, props, &ep, err) != 0)
		return -1;
	if (!domain_name_valid(name))   /* wording UNCONFIRMED */
		return apigw_handler_err(c, err, 400, "BadRequestException", "DomainName",
					 "Invalid domain name: '%s'. Use lowercase letters, digits "
					 "and hyphens in dot-separated labels, optionally under a "
					 "leading '*.'", name);
	b.phys = name;
	if (visit_type(c, T_DOMAIN, phys_visit, &b) != NULL)
		return apigw_handler_err(c, err, 400, "BadRequestException", "DomainName",
					 "The domain name you provided already exists.");
	if (policy_check(c, props, ep, err) != 0 || cert_check(c, props, ep, name, err) != 0 ||
	    mtls_check(c, props, ep, err) != 0)
		return -1;
	return 0;
}

static void domain_warnings(struct stack_rctx *c, const cJSON *props, const char *ep,
			    const char *name)
{
	cert_warning(c, props, ep, name);
	if (pstr(props, "OwnershipVerificationCertificateArn") != NULL)
		stack_warn(c, "OwnershipVerificationCertificateArn is stored; frontgate does not "
			   "verify domain ownership");
	if (strcmp(ep, "PRIVATE") == 0)
		stack_warn(c, "PRIVATE custom domain names (AWS::ApiGateway::DomainNameV2, VPC "
			   "endpoint access) are not emulated: frontgate serves this one like a "
			   "REGIONAL domain name, to any client");
}

static int domain_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			 cJSON *attrs, cJSON *state, struct fg_err *err)
{
	const char *name = pstr(props, "DomainName"), *ep = endpoint_of(props), *zone;
	char id[16], salt[300], buf[512];

	snprintf(phys, 256, "%s", name);
	/* the target names change with the name (a new name is a new domain in AWS) */
	snprintf(salt, sizeof(salt), "domain|%s", name);
	if (strcmp(ep, "EDGE") == 0) {
		stack_derived_id(c, salt, APIGW_ID_ALPHABET, 13, id);
		snprintf(buf, sizeof(buf), "d%s.cloudfront.net", id);
		cJSON_AddStringToObject(attrs, "DistributionDomainName", buf);
		cJSON_AddStringToObject(attrs, "DistributionHostedZoneId", AWS_CLOUDFRONT_ZONE_ID);
	} else {
		stack_derived_id(c, salt, APIGW_ID_ALPHABET, 10, id);
		snprintf(buf, sizeof(buf), "d-%s.execute-api.%s.amazonaws.com", id, c->region);
		cJSON_AddStringToObject(attrs, "RegionalDomainName", buf);
		zone = aws_apigw_regional_zone(c->region);
		if (zone == NULL) {
			char z[16];

			stack_derived_id(c, "zone", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 13, z);
			snprintf(buf, sizeof(buf), "Z%s", z);
			zone = buf;
			stack_warn(c, "region %s is not in API Gateway's table of regional hosted "
				   "zone ids (aws-behavior.md §7.1): RegionalHostedZoneId is the "
				   "made-up %s", c->region, buf);
		}
		cJSON_AddStringToObject(attrs, "RegionalHostedZoneId", zone);
	}
	snprintf(buf, sizeof(buf), "arn:aws:apigateway:%s::/domainnames/%s", c->region, name);
	cJSON_AddStringToObject(attrs, "DomainNameArn", buf);
	if (prop(props, "MutualTlsAuthentication") != NULL &&
	    !cJSON_IsNull(prop(props, "MutualTlsAuthentication"))) {
		char *pem = truststore_pem(c, err);

		if (pem == NULL)
			return -1;
		cJSON_AddStringToObject(state, "TruststorePem", pem);
		free(pem);
	}
	domain_warnings(c, props, ep, name);
	return 0;
}

/* ----------------------------------------------------------------- mappings */

/* The DomainName resource a mapping names (any case), with its stack's account and region. */
static const cJSON *find_domain(struct stack_rctx *c, const char *name, const char *service,
				struct fg_err *err)
{
	struct by_phys b = { name, NULL, NULL };
	const cJSON *d = visit_type(c, T_DOMAIN, phys_visit, &b);

	if (d == NULL)
		stack_handler_err(c, err, service, 404, "NotFoundException", "DomainName",
				  "Invalid domain name identifier specified");
	return d;
}

struct stage_find {
	const char *name;
};

static bool stage_visit(const cJSON *res, void *arg)
{
	const char *name = pstr(prop(res, "Properties"), "StageName");

	return name != NULL && strcmp(name, ((struct stage_find *)arg)->name) == 0;
}

/* A Stage resource or a Deployment's StageName on the API. */
static bool stage_exists(struct stack_rctx *c, const char *api_id, const char *stage)
{
	struct stage_find s = { stage };

	return apigw_visit_api(c, "AWS::ApiGateway::Stage", api_id, stage_visit, &s) != NULL ||
	       apigw_visit_api(c, "AWS::ApiGateway::Deployment", api_id, stage_visit, &s) != NULL;
}

/* Letters, digits and $-_.+!*'() (the characters a base path may hold; AWS's rule as the CDK
 * documents it; the error wording is UNCONFIRMED). */
static bool key_segment_valid(const char *s, size_t n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789$-_.+!*'()";

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0' || strchr(ok, s[i]) == NULL)
			return false;
	}
	return true;
}

static bool key_valid(const char *key)
{
	const char *p = key;

	while (true) {
		size_t n = strcspn(p, "/");

		if (!key_segment_valid(p, n))
			return false;
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

/* The key a mapping resource serves: V1 "(none)" and "" are the empty key. */
static const char *mapping_key(const cJSON *res)
{
	const cJSON *props = prop(res, "Properties");
	const char *k = strcmp(pstr(res, "Type"), T_BPM) == 0 ? pstr(props, "BasePath")
							      : pstr(props, "ApiMappingKey");

	if (k == NULL || strcmp(k, "(none)") == 0)
		return "";
	return k;
}

struct key_clash {
	const char *domain, *key;
};

static bool clash_visit(const cJSON *res, const char *account, const char *region, void *arg)
{
	struct key_clash *k = arg;
	const char *d = pstr(prop(res, "Properties"), "DomainName");

	return d != NULL && strcasecmp(d, k->domain) == 0 && strcmp(mapping_key(res), k->key) == 0;
}

/* Another BasePathMapping or ApiMapping of the domain with the same key. */
static bool key_taken(struct stack_rctx *c, const char *domain, const char *key)
{
	struct key_clash k = { domain, key };

	return visit_type(c, T_BPM, clash_visit, &k) != NULL ||
	       visit_type(c, T_APIMAP, clash_visit, &k) != NULL;
}

static int bpm_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *domain = NULL, *path = NULL, *stage = NULL, *api_id;
	const cJSON *api;

	if (stack_need_str(c, props, "DomainName", &domain, err) != 0 ||
	    stack_opt_str(c, props, "BasePath", "BasePath", &path, err) != 0 ||
	    stack_opt_str(c, props, "Stage", "Stage", &stage, err) != 0 ||
	    find_domain(c, domain, "ApiGateway", err) == NULL ||
	    (api = apigw_find_api(c, props, err)) == NULL)
		return -1;
	api_id = pstr(api, "PhysicalId");
	if (path == NULL || strcmp(path, "(none)") == 0)
		path = "";
	if (strchr(path, '/') != NULL)
		return apigw_handler_err(c, err, 400, "BadRequestException", "BasePath",
					 V1_SLASH_MSG);
	if (path[0] != '\0' && !key_valid(path))
		return apigw_handler_err(c, err, 400, "BadRequestException", "BasePath",
					 "Invalid base path '%s': a base path may contain only "
					 "letters, numbers and $-_.+!*'()", path);
	if (stage != NULL && stage[0] != '\0' && !stage_exists(c, api_id, stage))
		return apigw_handler_err(c, err, 400, "BadRequestException", "Stage",
					 "Invalid stage identifier specified");
	if (key_taken(c, domain, path))
		return apigw_handler_err(c, err, 409, "ConflictException", "BasePath",
					 "Base path already exists for this domain name");
	return 0;
}

static int bpm_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		      cJSON *state, struct fg_err *err)
{
	if (phys[0] == '\0')
		stack_default_physical_id(c, phys);
	return 0;
}

#define apigwv2_err(c, err, ...) stack_handler_err(c, err, "ApiGatewayV2", __VA_ARGS__)

static int apimap_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const need[] = { "ApiId", "DomainName", "Stage", NULL };
	const char *domain, *api_id, *stage, *key = NULL, *ep;
	const cJSON *dom, *dprops;

	if (stack_require_keys(c, props, need, err) != 0 ||
	    stack_need_str(c, props, "DomainName", &domain, err) != 0 ||
	    stack_need_str(c, props, "ApiId", &api_id, err) != 0 ||
	    stack_need_str(c, props, "Stage", &stage, err) != 0 ||
	    stack_opt_str(c, props, "ApiMappingKey", "ApiMappingKey", &key, err) != 0 ||
	    (dom = find_domain(c, domain, "ApiGatewayV2", err)) == NULL)
		return -1;
	dprops = prop(dom, "Properties");
	ep = endpoint_of(dprops);
	if (ep == NULL || strcmp(ep, "REGIONAL") != 0)
		return apigwv2_err(c, err, 400, "BadRequestException", "DomainName", V2_EDGE_MSG);
	if (strcmp(policy_of(dprops, ep), "TLS_1_0") == 0)
		return apigwv2_err(c, err, 400, "BadRequestException", "DomainName", V2_TLS10_MSG);
	if (stack_rctx_find(c, T_RESTAPI, api_id) == NULL) {
		if (stack_rctx_find(c, "AWS::ApiGatewayV2::Api", api_id) != NULL) {
			stack_warn(c, "ApiId %s is an HTTP or WebSocket API, which frontgate does "
				   "not emulate: requests this mapping selects answer 403 Forbidden",
				   api_id);
			return 0;
		}
		return apigwv2_err(c, err, 404, "NotFoundException", "ApiId",
				   "Invalid API identifier specified");
	}
	if (!stage_exists(c, api_id, stage))
		return apigwv2_err(c, err, 404, "NotFoundException", "Stage",
				   "Invalid stage identifier specified");
	if (key == NULL)
		key = "";
	if (key[0] != '\0' && !key_valid(key))      /* wording UNCONFIRMED */
		return apigwv2_err(c, err, 400, "BadRequestException", "ApiMappingKey",
				   "Invalid ApiMappingKey '%s': use path segments of letters, "
				   "numbers and $-_.+!*'() separated by single slashes, without a "
				   "leading or trailing slash", key);
	if (key_taken(c, domain, key))      /* wording UNCONFIRMED */
		return apigwv2_err(c, err, 409, "ConflictException", "ApiMappingKey",
				   "ApiMapping key '%s' already exists for domain name %s", key,
				   domain);
	return 0;
}

static int apimap_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			 cJSON *attrs, cJSON *state, struct fg_err *err)
{
	apigw_derive_id(c, "api-mapping", 6, phys);
	cJSON_AddStringToObject(attrs, "ApiMappingId", phys);
	return 0;
}

/* ----------------------------------------------------------------- register */

static const struct stack_rtype domain_type = {
	.type = T_DOMAIN, .validate = domain_validate, .create = domain_create,
};
static const struct stack_rtype bpm_type = {
	.type = T_BPM, .validate = bpm_validate, .create = bpm_create,
};
static const struct stack_rtype apimap_type = {
	.type = T_APIMAP, .validate = apimap_validate, .create = apimap_create,
};

void apigw_domain_types_register(struct apigw *a, struct stack_registry *r)
{
	stack_registry_add(r, &domain_type, a);
	stack_registry_add(r, &bpm_type, a);
	stack_registry_add(r, &apimap_type, a);
}
