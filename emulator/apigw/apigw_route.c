/*
 * apigw_route.c: the resource tree of a deployment and the request matcher (aws-behavior.md
 * §1.4).
 *
 * Each node keeps its literal children sorted (binary search) and its one variable child
 * ({x} or {x+}: AWS allows one per parent). Matching walks the path segments depth-first:
 * literal first, then {param}, then {proxy+}, and a branch only succeeds if the resource it
 * ends on has the request's method (or ANY) — so a path whose literal resource lacks the
 * method falls back to a sibling {proxy+} that has it, as AWS does. The cost is bounded by the
 * path's depth, never by the number of resources.
 */
#include "apigw/apigw_priv.h"

#include <stdlib.h>
#include <string.h>

static int lit_cmp(const void *x, const void *y)
{
	const struct apigw_node *a = *(const struct apigw_node *const *)x;
	const struct apigw_node *b = *(const struct apigw_node *const *)y;

	return strcmp(a->part, b->part);
}

void apigw_route_finish(struct apigw_node *n)
{
	if (n->nlits > 1)
		qsort(n->lits, n->nlits, sizeof(n->lits[0]), lit_cmp);
	for (size_t i = 0; i < n->nlits; i++)
		apigw_route_finish(n->lits[i]);
	if (n->var != NULL)
		apigw_route_finish(n->var);
}

struct seg {
	const char *s;
	size_t n;
};

struct walk {
	const struct seg *segs;
	size_t nsegs;
	const char *path_end;   /* end of the path without trailing slashes */
	int verb;
	struct fg_arena *a;
	struct apigw_match *m;
};

static const struct apigw_node *find_lit(const struct apigw_node *n, const struct seg *s)
{
	size_t lo = 0, hi = n->nlits;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *p = n->lits[mid]->part;
		int c = strncmp(p, s->s, s->n);

		if (c == 0)
			c = p[s->n] == '\0' ? 0 : 1;
		if (c == 0)
			return n->lits[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool has_any_method(const struct apigw_node *n)
{
	for (int i = 0; i < APIGW_NVERBS; i++) {
		if (n->methods[i] != NULL)
			return true;
	}
	return false;
}

/* The resource the path ends on: does it serve the method? */
static bool land(struct walk *w, const struct apigw_node *n)
{
	const struct apigw_method *m = NULL;

	if (w->verb >= 0)
		m = n->methods[w->verb] ? n->methods[w->verb] : n->methods[APIGW_ANY];
	if (m != NULL) {
		w->m->node = n;
		w->m->method = m;
		return true;
	}
	if (w->m->path_only == NULL && has_any_method(n))
		w->m->path_only = n;
	return false;
}

static bool push_param(struct walk *w, const char *name, const char *v, size_t n)
{
	if (w->m->nparams == APIGW_MAX_PARAMS)
		return false;
	w->m->pname[w->m->nparams] = name;
	w->m->pval[w->m->nparams] = fg_arena_strndup(w->a, v, n);
	w->m->nparams++;
	return true;
}

static bool walk(struct walk *w, const struct apigw_node *n, size_t i)
{
	const struct apigw_node *c;

	if (i == w->nsegs)
		return land(w, n);
	c = find_lit(n, &w->segs[i]);
	if (c != NULL && walk(w, c, i + 1))
		return true;
	c = n->var;
	if (c == NULL)
		return false;
	if (c->kind == APIGW_SEG_PARAM) {
		if (!push_param(w, c->param, w->segs[i].s, w->segs[i].n))
			return false;
		if (walk(w, c, i + 1))
			return true;
		w->m->nparams--;
		return false;
	}
	/* {proxy+}: one or more segments, the rest of the path as sent (inner "//" kept) */
	if (!push_param(w, c->param, w->segs[i].s, (size_t)(w->path_end - w->segs[i].s)))
		return false;
	if (land(w, c))
		return true;
	w->m->nparams--;
	return false;
}

bool apigw_route_match(const struct apigw_node *root, struct fg_arena *a, const char *method,
		       const char *path, struct apigw_match *m)
{
	struct seg stack_segs[64], *segs = stack_segs;
	size_t nsegs = 0, cap = 64, len = strlen(path);
	struct walk w;
	const char *p = path;
	int verb = apigw_verb(method);

	memset(m, 0, sizeof(*m));
	if (root == NULL)
		return false;
	while (len > 0 && path[len - 1] == '/')
		len--;
	while (p < path + len) {
		const char *slash;
		size_t n;

		while (p < path + len && *p == '/')
			p++;
		if (p >= path + len)
			break;
		slash = memchr(p, '/', (size_t)(path + len - p));
		n = slash ? (size_t)(slash - p) : (size_t)(path + len - p);
		if (nsegs == cap) {
			struct seg *bigger = fg_arena_alloc(a, cap * 2 * sizeof(*bigger));

			memcpy(bigger, segs, nsegs * sizeof(*segs));
			segs = bigger;
			cap *= 2;
		}
		segs[nsegs].s = p;
		segs[nsegs].n = n;
		nsegs++;
		p += n;
	}
	w.segs = segs;
	w.nsegs = nsegs;
	w.path_end = path + len;
	w.verb = verb >= 0 && verb < APIGW_ANY ? verb : -1; /* "ANY" is not a request method */
	w.a = a;
	w.m = m;
	return walk(&w, root, 0);
}
