/*
 * ec2_types.c: CloudFormation types AWS::EC2::VPC, Subnet, SecurityGroup and VPCEndpoint.
 * Ids are EC2-shaped ({vpc,subnet,sg,vpce,eni}-{17 hex}), derived from account, region,
 * stack and logical id so they are stable across redeploys (pinnable with
 * Metadata.Frontgate.Id). A VPCEndpoint's DnsEntries follow AWS's "ZONEID:name" form: the
 * regional name, one per availability zone of its subnets and, with PrivateDnsEnabled,
 * the service's private name. Each of its network interfaces gets a stable private address
 * in its subnet (the frontgate-only attribute Frontgate.PrivateIpAddresses).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ec2/ec2_int.h"

static const char HEX[] = "0123456789abcdef";

/* frontgate-only attribute: the private address of each network interface (README "VPC
 * origins and load balancers"); an ALB IP target with one of them enters the endpoint. */
#define ENI_ADDRESSES "Frontgate.PrivateIpAddresses"

static const char *str_of(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void ec2_id(const struct stack_rctx *c, const char *prefix, const char *salt,
		   char out[256])
{
	char h[18];

	stack_derived_id(c, salt, HEX, 17, h);
	h[17] = '\0';
	snprintf(out, 256, "%s-%s", prefix, h);
}

static bool pinned(const char *phys)
{
	return phys[0] != '\0';
}

/* "a.b.c.d/n" with n in [lo, hi]. */
static bool cidr_ok(const char *s, int lo, int hi)
{
	char ip[64];
	const char *slash = strchr(s, '/');
	struct in_addr a;
	char *end;
	long n;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(ip))
		return false;
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	n = strtol(slash + 1, &end, 10);
	return inet_pton(AF_INET, ip, &a) == 1 && *end == '\0' && end != slash + 1 &&
	       n >= lo && n <= hi;
}

/* -------------------------------------------------------------------- VPC */

static int vpc_validate(struct stack_rctx *c, const cJSON *p, struct fg_err *err)
{
	const char *cidr = NULL;

	if (stack_opt_str(c, p, "CidrBlock", "CidrBlock", &cidr, err) != 0)
		return -1;
	if (cidr == NULL && str_of(p, "Ipv4IpamPoolId") == NULL)
		return stack_handler_err(c, err, "EC2", 400, "MissingParameter", "CidrBlock",
					 "Either 'cidrBlock' or 'ipv4IpamPoolId' should be "
					 "provided.");
	if (cidr != NULL && !cidr_ok(cidr, 16, 28))
		return stack_handler_err(c, err, "EC2", 400, "InvalidVpc.Range", "CidrBlock",
					 "The CIDR '%s' is invalid.", cidr);
	return 0;
}

static int vpc_create(struct stack_rctx *c, const cJSON *p, char phys[256], cJSON *attrs,
		      cJSON *state, struct fg_err *err)
{
	char id[256];
	const char *cidr = str_of(p, "CidrBlock");

	if (!pinned(phys))
		ec2_id(c, "vpc", "vpc", phys);
	cJSON_AddStringToObject(attrs, "VpcId", phys);
	cJSON_AddStringToObject(attrs, "CidrBlock", cidr ? cidr : "10.0.0.0/16");
	ec2_id(c, "sg", "default-sg", id);
	cJSON_AddStringToObject(attrs, "DefaultSecurityGroup", id);
	ec2_id(c, "acl", "default-acl", id);
	cJSON_AddStringToObject(attrs, "DefaultNetworkAcl", id);
	ec2_id(c, "vpc-cidr-assoc", "cidr-assoc", id);
	cJSON_AddItemToObject(attrs, "CidrBlockAssociations",
			      cJSON_CreateStringArray((const char *[]){ id }, 1));
	cJSON_AddItemToObject(attrs, "Ipv6CidrBlocks", cJSON_CreateArray());
	return 0;
}

/* ----------------------------------------------------------------- Subnet */

static const cJSON *find_vpc(const struct stack_rctx *c, const char *id)
{
	return stack_rctx_find(c, "AWS::EC2::VPC", id);
}

static int need_vpc(struct stack_rctx *c, const cJSON *p, const char *prop,
		    struct fg_err *err)
{
	const char *vpc = NULL;

	if (stack_need_str(c, p, prop, &vpc, err) != 0)
		return -1;
	if (find_vpc(c, vpc) == NULL) {
		stack_warn(c, "%s %s is not an AWS::EC2::VPC deployed in frontgate; stored as given",
			   prop, vpc);
	}
	return 0;
}

