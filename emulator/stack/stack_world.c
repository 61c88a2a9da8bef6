/*
 * stack_world.c: the immutable, reference-counted set of deployed stacks. The data plane
 * holds a reference while it serves a request; a control-plane commit swaps in a new world
 * and the old one goes away when its last reader lets go.
 *
 * Worlds share the documents of the stacks a change does not touch: each document is held
 * by a reference-counted stack_doc, and a world's stacks array is made of cJSON references to
 * them (cJSON_IsReference: iterating and reading see the document, deleting the array leaves
 * it alone). Deploying one stack therefore costs that stack, not every stack deployed before
 * it (copying them all made loading N fixtures quadratic).
 */
#include "stack/stack.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* One stack's document, shared by every world that has it. */
struct stack_doc {
	atomic_int refs;
	cJSON *doc;
};

struct stack_world {
	atomic_int refs;
	cJSON *stacks;           /* references to docs[i]->doc, in the same order */
	struct stack_doc **docs;
	size_t ndocs;
	void *slot[STACK_WORLD_SLOTS];
	stack_slot_free_f slot_free[STACK_WORLD_SLOTS];
};

static struct stack_world *world_alloc(size_t cap)
{
	struct stack_world *w = calloc(1, sizeof(*w));

	FG_ASSERT(w != NULL);
	atomic_init(&w->refs, 1);
	w->stacks = cJSON_CreateArray();
	w->docs = calloc(cap ? cap : 1, sizeof(*w->docs));
	FG_ASSERT(w->stacks != NULL && w->docs != NULL);
	return w;
}

/* Appends a document holder (its reference is the world's from now on). */
static void world_push(struct stack_world *w, struct stack_doc *d)
{
	w->docs[w->ndocs++] = d;
	cJSON_AddItemReferenceToArray(w->stacks, d->doc);
}

static struct stack_doc *doc_new(cJSON *doc)
{
	struct stack_doc *d = malloc(sizeof(*d));

	FG_ASSERT(d != NULL);
	atomic_init(&d->refs, 1);
	d->doc = doc;
	return d;
}

static struct stack_doc *doc_ref(struct stack_doc *d)
{
	atomic_fetch_add(&d->refs, 1);
	return d;
}

static void doc_rel(struct stack_doc *d)
{
	if (atomic_fetch_sub(&d->refs, 1) != 1)
		return;
	cJSON_Delete(d->doc);
	free(d);
}

struct stack_world *stack_world_new(cJSON *stacks)
{
	struct stack_world *w = world_alloc((size_t)cJSON_GetArraySize(stacks));
	cJSON *doc;

	while (stacks != NULL && (doc = cJSON_DetachItemViaPointer(stacks, stacks->child)) != NULL)
		world_push(w, doc_new(doc));
	cJSON_Delete(stacks);
	return w;
}

struct stack_world *stack_world_ref(struct stack_world *w)
{
	atomic_fetch_add(&w->refs, 1);
	return w;
}

void stack_world_rel(struct stack_world **wp)
{
	struct stack_world *w = *wp;

	*wp = NULL;
	if (w == NULL || atomic_fetch_sub(&w->refs, 1) != 1)
		return;
	for (unsigned i = 0; i < STACK_WORLD_SLOTS; i++)
		if (w->slot[i] != NULL && w->slot_free[i] != NULL)
			w->slot_free[i](w->slot[i]);
	cJSON_Delete(w->stacks);
	for (size_t i = 0; i < w->ndocs; i++)
		doc_rel(w->docs[i]);
	free(w->docs);
	free(w);
}

const cJSON *stack_world_stacks(const struct stack_world *w)
{
	return w->stacks;
}

const cJSON *stack_world_find(const struct stack_world *w, const char *name)
{
	const cJSON *doc;

	cJSON_ArrayForEach(doc, w->stacks) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(doc, "Name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return doc;
	}
	return NULL;
}

struct stack_world *stack_world_with(const struct stack_world *w, const char *name, cJSON *doc)
{
	struct stack_world *out = world_alloc(w->ndocs + 1);
	bool placed = false;

	for (size_t i = 0; i < w->ndocs; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(w->docs[i]->doc, "Name");

		if (name != NULL && cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) {
			if (doc != NULL)
				world_push(out, doc_new(doc));
			placed = true;
			continue;
		}
		world_push(out, doc_ref(w->docs[i]));
	}
	if (!placed && doc != NULL)
		world_push(out, doc_new(doc));
	return out;
}

const char *stack_world_exporter(const struct stack_world *w, const char *export_name,
				 const cJSON **value)
{
	const cJSON *doc;

	cJSON_ArrayForEach(doc, w->stacks) {
		const cJSON *ex = cJSON_GetObjectItemCaseSensitive(doc, "Exports");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(ex, export_name);

		if (v != NULL) {
			if (value != NULL)
				*value = v;
			return cJSON_GetObjectItemCaseSensitive(doc, "Name")->valuestring;
		}
	}
	return "";
}

cJSON *stack_world_importers(const struct stack_world *w, const char *export_name)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *doc, *imp;

	cJSON_ArrayForEach(doc, w->stacks) {
		cJSON_ArrayForEach(imp, cJSON_GetObjectItemCaseSensitive(doc, "Imports")) {
			if (cJSON_IsString(imp) && strcmp(imp->valuestring, export_name) == 0) {
				cJSON_AddItemToArray(out, cJSON_CreateString(
					cJSON_GetObjectItemCaseSensitive(doc, "Name")->valuestring));
				break;
			}
		}
	}
	return out;
}

void stack_world_set_slot(struct stack_world *w, unsigned slot, void *p, stack_slot_free_f f)
{
	FG_ASSERT(slot < STACK_WORLD_SLOTS && w->slot[slot] == NULL);
	w->slot[slot] = p;
	w->slot_free[slot] = f;
}

void *stack_world_slot(const struct stack_world *w, unsigned slot)
{
	FG_ASSERT(slot < STACK_WORLD_SLOTS);
	return w->slot[slot];
}
