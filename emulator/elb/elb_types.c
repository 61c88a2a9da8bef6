/*
 * elb_types.c: AWS::ElasticLoadBalancingV2::LoadBalancer, TargetGroup, Listener, ListenerRule
 * and ListenerCertificate — ELB's validation relayed as CloudFormation relays it, AWS-shaped
 * ARNs, names and DNS names derived from account, region, stack and logical id (stable from
 * run to run, pinnable with Metadata.Frontgate.Id).
 *
 * Messages recorded from real deployments are used as they are; the others are marked
 * UNCONFIRMED next to them. Accepted but not acted on, with a warning: network and gateway
 * load balancers, health checks (every target is treated as healthy), security groups,
 * load balancer and target group attributes, authenticate-* actions, instance / lambda /
 * alb targets, mutual TLS on listeners.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "awsdata/awsdata.h"
#include "elb/elb_int.h"

#define elb_err(c, err, code, prop, ...) \
	stack_handler_err(c, err, ELB_SERVICE, 400, code, prop, __VA_ARGS__)

static const char UPPER_ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char HEX[] = "0123456789abcdef";

static const cJSON *item(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = item(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool one_of(const char *s, const char *const *list)
{
	for (size_t i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static int enum_prop(struct stack_rctx *c, const cJSON *o, const char *k, const char *where,
		     const char *const *allowed, const char **out, struct fg_err *err)
{
	if (stack_opt_str(c, o, k, where, out, err) != 0)
		return -1;
	if (*out != NULL && !one_of(*out, allowed))
		return stack_schema_err(c, err, where, "#/%s: %s is not a valid enum value", where,
					*out);
	return 0;
}

/* An integer property within [lo, hi] (schema messages); *out untouched when absent. */
static int int_prop(struct stack_rctx *c, const cJSON *o, const char *k, const char *where,
		    long long lo, long long hi, long long *out, struct fg_err *err)
{
	long long v = lo;

	if (item(o, k) == NULL)
		return 0;
	if (stack_opt_int(c, o, k, where, &v, err) != 0)
		return -1;
	if (v < lo)
		return stack_schema_err(c, err, where, "#/%s: %lld is not greater or equal to %lld",
					where, v, lo);
	if (v > hi)
		return stack_schema_err(c, err, where, "#/%s: %lld is not less or equal to %lld",
					where, v, hi);
	*out = v;
	return 0;
}

static int need_array(struct stack_rctx *c, const cJSON *o, const char *k, const char *where,
		      const cJSON **out, struct fg_err *err)
{
	const cJSON *v = item(o, k);

	if (v == NULL)
		return stack_schema_err(c, err, "", "#: required key [%s] not found", k);
	if (!cJSON_IsArray(v))
		return stack_schema_err(c, err, where, "#/%s: expected type: JSONArray, found: %s",
					where, stack_json_kind(v));
	*out = v;
	return 0;
}

static int opt_array(struct stack_rctx *c, const cJSON *o, const char *k, const char *where,
		     const cJSON **out, struct fg_err *err)
{
	*out = NULL;
	return item(o, k) == NULL ? 0 : need_array(c, o, k, where, out, err);
}

/* ------------------------------------------------------------ the world */

typedef bool (*visit_f)(const cJSON *res, const char *account, const char *region, void *arg);

/*
 * The first resource of type for which f says yes: among this stack's resources deployed so
 * far in this change, then in the other stacks (this stack's old version is being replaced).
 */
static const cJSON *visit(const struct stack_rctx *c, const char *type, visit_f f, void *arg)
{
	const cJSON *r, *doc;

	cJSON_ArrayForEach(r, c->deployed) {
		if (strcmp(str(r, "Type"), type) == 0 && f(r, c->account, c->region, arg))
			return r;
	}
	cJSON_ArrayForEach(doc, stack_world_stacks(c->world)) {
		if (strcmp(str(doc, "Name"), c->stack_name) == 0)
			continue;
		cJSON_ArrayForEach(r, item(doc, "Resources")) {
			if (strcmp(str(r, "Type"), type) == 0 &&
			    f(r, str(doc, "Account"), str(doc, "Region"), arg))
				return r;
		}
	}
	return NULL;
}

struct name_probe {
	const char *attr, *name, *account, *region;
};

static bool same_name(const cJSON *r, const char *account, const char *region, void *arg)
{
	struct name_probe *p = arg;
	const char *n = str(item(r, "Attributes"), p->attr);

	return n != NULL && strcmp(n, p->name) == 0 && strcmp(account, p->account) == 0 &&
	       strcmp(region, p->region) == 0;
}

static const cJSON *find(const struct stack_rctx *c, const char *type, const char *phys)
{
	return phys != NULL ? stack_rctx_find(c, type, phys) : NULL;
}

/* The subnet's document (availability zone, CIDR), when frontgate knows the subnet. */
static const cJSON *subnet_doc(const struct stack_rctx *c, const char *id)
{
	return find(c, "AWS::EC2::Subnet", id);
}

/* A CIDR "a.b.c.d/n" as network and prefix length. */
static bool cidr_parse(const char *cidr, uint32_t *net, int *len)
{
	char ip[64];
	const char *slash = cidr ? strchr(cidr, '/') : NULL;
	struct in_addr a;

	if (slash == NULL || (size_t)(slash - cidr) >= sizeof(ip))
		return false;
	snprintf(ip, sizeof(ip), "%.*s", (int)(slash - cidr), cidr);
	*len = atoi(slash + 1);
	if (inet_pton(AF_INET, ip, &a) != 1 || *len < 0 || *len > 32)
		return false;
	*net = ntohl(a.s_addr) & (*len ? (uint32_t)(0xffffffffu << (32 - *len)) : 0);
	return true;
}

