/*
 * net: sockets. Listening TCP and UDP sockets on "ADDR:PORT" (port 0 = the kernel picks),
 * and the listeners whose services are not built yet: they bind (so the ports exist and the
 * ready line can name them) and refuse work honestly — the HTTPS listener closes each
 * connection at once, the DNS listener answers every query REFUSED.
 */
#ifndef FG_NET_H
#define FG_NET_H

#include <stdint.h>

#include "core/core.h"

/* Parses "ADDR:PORT", "[V6ADDR]:PORT" or "PORT" (address 127.0.0.1). */
int fg_net_parse_addr(const char *spec, char *host, size_t hostn, int *port,
		      struct fg_err *err);
/* True when host is a loopback address (127.0.0.0/8, ::1, localhost). */
bool fg_net_is_loopback(const char *host);

/* A listening TCP socket (SO_REUSEADDR, CLOEXEC, non-blocking when nonblock). */
int fg_net_listen_tcp(const char *host, int port, bool nonblock, int *fd_out, int *port_out,
		      struct fg_err *err);
/* A bound UDP socket. */
int fg_net_bind_udp(const char *host, int port, int *fd_out, int *port_out,
		    struct fg_err *err);

/* The refusing listeners (one thread for all of them). */
struct fg_refuser;

struct fg_refuser_fds {
	int https_tcp;  /* accepted and closed */
	int dns_udp;    /* answered REFUSED (-1: none, the DNS listener is served by dns/) */
	int dns_tcp;    /* accepted, each query answered REFUSED, then closed (-1: none) */
};

/* Takes ownership of the fds. */
struct fg_refuser *fg_refuser_start(const struct fg_refuser_fds *fds, struct fg_log *log);
void fg_refuser_stop(struct fg_refuser **rp);

/* Builds the REFUSED answer to a DNS query in place; returns its length, 0 to drop. */
size_t fg_dns_refused(unsigned char *msg, size_t len, size_t cap);

#endif
