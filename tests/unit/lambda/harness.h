/*
 * harness.h: what the Lambda unit tests share. A harness is one Lambda service with its types
 * in a registry and a current world; h_deploy() deploys a YAML template as a stack the way
 * the app does (stack_deploy, then the service compiles its view of the new world into slot
 * 0, then the old world is let go), and h_invoke() calls the invoker on the current world.
 */
#ifndef FG_TEST_LAMBDA_HARNESS_H
#define FG_TEST_LAMBDA_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfn/cfn.h"
#include "lambda/lambda.h"
#include "lambda/lambda_int.h"
#include "tap.h"

struct h {
	struct fg_clock clock;
	struct fg_log log;
	struct stack_registry *reg;
	struct lambda *l;
	struct stack_world *w;
	cJSON *doc;              /* the last deployed stack document */
};

static const struct stack_defaults h_defaults = { "123456789012", "us-east-1" };

static inline void h_init(struct h *h, unsigned workers)
{
	struct lambda_deps d;

	memset(h, 0, sizeof(*h));
	fg_clock_init(&h->clock);
	fg_log_init(&h->log, FG_LOG_WARN);
	d.clock = &h->clock;
	d.log = &h->log;
	d.workers_per_function = workers;
	h->l = lambda_new(&d);
	h->reg = stack_registry_new();
	lambda_register_types(h->l, h->reg);
	lambda_set_slot(h->l, 0);
	h->w = stack_world_new(NULL);
}

/* Installs next (taken) as the current world with the service's view compiled. */
static inline void h_publish(struct h *h, struct stack_world *next)
{
	const struct fg_service *svc = lambda_service(h->l);
	struct fg_err e;
	void *view;

	fg_err_clear(&e);
	view = svc->compile(svc->self, next, &e);
	FG_ASSERT(view != NULL);
	stack_world_set_slot(next, 0, view, svc->release);
	stack_world_rel(&h->w);
	h->w = next;
}

static inline int h_deploy(struct h *h, const char *name, const char *yaml, struct fg_err *e)
{
	cJSON *tpl, *doc = NULL;
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .now_ms = 1000 };
	bool created;
	int rc;

	fg_err_clear(e);
	tpl = cfn_parse(yaml, strlen(yaml), CFN_FORMAT_YAML, e);
	if (tpl == NULL)
		return -1;
	req.template = tpl;
	rc = stack_deploy(h->reg, &h_defaults, h->w, &req, &doc, &next, &created, e);
	cJSON_Delete(tpl);
	if (rc != 0)
		return rc;
	cJSON_Delete(h->doc);
	h->doc = doc;
	h_publish(h, next);
	return 0;
}

static inline void h_invoke(struct h *h, const char *ref, const char *event,
			    struct fg_invoke_result *out)
{
	const struct fg_invoker *inv = lambda_invoker(h->l);

	inv->invoke(inv->self, h->w, ref, event, event ? strlen(event) : 0, 0, out);
}

static inline void h_fini(struct h *h)
{
	stack_world_rel(&h->w);
	lambda_destroy(&h->l);
	stack_registry_destroy(&h->reg);
	cJSON_Delete(h->doc);
	fg_log_fini(&h->log);
	fg_clock_fini(&h->clock);
}

/* The pool of a function in the current world (NULL when it has none). */
static inline struct lambda_pool *h_pool(struct h *h, const char *ref)
{
	char invoked[700];
	const struct lambda_fn *fn = lambda_view_find(stack_world_slot(h->w, 0), ref, invoked,
						      sizeof(invoked));

	return fn ? lambda_fn_pool(fn) : NULL;
}

/*
 * A one-function template: the function "Fn" named name with runtime and timeout, extra
 * YAML lines under Properties (already indented by 6), and code (indented here).
 */
static inline char *h_fn_yaml(const char *name, const char *runtime, int timeout,
			      const char *extra, const char *code)
{
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_printf(&b, "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
		      "      FunctionName: %s\n      Runtime: %s\n      Handler: index.handler\n"
		      "      Role: arn:aws:iam::123456789012:role/lambda\n      Timeout: %d\n%s"
		      "      Code:\n        ZipFile: |\n", name, runtime, timeout, extra ? extra : "");
	for (const char *p = code; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		fg_buf_printf(&b, "          %.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	return fg_buf_take(&b);
}

/* A field of a JSON payload as text ("" when absent): strings bare, others printed. */
static inline const char *h_field(const char *payload, const char *key, char *buf, size_t n)
{
	cJSON *j = payload ? cJSON_Parse(payload) : NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	buf[0] = '\0';
	if (cJSON_IsString(v)) {
		snprintf(buf, n, "%s", v->valuestring);
	} else if (v != NULL) {
		char *t = cJSON_PrintUnformatted(v);

		snprintf(buf, n, "%s", t);
		free(t);
	}
	cJSON_Delete(j);
	return buf;
}

static inline const char *h_status(enum fg_invoke_status s)
{
	static const char *const names[] = { "OK", "NO_FUNCTION", "NOT_EMULATED",
					     "FUNCTION_ERROR", "TIMEOUT", "CRASHED" };

	return names[s];
}

#endif
