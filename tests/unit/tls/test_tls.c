/* Unit tests for tls: the security-policy table (names, protocol ranges, cipher lists as
 * OpenSSL applies them), --tls-site arguments, and the local CA kept in the store. */
#include <openssl/ssl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "tls/tls.h"

static bool has_cipher(SSL *ssl, const char *name)
{
	STACK_OF(SSL_CIPHER) *sk = SSL_get_ciphers(ssl);

	for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++) {
		if (strcmp(SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)), name) == 0)
			return true;
	}
	return false;
}

static void test_policies(void)
{
	struct fg_err e;
	const struct tls_policy *p;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	SSL *ssl = SSL_new(ctx);
	size_t n;

	fg_err_clear(&e);
	p = tls_policy_find("TLS_1_2", &e);
	ok(p != NULL && p->min_version == TLS1_2_VERSION && strcmp(p->service, "apigw") == 0,
	   "TLS_1_2: API Gateway, TLS 1.2 and up");
	p = tls_policy_find("TLSv1.2_2021", &e);
	ok(p != NULL && tls_policy_apply(p, ssl) == 0, "TLSv1.2_2021 applies");
	ok(SSL_get_min_proto_version(ssl) == TLS1_2_VERSION, "its floor is TLS 1.2");
	ok(has_cipher(ssl, "ECDHE-ECDSA-AES128-GCM-SHA256"), "it offers ECDHE GCM");
	ok(!has_cipher(ssl, "ECDHE-ECDSA-AES128-SHA"), "it offers no CBC/SHA-1 suite");
	ok(SSL_get_security_level(ssl) == 2, "security level stays 2");
	p = tls_policy_find("TLSv1_2016", &e);
	ok(p != NULL && tls_policy_apply(p, ssl) == 0, "TLSv1_2016 applies");
	ok(SSL_get_min_proto_version(ssl) == TLS1_VERSION, "its floor is TLS 1.0");
	ok(has_cipher(ssl, "ECDHE-ECDSA-AES128-SHA"), "it offers ECDHE-ECDSA-AES128-SHA");
	ok(SSL_get_security_level(ssl) == 0, "security level 0 for TLS 1.0/1.1 (SHA-1)");
	p = tls_policy_find("TLSv1.3_2025", &e);
	ok(p != NULL && p->min_version == TLS1_3_VERSION && p->max_version == TLS1_3_VERSION,
	   "TLSv1.3_2025: 1.3 only");
	ok(tls_policy_find("TLSv1.2_2099", &e) == NULL && e.status == 400 &&
	   strcmp(e.code, "InvalidSecurityPolicy") == 0 && strstr(e.message, "TLSv1.2_2019"),
	   "an unknown policy is an error listing the valid ones");
	ok(strcmp(tls_policy_default("apigw")->name, "TLS_1_0") == 0,
	   "API Gateway's default endpoints: TLS_1_0 (§4)");
	ok(strcmp(tls_policy_default("cloudfront")->name, "TLSv1") == 0,
	   "CloudFront's default certificate: TLSv1 (§5.1)");
	tls_policies(&n);
	is_int(n, 21, "2 legacy + 10 enhanced API Gateway policies, 9 CloudFront policies");
	SSL_free(ssl);
	SSL_CTX_free(ctx);
}

