/*
 * dns_server.c: the DNS listener's sockets. One thread polls the UDP socket, the TCP
 * listening socket and every TCP connection; answers come from one engine (dns_engine.c), so
 * its cache serves both transports.
 *
 * UDP is read and answered in batches (recvmmsg/sendmmsg): the current world is taken once
 * per batch, so every query is answered from one whole state. TCP (RFC 7766): two-byte length
 * prefixes, several queries per connection and pipelining, non-blocking writes with a
 * per-connection output buffer; at most MAX_CONNS connections, each closed after IDLE_MS
 * without traffic. A client that stops reading only stalls its own connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns/dns.h"

#define BATCH 32
#define UDP_IN 4096
#define MAX_CONNS 64
#define IDLE_MS 10000
#define OUT_HIGH (256 * 1024)     /* stop reading a connection with this much unsent */

struct conn {
	int fd;
	uint8_t *in;
	size_t inlen, incap;
	uint8_t *out;
	size_t outlen, outoff, outcap;
	int64_t last;
	bool eof;                     /* the client is done sending: close once answered */
};

struct fg_dns_server {
	struct fg_dns_server_cfg cfg;
	struct fg_dns_engine *eng;
	int wake[2];
	pthread_t thr;
	struct conn conns[MAX_CONNS];
	size_t nconns;
	uint8_t *tcp_resp;            /* FG_DNS_TCP_MAX + 2 */
	/* UDP batch buffers */
	uint8_t in[BATCH][UDP_IN];
	uint8_t out[BATCH][FG_DNS_UDP_PAYLOAD];
	struct sockaddr_storage from[BATCH];
	struct iovec iov_in[BATCH], iov_out[BATCH];
	struct mmsghdr msg_in[BATCH], msg_out[BATCH];
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void refresh_world(struct fg_dns_server *s)
{
	fg_dns_engine_use_world(s->eng, s->cfg.world(s->cfg.world_arg));
}

/* ----------------------------------------------------------------------- UDP */

/* One batch: returns how many datagrams were read. */
static int udp_batch(struct fg_dns_server *s)
{
	int n, k = 0;

	for (int i = 0; i < BATCH; i++) {
		s->iov_in[i].iov_base = s->in[i];
		s->iov_in[i].iov_len = UDP_IN;
		memset(&s->msg_in[i].msg_hdr, 0, sizeof(s->msg_in[i].msg_hdr));
		s->msg_in[i].msg_hdr.msg_iov = &s->iov_in[i];
		s->msg_in[i].msg_hdr.msg_iovlen = 1;
		s->msg_in[i].msg_hdr.msg_name = &s->from[i];
		s->msg_in[i].msg_hdr.msg_namelen = sizeof(s->from[i]);
	}
	n = recvmmsg(s->cfg.udp_fd, s->msg_in, BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	refresh_world(s);
	for (int i = 0; i < n; i++) {
		size_t len;

		if (s->msg_in[i].msg_hdr.msg_flags & MSG_TRUNC)
			continue; /* larger than any query frontgate takes over UDP: dropped */
		len = fg_dns_engine_answer(s->eng, s->in[i], s->msg_in[i].msg_len, false,
					   s->out[k]);
		if (len == 0)
			continue;
		s->iov_out[k].iov_base = s->out[k];
		s->iov_out[k].iov_len = len;
		memset(&s->msg_out[k].msg_hdr, 0, sizeof(s->msg_out[k].msg_hdr));
		s->msg_out[k].msg_hdr.msg_iov = &s->iov_out[k];
		s->msg_out[k].msg_hdr.msg_iovlen = 1;
		s->msg_out[k].msg_hdr.msg_name = &s->from[i];
		s->msg_out[k].msg_hdr.msg_namelen = s->msg_in[i].msg_hdr.msg_namelen;
		k++;
	}
	for (int sent = 0; sent < k;) {
		int m = sendmmsg(s->cfg.udp_fd, s->msg_out + sent, (unsigned)(k - sent), 0);

		if (m <= 0)
			break; /* a full socket buffer drops answers, as a busy server would */
		sent += m;
	}
	return n;
}

/* ----------------------------------------------------------------------- TCP */

static void conn_close(struct fg_dns_server *s, size_t i)
{
	struct conn *c = &s->conns[i];

	close(c->fd);
	free(c->in);
	free(c->out);
	s->conns[i] = s->conns[--s->nconns];
	memset(&s->conns[s->nconns], 0, sizeof(s->conns[0]));
}

static void tcp_accept(struct fg_dns_server *s)
{
	while (s->nconns < MAX_CONNS) {
		int fd = accept4(s->cfg.tcp_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct conn *c;

		if (fd < 0)
			return;
		c = &s->conns[s->nconns++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->last = mono_ms();
	}
}

static void out_append(struct conn *c, const uint8_t *p, size_t n)
{
	if (c->outlen + n > c->outcap) {
		c->outcap = (c->outlen + n) * 2;
		c->out = realloc(c->out, c->outcap);
		FG_ASSERT(c->out != NULL);
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

/* Answers every complete message in the input buffer. */
static void tcp_process(struct fg_dns_server *s, struct conn *c)
{
	size_t off = 0;

	while (c->inlen - off >= 2) {
		size_t need = (size_t)c->in[off] << 8 | c->in[off + 1], len;

		if (c->inlen - off - 2 < need)
			break;
		refresh_world(s);
		len = fg_dns_engine_answer(s->eng, c->in + off + 2, need, true, s->tcp_resp + 2);
		if (len > 0) {
			s->tcp_resp[0] = (uint8_t)(len >> 8);
			s->tcp_resp[1] = (uint8_t)len;
			out_append(c, s->tcp_resp, len + 2);
		}
		off += 2 + need;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
}

/* Reads what is there; false on an error (end of input sets c->eof). */
static bool tcp_read(struct fg_dns_server *s, struct conn *c)
{
	for (;;) {
		ssize_t n;

		if (c->incap - c->inlen < 4096) {
			c->incap = c->incap ? c->incap * 2 : 8192;
			if (c->incap > 2 * (FG_DNS_TCP_MAX + 2))
				c->incap = 2 * (FG_DNS_TCP_MAX + 2);
			c->in = realloc(c->in, c->incap);
			FG_ASSERT(c->in != NULL);
		}
		if (c->incap == c->inlen)
			return true; /* a full buffer is processed before reading on */
		n = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
		if (n == 0) {
			c->eof = true;
			return true;
		}
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->inlen += (size_t)n;
		c->last = mono_ms();
		tcp_process(s, c);
		if (c->outlen - c->outoff > OUT_HIGH)
			return true;
	}
}

static bool tcp_write(struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->outoff += (size_t)n;
		c->last = mono_ms();
	}
	c->outoff = c->outlen = 0;
	return true;
}

/* ---------------------------------------------------------------------- loop */

static int poll_timeout(const struct fg_dns_server *s, int64_t now)
{
	int64_t t = -1;

	for (size_t i = 0; i < s->nconns; i++) {
		int64_t left = s->conns[i].last + IDLE_MS - now;

		if (left < 0)
			left = 0;
		if (t < 0 || left < t)
			t = left;
	}
	return (int)t;
}

static void serve_conns(struct fg_dns_server *s, const struct pollfd *p, size_t n)
{
	int64_t now = mono_ms();

	/* backwards: closing moves the last connection into the freed place */
	for (size_t i = n; i-- > 0;) {
		struct conn *c = &s->conns[i];
		bool alive = true;

		if (p[i].revents & (POLLERR | POLLNVAL))
			alive = false;
		if (alive && !c->eof && (p[i].revents & (POLLIN | POLLHUP)) &&
		    c->outlen - c->outoff <= OUT_HIGH)
			alive = tcp_read(s, c);
		if (alive && c->outlen > c->outoff)
			alive = tcp_write(c);
		if (alive && c->outlen == 0 && (c->eof || now - c->last >= IDLE_MS))
			alive = false;
		if (!alive)
			conn_close(s, i);
	}
}

static void *loop(void *arg)
{
	struct fg_dns_server *s = arg;
	struct pollfd p[3 + MAX_CONNS];

	for (;;) {
		size_t n = s->nconns;

		p[0] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
		p[1] = (struct pollfd){ .fd = s->cfg.udp_fd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = n < MAX_CONNS ? s->cfg.tcp_fd : -1, .events = POLLIN };
		for (size_t i = 0; i < n; i++)
			p[3 + i] = (struct pollfd){
				.fd = s->conns[i].fd,
				.events = (short)((s->conns[i].eof ? 0 : POLLIN) |
						  (s->conns[i].outlen > s->conns[i].outoff ?
						   POLLOUT : 0)),
			};
		if (poll(p, 3 + n, poll_timeout(s, mono_ms())) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN)
			for (int round = 0; round < 16 && udp_batch(s) == BATCH; round++)
				;
		serve_conns(s, p + 3, n);
		if (p[2].revents & POLLIN)
			tcp_accept(s);
	}
	return NULL;
}

int fg_dns_server_start(const struct fg_dns_server_cfg *cfg, struct fg_dns_server **out,
			struct fg_err *err)
{
	struct fg_dns_server *s = calloc(1, sizeof(*s));

	FG_ASSERT(s != NULL);
	s->cfg = *cfg;
	s->eng = fg_dns_engine_new(cfg->resolver);
	s->tcp_resp = malloc(FG_DNS_TCP_MAX + 2);
	FG_ASSERT(s->tcp_resp != NULL);
	fcntl(cfg->tcp_fd, F_SETFL, fcntl(cfg->tcp_fd, F_GETFL) | O_NONBLOCK);
	if (pipe2(s->wake, O_CLOEXEC) != 0 || pthread_create(&s->thr, NULL, loop, s) != 0) {
		fg_err_set(err, 500, "InternalError", "cannot start the DNS thread: %s",
			   strerror(errno));
		fg_dns_engine_destroy(&s->eng);
		free(s->tcp_resp);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void fg_dns_server_stop(struct fg_dns_server **sp)
{
	struct fg_dns_server *s = *sp;

	if (s == NULL)
		return;
	if (write(s->wake[1], "x", 1) < 0) {
		/* the pipe cannot be full: one byte, written once */
	}
	pthread_join(s->thr, NULL);
	while (s->nconns > 0)
		conn_close(s, s->nconns - 1);
	close(s->wake[0]);
	close(s->wake[1]);
	close(s->cfg.udp_fd);
	close(s->cfg.tcp_fd);
	fg_dns_engine_destroy(&s->eng);
	free(s->tcp_resp);
	free(s);
	*sp = NULL;
}
