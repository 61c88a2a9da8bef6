/*
 * Unit tests for custom domain names (apigw_domain_types.c, apigw_domain.c, apigw_mtls.c),
 * without sockets: stacks deployed with the real deployer, requests built by hand (with a
 * synthetic SNI and client certificate where the TLS terminator would set them) and served
 * through the service. Covers mapping selection (aws-behavior.md §1.3), the DomainName /
 * BasePathMapping / ApiMapping validation (§1.3, §4, §7.1), the certificate region rule (§4),
 * the 421 of §1.7 and its fidelity switch, mTLS with generated certificates on frontgate's
 * clock (§4), the CloudFront headers of EDGE endpoints (§1.1, §3.1, §8 S7) and the TLS sites.
 *
 * An AWS::CertificateManager::Certificate stand-in is registered here (the acm module is not
 * part of apigw): its PhysicalId is arn:aws:acm:{region}:{account}:certificate/{logical id},
 * the shared model the domain types read.
 */
#include "apigw/harness.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define ACCT "123456789012"
#define WILD_ARN "arn:aws:acm:us-east-1:123456789012:certificate/Wild"

/* ------------------------------------------------------------ certificates */

static int fakecert_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			   cJSON *attrs, cJSON *state, struct fg_err *err)
{
	snprintf(phys, 256, "arn:aws:acm:%s:%s:certificate/%s", c->region, c->account,
		 c->logical_id);
	return 0;
}

static const struct stack_rtype fakecert = {
	.type = "AWS::CertificateManager::Certificate", .create = fakecert_create,
};

struct tcert {
	X509 *x;
	EVP_PKEY *k;
	char *pem;
};

static long serial_no = 0x1a2b3c;

static void ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	FG_ASSERT(e != NULL);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/* A certificate for cn, signed by issuer (self-signed when NULL), valid [nb, na]. */
static void mk(struct tcert *out, const char *cn, const struct tcert *issuer, bool ca,
	       time_t nb, time_t na, const EVP_MD *md)
{
	X509 *x = X509_new();
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509_NAME *n = X509_get_subject_name(x);
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long len;

	FG_ASSERT(x != NULL && k != NULL);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial_no++);
	ASN1_TIME_set(X509_getm_notBefore(x), nb);
	ASN1_TIME_set(X509_getm_notAfter(x), na);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->x) : n);
	if (ca) {
		ext(x, issuer ? issuer->x : x, NID_basic_constraints, "critical,CA:TRUE");
		ext(x, issuer ? issuer->x : x, NID_key_usage, "critical,keyCertSign,cRLSign");
	}
	out->x = x;
	out->k = k;
	out->pem = NULL;
	if (X509_sign(x, issuer ? issuer->k : k, md) == 0) {
		BIO_free(b);
		return;
	}
	PEM_write_bio_X509(b, x);
	len = BIO_get_mem_data(b, &data);
	out->pem = strndup(data, (size_t)len);
	BIO_free(b);
}

static void tfree(struct tcert *c)
{
	X509_free(c->x);
	EVP_PKEY_free(c->k);
	free(c->pem);
}

/* PEM as a JSON string body (newlines escaped). */
static char *json_pem(const char *pem)
{
	char *o = malloc(strlen(pem) * 2 + 1), *q = o;

	for (const char *p = pem; *p; p++) {
		if (*p == '\n') {
			*q++ = '\\';
			*q++ = 'n';
		} else {
			*q++ = *p;
		}
	}
	*q = '\0';
	return o;
}

#define Y2020 ((time_t)1577836800)  /* 2020-01-01 */
#define Y2021 ((time_t)1609459200)
#define Y2030 ((time_t)1893456000)
#define CLOCK_2020_03 ((int64_t)1583349317135) /* the harness's clock, 2020-03-04 */

static struct tcert root, other_root, good, stranger, expired, selfsigned, sha1leaf;
static struct tcert i1, i2, i3, deep, ok3;

static void make_certs(void)
{
	mk(&root, "test-root", NULL, true, Y2020, Y2030, EVP_sha256());
	mk(&other_root, "other-root", NULL, true, Y2020, Y2030, EVP_sha256());
	mk(&good, "good-client", &root, false, Y2020, Y2030, EVP_sha256());
	mk(&stranger, "stranger", &other_root, false, Y2020, Y2030, EVP_sha256());
	mk(&expired, "expired-client", &root, false, Y2020, Y2021, EVP_sha256());
	mk(&selfsigned, "self-client", NULL, false, Y2020, Y2030, EVP_sha256());
	mk(&sha1leaf, "sha1-client", &root, false, Y2020, Y2030, EVP_sha1());
	mk(&i1, "int-1", &root, true, Y2020, Y2030, EVP_sha256());
	mk(&i2, "int-2", &i1, true, Y2020, Y2030, EVP_sha256());
	mk(&i3, "int-3", &i2, true, Y2020, Y2030, EVP_sha256());
	mk(&deep, "deep-client", &i3, false, Y2020, Y2030, EVP_sha256());
	mk(&ok3, "four-long", &i2, false, Y2020, Y2030, EVP_sha256());
}

static void free_certs(void)
{
	struct tcert *all[] = { &root, &other_root, &good, &stranger, &expired, &selfsigned,
				&sha1leaf, &i1, &i2, &i3, &deep, &ok3 };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		tfree(all[i]);
}

/* ------------------------------------------------------------------ stacks */

#define ECHO "{'Type':'MOCK','RequestTemplates':{'application/json':'{\\'statusCode\\': 200}'}," \
	"'IntegrationResponses':[{'StatusCode':'200','ResponseTemplates':{'application/json':" \
	"'api=$context.apiId stage=$context.stage res=$context.resourcePath " \
	"path=$context.path dom=$context.domainName pre=$context.domainPrefix'}}]}"
#define FN "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:" \
	   "us-east-1:123456789012:function:fn/invocations"
#define PROXYI "{'Type':'AWS_PROXY','IntegrationHttpMethod':'POST','Uri':'" FN "'}"
#define RES(id, api, parent, part) \
	"'" id "':{'Type':'AWS::ApiGateway::Resource','Properties':{'RestApiId':{'Ref':'" api \
	"'},'ParentId':" parent ",'PathPart':'" part "'}},"
#define METH(id, api, res, verb, integ) \
	"'" id "':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'" api \
	"'},'ResourceId':{'Ref':'" res "'},'HttpMethod':'" verb "','AuthorizationType':'NONE'," \
	"'Integration':" integ "}},"
#define DOMAIN(id, name, extra) \
	"'" id "':{'Type':'AWS::ApiGateway::DomainName','Properties':{'DomainName':'" name "'," \
	extra "}},"
#define REGIONAL12(cert) "'EndpointConfiguration':{'Types':['REGIONAL']}," \
	"'SecurityPolicy':'TLS_1_2','RegionalCertificateArn':" cert
#define BPM(id, dom, path, api, stage) \
	"'" id "':{'Type':'AWS::ApiGateway::BasePathMapping','DependsOn':['DepA','DepB']," \
	"'Properties':{'DomainName':" dom ",'BasePath':'" path "','RestApiId':" api \
	stage "}},"

