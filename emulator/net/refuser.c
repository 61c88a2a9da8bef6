/*
 * refuser.c: the listeners of services that are not built yet. They exist so every flag,
 * port and ready-line field is real from the start, and they refuse work plainly: HTTPS
 * connections are closed at once, DNS queries (UDP and TCP) are answered REFUSED.
 */
#include "net/net.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct fg_refuser {
	struct fg_refuser_fds fds;
	struct fg_log *log;
	int wake[2];
	pthread_t thr;
};

size_t fg_dns_refused(unsigned char *msg, size_t len, size_t cap)
{
	size_t p = 12;

	if (len < 12 || (msg[2] & 0x80))
		return 0; /* too short, or a response: never answer those */
	/* keep the question (when there is exactly one and it is well formed) */
	if (msg[4] == 0 && msg[5] == 1) {
		while (p < len && msg[p] != 0 && msg[p] < 64)
			p += (size_t)msg[p] + 1;
		if (p < len && msg[p] == 0 && p + 5 <= len)
			p += 5;
		else
			p = 12;
	}
	if (p == 12) {
		msg[4] = msg[5] = 0;
	}
	if (p > cap)
		return 0;
	msg[2] = (unsigned char)(0x80 | (msg[2] & 0x79)); /* QR, keep opcode and RD */
	msg[3] = 5;                                         /* RA=0, RCODE=REFUSED */
	memset(msg + 6, 0, 6);                              /* no AN, NS, AR */
	return p;
}

static void answer_udp(struct fg_refuser *r)
{
	unsigned char buf[4096];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(r->fds.dns_udp, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
	size_t out;

	if (n <= 0)
		return;
	out = fg_dns_refused(buf, (size_t)n, sizeof(buf));
	if (out > 0)
		sendto(r->fds.dns_udp, buf, out, 0, (struct sockaddr *)&from, fl);
}

/* One query over TCP (2-byte length prefix), answered REFUSED; short reads give up. */
static void answer_tcp(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	unsigned char buf[2 + 65535];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t have = 0, need = 2;

	if (fd < 0)
		return;
	while (have < need && poll(&pfd, 1, 1000) == 1) {
		ssize_t n = read(fd, buf + have, need - have);

		if (n <= 0)
			break;
		have += (size_t)n;
		if (have == 2)
			need = 2 + ((size_t)buf[0] << 8 | buf[1]);
	}
	if (have == need && need > 2) {
		size_t out = fg_dns_refused(buf + 2, need - 2, sizeof(buf) - 2);

		if (out > 0) {
			buf[0] = (unsigned char)(out >> 8);
			buf[1] = (unsigned char)out;
			if (write(fd, buf, out + 2) < 0) {
				/* the client went away */
			}
		}
	}
	close(fd);
}

static void *loop(void *arg)
{
	struct fg_refuser *r = arg;
	struct pollfd p[4] = {
		{ .fd = r->wake[0], .events = POLLIN },
		{ .fd = r->fds.https_tcp, .events = POLLIN },
		{ .fd = r->fds.dns_udp, .events = POLLIN },
		{ .fd = r->fds.dns_tcp, .events = POLLIN },
	};

	for (;;) {
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN) {
			int fd = accept4(r->fds.https_tcp, NULL, NULL, SOCK_CLOEXEC);

			if (fd >= 0) {
				fg_log(r->log, FG_LOG_DEBUG, "https",
				       "connection closed: HTTPS is not emulated yet");
				close(fd);
			}
		}
		if (p[2].revents & POLLIN)
			answer_udp(r);
		if (p[3].revents & POLLIN)
			answer_tcp(r->fds.dns_tcp);
	}
	return NULL;
}

struct fg_refuser *fg_refuser_start(const struct fg_refuser_fds *fds, struct fg_log *log)
{
	struct fg_refuser *r = calloc(1, sizeof(*r));

	FG_ASSERT(r != NULL);
	r->fds = *fds;
	r->log = log;
	FG_ASSERT(pipe2(r->wake, O_CLOEXEC) == 0);
	FG_ASSERT(pthread_create(&r->thr, NULL, loop, r) == 0);
	return r;
}

void fg_refuser_stop(struct fg_refuser **rp)
{
	struct fg_refuser *r = *rp;

	if (r == NULL)
		return;
	if (write(r->wake[1], "x", 1) < 0) {
		/* the pipe cannot be full: one byte, written once */
	}
	pthread_join(r->thr, NULL);
	close(r->wake[0]);
	close(r->wake[1]);
	close(r->fds.https_tcp);
	close(r->fds.dns_udp);
	close(r->fds.dns_tcp);
	free(r);
	*rp = NULL;
}
