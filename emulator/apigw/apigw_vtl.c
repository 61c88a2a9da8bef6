/*
 * apigw_vtl.c: the subset of Velocity (VTL) that API Gateway mapping templates commonly use.
 *
 * Supported: literal text; ## and #* *# comments; references $x, ${x}, $!x, $!{x} with
 * property steps (.name, ['name']) and method calls whose arguments are string literals,
 * numbers or references:
 *   $context.<path>              $stageVariables.<name>
 *   $input.body                  $input.params('x')   $input.params().header.get('x')
 *   $input.json('$.a.b')         $input.path('$.a').b (a JSON value; strings print raw)
 *   $util.escapeJavaScript(x) urlEncode(x) urlDecode(x) base64Encode(x) base64Decode(x)
 *        parseJson(x)
 * A reference whose root is not one of these prints as written (Velocity's rule for an
 * undefined reference); a known root with no value prints nothing.
 *
 * Not supported: directives (#set, #if, #foreach, #macro, ...). A template that uses one is
 * refused with a reason instead of being rendered wrongly; the request gets 500 and the
 * trace says which directive.
 */
#include "apigw/apigw_priv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum vk {
	V_NULL, V_STR, V_CTX, V_STAGEVARS, V_INPUT, V_PARAMS, V_PARAMS_WHERE, V_UTIL, V_JSON,
};

struct val {
	enum vk k;
	const char *s;          /* V_STR: text (n bytes); V_CTX: path; V_PARAMS_WHERE: where */
	size_t n;
	const cJSON *j;         /* V_JSON */
};

struct vtl {
	struct fg_arena *a;
	const struct apigw_vtl_env *env;
	const char *p, *end;
	cJSON *body_json;       /* parsed on first use */
	bool body_parsed;
	cJSON *scratch;         /* JSON trees made by $util.parseJson, freed at the end */
	const char *why;
};

static struct val vstr(const char *s, size_t n)
{
	struct val v = { V_STR, s, n, NULL };

	return v;
}

static struct val vnull(void)
{
	struct val v = { V_NULL, NULL, 0, NULL };

	return v;
}

static bool ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static void skip_ws(struct vtl *x)
{
	while (x->p < x->end && isspace((unsigned char)*x->p))
		x->p++;
}

static size_t ident(struct vtl *x)
{
	const char *s = x->p;

	if (x->p >= x->end || !ident_start(*x->p))
		return 0;
	while (x->p < x->end && ident_char(*x->p))
		x->p++;
	return (size_t)(x->p - s);
}

/* ------------------------------------------------------------------- JSON */

static const cJSON *body_json(struct vtl *x)
{
	if (!x->body_parsed) {
		x->body_parsed = true;
		if (x->env->body != NULL && x->env->body_len > 0)
			x->body_json = cJSON_ParseWithLength(x->env->body, x->env->body_len);
		else
			x->body_json = cJSON_CreateObject(); /* an empty body reads as {} */
	}
	return x->body_json;
}

/* "$", "$.a.b", "$['a'][0]" */
static const cJSON *json_path(const cJSON *root, const char *path)
{
	const cJSON *cur = root;
	const char *p = path;

	if (*p != '$')
		return NULL;
	p++;
	while (cur != NULL && *p) {
		if (*p == '.') {
			const char *s = ++p;
			char key[256];

			while (*p && *p != '.' && *p != '[')
				p++;
			snprintf(key, sizeof(key), "%.*s", (int)(p - s), s);
			cur = cJSON_GetObjectItemCaseSensitive(cur, key);
		} else if (*p == '[') {
			const char *s = ++p;
			char key[256];

			while (*p && *p != ']')
				p++;
			snprintf(key, sizeof(key), "%.*s", (int)(p - s), s);
			if (*p)
				p++;
			if (key[0] == '\'' || key[0] == '"') {
				size_t n = strlen(key);

				if (n >= 2)
					key[n - 1] = '\0';
				cur = cJSON_GetObjectItemCaseSensitive(cur, key + 1);
			} else if (key[0] == '*') {
				/* [*] keeps the array */
			} else {
				cur = cJSON_GetArrayItem(cur, atoi(key));
			}
		} else {
			return NULL;
		}
	}
	return cur;
}

static struct val json_text(struct vtl *x, const cJSON *j)
{
	char *text;
	char *copy;

	if (j == NULL)
		return vnull();
	text = cJSON_PrintUnformatted(j);
	copy = fg_arena_strdup(x->a, text);
	free(text);
	return vstr(copy, strlen(copy));
}

/* ------------------------------------------------------------------- util */

static struct val escape_js(struct vtl *x, struct val in)
{
	struct fg_buf b;
	char *out;