/* ------------------------------------------------------------------ names */

/*
 * The name CloudFormation gives a load balancer or target group it names itself: five
 * characters of the stack name, five of the logical id and 13 random ones, as
 * "awseb-AWSEB-1BQF9R7O2J7IW" (shape UNCONFIRMED beyond such examples).
 */
static void generated_name(const struct stack_rctx *c, const char *salt, char out[40])
{
	char rnd[14];

	stack_derived_id(c, salt, UPPER_ALNUM, 12, rnd + 1);
	rnd[0] = '1';
	rnd[13] = '\0';
	snprintf(out, 40, "%.5s-%.5s-%s", c->stack_name, c->logical_id, rnd);
	for (char *p = out; *p; p++)   /* a stack name's '-' at the cut would double */
		if (p[0] == '-' && p[1] == '-')
			p[1] = 'x';
}

/* what: "The load balancer" / "Target group" (the two say it differently). */
static int name_check(struct stack_rctx *c, struct fg_err *err, const char *what,
		      const char *name)
{
	if (strlen(name) > 32)
		return elb_err(c, err, "ValidationError", "Name",
			       "%s name '%s' cannot be longer than '32' characters", what, name);
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')  /* wording UNCONFIRMED */
			return elb_err(c, err, "ValidationError", "Name",
				       "%s name '%s' can only contain characters that are "
				       "alphanumeric characters or hyphens(-)", what, name);
	if (name[0] == '-' || name[0] == '\0' || name[strlen(name) - 1] == '-')
		return elb_err(c, err, "ValidationError", "Name",          /* UNCONFIRMED */
			       "%s name '%s' cannot begin or end with '-'", what, name);
	return 0;
}

/*
 * An update that changes one of these properties replaces the resource in CloudFormation
 * (a new name, a new ARN): forget the previous physical id unless it is pinned.
 */
static void replacement(const struct stack_rctx *c, const cJSON *props,
			const char *const *keys, char phys[256])
{
	const cJSON *old = item(c->previous, "Properties");

	if (c->previous == NULL || str(item(c->metadata, "Frontgate"), "Id") != NULL)
		return;
	for (size_t i = 0; keys[i] != NULL; i++) {
		const cJSON *a = item(old, keys[i]), *b = item(props, keys[i]);

		if ((a == NULL) != (b == NULL) || (a != NULL && !cJSON_Compare(a, b, true))) {
			phys[0] = '\0';
			return;
		}
	}
}

/* ------------------------------------------------------------ LoadBalancer */

static const char *const LB_TYPES[] = { "application", "network", "gateway", NULL };
static const char *const SCHEMES[] = { "internet-facing", "internal", NULL };
static const char *const IP_TYPES[] = { "ipv4", "dualstack", "dualstack-without-public-ipv4",
					NULL };

/* The subnets named by Subnets or SubnetMappings[].SubnetId. */
static cJSON *lb_subnets(const cJSON *props)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *s;

	cJSON_ArrayForEach(s, item(props, "Subnets"))
		if (cJSON_IsString(s))
			cJSON_AddItemToArray(out, cJSON_CreateString(s->valuestring));
	cJSON_ArrayForEach(s, item(props, "SubnetMappings"))
		if (str(s, "SubnetId") != NULL)
			cJSON_AddItemToArray(out, cJSON_CreateString(str(s, "SubnetId")));
	return out;
}

/* An Application Load Balancer needs subnets in two zones at least, one subnet per zone. */
static int lb_zones(struct stack_rctx *c, const cJSON *subnets, struct fg_err *err)
{
	const char *zones[64];
	size_t nz = 0, known = 0;
	const cJSON *s;

	cJSON_ArrayForEach(s, subnets) {
		const cJSON *sub = subnet_doc(c, s->valuestring);
		const char *az = str(item(sub, "Attributes"), "AvailabilityZone");

		if (sub == NULL) {
			stack_warn(c, "subnet %s is not an AWS::EC2::Subnet deployed in frontgate: "
				   "its availability zone is not checked", s->valuestring);
			continue;
		}
		known++;
		for (size_t i = 0; az != NULL && i < nz; i++)
			if (strcmp(zones[i], az) == 0)
				return stack_handler_err(c, err, ELB_SERVICE, 400,
					"InvalidConfigurationRequest", "Subnets",
					"A load balancer cannot be attached to multiple subnets "
					"in the same Availability Zone");
		if (az != NULL && nz < 64)
			zones[nz++] = az;
	}
	if (cJSON_GetArraySize(subnets) < 2 || (known == (size_t)cJSON_GetArraySize(subnets) &&
						nz < 2))
		return elb_err(c, err, "ValidationError", "Subnets",
			       "At least two subnets in two different Availability Zones must be "
			       "specified");
	return 0;
}

