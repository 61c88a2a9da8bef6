/*
 * lambda_url.c: Metadata.Frontgate.InvokeUrl. The function runs somewhere that speaks the
 * Lambda invoke protocol (the runtime interface emulator in a container, another emulator):
 * POST <url>/2015-03-31/functions/function/invocations with the event as the body; 200 with
 * the result as the body. A function error is a 200 with X-Amz-Function-Error (Lambda's
 * Invoke API), or, since the runtime interface emulator does not always send that header, a
 * body that is exactly Lambda's error object. The handle is kept per worker slot, so
 * connections are reused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lambda/lambda_int.h"
#include "net/net_curl.h"

#define URL_BODY_LIMIT ((size_t)6 * 1024 * 1024 + 1) /* Lambda's synchronous payload limit */

struct url_rx {
	struct fg_curl_sink sink;      /* the body, up to the limit */
	bool function_error;
};

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct url_rx *rx = arg;
	static const char name[] = "x-amz-function-error:";

	if (size * n >= sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0)
		rx->function_error = true;
	return size * n;
}

/* A body that is nothing but Lambda's error object. */
static bool looks_like_error(const char *body, size_t len)
{
	cJSON *j = cJSON_ParseWithLength(body, len), *it;
	bool yes = cJSON_IsObject(j) && cJSON_IsString(cJSON_GetObjectItem(j, "errorType")) &&
		   cJSON_GetObjectItem(j, "errorMessage") != NULL;

	if (yes) {
		cJSON_ArrayForEach(it, j) {
			if (strcmp(it->string, "errorType") != 0 &&
			    strcmp(it->string, "errorMessage") != 0 &&
			    strcmp(it->string, "stackTrace") != 0 && strcmp(it->string, "trace") != 0 &&
			    strcmp(it->string, "requestId") != 0)
				yes = false;
		}
	}
	cJSON_Delete(j);
	return yes;
}

void lambda_url_invoke(void **curlp, const struct lambda_spec *s,
		       const struct lambda_call *call, int64_t deadline,
		       struct fg_invoke_result *out)
{
	CURL *c = *curlp;
	struct curl_slist *hdrs = NULL;
	struct url_rx rx = { .function_error = false };
	char rid[80];
	long status = 0;
	int64_t left = deadline - lambda_mono_ms();
	CURLcode rc;

	if (c == NULL) {
		c = curl_easy_init();
		FG_ASSERT(c != NULL);
		*curlp = c;
	}
	curl_easy_reset(c);
	fg_curl_sink_init(&rx.sink, URL_BODY_LIMIT);
	snprintf(rid, sizeof(rid), "X-Amz-Request-Id: %s", call->request_id);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	hdrs = curl_slist_append(hdrs, rid);
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, call->len > 0 ? call->event : "{}");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)(call->len > 0 ? call->len : 2));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fg_curl_sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &rx.sink);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &rx);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(left > 1 ? left : 1));
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	rc = curl_easy_perform(c);
	curl_slist_free_all(hdrs);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		out->status = FG_INVOKE_TIMEOUT;
		lambda_detail(out, "%s did not answer within %lld ms", s->url, (long long)left);
	} else if (rx.sink.too_big) {
		out->status = FG_INVOKE_CRASHED;
		lambda_detail(out, "%s answered more than Lambda's 6 MB response limit", s->url);
	} else if (rc != CURLE_OK) {
		out->status = FG_INVOKE_CRASHED;
		lambda_detail(out, "cannot invoke %s: %s", s->url, curl_easy_strerror(rc));
	} else if (status != 200) {
		out->status = FG_INVOKE_CRASHED;
		lambda_detail(out, "%s answered HTTP %ld: %.300s", s->url, status,
		       rx.sink.body.len ? rx.sink.body.data : "");
	} else {
		const char *got = rx.sink.body.data ? rx.sink.body.data : "";
		bool err = rx.function_error || looks_like_error(got, rx.sink.body.len);

		out->status = err ? FG_INVOKE_FUNCTION_ERROR : FG_INVOKE_OK;
		out->len = rx.sink.body.len;
		out->payload = fg_buf_take(&rx.sink.body);
		if (out->payload == NULL) {
			out->payload = strdup("");
			FG_ASSERT(out->payload != NULL);
		}
	}
	fg_buf_free(&rx.sink.body);
}

void lambda_url_free(void **curlp)
{
	if (*curlp != NULL)
		curl_easy_cleanup(*curlp);
	*curlp = NULL;
}
