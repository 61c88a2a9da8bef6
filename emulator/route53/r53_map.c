/*
 * r53_map.c: a string-keyed open-addressing table on an arena. Views know how many entries
 * they will hold before they build, so the table is sized once (at least twice the entries)
 * and never grows; a lookup is one hash and a short probe, whatever the number of records.
 */
#include <string.h>

#include "route53/r53_int.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void r53_map_init(struct r53_map *m, struct fg_arena *a, size_t max_entries)
{
	size_t cap = 8;

	while (cap < 2 * max_entries + 2)
		cap *= 2;
	m->keys = fg_arena_alloc(a, cap * sizeof(*m->keys));
	m->vals = fg_arena_alloc(a, cap * sizeof(*m->vals));
	memset(m->keys, 0, cap * sizeof(*m->keys));
	memset(m->vals, 0, cap * sizeof(*m->vals));
	m->mask = cap - 1;
	m->n = 0;
	m->max = max_entries;
}

static size_t find(const struct r53_map *m, const char *key)
{
	size_t i = (size_t)hash(key) & m->mask;

	while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & m->mask;
	return i;
}

void **r53_map_slot(struct r53_map *m, const char *key)
{
	size_t i = find(m, key);

	if (m->keys[i] == NULL) {
		if (m->n >= m->max)
			return NULL;
		m->keys[i] = key;
		m->n++;
	}
	return &m->vals[i];
}

void **r53_map_must(struct r53_map *m, const char *key)
{
	void **s = r53_map_slot(m, key);

	FG_ASSERT(s != NULL);
	return s;
}

void *r53_map_get(const struct r53_map *m, const char *key)
{
	size_t i;

	if (m->keys == NULL)
		return NULL;
	i = find(m, key);
	return m->keys[i] != NULL ? m->vals[i] : NULL;
}
