/*
 * stack_index.c: finding the resources a resource refers to while a change deploys, without
 * scanning every resource for every lookup.
 *
 * Validation asks "the RestApi with this physical id", "the Resources under this parent",
 * "the Methods of this resource": among this stack's resources deployed so far in the change
 * (in order), then the other stacks' (in world order; this stack's previous version is being
 * replaced). Scanning for each of N resources made deploying N resources quadratic (10,000
 * API resources took 70-130 s). Here each question is a family (type, field) hashed by the
 * field's value: the other stacks' part is indexed once per change at the first question of
 * that family, and this stack's part is extended with the resources deployed since the last
 * question (the deployed array only ever grows at its end). An rctx without an index (built
 * by hand in a test) falls back to the scans; both give the same answers in the same order.
 */
#include "stack/stack.h"

#include <stdlib.h>
#include <string.h>

struct idx_entry {                /* one (family, value) and the resources that have it */
	unsigned fam;
	const char *value;        /* borrowed from a resource document */
	uint64_t hash;
	const cJSON **v;
	size_t n, cap;
};

struct idx_table {
	struct idx_entry *slot;   /* open addressing; value == NULL = empty */
	size_t cap, n;
};

struct idx_family {
	char *type, *field;       /* field: "PhysicalId" (top level) or a Properties key */
	char *field2;             /* a second Properties key (values joined), or NULL */
	bool top;
};

struct stack_index {
	struct idx_family *fam;
	size_t nfam, capfam;
	char **joined;            /* two-key values made for the tables */
	size_t njoined, capjoined;
	struct idx_table world, deployed;
	const cJSON *deployed_last; /* the last deployed resource indexed, NULL: none yet */
};

/* ------------------------------------------------------------------ values */

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

#define JOIN_SEP '\x1f'  /* ASCII unit separator: in no physical id or property value */

/* "a" and "b" as one key (malloc'd). */
static char *join2(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *j = malloc(la + lb + 2);

	FG_ASSERT(j != NULL);
	memcpy(j, a, la);
	j[la] = JOIN_SEP;
	memcpy(j + la + 1, b, lb + 1);
	return j;
}

/* The resource's value for the family (NULL: not of the type, or not a string); a two-key
 * value is made in *joined (caller frees). */
static const char *field_of(const cJSON *res, const struct idx_family *f, char **joined)
{
	const char *type = str_of(res, "Type"), *a, *b;
	const cJSON *props;

	*joined = NULL;
	if (type == NULL || strcmp(type, f->type) != 0)
		return NULL;
	if (f->top)
		return str_of(res, f->field);
	props = cJSON_GetObjectItemCaseSensitive(res, "Properties");
	a = str_of(props, f->field);
	if (f->field2 == NULL || a == NULL)
		return a;
	b = str_of(props, f->field2);
	return b == NULL ? NULL : (*joined = join2(a, b));
}

static uint64_t hash_of(unsigned fam, const char *value)
{
	uint64_t h = 1469598103934665603ULL ^ fam;

	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

/* ------------------------------------------------------------------ tables */

static struct idx_entry *table_slot(struct idx_table *t, unsigned fam, const char *value,
				    uint64_t h)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = h & (t->cap - 1); t->slot[i].value != NULL; i = (i + 1) & (t->cap - 1)) {
		const struct idx_entry *e = &t->slot[i];

		if (e->hash == h && e->fam == fam && strcmp(e->value, value) == 0)
			break;
	}
	return &t->slot[i];
}

static void table_grow(struct idx_table *t)
{
	struct idx_table bigger = { NULL, t->cap ? t->cap * 2 : 64, t->n };

	bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
	FG_ASSERT(bigger.slot != NULL);
	for (size_t i = 0; i < t->cap; i++) {
		const struct idx_entry *e = &t->slot[i];

		if (e->value != NULL)
			*table_slot(&bigger, e->fam, e->value, e->hash) = *e;
	}
	free(t->slot);
	*t = bigger;
}

