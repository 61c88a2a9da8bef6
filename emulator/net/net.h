/*
 * net: sockets. Listening TCP and UDP sockets on "ADDR:PORT" (port 0 = the kernel picks),
 * and the listeners whose services are not built yet: they bind (so the ports exist and the
 * ready line can name them) and refuse work honestly — the HTTPS listener closes each
 * connection at once, the DNS listener answers every query REFUSED. libcurl, loaded on first
 * use, has its own header: net/net_curl.h.
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

#endif
