/*
 * test_types.c: the CloudFront control plane — ids and attributes, the deploy-time errors of
 * aws-behavior.md §5.1 (CNAMEAlreadyExists across stacks, aliases the certificate does not
 * cover, certificates outside us-east-1), §6.3 (origin custom headers), §6.5 (Authorization in
 * an origin request policy), §6.6 (managed policy ids), the behaviour checks, and what the
 * view compiles (names, legacy ForwardedValues, policies).
 */
#include "harness.h"

#include <regex.h>

#define ORIGIN "{'Id':'o','DomainName':'api.example.test','CustomOriginConfig':" \
	       "{'OriginProtocolPolicy':'https-only'}}"
#define DISABLED "'4135ea2d-6df8-44a3-9df3-4b5a84be39ad'"
#define BEHAVIOR "{'TargetOriginId':'o','ViewerProtocolPolicy':'allow-all','CachePolicyId':" \
		 DISABLED "}"
#define CERT(logical, region, names) \
	"'" logical "':{'Type':'AWS::CertificateManager::Certificate','Metadata':{'Frontgate':" \
	"{'Id':'arn:aws:acm:" region ":123456789012:certificate/" logical "'}},'Properties':" \
	"{'DomainName':" names "}}"

static char tpl[8192];

/* A template with extra resources (may be "") and the distribution's config body. */
static const char *T(const char *extra, const char *dc)
{
	snprintf(tpl, sizeof(tpl),
		 "{'Resources':{%s%s'D':{'Type':'AWS::CloudFront::Distribution','Properties':"
		 "{'DistributionConfig':{%s}}}},'Outputs':{'Id':{'Value':{'Ref':'D'}}}}",
		 extra, extra[0] ? "," : "", dc);
	return tpl;
}

#define BASIC "'Enabled':true,'Origins':[" ORIGIN "],'DefaultCacheBehavior':" BEHAVIOR

static bool matches(const char *s, const char *re)
{
	regex_t r;
	bool yes;

	FG_ASSERT(regcomp(&r, re, REG_EXTENDED | REG_NOSUB) == 0);
	yes = s != NULL && regexec(&r, s, 0, NULL, 0) == 0;
	regfree(&r);
	return yes;
}

static void test_ids(void)
{
	struct fx f;
	char id[32], dom[64];

	fx_init(&f);
	ok(deploy(&f, "s", T("", BASIC)) == 0, "a minimal distribution deploys");
	ok(matches(attr(&f, "D", "Id"), "^E[A-Z0-9]{13}$"), "Id is E + 13 (%s)",
	   attr(&f, "D", "Id"));
	ok(matches(attr(&f, "D", "DomainName"), "^d[a-z0-9]{13}\\.cloudfront\\.net$"),
	   "DomainName is d + 13 + .cloudfront.net (%s)", attr(&f, "D", "DomainName"));
	snprintf(id, sizeof(id), "%s", attr(&f, "D", "Id"));
	snprintf(dom, sizeof(dom), "%s", attr(&f, "D", "DomainName"));
	ok(deploy(&f, "s", T("", BASIC)) == 0, "redeploy");
	is_str(attr(&f, "D", "Id"), id, "the Id is stable");
	is_str(attr(&f, "D", "DomainName"), dom, "the DomainName is stable");
	ok(f.view->ndists == 1, "the view has the distribution");
	fx_fini(&f);
}

