/*
 * instance.c: the composition root. Opens the app, binds the listeners (port 0 allowed),
 * deploys the --fixture templates, wires services to the front router and starts the
 * servers. It is the one place that knows every module.
 */
#include "main/instance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acm/acm.h"
#include "apigw/apigw.h"
#include "ec2/ec2.h"
#include "elb/elb.h"
#include "cfn/cfn.h"
#include "cloudfront/cloudfront.h"
#include "cp.h"
#include "dns/dns.h"
#include "http/http.h"
#include "iam/iam.h"
#include "lambda/lambda.h"
#include "main/app.h"
#include "main/fixtures.h"
#include "main/front.h"
#include "net/net.h"
#include "route53/route53.h"
#include "tls/tls.h"

#define FG_VERSION "0.1.0"
#define DATA_BODY_LIMIT ((size_t)10485760 + 1) /* API Gateway's limit, plus one to detect it */

struct fg_instance {
	struct fg_app *app;
	struct iam *iam;
	struct lambda *lambda;
	struct apigw *apigw;
	struct cloudfront *cloudfront;
	struct ec2 *ec2;
	struct elb *elb;
	struct route53 *route53;
	struct acm *acm;
	struct tls_ca *ca;
	struct fg_http_server *http;
	struct tls_term *tls;
	struct fg_dns_server *dns;
	struct cp_server *cp;
	struct fg_dispatch dispatch;  /* in-process connections (CloudFront origins, ALBs) */
	int http_port, https_port, dns_port, control_port;
	struct tls_site_arg *site_args;  /* --tls-site */
	struct fg_tls_site *sites;
	size_t nsites;
};

/*
 * "fixtures/demo.yaml" -> "demo"; "fixtures/seeds/004-x/template.yaml" -> "f004-x" (a
 * template.yaml is named after its folder); the template's Metadata.Frontgate.StackName wins
 * over both. Characters a stack name cannot have become '-'.
 */
static void stack_name_of(const char *path, char *out, size_t n)
{
	const char *base = strrchr(path, '/');
	size_t i = 0;

	base = base ? base + 1 : path;
	if (strncmp(base, "template.", 9) == 0 && base - path >= 2) {
		const char *dir = base - 1;

		while (dir > path && dir[-1] != '/')
			dir--;
		base = dir;
	}
	if (!((base[0] >= 'a' && base[0] <= 'z') || (base[0] >= 'A' && base[0] <= 'Z')))
		out[i++] = 'f';
	for (const char *p = base; *p && *p != '.' && *p != '/' && i + 1 < n && i < 128; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		out[i++] = ok ? c : '-';
	}
	out[i] = '\0';
}

/*
 * The stack a fixture becomes: the template's top-level Metadata.Frontgate.StackName when it
 * has one (some templates read their stack's name, like "prod--app"), else the file's name
 * (a template.yaml: its folder's, fixtures/seeds/004-x/template.yaml -> "f004-x").
 */
static int fixture_stack_name(const cJSON *tpl, const char *path, char *out, size_t n,
			      struct fg_err *err)
{
	const cJSON *fg = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(tpl, "Metadata"), "Frontgate");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(fg, "StackName");

	if (v == NULL) {
		stack_name_of(path, out, n);
		return 0;
	}
	if (!cJSON_IsString(v) || !stack_name_valid(v->valuestring, err)) {
		if (cJSON_IsString(v))
			fg_err_prefix(err, "Metadata.Frontgate.StackName: ");
		else
			fg_err_set(err, 400, "ValidationError",
				   "Metadata.Frontgate.StackName must be a string (the stack's "
				   "name)");
		fg_err_at(err, NULL, "Metadata.Frontgate.StackName");
		return -1;
	}
	snprintf(out, n, "%s", v->valuestring);
	return 0;
}

/* --param values go to each fixture that declares the parameter. */
static cJSON *params_for(const struct fg_instance_config *cfg, const cJSON *tpl)
{
	const cJSON *decl = cJSON_GetObjectItemCaseSensitive(tpl, "Parameters");
	cJSON *p = cJSON_CreateObject();

	for (size_t i = 0; i < cfg->nparams; i++) {
		const char *eq = strchr(cfg->params[i], '=');
		char key[256];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - cfg->params[i]), cfg->params[i]);
		if (cJSON_GetObjectItemCaseSensitive(decl, key) != NULL) {
			cJSON_DeleteItemFromObjectCaseSensitive(p, key);
			cJSON_AddStringToObject(p, key, eq + 1);
		}
	}
	return p;
}

