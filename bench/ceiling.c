/*
 * ceiling.c: the benchmark's ceiling server (scripts/bench). A bare libmicrohttpd daemon in
 * the threading mode frontgate's data plane uses (emulator/http/http.c: internal polling
 * thread, epoll, ITC, a pool of 2 threads, the same connection timeout and memory limit,
 * the two-call access-handler pattern that keeps keep-alive working on 0.9.75) answering
 * "200 ok" to every request. Whatever frontgate does per request costs the difference
 * between this and frontgate, so scripts/bench reports every figure as a ratio to it.
 *
 * Usage: ceiling [ADDR:PORT] (default 127.0.0.1:0). Prints one JSON line
 * {"ready":true,"http":PORT} when it serves, stops cleanly on SIGTERM or SIGINT.
 * HTTPS ceiling: to come with the HTTPS listener (the same TLS path as frontgate's).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#define CEILING_THREADS 2            /* frontgate's data-plane pool (main/instance.c) */
#define CEILING_CONN_MEMORY (64 * 1024) /* FG_HTTP_CONN_MEMORY in emulator/http/http.c */

static const char ok_body[] = "ok";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	static int started_marker;
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls; (void)url; (void)method; (void)version; (void)upload_data;
	if (*con_cls == NULL) {
		*con_cls = &started_marker; /* queue on a later call: keeps keep-alive */
		return MHD_YES;
	}
	if (*upload_size > 0) {
		*upload_size = 0;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(sizeof(ok_body) - 1, (void *)ok_body,
					    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls; (void)c; (void)toe;
	*con_cls = NULL;
}

static void quiet_logger(void *cls, const char *fm, va_list ap)
{
	(void)cls; (void)fm; (void)ap;
}

static int listen_on(const char *spec, int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char host[64] = "127.0.0.1";
	const char *colon = strrchr(spec, ':');
	int fd, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	if (colon != NULL && (size_t)(colon - spec) < sizeof(host)) {
		memcpy(host, spec, (size_t)(colon - spec));
		host[colon - spec] = '\0';
		sa.sin_port = htons((unsigned short)atoi(colon + 1));
	}
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "127.0.0.1:0";
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;
	sigset_t set;
	int port = 0, sig = 0, fd;

	fd = listen_on(spec, &port);
	if (fd < 0) {
		fprintf(stderr, "ceiling: cannot listen on %s\n", spec);
		return 2;
	}
	/* Block the stop signals before MHD starts its threads, then sigwait for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
			     MHD_OPTION_EXTERNAL_LOGGER, quiet_logger, NULL,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)CEILING_THREADS,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CEILING_CONN_MEMORY,
			     MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "ceiling: cannot start libmicrohttpd\n");
		return 2;
	}
	printf("{\"ready\":true,\"http\":%d}\n", port);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	close(fd);
	return 0;
}