	fg_buf_init(&b);
	for (size_t i = 0; i < in.n; i++) {
		unsigned char c = (unsigned char)in.s[i];

		switch (c) {
		case '"': fg_buf_puts(&b, "\\\""); break;
		case '\'': fg_buf_puts(&b, "\\'"); break;
		case '\\': fg_buf_puts(&b, "\\\\"); break;
		case '\n': fg_buf_puts(&b, "\\n"); break;
		case '\r': fg_buf_puts(&b, "\\r"); break;
		case '\t': fg_buf_puts(&b, "\\t"); break;
		case '/': fg_buf_puts(&b, "\\/"); break;
		default:
			if (c < 0x20)
				fg_buf_printf(&b, "\\u%04X", c);
			else
				fg_buf_append(&b, &in.s[i], 1);
		}
	}
	out = fg_arena_strndup(x->a, b.data ? b.data : "", b.len);
	fg_buf_free(&b);
	return vstr(out, strlen(out));
}

static struct val url_encode(struct vtl *x, struct val in)
{
	char *out = fg_arena_alloc(x->a, in.n * 3 + 1);
	size_t o = 0;

	for (size_t i = 0; i < in.n; i++) {
		unsigned char c = (unsigned char)in.s[i];

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '*')
			out[o++] = (char)c;
		else if (c == ' ')
			out[o++] = '+';
		else
			o += (size_t)sprintf(out + o, "%%%02X", c);
	}
	out[o] = '\0';
	return vstr(out, o);
}

static struct val util_call(struct vtl *x, const char *name, size_t n, struct val arg)
{
	char *s;

	if (arg.k == V_JSON)
		arg = json_text(x, arg.j);
	if (arg.k != V_STR)
		arg = vstr("", 0);
	if (n == 16 && strncmp(name, "escapeJavaScript", 16) == 0)
		return escape_js(x, arg);
	if (n == 9 && strncmp(name, "urlEncode", 9) == 0)
		return url_encode(x, arg);
	if (n == 9 && strncmp(name, "urlDecode", 9) == 0) {
		s = fg_http_decode(x->a, fg_arena_strndup(x->a, arg.s, arg.n), true);
		return vstr(s, strlen(s));
	}
	if (n == 12 && strncmp(name, "base64Encode", 12) == 0) {
		char *b = fg_base64((const unsigned char *)arg.s, arg.n);

		s = fg_arena_strdup(x->a, b);
		free(b);
		return vstr(s, strlen(s));
	}
	if (n == 12 && strncmp(name, "base64Decode", 12) == 0) {
		size_t on = 0;

		if (apigw_base64_decode(x->a, arg.s, arg.n, &s, &on) != 0)
			return vnull();
		return vstr(s, on);
	}
	if (n == 9 && strncmp(name, "parseJson", 9) == 0) {
		cJSON *j = cJSON_ParseWithLength(arg.s, arg.n);
		struct val v = { V_JSON, NULL, 0, j };

		if (j == NULL)
			return vnull();
		if (x->scratch == NULL)
			x->scratch = cJSON_CreateArray();
		cJSON_AddItemToArray(x->scratch, j);
		return v;
	}
	x->why = fg_arena_printf(x->a, "$util.%.*s is not supported", (int)n, name);
	return vnull();
}

/* ----------------------------------------------------------------- parsing */

static struct val reference(struct vtl *x, bool *ok);

/* One method argument: 'str', "str", a number, or a reference. */
static struct val argument(struct vtl *x, bool *ok)
{
	skip_ws(x);
	if (x->p < x->end && (*x->p == '\'' || *x->p == '"')) {
		char q = *x->p++;
		const char *s = x->p;

		while (x->p < x->end && *x->p != q)
			x->p++;
		if (x->p >= x->end) {
			*ok = false;
			return vnull();
		}
		x->p++;
		return vstr(s, (size_t)(x->p - 1 - s));
	}
	if (x->p < x->end && *x->p == '$') {
		x->p++;
		return reference(x, ok);
	}
	if (x->p < x->end && (isdigit((unsigned char)*x->p) || *x->p == '-')) {
		const char *s = x->p++;

		while (x->p < x->end && isdigit((unsigned char)*x->p))
			x->p++;
		return vstr(s, (size_t)(x->p - s));
	}
	*ok = false;
	return vnull();
}

/* "(" [arg {"," arg}] ")" — at most 2 arguments are kept. */
static int arguments(struct vtl *x, struct val *args, int max, bool *ok)
{
	int n = 0;

	x->p++; /* ( */
	skip_ws(x);
	if (x->p < x->end && *x->p == ')') {
		x->p++;
		return 0;
	}
	for (;;) {
		struct val v = argument(x, ok);

		if (!*ok)
			return 0;
		if (n < max)
			args[n] = v;
		n++;
		skip_ws(x);
		if (x->p < x->end && *x->p == ',') {
			x->p++;
			continue;
		}
		if (x->p < x->end && *x->p == ')') {
			x->p++;
			return n;
		}
		*ok = false;
		return 0;
	}
}