static int deploy_fixture(struct fg_instance *inst, const struct fg_instance_config *cfg,
			  struct fg_fixtures *fx, size_t i, struct fg_err *err)
{
	const char *path = cfg->fixtures[i];
	char name[160];
	cJSON *tpl, *params;
	struct stack_request req;
	bool created;
	int rc = -1;

	stack_name_of(path, name, sizeof(name));
	tpl = fg_fixtures_next(fx, i, err);
	if (tpl == NULL)
		goto out;
	if (fixture_stack_name(tpl, path, name, sizeof(name), err) != 0) {
		cJSON_Delete(tpl);
		goto out;
	}
	params = params_for(cfg, tpl);
	memset(&req, 0, sizeof(req));
	req.name = name;
	req.template = tpl;
	req.parameters = params;
	req.now_ms = fg_clock_now_ms(fg_app_clock(inst->app));
	rc = fg_app_deploy(inst->app, &req, NULL, &created, err);
	cJSON_Delete(params);
	cJSON_Delete(tpl);
out:
	if (rc != 0)
		fg_err_prefix(err, "fixture %.200s (stack %s): ", path, name);
	return rc;
}

/*
 * The addresses alias records and endpoint names answer with: where the data HTTP listener
 * is reachable. A wildcard bind answers loopback (and "::" both families).
 */
static void endpoint_addresses(struct fg_instance *inst, const char *http_spec)
{
	char host[256];
	int port;
	struct fg_err e;

	fg_err_clear(&e);
	if (fg_net_parse_addr(http_spec, host, sizeof(host), &port, &e) != 0)
		return;
	if (strcmp(host, "::") == 0)
		route53_set_addresses(inst->route53, "127.0.0.1", "::1");
	else if (strchr(host, ':') != NULL)
		route53_set_addresses(inst->route53, NULL, host);
	else if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "localhost") == 0)
		route53_set_addresses(inst->route53, "127.0.0.1", NULL);
	else
		route53_set_addresses(inst->route53, host, NULL);
}

static int wire_route53(struct fg_instance *inst, const struct fg_instance_config *cfg,
			struct fg_err *err)
{
	struct route53_deps rd = { fg_app_log(inst->app), cfg->region };
	unsigned slot;

	inst->route53 = route53_new(&rd);
	route53_register_types(inst->route53, fg_app_registry(inst->app));
	if (fg_app_add_service(inst->app, route53_service(inst->route53), &slot, err) != 0)
		return -1;
	route53_set_slot(inst->route53, slot);
	fg_app_set_resolver(inst->app, route53_resolver(inst->route53));
	inst->dispatch.self = inst->app;
	inst->dispatch.owner = fg_front_owner;
	inst->dispatch.serve = fg_front_serve;
	inst->dispatch.listens = fg_front_listens;
	cloudfront_set_links(inst->cloudfront, route53_resolver(inst->route53), &inst->dispatch);
	elb_set_links(inst->elb, ec2_network(inst->ec2), &inst->dispatch);
	endpoint_addresses(inst, cfg->http_addr);
	return 0;
}

static struct stack_world *current_world(void *app)
{
	return fg_app_world(app);
}

static const struct pki_ca *instance_ca(void *arg)
{
	return tls_ca_pki(arg);
}

/* --fidelity service.switch=value, for the services that have switches. */
static int set_fidelity(struct fg_instance *inst, const struct fg_instance_config *cfg,
			struct fg_err *err)
{
	for (size_t i = 0; i < cfg->nfidelity; i++) {
		const char *f = cfg->fidelity[i];
		int rc;

		if (strncmp(f, "apigw.", 6) == 0) {
			rc = apigw_set_fidelity(inst->apigw, f + 6, err);
		} else if (strncmp(f, "acm.", 4) == 0) {
			rc = acm_set_fidelity(inst->acm, f + 4, err);
		} else if (strncmp(f, "cloudfront.", 11) == 0) {
			rc = cloudfront_set_fidelity(inst->cloudfront, f + 11, err);
		} else {
			fg_err_set(err, 400, "InvalidArgument",
				   "--fidelity %s: switches are named service.switch=value, and "
				   "only apigw.*, acm.* and cloudfront.* exist (see frontgate --help)",
				   f);
			return -1;
		}
		if (rc != 0) {
			fg_err_prefix(err, "--fidelity %s: ", f);
			return -1;
		}
	}
	return 0;
}

