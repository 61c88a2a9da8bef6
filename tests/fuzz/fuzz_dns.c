/*
 * fuzz_dns.c: a fuzz target for the DNS listener's query path — the engine (dns/dns_engine.c:
 * parsing with libldns, EDNS, the VPC option, the cache, truncation) answering from Route 53's
 * resolver over a world with a zone that has every record type, a wildcard, a CNAME chain
 * that loops, a delegation, an alias and a private zone.
 *
 * The first input byte picks the transport (odd: TCP) and the rest is the DNS message. After
 * each answer the target checks what must always hold: a response is a response to this
 * query (QR, same id), fits the transport, and libldns reads it back.
 *
 * Built with -DFG_LIBFUZZER and -fsanitize=fuzzer (meson -Dfuzz=true, clang) it is a libFuzzer
 * target. Otherwise it has a main: `test_fuzz_dns [FILE|DIR]...` runs every file given, or,
 * with no argument, built-in seed queries and 30000 mutations of them; it prints TAP, so the
 * unit test run includes it as a smoke check.
 */
#include <dirent.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns/dns.h"
#include "route53/route53.h"

static const char ZONE[] =
	"{\"Resources\":{"
	"\"Zone\":{\"Type\":\"AWS::Route53::HostedZone\",\"Properties\":{\"Name\":\"fuzz.test\"}},"
	"\"Priv\":{\"Type\":\"AWS::Route53::HostedZone\",\"Properties\":{\"Name\":\"fuzz.test\","
	"\"VPCs\":[{\"VPCId\":\"vpc-1\",\"VPCRegion\":\"us-east-1\"}]}},"
	"\"R\":{\"Type\":\"AWS::Route53::RecordSetGroup\",\"Properties\":{\"HostedZoneId\":{\"Ref\":\"Zone\"},"
	"\"RecordSets\":["
	"{\"Name\":\"a.fuzz.test\",\"Type\":\"A\",\"TTL\":60,\"ResourceRecords\":[\"192.0.2.1\",\"192.0.2.2\"]},"
	"{\"Name\":\"a.fuzz.test\",\"Type\":\"AAAA\",\"TTL\":60,\"ResourceRecords\":[\"2001:db8::1\"]},"
	"{\"Name\":\"fuzz.test\",\"Type\":\"TXT\",\"TTL\":60,\"ResourceRecords\":[\"\\\"a b\\\" c\"]},"
	"{\"Name\":\"fuzz.test\",\"Type\":\"MX\",\"TTL\":60,\"ResourceRecords\":[\"10 a.fuzz.test\"]},"
	"{\"Name\":\"fuzz.test\",\"Type\":\"CAA\",\"TTL\":60,\"ResourceRecords\":[\"0 issue \\\"x\\\"\"]},"
	"{\"Name\":\"_s._tcp.fuzz.test\",\"Type\":\"SRV\",\"TTL\":60,\"ResourceRecords\":[\"1 2 3 a.fuzz.test\"]},"
	"{\"Name\":\"p.fuzz.test\",\"Type\":\"PTR\",\"TTL\":60,\"ResourceRecords\":[\"a.fuzz.test\"]},"
	"{\"Name\":\"l1.fuzz.test\",\"Type\":\"CNAME\",\"TTL\":60,\"ResourceRecords\":[\"l2.fuzz.test\"]},"
	"{\"Name\":\"l2.fuzz.test\",\"Type\":\"CNAME\",\"TTL\":60,\"ResourceRecords\":[\"l1.fuzz.test\"]},"
	"{\"Name\":\"*.w.fuzz.test\",\"Type\":\"A\",\"TTL\":60,\"ResourceRecords\":[\"192.0.2.9\"]},"
	"{\"Name\":\"d.fuzz.test\",\"Type\":\"NS\",\"TTL\":60,\"ResourceRecords\":[\"ns.else.org\"]},"
	"{\"Name\":\"al.fuzz.test\",\"Type\":\"A\",\"AliasTarget\":{\"HostedZoneId\":{\"Ref\":\"Zone\"},"
	"\"DNSName\":\"a.fuzz.test\"}}"
	"]}}}}";

struct world {
	struct route53 *r;
	struct stack_registry *reg;
	struct fg_dns_engine *e;
};

static struct world *W;

static struct world *world(void)
{
	static const struct stack_defaults def = { "123456789012", "us-east-1" };
	struct route53_deps d = { NULL, "us-east-1" };
	struct world *x;
	struct stack_world *empty, *w;
	struct stack_request req = { .name = "fuzz", .now_ms = 1 };
	cJSON *doc = NULL;
	struct stack_world *next = NULL;
	struct fg_err err;
	bool created;
	void *view;

	if (W != NULL)
		return W;
	x = calloc(1, sizeof(*x));
	x->r = route53_new(&d);
	route53_set_slot(x->r, 0);
	route53_set_addresses(x->r, "127.0.0.1", "::1");
	x->reg = stack_registry_new();
	route53_register_types(x->r, x->reg);
	req.template = cJSON_Parse(ZONE);
	empty = stack_world_new(NULL);
	fg_err_clear(&err);
	if (req.template == NULL ||
	    stack_deploy(x->reg, &def, empty, &req, &doc, &next, &created, &err) != 0) {
		fprintf(stderr, "fuzz_dns: the seed zone does not deploy: %s\n", err.message);
		abort();
	}
	w = next;
	view = route53_service(x->r)->compile(x->r, w, &err);
	stack_world_set_slot(w, 0, view, route53_service(x->r)->release);
	x->e = fg_dns_engine_new(route53_resolver(x->r));
	fg_dns_engine_use_world(x->e, w);
	cJSON_Delete(doc);
	cJSON_Delete((cJSON *)req.template);
	stack_world_rel(&empty);
	W = x;
	return x;
}