static int lb_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *type = NULL, *scheme = NULL, *ipt = NULL, *name = NULL;
	const cJSON *list;
	cJSON *subnets;
	int rc;

	if (enum_prop(c, props, "Type", "Type", LB_TYPES, &type, err) != 0 ||
	    enum_prop(c, props, "Scheme", "Scheme", SCHEMES, &scheme, err) != 0 ||
	    enum_prop(c, props, "IpAddressType", "IpAddressType", IP_TYPES, &ipt, err) != 0 ||
	    stack_opt_str(c, props, "Name", "Name", &name, err) != 0 ||
	    opt_array(c, props, "Subnets", "Subnets", &list, err) != 0 ||
	    opt_array(c, props, "SubnetMappings", "SubnetMappings", &list, err) != 0 ||
	    opt_array(c, props, "SecurityGroups", "SecurityGroups", &list, err) != 0 ||
	    opt_array(c, props, "LoadBalancerAttributes", "LoadBalancerAttributes", &list,
		      err) != 0)
		return -1;
	if (name != NULL && name_check(c, err, "The load balancer", name) != 0)
		return -1;
	if (name != NULL && strncmp(name, "internal-", 9) == 0)  /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", "Name",
			       "The load balancer name '%s' cannot begin with 'internal-'", name);
	if (name != NULL) {
		struct name_probe p = { "LoadBalancerName", name, c->account, c->region };

		if (visit(c, ELB_T_LB, same_name, &p) != NULL)   /* wording UNCONFIRMED */
			return stack_handler_err(c, err, ELB_SERVICE, 400,
				"DuplicateLoadBalancerName", "Name", "A load balancer with the "
				"same name '%s' exists, but with different settings", name);
	}
	if (type != NULL && strcmp(type, "application") != 0) {
		stack_warn(c, "Type %s: only application load balancers carry requests in "
			   "frontgate; this one is stored", type);
		return 0;
	}
	subnets = lb_subnets(props);
	rc = lb_zones(c, subnets, err);
	cJSON_Delete(subnets);
	if (rc != 0)
		return -1;
	if (cJSON_GetArraySize(item(props, "LoadBalancerAttributes")) > 0)
		stack_warn(c, "LoadBalancerAttributes are stored, not applied (idle timeout, "
			   "access logs, deletion protection, header handling)");
	return 0;
}

/* The VPC of the first subnet frontgate knows ("" when none). */
static const char *lb_vpc(const struct stack_rctx *c, const cJSON *subnets)
{
	const cJSON *s;

	cJSON_ArrayForEach(s, subnets) {
		const char *vpc = str(item(subnet_doc(c, s->valuestring), "Attributes"), "VpcId");

		if (vpc != NULL)
			return vpc;
	}
	return "";
}

/* The address the load balancer's node in its first subnet uses towards targets. */
static void lb_node_ip(const struct stack_rctx *c, const cJSON *subnets, char out[16])
{
	const cJSON *first = cJSON_GetArrayItem(subnets, 0);
	const cJSON *sub = cJSON_IsString(first) ? subnet_doc(c, first->valuestring) : NULL;
	uint32_t net = 0x0a000000u;  /* 10.0.0.0/16 when the subnet is unknown */
	int len = 16;
	char digits[7];
	struct in_addr a;

	if (sub != NULL)
		cidr_parse(str(item(sub, "Properties"), "CidrBlock"), &net, &len);
	stack_derived_id(c, "lb-node", "0123456789", 6, digits);
	digits[6] = '\0';
	a.s_addr = htonl(net + 4 + (uint32_t)(strtoul(digits, NULL, 10) %
					      ((1u << (32 - (len > 28 ? 28 : len))) - 5)));
	inet_ntop(AF_INET, &a, out, 16);
}

static const char *short_type(const char *type)
{
	return strcmp(type, "network") == 0 ? "net" : strcmp(type, "gateway") == 0 ? "gwy" : "app";
}

static int lb_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		     cJSON *state, struct fg_err *err)
{
	const char *type = str(props, "Type") ? str(props, "Type") : "application";
	const char *scheme = str(props, "Scheme") ? str(props, "Scheme") : "internet-facing";
	char name[40], id[17], num[12], dns[200], full[120], node[16];
	cJSON *subnets = lb_subnets(props);
	const cJSON *sg = item(props, "SecurityGroups");
	static const char *const replacing[] = { "Name", "Scheme", "Type", NULL };

	replacement(c, props, replacing, phys);
	if (str(props, "Name") != NULL)
		snprintf(name, sizeof(name), "%s", str(props, "Name"));
	else
		generated_name(c, "lb-name", name);
	stack_derived_id(c, "lb-id", HEX, 16, id);
	id[16] = '\0';
	stack_derived_id(c, "lb-dns", "0123456789", 9, num + 1);   /* writes the '\0' too */
	num[0] = '1';
	if (phys[0] == '\0')
		snprintf(phys, 256, "arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s/%s/%s",
			 c->region, c->account, short_type(type), name, id);
	if (strcmp(type, "network") == 0)
		snprintf(dns, sizeof(dns), "%s%s-%s.elb.%s.amazonaws.com",
			 strcmp(scheme, "internal") == 0 ? "internal-" : "", name, id, c->region);
	else
		snprintf(dns, sizeof(dns), "%s%s-%s.%s.elb.amazonaws.com",
			 strcmp(scheme, "internal") == 0 ? "internal-" : "", name, num, c->region);
	snprintf(full, sizeof(full), "%s/%s/%s", short_type(type), name, id);
	cJSON_AddStringToObject(attrs, "CanonicalHostedZoneID",
				aws_alb_zone(c->region) ? aws_alb_zone(c->region)
							: aws_alb_zone("us-east-1"));
	cJSON_AddStringToObject(attrs, "DNSName", dns);
	cJSON_AddStringToObject(attrs, "LoadBalancerArn", phys);
	cJSON_AddStringToObject(attrs, "LoadBalancerFullName", full);
	cJSON_AddStringToObject(attrs, "LoadBalancerName", name);
	cJSON_AddItemToObject(attrs, "SecurityGroups",
			      cJSON_IsArray(sg) ? cJSON_Duplicate(sg, true) : cJSON_CreateArray());
	lb_node_ip(c, subnets, node);
	cJSON_AddStringToObject(state, "VpcId", lb_vpc(c, subnets));
	cJSON_AddStringToObject(state, "NodeAddress", node);
	cJSON_Delete(subnets);
	return 0;
}

