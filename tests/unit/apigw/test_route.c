/*
 * Unit tests for apigw_route.c and the deployment compiler in apigw_view.c: resource trees
 * built from Deployment snapshots and matched per aws-behavior.md §1.4 (literal over {param}
 * over {proxy+}, method-aware fallback across resources, ANY vs a concrete method, trailing
 * slashes, empty segments, values kept percent-encoded, /{proxy+} not matching /), plus a
 * 10,000-resource tree. Snapshots are written as JSON with single quotes.
 */
#include "apigw/apigw_priv.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>

#include "json.h"

struct fx {
	struct apigw_view v;
	cJSON *snap;
	struct apigw_deployment *d;
	struct fg_arena *a;
	struct apigw_match m;
};

static void fx_init(struct fx *f, const char *snap)
{
	struct fg_err err;

	memset(f, 0, sizeof(*f));
	fg_err_clear(&err);
	f->v.arena = fg_arena_new(4096);
	f->a = fg_arena_new(4096);
	f->snap = J(snap);
	f->d = apigw_view_deployment(&f->v, "dep1", f->snap, &err);
	FG_ASSERT(f->d != NULL);
}

static void fx_fini(struct fx *f)
{
	for (size_t i = 0; i < f->v.nregs; i++) {
		regfree(f->v.regs[i]);
		free(f->v.regs[i]);
	}
	free(f->v.regs);
	fg_arena_destroy(&f->v.arena);
	fg_arena_destroy(&f->a);
	cJSON_Delete(f->snap);
}

/* The matched resource path and method, "none" when nothing matched. */
static const char *match(struct fx *f, const char *method, const char *path)
{
	if (!apigw_route_match(f->d->root, f->a, method, path, &f->m))
		return "none";
	return fg_arena_printf(f->a, "%s %s", f->m.method->verb, f->m.node->path);
}

static const char *param(struct fx *f, const char *name)
{
	for (size_t i = 0; i < f->m.nparams; i++)
		if (strcmp(f->m.pname[i], name) == 0)
			return f->m.pval[i];
	return "(unset)";
}

#define MOCK "'Integration':{'Type':'MOCK'}"

/* aws-behavior.md §1.4 row 1: literal beats {param} beats {proxy+} */
static void test_specificity(void)
{
	struct fx f;

	fx_init(&f, "{'Version':1,'ApiId':'api','RootResourceId':'root','Resources':["
		"{'Id':'p1','ParentId':'root','PathPart':'part1'},"
		"{'Id':'hc','ParentId':'p1','PathPart':'hardcoded-value'},"
		"{'Id':'gr','ParentId':'root','PathPart':'{param+}'}],"
		"'Methods':[{'ResourceId':'p1','HttpMethod':'GET'," MOCK "},"
		"{'ResourceId':'hc','HttpMethod':'GET'," MOCK "},"
		"{'ResourceId':'gr','HttpMethod':'GET'," MOCK "}]}");
	is_str(match(&f, "GET", "/part1"), "GET /part1", "§1.4: /part1 -> the literal resource");
	is_str(match(&f, "GET", "/part1/hardcoded-value"), "GET /part1/hardcoded-value",
	       "§1.4: /part1/hardcoded-value -> the literal child");
	is_str(match(&f, "GET", "/part1/random-value"), "GET /{param+}",
	       "§1.4: /part1/random-value -> the greedy resource");
	is_str(param(&f, "param"), "part1/random-value", "§1.4: greedy value is the whole rest");
	is_str(match(&f, "GET", "/part1/"), "GET /part1", "§1.4: trailing slash is ignored");
	is_str(match(&f, "GET", "//part1"), "GET /part1", "§1.2: empty segments are skipped");
	fx_fini(&f);
}

