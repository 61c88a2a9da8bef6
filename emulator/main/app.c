/*
 * app.c: one instance's state and the control-plane operations on it (see app.h). The order
 * of every change is: compute against the current world -> commit to the store -> publish.
 */
#include "main/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fg_app {
	struct fg_clock clock;
	struct fg_log log;
	struct fg_store *store;
	struct stack_registry *registry;
	struct fg_tracelog *tracelog;
	struct stack_defaults defaults;
	char *account, *region;
	pthread_mutex_t change_mu;  /* serialises control-plane changes */
	pthread_mutex_t world_mu;   /* guards the world pointer only */
	struct stack_world *world;
	bool defer_views;           /* start-up: compile once, in fg_app_publish_views */
	const struct fg_service *svc[STACK_WORLD_SLOTS];
	size_t nsvc;
	const struct fg_resolver *resolver;
};

int fg_app_new(const struct fg_app_config *cfg, struct fg_app **out, struct fg_err *err)
{
	struct fg_app *app = calloc(1, sizeof(*app));
	cJSON *stacks = NULL;

	FG_ASSERT(app != NULL);
	*out = NULL;
	fg_clock_init(&app->clock);
	fg_log_init(&app->log, cfg->log_level);
	pthread_mutex_init(&app->change_mu, NULL);
	pthread_mutex_init(&app->world_mu, NULL);
	app->account = strdup(cfg->account);
	app->region = strdup(cfg->region);
	app->defaults.account = app->account;
	app->defaults.region = app->region;
	app->registry = stack_registry_new();
	if (fg_store_open(cfg->db_path, &app->store, err) != 0 ||
	    fg_store_stacks_load(app->store, &stacks, err) != 0) {
		fg_app_destroy(&app);
		return -1;
	}
	app->world = stack_world_new(stacks);
	app->tracelog = fg_tracelog_new(app->store, cfg->trace_limit,
					strcmp(cfg->db_path, ":memory:") == 0, &app->log);
	*out = app;
	return 0;
}

void fg_app_destroy(struct fg_app **ap)
{
	struct fg_app *app = *ap;

	if (app == NULL)
		return;
	fg_tracelog_destroy(&app->tracelog);
	stack_world_rel(&app->world);
	fg_store_close(&app->store);
	stack_registry_destroy(&app->registry);
	pthread_mutex_destroy(&app->change_mu);
	pthread_mutex_destroy(&app->world_mu);
	fg_log_fini(&app->log);
	fg_clock_fini(&app->clock);
	free(app->account);
	free(app->region);
	free(app);
	*ap = NULL;
}

struct fg_clock *fg_app_clock(struct fg_app *app) { return &app->clock; }
struct fg_log *fg_app_log(struct fg_app *app) { return &app->log; }
struct fg_tracelog *fg_app_tracelog(struct fg_app *app) { return app->tracelog; }
struct fg_store *fg_app_store(struct fg_app *app) { return app->store; }
struct stack_registry *fg_app_registry(struct fg_app *app) { return app->registry; }
const char *fg_app_db_path(const struct fg_app *app) { return fg_store_path(app->store); }

struct stack_world *fg_app_world(struct fg_app *app)
{
	struct stack_world *w;

	pthread_mutex_lock(&app->world_mu);
	w = stack_world_ref(app->world);
	pthread_mutex_unlock(&app->world_mu);
	return w;
}

/* w (a new world, ownership taken) with every service's view compiled; NULL with err set
 * when a service refuses it. */
static struct stack_world *build_world(struct fg_app *app, struct stack_world *w,
				       struct fg_err *err)
{
	if (app->defer_views)
		return w;
	for (size_t i = 0; i < app->nsvc; i++) {
		void *view = app->svc[i]->compile(app->svc[i]->self, w, err);

		if (view == NULL) {
			if (!fg_err_isset(err))
				fg_err_set(err, 500, "InternalError", "%s: cannot compile its view",
					   app->svc[i]->name);
			stack_world_rel(&w);
			return NULL;
		}
		stack_world_set_slot(w, (unsigned)i, view, app->svc[i]->release);
	}
	return w;
}