static void check(bool cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_dns: invariant broken: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[FG_DNS_TCP_MAX];
	struct world *x = world();
	bool tcp;
	size_t n;
	ldns_pkt *p = NULL;

	if (size < 1)
		return 0;
	tcp = data[0] & 1;
	n = fg_dns_engine_answer(x->e, data + 1, size - 1, tcp, out);
	if (n == 0)
		return 0;
	check(n >= 12 && size - 1 >= 12, "a response has a header, and only queries get one");
	check((out[2] & 0x80) && out[0] == data[1] && out[1] == data[2], "QR and the query's id");
	check(n <= (tcp ? (size_t)FG_DNS_TCP_MAX : (size_t)FG_DNS_UDP_PAYLOAD),
	      "the response fits the transport");
	check(ldns_wire2pkt(&p, out, n) == LDNS_STATUS_OK, "libldns reads the response back");
	ldns_pkt_free(p);
	return 0;
}

#ifndef FG_LIBFUZZER

static size_t seed(uint8_t *q, const char *name, uint16_t type, bool edns, const char *vpc)
{
	size_t p = 13;

	memset(q, 0, 13);
	q[0] = 1; /* TCP */
	q[1] = 0xab;
	q[2] = 0xcd;
	q[3] = 0x01;
	q[6] = 1;
	for (const char *s = name; *s;) {
		const char *dot = strchr(s, '.');
		size_t k = dot ? (size_t)(dot - s) : strlen(s);

		q[p++] = (uint8_t)k;
		memcpy(q + p, s, k);
		p += k;
		s += k + (dot ? 1 : 0);
	}
	q[p++] = 0;
	q[p++] = (uint8_t)(type >> 8);
	q[p++] = (uint8_t)type;
	q[p++] = 0;
	q[p++] = 1;
	if (edns) {
		size_t vl = vpc ? strlen(vpc) : 0;

		q[12] = 1;
		memcpy(q + p, (uint8_t[]){ 0, 0, 41, 2, 0, 0, 0, 0, 0, 0, (uint8_t)(vl ? vl + 4 : 0) },
		       11);
		p += 11;
		if (vl) {
			memcpy(q + p, (uint8_t[]){ 0xfd, 0xe9, 0, (uint8_t)vl }, 4);
			memcpy(q + p + 4, vpc, vl);
			p += 4 + vl;
		}
	}
	return p;
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[70000];
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 1;
}

static int run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int count = 0;
	char full[4096];

	if (stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	d = opendir(path);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		count += run_file(full);
	}
	if (d != NULL)
		closedir(d);
	return count;
}

static int run_seeds(void)
{
	static const struct { const char *name; uint16_t type; bool edns; const char *vpc; } s[] = {
		{ "a.fuzz.test", 1, false, NULL }, { "A.FUZZ.TEST", 28, true, NULL },
		{ "fuzz.test", 16, true, NULL }, { "fuzz.test", 15, false, NULL },
		{ "fuzz.test", 257, false, NULL }, { "fuzz.test", 255, true, NULL },
		{ "fuzz.test", 6, false, NULL }, { "fuzz.test", 2, false, NULL },
		{ "_s._tcp.fuzz.test", 33, false, NULL }, { "p.fuzz.test", 12, false, NULL },
		{ "l1.fuzz.test", 1, false, NULL }, { "x.y.w.fuzz.test", 1, true, NULL },
		{ "h.d.fuzz.test", 1, false, NULL }, { "al.fuzz.test", 1, false, NULL },
		{ "nope.fuzz.test", 1, false, NULL }, { "a.fuzz.test", 1, true, "vpc-1" },
		{ "x.cloudfront.net", 1, false, NULL }, { "example.com", 1, false, NULL },
		{ "a.fuzz.test", 252, false, NULL }, { "a.fuzz.test", 41, true, NULL },
	};
	uint8_t q[600];
	int count = 0;

	srand(8);
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		size_t n = seed(q, s[i].name, s[i].type, s[i].edns, s[i].vpc);

		LLVMFuzzerTestOneInput(q, n);
		q[0] = 0; /* and over UDP */
		LLVMFuzzerTestOneInput(q, n);
		count += 2;
		for (int m = 0; m < 1500; m++) {
			uint8_t x[600];
			size_t len = n + (size_t)(rand() % 8) - 4;
			int flips = 1 + rand() % 4;

			memcpy(x, q, sizeof(x));
			for (int k = 0; k < flips; k++)
				x[1 + (size_t)rand() % (n - 1)] = (uint8_t)rand();
			x[3] &= 0x7f; /* mostly queries */
			LLVMFuzzerTestOneInput(x, len < sizeof(x) ? len : n);
			count++;
		}
	}
	return count;
}

int main(int argc, char **argv)
{
	int count = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			count += run_path(argv[i]);
	} else {
		count = run_seeds();
	}
	printf("ok 1 - %d inputs answered or dropped, every invariant held\n1..1\n", count);
	if (W != NULL) {
		fg_dns_engine_destroy(&W->e);
		stack_registry_destroy(&W->reg);
		route53_destroy(&W->r);
		free(W);
	}
	return 0;
}

#endif
