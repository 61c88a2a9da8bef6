/*
 * Unit tests for the DNS engine (dns/dns_engine.c) with a fake resolver: header and flags,
 * the cache (id, case and flags patched per query; a new world empties it), EDNS0 (payload
 * size, BADVERS, the VPC option), truncation over UDP and the full answer over TCP, REFUSED
 * classes and zone transfers, and malformed messages (truncated header, compression loop,
 * label over 63, name over 255, two questions) answered FORMERR or dropped. No sockets.
 */
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/dns.h"
#include "tap.h"

struct fake {
	int calls;
	char name[300], type[32], vpc[80];
};

static void fake_resolve(void *self, const struct stack_world *w, const char *name,
			 const char *type, const char *vpc, struct fg_arena *a,
			 struct fg_answer *out)
{
	struct fake *f = self;

	f->calls++;
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->type, sizeof(f->type), "%s", type);
	snprintf(f->vpc, sizeof(f->vpc), "%s", vpc ? vpc : "(public)");
	memset(out, 0, sizeof(*out));
	if (strcasecmp(name, "www.test.") == 0 || strcasecmp(name, "big.test.") == 0) {
		bool big = strcasecmp(name, "big.test.") == 0;
		size_t n = big ? 40 : 1;

		out->authoritative = true;
		out->answer = fg_arena_alloc(a, n * sizeof(*out->answer));
		for (size_t i = 0; i < n; i++) {
			out->answer[i].name = big ? "big.test." : "www.test.";
			out->answer[i].type = big ? "TXT" : "A";
			out->answer[i].ttl = 300;
			out->answer[i].data = big ? fg_arena_printf(a, "\"%040zu-padding-padding\"", i)
						  : "192.0.2.1";
		}
		out->nanswer = n;
	} else if (strcasecmp(name, "nx.test.") == 0) {
		static struct fg_rr soa = { "test.", "SOA", 900,
					    "ns-1.awsdns-00.com. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400" };

		out->rcode = FG_DNS_NXDOMAIN;
		out->authoritative = true;
		out->authority = &soa;
		out->nauthority = 1;
	} else {
		out->rcode = FG_DNS_REFUSED;
	}
}

static uint8_t out[FG_DNS_TCP_MAX];

/* A query: id, name (dotted), type, optional EDNS (payload size, option code/data). */
static size_t query(uint8_t *q, uint16_t id, const char *name, uint16_t type, int payload,
		    uint16_t opt_code, const char *opt_data)
{
	size_t p = 12;

	memset(q, 0, 12);
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	q[2] = 0x01;
	q[5] = 1;
	for (const char *s = name; *s;) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);

		q[p++] = (uint8_t)n;
		memcpy(q + p, s, n);
		p += n;
		s += n + (dot ? 1 : 0);
	}
	q[p++] = 0;
	q[p++] = (uint8_t)(type >> 8);
	q[p++] = (uint8_t)type;
	q[p++] = 0;
	q[p++] = 1;
	if (payload > 0) {
		size_t ol = opt_data ? strlen(opt_data) : 0;
		size_t rdlen = opt_code ? 4 + ol : 0;

		q[11] = 1;
		memcpy(q + p, (uint8_t[]){ 0, 0, 41, (uint8_t)(payload >> 8), (uint8_t)payload,
					   0, 0, 0, 0, 0, (uint8_t)rdlen }, 11);
		p += 11;
		if (opt_code) {
			q[p++] = (uint8_t)(opt_code >> 8);
			q[p++] = (uint8_t)opt_code;
			q[p++] = 0;
			q[p++] = (uint8_t)ol;
			memcpy(q + p, opt_data, ol);
			p += ol;
		}
	}
	return p;
}

static ldns_pkt *parse(size_t n)
{
	ldns_pkt *p = NULL;

	if (n == 0 || ldns_wire2pkt(&p, out, n) != LDNS_STATUS_OK)
		return NULL;
	return p;
}

