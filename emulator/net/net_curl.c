/*
 * net_curl.c: libcurl's process-wide initialisation, done once, when something first makes
 * an HTTP request over the network (an HTTP or HTTP_PROXY integration, a CloudFront origin
 * that is not an emulated endpoint, a Lambda runtime-interface endpoint).
 *
 * curl_global_init is process-wide by nature: libcurl keeps its own global state and
 * initialises OpenSSL's. This is therefore the one deliberate exception to "no process-wide
 * mutable state": a pthread_once, so that two instances in one process share it, and nobody
 * calls curl_global_cleanup (another instance may still be fetching; the process exit frees
 * what it holds). Doing it on first use keeps it off the path to the ready line, where it cost
 * 1-3 ms and about 2 MiB of resident memory in instances that never fetch anything.
 */
#include "net/net.h"

#include <pthread.h>

#include <curl/curl.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_rc = CURLE_FAILED_INIT;

static void curl_init_once(void)
{
	curl_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void fg_net_curl_init(void)
{
	pthread_once(&curl_once, curl_init_once);
	FG_ASSERT(curl_rc == CURLE_OK);
}
