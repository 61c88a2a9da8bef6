/* net.c: address parsing and listening sockets, port 0 included. */
#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int fg_net_parse_addr(const char *spec, char *host, size_t hostn, int *port,
		      struct fg_err *err)
{
	const char *colon, *p;
	char *end;
	long v;

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (close == NULL || close[1] != ':')
			goto bad;
		snprintf(host, hostn, "%.*s", (int)(close - spec - 1), spec + 1);
		p = close + 2;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		snprintf(host, hostn, "%.*s", (int)(colon - spec), spec);
		p = colon + 1;
	} else {
		snprintf(host, hostn, "127.0.0.1");
		p = spec;
	}
	if (host[0] == '\0')
		snprintf(host, hostn, "127.0.0.1");
	errno = 0;
	v = strtol(p, &end, 10);
	if (*p == '\0' || *end != '\0' || errno != 0 || v < 0 || v > 65535)
		goto bad;
	*port = (int)v;
	return 0;
bad:
	fg_err_set(err, 400, "InvalidArgument",
		   "'%s' is not an address: use ADDR:PORT (for example 127.0.0.1:0)", spec);
	return -1;
}

bool fg_net_is_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	       strcmp(host, "localhost") == 0;
}

static int open_bound(const char *host, int port, int socktype, int *fd_out, int *port_out,
		      struct fg_err *err)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char ps[16];
	int fd, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(ps, sizeof(ps), "%d", port);
	rc = getaddrinfo(strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, ps, &hints, &ai);
	if (rc != 0) {
		fg_err_set(err, 400, "InvalidArgument", "cannot use address %s: %s", host,
			   gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0)
		goto fail;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		goto fail;
	*port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
						   : ((struct sockaddr_in *)&ss)->sin_port);
	*fd_out = fd;
	freeaddrinfo(ai);
	return 0;
fail:
	fg_err_set(err, 500, "ListenError", "cannot bind %s %s:%d: %s",
		   socktype == SOCK_STREAM ? "TCP" : "UDP", host, port, strerror(errno));
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return -1;
}

int fg_net_listen_tcp(const char *host, int port, bool nonblock, int *fd_out, int *port_out,
		      struct fg_err *err)
{
	if (open_bound(host, port, SOCK_STREAM, fd_out, port_out, err) != 0)
		return -1;
	if (listen(*fd_out, 1024) != 0) {
		fg_err_set(err, 500, "ListenError", "cannot listen on %s:%d: %s", host, port,
			   strerror(errno));
		close(*fd_out);
		return -1;
	}
	if (nonblock)
		fcntl(*fd_out, F_SETFL, fcntl(*fd_out, F_GETFL) | O_NONBLOCK);
	return 0;
}

int fg_net_bind_udp(const char *host, int port, int *fd_out, int *port_out,
		    struct fg_err *err)
{
	return open_bound(host, port, SOCK_DGRAM, fd_out, port_out, err);
}
