/*
 * Unit tests for the Route 53 resolver (iface/resolve.h over the compiled view): every record
 * type, the zone's SOA and NS, CNAME chains, NXDOMAIN vs NODATA with the SOA, wildcards
 * (RFC 4592), case, REFUSED, delegations, private zones, aliases to records and to emulated
 * endpoints (hand-made resource documents, as the services that own them would write them),
 * names of endpoints while they exist, routing policies, and the chain of steps.
 */
#include "harness.h"

static const char *ZONE =
	"{'Resources':{"
	"'Zone':{'Type':'AWS::Route53::HostedZone','Properties':{'Name':'Example.Test'}},"
	"'Recs':{'Type':'AWS::Route53::RecordSetGroup','Properties':{'HostedZoneId':{'Ref':'Zone'},"
	"'RecordSets':["
	"{'Name':'www.example.test','Type':'A','TTL':'300','ResourceRecords':['192.0.2.10','192.0.2.11']},"
	"{'Name':'www.example.test','Type':'AAAA','TTL':300,'ResourceRecords':['2001:DB8::1']},"
	"{'Name':'example.test.','Type':'TXT','TTL':60,'ResourceRecords':['\\\"v=spf1 -all\\\"','two words']},"
	"{'Name':'example.test','Type':'MX','TTL':60,'ResourceRecords':['10 Mail.Example.Test']},"
	"{'Name':'example.test','Type':'CAA','TTL':60,'ResourceRecords':['0 issue \\\"amazon.com\\\"']},"
	"{'Name':'example.test','Type':'SPF','TTL':60,'ResourceRecords':['\\\"v=spf1 ~all\\\"']},"
	"{'Name':'_sip._tcp.example.test','Type':'SRV','TTL':60,'ResourceRecords':['1 5 5060 sip.example.test']},"
	"{'Name':'10.2.0.192.in-addr.example.test','Type':'PTR','TTL':60,'ResourceRecords':['www.example.test']},"
	"{'Name':'mail.example.test','Type':'A','TTL':60,'ResourceRecords':['192.0.2.25']},"
	"{'Name':'alias.example.test','Type':'CNAME','TTL':30,'ResourceRecords':['www.example.test']},"
	"{'Name':'two.example.test','Type':'CNAME','TTL':30,'ResourceRecords':['alias.example.test']},"
	"{'Name':'out.example.test','Type':'CNAME','TTL':30,'ResourceRecords':['elsewhere.org']},"
	"{'Name':'dangling.example.test','Type':'CNAME','TTL':30,'ResourceRecords':['nope.ent.example.test']},"
	"{'Name':'*.example.test','Type':'A','TTL':20,'ResourceRecords':['192.0.2.99']},"
	"{'Name':'deep.ent.example.test','Type':'A','TTL':20,'ResourceRecords':['192.0.2.50']},"
	"{'Name':'sub.example.test','Type':'NS','TTL':3600,'ResourceRecords':['ns1.other.org']},"
	"{'Name':'apex-alias.example.test','Type':'A','AliasTarget':{'HostedZoneId':{'Ref':'Zone'},"
	"'DNSName':'www.example.test','EvaluateTargetHealth':false}},"
	"{'Name':'w.example.test','Type':'A','TTL':60,'SetIdentifier':'blue','Weight':10,'ResourceRecords':['192.0.2.1']},"
	"{'Name':'w.example.test','Type':'A','TTL':60,'SetIdentifier':'green','Weight':200,'ResourceRecords':['192.0.2.2']},"
	"{'Name':'f.example.test','Type':'A','TTL':60,'SetIdentifier':'b','Failover':'SECONDARY','ResourceRecords':['192.0.2.4']},"
	"{'Name':'f.example.test','Type':'A','TTL':60,'SetIdentifier':'a','Failover':'PRIMARY','ResourceRecords':['192.0.2.3']},"
	"{'Name':'l.example.test','Type':'A','TTL':60,'SetIdentifier':'eu','Region':'eu-west-1','ResourceRecords':['192.0.2.5']},"
	"{'Name':'l.example.test','Type':'A','TTL':60,'SetIdentifier':'us','Region':'us-east-1','ResourceRecords':['192.0.2.6']},"
	"{'Name':'m.example.test','Type':'A','TTL':60,'SetIdentifier':'m1','MultiValueAnswer':true,'ResourceRecords':['192.0.2.7']},"
	"{'Name':'m.example.test','Type':'A','TTL':60,'SetIdentifier':'m2','MultiValueAnswer':true,'ResourceRecords':['192.0.2.8']},"
	"{'Name':'g.example.test','Type':'A','TTL':60,'SetIdentifier':'us','GeoLocation':{'CountryCode':'US'},'ResourceRecords':['192.0.2.12']},"
	"{'Name':'g.example.test','Type':'A','TTL':60,'SetIdentifier':'zz','GeoLocation':{'CountryCode':'*'},'ResourceRecords':['192.0.2.13']}"
	"]}}}}";