/*
 * The services and how they meet: IAM, Lambda and EC2 first (no front), then CloudFront's
 * distributions (before API Gateway: an alias that is also a custom domain name reaches
 * CloudFront, as DNS would send it there), then API Gateway, which invokes functions through
 * Lambda's invoker, asks IAM about callers through iam_identity and learns about VPC
 * endpoints through EC2's network interface; then CloudFront's catch-all for other
 * cloudfront.net names (after API Gateway's EDGE targets); then Route 53 (no front), whose
 * resolver the control API and the DNS listener use. ACM has no front of its own: its
 * certificates reach the TLS terminator through iface/certs.h. Then Elastic Load Balancing
 * (load balancers' names under elb.amazonaws.com; their IP targets reach VPC endpoints through
 * EC2's network interface and the dispatcher). Order of add = order the front router asks.
 */
static int wire_services(struct fg_instance *inst, const struct fg_instance_config *cfg,
			 struct fg_err *err)
{
	struct fg_app *app = inst->app;
	struct lambda_deps ld = { fg_app_clock(app), fg_app_log(app), 2 };
	struct iam_deps id = { fg_app_log(app) };
	struct acm_deps cd = { fg_app_clock(app), fg_app_log(app), fg_app_store(app),
			       instance_ca, inst->ca };
	struct apigw_deps ad;
	struct cloudfront_deps cfd = { fg_app_clock(app), fg_app_log(app), NULL, NULL };
	struct elb_deps eld = { fg_app_clock(app), fg_app_log(app), NULL, NULL };
	unsigned slot;

	inst->iam = iam_new(&id);
	iam_register_types(inst->iam, fg_app_registry(app));
	if (fg_app_add_service(app, iam_service(inst->iam), &slot, err) != 0)
		return -1;
	iam_set_slot(inst->iam, slot);
	inst->lambda = lambda_new(&ld);
	lambda_register_types(inst->lambda, fg_app_registry(app));
	if (fg_app_add_service(app, lambda_service(inst->lambda), &slot, err) != 0)
		return -1;
	lambda_set_slot(inst->lambda, slot);
	inst->ec2 = ec2_new();
	ec2_register_types(inst->ec2, fg_app_registry(app));
	if (fg_app_add_service(app, ec2_service(inst->ec2), &slot, err) != 0)
		return -1;
	ec2_set_slot(inst->ec2, slot);
	ad.clock = fg_app_clock(app);
	ad.log = fg_app_log(app);
	ad.invoker = lambda_invoker(inst->lambda);
	ad.network = ec2_network(inst->ec2);
	ad.identity = iam_identity(inst->iam);
	inst->apigw = apigw_new(&ad);
	inst->acm = acm_new(&cd);
	inst->cloudfront = cloudfront_new(&cfd);
	if (set_fidelity(inst, cfg, err) != 0)
		return -1;
	acm_register_types(inst->acm, fg_app_registry(app));
	cloudfront_register_types(inst->cloudfront, fg_app_registry(app));
	if (fg_app_add_service(app, cloudfront_service(inst->cloudfront), &slot, err) != 0)
		return -1;
	cloudfront_set_slot(inst->cloudfront, slot);
	apigw_register_types(inst->apigw, fg_app_registry(app));
	if (fg_app_add_service(app, apigw_service(inst->apigw), &slot, err) != 0 ||
	    fg_app_add_service(app, cloudfront_unknown_service(inst->cloudfront), &slot,
			       err) != 0)
		return -1;
	inst->elb = elb_new(&eld);
	elb_register_types(inst->elb, fg_app_registry(app));
	if (fg_app_add_service(app, elb_service(inst->elb), &slot, err) != 0)
		return -1;
	elb_set_slot(inst->elb, slot);
	return wire_route53(inst, cfg, err);
}

/* --tls-site NAME=POLICY: names served over HTTPS with no service behind them. */
static int parse_sites(struct fg_instance *inst, const struct fg_instance_config *cfg,
		       struct fg_err *err)
{
	inst->sites = calloc(cfg->ntls_sites + 1, sizeof(*inst->sites));
	inst->site_args = calloc(cfg->ntls_sites + 1, sizeof(*inst->site_args));
	FG_ASSERT(inst->sites != NULL && inst->site_args != NULL);
	for (size_t i = 0; i < cfg->ntls_sites; i++) {
		if (tls_site_arg_parse(cfg->tls_sites[i], &inst->site_args[i], err) != 0)
			return -1;
		inst->sites[i] = inst->site_args[i].site;
		inst->nsites++;
	}
	return 0;
}

