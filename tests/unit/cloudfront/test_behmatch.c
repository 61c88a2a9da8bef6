/* Unit tests for cf_behmatch.c: finding a path's cache behaviour through the patterns'
 * literal parts gives exactly the first pattern that matches in order (aws-behavior.md §6.1),
 * as trying each one with cf_pattern_match does: for hand-picked cases (wildcards first,
 * patterns without a leading '/', '?', shared literal parts, no match) and for many random
 * pattern lists and paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cloudfront/cf_priv.h"
#include "tap.h"

static size_t scan(const struct cf_behavior *b, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (cf_pattern_match(b[i].pattern, path))
			return i;
	return n;
}

static size_t find(struct fg_arena *a, const char *const *patterns, size_t n, const char *path,
		   size_t *scanned)
{
	struct cf_behavior *b = fg_arena_alloc(a, (n + 1) * sizeof(*b));
	struct cf_behmatch *m;

	memset(b, 0, (n + 1) * sizeof(*b));
	for (size_t i = 0; i < n; i++)
		b[i].pattern = patterns[i];
	m = cf_behmatch_build(a, b, n);
	*scanned = scan(b, n, path);
	return cf_behmatch_find(m, b, n, path);
}

static void check(const char *const *patterns, size_t n, const char *path, size_t want,
		  const char *what)
{
	struct fg_arena *a = fg_arena_new(0);
	size_t scanned, got = find(a, patterns, n, path, &scanned);

	ok(got == want && scanned == want, "%s: %s -> %zu (scan %zu, want %zu)", what, path, got,
	   scanned, want);
	fg_arena_destroy(&a);
}

/* A random pattern over a small alphabet, so that patterns and paths often share parts. */
static void random_text(char *out, size_t max, bool pattern, unsigned *seed)
{
	static const char pat[] = "ab/.*?";
	static const char path[] = "ab/.";
	size_t n = 1 + (size_t)rand_r(seed) % max;

	for (size_t i = 0; i < n; i++)
		out[i] = pattern ? pat[rand_r(seed) % 6] : path[rand_r(seed) % 4];
	out[n] = '\0';
	if (!pattern || rand_r(seed) % 3 != 0) {  /* most start with '/', some do not */
		memmove(out + 1, out, n + 1);
		out[0] = '/';
	}
}

int main(void)
{
	static const char *const p1[] = { "/api/*", "/api/v1/*", "*.jpg", "images/*", "/a?c",
					  "/api/v1/users" };
	static char pats[200][16];
	const char *pp[200];
	unsigned seed = 42;
	int bad = 0, cases = 0, matched = 0;

	check(p1, 6, "/api/v1/users", 0, "the first in order wins over a longer literal part");
	check(p1 + 1, 5, "/api/v1/users", 0, "a wildcard pattern");
	check(p1 + 1, 5, "/x/y.jpg", 1, "a pattern that starts with '*'");
	check(p1 + 3, 3, "/images/a.png", 0, "a pattern without a leading '/'");
	check(p1 + 4, 2, "/abc", 0, "'?' is one character");
	check(p1 + 4, 2, "/ac", 2, "and not zero: the default");
	check(p1 + 5, 1, "/api/v1/users/x", 1, "a literal pattern matches only itself");
	check(p1, 6, "nothing-with-a-slash", 6, "a path without '/' falls back to the scan");
	check(p1, 0, "/x", 0, "no patterns: the default");
	for (int round = 0; round < 300; round++) {
		struct fg_arena *a = fg_arena_new(0);
		size_t n = 1 + (size_t)rand_r(&seed) % 200;

		for (size_t i = 0; i < n; i++) {
			random_text(pats[i], 8, true, &seed);
			pp[i] = pats[i];
		}
		for (int q = 0; q < 50; q++) {
			char path[32];
			size_t scanned, got;

			random_text(path, 12, false, &seed);
			got = find(a, pp, n, path, &scanned);
			cases++;
			matched += scanned < n;
			if (got != scanned && bad++ < 5)
				fprintf(stderr, "# %s: %zu, scan %zu\n", path, got, scanned);
		}
		fg_arena_destroy(&a);
	}
	ok(bad == 0 && matched > cases / 4, "%d random pattern lists and paths (%d matching a "
	   "pattern): the same behaviour as the scan (%d differ)", cases, matched, bad);
	return tap_done();
}