/* Swaps in the next world. */
static void publish(struct fg_app *app, struct stack_world *next)
{
	struct stack_world *old;

	pthread_mutex_lock(&app->world_mu);
	old = app->world;
	app->world = next;
	pthread_mutex_unlock(&app->world_mu);
	stack_world_rel(&old);
}

int fg_app_add_service(struct fg_app *app, const struct fg_service *svc, unsigned *slot,
		       struct fg_err *err)
{
	struct stack_world *cur, *next;
	int rc = 0;

	FG_ASSERT(app->nsvc < STACK_WORLD_SLOTS);
	pthread_mutex_lock(&app->change_mu);
	*slot = (unsigned)app->nsvc;
	app->svc[app->nsvc++] = svc;
	cur = fg_app_world(app);
	next = build_world(app, stack_world_with(cur, NULL, NULL), err);
	if (next == NULL) {
		fg_err_prefix(err, "the stored state does not load (%s): ", svc->name);
		app->nsvc--;
		rc = -1;
	} else {
		publish(app, next);
	}
	stack_world_rel(&cur);
	pthread_mutex_unlock(&app->change_mu);
	return rc;
}

void fg_app_defer_views(struct fg_app *app)
{
	pthread_mutex_lock(&app->change_mu);
	app->defer_views = true;
	pthread_mutex_unlock(&app->change_mu);
}

int fg_app_publish_views(struct fg_app *app, struct fg_err *err)
{
	struct stack_world *cur, *next;
	int rc = 0;

	pthread_mutex_lock(&app->change_mu);
	app->defer_views = false;
	cur = fg_app_world(app);
	next = build_world(app, stack_world_with(cur, NULL, NULL), err);
	if (next == NULL) {
		fg_err_prefix(err, "the stored state and fixtures do not load: ");
		rc = -1;
	} else {
		publish(app, next);
	}
	stack_world_rel(&cur);
	pthread_mutex_unlock(&app->change_mu);
	return rc;
}

void fg_app_set_resolver(struct fg_app *app, const struct fg_resolver *r)
{
	app->resolver = r;
}

const struct fg_resolver *fg_app_resolver(const struct fg_app *app)
{
	return app->resolver;
}

size_t fg_app_nservices(const struct fg_app *app)
{
	return app->nsvc;
}

const struct fg_service *fg_app_service(const struct fg_app *app, size_t i)
{
	return app->svc[i];
}

int fg_app_deploy(struct fg_app *app, const struct stack_request *req, cJSON **view,
		  bool *created, struct fg_err *err)
{
	struct stack_world *w;
	cJSON *doc = NULL, *up;
	int rc;

	pthread_mutex_lock(&app->change_mu);
	w = fg_app_world(app);
	struct stack_world *next = NULL;

	rc = stack_deploy(app->registry, &app->defaults, w, req, &doc, &next, created, err);
	if (rc == 0) {
		next = build_world(app, next, err);
		rc = next == NULL ? -1 : 0;
	}
	if (rc == 0) {
		up = cJSON_CreateArray();
		cJSON_AddItemReferenceToArray(up, doc);
		rc = fg_store_stacks_commit(app->store, up, NULL, false, err);
		cJSON_Delete(up);
	}
	if (rc == 0) {
		publish(app, next);
		next = NULL;
		if (view != NULL)
			*view = stack_public_view(doc);
	}
	stack_world_rel(&next);
	cJSON_Delete(doc);
	stack_world_rel(&w);
	pthread_mutex_unlock(&app->change_mu);
	return rc;
}

int fg_app_delete(struct fg_app *app, const char *name, struct fg_err *err)
{
	struct stack_world *w;
	cJSON *del;
	int rc;

	pthread_mutex_lock(&app->change_mu);
	w = fg_app_world(app);
	struct stack_world *next = NULL;

	rc = stack_delete(app->registry, w, name, &next, err);
	if (rc == 0) {
		next = build_world(app, next, err);
		rc = next == NULL ? -1 : 0;
	}
	if (rc == 0) {
		del = cJSON_CreateArray();
		cJSON_AddItemToArray(del, cJSON_CreateString(name));
		rc = fg_store_stacks_commit(app->store, NULL, del, false, err);
		cJSON_Delete(del);
	}
	if (rc == 0) {
		publish(app, next);
		next = NULL;
	}
	stack_world_rel(&next);
	stack_world_rel(&w);
	pthread_mutex_unlock(&app->change_mu);
	return rc;
}

