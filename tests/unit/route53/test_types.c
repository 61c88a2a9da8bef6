/*
 * Unit tests for the Route 53 resource types: AWS::Route53::HostedZone ids and name servers,
 * and the change-batch checks of RecordSet / RecordSetGroup with Route 53's messages
 * (../shared/aws-behavior.md §7.1; the README's "Route 53" section lists which texts are
 * Route 53's own). A refused deployment changes nothing.
 */
#include "harness.h"

static const char *BASE =
	"{'Resources':{"
	"'Zone':{'Type':'AWS::Route53::HostedZone','Properties':{'Name':'example.test'}},"
	"'Priv':{'Type':'AWS::Route53::HostedZone','Properties':{'Name':'priv.test','VPCs':[{'VPCId':'vpc-1','VPCRegion':'us-east-1'}]}},"
	"'Www':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Zone'},'Name':'www.example.test','Type':'A','TTL':'60','ResourceRecords':['192.0.2.1']}},"
	"'Cn':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Zone'},'Name':'cn.example.test','Type':'CNAME','TTL':'60','ResourceRecords':['www.example.test']}},"
	"'W1':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Zone'},'Name':'w.example.test','Type':'A','TTL':'60','SetIdentifier':'one','Weight':1,'ResourceRecords':['192.0.2.1']}}"
	"},'Outputs':{'ZoneId':{'Value':{'Ref':'Zone'},'Export':{'Name':'zone-id'}},"
	"'PrivId':{'Value':{'Ref':'Priv'},'Export':{'Name':'priv-id'}},"
	"'Ns':{'Value':{'Fn::Join':[',',{'Fn::GetAtt':['Zone','NameServers']}]}}}}";

static const char *PLATFORM =
	"{'Name':'platform','Account':'123456789012','Region':'us-east-1','Status':'CREATE_COMPLETE',"
	"'Resources':["
	"{'LogicalId':'Dist','Type':'AWS::CloudFront::Distribution','PhysicalId':'E2QWRUHAPOMQZL',"
	"'Attributes':{'DomainName':'d111111abcdef8.cloudfront.net'},"
	"'Properties':{'DistributionConfig':{'Aliases':['cdn.example.test']}}},"
	"{'LogicalId':'Domain','Type':'AWS::ApiGateway::DomainName','PhysicalId':'api.example.test',"
	"'Attributes':{'RegionalDomainName':'d-abcde12345.execute-api.us-east-1.amazonaws.com'},"
	"'Properties':{'DomainName':'api.example.test'}}]}";

/* Deploys one RecordSet (properties JSON) in stack "t"; returns the error message. */
static const char *try_rs(struct fx *f, const char *props)
{
	char tpl[4096];

	snprintf(tpl, sizeof(tpl), "{'Resources':{'R':{'Type':'AWS::Route53::RecordSet',"
		 "'Properties':%s}}}", props);
	if (deploy(f, "t", tpl) == 0) {
		undeploy(f, "t");
		return "(deployed)";
	}
	return f->err.message;
}