static void test_aliases(void)
{
	struct fx f;
	const char *vc = "'ViewerCertificate':{'AcmCertificateArn':{'Ref':'C'},"
			 "'SslSupportMethod':'sni-only'}";
	char dc[2048];

	fx_init(&f);
	snprintf(dc, sizeof(dc), BASIC ",'Aliases':['www.example.test'],%s", vc);
	ok(deploy(&f, "a", T(CERT("C", "us-east-1", "'*.example.test'"), dc)) == 0,
	   "§5.1 an alias covered by the certificate's wildcard deploys");
	ok(deploy(&f, "b", T(CERT("C", "us-east-1", "'*.example.test'"), dc)) != 0 &&
	   f.err.status == 409 && strcmp(f.err.code, "CNAMEAlreadyExists") == 0 &&
	   err_has(&f, "One or more of the CNAMEs you provided are already associated with a "
		   "different resource."),
	   "§5.1 the same alias in another stack: CNAMEAlreadyExists");
	ok(deploy(&f, "a", T(CERT("C", "us-east-1", "'*.example.test'"), dc)) == 0,
	   "the stack that has it may redeploy");

	snprintf(dc, sizeof(dc), BASIC ",'Aliases':['a.b.example.test'],%s", vc);
	ok(deploy(&f, "c", T(CERT("C", "us-east-1", "'*.example.test'"), dc)) != 0 &&
	   strcmp(f.err.code, "InvalidViewerCertificate") == 0 &&
	   err_has(&f, "The certificate that is attached to your distribution doesn't cover the "
		   "alternate domain name (CNAME) that you're trying to add."),
	   "§5.1 a certificate wildcard covers one label only");
	snprintf(dc, sizeof(dc), BASIC ",'Aliases':['*.b.example.test'],%s", vc);
	ok(deploy(&f, "c", T(CERT("C", "us-east-1", "'*.b.example.test'"), dc)) == 0,
	   "§5.1 a wildcard alias with the same wildcard certificate deploys");

	/* the certificate resource's stack region is its region */
	ok(deploy_in(&f, "certs", "eu-west-1", "{'Resources':{" CERT("E", "eu-west-1",
		     "'eu.example.test'") "}}") == 0, "a certificate in eu-west-1");
	snprintf(dc, sizeof(dc), BASIC ",'Aliases':['eu.example.test'],'ViewerCertificate':"
		 "{'AcmCertificateArn':'arn:aws:acm:eu-west-1:123456789012:certificate/E',"
		 "'SslSupportMethod':'sni-only'}");
	ok(deploy(&f, "d", T("", dc)) != 0 &&
	   strcmp(f.err.code, "InvalidViewerCertificate") == 0 &&
	   err_has(&f, "The specified SSL certificate doesn't exist, isn't in us-east-1 region, "
		   "isn't valid, or doesn't include a valid certificate chain."),
	   "§5.1 a certificate outside us-east-1 is refused");
	ok(deploy(&f, "d", T("", BASIC ",'Aliases':['x.example.test']")) != 0 &&
	   strcmp(f.err.code, "InvalidViewerCertificate") == 0,
	   "an alias needs a certificate other than the default one");
	ok(deploy(&f, "d", T("", BASIC ",'Aliases':['*x.example.test']")) != 0 &&
	   err_has(&f, "not a valid domain name"), "§5.1 a partial wildcard is refused");
	fx_fini(&f);
}

static void test_edge_domain_alias(void)
{
	struct fx f;
	char dc[2048];

	fx_init(&f);
	/* an EDGE API Gateway domain name is an alias of an AWS-managed distribution */
	ok(deploy(&f, "api", "{'Resources':{'Dom':{'Type':'AWS::ApiGateway::DomainName',"
		  "'Metadata':{'Frontgate':{'Id':'edge.example.test'}},"
		  "'Properties':{'DomainName':'edge.example.test'}}}}") == 0,
	   "an (unregistered here) API Gateway domain name deploys");
	/* without the DistributionDomainName attribute it is not an EDGE domain */
	snprintf(dc, sizeof(dc), BASIC ",'Aliases':['edge.example.test'],'ViewerCertificate':"
		 "{'AcmCertificateArn':{'Ref':'C'},'SslSupportMethod':'sni-only'}");
	ok(deploy(&f, "cf", T(CERT("C", "us-east-1", "'edge.example.test'"), dc)) == 0,
	   "a domain name without a distribution does not hold the alias");
	fx_fini(&f);
}