static const char *MAIN_HEAD =
	"{'Resources':{"
	"'Wild':{'Type':'AWS::CertificateManager::Certificate','Properties':{"
	" 'DomainName':'*.example.test','SubjectAlternativeNames':['example.test']}},"
	"'PlainCert':{'Type':'AWS::CertificateManager::Certificate','Properties':{"
	" 'DomainName':'plain.other.test'}},"
	"'ApiA':{'Type':'AWS::ApiGateway::RestApi','Metadata':{'Frontgate':{'Id':'aaaaaaaaaa'}},"
	" 'Properties':{'Name':'a','DisableExecuteApiEndpoint':true,"
	"  'EndpointConfiguration':{'Types':['REGIONAL']}}},"
	RES("Hats", "ApiA", "{'Fn::GetAtt':['ApiA','RootResourceId']}", "hats")
	METH("HatsGet", "ApiA", "Hats", "GET", ECHO)
	RES("Proxy", "ApiA", "{'Fn::GetAtt':['ApiA','RootResourceId']}", "{proxy+}")
	METH("ProxyAny", "ApiA", "Proxy", "ANY", PROXYI)
	"'DepA':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['HatsGet','ProxyAny'],"
	" 'Properties':{'RestApiId':{'Ref':'ApiA'},'StageName':'dev'}},"
	"'ApiB':{'Type':'AWS::ApiGateway::RestApi','Metadata':{'Frontgate':{'Id':'bbbbbbbbbb'}},"
	" 'Properties':{'Name':'b'}},"
	RES("Items", "ApiB", "{'Fn::GetAtt':['ApiB','RootResourceId']}", "items")
	METH("ItemsGet", "ApiB", "Items", "GET", ECHO)
	RES("Item", "ApiB", "{'Ref':'Items'}", "{id}")
	METH("ItemGet", "ApiB", "Item", "GET", PROXYI)
	"'DepB':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['ItemsGet','ItemGet'],"
	" 'Properties':{'RestApiId':{'Ref':'ApiB'},'StageName':'prod'}},"
	DOMAIN("Dom", "api.example.test", REGIONAL12("{'Ref':'Wild'}"))
	BPM("None", "{'Ref':'Dom'}", "(none)", "{'Ref':'ApiA'}", ",'Stage':'dev'")
	"'Orders':{'Type':'AWS::ApiGatewayV2::ApiMapping','DependsOn':['DepB'],'Properties':{"
	" 'DomainName':{'Ref':'Dom'},'ApiMappingKey':'orders/v1','ApiId':{'Ref':'ApiB'},"
	" 'Stage':'prod'}},"
	BPM("Shop", "{'Ref':'Dom'}", "shop", "{'Ref':'ApiA'}", "")
	DOMAIN("Other", "other.example.test", REGIONAL12("{'Ref':'Wild'}"))
	BPM("OtherMap", "{'Ref':'Other'}", "", "{'Ref':'ApiA'}", ",'Stage':'dev'")
	DOMAIN("PlainDom", "plain.other.test", REGIONAL12("{'Ref':'PlainCert'}"))
	BPM("PlainMap", "{'Ref':'PlainDom'}", "", "{'Ref':'ApiA'}", ",'Stage':'dev'")
	DOMAIN("Strict", "strict.example.test", "'EndpointConfiguration':{'Types':['REGIONAL']},"
	       "'SecurityPolicy':'SecurityPolicy_TLS13_1_3_2025_09','EndpointAccessMode':'STRICT',"
	       "'RegionalCertificateArn':{'Ref':'Wild'}")
	BPM("StrictMap", "{'Ref':'Strict'}", "", "{'Ref':'ApiA'}", ",'Stage':'dev'")
	DOMAIN("Edge", "edge.example.test", "'CertificateArn':{'Ref':'Wild'}")
	BPM("EdgeMap", "{'Ref':'Edge'}", "", "{'Ref':'ApiB'}", ",'Stage':'prod'")
	DOMAIN("Wildcard", "*.wild.test", REGIONAL12("'" WILD_ARN "'"))
	BPM("WildMap", "{'Ref':'Wildcard'}", "", "{'Ref':'ApiA'}", ",'Stage':'dev'");

/* The mTLS domain, with the truststore (root, JSON-escaped) spliced in. */
static char *main_template(void)
{
	char *pem = json_pem(root.pem), *t;
	size_t n = strlen(MAIN_HEAD) + strlen(pem) + 2048;

	t = malloc(n);
	snprintf(t, n, "%s"
		 "'Mtls':{'Type':'AWS::ApiGateway::DomainName','Metadata':{'Frontgate':{"
		 " 'TruststorePem':'%s'}},'Properties':{'DomainName':'mtls.example.test',"
		 REGIONAL12("{'Ref':'Wild'}") ",'MutualTlsAuthentication':{"
		 " 'TruststoreUri':'s3://bucket/truststore.pem'}}},"
		 BPM("MtlsMap", "{'Ref':'Mtls'}", "", "{'Ref':'ApiA'}", ",'Stage':'dev'")
		 "'Last':{'Type':'AWS::Logs::LogGroup'}}}", MAIN_HEAD, pem);
	free(pem);
	return t;
}

/* Another account's domain names (literal certificate ARNs: not in the world). */
static const char *ACCT2 =
	"{'Resources':{"
	"'X':{'Type':'AWS::ApiGateway::DomainName','Properties':{'DomainName':'x.example.test',"
	" 'EndpointConfiguration':{'Types':['REGIONAL']},'SecurityPolicy':'TLS_1_2',"
	" 'RegionalCertificateArn':'arn:aws:acm:us-east-1:222222222222:certificate/lit'}},"
	"'XMap':{'Type':'AWS::ApiGateway::BasePathMapping','Properties':{'DomainName':{'Ref':'X'},"
	" 'RestApiId':'aaaaaaaaaa','Stage':'dev'}},"
	"'Edge2':{'Type':'AWS::ApiGateway::DomainName','Properties':{"
	" 'DomainName':'edge2.example.test',"
	" 'CertificateArn':'arn:aws:acm:us-east-1:222222222222:certificate/lit'}},"
	"'Edge2Map':{'Type':'AWS::ApiGateway::BasePathMapping','Properties':{"
	" 'DomainName':{'Ref':'Edge2'},'RestApiId':'bbbbbbbbbb','Stage':'prod'}}"
	"}}";

static cJSON *last_doc;

/* Deploys into an account and region; keeps the stack document (last_doc). */
static int deploy_at(struct fx *f, const char *name, const char *account, const char *region,
		     const char *tpl)
{
	cJSON *t = J(tpl);
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .account = account, .region = region,
				     .template = t, .now_ms = 1000 };
	bool created;
	int rc;

	cJSON_Delete(last_doc);
	last_doc = NULL;
	fg_err_clear(&f->err);
	rc = stack_deploy(f->reg, &def, f->w, &req, &last_doc, &next, &created, &f->err);
	if (rc == 0) {
		stack_world_rel(&f->w);
		f->w = next;
		apigw_view_release(f->view);
		f->view = apigw_service(f->a)->compile(f->a, f->w, &f->err);
		FG_ASSERT(f->view != NULL);
	}
	cJSON_Delete(t);
	return rc;
}

