/*
 * r53_name.c: DNS names and record values as Route 53 reads them in a change batch.
 *
 * Names are normalised once (lower case, absolute, "\052" -> "*") so everything after
 * compares bytes. Values are checked per type and rewritten in one presentation form: the
 * resolver hands them out as they are and the DNS listener turns them into wire format, so a
 * value that passes here is one the listener can serve (every value is also run through
 * libldns's presentation parser as a last check). The messages follow Route 53's
 * "Invalid Resource Record: 'FATAL problem: Code (explanation) encountered with 'x''" frame;
 * the codes for IPv4/IPv6 addresses and domain names are Route 53's own, the explanations of
 * other types are frontgate's wording (README, "Route 53").
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route53/r53_int.h"

static const char *const known_types[] = {
	"A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF",
	"SRV", "SSHFP", "SVCB", "TLSA", "TXT", NULL,
};

bool r53_type_known(const char *type)
{
	for (size_t i = 0; known_types[i] != NULL; i++)
		if (strcmp(known_types[i], type) == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------------ names */

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '*';
}

int r53_name_norm(const char *in, char out[R53_NAME_MAX], const char **problem)
{
	size_t o = 0, label = 0;

	if (in == NULL || in[0] == '\0') {
		*problem = "DomainNameEmpty (Domain name is empty)";
		return -1;
	}
	if (strcmp(in, ".") == 0) {
		strcpy(out, ".");
		return 0;
	}
	for (const char *p = in; *p; p++) {
		char c = *p;

		if (c == '\\' && strncmp(p, "\\052", 4) == 0) {
			c = '*';
			p += 3;
		} else if (c == '.') {
			if (label == 0) {
				*problem = "DomainLabelEmpty (Domain label is empty)";
				return -1;
			}
			label = 0;
			out[o++] = '.';
			if (o >= 254 && p[1] != '\0')
				goto too_long;
			continue;
		} else if (!name_char(c)) {
			*problem = "UnsupportedCharacter (Value contains unsupported characters)";
			return -1;
		}
		if (++label > 63) {
			*problem = "DomainLabelTooLong (Domain label is too long)";
			return -1;
		}
		if (o >= 253)
			goto too_long;
		out[o++] = (char)tolower((unsigned char)c);
	}
	if (label > 0)
		out[o++] = '.';
	out[o] = '\0';
	return 0;
too_long:
	*problem = "DomainNameTooLong (Domain name is too long)";
	return -1;
}

bool r53_name_under(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	if (strcmp(zone, ".") == 0)
		return true;
	if (n < z || strcmp(name + n - z, zone) != 0)
		return false;
	return n == z || name[n - z - 1] == '.';
}

const char *r53_name_parent(const char *name)
{
	const char *dot;

	if (strcmp(name, ".") == 0)
		return NULL;
	dot = strchr(name, '.');
	return dot[1] == '\0' ? "." : dot + 1;
}

bool r53_name_is_wild(const char *name)
{
	return name[0] == '*' && name[1] == '.';
}

/* ----------------------------------------------------------------- values */

struct vctx {
	const char *type, *value;
	struct fg_arena *a;
	char *msg;
	size_t msgn;
};

static int bad(struct vctx *v, const char *problem)
{
	snprintf(v->msg, v->msgn, "Invalid Resource Record: 'FATAL problem: %s encountered "
		 "with '%.300s''", problem, v->value);
	return -1;
}

/* Splits on blanks into at most max fields; returns the count (max + 1 when more). */
static size_t fields(const char *s, char f[][R53_NAME_MAX], size_t max)
{
	size_t n = 0;

	while (*s) {
		size_t len = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		if (n == max)
			return max + 1;
		while (*s && *s != ' ' && *s != '\t') {
			if (len + 1 < R53_NAME_MAX)
				f[n][len++] = *s;
			s++;
		}
		f[n++][len] = '\0';
	}
	return n;
}

static bool uint_in(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return false;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > max || strlen(s) > 10)
		return false;
	*out = v;
	return true;
}