static void test_origins(void)
{
	struct fx f;

	fx_init(&f);
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[{'Id':'o','DomainName':'x.test',"
			     "'CustomOriginConfig':{'OriginProtocolPolicy':'https-only'},"
			     "'OriginCustomHeaders':[{'HeaderName':'Host','HeaderValue':'x'}]}],"
			     "'DefaultCacheBehavior':" BEHAVIOR)) != 0 &&
	   err_has(&f, "HeaderName : Host is not allowed"), "§6.3 custom header Host refused");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[{'Id':'o','DomainName':'x.test',"
			     "'CustomOriginConfig':{'OriginProtocolPolicy':'https-only'},"
			     "'OriginCustomHeaders':[{'HeaderName':'x-amz-thing','HeaderValue':"
			     "'x'}]}],'DefaultCacheBehavior':" BEHAVIOR)) != 0 &&
	   err_has(&f, "x-amz-thing is not allowed"), "§6.3 custom header X-Amz-* refused");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[{'Id':'o','DomainName':'x.test',"
			     "'CustomOriginConfig':{'OriginProtocolPolicy':'https-only'},"
			     "'OriginCustomHeaders':[{'HeaderName':'X-Origin-Verify','HeaderValue':"
			     "'s3cret'}]}],'DefaultCacheBehavior':" BEHAVIOR)) == 0,
	   "§6.3 another custom header is fine");
	ok(f.view->dists[0]->origins[0].ncustom == 1, "and compiled");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[{'Id':'o','DomainName':'x.test',"
			     "'OriginPath':'/prod/','CustomOriginConfig':{'OriginProtocolPolicy':"
			     "'https-only'}}],'DefaultCacheBehavior':" BEHAVIOR)) != 0 &&
	   err_has(&f, "origin path"), "§6.2 an origin path ending in / is refused");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[{'Id':'o','DomainName':'x.test',"
			     "'CustomOriginConfig':{'OriginProtocolPolicy':'sometimes'}}],"
			     "'DefaultCacheBehavior':" BEHAVIOR)) != 0 &&
	   err_has(&f, "#/DistributionConfig/Origins/0/CustomOriginConfig/OriginProtocolPolicy: "
		   "sometimes is not a valid enum value"), "OriginProtocolPolicy enum, with path");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[{'Id':'o','DomainName':'x.test',"
			     "'CustomOriginConfig':{'OriginProtocolPolicy':'http-only',"
			     "'HTTPPort':81}}],'DefaultCacheBehavior':" BEHAVIOR)) != 0 &&
	   err_has(&f, "HTTPPort must be 80, 443, or between 1024 and 65535"), "§6.3 ports");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[{'Id':'o','DomainName':"
			     "'b.s3.amazonaws.com','S3OriginConfig':{}}],'DefaultCacheBehavior':"
			     BEHAVIOR)) == 0 && warned(&f, "S3 is not emulated"),
	   "an S3 origin deploys with a warning");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[{'Id':'o','DomainName':'127.0.0.1',"
			     "'CustomOriginConfig':{'OriginProtocolPolicy':'http-only'}}],"
			     "'DefaultCacheBehavior':" BEHAVIOR)) != 0 &&
	   err_has(&f, "cannot be an IP address"), "an origin is a name, not an address");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[{'Id':'o','DomainName':"
			     "'localhost:8080','CustomOriginConfig':{'OriginProtocolPolicy':"
			     "'http-only'}}],'DefaultCacheBehavior':" BEHAVIOR)) != 0 &&
	   err_has(&f, "HTTPPort"), "a port belongs in CustomOriginConfig");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[" ORIGIN "," ORIGIN "],"
			     "'DefaultCacheBehavior':" BEHAVIOR)) != 0 &&
	   err_has(&f, "unique"), "origin ids are unique");
	fx_fini(&f);
}