static void undeploy(struct fx *f, const char *name)
{
	struct stack_world *next = NULL;

	fg_err_clear(&f->err);
	if (stack_delete(f->reg, f->w, name, &next, &f->err) != 0)
		return;
	stack_world_rel(&f->w);
	f->w = next;
	apigw_view_release(f->view);
	f->view = apigw_service(f->a)->compile(f->a, f->w, &f->err);
	FG_ASSERT(f->view != NULL);
}

static const char *attr(const char *logical, const char *a)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(last_doc, "Resources")) {
		if (strcmp(cJSON_GetObjectItem(r, "LogicalId")->valuestring, logical) == 0) {
			const cJSON *v = a ? cJSON_GetObjectItem(cJSON_GetObjectItem(r, "Attributes"),
								 a)
					   : cJSON_GetObjectItem(r, "PhysicalId");

			return cJSON_IsString(v) ? v->valuestring : "(none)";
		}
	}
	return "(no resource)";
}

static bool warned(const char *text)
{
	const cJSON *w;

	cJSON_ArrayForEach(w, cJSON_GetObjectItem(last_doc, "Warnings")) {
		if (strstr(w->valuestring, text) != NULL)
			return true;
	}
	return false;
}

/* --------------------------------------------------------------- requests */

/* send() with what the TLS terminator sets: SNI, protocol, client certificate. */
static void sendx(struct fx *f, const char *host, const char *url, const char *sni,
		  const char *cert)
{
	const char *q = strchr(url, '?');

	done_request(f);
	f->arena = fg_arena_new(8192);
	memset(&f->req, 0, sizeof(f->req));
	memset(&f->resp, 0, sizeof(f->resp));
	f->req.arena = f->arena;
	f->req.method = "GET";
	f->req.path = q ? fg_arena_strndup(f->arena, url, (size_t)(q - url)) : url;
	f->req.query = q ? q + 1 : "";
	f->req.host = host;
	f->req.client = "127.0.0.1:5555";
	f->req.client_ip = "127.0.0.1";
	f->req.listener = sni ? "https" : "http";
	f->hdrs[0].name = "Host";
	f->hdrs[0].value = host;
	f->req.headers = f->hdrs;
	f->req.nheaders = 1;
	f->req.body = "";
	f->req.sni = sni;
	f->req.tls_version = sni ? "TLSv1.3" : NULL;
	f->req.tls_cipher = sni ? "TLS_AES_128_GCM_SHA256" : NULL;
	f->req.client_cert_pem = cert;
	f->resp.arena = f->arena;
	f->resp.status = 500;
	f->t = fg_trace_begin(f->arena, "front-id", 0, "127.0.0.1:5555", f->req.listener, "GET",
			      host, url);
	FG_ASSERT(apigw_service(f->a)->claim(f->a, f->view, &f->req));
	apigw_service(f->a)->serve(f->a, f->w, f->view, &f->req, &f->resp, f->t);
}

static cJSON *event(struct fx *f)
{
	cJSON *e = cJSON_Parse(f->fake.event ? f->fake.event : "null");

	FG_ASSERT(e != NULL);
	return e;
}

static const char *ev(const cJSON *e, const char *a, const char *b, const char *c)
{
	const cJSON *v = cJSON_GetObjectItem(e, a);

	if (b != NULL)
		v = cJSON_GetObjectItem(v, b);
	if (c != NULL)
		v = cJSON_GetObjectItem(v, c);
	return cJSON_IsString(v) ? v->valuestring : cJSON_IsNull(v) ? "null" : "(absent)";
}

/* ------------------------------------------------------------------- tests */

static void test_select(void)
{
	struct apigw_mapping maps[] = {
		{ "orders/v1/items/categories", 26, "a5", "s", "5" },
		{ "orders/v1/items", 15, "a3", "s", "3" },
		{ "orders/v2/items", 15, "a4", "s", "4" },
		{ "orders", 6, "a2", "s", "2" },
		{ "", 0, "a1", "s", "1" },
	};
	struct apigw_domain d;
	const char *after = NULL;
	const struct apigw_mapping *m;

	memset(&d, 0, sizeof(d));
	d.maps = maps;
	d.nmaps = 5;
	m = apigw_domain_select(&d, "/orders/v1/items/123", &after);
	ok(m == &maps[1] && strcmp(after, "/123") == 0,
	   "§1.3: /orders/v1/items/123 -> the longest key orders/v1/items, resource /123");
	m = apigw_domain_select(&d, "/orders/v1/items", &after);
	ok(m == &maps[1] && strcmp(after, "/") == 0, "§1.3: the key itself -> resource /");
	m = apigw_domain_select(&d, "/orders/v1/items/categories/x", &after);
	ok(m == &maps[0] && strcmp(after, "/x") == 0, "§1.3: four levels");
	m = apigw_domain_select(&d, "/orders/shop/5/hats", &after);
	ok(m == &maps[3] && strcmp(after, "/shop/5/hats") == 0, "§1.3: single-level key");
	m = apigw_domain_select(&d, "/orders/v3/items", &after);
	ok(m == &maps[3] && strcmp(after, "/v3/items") == 0,
	   "§1.3: no longer key matches -> the shorter one");
	m = apigw_domain_select(&d, "/ordersandmore/x", &after);
	ok(m == &maps[4] && strcmp(after, "/ordersandmore/x") == 0,
	   "§1.3: keys match whole segments: /ordersandmore goes to (none)");
	m = apigw_domain_select(&d, "/orders/v1/itemsx", &after);
	ok(m == &maps[3] && strcmp(after, "/v1/itemsx") == 0, "whole segments at every level");
	m = apigw_domain_select(&d, "/", &after);
	ok(m == &maps[4] && strcmp(after, "/") == 0, "§1.3: / -> (none)");
	m = apigw_domain_select(&d, "//orders//x", &after);
	ok(m == &maps[3] && strcmp(after, "/x") == 0, "extra slashes around the key are skipped");
	d.nmaps = 4;
	ok(apigw_domain_select(&d, "/ordersandmore", &after) == NULL,
	   "without (none) a path no key matches has no mapping");
	ok(apigw_domain_select(&d, "/", &after) == NULL, "nor has /");
}