static int name_value(struct vctx *v, const char *s, char out[R53_NAME_MAX])
{
	const char *problem;

	if (r53_name_norm(s, out, &problem) != 0)
		return bad(v, problem);
	return 0;
}

static int addr_value(struct vctx *v, const char **out)
{
	unsigned char buf[16];
	char text[INET6_ADDRSTRLEN];
	bool six = strcmp(v->type, "AAAA") == 0;

	if (inet_pton(six ? AF_INET6 : AF_INET, v->value, buf) != 1)
		return bad(v, six ? "AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 "
				    "address)"
				  : "ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address)");
	inet_ntop(six ? AF_INET6 : AF_INET, buf, text, sizeof(text));
	*out = fg_arena_strdup(v->a, text);
	return 0;
}

/* One character-string: quoted (with \" \\ \DDD escapes) or a bare word. Appends the quoted
 * form to b; returns the rest of the text, NULL when malformed. */
static const char *char_string(struct vctx *v, const char *s, struct fg_buf *b, int *rc)
{
	size_t len = 0;
	bool quoted = *s == '"';

	fg_buf_puts(b, b->len ? " \"" : "\"");
	if (quoted)
		s++;
	while (*s && (quoted ? *s != '"' : (*s != ' ' && *s != '\t'))) {
		unsigned char c = (unsigned char)*s++;

		if (c == '\\' && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
		    isdigit((unsigned char)s[2])) {
			c = (unsigned char)((s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0'));
			s += 3;
		} else if (c == '\\' && *s) {
			c = (unsigned char)*s++;
		}
		if (c == '"' || c == '\\')
			fg_buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			fg_buf_printf(b, "\\%03u", c);
		else
			fg_buf_append(b, &c, 1);
		len++;
	}
	if (quoted && *s != '"') {
		*rc = bad(v, "InvalidCharacterString (Value should be enclosed in quotation marks)");
		return NULL;
	}
	if (len > 255) {
		*rc = bad(v, "CharacterStringTooLong (Value is too long)");
		return NULL;
	}
	fg_buf_puts(b, "\"");
	return quoted ? s + 1 : s;
}

static int txt_value(struct vctx *v, const char **out)
{
	struct fg_buf b;
	const char *s = v->value;
	int rc = 0;

	fg_buf_init(&b);
	while (s != NULL && *s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		s = char_string(v, s, &b, &rc);
	}
	if (rc == 0 && b.len == 0)
		fg_buf_puts(&b, "\"\"");
	if (rc == 0)
		*out = fg_arena_strdup(v->a, b.data);
	fg_buf_free(&b);
	return rc;
}

static int mx_value(struct vctx *v, const char **out)
{
	char f[3][R53_NAME_MAX], name[R53_NAME_MAX];
	unsigned long pri;

	if (fields(v->value, f, 2) != 2 || !uint_in(f[0], 65535, &pri))
		return bad(v, "MX value must be 'priority domain-name' with a priority from 0 to "
			   "65535");
	if (name_value(v, f[1], name) != 0)
		return -1;
	*out = fg_arena_printf(v->a, "%lu %s", pri, name);
	return 0;
}

static int srv_value(struct vctx *v, const char **out)
{
	char f[5][R53_NAME_MAX], name[R53_NAME_MAX];
	unsigned long n[3];

	if (fields(v->value, f, 4) != 4 || !uint_in(f[0], 65535, &n[0]) ||
	    !uint_in(f[1], 65535, &n[1]) || !uint_in(f[2], 65535, &n[2]))
		return bad(v, "SRV value must be 'priority weight port domain-name', each number "
			   "from 0 to 65535");
	if (name_value(v, f[3], name) != 0)
		return -1;
	*out = fg_arena_printf(v->a, "%lu %lu %lu %s", n[0], n[1], n[2], name);
	return 0;
}

static int caa_value(struct vctx *v, const char **out)
{
	char f[3][R53_NAME_MAX];
	unsigned long flags;
	const char *rest = v->value;
	struct fg_buf b;
	int rc = 0;

	if (fields(v->value, f, 2) < 2 || !uint_in(f[0], 255, &flags) || strlen(f[1]) > 15)
		return bad(v, "CAA value must be 'flags tag \"value\"' with flags from 0 to 255");
	for (const char *p = f[1]; *p; p++)
		if (!isalnum((unsigned char)*p))
			return bad(v, "the CAA tag may only have letters and digits");
	for (int i = 0; i < 2; i++) {
		while (*rest == ' ' || *rest == '\t')
			rest++;
		while (*rest && *rest != ' ' && *rest != '\t')
			rest++;
	}
	while (*rest == ' ' || *rest == '\t')
		rest++;
	fg_buf_init(&b);
	rest = char_string(v, rest, &b, &rc);
	if (rc == 0 && rest != NULL && strspn(rest, " \t") != strlen(rest))
		rc = bad(v, "the CAA value must be one string");
	if (rc == 0) {
		for (char *p = f[1]; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		*out = fg_arena_printf(v->a, "%lu %s %s", flags, f[1], b.data);
	}
	fg_buf_free(&b);
	return rc;
}

static int soa_value(struct vctx *v, const char **out)
{
	char f[8][R53_NAME_MAX], m[R53_NAME_MAX], r[R53_NAME_MAX];
	unsigned long n[5];

	if (fields(v->value, f, 7) != 7)
		return bad(v, "SOA value must have 7 fields");
	for (int i = 0; i < 5; i++)
		if (!uint_in(f[2 + i], 4294967295UL, &n[i]))
			return bad(v, "SOA serial and timers must be numbers");
	if (name_value(v, f[0], m) != 0 || name_value(v, f[1], r) != 0)
		return -1;
	*out = fg_arena_printf(v->a, "%s %s %lu %lu %lu %lu %lu", m, r, n[0], n[1], n[2], n[3],
			       n[4]);
	return 0;
}

/* The value must also be one libldns reads, since that is what the DNS listener serves. */
static int wire_check(struct vctx *v, const char *canon)
{
	char *line = fg_arena_printf(v->a, "x. 0 IN %s %s", v->type, canon);
	ldns_rr *rr = NULL;
	ldns_status st = ldns_rr_new_frm_str(&rr, line, 0, NULL, NULL);

	ldns_rr_free(rr);
	if (st != LDNS_STATUS_OK)
		return bad(v, fg_arena_printf(v->a, "the value is not valid %s data (%s)", v->type,
					      ldns_get_errorstr_by_id(st)));
	return 0;
}

int r53_value(const char *type, const char *value, struct fg_arena *a, const char **out,
	      char *msg, size_t msgn)
{
	struct vctx v = { type, value, a, msg, msgn };
	char name[R53_NAME_MAX];
	int rc;

	if (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0)
		rc = addr_value(&v, out);
	else if (strcmp(type, "CNAME") == 0 || strcmp(type, "NS") == 0 ||
		 strcmp(type, "PTR") == 0) {
		rc = name_value(&v, value, name);
		*out = rc == 0 ? fg_arena_strdup(a, name) : NULL;
	} else if (strcmp(type, "TXT") == 0 || strcmp(type, "SPF") == 0)
		rc = txt_value(&v, out);
	else if (strcmp(type, "MX") == 0)
		rc = mx_value(&v, out);
	else if (strcmp(type, "SRV") == 0)
		rc = srv_value(&v, out);
	else if (strcmp(type, "CAA") == 0)
		rc = caa_value(&v, out);
	else if (strcmp(type, "SOA") == 0)
		rc = soa_value(&v, out);
	else {
		if (value[0] == '\0' || strlen(value) > 4000)
			return bad(&v, "the value is empty or too long");
		*out = fg_arena_strdup(a, value);
		rc = 0;
	}
	return rc == 0 ? wire_check(&v, *out) : -1;
}
