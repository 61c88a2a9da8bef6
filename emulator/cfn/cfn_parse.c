/*
 * cfn_parse.c: turns a CloudFormation template's text (JSON, or YAML with the short-form
 * intrinsic tags) into one cJSON tree, the form the rest of cfn/ evaluates.
 *
 * JSON goes through cJSON. The checks cJSON does not make (text after the value, a key
 * repeated in an object) are made here; the position of a repeated key is found by walking
 * the text alongside the parsed tree.
 *
 * YAML goes through libyaml's event parser and is built into cJSON directly:
 * - short tags become the long form: `!Ref X` -> {"Ref":"X"}, `!GetAtt A.B` ->
 *   {"Fn::GetAtt":["A","B"]}, `!Sub ...` -> {"Fn::Sub": ...}; an unknown tag is an error;
 * - plain scalars are typed as CloudFormation types them: null, true/false (not yes/no/on/
 *   off), and numbers only when the text round-trips exactly through cJSON's printer;
 *   quoted and block scalars, and anything a tag applies to, stay strings;
 * - the standard tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are honoured;
 * - anchors are copied at each alias, with the total size bounded against alias bombs;
 * - a mapping may not repeat a key, keys must be scalars, and there is one document.
 *
 * Every syntax error is a 400 ValidationError whose message names the line and column:
 * "Template format error: YAML not well-formed. (line L, column C): <reason>".
 */
#include "cfn/cfn.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 1000     /* nesting of a tree built from YAML, as cJSON limits JSON */
#define MAX_NODES 1000000  /* nodes of a tree built from YAML, each alias counted in full */
#define MAX_EXACT_INT 9007199254740992LL  /* 2^53: the integers a double holds exactly */

static const char yaml_std_prefix[] = "tag:yaml.org,2002:";

/* ------------------------------------------------------------------ helpers */

/* cJSON signals allocation failure with NULL or false; like fg_buf, that is fatal here. */
static cJSON *need(cJSON *v)
{
	FG_ASSERT(v != NULL);
	return v;
}

static void add_item(cJSON *obj, const char *key, cJSON *v)
{
	cJSON_bool added = cJSON_AddItemToObject(obj, key, v);

	FG_ASSERT(added);
}

static void push_item(cJSON *arr, cJSON *v)
{
	cJSON_bool added = cJSON_AddItemToArray(arr, v);

	FG_ASSERT(added);
}

static bool is_one_of(const char *s, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(s, *words) == 0)
			return true;
	return false;
}