static void test_zone(struct fx *f)
{
	const cJSON *out = cJSON_GetObjectItemCaseSensitive(stack_world_find(f->w, "base"), "Outputs");
	const char *ns = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(out, "Ns"));
	const cJSON *priv = NULL, *r;

	ok(ns != NULL && strstr(ns, ".awsdns-") && strstr(ns, ".com,") && strstr(ns, ".net,") &&
	   strstr(ns, ".org,") && strstr(ns, ".co.uk"), "NameServers: four awsdns servers (%s)", ns);
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(stack_world_find(f->w, "base"), "Resources"))
		if (strcmp(cJSON_GetObjectItemCaseSensitive(r, "LogicalId")->valuestring, "Priv") == 0)
			priv = cJSON_GetObjectItemCaseSensitive(r, "Attributes");
	ok(priv != NULL && cJSON_GetObjectItemCaseSensitive(priv, "Id") != NULL &&
	   cJSON_GetObjectItemCaseSensitive(priv, "NameServers") == NULL,
	   "a private zone has Id but no NameServers attribute (as in CloudFormation)");
	ok(strcmp(phys(f, "base", "Www"), "www.example.test") == 0, "a RecordSet's physical id is its Name");
	ok(deploy(f, "z2", "{'Resources':{'Zone':{'Type':'AWS::Route53::HostedZone','Metadata':{'Frontgate':{'Id':'Z0PINNED'}},"
		  "'Properties':{'Name':'pinned.test'}}}}") == 0 && strcmp(phys(f, "z2", "Zone"), "Z0PINNED") == 0,
	   "Metadata.Frontgate.Id pins the zone id");
	undeploy(f, "z2");
	is_str(try_rs(f, "{'HostedZoneId':'Z0NOPE','Name':'x.example.test','Type':'A','TTL':1,'ResourceRecords':['192.0.2.1']}"),
	       "Resource handler returned message: \"No hosted zone found with ID: Z0NOPE (Service: Route53, "
	       "Status Code: 404)\" (HandlerErrorCode: NotFound)", "unknown zone id");
	ok(deploy(f, "p2", "{'Resources':{'Z':{'Type':'AWS::Route53::HostedZone','Properties':{'Name':'PRIV.test',"
		  "'VPCs':[{'VPCId':'vpc-1','VPCRegion':'us-east-1'}]}}}}") != 0 &&
	   strstr(f->err.message, "The VPC vpc-1 in region us-east-1 has already been associated with the hosted zone") != NULL,
	   "two private zones with one name in one VPC are refused: %s", f->err.message);
}