/* ------------------------------------------------------------ TargetGroup */

static const char *const TG_TYPES[] = { "instance", "ip", "lambda", "alb", NULL };
static const char *const TG_PROTOCOLS[] = { "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP",
					    "GENEVE", NULL };
static const char *const PROTOCOL_VERSIONS[] = { "HTTP1", "HTTP2", "GRPC", NULL };

/* "200", "200,403", "200-299": codes and ranges between 200 and 599. */
static bool http_codes_ok(const char *s)
{
	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s || a < 200 || a > 599)
			return false;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b > 599)
				return false;
		}
		if (*end != ',' && *end != '\0')
			return false;
		s = *end ? end + 1 : end;
	}
	return true;
}

static bool valid_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

/* Whether addr is in the VPC's CIDR; true when the VPC or its CIDR is unknown. */
static bool in_vpc(const struct stack_rctx *c, const char *vpc_id, const char *addr)
{
	const cJSON *vpc = find(c, "AWS::EC2::VPC", vpc_id);
	uint32_t net, ip;
	int len;
	struct in_addr a;

	if (vpc == NULL || !cidr_parse(str(item(vpc, "Attributes"), "CidrBlock"), &net, &len) ||
	    inet_pton(AF_INET, addr, &a) != 1)
		return true;
	ip = ntohl(a.s_addr);
	return len == 0 || (ip & (uint32_t)(0xffffffffu << (32 - len))) == net;
}

static bool instance_id(const char *s)
{
	size_t n = strlen(s);

	return strncmp(s, "i-", 2) == 0 && (n == 10 || n == 19) && strspn(s + 2, HEX) == n - 2;
}

static int tg_target(struct stack_rctx *c, const cJSON *t, int i, const char *type,
		     const char *vpc, struct fg_err *err)
{
	char where[64];
	const char *id = NULL, *az = NULL;
	long long port = 0;

	snprintf(where, sizeof(where), "Targets/%d", i);
	if (stack_need_str(c, t, "Id", &id, err) != 0 ||
	    stack_opt_str(c, t, "AvailabilityZone", where, &az, err) != 0 ||
	    int_prop(c, t, "Port", where, 1, 65535, &port, err) != 0)
		return -1;
	if (strcmp(type, "ip") == 0 && !valid_ipv4(id))
		return elb_err(c, err, "ValidationError", "Targets",
			       "The IP address '%s' is not a valid IPv4 address", id);
	if (strcmp(type, "ip") == 0 && (az == NULL || strcmp(az, "all") != 0) &&
	    !in_vpc(c, vpc, id))
		return elb_err(c, err, "ValidationError", "Targets",
			       "The Availability Zone is required for IP address '%s' because it "
			       "is not in the VPC", id);
	if (strcmp(type, "instance") == 0 && !instance_id(id))
		return elb_err(c, err, "ValidationError", "Targets", "Instance ID '%s' is not valid",
			       id);
	return 0;
}

static int tg_health(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	static const char *const hc_protocols[] = { "HTTP", "HTTPS", "TCP", "TLS", "UDP",
						    "TCP_UDP", "GENEVE", NULL };
	const char *hp = NULL, *path = NULL, *codes = NULL;
	long long v;

	if (enum_prop(c, props, "HealthCheckProtocol", "HealthCheckProtocol", hc_protocols, &hp,
		      err) != 0 ||
	    stack_opt_str(c, props, "HealthCheckPath", "HealthCheckPath", &path, err) != 0 ||
	    int_prop(c, props, "HealthCheckIntervalSeconds", "HealthCheckIntervalSeconds", 5, 300,
		     &v, err) != 0 ||
	    int_prop(c, props, "HealthCheckTimeoutSeconds", "HealthCheckTimeoutSeconds", 2, 120,
		     &v, err) != 0 ||
	    int_prop(c, props, "HealthyThresholdCount", "HealthyThresholdCount", 2, 10, &v,
		     err) != 0 ||
	    int_prop(c, props, "UnhealthyThresholdCount", "UnhealthyThresholdCount", 2, 10, &v,
		     err) != 0 ||
	    stack_opt_str(c, item(props, "Matcher"), "HttpCode", "Matcher/HttpCode", &codes,
			  err) != 0)
		return -1;
	if (path != NULL && path[0] != '/')   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", "HealthCheckPath",
			       "Health check path must begin with a '/' character");
	if (codes != NULL && !http_codes_ok(codes))   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", "Matcher",
			       "Health check matcher HTTP code '%s' must be a code or a range of "
			       "codes between 200 and 599, separated by commas", codes);
	return 0;
}