static size_t bom_len(const char *s, size_t len)
{
	return len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* 1-based line and column (in characters) of byte offset off; \n, \r\n and \r end lines. */
static void line_col(const char *s, size_t len, size_t off, size_t *line, size_t *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	if (off > len)
		off = len;
	for (i = bom_len(s, off); i < off; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || (c == '\r' && (i + 1 >= len || s[i + 1] != '\n'))) {
			(*line)++;
			*col = 1;
		} else if (c != '\r' && (c & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

static void not_well_formed(struct fg_err *err, const char *lang, size_t line, size_t col,
			    const char *fmt, ...) FG_PRINTF(5, 6);

static void not_well_formed(struct fg_err *err, const char *lang, size_t line, size_t col,
			    const char *fmt, ...)
{
	char reason[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	fg_err_set(err, 400, "ValidationError",
		   "Template format error: %s not well-formed. (line %zu, column %zu): %s", lang,
		   line, col, reason);
}

static void template_empty(struct fg_err *err)
{
	fg_err_set(err, 400, "ValidationError", "Template format error: the template is empty");
}

static void template_not_mapping(struct fg_err *err)
{
	fg_err_set(err, 400, "ValidationError",
		   "Template format error: template must be a JSON object or YAML mapping");
}

/* ----------------------------------------------------------------- key sets */

/* Open-addressing set of borrowed strings, so checking a mapping for repeats stays linear. */
struct keyset {
	const char **slot;
	size_t cap;  /* 0 or a power of two */
	size_t n;
};

static const char **keyset_slot(const char **slot, size_t cap, const char *key)
{
	size_t i = (size_t)fg_hash64(&key, 1) & (cap - 1);

	while (slot[i] != NULL && strcmp(slot[i], key) != 0)
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

static bool keyset_has(const struct keyset *ks, const char *key)
{
	return ks->cap > 0 && *keyset_slot(ks->slot, ks->cap, key) != NULL;
}

static void keyset_grow(struct keyset *ks)
{
	size_t cap = ks->cap ? ks->cap * 2 : 16;
	const char **slot = calloc(cap, sizeof(*slot));
	size_t i;

	FG_ASSERT(slot != NULL);
	for (i = 0; i < ks->cap; i++)
		if (ks->slot[i] != NULL)
			*keyset_slot(slot, cap, ks->slot[i]) = ks->slot[i];
	free(ks->slot);
	ks->slot = slot;
	ks->cap = cap;
}

/* key must not be in the set yet, and must outlive it. */
static void keyset_add(struct keyset *ks, const char *key)
{
	if ((ks->n + 1) * 2 > ks->cap)
		keyset_grow(ks);
	*keyset_slot(ks->slot, ks->cap, key) = key;
	ks->n++;
}

static void keyset_free(struct keyset *ks)
{
	free(ks->slot);
	ks->slot = NULL;
	ks->cap = ks->n = 0;
}

/* --------------------------------------------------------------------- JSON */

/* A cursor over JSON text that cJSON has already accepted; cJSON's blanks are bytes <= ' '. */
struct jscan {
	const char *s;
	size_t len;
	size_t pos;
};

static void js_blank(struct jscan *j)
{
	while (j->pos < j->len && (unsigned char)j->s[j->pos] <= ' ')
		j->pos++;
}

static void js_step(struct jscan *j)
{
	if (j->pos < j->len)
		j->pos++;
}

static void js_string(struct jscan *j)
{
	js_step(j);  /* opening quote */
	while (j->pos < j->len && j->s[j->pos] != '"') {
		if (j->s[j->pos] == '\\')
			js_step(j);
		js_step(j);
	}
	js_step(j);  /* closing quote */
}

static void js_scalar(struct jscan *j)
{
	if (j->pos < j->len && j->s[j->pos] == '"') {
		js_string(j);
		return;
	}
	while (j->pos < j->len && (unsigned char)j->s[j->pos] > ' ' &&
	       strchr(",]}", j->s[j->pos]) == NULL)
		j->pos++;
}

static void json_error_at(struct fg_err *err, const char *s, size_t len, size_t off)
{
	size_t line, col;

	line_col(s, len, off, &line, &col);
	fg_err_set(err, 400, "ValidationError",
		   "Template format error: JSON not well-formed. (line %zu, column %zu)", line, col);
}

static int js_value(struct jscan *j, const cJSON *node, struct fg_err *err);

/* The members of the object or array node, whose bracket is at the cursor. */
static int js_members(struct jscan *j, const cJSON *node, struct fg_err *err)
{
	bool obj = cJSON_IsObject(node);
	struct keyset ks = { 0 };
	const cJSON *it;
	size_t line, col;
	int rc = 0;

	js_step(j);  /* '{' or '[' */
	for (it = node->child; it != NULL && rc == 0; it = it->next) {
		js_blank(j);
		if (obj) {
			if (keyset_has(&ks, it->string)) {
				line_col(j->s, j->len, j->pos, &line, &col);
				not_well_formed(err, "JSON", line, col, "duplicate key '%.200s'",
						it->string);
				rc = -1;
				break;
			}
			keyset_add(&ks, it->string);
			js_string(j);
			js_blank(j);
			js_step(j);  /* ':' */
		}
		rc = js_value(j, it, err);
		js_blank(j);
		js_step(j);  /* ',' or the closing bracket */
	}
	if (node->child == NULL) {
		js_blank(j);
		js_step(j);
	}
	keyset_free(&ks);
	return rc;
}

/* Walks the text of node (at the cursor) and its tree together, looking for repeated keys. */
static int js_value(struct jscan *j, const cJSON *node, struct fg_err *err)
{
	js_blank(j);
	if (cJSON_IsObject(node) || cJSON_IsArray(node))
		return js_members(j, node, err);
	js_scalar(j);
	return 0;
}

static cJSON *parse_json(const char *text, size_t len, struct fg_err *err)
{
	struct jscan j = { text, len, bom_len(text, len) };
	const char *end = NULL;
	cJSON *root;
	char *copy;
	size_t pos;

	js_blank(&j);
	if (j.pos == len) {
		template_empty(err);
		return NULL;
	}
	/* cJSON honours the length, but a terminated copy keeps any slip inside our memory. */
	copy = malloc(len + 1);
	FG_ASSERT(copy != NULL);
	memcpy(copy, text, len);
	copy[len] = '\0';
	root = cJSON_ParseWithLengthOpts(copy, len, &end, 0);
	pos = end != NULL ? (size_t)(end - copy) : 0;
	free(copy);
	if (root == NULL && pos > 0 && pos <= len && text[pos - 1] != '"' &&
	    (unsigned char)text[pos - 1] > ' ') {
		/* cJSON reports a bad object key one past its first character: step back when
		 * that character stands where a key should start (after '{' or ','). */
		size_t k = pos - 1;

		while (k > 0 && (unsigned char)text[k - 1] <= ' ')
			k--;
		if (k > 0 && (text[k - 1] == '{' || text[k - 1] == ','))
			pos--;
	}
	if (root == NULL) {
		json_error_at(err, text, len, pos);
		return NULL;
	}
	j.pos = pos;
	js_blank(&j);
	if (j.pos < len) {
		json_error_at(err, text, len, j.pos);
		cJSON_Delete(root);
		return NULL;
	}
	j.pos = bom_len(text, len);
	if (js_value(&j, root, err) != 0) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* --------------------------------------------------------------------- tags */

struct intrinsic {
	const char *tag;
	const char *key;
};

static const struct intrinsic intrinsics[] = {
	{ "!Ref", "Ref" },
	{ "!Condition", "Condition" },
	{ "!GetAtt", "Fn::GetAtt" },
	{ "!Sub", "Fn::Sub" },
	{ "!Join", "Fn::Join" },
	{ "!Select", "Fn::Select" },
	{ "!Split", "Fn::Split" },
	{ "!If", "Fn::If" },
	{ "!Equals", "Fn::Equals" },
	{ "!Not", "Fn::Not" },
	{ "!And", "Fn::And" },
	{ "!Or", "Fn::Or" },
	{ "!FindInMap", "Fn::FindInMap" },
	{ "!ImportValue", "Fn::ImportValue" },
	{ "!Base64", "Fn::Base64" },
	{ "!Cidr", "Fn::Cidr" },
	{ "!GetAZs", "Fn::GetAZs" },
	{ "!Transform", "Fn::Transform" },
};

enum tag_kind {
	TAG_NONE,     /* no tag: plain scalars are typed */
	TAG_ANY,      /* the non-specific "!": scalars stay strings, collections as they are */
	TAG_STRING,   /* !!str */
	TAG_INT,
	TAG_FLOAT,
	TAG_BOOL,
	TAG_NULL,
	TAG_SEQ,
	TAG_MAP,
	TAG_FN,       /* a CloudFormation short tag */
};

struct tag {
	enum tag_kind kind;
	const struct intrinsic *fn;
	const char *text;  /* as written, for messages */
};

static const struct intrinsic *find_intrinsic(const char *tag)
{
	size_t i;

	for (i = 0; i < sizeof(intrinsics) / sizeof(intrinsics[0]); i++)
		if (strcmp(intrinsics[i].tag, tag) == 0)
			return &intrinsics[i];
	return NULL;
}

static enum tag_kind std_tag_kind(const char *name)
{
	static const struct {
		const char *name;
		enum tag_kind kind;
	} std[] = {
		{ "str", TAG_STRING }, { "int", TAG_INT },   { "float", TAG_FLOAT },
		{ "bool", TAG_BOOL },  { "null", TAG_NULL }, { "seq", TAG_SEQ },
		{ "map", TAG_MAP },
	};
	size_t i;

	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (strcmp(std[i].name, name) == 0)
			return std[i].kind;
	return TAG_NONE;
}

/* Writes the tag as a reader would write it: "!!str" rather than "tag:yaml.org,2002:str". */
static const char *tag_display(const char *tag, char *buf, size_t n)
{
	size_t plen = sizeof(yaml_std_prefix) - 1;

	if (strncmp(tag, yaml_std_prefix, plen) != 0)
		return tag;
	snprintf(buf, n, "!!%s", tag + plen);
	return buf;
}

/* ----------------------------------------------------------------- YAML */

struct anchor {
	char *name;
	cJSON *node;   /* in the tree being built, or owned here (anchors on mapping keys) */
	char *text;    /* the scalar's text when the anchored node is a scalar, else NULL */
	size_t nodes;  /* size of node, charged again at each alias */
	bool owned;
};

struct yaml_ctx {
	yaml_parser_t parser;
	struct fg_err *err;
	const char *text;
	size_t len;
	struct anchor *anchors;
	size_t nanchors;
	size_t cap;
	size_t nodes;  /* nodes built so far, aliases counted in full */
};

static void yaml_error(struct yaml_ctx *c, yaml_mark_t mark, const char *fmt, ...)
	FG_PRINTF(3, 4);

static void yaml_error(struct yaml_ctx *c, yaml_mark_t mark, const char *fmt, ...)
{
	char reason[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	not_well_formed(c->err, "YAML", mark.line + 1, mark.column + 1, "%s", reason);
}

/* Reports the error libyaml stopped on. */
static void yaml_failed(struct yaml_ctx *c)
{
	const yaml_parser_t *p = &c->parser;
	size_t line, col;

	if (p->error == YAML_READER_ERROR) {
		line_col(c->text, c->len, p->problem_offset, &line, &col);
	} else {
		line = p->problem_mark.line + 1;
		col = p->problem_mark.column + 1;
	}
	not_well_formed(c->err, "YAML", line, col, "%s",
			p->problem != NULL ? p->problem : "out of memory");
}

static int next_event(struct yaml_ctx *c, yaml_event_t *ev)
{
	if (yaml_parser_parse(&c->parser, ev))
		return 0;
	yaml_failed(c);
	return -1;
}

static int resolve_tag(struct yaml_ctx *c, const yaml_char_t *raw, yaml_mark_t mark,
		       struct tag *t)
{
	const char *tag = (const char *)raw;
	size_t plen = sizeof(yaml_std_prefix) - 1;
	char buf[256];

	t->kind = TAG_NONE;
	t->fn = NULL;
	t->text = tag;
	if (tag == NULL)
		return 0;
	if (strcmp(tag, "!") == 0) {
		t->kind = TAG_ANY;
		return 0;
	}
	t->fn = find_intrinsic(tag);
	if (t->fn != NULL) {
		t->kind = TAG_FN;
		return 0;
	}
	if (strncmp(tag, yaml_std_prefix, plen) == 0)
		t->kind = std_tag_kind(tag + plen);
	if (t->kind != TAG_NONE)
		return 0;
	yaml_error(c, mark, "unknown tag %.200s", tag_display(tag, buf, sizeof(buf)));
	return -1;
}

static void remember(struct yaml_ctx *c, const yaml_char_t *name, cJSON *node,
		     const char *text, size_t nodes, bool owned)
{
	struct anchor *a;

	if (c->nanchors == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->anchors = realloc(c->anchors, c->cap * sizeof(*c->anchors));
		FG_ASSERT(c->anchors != NULL);
	}
	a = &c->anchors[c->nanchors++];
	a->name = strdup((const char *)name);
	a->text = text != NULL ? strdup(text) : NULL;
	FG_ASSERT(a->name != NULL && (text == NULL || a->text != NULL));
	a->node = node;
	a->nodes = nodes;
	a->owned = owned;
}

/* The latest definition of the anchor wins, as YAML says. */
static const struct anchor *find_anchor(const struct yaml_ctx *c, const yaml_char_t *name)
{
	size_t i;

	for (i = c->nanchors; i > 0; i--)
		if (strcmp(c->anchors[i - 1].name, (const char *)name) == 0)
			return &c->anchors[i - 1];
	return NULL;
}

static void anchors_free(struct yaml_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nanchors; i++) {
		free(c->anchors[i].name);
		free(c->anchors[i].text);
		if (c->anchors[i].owned)
			cJSON_Delete(c->anchors[i].node);
	}
	free(c->anchors);
}

/* -------------------------------------------------------------- scalars */

/*
 * -?(0|[1-9][0-9]*)(\.[0-9]+)? with at most 15 significant digits (all a double carries
 * exactly, and all cJSON prints first): the only shapes a plain scalar may have to be a number.
 */
static bool number_shaped(const char *s)
{
	size_t sig = 0;
	bool lead = true;

	if (*s == '-')
		s++;
	if (*s == '0' && s[1] >= '0' && s[1] <= '9')
		return false;
	if (*s < '0' || *s > '9')
		return false;
	for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
		if (*s == '.') {
			if (s[1] < '0' || s[1] > '9' || strchr(s + 1, '.') != NULL)
				return false;
			continue;
		}
		lead = lead && *s == '0';
		sig += !lead;
	}
	return *s == '\0' && sig <= 15;
}

/* A number when cJSON prints it back exactly as written, else NULL. -0 stays a string. */
static cJSON *exact_number(const char *s)
{
	char printed[64];
	cJSON *num;
	double d;

	if (!number_shaped(s) || strlen(s) >= sizeof(printed))
		return NULL;
	d = strtod(s, NULL);
	if (d == 0 && *s == '-')
		return NULL;
	num = need(cJSON_CreateNumber(d));
	if (cJSON_PrintPreallocated(num, printed, (int)sizeof(printed), 0) &&
	    strcmp(printed, s) == 0)
		return num;
	cJSON_Delete(num);
	return NULL;
}

static cJSON *plain_scalar(const char *s)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	cJSON *num;

	if (is_one_of(s, nulls))
		return need(cJSON_CreateNull());
	if (is_one_of(s, trues))
		return need(cJSON_CreateTrue());
	if (is_one_of(s, falses))
		return need(cJSON_CreateFalse());
	num = exact_number(s);
	return num != NULL ? num : need(cJSON_CreateString(s));
}

/* !!int: decimal or 0x hexadecimal, with an optional sign, exact in a double. */
static cJSON *tagged_int(const char *s)
{
	const char *digits = s + (*s == '-' || *s == '+');
	int base = strncmp(digits, "0x", 2) == 0 ? 16 : 10;
	const char *p = base == 16 ? digits + 2 : digits;
	char *end;
	long long v;

	if (*p == '\0' || strspn(p, base == 16 ? "0123456789abcdefABCDEF" : "0123456789") !=
			  strlen(p))
		return NULL;
	errno = 0;
	v = strtoll(p, &end, base);
	if (errno != 0 || v > MAX_EXACT_INT)
		return NULL;
	return need(cJSON_CreateNumber((double)(*s == '-' ? -v : v)));
}

static cJSON *tagged_float(const char *s)
{
	char *end;
	double d;

	if (*s == '\0')
		return NULL;
	d = strtod(s, &end);
	if (*end != '\0' || !isfinite(d))
		return NULL;
	return need(cJSON_CreateNumber(d));
}

static cJSON *tagged_bool(const char *s)
{
	static const char *const trues[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					     "on", "On", "ON", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", "no", "No", "NO",
					      "off", "Off", "OFF", NULL };

	if (is_one_of(s, trues))
		return need(cJSON_CreateTrue());
	if (is_one_of(s, falses))
		return need(cJSON_CreateFalse());
	return NULL;
}

static cJSON *tagged_null(const char *s)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };

	return is_one_of(s, nulls) ? need(cJSON_CreateNull()) : NULL;
}

static cJSON *wrap_intrinsic(const struct intrinsic *fn, cJSON *v)
{
	cJSON *o = need(cJSON_CreateObject());

	add_item(o, fn->key, v);
	return o;
}

/* `!GetAtt A.B.C` -> ["A", "B.C"]: the logical id ends at the first dot. */
static cJSON *getatt_scalar(const char *s)
{
	const char *dot = strchr(s, '.');
	cJSON *arr = need(cJSON_CreateArray());
	char *id;

	if (dot == NULL) {
		push_item(arr, need(cJSON_CreateString(s)));
		return arr;
	}
	id = strndup(s, (size_t)(dot - s));
	FG_ASSERT(id != NULL);
	push_item(arr, need(cJSON_CreateString(id)));
	push_item(arr, need(cJSON_CreateString(dot + 1)));
	free(id);
	return arr;
}

static cJSON *scalar_node(struct yaml_ctx *c, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	struct tag t;
	cJSON *v = NULL;
	char buf[256];

	if (resolve_tag(c, ev->data.scalar.tag, ev->start_mark, &t) != 0)
		return NULL;
	if (memchr(s, '\0', ev->data.scalar.length) != NULL) {
		yaml_error(c, ev->start_mark, "a string may not contain a NUL character");
		return NULL;
	}
	c->nodes++;
	switch (t.kind) {
	case TAG_NONE:
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			return plain_scalar(s);
		return need(cJSON_CreateString(s));
	case TAG_ANY:
	case TAG_STRING:
		return need(cJSON_CreateString(s));
	case TAG_FN:
		c->nodes++;
		if (strcmp(t.fn->tag, "!GetAtt") == 0)
			return wrap_intrinsic(t.fn, getatt_scalar(s));
		return wrap_intrinsic(t.fn, need(cJSON_CreateString(s)));
	case TAG_INT:
		v = tagged_int(s);
		break;
	case TAG_FLOAT:
		v = tagged_float(s);
		break;
	case TAG_BOOL:
		v = tagged_bool(s);
		break;
	case TAG_NULL:
		v = tagged_null(s);
		break;
	case TAG_SEQ:
	case TAG_MAP:
		yaml_error(c, ev->start_mark, "tag %s does not apply to a scalar",
			   tag_display(t.text, buf, sizeof(buf)));
		return NULL;
	}
	if (v == NULL)
		yaml_error(c, ev->start_mark, "'%.200s' is not a valid %s value", s,
			   tag_display(t.text, buf, sizeof(buf)));
	return v;
}

/* ---------------------------------------------------------- collections */

static cJSON *build_node(struct yaml_ctx *c, const yaml_event_t *ev, int depth);

static int fill_sequence(struct yaml_ctx *c, cJSON *seq, int depth)
{
	yaml_event_t ev;
	cJSON *item;

	for (;;) {
		if (next_event(c, &ev) != 0)
			return -1;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		item = build_node(c, &ev, depth);
		yaml_event_delete(&ev);
		if (item == NULL)
			return -1;
		push_item(seq, item);
	}
}

/* The text of a mapping key, borrowed from the event or the anchor table; NULL on error. */
static const char *key_text(struct yaml_ctx *c, const yaml_event_t *ev)
{
	const struct anchor *a;
	size_t before = c->nodes;
	cJSON *v;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.tag == NULL && ev->data.scalar.anchor == NULL)
			break;
		/* Built only to check its tag, and to be there for aliases. */
		v = scalar_node(c, ev);
		if (v == NULL)
			return NULL;
		if (cJSON_IsObject(v)) {
			cJSON_Delete(v);
			yaml_error(c, ev->start_mark, "mapping keys must be scalars");
			return NULL;
		}
		if (ev->data.scalar.anchor != NULL)
			remember(c, ev->data.scalar.anchor, v, (const char *)ev->data.scalar.value,
				 c->nodes - before, true);
		else
			cJSON_Delete(v);
		break;
	case YAML_ALIAS_EVENT:
		a = find_anchor(c, ev->data.alias.anchor);
		if (a == NULL) {
			yaml_error(c, ev->start_mark, "found undefined alias '%.200s'",
				   (const char *)ev->data.alias.anchor);
			return NULL;
		}
		if (a->text == NULL) {
			yaml_error(c, ev->start_mark, "mapping keys must be scalars");
			return NULL;
		}
		return a->text;
	default:
		yaml_error(c, ev->start_mark, "mapping keys must be scalars");
		return NULL;
	}
	if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL) {
		yaml_error(c, ev->start_mark, "a string may not contain a NUL character");
		return NULL;
	}
	return (const char *)ev->data.scalar.value;
}