static void test_zone_basics(struct fx *f)
{
	const char *id = phys(f, "dns", "Zone");
	const struct fg_answer *a;

	ok(strlen(id) == 21 && strncmp(id, "Z0", 2) == 0 && strspn(id, "Z0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 21,
	   "hosted zone id is Z0 + 19 upper-case alphanumerics (%s)", id);
	a = q(f, "example.test", "SOA", NULL);
	ok(a->rcode == FG_DNS_NOERROR && a->authoritative && a->nanswer == 1, "SOA answers");
	ok(strstr(rr_text(f, false, 0), " 900 SOA ns-") &&
	   strstr(rr_text(f, false, 0), ".awsdns-") &&
	   strstr(rr_text(f, false, 0), " awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400"),
	   "SOA as Route 53 creates it: %s", rr_text(f, false, 0));
	a = q(f, "example.test", "NS", NULL);
	is_int(a->nanswer, 4, "four name servers");
	ok(strstr(rr_text(f, false, 0), "example.test. 172800 NS ns-") != NULL &&
	   strstr(rr_text(f, false, 0), ".awsdns-") != NULL && strstr(rr_text(f, false, 3), ".co.uk.") != NULL,
	   "NS records: %s .. %s", rr_text(f, false, 0), rr_text(f, false, 3));
}

static void test_types(struct fx *f)
{
	q(f, "www.example.test", "A", NULL);
	is_int(f->ans.nanswer, 2, "A: two values");
	is_str(rr_text(f, false, 0), "www.example.test. 300 A 192.0.2.10", "A record");
	q(f, "www.example.test", "AAAA", NULL);
	is_str(rr_text(f, false, 0), "www.example.test. 300 AAAA 2001:db8::1", "AAAA in canonical form");
	q(f, "example.test", "TXT", NULL);
	is_str(rr_text(f, false, 0), "example.test. 60 TXT \"v=spf1 -all\"", "TXT quoted string");
	is_str(rr_text(f, false, 1), "example.test. 60 TXT \"two\" \"words\"", "TXT bare words are strings");
	q(f, "example.test", "MX", NULL);
	is_str(rr_text(f, false, 0), "example.test. 60 MX 10 mail.example.test.", "MX");
	q(f, "example.test", "CAA", NULL);
	is_str(rr_text(f, false, 0), "example.test. 60 CAA 0 issue \"amazon.com\"", "CAA");
	q(f, "example.test", "SPF", NULL);
	is_str(rr_text(f, false, 0), "example.test. 60 SPF \"v=spf1 ~all\"", "SPF");
	q(f, "_sip._tcp.example.test", "SRV", NULL);
	is_str(rr_text(f, false, 0), "_sip._tcp.example.test. 60 SRV 1 5 5060 sip.example.test.", "SRV");
	q(f, "10.2.0.192.in-addr.example.test", "PTR", NULL);
	is_str(rr_text(f, false, 0), "10.2.0.192.in-addr.example.test. 60 PTR www.example.test.", "PTR");
	q(f, "WWW.EXAMPLE.test.", "a", NULL);
	is_str(rr_text(f, false, 0), "www.example.test. 300 A 192.0.2.10", "names and types are case-insensitive");
}

static void test_negative(struct fx *f)
{
	const struct fg_answer *a = q(f, "www.example.test", "MX", NULL);

	ok(a->rcode == FG_DNS_NOERROR && a->nanswer == 0 && a->authoritative, "NODATA: name exists, type does not");
	ok(a->nauthority == 1 && strncmp(rr_text(f, true, 0), "example.test. 900 SOA ns-", 25) == 0,
	   "NODATA carries the zone's SOA: %s", rr_text(f, true, 0));
	a = q(f, "ent.example.test", "A", NULL);
	ok(a->rcode == FG_DNS_NOERROR && a->nanswer == 0 && a->nauthority == 1,
	   "an empty non-terminal is NODATA, and the wildcard does not cover it (RFC 4592)");
	a = q(f, "nothing.ent.example.test", "A", NULL);
	ok(a->rcode == FG_DNS_NXDOMAIN && a->nauthority == 1 && chain_has(f, "NXDOMAIN"),
	   "below an existing name without wildcard: NXDOMAIN with SOA");
	a = q(f, "example.org", "A", NULL);
	ok(a->rcode == FG_DNS_REFUSED && !a->authoritative && a->nanswer == 0 && a->nauthority == 0 &&
	   chain_has(f, "REFUSED"), "a name frontgate does not own: REFUSED");
	a = q(f, "bad..name", "A", NULL);
	is_int(a->rcode, FG_DNS_FORMERR, "not a name: FORMERR");
}

static void test_wildcard(struct fx *f)
{
	const struct fg_answer *a = q(f, "anything.example.test", "A", NULL);

	ok(a->rcode == FG_DNS_NOERROR && a->nanswer == 1, "wildcard answers");
	is_str(rr_text(f, false, 0), "anything.example.test. 20 A 192.0.2.99", "with the query name as owner");
	ok(chain_has(f, "wildcard *.example.test."), "the chain names the wildcard");
	q(f, "a.b.c.example.test", "A", NULL);
	is_str(rr_text(f, false, 0), "a.b.c.example.test. 20 A 192.0.2.99", "several labels deep");
	a = q(f, "anything.example.test", "TXT", NULL);
	ok(a->rcode == FG_DNS_NOERROR && a->nanswer == 0 && a->nauthority == 1, "wildcard without the type: NODATA");
	q(f, "mail.example.test", "A", NULL);
	is_str(rr_text(f, false, 0), "mail.example.test. 60 A 192.0.2.25", "an exact name wins over the wildcard");
	a = q(f, "mail.example.test", "AAAA", NULL);
	ok(a->nanswer == 0 && a->rcode == FG_DNS_NOERROR, "an existing name is not wildcard-matched for another type");
}

static void test_cname(struct fx *f)
{
	const struct fg_answer *a = q(f, "two.example.test", "A", NULL);

	is_int(a->nanswer, 4, "CNAME chain: two CNAMEs and the two A records");
	is_str(rr_text(f, false, 0), "two.example.test. 30 CNAME alias.example.test.", "first hop");
	is_str(rr_text(f, false, 1), "alias.example.test. 30 CNAME www.example.test.", "second hop");
	is_str(rr_text(f, false, 2), "www.example.test. 300 A 192.0.2.10", "target's A");
	a = q(f, "alias.example.test", "CNAME", NULL);
	is_int(a->nanswer, 1, "a CNAME query is not followed");
	a = q(f, "out.example.test", "A", NULL);
	ok(a->rcode == FG_DNS_NOERROR && a->nanswer == 1 && a->nauthority == 0 &&
	   chain_has(f, "not in frontgate's zones"), "a chain that leaves frontgate's zones ends with the CNAME");
	a = q(f, "dangling.example.test", "A", NULL);
	ok(a->rcode == FG_DNS_NXDOMAIN && a->nanswer == 1 && a->nauthority == 1,
	   "a CNAME to a missing name: the CNAME, NXDOMAIN and the SOA (RFC 6604)");
	a = q(f, "alias.example.test", "MX", NULL);
	ok(a->rcode == FG_DNS_NOERROR && a->nanswer == 1 && a->nauthority == 1,
	   "CNAME to a name without the type: CNAME plus NODATA's SOA");
}

static void test_delegation_alias_policy(struct fx *f)
{
	const struct fg_answer *a = q(f, "host.sub.example.test", "A", NULL);

	ok(a->rcode == FG_DNS_NOERROR && !a->authoritative && a->nanswer == 0 && a->nauthority == 1,
	   "a delegated name gets a referral (NS in authority, not authoritative)");
	is_str(rr_text(f, true, 0), "sub.example.test. 3600 NS ns1.other.org.", "the delegation's NS");
	a = q(f, "apex-alias.example.test", "A", NULL);
	is_int(a->nanswer, 2, "alias to a record in the same zone answers its values");
	is_str(rr_text(f, false, 0), "apex-alias.example.test. 300 A 192.0.2.10", "under the alias's name, target TTL");
	q(f, "w.example.test", "A", NULL);
	is_str(rr_text(f, false, 0), "w.example.test. 60 A 192.0.2.2", "weighted: the highest weight answers");
	ok(chain_has(f, "weighted routing: record set 'green' answers"), "the chain says which and why");
	q(f, "f.example.test", "A", NULL);
	is_str(rr_text(f, false, 0), "f.example.test. 60 A 192.0.2.3", "failover: PRIMARY answers");
	q(f, "l.example.test", "A", NULL);
	is_str(rr_text(f, false, 0), "l.example.test. 60 A 192.0.2.6", "latency: the default region's record answers");
	q(f, "m.example.test", "A", NULL);
	ok(f->ans.nanswer == 2 && strcmp(rr_text(f, false, 1), "m.example.test. 60 A 192.0.2.8") == 0,
	   "multivalue: every record set answers");
	q(f, "g.example.test", "A", NULL);
	is_str(rr_text(f, false, 0), "g.example.test. 60 A 192.0.2.13", "geolocation: the default location answers");
}

static const char *PLATFORM =
	"{'Name':'platform','Account':'123456789012','Region':'eu-west-1','Status':'CREATE_COMPLETE',"
	"'Resources':["
	"{'LogicalId':'Dist','Type':'AWS::CloudFront::Distribution','PhysicalId':'E2QWRUHAPOMQZL',"
	"'Attributes':{'DomainName':'d111111abcdef8.cloudfront.net'},"
	"'Properties':{'DistributionConfig':{'Aliases':['www.shop.test','*.cdn.shop.test']}}},"
	"{'LogicalId':'Domain','Type':'AWS::ApiGateway::DomainName','PhysicalId':'api.shop.test',"
	"'Attributes':{'RegionalDomainName':'d-abcde12345.execute-api.eu-west-1.amazonaws.com',"
	"'RegionalHostedZoneId':'ZLY8HYME6SFDD'},'Properties':{'DomainName':'api.shop.test'}},"
	"{'LogicalId':'Api','Type':'AWS::ApiGateway::RestApi','PhysicalId':'a1b2c3d4e5',"
	"'Attributes':{},'Properties':{'EndpointConfiguration':{'Types':['PRIVATE'],'VpcEndpointIds':['vpce-0123456789abcdef0']}}},"
	"{'LogicalId':'Lb','Type':'AWS::ElasticLoadBalancingV2::LoadBalancer','PhysicalId':'arn:lb',"
	"'Attributes':{'DNSName':'internal-my-lb-123456.eu-west-1.elb.amazonaws.com','CanonicalHostedZoneID':'Z32O12XQLNTSW2'}},"
	"{'LogicalId':'Vpce','Type':'AWS::EC2::VPCEndpoint','PhysicalId':'vpce-0123456789abcdef0',"
	"'Properties':{'VpcId':'vpc-11112222'},"
	"'Attributes':{'DnsEntries':['Z7HUB22UULQXV:vpce-0123456789abcdef0-abcd1234.execute-api.eu-west-1.vpce.amazonaws.com',"
	"'Z1C12344VYDITB0:*.execute-api.eu-west-1.amazonaws.com']}},"
	"{'LogicalId':'Ghost','Type':'AWS::CloudFront::Distribution','PhysicalId':'EGHOST',"
	"'Attributes':{'DomainName':'EGHOST.DomainName'}}"
	"]}";

static const char *SHOP =
	"{'Resources':{"
	"'Zone':{'Type':'AWS::Route53::HostedZone','Properties':{'Name':'shop.test'}},"
	"'Www':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneName':'shop.test.','Name':'www.shop.test',"
	"'Type':'A','AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'d111111abcdef8.cloudfront.net'}},"
	"'DependsOn':'Zone'},"
	"'Www6':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Zone'},'Name':'www.shop.test',"
	"'Type':'AAAA','AliasTarget':{'HostedZoneId':'Z2FDTNDATAQYW2','DNSName':'d111111abcdef8.cloudfront.net.'}}},"
	"'Api':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Zone'},'Name':'api.shop.test',"
	"'Type':'A','AliasTarget':{'HostedZoneId':'ZLY8HYME6SFDD','DNSName':'d-abcde12345.execute-api.eu-west-1.amazonaws.com'}}},"
	"'Lb':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Zone'},'Name':'lb.shop.test',"
	"'Type':'A','AliasTarget':{'HostedZoneId':'Z32O12XQLNTSW2','DNSName':'dualstack.internal-my-lb-123456.eu-west-1.elb.amazonaws.com'}}},"
	"'Ep':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Zone'},'Name':'ep.shop.test',"
	"'Type':'A','AliasTarget':{'HostedZoneId':'Z7HUB22UULQXV','DNSName':'vpce-0123456789abcdef0-abcd1234.execute-api.eu-west-1.vpce.amazonaws.com'}}},"
	"'S3':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Zone'},'Name':'static.shop.test',"
	"'Type':'A','AliasTarget':{'HostedZoneId':'Z1BKCTXD74EZPE','DNSName':'s3-website-us-east-1.amazonaws.com'}}},"
	"'Private':{'Type':'AWS::Route53::HostedZone','Properties':{'Name':'corp.internal',"
	"'VPCs':[{'VPCId':'vpc-11112222','VPCRegion':'eu-west-1'}]}},"
	"'Db':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Private'},'Name':'db.corp.internal',"
	"'Type':'A','TTL':60,'ResourceRecords':['10.0.0.5']}}"
	"}}";

static void test_endpoints(struct fx *f)
{
	const struct fg_answer *a;
	cJSON *stacks;

	put_stack(f, PLATFORM);
	if (!ok(deploy(f, "shop", SHOP) == 0, "aliases to a distribution, a regional domain, an ALB, a VPC endpoint deploy"))
		printf("# %s\n", f->err.message);
	q(f, "www.shop.test", "A", NULL);
	is_str(rr_text(f, false, 0), "www.shop.test. 60 A 127.0.0.1", "alias to a distribution answers the HTTP listener's address");
	ok(chain_has(f, "CloudFront distribution E2QWRUHAPOMQZL (stack platform, Dist)"), "the chain names the distribution");
	a = q(f, "www.shop.test", "AAAA", NULL);
	ok(a->rcode == FG_DNS_NOERROR && a->nanswer == 0 && a->nauthority == 1 && chain_has(f, "no IPv6 address"),
	   "AAAA alias without an IPv6 listener: NODATA, and the chain says why");
	q(f, "api.shop.test", "A", NULL);
	is_str(rr_text(f, false, 0), "api.shop.test. 60 A 127.0.0.1", "alias to a regional custom domain");
	q(f, "lb.shop.test", "A", NULL);
	is_str(rr_text(f, false, 0), "lb.shop.test. 60 A 127.0.0.1", "alias to a load balancer (dualstack. name)");
	q(f, "ep.shop.test", "A", NULL);
	is_str(rr_text(f, false, 0), "ep.shop.test. 60 A 127.0.0.1", "alias to a VPC endpoint");
	a = q(f, "static.shop.test", "A", NULL);
	ok(a->nanswer == 0 && chain_has(f, "not an endpoint frontgate emulates"), "alias to an AWS target not emulated: NODATA, said so");
	{
		char *w = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
			stack_world_find(f->w, "shop"), "Warnings"));

		ok(strstr(w, "is not an endpoint frontgate emulates") != NULL,
		   "and the stack's warnings say so");
		free(w);
	}

	q(f, "D111111ABCDEF8.cloudfront.net", "A", NULL);
	is_str(rr_text(f, false, 0), "d111111abcdef8.cloudfront.net. 60 A 127.0.0.1", "a distribution's own name answers");
	q(f, "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", "A", NULL);
	is_str(rr_text(f, false, 0), "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com. 60 A 127.0.0.1",
	       "a REST API's execute-api name in its stack's region");
	q(f, "a1b2c3d4e5-vpce-0123456789abcdef0.execute-api.eu-west-1.amazonaws.com", "A", NULL);
	ok(f->ans.nanswer == 1, "a private API's {api}-{vpce} name");
	q(f, "d-abcde12345.execute-api.eu-west-1.amazonaws.com", "A", NULL);
	ok(f->ans.nanswer == 1, "a custom domain's d- name");
	q(f, "internal-my-lb-123456.eu-west-1.elb.amazonaws.com", "A", NULL);
	ok(f->ans.nanswer == 1, "a load balancer's DNSName");
	a = q(f, "nope12345.execute-api.eu-west-1.amazonaws.com", "A", NULL);
	ok(a->rcode == FG_DNS_NXDOMAIN && a->authoritative && a->nauthority == 1,
	   "an execute-api name of no API: NXDOMAIN with an SOA");
	a = q(f, "egghost.domainname", "A", NULL);
	is_int(a->rcode, FG_DNS_REFUSED, "placeholder attributes of types not emulated never become names");
	a = q(f, "d111111abcdef8.cloudfront.net", "TXT", NULL);
	ok(a->rcode == FG_DNS_NOERROR && a->nanswer == 0, "an endpoint name without the type: NODATA");

	/* private zone and private DNS */
	a = q(f, "db.corp.internal", "A", NULL);
	ok(a->rcode == FG_DNS_REFUSED && a->nanswer == 0, "a private zone is invisible to public resolution");
	a = q(f, "db.corp.internal", "A", "vpc-99999999");
	is_int(a->rcode, FG_DNS_REFUSED, "and to another VPC");
	q(f, "db.corp.internal", "A", "vpc-11112222");
	is_str(rr_text(f, false, 0), "db.corp.internal. 60 A 10.0.0.5", "inside its VPC it answers");
	a = q(f, "anyapi.execute-api.eu-west-1.amazonaws.com", "A", "vpc-11112222");
	ok(a->nanswer == 1 && chain_has(f, "private DNS of VPC endpoint"),
	   "inside the VPC, the endpoint's private DNS answers every execute-api name");
	a = q(f, "anyapi.execute-api.eu-west-1.amazonaws.com", "A", NULL);
	is_int(a->rcode, FG_DNS_NXDOMAIN, "publicly that name does not exist");
	q(f, "www.shop.test", "A", "vpc-11112222");
	ok(f->ans.nanswer == 1, "public zones answer inside a VPC without a private zone for them");

	/* deleted endpoints */
	stacks = cJSON_Duplicate(stack_world_stacks(f->w), true);
	for (int i = 0; i < cJSON_GetArraySize(stacks); i++)
		if (strcmp(cJSON_GetArrayItem(stacks, i)->child->valuestring, "platform") == 0)
			cJSON_DeleteItemFromArray(stacks, i);
	fx_world(f, stack_world_new(stacks));
	a = q(f, "d111111abcdef8.cloudfront.net", "A", NULL);
	ok(a->rcode == FG_DNS_NXDOMAIN, "after the distribution is deleted its name is NXDOMAIN");
	a = q(f, "www.shop.test", "A", NULL);
	ok(a->rcode == FG_DNS_NOERROR && a->nanswer == 0 && chain_has(f, "does not exist (any more)"),
	   "and the alias to it answers NODATA, saying why");
}