static void test_routing(struct fx *f)
{
	cJSON *e;

	send(f, "GET", "api.example.test", "/hats", NULL, NULL);
	is_int(f->resp.status, 200, "§1.3: (none) mapping -> api a, stage dev");
	is_str(body(f), "api=aaaaaaaaaa stage=dev res=/hats path=/hats dom=api.example.test "
	       "pre=api", "§1.3: $context.domainName/domainPrefix are the custom domain's");
	is_str(rh(f, "X-Cache"), "(absent)", "a REGIONAL domain has no CloudFront headers");
	send(f, "GET", "API.Example.Test:443", "/hats", NULL, NULL);
	is_int(f->resp.status, 200, "the Host matches in any case, port ignored");
	send(f, "GET", "edge.example.test", "/prod/items", NULL, NULL);
	is_int(f->resp.status, 403, "§1.3: the stage in a custom-domain URL -> 403");
	is_str(body(f), "{\"message\":\"Missing Authentication Token\"}",
	       "§1.3/§1.5: Missing Authentication Token");
	ok(trace_has(f, "first segment 'prod' is the name of a stage"),
	   "the trace explains the stage-in-URL mistake");
	send(f, "GET", "api.example.test", "/orders/v1/items", NULL, NULL);
	is_str(body(f), "api=bbbbbbbbbb stage=prod res=/items path=/orders/v1/items "
	       "dom=api.example.test pre=api", "§1.3: multi-level key, base path stripped");
	send(f, "GET", "api.example.test", "/orders/v1/items/", NULL, NULL);
	is_int(f->resp.status, 200, "§1.4: trailing slash after a mapped path");
	send(f, "GET", "api.example.test", "/orders/v1", NULL, NULL);
	ok(f->resp.status == 403 && strcmp(rh(f, "x-amzn-ErrorType"),
					   "MissingAuthenticationTokenException") == 0,
	   "§1.3: the key alone -> resource / of api b, which has no method");
	send(f, "GET", "api.example.test", "/shop/dev/hats", NULL, NULL);
	is_str(body(f), "api=aaaaaaaaaa stage=dev res=/hats path=/shop/dev/hats "
	       "dom=api.example.test pre=api",
	       "a mapping without Stage: the stage is the segment after the base path");
	send(f, "GET", "api.example.test", "/shop/hats", NULL, NULL);
	ok(f->resp.status == 403 && trace_has(f, "stage 'hats' is not deployed"),
	   "a mapping without Stage and no stage in the path -> Missing Authentication Token");
	f->fake.status = FG_INVOKE_OK;
	f->fake.payload = "{\"statusCode\":200,\"body\":\"fn\"}";
	send(f, "GET", "api.example.test", "/orders/v1/items/7", NULL, NULL);
	e = event(f);
	is_str(ev(e, "path", NULL, NULL), "/orders/v1/items/7",
	       "§1.3 [obs]: event.path is the path as sent, base path included");
	is_str(ev(e, "resource", NULL, NULL), "/items/{id}", "§3.1: resource after the base path");
	is_str(ev(e, "pathParameters", "id", NULL), "7", "§3.1: pathParameters");
	is_str(ev(e, "requestContext", "path", NULL), "/orders/v1/items/7",
	       "§1.3 [obs]: requestContext.path as sent (no stage added)");
	is_str(ev(e, "requestContext", "stage", NULL), "prod", "requestContext.stage");
	is_str(ev(e, "requestContext", "domainName", NULL), "api.example.test",
	       "§1.3: requestContext.domainName");
	is_str(ev(e, "headers", "CloudFront-Is-Desktop-Viewer", NULL), "(absent)",
	       "an EDGE API through a REGIONAL domain gets no CloudFront headers");
	cJSON_Delete(e);
	send(f, "GET", "api.example.test", "/orders/v1x/items", NULL, NULL);
	e = event(f);
	ok(strcmp(ev(e, "pathParameters", "proxy", NULL), "orders/v1x/items") == 0 &&
	   strcmp(ev(e, "requestContext", "apiId", NULL), "aaaaaaaaaa") == 0,
	   "§1.3: /orders/v1x is not under orders/v1: (none) serves it, {proxy+} matches");
	cJSON_Delete(e);
	send(f, "GET", "a.wild.test", "/hats", NULL, NULL);
	is_int(f->resp.status, 200, "a wildcard domain name serves one label under it");
	ok(!apigw_service(f->a)->claim(f->a, f->view, &(struct fg_http_req){
		.arena = f->arena, .host = "a.b.wild.test", .path = "/" }),
	   "but not two");
	ok(!apigw_service(f->a)->claim(f->a, f->view, &(struct fg_http_req){
		.arena = f->arena, .host = "nope.example.test", .path = "/hats" }),
	   "a host that is no custom domain is not API Gateway's");
}

static void test_hosts(struct fx *f)
{
	enum apigw_host_kind kind;
	const struct apigw_domain *d = apigw_domain_find(f->view, "api.example.test", &kind);
	const struct apigw_domain *e = apigw_domain_find(f->view, "edge.example.test", &kind);

	FG_ASSERT(d != NULL && e != NULL);
	send(f, "GET", d->regional_name, "/hats", NULL, NULL);
	is_int(f->resp.status, 403, "§1.3/§2.4: Host = the d-xxx target name -> 403");
	is_str(body(f), "{\"message\":\"Forbidden\"}", "§1.3: Forbidden");
	ok(trace_has(f, "is the regional target name"), "the trace says why");
	send(f, "GET", e->distribution_name, "/items", NULL, NULL);
	is_int(f->resp.status, 403, "Host = an EDGE domain's distribution name -> 403");
	send(f, "GET", "aaaaaaaaaa.execute-api.us-east-1.amazonaws.com", "/dev/hats", NULL, NULL);
	ok(f->resp.status == 403 && strcmp(body(f), "{\"message\":\"Forbidden\"}") == 0,
	   "DisableExecuteApiEndpoint: the default host answers 403 Forbidden ...");
	is_str(rh(f, "X-Cache"), "(absent)", "(a REGIONAL API: no CloudFront headers)");
	send(f, "GET", "api.example.test", "/hats", NULL, NULL);
	is_int(f->resp.status, 200, "... while its custom domain serves it");
}

static void test_edge(struct fx *f)
{
	cJSON *e;
	const char *cf;

	f->fake.status = FG_INVOKE_OK;
	f->fake.payload = "{\"statusCode\":200,\"body\":\"fn\"}";
	send(f, "GET", "edge.example.test", "/items/9", NULL, NULL);
	is_int(f->resp.status, 200, "EDGE domain name -> api b");
	is_str(rh(f, "X-Cache"), "Miss from cloudfront", "§1.1: X-Cache on an EDGE domain");
	ok(strncmp(rh(f, "Via"), "1.1 ", 4) == 0 && strstr(rh(f, "Via"), ".cloudfront.net "
							  "(CloudFront)") != NULL,
	   "§1.1/§5.5: Via: %s", rh(f, "Via"));
	ok(strlen(rh(f, "X-Amz-Cf-Pop")) > 0 && strcmp(rh(f, "X-Amz-Cf-Pop"), "(absent)") != 0,
	   "§1.1: X-Amz-Cf-Pop");
	cf = rh(f, "X-Amz-Cf-Id");
	ok(strlen(cf) == 56 && strcmp(cf + 54, "==") == 0, "§1.1: X-Amz-Cf-Id: %s", cf);
	e = event(f);
	is_str(ev(e, "headers", "CloudFront-Is-Desktop-Viewer", NULL), "true",
	       "§3.1/§8 S7: CloudFront-Is-Desktop-Viewer in the event");
	is_str(ev(e, "headers", "CloudFront-Forwarded-Proto", NULL), "http",
	       "§3.1: CloudFront-Forwarded-Proto");
	ok(strcmp(ev(e, "headers", "CloudFront-Viewer-Country", NULL), "(absent)") != 0 &&
	   strcmp(ev(e, "headers", "CloudFront-Viewer-ASN", NULL), "(absent)") != 0 &&
	   strcmp(ev(e, "headers", "CloudFront-Is-Mobile-Viewer", NULL), "false") == 0 &&
	   strcmp(ev(e, "headers", "CloudFront-Is-SmartTV-Viewer", NULL), "false") == 0 &&
	   strcmp(ev(e, "headers", "CloudFront-Is-Tablet-Viewer", NULL), "false") == 0,
	   "§3.1: the other CloudFront-* headers");
	is_str(ev(e, "headers", "X-Amz-Cf-Id", NULL), rh(f, "X-Amz-Cf-Id"),
	       "the event's X-Amz-Cf-Id is the response's");
	is_str(ev(e, "headers", "Via", NULL), rh(f, "Via"), "the event's Via is the response's");
	cJSON_Delete(e);
	send(f, "GET", "bbbbbbbbbb.execute-api.us-east-1.amazonaws.com", "/prod/items", NULL, NULL);
	is_str(rh(f, "X-Cache"), "Miss from cloudfront",
	       "§1.1: an EDGE API on its default host too");
	send(f, "GET", "bbbbbbbbbb.execute-api.us-east-1.amazonaws.com", "/prod/nope", NULL, NULL);
	ok(f->resp.status == 403 && strcmp(rh(f, "X-Cache"), "Error from cloudfront") == 0,
	   "§8 S3: an error through CloudFront -> X-Cache: Error from cloudfront");
	ok(strlen(rh(f, "x-amzn-RequestId")) == 36, "API Gateway's own headers stay");
}

