/*
 * tls_policy.c: the security policies of API Gateway (aws-behavior.md §4) and CloudFront
 * (§5.2) as OpenSSL settings. Cipher names are OpenSSL's, which are the names AWS's tables
 * use. What this machine's OpenSSL cannot do is said in the policy's note: SSLv3 and RC4 are
 * not built into Debian's OpenSSL 3, and no post-quantum key exchange is available in 3.0.
 */
#include "tls/tls.h"

#include <stdio.h>
#include <string.h>

#define T13_ALL "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
#define T13_GCM "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384"

#define ECDHE_GCM                                                                        \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"                     \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
#define ECDHE_CHACHA "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define ECDHE_SHA2                                                                       \
	"ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:"                             \
	"ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384"
#define ECDHE_SHA1                                                                       \
	"ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"                                   \
	"ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA"
#define CF_TLSV1_2016                                                                    \
	ECDHE_GCM ":" ECDHE_CHACHA ":" ECDHE_SHA2 ":" ECDHE_SHA1 ":"                     \
	"AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA:AES128-SHA"
#define APIGW_TLS_1_2                                                                    \
	ECDHE_GCM ":" ECDHE_SHA2 ":"                                                     \
	"AES128-GCM-SHA256:AES128-SHA256:AES256-GCM-SHA384:AES256-SHA256"

static const char no_ssl3[] =
	"SSLv3 and RC4-MD5 are not built into this machine's OpenSSL: TLS 1.0 is the lowest "
	"protocol served";
static const char no_pq[] =
	"post-quantum key exchange is not available in OpenSSL 3.0: classic ECDHE groups only";
static const char apigw_ciphers[] =
	"protocol range per aws-behavior.md §4; the TLS 1.2 cipher list is the one of the "
	"CloudFront policy of the same era (UNCONFIRMED detail: §4 gives no list)";

static const struct tls_policy policies[] = {
	/* API Gateway, legacy (default endpoints: TLS_1_0; private APIs: TLS_1_2) */
	{ "TLS_1_0", "apigw", TLS1_VERSION, TLS1_3_VERSION,
	  CF_TLSV1_2016 ":DES-CBC3-SHA", T13_ALL, apigw_ciphers },
	{ "TLS_1_2", "apigw", TLS1_2_VERSION, TLS1_3_VERSION, APIGW_TLS_1_2, T13_ALL,
	  apigw_ciphers },
	/* API Gateway, enhanced (2025) */
	{ "SecurityPolicy_TLS13_1_3_2025_09", "apigw", TLS1_3_VERSION, TLS1_3_VERSION, "",
	  T13_ALL, NULL },
	{ "SecurityPolicy_TLS13_1_3_FIPS_2025_09", "apigw", TLS1_3_VERSION, TLS1_3_VERSION, "",
	  T13_GCM, NULL },
	{ "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09", "apigw", TLS1_2_VERSION, TLS1_3_VERSION,
	  ECDHE_GCM, T13_ALL, no_pq },
	{ "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09", "apigw", TLS1_2_VERSION, TLS1_3_VERSION,
	  ECDHE_GCM, T13_GCM, no_pq },
	{ "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09", "apigw", TLS1_2_VERSION,
	  TLS1_3_VERSION, ECDHE_GCM, T13_GCM, no_pq },
	{ "SecurityPolicy_TLS13_1_2_PQ_2025_09", "apigw", TLS1_2_VERSION, TLS1_3_VERSION,
	  ECDHE_GCM ":" ECDHE_CHACHA, T13_ALL, no_pq },
	{ "SecurityPolicy_TLS13_1_2_2021_06", "apigw", TLS1_2_VERSION, TLS1_3_VERSION,
	  ECDHE_GCM ":" ECDHE_CHACHA, T13_ALL, NULL },
	{ "SecurityPolicy_TLS13_2025_EDGE", "apigw", TLS1_3_VERSION, TLS1_3_VERSION, "", T13_ALL,
	  NULL },
	{ "SecurityPolicy_TLS12_PFS_2025_EDGE", "apigw", TLS1_2_VERSION, TLS1_3_VERSION,
	  ECDHE_GCM ":" ECDHE_CHACHA ":" ECDHE_SHA2, T13_ALL, NULL },
	{ "SecurityPolicy_TLS12_2018_EDGE", "apigw", TLS1_2_VERSION, TLS1_3_VERSION,
	  ECDHE_GCM ":" ECDHE_CHACHA ":" ECDHE_SHA2 ":AES128-GCM-SHA256:AES256-GCM-SHA384:"
	  "AES128-SHA256", T13_ALL, NULL },
	/* CloudFront viewer policies (§5.2) */
	{ "SSLv3", "cloudfront", TLS1_VERSION, TLS1_3_VERSION, CF_TLSV1_2016 ":DES-CBC3-SHA",
	  T13_ALL, no_ssl3 },
	{ "TLSv1", "cloudfront", TLS1_VERSION, TLS1_3_VERSION, CF_TLSV1_2016 ":DES-CBC3-SHA",
	  T13_ALL, NULL },
	{ "TLSv1_2016", "cloudfront", TLS1_VERSION, TLS1_3_VERSION, CF_TLSV1_2016, T13_ALL,
	  NULL },
	{ "TLSv1.1_2016", "cloudfront", TLS1_1_VERSION, TLS1_3_VERSION, CF_TLSV1_2016, T13_ALL,
	  NULL },
	{ "TLSv1.2_2018", "cloudfront", TLS1_2_VERSION, TLS1_3_VERSION,
	  ECDHE_GCM ":" ECDHE_CHACHA ":" ECDHE_SHA2 ":AES128-GCM-SHA256:AES256-GCM-SHA384:"
	  "AES128-SHA256", T13_ALL, NULL },
	{ "TLSv1.2_2019", "cloudfront", TLS1_2_VERSION, TLS1_3_VERSION,
	  ECDHE_GCM ":" ECDHE_CHACHA ":" ECDHE_SHA2, T13_ALL, NULL },
	{ "TLSv1.2_2021", "cloudfront", TLS1_2_VERSION, TLS1_3_VERSION,
	  ECDHE_GCM ":" ECDHE_CHACHA, T13_ALL, NULL },
	{ "TLSv1.2_2025", "cloudfront", TLS1_2_VERSION, TLS1_3_VERSION, ECDHE_GCM, T13_ALL,
	  "cipher list per AWS's rendered table (UNCONFIRMED detail, aws-behavior.md §5.2)" },
	{ "TLSv1.3_2025", "cloudfront", TLS1_3_VERSION, TLS1_3_VERSION, "", T13_GCM,
	  "no CHACHA20 per AWS's rendered table (UNCONFIRMED detail, aws-behavior.md §5.2)" },
};

