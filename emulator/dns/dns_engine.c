/*
 * dns_engine.c: one DNS query in, one response out.
 *
 * Every message is parsed with libldns (ldns_wire2pkt rejects truncated headers, compression
 * loops, labels over 63 and names over 255 octets: FORMERR). A well-formed query is answered
 * from a cache of whole responses keyed by (lower-case name, type, VPC); a miss asks the
 * resolver and builds the response with libldns, compressed. Serving from the cache copies
 * the stored bytes and patches what belongs to the query: the id, the RD and CD bits, and the
 * question as the client wrote it (same length, so every compression pointer stays valid;
 * pointers into the question then echo the client's letter case). The EDNS0 OPT record is
 * appended per query, and an answer larger than the transport allows is replaced by its
 * header and question with TC set.
 *
 * The cache belongs to one world: a different world empties it, so an answer never outlives
 * the state it came from.
 */
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"

#define CACHE_SLOTS 8192          /* power of two */
#define CACHE_MAX 4096            /* entries before the cache is emptied */
#define OPT_LEN 11

struct entry {
	uint64_t hash;
	size_t keylen;
	uint8_t *resp;             /* the response without OPT (malloc'd by ldns) */
	size_t len;
	size_t qend;               /* end of the question section */
	uint8_t key[];
};

struct fg_dns_engine {
	const struct fg_resolver *r;
	struct stack_world *world;
	struct entry **tab;
	size_t n;
	uint64_t hits, misses;
};

/* What the engine read from a query. */
struct query {
	const uint8_t *msg;
	size_t len;
	ldns_pkt *pkt;
	const ldns_rr *question;
	size_t qend;               /* end of the question in msg */
	bool edns;
	size_t limit;              /* largest response the transport takes */
	char vpc[65];
};

/* ------------------------------------------------------------------ cache */

static uint64_t fnv(const uint8_t *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void cache_clear(struct fg_dns_engine *e)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (e->tab[i] != NULL) {
			free(e->tab[i]->resp);
			free(e->tab[i]);
			e->tab[i] = NULL;
		}
	}
	e->n = 0;
}

static struct entry *cache_get(struct fg_dns_engine *e, const uint8_t *key, size_t n,
			       uint64_t h)
{
	for (size_t i = h & (CACHE_SLOTS - 1);; i = (i + 1) & (CACHE_SLOTS - 1)) {
		struct entry *x = e->tab[i];

		if (x == NULL)
			return NULL;
		if (x->hash == h && x->keylen == n && memcmp(x->key, key, n) == 0)
			return x;
	}
}

static void cache_put(struct fg_dns_engine *e, struct entry *x)
{
	if (e->n >= CACHE_MAX)
		cache_clear(e);
	for (size_t i = x->hash & (CACHE_SLOTS - 1);; i = (i + 1) & (CACHE_SLOTS - 1)) {
		if (e->tab[i] == NULL) {
			e->tab[i] = x;
			e->n++;
			return;
		}
	}
}

struct fg_dns_engine *fg_dns_engine_new(const struct fg_resolver *r)
{
	struct fg_dns_engine *e = calloc(1, sizeof(*e));

	FG_ASSERT(e != NULL);
	e->r = r;
	e->tab = calloc(CACHE_SLOTS, sizeof(*e->tab));
	FG_ASSERT(e->tab != NULL);
	return e;
}

void fg_dns_engine_destroy(struct fg_dns_engine **ep)
{
	struct fg_dns_engine *e = *ep;

	if (e == NULL)
		return;
	cache_clear(e);
	free(e->tab);
	stack_world_rel(&e->world);
	free(e);
	*ep = NULL;
}

void fg_dns_engine_use_world(struct fg_dns_engine *e, struct stack_world *w)
{
	if (w == e->world) {
		stack_world_rel(&w);
		return;
	}
	cache_clear(e);
	stack_world_rel(&e->world);
	e->world = w;
}

void fg_dns_engine_stats(const struct fg_dns_engine *e, uint64_t *hits, uint64_t *misses)
{
	*hits = e->hits;
	*misses = e->misses;
}

/* ------------------------------------------------------------ small answers */

/* A response of header only: FORMERR, NOTIMP and the like. */
static size_t header_only(const uint8_t *q, uint8_t rcode, uint8_t *out)
{
	memset(out, 0, 12);
	out[0] = q[0];
	out[1] = q[1];
	out[2] = (uint8_t)(0x80 | (q[2] & 0x79)); /* QR; opcode and RD kept */
	out[3] = rcode;
	return 12;
}

static size_t append_opt(uint8_t *out, size_t len, uint8_t ext_rcode)
{
	static const uint8_t opt[OPT_LEN] = { 0, 0, 41, FG_DNS_UDP_PAYLOAD >> 8,
					      FG_DNS_UDP_PAYLOAD & 0xff, 0, 0, 0, 0, 0, 0 };

	memcpy(out + len, opt, OPT_LEN);
	out[len + 5] = ext_rcode;
	out[11] = (uint8_t)(out[11] + 1); /* ARCOUNT (never above 255 here) */
	return len + OPT_LEN;
}