static void test_private_overlap(struct fx *f)
{
	ok(deploy(f, "overlap", "{'Resources':{"
		  "'Pub':{'Type':'AWS::Route53::HostedZone','Properties':{'Name':'both.test'}},"
		  "'Priv':{'Type':'AWS::Route53::HostedZone','Properties':{'Name':'both.test','VPCs':[{'VPCId':'vpc-aa','VPCRegion':'us-east-1'}]}},"
		  "'A1':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Pub'},'Name':'x.both.test','Type':'A','TTL':5,'ResourceRecords':['192.0.2.1']}},"
		  "'A2':{'Type':'AWS::Route53::RecordSet','Properties':{'HostedZoneId':{'Ref':'Priv'},'Name':'x.both.test','Type':'A','TTL':5,'ResourceRecords':['10.1.1.1']}}"
		  "}}") == 0, "a public and a private zone with one name");
	q(f, "x.both.test", "A", NULL);
	is_str(rr_text(f, false, 0), "x.both.test. 5 A 192.0.2.1", "publicly the public zone answers");
	q(f, "x.both.test", "A", "vpc-aa");
	is_str(rr_text(f, false, 0), "x.both.test. 5 A 10.1.1.1", "inside the VPC the private zone wins (split horizon)");
	q(f, "y.both.test", "A", "vpc-aa");
	is_int(f->ans.rcode, FG_DNS_NXDOMAIN, "and does not fall back to the public zone");
}

int main(void)
{
	struct fx f;

	fx_init(&f);
	if (!ok(deploy(&f, "dns", ZONE) == 0, "a zone with records of every type deploys"))
		printf("# %s\n", f.err.message);
	test_zone_basics(&f);
	test_types(&f);
	test_negative(&f);
	test_wildcard(&f);
	test_cname(&f);
	test_delegation_alias_policy(&f);
	test_endpoints(&f);
	test_private_overlap(&f);
	fx_fini(&f);
	return tap_done();
}
