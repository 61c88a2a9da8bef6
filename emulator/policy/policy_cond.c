/*
 * policy_cond.c: the Condition element. Operators (String*, Numeric*, Date*, Bool,
 * BinaryEquals, IpAddress/NotIpAddress, Arn*, Null) with the ...IfExists suffix and the
 * ForAnyValue:/ForAllValues: set prefixes; policy variables (${key}, ${key, 'default'},
 * ${*}, ${?}, ${$}); wildcard matching; the value parsers validation shares.
 *
 * Semantics (IAM User Guide, "Condition operators" and "Multivalued context keys"):
 * operators and keys in a block are ANDed, the values listed for one key are ORed. A key
 * absent from the request makes a positive operator false and a negated one (StringNotEquals,
 * NotIpAddress, ArnNotLike, ...) true; ...IfExists makes an absent key true; Null tests
 * presence. ForAnyValue: needs one request value to satisfy the operator (absent: false);
 * ForAllValues: needs every one to (absent or empty: true). Without a set prefix a
 * multi-valued key behaves like ForAnyValue for positive operators and like "no value
 * matches" for negated ones.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_int.h"

/* ---------------------------------------------------------------- operators */

static const struct {
	const char *name;
	enum policy_family family;
	enum policy_cmp cmp;
	bool negated;
} ops[] = {
	{ "StringEquals", PF_STRING, CMP_EQ, false },
	{ "StringNotEquals", PF_STRING, CMP_EQ, true },
	{ "StringEqualsIgnoreCase", PF_STRING_CI, CMP_EQ, false },
	{ "StringNotEqualsIgnoreCase", PF_STRING_CI, CMP_EQ, true },
	{ "StringLike", PF_STRING_LIKE, CMP_EQ, false },
	{ "StringNotLike", PF_STRING_LIKE, CMP_EQ, true },
	{ "NumericEquals", PF_NUMERIC, CMP_EQ, false },
	{ "NumericNotEquals", PF_NUMERIC, CMP_EQ, true },
	{ "NumericLessThan", PF_NUMERIC, CMP_LT, false },
	{ "NumericLessThanEquals", PF_NUMERIC, CMP_LE, false },
	{ "NumericGreaterThan", PF_NUMERIC, CMP_GT, false },
	{ "NumericGreaterThanEquals", PF_NUMERIC, CMP_GE, false },
	{ "DateEquals", PF_DATE, CMP_EQ, false },
	{ "DateNotEquals", PF_DATE, CMP_EQ, true },
	{ "DateLessThan", PF_DATE, CMP_LT, false },
	{ "DateLessThanEquals", PF_DATE, CMP_LE, false },
	{ "DateGreaterThan", PF_DATE, CMP_GT, false },
	{ "DateGreaterThanEquals", PF_DATE, CMP_GE, false },
	{ "Bool", PF_BOOL, CMP_EQ, false },
	{ "BinaryEquals", PF_BINARY, CMP_EQ, false },
	{ "IpAddress", PF_IP, CMP_EQ, false },
	{ "NotIpAddress", PF_IP, CMP_EQ, true },
	{ "ArnEquals", PF_ARN, CMP_EQ, false },
	{ "ArnLike", PF_ARN, CMP_EQ, false },
	{ "ArnNotEquals", PF_ARN, CMP_EQ, true },
	{ "ArnNotLike", PF_ARN, CMP_EQ, true },
	{ "Null", PF_NULL, CMP_EQ, false },
};

bool policy_op_parse(const char *name, struct policy_op *out)
{
	char base[64];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (strncmp(name, "ForAnyValue:", 12) == 0) {
		out->set = SET_ANY;
		name += 12;
	} else if (strncmp(name, "ForAllValues:", 13) == 0) {
		out->set = SET_ALL;
		name += 13;
	}
	n = strlen(name);
	if (n >= sizeof(base))
		return false;
	memcpy(base, name, n + 1);
	if (n > 8 && strcmp(base + n - 8, "IfExists") == 0) {
		out->if_exists = true;
		base[n - 8] = '\0';
	}
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(ops[i].name, base) != 0)
			continue;
		if (ops[i].family == PF_NULL && out->if_exists)
			return false; /* "IfExists" can go on any operator except Null */
		out->base = ops[i].name;
		out->family = ops[i].family;
		out->cmp = ops[i].cmp;
		out->negated = ops[i].negated;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ values */