static void test_sni(struct fx *f)
{
	sendx(f, "api.example.test", "/hats", "api.example.test", NULL);
	is_int(f->resp.status, 200, "§1.7: SNI = Host -> served");
	sendx(f, "other.example.test", "/hats", "api.example.test", NULL);
	is_int(f->resp.status, 200,
	       "§1.7: same account, the certificate (*.example.test) covers the Host -> served");
	sendx(f, "plain.other.test", "/hats", "api.example.test", NULL);
	is_int(f->resp.status, 421, "§1.7: the SNI's certificate does not cover Host -> 421");
	ok(f->resp.body_len == 0, "§1.7: 421 with an empty body (fidelity default)");
	ok(trace_has(f, "does not cover plain.other.test") && trace_has(f, "sni-mismatch=421"),
	   "the trace names the rule and the switch");
	sendx(f, "x.example.test", "/hats", "api.example.test", NULL);
	ok(f->resp.status == 421 && trace_has(f, "belongs to account 123456789012"),
	   "§1.7: Host belongs to another account -> 421");
	sendx(f, "strict.example.test", "/hats", "other.example.test", NULL);
	ok(f->resp.status == 421 && trace_has(f, "STRICT"),
	   "§1.7: STRICT endpoint access mode: SNI must equal Host, whatever the certificate");
	sendx(f, "strict.example.test", "/hats", "strict.example.test", NULL);
	is_int(f->resp.status, 200, "STRICT with SNI = Host -> served");
	sendx(f, "api.example.test", "/hats", "aaaaaaaaaa.execute-api.us-east-1.amazonaws.com",
	      NULL);
	is_int(f->resp.status, 200, "an SNI that is no custom domain name selects none: served");
	sendx(f, "edge.example.test", "/items", "api.example.test", NULL);
	is_int(f->resp.status, 200, "§1.7: CloudFront (EDGE) serves the same account's names");
	sendx(f, "edge2.example.test", "/items", "edge.example.test", NULL);
	is_int(f->resp.status, 421, "§1.7: EDGE: another account's name -> CloudFront's 421");
	ok(strstr(body(f), "<center><h1>421 Misdirected Request</h1></center>") != NULL &&
	   strstr(body(f), "<hr><center>CloudFront</center>") != NULL,
	   "§1.7: CloudFront's 421 page");
	is_str(rh(f, "Server"), "CloudFront", "§5.4: Server: CloudFront");
	is_str(rh(f, "X-Cache"), "Error from cloudfront", "§5.4: X-Cache: Error from cloudfront");
	is_str(rh(f, "x-amzn-RequestId"), "(absent)", "no API Gateway header on CloudFront's page");
	is_str(fg_trace_id(f->t), rh(f, "X-Amz-Cf-Id"), "the trace is found by X-Amz-Cf-Id");
	FG_ASSERT(apigw_set_fidelity(f->a, "sni-mismatch=403", &f->err) == 0);
	sendx(f, "plain.other.test", "/hats", "api.example.test", NULL);
	is_int(f->resp.status, 403, "§1.7: fidelity switch sni-mismatch=403");
	is_str(body(f), "{\"message\":\"Forbidden\"}", "403 Forbidden body");
	is_str(rh(f, "x-amzn-ErrorType"), "ForbiddenException", "ForbiddenException");
	FG_ASSERT(apigw_set_fidelity(f->a, "sni-mismatch=421", &f->err) == 0);
	ok(apigw_set_fidelity(f->a, "sni-mismatch=420", &f->err) != 0 &&
	   strstr(f->err.message, "sni-mismatch=421|403") != NULL,
	   "an unknown value of the switch is refused");
}

static void test_mtls(struct fx *f)
{
	char *chain;
	cJSON *e;

	enum apigw_host_kind kind;
	const struct apigw_domain *d = apigw_domain_find(f->view, "mtls.example.test", &kind);

	ok(d != NULL && d->truststore_pem != NULL && atomic_load(&d->trust) == NULL,
	   "the truststore is not parsed when the view is compiled");
	f->fake.status = FG_INVOKE_OK;
	f->fake.payload = "{\"statusCode\":200,\"body\":\"fn\"}";
	sendx(f, "mtls.example.test", "/anything", "mtls.example.test", good.pem);
	is_int(f->resp.status, 200, "§4: a client certificate the truststore trusts -> served");
	ok(atomic_load(&d->trust) != NULL, "but at the first mutual TLS check, and kept");
	e = event(f);
	{
		const cJSON *cc = cJSON_GetObjectItem(cJSON_GetObjectItem(
			cJSON_GetObjectItem(e, "requestContext"), "identity"), "clientCert");

		is_str(ev(cc, "subjectDN", NULL, NULL), "CN=good-client",
		       "§3.1: clientCert.subjectDN");
		is_str(ev(cc, "issuerDN", NULL, NULL), "CN=test-root", "§3.1: clientCert.issuerDN");
		is_str(ev(cc, "clientCertPem", NULL, NULL), good.pem, "§3.1: clientCertPem");
		ok(strlen(ev(cc, "serialNumber", NULL, NULL)) >= 2 &&
		   strchr(ev(cc, "serialNumber", NULL, NULL), ':') != NULL,
		   "§3.1: serialNumber as colon-separated hex (%s)",
		   ev(cc, "serialNumber", NULL, NULL));
		is_str(ev(cc, "validity", "notBefore", NULL), "Jan  1 00:00:00 2020 GMT",
		       "§3.1: validity.notBefore");
		is_str(ev(cc, "validity", "notAfter", NULL), "Jan  1 00:00:00 2030 GMT",
		       "§3.1: validity.notAfter");
	}
	cJSON_Delete(e);
	sendx(f, "mtls.example.test", "/hats", "mtls.example.test", stranger.pem);
	is_int(f->resp.status, 403, "§4: an untrusted certificate -> 403");
	is_str(body(f), "{\"message\":\"Forbidden\"}", "§4: Forbidden (body UNCONFIRMED)");
	ok(trace_has(f, "Access denied. Reason: Could not find issuer for certificate"),
	   "the trace has API Gateway's log line");
	sendx(f, "mtls.example.test", "/hats", "mtls.example.test", NULL);
	ok(f->resp.status == 403 && trace_has(f, "presented no certificate"),
	   "§4: no client certificate -> 403");
	send(f, "GET", "mtls.example.test", "/hats", NULL, NULL);
	ok(f->resp.status == 403 && trace_has(f, "clear-text HTTP cannot carry one"),
	   "§4: clear-text HTTP to an mTLS domain -> 403, the trace says why");
	sendx(f, "mtls.example.test", "/hats", "mtls.example.test", expired.pem);
	is_int(f->resp.status, 200, "a certificate valid until 2021 works in 2020 ...");
	fg_clock_set_fixed(&f->clock, (int64_t)1640995200000); /* 2022-01-01 */
	sendx(f, "mtls.example.test", "/hats", "mtls.example.test", expired.pem);
	ok(f->resp.status == 403 && trace_has(f, "certificate has expired"),
	   "§4: ... and is expired once frontgate's clock passes its NotAfter");
	fg_clock_set_fixed(&f->clock, CLOCK_2020_03);
	sendx(f, "mtls.example.test", "/hats", "mtls.example.test", selfsigned.pem);
	ok(f->resp.status == 403 && trace_has(f, "self signed certificate"),
	   "§4: a self-signed client certificate -> 403");
	chain = malloc(strlen(ok3.pem) + strlen(i2.pem) + strlen(i1.pem) + 1);
	sprintf(chain, "%s%s%s", ok3.pem, i2.pem, i1.pem);
	sendx(f, "mtls.example.test", "/hats", "mtls.example.test", chain);
	is_int(f->resp.status, 200, "§4: a chain of 4 with the intermediates sent -> served");
	free(chain);
	chain = malloc(strlen(deep.pem) + strlen(i3.pem) + strlen(i2.pem) + strlen(i1.pem) + 1);
	sprintf(chain, "%s%s%s%s", deep.pem, i3.pem, i2.pem, i1.pem);
	sendx(f, "mtls.example.test", "/hats", "mtls.example.test", chain);
	ok(f->resp.status == 403 && trace_has(f, "certificate chain too long"),
	   "§4: a chain of 5 -> 403");
	free(chain);
	sendx(f, "api.example.test", "/hats", "api.example.test", stranger.pem);
	is_int(f->resp.status, 200, "a domain without a truststore ignores client certificates");
}