#define NPOLICIES (sizeof(policies) / sizeof(policies[0]))

const struct tls_policy *tls_policies(size_t *n)
{
	*n = NPOLICIES;
	return policies;
}

const struct tls_policy *tls_policy_find(const char *name, struct fg_err *err)
{
	char list[2048];
	size_t used = 0;

	for (size_t i = 0; i < NPOLICIES; i++) {
		if (name != NULL && strcmp(name, policies[i].name) == 0)
			return &policies[i];
	}
	list[0] = '\0';
	for (size_t i = 0; i < NPOLICIES && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
					 i ? ", " : "", policies[i].name);
	fg_err_set(err, 400, "InvalidSecurityPolicy",
		   "security policy '%.100s' is not one of: %s", name ? name : "(none)", list);
	return NULL;
}

const struct tls_policy *tls_policy_default(const char *service)
{
	struct fg_err ignored;

	fg_err_clear(&ignored);
	if (service != NULL && strcmp(service, "cloudfront") == 0)
		return tls_policy_find("TLSv1", &ignored);
	return tls_policy_find("TLS_1_0", &ignored);
}

int tls_policy_apply(const struct tls_policy *p, SSL *ssl)
{
	/* A policy without TLS 1.2 ciphers still needs a list OpenSSL accepts. */
	const char *ciphers = p->ciphers[0] ? p->ciphers : "ECDHE-ECDSA-AES128-GCM-SHA256";

	SSL_set_security_level(ssl, p->min_version < TLS1_2_VERSION ? 0 : 2);
	if (SSL_set_min_proto_version(ssl, p->min_version) != 1 ||
	    SSL_set_max_proto_version(ssl, p->max_version) != 1 ||
	    SSL_set_cipher_list(ssl, ciphers) != 1 || SSL_set_ciphersuites(ssl, p->suites) != 1)
		return -1;
	return 0;
}
