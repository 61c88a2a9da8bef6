/*
 * r53_zoneids.c: hosted zone ids of AWS endpoints that alias records name — API Gateway's
 * regional zones (the table is awsdata's, shared with API Gateway), and the name spaces of the
 * endpoints frontgate emulates.
 */
#include <string.h>

#include "awsdata/awsdata.h"
#include "route53/r53_int.h"

const char *r53_apigw_zone(const char *region)
{
	return aws_apigw_regional_zone(region);
}

const char *r53_apigw_zone_region(const char *zone_id)
{
	return aws_apigw_zone_region(zone_id);
}

/* A label that looks like a region name: letters, digits and dashes, ending in a digit. */
static bool region_label(const char *s, size_t n)
{
	bool dash = false;

	if (n < 4 || n > 32 || s[n - 1] < '0' || s[n - 1] > '9')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-')
			dash = true;
		else if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	}
	return dash;
}

/* The suffix of name that is "<region>.<rest>" (rest like "vpce.amazonaws.com."), or NULL. */
static const char *region_space(const char *name, const char *prefix, const char *rest)
{
	size_t pl = strlen(prefix);

	for (const char *p = name; p != NULL; p = r53_name_parent(p)) {
		const char *dot;

		if (strncmp(p, prefix, pl) != 0)
			continue;
		dot = strchr(p + pl, '.');
		if (dot != NULL && region_label(p + pl, (size_t)(dot - p - pl)) &&
		    strcmp(dot + 1, rest) == 0)
			return p;
	}
	return NULL;
}

const char *r53_endpoint_space(const char *name)
{
	const char *s;

	if (r53_name_under(name, "cloudfront.net."))
		return "cloudfront.net.";
	if ((s = region_space(name, "execute-api.", "amazonaws.com.")) != NULL ||
	    (s = region_space(name, "", "elb.amazonaws.com.")) != NULL ||
	    (s = region_space(name, "", "vpce.amazonaws.com.")) != NULL)
		return s;
	return NULL;
}