static int tg_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *type = NULL, *proto = NULL, *pv = NULL, *name = NULL, *vpc = NULL;
	const cJSON *targets, *t;
	long long port = 0;
	int i = 0;

	if (enum_prop(c, props, "TargetType", "TargetType", TG_TYPES, &type, err) != 0 ||
	    enum_prop(c, props, "Protocol", "Protocol", TG_PROTOCOLS, &proto, err) != 0 ||
	    enum_prop(c, props, "ProtocolVersion", "ProtocolVersion", PROTOCOL_VERSIONS, &pv,
		      err) != 0 ||
	    stack_opt_str(c, props, "Name", "Name", &name, err) != 0 ||
	    stack_opt_str(c, props, "VpcId", "VpcId", &vpc, err) != 0 ||
	    int_prop(c, props, "Port", "Port", 1, 65535, &port, err) != 0 ||
	    opt_array(c, props, "Targets", "Targets", &targets, err) != 0 ||
	    tg_health(c, props, err) != 0)
		return -1;
	type = type ? type : "instance";
	if (name != NULL && name_check(c, err, "Target group", name) != 0)
		return -1;
	if (name != NULL) {
		struct name_probe p = { "TargetGroupName", name, c->account, c->region };

		if (visit(c, ELB_T_TG, same_name, &p) != NULL)   /* wording UNCONFIRMED */
			return stack_handler_err(c, err, ELB_SERVICE, 400,
				"DuplicateTargetGroupName", "Name", "A target group with the "
				"same name '%s' exists, but with different settings", name);
	}
	if (strcmp(type, "lambda") != 0) {   /* wording UNCONFIRMED */
		if (proto == NULL)
			return elb_err(c, err, "ValidationError", "Protocol", "A protocol must be "
				       "specified");
		if (item(props, "Port") == NULL)
			return elb_err(c, err, "ValidationError", "Port", "A port must be specified");
		if (vpc == NULL)
			return elb_err(c, err, "ValidationError", "VpcId", "A VPC ID must be "
				       "specified");
		if (find(c, "AWS::EC2::VPC", vpc) == NULL)
			stack_warn(c, "VpcId %s is not an AWS::EC2::VPC deployed in frontgate; "
				   "target addresses are not checked against it", vpc);
	}
	cJSON_ArrayForEach(t, targets) {
		if (tg_target(c, t, i++, type, vpc, err) != 0)
			return -1;
	}
	if (strcmp(type, "ip") != 0)
		stack_warn(c, "TargetType %s: only ip targets carry requests in frontgate (to VPC "
			   "endpoint network interfaces); requests forwarded here answer 501", type);
	if (strcmp(type, "lambda") != 0)
		stack_warn(c, "health checks are accepted, not performed: every target is treated "
			   "as healthy");
	return 0;
}

static int tg_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		     cJSON *state, struct fg_err *err)
{
	static const char *const replacing[] = { "Name", "Port", "Protocol", "VpcId", "TargetType",
						 "ProtocolVersion", NULL };
	char name[40], id[17], full[80];

	replacement(c, props, replacing, phys);
	if (str(props, "Name") != NULL)
		snprintf(name, sizeof(name), "%s", str(props, "Name"));
	else
		generated_name(c, "tg-name", name);
	stack_derived_id(c, "tg-id", HEX, 16, id);
	id[16] = '\0';
	if (phys[0] == '\0')
		snprintf(phys, 256, "arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s",
			 c->region, c->account, name, id);
	snprintf(full, sizeof(full), "targetgroup/%s/%s", name, id);
	cJSON_AddItemToObject(attrs, "LoadBalancerArns", cJSON_CreateArray());
	cJSON_AddStringToObject(attrs, "TargetGroupArn", phys);
	cJSON_AddStringToObject(attrs, "TargetGroupFullName", full);
	cJSON_AddStringToObject(attrs, "TargetGroupName", name);
	return 0;
}

/* ---------------------------------------------------------------- actions */

static const char *const ACTION_TYPES[] = { "forward", "fixed-response", "redirect",
					    "authenticate-oidc", "authenticate-cognito", NULL };
static const char *const CONTENT_TYPES[] = { "text/plain", "text/css", "text/html",
					     "application/javascript", "application/json", NULL };

static int forward_check(struct stack_rctx *c, const cJSON *a, const char *where,
			 struct fg_err *err)
{
	const cJSON *groups = item(item(a, "ForwardConfig"), "TargetGroups"), *g;
	const char *arn = str(a, "TargetGroupArn");

	if (arn == NULL && cJSON_GetArraySize(groups) == 0)   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", where,
			       "A target group ARN must be specified for a forward action");
	if (arn != NULL && find(c, ELB_T_TG, arn) == NULL)
		return stack_handler_err(c, err, ELB_SERVICE, 400, "TargetGroupNotFound", where,
					 "One or more target groups not found");
	cJSON_ArrayForEach(g, groups) {
		long long w = 1;

		if (int_prop(c, g, "Weight", where, 0, 999, &w, err) != 0)
			return -1;
		if (find(c, ELB_T_TG, str(g, "TargetGroupArn")) == NULL)
			return stack_handler_err(c, err, ELB_SERVICE, 400, "TargetGroupNotFound",
						 where, "One or more target groups not found");
	}
	return 0;
}

static int fixed_check(struct stack_rctx *c, const cJSON *a, const char *where,
		       struct fg_err *err)
{
	const cJSON *f = item(a, "FixedResponseConfig");
	const char *code = NULL, *ct = NULL, *body = NULL;

	if (f == NULL)   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", where,
			       "A fixed response action must specify FixedResponseConfig");
	if (stack_need_str(c, f, "StatusCode", &code, err) != 0 ||
	    enum_prop(c, f, "ContentType", where, CONTENT_TYPES, &ct, err) != 0 ||
	    stack_opt_str(c, f, "MessageBody", where, &body, err) != 0)
		return -1;
	if (strlen(code) != 3 || strspn(code, "0123456789") != 3 ||
	    (code[0] != '2' && code[0] != '4' && code[0] != '5'))
		return stack_schema_err(c, err, where, "#/%s/FixedResponseConfig/StatusCode: "
					"string [%s] does not match pattern ^(2|4|5)\\d\\d$",
					where, code);
	if (body != NULL && strlen(body) > 1024)
		return stack_schema_err(c, err, where, "#/%s/FixedResponseConfig/MessageBody: "
					"expected maxLength: 1024, actual: %zu", where,
					strlen(body));
	return 0;
}