/* aws-behavior.md §1.4 row 2: matching is method aware across resources */
static void test_method_aware(void)
{
	struct fx f;

	fx_init(&f, "{'Version':1,'ApiId':'api','RootResourceId':'root','Resources':["
		"{'Id':'t','ParentId':'root','PathPart':'test'},"
		"{'Id':'ta','ParentId':'t','PathPart':'any'},"
		"{'Id':'px','ParentId':'root','PathPart':'{proxy+}'}],"
		"'Methods':[{'ResourceId':'t','HttpMethod':'POST'," MOCK "},"
		"{'ResourceId':'ta','HttpMethod':'ANY'," MOCK "},"
		"{'ResourceId':'px','HttpMethod':'OPTIONS'," MOCK "}]}");
	is_str(match(&f, "OPTIONS", "/test"), "OPTIONS /{proxy+}",
	       "§1.4: OPTIONS /test falls back to /{proxy+}");
	is_str(match(&f, "POST", "/test"), "POST /test", "§1.4: POST /test -> /test");
	is_str(match(&f, "OPTIONS", "/test/any"), "ANY /test/any", "§1.4: OPTIONS /test/any -> ANY");
	is_str(match(&f, "GET", "/test/any"), "ANY /test/any", "§1.4: GET /test/any -> ANY");
	is_str(match(&f, "GET", "/test"), "none", "§1.4: GET /test matches nothing");
	ok(f.m.path_only != NULL && strcmp(f.m.path_only->path, "/test") == 0,
	   "§1.4: the path matched /test without the method (for the trace)");
	is_str(match(&f, "DELETE", "/elsewhere"), "none", "§1.4: unknown path");
	ok(f.m.path_only != NULL && strcmp(f.m.path_only->path, "/{proxy+}") == 0,
	   "the greedy resource matched the path but not DELETE");
	fx_fini(&f);
}

/* ANY covers the seven verbs; a concrete method on the same resource wins; HEAD is not GET */
static void test_any_and_verbs(void)
{
	struct fx f;

	fx_init(&f, "{'Version':1,'ApiId':'api','RootResourceId':'root','Resources':["
		"{'Id':'x','ParentId':'root','PathPart':'x'},"
		"{'Id':'g','ParentId':'root','PathPart':'g'}],"
		"'Methods':[{'ResourceId':'x','HttpMethod':'ANY'," MOCK "},"
		"{'ResourceId':'x','HttpMethod':'GET'," MOCK "},"
		"{'ResourceId':'g','HttpMethod':'GET'," MOCK "},"
		"{'ResourceId':'root','HttpMethod':'GET'," MOCK "}]}");
	is_str(match(&f, "GET", "/x"), "GET /x", "§1.4: a concrete method wins over ANY");
	is_str(match(&f, "PATCH", "/x"), "ANY /x", "§1.4: ANY covers PATCH");
	is_str(match(&f, "TRACE", "/x"), "none", "§1.4: ANY does not cover TRACE");
	is_str(match(&f, "ANY", "/x"), "none", "ANY is not a request method");
	is_str(match(&f, "HEAD", "/g"), "none", "§1.4: HEAD is not served by GET");
	is_str(match(&f, "GET", "/"), "GET /", "the root resource has its own method");
	is_str(match(&f, "GET", ""), "GET /", "an empty path is the root");
	fx_fini(&f);
}

/* {param} is one segment, values stay percent-encoded, greedy needs one segment */
static void test_params(void)
{
	struct fx f;

	fx_init(&f, "{'Version':1,'ApiId':'api','RootResourceId':'root','Resources':["
		"{'Id':'pets','ParentId':'root','PathPart':'pets'},"
		"{'Id':'pid','ParentId':'pets','PathPart':'{id}'},"
		"{'Id':'toys','ParentId':'pid','PathPart':'toys'},"
		"{'Id':'tid','ParentId':'toys','PathPart':'{toy}'},"
		"{'Id':'px','ParentId':'root','PathPart':'{proxy+}'}],"
		"'Methods':[{'ResourceId':'pid','HttpMethod':'GET'," MOCK "},"
		"{'ResourceId':'tid','HttpMethod':'GET'," MOCK "},"
		"{'ResourceId':'px','HttpMethod':'ANY'," MOCK "}]}");
	is_str(match(&f, "GET", "/pets/7"), "GET /pets/{id}", "§1.4: {id} matches one segment");
	is_str(param(&f, "id"), "7", "the value");
	is_str(match(&f, "GET", "/pets/foo%2Fbar/"), "GET /pets/{id}",
	       "§1.4: an encoded slash stays inside the segment");
	is_str(param(&f, "id"), "foo%2Fbar", "§1.4: path parameter values are not decoded");
	is_str(match(&f, "GET", "/pets/7/toys/ball"), "GET /pets/{id}/toys/{toy}",
	       "nested parameters");
	ok(f.m.nparams == 2 && strcmp(param(&f, "id"), "7") == 0 &&
	   strcmp(param(&f, "toy"), "ball") == 0, "both values, and nothing from failed branches");
	is_str(match(&f, "GET", "/pets"), "ANY /{proxy+}",
	       "§1.4: /pets has no method: the greedy sibling takes it");
	is_str(param(&f, "proxy"), "pets", "the greedy value");
	is_str(match(&f, "GET", "/"), "none", "§1.4: /{proxy+} does not match /");
	is_str(match(&f, "GET", "/proxy-value//double-slash/"), "ANY /{proxy+}", "§1.2 double slash");
	is_str(param(&f, "proxy"), "proxy-value//double-slash",
	       "§1.2: greedy keeps inner '//', drops the trailing slash");
	is_str(match(&f, "POST", "/api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com"),
	       "ANY /{proxy+}", "§1.2 encoded path");
	is_str(param(&f, "proxy"), "api/user/test%2Balias@gmail.com/plus/test+alias@gmail.com",
	       "§1.2: %%2B and + stay as sent");
	fx_fini(&f);
}