static void test_mtls_verify(void)
{
	struct fg_arena *a = fg_arena_new(4096);
	struct apigw_client_cert cc;
	int n = 0, bad = 0;
	char *two = malloc(strlen(root.pem) + strlen(other_root.pem) + 100);
	struct x509_store_st *s;
	const char *why = NULL;

	sprintf(two, "%s-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n%s",
		root.pem, other_root.pem);
	s = apigw_mtls_truststore(two, &n, &bad);
	ok(s != NULL && n == 2 && bad == 1, "a truststore of 2 certificates and 1 bad entry "
	   "(%d, %d)", n, bad);
	ok(apigw_mtls_verify(s, stranger.pem, CLOCK_2020_03, a, &cc, &why) == 0,
	   "both roots are trusted");
	ok(apigw_mtls_verify(s, good.pem, (int64_t)1500000000000, a, &cc, &why) != 0 &&
	   strcmp(why, "certificate is not yet valid") == 0, "before NotBefore: %s", why);
	if (sha1leaf.pem != NULL)
		ok(apigw_mtls_verify(s, sha1leaf.pem, CLOCK_2020_03, a, &cc, &why) != 0 &&
		   strcmp(why, "Client cert using an insecure Signature Algorithm") == 0,
		   "§4: a SHA-1 signed client certificate -> refused (%s)", why);
	else
		ok(true, "# SKIP this OpenSSL refuses to sign with SHA-1");
	ok(apigw_mtls_verify(s, "garbage", CLOCK_2020_03, a, &cc, &why) != 0,
	   "a client certificate that is not PEM is refused");
	X509_STORE_free(s);
	ok(apigw_mtls_truststore("nothing here", &n, &bad) == NULL && n == 0,
	   "no certificate, no truststore");
	free(two);
	fg_arena_destroy(&a);
}

static void test_tls_sites(struct fx *f)
{
	size_t n = 0;
	const struct fg_tls_site *s = apigw_service(f->a)->tls_sites(f->a, f->view, &n);
	const struct fg_tls_site *api = NULL, *mtls = NULL, *x = NULL, *edge = NULL;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(s[i].name, "api.example.test") == 0)
			api = &s[i];
		if (strcmp(s[i].name, "mtls.example.test") == 0)
			mtls = &s[i];
		if (strcmp(s[i].name, "x.example.test") == 0)
			x = &s[i];
		if (strcmp(s[i].name, "edge.example.test") == 0)
			edge = &s[i];
	}
	is_int(n, 10, "one TLS site per custom domain name, and the region's default names");
	ok(n > 0 && strcmp(s[0].name, "*.execute-api.us-east-1.amazonaws.com") == 0 &&
	   strcmp(s[0].security_policy, "TLS_1_0") == 0, "default names first, TLS_1_0 (§4)");
	ok(api && strcmp(api->certificate_arn, WILD_ARN) == 0 &&
	   strcmp(api->security_policy, "TLS_1_2") == 0 && strcmp(api->service, "apigw") == 0 &&
	   strcmp(api->account, ACCT) == 0 && api->truststore_pem == NULL,
	   "a site: name, the emulated certificate's ARN, policy, account, service");
	ok(mtls && mtls->truststore_pem && strstr(mtls->truststore_pem, "BEGIN CERTIFICATE"),
	   "the mTLS domain's site carries the truststore");
	ok(x && x->certificate_arn == NULL && strcmp(x->account, "222222222222") == 0,
	   "a certificate that is not in the world: NULL (frontgate's default certificate)");
	ok(edge && strcmp(edge->security_policy, "TLS_1_0") == 0 && strstr(edge->owner, "stack"),
	   "no SecurityPolicy -> TLS_1_0 (§4 legacy default); owner says where it comes from");
}

/* -------------------------------------------------------------- validation */

#define CERTS "'East':{'Type':'AWS::CertificateManager::Certificate','Properties':" \
	"{'DomainName':'*.v.test'}},"
#define ONE_DOMAIN(props) \
	"{'Resources':{" CERTS "'D':{'Type':'AWS::ApiGateway::DomainName','Properties':{" \
	"'DomainName':'d.v.test'," props "}}}}"

static void expect_error(struct fx *f, const char *tpl, const char *region, const char *want,
			 const char *why)
{
	int rc = deploy_at(f, "v", ACCT, region, tpl);

	ok(rc != 0 && strstr(f->err.message, want) != NULL, "%s", why);
	if (rc == 0 || strstr(f->err.message, want) == NULL)
		printf("#   got: %s\n#   want: ...%s...\n", f->err.message, want);
}