static int subnet_validate(struct stack_rctx *c, const cJSON *p, struct fg_err *err)
{
	const char *cidr = NULL;

	if (need_vpc(c, p, "VpcId", err) != 0 ||
	    stack_opt_str(c, p, "CidrBlock", "CidrBlock", &cidr, err) != 0)
		return -1;
	if (cidr != NULL && !cidr_ok(cidr, 16, 28))
		return stack_handler_err(c, err, "EC2", 400, "InvalidSubnet.Range", "CidrBlock",
					 "The CIDR '%s' is invalid.", cidr);
	return 0;
}

static const char *subnet_az(const struct stack_rctx *c, const cJSON *p, char buf[64])
{
	const char *az = str_of(p, "AvailabilityZone");

	if (az != NULL)
		return az;
	snprintf(buf, 64, "%sa", c->region);
	return buf;
}

static int subnet_create(struct stack_rctx *c, const cJSON *p, char phys[256], cJSON *attrs,
			 cJSON *state, struct fg_err *err)
{
	char azb[64], id[256];
	const char *cidr = str_of(p, "CidrBlock");

	if (!pinned(phys))
		ec2_id(c, "subnet", "subnet", phys);
	cJSON_AddStringToObject(attrs, "SubnetId", phys);
	cJSON_AddStringToObject(attrs, "VpcId", str_of(p, "VpcId"));
	cJSON_AddStringToObject(attrs, "AvailabilityZone", subnet_az(c, p, azb));
	cJSON_AddStringToObject(attrs, "CidrBlock", cidr ? cidr : "");
	ec2_id(c, "aclassoc", "acl-assoc", id);
	cJSON_AddStringToObject(attrs, "NetworkAclAssociationId", id);
	cJSON_AddItemToObject(attrs, "Ipv6CidrBlocks", cJSON_CreateArray());
	return 0;
}

/* ---------------------------------------------------------- SecurityGroup */

static int sg_validate(struct stack_rctx *c, const cJSON *p, struct fg_err *err)
{
	const char *d = NULL;

	if (stack_need_str(c, p, "GroupDescription", &d, err) != 0)
		return -1;
	if (strlen(d) > 255)
		return stack_handler_err(c, err, "EC2", 400, "InvalidParameterValue",
					 "GroupDescription", "Invalid value for portStart "
					 "param: description is longer than 255 characters");
	return 0;
}

static int sg_create(struct stack_rctx *c, const cJSON *p, char phys[256], cJSON *attrs,
		     cJSON *state, struct fg_err *err)
{
	if (!pinned(phys))
		ec2_id(c, "sg", "sg", phys);
	cJSON_AddStringToObject(attrs, "GroupId", phys);
	if (str_of(p, "VpcId"))
		cJSON_AddStringToObject(attrs, "VpcId", str_of(p, "VpcId"));
	stack_warn(c, "security group rules are stored, not enforced (frontgate has no network "
		   "layer to filter)");
	return 0;
}

/* ------------------------------------------------------------ VPCEndpoint */

static bool execute_api_service(const struct stack_rctx *c, const char *svc)
{
	char want[128];

	snprintf(want, sizeof(want), "com.amazonaws.%s.execute-api", c->region);
	return strcmp(svc, want) == 0;
}

static int vpce_validate(struct stack_rctx *c, const cJSON *p, struct fg_err *err)
{
	const char *svc = NULL, *type = NULL;
	bool pdns = false;

	if (stack_need_str(c, p, "ServiceName", &svc, err) != 0 ||
	    need_vpc(c, p, "VpcId", err) != 0 ||
	    stack_opt_str(c, p, "VpcEndpointType", "VpcEndpointType", &type, err) != 0 ||
	    stack_opt_bool(c, p, "PrivateDnsEnabled", &pdns, err) != 0)
		return -1;
	if (type != NULL && strcmp(type, "Interface") != 0 && strcmp(type, "Gateway") != 0 &&
	    strcmp(type, "GatewayLoadBalancer") != 0 && strcmp(type, "Resource") != 0 &&
	    strcmp(type, "ServiceNetwork") != 0)
		return stack_schema_err(c, err, "VpcEndpointType",
					"#/VpcEndpointType: %s is not a valid enum value", type);
	if (strstr(svc, ".execute-api") != NULL && !execute_api_service(c, svc))
		return stack_handler_err(c, err, "EC2", 400, "InvalidServiceName",
					 "ServiceName", "The Vpc Endpoint Service '%s' does not "
					 "exist", svc);
	if (execute_api_service(c, svc) && (type == NULL || strcmp(type, "Interface") != 0))
		return stack_handler_err(c, err, "EC2", 400, "InvalidParameter",
					 "VpcEndpointType", "The Vpc Endpoint Service '%s' does "
					 "not support endpoint type '%s'.", svc,
					 type ? type : "Gateway");
	return 0;
}

