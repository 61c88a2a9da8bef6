/*
 * awsdata.c: API Gateway's regional hosted zone ids (aws-behavior.md §7.1, from the AWS
 * general reference; several cross-checked against independent Terraform/CDK sources) and
 * Application Load Balancers' canonical hosted zone ids.
 */
#include "awsdata/awsdata.h"

#include <stddef.h>
#include <string.h>

static const char *const APIGW_ZONES[][2] = {
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

#define NZONES (sizeof(APIGW_ZONES) / sizeof(APIGW_ZONES[0]))

const char *aws_apigw_regional_zone(const char *region)
{
	for (size_t i = 0; region != NULL && i < NZONES; i++)
		if (strcmp(APIGW_ZONES[i][0], region) == 0)
			return APIGW_ZONES[i][1];
	return NULL;
}

const char *aws_apigw_zone_region(const char *zone_id)
{
	for (size_t i = 0; zone_id != NULL && i < NZONES; i++)
		if (strcmp(APIGW_ZONES[i][1], zone_id) == 0)
			return APIGW_ZONES[i][0];
	return NULL;
}

/* Application Load Balancers' CanonicalHostedZoneID per region (AWS general reference,
 * "Elastic Load Balancing endpoints and quotas"; cross-checked against the Terraform AWS
 * provider's table). */
static const char *const ALB_ZONES[][2] = {
	{ "us-east-1", "Z35SXDOTRQ7X7K" }, { "us-east-2", "Z3AADJGX6KTTL2" },
	{ "us-west-1", "Z368ELLRRE2KJ0" }, { "us-west-2", "Z1H1FL5HABSF5" },
	{ "af-south-1", "Z268VQBMOI5EKX" }, { "ap-east-1", "Z3DQVH9N71FHZ0" },
	{ "ap-northeast-1", "Z14GRHDCWA56QT" }, { "ap-northeast-2", "ZWKZPGTI48KDX" },
	{ "ap-northeast-3", "Z5LXEXXYW11ES" }, { "ap-south-1", "ZP97RAFLXTNZK" },
	{ "ap-south-2", "Z0173938T07WNTVAEPZN" }, { "ap-southeast-1", "Z1LMS91P8CMLE5" },
	{ "ap-southeast-2", "Z1GM3OXH4ZPM65" }, { "ap-southeast-3", "Z08888821HLRG5A9ZRTER" },
	{ "ca-central-1", "ZQSVJUPU6J1EY" }, { "eu-central-1", "Z215JYRZR1TBD5" },
	{ "eu-central-2", "Z06391101F2ZOEP8P5EB3" }, { "eu-north-1", "Z23TAZ6LKFMNIO" },
	{ "eu-south-1", "Z3ULH7SSC9OV64" }, { "eu-south-2", "Z0956581394HF5D5LXGAP" },
	{ "eu-west-1", "Z32O12XQLNTSW2" }, { "eu-west-2", "ZHURV8PSTC4K8" },
	{ "eu-west-3", "Z3Q77PNBQS71R4" }, { "me-central-1", "Z08230872XQRWHG2XF6I" },
	{ "me-south-1", "ZS929ML54UICD" }, { "sa-east-1", "Z2P70J7HTTTPLU" },
	{ "us-gov-east-1", "Z166TLBEWOO7G0" }, { "us-gov-west-1", "Z33AYJ8TM3BH4J" },
};

const char *aws_alb_zone(const char *region)
{
	for (size_t i = 0; region != NULL && i < sizeof(ALB_ZONES) / sizeof(ALB_ZONES[0]); i++)
		if (strcmp(ALB_ZONES[i][0], region) == 0)
			return ALB_ZONES[i][1];
	return NULL;
}
