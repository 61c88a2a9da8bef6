/*
 * test_elb.c: Application Load Balancer rules (elb_match.c: wildcards, each condition type,
 * priority order), the ELB types' validation with ELB's messages and their attributes
 * (elb_types.c, through the real deployer with EC2's types for VPCs and subnets), and the
 * compiled view (elb_view.c: rules by priority, actions by Order).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2/ec2.h"
#include "elb/elb_int.h"
#include "tap.h"

/* ------------------------------------------------------------------ rules */

static struct fg_arena *arena;

static struct elb_probe probe(const char *path, const char *query, const char *host,
			      const char *method, const char *ip)
{
	static struct fg_http_header h[] = { { "User-Agent", "curl/8.0" },
					     { "X-Route", "Blue" } };
	struct elb_probe p = { path, query, host, method, ip, h, 2, arena };

	return p;
}

static struct elb_cond cond(enum elb_field f, const char *header, const char **keys,
			    const char **values, size_t n)
{
	struct elb_cond c = { f, header, keys, values, n };

	return c;
}

static void test_wildcards(void)
{
	ok(elb_wildcard("/api/*", "/api/v1/users", false), "'*' crosses '/'");
	ok(elb_wildcard("/api/*", "/api/", false), "'*' matches nothing too");
	ok(!elb_wildcard("/api/*", "/api", false), "'/api/*' does not match '/api'");
	ok(elb_wildcard("/img/?.png", "/img/a.png", false), "'?' is one character");
	ok(!elb_wildcard("/img/?.png", "/img/ab.png", false), "'?' is exactly one character");
	ok(!elb_wildcard("/API/*", "/api/x", false), "paths compare with case");
	ok(elb_wildcard("*.Example.COM", "www.example.com", true), "hosts compare without case");
	ok(elb_wildcard("*a*b*c", "xxaxxbxxc", true), "several stars backtrack");
	ok(!elb_wildcard("exact", "exactly", false), "no star: the whole string");
}

static void test_cidr(void)
{
	ok(elb_cidr_match("10.0.0.0/8", "10.200.3.4"), "an address inside a /8");
	ok(!elb_cidr_match("10.0.0.0/16", "10.1.0.1"), "an address outside a /16");
	ok(elb_cidr_match("192.0.2.7/32", "192.0.2.7"), "a /32");
	ok(elb_cidr_match("2001:db8::/32", "2001:db8:1::5"), "IPv6");
	ok(!elb_cidr_match("2001:db8::/32", "10.0.0.1"), "families never mix");
	ok(!elb_cidr_match("10.0.0.0/8", NULL), "no source address");
}

static void test_conditions(void)
{
	const char *paths[] = { "/img/*", "/static/*" }, *hosts[] = { "*.shop.test" };
	const char *hv[] = { "blue", "green" }, *methods[] = { "POST" };
	const char *qk[] = { "version", NULL }, *qv[] = { "v2*", "debug" };
	const char *ips[] = { "130.176.0.0/16" };
	struct elb_cond c;
	struct elb_probe p = probe("/static/app.js", "version=v2.1&x=debug%20no", "WWW.Shop.test",
				   "GET", "130.176.0.1");

	c = cond(ELB_F_PATH, NULL, NULL, paths, 2);
	ok(elb_cond_match(&c, &p), "path-pattern: any value may match");
	p.path = "/Static/app.js";
	ok(!elb_cond_match(&c, &p), "path-pattern is case-sensitive");
	c = cond(ELB_F_HOST, NULL, NULL, hosts, 1);
	ok(elb_cond_match(&c, &p), "host-header ignores case");
	p.host = "shop.test";
	ok(!elb_cond_match(&c, &p), "host-header '*.shop.test' does not match the apex");
	c = cond(ELB_F_HEADER, "x-route", NULL, hv, 2);
	ok(elb_cond_match(&c, &p), "http-header: name and value without case");
	c.header = "X-Other";
	ok(!elb_cond_match(&c, &p), "http-header: an absent header never matches");
	c = cond(ELB_F_METHOD, NULL, NULL, methods, 1);
	ok(!elb_cond_match(&c, &p), "http-request-method GET is not POST");
	p.method = "POST";
	ok(elb_cond_match(&c, &p), "http-request-method POST");
	methods[0] = "post";
	ok(!elb_cond_match(&c, &p), "http-request-method is case-sensitive");
	c = cond(ELB_F_QUERY, NULL, qk, qv, 2);
	ok(elb_cond_match(&c, &p), "query-string: key=value with a wildcard value");
	p.query = "x=debug";
	ok(elb_cond_match(&c, &p), "query-string: a pair without a key matches any key");
	p.query = "version=v1&x=debug%20no";
	ok(!elb_cond_match(&c, &p), "query-string: values are percent-decoded before matching");
	p.query = "";
	ok(!elb_cond_match(&c, &p), "query-string: no query, no match");
	c = cond(ELB_F_SOURCE_IP, NULL, NULL, ips, 1);
	ok(elb_cond_match(&c, &p), "source-ip: CloudFront's origin-facing address");
	p.client_ip = "127.0.0.1";
	ok(!elb_cond_match(&c, &p), "source-ip: another address");
}

