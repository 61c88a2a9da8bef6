/*
 * stack_deploy.c: turns a template and parameters into a stack document and the next world.
 *
 * The steps mirror CloudFormation: resolve parameters and conditions (cfn_prepare), then walk
 * the resources in dependency order, evaluating each one's properties with the intrinsic
 * functions, asking its type to validate and create (or update) it, and recording its
 * physical id and attributes for the resources after it; then outputs and exports, and the
 * cross-stack export/import rules. Nothing outside the returned trees is modified, so an
 * error at any step leaves the current world exactly as it was.
 */
#include "stack/stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfn/cfn.h"

/*
 * Logical id -> resource document, hashed: cJSON objects find keys by scanning, which made
 * each reference to an earlier resource cost the number of resources (quadratic deploys).
 * Keys and values are borrowed.
 */
struct idmap {
	struct idmap_slot {
		const char *key;
		const cJSON *v;
	} *slot;
	size_t cap, n;
};

static uint64_t idmap_hash(const char *k)
{
	uint64_t h = 1469598103934665603ULL;

	for (const unsigned char *p = (const unsigned char *)k; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static struct idmap_slot *idmap_slot(const struct idmap *m, const char *k)
{
	size_t i;

	for (i = idmap_hash(k) & (m->cap - 1); m->slot[i].key != NULL; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->slot[i].key, k) == 0)
			break;
	return &m->slot[i];
}

/* Adds k -> v unless k is there already (the first one stays, as a scan would find it). */
static void idmap_put(struct idmap *m, const char *k, const cJSON *v)
{
	struct idmap_slot *e;

	if ((m->n + 1) * 2 > m->cap) {
		struct idmap bigger = { NULL, m->cap ? m->cap * 2 : 32, 0 };

		bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
		FG_ASSERT(bigger.slot != NULL);
		for (size_t i = 0; i < m->cap; i++)
			if (m->slot[i].key != NULL)
				idmap_put(&bigger, m->slot[i].key, m->slot[i].v);
		free(m->slot);
		*m = bigger;
	}
	e = idmap_slot(m, k);
	if (e->key == NULL) {
		*e = (struct idmap_slot){ k, v };
		m->n++;
	}
}

static const cJSON *idmap_get(const struct idmap *m, const char *k)
{
	return m->cap ? idmap_slot(m, k)->v : NULL;
}

static void idmap_free(struct idmap *m)
{
	free(m->slot);
	memset(m, 0, sizeof(*m));
}

struct deploy {
	const struct stack_registry *reg;
	const struct stack_world *world;
	const struct stack_request *req;
	const cJSON *prev;       /* the stack's previous document, NULL on create */
	const char *account, *region;
	struct idmap by_id;      /* logical id -> resource document (in the new stack) */
	struct idmap tpl_by_id;  /* logical id -> the template's resource */
	struct idmap prev_by_id; /* logical id -> the previous stack's resource */
	const cJSON *resources;  /* the new stack's resources deployed so far */
	cJSON *warnings;
	cJSON *imports;
	struct cfn_stack cs;
	struct stack_index *index;  /* the change's lookups */
};

/* ------------------------------------------------------- not-emulated types */

/* "AWS::IAM::Role" -> service "iam", tail "Role". */
static void type_parts(const char *type, char *svc, size_t svcn, const char **tail)
{
	const char *a = strstr(type, "::");
	const char *b = a ? strstr(a + 2, "::") : NULL;
	size_t i = 0;

	*tail = b ? b + 2 : type;
	if (a == NULL || b == NULL) {
		snprintf(svc, svcn, "unknown");
		return;
	}
	for (const char *p = a + 2; p < b && i + 1 < svcn; p++)
		svc[i++] = (char)((*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
	svc[i] = '\0';
}

/* A type's own name property (RoleName, BucketName, FunctionName, ...) names the resource. */
static const char *own_name(const char *type, const cJSON *props)
{
	const char *tail;
	char svc[64], key[128];
	const cJSON *v;

	type_parts(type, svc, sizeof(svc), &tail);
	snprintf(key, sizeof(key), "%sName", tail);
	v = cJSON_GetObjectItemCaseSensitive(props, key);
	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static void generic_arn(struct deploy *d, const char *type, const char *physical, char *out,
			size_t n)
{
	char svc[64];
	const char *tail;

	type_parts(type, svc, sizeof(svc), &tail);
	if (strcmp(svc, "iam") == 0)
		snprintf(out, n, "arn:aws:iam::%s:%c%s/%s", d->account, tail[0] + 32, tail + 1,
			 physical);
	else if (strcmp(type, "AWS::S3::Bucket") == 0)
		snprintf(out, n, "arn:aws:s3:::%s", physical);
	else if (strcmp(type, "AWS::Lambda::Function") == 0)
		snprintf(out, n, "arn:aws:lambda:%s:%s:function:%s", d->region, d->account,
			 physical);
	else if (strcmp(type, "AWS::Logs::LogGroup") == 0)
		snprintf(out, n, "arn:aws:logs:%s:%s:log-group:%s:*", d->region, d->account,
			 physical);
	else
		snprintf(out, n, "arn:aws:%s:%s:%s:%c%s/%s", svc, d->region, d->account,
			 tail[0] + 32, tail + 1, physical);
}

/* Fn::GetAtt on a type frontgate does not emulate: Arn is AWS-shaped, the rest is a
 * placeholder that the Warnings say is one. */
static cJSON *not_emulated_attr(struct deploy *d, const cJSON *res, const char *attr)
{
	const char *type = cJSON_GetObjectItemCaseSensitive(res, "Type")->valuestring;
	const char *phys = cJSON_GetObjectItemCaseSensitive(res, "PhysicalId")->valuestring;
	const char *id = cJSON_GetObjectItemCaseSensitive(res, "LogicalId")->valuestring;
	char buf[768];

	if (strcmp(attr, "Arn") == 0) {
		generic_arn(d, type, phys, buf, sizeof(buf));
	} else if (strcmp(type, "AWS::S3::Bucket") == 0 && strcmp(attr, "DomainName") == 0) {
		snprintf(buf, sizeof(buf), "%s.s3.amazonaws.com", phys);
	} else if (strcmp(type, "AWS::S3::Bucket") == 0 &&
		   strcmp(attr, "RegionalDomainName") == 0) {
		snprintf(buf, sizeof(buf), "%s.s3.%s.amazonaws.com", phys, d->region);
	} else {
		char w[1024];

		snprintf(buf, sizeof(buf), "%s.%s", phys, attr);
		snprintf(w, sizeof(w),
			 "Resources.%s: Fn::GetAtt %s.%s on %s (not emulated) gives the "
			 "placeholder '%s'", id, id, attr, type, buf);
		cJSON_AddItemToArray(d->warnings, cJSON_CreateString(w));
	}
	cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(res, "Attributes"), attr, buf);
	return cJSON_CreateString(buf);
}

/* --------------------------------------------------------------- callbacks */

static int resolve_cb(void *arg, const char *id, const char *attr, cJSON **out,
		      struct fg_err *err)
{
	struct deploy *d = arg;
	const cJSON *res = idmap_get(&d->by_id, id);
	const cJSON *v;

	if (res == NULL) {
		fg_err_set(err, 400, "ValidationError",
			   "Template format error: Unresolved resource dependencies [%s] in the "
			   "Resources block of the template", id);
		return -1;
	}
	if (attr == NULL) {
		*out = cJSON_CreateString(
			cJSON_GetObjectItemCaseSensitive(res, "PhysicalId")->valuestring);
		return 0;
	}
	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(res, "Attributes"),
					     attr);
	if (v != NULL) {
		*out = cJSON_Duplicate(v, true);
		return 0;
	}
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "Emulated"))) {
		*out = not_emulated_attr(d, res, attr);
		return 0;
	}
	fg_err_set(err, 400, "ValidationError",
		   "Template error: resource %s does not support attribute type %s in Fn::GetAtt",
		   id, attr);
	return -1;
}