static void test_basic_and_cache(struct fg_dns_engine *e, struct fake *f)
{
	uint8_t q[512];
	size_t n = query(q, 0x1234, "www.test", LDNS_RR_TYPE_A, 0, 0, NULL), m;
	ldns_pkt *p;
	uint64_t hits, misses;
	char *s;

	m = fg_dns_engine_answer(e, q, n, false, out);
	p = parse(m);
	ok(p != NULL, "a response ldns reads");
	ok(out[0] == 0x12 && out[1] == 0x34, "same id");
	ok(ldns_pkt_qr(p) && ldns_pkt_aa(p) && ldns_pkt_rd(p) && !ldns_pkt_ra(p) && !ldns_pkt_tc(p),
	   "QR, AA, RD copied, no RA, no TC");
	ok(ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && ldns_pkt_ancount(p) == 1, "one answer");
	s = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_answer(p), 0));
	is_str(s, "www.test.\t300\tIN\tA\t192.0.2.1\n", "the resolver's record");
	free(s);
	ok(ldns_pkt_arcount(p) == 0 && !ldns_pkt_edns(p), "no OPT to a query without EDNS");
	ldns_pkt_free(p);
	is_str(f->name, "www.test.", "the resolver got the name");
	is_str(f->type, "A", "and the type");
	is_str(f->vpc, "(public)", "and no VPC");

	n = query(q, 0x9999, "WwW.TeSt", LDNS_RR_TYPE_A, 0, 0, NULL);
	q[2] = 0x00; /* RD off */
	q[3] = 0x10; /* CD on */
	m = fg_dns_engine_answer(e, q, n, false, out);
	fg_dns_engine_stats(e, &hits, &misses);
	ok(hits == 1 && misses == 1 && f->calls == 1, "the second query is served from the cache");
	ok(out[0] == 0x99 && out[1] == 0x99 && !(out[2] & 0x01) && (out[3] & 0x10),
	   "with its own id, RD and CD");
	ok(memcmp(out + 13, "WwW", 3) == 0, "and its question as written (0x20 case)");
	p = parse(m);
	ok(p != NULL && ldns_pkt_ancount(p) == 1, "still a complete answer");
	ldns_pkt_free(p);

	fg_dns_engine_use_world(e, stack_world_new(NULL));
	fg_dns_engine_answer(e, q, n, false, out);
	is_int(f->calls, 2, "a new world empties the cache");
}

static void test_edns(struct fg_dns_engine *e, struct fake *f)
{
	uint8_t q[512];
	size_t n = query(q, 7, "www.test", LDNS_RR_TYPE_A, 4096, 0, NULL), m;
	ldns_pkt *p;

	m = fg_dns_engine_answer(e, q, n, false, out);
	p = parse(m);
	ok(p != NULL && ldns_pkt_edns(p) && ldns_pkt_edns_udp_size(p) == FG_DNS_UDP_PAYLOAD &&
	   ldns_pkt_edns_version(p) == 0, "EDNS query: OPT with payload %d", FG_DNS_UDP_PAYLOAD);
	ldns_pkt_free(p);
	n = query(q, 8, "www.test", LDNS_RR_TYPE_A, 4096, 0, NULL);
	q[n - 5] = 1; /* EDNS version 1 */
	m = fg_dns_engine_answer(e, q, n, false, out);
	p = parse(m);
	ok(p != NULL && ldns_pkt_edns_extended_rcode(p) == 1 && ldns_pkt_ancount(p) == 0,
	   "EDNS version 1: BADVERS (RFC 6891)");
	ldns_pkt_free(p);
	n = query(q, 9, "www.test", LDNS_RR_TYPE_A, 1232, FG_DNS_VPC_OPTION, "vpc-0a1b2c");
	m = fg_dns_engine_answer(e, q, n, false, out);
	is_str(f->vpc, "vpc-0a1b2c", "option 65001 resolves from inside that VPC");
	n = query(q, 10, "www.test", LDNS_RR_TYPE_A, 1232, FG_DNS_VPC_OPTION, "");
	m = fg_dns_engine_answer(e, q, n, false, out);
	ok(m >= 12 && (out[3] & 0x0f) == LDNS_RCODE_FORMERR, "an empty VPC option: FORMERR");
	n = query(q, 11, "www.test", LDNS_RR_TYPE_A, 1232, 10, "01234567");
	m = fg_dns_engine_answer(e, q, n, false, out);
	ok(m >= 12 && (out[3] & 0x0f) == LDNS_RCODE_NOERROR, "other options (a cookie) are ignored");
}

static void test_truncation(struct fg_dns_engine *e)
{
	uint8_t q[512];
	size_t n = query(q, 1, "big.test", LDNS_RR_TYPE_TXT, 0, 0, NULL), m;
	ldns_pkt *p;

	m = fg_dns_engine_answer(e, q, n, false, out);
	p = parse(m);
	ok(p != NULL && ldns_pkt_tc(p) && ldns_pkt_ancount(p) == 0 && ldns_pkt_aa(p) &&
	   ldns_pkt_qdcount(p) == 1 && m <= 512, "over UDP without EDNS: TC, header and question only");
	ldns_pkt_free(p);
	n = query(q, 2, "big.test", LDNS_RR_TYPE_TXT, 4096, 0, NULL);
	m = fg_dns_engine_answer(e, q, n, false, out);
	p = parse(m);
	ok(p != NULL && ldns_pkt_tc(p) && ldns_pkt_edns(p) && m <= FG_DNS_UDP_PAYLOAD,
	   "with EDNS 4096 still above %d: TC (and the OPT)", FG_DNS_UDP_PAYLOAD);
	ldns_pkt_free(p);
	m = fg_dns_engine_answer(e, q, n, true, out);
	p = parse(m);
	ok(p != NULL && !ldns_pkt_tc(p) && ldns_pkt_ancount(p) == 40 && m > FG_DNS_UDP_PAYLOAD,
	   "over TCP: the whole answer (%zu bytes)", m);
	ldns_pkt_free(p);
}

