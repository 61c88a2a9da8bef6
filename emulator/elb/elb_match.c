/*
 * elb_match.c: listener rule conditions as an Application Load Balancer evaluates them (ELB
 * User Guide, "Listener rules": condition types). Rules are tried in priority order and the
 * first whose conditions all match wins; within one condition any value may match.
 *
 *   path-pattern         the path as sent (not the query), case-sensitive, '*' and '?'
 *   host-header          Host without its port, case-insensitive, '*' and '?'
 *   http-header          every header with that name (any case); values case-insensitive
 *   http-request-method  exact and case-sensitive
 *   query-string         key=value pairs (percent-decoded), case-insensitive, wildcards in
 *                        both; a pair without a key matches any key
 *   source-ip            CIDR blocks against the connection's source address
 *
 * Pure functions, no state.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "elb/elb_int.h"

static bool same(char a, char b, bool nocase)
{
	return nocase ? tolower((unsigned char)a) == tolower((unsigned char)b) : a == b;
}

bool elb_wildcard(const char *pattern, const char *s, bool nocase)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*pattern == '*') {
			star = pattern++;
			resume = s;
		} else if (*pattern != '\0' && (*pattern == '?' || same(*pattern, *s, nocase))) {
			pattern++;
			s++;
		} else if (star != NULL) {
			pattern = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

/* Parses "a.b.c.d" or an IPv6 address into 16 bytes (IPv4 mapped); *bits = 32 or 128. */
static bool parse_ip(const char *s, unsigned char out[16], int *bits)
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		memset(out, 0, 16);
		memcpy(out, &a4, 4);
		*bits = 32;
		return true;
	}
	*bits = 128;
	return inet_pton(AF_INET6, s, out) == 1;
}

bool elb_cidr_match(const char *cidr, const char *ip)
{
	char net[64];
	const char *slash = strchr(cidr, '/');
	unsigned char a[16], b[16];
	int bits_a, bits_b, len;

	snprintf(net, sizeof(net), "%.*s", slash ? (int)(slash - cidr) : (int)strlen(cidr), cidr);
	if (ip == NULL || !parse_ip(net, a, &bits_a) || !parse_ip(ip, b, &bits_b) ||
	    bits_a != bits_b)
		return false;
	len = slash ? atoi(slash + 1) : bits_a;
	if (len < 0 || len > bits_a)
		return false;
	for (int i = 0; i < len; i++) {
		int byte = i / 8, mask = 0x80 >> (i % 8);

		if ((a[byte] & mask) != (b[byte] & mask))
			return false;
	}
	return true;
}

static bool any_value(const struct elb_cond *c, const char *s, bool nocase)
{
	for (size_t i = 0; s != NULL && i < c->n; i++)
		if (elb_wildcard(c->values[i], s, nocase))
			return true;
	return false;
}

static bool header_match(const struct elb_cond *c, const struct elb_probe *p)
{
	for (size_t i = 0; i < p->nheaders; i++)
		if (strcasecmp(p->headers[i].name, c->header) == 0 &&
		    any_value(c, p->headers[i].value, true))
			return true;
	return false;
}

static bool method_match(const struct elb_cond *c, const struct elb_probe *p)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->values[i], p->method) == 0)
			return true;
	return false;
}

static bool pair_match(const struct elb_cond *c, const char *key, const char *value)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->keys[i] != NULL && !elb_wildcard(c->keys[i], key, true))
			continue;
		if (elb_wildcard(c->values[i], value, true))
			return true;
	}
	return false;
}

static bool query_match(const struct elb_cond *c, const struct elb_probe *p)
{
	const char *q = p->query;

	while (q != NULL && *q) {
		size_t n = strcspn(q, "&"), k = strcspn(q, "=&");
		char *key = fg_arena_strndup(p->arena, q, k < n ? k : n);
		char *val = fg_arena_strndup(p->arena, k < n ? q + k + 1 : "",
					     k < n ? n - k - 1 : 0);

		if (n > 0 && pair_match(c, fg_http_decode(p->arena, key, true),
					fg_http_decode(p->arena, val, true)))
			return true;
		q += n;
		if (*q == '&')
			q++;
	}
	return false;
}

static bool source_match(const struct elb_cond *c, const struct elb_probe *p)
{
	for (size_t i = 0; i < c->n; i++)
		if (elb_cidr_match(c->values[i], p->client_ip))
			return true;
	return false;
}

bool elb_cond_match(const struct elb_cond *c, const struct elb_probe *p)
{
	switch (c->field) {
	case ELB_F_PATH:
		return any_value(c, p->path, false);
	case ELB_F_HOST:
		return any_value(c, p->host, true);
	case ELB_F_HEADER:
		return header_match(c, p);
	case ELB_F_METHOD:
		return method_match(c, p);
	case ELB_F_QUERY:
		return query_match(c, p);
	case ELB_F_SOURCE_IP:
		return source_match(c, p);
	}
	return false;
}

const struct elb_rule *elb_rule_select(const struct elb_rule *rules, size_t n,
				       const struct elb_probe *p)
{
	for (size_t i = 0; i < n; i++) {
		bool all = true;

		for (size_t j = 0; j < rules[i].nconds && all; j++)
			all = elb_cond_match(&rules[i].conds[j], p);
		if (all)
			return &rules[i];
	}
	return NULL;
}

const char *elb_field_name(enum elb_field f)
{
	static const char *const names[] = { "path-pattern", "host-header", "http-header",
					     "http-request-method", "query-string", "source-ip" };

	return names[f];
}
