/*
 * lambda_view.c: the Lambda service's compiled view of one world. Every AWS::Lambda::Function
 * of every stack becomes a function record (name, ARN, how it runs, its pool), with the
 * qualifiers its aliases and versions define, in an open-addressing table keyed by name.
 * The view is immutable once built and freed with its world; looking a function up parses
 * the reference in place and allocates nothing.
 *
 * References accepted (as Lambda's Invoke and API Gateway's integration URIs give them):
 *   my-fn                          my-fn:alias   my-fn:3   my-fn:$LATEST
 *   123456789012:function:my-fn[:qualifier]
 *   arn:aws:lambda:us-east-1:123456789012:function:my-fn[:qualifier]
 *   arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/<any of the above>/invocations
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lambda/lambda_int.h"

struct lambda_qual {
	const char *name;          /* alias name or version number */
	struct lambda_qual *next;
};

struct lambda_fn {
	const char *name, *arn, *region, *account;
	enum lambda_mode mode;
	const char *response;      /* LAMBDA_RESPONSE: the JSON text */
	const char *why;           /* LAMBDA_NOT_EMULATED */
	struct lambda_pool *pool;  /* process and URL modes */
	struct lambda_qual *quals;
};

struct lambda_view {
	struct lambda_rt *rt;
	struct fg_arena *arena;
	struct lambda_fn *fns;
	size_t nfns;
	uint32_t *table;           /* index + 1, 0 = empty */
	size_t mask;
};

/* A piece of the reference string. */
struct slice {
	const char *p;
	size_t n;
};

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static uint64_t hash_slice(struct slice s)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < s.n; i++) {
		h ^= (unsigned char)s.p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static bool slice_is(struct slice s, const char *str)
{
	return str != NULL && strlen(str) == s.n && memcmp(s.p, str, s.n) == 0;
}

static struct slice slice_of(const char *s)
{
	return (struct slice){ s, strlen(s) };
}

/* ---------------------------------------------------------------- compile */

static size_t count_functions(const struct stack_world *w)
{
	const cJSON *doc, *r;
	size_t n = 0;

	cJSON_ArrayForEach(doc, stack_world_stacks(w))
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources"))
			n += strcmp(str_of(r, "Type"), "AWS::Lambda::Function") == 0;
	return n;
}

static void add_function(struct lambda_view *v, const cJSON *doc, const cJSON *r)
{
	struct lambda_fn *fn = &v->fns[v->nfns];
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(r, "Properties");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r, "Metadata");
	const char *region = str_of(doc, "Region") ? str_of(doc, "Region") : "us-east-1";
	const char *account = str_of(doc, "Account") ? str_of(doc, "Account") : "000000000000";
	uint64_t h;

	memset(fn, 0, sizeof(*fn));
	fn->name = fg_arena_strdup(v->arena, str_of(r, "PhysicalId"));
	fn->region = fg_arena_strdup(v->arena, region);
	fn->account = fg_arena_strdup(v->arena, account);
	fn->arn = fg_arena_printf(v->arena, "arn:aws:lambda:%s:%s:function:%s", region, account,
				  fn->name);
	fn->mode = lambda_mode_of(props, meta, &fn->why);
	if (fn->mode == LAMBDA_RESPONSE) {
		char *text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(meta, "Frontgate"), "Response"));

		fn->response = fg_arena_strdup(v->arena, text ? text : "null");
		free(text);
	} else if (fn->mode != LAMBDA_NOT_EMULATED) {
		fn->pool = lambda_pool_get(v->rt, fn->mode, fn->name, fn->arn, region, props, meta);
	}
	h = hash_slice(slice_of(fn->name));
	for (size_t i = h & v->mask;; i = (i + 1) & v->mask) {
		if (v->table[i] == 0) {
			v->table[i] = (uint32_t)(v->nfns + 1);
			break;
		}
	}
	v->nfns++;
}

/* The functions named name (any region/account), in table order; *pos carries the probe. */
static struct lambda_fn *next_named(const struct lambda_view *v, struct slice name, size_t *pos,
				    bool *started)
{
	if (v->nfns == 0)
		return NULL;
	if (!*started) {
		*pos = hash_slice(name) & v->mask;
		*started = true;
	} else {
		*pos = (*pos + 1) & v->mask;
	}
	for (; v->table[*pos] != 0; *pos = (*pos + 1) & v->mask) {
		struct lambda_fn *fn = &v->fns[v->table[*pos] - 1];

		if (slice_is(name, fn->name))
			return fn;
	}
	return NULL;
}

/* Parsed reference: the parts that were given (region/account may be empty). */
struct ref {
	struct slice region, account, name, qual;
};

static size_t split(struct slice s, char sep, struct slice *parts, size_t max)
{
	size_t n = 0;
	const char *p = s.p, *end = s.p + s.n;

	while (n < max) {
		const char *q = memchr(p, sep, (size_t)(end - p));

		parts[n++] = (struct slice){ p, q ? (size_t)(q - p) : (size_t)(end - p) };
		if (q == NULL)
			return n;
		p = q + 1;
	}
	return max + 1; /* too many */
}

/* "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{ref}/invocations" -> {ref} */
static struct slice strip_integration_uri(struct slice s)
{
	static const char mark[] = ":lambda:path/2015-03-31/functions/";
	static const char tail[] = "/invocations";
	const char *m;