static int import_cb(void *arg, const char *name, cJSON **out, struct fg_err *err)
{
	struct deploy *d = arg;
	const cJSON *v = NULL;
	const char *exporter = stack_world_exporter(d->world, name, &v);
	const cJSON *it;

	if (exporter[0] == '\0' || strcmp(exporter, d->req->name) == 0) {
		fg_err_set(err, 400, "ValidationError", "No export named %s found.", name);
		return -1;
	}
	*out = cJSON_Duplicate(v, true);
	cJSON_ArrayForEach(it, d->imports) {
		if (strcmp(it->valuestring, name) == 0)
			return 0;
	}
	cJSON_AddItemToArray(d->imports, cJSON_CreateString(name));
	return 0;
}

/* ---------------------------------------------------------------- resources */

static const cJSON *prev_resource(const struct deploy *d, const char *id)
{
	return idmap_get(&d->prev_by_id, id);
}

static void rctx_init(struct deploy *d, struct stack_rctx *c, const char *id, const char *type,
		      const cJSON *metadata, void *svc)
{
	memset(c, 0, sizeof(*c));
	c->deployed = d->resources;
	c->stack_name = d->req->name;
	c->account = d->account;
	c->region = d->region;
	c->logical_id = id;
	c->type = type;
	c->metadata = metadata;
	c->world = d->world;
	c->warnings = d->warnings;
	c->svc = svc;
	c->now_ms = d->req->now_ms;
	c->index = d->index;
}

