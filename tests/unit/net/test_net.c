/* Unit tests for net: address parsing, loopback detection, port 0, the REFUSED answer. */
#include <stdio.h>
#include <unistd.h>

#include "net/net.h"
#include "tap.h"

int main(void)
{
	char host[64];
	int port, fd, bound;
	struct fg_err e;
	/* id 0x1234, RD, one question: example.com A IN */
	unsigned char q[64] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1,
				7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
				0, 1, 0, 1,
				0, 0, 41, 16, 0, 0, 0, 0, 0, 0, 0 };
	size_t n;

	fg_err_clear(&e);
	ok(fg_net_parse_addr("127.0.0.1:0", host, sizeof(host), &port, &e) == 0 &&
	   strcmp(host, "127.0.0.1") == 0 && port == 0, "ADDR:PORT");
	ok(fg_net_parse_addr("[::1]:4580", host, sizeof(host), &port, &e) == 0 &&
	   strcmp(host, "::1") == 0 && port == 4580, "[V6]:PORT");
	ok(fg_net_parse_addr("4590", host, sizeof(host), &port, &e) == 0 &&
	   strcmp(host, "127.0.0.1") == 0, "PORT alone binds loopback");
	ok(fg_net_parse_addr("127.0.0.1:99999", host, sizeof(host), &port, &e) != 0,
	   "port out of range");
	ok(fg_net_parse_addr("127.0.0.1:x", host, sizeof(host), &port, &e) != 0, "port not a number");
	ok(fg_net_is_loopback("127.0.0.5") && fg_net_is_loopback("::1") &&
	   !fg_net_is_loopback("0.0.0.0") && !fg_net_is_loopback("10.0.0.1"), "loopback test");
	ok(fg_net_listen_tcp("127.0.0.1", 0, false, &fd, &bound, &e) == 0 && bound > 0,
	   "port 0 gets a real port");
	close(fd);

	n = fg_dns_refused(q, 40, sizeof(q));
	is_int(n, 29, "REFUSED keeps header and question, drops the OPT record");
	ok(q[0] == 0x12 && q[1] == 0x34, "same id");
	ok((q[2] & 0x80) && (q[2] & 0x01), "QR set, RD kept");
	is_int(q[3] & 0x0f, 5, "RCODE REFUSED");
	ok(q[5] == 1 && q[7] == 0 && q[11] == 0, "QDCOUNT 1, no answers, no additional");
	q[2] |= 0x80;
	is_int(fg_dns_refused(q, 29, sizeof(q)), 0, "responses are never answered");
	is_int(fg_dns_refused(q, 5, sizeof(q)), 0, "short packets are dropped");
	return tap_done();
}