static void test_domain_validation(struct fx *f)
{
	deploy_at(f, "west", ACCT, "us-west-2", "{'Resources':{'West':{'Type':"
		  "'AWS::CertificateManager::Certificate','Properties':{'DomainName':'d.v.test'}}}}");
	expect_error(f, ONE_DOMAIN("'CertificateArn':'arn:aws:acm:us-west-2:" ACCT
				   ":certificate/West'"), "us-east-1",
		     "Invalid certificate ARN: arn:aws:acm:us-west-2:123456789012:certificate/West. "
		     "Certificate must be in 'us-east-1'. (Service: ApiGateway, Status Code: 400)",
		     "§4: an EDGE domain with a us-west-2 certificate: AWS's message");
	expect_error(f, ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']},"
				   "'RegionalCertificateArn':'arn:aws:acm:us-west-2:" ACCT
				   ":certificate/West'"), "eu-west-1",
		     "Invalid certificate ARN: arn:aws:acm:us-west-2:123456789012:certificate/West. "
		     "Certificate must be in 'eu-west-1'.",
		     "§4: a REGIONAL domain needs the certificate in its own region");
	expect_error(f, ONE_DOMAIN("'CertificateArn':'arn:aws:acm:eu-west-1:999999999999:"
				   "certificate/abc'"), "us-east-1",
		     "Invalid certificate ARN: arn:aws:acm:eu-west-1:999999999999:certificate/abc. "
		     "Certificate must be in 'us-east-1'.",
		     "§4: a literal ARN not in the world: its region still counts");
	ok(deploy_at(f, "v", ACCT, "us-east-1",
		     ONE_DOMAIN("'CertificateArn':'arn:aws:acm:us-east-1:999999999999:"
				"certificate/abc'")) == 0 &&
	   warned("not a certificate of this world") && warned("default certificate for d.v.test"),
	   "a literal ARN in the right region: accepted with a warning");
	ok(strcmp(attr("D", NULL), "d.v.test") == 0, "Ref DomainName = the name");
	ok(strncmp(attr("D", "DistributionDomainName"), "d", 1) == 0 &&
	   strlen(attr("D", "DistributionDomainName")) == 14 + strlen(".cloudfront.net") &&
	   strspn(attr("D", "DistributionDomainName") + 1, APIGW_ID_ALPHABET) == 13,
	   "§1.1: DistributionDomainName d + 13 characters (%s)", attr("D", "DistributionDomainName"));
	is_str(attr("D", "DistributionHostedZoneId"), "Z2FDTNDATAQYW2", "§7.1: Z2FDTNDATAQYW2");
	is_str(attr("D", "RegionalDomainName"), "(none)", "an EDGE domain has no regional name");
	undeploy(f, "v");
	ok(deploy_at(f, "v", ACCT, "eu-west-1",
		     ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']},"
				"'RegionalCertificateArn':{'Ref':'East'}")) == 0, "REGIONAL in eu-west-1: %s",
	   f->err.message);
	ok(strncmp(attr("D", "RegionalDomainName"), "d-", 2) == 0 &&
	   strspn(attr("D", "RegionalDomainName") + 2, APIGW_ID_ALPHABET) == 10 &&
	   strcmp(attr("D", "RegionalDomainName") + 12, ".execute-api.eu-west-1.amazonaws.com") == 0,
	   "§1.1: RegionalDomainName d-xxxxxxxxxx.execute-api.eu-west-1.amazonaws.com (%s)",
	   attr("D", "RegionalDomainName"));
	is_str(attr("D", "RegionalHostedZoneId"), "ZLY8HYME6SFDD", "§7.1: eu-west-1's zone id");
	undeploy(f, "v");
	ok(deploy_at(f, "v", ACCT, "xx-test-9",
		     ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']},"
				"'RegionalCertificateArn':{'Ref':'East'}")) == 0 &&
	   warned("is not in API Gateway's table"), "a region not in §7.1: warned, not invented "
	   "silently");
	undeploy(f, "v");
	expect_error(f, ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']}"), "us-east-1",
		     "A certificate is required for REGIONAL domain name d.v.test",
		     "REGIONAL without RegionalCertificateArn");
	expect_error(f, ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']},"
				   "'CertificateArn':{'Ref':'East'}"), "us-east-1",
		     "A certificate is required", "REGIONAL with only the EDGE property");
	expect_error(f, "{'Resources':{" CERTS "'D':{'Type':'AWS::ApiGateway::DomainName',"
		     "'Properties':{'DomainName':'Api.V.test','CertificateArn':{'Ref':'East'}}}}}",
		     "us-east-1", "Invalid domain name: 'Api.V.test'", "an uppercase name");
	expect_error(f, ONE_DOMAIN("'CertificateArn':{'Ref':'East'},'SecurityPolicy':'TLS_1_3'"),
		     "us-east-1", "Invalid security policy: TLS_1_3", "an unknown security policy");
	expect_error(f, ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']},"
				   "'RegionalCertificateArn':{'Ref':'East'},"
				   "'SecurityPolicy':'SecurityPolicy_TLS13_1_3_2025_09'"),
		     "us-east-1", "requires an endpoint access mode",
		     "§4: an enhanced policy needs EndpointAccessMode");
	expect_error(f, ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']},"
				   "'RegionalCertificateArn':{'Ref':'East'},"
				   "'SecurityPolicy':'TLS_1_2','EndpointAccessMode':'STRICT'"),
		     "us-east-1", "only available for domain names whose security policy starts "
		     "with SecurityPolicy_", "§4: an access mode with a legacy policy");
	expect_error(f, ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']},"
				   "'RegionalCertificateArn':{'Ref':'East'},"
				   "'SecurityPolicy':'SecurityPolicy_TLS13_2025_EDGE',"
				   "'EndpointAccessMode':'BASIC'"),
		     "us-east-1", "_EDGE are for EDGE endpoints only", "§4: an _EDGE policy on REGIONAL");
	expect_error(f, ONE_DOMAIN("'CertificateArn':{'Ref':'East'},"
				   "'MutualTlsAuthentication':{'TruststoreUri':'s3://b/k'}"),
		     "us-east-1", "Mutual TLS is only supported on REGIONAL domain names",
		     "§4: mTLS on an EDGE domain");
	expect_error(f, ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']},"
				   "'RegionalCertificateArn':{'Ref':'East'},"
				   "'MutualTlsAuthentication':{'TruststoreUri':'s3://b/k'}"),
		     "us-east-1", "Mutual TLS requires the TLS_1_2 security policy",
		     "§4: mTLS with TLS_1_0");
	expect_error(f, ONE_DOMAIN("'EndpointConfiguration':{'Types':['REGIONAL']},"
				   "'SecurityPolicy':'TLS_1_2',"
				   "'RegionalCertificateArn':{'Ref':'East'},"
				   "'MutualTlsAuthentication':{'TruststoreUri':'s3://b/k'}"),
		     "us-east-1", "frontgate cannot read the truststore from S3",
		     "mTLS without the truststore in Metadata.Frontgate: says how to give it");
	expect_error(f, "{'Resources':{" CERTS "'D':{'Type':'AWS::ApiGateway::DomainName',"
		     "'Metadata':{'Frontgate':{'TruststoreFile':'/nonexistent/ts.pem'}},"
		     "'Properties':{'DomainName':'d.v.test','SecurityPolicy':'TLS_1_2',"
		     "'EndpointConfiguration':{'Types':['REGIONAL']},"
		     "'RegionalCertificateArn':{'Ref':'East'},"
		     "'MutualTlsAuthentication':{'TruststoreUri':'s3://b/k'}}}}}", "us-east-1",
		     "TruststoreFile /nonexistent/ts.pem cannot be read",
		     "an unreadable TruststoreFile");
	expect_error(f, "{'Resources':{" CERTS "'D':{'Type':'AWS::ApiGateway::DomainName',"
		     "'Properties':{'DomainName':'api.example.test','CertificateArn':{'Ref':'East'}}}}}",
		     "us-east-1", "The domain name you provided already exists.",
		     "a name another stack has");
}