static const char *pinned_id(const cJSON *metadata)
{
	const cJSON *fg = cJSON_GetObjectItemCaseSensitive(metadata, "Frontgate");
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(fg, "Id");

	return cJSON_IsString(id) && id->valuestring[0] ? id->valuestring : NULL;
}

static int deploy_one(struct deploy *d, const char *id, cJSON *resources, struct fg_err *err)
{
	const cJSON *tres = idmap_get(&d->tpl_by_id, id);
	const char *type = cJSON_GetObjectItemCaseSensitive(tres, "Type")->valuestring;
	const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(tres, "Metadata");
	const cJSON *tprops = cJSON_GetObjectItemCaseSensitive(tres, "Properties");
	const cJSON *prev = prev_resource(d, id);
	const struct stack_rtype *t;
	struct stack_rctx c;
	void *svc = NULL;
	char path[300], phys[256] = "";
	cJSON *props, *attrs, *state, *res;
	int rc;

	snprintf(path, sizeof(path), "Resources.%s.Properties", id);
	props = tprops ? cfn_eval(&d->cs, tprops, path, err) : cJSON_CreateObject();
	if (props == NULL)
		return -1;
	if (!cJSON_IsObject(props)) {
		fg_err_set(err, 400, "ValidationError",
			   "Template format error: [/Resources/%s/Properties] must be an object", id);
		fg_err_at(err, id, path);
		cJSON_Delete(props);
		return -1;
	}
	if (prev != NULL &&
	    strcmp(cJSON_GetObjectItemCaseSensitive(prev, "Type")->valuestring, type) != 0)
		prev = NULL; /* a type change replaces the resource */
	t = stack_registry_find(d->reg, type, &svc);
	rctx_init(d, &c, id, type, metadata, svc);
	c.previous = prev;
	attrs = cJSON_CreateObject();
	state = cJSON_CreateObject();
	/* pinned id, then (for types frontgate names itself) the name property, then the id the
	 * resource already has, then CloudFormation's generated name */
	if (pinned_id(metadata) != NULL)
		snprintf(phys, sizeof(phys), "%s", pinned_id(metadata));
	else if (t == NULL && own_name(type, props) != NULL)
		snprintf(phys, sizeof(phys), "%s", own_name(type, props));
	else if (prev != NULL)
		snprintf(phys, sizeof(phys), "%s",
			 cJSON_GetObjectItemCaseSensitive(prev, "PhysicalId")->valuestring);
	if (t == NULL) {
		if (phys[0] == '\0')
			stack_default_physical_id(&c, phys);
		stack_warn(&c, "%s is not emulated (accepted and stored; frontgate does not act "
			   "on it)", type);
		rc = 0;
	} else {
		rc = t->validate ? t->validate(&c, props, err) : 0;
		if (rc == 0 && prev != NULL && t->update != NULL)
			rc = t->update(&c, props, phys, attrs, state, err);
		else if (rc == 0)
			rc = t->create(&c, props, phys, attrs, state, err);
	}
	if (rc != 0) {
		if (err->resource[0] == '\0')
			fg_err_at(err, id, NULL);
		if (err->property[0] == '\0')
			fg_err_at(err, NULL, path);
		cJSON_Delete(props);
		cJSON_Delete(attrs);
		cJSON_Delete(state);
		return -1;
	}
	res = cJSON_CreateObject();
	cJSON_AddStringToObject(res, "LogicalId", id);
	cJSON_AddStringToObject(res, "Type", type);
	cJSON_AddStringToObject(res, "PhysicalId", phys);
	cJSON_AddItemToObject(res, "Attributes", attrs);
	cJSON_AddItemToObject(res, "Properties", props);
	if (metadata != NULL)
		cJSON_AddItemToObject(res, "Metadata", cJSON_Duplicate(metadata, true));
	if (cJSON_GetArraySize(state) > 0)
		cJSON_AddItemToObject(res, "State", state);
	else
		cJSON_Delete(state);
	cJSON_AddBoolToObject(res, "Emulated", t != NULL);
	idmap_put(&d->by_id, id, res);
	cJSON_AddItemToArray(resources, res);
	return 0;
}