/* Header and the query's question, with rcode (and the OPT when the query had one). */
static size_t question_only(const struct query *qu, uint8_t rcode, uint8_t ext, bool tc,
			    uint8_t *out)
{
	size_t len = qu->qend;

	memcpy(out, qu->msg, len);
	out[2] = (uint8_t)(0x80 | (qu->msg[2] & 0x79) | (tc ? 0x02 : 0));
	out[3] = (uint8_t)(rcode | (qu->msg[3] & 0x10));
	out[4] = 0;
	out[5] = 1;
	memset(out + 6, 0, 6);
	return qu->edns ? append_opt(out, len, ext) : len;
}

/* ---------------------------------------------------------------- reading */

/* The question's name must be written out (no compression) so the cache can swap it. */
static bool question_end(const uint8_t *msg, size_t len, size_t *end)
{
	size_t p = 12;

	while (p < len && msg[p] != 0) {
		if (msg[p] > 63)
			return false;
		p += (size_t)msg[p] + 1;
	}
	if (p + 5 > len)
		return false;
	*end = p + 5;
	return true;
}

/* The VPC a query resolves from: EDNS0 option FG_DNS_VPC_OPTION (printable, 1-64 bytes). */
static bool read_vpc(struct query *qu)
{
	ldns_edns_option_list *l = ldns_pkt_edns_get_option_list(qu->pkt);
	size_t n = l ? ldns_edns_option_list_get_count(l) : 0;

	qu->vpc[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const ldns_edns_option *o = ldns_edns_option_list_get_option(l, i);
		size_t sz = ldns_edns_get_size(o);
		const uint8_t *d = ldns_edns_get_data(o);

		if (ldns_edns_get_code(o) != FG_DNS_VPC_OPTION)
			continue;
		if (sz == 0 || sz > 64)
			return false;
		for (size_t k = 0; k < sz; k++)
			if (d[k] < 0x21 || d[k] > 0x7e)
				return false;
		memcpy(qu->vpc, d, sz);
		qu->vpc[sz] = '\0';
	}
	return true;
}

static size_t udp_limit(const struct query *qu)
{
	size_t sz = ldns_pkt_edns_udp_size(qu->pkt);

	if (!qu->edns || sz < 512)
		return 512;
	return sz < FG_DNS_UDP_PAYLOAD ? sz : FG_DNS_UDP_PAYLOAD;
}

/* ---------------------------------------------------------------- building */

static bool push(ldns_pkt *p, ldns_pkt_section s, const struct fg_rr *x)
{
	char *line = NULL;
	ldns_rr *rr = NULL;
	bool good;

	if (asprintf(&line, "%s %u IN %s %s", x->name, x->ttl, x->type, x->data) < 0)
		return false;
	good = ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL) == LDNS_STATUS_OK;
	free(line);
	if (good)
		ldns_pkt_push_rr(p, s, rr);
	return good;
}

/* Resolves the question and builds the response (no OPT); NULL when it cannot be built. */
static struct entry *build(struct fg_dns_engine *e, const struct query *qu, const uint8_t *key,
			   size_t keylen, uint64_t h)
{
	char *name = ldns_rdf2str(ldns_rr_owner(qu->question));
	char *type = ldns_rr_type2str(ldns_rr_get_type(qu->question));
	struct fg_arena *a = fg_arena_new(4096);
	ldns_pkt *p = ldns_pkt_new();
	struct fg_answer ans;
	struct entry *x = NULL;
	uint8_t *wire = NULL;
	size_t wlen = 0;
	bool good = name != NULL && type != NULL && p != NULL;

	if (good) {
		e->r->resolve(e->r->self, e->world, name, type, qu->vpc[0] ? qu->vpc : NULL, a,
			      &ans);
		ldns_pkt_set_qr(p, true);
		ldns_pkt_set_aa(p, ans.authoritative);
		ldns_pkt_set_rcode(p, (uint8_t)ans.rcode);
		ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, ldns_rr_clone(qu->question));
		for (size_t i = 0; good && i < ans.nanswer; i++)
			good = push(p, LDNS_SECTION_ANSWER, &ans.answer[i]);
		for (size_t i = 0; good && i < ans.nauthority; i++)
			good = push(p, LDNS_SECTION_AUTHORITY, &ans.authority[i]);
		good = good && ldns_pkt2wire(&wire, p, &wlen) == LDNS_STATUS_OK && wlen >= qu->qend;
	}
	if (good) {
		x = malloc(sizeof(*x) + keylen);
		FG_ASSERT(x != NULL);
		x->hash = h;
		x->keylen = keylen;
		memcpy(x->key, key, keylen);
		x->resp = wire;
		x->len = wlen;
		x->qend = qu->qend;
		wire = NULL;
	}
	free(wire);
	ldns_pkt_free(p);
	fg_arena_destroy(&a);
	free(name);
	free(type);
	return x;
}

