/*
 * r53_zoneids.c: hosted zone ids of AWS endpoints that alias records name — API Gateway's
 * regional zones (../shared/aws-behavior.md §7.1, from the AWS general reference), and the
 * name spaces of the endpoints frontgate emulates.
 */
#include <string.h>

#include "route53/r53_int.h"

static const char *const apigw_zones[][2] = {
	{ "us-east-1", "Z1UJRXOUMOOFQ8" }, { "us-east-2", "ZOJJZC49E0EPZ" },
	{ "us-west-1", "Z2MUQ32089INYE" }, { "us-west-2", "Z2OJLYMUO9EFXC" },
	{ "af-south-1", "Z2DHW2332DAMTN" }, { "ap-east-1", "Z3FD1VL90ND7K5" },
	{ "ap-south-1", "Z3VO1THU9YC4UR" }, { "ap-south-2", "Z0853509Q1135NJ66RUH" },
	{ "ap-northeast-1", "Z1YSHQZHG15GKL" }, { "ap-northeast-2", "Z20JF4UZKIW1U8" },
	{ "ap-northeast-3", "Z22ILHG95FLSZ2" }, { "ap-southeast-1", "ZL327KTPIQFUL" },
	{ "ap-southeast-2", "Z2RPCDW04V8134" }, { "ap-southeast-3", "Z10132843TYUYSLUG4HA3" },
	{ "ap-southeast-4", "Z092189423Y7RJK61311D" },
	{ "ap-southeast-5", "Z0314042F0KBUTZ3X5HF" }, { "ca-central-1", "Z19DQILCV0OWEC" },
	{ "ca-west-1", "Z04745493436AWVTG1OQY" }, { "eu-central-1", "Z1U9ULNL0V5AJ3" },
	{ "eu-central-2", "Z09222482MK253X48U76H" }, { "eu-west-1", "ZLY8HYME6SFDD" },
	{ "eu-west-2", "ZJ5UAJN8Y3Z2Q" }, { "eu-west-3", "Z3KY65QIEKYHQQ" },
	{ "eu-north-1", "Z3UWIKFBOOGXPP" }, { "eu-south-1", "Z3BT4WSQ9TDYZV" },
	{ "eu-south-2", "Z02499852UI5HEQ5JVWX3" }, { "il-central-1", "Z07264553HBI44N5X2CKP" },
	{ "me-south-1", "Z20ZBPC0SS8806" }, { "me-central-1", "Z08780021BKYYY8U0YHTV" },
	{ "sa-east-1", "ZCMLWB8V5SYIT" }, { "us-gov-west-1", "Z1K6XKP9SAGWDV" },
	{ "us-gov-east-1", "Z3SE9ATJYCRCZJ" },
};

#define NZONES (sizeof(apigw_zones) / sizeof(apigw_zones[0]))

const char *r53_apigw_zone(const char *region)
{
	for (size_t i = 0; region != NULL && i < NZONES; i++)
		if (strcmp(apigw_zones[i][0], region) == 0)
			return apigw_zones[i][1];
	return NULL;
}

const char *r53_apigw_zone_region(const char *zone_id)
{
	for (size_t i = 0; zone_id != NULL && i < NZONES; i++)
		if (strcmp(apigw_zones[i][1], zone_id) == 0)
			return apigw_zones[i][0];
	return NULL;
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
