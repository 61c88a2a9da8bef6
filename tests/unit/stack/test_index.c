/* Unit tests for the deployer's lookups (stack_index.c): stack_rctx_find, stack_rctx_each and
 * stack_rctx_each2 answer the same, in the same order, with the change's index as by scanning
 * (an rctx without one) — this stack's resources deployed so far first, then the other
 * stacks', never this stack's previous version — including resources deployed after a
 * question was first asked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack/stack.h"
#include "tap.h"

static const struct stack_defaults def = { "123456789012", "us-east-1" };

static int thing_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
			cJSON *state, struct fg_err *err)
{
	snprintf(phys, 256, "thing-%s", c->logical_id);
	return 0;
}

static const struct stack_rtype thing = { .type = "Test::Thing", .create = thing_create };

static bool collect(const cJSON *res, void *arg)
{
	cJSON *ids = arg;

	cJSON_AddItemToArray(ids, cJSON_CreateString(
		cJSON_GetObjectItem(res, "LogicalId")->valuestring));
	return false;  /* all of them */
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItem(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Properties Each: [key, value] or Each2: [k1, v1, k2, v2] or Find: physical id. */
static char *ask(const struct stack_rctx *c, const cJSON *props)
{
	cJSON *ids = cJSON_CreateArray();
	const cJSON *q;
	char *text;

	if ((q = cJSON_GetObjectItem(props, "Each")) != NULL) {
		stack_rctx_each(c, "Test::Thing", cJSON_GetArrayItem(q, 0)->valuestring,
				cJSON_GetArrayItem(q, 1)->valuestring, collect, ids);
	} else if ((q = cJSON_GetObjectItem(props, "Each2")) != NULL) {
		stack_rctx_each2(c, "Test::Thing", cJSON_GetArrayItem(q, 0)->valuestring,
				 cJSON_GetArrayItem(q, 1)->valuestring,
				 cJSON_GetArrayItem(q, 2)->valuestring,
				 cJSON_GetArrayItem(q, 3)->valuestring, collect, ids);
	} else {
		const cJSON *r = stack_rctx_find(c, "Test::Thing", str(props, "Find"));

		if (r != NULL)
			collect(r, ids);
	}
	text = cJSON_PrintUnformatted(ids);
	cJSON_Delete(ids);
	return text;
}

/* Test::Probe: asks its question with the change's index and by scanning; State keeps both. */
static int probe_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
			cJSON *state, struct fg_err *err)
{
	struct stack_rctx scan = *c;
	char *a, *b;

	scan.index = NULL;
	a = ask(c, props);
	b = ask(&scan, props);
	cJSON_AddStringToObject(state, "Indexed", a);
	cJSON_AddStringToObject(state, "Scanned", b);
	free(a);
	free(b);
	snprintf(phys, 256, "probe-%s", c->logical_id);
	return 0;
}

static const struct stack_rtype probe = { .type = "Test::Probe", .create = probe_create };

static int deploy(struct stack_registry *r, struct stack_world **w, const char *name,
		  const char *tpl_json, cJSON **doc)
{
	cJSON *tpl = cJSON_Parse(tpl_json);
	struct stack_world *next = NULL;
	struct stack_request req = { .name = name, .template = tpl, .now_ms = 1000 };
	struct fg_err e;
	bool created;
	int rc;

	FG_ASSERT(tpl != NULL);
	fg_err_clear(&e);
	rc = stack_deploy(r, &def, *w, &req, doc, &next, &created, &e);
	if (rc == 0) {
		stack_world_rel(w);
		*w = next;
	} else {
		fprintf(stderr, "# deploy %s: %s\n", name, e.message);
	}
	cJSON_Delete(tpl);
	return rc;
}

static void check(const cJSON *doc, const char *probe_id, const char *want, const char *what)
{
	const cJSON *r, *st = NULL;

	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "Resources"))
		if (strcmp(str(r, "LogicalId"), probe_id) == 0)
			st = cJSON_GetObjectItem(r, "State");
	is_str(str(st, "Indexed"), want, "%s (indexed)", what);
	is_str(str(st, "Scanned"), want, "%s (scanned)", what);
}

#define T(id, props) "\"" id "\":{\"Type\":\"Test::Thing\",\"Properties\":" props "}"
#define P(id, props, deps) "\"" id "\":{\"Type\":\"Test::Probe\",\"DependsOn\":" deps \
	",\"Properties\":" props "}"

int main(void)
{
	struct stack_registry *r = stack_registry_new();
	struct stack_world *w = stack_world_new(NULL);
	cJSON *doc = NULL;

	stack_registry_add(r, &thing, NULL);
	stack_registry_add(r, &probe, NULL);
	ok(deploy(r, &w, "other", "{\"Resources\":{"
		  T("O1", "{\"Group\":\"g\",\"Kind\":\"k1\"}") ","
		  T("O2", "{\"Group\":\"g\",\"Kind\":\"k2\"}") ","
		  T("O3", "{\"Group\":\"h\",\"Kind\":\"k1\"}") "}}", &doc) == 0, "other stack");
	cJSON_Delete(doc);
	ok(deploy(r, &w, "mine", "{\"Resources\":{"
		  T("A", "{\"Group\":\"g\",\"Kind\":\"k1\"}") ","
		  T("B", "{\"Group\":\"h\"}") ","
		  P("P", "{\"Each\":[\"Group\",\"g\"]}", "[\"A\",\"B\"]") ","
		  P("P2", "{\"Each2\":[\"Group\",\"g\",\"Kind\",\"k1\"]}", "[\"P\"]") ","
		  P("P3", "{\"Find\":\"thing-O2\"}", "[\"P2\"]") ","
		  T("C", "{\"Group\":\"g\",\"Kind\":\"k1\"}") ","
		  P("Q", "{\"Each\":[\"Group\",\"g\"]}", "[\"P3\",\"C\"]") ","
		  P("Q2", "{\"Each2\":[\"Group\",\"g\",\"Kind\",\"k1\"]}", "[\"Q\"]") ","
		  P("Q3", "{\"Find\":\"thing-C\"}", "[\"Q2\"]") ","
		  P("Q4", "{\"Each\":[\"Group\",\"nobody\"]}", "[\"Q3\"]") "}}", &doc) == 0,
	   "this stack, with probes");
	check(doc, "P", "[\"A\",\"O1\",\"O2\"]", "deployed so far first, then other stacks");
	check(doc, "P2", "[\"A\",\"O1\"]", "two properties");
	check(doc, "P3", "[\"O2\"]", "by physical id, in another stack");
	check(doc, "Q", "[\"A\",\"C\",\"O1\",\"O2\"]", "resources deployed after the first question");
	check(doc, "Q2", "[\"A\",\"C\",\"O1\"]", "two properties, later");
	check(doc, "Q3", "[\"C\"]", "by physical id, deployed later in this change");
	check(doc, "Q4", "[]", "no match");
	cJSON_Delete(doc);
	ok(deploy(r, &w, "mine", "{\"Resources\":{"
		  P("R", "{\"Each\":[\"Group\",\"g\"]}", "[]") ","
		  P("R2", "{\"Find\":\"thing-A\"}", "[\"R\"]") "}}", &doc) == 0, "update this stack");
	check(doc, "R", "[\"O1\",\"O2\"]", "this stack's previous version is not asked");
	check(doc, "R2", "[]", "not by physical id either");
	cJSON_Delete(doc);
	stack_world_rel(&w);
	stack_registry_destroy(&r);
	return tap_done();
}
