/*
 * dns: the DNS listener (design.md §2) — the wire side of name resolution. Queries arrive on
 * UDP and TCP, are parsed with libldns, answered through iface/resolve.h (Route 53's resolver,
 * wired in instance.c) from the world current when the query arrives, and the responses are
 * built with libldns: AA flag, EDNS0 (the client's payload size honoured, at most
 * FG_DNS_UDP_PAYLOAD; truncation with TC, and the client retries over TCP), FORMERR for
 * malformed queries. The model (zones, records, resolution) stays in route53/; this module
 * knows only packets and sockets.
 *
 * Private zones answer only resolutions made inside their VPC. A query carries its VPC in the
 * EDNS0 option FG_DNS_VPC_OPTION (65001), whose data is the VPC id in ASCII:
 *   dig @127.0.0.1 -p PORT db.corp.internal +ednsopt=65001:$(printf vpc-1 | xxd -p)
 *
 * Answers are cached per world: the first query for a (name, type, VPC) resolves and builds
 * the response; later ones copy it, patching the id, the flags the client chose and the
 * question's letter case. A new world (any control-plane change) starts an empty cache.
 */
#ifndef FG_DNS_H
#define FG_DNS_H

#include <stdint.h>

#include "core/core.h"
#include "iface/resolve.h"
#include "stack/stack.h"

#define FG_DNS_VPC_OPTION 65001
#define FG_DNS_UDP_PAYLOAD 1232   /* the EDNS payload size frontgate offers and sends at most */
#define FG_DNS_TCP_MAX 65535

/* ------------------------------------------------------------ dns_engine.c */

struct fg_dns_engine;

/* The resolver is borrowed. One engine per thread: it is not safe to share. */
struct fg_dns_engine *fg_dns_engine_new(const struct fg_resolver *r);
void fg_dns_engine_destroy(struct fg_dns_engine **ep);
/* Queries are answered from w from now on. Takes over the reference (w may be NULL); a world
 * other than the current one empties the cache. */
void fg_dns_engine_use_world(struct fg_dns_engine *e, struct stack_world *w);
/*
 * Answers one DNS message. tcp: the response may use up to FG_DNS_TCP_MAX bytes; else the UDP
 * limit applies (512 without EDNS, the client's payload size with it, never more than
 * FG_DNS_UDP_PAYLOAD) and a larger answer is sent truncated with TC. out must hold
 * FG_DNS_TCP_MAX bytes (tcp) or FG_DNS_UDP_PAYLOAD. Returns the response length, or 0 to send
 * nothing (shorter than a header, or not a query).
 */
size_t fg_dns_engine_answer(struct fg_dns_engine *e, const uint8_t *q, size_t qlen, bool tcp,
			    uint8_t *out);
/* Cached answers served and answers built since the engine started. */
void fg_dns_engine_stats(const struct fg_dns_engine *e, uint64_t *hits, uint64_t *misses);

/* ------------------------------------------------------------ dns_server.c */

struct fg_dns_server;

struct fg_dns_server_cfg {
	int udp_fd, tcp_fd;                  /* bound (tcp listening); taken over */
	const struct fg_resolver *resolver;  /* borrowed */
	/* The current world, referenced (the caller's reference is released by the server). */
	struct stack_world *(*world)(void *arg);
	void *world_arg;
	struct fg_log *log;
};

/* One thread serves both sockets (UDP in batches, TCP connections multiplexed). */
int fg_dns_server_start(const struct fg_dns_server_cfg *cfg, struct fg_dns_server **out,
			struct fg_err *err);
/* Stops the thread, closes the sockets and every connection. */
void fg_dns_server_stop(struct fg_dns_server **sp);

#endif