static void test_rule_order(void)
{
	const char *api[] = { "/api/*" }, *any[] = { "*" }, *hosts[] = { "admin.test" };
	struct elb_cond c_api = cond(ELB_F_PATH, NULL, NULL, api, 1);
	struct elb_cond c_any = cond(ELB_F_PATH, NULL, NULL, any, 1);
	struct elb_cond both[2] = { cond(ELB_F_PATH, NULL, NULL, api, 1),
				    cond(ELB_F_HOST, NULL, NULL, hosts, 1) };
	struct elb_rule rules[3] = {
		{ "r5", 5, both, 2, NULL, 0 },
		{ "r10", 10, &c_api, 1, NULL, 0 },
		{ "r20", 20, &c_any, 1, NULL, 0 },
	};
	struct elb_probe p = probe("/api/x", "", "www.test", "GET", "10.0.0.1");
	const struct elb_rule *r;

	r = elb_rule_select(rules, 3, &p);
	is_str(r ? r->arn : NULL, "r10", "all conditions of a rule must match (r5 needs the host)");
	p.host = "admin.test";
	r = elb_rule_select(rules, 3, &p);
	is_str(r ? r->arn : NULL, "r5", "the lowest priority that matches wins");
	p.path = "/other";
	r = elb_rule_select(rules, 3, &p);
	is_str(r ? r->arn : NULL, "r20", "later rules when earlier ones do not match");
	ok(elb_rule_select(rules, 2, &p) == NULL, "no rule: the default actions");
}

/* ------------------------------------------------------------------ types */

struct fx {
	struct ec2 *ec2;
	struct elb *elb;
	struct stack_registry *reg;
	struct stack_world *w;
	struct elb_view *view;
	struct fg_err err;
	cJSON *doc;
};

static const struct stack_defaults def = { "123456789012", "us-east-1" };

#include "deploy.h"

static void fx_init(struct fx *f)
{
	struct elb_deps d = { NULL, NULL, NULL, NULL };

	memset(f, 0, sizeof(*f));
	f->ec2 = ec2_new();
	f->elb = elb_new(&d);
	f->reg = stack_registry_new();
	ec2_register_types(f->ec2, f->reg);
	elb_register_types(f->elb, f->reg);
	f->w = stack_world_new(NULL);
}

static void fx_fini(struct fx *f)
{
	elb_view_release(f->view);
	stack_world_rel(&f->w);
	stack_registry_destroy(&f->reg);
	elb_destroy(&f->elb);
	ec2_destroy(&f->ec2);
	cJSON_Delete(f->doc);
}

static int deploy_in(struct fx *f, const char *name, const char *region, const char *tpl)
{
	if (unit_deploy(f->reg, &def, &f->w, &f->doc, name, region, 1767225600000, tpl,
			&f->err) != 0)
		return -1;
	elb_view_release(f->view);
	f->view = elb_view_compile(f->elb, f->w, &f->err);
	return 0;
}

static const char *attr(const struct fx *f, const char *logical, const char *name)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(f->doc, "Resources")) {
		const cJSON *v;

		if (strcmp(cJSON_GetObjectItemCaseSensitive(r, "LogicalId")->valuestring,
			   logical) != 0)
			continue;
		v = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(r, "Attributes"), name);
		return cJSON_IsString(v) ? v->valuestring : NULL;
	}
	return NULL;
}

