/*
 * frontgate.c: the command line. Parses flags (design.md §2), starts one instance, prints
 * the ready line (stdout and --ready-file), and stops cleanly on SIGTERM or SIGINT.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp.h"
#include "main/instance.h"

static const char usage[] =
	"usage: frontgate [options]\n"
	"\n"
	"A local emulator of Amazon API Gateway (REST), CloudFront, Route 53 and ACM.\n"
	"Configured with CloudFormation templates (fixtures and the control API).\n"
	"\n"
	"  --fixture FILE        deploy this CloudFormation template (JSON or YAML) at start as\n"
	"                        the stack named after the file (demo.yaml -> demo; template.yaml\n"
	"                        -> its folder; Metadata.Frontgate.StackName wins); repeatable.\n"
	"                        A fixture that fails to deploy stops frontgate with exit code 2.\n"
	"  --param KEY=VALUE     template parameter for every fixture that declares KEY;\n"
	"                        repeatable\n"
	"  --db PATH|:memory:    state database (default ./.frontgate/state.db); :memory: keeps\n"
	"                        nothing after exit (tests). One frontgate per database file.\n"
	"  --http ADDR:PORT      viewer/API traffic in clear (default 127.0.0.1:4580; port 0 = any)\n"
	"  --https ADDR:PORT     the same over TLS (default 127.0.0.1:4543): SNI picks the\n"
	"                        certificate (ACM's, or one of frontgate's local CA) and the\n"
	"                        security policy is enforced in the handshake\n"
	"  --dns ADDR:PORT       DNS, UDP and TCP (default 127.0.0.1:4553): Route 53 hosted\n"
	"                        zones and the names of emulated endpoints; names frontgate does\n"
	"                        not own are answered REFUSED (no forwarding)\n"
	"  --control ADDR:PORT   the JSON control API (default 127.0.0.1:4590)\n"
	"  --control-token T     require 'Authorization: Bearer T' on the control API; required\n"
	"                        when --control is not a loopback address\n"
	"  --region R            default region of stacks (default us-east-1)\n"
	"  --account-id N        default 12-digit account of stacks (default 123456789012)\n"
	"  --ready-file PATH     also write the ready line to PATH (atomically)\n"
	"  --trace-limit N       request traces kept (default 10000; with --db :memory: in\n"
	"                        memory only, else in the database)\n"
	"  --log-level L         error, warn, info or debug (default warn)\n"
	"  --fidelity S=V        a fidelity switch, where AWS behaviour is unconfirmed;\n"
	"                        repeatable: apigw.unknown-api=forbidden|not-found (default\n"
	"                        forbidden), apigw.signature-messages=redacted|classic (default\n"
	"                        redacted), apigw.sni-mismatch=421|403 (default 421),\n"
	"                        apigw.unknown-key=access-denied|unrecognized-client (default\n"
	"                        access-denied), acm.validation-wait=SECONDS (default 0: a\n"
	"                        certificate whose validation is missing fails at once),\n"
	"                        cloudfront.other-headers=drop|forward (default drop),\n"
	"                        cloudfront.authorization-whitelist=refuse|allow (default\n"
	"                        refuse), cloudfront.cache-mib=N (default 64). See README,\n"
	"                        \"Fidelity switches\" and \"CloudFront\".\n"
	"  --tls-site NAME=POLICY[,cert=ARN][,truststore=PEMFILE]\n"
	"                        also serve NAME over HTTPS under security policy POLICY\n"
	"                        (TLS_1_2, TLSv1.2_2021, ...) with a local-CA certificate (or\n"
	"                        ACM certificate ARN), asking for client certificates when a\n"
	"                        truststore is given; no service behind it (requests get\n"
	"                        frontgate's 404): for trying policies; repeatable\n"
	"  --help                this text\n"
	"  --version             the version\n"
	"\n"
	"When every listener is bound and every fixture deployed, frontgate prints one line:\n"
	"  {\"ready\":true,\"http\":P,\"https\":P,\"dns\":P,\"control\":P,\"ca\":\"CA.pem\",\"db\":\"PATH\"}\n"
	"where \"ca\" is the local CA's certificate for clients' --cacert (next to the database:\n"
	"<db>.ca.pem; with --db :memory:, a temporary file removed at exit). SIGTERM or SIGINT\n"
	"stops it cleanly (exit 0).\n";

enum { OPT_FIXTURE = 1000, OPT_PARAM, OPT_DB, OPT_HTTP, OPT_HTTPS, OPT_DNS, OPT_CONTROL,
       OPT_TOKEN, OPT_REGION, OPT_ACCOUNT, OPT_READY, OPT_TRACES, OPT_LOG, OPT_FIDELITY, OPT_HELP,
       OPT_VERSION, OPT_TLS_SITE };

static const struct option options[] = {
	{ "fixture", required_argument, NULL, OPT_FIXTURE },
	{ "param", required_argument, NULL, OPT_PARAM },
	{ "db", required_argument, NULL, OPT_DB },
	{ "http", required_argument, NULL, OPT_HTTP },
	{ "https", required_argument, NULL, OPT_HTTPS },
	{ "dns", required_argument, NULL, OPT_DNS },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "control-token", required_argument, NULL, OPT_TOKEN },
	{ "region", required_argument, NULL, OPT_REGION },
	{ "account-id", required_argument, NULL, OPT_ACCOUNT },
	{ "ready-file", required_argument, NULL, OPT_READY },
	{ "trace-limit", required_argument, NULL, OPT_TRACES },
	{ "log-level", required_argument, NULL, OPT_LOG },
	{ "fidelity", required_argument, NULL, OPT_FIDELITY },
	{ "tls-site", required_argument, NULL, OPT_TLS_SITE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "frontgate: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see frontgate --help)\n");
	return 2;
}

static int write_ready_file(const char *path, const char *line)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	FILE *f;
	int rc = -1;

	snprintf(tmp, n, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f != NULL) {
		fprintf(f, "%s\n", line);
		if (fclose(f) == 0 && rename(tmp, path) == 0)
			rc = 0;
	}
	if (rc != 0)
		fprintf(stderr, "frontgate: cannot write ready file %s: %s\n", path,
			strerror(errno));
	free(tmp);
	return rc;
}

static int run(int argc, char **argv, const char **fixtures, const char **params,
	       const char **fidelity, const char **sites)
{
	struct fg_instance_config cfg = {
		.db_path = "./.frontgate/state.db",
		.http_addr = "127.0.0.1:4580", .https_addr = "127.0.0.1:4543",
		.dns_addr = "127.0.0.1:4553", .control_addr = "127.0.0.1:4590",
		.region = "us-east-1", .account = "123456789012",
		.trace_limit = 10000, .log_level = FG_LOG_WARN,
	};
	const char *ready_file = NULL;
	struct fg_instance *inst = NULL;
	struct fg_err err;
	sigset_t sigs;
	char *line, *end;
	int opt, sig = 0;
	long v;

	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case OPT_FIXTURE: fixtures[cfg.nfixtures++] = optarg; break;
		case OPT_PARAM: params[cfg.nparams++] = optarg; break;
		case OPT_FIDELITY: fidelity[cfg.nfidelity++] = optarg; break;
		case OPT_TLS_SITE: sites[cfg.ntls_sites++] = optarg; break;
		case OPT_DB: cfg.db_path = optarg; break;
		case OPT_HTTP: cfg.http_addr = optarg; break;
		case OPT_HTTPS: cfg.https_addr = optarg; break;
		case OPT_DNS: cfg.dns_addr = optarg; break;
		case OPT_CONTROL: cfg.control_addr = optarg; break;
		case OPT_TOKEN: cfg.control_token = optarg; break;
		case OPT_REGION: cfg.region = optarg; break;
		case OPT_ACCOUNT:
			if (!fg_account_id_valid(optarg))
				return bad("--account-id %s: an account id is 12 digits", optarg);
			cfg.account = optarg;
			break;
		case OPT_READY: ready_file = optarg; break;
		case OPT_TRACES:
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || errno || v < 1 || v > 10000000)
				return bad("--trace-limit %s: give a number from 1 to 10000000", optarg);
			cfg.trace_limit = (size_t)v;
			break;
		case OPT_LOG:
			if (!fg_log_level_parse(optarg, &cfg.log_level))
				return bad("--log-level %s: use error, warn, info or debug", optarg);
			break;
		case 'h':
		case OPT_HELP: fputs(usage, stdout); return 0;
		case OPT_VERSION: puts("frontgate 0.1.0"); return 0;
		default: return bad("%s", "unknown option");
		}
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	cfg.fixtures = fixtures;
	cfg.params = params;
	cfg.fidelity = fidelity;
	cfg.tls_sites = sites;

	/* Block the stop signals in every thread; main waits for them below. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	fg_err_clear(&err);
	if (fg_instance_start(&cfg, &inst, &err) != 0) {
		char *json = cp_error_json(&err);

		fprintf(stderr, "frontgate: %s\n%s\n", err.message, json);
		free(json);
		return 2;
	}
	line = fg_instance_ready_json(inst);
	/* the file first: whoever reads the line on stdout may rely on the file being there */
	if (ready_file != NULL && write_ready_file(ready_file, line) != 0) {
		free(line);
		fg_instance_stop(&inst);
		return 2;
	}
	printf("%s\n", line);
	fflush(stdout);
	free(line);
	while (sigwait(&sigs, &sig) != 0)
		;
	fg_instance_stop(&inst);
	return 0;
}

int main(int argc, char **argv)
{
	const char **fixtures = calloc((size_t)argc, sizeof(char *));
	const char **params = calloc((size_t)argc, sizeof(char *));
	const char **fidelity = calloc((size_t)argc, sizeof(char *));
	const char **sites = calloc((size_t)argc, sizeof(char *));
	int rc = run(argc, argv, fixtures, params, fidelity, sites);

	free(sites);

	free(fixtures);
	free(params);
	free(fidelity);
	return rc;
}