cJSON *fg_app_state_get(struct fg_app *app)
{
	struct stack_world *w = fg_app_world(app);
	cJSON *state = cJSON_CreateObject();

	cJSON_AddNumberToObject(state, "Version", 1);
	cJSON_AddItemToObject(state, "Stacks", cJSON_Duplicate(stack_world_stacks(w), true));
	stack_world_rel(&w);
	return state;
}

/* A restored stack document must have the shape the deployer writes. */
static int check_stack_doc(const cJSON *doc, size_t i, struct fg_err *err)
{
	static const char *const strings[] = { "Name", "Account", "Region", "Status" };
	const cJSON *r;
	char where[64];

	snprintf(where, sizeof(where), "Stacks.%zu", i);
	if (!cJSON_IsObject(doc))
		goto bad;
	for (size_t k = 0; k < sizeof(strings) / sizeof(strings[0]); k++) {
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, strings[k])))
			goto bad;
	}
	if (!stack_name_valid(cJSON_GetObjectItemCaseSensitive(doc, "Name")->valuestring, err)) {
		fg_err_at(err, NULL, where);
		return -1;
	}
	r = cJSON_GetObjectItemCaseSensitive(doc, "Resources");
	if (!cJSON_IsArray(r))
		goto bad;
	cJSON_ArrayForEach(r, r) {
		if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "LogicalId")) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "Type")) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "PhysicalId")) ||
		    !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r, "Attributes")))
			goto bad;
	}
	return 0;
bad:
	fg_err_set(err, 400, "ValidationError",
		   "state document: %s is not a stack document as GET /state returns them "
		   "(Name, Account, Region, Status strings; Resources with LogicalId, Type, "
		   "PhysicalId, Attributes)", where);
	fg_err_at(err, NULL, where);
	return -1;
}

int fg_app_state_put(struct fg_app *app, const cJSON *state, struct fg_err *err)
{
	const cJSON *stacks = cJSON_GetObjectItemCaseSensitive(state, "Stacks"), *doc;
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(state, "Version");
	cJSON *seen;
	size_t i = 0;
	int rc = 0;

	if (!cJSON_IsObject(state) || !cJSON_IsArray(stacks) ||
	    (version != NULL && !(cJSON_IsNumber(version) && version->valueint == 1))) {
		fg_err_set(err, 400, "ValidationError",
			   "state document must be {\"Version\":1,\"Stacks\":[...]} as GET /state "
			   "returns it");
		return -1;
	}
	seen = cJSON_CreateObject();
	cJSON_ArrayForEach(doc, stacks) {
		if (check_stack_doc(doc, i++, err) != 0) {
			rc = -1;
			break;
		}
		const char *name = cJSON_GetObjectItemCaseSensitive(doc, "Name")->valuestring;

		if (cJSON_GetObjectItemCaseSensitive(seen, name) != NULL) {
			fg_err_set(err, 400, "ValidationError",
				   "state document names stack %s twice", name);
			fg_err_at(err, name, NULL);
			rc = -1;
			break;
		}
		cJSON_AddTrueToObject(seen, name);
	}
	cJSON_Delete(seen);
	if (rc != 0)
		return -1;
	pthread_mutex_lock(&app->change_mu);
	{
		struct stack_world *next = build_world(app,
			stack_world_new(cJSON_Duplicate(stacks, true)), err);

		rc = next == NULL ? -1 : fg_store_stacks_commit(app->store, stacks, NULL, true, err);
		if (rc == 0)
			publish(app, next);
		else
			stack_world_rel(&next);
	}
	pthread_mutex_unlock(&app->change_mu);
	return rc;
}

int fg_app_reset(struct fg_app *app, struct fg_err *err)
{
	int rc;

	pthread_mutex_lock(&app->change_mu);
	struct stack_world *next = build_world(app, stack_world_new(NULL), err);

	rc = next == NULL ? -1 : fg_store_stacks_commit(app->store, NULL, NULL, true, err);
	if (rc != 0)
		stack_world_rel(&next);
	if (rc == 0) {
		publish(app, next);
		fg_tracelog_clear(app->tracelog);
		fg_clock_set_real(&app->clock);
	}
	pthread_mutex_unlock(&app->change_mu);
	return rc;
}
