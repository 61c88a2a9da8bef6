/* Unit tests for net: address parsing, loopback detection, port 0, the REFUSED answer. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "net/net_curl.h"

#include "net/net.h"
#include "tap.h"

static void *curl_init_thread(void *arg)
{
	(void)arg;
	return (void *)fg_net_curl();
}

/* libcurl is loaded once however many threads ask at the same time (they all get the one
 * table), and is then usable: an easy handle can be made and its version knows its TLS
 * library. */
static void test_curl_load(void)
{
	pthread_t t[4];
	void *got[4];
	CURL *c;
	bool same = true;

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, curl_init_thread, NULL);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &got[i]);
		same = same && got[i] == (void *)fg_net_curl();
	}
	c = curl_easy_init();
	ok(same && c != NULL && curl_version_info(CURLVERSION_NOW)->ssl_version != NULL,
	   "libcurl loaded once from several threads, then usable");
	ok(curl_easy_setopt(c, CURLOPT_URL, "http://127.0.0.1:1/") == CURLE_OK &&
	   curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L) == CURLE_OK &&
	   curl_easy_perform(c) == CURLE_COULDNT_CONNECT,
	   "a variadic option and a request go through the loaded functions");
	curl_easy_cleanup(c);
}

int main(void)
{
	char host[64];
	int port, fd, bound;
	struct fg_err e;

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

	test_curl_load();
	return tap_done();
}