static bool err_has(const struct fx *f, const char *text)
{
	bool yes = strstr(f->err.message, text) != NULL;

	if (!yes)
		printf("# error was: %s (%s)\n", f->err.message, f->err.code);
	return yes;
}

/* A VPC with subnets in two zones, a third subnet in the first zone. */
#define NET "'Vpc':{'Type':'AWS::EC2::VPC','Properties':{'CidrBlock':'10.9.0.0/16'}}," \
	"'A':{'Type':'AWS::EC2::Subnet','Properties':{'VpcId':{'Ref':'Vpc'},'CidrBlock':" \
	"'10.9.1.0/24','AvailabilityZone':'us-east-1a'}}," \
	"'B':{'Type':'AWS::EC2::Subnet','Properties':{'VpcId':{'Ref':'Vpc'},'CidrBlock':" \
	"'10.9.2.0/24','AvailabilityZone':'us-east-1b'}}," \
	"'A2':{'Type':'AWS::EC2::Subnet','Properties':{'VpcId':{'Ref':'Vpc'},'CidrBlock':" \
	"'10.9.3.0/24','AvailabilityZone':'us-east-1a'}}"
#define LB(props) "'Lb':{'Type':'AWS::ElasticLoadBalancingV2::LoadBalancer','Properties':" \
	"{" props "}}"
#define TWO "'Subnets':[{'Ref':'A'},{'Ref':'B'}]"
#define TG(extra) "'Tg':{'Type':'AWS::ElasticLoadBalancingV2::TargetGroup','Properties':" \
	"{'Protocol':'HTTP','Port':80,'VpcId':{'Ref':'Vpc'},'TargetType':'ip'" extra "}}"
#define FWD "[{'Type':'forward','TargetGroupArn':{'Ref':'Tg'}}]"
#define LISTENER_A(name, port, acts, extra) "'" name "':{'Type':" \
	"'AWS::ElasticLoadBalancingV2::Listener','Properties':{'LoadBalancerArn':{'Ref':'Lb'}," \
	"'Port':" port ",'DefaultActions':" acts extra "}}"
#define LISTENER(name, port, extra) LISTENER_A(name, port, FWD, extra)

static char tpl[8192];

static const char *T(const char *resources)
{
	snprintf(tpl, sizeof(tpl), "{'Resources':{" NET ",%s}}", resources);
	return tpl;
}