/* One key (whose event is kev) and the value that follows it. */
static int mapping_entry(struct yaml_ctx *c, cJSON *map, struct keyset *ks,
			 const yaml_event_t *kev, int depth)
{
	const char *key = key_text(c, kev);
	yaml_event_t ev;
	cJSON *v;

	if (key == NULL)
		return -1;
	if (keyset_has(ks, key)) {
		yaml_error(c, kev->start_mark, "duplicate key '%.200s'", key);
		return -1;
	}
	if (next_event(c, &ev) != 0)
		return -1;
	v = build_node(c, &ev, depth);
	yaml_event_delete(&ev);
	if (v == NULL)
		return -1;
	add_item(map, key, v);
	keyset_add(ks, v->string);
	return 0;
}

static int fill_mapping(struct yaml_ctx *c, cJSON *map, int depth)
{
	struct keyset ks = { 0 };
	yaml_event_t ev;
	int rc;

	for (;;) {
		if (next_event(c, &ev) != 0) {
			rc = -1;
			break;
		}
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			rc = 0;
			break;
		}
		rc = mapping_entry(c, map, &ks, &ev, depth);
		yaml_event_delete(&ev);
		if (rc != 0)
			break;
	}
	keyset_free(&ks);
	return rc;
}

static cJSON *collection_node(struct yaml_ctx *c, const yaml_event_t *ev, int depth)
{
	bool map = ev->type == YAML_MAPPING_START_EVENT;
	const yaml_char_t *raw = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
	struct tag t;
	cJSON *v;
	char buf[256];

	if (resolve_tag(c, raw, ev->start_mark, &t) != 0)
		return NULL;
	if (t.kind != TAG_NONE && t.kind != TAG_ANY && t.kind != TAG_FN &&
	    t.kind != (map ? TAG_MAP : TAG_SEQ)) {
		yaml_error(c, ev->start_mark, "tag %s does not apply to a %s",
			   tag_display(t.text, buf, sizeof(buf)), map ? "mapping" : "sequence");
		return NULL;
	}
	if (t.kind == TAG_FN)
		depth++;
	if (depth >= MAX_DEPTH) {
		yaml_error(c, ev->start_mark, "nesting is deeper than %d levels", MAX_DEPTH);
		return NULL;
	}
	c->nodes += t.kind == TAG_FN ? 2 : 1;
	v = need(map ? cJSON_CreateObject() : cJSON_CreateArray());
	if ((map ? fill_mapping(c, v, depth + 1) : fill_sequence(c, v, depth + 1)) != 0) {
		cJSON_Delete(v);
		return NULL;
	}
	return t.kind == TAG_FN ? wrap_intrinsic(t.fn, v) : v;
}