	if (s.n < 4 || memcmp(s.p, "arn:", 4) != 0 || (m = strstr(s.p, mark)) == NULL)
		return s;
	s.n -= (size_t)(m + sizeof(mark) - 1 - s.p);
	s.p = m + sizeof(mark) - 1;
	if (s.n >= sizeof(tail) - 1 && memcmp(s.p + s.n - (sizeof(tail) - 1), tail,
					      sizeof(tail) - 1) == 0)
		s.n -= sizeof(tail) - 1;
	return s;
}

static bool parse_ref(const char *text, struct ref *r)
{
	struct slice s = strip_integration_uri(slice_of(text)), p[9];
	size_t n = split(s, ':', p, 8);

	memset(r, 0, sizeof(*r));
	if (n >= 7 && slice_is(p[0], "arn")) {
		if (!slice_is(p[2], "lambda") || !slice_is(p[5], "function") || n > 8)
			return false;
		r->region = p[3];
		r->account = p[4];
		r->name = p[6];
		if (n == 8)
			r->qual = p[7];
	} else if ((n == 3 || n == 4) && slice_is(p[1], "function")) {
		r->account = p[0];
		r->name = p[2];
		if (n == 4)
			r->qual = p[3];
	} else if (n == 1 || n == 2) {
		r->name = p[0];
		if (n == 2)
			r->qual = p[1];
	} else {
		return false;
	}
	return r->name.n > 0 && (n == 1 || n == 3 || n == 7 || r->qual.n > 0);
}

static bool has_qual(const struct lambda_fn *fn, struct slice q)
{
	if (q.n == 0 || slice_is(q, "$LATEST"))
		return true;
	for (const struct lambda_qual *x = fn->quals; x != NULL; x = x->next)
		if (slice_is(q, x->name))
			return true;
	return false;
}

static struct lambda_fn *find(const struct lambda_view *v, const struct ref *r)
{
	size_t pos = 0;
	bool started = false;
	struct lambda_fn *fn;

	while ((fn = next_named(v, r->name, &pos, &started)) != NULL) {
		if (r->region.n > 0 && !slice_is(r->region, fn->region))
			continue;
		if (r->account.n > 0 && !slice_is(r->account, fn->account))
			continue;
		return fn;
	}
	return NULL;
}

/* Aliases and versions become qualifiers of the function they name (when it is here). */
static void add_qualifier(struct lambda_view *v, const cJSON *r, const char *type)
{
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(r, "Attributes");
	const char *arn = str_of(attrs, "Arn");
	struct lambda_fn *fn;
	struct lambda_qual *q;
	struct ref ref;

	if (arn == NULL || !parse_ref(arn, &ref) || ref.qual.n == 0)
		return;
	fn = find(v, &ref);
	if (fn == NULL)
		return;
	q = fg_arena_alloc(v->arena, sizeof(*q));
	q->name = fg_arena_strndup(v->arena, ref.qual.p, ref.qual.n);
	q->next = fn->quals;
	fn->quals = q;
}

struct lambda_view *lambda_view_compile(struct lambda_rt *rt, const struct stack_world *w)
{
	struct lambda_view *v = calloc(1, sizeof(*v));
	size_t n = count_functions(w), cap = 16;
	const cJSON *doc, *r;

	FG_ASSERT(v != NULL);
	while (cap < n * 2)
		cap *= 2;
	v->rt = lambda_rt_ref(rt);
	v->arena = fg_arena_new(4096);
	v->fns = fg_arena_alloc(v->arena, (n ? n : 1) * sizeof(*v->fns));
	v->table = fg_arena_alloc(v->arena, cap * sizeof(*v->table));
	memset(v->table, 0, cap * sizeof(*v->table));
	v->mask = cap - 1;
	cJSON_ArrayForEach(doc, stack_world_stacks(w))
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources"))
			if (strcmp(str_of(r, "Type"), "AWS::Lambda::Function") == 0)
				add_function(v, doc, r);
	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			const char *type = str_of(r, "Type");

			if (strcmp(type, "AWS::Lambda::Alias") == 0 ||
			    strcmp(type, "AWS::Lambda::Version") == 0)
				add_qualifier(v, r, type);
		}
	}
	return v;
}

void lambda_view_release(void *view)
{
	struct lambda_view *v = view;

	if (v == NULL)
		return;
	for (size_t i = 0; i < v->nfns; i++)
		if (v->fns[i].pool != NULL)
			lambda_pool_put(v->rt, v->fns[i].pool);
	fg_arena_destroy(&v->arena);
	lambda_rt_rel(&v->rt);
	free(v);
}

/* ----------------------------------------------------------------- lookup */

const struct lambda_fn *lambda_view_find(const struct lambda_view *v, const char *ref,
					 char *invoked, size_t invokedn)
{
	struct ref r;
	const struct lambda_fn *fn;

	if (v == NULL || ref == NULL || !parse_ref(ref, &r))
		return NULL;
	fn = find(v, &r);
	if (fn == NULL || !has_qual(fn, r.qual))
		return NULL;
	if (r.qual.n > 0)
		snprintf(invoked, invokedn, "%s:%.*s", fn->arn, (int)r.qual.n, r.qual.p);
	else
		snprintf(invoked, invokedn, "%s", fn->arn);
	return fn;
}

enum lambda_mode lambda_fn_mode(const struct lambda_fn *fn) { return fn->mode; }
const char *lambda_fn_name(const struct lambda_fn *fn) { return fn->name; }
const char *lambda_fn_response(const struct lambda_fn *fn) { return fn->response; }
const char *lambda_fn_why(const struct lambda_fn *fn) { return fn->why; }
struct lambda_pool *lambda_fn_pool(const struct lambda_fn *fn) { return fn->pool; }