static void test_behaviors(void)
{
	struct fx f;

	fx_init(&f);
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[" ORIGIN "],'DefaultCacheBehavior':"
			     "{'TargetOriginId':'nope','ViewerProtocolPolicy':'allow-all',"
			     "'CachePolicyId':" DISABLED "}")) != 0 &&
	   strcmp(f.err.code, "NoSuchOrigin") == 0 &&
	   err_has(&f, "One or more of your origins or origin groups do not exist."),
	   "a target origin that does not exist: NoSuchOrigin");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[" ORIGIN "],'DefaultCacheBehavior':"
			     "{'TargetOriginId':'o','ViewerProtocolPolicy':'allow-all'}")) != 0 &&
	   err_has(&f, "The parameter ForwardedValues is required when a cache policy is not "
		   "associated to a cache behavior."), "a behaviour needs a policy or ForwardedValues");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[" ORIGIN "],'DefaultCacheBehavior':"
			     "{'TargetOriginId':'o','ViewerProtocolPolicy':'allow-all',"
			     "'CachePolicyId':'00000000-0000-0000-0000-000000000000'}")) != 0 &&
	   strcmp(f.err.code, "NoSuchCachePolicy") == 0, "an unknown cache policy");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[" ORIGIN "],'DefaultCacheBehavior':"
			     "{'TargetOriginId':'o','ViewerProtocolPolicy':'allow-all',"
			     "'CachePolicyId':" DISABLED ",'OriginRequestPolicyId':"
			     "'b689b0a8-53d0-40ab-baf2-68738e2966ac'}")) == 0,
	   "§6.6 managed CachingDisabled + AllViewerExceptHostHeader deploy");
	ok(f.view->dists[0]->behaviors[0].orp != NULL &&
	   f.view->dists[0]->behaviors[0].orp->headers.how == CF_SEL_ALL_EXCEPT,
	   "§6.6 AllViewerExceptHostHeader is all headers except Host");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[" ORIGIN "],'DefaultCacheBehavior':"
			     "{'TargetOriginId':'o','ViewerProtocolPolicy':'allow-all',"
			     "'CachePolicyId':" DISABLED ",'AllowedMethods':['GET','POST']}")) != 0 &&
	   err_has(&f, "AllowedMethods must be"), "§5.3 AllowedMethods is one of three sets");
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[" ORIGIN "],'DefaultCacheBehavior':"
			     BEHAVIOR ",'CacheBehaviors':[{'PathPattern':'/api/*','TargetOriginId':"
			     "'o','ViewerProtocolPolicy':'https-only','ForwardedValues':"
			     "{'QueryString':true,'QueryStringCacheKeys':['page'],'Headers':"
			     "['Authorization'],'Cookies':{'Forward':'whitelist',"
			     "'WhitelistedNames':['s']}},'MinTTL':5,'DefaultTTL':60,'MaxTTL':600,"
			     "'AllowedMethods':['GET','HEAD','OPTIONS','PUT','POST','PATCH',"
			     "'DELETE']}]")) == 0, "a legacy ordered behaviour deploys");
	{
		const struct cf_dist *d = f.view->dists[0];
		const struct cf_behavior *b = &d->behaviors[0];

		ok(d->nbehaviors == 2 && strcmp(d->behaviors[1].pattern, "*") == 0,
		   "behaviours in order, the default last");
		ok(b->legacy && b->cp->min_ttl == 5 && b->cp->default_ttl == 60 &&
		   b->cp->max_ttl == 600, "legacy TTLs");
		ok(b->cp->query.how == CF_SEL_WHITELIST && b->orp->query.how == CF_SEL_ALL,
		   "legacy: every query string forwarded, only 'page' in the key");
		ok(cf_select_has(&b->cp->headers, "authorization", true) &&
		   cf_select_has(&b->orp->cookies, "s", false) &&
		   !cf_select_has(&b->orp->cookies, "t", false), "legacy headers and cookies");
		ok(b->vpp == CF_VPP_HTTPS_ONLY && (b->allowed & CF_DELETE), "vpp and methods");
	}
	ok(deploy(&f, "s", T("", "'Enabled':true,'Origins':[" ORIGIN "],'DefaultCacheBehavior':"
			     "{'TargetOriginId':'o','ViewerProtocolPolicy':'allow-all',"
			     "'ForwardedValues':{'QueryString':false},'MinTTL':100,'DefaultTTL':"
			     "10}")) != 0 && strcmp(f.err.code, "InvalidTTLOrder") == 0,
	   "legacy TTLs out of order");
	fx_fini(&f);
}

#define POLICY(name, hb, hs) \
	"'P':{'Type':'AWS::CloudFront::OriginRequestPolicy','Properties':" \
	"{'OriginRequestPolicyConfig':{'Name':'" name "','HeadersConfig':{'HeaderBehavior':'" \
	hb "','Headers':[" hs "]},'CookiesConfig':{'CookieBehavior':'none'}," \
	"'QueryStringsConfig':{'QueryStringBehavior':'all'}}}}"