/* Resources of the previous stack that the new one no longer has are deleted. */
static int remove_dropped(struct deploy *d, struct fg_err *err)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(d->prev, "Resources")) {
		const char *id = cJSON_GetObjectItemCaseSensitive(r, "LogicalId")->valuestring;
		const char *type = cJSON_GetObjectItemCaseSensitive(r, "Type")->valuestring;
		const cJSON *now = idmap_get(&d->by_id, id);
		const struct stack_rtype *t;
		struct stack_rctx c;
		void *svc = NULL;

		if (now != NULL &&
		    strcmp(cJSON_GetObjectItemCaseSensitive(now, "Type")->valuestring, type) == 0)
			continue;
		t = stack_registry_find(d->reg, type, &svc);
		if (t == NULL || t->remove == NULL)
			continue;
		rctx_init(d, &c, id, type, cJSON_GetObjectItemCaseSensitive(r, "Metadata"), svc);
		if (t->remove(&c, r, err) != 0) {
			fg_err_at(err, id, NULL);
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ exports rules */

static int check_exports(struct deploy *d, const cJSON *exports, struct fg_err *err)
{
	const cJSON *e, *old;

	cJSON_ArrayForEach(e, exports) {
		const char *by = stack_world_exporter(d->world, e->string, NULL);

		if (by[0] != '\0' && strcmp(by, d->req->name) != 0) {
			fg_err_set(err, 409, "AlreadyExistsException",
				   "Export with name %s is already exported by stack %s", e->string,
				   by);
			fg_err_at(err, NULL, "Outputs");
			return -1;
		}
	}
	/* An export that another stack imports may neither disappear nor change. */
	cJSON_ArrayForEach(old, cJSON_GetObjectItemCaseSensitive(d->prev, "Exports")) {
		const cJSON *now = cJSON_GetObjectItemCaseSensitive(exports, old->string);
		cJSON *users;

		if (now != NULL && cJSON_Compare(now, old, true))
			continue;
		users = stack_world_importers(d->world, old->string);
		if (cJSON_GetArraySize(users) > 0) {
			char *list = cJSON_PrintUnformatted(users);

			if (now == NULL)
				fg_err_set(err, 409, "ValidationError",
					   "Export %s cannot be deleted as it is in use by %s",
					   old->string, list);
			else
				fg_err_set(err, 409, "ValidationError",
					   "Cannot update export %s as it is in use by %s",
					   old->string, list);
			fg_err_at(err, NULL, "Outputs");
			free(list);
			cJSON_Delete(users);
			return -1;
		}
		cJSON_Delete(users);
	}
	return 0;
}

/* ------------------------------------------------------------------ driver */

static void stack_id(struct deploy *d, char out[300])
{
	const char *prev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d->prev,
										 "StackId"));
	const char *parts[] = { d->account, d->region, d->req->name };
	char h[33];

	if (prev != NULL) {
		snprintf(out, 300, "%s", prev);
		return;
	}
	fg_id_from_hash(fg_hash64(parts, 3), "0123456789abcdef", 32, h);
	snprintf(out, 300, "arn:aws:cloudformation:%s:%s:stack/%s/%.8s-%.4s-%.4s-%.4s-%.12s",
		 d->region, d->account, d->req->name, h, h + 8, h + 12, h + 16, h + 20);
}

