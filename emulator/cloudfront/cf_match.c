/*
 * cf_match.c: the small matching rules every part of CloudFront uses — cache behaviour path
 * patterns (aws-behavior.md §6.1: '*' any run of characters including '/', '?' exactly one
 * character, case-sensitive, leading '/' optional), the method sets of §5.3, and which
 * headers, cookies and query strings a policy's selection includes (§6.6).
 */
#include "cloudfront/cf_priv.h"

#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	unsigned bit;
} METHODS[] = {
	{ "GET", CF_GET }, { "HEAD", CF_HEAD }, { "OPTIONS", CF_OPTIONS }, { "PUT", CF_PUT },
	{ "POST", CF_POST }, { "PATCH", CF_PATCH }, { "DELETE", CF_DELETE },
};

unsigned cf_method_bit(const char *method)
{
	for (size_t i = 0; i < sizeof(METHODS) / sizeof(METHODS[0]); i++) {
		if (strcmp(METHODS[i].name, method) == 0)
			return METHODS[i].bit;
	}
	return 0;
}

void cf_methods_text(unsigned bits, char out[80])
{
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(METHODS) / sizeof(METHODS[0]); i++) {
		if (bits & METHODS[i].bit) {
			if (out[0])
				strcat(out, ", ");
			strcat(out, METHODS[i].name);
		}
	}
}

/* Glob with '*' and '?', iterative with one backtrack point (linear for one '*'). */
static bool glob(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == '?' || *p == *s) {
			p++;
			s++;
		} else if (star != NULL) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

bool cf_pattern_match(const char *pattern, const char *path)
{
	/* a pattern without the leading slash ("images/x.jpg") matches as if it had one */
	if (pattern[0] != '/' && pattern[0] != '*' && path[0] == '/')
		path++;
	return glob(pattern, path);
}

bool cf_pattern_valid(const char *pattern)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
				 "_-.*$/~\"'@:+&?";
	size_t n = strlen(pattern);

	return n > 0 && n <= 255 && strspn(pattern, ok) == n;
}

static bool listed(const struct cf_select *s, const char *name, bool ci)
{
	for (size_t i = 0; i < s->n; i++) {
		if (ci ? strcasecmp(s->names[i], name) == 0 : strcmp(s->names[i], name) == 0)
			return true;
	}
	return false;
}

bool cf_select_has(const struct cf_select *s, const char *name, bool ci)
{
	if (s == NULL)
		return false;
	switch (s->how) {
	case CF_SEL_NONE:
		return false;
	case CF_SEL_WHITELIST:
		return listed(s, name, ci);
	case CF_SEL_ALL_EXCEPT:
		return !listed(s, name, ci);
	case CF_SEL_ALL:
	case CF_SEL_ALL_AND_CF:
		return true;
	}
	return false;
}

bool cf_select_lists(const struct cf_select *s, const char *name, bool ci)
{
	return s != NULL && (s->how == CF_SEL_WHITELIST || s->how == CF_SEL_ALL_AND_CF) &&
	       listed(s, name, ci);
}

const char *cf_sel_name(enum cf_sel how)
{
	switch (how) {
	case CF_SEL_NONE: return "none";
	case CF_SEL_WHITELIST: return "whitelist";
	case CF_SEL_ALL_EXCEPT: return "allExcept";
	case CF_SEL_ALL: return "all";
	case CF_SEL_ALL_AND_CF: return "allViewerAndWhitelistCloudFront";
	}
	return "?";
}