static struct val root_of(struct vtl *x, const char *name, size_t n, bool *known)
{
	struct val v = vnull();

	*known = true;
	if (n == 7 && strncmp(name, "context", 7) == 0)
		v.k = V_CTX, v.s = "";
	else if (n == 14 && strncmp(name, "stageVariables", 14) == 0)
		v.k = V_STAGEVARS;
	else if (n == 5 && strncmp(name, "input", 5) == 0)
		v.k = V_INPUT;
	else if (n == 4 && strncmp(name, "util", 4) == 0)
		v.k = V_UTIL;
	else
		*known = false;
	return v;
}

/* v.name (no call) */
static struct val property(struct vtl *x, struct val v, const char *name, size_t n)
{
	switch (v.k) {
	case V_CTX:
		v.s = v.s[0] ? fg_arena_printf(x->a, "%s.%.*s", v.s, (int)n, name)
			     : fg_arena_strndup(x->a, name, n);
		return v;
	case V_STAGEVARS: {
		const char *k = fg_arena_strndup(x->a, name, n);
		const char *s = apigw_map_get(x->env->stage_vars, k);

		return s ? vstr(s, strlen(s)) : vnull();
	}
	case V_INPUT:
		if (n == 4 && strncmp(name, "body", 4) == 0)
			return vstr(x->env->body ? x->env->body : "", x->env->body_len);
		return vnull();
	case V_PARAMS:
		if ((n == 6 && strncmp(name, "header", 6) == 0) ||
		    (n == 11 && strncmp(name, "querystring", 11) == 0) ||
		    (n == 4 && strncmp(name, "path", 4) == 0)) {
			struct val w = { V_PARAMS_WHERE, fg_arena_strndup(x->a, name, n), n, NULL };

			return w;
		}
		return vnull();
	case V_JSON: {
		char key[256];

		snprintf(key, sizeof(key), "%.*s", (int)n, name);
		v.j = cJSON_GetObjectItemCaseSensitive(v.j, key);
		return v.j ? v : vnull();
	}
	default:
		return vnull();
	}
}

/* v.name(args) */
static struct val call(struct vtl *x, struct val v, const char *name, size_t n,
		       struct val *args, int nargs)
{
	const char *a0 = nargs > 0 && args[0].k == V_STR
				 ? fg_arena_strndup(x->a, args[0].s, args[0].n) : NULL;

	if (v.k == V_INPUT && n == 6 && strncmp(name, "params", 6) == 0) {
		const char *s;

		if (nargs == 0) {
			struct val p = { V_PARAMS, NULL, 0, NULL };

			return p;
		}
		s = a0 ? x->env->param(x->env->arg, NULL, a0) : NULL;
		return s ? vstr(s, strlen(s)) : vstr("", 0);
	}
	if (v.k == V_INPUT && ((n == 4 && strncmp(name, "json", 4) == 0) ||
			       (n == 4 && strncmp(name, "path", 4) == 0))) {
		const cJSON *root = body_json(x), *j;
		struct val jv = { V_JSON, NULL, 0, NULL };

		if (root == NULL) /* not JSON: $input.json('$') is the body itself */
			return vstr(x->env->body ? x->env->body : "", x->env->body_len);
		j = json_path(root, a0 ? a0 : "$");
		if (name[0] == 'j')
			return json_text(x, j);
		jv.j = j;
		return j ? jv : vnull();
	}
	if (v.k == V_PARAMS_WHERE && n == 3 && strncmp(name, "get", 3) == 0) {
		const char *s = a0 ? x->env->param(x->env->arg, v.s, a0) : NULL;

		return s ? vstr(s, strlen(s)) : vnull();
	}
	if (v.k == V_STAGEVARS && n == 3 && strncmp(name, "get", 3) == 0 && a0)
		return property(x, v, a0, strlen(a0));
	if (v.k == V_UTIL)
		return util_call(x, name, n, nargs > 0 ? args[0] : vnull());
	if (v.k == V_JSON && n == 3 && strncmp(name, "get", 3) == 0 && a0)
		return property(x, v, a0, strlen(a0));
	if (v.k == V_JSON && n == 4 && strncmp(name, "size", 4) == 0 && v.j != NULL) {
		char *s = fg_arena_printf(x->a, "%d", cJSON_GetArraySize(v.j));

		return vstr(s, strlen(s));
	}
	return vnull();
}

/* After '$' (and '!' / '{' handled by the caller): root, then .steps and [...] */
static struct val reference(struct vtl *x, bool *ok)
{
	const char *name = x->p;
	size_t n = ident(x);
	bool known;
	struct val v;