static cJSON *build_doc(struct deploy *d, const char *sid, cJSON *resources, cJSON *outputs,
			cJSON *exports)
{
	cJSON *doc = cJSON_CreateObject();
	char now[25];
	const char *created;

	fg_time_iso_ms(d->req->now_ms, now);
	created = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d->prev, "CreatedAt"));
	cJSON_AddStringToObject(doc, "Name", d->req->name);
	cJSON_AddStringToObject(doc, "StackId", sid);
	cJSON_AddStringToObject(doc, "Account", d->account);
	cJSON_AddStringToObject(doc, "Region", d->region);
	cJSON_AddStringToObject(doc, "Status", d->prev ? "UPDATE_COMPLETE" : "CREATE_COMPLETE");
	cJSON_AddStringToObject(doc, "CreatedAt", created ? created : now);
	cJSON_AddStringToObject(doc, "UpdatedAt", now);
	cJSON_AddItemToObject(doc, "Template", cJSON_Duplicate(d->req->template, true));
	cJSON_AddItemToObject(doc, "Parameters", cJSON_Duplicate(d->cs.params, true));
	cJSON_AddItemToObject(doc, "NoEcho", cJSON_Duplicate(d->cs.no_echo, true));
	cJSON_AddItemToObject(doc, "Outputs", outputs);
	cJSON_AddItemToObject(doc, "Exports", exports);
	cJSON_AddItemToObject(doc, "Imports", cJSON_Duplicate(d->imports, true));
	cJSON_AddItemToObject(doc, "Warnings", cJSON_Duplicate(d->warnings, true));
	cJSON_AddItemToObject(doc, "Resources", resources);
	return doc;
}

static int run(struct deploy *d, const struct stack_defaults *def, cJSON **doc_out,
	      struct fg_err *err)
{
	cJSON *resources = cJSON_CreateArray(), *outputs = NULL, *exports = NULL;
	char sid[300];
	const cJSON *w;