static int redirect_check(struct stack_rctx *c, const cJSON *a, const char *where,
			  struct fg_err *err)
{
	static const char *const codes[] = { "HTTP_301", "HTTP_302", NULL };
	static const char *const protos[] = { "HTTP", "HTTPS", "#{protocol}", NULL };
	const cJSON *r = item(a, "RedirectConfig");
	const char *code = NULL, *proto = NULL, *path = NULL;

	if (r == NULL)   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", where,
			       "A redirect action must specify RedirectConfig");
	if (stack_need_str(c, r, "StatusCode", &code, err) != 0 ||
	    enum_prop(c, r, "Protocol", where, protos, &proto, err) != 0 ||
	    stack_opt_str(c, r, "Path", where, &path, err) != 0)
		return -1;
	if (!one_of(code, codes))
		return stack_schema_err(c, err, where, "#/%s/RedirectConfig/StatusCode: %s is not "
					"a valid enum value", where, code);
	if (path != NULL && path[0] != '/')   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", where,
			       "The redirect path '%s' must start with a '/'", path);
	return 0;
}

/* DefaultActions / Actions: types, their configs, exactly one final action. */
static int actions_check(struct stack_rctx *c, const cJSON *list, const char *prop,
			 struct fg_err *err)
{
	const cJSON *a;
	int i = 0, terminal = 0;

	if (cJSON_GetArraySize(list) == 0)   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", prop, "At least one action must be "
			       "specified");
	cJSON_ArrayForEach(a, list) {
		char where[64];
		const char *type = NULL;
		long long order;
		int rc = 0;

		snprintf(where, sizeof(where), "%s/%d", prop, i++);
		if (stack_need_str(c, a, "Type", &type, err) != 0 ||
		    int_prop(c, a, "Order", where, 1, 50000, &order, err) != 0)
			return -1;
		if (!one_of(type, ACTION_TYPES))
			return stack_schema_err(c, err, where, "#/%s/Type: %s is not a valid enum "
						"value", where, type);
		if (strcmp(type, "forward") == 0)
			rc = forward_check(c, a, where, err);
		else if (strcmp(type, "fixed-response") == 0)
			rc = fixed_check(c, a, where, err);
		else if (strcmp(type, "redirect") == 0)
			rc = redirect_check(c, a, where, err);
		else
			stack_warn(c, "%s: %s actions are not emulated; requests that reach them "
				   "answer 501", where, type);
		if (rc != 0)
			return -1;
		terminal += strncmp(type, "authenticate-", 13) != 0;
	}
	if (terminal != 1)   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", prop, "You must specify exactly one "
			       "forward, fixed-response or redirect action");
	return 0;
}

/* --------------------------------------------------------------- Listener */

static const char *const LISTENER_PROTOCOLS[] = { "HTTP", "HTTPS", "TCP", "TLS", "UDP",
						  "TCP_UDP", "GENEVE", NULL };

struct port_probe {
	const char *lb;
	long long port;
};

static bool same_port(const cJSON *r, const char *account, const char *region, void *arg)
{
	struct port_probe *p = arg;
	const cJSON *props = item(r, "Properties");
	long long port = -1;
	const cJSON *v = item(props, "Port");

	if (cJSON_IsNumber(v))
		port = (long long)v->valuedouble;
	else if (cJSON_IsString(v))
		port = atoll(v->valuestring);
	return str(props, "LoadBalancerArn") != NULL &&
	       strcmp(str(props, "LoadBalancerArn"), p->lb) == 0 && port == p->port;
}

static int certs_check(struct stack_rctx *c, const cJSON *certs, const char *lb_region,
		       struct fg_err *err)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, certs) {
		const char *arn = str(x, "CertificateArn");
		char region[64] = "";

		if (arn == NULL)
			return stack_schema_err(c, err, "Certificates", "#/Certificates: required "
						"key [CertificateArn] not found");
		if (sscanf(arn, "arn:%*[a-z-]:acm:%63[a-z0-9-]:", region) == 1 &&
		    strcmp(region, lb_region) != 0)   /* a certificate of another region */
			return stack_handler_err(c, err, ELB_SERVICE, 400, "CertificateNotFound",
						 "Certificates", "Certificate '%s' not found", arn);
		if (find(c, "AWS::CertificateManager::Certificate", arn) == NULL)
			stack_warn(c, "certificate %s is not an ACM certificate deployed in "
				   "frontgate: the listener is served, the certificate is not "
				   "checked", arn);
	}
	return 0;
}

static int tls_check(struct stack_rctx *c, const cJSON *props, const char *proto,
		     const char *lb_region, struct fg_err *err)
{
	const char *policy = NULL;
	const cJSON *certs = item(props, "Certificates");

	if (stack_opt_str(c, props, "SslPolicy", "SslPolicy", &policy, err) != 0)
		return -1;
	if (strcmp(proto, "HTTPS") == 0 && cJSON_GetArraySize(certs) == 0)
		return elb_err(c, err, "ValidationError", "Certificates",
			       "A certificate must be specified for HTTPS listeners");
	if (strcmp(proto, "HTTP") == 0 && (policy != NULL || cJSON_GetArraySize(certs) > 0))
		return elb_err(c, err, "ValidationError",          /* wording UNCONFIRMED */
			       policy ? "SslPolicy" : "Certificates", "%s cannot be specified "
			       "for HTTP listeners", policy ? "An SSL policy" : "Certificates");
	if (policy != NULL && strncmp(policy, "ELBSecurityPolicy-", 18) != 0)
		return stack_handler_err(c, err, ELB_SERVICE, 400, "SSLPolicyNotFound",
					 "SslPolicy", "SSL policy '%s' not found", policy);
	return certs_check(c, certs, lb_region, err);
}