static cJSON *alias_node(struct yaml_ctx *c, const yaml_event_t *ev)
{
	const struct anchor *a = find_anchor(c, ev->data.alias.anchor);

	if (a == NULL) {
		yaml_error(c, ev->start_mark, "found undefined alias '%.200s'",
			   (const char *)ev->data.alias.anchor);
		return NULL;
	}
	if (c->nodes + a->nodes > MAX_NODES) {
		yaml_error(c, ev->start_mark, "aliases expand to more than %d nodes", MAX_NODES);
		return NULL;
	}
	c->nodes += a->nodes;
	return need(cJSON_Duplicate(a->node, 1));
}

/* The node that starts with event ev (consuming the events up to its end). */
static cJSON *build_node(struct yaml_ctx *c, const yaml_event_t *ev, int depth)
{
	size_t before = c->nodes;
	const yaml_char_t *anchor;
	const char *text = NULL;
	cJSON *v;

	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return alias_node(c, ev);
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		text = (const char *)ev->data.scalar.value;
		v = scalar_node(c, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		v = collection_node(c, ev, depth);
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		v = collection_node(c, ev, depth);
		break;
	default:
		yaml_error(c, ev->start_mark, "unexpected event");
		return NULL;
	}
	if (v != NULL && anchor != NULL)
		remember(c, anchor, v, cJSON_IsObject(v) ? NULL : text, c->nodes - before, false);
	return v;
}

