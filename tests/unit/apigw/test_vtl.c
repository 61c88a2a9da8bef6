/*
 * Unit tests for apigw_vtl.c: the mapping-template subset (README, "Mapping templates") used
 * by MOCK and HTTP integrations and gateway responses (aws-behavior.md §1.5, §3.3).
 */
#include "apigw/apigw_priv.h"
#include "tap.h"

#include <stdlib.h>

static struct fg_arena *A;

static const char *ctx(void *arg, const char *path)
{
	if (strcmp(path, "requestId") == 0)
		return "req-1";
	if (strcmp(path, "error.messageString") == 0)
		return "\"Missing Authentication Token\"";
	if (strcmp(path, "identity.sourceIp") == 0)
		return "127.0.0.1";
	return NULL;
}

static const char *param(void *arg, const char *where, const char *name)
{
	if ((where == NULL || strcmp(where, "path") == 0) && strcmp(name, "id") == 0)
		return "42";
	if ((where == NULL || strcmp(where, "querystring") == 0) && strcmp(name, "q") == 0)
		return "a b";
	if ((where == NULL || strcmp(where, "header") == 0) && strcmp(name, "X-H") == 0)
		return "hv";
	return NULL;
}

static const char *render(const char *tpl, const char *body, int *rc, const char **why)
{
	static const struct apigw_kv kv[] = { { "env", "test" } };
	static const struct apigw_map vars = { kv, 1 };
	struct apigw_vtl_env env = { NULL, ctx, param, &vars, body, body ? strlen(body) : 0 };
	struct fg_buf out;
	const char *s;

	fg_buf_init(&out);
	*rc = apigw_vtl_render(A, tpl, &env, &out, why);
	s = fg_arena_strdup(A, out.data ? out.data : "");
	fg_buf_free(&out);
	return s;
}

#define R(tpl, body, want, ...)                                               \
	do {                                                                  \
		int rc_;                                                      \
		const char *why_;                                             \
		const char *got_ = render(tpl, body, &rc_, &why_);             \
		ok(rc_ == 0, __VA_ARGS__);                                    \
		is_str(got_, want, __VA_ARGS__);                              \
	} while (0)

static void test_references(void)
{
	R("{\"statusCode\": 200}", NULL, "{\"statusCode\": 200}", "§3.3: literal JSON");
	R("{\"message\":$context.error.messageString}", NULL,
	  "{\"message\":\"Missing Authentication Token\"}",
	  "§1.5: the default gateway response template");
	R("id=$input.params('id') q=$input.params('q') h=$input.params('X-H')", NULL,
	  "id=42 q=a b h=hv", "$input.params('x'): path, query, header");
	R("$input.params().header.get('X-H')/$input.params().querystring.get('q')", NULL,
	  "hv/a b", "$input.params().where.get('x')");
	R("${context.requestId}-$!{context.requestId}-$!context.requestId", NULL,
	  "req-1-req-1-req-1", "formal and quiet references");
	R("$stageVariables.env,$stageVariables.missing.", NULL, "test,.",
	  "stage variables; a missing one prints nothing");
	R("ip=$context.identity.sourceIp x=$context.nothing", NULL, "ip=127.0.0.1 x=",
	  "nested context paths");
	R("cost: $5 and $ alone, $unknown.thing stays", NULL,
	  "cost: $5 and $ alone, $unknown.thing stays", "what is not a known reference prints as written");
	R("{\"n\": $input.json('$.a.b'), \"s\": \"$input.path('$.name')\"}",
	  "{\"a\":{\"b\":[1,2]},\"name\":\"x\"}", "{\"n\": [1,2], \"s\": \"x\"}",
	  "$input.json and $input.path");
	R("$input.json('$')", NULL, "{}", "$input.json('$') of an empty body is {}");
	R("$input.body", "raw text", "raw text", "$input.body");
	R("$input.path('$').name.length", "{\"name\":\"x\"}", "",
	  "an unknown property prints nothing");
	R("$util.escapeJavaScript($input.body)", "say \"hi\"\n", "say \\\"hi\\\"\\n",
	  "$util.escapeJavaScript");
	R("$util.urlEncode('a b&c')|$util.urlDecode('a+b%26c')", NULL, "a+b%26c|a b&c",
	  "$util.urlEncode/urlDecode");
	R("$util.base64Encode('hi')|$util.base64Decode('aGk=')", NULL, "aGk=|hi",
	  "$util.base64Encode/Decode");
	R("$util.parseJson('{\"k\":\"v\"}').k", NULL, "v", "$util.parseJson");
	R("## a comment line\nvalue #* block *#done", NULL, "value done", "comments");
	R("#1 and # alone", NULL, "#1 and # alone", "a # that is not a directive");
}

static void test_directives_refused(void)
{
	static const char *const tpls[] = { "#set($x = 1)$x", "#if($a)yes#end",
					    "#foreach($i in $list)$i#end", "#{if}(true)x#end" };

	for (size_t i = 0; i < sizeof(tpls) / sizeof(tpls[0]); i++) {
		int rc;
		const char *why;

		render(tpls[i], NULL, &rc, &why);
		ok(rc != 0 && why != NULL && strstr(why, "directive #") != NULL,
		   "a directive is refused, not rendered wrongly: %s", why ? why : "(no reason)");
	}
}

int main(void)
{
	A = fg_arena_new(16384);
	test_references();
	test_directives_refused();
	fg_arena_destroy(&A);
	return tap_done();
}