/* Resource ids that are nobody's parent, self-parented nodes and a missing root method. */
static void test_broken_snapshots(void)
{
	struct fx f;
	struct fg_err err;
	struct apigw_view v;
	cJSON *bad = J("{'Version':2,'ApiId':'a','RootResourceId':'r'}");

	fx_init(&f, "{'Version':1,'ApiId':'api','RootResourceId':'root','Resources':["
		"{'Id':'o','ParentId':'nobody','PathPart':'orphan'},"
		"{'Id':'s','ParentId':'s','PathPart':'self'},"
		"{'Id':'ok','ParentId':'root','PathPart':'ok'}],"
		"'Methods':[{'ResourceId':'o','HttpMethod':'GET'," MOCK "},"
		"{'ResourceId':'s','HttpMethod':'GET'," MOCK "},"
		"{'ResourceId':'ok','HttpMethod':'GET'," MOCK "}]}");
	is_str(match(&f, "GET", "/orphan"), "none", "an orphan resource is not reachable");
	is_str(match(&f, "GET", "/self"), "none", "a self-parented resource is not reachable");
	is_str(match(&f, "GET", "/ok"), "GET /ok", "the rest of the tree works");
	fx_fini(&f);
	memset(&v, 0, sizeof(v));
	v.arena = fg_arena_new(1024);
	fg_err_clear(&err);
	ok(apigw_view_deployment(&v, "d", bad, &err) == NULL && strstr(err.message, "redeploy"),
	   "a snapshot of another format is refused: %s", err.message);
	fg_arena_destroy(&v.arena);
	cJSON_Delete(bad);
}

/* 10,000 sibling resources and a 60-deep chain: matching is by tree, not by scan. */
static void test_large(void)
{
	struct fg_buf b;
	struct fx f;
	char path[1024];
	size_t o = 0;

	fg_buf_init(&b);
	fg_buf_puts(&b, "{'Version':1,'ApiId':'api','RootResourceId':'root','Resources':[");
	for (int i = 0; i < 10000; i++)
		fg_buf_printf(&b, "%s{'Id':'r%d','ParentId':'root','PathPart':'item%d'}",
			      i ? "," : "", i, i);
	for (int i = 0; i < 60; i++)
		fg_buf_printf(&b, ",{'Id':'d%d','ParentId':'%s%d','PathPart':'d%d'}", i,
			      i ? "d" : "r", i ? i - 1 : 0, i);
	fg_buf_puts(&b, "],'Methods':[{'ResourceId':'r9999','HttpMethod':'GET'," MOCK "},"
		    "{'ResourceId':'d59','HttpMethod':'GET'," MOCK "}]}");
	fx_init(&f, b.data);
	fg_buf_free(&b);
	is_str(match(&f, "GET", "/item9999"), "GET /item9999", "the last of 10,000 siblings");
	is_str(match(&f, "GET", "/item5000"), "none", "a sibling without a method");
	o += (size_t)snprintf(path + o, sizeof(path) - o, "/item0");
	for (int i = 0; i < 60; i++)
		o += (size_t)snprintf(path + o, sizeof(path) - o, "/d%d", i);
	ok(strcmp(match(&f, "GET", path), "none") != 0 && strcmp(f.m.node->id, "d59") == 0,
	   "a 61-segment path");
	fx_fini(&f);
}

int main(void)
{
	test_specificity();
	test_method_aware();
	test_any_and_verbs();
	test_params();
	test_broken_snapshots();
	test_large();
	return tap_done();
}
