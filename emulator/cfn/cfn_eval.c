/*
 * cfn_eval.c: evaluation of a parsed CloudFormation template.
 *
 * cfn_prepare checks the template's shape, resolves parameter values against their
 * declarations, evaluates every condition and orders the resources after what they
 * reference; cfn_eval evaluates the intrinsic functions in one node (a resource's
 * Properties, ...); cfn_outputs evaluates the Outputs section; cfn_stack_fini frees what
 * cfn_prepare made.
 *
 * Name lookups (resources, parameters, conditions) go through sorted indexes built once by
 * cfn_prepare, and the resources are ordered by Kahn's algorithm over a min-heap of template
 * positions, so a stack of 10,000 resources is prepared in O((V + E) log V). The indexes
 * live in struct cfn_priv (s->priv), allocated together with the order array that s->order
 * points into.
 *
 * Errors use CloudFormation's wording, status 400 and code "ValidationError", and name the
 * offending node: fg_err.resource is the logical id (or the section name) and fg_err.property
 * the dotted template path ("Resources.Api.Properties.Tags.1.Value.Fn::Join").
 */
#include "cfn/cfn.h"

#include <arpa/inet.h>
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BAD_REQUEST 400
#define VALIDATION "ValidationError"

/* Results of evaluating a node: an error, a value, or AWS::NoValue (drop the key/element). */
enum { EV_ERR = -1, EV_OK = 0, EV_NOVALUE = 1 };

enum { COND_NEW, COND_BUSY, COND_DONE };

/* ------------------------------------------------------------------ helpers */

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	FG_ASSERT(p != NULL);
	return p;
}

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	FG_ASSERT(p != NULL);
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xcalloc(n + 1, 1);

	memcpy(p, s, n);
	return p;
}