#define MAPS_BASE \
	"'Api':{'Type':'AWS::ApiGateway::RestApi','Properties':{'Name':'m'}}," \
	"'M':{'Type':'AWS::ApiGateway::Method','Properties':{'RestApiId':{'Ref':'Api'}," \
	" 'ResourceId':{'Fn::GetAtt':['Api','RootResourceId']},'HttpMethod':'GET'," \
	" 'AuthorizationType':'NONE','Integration':{'Type':'MOCK'}}}," \
	"'Dep':{'Type':'AWS::ApiGateway::Deployment','DependsOn':['M'],'Properties':{" \
	" 'RestApiId':{'Ref':'Api'},'StageName':'live'}},"
#define MAP_TPL(domain_props, maps) \
	"{'Resources':{" CERTS MAPS_BASE "'D':{'Type':'AWS::ApiGateway::DomainName'," \
	"'Properties':{'DomainName':'d.v.test','RegionalCertificateArn':{'Ref':'East'}," \
	"'EndpointConfiguration':{'Types':['REGIONAL']}" domain_props "}}," maps "}}"
#define V1(id, path, stage) \
	"'" id "':{'Type':'AWS::ApiGateway::BasePathMapping','DependsOn':['Dep'],'Properties':{" \
	"'DomainName':{'Ref':'D'},'RestApiId':{'Ref':'Api'},'BasePath':'" path "'" stage "}}"
#define V2(id, key, stage) \
	"'" id "':{'Type':'AWS::ApiGatewayV2::ApiMapping','DependsOn':['Dep'],'Properties':{" \
	"'DomainName':{'Ref':'D'},'ApiId':{'Ref':'Api'},'ApiMappingKey':'" key "'," \
	"'Stage':'" stage "'}}"

static void test_mapping_validation(struct fx *f)
{
	expect_error(f, MAP_TPL("", V1("B", "v1/items", ",'Stage':'live'")), "us-east-1",
		     "API Gateway V1 doesn't support the slash character (/) in base path "
		     "mappings. To create a multi-level base path mapping, use API Gateway V2.",
		     "§1.3: BasePathMapping with a multi-level path: AWS's message");
	expect_error(f, MAP_TPL("", V1("B", "v1", ",'Stage':'nope'")), "us-east-1",
		     "Invalid stage identifier specified", "BasePathMapping to a stage that is not");
	expect_error(f, MAP_TPL("", V1("B", "v 1", ",'Stage':'live'")), "us-east-1",
		     "Invalid base path 'v 1'", "a base path with a space");
	expect_error(f, MAP_TPL("", V1("B", "v1", ",'Stage':'live'") "," V1("C", "v1", "")),
		     "us-east-1", "Base path already exists for this domain name",
		     "two mappings with one base path");
	is_int(f->err.status, 409, "ConflictException -> 409");
	expect_error(f, MAP_TPL("", V1("B", "", "") "," V1("C", "(none)", "")), "us-east-1",
		     "Base path already exists for this domain name", "'' and (none) are the same key");
	expect_error(f, "{'Resources':{" MAPS_BASE "'B':{'Type':'AWS::ApiGateway::BasePathMapping',"
		     "'DependsOn':['Dep'],'Properties':{'DomainName':'nowhere.v.test',"
		     "'RestApiId':{'Ref':'Api'}}}}}", "us-east-1",
		     "Invalid domain name identifier specified (Service: ApiGateway, Status Code: 404)",
		     "a mapping to a domain name that does not exist");
	expect_error(f, MAP_TPL("", V2("B", "v1/items", "live")), "us-east-1",
		     "Only REGIONAL domain names with a security policy of TLS 1.2 can be managed "
		     "through the API Gateway V2 API. For TLS 1.0 domain names, please use the API "
		     "Gateway V1 API to upgrade your security policy to TLS 1.2. Currently, only REST "
		     "APIs can be attached to a domain name with a security policy of TLS 1.0.",
		     "§1.3: an ApiMapping on a TLS_1_0 domain: AWS's message");
	expect_error(f, "{'Resources':{" CERTS MAPS_BASE "'D':{'Type':'AWS::ApiGateway::DomainName',"
		     "'Properties':{'DomainName':'d.v.test','CertificateArn':{'Ref':'East'}}},"
		     V2("B", "v1/items", "live") "}}", "us-east-1",
		     "Only REGIONAL domain names can be managed through the API Gateway V2 API. For "
		     "EDGE domain names, please use the API Gateway V1 API. Also note that only REST "
		     "APIs can be attached to EDGE domain names. (Service: ApiGatewayV2",
		     "§1.3: an ApiMapping on an EDGE domain: AWS's message");
	expect_error(f, MAP_TPL(",'SecurityPolicy':'TLS_1_2'", V2("B", "v1//items", "live")),
		     "us-east-1", "Invalid ApiMappingKey 'v1//items'", "an empty segment in a key");
	expect_error(f, MAP_TPL(",'SecurityPolicy':'TLS_1_2'", V2("B", "v1", "nope")),
		     "us-east-1", "Invalid stage identifier specified", "ApiMapping to no stage");
	ok(deploy_at(f, "v", ACCT, "us-east-1",
		     MAP_TPL(",'SecurityPolicy':'TLS_1_2'", V2("B", "v1/items", "live") ","
			     V1("C", "v1", ",'Stage':'live'") "," V1("N", "(none)", ""))) == 0,
	   "§1.3: multi-level (V2), single-level and (none) on a REGIONAL TLS_1_2 domain: %s",
	   f->err.message);
	ok(strlen(attr("B", "ApiMappingId")) == 6, "ApiMappingId: 6 characters");
	expect_error(f, MAP_TPL(",'SecurityPolicy':'TLS_1_2'",
				V2("B", "v1/items", "live") "," V2("C", "v1/items", "live")),
		     "us-east-1", "already exists for domain name d.v.test", "a key taken twice");
	deploy_at(f, "v", ACCT, "us-east-1", "{'Resources':{'Nothing':{'Type':'AWS::Logs::LogGroup'}}}");
}

int main(void)
{
	struct fx f;
	char *tpl;

	make_certs();
	test_select();
	test_mtls_verify();
	fx_init(&f);
	stack_registry_add(f.reg, &fakecert, NULL);
	tpl = main_template();
	ok(deploy(&f, "main", tpl) == 0, "the main stack deploys: %s", f.err.message);
	free(tpl);
	ok(deploy_at(&f, "acct2", "222222222222", "us-east-1", ACCT2) == 0,
	   "another account's domain names deploy: %s", f.err.message);
	test_routing(&f);
	test_hosts(&f);
	test_edge(&f);
	test_sni(&f);
	test_mtls(&f);
	test_tls_sites(&f);
	test_domain_validation(&f);
	test_mapping_validation(&f);
	fx_fini(&f);
	cJSON_Delete(last_doc);
	free_certs();
	return tap_done();
}
