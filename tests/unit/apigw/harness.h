/*
 * harness.h: what the apigw unit tests that serve requests share — a fake Lambda invoker, stacks
 * deployed with the real deployer, the service's compiled view, and requests built by hand
 * (no sockets) served through the service's claim/serve.
 */
#ifndef FG_TEST_APIGW_HARNESS_H
#define FG_TEST_APIGW_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "apigw/apigw_priv.h"
#include "tap.h"

static const struct stack_defaults def = { "123456789012", "us-east-1" };

/* ------------------------------------------------------------ fake invoker */

struct fake {
	enum fg_invoke_status status;
	const char *payload;
	int64_t duration_ms;
	char *event;            /* the last event (malloc'd) */
	char arn[512];
	int64_t deadline;
	int calls;
};

static void fake_invoke(void *self, const struct stack_world *w, const char *arn,
			const char *ev, size_t len, int64_t deadline,
			struct fg_invoke_result *out)
{
	struct fake *f = self;

	free(f->event);
	f->event = ev != NULL ? strndup(ev, len) : NULL;
	snprintf(f->arn, sizeof(f->arn), "%s", arn);
	f->deadline = deadline;
	f->calls++;
	memset(out, 0, sizeof(*out));
	out->status = f->status;
	out->payload = f->payload ? strdup(f->payload) : NULL;
	out->len = f->payload ? strlen(f->payload) : 0;
	out->duration_ms = f->duration_ms;
	out->detail = strdup("fake detail");
	snprintf(out->request_id, sizeof(out->request_id), "inv-1");
}

/* ---------------------------------------------------------------- fixture */

struct fx {
	struct fg_clock clock;
	struct fake fake;
	struct fg_invoker inv;
	struct apigw *a;
	struct stack_registry *reg;
	struct stack_world *w;
	void *view;
	struct fg_err err;
	/* the last request */
	struct fg_arena *arena;
	struct fg_http_req req;
	struct fg_http_resp resp;
	struct fg_trace *t;
	struct fg_http_header hdrs[16];
};

#include "json.h"

static void fx_init(struct fx *f)
{
	struct apigw_deps d;

	memset(f, 0, sizeof(*f));
	fg_clock_init(&f->clock);
	fg_clock_set_fixed(&f->clock, 1583349317135);
	f->inv.self = &f->fake;
	f->inv.invoke = fake_invoke;
	d.clock = &f->clock;
	d.log = NULL;
	d.invoker = &f->inv;
	f->a = apigw_new(&d);
	f->reg = stack_registry_new();
	apigw_register_types(f->a, f->reg);
	f->w = stack_world_new(NULL);
}

static void done_request(struct fx *f)
{
	if (f->arena != NULL)
		fg_arena_destroy(&f->arena);
}

static void fx_fini(struct fx *f)
{
	done_request(f);
	apigw_view_release(f->view);
	stack_world_rel(&f->w);
	stack_registry_destroy(&f->reg);
	apigw_destroy(&f->a);
	free(f->fake.event);
	fg_clock_fini(&f->clock);
}

static int deploy(struct fx *f, const char *name, const char *tpl)
{
	cJSON *t = J(tpl), *doc = NULL;
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .template = t, .now_ms = 1000 };
	bool created;
	int rc;

	fg_err_clear(&f->err);
	rc = stack_deploy(f->reg, &def, f->w, &req, &doc, &next, &created, &f->err);
	if (rc == 0) {
		stack_world_rel(&f->w);
		f->w = next;
		apigw_view_release(f->view);
		f->view = apigw_service(f->a)->compile(f->a, f->w, &f->err);
		FG_ASSERT(f->view != NULL);
	} else {
		printf("# deploy failed: %s\n", f->err.message);
	}
	cJSON_Delete(doc);
	cJSON_Delete(t);
	return rc;
}

/* Serves one request; headers are "Name: value" strings, NULL-terminated. */
static void send(struct fx *f, const char *method, const char *host, const char *url,
		 const char *const *headers, const char *body)
{
	const char *q = strchr(url, '?');
	size_t n = 0;

	done_request(f);
	f->arena = fg_arena_new(8192);
	memset(&f->req, 0, sizeof(f->req));
	memset(&f->resp, 0, sizeof(f->resp));
	f->req.arena = f->arena;
	f->req.method = method;
	f->req.path = q ? fg_arena_strndup(f->arena, url, (size_t)(q - url)) : url;
	f->req.query = q ? q + 1 : "";
	f->req.host = host;
	f->req.client = "127.0.0.1:5555";
	f->req.client_ip = "127.0.0.1";
	f->req.listener = "http";
	f->hdrs[n].name = "Host";
	f->hdrs[n++].value = host;
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		const char *colon = strchr(headers[i], ':');

		f->hdrs[n].name = fg_arena_strndup(f->arena, headers[i],
						   (size_t)(colon - headers[i]));
		f->hdrs[n++].value = colon + 2;
	}
	f->req.headers = f->hdrs;
	f->req.nheaders = n;
	f->req.body = body ? body : "";
	f->req.body_len = body ? strlen(body) : 0;
	f->req.body_seen = f->req.body_len;
	f->resp.arena = f->arena;
	f->resp.status = 500;
	f->t = fg_trace_begin(f->arena, "front-id", 0, "127.0.0.1:5555", "http", method, host,
			      url);
	FG_ASSERT(apigw_service(f->a)->claim(f->a, f->view, &f->req));
	apigw_service(f->a)->serve(f->a, f->w, f->view, &f->req, &f->resp, f->t);
}

static const char *rh(const struct fx *f, const char *name)
{
	for (size_t i = 0; i < f->resp.nhdr; i++)
		if (strcasecmp(f->resp.hdr[i].name, name) == 0)
			return f->resp.hdr[i].value;
	return "(absent)";
}

static const char *body(const struct fx *f)
{
	return fg_arena_strndup(f->arena, f->resp.body ? f->resp.body : "", f->resp.body_len);
}

static bool trace_has(const struct fx *f, const char *text)
{
	char *j = fg_trace_json(f->t);
	bool yes = strstr(j, text) != NULL;

	if (!yes)
		printf("# trace: %s\n", j);
	free(j);
	return yes;
}

#endif