static void test_policies(void)
{
	struct fx f;
	struct fg_err e;

	fx_init(&f);
	ok(deploy(&f, "p", "{'Resources':{" POLICY("fwd", "whitelist", "'Authorization'") "}}")
	   != 0 && err_has(&f, "The parameter Headers contains Authorization that is not "
			   "allowed."), "§6.5 Authorization in an origin request policy: refused");
	fg_err_clear(&e);
	ok(cloudfront_set_fidelity(f.cf, "authorization-whitelist=allow", &e) == 0,
	   "the fidelity switch");
	ok(deploy(&f, "p", "{'Resources':{" POLICY("fwd", "whitelist", "'Authorization'") "}}")
	   == 0, "§6.5 with authorization-whitelist=allow it deploys");
	ok(matches(attr(&f, "P", "Id"), "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
		   "[0-9a-f]{12}$"), "policy ids are UUIDs (%s)", attr(&f, "P", "Id"));
	ok(deploy(&f, "q", "{'Resources':{" POLICY("fwd", "allViewer", "") "}}") != 0 &&
	   f.err.status == 409 && strcmp(f.err.code, "OriginRequestPolicyAlreadyExists") == 0,
	   "policy names are unique per account");
	ok(deploy(&f, "q", "{'Resources':{'C':{'Type':'AWS::CloudFront::CachePolicy',"
		  "'Properties':{'CachePolicyConfig':{'Name':'c','MinTTL':50,'DefaultTTL':10,"
		  "'MaxTTL':100,'ParametersInCacheKeyAndForwardedToOrigin':"
		  "{'EnableAcceptEncodingGzip':true,'HeadersConfig':{'HeaderBehavior':'none'},"
		  "'CookiesConfig':{'CookieBehavior':'none'},'QueryStringsConfig':"
		  "{'QueryStringBehavior':'none'}}}}}}}") != 0 && err_has(&f, "MinTTL <= DefaultTTL"),
	   "cache policy TTL order");
	ok(cloudfront_set_fidelity(f.cf, "nope=1", &e) != 0 &&
	   strstr(e.message, "other-headers=drop|forward") != NULL, "unknown switch refused");
	fx_fini(&f);
}

static void test_policy_in_use(void)
{
	struct fx f;
	struct stack_world *next = NULL;

	fx_init(&f);
	ok(deploy(&f, "pol", "{'Resources':{'C':{'Type':'AWS::CloudFront::CachePolicy',"
		  "'Properties':{'CachePolicyConfig':{'Name':'c','MinTTL':0,"
		  "'ParametersInCacheKeyAndForwardedToOrigin':{'EnableAcceptEncodingGzip':true,"
		  "'HeadersConfig':{'HeaderBehavior':'none'},'CookiesConfig':{'CookieBehavior':"
		  "'none'},'QueryStringsConfig':{'QueryStringBehavior':'none'}}}}}},"
		  "'Outputs':{'Id':{'Value':{'Ref':'C'},'Export':{'Name':'cp'}}}}") == 0,
	   "a cache policy in its own stack");
	ok(deploy(&f, "use", T("", "'Enabled':true,'Origins':[" ORIGIN "],"
			       "'DefaultCacheBehavior':{'TargetOriginId':'o','ViewerProtocolPolicy':"
			       "'allow-all','CachePolicyId':{'Fn::ImportValue':'cp'}}")) == 0,
	   "a distribution in another stack uses it");
	ok(deploy(&f, "pol", "{'Resources':{'W':{'Type':'AWS::Logs::LogGroup'}}}") != 0 &&
	   strcmp(f.err.code, "CachePolicyInUse") == 0 && f.err.status == 409,
	   "removing the policy while it is attached: CachePolicyInUse");
	ok(stack_delete(f.reg, f.w, "use", &next, &f.err) == 0, "the user goes");
	stack_world_rel(&next);
	fx_fini(&f);
}