static char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* A deep copy without the member key (the caller adds it where it belongs). */
static cJSON *dup_json(const cJSON *v)
{
	cJSON *d = cJSON_Duplicate(v, true);

	FG_ASSERT(d != NULL);
	if (d->string != NULL && !(d->type & cJSON_StringIsConst))
		free(d->string);
	d->string = NULL;
	d->type &= ~cJSON_StringIsConst;
	return d;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum_id(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++)
		if (!is_digit(*s) && !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z'))
			return false;
	return true;
}

static bool str_is(const cJSON *v, const char *s)
{
	return cJSON_IsString(v) && strcmp(v->valuestring, s) == 0;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* v when it is an array, else NULL (to iterate over "a list or nothing"). */
static const cJSON *as_array(const cJSON *v)
{
	return cJSON_IsArray(v) ? v : NULL;
}

/* Number of elements of an array, or -1 when v is not an array. */
static long arr_len(const cJSON *v)
{
	const cJSON *c;
	long n = 0;

	if (!cJSON_IsArray(v))
		return -1;
	cJSON_ArrayForEach(c, v)
		n++;
	return n;
}

/* Shortest text that reads back as d: "5", "1.5", "1e+20". */
static void num_text(double d, char out[40])
{
	if (d == 0) {
		snprintf(out, 40, "0");
	} else if (isfinite(d) && d == floor(d) && fabs(d) < 1e15) {
		snprintf(out, 40, "%.0f", d);
	} else {
		snprintf(out, 40, "%.15g", d);
		if (strtod(out, NULL) != d)
			snprintf(out, 40, "%.17g", d);
	}
}

/* malloc'd text of a string, number or bool; NULL for anything else. */
static char *scalar_text(const cJSON *v)
{
	char num[40];

	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	if (cJSON_IsNumber(v)) {
		num_text(v->valuedouble, num);
		return xstrdup(num);
	}
	if (cJSON_IsBool(v))
		return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
	return NULL;
}

/* An integer given as a JSON number or as decimal text ("3", "-1"). */
static bool to_int(const cJSON *v, long long *out)
{
	const char *p;
	char *end;

	if (cJSON_IsNumber(v)) {
		if (v->valuedouble != floor(v->valuedouble) || fabs(v->valuedouble) > 1e15)
			return false;
		*out = (long long)v->valuedouble;
		return true;
	}
	if (!cJSON_IsString(v))
		return false;
	p = v->valuestring;
	if (*p == '-' || *p == '+')
		p++;
	if (!is_digit(*p))
		return false;
	*out = strtoll(v->valuestring, &end, 10);
	return *end == '\0';
}

/* Decimal number text: [+-]digits[.digits][e[+-]digits], at least one digit. */
static bool is_number_text(const char *s)
{
	bool digits = false;

	if (*s == '+' || *s == '-')
		s++;
	for (; is_digit(*s); s++)
		digits = true;
	if (*s == '.')
		for (s++; is_digit(*s); s++)
			digits = true;
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == '\0';
}

/* Characters (not bytes) of UTF-8 text. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* A growable array of positions. */
struct u32v {
	uint32_t *v;
	size_t n, cap;
};

static void u32v_push(struct u32v *a, uint32_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = x;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts the array and drops repeats. */
static void u32v_sort_unique(struct u32v *a)
{
	size_t o = 0;

	if (a->n < 2)
		return;
	qsort(a->v, a->n, sizeof(*a->v), u32_cmp);
	for (size_t i = 0; i < a->n; i++)
		if (o == 0 || a->v[o - 1] != a->v[i])
			a->v[o++] = a->v[i];
	a->n = o;
}

/* Names that an error lists ("[A, B]"), each with the path where it was first seen. */
struct namelist {
	struct named {
		char *name;
		char *path;
	} *v;
	size_t n, cap;
};

static void nl_add(struct namelist *l, const char *name, size_t len, const char *path)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].name = xstrndup(name, len);
	l->v[l->n].path = xstrdup(path);
	l->n++;
}

static void nl_free(struct namelist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "A, B, C" (malloc'd): the names in the order given, or sorted without repeats. */
static char *names_text(char **names, size_t n, bool sorted)
{
	struct fg_buf b;

	if (sorted)
		qsort(names, n, sizeof(*names), str_ptr_cmp);
	fg_buf_init(&b);
	fg_buf_puts(&b, "");
	for (size_t i = 0; i < n; i++) {
		if (sorted && i > 0 && strcmp(names[i], names[i - 1]) == 0)
			continue;
		fg_buf_printf(&b, "%s%s", b.len ? ", " : "", names[i]);
	}
	return fg_buf_take(&b);
}

static char *nl_text(const struct namelist *l, bool sorted)
{
	char **names = xcalloc(l->n, sizeof(*names));
	char *text;

	for (size_t i = 0; i < l->n; i++)
		names[i] = l->v[i].name;
	text = names_text(names, l->n, sorted);
	free(names);
	return text;
}

/* ------------------------------------------------------------------- errors */

static bool is_named_section(const char *s, size_t n)
{
	static const char *const named[] = { "Resources", "Parameters", "Conditions", "Outputs",
					     "Mappings" };

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strlen(named[i]) == n && strncmp(named[i], s, n) == 0)
			return true;
	return false;
}

/* fg_err.resource from a path: the logical id in "Resources.Api...", else the section. */
static void locate(struct fg_err *err, const char *path)
{
	char res[sizeof(err->resource)];
	const char *start = path;
	size_t n = strcspn(path, ".");

	if (path[n] == '.' && is_named_section(path, n)) {
		start = path + n + 1;
		n = strcspn(start, ".");
	}
	if (n >= sizeof(res))
		n = sizeof(res) - 1;
	memcpy(res, start, n);
	res[n] = '\0';
	fg_err_at(err, res, path);
}

static int vfail(struct fg_err *err, const char *path, const char *fmt, va_list ap)
{
	char msg[sizeof(err->message)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fg_err_set(err, BAD_REQUEST, VALIDATION, "%s", msg);
	locate(err, path ? path : "");
	return -1;
}

static int fail(struct fg_err *err, const char *path, const char *fmt, ...) FG_PRINTF(3, 4);

static int fail(struct fg_err *err, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, path, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error listing the names of l ("[A, B]"), located where the first was seen. */
static int fail_names(struct fg_err *err, struct namelist *l, bool sorted, const char *fmt)
{
	char *text = nl_text(l, sorted);
	char msg[sizeof(err->message)];

	snprintf(msg, sizeof(msg), fmt, text);
	fail(err, l->v[0].path, "%s", msg);
	free(text);
	nl_free(l);
	return -1;
}

/* The first component of a path: "Resources", "Outputs", "Conditions", ... */
static void section_of(const char *path, char out[32])
{
	size_t n = strcspn(path, ".");

	if (n > 31)
		n = 31;
	memcpy(out, path, n);
	out[n] = '\0';
}

/* The block named in "Unresolved resource dependencies [X] in the <block> block". */
static const char *block_of(const char *path)
{
	return strncmp(path, "Outputs", 7) == 0 ? "Outputs" : "Resources";
}

/* -------------------------------------------------------- indexes by name */

struct entry {
	const char *name;
	uint32_t pos;
};

/* The members of one object, in template order and sorted by name for lookups. */
struct index {
	const cJSON **item;
	struct entry *sorted;
	size_t n;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->pos < y->pos ? -1 : x->pos > y->pos);
}

static void index_build(struct index *ix, const cJSON *obj)
{
	const cJSON *c;
	size_t n = 0;

	memset(ix, 0, sizeof(*ix));
	if (!cJSON_IsObject(obj))
		return;
	cJSON_ArrayForEach(c, obj)
		n++;
	ix->item = xcalloc(n, sizeof(*ix->item));
	ix->sorted = xcalloc(n, sizeof(*ix->sorted));
	cJSON_ArrayForEach(c, obj) {
		ix->item[ix->n] = c;
		ix->sorted[ix->n].name = c->string ? c->string : "";
		ix->sorted[ix->n].pos = (uint32_t)ix->n;
		ix->n++;
	}
	qsort(ix->sorted, n, sizeof(*ix->sorted), entry_cmp);
}

/* Template position of the first member called name, or -1. */
static long index_find(const struct index *ix, const char *name)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->sorted[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && strcmp(ix->sorted[lo].name, name) == 0)
		return ix->sorted[lo].pos;
	return -1;
}

static void index_free(struct index *ix)
{
	free(ix->item);
	free(ix->sorted);
	memset(ix, 0, sizeof(*ix));
}

/* ------------------------------------------------------------ private state */

struct cfn_priv {
	bool ready;           /* cfn_prepare succeeded: cfn_eval and cfn_outputs may run */
	struct index res;     /* Resources */
	struct index cond;    /* Conditions */
	struct index decl;    /* Parameters (declarations) */
	struct index val;     /* s->params (resolved values) */
	bool *present;        /* per resource: its Condition holds (or it has none) */
	unsigned char *cstate; /* per condition: COND_NEW, COND_BUSY, COND_DONE */
	bool *cval;           /* per condition: its value once COND_DONE */
	size_t *cstack;       /* conditions being evaluated, innermost last (cycle report) */
	size_t ncstack;
	char *order[];        /* s->order points here */
};

static struct cfn_priv *priv_of(const struct cfn_stack *s)
{
	return s->priv;
}

static struct cfn_priv *priv_new(struct cfn_stack *s)
{
	const cJSON *t = s->template;
	struct index res;
	struct cfn_priv *p;

	index_build(&res, member(t, "Resources"));
	p = xcalloc(1, sizeof(*p) + (res.n + 1) * sizeof(char *));
	p->res = res;
	index_build(&p->cond, member(t, "Conditions"));
	index_build(&p->decl, member(t, "Parameters"));
	p->present = xcalloc(p->res.n, sizeof(*p->present));
	p->cstate = xcalloc(p->cond.n, sizeof(*p->cstate));
	p->cval = xcalloc(p->cond.n, sizeof(*p->cval));
	p->cstack = xcalloc(p->cond.n, sizeof(*p->cstack));
	s->order = p->order;
	s->norder = 0;
	s->priv = p;
	return p;
}

static void priv_free(struct cfn_priv *p, size_t norder)
{
	for (size_t i = 0; i < norder; i++)
		free(p->order[i]);
	index_free(&p->res);
	index_free(&p->cond);
	index_free(&p->decl);
	index_free(&p->val);
	free(p->present);
	free(p->cstate);
	free(p->cval);
	free(p->cstack);
	free(p);
}

/* ------------------------------------------------------- pseudo parameters */

static const char *const pseudo_names[] = {
	"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",  "AWS::Partition",
	"AWS::Region",    "AWS::StackId",          "AWS::StackName", "AWS::URLSuffix",
};

static bool is_pseudo(const char *name)
{
	for (size_t i = 0; i < sizeof(pseudo_names) / sizeof(pseudo_names[0]); i++)
		if (strcmp(name, pseudo_names[i]) == 0)
			return true;
	return false;
}

static const char *or_default(const char *v, const char *d)
{
	return v != NULL ? v : d;
}

/* The value of a pseudo parameter (EV_OK / EV_NOVALUE), or 2 when name is none. */
static int pseudo_value(const struct cfn_stack *s, const char *name, cJSON **out)
{
	const char *v = NULL;

	if (strcmp(name, "AWS::NoValue") == 0)
		return EV_NOVALUE;
	if (strcmp(name, "AWS::NotificationARNs") == 0) {
		*out = cJSON_CreateArray();
		return EV_OK;
	}
	if (strcmp(name, "AWS::AccountId") == 0)
		v = or_default(s->account, "");
	else if (strcmp(name, "AWS::Region") == 0)
		v = or_default(s->region, "");
	else if (strcmp(name, "AWS::StackName") == 0)
		v = or_default(s->stack_name, "");
	else if (strcmp(name, "AWS::StackId") == 0)
		v = or_default(s->stack_id, "");
	else if (strcmp(name, "AWS::Partition") == 0)
		v = or_default(s->partition, "aws");
	else if (strcmp(name, "AWS::URLSuffix") == 0)
		v = or_default(s->url_suffix, "amazonaws.com");
	else
		return 2;
	*out = cJSON_CreateString(v);
	return EV_OK;
}

/* --------------------------------------------------------------- evaluation */

struct ev {
	struct cfn_stack *s;
	struct cfn_priv *p;
	struct fg_err *err;
	struct fg_buf path;   /* of the node being evaluated */
	bool in_conditions;   /* the Conditions section: no resources, conditions evaluated lazily */
};

static int ev_node(struct ev *e, const cJSON *n, cJSON **out);

static void ev_init(struct ev *e, struct cfn_stack *s, struct cfn_priv *p, struct fg_err *err,
		    const char *path, bool in_conditions)
{
	e->s = s;
	e->p = p;
	e->err = err;
	e->in_conditions = in_conditions;
	fg_buf_init(&e->path);
	fg_buf_puts(&e->path, path ? path : "");
}

static const char *ev_path(const struct ev *e)
{
	return e->path.data ? e->path.data : "";
}

static size_t path_push(struct ev *e, const char *key)
{
	size_t len = e->path.len;

	fg_buf_printf(&e->path, "%s%s", len ? "." : "", key);
	return len;
}

static size_t path_push_idx(struct ev *e, size_t i)
{
	char num[24];

	snprintf(num, sizeof(num), "%zu", i);
	return path_push(e, num);
}

static void path_pop(struct ev *e, size_t len)
{
	e->path.len = len;
	e->path.data[len] = '\0';
}

static int ev_fail(struct ev *e, const char *fmt, ...) FG_PRINTF(2, 3);

static int ev_fail(struct ev *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(e->err, ev_path(e), fmt, ap);
	va_end(ap);
	return EV_ERR;
}

/* Evaluates argument n, at path suffix ".idx" unless idx < 0. */
static int ev_at(struct ev *e, const cJSON *n, long idx, cJSON **out)
{
	size_t len = idx >= 0 ? path_push_idx(e, (size_t)idx) : e->path.len;
	int r = ev_node(e, n, out);

	path_pop(e, len);
	return r;
}

/* Evaluates argument n to text: EV_OK with *text, EV_ERR, or 1 when it is not a scalar. */
static int ev_text(struct ev *e, const cJSON *n, long idx, char **text)
{
	cJSON *v = NULL;
	int r = ev_at(e, n, idx, &v);

	*text = NULL;
	if (r == EV_ERR)
		return EV_ERR;
	*text = r == EV_OK ? scalar_text(v) : NULL;
	cJSON_Delete(v);
	return *text ? EV_OK : 1;
}

/* Resolves Ref (attr NULL) or Fn::GetAtt on resource i through the deployer's callback. */
static int res_value(struct ev *e, long i, const char *attr, cJSON **out)
{
	struct cfn_stack *s = e->s;
	const char *id = e->p->res.item[i]->string;

	if (e->in_conditions)
		return ev_fail(e, "Template format error: Unresolved dependencies [%s]. Cannot "
			       "reference resources in the Conditions block of the template", id);
	if (!e->p->present[i])
		return ev_fail(e, "Template format error: Unresolved resource dependencies [%s] in "
			       "the %s block of the template", id, block_of(ev_path(e)));
	if (s->resolve == NULL)
		return ev_fail(e, "Template error: cannot resolve %s%s%s: no resolver was given",
			       id, attr ? "." : "", attr ? attr : "");
	if (s->resolve(s->resolve_arg, id, attr, out, e->err) != 0) {
		cJSON_Delete(*out);
		*out = NULL;
		if (!fg_err_isset(e->err))
			fg_err_set(e->err, BAD_REQUEST, VALIDATION, "Template error: cannot resolve %s%s%s",
				   id, attr ? "." : "", attr ? attr : "");
		locate(e->err, ev_path(e));
		return EV_ERR;
	}
	if (*out == NULL)
		*out = cJSON_CreateNull();
	return EV_OK;
}

/* Ref by name: pseudo parameter, parameter or resource. */
static int ref_name(struct ev *e, const char *name, cJSON **out)
{
	int r = pseudo_value(e->s, name, out);
	long i;

	if (r != 2)
		return r;
	i = index_find(&e->p->val, name);
	if (i >= 0) {
		*out = dup_json(e->p->val.item[i]);
		return EV_OK;
	}
	i = index_find(&e->p->res, name);
	if (i >= 0)
		return res_value(e, i, NULL, out);
	if (e->in_conditions)
		return ev_fail(e, "Template format error: Unresolved dependencies [%s]. Cannot "
			       "reference resources in the Conditions block of the template", name);
	return ev_fail(e, "Template format error: Unresolved resource dependencies [%s] in the "
		       "%s block of the template", name, block_of(ev_path(e)));
}

static int getatt_name(struct ev *e, const char *res, const char *attr, cJSON **out)
{
	long i = index_find(&e->p->res, res);

	if (i < 0)
		return ev_fail(e, "Template error: instance of Fn::GetAtt references undefined "
			       "resource %s", res);
	return res_value(e, i, attr, out);
}

/* ------------------------------------------------------------- conditions */

static int cond_get(struct ev *e, size_t i, bool *val);

/* A condition by name; where names the referrer for the error ("Fn::If", "Conditions"). */
static int cond_lookup(struct ev *e, const char *name, const char *where, bool *val)
{
	long i = index_find(&e->p->cond, name);

	if (i < 0)
		return ev_fail(e, "Template error: unresolved condition dependency %s in %s", name,
			       where);
	return cond_get(e, (size_t)i, val);
}

static int cond_cycle(struct ev *e, size_t i)
{
	struct cfn_priv *p = e->p;
	size_t from = 0, n;
	char **names, *text;

	while (from < p->ncstack && p->cstack[from] != i)
		from++;
	n = p->ncstack - from;
	names = xcalloc(n, sizeof(*names));
	for (size_t k = 0; k < n; k++)
		names[k] = p->cond.item[p->cstack[from + k]]->string;
	text = names_text(names, n, true);
	ev_fail(e, "Circular dependency between conditions: [%s]", text);
	free(text);
	free(names);
	return EV_ERR;
}

/* Evaluates condition i once (while cfn_prepare runs), then answers from the memo. */
static int cond_get(struct ev *e, size_t i, bool *val)
{
	struct cfn_priv *p = e->p;
	const cJSON *def = p->cond.item[i];
	struct ev sub;
	cJSON *v = NULL;
	int r;

	if (p->cstate[i] == COND_DONE) {
		*val = p->cval[i];
		return EV_OK;
	}
	if (p->cstate[i] == COND_BUSY)
		return cond_cycle(e, i);
	ev_init(&sub, e->s, p, e->err, "Conditions", true);
	path_push(&sub, def->string);
	p->cstate[i] = COND_BUSY;
	p->cstack[p->ncstack++] = i;
	r = ev_node(&sub, def, &v);
	if (r == EV_NOVALUE || (r == EV_OK && !cJSON_IsBool(v)))
		r = ev_fail(&sub, "Template error: Conditions can only be boolean operations on "
			    "parameter and mapping values");
	if (r == EV_OK) {
		p->ncstack--;
		p->cstate[i] = COND_DONE;
		p->cval[i] = cJSON_IsTrue(v);
		*val = p->cval[i];
	}
	cJSON_Delete(v);
	fg_buf_free(&sub.path);
	return r;
}

/* -------------------------------------------------------- intrinsic functions */

typedef int (*fn_run)(struct ev *e, const char *fn, const cJSON *arg, cJSON **out);

static int fn_ref(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	if (!cJSON_IsString(arg))
		return ev_fail(e, "Template format error: Every Ref object must have a single "
			       "String value.");
	return ref_name(e, arg->valuestring, out);
}

static const char getatt_shape[] = "Template error: every Fn::GetAtt object requires two "
				   "non-empty parameters, the resource name and the resource attribute";

static int fn_getatt(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	char *res = NULL, *attr = NULL;
	int r;

	if (cJSON_IsString(arg)) {
		const char *dot = strchr(arg->valuestring, '.');

		if (dot == NULL || dot == arg->valuestring || dot[1] == '\0')
			return ev_fail(e, "%s", getatt_shape);
		res = xstrndup(arg->valuestring, (size_t)(dot - arg->valuestring));
		attr = xstrdup(dot + 1);
	} else if (arr_len(arg) == 2 && cJSON_IsString(arg->child) &&
		   arg->child->valuestring[0] != '\0') {
		r = ev_text(e, arg->child->next, 1, &attr);
		if (r == EV_ERR)
			return EV_ERR;
		if (r != EV_OK || attr[0] == '\0') {
			free(attr);
			return ev_fail(e, "%s", getatt_shape);
		}
		res = xstrdup(arg->child->valuestring);
	} else {
		return ev_fail(e, "%s", getatt_shape);
	}
	r = getatt_name(e, res, attr, out);
	free(res);
	free(attr);
	return r;
}

/* ---- Fn::Sub */

struct subvar {
	const char *name;
	char *text;
};

static const char sub_shape[] = "Template error: One or more Fn::Sub intrinsic functions don't "
				"specify expected arguments. Specify a string as first argument, and an optional "
				"second argument to specify a mapping of values to replace in the string";

static int sub_not_string(struct ev *e, const char *name)
{
	return ev_fail(e, "Template error: variable %s in Fn::Sub expression does not resolve to "
		       "a string", name);
}

/* Evaluates the variable map of Fn::Sub [string, {vars}] into vars[]. */
static int sub_vars(struct ev *e, const cJSON *map, struct subvar *vars, size_t *n)
{
	const cJSON *c;
	size_t len = path_push(e, "1");
	int r = EV_OK;

	cJSON_ArrayForEach(c, map) {
		size_t at = path_push(e, c->string);
		cJSON *v = NULL;

		r = ev_node(e, c, &v);
		if (r == EV_OK)
			vars[*n].text = scalar_text(v);
		if (r == EV_NOVALUE || (r == EV_OK && vars[*n].text == NULL))
			r = sub_not_string(e, c->string);
		cJSON_Delete(v);
		path_pop(e, at);
		if (r != EV_OK)
			break;
		vars[(*n)++].name = c->string;
	}
	path_pop(e, len);
	return r;
}

/* The text for ${name}: a variable, a (pseudo) parameter, a resource's Ref or GetAtt. */
static int sub_lookup(struct ev *e, const struct subvar *vars, size_t nvars, const char *name,
		      char **text)
{
	const char *dot = strchr(name, '.');
	cJSON *v = NULL;
	int r;

	for (size_t i = 0; i < nvars; i++)
		if (strcmp(vars[i].name, name) == 0) {
			*text = xstrdup(vars[i].text);
			return EV_OK;
		}
	if (dot == NULL) {
		r = ref_name(e, name, &v);
	} else {
		char *res = xstrndup(name, (size_t)(dot - name));

		r = getatt_name(e, res, dot + 1, &v);
		free(res);
	}
	if (r == EV_ERR)
		return EV_ERR;
	*text = r == EV_OK ? scalar_text(v) : NULL;
	cJSON_Delete(v);
	return *text ? EV_OK : sub_not_string(e, name);
}

/* Substitutes every ${X} in tmpl; ${!X} is the literal ${X}. */
static int sub_expand(struct ev *e, const char *tmpl, const struct subvar *vars, size_t nvars,
		      cJSON **out)
{
	const char *p = tmpl;
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_puts(&b, "");
	while (*p) {
		const char *d = strstr(p, "${"), *end, *nb, *ne;
		char *name, *text;
		int r;

		if (d == NULL || (end = strchr(d + 2, '}')) == NULL) {
			fg_buf_puts(&b, p);
			break;
		}
		fg_buf_append(&b, p, (size_t)(d - p));
		if (d[2] == '!') {
			fg_buf_puts(&b, "${");
			p = d + 3;
			continue;
		}
		for (nb = d + 2; nb < end && *nb == ' '; nb++)
			;
		for (ne = end; ne > nb && ne[-1] == ' '; ne--)
			;
		name = xstrndup(nb, (size_t)(ne - nb));
		r = sub_lookup(e, vars, nvars, name, &text);
		free(name);
		if (r != EV_OK) {
			fg_buf_free(&b);
			return EV_ERR;
		}
		fg_buf_puts(&b, text);
		free(text);
		p = end + 1;
	}
	*out = cJSON_CreateString(b.data);
	fg_buf_free(&b);
	return EV_OK;
}

static int fn_sub(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	const cJSON *tmpl = arg, *map = NULL;
	struct subvar *vars;
	size_t nvars = 0;
	long n = arr_len(arg);
	int r;

	if (n == 1 || n == 2) {
		tmpl = arg->child;
		map = n == 2 ? arg->child->next : NULL;
	}
	if (!cJSON_IsString(tmpl) || (map != NULL && !cJSON_IsObject(map)))
		return ev_fail(e, "%s", sub_shape);
	vars = xcalloc((size_t)cJSON_GetArraySize(map) + 1, sizeof(*vars));
	r = map ? sub_vars(e, map, vars, &nvars) : EV_OK;
	if (r == EV_OK)
		r = sub_expand(e, tmpl->valuestring, vars, nvars, out);
	for (size_t i = 0; i <= nvars; i++)
		free(vars[i].text);
	free(vars);
	return r;
}

/* ---- Fn::Join, Fn::Select, Fn::Split */

static int fn_join(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	static const char shape[] = "Template error: every Fn::Join object requires two "
		"parameters, (1) a string delimiter and (2) a list of strings to be joined or a "
		"function that returns a list of strings (such as Fn::GetAZs) to be joined.";
	char *delim = NULL;
	cJSON *list = NULL;
	const cJSON *c;
	struct fg_buf b;
	int r;

	if (arr_len(arg) != 2)
		return ev_fail(e, "%s", shape);
	r = ev_text(e, arg->child, 0, &delim);
	if (r == EV_OK)
		r = ev_at(e, arg->child->next, 1, &list);
	if (r != EV_OK || !cJSON_IsArray(list)) {
		free(delim);
		cJSON_Delete(list);
		return r == EV_ERR ? EV_ERR : ev_fail(e, "%s", shape);
	}
	fg_buf_init(&b);
	fg_buf_puts(&b, "");
	cJSON_ArrayForEach(c, list) {
		char *t = scalar_text(c);

		if (t == NULL) {
			fg_buf_free(&b);
			r = ev_fail(e, "%s", shape);
			break;
		}
		fg_buf_printf(&b, "%s%s", c == list->child ? "" : delim, t);
		free(t);
	}
	if (r == EV_OK)
		*out = cJSON_CreateString(b.data);
	fg_buf_free(&b);
	free(delim);
	cJSON_Delete(list);
	return r;
}

static int fn_select(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	static const char shape[] = "Template error: Fn::Select requires a list argument with two "
		"elements: an integer index and a list of values (or a function that returns one)";
	cJSON *iv = NULL, *list = NULL;
	long long idx = 0;
	int r;

	if (arr_len(arg) != 2)
		return ev_fail(e, "%s", shape);
	r = ev_at(e, arg->child, 0, &iv);
	if (r == EV_OK)
		r = ev_at(e, arg->child->next, 1, &list);
	if (r == EV_ERR)
		;
	else if (r == EV_NOVALUE || !to_int(iv, &idx) || !cJSON_IsArray(list))
		r = ev_fail(e, "%s", shape);
	else if (idx < 0 || idx >= cJSON_GetArraySize(list))
		r = ev_fail(e, "Template error: Fn::Select cannot select nonexistent value at index "
			    "%lld", idx);
	else
		*out = dup_json(cJSON_GetArrayItem(list, (int)idx));
	cJSON_Delete(iv);
	cJSON_Delete(list);
	return r;
}

static int fn_split(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	static const char shape[] = "Template error: every Fn::Split object requires two "
		"parameters, (1) a non-empty string delimiter and (2) a string to be split or a "
		"function that returns a string to be split.";
	char *delim = NULL, *src = NULL;
	const char *p, *q;
	int r;

	if (arr_len(arg) != 2)
		return ev_fail(e, "%s", shape);
	r = ev_text(e, arg->child, 0, &delim);
	if (r == EV_OK)
		r = ev_text(e, arg->child->next, 1, &src);
	if (r == EV_OK && delim[0] != '\0') {
		*out = cJSON_CreateArray();
		for (p = src; (q = strstr(p, delim)) != NULL; p = q + strlen(delim)) {
			char *item = xstrndup(p, (size_t)(q - p));

			cJSON_AddItemToArray(*out, cJSON_CreateString(item));
			free(item);
		}
		cJSON_AddItemToArray(*out, cJSON_CreateString(p));
	} else if (r != EV_ERR) {
		r = ev_fail(e, "%s", shape);
	}
	free(delim);
	free(src);
	return r;
}

/* ---- conditions as functions */

static int fn_if(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	const cJSON *chosen;
	bool v;

	if (arr_len(arg) != 3 || !cJSON_IsString(arg->child))
		return ev_fail(e, "Template error: Fn::If requires a list argument with three "
			       "elements: a condition name, the value if true and the value if false");
	if (cond_lookup(e, arg->child->valuestring, "Fn::If", &v) != EV_OK)
		return EV_ERR;
	chosen = v ? arg->child->next : arg->child->next->next;
	return ev_at(e, chosen, v ? 1 : 2, out);
}

static int fn_condition(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	char where[32];
	bool v;

	section_of(ev_path(e), where);
	if (cond_lookup(e, arg->valuestring, where, &v) != EV_OK)
		return EV_ERR;
	*out = cJSON_CreateBool(v);
	return EV_OK;
}

/* Fn::Equals: scalars compare as text ("1" equals 1), lists element by element. */
static bool values_equal(const cJSON *a, const cJSON *b)
{
	char *x = scalar_text(a), *y = scalar_text(b);
	bool eq;

	if (x != NULL && y != NULL) {
		eq = strcmp(x, y) == 0;
	} else if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
		const cJSON *i = a->child, *j = b->child;

		while (i != NULL && j != NULL && values_equal(i, j)) {
			i = i->next;
			j = j->next;
		}
		eq = i == NULL && j == NULL;
	} else {
		eq = x == NULL && y == NULL && cJSON_Compare(a, b, true);
	}
	free(x);
	free(y);
	return eq;
}

static int fn_equals(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	cJSON *a = NULL, *b = NULL;
	int r;

	if (arr_len(arg) != 2)
		return ev_fail(e, "Template error: every Fn::Equals object requires a list of 2 "
			       "string parameters.");
	r = ev_at(e, arg->child, 0, &a);
	if (r == EV_OK)
		r = ev_at(e, arg->child->next, 1, &b);
	if (r == EV_NOVALUE)
		r = ev_fail(e, "Template error: every Fn::Equals object requires a list of 2 "
			    "string parameters.");
	if (r == EV_OK)
		*out = cJSON_CreateBool(values_equal(a, b));
	cJSON_Delete(a);
	cJSON_Delete(b);
	return r;
}

/* Evaluates member idx of a boolean function to a bool. */
static int ev_bool(struct ev *e, const char *fn, const cJSON *n, long idx, bool *val)
{
	size_t len = path_push_idx(e, (size_t)idx);
	cJSON *v = NULL;
	int r = ev_node(e, n, &v);

	if (r == EV_NOVALUE || (r == EV_OK && !cJSON_IsBool(v)))
		r = ev_fail(e, "Template error: every %s member must be a boolean: a Condition "
			    "reference or a condition function (Fn::Equals, Fn::Not, Fn::And, Fn::Or)",
			    fn);
	if (r == EV_OK)
		*val = cJSON_IsTrue(v);
	cJSON_Delete(v);
	path_pop(e, len);
	return r;
}

static int fn_not(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	bool v;

	if (arr_len(arg) != 1)
		return ev_fail(e, "Template error: every Fn::Not object requires a list of one "
			       "boolean parameter.");
	if (ev_bool(e, fn, arg->child, 0, &v) != EV_OK)
		return EV_ERR;
	*out = cJSON_CreateBool(!v);
	return EV_OK;
}

/* Fn::And and Fn::Or: every member is evaluated, so a bad one is reported either way. */
static int fn_and_or(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	bool is_and = strcmp(fn, "Fn::And") == 0, acc = is_and, v;
	long n = arr_len(arg), i = 0;
	const cJSON *c;

	if (n < 2 || n > 10)
		return ev_fail(e, "Template error: every %s object requires a list of at least 2 "
			       "and at most 10 boolean parameters.", fn);
	cJSON_ArrayForEach(c, arg) {
		if (ev_bool(e, fn, c, i++, &v) != EV_OK)
			return EV_ERR;
		acc = is_and ? acc && v : acc || v;
	}
	*out = cJSON_CreateBool(acc);
	return EV_OK;
}

/* ---- Fn::FindInMap, Fn::ImportValue, Fn::Base64, Fn::GetAZs */

static int fn_findinmap(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	char *key[3] = { NULL, NULL, NULL };
	const cJSON *c, *v = member(e->s->template, "Mappings");
	long i = 0;
	int r = EV_OK;

	if (arr_len(arg) != 3)
		return ev_fail(e, "Template error: every Fn::FindInMap object requires three "
			       "parameters, the map name, map key and the attribute for return value");
	cJSON_ArrayForEach(c, arg) {
		r = ev_text(e, c, i, &key[i]);
		if (r != EV_OK)
			break;
		v = member(v, key[i++]);
	}
	if (r == 1)
		r = ev_fail(e, "Template error: every Fn::FindInMap object requires three "
			    "parameters, the map name, map key and the attribute for return value");
	else if (r == EV_OK && v == NULL)
		r = ev_fail(e, "Template error: Unable to get mapping for %s::%s::%s", key[0], key[1],
			    key[2]);
	else if (r == EV_OK)
		*out = dup_json(v);
	for (i = 0; i < 3; i++)
		free(key[i]);
	return r;
}

static int fn_importvalue(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	struct cfn_stack *s = e->s;
	char *name = NULL;
	int r;

	if (e->in_conditions)
		return ev_fail(e, "Template error: Fn::ImportValue cannot be used in the "
			       "Conditions block of the template");
	r = ev_text(e, arg, -1, &name);
	if (r != EV_OK)
		return r == EV_ERR ? EV_ERR : ev_fail(e, "Template error: every Fn::ImportValue "
						       "object requires a string parameter, the name of an export");
	if (s->import == NULL) {
		fg_err_set(e->err, BAD_REQUEST, VALIDATION, "No export named %s found", name);
		r = EV_ERR;
	} else if (s->import(s->import_arg, name, out, e->err) != 0) {
		cJSON_Delete(*out);
		*out = NULL;
		if (!fg_err_isset(e->err))
			fg_err_set(e->err, BAD_REQUEST, VALIDATION, "No export named %s found", name);
		r = EV_ERR;
	} else if (*out == NULL) {
		*out = cJSON_CreateNull();
	}
	if (r == EV_ERR)
		locate(e->err, ev_path(e));
	free(name);
	return r;
}

static int fn_base64(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	char *text = NULL, *enc;
	int r = ev_text(e, arg, -1, &text);

	if (r != EV_OK)
		return r == EV_ERR ? EV_ERR : ev_fail(e, "Template error: every Fn::Base64 object "
						       "must have a String value");
	enc = fg_base64((const unsigned char *)text, strlen(text));
	*out = cJSON_CreateString(enc);
	free(enc);
	free(text);
	return EV_OK;
}

static int fn_getazs(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	char *region = NULL, az[300];
	const char *r0;
	int r = ev_text(e, arg, -1, &region);

	if (r != EV_OK || (!cJSON_IsString(arg) && !cJSON_IsObject(arg))) {
		free(region);
		return r == EV_ERR ? EV_ERR : ev_fail(e, "Template error: every Fn::GetAZs object "
						       "requires a string parameter, a region name (or \"\" for the "
						       "stack's region)");
	}
	r0 = region[0] ? region : or_default(e->s->region, "");
	*out = cJSON_CreateArray();
	for (char c = 'a'; c <= 'c'; c++) {
		snprintf(az, sizeof(az), "%.290s%c", r0, c);
		cJSON_AddItemToArray(*out, cJSON_CreateString(az));
	}
	free(region);
	return EV_OK;
}

/* ---- Fn::Cidr */

/* Adds 2^bit to a big-endian address of n bytes. */
static void addr_add_pow2(unsigned char *a, size_t n, unsigned bit)
{
	unsigned carry = 1u << (bit % 8);

	for (size_t i = n - 1 - bit / 8; carry && i < n; i--) {
		carry += a[i];
		a[i] = (unsigned char)carry;
		carry >>= 8;
	}
}

/* Clears the bits after the first prefix bits. */
static void addr_mask(unsigned char *a, size_t n, unsigned prefix)
{
	for (size_t i = 0; i < n; i++) {
		unsigned keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;

		a[i] &= (unsigned char)(0xFF00u >> keep);
	}
}

/* Parses "a.b.c.d/n" or "x::y/n": the address bytes, their count and the prefix length. */
static bool parse_cidr(const char *text, unsigned char addr[16], size_t *nbytes, unsigned *prefix)
{
	const char *slash = strrchr(text, '/');
	char host[64], *end;
	long long pl;

	if (slash == NULL || (size_t)(slash - text) >= sizeof(host) || !is_digit(slash[1]))
		return false;
	memcpy(host, text, (size_t)(slash - text));
	host[slash - text] = '\0';
	pl = strtoll(slash + 1, &end, 10);
	if (*end != '\0')
		return false;
	if (inet_pton(AF_INET, host, addr) == 1)
		*nbytes = 4;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		*nbytes = 16;
	else
		return false;
	if (pl > (long long)(*nbytes * 8))
		return false;
	*prefix = (unsigned)pl;
	return true;
}

/* Evaluates the arguments of Fn::Cidr: EV_OK, EV_ERR, or 1 when they have the wrong shape. */
static int cidr_args(struct ev *e, const cJSON *arg, char **block, long long *count,
		     long long *nbits)
{
	cJSON *cnt = NULL, *bits = NULL;
	int r;

	if (arr_len(arg) != 3)
		return 1;
	r = ev_text(e, arg->child, 0, block);
	if (r == EV_OK)
		r = ev_at(e, arg->child->next, 1, &cnt);
	if (r == EV_OK)
		r = ev_at(e, arg->child->next->next, 2, &bits);
	if (r == EV_OK && (!to_int(cnt, count) || !to_int(bits, nbits)))
		r = 1;
	cJSON_Delete(cnt);
	cJSON_Delete(bits);
	return r == EV_ERR ? EV_ERR : r == EV_OK ? EV_OK : 1;
}

/* count blocks of 2^nbits addresses each, from the start of the given block. */
static cJSON *cidr_list(unsigned char addr[16], size_t nbytes, unsigned prefix, long long count,
			unsigned nbits)
{
	char text[INET6_ADDRSTRLEN], item[INET6_ADDRSTRLEN + 8];
	cJSON *out = cJSON_CreateArray();

	addr_mask(addr, nbytes, prefix);
	for (long long i = 0; i < count; i++) {
		inet_ntop(nbytes == 4 ? AF_INET : AF_INET6, addr, text, sizeof(text));
		snprintf(item, sizeof(item), "%s/%u", text, (unsigned)nbytes * 8 - nbits);
		cJSON_AddItemToArray(out, cJSON_CreateString(item));
		if (i + 1 < count)
			addr_add_pow2(addr, nbytes, nbits);
	}
	return out;
}

static int fn_cidr(struct ev *e, const char *fn, const cJSON *arg, cJSON **out)
{
	char *block = NULL;
	unsigned char addr[16];
	size_t nbytes = 0;
	unsigned prefix = 0, room;
	long long count = 0, nbits = 0;
	int r = cidr_args(e, arg, &block, &count, &nbits);

	if (r == 1)
		r = ev_fail(e, "Template error: every Fn::Cidr object requires three parameters, "
			    "(1) an address block in CIDR notation, (2) the count of subnets to "
			    "generate (1-256) and (3) the number of subnet bits");
	else if (r == EV_OK && !parse_cidr(block, addr, &nbytes, &prefix))
		r = ev_fail(e, "Template error: Fn::Cidr: '%s' is not a valid IPv4 or IPv6 CIDR "
			    "block", block);
	room = (unsigned)nbytes * 8 - prefix;
	if (r != EV_OK)
		;
	else if (count < 1 || count > 256)
		r = ev_fail(e, "Template error: Fn::Cidr count must be between 1 and 256, not %lld",
			    count);
	else if (nbits < 0 || nbits > (long long)room)
		r = ev_fail(e, "Template error: Fn::Cidr subnet bits must be between 0 and %u for "
			    "%s, not %lld", room, block, nbits);
	else if (room - (unsigned)nbits < 9 && count > (1LL << (room - (unsigned)nbits)))
		r = ev_fail(e, "Template error: Fn::Cidr cannot make %lld subnets of /%u in %s",
			    count, (unsigned)(nbytes * 8 - (size_t)nbits), block);
	else
		*out = cidr_list(addr, nbytes, prefix, count, (unsigned)nbits);
	free(block);
	return r;
}

/* ---- dispatch */

static const struct fn_def {
	const char *name;
	fn_run run;
} fn_table[] = {
	{ "Ref", fn_ref },
	{ "Condition", fn_condition },
	{ "Fn::Base64", fn_base64 },
	{ "Fn::GetAtt", fn_getatt },
	{ "Fn::GetAZs", fn_getazs },
	{ "Fn::ImportValue", fn_importvalue },
	{ "Fn::Join", fn_join },
	{ "Fn::Split", fn_split },
	{ "Fn::FindInMap", fn_findinmap },
	{ "Fn::Select", fn_select },
	{ "Fn::Equals", fn_equals },
	{ "Fn::If", fn_if },
	{ "Fn::Not", fn_not },
	{ "Fn::And", fn_and_or },
	{ "Fn::Or", fn_and_or },
	{ "Fn::Sub", fn_sub },
	{ "Fn::Cidr", fn_cidr },
};

/* Is this single member of an object a function call? */
static bool is_fn_key(const cJSON *c)
{
	if (strcmp(c->string, "Ref") == 0 || strncmp(c->string, "Fn::", 4) == 0)
		return true;
	return strcmp(c->string, "Condition") == 0 && cJSON_IsString(c);
}

static int ev_fn(struct ev *e, const cJSON *c, cJSON **out)
{
	size_t len = path_push(e, c->string);
	int r = EV_ERR;
	size_t i;

	for (i = 0; i < sizeof(fn_table) / sizeof(fn_table[0]); i++)
		if (strcmp(fn_table[i].name, c->string) == 0)
			break;
	if (i < sizeof(fn_table) / sizeof(fn_table[0]))
		r = fn_table[i].run(e, c->string, c, out);
	else
		ev_fail(e, "Template format error: Encountered unsupported function: %s Supported "
			"functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, "
			"Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, "
			"Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, "
			"Fn::EachMemberIn, Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]",
			c->string);
	if (r != EV_OK) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	path_pop(e, len);
	return r;
}

static int ev_object(struct ev *e, const cJSON *n, cJSON **out)
{
	const cJSON *c;

	*out = cJSON_CreateObject();
	cJSON_ArrayForEach(c, n) {
		size_t len = path_push(e, c->string);
		cJSON *v = NULL;
		int r = ev_node(e, c, &v);

		path_pop(e, len);
		if (r == EV_ERR) {
			cJSON_Delete(*out);
			*out = NULL;
			return EV_ERR;
		}
		if (r == EV_OK)
			cJSON_AddItemToObject(*out, c->string, v);
	}
	return EV_OK;
}

static int ev_array(struct ev *e, const cJSON *n, cJSON **out)
{
	const cJSON *c;
	size_t i = 0;

	*out = cJSON_CreateArray();
	cJSON_ArrayForEach(c, n) {
		size_t len = path_push_idx(e, i++);
		cJSON *v = NULL;
		int r = ev_node(e, c, &v);

		path_pop(e, len);
		if (r == EV_ERR) {
			cJSON_Delete(*out);
			*out = NULL;
			return EV_ERR;
		}
		if (r == EV_OK)
			cJSON_AddItemToArray(*out, v);
	}
	return EV_OK;
}

/* The argument of a function is its member's value: the item itself, read by type. */
static int ev_node(struct ev *e, const cJSON *n, cJSON **out)
{
	*out = NULL;
	if (cJSON_IsObject(n)) {
		const cJSON *c = n->child;

		if (c != NULL && c->next == NULL && c->string != NULL && is_fn_key(c))
			return ev_fn(e, c, out);
		return ev_object(e, n, out);
	}
	if (cJSON_IsArray(n))
		return ev_array(e, n, out);
	*out = dup_json(n);
	return EV_OK;
}

/* ------------------------------------------------------------- template shape */

static const char *const top_keys[] = {
	"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
	"Mappings", "Conditions", "Transform", "Resources", "Outputs",
};

static const char *const resource_keys[] = {
	"Type", "Properties", "DependsOn", "Condition", "Metadata", "DeletionPolicy",
	"UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static int check_transform(const cJSON *tr, struct fg_err *err)
{
	const cJSON *c;
	struct fg_buf b;

	fg_buf_init(&b);
	fg_buf_puts(&b, "");
	if (cJSON_IsString(tr))
		fg_buf_puts(&b, tr->valuestring);
	else if (cJSON_IsString(member(tr, "Name")))
		fg_buf_puts(&b, member(tr, "Name")->valuestring);
	cJSON_ArrayForEach(c, as_array(tr)) {
		const cJSON *name = cJSON_IsString(c) ? c : member(c, "Name");

		if (cJSON_IsString(name))
			fg_buf_printf(&b, "%s%s", b.len ? ", " : "", name->valuestring);
	}
	fail(err, "Transform", "Transform %s is not emulated: deploy the processed template "
	     "instead", b.len ? b.data : "(unnamed)");
	fg_buf_free(&b);
	return -1;
}

static int check_top_keys(const cJSON *t, struct fg_err *err)
{
	struct namelist bad = { 0 };
	const cJSON *c;

	cJSON_ArrayForEach(c, t)
		if (!in_list(c->string, top_keys, sizeof(top_keys) / sizeof(top_keys[0])))
			nl_add(&bad, c->string, strlen(c->string), c->string);
	if (bad.n)
		return fail_names(err, &bad, false, "Template format error: Invalid template "
				  "property or properties [%s]");
	return 0;
}

static int check_version(const cJSON *v, struct fg_err *err)
{
	char *text;

	if (v == NULL || str_is(v, "2010-09-09"))
		return 0;
	text = scalar_text(v);
	fail(err, "AWSTemplateFormatVersion", "Template format error: '%s' is not a valid "
	     "AWSTemplateFormatVersion: the only valid value is 2010-09-09",
	     text ? text : "(not a string)");
	free(text);
	return -1;
}

static int check_top(struct cfn_stack *s, struct fg_err *err)
{
	static const char *const maps[] = { "Metadata", "Parameters", "Rules", "Mappings",
					    "Conditions", "Outputs" };
	const cJSON *t = s->template, *v;

	if (!cJSON_IsObject(t))
		return fail(err, "", "Template format error: the template must be a JSON or YAML "
			    "object of sections");
	if (check_top_keys(t, err) < 0)
		return -1;
	if ((v = member(t, "Transform")) != NULL)
		return check_transform(v, err);
	if (check_version(member(t, "AWSTemplateFormatVersion"), err) < 0)
		return -1;
	v = member(t, "Description");
	if (v != NULL && !cJSON_IsString(v))
		return fail(err, "Description", "Template format error: Description must be a "
			    "string");
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		v = member(t, maps[i]);
		if (v != NULL && !cJSON_IsObject(v))
			return fail(err, maps[i], "Template format error: the %s section must be an "
				    "object", maps[i]);
	}
	v = member(t, "Resources");
	if (!cJSON_IsObject(v) || v->child == NULL)
		return fail(err, "Resources", "Template format error: At least one Resources "
			    "member must be defined.");
	if (member(t, "Rules") != NULL)
		cJSON_AddItemToArray(s->warnings,
				     cJSON_CreateString("Rules are not evaluated (not emulated)"));
	return 0;
}

static int check_resource(const cJSON *r, struct fg_err *err)
{
	const cJSON *c;
	char path[600];

	snprintf(path, sizeof(path), "Resources.%s", r->string);
	if (!is_alnum_id(r->string))
		return fail(err, path, "Template format error: Resource name %s is non "
			    "alphanumeric.", r->string);
	if (!cJSON_IsString(member(r, "Type")))
		return fail(err, path, "Template format error: [/Resources/%s] Every Resources "
			    "object must contain a Type member.", r->string);
	cJSON_ArrayForEach(c, r) {
		snprintf(path, sizeof(path), "Resources.%s.%s", r->string, c->string);
		if (!in_list(c->string, resource_keys,
			     sizeof(resource_keys) / sizeof(resource_keys[0])))
			return fail(err, path, "Invalid template resource property '%s'", c->string);
		if (strcmp(c->string, "Condition") == 0 && !cJSON_IsString(c))
			return fail(err, path, "Template format error: the Condition of resource %s "
				    "must be a string naming a condition", r->string);
		if (strcmp(c->string, "Properties") == 0 && !cJSON_IsObject(c))
			return fail(err, path, "Template format error: the Properties of resource %s "
				    "must be an object", r->string);
	}
	return 0;
}

static int check_outputs(const cJSON *outs, struct fg_err *err)
{
	const cJSON *o, *x;
	char path[600];

	cJSON_ArrayForEach(o, outs) {
		snprintf(path, sizeof(path), "Outputs.%s", o->string);
		if (!is_alnum_id(o->string))
			return fail(err, path, "Template format error: Output name %s is non "
				    "alphanumeric.", o->string);
		if (member(o, "Value") == NULL)
			return fail(err, path, "Template format error: Every Outputs member must "
				    "contain a Value object");
		x = member(o, "Condition");
		if (x != NULL && !cJSON_IsString(x))
			return fail(err, path, "Template format error: the Condition of output %s "
				    "must be a string naming a condition", o->string);
		x = member(o, "Export");
		if (x != NULL && member(x, "Name") == NULL)
			return fail(err, path, "Template format error: the Export of output %s must "
				    "be an object with a Name", o->string);
	}
	return 0;
}

/* ----------------------------------------------------------------- parameters */

enum pkind { PK_STRING, PK_NUMBER, PK_LIST, PK_NUMLIST };

/* AWS-specific parameter types: AWS::EC2::<Thing>::<Attr> and the Route 53 zone id. */
static bool aws_typed(const char *t)
{
	const char *sep;

	if (strcmp(t, "AWS::Route53::HostedZone::Id") == 0)
		return true;
	if (strncmp(t, "AWS::EC2::", 10) != 0)
		return false;
	sep = strstr(t + 10, "::");
	return sep != NULL && sep > t + 10 && sep[2] != '\0' && strchr(sep + 2, ':') == NULL &&
	       strchr(t, '<') == NULL;
}

static bool list_of_aws(const char *t)
{
	size_t n = strlen(t);
	char *inner;
	bool ok;

	if (n < 7 || strncmp(t, "List<", 5) != 0 || t[n - 1] != '>')
		return false;
	inner = xstrndup(t + 5, n - 6);
	ok = aws_typed(inner);
	free(inner);
	return ok;
}

static int basic_kind(const char *t, enum pkind *kind)
{
	if (strcmp(t, "String") == 0 || strcmp(t, "AWS::SSM::Parameter::Name") == 0 ||
	    aws_typed(t))
		*kind = PK_STRING;
	else if (strcmp(t, "Number") == 0)
		*kind = PK_NUMBER;
	else if (strcmp(t, "List<Number>") == 0)
		*kind = PK_NUMLIST;
	else if (strcmp(t, "CommaDelimitedList") == 0 || list_of_aws(t))
		*kind = PK_LIST;
	else
		return -1;
	return 0;
}

/* The kind of a parameter type; *ssm when it names an SSM parameter (not emulated). */
static int param_kind(const char *t, enum pkind *kind, bool *ssm)
{
	static const char pre[] = "AWS::SSM::Parameter::Value<";
	size_t n = strlen(t), np = sizeof(pre) - 1;
	char *inner;
	int r;

	*ssm = false;
	if (strncmp(t, pre, np) != 0)
		return basic_kind(t, kind);
	if (n <= np + 1 || t[n - 1] != '>')
		return -1;
	*ssm = true;
	inner = xstrndup(t + np, n - np - 1);
	if (strcmp(inner, "List<String>") == 0) {
		*kind = PK_LIST;
		r = 0;
	} else {
		r = basic_kind(inner, kind);
		if (r == 0 && (*kind == PK_NUMBER || *kind == PK_NUMLIST ||
			       strcmp(inner, "AWS::SSM::Parameter::Name") == 0))
			r = -1;
	}
	free(inner);
	return r;
}

static int check_params(const cJSON *decls, struct fg_err *err)
{
	const cJSON *d, *type;
	enum pkind kind;
	bool ssm;
	char path[600];

	cJSON_ArrayForEach(d, decls) {
		snprintf(path, sizeof(path), "Parameters.%s", d->string);
		if (!is_alnum_id(d->string))
			return fail(err, path, "Template format error: Parameter name %s is non "
				    "alphanumeric.", d->string);
		type = member(d, "Type");
		if (!cJSON_IsString(type))
			return fail(err, path, "Template format error: [/Parameters/%s] Every "
				    "Parameters object must contain a Type member.", d->string);
		if (param_kind(type->valuestring, &kind, &ssm) != 0)
			return fail(err, path, "Template format error: Unrecognized parameter type: "
				    "%s", type->valuestring);
	}
	return 0;
}

/*
 * CloudFormation patterns are Java regexes; POSIX extended ones lack \d, \w and \s, so
 * those are spelled out, and inside brackets (where POSIX has no escapes) "\x" becomes "x"
 * ("\-" moves to the end of the bracket, where '-' is literal).
 */
/* Appends the translation of the escape "\c", inside a bracket expression or not. */
static void ere_escape(struct fg_buf *b, char c, bool in_br, bool *dash)
{
	if (in_br) {
		if (c == 'd')
			fg_buf_puts(b, "0-9");
		else if (c == 'w')
			fg_buf_puts(b, "[:alnum:]_");
		else if (c == 's')
			fg_buf_puts(b, "[:space:]");
		else if (c == '-')
			*dash = true;
		else
			fg_buf_append(b, &c, 1);
		return;
	}
	switch (c) {
	case 'd': fg_buf_puts(b, "[0-9]"); break;
	case 'D': fg_buf_puts(b, "[^0-9]"); break;
	case 'w': fg_buf_puts(b, "[[:alnum:]_]"); break;
	case 'W': fg_buf_puts(b, "[^[:alnum:]_]"); break;
	case 's': fg_buf_puts(b, "[[:space:]]"); break;
	case 'S': fg_buf_puts(b, "[^[:space:]]"); break;
	default: fg_buf_printf(b, "\\%c", c); break;
	}
}

static char *pattern_ere(const char *pat)
{
	struct fg_buf b;
	bool in_br = false, dash = false;
	const char *p, *br_start = NULL;

	fg_buf_init(&b);
	fg_buf_puts(&b, "^(");
	for (p = pat; *p; p++) {
		if (*p == '\\' && p[1] != '\0') {
			ere_escape(&b, *++p, in_br, &dash);
		} else if (!in_br && *p == '[') {
			in_br = true;
			dash = false;
			fg_buf_puts(&b, "[");
			if (p[1] == '^')
				fg_buf_append(&b, ++p, 1);
			br_start = p + 1;
		} else if (in_br && *p == ']' && p != br_start) {
			fg_buf_puts(&b, dash ? "-]" : "]");
			in_br = false;
		} else {
			fg_buf_append(&b, p, 1);
		}
	}
	fg_buf_puts(&b, ")$");
	return fg_buf_take(&b);
}

/* Does text fully match the template's AllowedPattern? -1 when the pattern is invalid. */
static int pattern_match(const char *pat, const char *text)
{
	char *ere = pattern_ere(pat);
	regex_t re;
	int r;

	r = regcomp(&re, ere, REG_EXTENDED | REG_NOSUB);
	free(ere);
	if (r != 0)
		return -1;
	r = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return r;
}

/* One parameter being checked: its name, declaration and the error path. */
struct pcheck {
	const char *name;
	const cJSON *decl;
	enum pkind kind;
	char path[600];
	struct fg_err *err;
};

static int pc_violation(const struct pcheck *pc, const char *fmt, ...) FG_PRINTF(2, 3);

/* A constraint violation: ConstraintDescription, when given, replaces the message. */
static int pc_violation(const struct pcheck *pc, const char *fmt, ...)
{
	const cJSON *cd = member(pc->decl, "ConstraintDescription");
	va_list ap;

	if (cJSON_IsString(cd) && cd->valuestring[0] != '\0')
		return fail(pc->err, pc->path, "Parameter '%s' failed to satisfy constraint: %s",
			    pc->name, cd->valuestring);
	va_start(ap, fmt);
	vfail(pc->err, pc->path, fmt, ap);
	va_end(ap);
	return -1;
}

/* A numeric declaration field (MinLength, MaxValue, ...): 0 absent, 1 read, -1 malformed. */
static int decl_number(const struct pcheck *pc, const char *key, double *v, char text[40])
{
	const cJSON *f = member(pc->decl, key);

	if (f == NULL)
		return 0;
	if (cJSON_IsNumber(f)) {
		*v = f->valuedouble;
	} else if (cJSON_IsString(f) && is_number_text(f->valuestring)) {
		*v = strtod(f->valuestring, NULL);
	} else {
		return fail(pc->err, pc->path, "Template format error: %s of parameter '%s' must be "
			    "a number", key, pc->name);
	}
	num_text(*v, text);
	return 1;
}

static int check_allowed(const struct pcheck *pc, const char *item)
{
	const cJSON *av = member(pc->decl, "AllowedValues"), *c;
	const cJSON *pat = member(pc->decl, "AllowedPattern");
	bool found = false;
	int m;

	if (av != NULL && !cJSON_IsArray(av))
		return fail(pc->err, pc->path, "Template format error: AllowedValues of parameter "
			    "'%s' must be a list", pc->name);
	cJSON_ArrayForEach(c, av) {
		char *t = scalar_text(c);

		found = found || (t != NULL && strcmp(t, item) == 0);
		free(t);
	}
	if (av != NULL && !found)
		return pc_violation(pc, "Parameter '%s' must be one of AllowedValues", pc->name);
	if (pat == NULL)
		return 0;
	m = cJSON_IsString(pat) ? pattern_match(pat->valuestring, item) : -1;
	if (m < 0)
		return fail(pc->err, pc->path, "Template format error: AllowedPattern of parameter "
			    "'%s' is not a valid regular expression", pc->name);
	if (m == 0)
		return pc_violation(pc, "Parameter '%s' must match pattern %s", pc->name,
				    pat->valuestring);
	return 0;
}

static int check_length(const struct pcheck *pc, const char *item)
{
	double min, max;
	char mint[40], maxt[40];
	size_t n = utf8_len(item);
	int hmin, hmax;

	hmin = decl_number(pc, "MinLength", &min, mint);
	if (hmin < 0)
		return -1;
	hmax = decl_number(pc, "MaxLength", &max, maxt);
	if (hmax < 0)
		return -1;
	if (hmin && (double)n < min)
		return pc_violation(pc, "Parameter '%s' must contain at least %s characters",
				    pc->name, mint);
	if (hmax && (double)n > max)
		return pc_violation(pc, "Parameter '%s' must contain at most %s characters",
				    pc->name, maxt);
	return 0;
}

static int check_range(const struct pcheck *pc, const char *item)
{
	double min, max, v = strtod(item, NULL);
	char mint[40], maxt[40];
	int hmin, hmax;

	hmin = decl_number(pc, "MinValue", &min, mint);
	if (hmin < 0)
		return -1;
	hmax = decl_number(pc, "MaxValue", &max, maxt);
	if (hmax < 0)
		return -1;
	if (hmin && v < min)
		return pc_violation(pc, "Parameter '%s' must be a number not less than %s",
				    pc->name, mint);
	if (hmax && v > max)
		return pc_violation(pc, "Parameter '%s' must be a number not greater than %s",
				    pc->name, maxt);
	return 0;
}

/* Checks one value (or one list item) against the declaration. */
static int check_item(const struct pcheck *pc, const char *item)
{
	bool numeric = pc->kind == PK_NUMBER || pc->kind == PK_NUMLIST;

	if (numeric && !is_number_text(item))
		return fail(pc->err, pc->path, "Parameter '%s' must be a number", pc->name);
	if (check_allowed(pc, item) < 0)
		return -1;
	if (pc->kind == PK_STRING && check_length(pc, item) < 0)
		return -1;
	if (numeric && check_range(pc, item) < 0)
		return -1;
	return 0;
}

/* "a, b ,c" -> ["a","b","c"]. */
static cJSON *split_list(const char *text)
{
	cJSON *arr = cJSON_CreateArray();
	const char *p = text;

	for (;;) {
		const char *end = strchr(p, ','), *q;
		char *item;

		if (end == NULL)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		for (q = end; q > p && (q[-1] == ' ' || q[-1] == '\t'); q--)
			;
		item = xstrndup(p, (size_t)(q - p));
		cJSON_AddItemToArray(arr, cJSON_CreateString(item));
		free(item);
		if (*end == '\0')
			break;
		p = end + 1;
	}
	return arr;
}

/* The value given (or the Default) as a string, or as a list of strings for list kinds. */
static cJSON *param_raw(const struct pcheck *pc, const cJSON *raw)
{
	bool list = pc->kind == PK_LIST || pc->kind == PK_NUMLIST;
	char *text = scalar_text(raw);
	const cJSON *c;
	cJSON *v;

	if (text != NULL) {
		v = list ? split_list(text) : cJSON_CreateString(text);
		free(text);
		return v;
	}
	if (!list || !cJSON_IsArray(raw))
		return NULL;
	v = cJSON_CreateArray();
	cJSON_ArrayForEach(c, raw) {
		text = scalar_text(c);
		if (text == NULL) {
			cJSON_Delete(v);
			return NULL;
		}
		cJSON_AddItemToArray(v, cJSON_CreateString(text));
		free(text);
	}
	return v;
}

static bool truthy(const cJSON *v)
{
	return cJSON_IsTrue(v) || (cJSON_IsString(v) && strcasecmp(v->valuestring, "true") == 0);
}

static int param_resolve_one(struct cfn_stack *s, const cJSON *decl, const cJSON *raw,
			     struct fg_err *err)
{
	const char *type = member(decl, "Type")->valuestring;
	struct pcheck pc = { .name = decl->string, .decl = decl, .err = err };
	const cJSON *c;
	cJSON *v;
	bool ssm;
	char warn[1024];

	snprintf(pc.path, sizeof(pc.path), "Parameters.%s", decl->string);
	param_kind(type, &pc.kind, &ssm);
	v = param_raw(&pc, raw);
	if (v == NULL)
		return fail(err, pc.path, "Parameter '%s' must be a string, a number or a boolean",
			    pc.name);
	if (cJSON_IsString(v) && check_item(&pc, v->valuestring) < 0) {
		cJSON_Delete(v);
		return -1;
	}
	cJSON_ArrayForEach(c, as_array(v))
		if (check_item(&pc, c->valuestring) < 0) {
			cJSON_Delete(v);
			return -1;
		}
	if (ssm) {
		snprintf(warn, sizeof(warn), "Parameter '%s' has type %s: SSM Parameter Store is "
			 "not emulated, so its value is used literally instead of being looked up",
			 pc.name, type);
		cJSON_AddItemToArray(s->warnings, cJSON_CreateString(warn));
	}
	cJSON_AddItemToObject(s->params, decl->string, v);
	if (truthy(member(decl, "NoEcho")))
		cJSON_AddItemToArray(s->no_echo, cJSON_CreateString(decl->string));
	return 0;
}

static int params_resolve(struct cfn_stack *s, struct cfn_priv *p, struct fg_err *err)
{
	const cJSON *given = s->param_values, *g;
	struct namelist bad = { 0 };
	char path[600];

	if (given != NULL && !cJSON_IsObject(given))
		return fail(err, "Parameters", "Parameters: values must be given as an object of "
			    "name to value");
	cJSON_ArrayForEach(g, given)
		if (index_find(&p->decl, g->string) < 0) {
			snprintf(path, sizeof(path), "Parameters.%s", g->string);
			nl_add(&bad, g->string, strlen(g->string), path);
		}
	if (bad.n)
		return fail_names(err, &bad, false, "Parameters: [%s] do not exist in the template");
	for (size_t i = 0; i < p->decl.n; i++) {
		const cJSON *d = p->decl.item[i];

		if (member(given, d->string) == NULL && member(d, "Default") == NULL) {
			snprintf(path, sizeof(path), "Parameters.%s", d->string);
			nl_add(&bad, d->string, strlen(d->string), path);
		}
	}
	if (bad.n)
		return fail_names(err, &bad, false, "Parameters: [%s] must have values");
	for (size_t i = 0; i < p->decl.n; i++) {
		const cJSON *d = p->decl.item[i], *raw = member(given, d->string);

		if (param_resolve_one(s, d, raw ? raw : member(d, "Default"), err) < 0)
			return -1;
	}
	index_build(&p->val, s->params);
	return 0;
}

/* ---------------------------------------------------- conditions of the stack */

static int conditions_eval(struct cfn_stack *s, struct cfn_priv *p, struct fg_err *err)
{
	struct ev e;
	int r = EV_OK;

	ev_init(&e, s, p, err, "Conditions", true);
	for (size_t i = 0; i < p->cond.n && r == EV_OK; i++) {
		bool v;

		r = cond_get(&e, i, &v);
		if (r == EV_OK)
			cJSON_AddBoolToObject(s->conditions, p->cond.item[i]->string, v);
	}
	fg_buf_free(&e.path);
	return r == EV_OK ? 0 : -1;
}

/* Marks the resources whose Condition holds; an unknown condition name is an error. */
static int resources_present(struct cfn_priv *p, struct fg_err *err)
{
	struct namelist bad = { 0 };
	char path[600];

	for (size_t i = 0; i < p->res.n; i++) {
		const cJSON *c = member(p->res.item[i], "Condition");
		long k = c ? index_find(&p->cond, c->valuestring) : -1;

		p->present[i] = c == NULL || (k >= 0 && p->cval[k]);
		if (c != NULL && k < 0) {
			snprintf(path, sizeof(path), "Resources.%s.Condition",
				 p->res.item[i]->string);
			nl_add(&bad, c->valuestring, strlen(c->valuestring), path);
		}
	}
	if (bad.n)
		return fail_names(err, &bad, true, "Template format error: Unresolved condition "
				  "dependencies [%s] in the Resources block of the template");
	return 0;
}

/* --------------------------------------------------------- references (walk) */

/* Finds what a subtree references, without evaluating it. */
struct walk {
	struct cfn_priv *p;
	struct fg_err *err;
	struct fg_buf path;
	struct u32v deps;       /* resources referenced */
	struct namelist un;     /* names that are nothing */
};

static int walk_node(struct walk *w, const cJSON *n);

static size_t walk_push(struct walk *w, const char *key)
{
	size_t len = w->path.len;

	fg_buf_printf(&w->path, "%s%s", len ? "." : "", key);
	return len;
}

static void walk_pop(struct walk *w, size_t len)
{
	w->path.len = len;
	w->path.data[len] = '\0';
}

/* Ref X: a parameter, a pseudo parameter, a resource (a dependency) or unresolved. */
static void walk_ref_name(struct walk *w, const char *name, size_t len)
{
	char *nm = xstrndup(name, len);
	long i;

	if (!is_pseudo(nm) && index_find(&w->p->decl, nm) < 0) {
		i = index_find(&w->p->res, nm);
		if (i >= 0)
			u32v_push(&w->deps, (uint32_t)i);
		else
			nl_add(&w->un, nm, len, w->path.data);
	}
	free(nm);
}

static int walk_getatt_res(struct walk *w, const char *name, size_t len)
{
	char *nm = xstrndup(name, len);
	long i = index_find(&w->p->res, nm);

	if (i < 0)
		fail(w->err, w->path.data, "Template error: instance of Fn::GetAtt references "
		     "undefined resource %s", nm);
	else
		u32v_push(&w->deps, (uint32_t)i);
	free(nm);
	return i < 0 ? -1 : 0;
}

static int walk_getatt(struct walk *w, const cJSON *arg)
{
	const char *dot;
	size_t len;
	int r;

	if (cJSON_IsString(arg)) {
		dot = strchr(arg->valuestring, '.');
		if (dot == NULL || dot == arg->valuestring || dot[1] == '\0')
			return fail(w->err, w->path.data, "%s", getatt_shape);
		return walk_getatt_res(w, arg->valuestring, (size_t)(dot - arg->valuestring));
	}
	if (arr_len(arg) != 2 || !cJSON_IsString(arg->child) || arg->child->valuestring[0] == 0)
		return fail(w->err, w->path.data, "%s", getatt_shape);
	if (walk_getatt_res(w, arg->child->valuestring, strlen(arg->child->valuestring)) < 0)
		return -1;
	len = walk_push(w, "1");
	r = walk_node(w, arg->child->next);
	walk_pop(w, len);
	return r;
}

/* The ${X} and ${X.Attr} of Fn::Sub that are not in its variable map. */
static int walk_sub(struct walk *w, const cJSON *arg)
{
	const cJSON *tmpl = arg, *map = NULL;
	const char *p;
	long n = arr_len(arg);
	size_t len;
	int r = 0;

	if (n == 1 || n == 2) {
		tmpl = arg->child;
		map = n == 2 ? arg->child->next : NULL;
	}
	if (!cJSON_IsString(tmpl))
		return 0; /* cfn_eval reports the shape */
	for (p = tmpl->valuestring; r == 0 && (p = strstr(p, "${")) != NULL;) {
		const char *end = strchr(p + 2, '}'), *nb = p + 2, *ne, *dot;
		char *name;

		if (end == NULL)
			break;
		p = end + 1;
		if (*nb == '!')
			continue;
		for (; nb < end && *nb == ' '; nb++)
			;
		for (ne = end; ne > nb && ne[-1] == ' '; ne--)
			;
		name = xstrndup(nb, (size_t)(ne - nb));
		dot = strchr(name, '.');
		if (member(map, name) == NULL) {
			if (dot == NULL)
				walk_ref_name(w, name, strlen(name));
			else
				r = walk_getatt_res(w, name, (size_t)(dot - name));
		}
		free(name);
	}
	if (r == 0 && map != NULL) {
		len = walk_push(w, "1");
		r = walk_node(w, map);
		walk_pop(w, len);
	}
	return r;
}

static int walk_cond_name(struct walk *w, const char *name, const char *where)
{
	if (index_find(&w->p->cond, name) >= 0)
		return 0;
	return fail(w->err, w->path.data, "Template error: unresolved condition dependency %s "
		    "in %s", name, where);
}

/* Handles a one-member object that is a function walk knows: 1 when it is not one. */
static int walk_fn(struct walk *w, const cJSON *c)
{
	char where[32];
	size_t len;
	int r = 1;

	if (strcmp(c->string, "Ref") != 0 && strcmp(c->string, "Fn::GetAtt") != 0 &&
	    strcmp(c->string, "Fn::Sub") != 0 && strcmp(c->string, "Fn::If") != 0 &&
	    !(strcmp(c->string, "Condition") == 0 && cJSON_IsString(c)))
		return 1;
	section_of(w->path.data, where);
	len = walk_push(w, c->string);
	if (strcmp(c->string, "Ref") == 0) {
		r = 0;
		if (!cJSON_IsString(c))
			r = fail(w->err, w->path.data, "Template format error: Every Ref object must "
				 "have a single String value.");
		else
			walk_ref_name(w, c->valuestring, strlen(c->valuestring));
	} else if (strcmp(c->string, "Fn::GetAtt") == 0) {
		r = walk_getatt(w, c);
	} else if (strcmp(c->string, "Fn::Sub") == 0) {
		r = walk_sub(w, c);
	} else if (strcmp(c->string, "Condition") == 0) {
		r = walk_cond_name(w, c->valuestring, where);
	} else if (cJSON_IsArray(c) && cJSON_IsString(c->child)) {
		/* Fn::If: check the condition, then walk both branches */
		r = walk_cond_name(w, c->child->valuestring, "Fn::If");
		if (r == 0)
			r = walk_node(w, c);
	} else {
		r = walk_node(w, c);
	}
	walk_pop(w, len);
	return r;
}

static int walk_node(struct walk *w, const cJSON *n)
{
	const cJSON *c;
	size_t i = 0;

	if (!cJSON_IsArray(n) && !cJSON_IsObject(n))
		return 0;
	c = n->child;
	if (cJSON_IsObject(n) && c != NULL && c->next == NULL) {
		int r = walk_fn(w, c);

		if (r != 1)
			return r;
	}
	cJSON_ArrayForEach(c, n) {
		char num[24];
		size_t len;
		int r;

		snprintf(num, sizeof(num), "%zu", i++);
		len = walk_push(w, cJSON_IsArray(n) ? num : c->string);
		r = walk_node(w, c);
		walk_pop(w, len);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* DependsOn: a name or a list of names, each a resource that is present when r is. */
static int walk_depends_on(struct walk *w, const cJSON *dep, bool present)
{
	const cJSON *c;
	size_t i = 0, len;

	if (dep == NULL)
		return 0;
	if (!cJSON_IsString(dep) && !cJSON_IsArray(dep))
		return fail(w->err, w->path.data, "Template format error: DependsOn must be a "
			    "string or a list of strings");
	cJSON_ArrayForEach(c, as_array(dep))
		if (!cJSON_IsString(c))
			return fail(w->err, w->path.data, "Template format error: DependsOn must be "
				    "a string or a list of strings");
	for (c = cJSON_IsArray(dep) ? dep->child : dep; c != NULL;
	     c = cJSON_IsArray(dep) ? c->next : NULL) {
		long k = index_find(&w->p->res, c->valuestring);
		char num[24];

		snprintf(num, sizeof(num), "%zu", i++);
		len = cJSON_IsArray(dep) ? walk_push(w, num) : w->path.len;
		if (k >= 0 && present && !w->p->present[k]) {
			fail(w->err, w->path.data, "Template format error: Unresolved resource "
			     "dependencies [%s] in the Resources block of the template",
			     c->valuestring);
			walk_pop(w, len);
			return -1;
		}
		if (k >= 0)
			u32v_push(&w->deps, (uint32_t)k);
		else
			nl_add(&w->un, c->valuestring, strlen(c->valuestring), w->path.data);
		walk_pop(w, len);
	}
	return 0;
}

static void walk_reset(struct walk *w, const char *section, const char *name)
{
	w->path.len = 0;
	fg_buf_printf(&w->path, "%s.%s", section, name);
	w->deps.n = 0;
}

static void walk_free(struct walk *w)
{
	fg_buf_free(&w->path);
	free(w->deps.v);
	nl_free(&w->un);
}

/* ------------------------------------------------------------------- ordering */

/* The dependency graph of the present resources: deps[dstart[r]..dstart[r+1]) of r. */
struct graph {
	size_t n;
	uint32_t *dstart;
	struct u32v deps;
	bool *selfloop;
	uint32_t *rstart;       /* reverse (dependents), same layout */
	uint32_t *rev;
};

static void graph_free(struct graph *g)
{
	free(g->dstart);
	free(g->deps.v);
	free(g->selfloop);
	free(g->rstart);
	free(g->rev);
}

/* Walks every resource's Properties and DependsOn into g. */
static int graph_build(struct cfn_priv *p, struct graph *g, struct fg_err *err)
{
	struct walk w = { .p = p, .err = err };
	size_t len;
	int r = 0;

	g->n = p->res.n;
	g->dstart = xcalloc(g->n + 1, sizeof(*g->dstart));
	g->selfloop = xcalloc(g->n, sizeof(*g->selfloop));
	fg_buf_init(&w.path);
	for (size_t i = 0; i < g->n && r == 0; i++) {
		const cJSON *res = p->res.item[i];

		walk_reset(&w, "Resources", res->string);
		len = walk_push(&w, "Properties");
		r = walk_node(&w, member(res, "Properties"));
		walk_pop(&w, len);
		len = walk_push(&w, "DependsOn");
		if (r == 0)
			r = walk_depends_on(&w, member(res, "DependsOn"), p->present[i]);
		walk_pop(&w, len);
		u32v_sort_unique(&w.deps);
		g->dstart[i] = (uint32_t)g->deps.n;
		for (size_t k = 0; p->present[i] && k < w.deps.n; k++) {
			if (!p->present[w.deps.v[k]])
				continue; /* referencing it is an error when evaluated */
			u32v_push(&g->deps, w.deps.v[k]);
			g->selfloop[i] = g->selfloop[i] || w.deps.v[k] == i;
		}
	}
	g->dstart[g->n] = (uint32_t)g->deps.n;
	if (r == 0 && w.un.n)
		r = fail_names(err, &w.un, true, "Template format error: Unresolved resource "
			       "dependencies [%s] in the Resources block of the template");
	walk_free(&w);
	return r;
}

static void graph_reverse(struct graph *g)
{
	uint32_t *fill = xcalloc(g->n + 1, sizeof(*fill));

	g->rstart = xcalloc(g->n + 1, sizeof(*g->rstart));
	g->rev = xcalloc(g->deps.n, sizeof(*g->rev));
	for (size_t e = 0; e < g->deps.n; e++)
		g->rstart[g->deps.v[e] + 1]++;
	for (size_t i = 0; i < g->n; i++)
		g->rstart[i + 1] += g->rstart[i];
	memcpy(fill, g->rstart, (g->n + 1) * sizeof(*fill));
	for (size_t r = 0; r < g->n; r++)
		for (uint32_t e = g->dstart[r]; e < g->dstart[r + 1]; e++)
			g->rev[fill[g->deps.v[e]]++] = (uint32_t)r;
	free(fill);
}

/* A min-heap of template positions: the ready resource that comes first is taken first. */
struct heap {
	uint32_t *v;
	size_t n;
};

static void heap_push(struct heap *h, uint32_t x)
{
	size_t i = h->n++;

	while (i > 0 && h->v[(i - 1) / 2] > x) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = x;
}

static uint32_t heap_pop(struct heap *h)
{
	uint32_t top = h->v[0], x = h->v[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= x)
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = x;
	return top;
}

struct tarjan {
	const struct graph *g;
	const bool *left;     /* the nodes considered */
	bool *cyclic;         /* result */
	uint32_t *idx, *low;  /* visit number, lowest reachable visit number */
	uint32_t *stk;        /* nodes of the components being built */
	uint32_t *cs, *it;    /* call stack: node and its next dependent edge */
	bool *on;             /* on stk */
	uint32_t counter;
	size_t sp, csp;
};

static void tj_enter(struct tarjan *t, uint32_t v)
{
	t->idx[v] = t->low[v] = t->counter++;
	t->stk[t->sp++] = v;
	t->on[v] = true;
	t->cs[t->csp] = v;
	t->it[t->csp++] = t->g->rstart[v];
}

/* v is done: hand its low to its caller; if it roots a component, pop and mark it. */
static void tj_leave(struct tarjan *t, uint32_t v)
{
	size_t from = t->sp;

	if (--t->csp > 0 && t->low[v] < t->low[t->cs[t->csp - 1]])
		t->low[t->cs[t->csp - 1]] = t->low[v];
	if (t->low[v] != t->idx[v])
		return;
	while (t->stk[--from] != v)
		;
	for (size_t k = from; k < t->sp; k++) {
		t->on[t->stk[k]] = false;
		t->cyclic[t->stk[k]] = t->sp - from > 1 || t->g->selfloop[v];
	}
	t->sp = from;
}

static void tj_run(struct tarjan *t, uint32_t v0)
{
	tj_enter(t, v0);
	while (t->csp > 0) {
		uint32_t v = t->cs[t->csp - 1], w;

		if (t->it[t->csp - 1] >= t->g->rstart[v + 1]) {
			tj_leave(t, v);
			continue;
		}
		w = t->g->rev[t->it[t->csp - 1]++];
		if (!t->left[w])
			continue;
		if (t->idx[w] == UINT32_MAX)
			tj_enter(t, w);
		else if (t->on[w] && t->idx[w] < t->low[v])
			t->low[v] = t->idx[w];
	}
}

/*
 * Marks the resources that lie on a cycle among those left (Tarjan's strongly connected
 * components, iterative): members of a component of two or more, or with a self-reference.
 */
static void mark_cycles(const struct graph *g, const bool *left, bool *cyclic)
{
	struct tarjan t = { .g = g, .left = left, .cyclic = cyclic };

	t.idx = xcalloc(g->n, sizeof(*t.idx));
	t.low = xcalloc(g->n, sizeof(*t.low));
	t.stk = xcalloc(g->n, sizeof(*t.stk));
	t.cs = xcalloc(g->n, sizeof(*t.cs));
	t.it = xcalloc(g->n, sizeof(*t.it));
	t.on = xcalloc(g->n, sizeof(*t.on));
	for (size_t i = 0; i < g->n; i++)
		t.idx[i] = UINT32_MAX;
	for (size_t v = 0; v < g->n; v++)
		if (left[v] && t.idx[v] == UINT32_MAX)
			tj_run(&t, (uint32_t)v);
	free(t.idx);
	free(t.low);
	free(t.stk);
	free(t.cs);
	free(t.it);
	free(t.on);
}

static int report_cycle(const struct cfn_priv *p, const struct graph *g, const uint32_t *indeg,
			struct fg_err *err)
{
	bool *left = xcalloc(g->n, sizeof(*left)), *cyclic = xcalloc(g->n, sizeof(*cyclic));
	char **names = xcalloc(g->n, sizeof(*names)), *text, path[600];
	size_t n = 0;

	for (size_t i = 0; i < g->n; i++)
		left[i] = p->present[i] && indeg[i] > 0;
	mark_cycles(g, left, cyclic);
	for (size_t i = 0; i < g->n; i++)
		if (cyclic[i])
			names[n++] = p->res.item[i]->string;
	for (size_t i = 0; n == 0 && i < g->n; i++) /* not reached: something is on a cycle */
		if (left[i])
			names[n++] = p->res.item[i]->string;
	text = names_text(names, n, true);
	snprintf(path, sizeof(path), "Resources.%s", names[0]);
	fail(err, path, "Circular dependency between resources: [%s]", text);
	free(text);
	free(names);
	free(left);
	free(cyclic);
	return -1;
}

/* Kahn's algorithm over the present resources, ready ones taken in template order. */
static int order_resources(struct cfn_stack *s, struct cfn_priv *p, struct fg_err *err)
{
	struct graph g = { 0 };
	struct heap h = { 0 };
	uint32_t *indeg, *out;
	size_t nout = 0, npresent = 0;
	int r;

	if (graph_build(p, &g, err) < 0) {
		graph_free(&g);
		return -1;
	}
	graph_reverse(&g);
	indeg = xcalloc(g.n, sizeof(*indeg));
	out = xcalloc(g.n, sizeof(*out));
	h.v = xcalloc(g.n, sizeof(*h.v));
	for (size_t i = 0; i < g.n; i++) {
		indeg[i] = g.dstart[i + 1] - g.dstart[i];
		npresent += p->present[i];
		if (p->present[i] && indeg[i] == 0)
			heap_push(&h, (uint32_t)i);
	}
	while (h.n > 0) {
		uint32_t v = heap_pop(&h);

		out[nout++] = v;
		for (uint32_t e = g.rstart[v]; e < g.rstart[v + 1]; e++)
			if (--indeg[g.rev[e]] == 0)
				heap_push(&h, g.rev[e]);
	}
	r = nout < npresent ? report_cycle(p, &g, indeg, err) : 0;
	for (size_t i = 0; r == 0 && i < nout; i++)
		p->order[s->norder++] = xstrdup(p->res.item[out[i]]->string);
	free(indeg);
	free(out);
	free(h.v);
	graph_free(&g);
	return r;
}

/* Outputs may reference only what exists, and name only known conditions. */
static int outputs_check_refs(struct cfn_priv *p, const cJSON *outs, struct fg_err *err)
{
	struct walk w = { .p = p, .err = err };
	struct namelist badc = { 0 };
	const cJSON *o;
	int r = 0;

	fg_buf_init(&w.path);
	cJSON_ArrayForEach(o, outs) {
		const cJSON *c = member(o, "Condition");
		size_t len;

		walk_reset(&w, "Outputs", o->string);
		if (c != NULL && index_find(&p->cond, c->valuestring) < 0) {
			len = walk_push(&w, "Condition");
			nl_add(&badc, c->valuestring, strlen(c->valuestring), w.path.data);
			walk_pop(&w, len);
		}
		len = walk_push(&w, "Value");
		r = walk_node(&w, member(o, "Value"));
		walk_pop(&w, len);
		len = walk_push(&w, "Export");
		if (r == 0)
			r = walk_node(&w, member(o, "Export"));
		walk_pop(&w, len);
		if (r < 0)
			break;
	}
	if (r == 0 && badc.n)
		r = fail_names(err, &badc, true, "Template format error: Unresolved condition "
			       "dependencies [%s] in the Outputs block of the template");
	if (r == 0 && w.un.n)
		r = fail_names(err, &w.un, true, "Template format error: Unresolved resource "
			       "dependencies [%s] in the Outputs block of the template");
	nl_free(&badc);
	walk_free(&w);
	return r;
}

/* ------------------------------------------------------------------ public API */

int cfn_prepare(struct cfn_stack *s, struct fg_err *err)
{
	const cJSON *t = s->template, *c;
	struct cfn_priv *p;

	s->params = cJSON_CreateObject();
	s->no_echo = cJSON_CreateArray();
	s->conditions = cJSON_CreateObject();
	s->warnings = cJSON_CreateArray();
	s->order = NULL;
	s->norder = 0;
	s->priv = NULL;
	if (check_top(s, err) < 0)
		return -1;
	cJSON_ArrayForEach(c, member(t, "Resources"))
		if (check_resource(c, err) < 0)
			return -1;
	if (check_params(member(t, "Parameters"), err) < 0 ||
	    check_outputs(member(t, "Outputs"), err) < 0)
		return -1;
	p = priv_new(s);
	if (params_resolve(s, p, err) < 0 || conditions_eval(s, p, err) < 0 ||
	    resources_present(p, err) < 0 || order_resources(s, p, err) < 0 ||
	    outputs_check_refs(p, member(t, "Outputs"), err) < 0)
		return -1;
	p->ready = true;
	return 0;
}

/* Evaluates n at path into *out (AWS::NoValue at the top becomes JSON null). */
static int eval_at(struct cfn_stack *s, struct cfn_priv *p, const cJSON *n, const char *path,
		   cJSON **out, struct fg_err *err)
{
	struct ev e;
	int r;

	ev_init(&e, s, p, err, path, false);
	r = ev_node(&e, n, out);
	fg_buf_free(&e.path);
	if (r == EV_NOVALUE)
		*out = cJSON_CreateNull();
	return r == EV_ERR ? -1 : 0;
}

static struct cfn_priv *ready_priv(const struct cfn_stack *s, const char *path,
				   struct fg_err *err)
{
	struct cfn_priv *p = priv_of(s);

	if (p != NULL && p->ready)
		return p;
	fg_err_set(err, 500, "InternalError", "the stack's template was not prepared "
		   "(cfn_prepare must succeed first)");
	fg_err_at(err, NULL, path);
	return NULL;
}

cJSON *cfn_eval(struct cfn_stack *s, const cJSON *node, const char *path, struct fg_err *err)
{
	struct cfn_priv *p = ready_priv(s, path, err);
	cJSON *out = NULL;

	if (p == NULL)
		return NULL;
	if (node == NULL)
		return cJSON_CreateNull();
	if (eval_at(s, p, node, path ? path : "", &out, err) < 0)
		return NULL;
	return out;
}

/* An output's text: scalars as text, a list of scalars joined with ",". */
static char *output_text(const cJSON *v)
{
	const cJSON *c;
	struct fg_buf b;
	char *t = scalar_text(v);

	if (t != NULL || !cJSON_IsArray(v))
		return t;
	fg_buf_init(&b);
	fg_buf_puts(&b, "");
	cJSON_ArrayForEach(c, v) {
		t = scalar_text(c);
		if (t == NULL) {
			fg_buf_free(&b);
			return NULL;
		}
		fg_buf_printf(&b, "%s%s", c == v->child ? "" : ",", t);
		free(t);
	}
	return fg_buf_take(&b);
}

/* Evaluates an output's Value or Export.Name to text. */
static int output_eval(struct cfn_stack *s, struct cfn_priv *p, const cJSON *n,
		       const char *path, char **text, struct fg_err *err)
{
	cJSON *v = NULL;

	*text = NULL;
	if (eval_at(s, p, n, path, &v, err) < 0)
		return -1;
	*text = output_text(v);
	cJSON_Delete(v);
	if (*text == NULL)
		return fail(err, path, "Template error: %s must resolve to a string, a number, a "
			    "boolean or a list of those", path);
	return 0;
}

static int output_one(struct cfn_stack *s, struct cfn_priv *p, const cJSON *o, cJSON *outputs,
		      cJSON *exports, cJSON *exporter, struct fg_err *err)
{
	const cJSON *c = member(o, "Condition"), *x = member(o, "Export"), *prev;
	long k = c ? index_find(&p->cond, c->valuestring) : -1;
	char path[600], *value, *name;

	if (c != NULL && k >= 0 && !p->cval[k])
		return 0;
	snprintf(path, sizeof(path), "Outputs.%s.Value", o->string);
	if (output_eval(s, p, member(o, "Value"), path, &value, err) < 0)
		return -1;
	cJSON_AddStringToObject(outputs, o->string, value);
	snprintf(path, sizeof(path), "Outputs.%s.Export.Name", o->string);
	if (x != NULL && output_eval(s, p, member(x, "Name"), path, &name, err) < 0) {
		free(value);
		return -1;
	}
	prev = x != NULL ? member(exporter, name) : NULL;
	if (prev != NULL)
		fail(err, path, "Template format error: Duplicate export name %s: Outputs %s and %s "
		     "both export it", name, prev->valuestring, o->string);
	else if (x != NULL) {
		cJSON_AddStringToObject(exports, name, value);
		cJSON_AddStringToObject(exporter, name, o->string);
	}
	if (x != NULL)
		free(name);
	free(value);
	return prev != NULL ? -1 : 0;
}

int cfn_outputs(struct cfn_stack *s, cJSON **outputs, cJSON **exports, struct fg_err *err)
{
	struct cfn_priv *p = ready_priv(s, "Outputs", err);
	cJSON *exporter;
	const cJSON *o;
	int r = 0;

	*outputs = NULL;
	*exports = NULL;
	if (p == NULL)
		return -1;
	*outputs = cJSON_CreateObject();
	*exports = cJSON_CreateObject();
	exporter = cJSON_CreateObject();
	cJSON_ArrayForEach(o, member(s->template, "Outputs"))
		if ((r = output_one(s, p, o, *outputs, *exports, exporter, err)) < 0)
			break;
	cJSON_Delete(exporter);
	if (r < 0) {
		cJSON_Delete(*outputs);
		cJSON_Delete(*exports);
		*outputs = NULL;
		*exports = NULL;
	}
	return r;
}

void cfn_stack_fini(struct cfn_stack *s)
{
	struct cfn_priv *p = priv_of(s);

	if (p != NULL)
		priv_free(p, s->norder);
	cJSON_Delete(s->params);
	cJSON_Delete(s->no_echo);
	cJSON_Delete(s->conditions);
	cJSON_Delete(s->warnings);
	s->params = NULL;
	s->no_echo = NULL;
	s->conditions = NULL;
	s->warnings = NULL;
	s->order = NULL;
	s->norder = 0;
	s->priv = NULL;
}
