/* Unit tests for Metadata.Frontgate.InvokeUrl: a local HTTP server on port 0 plays the Lambda
 * runtime interface emulator (POST /2015-03-31/functions/function/invocations); results,
 * function errors (header or body), HTTP failures and an endpoint that is not listening. */
#include <pthread.h>
#include <unistd.h>

#include "harness.h"
#include "http/http.h"
#include "net/net.h"

struct seen {
	pthread_mutex_t mu;
	char method[16], path[256], ctype[64];
	int requests;
};

static void rie(void *arg, struct fg_http_req *req, struct fg_http_resp *resp)
{
	struct seen *s = arg;
	const char *ct = fg_http_header(req, "Content-Type");
	const char *body = req->body ? req->body : "";

	pthread_mutex_lock(&s->mu);
	snprintf(s->method, sizeof(s->method), "%s", req->method);
	snprintf(s->path, sizeof(s->path), "%s", req->path);
	snprintf(s->ctype, sizeof(s->ctype), "%s", ct ? ct : "");
	s->requests++;
	pthread_mutex_unlock(&s->mu);
	if (strstr(body, "\"err-header\"")) {
		fg_http_add_header(resp, "X-Amz-Function-Error", "Unhandled");
		fg_http_set_body(resp, 200, "application/json", "{\"errorMessage\":\"no\"}", 21);
	} else if (strstr(body, "\"err-body\"")) {
		const char *e = "{\"errorType\":\"KeyError\",\"errorMessage\":\"'x'\",\"stackTrace\":[]}";

		fg_http_set_body(resp, 200, "application/json", e, strlen(e));
	} else if (strstr(body, "\"http-502\"")) {
		fg_http_set_body(resp, 502, "text/plain", "runtime failed", 14);
	} else {
		char *out;
		int n = asprintf(&out, "{\"statusCode\":200,\"body\":%s}", body);

		FG_ASSERT(n >= 0);
		fg_http_set_body(resp, 200, "application/json", out, (size_t)n);
		free(out);
	}
}

static void test_url(void)
{
	struct seen s = { .requests = 0 };
	struct fg_http_server *srv = NULL;
	struct fg_err e;
	struct fg_invoke_result r;
	struct h h;
	int fd, port, dead_fd, dead_port;
	char yaml[2048], v[256];

	pthread_mutex_init(&s.mu, NULL);
	fg_err_clear(&e);
	FG_ASSERT(fg_net_listen_tcp("127.0.0.1", 0, false, &fd, &port, &e) == 0);
	{
		struct fg_http_server_cfg cfg = { .listen_fd = fd, .listener = "rie", .threads = 1,
						  .body_limit = 1 << 20, .handler = rie, .arg = &s };

		FG_ASSERT(fg_http_server_start(&cfg, &srv, &e) == 0);
	}
	/* a port with nothing listening: bound, then closed */
	FG_ASSERT(fg_net_listen_tcp("127.0.0.1", 0, false, &dead_fd, &dead_port, &e) == 0);
	close(dead_fd);

	h_init(&h, 2);
	snprintf(yaml, sizeof(yaml),
		 "Resources:\n"
		 "  Base:\n"
		 "    Type: AWS::Lambda::Function\n"
		 "    Metadata: { Frontgate: { InvokeUrl: 'http://127.0.0.1:%d/' } }\n"
		 "    Properties: { FunctionName: base, Role: r, PackageType: Image,\n"
		 "                  Code: { ImageUri: 'repo/fn:1' } }\n"
		 "  Full:\n"
		 "    Type: AWS::Lambda::Function\n"
		 "    Metadata: { Frontgate: { InvokeUrl: 'http://127.0.0.1:%d/2015-03-31/functions/"
		 "custom/invocations' } }\n"
		 "    Properties: { FunctionName: full, Role: r, Runtime: java21, Handler: x.Y,\n"
		 "                  Code: { S3Bucket: b, S3Key: k } }\n"
		 "  Dead:\n"
		 "    Type: AWS::Lambda::Function\n"
		 "    Metadata: { Frontgate: { InvokeUrl: 'http://127.0.0.1:%d' } }\n"
		 "    Properties: { FunctionName: dead, Role: r, PackageType: Image,\n"
		 "                  Code: { ImageUri: 'repo/fn:1' } }\n",
		 port, port, dead_port);
	ok(h_deploy(&h, "url", yaml, &e) == 0, "deploy InvokeUrl functions: %s", e.message);
	ok(cJSON_GetArraySize(cJSON_GetObjectItem(h.doc, "Warnings")) == 0,
	   "an image function with an InvokeUrl is not 'not emulated'");

	h_invoke(&h, "base", "{\"hello\":\"world\"}", &r);
	if (ok(r.status == FG_INVOKE_OK, "a result: %s %s", h_status(r.status),
	       r.detail ? r.detail : ""))
		is_str(r.payload, "{\"statusCode\":200,\"body\":{\"hello\":\"world\"}}",
		       "the body is the result");
	fg_invoke_result_free(&r);
	pthread_mutex_lock(&s.mu);
	is_str(s.method, "POST", "POST");
	is_str(s.path, "/2015-03-31/functions/function/invocations",
	       "the invocations path is added to an endpoint URL");
	is_str(s.ctype, "application/json", "Content-Type");
	pthread_mutex_unlock(&s.mu);

	h_invoke(&h, "full", "{}", &r);
	is_int(r.status, FG_INVOKE_OK, "a full invocations URL");
	pthread_mutex_lock(&s.mu);
	is_str(s.path, "/2015-03-31/functions/custom/invocations", "is used as given");
	pthread_mutex_unlock(&s.mu);
	fg_invoke_result_free(&r);

	h_invoke(&h, "base", "{\"m\":\"err-header\"}", &r);
	ok(r.status == FG_INVOKE_FUNCTION_ERROR && strcmp(r.payload, "{\"errorMessage\":\"no\"}") == 0,
	   "X-Amz-Function-Error: a function error: %s", h_status(r.status));
	fg_invoke_result_free(&r);
	h_invoke(&h, "base", "{\"m\":\"err-body\"}", &r);
	ok(r.status == FG_INVOKE_FUNCTION_ERROR &&
	   strcmp(h_field(r.payload, "errorType", v, sizeof(v)), "KeyError") == 0,
	   "a body that is Lambda's error object: a function error: %s", h_status(r.status));
	fg_invoke_result_free(&r);
	h_invoke(&h, "base", "{\"m\":\"http-502\"}", &r);
	ok(r.status == FG_INVOKE_CRASHED && r.detail &&
	   strstr(r.detail, "answered HTTP 502: runtime failed") != NULL,
	   "an HTTP error: crashed, with the answer in the detail: %s", r.detail);
	fg_invoke_result_free(&r);
	h_invoke(&h, "dead", "{}", &r);
	ok(r.status == FG_INVOKE_CRASHED && r.detail && strstr(r.detail, "cannot invoke") != NULL,
	   "nothing listening: crashed: %s", r.detail);
	fg_invoke_result_free(&r);
	h_invoke(&h, "base", "{}", &r);
	ok(r.status == FG_INVOKE_OK, "and the endpoint still works");
	fg_invoke_result_free(&r);

	h_fini(&h);
	fg_http_server_stop(&srv);
	pthread_mutex_destroy(&s.mu);
}

int main(void)
{
	test_url();
	return tap_done();
}
