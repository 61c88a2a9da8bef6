/*
 * tls_pump.c: moves bytes between a TLS connection and the clear stream the data-plane HTTP
 * server serves (tls.h). Both sockets are non-blocking; one buffer each way; the loop polls
 * only when neither direction can make progress. Kept apart from the terminator so that
 * bench/ceiling.c's HTTPS mode runs exactly this code (scripts/bench's HTTPS ceiling).
 */
#include "tls/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define PUMP_BUF 16384

struct pump {
	SSL *ssl;
	int app;
	char in[PUMP_BUF], out[PUMP_BUF];
	size_t in_off, in_len, out_off, out_len;
};

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* TLS -> clear side. Returns false when the clear side is gone. */
static bool client_to_app(struct pump *c, bool *eof, bool *progress, short *tcp_ev,
			  short *app_ev)
{
	if (!*eof && c->in_len == 0) {
		int n = SSL_read(c->ssl, c->in, sizeof(c->in));

		if (n > 0) {
			c->in_off = 0;
			c->in_len = (size_t)n;
			*progress = true;
		} else {
			int e = SSL_get_error(c->ssl, n);

			if (e == SSL_ERROR_WANT_READ)
				*tcp_ev |= POLLIN;
			else if (e == SSL_ERROR_WANT_WRITE)
				*tcp_ev |= POLLOUT;
			else {
				*eof = true;
				*progress = true;
				ERR_clear_error();
			}
		}
	}
	if (c->in_off < c->in_len) {
		ssize_t w = write(c->app, c->in + c->in_off, c->in_len - c->in_off);

		if (w > 0) {
			c->in_off += (size_t)w;
			*progress = true;
			if (c->in_off == c->in_len)
				c->in_off = c->in_len = 0;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			*app_ev |= POLLOUT;
		} else {
			return false;
		}
	}
	return true;
}

/* Clear side -> TLS. Returns false when done (the server closed and all is sent) or the
 * client is gone. */
static bool app_to_client(struct pump *c, bool *eof, bool *progress, short *tcp_ev,
			  short *app_ev)
{
	if (!*eof && c->out_len == 0) {
		ssize_t r = read(c->app, c->out, sizeof(c->out));

		if (r > 0) {
			c->out_off = 0;
			c->out_len = (size_t)r;
			*progress = true;
		} else if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			*app_ev |= POLLIN;
		} else {
			*eof = true;
			*progress = true;
		}
	}
	if (c->out_off < c->out_len) {
		int n = SSL_write(c->ssl, c->out + c->out_off, (int)(c->out_len - c->out_off));

		if (n > 0) {
			c->out_off += (size_t)n;
			*progress = true;
			if (c->out_off == c->out_len)
				c->out_off = c->out_len = 0;
		} else {
			int e = SSL_get_error(c->ssl, n);

			if (e == SSL_ERROR_WANT_WRITE)
				*tcp_ev |= POLLOUT;
			else if (e == SSL_ERROR_WANT_READ)
				*tcp_ev |= POLLIN;
			else
				return false;
		}
	} else if (*eof) {
		SSL_shutdown(c->ssl); /* close_notify: the server closed the connection */
		return false;
	}
	return true;
}

void tls_pump(SSL *ssl, int tcp_fd, int app_fd, int stop_fd)
{
	struct pump *c = calloc(1, sizeof(*c));
	bool cl_eof = false, app_eof = false, app_shut = false;

	FG_ASSERT(c != NULL);
	c->ssl = ssl;
	c->app = app_fd;
	nonblock(tcp_fd);
	nonblock(app_fd);
	for (;;) {
		bool progress = false;
		short tcp_ev = 0, app_ev = 0;
		struct pollfd p[3];

		if (!client_to_app(c, &cl_eof, &progress, &tcp_ev, &app_ev))
			break;
		if (cl_eof && c->in_len == 0 && !app_shut) {
			shutdown(app_fd, SHUT_WR); /* the server sees the client's end of stream */
			app_shut = true;
		}
		if (!app_to_client(c, &app_eof, &progress, &tcp_ev, &app_ev))
			break;
		if (progress)
			continue;
		if (tcp_ev == 0 && app_ev == 0)
			break;
		p[0] = (struct pollfd){ .fd = tcp_ev ? tcp_fd : -1, .events = tcp_ev };
		p[1] = (struct pollfd){ .fd = app_ev ? app_fd : -1, .events = app_ev };
		p[2] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			break;
		if (p[2].revents)
			break;
	}
	free(c);
}
