/*
 * cf_inval.c: invalidations (aws-behavior.md §6.9) through the control API. Paths are
 * relative to the distribution and start with '/'; '*' may only be the last character and
 * then covers every path with that prefix (query-string variants too, since each variant is
 * its own object under the same path). The objects are purged at once, so an invalidation is
 * "Completed" when it is returned; the list is kept per instance (newest first) and goes with
 * its distribution.
 */
#include "cloudfront/cf_priv.h"

#include <stdio.h>
#include <string.h>

static int check_path(const char *p, struct fg_err *err)
{
	const char *star = strchr(p, '*');

	if (p[0] != '/' || (star != NULL && star[1] != '\0')) {
		fg_err_set(err, 400, "InvalidArgument",
			   "Invalidation path '%s': a path starts with / and may have * only as "
			   "its last character (aws-behavior.md §6.9)", p);
		return -1;
	}
	return 0;
}

/* The Paths of either body shape. */
static const cJSON *paths_of(const cJSON *body, const char **caller_ref)
{
	const cJSON *batch = cf_j(body, "InvalidationBatch");

	*caller_ref = NULL;
	if (batch != NULL) {
		*caller_ref = cf_js(batch, "CallerReference");
		return cf_j(cf_j(batch, "Paths"), "Items");
	}
	return cf_j(body, "Paths");
}

static int check_paths(const cJSON *paths, struct fg_err *err)
{
	const cJSON *it;

	if (!cJSON_IsArray(paths) || cJSON_GetArraySize(paths) == 0) {
		fg_err_set(err, 400, "InvalidArgument",
			   "the body needs Paths, a non-empty array of paths: {\"Paths\": "
			   "[\"/index.html\", \"/images/*\"]}");
		return -1;
	}
	cJSON_ArrayForEach(it, paths) {
		if (!cJSON_IsString(it)) {
			fg_err_set(err, 400, "InvalidArgument", "every path must be a string");
			return -1;
		}
		if (check_path(it->valuestring, err) != 0)
			return -1;
	}
	return 0;
}

static const struct cf_view *view_of(struct cloudfront *cf, const struct stack_world *w)
{
	return cf->has_slot && w != NULL ? stack_world_slot(w, cf->slot) : NULL;
}

static int known(struct cloudfront *cf, const struct stack_world *w, const char *id,
		 struct fg_err *err)
{
	if (cf_view_by_id(view_of(cf, w), id) != NULL)
		return 0;
	fg_err_set(err, 404, "NoSuchDistribution", "The specified distribution does not exist: %s",
		   id);
	return -1;
}

static cJSON *record(const char *id, const cJSON *paths, const char *ref, int64_t now_ms,
		     size_t purged)
{
	cJSON *o = cJSON_CreateObject(), *batch, *p;
	char iid[16], when[25];
	const char *parts[2];
	char ms[32];

	snprintf(ms, sizeof(ms), "%lld", (long long)now_ms);
	parts[0] = id;
	parts[1] = ms;
	iid[0] = 'I';
	fg_id_from_hash(fg_hash64(parts, 2) ^ (uint64_t)cJSON_GetArraySize(paths),
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 13, iid + 1);
	fg_time_iso_ms(now_ms, when);
	cJSON_AddStringToObject(o, "Id", iid);
	cJSON_AddStringToObject(o, "Status", "Completed");
	cJSON_AddStringToObject(o, "CreateTime", when);
	batch = cJSON_AddObjectToObject(o, "InvalidationBatch");
	p = cJSON_AddObjectToObject(batch, "Paths");
	cJSON_AddNumberToObject(p, "Quantity", cJSON_GetArraySize(paths));
	cJSON_AddItemToObject(p, "Items", cJSON_Duplicate(paths, true));
	cJSON_AddStringToObject(batch, "CallerReference", ref ? ref : when);
	cJSON_AddNumberToObject(o, "Purged", (double)purged);
	return o;
}

cJSON *cloudfront_invalidate(struct cloudfront *cf, const struct stack_world *w, const char *id,
			     const cJSON *body, int64_t now_ms, struct fg_err *err)
{
	const char *ref;
	const cJSON *paths = paths_of(body, &ref), *it;
	size_t purged = 0;
	cJSON *rec, *keep;

	if (known(cf, w, id, err) != 0 || check_paths(paths, err) != 0)
		return NULL;
	cJSON_ArrayForEach(it, paths)
		purged += cf_cache_purge(cf->cache, id, it->valuestring);
	rec = record(id, paths, ref, now_ms, purged);
	keep = cJSON_Duplicate(rec, true);
	cJSON_AddStringToObject(keep, "Distribution", id);
	pthread_mutex_lock(&cf->inval_mu);
	if (cf->invals == NULL)
		cf->invals = cJSON_CreateArray();
	cJSON_InsertItemInArray(cf->invals, 0, keep);
	pthread_mutex_unlock(&cf->inval_mu);
	return rec;
}

cJSON *cloudfront_invalidations(struct cloudfront *cf, const struct stack_world *w,
				const char *id, struct fg_err *err)
{
	cJSON *o, *list, *items;
	const cJSON *it;

	if (known(cf, w, id, err) != 0)
		return NULL;
	o = cJSON_CreateObject();
	list = cJSON_AddObjectToObject(o, "InvalidationList");
	items = cJSON_CreateArray();
	pthread_mutex_lock(&cf->inval_mu);
	cJSON_ArrayForEach(it, cf->invals) {
		cJSON *c;

		if (strcmp(cf_js(it, "Distribution"), id) != 0)
			continue;
		c = cJSON_Duplicate(it, true);
		cJSON_DeleteItemFromObjectCaseSensitive(c, "Distribution");
		cJSON_AddItemToArray(items, c);
	}
	pthread_mutex_unlock(&cf->inval_mu);
	cJSON_AddNumberToObject(list, "Quantity", cJSON_GetArraySize(items));
	cJSON_AddItemToObject(list, "Items", items);
	return o;
}

void cf_inval_sweep(struct cloudfront *cf, bool (*keep)(const char *dist, void *arg), void *arg)
{
	pthread_mutex_lock(&cf->inval_mu);
	for (int i = cJSON_GetArraySize(cf->invals) - 1; i >= 0; i--) {
		const cJSON *it = cJSON_GetArrayItem(cf->invals, i);

		if (!keep(cf_js(it, "Distribution"), arg))
			cJSON_DeleteItemFromArray(cf->invals, i);
	}
	pthread_mutex_unlock(&cf->inval_mu);
}

void cf_inval_free(struct cloudfront *cf)
{
	cJSON_Delete(cf->invals);
	cf->invals = NULL;
	pthread_mutex_destroy(&cf->inval_mu);
}