static void test_batch_messages(struct fx *f)
{
	/* aws-behavior.md §7.1: a CNAME cannot be created at the apex */
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'example.test','Type':'CNAME','TTL':60,'ResourceRecords':['www.example.test']}"),
	       "[RRSet of type CNAME with DNS name example.test. is not permitted at apex in zone example.test.]",
	       "CNAME at the apex");
	is_str(f->err.code, "InvalidChangeBatch", "error code InvalidChangeBatch");
	is_str(f->err.property, "Resources.R.Properties.Name", "the error names the property");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'www.example.test','Type':'CNAME','TTL':60,'ResourceRecords':['x.example.test']}"),
	       "[RRSet of type CNAME with DNS name www.example.test. is not permitted as it conflicts with other records "
	       "with the same DNS name in zone example.test.]", "CNAME beside other types");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'cn.example.test','Type':'TXT','TTL':60,'ResourceRecords':['\\\"x\\\"']}"),
	       "[RRSet of type TXT with DNS name cn.example.test. is not permitted because a conflicting RRSet of type  "
	       "CNAME with the same DNS name already exists in zone example.test.]", "another type beside a CNAME");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'WWW.example.test.','Type':'A','TTL':60,'ResourceRecords':['192.0.2.9']}"),
	       "[Tried to create resource record set [name='www.example.test.', type='A'] but it already exists]",
	       "duplicate record (another stack's)");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'example.test','Type':'NS','TTL':60,'ResourceRecords':['ns1.x.org']}"),
	       "[Tried to create resource record set [name='example.test.', type='NS'] but it already exists]",
	       "the apex NS Route 53 created exists already");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'w.example.test','Type':'A','TTL':60,'SetIdentifier':'one','Weight':5,'ResourceRecords':['192.0.2.9']}"),
	       "[Tried to create resource record set [name='w.example.test.', type='A', set-identifier='one'] but it already exists]",
	       "duplicate with a SetIdentifier");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'www.other.test','Type':'A','TTL':60,'ResourceRecords':['192.0.2.9']}"),
	       "[RRSet with DNS name www.other.test. is not permitted in zone example.test.]", "record outside the zone");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'x.example.test','Type':'A','TTL':60,'ResourceRecords':['300.1.1.1']}"),
	       "[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) "
	       "encountered with '300.1.1.1'']", "bad IPv4 value");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'x.example.test','Type':'A','TTL':60,'ResourceRecords':['192.0.2.1','192.0.2.1']}"),
	       "[Duplicate Resource Record: '192.0.2.1']", "duplicate value");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'a..example.test','Type':'A','TTL':60,'ResourceRecords':['192.0.2.1']}"),
	       "[FATAL problem: DomainLabelEmpty (Domain label is empty) encountered with 'a..example.test']", "empty label");
	/* Route 53's InvalidInput for the request shape */
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'x.example.test','Type':'A','TTL':60,"
		      "'AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'d111111abcdef8.cloudfront.net'}}"),
	       "Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or "
	       "TrafficPolicyInstanceId], but found more than one in Change with [Action=CREATE, Name=x.example.test., "
	       "Type=A, SetIdentifier=null]", "alias and TTL together");
	is_str(f->err.code, "InvalidInput", "error code InvalidInput");
	ok(strstr(try_rs(f, "{'HostedZoneName':'example.test','Name':'x.example.test','Type':'A','TTL':60}"),
		  "but found none in Change with [Action=CREATE, Name=x.example.test., Type=A, SetIdentifier=null]") != NULL,
	   "TTL without values: found none");
	/* several problems in one batch are listed together */
	ok(deploy(f, "t", "{'Resources':{'G':{'Type':'AWS::Route53::RecordSetGroup','Properties':{'HostedZoneName':'example.test',"
		  "'RecordSets':[{'Name':'n1.example.test','Type':'A','TTL':1,'ResourceRecords':['192.0.2.1']},"
		  "{'Name':'n1.example.test','Type':'A','TTL':1,'ResourceRecords':['192.0.2.2']},"
		  "{'Name':'example.test','Type':'CNAME','TTL':1,'ResourceRecords':['x.test']}]}}}}") != 0 &&
	   strcmp(f->err.message, "[Tried to create resource record set [name='n1.example.test.', type='A'] but it already exists, "
		  "RRSet of type CNAME with DNS name example.test. is not permitted at apex in zone example.test.]") == 0,
	   "a group lists every problem: %s", f->err.message);
	is_str(f->err.property, "Resources.G.Properties.RecordSets.1.Name", "at the first failing record set");
	ok(strstr(try_rs(f, "{'HostedZoneName':'example.test','Name':'w.example.test','Type':'A','TTL':60,"
			 "'ResourceRecords':['192.0.2.9']}"),
		  "must all use the same routing policy (base/W1 has a SetIdentifier)") != NULL,
	   "a simple record beside weighted ones: %s", f->err.message);
	ok(strstr(try_rs(f, "{'HostedZoneName':'example.test','Name':'c2.example.test','Type':'CNAME','TTL':60,"
			 "'ResourceRecords':['a.test','b.test']}"),
		  "may have only one value") != NULL, "a CNAME with two values: %s", f->err.message);
	ok(strstr(try_rs(f, "{'HostedZoneName':'example.test','Name':'m.example.test','Type':'MX','TTL':60,"
			 "'ResourceRecords':['mail.example.test']}"),
		  "[Invalid Resource Record: 'FATAL problem: MX value must be") != NULL, "an MX without priority: %s",
	   f->err.message);
	ok(strstr(try_rs(f, "{'HostedZoneName':'example.test','Name':'x.example.test','Type':'A','TTL':60,'SetIdentifier':'a',"
			 "'ResourceRecords':['192.0.2.9']}"),
		  "Invalid request: Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, "
		  "GeoProximityLocation, or CidrRoutingConfig], but found none") != NULL,
	   "a SetIdentifier without a routing policy: %s", f->err.message);
}