/* The availability zones of the endpoint's subnets, in order, without duplicates. */
static cJSON *vpce_zones(const struct stack_rctx *c, const cJSON *p)
{
	cJSON *zones = cJSON_CreateArray(), *s;

	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(p, "SubnetIds")) {
		const cJSON *sub = cJSON_IsString(s) ? stack_rctx_find(c, "AWS::EC2::Subnet",
									s->valuestring) : NULL;
		const char *az = sub ? str_of(cJSON_GetObjectItemCaseSensitive(sub, "Attributes"),
					      "AvailabilityZone") : NULL;
		bool dup = false;
		cJSON *z;

		if (az == NULL)
			continue;
		cJSON_ArrayForEach(z, zones)
			dup = dup || strcmp(z->valuestring, az) == 0;
		if (!dup)
			cJSON_AddItemToArray(zones, cJSON_CreateString(az));
	}
	return zones;
}

static void add_entry(cJSON *a, const char *zone, const char *fmt, ...) FG_PRINTF(3, 4);

static void add_entry(cJSON *a, const char *zone, const char *fmt, ...)
{
	char name[300], e[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(e, sizeof(e), "%s:%s", zone, name);
	cJSON_AddItemToArray(a, cJSON_CreateString(e));
}

/* "com.amazonaws.us-east-1.execute-api" -> "execute-api" */
static const char *service_short(const char *svc)
{
	const char *last = strrchr(svc, '.');

	return last ? last + 1 : svc;
}

/*
 * Network interface addresses. Each interface of an endpoint gets a private address in its
 * subnet's CIDR (the subnet's first four and last addresses are AWS's, so never those),
 * derived from the endpoint's identity so it is the same on every deployment, and distinct
 * from every other endpoint interface in the world. A subnet frontgate does not know gets
 * an address in 10.255.0.0/16, with a warning.
 */
static bool address_taken(const struct stack_rctx *c, const cJSON *mine, const char *addr)
{
	const cJSON *doc, *r, *a;

	cJSON_ArrayForEach(a, mine)
		if (strcmp(a->valuestring, addr) == 0)
			return true;
	cJSON_ArrayForEach(r, c->deployed) {
		cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(
				   cJSON_GetObjectItemCaseSensitive(r, "Attributes"), ENI_ADDRESSES))
			if (cJSON_IsString(a) && strcmp(a->valuestring, addr) == 0)
				return true;
	}
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(doc, "Name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, c->stack_name) == 0)
			continue;  /* this stack's old version: replaced by this deployment */
		cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "Resources")) {
			cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(r, "Attributes"), ENI_ADDRESSES))
				if (cJSON_IsString(a) && strcmp(a->valuestring, addr) == 0)
					return true;
		}
	}
	return false;
}

/* The subnet's network and prefix length; false when the subnet or its CIDR is unknown. */
static bool subnet_cidr(const struct stack_rctx *c, const char *subnet, uint32_t *net, int *len)
{
	const cJSON *sub = stack_rctx_find(c, "AWS::EC2::Subnet", subnet);
	const char *cidr = sub ? str_of(cJSON_GetObjectItemCaseSensitive(sub, "Properties"),
					"CidrBlock") : NULL;
	char ip[64];
	struct in_addr a;
	const char *slash;

	if (cidr == NULL || !cidr_ok(cidr, 16, 28) || (slash = strchr(cidr, '/')) == NULL)
		return false;
	snprintf(ip, sizeof(ip), "%.*s", (int)(slash - cidr), cidr);
	if (inet_pton(AF_INET, ip, &a) != 1)
		return false;
	*len = atoi(slash + 1);
	*net = ntohl(a.s_addr) & (uint32_t)(0xffffffffu << (32 - *len));
	return true;
}

static void eni_address(const struct stack_rctx *c, const char *subnet, int i,
			const cJSON *mine, char out[INET_ADDRSTRLEN])
{
	uint32_t net = 0x0aff0000u, hosts;  /* 10.255.0.0/16 */
	int len = 16;

	if (!subnet_cidr(c, subnet, &net, &len))
		stack_warn(c, "subnet %s is not an AWS::EC2::Subnet deployed in frontgate: its "
			   "network interface gets an address in 10.255.0.0/16", subnet);
	hosts = (1u << (32 - len)) - 5;  /* usable: network + 4 .. broadcast - 1 */
	for (int attempt = 0; attempt < 64; attempt++) {
		char salt[32], digits[10];
		struct in_addr a;

		snprintf(salt, sizeof(salt), "eni-address-%d-%d", i, attempt);
		stack_derived_id(c, salt, "0123456789", 9, digits);
		digits[9] = '\0';
		a.s_addr = htonl(net + 4 + (uint32_t)(strtoul(digits, NULL, 10) % hosts));
		inet_ntop(AF_INET, &a, out, INET_ADDRSTRLEN);
		if (!address_taken(c, mine, out))
			return;
	}
}

