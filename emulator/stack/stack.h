/*
 * stack: deploying CloudFormation templates as stacks.
 *
 * - The resource type registry (stack_registry.c): each emulated type registers validate /
 *   create / update / delete callbacks. A type nobody registered is accepted, given an
 *   AWS-shaped deterministic physical id, and listed in the stack's Warnings as not emulated.
 * - The world (stack_world.c): the immutable set of deployed stacks that the data plane
 *   reads. A control-plane change builds a new world and the owner swaps it in whole.
 * - The deployer (stack_deploy.c): template + parameters -> a new stack document and a new
 *   world, or an error naming the resource and property. It never touches the current world,
 *   so a failed deployment changes nothing (all-or-nothing by construction).
 *
 * A stack document (what the store keeps and GET /state returns):
 *   {"Name","StackId","Account","Region","Status","CreatedAt","UpdatedAt",
 *    "Template":{...},"Parameters":{...},"NoEcho":[...],"Outputs":{...},"Exports":{...},
 *    "Imports":[...],"Warnings":[...],
 *    "Resources":[{"LogicalId","Type","PhysicalId","Attributes":{},"Properties":{},
 *                  "Metadata":{},"State":{},"Emulated":bool}]}
 */
#ifndef FG_STACK_H
#define FG_STACK_H

#include <cjson/cJSON.h>

#include "core/core.h"

/* ------------------------------------------------------------ stack_world.c */

struct stack_world;

/* Takes ownership of stacks (an array of stack documents; NULL = empty). */
struct stack_world *stack_world_new(cJSON *stacks);
struct stack_world *stack_world_ref(struct stack_world *w);
void stack_world_rel(struct stack_world **wp);
/* Borrowed views, valid while the caller holds a reference. */
const cJSON *stack_world_stacks(const struct stack_world *w);
const cJSON *stack_world_find(const struct stack_world *w, const char *name);
/*
 * A new world without compiled views: w's stacks with the stack called name replaced by doc
 * or added (doc != NULL, ownership taken) or removed (doc NULL). The other stacks' documents
 * are shared with w, not copied. name NULL: the same stacks as w.
 */
struct stack_world *stack_world_with(const struct stack_world *w, const char *name, cJSON *doc);
/* Which stack exports this name ("" when none); and which stacks import it (new array). */
const char *stack_world_exporter(const struct stack_world *w, const char *export_name,
				 const cJSON **value);
cJSON *stack_world_importers(const struct stack_world *w, const char *export_name);

/*
 * Compiled views of a world (a service's route tables, zone tables, ...), attached in slots
 * before the world is published and freed with it. A slot is set once, by its owner.
 */
#define STACK_WORLD_SLOTS 16
typedef void (*stack_slot_free_f)(void *p);
void stack_world_set_slot(struct stack_world *w, unsigned slot, void *p, stack_slot_free_f f);
void *stack_world_slot(const struct stack_world *w, unsigned slot);

/* --------------------------------------------------------- stack_registry.c */

struct stack_index;

/* What a type callback sees about the resource it is asked about. */
struct stack_rctx {
	const char *stack_name;
	const char *account;
	const char *region;
	const char *logical_id;
	const char *type;
	const cJSON *metadata;           /* the resource's Metadata (may be NULL) */
	const cJSON *previous;           /* update: the resource's previous document */
	const struct stack_world *world; /* the stacks as they are before this change */
	const cJSON *deployed;           /* this stack's resources deployed so far in this change
					  * (array of resource documents, dependency order) */
	cJSON *warnings;                 /* append strings for things accepted but not emulated */
	void *svc;                       /* the arg the type was registered with */
	int64_t now_ms;                  /* the emulator clock when the change started */
	struct stack_index *index;       /* the change's lookups (stack_index.c); NULL: scans */
};

/* ----------------------------------------------------------- stack_index.c */

/*
 * The resource of this type with this physical id: first among this stack's resources
 * deployed so far, then in the other stacks of the world. NULL when there is none.
 */
const cJSON *stack_rctx_find(const struct stack_rctx *ctx, const char *type,
			     const char *physical_id);
/*
 * Calls f on every resource of this type whose Properties.<property> is the string value:
 * this stack's resources deployed so far in the change (in order), then the other stacks'
 * (in world order). f returns true to stop; the resource it stopped on is returned, else NULL.
 * Both lookups are hashed per change (the first question about a (type, property) indexes
 * the world once), so checking each of N resources against the others stays linear.
 */
typedef bool (*stack_visit_f)(const cJSON *res, void *arg);
const cJSON *stack_rctx_each(const struct stack_rctx *ctx, const char *type,
			     const char *property, const char *value, stack_visit_f f, void *arg);
/* The same for the resources whose Properties.<p1> is v1 and Properties.<p2> is v2. */
const cJSON *stack_rctx_each2(const struct stack_rctx *ctx, const char *type,
			      const char *p1, const char *v1, const char *p2, const char *v2,
			      stack_visit_f f, void *arg);
/* The deployer makes one index per change and frees it. */
struct stack_index *stack_index_new(void);
void stack_index_free(struct stack_index **xp);