static int check_params(const struct fg_instance_config *cfg, struct fg_err *err)
{
	for (size_t i = 0; i < cfg->nparams; i++) {
		const char *eq = strchr(cfg->params[i], '=');

		if (eq == NULL || eq == cfg->params[i]) {
			fg_err_set(err, 400, "InvalidArgument",
				   "--param %s: use --param KEY=VALUE", cfg->params[i]);
			return -1;
		}
	}
	return 0;
}

static int listen_on(const char *spec, bool tcp, int *fd, int *port, struct fg_err *err)
{
	char host[256];
	int p;

	if (fg_net_parse_addr(spec, host, sizeof(host), &p, err) != 0)
		return -1;
	return tcp ? fg_net_listen_tcp(host, p, false, fd, port, err)
		   : fg_net_bind_udp(host, p, fd, port, err);
}

/*
 * DNS listens on one port number for TCP and UDP. TCP is bound first (its port space is the
 * busier one); with port 0 the UDP twin may be taken, so try again with a fresh port.
 */
static int listen_dns(const char *spec, int *udp_fd, int *tcp_fd, int *port,
		      struct fg_err *err)
{
	char host[256];
	int want, p, up;

	if (fg_net_parse_addr(spec, host, sizeof(host), &want, err) != 0)
		return -1;
	for (int attempt = 0; attempt < 64; attempt++) {
		if (fg_net_listen_tcp(host, want, false, tcp_fd, &p, err) != 0)
			return -1;
		if (fg_net_bind_udp(host, p, udp_fd, &up, err) == 0) {
			*port = p;
			return 0;
		}
		close(*tcp_fd);
		*tcp_fd = -1;
		if (want != 0)
			return -1;
		fg_err_clear(err);
	}
	fg_err_set(err, 500, "ListenError",
		   "cannot find a port free for both TCP and UDP on %s for DNS", host);
	return -1;
}

static int control_guard(const struct fg_instance_config *cfg, struct fg_err *err)
{
	char host[256];
	int p;

	if (fg_net_parse_addr(cfg->control_addr, host, sizeof(host), &p, err) != 0)
		return -1;
	if (!fg_net_is_loopback(host) && (cfg->control_token == NULL || !cfg->control_token[0])) {
		fg_err_set(err, 400, "InvalidArgument",
			   "--control %s is not a loopback address: anyone who reaches it could "
			   "change frontgate's state, so give --control-token TOKEN too",
			   cfg->control_addr);
		return -1;
	}
	return 0;
}

int fg_instance_start(const struct fg_instance_config *cfg, struct fg_instance **out,
		      struct fg_err *err)
{
	struct fg_instance *inst = calloc(1, sizeof(*inst));
	struct fg_app_config ac = {
		.db_path = cfg->db_path, .account = cfg->account, .region = cfg->region,
		.trace_limit = cfg->trace_limit, .log_level = cfg->log_level,
	};
	int http_fd = -1, cp_fd = -1, https_fd = -1, dns_udp = -1, dns_tcp = -1;
	/* parsed on a thread of their own while the services are built and earlier ones deploy */
	struct fg_fixtures *fx = fg_fixtures_open(cfg->fixtures, cfg->nfixtures);