	d->resources = resources;
	d->account = d->req->account ? d->req->account
		: d->prev ? cJSON_GetObjectItemCaseSensitive(d->prev, "Account")->valuestring
			  : def->account;
	d->region = d->req->region ? d->req->region
		: d->prev ? cJSON_GetObjectItemCaseSensitive(d->prev, "Region")->valuestring
			  : def->region;
	if (d->prev != NULL &&
	    (strcmp(d->account, cJSON_GetObjectItemCaseSensitive(d->prev, "Account")->valuestring) ||
	     strcmp(d->region, cJSON_GetObjectItemCaseSensitive(d->prev, "Region")->valuestring))) {
		fg_err_set(err, 409, "ValidationError",
			   "Stack %s already exists in another account or region; delete it "
			   "before deploying it to %s/%s", d->req->name, d->account, d->region);
		goto fail;
	}
	stack_id(d, sid);
	d->cs.template = d->req->template;
	d->cs.stack_name = d->req->name;
	d->cs.stack_id = sid;
	d->cs.account = d->account;
	d->cs.region = d->region;
	d->cs.partition = "aws";
	d->cs.url_suffix = "amazonaws.com";
	d->cs.param_values = d->req->parameters;
	d->cs.resolve = resolve_cb;
	d->cs.resolve_arg = d;
	d->cs.import = import_cb;
	d->cs.import_arg = d;
	if (cfn_prepare(&d->cs, err) != 0)
		goto fail;
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(d->req->template, "Resources"))
		idmap_put(&d->tpl_by_id, w->string, w);
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(d->prev, "Resources"))
		idmap_put(&d->prev_by_id,
			  cJSON_GetObjectItemCaseSensitive(w, "LogicalId")->valuestring, w);
	cJSON_ArrayForEach(w, d->cs.warnings)
		cJSON_AddItemToArray(d->warnings, cJSON_Duplicate(w, true));
	for (size_t i = 0; i < d->cs.norder; i++) {
		if (deploy_one(d, d->cs.order[i], resources, err) != 0)
			goto fail;
	}
	if (remove_dropped(d, err) != 0 || cfn_outputs(&d->cs, &outputs, &exports, err) != 0 ||
	    check_exports(d, exports, err) != 0)
		goto fail;
	*doc_out = build_doc(d, sid, resources, outputs, exports);
	return 0;
fail:
	cJSON_Delete(resources);
	cJSON_Delete(outputs);
	cJSON_Delete(exports);
	return -1;
}

int stack_deploy(const struct stack_registry *reg, const struct stack_defaults *def,
		 const struct stack_world *world, const struct stack_request *req,
		 cJSON **doc_out, struct stack_world **next_out, bool *created,
		 struct fg_err *err)
{
	struct deploy d;
	int rc;

	*doc_out = NULL;
	*next_out = NULL;
	if (!stack_name_valid(req->name, err))
		return -1;
	memset(&d, 0, sizeof(d));
	d.reg = reg;
	d.world = world;
	d.req = req;
	d.prev = stack_world_find(world, req->name);
	d.warnings = cJSON_CreateArray();
	d.imports = cJSON_CreateArray();
	d.index = stack_index_new();
	rc = run(&d, def, doc_out, err);
	if (rc == 0) {
		*created = d.prev == NULL;
		*next_out = stack_world_with(world, req->name, cJSON_Duplicate(*doc_out, true));
	}
	cfn_stack_fini(&d.cs);
	stack_index_free(&d.index);
	idmap_free(&d.by_id);
	idmap_free(&d.tpl_by_id);
	idmap_free(&d.prev_by_id);
	cJSON_Delete(d.warnings);
	cJSON_Delete(d.imports);
	return rc;
}