/* ------------------------------------------------------------ documents */

enum root_shape { ROOT_MAPPING, ROOT_EMPTY, ROOT_OTHER };

static enum root_shape root_shape(const yaml_event_t *ev)
{
	const char *tag;

	if (ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == 0 &&
	    ev->data.scalar.tag == NULL && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return ROOT_EMPTY;
	if (ev->type != YAML_MAPPING_START_EVENT)
		return ROOT_OTHER;
	tag = (const char *)ev->data.mapping_start.tag;
	return tag == NULL || find_intrinsic(tag) == NULL ? ROOT_MAPPING : ROOT_OTHER;
}

/* Skips an event of the expected type (libyaml guarantees the order); -1 on a syntax error. */
static int skip_event(struct yaml_ctx *c)
{
	yaml_event_t ev;

	if (next_event(c, &ev) != 0)
		return -1;
	yaml_event_delete(&ev);
	return 0;
}

/* After the document: the stream must end here. */
static int expect_stream_end(struct yaml_ctx *c)
{
	yaml_event_t ev;
	int rc = 0;

	if (skip_event(c) != 0 || next_event(c, &ev) != 0)  /* document end, then this */
		return -1;
	if (ev.type != YAML_STREAM_END_EVENT) {
		yaml_error(c, ev.start_mark,
			   "expected a single document in the stream, but found another document");
		rc = -1;
	}
	yaml_event_delete(&ev);
	return rc;
}

static cJSON *parse_stream(struct yaml_ctx *c)
{
	enum root_shape shape;
	yaml_event_t ev;
	cJSON *root;

	if (skip_event(c) != 0 || next_event(c, &ev) != 0)  /* stream start, then this */
		return NULL;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		template_empty(c->err);
		return NULL;
	}
	yaml_event_delete(&ev);  /* document start */
	if (next_event(c, &ev) != 0)
		return NULL;
	shape = root_shape(&ev);
	root = build_node(c, &ev, 0);
	yaml_event_delete(&ev);
	if (root == NULL)
		return NULL;
	if (expect_stream_end(c) != 0) {
		cJSON_Delete(root);
		return NULL;
	}
	if (shape != ROOT_MAPPING) {
		if (shape == ROOT_EMPTY)
			template_empty(c->err);
		else
			template_not_mapping(c->err);
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

static cJSON *parse_yaml(const char *text, size_t len, struct fg_err *err)
{
	struct yaml_ctx c = { .err = err, .text = text, .len = len };
	cJSON *root;

	FG_ASSERT(yaml_parser_initialize(&c.parser));
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);
	root = parse_stream(&c);
	yaml_parser_delete(&c.parser);
	anchors_free(&c);
	return root;
}

/* ------------------------------------------------------------------- entry */

/* Offset of the first character that is not a blank (or the BOM); len when there is none. */
static size_t first_nonblank(const char *text, size_t len)
{
	size_t i = bom_len(text, len);

	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' ||
			   text[i] == '\n'))
		i++;
	return i;
}

cJSON *cfn_parse(const char *text, size_t len, enum cfn_format fmt, struct fg_err *err)
{
	size_t start;
	cJSON *root;

	if (text == NULL) {
		text = "";
		len = 0;
	}
	start = first_nonblank(text, len);
	if (start == len) {
		template_empty(err);
		return NULL;
	}
	if (fmt == CFN_FORMAT_AUTO)
		fmt = text[start] == '{' ? CFN_FORMAT_JSON : CFN_FORMAT_YAML;
	if (fmt == CFN_FORMAT_JSON)
		root = parse_json(text, len, err);
	else
		root = parse_yaml(text, len, err);
	if (root != NULL && !cJSON_IsObject(root)) {
		template_not_mapping(err);
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}
