/*
 * apigw_view.c: compiles a world into API Gateway's data-plane view.
 *
 * The view is a hash table of REST APIs by id; each API has its stages (Stage resources and
 * Deployment StageNames), and each stage points at its deployment compiled from the snapshot
 * the Deployment took (apigw_types.c): the resource tree (apigw_route.c), methods with their
 * integrations, gateway responses and the API settings of that moment. Deployments no stage
 * serves are not compiled.
 *
 * Strings are borrowed from the world (the view is freed with it); everything else lives in
 * the view's arena, except compiled selection patterns (regex_t), which are freed one by one.
 */
#include "apigw/apigw_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------ gateway response types */

static const struct {
	const char *name;
	int status;
	const char *error_type;
} GR[] = {
#define APIGW_GR_ROW(n, s, t) { #n, s, t },
	APIGW_GR_TYPES(APIGW_GR_ROW)
#undef APIGW_GR_ROW
};

const char *apigw_gr_name(enum apigw_gr g)
{
	return GR[g].name;
}

int apigw_gr_status(enum apigw_gr g)
{
	return GR[g].status;
}

const char *apigw_gr_error_type(enum apigw_gr g)
{
	return GR[g].error_type;
}

int apigw_gr_parse(const char *name)
{
	for (int i = 0; i < APIGW_GR_N; i++) {
		if (strcmp(GR[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* ------------------------------------------------------------------ maps */

const char *apigw_map_get(const struct apigw_map *m, const char *k)
{
	for (size_t i = 0; m != NULL && i < m->n; i++) {
		if (strcmp(m->v[i].k, k) == 0)
			return m->v[i].v;
	}
	return NULL;
}

const char *apigw_map_getci(const struct apigw_map *m, const char *k)
{
	for (size_t i = 0; m != NULL && i < m->n; i++) {
		if (strcasecmp(m->v[i].k, k) == 0)
			return m->v[i].v;
	}
	return NULL;
}

static const cJSON *prop(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *pstr(const cJSON *o, const char *k)
{
	const cJSON *v = prop(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* An object of strings (booleans and numbers as text) as a map. */
static struct apigw_map map_of(struct apigw_view *v, const cJSON *o)
{
	struct apigw_map m = { NULL, 0 };
	struct apigw_kv *kv;
	const cJSON *it;
	size_t n = 0;

	if (!cJSON_IsObject(o) || (n = (size_t)cJSON_GetArraySize(o)) == 0)
		return m;
	kv = fg_arena_alloc(v->arena, n * sizeof(*kv));
	cJSON_ArrayForEach(it, o) {
		kv[m.n].k = it->string;
		if (cJSON_IsString(it))
			kv[m.n].v = it->valuestring;
		else if (cJSON_IsBool(it))
			kv[m.n].v = cJSON_IsTrue(it) ? "true" : "false";
		else if (cJSON_IsNumber(it))
			kv[m.n].v = fg_arena_printf(v->arena, "%g", it->valuedouble);
		else
			continue;
		m.n++;
	}
	m.v = kv;
	return m;
}

static int int_of(const cJSON *v, int def)
{
	if (cJSON_IsNumber(v))
		return (int)v->valuedouble;
	if (cJSON_IsString(v) && v->valuestring[0])
		return (int)strtol(v->valuestring, NULL, 10);
	return def;
}

/* ------------------------------------------------------------ selection patterns */

static void keep_regex(struct apigw_view *v, regex_t *re)
{
	if (v->nregs == v->capregs) {
		v->capregs = v->capregs ? v->capregs * 2 : 16;
		v->regs = realloc(v->regs, v->capregs * sizeof(*v->regs));
		FG_ASSERT(v->regs != NULL);
	}
	v->regs[v->nregs++] = re;
}

/* AWS selection patterns are Java regular expressions matched against the whole value; POSIX
 * ERE lacks \d, \w and \s, so those become classes. NULL when it does not compile. */
static regex_t *compile_pattern(struct apigw_view *v, const char *pat)
{
	struct fg_buf b;
	regex_t *re;

	fg_buf_init(&b);
	fg_buf_puts(&b, "^(");
	for (const char *p = pat; *p; p++) {
		if (p[0] == '\\' && p[1]) {
			const char *cls = NULL;

			switch (p[1]) {
			case 'd': cls = "[0-9]"; break;
			case 'D': cls = "[^0-9]"; break;
			case 'w': cls = "[A-Za-z0-9_]"; break;
			case 'W': cls = "[^A-Za-z0-9_]"; break;
			case 's': cls = "[[:space:]]"; break;
			case 'S': cls = "[^[:space:]]"; break;
			default: break;
			}
			if (cls != NULL) {
				fg_buf_puts(&b, cls);
			} else {
				fg_buf_append(&b, p, 2);
			}
			p++;
			continue;
		}
		fg_buf_append(&b, p, 1);
	}
	fg_buf_puts(&b, ")$");
	re = calloc(1, sizeof(*re));
	FG_ASSERT(re != NULL);
	if (regcomp(re, b.data, REG_EXTENDED | REG_NOSUB) != 0) {
		free(re);
		re = NULL;
	} else {
		keep_regex(v, re);
	}
	fg_buf_free(&b);
	return re;
}

/* ---------------------------------------------------------------- methods */

static enum apigw_integ_type integ_type(const char *t)
{
	if (t == NULL || strcmp(t, "MOCK") == 0)
		return APIGW_INTEG_MOCK;
	if (strcmp(t, "AWS_PROXY") == 0)
		return APIGW_INTEG_AWS_PROXY;
	if (strcmp(t, "HTTP_PROXY") == 0)
		return APIGW_INTEG_HTTP_PROXY;
	if (strcmp(t, "HTTP") == 0)
		return APIGW_INTEG_HTTP;
	return APIGW_INTEG_AWS;
}

static void integ_compile(struct apigw_view *v, const cJSON *ip, struct apigw_integ *in)
{
	const cJSON *list = prop(ip, "IntegrationResponses"), *ir;
	const char *pt = pstr(ip, "PassthroughBehavior");
	struct apigw_iresp *out;
	size_t n = (size_t)cJSON_GetArraySize(list);

	in->type = integ_type(pstr(ip, "Type"));
	in->http_method = pstr(ip, "IntegrationHttpMethod") ? pstr(ip, "IntegrationHttpMethod")
							    : "";
	in->uri = pstr(ip, "Uri") ? pstr(ip, "Uri") : "";
	in->timeout_ms = int_of(prop(ip, "TimeoutInMillis"), 29000);
	in->passthrough = pt == NULL || strcmp(pt, "WHEN_NO_MATCH") == 0 ? APIGW_PASS_WHEN_NO_MATCH
			  : strcmp(pt, "NEVER") == 0 ? APIGW_PASS_NEVER
						     : APIGW_PASS_WHEN_NO_TEMPLATES;
	in->params = map_of(v, prop(ip, "RequestParameters"));
	in->templates = map_of(v, prop(ip, "RequestTemplates"));
	out = n ? fg_arena_alloc(v->arena, n * sizeof(*out)) : NULL;
	in->niresp = 0;
	cJSON_ArrayForEach(ir, list) {
		struct apigw_iresp *r = &out[in->niresp++];
		const char *pat = pstr(ir, "SelectionPattern");

		r->status = int_of(prop(ir, "StatusCode"), 200);
		r->pattern = pat && pat[0] ? pat : NULL;
		r->re = r->pattern ? compile_pattern(v, r->pattern) : NULL;
		r->params = map_of(v, prop(ir, "ResponseParameters"));
		r->templates = map_of(v, prop(ir, "ResponseTemplates"));
	}
	in->iresp = out;
}

static struct apigw_method *method_compile(struct apigw_view *v, const cJSON *props)
{
	struct apigw_method *m = fg_arena_alloc(v->arena, sizeof(*m));
	const char *auth = pstr(props, "AuthorizationType");
	const cJSON *key = prop(props, "ApiKeyRequired");

	memset(m, 0, sizeof(*m));
	m->verb = pstr(props, "HttpMethod");
	m->auth = auth == NULL || strcmp(auth, "NONE") == 0 ? APIGW_AUTH_NONE
		  : strcmp(auth, "AWS_IAM") == 0 ? APIGW_AUTH_IAM
		  : strcmp(auth, "CUSTOM") == 0 ? APIGW_AUTH_CUSTOM
						 : APIGW_AUTH_COGNITO;
	m->api_key_required = cJSON_IsTrue(key) ||
			      (cJSON_IsString(key) && strcmp(key->valuestring, "true") == 0);
	integ_compile(v, prop(props, "Integration"), &m->integ);
	return m;
}

/* ------------------------------------------------------------------ trees */

struct tree {
	struct apigw_view *v;
	struct apigw_node *root;
	struct apigw_node **order;   /* the nodes in snapshot order */
	size_t *byid;                /* indexes into order, sorted by id */
	long *parent;                /* index of each node's parent; -1 root; -2 unknown */
	size_t n;
};

static int tree_cmp_id(const struct tree *t, const char *id, size_t i)
{
	return strcmp(id, t->order[i]->id);
}

/* The index of the resource with this id: -1 for the root, -2 when there is none. */
static long tree_find(const struct tree *t, const char *id)
{
	size_t lo = 0, hi = t->n;

	if (id == NULL)
		return -2;
	if (strcmp(t->root->id, id) == 0)
		return -1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = tree_cmp_id(t, id, t->byid[mid]);

		if (c == 0)
			return (long)t->byid[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -2;
}

static struct apigw_node *tree_node(const struct tree *t, long i)
{
	return i == -1 ? t->root : i >= 0 ? t->order[i] : NULL;
}

/* Sorting the index array needs the tree; qsort has no context argument, so sort by hand
 * (heap sort: no recursion, n log n). */
static void sift(struct tree *t, size_t *a, size_t start, size_t end)
{
	size_t root = start;

	while (2 * root + 1 <= end) {
		size_t child = 2 * root + 1, sw = root;

		if (strcmp(t->order[a[sw]]->id, t->order[a[child]]->id) < 0)
			sw = child;
		if (child + 1 <= end &&
		    strcmp(t->order[a[sw]]->id, t->order[a[child + 1]]->id) < 0)
			sw = child + 1;
		if (sw == root)
			return;
		size_t tmp = a[root];

		a[root] = a[sw];
		a[sw] = tmp;
		root = sw;
	}
}

static void sort_byid(struct tree *t)
{
	size_t *a = t->byid, n = t->n;

	if (n < 2)
		return;
	for (size_t s = (n - 2) / 2 + 1; s-- > 0;)
		sift(t, a, s, n - 1);
	for (size_t end = n - 1; end > 0; end--) {
		size_t tmp = a[0];

		a[0] = a[end];
		a[end] = tmp;
		sift(t, a, 0, end - 1);
	}
}

/* The full path of a node, computed once; NULL for a node whose ancestry is broken. */
static const char *node_path(struct tree *t, size_t i, int depth)
{
	struct apigw_node *n = t->order[i];
	long p = t->parent[i];

	if (n->path != NULL || depth > 300 || p == -2)
		return n->path;
	if (p >= 0 && node_path(t, (size_t)p, depth + 1) == NULL)
		return NULL;
	n->path = p == -1 ? fg_arena_printf(t->v->arena, "/%s", n->part)
			  : fg_arena_printf(t->v->arena, "%s/%s", t->order[p]->path, n->part);
	return n->path;
}

static void node_init(struct apigw_node *n, const char *id, const char *part)
{
	size_t len = strlen(part);

	memset(n, 0, sizeof(*n));
	n->id = id;
	n->part = part;
	if (len >= 3 && part[0] == '{' && part[len - 2] == '+' && part[len - 1] == '}')
		n->kind = APIGW_SEG_GREEDY;
	else if (len >= 2 && part[0] == '{' && part[len - 1] == '}')
		n->kind = APIGW_SEG_PARAM;
	else
		n->kind = APIGW_SEG_LITERAL;
}

static void tree_build(struct tree *t, const cJSON *resources)
{
	const cJSON *r;
	size_t i = 0;

	t->n = (size_t)cJSON_GetArraySize(resources);
	t->order = fg_arena_alloc(t->v->arena, (t->n + 1) * sizeof(*t->order));
	t->byid = fg_arena_alloc(t->v->arena, (t->n + 1) * sizeof(*t->byid));
	t->parent = fg_arena_alloc(t->v->arena, (t->n + 1) * sizeof(*t->parent));
	cJSON_ArrayForEach(r, resources) {
		struct apigw_node *n = fg_arena_alloc(t->v->arena, sizeof(*n));
		const char *part = pstr(r, "PathPart");

		node_init(n, pstr(r, "Id") ? pstr(r, "Id") : "", part ? part : "");
		if (n->kind != APIGW_SEG_LITERAL) {
			size_t len = strlen(n->part);

			n->param = fg_arena_strndup(t->v->arena, n->part + 1,
						    len - (n->kind == APIGW_SEG_GREEDY ? 3 : 2));
		}
		t->order[i] = n;
		t->byid[i] = i;
		i++;
	}
	sort_byid(t);
	i = 0;
	cJSON_ArrayForEach(r, resources) {
		t->parent[i] = tree_find(t, pstr(r, "ParentId"));
		if (t->parent[i] == (long)i)
			t->parent[i] = -2;
		i++;
	}
	for (i = 0; i < t->n; i++)
		node_path(t, i, 0);
}

/* Children: count the literals of each parent, allocate, then place them. */
static void tree_children(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct apigw_node *p = tree_node(t, t->parent[i]), *c = t->order[i];

		if (c->path == NULL || p == NULL)
			continue;
		if (c->kind == APIGW_SEG_LITERAL)
			p->nlits++;
		else if (p->var == NULL)
			p->var = c;
	}
	for (long i = -1; i < (long)t->n; i++) {
		struct apigw_node *p = tree_node(t, i);

		if (p->nlits > 0) {
			p->lits = fg_arena_alloc(t->v->arena, p->nlits * sizeof(*p->lits));
			p->nlits = 0;
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		struct apigw_node *p = tree_node(t, t->parent[i]), *c = t->order[i];

		if (c->path != NULL && p != NULL && c->kind == APIGW_SEG_LITERAL)
			p->lits[p->nlits++] = c;
	}
}

static void methods_attach(struct tree *t, const cJSON *methods)
{
	const cJSON *mp;

	cJSON_ArrayForEach(mp, methods) {
		struct apigw_node *n = tree_node(t, tree_find(t, pstr(mp, "ResourceId")));
		const char *verb = pstr(mp, "HttpMethod");
		int vi = verb ? apigw_verb(verb) : -1;

		if (n == NULL || vi < 0 || (n != t->root && n->path == NULL))
			continue;
		if (n->methods[vi] == NULL)
			n->methods[vi] = method_compile(t->v, mp);
	}
}

static void gateway_responses(struct apigw_view *v, struct apigw_deployment *d,
			      const cJSON *list)
{
	const cJSON *g;

	cJSON_ArrayForEach(g, list) {
		const char *type = pstr(g, "ResponseType");
		int gi = type ? apigw_gr_parse(type) : -1;
		struct apigw_gwresp *gr;

		if (gi < 0)
			continue;
		gr = &d->gr[gi];
		gr->set = true;
		gr->status = int_of(prop(g, "StatusCode"), 0);
		gr->params = map_of(v, prop(g, "ResponseParameters"));
		gr->templates = map_of(v, prop(g, "ResponseTemplates"));
	}
}

struct apigw_deployment *apigw_view_deployment(struct apigw_view *v, const char *id,
					       const cJSON *snap, struct fg_err *err)
{
	struct apigw_deployment *d;
	struct tree t;
	const cJSON *bmt = prop(snap, "BinaryMediaTypes"), *it;
	const char *ep = pstr(snap, "EndpointType"), *src = pstr(snap, "ApiKeySourceType");

	if (int_of(prop(snap, "Version"), 0) != APIGW_SNAPSHOT_VERSION ||
	    pstr(snap, "RootResourceId") == NULL || pstr(snap, "ApiId") == NULL) {
		fg_err_set(err, 500, "InternalError",
			   "API Gateway deployment %s: its stored snapshot is not one this "
			   "frontgate can read; redeploy it", id);
		return NULL;
	}
	d = fg_arena_alloc(v->arena, sizeof(*d));
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->api_id = pstr(snap, "ApiId");
	d->created = pstr(snap, "CreatedAt");
	d->disable_execute_api = cJSON_IsTrue(prop(snap, "DisableExecuteApiEndpoint"));
	d->policy = prop(snap, "Policy"); /* borrowed: the world outlives its views */
	d->endpoint = ep && strcmp(ep, "REGIONAL") == 0 ? APIGW_REGIONAL
		      : ep && strcmp(ep, "PRIVATE") == 0 ? APIGW_PRIVATE
							  : APIGW_EDGE;
	d->api_key_from_authorizer = src && strcmp(src, "AUTHORIZER") == 0;
	if (cJSON_GetArraySize(bmt) > 0) {
		const char **b = fg_arena_alloc(v->arena, (size_t)cJSON_GetArraySize(bmt) *
							  sizeof(*b));

		cJSON_ArrayForEach(it, bmt) {
			if (cJSON_IsString(it))
				b[d->nbinary++] = it->valuestring;
		}
		d->binary = b;
	}
	memset(&t, 0, sizeof(t));
	t.v = v;
	t.root = fg_arena_alloc(v->arena, sizeof(*t.root));
	node_init(t.root, pstr(snap, "RootResourceId"), "");
	t.root->kind = APIGW_SEG_ROOT;
	t.root->path = "/";
	tree_build(&t, prop(snap, "Resources"));
	tree_children(&t);
	methods_attach(&t, prop(snap, "Methods"));
	apigw_route_finish(t.root);
	d->root = t.root;
	gateway_responses(v, d, prop(snap, "GatewayResponses"));
	return d;
}

/* ------------------------------------------------------------------- world */

/* One stage as declared: a Stage resource or a Deployment's StageName. */
struct stage_decl {
	const char *api, *name, *dep;
	const cJSON *vars;
};

struct dep_decl {
	const char *id;
	const char *api;
	const cJSON *snap;
	struct apigw_deployment *compiled;
	bool failed;
};

struct collect {
	struct stage_decl *st;
	size_t nst, capst;
	struct dep_decl *dp;
	size_t ndp, capdp;
	size_t napis;
};

static void add_stage(struct collect *c, const char *api, const char *name, const char *dep,
		      const cJSON *vars)
{
	if (c->nst == c->capst) {
		c->capst = c->capst ? c->capst * 2 : 16;
		c->st = realloc(c->st, c->capst * sizeof(*c->st));
		FG_ASSERT(c->st != NULL);
	}
	c->st[c->nst++] = (struct stage_decl){ api, name, dep, vars };
}

static void add_dep(struct collect *c, const cJSON *res)
{
	const cJSON *props = prop(res, "Properties");

	if (c->ndp == c->capdp) {
		c->capdp = c->capdp ? c->capdp * 2 : 16;
		c->dp = realloc(c->dp, c->capdp * sizeof(*c->dp));
		FG_ASSERT(c->dp != NULL);
	}
	c->dp[c->ndp++] = (struct dep_decl){ pstr(res, "PhysicalId"), pstr(props, "RestApiId"),
					     prop(prop(res, "State"), "Snapshot"), NULL, false };
	if (pstr(props, "StageName") != NULL)
		add_stage(c, pstr(props, "RestApiId"), pstr(props, "StageName"),
			  pstr(res, "PhysicalId"),
			  prop(prop(props, "StageDescription"), "Variables"));
}

static void collect_world(struct collect *c, const struct stack_world *w)
{
	const cJSON *doc, *r;

	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, prop(doc, "Resources")) {
			const char *type = pstr(r, "Type");
			const cJSON *props = prop(r, "Properties");

			if (type == NULL || strncmp(type, "AWS::ApiGateway::", 17) != 0)
				continue;
			if (strcmp(type + 17, "RestApi") == 0)
				c->napis++;
			else if (strcmp(type + 17, "Deployment") == 0)
				add_dep(c, r);
			else if (strcmp(type + 17, "Stage") == 0 && pstr(props, "StageName"))
				add_stage(c, pstr(props, "RestApiId"), pstr(props, "StageName"),
					  pstr(props, "DeploymentId"), prop(props, "Variables"));
		}
	}
}

static uint64_t id_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)tolower((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

const struct apigw_api *apigw_view_api(const struct apigw_view *v, const char *id, size_t n)
{
	size_t i;

	if (v == NULL || v->cap == 0)
		return NULL;
	for (i = id_hash(id, n) & (v->cap - 1); v->slot[i] != NULL; i = (i + 1) & (v->cap - 1)) {
		const struct apigw_api *a = v->slot[i];

		if (strlen(a->id) == n && strncasecmp(a->id, id, n) == 0)
			return a;
	}
	return NULL;
}

const struct apigw_stage *apigw_api_stage(const struct apigw_api *api, const char *name,
					  size_t n)
{
	for (size_t i = 0; i < api->nstages; i++) {
		if (strlen(api->stages[i].name) == n && strncmp(api->stages[i].name, name, n) == 0)
			return &api->stages[i];
	}
	return NULL;
}

/* EndpointConfiguration as the API has it now (private API checks, aws-behavior.md §1.1). */
static void endpoint_of(struct apigw_view *v, struct apigw_api *a, const cJSON *ec)
{
	const cJSON *t = cJSON_GetArrayItem(prop(ec, "Types"), 0), *ids = prop(ec, "VpcEndpointIds");
	const char **list;
	const cJSON *id;

	a->endpoint = !cJSON_IsString(t) ? APIGW_EDGE
		      : strcmp(t->valuestring, "PRIVATE") == 0 ? APIGW_PRIVATE
		      : strcmp(t->valuestring, "REGIONAL") == 0 ? APIGW_REGIONAL : APIGW_EDGE;
	list = fg_arena_alloc(v->arena, ((size_t)cJSON_GetArraySize(ids) + 1) * sizeof(*list));
	cJSON_ArrayForEach(id, ids) {
		if (cJSON_IsString(id))
			list[a->nvpce++] = fg_arena_strdup(v->arena, id->valuestring);
	}
	a->vpce_ids = list;
}

static void add_api(struct apigw_view *v, const cJSON *doc, const cJSON *r)
{
	struct apigw_api *a = fg_arena_alloc(v->arena, sizeof(*a));
	const char *sig = pstr(prop(prop(r, "Metadata"), "Frontgate"), "SignatureMessages");
	size_t i;

	memset(a, 0, sizeof(*a));
	a->id = pstr(r, "PhysicalId");
	a->name = pstr(prop(r, "Properties"), "Name");
	a->account = pstr(doc, "Account");
	a->region = pstr(doc, "Region");
	a->sig_messages = sig == NULL ? -1 : strcmp(sig, "classic") == 0 ? APIGW_SIG_CLASSIC
									 : APIGW_SIG_REDACTED;
	endpoint_of(v, a, prop(prop(r, "Properties"), "EndpointConfiguration"));
	if (apigw_view_api(v, a->id, strlen(a->id)) != NULL)
		return;
	for (i = id_hash(a->id, strlen(a->id)) & (v->cap - 1); v->slot[i] != NULL;
	     i = (i + 1) & (v->cap - 1))
		;
	v->slot[i] = a;
	v->napis++;
}

static struct apigw_deployment *dep_for(struct apigw_view *v, struct collect *c,
					const char *api, const char *id, struct fg_err *err)
{
	for (size_t i = 0; id != NULL && i < c->ndp; i++) {
		struct dep_decl *d = &c->dp[i];

		if (strcmp(d->id, id) != 0 || d->api == NULL || strcmp(d->api, api) != 0)
			continue;
		if (d->compiled == NULL && !d->failed && d->snap != NULL) {
			d->compiled = apigw_view_deployment(v, d->id, d->snap, err);
			d->failed = d->compiled == NULL;
		}
		return d->compiled;
	}
	return NULL;
}

static int attach_stages(struct apigw_view *v, struct collect *c, struct fg_err *err)
{
	for (size_t i = 0; i < c->nst; i++) {
		const struct stage_decl *s = &c->st[i];
		struct apigw_api *a = s->api ? (struct apigw_api *)apigw_view_api(
							 v, s->api, strlen(s->api)) : NULL;
		struct apigw_stage *st;

		if (a == NULL || apigw_api_stage(a, s->name, strlen(s->name)) != NULL)
			continue;
		if (a->stages == NULL)
			a->stages = fg_arena_alloc(v->arena, c->nst * sizeof(*a->stages));
		st = &a->stages[a->nstages++];
		st->name = s->name;
		st->dep = dep_for(v, c, a->id, s->dep, err);
		if (st->dep == NULL && fg_err_isset(err))
			return -1;
		st->vars = map_of(v, s->vars);
		a->disabled |= st->dep != NULL && st->dep->disable_execute_api;
	}
	return 0;
}

void *apigw_view_compile(void *self, const struct stack_world *w, struct fg_err *err)
{
	struct apigw_view *v = calloc(1, sizeof(*v));
	struct collect c;
	const cJSON *doc, *r;
	int rc;

	FG_ASSERT(v != NULL);
	v->owner = self;
	v->arena = fg_arena_new(16384);
	memset(&c, 0, sizeof(c));
	collect_world(&c, w);
	for (v->cap = 8; v->cap < c.napis * 2; v->cap *= 2)
		;
	v->slot = fg_arena_alloc(v->arena, v->cap * sizeof(*v->slot));
	memset(v->slot, 0, v->cap * sizeof(*v->slot));
	cJSON_ArrayForEach(doc, stack_world_stacks(w)) {
		cJSON_ArrayForEach(r, prop(doc, "Resources")) {
			const char *type = pstr(r, "Type");

			if (type != NULL && strcmp(type, "AWS::ApiGateway::RestApi") == 0 &&
			    pstr(r, "PhysicalId") != NULL)
				add_api(v, doc, r);
		}
	}
	rc = attach_stages(v, &c, err);
	free(c.st);
	free(c.dp);
	if (rc != 0) {
		apigw_view_release(v);
		return NULL;
	}
	apigw_keys_compile(v, w);
	if (apigw_domains_compile(v, w, err) != 0) {
		apigw_view_release(v);
		return NULL;
	}
	if (v->owner != NULL)
		apigw_usage_sweep(v->owner->usage, v);
	return v;
}

void apigw_view_release(void *view)
{
	struct apigw_view *v = view;

	if (v == NULL)
		return;
	apigw_domains_release(v);
	for (size_t i = 0; i < v->nregs; i++) {
		regfree(v->regs[i]);
		free(v->regs[i]);
	}
	free(v->regs);
	fg_arena_destroy(&v->arena);
	free(v);
}