int stack_delete(const struct stack_registry *reg, const struct stack_world *world,
		 const char *name, struct stack_world **next_out, struct fg_err *err)
{
	const cJSON *doc = stack_world_find(world, name), *e, *r;
	struct deploy d;

	*next_out = NULL;
	if (doc == NULL) {
		fg_err_set(err, 404, "ValidationError", "Stack with id %s does not exist", name);
		fg_err_at(err, name, NULL);
		return -1;
	}
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(doc, "Exports")) {
		cJSON *users = stack_world_importers(world, e->string);
		cJSON *u;
		bool other = false;

		cJSON_ArrayForEach(u, users)
			other |= strcmp(u->valuestring, name) != 0;
		if (other) {
			char *list = cJSON_PrintUnformatted(users);

			fg_err_set(err, 409, "ValidationError",
				   "Export %s cannot be deleted as it is in use by %s", e->string,
				   list);
			fg_err_at(err, name, NULL);
			free(list);
			cJSON_Delete(users);
			return -1;
		}
		cJSON_Delete(users);
	}
	memset(&d, 0, sizeof(d));
	d.world = world;
	d.account = cJSON_GetObjectItemCaseSensitive(doc, "Account")->valuestring;
	d.region = cJSON_GetObjectItemCaseSensitive(doc, "Region")->valuestring;
	d.index = stack_index_new();
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
		const char *type = cJSON_GetObjectItemCaseSensitive(r, "Type")->valuestring;
		void *svc = NULL;
		const struct stack_rtype *t = stack_registry_find(reg, type, &svc);
		struct stack_rctx c;
		struct stack_request req = { .name = name };

		if (t == NULL || t->remove == NULL)
			continue;
		d.req = &req;
		rctx_init(&d, &c, cJSON_GetObjectItemCaseSensitive(r, "LogicalId")->valuestring,
			  type, cJSON_GetObjectItemCaseSensitive(r, "Metadata"), svc);
		if (t->remove(&c, r, err) != 0) {
			fg_err_at(err, c.logical_id, NULL);
			stack_index_free(&d.index);
			return -1;
		}
	}
	stack_index_free(&d.index);
	*next_out = stack_world_with(world, name, NULL);
	return 0;
}

bool stack_name_valid(const char *name, struct fg_err *err)
{
	size_t n = strlen(name);
	bool good = n >= 1 && n <= 128 &&
		    ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'));

	for (size_t i = 1; good && i < n; i++) {
		char c = name[i];

		good = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		       c == '-';
	}
	if (n > 128) {
		fg_err_set(err, 400, "ValidationError",
			   "1 validation error detected: Value '%.128s...' at 'stackName' failed to "
			   "satisfy constraint: Member must have length less than or equal to 128",
			   name);
		fg_err_at(err, NULL, "stackName");
		return false;
	}
	if (!good) {
		fg_err_set(err, 400, "ValidationError",
			   "1 validation error detected: Value '%.128s' at 'stackName' failed to "
			   "satisfy constraint: Member must satisfy regular expression pattern: "
			   "[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*", name);
		fg_err_at(err, name, "stackName");
	}
	return good;
}

cJSON *stack_public_view(const cJSON *doc)
{
	static const char *const keys[] = { "Name", "StackId", "Account", "Region", "Status",
					     "CreatedAt", "UpdatedAt", "Parameters", "Outputs",
					     "Exports", "Warnings" };
	cJSON *v = cJSON_CreateObject(), *params, *resources;
	const cJSON *it;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(doc, keys[i]);

		if (x != NULL)
			cJSON_AddItemToObject(v, keys[i], cJSON_Duplicate(x, true));
	}
	params = cJSON_GetObjectItemCaseSensitive(v, "Parameters");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "NoEcho")) {
		if (cJSON_IsString(it) && cJSON_GetObjectItemCaseSensitive(params, it->valuestring))
			cJSON_ReplaceItemInObjectCaseSensitive(params, it->valuestring,
							       cJSON_CreateString("****"));
	}
	resources = cJSON_AddArrayToObject(v, "Resources");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
		cJSON *r = cJSON_CreateObject();
		static const char *const rk[] = { "LogicalId", "Type", "PhysicalId", "Attributes",
						  "Emulated" };

		for (size_t i = 0; i < sizeof(rk) / sizeof(rk[0]); i++)
			cJSON_AddItemToObject(r, rk[i], cJSON_Duplicate(
				cJSON_GetObjectItemCaseSensitive(it, rk[i]), true));
		cJSON_AddItemToArray(resources, r);
	}
	return v;
}