static void test_refusals(struct fg_dns_engine *e)
{
	uint8_t q[512];
	size_t n = query(q, 1, "nx.test", LDNS_RR_TYPE_A, 0, 0, NULL), m;
	ldns_pkt *p;

	m = fg_dns_engine_answer(e, q, n, false, out);
	p = parse(m);
	ok(p != NULL && ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN && ldns_pkt_nscount(p) == 1,
	   "NXDOMAIN with the SOA in authority");
	ldns_pkt_free(p);
	n = query(q, 2, "other.test", LDNS_RR_TYPE_A, 0, 0, NULL);
	m = fg_dns_engine_answer(e, q, n, false, out);
	ok(m > 12 && (out[3] & 0x0f) == LDNS_RCODE_REFUSED && !(out[2] & 0x04), "REFUSED, not AA");
	n = query(q, 3, "www.test", LDNS_RR_TYPE_A, 0, 0, NULL);
	q[n - 1] = 3; /* class CH */
	m = fg_dns_engine_answer(e, q, n, false, out);
	ok((out[3] & 0x0f) == LDNS_RCODE_REFUSED, "class CH: REFUSED");
	n = query(q, 4, "www.test", LDNS_RR_TYPE_AXFR, 0, 0, NULL);
	m = fg_dns_engine_answer(e, q, n, true, out);
	ok((out[3] & 0x0f) == LDNS_RCODE_REFUSED, "zone transfer: REFUSED");
	n = query(q, 5, "www.test", LDNS_RR_TYPE_A, 0, 0, NULL);
	q[2] = (uint8_t)(4 << 3); /* NOTIFY */
	m = fg_dns_engine_answer(e, q, n, false, out);
	ok(m == 12 && (out[3] & 0x0f) == LDNS_RCODE_NOTIMPL, "opcode NOTIFY: NOTIMP");
}

static void test_malformed(struct fg_dns_engine *e)
{
	uint8_t q[1024];
	size_t n, m;

	n = query(q, 0x4242, "www.test", LDNS_RR_TYPE_A, 0, 0, NULL);
	is_int(fg_dns_engine_answer(e, q, 11, false, out), 0, "truncated header: dropped");
	m = fg_dns_engine_answer(e, q, n - 2, false, out);
	ok(m == 12 && out[0] == 0x42 && (out[3] & 0x0f) == LDNS_RCODE_FORMERR, "truncated question: FORMERR");
	q[2] |= 0x80;
	is_int(fg_dns_engine_answer(e, q, n, false, out), 0, "a response is never answered");
	/* compression loop: the name is a pointer to itself */
	n = query(q, 0x4343, "a", LDNS_RR_TYPE_A, 0, 0, NULL);
	q[12] = 0xc0;
	q[13] = 12;
	m = fg_dns_engine_answer(e, q, n, false, out);
	ok(m == 12 && (out[3] & 0x0f) == LDNS_RCODE_FORMERR, "compression loop: FORMERR");
	/* a label of 64 */
	memset(q, 0, sizeof(q));
	q[5] = 1;
	q[12] = 64;
	memset(q + 13, 'a', 64);
	q[13 + 64] = 0;
	q[13 + 64 + 2] = 1;
	q[13 + 64 + 4] = 1;
	m = fg_dns_engine_answer(e, q, 13 + 64 + 5, false, out);
	ok(m == 12 && (out[3] & 0x0f) == LDNS_RCODE_FORMERR, "label over 63: FORMERR");
	/* a name of 5 x 63-byte labels = 321 octets */
	memset(q, 0, sizeof(q));
	q[5] = 1;
	n = 12;
	for (int i = 0; i < 5; i++) {
		q[n++] = 63;
		memset(q + n, 'b', 63);
		n += 63;
	}
	q[n++] = 0;
	q[n + 1] = 1;
	q[n + 3] = 1;
	m = fg_dns_engine_answer(e, q, n + 4, false, out);
	ok(m == 12 && (out[3] & 0x0f) == LDNS_RCODE_FORMERR, "name over 255 octets: FORMERR");
	n = query(q, 9, "www.test", LDNS_RR_TYPE_A, 0, 0, NULL);
	q[5] = 2;
	m = fg_dns_engine_answer(e, q, n, false, out);
	ok(m == 12 && (out[3] & 0x0f) == LDNS_RCODE_FORMERR, "two questions: FORMERR");
	/* random bytes never crash */
	srand(7);
	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)(rand() % 300);

		for (size_t k = 0; k < len; k++)
			q[k] = (uint8_t)rand();
		q[2] &= 0x7f;
		fg_dns_engine_answer(e, q, len, (i & 1) != 0, out);
	}
	ok(1, "20000 random messages answered or dropped without a crash");
}

int main(void)
{
	struct fake f = { 0 };
	struct fg_resolver r = { &f, fake_resolve };
	struct fg_dns_engine *e = fg_dns_engine_new(&r);

	fg_dns_engine_use_world(e, stack_world_new(NULL));
	test_basic_and_cache(e, &f);
	test_edns(e, &f);
	test_truncation(e);
	test_refusals(e);
	test_malformed(e);
	fg_dns_engine_destroy(&e);
	return tap_done();
}