static int listener_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *lb_arn = NULL, *proto = NULL, *mode;
	const cJSON *acts = NULL, *lb = NULL, *certs = NULL;
	long long port = 0;

	if (stack_need_str(c, props, "LoadBalancerArn", &lb_arn, err) != 0 ||
	    need_array(c, props, "DefaultActions", "DefaultActions", &acts, err) != 0 ||
	    enum_prop(c, props, "Protocol", "Protocol", LISTENER_PROTOCOLS, &proto, err) != 0 ||
	    int_prop(c, props, "Port", "Port", 1, 65535, &port, err) != 0 ||
	    opt_array(c, props, "Certificates", "Certificates", &certs, err) != 0)
		return -1;
	if ((lb = find(c, ELB_T_LB, lb_arn)) == NULL)
		return stack_handler_err(c, err, ELB_SERVICE, 400, "LoadBalancerNotFound",
					 "LoadBalancerArn", "One or more load balancers not found");
	if (str(item(lb, "Properties"), "Type") == NULL ||
	    strcmp(str(item(lb, "Properties"), "Type"), "application") == 0) {
		if (proto == NULL || item(props, "Port") == NULL)   /* wording UNCONFIRMED */
			return elb_err(c, err, "ValidationError", proto ? "Port" : "Protocol",
				       "A listener of an application load balancer needs a %s",
				       proto ? "port" : "protocol");
		if (strcmp(proto, "HTTP") != 0 && strcmp(proto, "HTTPS") != 0)
			return elb_err(c, err, "ValidationError", "Protocol",
				       "Listener protocol '%s' must be one of 'HTTPS, HTTP'", proto);
		if (tls_check(c, props, proto, c->region, err) != 0)
			return -1;
	}
	{
		struct port_probe p = { lb_arn, port };

		if (visit(c, ELB_T_LISTENER, same_port, &p) != NULL)
			return stack_handler_err(c, err, ELB_SERVICE, 400, "DuplicateListener",
						 "Port", "A listener already exists on this port for "
						 "this load balancer '%s'", lb_arn);
	}
	mode = str(item(props, "MutualAuthentication"), "Mode");
	if (mode != NULL && strcmp(mode, "off") != 0)
		stack_warn(c, "MutualAuthentication mode %s is not emulated: clients are not asked "
			   "for certificates", mode);
	return actions_check(c, acts, "DefaultActions", err);
}

/* "arn:...:loadbalancer/app/{name}/{id}" -> "app/{name}/{id}" */
static const char *lb_part(const char *lb_arn)
{
	const char *p = strstr(lb_arn, ":loadbalancer/");

	return p ? p + 14 : "app/unknown/0";
}

static int listener_create(struct stack_rctx *c, const cJSON *props, char phys[256],
			   cJSON *attrs, cJSON *state, struct fg_err *err)
{
	static const char *const replacing[] = { "LoadBalancerArn", NULL };
	char id[17];

	replacement(c, props, replacing, phys);
	stack_derived_id(c, "listener-id", HEX, 16, id);
	id[16] = '\0';
	if (phys[0] == '\0')
		snprintf(phys, 256, "arn:aws:elasticloadbalancing:%s:%s:listener/%s/%s", c->region,
			 c->account, lb_part(str(props, "LoadBalancerArn")), id);
	cJSON_AddStringToObject(attrs, "ListenerArn", phys);
	return 0;
}

/* ------------------------------------------------------------ ListenerRule */

static const char *const FIELDS[] = { "path-pattern", "host-header", "http-header",
				      "http-request-method", "query-string", "source-ip", NULL };

struct prio_probe {
	const char *listener;
	long long priority;
};

static bool same_priority(const cJSON *r, const char *account, const char *region, void *arg)
{
	struct prio_probe *p = arg;
	const cJSON *props = item(r, "Properties"), *v = item(props, "Priority");
	long long prio = cJSON_IsNumber(v) ? (long long)v->valuedouble
					   : cJSON_IsString(v) ? atoll(v->valuestring) : -1;

	return str(props, "ListenerArn") != NULL &&
	       strcmp(str(props, "ListenerArn"), p->listener) == 0 && prio == p->priority;
}

/* The values of one condition (legacy Values or the field's *Config); *n counts them. */
static int cond_values(struct stack_rctx *c, const cJSON *cd, const char *field,
		       const char *where, int *n, struct fg_err *err)
{
	static const char *const cfg[] = { "PathPatternConfig", "HostHeaderConfig",
		"HttpHeaderConfig", "HttpRequestMethodConfig", "QueryStringConfig",
		"SourceIpConfig" };
	const cJSON *legacy = item(cd, "Values"), *conf = NULL, *vals, *v;
	size_t k = 0;

	while (strcmp(FIELDS[k], field) != 0)
		k++;
	conf = item(cd, cfg[k]);
	if (legacy != NULL && conf != NULL)   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", where, "You cannot specify both "
			       "'Values' and '%s' for a '%s' condition", cfg[k], field);
	if (legacy != NULL && k > 1)   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", where, "'Values' can only be used "
			       "with 'path-pattern' and 'host-header' conditions; use '%s'",
			       cfg[k]);
	if (k == 2 && str(conf, "HttpHeaderName") == NULL)
		return stack_schema_err(c, err, where, "#/%s/HttpHeaderConfig: required key "
					"[HttpHeaderName] not found", where);
	vals = legacy ? legacy : item(conf, "Values");
	cJSON_ArrayForEach(v, vals) {
		const char *s = k == 4 ? str(v, "Value") : cJSON_IsString(v) ? v->valuestring
									      : NULL;

		if (s == NULL)
			return stack_schema_err(c, err, where, "#/%s: each value must be a %s",
						where, k == 4 ? "{Key, Value} pair" : "String");
		if ((k == 0 || k == 1) && strlen(s) > 128)   /* wording UNCONFIRMED */
			return elb_err(c, err, "ValidationError", where, "A '%s' condition value "
				       "cannot be longer than 128 characters", field);
		(*n)++;
	}
	if (cJSON_GetArraySize(vals) == 0)   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", where, "A '%s' condition must have at "
			       "least one value", field);
	return 0;
}