/* Copies the cached response for this query: its id, flags, question and OPT. */
static size_t serve(const struct entry *x, const struct query *qu, uint8_t *out)
{
	size_t len = x->len + (qu->edns ? OPT_LEN : 0);

	if (len > qu->limit) {
		len = question_only(qu, (uint8_t)(x->resp[3] & 0x0f), 0, true, out);
		out[2] |= (uint8_t)(x->resp[2] & 0x04); /* AA as the full answer has it */
		return len;
	}
	memcpy(out, x->resp, x->len);
	memcpy(out, qu->msg, 2);
	out[2] = (uint8_t)((x->resp[2] & ~0x01) | (qu->msg[2] & 0x01));
	out[3] = (uint8_t)((x->resp[3] & ~0x10) | (qu->msg[3] & 0x10));
	memcpy(out + 12, qu->msg + 12, qu->qend - 12);
	return qu->edns ? append_opt(out, x->len, 0) : x->len;
}

/* (lower-case qname, type, vpc) */
static size_t make_key(const struct query *qu, uint8_t *key)
{
	const ldns_rdf *owner = ldns_rr_owner(qu->question);
	size_t n = ldns_rdf_size(owner), vl = strlen(qu->vpc);
	const uint8_t *d = ldns_rdf_data(owner);
	uint16_t t = (uint16_t)ldns_rr_get_type(qu->question);

	for (size_t i = 0; i < n; i++)
		key[i] = (uint8_t)((d[i] >= 'A' && d[i] <= 'Z') ? d[i] + 32 : d[i]);
	key[n] = (uint8_t)(t >> 8);
	key[n + 1] = (uint8_t)t;
	memcpy(key + n + 2, qu->vpc, vl);
	return n + 2 + vl;
}

static size_t answer_query(struct fg_dns_engine *e, struct query *qu, uint8_t *out)
{
	ldns_rr_type t = ldns_rr_get_type(qu->question);
	uint8_t key[256 + 2 + 64];
	size_t keylen;
	uint64_t h;
	struct entry *x;

	if (ldns_rr_get_class(qu->question) != LDNS_RR_CLASS_IN || t == LDNS_RR_TYPE_AXFR ||
	    t == LDNS_RR_TYPE_IXFR)
		return question_only(qu, LDNS_RCODE_REFUSED, 0, false, out);
	if (t == LDNS_RR_TYPE_OPT)
		return question_only(qu, LDNS_RCODE_FORMERR, 0, false, out);
	keylen = make_key(qu, key);
	h = fnv(key, keylen);
	x = cache_get(e, key, keylen, h);
	if (x != NULL) {
		e->hits++;
	} else {
		e->misses++;
		x = build(e, qu, key, keylen, h);
		if (x == NULL)
			return question_only(qu, LDNS_RCODE_SERVFAIL, 0, false, out);
		cache_put(e, x);
	}
	return serve(x, qu, out);
}

size_t fg_dns_engine_answer(struct fg_dns_engine *e, const uint8_t *q, size_t qlen, bool tcp,
			    uint8_t *out)
{
	struct query qu = { .msg = q, .len = qlen };
	size_t n;

	if (qlen < 12 || (q[2] & 0x80))
		return 0; /* too short for a header, or a response: never answered */
	if (((q[2] >> 3) & 0x0f) != LDNS_PACKET_QUERY)
		return header_only(q, LDNS_RCODE_NOTIMPL, out);
	if (ldns_wire2pkt(&qu.pkt, q, qlen) != LDNS_STATUS_OK)
		return header_only(q, LDNS_RCODE_FORMERR, out);
	if (ldns_pkt_qdcount(qu.pkt) != 1 || !question_end(q, qlen, &qu.qend)) {
		ldns_pkt_free(qu.pkt);
		return header_only(q, LDNS_RCODE_FORMERR, out);
	}
	qu.question = ldns_rr_list_rr(ldns_pkt_question(qu.pkt), 0);
	qu.edns = ldns_pkt_edns(qu.pkt);
	qu.limit = tcp ? FG_DNS_TCP_MAX : udp_limit(&qu);
	if (qu.edns && ldns_pkt_edns_version(qu.pkt) != 0)
		n = question_only(&qu, 0, 1, false, out); /* BADVERS (RFC 6891) */
	else if (!read_vpc(&qu))
		n = question_only(&qu, LDNS_RCODE_FORMERR, 0, false, out);
	else
		n = answer_query(e, &qu, out);
	ldns_pkt_free(qu.pkt);
	return n;
}