const char *policy_value_text(const cJSON *v, char *buf, size_t n)
{
	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d == floor(d) && fabs(d) < 9e15)
			snprintf(buf, n, "%lld", (long long)d);
		else
			snprintf(buf, n, "%.17g", d);
		return buf;
	}
	return NULL;
}

bool policy_parse_number(const char *s, double *out)
{
	char *end;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return *end == '\0' && errno == 0 && isfinite(*out);
}

static bool all_digits(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

bool policy_parse_date(const char *s, int64_t *ms)
{
	char buf[64];
	size_t n = s ? strlen(s) : 0;
	int oh, om;

	if (n == 0 || n >= sizeof(buf) - 12)
		return false;
	if (all_digits(s)) {
		long long sec = strtoll(s, NULL, 10);

		if (sec > 9000000000000LL || sec < -9000000000000LL)
			return false;
		*ms = (int64_t)sec * 1000;
		return true;
	}
	if (n == 10) { /* a date alone: midnight UTC */
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		return fg_time_parse_iso(buf, ms);
	}
	if (fg_time_parse_iso(s, ms))
		return true;
	/* another UTC offset: "...+02:00" / "...-05:30" */
	if (n > 6 && (s[n - 6] == '+' || s[n - 6] == '-') &&
	    sscanf(s + n - 5, "%2d:%2d", &oh, &om) == 2 && oh < 24 && om < 60) {
		snprintf(buf, sizeof(buf), "%.*sZ", (int)(n - 6), s);
		if (!fg_time_parse_iso(buf, ms))
			return false;
		*ms -= (s[n - 6] == '+' ? 1 : -1) * ((int64_t)oh * 3600 + om * 60) * 1000;
		return true;
	}
	return false;
}

bool policy_parse_cidr(const char *s, struct policy_cidr *out)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	int max;

	if (n == 0 || n >= sizeof(addr))
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = AF_INET6;
		max = 128;
	} else {
		return false;
	}
	out->bits = max;
	if (slash != NULL) {
		char *end;
		long b;

		if (!isdigit((unsigned char)slash[1]))
			return false;
		b = strtol(slash + 1, &end, 10);
		if (*end != '\0' || b < 0 || b > max)
			return false;
		out->bits = (int)b;
	}
	return true;
}