	FG_ASSERT(inst != NULL);
	*out = NULL;
	if (check_params(cfg, err) != 0 || control_guard(cfg, err) != 0 ||
	    parse_sites(inst, cfg, err) != 0 || fg_app_new(&ac, &inst->app, err) != 0)
		goto fail;
	fg_app_defer_views(inst->app);  /* compiled once, after the fixtures */
	if (tls_ca_open(fg_app_store(inst->app), fg_app_db_path(inst->app),
			fg_app_log(inst->app), &inst->ca, err) != 0 ||
	    wire_services(inst, cfg, err) != 0)
		goto fail;
	if (listen_on(cfg->http_addr, true, &http_fd, &inst->http_port, err) != 0 ||
	    listen_on(cfg->https_addr, true, &https_fd, &inst->https_port, err) != 0 ||
	    listen_dns(cfg->dns_addr, &dns_udp, &dns_tcp, &inst->dns_port, err) != 0 ||
	    listen_on(cfg->control_addr, true, &cp_fd, &inst->control_port, err) != 0)
		goto fail;
	for (size_t i = 0; i < cfg->nfixtures; i++) {
		if (deploy_fixture(inst, cfg, fx, i, err) != 0)
			goto fail;
	}
	fg_fixtures_close(&fx);
	if (fg_app_publish_views(inst->app, err) != 0)
		goto fail;
	{
		struct fg_http_server_cfg hc = {
			.listen_fd = http_fd, .listener = "http", .threads = 2,
			.body_limit = DATA_BODY_LIMIT, .handler = fg_front_handle, .arg = inst->app,
			.log = fg_app_log(inst->app),
		};
		struct cp_config cc = { .listen_fd = cp_fd, .token = cfg->control_token,
					.app = inst->app, .version = FG_VERSION,
					.cloudfront = inst->cloudfront };
		struct tls_term_cfg tc = {
			.listen_fd = https_fd, .app = inst->app, .ca = inst->ca,
			.certs = acm_certs(inst->acm), .extra = inst->sites, .nextra = inst->nsites,
		};

		http_fd = -1;
		if (fg_http_server_start(&hc, &inst->http, err) != 0)
			goto fail;
		tc.http = inst->http;
		https_fd = -1;
		if (tls_term_start(&tc, &inst->tls, err) != 0 || tls_ca_ready(inst->ca, err) != 0)
			goto fail;
		cc.ca_pem = tls_ca_pem(inst->ca);
		cp_fd = -1;
		if (cp_start(&cc, &inst->cp, err) != 0)
			goto fail;
	}
	{
		struct fg_dns_server_cfg dc = {
			.udp_fd = dns_udp, .tcp_fd = dns_tcp,
			.resolver = route53_resolver(inst->route53),
			.world = current_world, .world_arg = inst->app, .log = fg_app_log(inst->app),
		};

		dns_udp = dns_tcp = -1; /* the DNS server owns them now */
		if (fg_dns_server_start(&dc, &inst->dns, err) != 0) {
			close(dc.udp_fd);
			close(dc.tcp_fd);
			goto fail;
		}
	}
	*out = inst;
	return 0;
fail:
	fg_fixtures_close(&fx);
	if (http_fd >= 0)
		close(http_fd);
	if (cp_fd >= 0)
		close(cp_fd);
	if (https_fd >= 0)
		close(https_fd);
	if (dns_udp >= 0)
		close(dns_udp);
	if (dns_tcp >= 0)
		close(dns_tcp);
	fg_instance_stop(&inst);
	return -1;
}

char *fg_instance_ready_json(const struct fg_instance *inst)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	cJSON_AddBoolToObject(o, "ready", true);
	cJSON_AddNumberToObject(o, "http", inst->http_port);
	cJSON_AddNumberToObject(o, "https", inst->https_port);
	cJSON_AddNumberToObject(o, "dns", inst->dns_port);
	cJSON_AddNumberToObject(o, "control", inst->control_port);
	cJSON_AddStringToObject(o, "ca", tls_ca_file(inst->ca));
	cJSON_AddStringToObject(o, "db", fg_app_db_path(inst->app));
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

void fg_instance_stop(struct fg_instance **ip)
{
	struct fg_instance *inst = *ip;

	if (inst == NULL)
		return;
	cp_stop(&inst->cp);
	tls_term_stop(&inst->tls);    /* before the server its connections are handed to */
	fg_http_server_stop(&inst->http);
	fg_dns_server_stop(&inst->dns);
	tls_ca_close(&inst->ca);      /* before the store it writes to */
	fg_app_destroy(&inst->app);
	apigw_destroy(&inst->apigw);
	cloudfront_destroy(&inst->cloudfront);
	lambda_destroy(&inst->lambda);
	ec2_destroy(&inst->ec2);
	elb_destroy(&inst->elb);
	iam_destroy(&inst->iam);
	route53_destroy(&inst->route53);
	acm_destroy(&inst->acm);
	for (size_t i = 0; i < inst->nsites; i++)
		tls_site_arg_free(&inst->site_args[i]);
	free(inst->site_args);
	free(inst->sites);
	free(inst);
	*ip = NULL;
}