static int vpce_create(struct stack_rctx *c, const cJSON *p, char phys[256], cJSON *attrs,
		       cJSON *state, struct fg_err *err)
{
	const char *svc = str_of(p, "ServiceName"), *zone = ec2_vpce_zone_id(c->region);
	const cJSON *pd = cJSON_GetObjectItemCaseSensitive(p, "PrivateDnsEnabled");
	cJSON *dns = cJSON_CreateArray(), *enis = cJSON_CreateArray(), *zones, *z, *s;
	cJSON *addrs = cJSON_CreateArray();
	char suffix[9], id[256], ts[40];
	int i = 0;

	if (!pinned(phys))
		ec2_id(c, "vpce", "vpce", phys);
	stack_derived_id(c, "vpce-dns", "abcdefghijklmnopqrstuvwxyz0123456789", 8, suffix);
	suffix[8] = '\0';
	add_entry(dns, zone, "%s-%s.%s.%s.vpce.amazonaws.com", phys, suffix, service_short(svc),
		  c->region);
	zones = vpce_zones(c, p);
	cJSON_ArrayForEach(z, zones)
		add_entry(dns, zone, "%s-%s-%s.%s.%s.vpce.amazonaws.com", phys, suffix,
			  z->valuestring, service_short(svc), c->region);
	cJSON_Delete(zones);
	if (cJSON_IsTrue(pd))
		add_entry(dns, "Z1C12344VYDITB0", "*.%s.%s.amazonaws.com", service_short(svc),
			  c->region);
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(p, "SubnetIds")) {
		char salt[32], addr[INET_ADDRSTRLEN];

		snprintf(salt, sizeof(salt), "eni-%d", i++);
		ec2_id(c, "eni", salt, id);
		cJSON_AddItemToArray(enis, cJSON_CreateString(id));
		eni_address(c, cJSON_IsString(s) ? s->valuestring : "", i, addrs, addr);
		cJSON_AddItemToArray(addrs, cJSON_CreateString(addr));
	}
	cJSON_AddStringToObject(attrs, "Id", phys);
	cJSON_AddItemToObject(attrs, "DnsEntries", dns);
	cJSON_AddItemToObject(attrs, "NetworkInterfaceIds", enis);
	cJSON_AddItemToObject(attrs, ENI_ADDRESSES, addrs);
	fg_time_iso(c->now_ms, ts);
	cJSON_AddStringToObject(attrs, "CreationTimestamp", ts);
	if (!execute_api_service(c, svc))
		stack_warn(c, "VPC endpoint to %s is stored; only execute-api interface endpoints "
			   "carry requests in frontgate", svc);
	return 0;
}

static const struct stack_rtype vpc_type = { "AWS::EC2::VPC", vpc_validate, vpc_create,
					     NULL, NULL };
static const struct stack_rtype subnet_type = { "AWS::EC2::Subnet", subnet_validate,
						subnet_create, NULL, NULL };
static const struct stack_rtype sg_type = { "AWS::EC2::SecurityGroup", sg_validate,
					    sg_create, NULL, NULL };
static const struct stack_rtype vpce_type = { "AWS::EC2::VPCEndpoint", vpce_validate,
					      vpce_create, NULL, NULL };

void ec2_types_register(struct stack_registry *r, void *svc)
{
	stack_registry_add(r, &vpc_type, svc);
	stack_registry_add(r, &subnet_type, svc);
	stack_registry_add(r, &sg_type, svc);
	stack_registry_add(r, &vpce_type, svc);
}

const char *ec2_vpce_zone_id(const char *region)
{
	/* AWS's hosted zone ids for *.vpce.amazonaws.com names (ELB/VPC endpoint tables of
	 * the AWS General Reference); other regions get us-east-1's, documented in README. */
	static const char *const t[][2] = {
		{ "us-east-1", "Z7HUB22UULQXV" }, { "us-east-2", "ZC8PG0KIFKBRI" },
		{ "us-west-1", "Z12I86A8N7VCZO" }, { "us-west-2", "Z1YSA3EXCYUU9Z" },
		{ "eu-west-1", "Z38GZ743OKFT7T" }, { "eu-central-1", "Z273ZU8SZ5RJPC" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i][0], region) == 0)
			return t[i][1];
	return "Z7HUB22UULQXV";
}
