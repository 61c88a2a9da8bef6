/*
 * dns_qps: a DNS load generator for measuring the DNS listener (issue 8's benchmark: queries
 * per second on loopback from a second process). It keeps WINDOW queries in flight on one UDP
 * socket, sends and receives in batches (sendmmsg/recvmmsg), checks every response's id and
 * RCODE, and prints one JSON line. Measured, never asserted.
 *
 *   dns_qps PORT NAME [TYPE] [SECONDS]     (TYPE A, SECONDS 3; the server on 127.0.0.1)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WINDOW 128
#define BATCH 32

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A query for name/type with EDNS (payload 1232); returns its length. */
static size_t make_query(const char *name, uint16_t type, uint8_t *q)
{
	size_t p = 12;
	const char *s = name;

	memset(q, 0, 12);
	q[2] = 0x01; /* RD, as stub resolvers send */
	q[5] = 1;
	q[11] = 1;
	while (*s) {
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
	memcpy(q + p, (uint8_t[]){ 0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0 }, 11);
	return p + 11;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t q[BATCH][300], r[BATCH][2048];
	struct iovec qi[BATCH], ri[BATCH];
	struct mmsghdr qm[BATCH], rm[BATCH];
	uint16_t type = 1;
	double secs = 3, t0, t1;
	long sent = 0, got = 0, bad = 0, inflight = 0;
	size_t qlen;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: dns_qps PORT NAME [TYPE-NUMBER] [SECONDS]\n");
		return 2;
	}
	if (argc > 3)
		type = (uint16_t)atoi(argv[3]);
	if (argc > 4)
		secs = atof(argv[4]);
	to.sin_port = htons((uint16_t)atoi(argv[1]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
		perror("socket");
		return 1;
	}
	qlen = make_query(argv[2], type, q[0]);
	for (int i = 0; i < BATCH; i++) {
		memcpy(q[i], q[0], qlen);
		qi[i] = (struct iovec){ q[i], qlen };
		ri[i] = (struct iovec){ r[i], sizeof(r[i]) };
		memset(&qm[i], 0, sizeof(qm[i]));
		memset(&rm[i], 0, sizeof(rm[i]));
		qm[i].msg_hdr.msg_iov = &qi[i];
		qm[i].msg_hdr.msg_iovlen = 1;
		rm[i].msg_hdr.msg_iov = &ri[i];
		rm[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_s();
	t1 = t0;
	while (t1 - t0 < secs) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n;

		while (inflight + BATCH <= WINDOW) {
			for (int i = 0; i < BATCH; i++) {
				q[i][0] = (uint8_t)((sent + i) >> 8);
				q[i][1] = (uint8_t)(sent + i);
			}
			n = sendmmsg(fd, qm, BATCH, 0);
			if (n <= 0)
				break;
			sent += n;
			inflight += n;
		}
		if (poll(&p, 1, 100) == 0) {
			inflight = 0; /* lost ones: start a fresh window */
			t1 = now_s();
			continue;
		}
		n = recvmmsg(fd, rm, BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++) {
			if (rm[i].msg_len < 12 || (r[i][3] & 0x0f) != 0 || !(r[i][2] & 0x80))
				bad++;
			got++;
			inflight--;
		}
		if ((got & 1023) == 0 || n <= 0)
			t1 = now_s();
	}
	t1 = now_s();
	printf("{\"name\":\"%s\",\"type\":%u,\"seconds\":%.2f,\"sent\":%ld,\"answered\":%ld,"
	       "\"not_noerror\":%ld,\"qps\":%.0f}\n", argv[2], type, t1 - t0, sent, got, bad,
	       (double)got / (t1 - t0));
	close(fd);
	return bad ? 1 : 0;
}
