/*
 * deploy.h: the stack deployment unit-test harnesses share: deploys a JSON template as one
 * stack into *world (replacing it on success) and keeps the deployed stack's document.
 */
#ifndef FG_TEST_DEPLOY_H
#define FG_TEST_DEPLOY_H

#include <stdio.h>

#include "json.h"
#include "stack/stack.h"

/* Deploys tpl (JSON text as J() reads it) as stack name in region (NULL: the defaults') at now_ms. On
 * success *world is the new world (the old one released) and *doc the stack's document
 * (the previous one deleted); 0, or -1 with err set (and printed as a TAP comment). */
static inline int unit_deploy(const struct stack_registry *reg, const struct stack_defaults *defaults,
			      struct stack_world **world, cJSON **doc, const char *name,
			      const char *region, int64_t now_ms, const char *tpl,
			      struct fg_err *err)
{
	cJSON *t = J(tpl), *out = NULL;
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .template = t, .now_ms = now_ms,
				     .region = region };
	bool created;
	int rc;

	fg_err_clear(err);
	rc = stack_deploy(reg, defaults, *world, &req, &out, &next, &created, err);
	if (rc == 0) {
		stack_world_rel(world);
		*world = next;
		cJSON_Delete(*doc);
		*doc = out;
	} else {
		printf("# deploy failed: %s\n", err->message);
	}
	cJSON_Delete(t);
	return rc;
}

#endif