struct stack_rtype {
	const char *type; /* "AWS::ApiGateway::RestApi" */
	/* AWS validation of the resolved properties. May be NULL. */
	int (*validate)(struct stack_rctx *ctx, const cJSON *props, struct fg_err *err);
	/*
	 * Sets physical_id (up to 255 chars), adds attributes (for Fn::GetAtt) to attrs, and may
	 * add to state whatever the service keeps with the resource for itself (for example the
	 * snapshot a Deployment takes of its API): stored as the resource's "State", never shown
	 * by GET /stacks and not reachable with Fn::GetAtt. A physical id pinned with
	 * Metadata.Frontgate.Id is already in physical_id on entry.
	 */
	int (*create)(struct stack_rctx *ctx, const cJSON *props, char physical_id[256],
		      cJSON *attrs, cJSON *state, struct fg_err *err);
	/* May be NULL: then an update is a create that keeps the previous physical id.
	 * ctx->previous is the resource's previous document (with its State). */
	int (*update)(struct stack_rctx *ctx, const cJSON *props, char physical_id[256],
		      cJSON *attrs, cJSON *state, struct fg_err *err);
	/* May be NULL. Refusing (returning -1) stops the whole change. */
	int (*remove)(struct stack_rctx *ctx, const cJSON *resource, struct fg_err *err);
};

struct stack_registry;

struct stack_registry *stack_registry_new(void);
void stack_registry_destroy(struct stack_registry **rp);
/* The type struct is borrowed (static in its service); svc is passed back in ctx->svc. */
void stack_registry_add(struct stack_registry *r, const struct stack_rtype *t, void *svc);
const struct stack_rtype *stack_registry_find(const struct stack_registry *r, const char *type,
					      void **svc);

/*
 * The AWS-shaped default physical id CloudFormation gives a resource it names itself:
 * "{stack}-{logical}-{13 upper-case alphanumerics}", derived deterministically from account,
 * region, stack and logical id (so fixtures have stable names from run to run).
 */
void stack_default_physical_id(const struct stack_rctx *ctx, char out[256]);
/* Deterministic random-looking id: n chars from alphabet, seeded by the resource identity. */
void stack_derived_id(const struct stack_rctx *ctx, const char *salt, const char *alphabet,
		      size_t n, char *out);

/* ----------------------------------------------------------- stack_schema.c */

/*
 * CloudFormation's schema-check error: "Properties validation failed for resource X with
 * message: <fmt>", status 400, at Resources.X.Properties[.property] (property may be ""/NULL).
 */
int stack_schema_err(const struct stack_rctx *c, struct fg_err *err, const char *property,
		     const char *fmt, ...) FG_PRINTF(4, 5);
/*
 * A service API error relayed by CloudFormation's resource handler: "Resource handler returned
 * message: \"<fmt> (Service: <service>, Status Code: <aws_status>)\" (HandlerErrorCode: ...)".
 * The control API answers 409 for an AWS 409 and 400 otherwise; code is the error code.
 */
int stack_handler_err(const struct stack_rctx *c, struct fg_err *err, const char *service,
		      int aws_status, const char *code, const char *property, const char *fmt, ...)
	FG_PRINTF(7, 8);
/* "String", "Integer", "Boolean", "JSONArray", "JSONObject", "Null": schema type names. */
const char *stack_json_kind(const cJSON *v);
/* Typed readers answering with the schema messages; "where" is the path used in them. */
int stack_require_keys(const struct stack_rctx *c, const cJSON *props,
		       const char *const *keys /* NULL-terminated */, struct fg_err *err);
int stack_need_str(const struct stack_rctx *c, const cJSON *props, const char *k,
		   const char **out, struct fg_err *err);
int stack_opt_str(const struct stack_rctx *c, const cJSON *props, const char *k,
		  const char *where, const char **out, struct fg_err *err);
/* true/false, or the strings "true"/"false" as CloudFormation accepts. */
int stack_opt_bool(const struct stack_rctx *c, const cJSON *props, const char *k, bool *out,
		   struct fg_err *err);
/* A number or a numeric string; *out is left alone when the key is absent. */
int stack_opt_int(const struct stack_rctx *c, const cJSON *props, const char *k,
		  const char *where, long long *out, struct fg_err *err);
/* A map of strings (templates, parameters, variables); absent is fine. */
int stack_opt_str_map(const struct stack_rctx *c, const cJSON *props, const char *k,
		      const char *where, struct fg_err *err);
/* Adds "Resources.<logical id>: <message>" to the stack's warnings. */
void stack_warn(const struct stack_rctx *c, const char *fmt, ...) FG_PRINTF(2, 3);

/* ----------------------------------------------------------- stack_deploy.c */

struct stack_request {
	const char *name;
	const char *account;        /* NULL: keep the existing stack's, else the default */
	const char *region;
	const cJSON *template;      /* borrowed, parsed */
	const cJSON *parameters;    /* borrowed object name -> value; may be NULL */
	int64_t now_ms;
};

struct stack_defaults {
	const char *account;
	const char *region;
};

/*
 * Deploys (creates or updates) one stack against world. On success *doc_out is the new stack
 * document (a new tree, caller frees) and *next_out the new world without compiled views
 * (stack_world_with: it shares the other stacks with world; caller releases); *created says
 * whether the stack is new. On failure nothing is returned and err names the resource and
 * property.
 */
int stack_deploy(const struct stack_registry *reg, const struct stack_defaults *def,
		 const struct stack_world *world, const struct stack_request *req,
		 cJSON **doc_out, struct stack_world **next_out, bool *created,
		 struct fg_err *err);

/*
 * Deletes a stack: 404 when absent; 409 while another stack imports one of its exports; a
 * type's remove callback may refuse. On success *next_out is the new world (as above).
 */
int stack_delete(const struct stack_registry *reg, const struct stack_world *world,
		 const char *name, struct stack_world **next_out, struct fg_err *err);

/* Stack names: [a-zA-Z][-a-zA-Z0-9]*, at most 128 characters (CloudFormation's rule). */
bool stack_name_valid(const char *name, struct fg_err *err);

/* The public view of a stack (GET /stacks/{name}): NoEcho values masked, no template. */
cJSON *stack_public_view(const cJSON *doc);

#endif