static void test_errors_and_misc(void)
{
	struct fx f;

	fx_init(&f);
	ok(deploy(&f, "s", T("", BASIC ",'CustomErrorResponses':[{'ErrorCode':418}]")) != 0 &&
	   err_has(&f, "418"), "an error code CloudFront cannot customise");
	ok(deploy(&f, "s", T("", BASIC ",'CustomErrorResponses':[{'ErrorCode':404,"
			     "'ResponseCode':200}]")) != 0 && err_has(&f, "ResponsePagePath"),
	   "ResponseCode without ResponsePagePath");
	ok(deploy(&f, "s", T("", BASIC ",'CustomErrorResponses':[{'ErrorCode':404,"
			     "'ResponseCode':200,'ResponsePagePath':'/index.html',"
			     "'ErrorCachingMinTTL':0}]")) == 0, "an SPA fallback deploys");
	ok(deploy(&f, "s", T("", BASIC ",'Bogus':1")) != 0 &&
	   err_has(&f, "#/DistributionConfig: extraneous key [Bogus] is not permitted"),
	   "unknown keys get CloudFormation's schema message");
	ok(deploy(&f, "s", T("", BASIC ",'Logging':{'Bucket':'b.s3.amazonaws.com'},"
			     "'WebACLId':'arn:x'")) == 0 && warned(&f, "access logs are not written")
	   && warned(&f, "WebACLId"), "Logging and WAF deploy with warnings");
	ok(deploy(&f, "s", T("", "'Origins':[" ORIGIN "],'DefaultCacheBehavior':" BEHAVIOR))
	   != 0 && err_has(&f, "required key [Enabled] not found"), "Enabled is required");
	fx_fini(&f);
}

static void test_view_names(void)
{
	struct fx f;
	const struct cf_dist *d;
	bool alias = false;
	char up[80];

	fx_init(&f);
	ok(deploy(&f, "s", T("'C':{'Type':'AWS::CertificateManager::Certificate','Metadata':"
			     "{'Frontgate':{'Id':'arn:aws:acm:us-east-1:123456789012:"
			     "certificate/c'}},'Properties':{'DomainName':'*.example.test',"
			     "'SubjectAlternativeNames':['*.deep.example.test']}}",
			     BASIC ",'Aliases':['WWW.example.test','*.deep.example.test'],"
			     "'ViewerCertificate':{'AcmCertificateArn':{'Ref':'C'},"
			     "'SslSupportMethod':'sni-only','MinimumProtocolVersion':"
			     "'TLSv1.2_2021'}")) == 0, "aliases deploy");
	d = f.view->dists[0];
	ok(cf_view_find(f.view, d->domain, &alias) == d && !alias, "the default name");
	snprintf(up, sizeof(up), "%s:443", d->domain);
	for (char *p = up; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	ok(cf_view_find(f.view, up, NULL) == d, "any case, port ignored");
	ok(cf_view_find(f.view, "www.example.test", &alias) == d && alias, "an exact alias");
	ok(cf_view_find(f.view, "a.deep.example.test", NULL) == d, "under a wildcard alias");
	ok(cf_view_find(f.view, "a.b.deep.example.test", NULL) == d,
	   "§5.1 alias wildcards cover deeper names");
	ok(cf_view_find(f.view, "deep.example.test", NULL) == NULL, "not the wildcard's parent");
	ok(cf_view_find(f.view, "other.example.test", NULL) == NULL, "other names: none");
	is_str(d->min_protocol, "TLSv1.2_2021", "MinimumProtocolVersion kept");
	fx_fini(&f);
}

static void test_patterns(void)
{
	ok(cf_pattern_match("*", "/anything/at/all"), "§6.1 * matches everything");
	ok(cf_pattern_match("/api/*", "/api/v1/users"), "§6.1 * crosses /");
	ok(cf_pattern_match("api/*", "/api/x"), "§6.1 the leading / is optional");
	ok(!cf_pattern_match("/api/*", "/API/x"), "§6.1 case-sensitive");
	ok(!cf_pattern_match("/api/*", "/api"), "/api/* does not match /api");
	ok(cf_pattern_match("/images/*.jpg", "/images/a/b/c.jpg"), "§6.1 sub-directories");
	ok(!cf_pattern_match("/images/*.jpg", "/images/a.png"), "the suffix counts");
	ok(cf_pattern_match("/img?.png", "/img1.png") && !cf_pattern_match("/img?.png",
									  "/img10.png"),
	   "§6.1 ? is exactly one character");
	ok(cf_pattern_match("/a*b*c", "/axxbyyc") && !cf_pattern_match("/a*b*c", "/axxbyy"),
	   "several stars backtrack");
	ok(cf_pattern_valid("/api/*") && !cf_pattern_valid("/a b") && !cf_pattern_valid(""),
	   "§6.1 pattern characters");
}

int main(void)
{
	test_ids();
	test_aliases();
	test_edge_domain_alias();
	test_origins();
	test_behaviors();
	test_policies();
	test_policy_in_use();
	test_errors_and_misc();
	test_view_names();
	test_patterns();
	return tap_done();
}