static void test_site_args(void)
{
	struct fg_err e;
	struct tls_site_arg a;

	fg_err_clear(&e);
	ok(tls_site_arg_parse("Shop.Example.com=TLSv1_2016", &a, &e) == 0, "NAME=POLICY");
	is_str(a.site.name, "shop.example.com", "name lower-cased");
	is_str(a.site.security_policy, "TLSv1_2016", "policy");
	is_str(a.site.service, "cloudfront", "service of the policy");
	ok(a.site.certificate_arn == NULL, "default certificate");
	tls_site_arg_free(&a);
	ok(tls_site_arg_parse("x.test=TLS_1_2,cert=arn:aws:acm:us-east-1:1:certificate/a", &a,
			      &e) == 0 && strcmp(a.site.certificate_arn,
						 "arn:aws:acm:us-east-1:1:certificate/a") == 0,
	   "cert=ARN");
	tls_site_arg_free(&a);
	ok(tls_site_arg_parse("x.test=Nope", &a, &e) != 0 && strstr(e.message, "--tls-site"),
	   "unknown policy refused");
	ok(tls_site_arg_parse("x.test", &a, &e) != 0, "no policy refused");
	ok(tls_site_arg_parse("x.test=TLS_1_2,colour=red", &a, &e) != 0 &&
	   strstr(e.message, "unknown option"), "unknown option refused");
	ok(tls_site_arg_parse("x.test=TLS_1_2,truststore=/nonexistent", &a, &e) != 0,
	   "unreadable truststore refused");
}

static void test_ca(void)
{
	char dir[] = "/tmp/fg-tls-unit-XXXXXX", db[128], pem[160];
	struct fg_store *s;
	struct fg_log log;
	struct tls_ca *ca;
	struct fg_err e;
	const struct tls_keypair *kp, *kp2;
	char *first, fp1[65], fp2[65];
	struct stat sb;

	fg_err_clear(&e);
	fg_log_init(&log, FG_LOG_ERROR);
	ok(mkdtemp(dir) != NULL, "temp dir");
	snprintf(db, sizeof(db), "%s/state.db", dir);
	snprintf(pem, sizeof(pem), "%s.ca.pem", db);
	ok(fg_store_open(db, &s, &e) == 0, "store");
	ok(tls_ca_open(s, db, &log, &ca, &e) == 0, "CA made on first use");
	is_str(tls_ca_file(ca), pem, "written next to the database");
	ok(stat(pem, &sb) == 0 && (sb.st_mode & 0777) == 0644, "the certificate file is 0644");
	ok(stat(db, &sb) == 0 && (sb.st_mode & 0777) == 0600, "the database (keys) is 0600");
	first = strdup(tls_ca_pem(ca));
	ok(tls_ca_default_cert(ca, "*.execute-api.us-east-1.amazonaws.com", &kp, &e) == 0 &&
	   kp->leaf != NULL, "a default certificate");
	ok(tls_ca_default_cert(ca, "*.EXECUTE-API.us-east-1.amazonaws.com", &kp2, &e) == 0 &&
	   kp2 == kp, "cached: not issued again");
	pki_cert_fingerprint(kp->leaf, fp1);
	tls_ca_close(&ca);
	ok(tls_ca_open(s, db, &log, &ca, &e) == 0, "reopened");
	is_str(tls_ca_pem(ca), first, "the same CA from the store");
	ok(tls_ca_default_cert(ca, "*.execute-api.us-east-1.amazonaws.com", &kp2, &e) == 0,
	   "default certificate after reopening");
	pki_cert_fingerprint(kp2->leaf, fp2);
	is_str(fp2, fp1, "the same default certificate from the store");
	tls_ca_close(&ca);
	fg_store_close(&s);
	free(first);
	ok(fg_store_open(":memory:", &s, &e) == 0 && tls_ca_open(s, ":memory:", &log, &ca, &e) == 0,
	   "in-memory database: CA in a temporary file");
	snprintf(pem, sizeof(pem), "%s", tls_ca_file(ca));
	ok(access(pem, R_OK) == 0, "the temporary file exists");
	tls_ca_close(&ca);
	ok(access(pem, F_OK) != 0, "and is removed at close");
	fg_store_close(&s);
	fg_log_fini(&log);
	snprintf(pem, sizeof(pem), "rm -rf %s", dir);
	if (system(pem) != 0)
		printf("# could not remove %s\n", dir);
}

int main(void)
{
	test_policies();
	test_site_args();
	test_ca();
	return tap_done();
}