static void test_load_balancer(void)
{
	struct fx f;
	const char *dns;

	fx_init(&f);
	ok(deploy_in(&f, "s", NULL, T(LB("'Subnets':[{'Ref':'A'}]"))) != 0 &&
	   err_has(&f, "At least two subnets in two different Availability Zones must be "
		   "specified (Service: ElasticLoadBalancingV2, Status Code: 400)"),
	   "an ALB in one subnet: ELB's ValidationError");
	ok(deploy_in(&f, "s", NULL, T(LB("'Subnets':[{'Ref':'A'},{'Ref':'A2'}]"))) != 0 &&
	   err_has(&f, "A load balancer cannot be attached to multiple subnets in the same "
		   "Availability Zone") && strcmp(f.err.code, "InvalidConfigurationRequest") == 0,
	   "two subnets in one zone: InvalidConfigurationRequest");
	ok(deploy_in(&f, "s", NULL, T(LB("'Name':'abcdefghijklmnopqrstuvwxyz0123456'," TWO))) != 0
	   && err_has(&f, "The load balancer name 'abcdefghijklmnopqrstuvwxyz0123456' cannot be "
		      "longer than '32' characters"), "a name over 32 characters");
	ok(deploy_in(&f, "s", NULL, T(LB("'Scheme':'private'," TWO))) != 0 &&
	   err_has(&f, "#/Scheme: private is not a valid enum value"), "Scheme enum");
	ok(deploy_in(&f, "s", NULL, T(LB("'Scheme':'internal','Name':'shop'," TWO))) == 0,
	   "an internal ALB in two zones deploys");
	dns = attr(&f, "Lb", "DNSName");
	ok(dns && strncmp(dns, "internal-shop-", 14) == 0 &&
	   strstr(dns, ".us-east-1.elb.amazonaws.com") != NULL, "DNSName internal-{name}-{id}."
	   "{region}.elb.amazonaws.com (%s)", dns ? dns : "");
	is_str(attr(&f, "Lb", "CanonicalHostedZoneID"), "Z35SXDOTRQ7X7K", "us-east-1's ALB zone");
	is_str(attr(&f, "Lb", "LoadBalancerName"), "shop", "LoadBalancerName");
	ok(strncmp(attr(&f, "Lb", "LoadBalancerArn"), "arn:aws:elasticloadbalancing:us-east-1:"
		   "123456789012:loadbalancer/app/shop/", 71) == 0, "LoadBalancerArn");
	ok(strncmp(attr(&f, "Lb", "LoadBalancerFullName"), "app/shop/", 9) == 0 &&
	   strlen(attr(&f, "Lb", "LoadBalancerFullName")) == 9 + 16, "LoadBalancerFullName "
	   "app/{name}/{16 hex}");
	ok(f.view != NULL && elb_view_lb(f.view, dns) != NULL, "the view finds it by name");
	ok(elb_view_lb(f.view, "DUALSTACK.INTERNAL-SHOP-X.elb.amazonaws.com") == NULL,
	   "an unknown name is not claimed");
	fx_fini(&f);

	fx_init(&f);
	ok(deploy_in(&f, "s", "eu-west-1", T(LB(TWO))) == 0, "an ALB without a Name");
	dns = attr(&f, "Lb", "DNSName");
	is_str(attr(&f, "Lb", "CanonicalHostedZoneID"), "Z32O12XQLNTSW2", "eu-west-1's ALB zone");
	ok(dns && strncmp(dns, "s-Lb-1", 6) == 0 && strstr(dns, ".eu-west-1.elb.amazonaws.com"),
	   "internet-facing, CloudFormation's generated name (%s)", dns ? dns : "");
	fx_fini(&f);
}

static void test_target_group(void)
{
	struct fx f;

	fx_init(&f);
	ok(deploy_in(&f, "s", NULL, T(TG(",'Targets':[{'Id':'10.9.1.300'}]"))) != 0 &&
	   err_has(&f, "The IP address '10.9.1.300' is not a valid IPv4 address"),
	   "an ip target that is not an address");
	ok(deploy_in(&f, "s", NULL, T(TG(",'Targets':[{'Id':'172.16.0.5'}]"))) != 0 &&
	   err_has(&f, "The Availability Zone is required for IP address '172.16.0.5' because it "
		   "is not in the VPC"), "an address outside the VPC without AvailabilityZone all");
	ok(deploy_in(&f, "s", NULL, T(TG(",'Targets':[{'Id':'172.16.0.5','AvailabilityZone':"
					 "'all'}]"))) == 0, "...with 'all' it deploys");
	ok(deploy_in(&f, "s", NULL, T(TG(",'Name':'a-target-group-name-over-32-chars'"))) != 0 &&
	   err_has(&f, "Target group name 'a-target-group-name-over-32-chars' cannot be longer "
		   "than '32' characters"), "a target group name over 32 characters");
	ok(deploy_in(&f, "s", NULL, T(TG(",'Matcher':{'HttpCode':'200,403'},'Name':'tg-1'"))) == 0,
	   "Matcher '200,403' as the seed has it");
	ok(strncmp(attr(&f, "Tg", "TargetGroupArn"), "arn:aws:elasticloadbalancing:us-east-1:"
		   "123456789012:targetgroup/tg-1/", 69) == 0, "TargetGroupArn");
	ok(deploy_in(&f, "s", NULL, T(TG(",'Matcher':{'HttpCode':'200-99'}"))) != 0,
	   "a bad matcher range is refused");
	fx_fini(&f);
}

