/*
 * app: one frontgate instance's state and its control-plane operations.
 *
 * An app owns the clock, the log, the store, the resource type registry, the trace log and
 * the current world (the deployed stacks the data plane reads). Every control-plane change
 * goes through here: it is computed against the current world (stack/), written to the store
 * in one transaction, and only then published as the new world. Changes are serialised by one
 * mutex; readers take a reference to the world and never wait for a change to finish.
 *
 * There is no global state: two apps can live in one process.
 */
#ifndef FG_APP_H
#define FG_APP_H

#include <cjson/cJSON.h>

#include "core/core.h"
#include "iface/resolve.h"
#include "main/service.h"
#include "stack/stack.h"
#include "store/store.h"
#include "trace/trace.h"

struct fg_app;

struct fg_app_config {
	const char *db_path;        /* file path or ":memory:" */
	const char *account;        /* default account for stacks */
	const char *region;         /* default region for stacks */
	size_t trace_limit;         /* traces kept */
	enum fg_log_level log_level;
};

int fg_app_new(const struct fg_app_config *cfg, struct fg_app **out, struct fg_err *err);
void fg_app_destroy(struct fg_app **ap);

struct fg_clock *fg_app_clock(struct fg_app *app);
struct fg_log *fg_app_log(struct fg_app *app);
struct fg_tracelog *fg_app_tracelog(struct fg_app *app);
struct fg_store *fg_app_store(struct fg_app *app);
struct stack_registry *fg_app_registry(struct fg_app *app);
const char *fg_app_db_path(const struct fg_app *app);

/*
 * Adds a service (borrowed; it outlives the app) and rebuilds the current world's views so
 * the service has one. *slot = the world slot holding the service's view
 * (stack_world_slot), for interfaces that are handed a world. Services are added at start-up, before any request is served.
 */
int fg_app_add_service(struct fg_app *app, const struct fg_service *svc, unsigned *slot,
		       struct fg_err *err);
size_t fg_app_nservices(const struct fg_app *app);

/* The name resolver (Route 53's, wired by instance.c) for the control API's GET /resolve;
 * NULL when none is wired. Borrowed: it outlives the app. Set at start-up. */
void fg_app_set_resolver(struct fg_app *app, const struct fg_resolver *r);
const struct fg_resolver *fg_app_resolver(const struct fg_app *app);
const struct fg_service *fg_app_service(const struct fg_app *app, size_t i);

/* The current world, referenced: release with stack_world_rel. Service i's view of it is
 * stack_world_slot(w, i). */
struct stack_world *fg_app_world(struct fg_app *app);

/*
 * Start-up: from fg_app_defer_views to fg_app_publish_views, changes (services added, stacks
 * deployed) publish worlds without compiled views, and fg_app_publish_views compiles every
 * service's view once. Each compile covers every stack, so loading N fixtures one compile
 * apiece cost N compiles of a growing world. Deployments only read stack documents, never
 * views; nothing may serve requests in between (the listeners are not started yet).
 */
void fg_app_defer_views(struct fg_app *app);
int fg_app_publish_views(struct fg_app *app, struct fg_err *err);

/*
 * Creates or updates a stack. *view = the stack's public view (new tree; view may be NULL
 * when the caller does not want it). All-or-nothing: on error the store and the world are
 * unchanged.
 */
int fg_app_deploy(struct fg_app *app, const struct stack_request *req, cJSON **view,
		  bool *created, struct fg_err *err);
int fg_app_delete(struct fg_app *app, const char *name, struct fg_err *err);

/* {"Version":1,"Stacks":[stack documents]} (new tree). */
cJSON *fg_app_state_get(struct fg_app *app);
/* Replaces every stack with the ones in state, exactly as they are; all-or-nothing. */
int fg_app_state_put(struct fg_app *app, const cJSON *state, struct fg_err *err);
/* Empties the state: no stacks, no traces, real clock. */
int fg_app_reset(struct fg_app *app, struct fg_err *err);

#endif
