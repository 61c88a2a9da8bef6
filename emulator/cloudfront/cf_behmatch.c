/*
 * cf_behmatch.c: a request's cache behaviour without trying every path pattern.
 *
 * CloudFront serves a request with the first CacheBehaviors pattern that matches its path, in
 * order, else the default (aws-behavior.md §6.1). Trying the patterns in turn costs every
 * pattern before the one that matches, per request. A pattern can only match paths that start
 * with its literal part (up to its first '*' or '?'; with a '/' in front when the pattern has
 * none, as cf_pattern_match reads it). So the compiled view groups the patterns by literal
 * part in a hash table; a request looks up each prefix of its path whose length is the length
 * of some literal part (one rolling hash), and tries only those groups' patterns, in order,
 * keeping the lowest index that matches. cf_pattern_match stays the judge, so the answer is
 * the same as the scan's.
 */
#include "cloudfront/cf_priv.h"

#include <stdlib.h>
#include <string.h>

struct prefix_group {
	const char *text;      /* the literal part (not NUL-terminated at len) */
	size_t len;
	uint64_t hash;
	const size_t *idx;     /* behaviour indexes, ascending */
	size_t n;
};

struct cf_behmatch {
	struct prefix_group *slot;  /* open addressing; text == NULL = empty */
	size_t cap;
	size_t *lens;               /* the distinct literal lengths, ascending */
	size_t nlens;
};

struct lit {
	const char *text;
	size_t len;
	uint64_t hash;
	size_t i;
};

#define FNV_BASIS 1469598103934665603ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t hash_n(const char *s, size_t n)
{
	uint64_t h = FNV_BASIS;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * FNV_PRIME;
	return h;
}

static int lit_cmp(const void *a, const void *b)
{
	const struct lit *x = a, *y = b;
	int c;

	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if ((c = memcmp(x->text, y->text, x->len)) != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The literal part a path must start with (a '/' added as cf_pattern_match reads it). */
static void literal_of(struct fg_arena *a, const char *pattern, struct lit *out)
{
	size_t n = strcspn(pattern, "*?");

	if (pattern[0] != '/' && pattern[0] != '*') {
		char *t = fg_arena_alloc(a, n + 2);

		t[0] = '/';
		memcpy(t + 1, pattern, n);
		t[n + 1] = '\0';
		out->text = t;
		out->len = n + 1;
	} else {
		out->text = pattern;
		out->len = n;
	}
	out->hash = hash_n(out->text, out->len);
}

static struct prefix_group *group_slot(const struct cf_behmatch *m, const char *text, size_t len,
				       uint64_t h)
{
	size_t i;

	for (i = h & (m->cap - 1); m->slot[i].text != NULL; i = (i + 1) & (m->cap - 1)) {
		const struct prefix_group *g = &m->slot[i];

		if (g->hash == h && g->len == len && memcmp(g->text, text, len) == 0)
			break;
	}
	return &m->slot[i];
}

struct cf_behmatch *cf_behmatch_build(struct fg_arena *a, const struct cf_behavior *b, size_t n)
{
	struct cf_behmatch *m = fg_arena_alloc(a, sizeof(*m));
	struct lit *lits = malloc((n ? n : 1) * sizeof(*lits));
	size_t *idx = fg_arena_alloc(a, (n ? n : 1) * sizeof(*idx));

	FG_ASSERT(lits != NULL);
	for (size_t i = 0; i < n; i++) {
		literal_of(a, b[i].pattern, &lits[i]);
		lits[i].i = i;
	}
	qsort(lits, n, sizeof(*lits), lit_cmp);
	for (m->cap = 16; m->cap < n * 2; m->cap *= 2)
		;
	m->slot = fg_arena_alloc(a, m->cap * sizeof(*m->slot));
	memset(m->slot, 0, m->cap * sizeof(*m->slot));
	m->lens = fg_arena_alloc(a, (n ? n : 1) * sizeof(*m->lens));
	m->nlens = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct prefix_group *g;

		while (j < n && lits[j].len == lits[i].len &&
		       memcmp(lits[j].text, lits[i].text, lits[i].len) == 0)
			j++;
		g = group_slot(m, lits[i].text, lits[i].len, lits[i].hash);
		for (size_t k = i; k < j; k++)
			idx[k] = lits[k].i;
		*g = (struct prefix_group){ lits[i].text, lits[i].len, lits[i].hash, idx + i, j - i };
		if (m->nlens == 0 || m->lens[m->nlens - 1] != lits[i].len)
			m->lens[m->nlens++] = lits[i].len;
		i = j;
	}
	free(lits);
	return m;
}

size_t cf_behmatch_find(const struct cf_behmatch *m, const struct cf_behavior *b, size_t n,
			const char *path)
{
	size_t best = n, at = 0, plen = strlen(path);
	uint64_t h = FNV_BASIS;

	if (path[0] != '/') {   /* not a request path: try them in order */
		for (size_t i = 0; i < n; i++)
			if (cf_pattern_match(b[i].pattern, path))
				return i;
		return n;
	}
	for (size_t l = 0; l < m->nlens && m->lens[l] <= plen; l++) {
		const struct prefix_group *g;

		for (; at < m->lens[l]; at++)
			h = (h ^ (unsigned char)path[at]) * FNV_PRIME;
		g = group_slot(m, path, m->lens[l], h);
		for (size_t k = 0; g->text != NULL && k < g->n && g->idx[k] < best; k++) {
			if (cf_pattern_match(b[g->idx[k]].pattern, path)) {
				best = g->idx[k];
				break;
			}
		}
	}
	return best;
}