static void test_alias_messages(struct fx *f)
{
	put_stack(f, PLATFORM);
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'cdn.example.test','Type':'A',"
		      "'AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'d111111abcdef8.cloudfront.net'}}"),
	       "(deployed)", "alias to a distribution that has the record's name as an alternate domain name");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'other.example.test','Type':'A',"
		      "'AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'d111111abcdef8.cloudfront.net'}}"),
	       "[Tried to create an alias that targets d111111abcdef8.cloudfront.net., type A in zone Z2FDTNDATAQYW2, but "
	       "distribution E2QWRUHAPOMQZL (stack platform) does not include other.example.test. as an alternate domain "
	       "name (CNAME)]", "alias target that is not an alias of that distribution");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'cdn.example.test','Type':'A',"
		      "'AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'d111111abcdef8.cloudfront.net','EvaluateTargetHealth':true}}"),
	       "[Alias RRSet with DNS name cdn.example.test. cannot set EvaluateTargetHealth to true: the alias target "
	       "d111111abcdef8.cloudfront.net. is a CloudFront distribution]", "EvaluateTargetHealth on CloudFront");
	ok(strstr(try_rs(f, "{'HostedZoneName':'priv.test','Name':'cdn.priv.test','Type':'A',"
			 "'AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'d111111abcdef8.cloudfront.net'}}"),
		  "alias records for CloudFront can't be created in a private zone") != NULL,
	   "alias to CloudFront in a private zone: %s", f->err.message);
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'cdn.example.test','Type':'A',"
		      "'AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'dzzzzzzzzzzzzz.cloudfront.net'}}"),
	       "[Tried to create an alias that targets dzzzzzzzzzzzzz.cloudfront.net., type A in zone Z2FDTNDATAQYW2, but "
	       "that target was not found]", "alias to a distribution that does not exist");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'cdn.example.test','Type':'A',"
		      "'AliasTarget':{'HostedZoneId':'Z35SXDOTRQ7X7K','DNSName':'d111111abcdef8.cloudfront.net'}}"),
	       "[Tried to create an alias that targets d111111abcdef8.cloudfront.net., type A in zone Z35SXDOTRQ7X7K, but "
	       "the alias target name does not lie within the target zone]", "a CloudFront name in the wrong zone");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'api.example.test','Type':'A',"
		      "'AliasTarget':{'HostedZoneId':'Z1UJRXOUMOOFQ8','DNSName':'d-abcde12345.execute-api.us-east-1.amazonaws.com'}}"),
	       "(deployed)", "alias to a regional custom domain from its own name");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'wrong.example.test','Type':'A',"
		      "'AliasTarget':{'HostedZoneId':'Z1UJRXOUMOOFQ8','DNSName':'d-abcde12345.execute-api.us-east-1.amazonaws.com'}}"),
	       "[Tried to create an alias that targets d-abcde12345.execute-api.us-east-1.amazonaws.com., type A in zone "
	       "Z1UJRXOUMOOFQ8, but the record name wrong.example.test. is not that API Gateway custom domain name "
	       "(api.example.test)]", "alias to a custom domain from another name");
	is_str(try_rs(f, "{'HostedZoneName':'example.test','Name':'api.example.test','Type':'A',"
		      "'AliasTarget':{'HostedZoneId':'ZLY8HYME6SFDD','DNSName':'d-abcde12345.execute-api.us-east-1.amazonaws.com'}}"),
	       "[Tried to create an alias that targets d-abcde12345.execute-api.us-east-1.amazonaws.com., type A in zone "
	       "ZLY8HYME6SFDD, but the alias target name does not lie within the target zone]",
	       "a regional domain with another region's zone id (§7.1 table)");
	ok(deploy(f, "t", "{'Resources':{'G':{'Type':'AWS::Route53::RecordSetGroup','Properties':{'HostedZoneName':'example.test',"
		  "'RecordSets':[{'Name':'cdn.example.test','Type':'A','SetIdentifier':'p','Failover':'PRIMARY',"
		  "'AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'d111111abcdef8.cloudfront.net'}},"
		  "{'Name':'cdn.example.test','Type':'A','SetIdentifier':'s','Failover':'SECONDARY',"
		  "'AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'d111111abcdef8.cloudfront.net'}}]}}}}") != 0 &&
	   strstr(f->err.message, "Failover RRSets with DNS name cdn.example.test., type A cannot both be aliases "
		  "to CloudFront distributions") != NULL, "failover primary and secondary both CloudFront (§7.1): %s",
	   f->err.message);
	ok(deploy(f, "z3", "{'Resources':{'Z':{'Type':'AWS::Route53::HostedZone','Properties':{'Name':'third.test'}}},"
		  "'Outputs':{'Id':{'Value':{'Ref':'Z'},'Export':{'Name':'third-id'}}}}") == 0, "another zone");
	ok(strstr(try_rs(f, "{'HostedZoneName':'example.test','Name':'x.example.test','Type':'A',"
			 "'AliasTarget':{'HostedZoneId':{'Fn::ImportValue':'third-id'},'DNSName':'third.test'}}"),
		  "an alias can only point to records in the same hosted zone") != NULL,
	   "alias to a record of another hosted zone (§7.1): %s", f->err.message);
	undeploy(f, "z3");
	ok(strncmp(try_rs(f, "{'HostedZoneName':'example.test','Name':'al.example.test','Type':'A',"
			  "'AliasTarget':{'HostedZoneId':{'Fn::ImportValue':'zone-id'},'DNSName':'missing.example.test'}}"),
		   "[Tried to create an alias that targets missing.example.test., type A in zone Z0", 77) == 0 &&
	   strstr(f->err.message, ", but that target was not found]") != NULL,
	   "alias to a missing record in the same zone: %s", f->err.message);
}