static void table_add(struct idx_table *t, unsigned fam, const char *value, const cJSON *res)
{
	uint64_t h = hash_of(fam, value);
	struct idx_entry *e;

	if ((t->n + 1) * 2 > t->cap)
		table_grow(t);
	e = table_slot(t, fam, value, h);
	if (e->value == NULL) {
		*e = (struct idx_entry){ fam, value, h, NULL, 0, 0 };
		t->n++;
	}
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 2;
		e->v = realloc(e->v, e->cap * sizeof(*e->v));
		FG_ASSERT(e->v != NULL);
	}
	e->v[e->n++] = res;
}

static const struct idx_entry *table_get(struct idx_table *t, unsigned fam, const char *value)
{
	const struct idx_entry *e = table_slot(t, fam, value, hash_of(fam, value));

	return e != NULL && e->value != NULL ? e : NULL;
}

static void table_free(struct idx_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slot[i].v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* ------------------------------------------------------------------ index */

struct stack_index *stack_index_new(void)
{
	struct stack_index *x = calloc(1, sizeof(*x));

	FG_ASSERT(x != NULL);
	return x;
}

void stack_index_free(struct stack_index **xp)
{
	struct stack_index *x = *xp;

	if (x == NULL)
		return;
	for (size_t i = 0; i < x->nfam; i++) {
		free(x->fam[i].type);
		free(x->fam[i].field);
		free(x->fam[i].field2);
	}
	free(x->fam);
	for (size_t i = 0; i < x->njoined; i++)
		free(x->joined[i]);
	free(x->joined);
	table_free(&x->world);
	table_free(&x->deployed);
	free(x);
	*xp = NULL;
}

static void index_resource(struct idx_table *t, struct stack_index *x, unsigned fam,
			   const cJSON *res)
{
	char *joined;
	const char *v = field_of(res, &x->fam[fam], &joined);

	if (joined != NULL) {  /* kept for the table's lifetime */
		if (x->njoined == x->capjoined) {
			x->capjoined = x->capjoined ? x->capjoined * 2 : 64;
			x->joined = realloc(x->joined, x->capjoined * sizeof(*x->joined));
			FG_ASSERT(x->joined != NULL);
		}
		x->joined[x->njoined++] = joined;
	}
	if (v != NULL)
		table_add(t, fam, v, res);
}

static bool same_family(const struct idx_family *a, const struct idx_family *b)
{
	return a->top == b->top && strcmp(a->type, b->type) == 0 &&
	       strcmp(a->field, b->field) == 0 &&
	       (a->field2 == NULL ? b->field2 == NULL
				  : b->field2 != NULL && strcmp(a->field2, b->field2) == 0);
}

/* The family f, indexed over the world's other stacks and the deployed so far. */
static unsigned family(struct stack_index *x, const struct stack_rctx *c,
		       const struct idx_family *f)
{
	const cJSON *doc, *r;
	unsigned fam;

	for (fam = 0; fam < x->nfam; fam++) {
		if (same_family(&x->fam[fam], f))
			return fam;
	}
	if (x->nfam == x->capfam) {
		x->capfam = x->capfam ? x->capfam * 2 : 8;
		x->fam = realloc(x->fam, x->capfam * sizeof(*x->fam));
		FG_ASSERT(x->fam != NULL);
	}
	x->fam[fam] = (struct idx_family){ strdup(f->type), strdup(f->field),
					   f->field2 ? strdup(f->field2) : NULL, f->top };
	FG_ASSERT(x->fam[fam].type != NULL && x->fam[fam].field != NULL &&
		  (f->field2 == NULL || x->fam[fam].field2 != NULL));
	x->nfam++;
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		const char *name = str_of(doc, "Name");

		if (name != NULL && strcmp(name, c->stack_name) == 0)
			continue;
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources"))
			index_resource(&x->world, x, fam, r);
	}
	/* the deployed resources already seen by the other families */
	for (r = c->deployed ? c->deployed->child : NULL; r != NULL; r = r->next) {
		index_resource(&x->deployed, x, fam, r);
		if (r == x->deployed_last)
			break;
	}
	return fam;
}

