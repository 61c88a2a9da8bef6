/*
 * stack_world.c: the immutable, reference-counted set of deployed stacks. The data plane
 * holds a reference while it serves a request; a control-plane commit swaps in a new world
 * and the old one goes away when its last reader lets go.
 */
#include "stack/stack.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct stack_world {
	atomic_int refs;
	cJSON *stacks;
	void *slot[STACK_WORLD_SLOTS];
	stack_slot_free_f slot_free[STACK_WORLD_SLOTS];
};

struct stack_world *stack_world_new(cJSON *stacks)
{
	struct stack_world *w = malloc(sizeof(*w));

	FG_ASSERT(w != NULL);
	atomic_init(&w->refs, 1);
	w->stacks = stacks != NULL ? stacks : cJSON_CreateArray();
	memset(w->slot, 0, sizeof(w->slot));
	memset(w->slot_free, 0, sizeof(w->slot_free));
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

cJSON *stack_world_with(const struct stack_world *w, const char *name, const cJSON *doc)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *it;
	bool placed = false;

	cJSON_ArrayForEach(it, w->stacks) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "Name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) {
			if (doc != NULL)
				cJSON_AddItemToArray(out, cJSON_Duplicate(doc, true));
			placed = true;
			continue;
		}
		cJSON_AddItemToArray(out, cJSON_Duplicate(it, true));
	}
	if (!placed && doc != NULL)
		cJSON_AddItemToArray(out, cJSON_Duplicate(doc, true));
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