static int conditions_check(struct stack_rctx *c, const cJSON *conds, struct fg_err *err)
{
	const cJSON *cd;
	int i = 0, values = 0;

	if (cJSON_GetArraySize(conds) == 0)   /* wording UNCONFIRMED */
		return elb_err(c, err, "ValidationError", "Conditions", "A rule must have at least "
			       "one condition");
	cJSON_ArrayForEach(cd, conds) {
		char where[64];
		const char *field = NULL;

		snprintf(where, sizeof(where), "Conditions/%d", i++);
		if (enum_prop(c, cd, "Field", where, FIELDS, &field, err) != 0)
			return -1;
		if (field == NULL)
			return stack_schema_err(c, err, where, "#/%s: required key [Field] not "
						"found", where);
		if (cond_values(c, cd, field, where, &values, err) != 0)
			return -1;
	}
	if (values > 5)   /* ELB's quota: 5 condition values per rule; wording UNCONFIRMED */
		return stack_handler_err(c, err, ELB_SERVICE, 400, "TooManyConditionValues",
					 "Conditions", "A rule can only have '5' condition values");
	return 0;
}

static int rule_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *listener = NULL;
	const cJSON *conds = NULL, *acts = NULL;
	long long prio = 0;

	if (stack_need_str(c, props, "ListenerArn", &listener, err) != 0 ||
	    need_array(c, props, "Conditions", "Conditions", &conds, err) != 0 ||
	    need_array(c, props, "Actions", "Actions", &acts, err) != 0 ||
	    int_prop(c, props, "Priority", "Priority", 1, 50000, &prio, err) != 0)
		return -1;
	if (item(props, "Priority") == NULL)
		return stack_schema_err(c, err, "", "#: required key [Priority] not found");
	if (find(c, ELB_T_LISTENER, listener) == NULL)
		return stack_handler_err(c, err, ELB_SERVICE, 400, "ListenerNotFound",
					 "ListenerArn", "One or more listeners not found");
	{
		struct prio_probe p = { listener, prio };

		if (visit(c, ELB_T_RULE, same_priority, &p) != NULL)
			return stack_handler_err(c, err, ELB_SERVICE, 400, "PriorityInUse",
						 "Priority", "Priority '%lld' is currently in use",
						 prio);
	}
	return conditions_check(c, conds, err) != 0 ? -1 : actions_check(c, acts, "Actions", err);
}

static int rule_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
		       cJSON *state, struct fg_err *err)
{
	const char *l = str(props, "ListenerArn"), *p = strstr(l, ":listener/");
	static const char *const replacing[] = { "ListenerArn", NULL };
	char id[17];

	replacement(c, props, replacing, phys);
	stack_derived_id(c, "rule-id", HEX, 16, id);
	id[16] = '\0';
	if (phys[0] == '\0')
		snprintf(phys, 256, "arn:aws:elasticloadbalancing:%s:%s:listener-rule/%s/%s",
			 c->region, c->account, p ? p + 10 : "app/unknown/0/0", id);
	cJSON_AddStringToObject(attrs, "RuleArn", phys);
	cJSON_AddBoolToObject(attrs, "IsDefault", false);
	return 0;
}

/* ----------------------------------------------------- ListenerCertificate */

static int lcert_validate(struct stack_rctx *c, const cJSON *props, struct fg_err *err)
{
	const char *listener = NULL;
	const cJSON *certs = NULL;

	if (stack_need_str(c, props, "ListenerArn", &listener, err) != 0 ||
	    need_array(c, props, "Certificates", "Certificates", &certs, err) != 0)
		return -1;
	if (find(c, ELB_T_LISTENER, listener) == NULL)
		return stack_handler_err(c, err, ELB_SERVICE, 400, "ListenerNotFound",
					 "ListenerArn", "One or more listeners not found");
	return certs_check(c, certs, c->region, err);
}

static int lcert_create(struct stack_rctx *c, const cJSON *props, char phys[256], cJSON *attrs,
			cJSON *state, struct fg_err *err)
{
	if (phys[0] == '\0')
		stack_default_physical_id(c, phys);
	return 0;
}

static const struct stack_rtype LB_T = { ELB_T_LB, lb_validate, lb_create, NULL, NULL };
static const struct stack_rtype TG_T = { ELB_T_TG, tg_validate, tg_create, NULL, NULL };
static const struct stack_rtype LISTENER_T = { ELB_T_LISTENER, listener_validate,
					       listener_create, NULL, NULL };
static const struct stack_rtype RULE_T = { ELB_T_RULE, rule_validate, rule_create, NULL,
					   NULL };
static const struct stack_rtype LCERT_T = { ELB_T_LCERT, lcert_validate, lcert_create, NULL,
					    NULL };

void elb_types_register(struct stack_registry *r, void *svc)
{
	stack_registry_add(r, &LB_T, svc);
	stack_registry_add(r, &TG_T, svc);
	stack_registry_add(r, &LISTENER_T, svc);
	stack_registry_add(r, &RULE_T, svc);
	stack_registry_add(r, &LCERT_T, svc);
}
