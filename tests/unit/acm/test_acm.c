/* Unit tests for acm: the DNS validation record (deterministic, shared by a wildcard and its
 * apex), deploying certificates (zone present, record present, missing record), keeping a
 * certificate across a redeployment, and certificates by ARN on the emulator clock. */
#include <stdlib.h>

#include <ctype.h>

#include <openssl/bn.h>
#include <openssl/x509.h>

#include "acm/acm.h"
#include "cfn/cfn.h"
#include "pki/pki.h"
#include "tap.h"

struct h {
	struct fg_clock clock;
	struct fg_log log;
	struct fg_store *store;
	struct pki_ca *ca;
	struct acm *acm;
	struct stack_registry *reg;
	struct stack_world *w;
};

static const struct pki_ca *the_ca(void *arg)
{
	return arg;
}

static const struct stack_defaults defaults = { "123456789012", "us-east-1" };

static void h_init(struct h *h)
{
	struct fg_err e;
	struct acm_deps d;

	memset(h, 0, sizeof(*h));
	fg_err_clear(&e);
	fg_clock_init(&h->clock);
	fg_log_init(&h->log, FG_LOG_ERROR);
	FG_ASSERT(fg_store_open(":memory:", &h->store, &e) == 0);
	h->ca = pki_ca_generate("unit", &e);
	d.clock = &h->clock;
	d.log = &h->log;
	d.store = h->store;
	d.ca = the_ca;
	d.ca_arg = h->ca;
	h->acm = acm_new(&d);
	h->reg = stack_registry_new();
	acm_register_types(h->acm, h->reg);
	h->w = stack_world_new(NULL);
}

static void h_fini(struct h *h)
{
	stack_world_rel(&h->w);
	stack_registry_destroy(&h->reg);
	acm_destroy(&h->acm);
	pki_ca_free(&h->ca);
	fg_store_close(&h->store);
	fg_log_fini(&h->log);
	fg_clock_fini(&h->clock);
}

/* Deploys a YAML template as stack name; on success the world moves on. */
static int deploy(struct h *h, const char *name, const char *yaml, struct fg_err *e)
{
	cJSON *tpl = cfn_parse(yaml, strlen(yaml), CFN_FORMAT_YAML, e), *doc = NULL;
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .template = tpl,
				     .now_ms = fg_clock_now_ms(&h->clock) };
	bool created;
	int rc;

	FG_ASSERT(tpl != NULL);
	rc = stack_deploy(h->reg, &defaults, h->w, &req, &doc, &next, &created, e);
	if (rc == 0) {
		stack_world_rel(&h->w);
		h->w = next;
	}
	cJSON_Delete(doc);
	cJSON_Delete(tpl);
	return rc;
}

static const cJSON *resource(struct h *h, const char *stack, const char *logical)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(stack_world_find(h->w, stack), "Resources")) {
		if (strcmp(cJSON_GetObjectItem(r, "LogicalId")->valuestring, logical) == 0)
			return r;
	}
	return NULL;
}

static void test_record(void)
{
	char n1[320], v1[128], n2[320], v2[128], n3[320], v3[128];

	acm_validation_record("123456789012", "shop.example.com", n1, v1);
	acm_validation_record("123456789012", "*.Shop.Example.com", n2, v2);
	acm_validation_record("210987654321", "shop.example.com", n3, v3);
	ok(strlen(n1) == 1 + 32 + 1 + strlen("shop.example.com.") && n1[0] == '_' &&
	   strcmp(n1 + 34, "shop.example.com.") == 0, "name _<32 hex>.<domain>.");
	ok(strlen(v1) == 1 + 32 + 1 + 10 + strlen(".acm-validations.aws.") &&
	   strcmp(v1 + 44, ".acm-validations.aws.") == 0, "value _<32 hex>.<10>.acm-validations.aws.");
	is_str(n2, n1, "a wildcard shares its apex's record");
	is_str(v2, v1, "and value");
	ok(strcmp(n3, n1) != 0, "another account gets another record");
}

static const char zone_tpl[] =
	"Resources:\n"
	"  Zone: {Type: AWS::Route53::HostedZone, Properties: {Name: example.com.}}\n"
	"  Cert:\n"
	"    Type: AWS::CertificateManager::Certificate\n"
	"    Properties:\n"
	"      DomainName: api.example.com\n"
	"      ValidationMethod: DNS\n"
	"      KeyAlgorithm: EC_secp384r1\n"
	"      DomainValidationOptions: [{DomainName: api.example.com, HostedZoneId: !Ref Zone}]\n";