/* Indexes, in every family, the resources deployed since the last question. */
static void catch_up(struct stack_index *x, const struct stack_rctx *c)
{
	const cJSON *r = x->deployed_last ? x->deployed_last->next
					  : c->deployed ? c->deployed->child : NULL;

	for (; r != NULL; r = r->next) {
		for (unsigned fam = 0; fam < x->nfam; fam++)
			index_resource(&x->deployed, x, fam, r);
		x->deployed_last = r;
	}
}

static const cJSON *visit_entry(const struct idx_entry *e, stack_visit_f f, void *arg)
{
	for (size_t i = 0; e != NULL && i < e->n; i++) {
		if (f(e->v[i], arg))
			return e->v[i];
	}
	return NULL;
}

static const cJSON *indexed(const struct stack_rctx *c, const struct idx_family *q,
			    const char *value, stack_visit_f f, void *arg)
{
	struct stack_index *x = c->index;
	unsigned fam;
	const cJSON *hit;

	catch_up(x, c);
	fam = family(x, c, q);
	hit = visit_entry(table_get(&x->deployed, fam, value), f, arg);
	return hit != NULL ? hit : visit_entry(table_get(&x->world, fam, value), f, arg);
}

/* ------------------------------------------------------------------ scans */

static const cJSON *scan_list(const cJSON *list, const struct idx_family *fam,
			      const char *value, stack_visit_f f, void *arg)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, list) {
		char *joined;
		const char *v = field_of(r, fam, &joined);
		bool match = v != NULL && strcmp(v, value) == 0;

		free(joined);
		if (match && f(r, arg))
			return r;
	}
	return NULL;
}

static const cJSON *scanned(const struct stack_rctx *c, const struct idx_family *fam,
			    const char *value, stack_visit_f f, void *arg)
{
	const cJSON *doc, *hit = scan_list(c->deployed, fam, value, f, arg);

	if (hit != NULL)
		return hit;
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		const char *name = str_of(doc, "Name");

		if (name != NULL && strcmp(name, c->stack_name) == 0)
			continue;
		hit = scan_list(cJSON_GetObjectItemCaseSensitive(doc, "Resources"), fam, value,
				f, arg);
		if (hit != NULL)
			return hit;
	}
	return NULL;
}

/* ------------------------------------------------------------------ API */

static bool first(const cJSON *res, void *arg)
{
	(void)res;
	(void)arg;
	return true;
}

static const cJSON *lookup(const struct stack_rctx *ctx, const struct idx_family *q,
			   const char *value, stack_visit_f f, void *arg)
{
	return ctx->index ? indexed(ctx, q, value, f, arg) : scanned(ctx, q, value, f, arg);
}

const cJSON *stack_rctx_find(const struct stack_rctx *ctx, const char *type,
			     const char *physical_id)
{
	struct idx_family q = { (char *)type, (char *)"PhysicalId", NULL, true };

	return physical_id ? lookup(ctx, &q, physical_id, first, NULL) : NULL;
}

const cJSON *stack_rctx_each(const struct stack_rctx *ctx, const char *type,
			     const char *property, const char *value, stack_visit_f f, void *arg)
{
	struct idx_family q = { (char *)type, (char *)property, NULL, false };

	return value ? lookup(ctx, &q, value, f, arg) : NULL;
}

const cJSON *stack_rctx_each2(const struct stack_rctx *ctx, const char *type,
			      const char *p1, const char *v1, const char *p2, const char *v2,
			      stack_visit_f f, void *arg)
{
	struct idx_family q = { (char *)type, (char *)p1, (char *)p2, false };
	char *joined;
	const cJSON *hit;

	if (v1 == NULL || v2 == NULL)
		return NULL;
	joined = join2(v1, v2);
	hit = lookup(ctx, &q, joined, f, arg);
	free(joined);
	return hit;
}