static bool cidr_contains(const struct policy_cidr *net, const struct policy_cidr *ip)
{
	int full = net->bits / 8, rest = net->bits % 8;

	if (net->family != ip->family)
		return false;
	if (memcmp(net->addr, ip->addr, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((net->addr[full] ^ ip->addr[full]) & (0xff << (8 - rest))) == 0;
}

/* ---------------------------------------------------------- string builder */

void policy_sb_init(struct policy_sb *b, struct fg_arena *a)
{
	memset(b, 0, sizeof(*b));
	b->a = a;
}

void policy_sb_printf(struct policy_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 128;
		char *s;

		while (cap < b->len + (size_t)n + 1)
			cap *= 2;
		s = fg_arena_alloc(b->a, cap);
		if (b->len)
			memcpy(s, b->s, b->len);
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *policy_sb_str(const struct policy_sb *b)
{
	return b->len ? b->s : "";
}

/* ----------------------------------------------------------------- context */

void policy_ctx_init(struct policy_ctx *c, const struct policy_request *req, struct fg_arena *a,
		     bool vars)
{
	memset(c, 0, sizeof(*c));
	c->req = req;
	c->a = a;
	c->vars = vars;
	fg_time_iso(req->now_ms, c->current_time);
	snprintf(c->epoch_time, sizeof(c->epoch_time), "%lld", (long long)(req->now_ms / 1000));
	c->time_values[0] = c->current_time;
	c->time_values[1] = c->epoch_time;
}

bool policy_ctx_key(const struct policy_ctx *c, const char *name, const char *const **values,
		    size_t *n)
{
	for (size_t i = 0; i < c->req->nkeys; i++) {
		const struct policy_key *k = &c->req->keys[i];

		if (k->name != NULL && strcasecmp(k->name, name) == 0) {
			*values = k->values;
			*n = k->values ? k->n : 0;
			return true;
		}
	}
	if (strcasecmp(name, "aws:CurrentTime") == 0 || strcasecmp(name, "aws:EpochTime") == 0) {
		*values = &c->time_values[strcasecmp(name, "aws:EpochTime") == 0];
		*n = 1;
		return true;
	}
	return false;
}

/* -------------------------------------------------------- policy variables */

struct pat_buf {
	struct fg_arena *a;
	char *s;
	unsigned char *lit;
	size_t len, cap;
};

static void pat_put(struct pat_buf *p, const char *s, size_t n, bool lit)
{
	if (p->len + n + 1 > p->cap) {
		size_t cap = (p->len + n + 1) * 2;
		char *ns = fg_arena_alloc(p->a, cap);
		unsigned char *nl = fg_arena_alloc(p->a, cap);

		if (p->len) {
			memcpy(ns, p->s, p->len);
			memcpy(nl, p->lit, p->len);
		}
		p->s = ns;
		p->lit = nl;
		p->cap = cap;
	}
	memcpy(p->s + p->len, s, n);
	memset(p->lit + p->len, lit, n);
	p->len += n;
	p->s[p->len] = '\0';
}

/* The end of a ${...} starting at s (the '}' position), quotes honoured; NULL if none. */
static const char *var_end(const char *s)
{
	bool quoted = false;

	for (const char *p = s + 2; *p; p++) {
		if (*p == '\'') {
			if (quoted && p[1] == '\'')
				p++; /* '' inside a default is one quote */
			else
				quoted = !quoted;
		} else if (*p == '}' && !quoted) {
			return p;
		}
	}
	return NULL;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Substitutes the variable inner (between "${" and "}"); false when unresolvable. */
static bool put_var(const struct policy_ctx *c, struct pat_buf *p, const char *inner, size_t n)
{
	const char *comma;
	size_t kn;
	const char *const *vals;
	size_t nv;
	char key[256];

	trim(&inner, &n);
	if (n == 1 && (*inner == '*' || *inner == '?' || *inner == '$')) {
		pat_put(p, inner, 1, true);
		return true;
	}
	comma = memchr(inner, ',', n);
	kn = comma ? (size_t)(comma - inner) : n;
	{
		const char *k = inner;

		trim(&k, &kn);
		if (kn == 0 || kn >= sizeof(key))
			return false;
		memcpy(key, k, kn);
		key[kn] = '\0';
	}
	if (policy_ctx_key(c, key, &vals, &nv) && nv == 1 && vals[0] != NULL) {
		pat_put(p, vals[0], strlen(vals[0]), true);
		return true;
	}
	if (comma != NULL) { /* ${key, 'default'} */
		const char *d = comma + 1;
		size_t dn = n - (size_t)(d - inner);

		trim(&d, &dn);
		if (dn < 2 || d[0] != '\'' || d[dn - 1] != '\'')
			return false;
		for (size_t i = 1; i + 1 < dn; i++) {
			pat_put(p, &d[i], 1, true);
			if (d[i] == '\'' && d[i + 1] == '\'')
				i++;
		}
		return true;
	}
	return false;
}

struct policy_pat policy_subst(const struct policy_ctx *c, const char *value)
{
	struct pat_buf p = { .a = c->a };
	struct policy_pat out = { "", NULL, true };
	const char *s = value;

	pat_put(&p, "", 0, false);
	while (*s) {
		const char *end = c->vars && s[0] == '$' && s[1] == '{' ? var_end(s) : NULL;

		if (end == NULL) {
			pat_put(&p, s, 1, false);
			s++;
			continue;
		}
		if (!put_var(c, &p, s + 2, (size_t)(end - s - 2)))
			out.ok = false;
		s = end + 1;
	}
	out.s = p.s;
	out.lit = p.lit;
	return out;
}

/* ---------------------------------------------------------------- matching */

static bool ch_eq(char a, char b, bool ci)
{
	return ci ? tolower((unsigned char)a) == tolower((unsigned char)b) : a == b;
}

/* Iterative wildcard match with one backtrack point (the classic linear algorithm). */
static bool glob_n(const char *pat, const unsigned char *lit, size_t pn, const char *t,
		   size_t tn, bool ci)
{
	size_t p = 0, i = 0, star = (size_t)-1, mark = 0;

	while (i < tn) {
		bool wild = p < pn && (lit == NULL || !lit[p]);

		if (wild && pat[p] == '*') {
			star = p++;
			mark = i;
		} else if (p < pn && ((wild && pat[p] == '?') || ch_eq(pat[p], t[i], ci))) {
			p++;
			i++;
		} else if (star != (size_t)-1) {
			p = star + 1;
			i = ++mark;
		} else {
			return false;
		}
	}
	while (p < pn && (lit == NULL || !lit[p]) && pat[p] == '*')
		p++;
	return p == pn;
}

bool policy_glob(const char *pattern, const char *text, bool ignore_case)
{
	return glob_n(pattern, NULL, strlen(pattern), text, strlen(text), ignore_case);
}

bool policy_pat_glob(const struct policy_pat *p, const char *text, bool ignore_case)
{
	return p->ok && glob_n(p->s, p->lit, strlen(p->s), text, strlen(text), ignore_case);
}

/* Offsets of the six colon-separated ARN parts (the last may hold colons); false if <6. */
static bool arn_split(const char *s, const unsigned char *lit, size_t off[7])
{
	size_t k = 1, n = strlen(s);

	off[0] = 0;
	for (size_t i = 0; i < n && k < 6; i++)
		if (s[i] == ':' && (lit == NULL || !lit[i]))
			off[k++] = i + 1;
	off[6] = n + 1;
	return k == 6;
}

/* ArnEquals / ArnLike: each of the six parts matched separately, wildcards allowed. */
static bool arn_match(const struct policy_pat *p, const char *text)
{
	size_t po[7], to[7];

	if (!p->ok)
		return false;
	if (strchr(p->s, ':') == NULL) /* a bare "*" */
		return policy_pat_glob(p, text, false);
	if (!arn_split(p->s, p->lit, po) || !arn_split(text, NULL, to))
		return false; /* not six parts: never the same ARN */
	for (int i = 0; i < 6; i++) {
		if (!glob_n(p->s + po[i], p->lit + po[i], po[i + 1] - po[i] - 1, text + to[i],
			    to[i + 1] - to[i] - 1, false))
			return false;
	}
	return true;
}

static bool cmp_ok(enum policy_cmp cmp, double ctx, double pol)
{
	switch (cmp) {
	case CMP_EQ:
		return ctx == pol;
	case CMP_LT:
		return ctx < pol;
	case CMP_LE:
		return ctx <= pol;
	case CMP_GT:
		return ctx > pol;
	case CMP_GE:
		return ctx >= pol;
	}
	return false;
}

/* The positive form of the operator: does the request value cv match the policy value pv? */
static bool match_value(const struct policy_ctx *c, const struct policy_op *op,
			const char *pv, const char *cv)
{
	struct policy_pat p;
	double a, b;
	int64_t da, db;
	struct policy_cidr net, ip;

	switch (op->family) {
	case PF_STRING:
		p = policy_subst(c, pv);
		return p.ok && strcmp(p.s, cv) == 0;
	case PF_STRING_CI:
		p = policy_subst(c, pv);
		return p.ok && strcasecmp(p.s, cv) == 0;
	case PF_STRING_LIKE:
		p = policy_subst(c, pv);
		return policy_pat_glob(&p, cv, false);
	case PF_ARN:
		p = policy_subst(c, pv);
		return arn_match(&p, cv);
	case PF_NUMERIC:
		return policy_parse_number(cv, &a) && policy_parse_number(pv, &b) &&
		       cmp_ok(op->cmp, a, b);
	case PF_DATE:
		return policy_parse_date(cv, &da) && policy_parse_date(pv, &db) &&
		       cmp_ok(op->cmp, (double)da, (double)db);
	case PF_BOOL:
		return strcasecmp(pv, cv) == 0;
	case PF_BINARY:
		return strcmp(pv, cv) == 0;
	case PF_IP:
		return policy_parse_cidr(pv, &net) && strchr(cv, '/') == NULL &&
		       policy_parse_cidr(cv, &ip) && cidr_contains(&net, &ip);
	case PF_NULL:
		break;
	}
	return false;
}

/* --------------------------------------------------------------- one key */

struct cond {
	const char *opname;       /* as written: "ForAnyValue:StringLike" */
	struct policy_op op;
	const char *key;
	const char **pv;          /* the policy's values (texts) */
	size_t npv;
};

static bool any_policy_value(const struct policy_ctx *c, const struct cond *k, const char *cv)
{
	for (size_t i = 0; i < k->npv; i++)
		if (match_value(c, &k->op, k->pv[i], cv))
			return true;
	return false;
}

/* The operator (negation included) applied to one request value. */
static bool holds(const struct policy_ctx *c, const struct cond *k, const char *cv)
{
	bool m = cv != NULL && any_policy_value(c, k, cv);

	return k->op.negated ? !m : m;
}

static bool eval_present(const struct policy_ctx *c, const struct cond *k,
			 const char *const *cv, size_t n)
{
	bool all = true, any = false;

	for (size_t i = 0; i < n; i++) {
		bool h = holds(c, k, cv[i]);

		all = all && h;
		any = any || h;
	}
	if (k->op.set == SET_ALL || (k->op.set == SET_NONE && k->op.negated))
		return all;
	return any;
}

static bool eval_cond(const struct policy_ctx *c, const struct cond *k, bool *absent)
{
	const char *const *cv = NULL;
	size_t n = 0;

	*absent = !policy_ctx_key(c, k->key, &cv, &n) || n == 0;
	if (k->op.family == PF_NULL) {
		for (size_t i = 0; i < k->npv; i++)
			if ((strcasecmp(k->pv[i], "true") == 0) == *absent)
				return true;
		return false;
	}
	if (*absent) {
		if (k->op.if_exists || k->op.set == SET_ALL)
			return true;
		return k->op.set == SET_NONE && k->op.negated;
	}
	return eval_present(c, k, cv, n);
}

static void describe(const struct policy_ctx *c, const struct cond *k, bool matched,
		     bool absent, struct policy_sb *sb)
{
	const char *const *cv = NULL;
	size_t n = 0;

	policy_sb_printf(sb, "condition %s %s [", k->opname, k->key);
	for (size_t i = 0; i < k->npv; i++)
		policy_sb_printf(sb, "%s%s", i ? ", " : "", k->pv[i]);
	policy_sb_printf(sb, "] %s", matched ? "matched" : "did not match");
	if (absent) {
		policy_sb_printf(sb, ": %s absent from the request", k->key);
		return;
	}
	policy_ctx_key(c, k->key, &cv, &n);
	if (n == 1) {
		policy_sb_printf(sb, " value %s", cv[0] ? cv[0] : "");
		return;
	}
	policy_sb_printf(sb, " values [");
	for (size_t i = 0; i < n; i++)
		policy_sb_printf(sb, "%s%s", i ? ", " : "", cv[i] ? cv[i] : "");
	policy_sb_printf(sb, "]");
}

/* The values listed for a key: one scalar or an array of scalars. */
static bool cond_values(const struct policy_ctx *c, const cJSON *v, struct cond *k)
{
	const cJSON *it;
	size_t n = cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 1, i = 0;
	char buf[64];

	k->pv = fg_arena_alloc(c->a, (n ? n : 1) * sizeof(*k->pv));
	if (!cJSON_IsArray(v)) {
		const char *t = policy_value_text(v, buf, sizeof(buf));

		if (t == NULL)
			return false;
		k->pv[0] = fg_arena_strdup(c->a, t);
		k->npv = 1;
		return true;
	}
	cJSON_ArrayForEach(it, v) {
		const char *t = policy_value_text(it, buf, sizeof(buf));

		if (t == NULL)
			return false;
		k->pv[i++] = fg_arena_strdup(c->a, t);
	}
	k->npv = i;
	return true;
}

bool policy_conditions(const struct policy_ctx *c, const cJSON *block, struct policy_sb *why)
{
	const cJSON *opn, *keyn;
	struct policy_sb matched;
	size_t count = 0;

	if (block == NULL)
		return true;
	policy_sb_init(&matched, c->a);
	if (!cJSON_IsObject(block)) {
		policy_sb_printf(why, "its Condition is not an object");
		return false;
	}
	cJSON_ArrayForEach(opn, block) {
		struct cond k = { .opname = opn->string };

		if (!policy_op_parse(opn->string, &k.op) || !cJSON_IsObject(opn)) {
			policy_sb_printf(why, "condition operator %s is not one IAM knows",
					 opn->string);
			return false;
		}
		cJSON_ArrayForEach(keyn, opn) {
			bool absent, ok;

			k.key = keyn->string;
			if (!cond_values(c, keyn, &k)) {
				policy_sb_printf(why, "condition %s %s has a value that is not a "
						 "string, number or boolean", k.opname, k.key);
				return false;
			}
			ok = eval_cond(c, &k, &absent);
			if (!ok) {
				describe(c, &k, false, absent, why);
				return false;
			}
			policy_sb_printf(&matched, "%s", count++ ? " and " : "");
			describe(c, &k, true, absent, &matched);
		}
	}
	policy_sb_printf(why, "%s", policy_sb_str(&matched));
	return true;
}