	if (n == 0) {
		*ok = false;
		return vnull();
	}
	v = root_of(x, name, n, &known);
	if (!known)
		*ok = false;
	for (;;) {
		if (x->p + 1 < x->end && *x->p == '.' && ident_start(x->p[1])) {
			const char *pn;
			size_t pl;

			x->p++;
			pn = x->p;
			pl = ident(x);
			if (x->p < x->end && *x->p == '(') {
				struct val args[2];
				int na = arguments(x, args, 2, ok);

				if (!*ok)
					return vnull();
				v = call(x, v, pn, pl, args, na);
			} else {
				v = property(x, v, pn, pl);
			}
			continue;
		}
		if (x->p < x->end && *x->p == '[') {
			struct val key;

			x->p++;
			key = argument(x, ok);
			skip_ws(x);
			if (!*ok || x->p >= x->end || *x->p != ']') {
				*ok = false;
				return vnull();
			}
			x->p++;
			if (key.k == V_STR)
				v = property(x, v, key.s, key.n);
			continue;
		}
		break;
	}
	return v;
}

/* ---------------------------------------------------------------- render */

static void emit(struct vtl *x, struct fg_buf *out, struct val v)
{
	const char *s;

	switch (v.k) {
	case V_STR:
		fg_buf_append(out, v.s, v.n);
		break;
	case V_CTX:
		s = x->env->context(x->env->arg, v.s);
		if (s != NULL)
			fg_buf_puts(out, s);
		break;
	case V_JSON:
		if (cJSON_IsString(v.j))
			fg_buf_puts(out, v.j->valuestring);
		else
			emit(x, out, json_text(x, v.j));
		break;
	default:
		break;
	}
}

/* "$..." at x->p: renders it, or copies it literally when it is not a reference. */
static void dollar(struct vtl *x, struct fg_buf *out)
{
	const char *start = x->p;
	bool quiet = false, formal = false, ok = true;
	struct val v;

	x->p++;
	if (x->p < x->end && *x->p == '!') {
		quiet = true;
		x->p++;
	}
	if (x->p < x->end && *x->p == '{') {
		formal = true;
		x->p++;
	}
	if (x->p >= x->end || !ident_start(*x->p)) {
		x->p = start + 1;
		fg_buf_append(out, "$", 1);
		return;
	}
	v = reference(x, &ok);
	if (formal) {
		if (x->p < x->end && *x->p == '}')
			x->p++;
		else
			ok = false;
	}
	if (!ok) {
		/* not a reference we know: print it as written (Velocity's undefined rule) */
		if (x->p <= start)
			x->p = start + 1;
		fg_buf_append(out, start, (size_t)(x->p - start));
		return;
	}
	(void)quiet;
	emit(x, out, v);
}

static int directive(struct vtl *x, struct fg_buf *out)
{
	static const char *const names[] = { "set", "if", "elseif", "else", "end", "foreach",
					     "break", "stop", "macro", "define", "parse",
					     "include", "evaluate" };
	const char *s = x->p + 1;
	size_t n = 0;

	if (s < x->end && *s == '#') {           /* ## comment, through the newline */
		while (x->p < x->end && *x->p != '\n')
			x->p++;
		if (x->p < x->end)
			x->p++;
		return 0;
	}
	if (s < x->end && *s == '*') {           /* #* block comment *# */
		const char *e = s + 1;

		while (e + 1 < x->end && !(e[0] == '*' && e[1] == '#'))
			e++;
		x->p = e + 1 < x->end ? e + 2 : x->end;
		return 0;
	}
	if (s < x->end && *s == '{')
		s++;
	while (s + n < x->end && isalpha((unsigned char)s[n]))
		n++;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) == n && strncmp(s, names[i], n) == 0) {
			x->why = fg_arena_printf(x->a, "the mapping template uses the directive "
						 "#%s, which frontgate's VTL subset does not "
						 "support (README, \"Mapping templates\")", names[i]);
			return -1;
		}
	}
	fg_buf_append(out, "#", 1);
	x->p++;
	return 0;
}

int apigw_vtl_render(struct fg_arena *a, const char *tpl, const struct apigw_vtl_env *env,
		     struct fg_buf *out, const char **why)
{
	struct vtl x;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	x.a = a;
	x.env = env;
	x.p = tpl;
	x.end = tpl + strlen(tpl);
	while (x.p < x.end && rc == 0) {
		const char *next = x.p;

		while (next < x.end && *next != '$' && *next != '#')
			next++;
		fg_buf_append(out, x.p, (size_t)(next - x.p));
		x.p = next;
		if (x.p >= x.end)
			break;
		if (*x.p == '$')
			dollar(&x, out);
		else
			rc = directive(&x, out);
		if (x.why != NULL)
			rc = -1;
	}
	if (out->data == NULL)
		fg_buf_append(out, "", 0);
	cJSON_Delete(x.body_json);
	cJSON_Delete(x.scratch);
	*why = x.why;
	return rc;
}