static void test_listener_and_rules(void)
{
	struct fx f;
	char base[2048];

	snprintf(base, sizeof(base), "%s,%s", LB(TWO), TG(""));
	fx_init(&f);
	{
		char r[4096];

		snprintf(r, sizeof(r), "%s,%s", base, LISTENER("L", "443", ",'Protocol':'HTTPS'"));
		ok(deploy_in(&f, "s", NULL, T(r)) != 0 &&
		   err_has(&f, "A certificate must be specified for HTTPS listeners"),
		   "HTTPS without a certificate");
		snprintf(r, sizeof(r), "%s,%s", base, LISTENER("L", "80", ",'Protocol':'TCP'"));
		ok(deploy_in(&f, "s", NULL, T(r)) != 0 &&
		   err_has(&f, "Listener protocol 'TCP' must be one of 'HTTPS, HTTP'"),
		   "TCP on an application load balancer");
		snprintf(r, sizeof(r), "%s,%s,%s", base, LISTENER("L", "80", ",'Protocol':'HTTP'"),
			 LISTENER("L2", "80", ",'Protocol':'HTTP'"));
		ok(deploy_in(&f, "s", NULL, T(r)) != 0 &&
		   err_has(&f, "A listener already exists on this port for this load balancer "
			   "'arn:aws:elasticloadbalancing:") &&
		   strcmp(f.err.code, "DuplicateListener") == 0, "two listeners on one port");
		snprintf(r, sizeof(r), "%s,%s", base, LISTENER_A("L", "80", "[{'Type':"
			 "'fixed-response','FixedResponseConfig':{'StatusCode':'302'}}]",
			 ",'Protocol':'HTTP'"));
		ok(deploy_in(&f, "s", NULL, T(r)) != 0 && err_has(&f, "does not match pattern"),
		   "a fixed response of 302 is refused (2XX, 4XX, 5XX)");
	}
	{
		char r[6000];
		const struct elb_listener *l;

		snprintf(r, sizeof(r), "%s,%s,"
			 "'R1':{'Type':'AWS::ElasticLoadBalancingV2::ListenerRule','Properties':{"
			 "'ListenerArn':{'Ref':'L'},'Priority':20,'Conditions':[{'Field':"
			 "'path-pattern','Values':['/b/*']}],'Actions':" FWD "}},"
			 "'R2':{'Type':'AWS::ElasticLoadBalancingV2::ListenerRule','Properties':{"
			 "'ListenerArn':{'Ref':'L'},'Priority':'10','Conditions':[{'Field':"
			 "'host-header','HostHeaderConfig':{'Values':['a.test']}}],'Actions':"
			 "[{'Type':'redirect','RedirectConfig':{'StatusCode':'HTTP_301',"
			 "'Protocol':'HTTPS'}}]}}", base, LISTENER("L", "80", ",'Protocol':'HTTP'"));
		ok(deploy_in(&f, "s", NULL, T(r)) == 0, "a listener with two rules deploys");
		l = f.view && f.view->nlbs == 1 ? elb_lb_listener(&f.view->lbs[0], 80) : NULL;
		ok(l != NULL && l->nrules == 2 && l->rules[0].priority == 10 &&
		   l->rules[1].priority == 20, "the view sorts rules by priority");
		ok(l != NULL && l->rules[0].acts[0].kind == ELB_A_REDIRECT &&
		   l->rules[0].acts[0].status == 301, "a redirect action with its status");
		ok(l != NULL && l->rules[1].acts[0].kind == ELB_A_FORWARD &&
		   l->rules[1].acts[0].fwd[0].tg != NULL, "a forward action resolves its group");
		snprintf(r + strlen(r) - 0, sizeof(r) - strlen(r), ","
			 "'R3':{'Type':'AWS::ElasticLoadBalancingV2::ListenerRule','Properties':{"
			 "'ListenerArn':{'Ref':'L'},'Priority':20,'Conditions':[{'Field':"
			 "'path-pattern','Values':['/c/*']}],'Actions':" FWD "}}");
		ok(deploy_in(&f, "s", NULL, T(r)) != 0 &&
		   err_has(&f, "Priority '20' is currently in use") &&
		   strcmp(f.err.code, "PriorityInUse") == 0, "two rules with one priority");
	}
	fx_fini(&f);
}

int main(void)
{
	arena = fg_arena_new(4096);
	test_wildcards();
	test_cidr();
	test_conditions();
	test_rule_order();
	test_load_balancer();
	test_target_group();
	test_listener_and_rules();
	fg_arena_destroy(&arena);
	return tap_done();
}