static void test_delete_rules(struct fx *f)
{
	ok(deploy(f, "users", "{'Resources':{'R':{'Type':'AWS::Route53::RecordSet','Properties':{"
		  "'HostedZoneId':{'Fn::ImportValue':'zone-id'},'Name':'u.example.test','Type':'A','TTL':1,"
		  "'ResourceRecords':['192.0.2.7']}}}}") == 0, "records from another stack");
	ok(deploy(f, "base", "{'Resources':{}}") != 0, "the zone's stack cannot drop it (the export is in use)");
	ok(deploy(f, "users2", "{'Resources':{'R':{'Type':'AWS::Route53::RecordSet','Properties':{"
		  "'HostedZoneName':'priv.test','Name':'u.priv.test','Type':'A','TTL':1,"
		  "'ResourceRecords':['10.0.0.7']}}}}") == 0, "records in the private zone by name");
	ok(undeploy(f, "base") != 0, "deleting the zone's stack is refused");
	ok(strstr(f->err.message, "imported") || strstr(f->err.message, "in use") ||
	   strstr(f->err.message, "The specified hosted zone contains non-required resource record sets and so cannot be deleted."),
	   "with a reason: %s", f->err.message);
	undeploy(f, "users");
	ok(undeploy(f, "base") != 0 && strstr(f->err.message, "The specified hosted zone contains non-required "
					       "resource record sets and so cannot be deleted.") &&
	   strstr(f->err.message, "users2"), "HostedZoneNotEmpty names the records that remain: %s", f->err.message);
	undeploy(f, "users2");
	ok(undeploy(f, "base") == 0, "once they are gone the zone can go");
}

int main(void)
{
	struct fx f;

	fx_init(&f);
	if (!ok(deploy(&f, "base", BASE) == 0, "zones and records deploy"))
		printf("# %s\n", f.err.message);
	test_zone(&f);
	test_batch_messages(&f);
	test_alias_messages(&f);
	test_delete_rules(&f);
	fx_fini(&f);
	return tap_done();
}
