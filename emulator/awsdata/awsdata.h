/*
 * awsdata: constant facts about AWS that several modules need (a pure library, no state):
 * hosted zone ids of AWS endpoints (aws-behavior.md §7.1; load balancers' too). One table per
 * kind, so a service's attributes and Route 53's alias checks can never disagree.
 */
#ifndef FG_AWSDATA_H
#define FG_AWSDATA_H

/* CloudFront's alias hosted zone (also API Gateway's edge DistributionHostedZoneId). */
#define AWS_CLOUDFRONT_ZONE_ID "Z2FDTNDATAQYW2"

/* API Gateway's regional hosted zone id in region; NULL for a region not in the table. */
const char *aws_apigw_regional_zone(const char *region);
/* The region whose API Gateway regional hosted zone is zone_id; NULL when none. */
const char *aws_apigw_zone_region(const char *zone_id);

/* An Application Load Balancer's CanonicalHostedZoneID in region; NULL when not in the table. */
const char *aws_alb_zone(const char *region);

#endif