static void test_deploy(void)
{
	struct h h;
	struct fg_err e;
	const cJSON *cert, *st;
	char fp[65], arn[256];
	struct fg_arena *a = fg_arena_new(4096);
	struct fg_cert c;

	h_init(&h);
	fg_err_clear(&e);
	fg_clock_set_fixed(&h.clock, 1767225600000LL); /* 2026-01-01 */
	ok(deploy(&h, "s", zone_tpl, &e) == 0, "zone present: deployed (%s)", e.message);
	cert = resource(&h, "s", "Cert");
	st = cJSON_GetObjectItem(cert, "State");
	is_str(cJSON_GetObjectItem(st, "Status")->valuestring, "ISSUED", "ISSUED");
	is_str(cJSON_GetObjectItem(st, "GeneratedKeyAlgorithm")->valuestring, "EC_secp384r1",
	       "the key asked for");
	is_str(cJSON_GetObjectItem(st, "NotBefore")->valuestring, "2026-01-01T00:00:00Z",
	       "NotBefore on the emulator clock");
	is_int(cJSON_GetArraySize(cJSON_GetObjectItem(st, "ValidationRecords")), 1,
	       "the record written into the zone");
	snprintf(fp, sizeof(fp), "%s", cJSON_GetObjectItem(st, "Fingerprint")->valuestring);
	snprintf(arn, sizeof(arn), "%s", cJSON_GetObjectItem(cert, "PhysicalId")->valuestring);
	{
		char *text = cJSON_PrintUnformatted(st);

		ok(strstr(text, "PRIVATE KEY") == NULL, "no key in State");
		free(text);
	}
	{
		/* the facts State records come from issuing, not from parsing: they must be
		 * what the certificate itself says */
		X509 *x = pki_cert_parse(cJSON_GetObjectItem(st, "CertificatePem")->valuestring);
		BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		char f2[65], alg[32], *hex = BN_bn2hex(bn);
		int64_t nb, na;

		for (char *p = hex; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		pki_cert_fingerprint(x, f2);
		pki_cert_validity(x, &nb, &na);
		ok(strcmp(f2, fp) == 0 &&
		   strcmp(hex, cJSON_GetObjectItem(st, "Serial")->valuestring) == 0 &&
		   strcmp(pki_cert_key_alg(x, alg),
			  cJSON_GetObjectItem(st, "GeneratedKeyAlgorithm")->valuestring) == 0 &&
		   nb == (int64_t)cJSON_GetObjectItem(st, "NotBeforeMs")->valuedouble &&
		   na == (int64_t)cJSON_GetObjectItem(st, "NotAfterMs")->valuedouble,
		   "fingerprint, serial, key algorithm and validity are the certificate's");
		OPENSSL_free(hex);
		BN_free(bn);
		X509_free(x);
	}

	acm_certs(h.acm)->by_arn(h.acm, h.w, arn, fg_clock_now_ms(&h.clock), a, &c);
	ok(c.status == FG_CERT_ISSUED && c.key_pem != NULL && strstr(c.key_pem, "PRIVATE KEY"),
	   "by ARN: issued, with its key from the store");
	ok(c.nnames == 1 && strcmp(c.names[0], "api.example.com") == 0, "names");
	is_str(c.region, "us-east-1", "region from the ARN");
	acm_certs(h.acm)->by_arn(h.acm, h.w, arn, c.not_after_ms + 1, a, &c);
	ok(c.status == FG_CERT_EXPIRED && c.chain_pem != NULL, "past NotAfter: EXPIRED, served");
	acm_certs(h.acm)->by_arn(h.acm, h.w, "arn:aws:acm:us-east-1:1:certificate/x", 0, a, &c);
	ok(c.status == FG_CERT_NOT_FOUND, "unknown ARN");

	ok(deploy(&h, "s", zone_tpl, &e) == 0, "redeployed unchanged");
	st = cJSON_GetObjectItem(resource(&h, "s", "Cert"), "State");
	is_str(cJSON_GetObjectItem(st, "Fingerprint")->valuestring, fp, "same certificate kept");

	ok(deploy(&h, "t", "Resources:\n  C2:\n    Type: AWS::CertificateManager::Certificate\n"
			   "    Properties: {DomainName: api.example.com, ValidationMethod: DNS}\n",
		  &e) == 0, "another certificate finds the record already written");
	ok(deploy(&h, "u", "Resources:\n  C3:\n    Type: AWS::CertificateManager::Certificate\n"
			   "    Properties: {DomainName: www.example.net, ValidationMethod: DNS}\n",
		  &e) != 0 && strcmp(e.code, "NotStabilized") == 0 &&
	   strstr(e.message, ".www.example.net. CNAME _") != NULL &&
	   strcmp(e.resource, "C3") == 0, "no record: the error names it");
	ok(acm_set_fidelity(h.acm, "validation-wait=5000", &e) != 0, "wait bounded");
	ok(acm_set_fidelity(h.acm, "validation-wait=0", &e) == 0, "wait 0");
	fg_arena_destroy(&a);
	h_fini(&h);
}

int main(void)
{
	test_record();
	test_deploy();
	return tap_done();
}
